package config

import (
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// nodeEntry is one node of a decoded yaml document with the field path it
// stands for and the Go type the schema expects there.
type nodeEntry struct {
	path  string
	line  int
	col   int
	key   bool // a mapping key (path is the path of the field it names)
	kind  yaml.Kind
	value string
	typ   reflect.Type // expected type of the value; nil when unknown
	owner reflect.Type // for keys: the struct the key belongs to, if any
}

// nodeIndex maps the nodes of a yaml document to field paths, so that yaml's
// line-numbered messages and Validate's paths can be joined.
type nodeIndex struct {
	entries []nodeEntry
	used    []bool
	keys    map[string]position // where the key of each path is first written
	values  map[string]position // where the value of each path is first written
	scalars map[string][]string // every scalar value written at each path
}

// position is a 1-based line and column of a yaml file.
type position struct{ line, col int }

// buildIndex walks doc, following the schema type root (File) to name the
// paths the way Validate does: struct keys as ".key", map keys as ["key"],
// list items as [i]. Aliases are not followed: their content is indexed
// where the anchor is.
func buildIndex(doc *yaml.Node, root reflect.Type) *nodeIndex {
	ix := newIndex()
	ix.walk(doc, root, "")
	ix.used = make([]bool, len(ix.entries))
	return ix
}

func newIndex() *nodeIndex {
	return &nodeIndex{keys: map[string]position{}, values: map[string]position{}, scalars: map[string][]string{}}
}

func (ix *nodeIndex) record(e nodeEntry) {
	ix.entries = append(ix.entries, e)
	if e.path == "" {
		return
	}
	at := ix.values
	if e.key {
		at = ix.keys
	} else if e.kind == yaml.ScalarNode {
		ix.scalars[e.path] = append(ix.scalars[e.path], e.value)
	}
	if _, ok := at[e.path]; !ok {
		at[e.path] = position{e.line, e.col}
	}
}

func (ix *nodeIndex) walk(n *yaml.Node, t reflect.Type, path string) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.DocumentNode {
		for _, c := range n.Content {
			ix.walk(c, t, path)
		}
		return
	}
	ix.record(nodeEntry{path: path, line: n.Line, col: n.Column, kind: n.Kind, value: n.Value, typ: t})
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			childPath, childType, owner := field(path, k.Value), reflect.Type(nil), reflect.Type(nil)
			if t != nil {
				switch t.Kind() {
				case reflect.Struct:
					owner = t
					if sf, ok := structField(t, k.Value); ok {
						childType = sf.Type
					}
				case reflect.Map:
					childPath, childType = mapKey(path, k.Value), t.Elem()
				}
			}
			ix.record(nodeEntry{path: childPath, line: k.Line, col: k.Column, key: true, kind: k.Kind, value: k.Value, owner: owner})
			ix.walk(v, childType, childPath)
		}
	case yaml.SequenceNode:
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i, c := range n.Content {
			ix.walk(c, elem, index(path, i))
		}
	}
}

// find returns the first unused entry on line that satisfies match, marking
// it used, or nil.
func (ix *nodeIndex) find(line int, match func(e *nodeEntry) bool) *nodeEntry {
	for i := range ix.entries {
		e := &ix.entries[i]
		if e.line == line && !ix.used[i] && match(e) {
			ix.used[i] = true
			return e
		}
	}
	return nil
}

// posOf returns where path is written: its value when value is true and
// the value is in the file (a problem with an offending value points at
// it), else its key; for a path not in the file, its nearest parent that
// is (a missing field is reported at the mapping that lacks it). The zero
// position when nothing is known.
func (ix *nodeIndex) posOf(path string, value bool) position {
	for path != "" {
		if value {
			if p, ok := ix.values[path]; ok {
				return p
			}
		}
		if p, ok := ix.keys[path]; ok {
			return p
		}
		if p, ok := ix.values[path]; ok {
			return p // a list item has no key
		}
		path, value = parentPath(path), false
	}
	return position{}
}

// resourceOf returns the id of the nearest list item holding path that has
// one (its "id", else its "name": zones and records), e.g. "rr-2" for
// resolver_rules[1].target_ips[0].ip; "" when there is none.
func (ix *nodeIndex) resourceOf(path string) string {
	for ; path != ""; path = parentPath(path) {
		if !strings.HasSuffix(path, "]") || strings.HasSuffix(path, `"]`) {
			continue
		}
		for _, k := range []string{".id", ".name"} {
			if vs := ix.scalars[path+k]; len(vs) > 0 && vs[0] != "" {
				return vs[0]
			}
		}
	}
	return ""
}

// parentPath removes the last component of a field path.
func parentPath(path string) string {
	if strings.HasSuffix(path, `"]`) {
		// A map key may hold dots or brackets: cut at its opening `["`.
		if j := strings.LastIndex(path, `["`); j >= 0 {
			return path[:j]
		}
	}
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// structField finds the field of struct t whose yaml key is key.
func structField(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.IsExported() && yamlKey(sf) == key {
			return sf, true
		}
	}
	return reflect.StructField{}, false
}

// yamlKey is the key yaml uses for a struct field.
func yamlKey(sf reflect.StructField) string {
	tag := sf.Tag.Get("yaml")
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		return strings.ToLower(sf.Name)
	}
	return name
}

// suggest returns the key of struct t closest to an unknown key, or "" when
// none is close enough to be a likely typo.
func suggest(t reflect.Type, unknown string) string {
	if t == nil || t.Kind() != reflect.Struct {
		return ""
	}
	best, bestDist := "", len(unknown)/3+1
	if bestDist > 3 {
		bestDist = 3
	}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		k := yamlKey(sf)
		if d := editDistance(strings.ToLower(unknown), k); d <= bestDist && (best == "" || d < editDistance(strings.ToLower(unknown), best)) {
			best = k
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// describe names what a value of type t looks like in yaml.
func describe(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return ""
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "a mapping"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.String:
		return "a string"
	}
	return t.String()
}

// kindName names a yaml node kind.
func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return "a scalar"
}
