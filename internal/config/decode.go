package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Decode reads network.yaml strictly: an unknown key, a duplicate key or a
// value of the wrong yaml type is a problem. Every such problem is reported
// at once as Problems, each with the field path (from a walk of the same
// document) and its line. filename only labels the problems.
//
// When the only problems are of that kind, Decode returns the File with
// everything that could be decoded alongside the error, so that Parse can
// go on to report the problems of the rest. A syntax error returns a nil
// File. An empty document is an empty File.
func Decode(data []byte, filename string) (*File, error) {
	f, _, ps := decode(data, filename)
	if len(ps) > 0 {
		return f, ps
	}
	return f, nil
}

// decode is Decode that also returns the index of the document's nodes,
// built only when asked: a valid file is parsed once, and the index (a
// second parse and a walk) is paid for only to place problems.
func decode(data []byte, filename string) (*File, func() *nodeIndex, Problems) {
	c := &collector{file: filename}
	index := sync.OnceValue(func() *nodeIndex {
		var doc yaml.Node
		if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
			return newIndex()
		}
		return buildIndex(&doc, reflect.TypeFor[File]())
	})
	if f, ok := decodeJSON(data); ok {
		return f, index, nil
	}
	f := &File{}
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	err := strict.Decode(f)
	var te *yaml.TypeError
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		return &File{}, index, nil
	case errors.As(err, &te):
		for _, msg := range te.Errors {
			c.list = append(c.list, translate(index(), filename, msg))
		}
	default:
		c.list = append(c.list, syntaxProblem(data, filename, err))
		return nil, nil, c.list
	}
	if p, ok := extraDocument(data, strict, filename); ok {
		return nil, nil, append(c.list, p)
	}
	return f, index, c.list
}

// decodeJSON reads a network file written as JSON (which is YAML too, and
// what programs usually generate) with encoding/json, many times faster
// than the YAML decoder on large networks. It reports false for anything
// else, and for JSON it cannot read strictly: the YAML decoder then reads
// the same file and reports its problems with their field paths.
func decodeJSON(data []byte) (*File, bool) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, false
	}
	f := &File{}
	d := json.NewDecoder(bytes.NewReader(trimmed))
	d.DisallowUnknownFields()
	if err := d.Decode(f); err != nil || d.More() {
		return nil, false
	}
	return f, true
}

// extraDocument reports a second yaml document with content (an empty one
// after a trailing `---` is harmless).
func extraDocument(data []byte, dec *yaml.Decoder, filename string) (Problem, bool) {
	for {
		var extra yaml.Node
		err := dec.Decode(&extra)
		switch {
		case errors.Is(err, io.EOF):
			return Problem{}, false
		case err != nil:
			return syntaxProblem(data, filename, err), true
		case len(extra.Content) == 1 && extra.Content[0].Tag == "!!null":
			continue
		}
		return Problem{File: filename, Line: extra.Line, Column: 1,
			Reason: "a network file holds one yaml document; remove everything after the first `---` separator"}, true
	}
}

// splitLine splits "line N: rest" into N and rest; N is 0 when msg has no
// line.
func splitLine(msg string) (int, string) {
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return 0, msg
	}
	num, tail, ok := strings.Cut(rest, ": ")
	if !ok {
		return 0, msg
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return 0, msg
	}
	return n, tail
}

// translate turns one message of a yaml.TypeError into a Problem with the
// field path of the node it is about. The messages have these forms (yaml
// v3): "line N: field K not found in type T", "line N: cannot unmarshal
// !!TAG `VALUE` into T", "line N: mapping key "K" already defined at line
// M", "line N: field K already set in type T".
func translate(ix *nodeIndex, filename, msg string) Problem {
	p := Problem{File: filename}
	line, rest := splitLine(msg)
	p.Line = line
	if line == 0 {
		p.Reason = msg
		return p
	}
	if key, ok := cutBetween(rest, "field ", " not found in type "); ok {
		if e := ix.find(line, func(e *nodeEntry) bool { return e.key && e.value == key }); e != nil {
			p.Path, p.Reason, p.Column = e.path, "unknown field", e.col
			if s := suggest(e.owner, key); s != "" {
				p.Reason += " (did you mean " + strconv.Quote(s) + "?)"
			}
			return p
		}
	}
	if key, ok := cutBetween(rest, "field ", " already set in type "); ok {
		if e := ix.find(line, func(e *nodeEntry) bool { return e.key && e.value == key }); e != nil {
			p.Path, p.Reason, p.Column = e.path, "is set twice", e.col
			return p
		}
	}
	if quoted, ok := cutBetween(rest, "mapping key ", " already defined at line "); ok {
		first := rest[strings.LastIndex(rest, " ")+1:]
		if key, err := strconv.Unquote(quoted); err == nil {
			if e := ix.find(line, func(e *nodeEntry) bool { return e.key && e.value == key }); e != nil {
				p.Path, p.Reason, p.Column = e.path, "duplicate key (first at line "+first+")", e.col
				return p
			}
		}
	}
	if what, ok := strings.CutPrefix(rest, "cannot unmarshal "); ok {
		if e := ix.find(line, unmarshalMatch(what)); e != nil {
			p.Path, p.Column = e.path, e.col
			want := describe(e.typ)
			if want == "" {
				want = "of another type"
			}
			if e.kind == yaml.ScalarNode {
				p.Value, p.Reason = e.value, "must be "+want
			} else {
				p.Reason = "must be " + want + ", not " + kindName(e.kind)
			}
			return p
		}
	}
	p.Reason = msg
	return p
}

// unmarshalMatch matches the node of a "cannot unmarshal !!TAG `VALUE` into
// T" message: one whose expected type is T, and a list or mapping for !!seq
// and !!map, else a scalar whose value is VALUE (yaml cuts values longer
// than 10 bytes to 7 and "...").
func unmarshalMatch(what string) func(e *nodeEntry) bool {
	into := ""
	if i := strings.LastIndex(what, " into "); i >= 0 {
		what, into = what[:i], what[i+len(" into "):]
	}
	typeOK := func(e *nodeEntry) bool { return e.typ == nil || into == "" || e.typ.String() == into }
	tag, rest, _ := strings.Cut(what, " ")
	switch tag {
	case "!!seq":
		return func(e *nodeEntry) bool { return !e.key && e.kind == yaml.SequenceNode && typeOK(e) }
	case "!!map":
		return func(e *nodeEntry) bool { return !e.key && e.kind == yaml.MappingNode && typeOK(e) }
	}
	value, ok := strings.CutPrefix(rest, "`")
	value, ok2 := strings.CutSuffix(value, "`")
	if !ok || !ok2 {
		return func(e *nodeEntry) bool { return e.kind == yaml.ScalarNode && typeOK(e) }
	}
	prefix, cut := strings.CutSuffix(value, "...")
	return func(e *nodeEntry) bool {
		if e.kind != yaml.ScalarNode || !typeOK(e) {
			return false
		}
		if cut && len(e.value) > 10 {
			return strings.HasPrefix(e.value, prefix)
		}
		return e.value == value
	}
}

// cutBetween returns what s holds between its prefix before and the last
// occurrence of after.
func cutBetween(s, before, after string) (string, bool) {
	rest, ok := strings.CutPrefix(s, before)
	if !ok {
		return "", false
	}
	i := strings.LastIndex(rest, after)
	if i < 0 {
		return "", false
	}
	return rest[:i], true
}
