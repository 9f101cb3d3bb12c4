package config

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the generated part of docs/network-yaml.md")

const (
	referenceFile  = "../../docs/network-yaml.md"
	referenceBegin = "<!-- reference: generated from internal/config/schema_docs.go by `go test ./internal/config -run Reference -update`; do not edit -->\n"
	referenceEnd   = "<!-- end of reference -->\n"
)

// TestNetworkYAMLReference keeps the key reference of docs/network-yaml.md
// in step with the decoder: its tables are generated from the decoder's
// types and fieldDocs, the same source as `vpcdns schema`.
func TestNetworkYAMLReference(t *testing.T) {
	data, err := os.ReadFile(referenceFile)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i, j := strings.Index(doc, referenceBegin), strings.Index(doc, referenceEnd)
	if i < 0 || j < i {
		t.Fatalf("%s has no generated reference between the markers %q and %q", referenceFile, referenceBegin, referenceEnd)
	}
	want := doc[:i] + referenceBegin + referenceMarkdown() + doc[j:]
	if *update {
		if err := os.WriteFile(referenceFile, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if doc != want {
		t.Errorf("%s is not in step with the decoder; run go test ./internal/config -run Reference -update", referenceFile)
	}
}

// referenceMarkdown is one table per File type: key, type, default and
// description of every key, the types in the order the file holds them.
func referenceMarkdown() string {
	var b strings.Builder
	done := map[reflect.Type]string{}
	var section func(typ reflect.Type, path string)
	section = func(typ reflect.Type, path string) {
		done[typ] = path
		title := "Top level"
		if path != "" {
			title = "`" + path + "`"
		}
		fmt.Fprintf(&b, "\n#### %s\n\n| key | type | default | description |\n|---|---|---|---|\n", title)
		var nested []yamlField
		for _, f := range yamlFields(typ) {
			d := fieldDocs[typ.Name()+"."+f.key]
			def := ""
			switch v := d.def.(type) {
			case nil:
				if !f.omitempty && elemType(f.Type).Kind() != reflect.Bool {
					def = "required"
				}
			case prose:
				def = string(v)
			case string:
				def = "`" + v + "`"
			default:
				def = fmt.Sprintf("`%v`", v)
			}
			desc := d.desc
			if len(d.enum) > 0 {
				desc += " One of `" + strings.Join(d.enum, "`, `") + "`."
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.key, typeWords(f.Type), def, strings.ReplaceAll(desc, "|", "\\|"))
			if structOf(f.Type) != nil {
				nested = append(nested, f)
			}
		}
		for _, f := range nested {
			st := structOf(f.Type)
			p := f.key
			if path != "" {
				p = path + "." + f.key
			}
			if elemType(f.Type).Kind() == reflect.Slice {
				p += "[]"
			}
			if first, ok := done[st]; ok {
				fmt.Fprintf(&b, "\n`%s` holds the same keys as `%s`.\n", p, first)
				continue
			}
			section(st, p)
		}
	}
	section(reflect.TypeFor[File](), "")
	return b.String()
}

// structOf returns the File type a field holds (itself or in a list), or nil.
func structOf(t reflect.Type) reflect.Type {
	t = elemType(t)
	for t.Kind() == reflect.Slice {
		t = elemType(t.Elem())
	}
	if t.Kind() == reflect.Struct {
		return t
	}
	return nil
}

// typeWords names a field's type for people.
func typeWords(t reflect.Type) string {
	t = elemType(t)
	switch t.Kind() {
	case reflect.Slice:
		if e := elemType(t.Elem()); e.Kind() == reflect.Struct {
			return "list of mappings"
		}
		return "list of " + typeWords(t.Elem()) + "s"
	case reflect.Map:
		return "mapping of " + typeWords(t.Key()) + " to " + typeWords(t.Elem())
	case reflect.Struct:
		return "mapping"
	case reflect.Bool:
		return "true/false"
	case reflect.Int:
		return "integer"
	}
	return "string"
}

// TestNetworkYAMLDocExample checks that the yaml blocks of the walk-through
// of docs/network-yaml.md make one valid network, as the page says.
func TestNetworkYAMLDocExample(t *testing.T) {
	data, err := os.ReadFile(referenceFile)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	start, end := strings.Index(doc, "## A small network, part by part"), strings.Index(doc, "## Reference")
	if start < 0 || end < start {
		t.Fatal("no walk-through section in docs/network-yaml.md")
	}
	var file strings.Builder
	blocks := 0
	for _, part := range strings.Split(doc[start:end], "```yaml\n")[1:] {
		block, _, ok := strings.Cut(part, "```")
		if !ok {
			t.Fatalf("an unclosed yaml block: %.40q", part)
		}
		file.WriteString(block)
		blocks++
	}
	if blocks < 5 {
		t.Fatalf("found %d yaml blocks; want the whole walk-through", blocks)
	}
	n, _, err := Parse([]byte(file.String()), "network-yaml.md", ".")
	if err != nil {
		t.Fatalf("the walk-through is not a valid network:\n%v\n%s", err, file.String())
	}
	if len(n.VPCs) != 2 || len(n.Rules) != 1 || len(n.Endpoints) != 2 {
		t.Errorf("got %d vpcs, %d rules, %d endpoints; want the walk-through's 2, 1, 2", len(n.VPCs), len(n.Rules), len(n.Endpoints))
	}
}
