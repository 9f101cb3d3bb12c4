package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// schemaOf returns the schema as `vpcdns schema` prints it, read back.
func schemaOf(t *testing.T) map[string]any {
	t.Helper()
	out, err := MarshalSchema()
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(out, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSchemaHasEveryField walks the decoder's types and checks that every
// key the decoder reads is in the schema with the schema type of its Go
// type, so the schema cannot fall behind the decoder.
func TestSchemaHasEveryField(t *testing.T) {
	s := schemaOf(t)
	if s["$schema"] != SchemaDialect {
		t.Errorf("$schema = %v; want %s", s["$schema"], SchemaDialect)
	}
	defs := s["$defs"].(map[string]any)
	seen := map[reflect.Type]bool{}
	var walk func(typ reflect.Type, obj map[string]any)
	walk = func(typ reflect.Type, obj map[string]any) {
		if seen[typ] {
			return
		}
		seen[typ] = true
		props, _ := obj["properties"].(map[string]any)
		if obj["additionalProperties"] != false {
			t.Errorf("%s: additionalProperties = %v; want false (the decoder refuses unknown keys)", typ.Name(), obj["additionalProperties"])
		}
		for _, f := range yamlFields(typ) {
			p, ok := props[f.key].(map[string]any)
			if !ok {
				t.Errorf("%s.%s: not in the schema", typ.Name(), f.key)
				continue
			}
			ft := elemType(f.Type)
			for ft.Kind() == reflect.Slice {
				if p["type"] != "array" {
					t.Errorf("%s.%s: type %v; want array", typ.Name(), f.key, p["type"])
				}
				p, _ = p["items"].(map[string]any)
				ft = elemType(ft.Elem())
			}
			want := map[reflect.Kind]string{reflect.String: "string", reflect.Bool: "boolean", reflect.Int: "integer", reflect.Map: "object"}[ft.Kind()]
			switch {
			case ft.Kind() == reflect.Struct:
				ref, _ := p["$ref"].(string)
				def, ok := defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
				if !ok || ref != "#/$defs/"+defName(ft) {
					t.Errorf("%s.%s: $ref %q; want #/$defs/%s", typ.Name(), f.key, ref, defName(ft))
					continue
				}
				walk(ft, def)
			case p["type"] != want:
				t.Errorf("%s.%s: type %v; want %s", typ.Name(), f.key, p["type"], want)
			}
		}
		if len(props) != len(yamlFields(typ)) {
			t.Errorf("%s: %d properties in the schema; the decoder reads %d keys", typ.Name(), len(props), len(yamlFields(typ)))
		}
	}
	walk(reflect.TypeFor[File](), s)
	if len(defs) != len(seen)-1 {
		t.Errorf("%d $defs; want one per type that File holds (%d)", len(defs), len(seen)-1)
	}
}

// TestFieldDocsInStep checks the documentation of the keys: every field of
// the types declared in file.go has an entry, and every entry names a key
// the decoder reads (a renamed key cannot leave its old documentation).
func TestFieldDocsInStep(t *testing.T) {
	keys := map[string]bool{}
	types := map[string]reflect.Type{}
	var walk func(typ reflect.Type)
	walk = func(typ reflect.Type) {
		if _, ok := types[typ.Name()]; ok {
			return
		}
		types[typ.Name()] = typ
		for _, f := range yamlFields(typ) {
			keys[typ.Name()+"."+f.key] = true
			ft := elemType(f.Type)
			for ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map {
				ft = elemType(ft.Elem())
			}
			if ft.Kind() == reflect.Struct {
				walk(ft)
			}
		}
	}
	walk(reflect.TypeFor[File]())
	for k := range fieldDocs {
		if !keys[k] {
			t.Errorf("fieldDocs[%q]: no such key in the decoder's types", k)
		}
	}
	for _, name := range typesDeclaredIn(t, "file.go") {
		typ, ok := types[name]
		if !ok {
			continue
		}
		for _, f := range yamlFields(typ) {
			d, ok := fieldDocs[name+"."+f.key]
			if !ok || d.desc == "" {
				t.Errorf("%s.%s: no description in fieldDocs (schema_docs.go)", name, f.key)
			}
		}
	}
}

// typesDeclaredIn returns the names of the types declared in a Go file of
// this package.
func typesDeclaredIn(t *testing.T, file string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
			for _, spec := range g.Specs {
				names = append(names, spec.(*ast.TypeSpec).Name.Name)
			}
		}
	}
	if len(names) == 0 {
		t.Fatalf("no types in %s", file)
	}
	return names
}

// TestSchemaValidatesExamples checks valid files against the schema, and
// that files the decoder refuses are refused by the schema too (so the
// validator below can fail).
func TestSchemaValidatesExamples(t *testing.T) {
	s := schemaOf(t)
	valid := map[string][]byte{
		"example":   ExampleYAML(),
		"base":      readTestdata(t, "base.yaml"),
		"zone-file": readTestdata(t, "zone-file.yaml"),
	}
	for name, data := range valid {
		t.Run(name, func(t *testing.T) {
			if errs := validateYAML(t, s, data); len(errs) > 0 {
				t.Errorf("the schema refuses a valid file:\n%s", strings.Join(errs, "\n"))
			}
		})
	}
	example := string(ExampleYAML())
	invalid := []struct{ name, old, new, want string }{
		{"unknown key", "    enable_dns_support: true\n", "    enable_dns_suport: true\n", "vpcs[0].enable_dns_suport: not allowed"},
		{"wrong type", "    enable_dns_support: true\n", "    enable_dns_support: [true]\n", "vpcs[0].enable_dns_support: want boolean"},
		{"not in enum", "    direction: outbound ", "    direction: outward ", "resolver_endpoints[0].direction: \"outward\" not one of"},
		{"required key missing", "    rule_type: forward\n", "", "resolver_rules[0]: rule_type is required"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			data := strings.Replace(example, tt.old, tt.new, 1)
			if data == example {
				t.Fatalf("%q is not in the example", tt.old)
			}
			if _, _, err := Parse([]byte(data), "n.yaml", "example"); err == nil {
				t.Fatalf("the decoder accepts it; the case tests nothing")
			}
			errs := validateYAML(t, s, []byte(data))
			if !slices.ContainsFunc(errs, func(e string) bool { return strings.HasPrefix(e, tt.want) }) {
				t.Errorf("got %q; want one starting with %q", errs, tt.want)
			}
		})
	}
}

// TestSchemaRequiredIsRequired checks each key the schema requires: taking
// it out of the example (wherever the example has one) makes the file
// invalid, so an editor never marks a valid file as wrong.
func TestSchemaRequiredIsRequired(t *testing.T) {
	s := schemaOf(t)
	defs := s["$defs"].(map[string]any)
	var doc yaml.Node
	if err := yaml.Unmarshal(ExampleYAML(), &doc); err != nil {
		t.Fatal(err)
	}
	checked := map[string]bool{}
	var walk func(n *yaml.Node, schema map[string]any, path string)
	walk = func(n *yaml.Node, schema map[string]any, path string) {
		if ref, ok := schema["$ref"].(string); ok {
			walk(n, defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any), path)
			return
		}
		switch n.Kind {
		case yaml.SequenceNode:
			items, _ := schema["items"].(map[string]any)
			for i, c := range n.Content {
				walk(c, items, index(path, i))
			}
		case yaml.MappingNode:
			props, _ := schema["properties"].(map[string]any)
			req, _ := schema["required"].([]any)
			for i := 0; i+1 < len(n.Content); i += 2 {
				key := n.Content[i].Value
				if slices.Contains(req, any(key)) {
					saved := n.Content
					n.Content = slices.Delete(slices.Clone(n.Content), i, i+2)
					var buf bytes.Buffer
					if err := yaml.NewEncoder(&buf).Encode(&doc); err != nil {
						t.Fatal(err)
					}
					n.Content = saved
					if _, _, err := Parse(buf.Bytes(), "n.yaml", "example"); err == nil {
						t.Errorf("%s: the schema requires %s, but the file is valid without it", path, key)
					}
					checked[key] = true
				}
				if p, ok := props[key].(map[string]any); ok {
					walk(n.Content[i+1], p, field(path, key))
				}
			}
		}
	}
	walk(doc.Content[0], s, "")
	if len(checked) < 10 {
		t.Errorf("checked only %d required keys; the example should exercise more", len(checked))
	}
}

// validateYAML decodes data as yaml and validates it against the schema.
func validateYAML(t *testing.T, schema map[string]any, data []byte) []string {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	// Through JSON, as an editor sees the document: integers as numbers.
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return validate(schema, schema, v, "")
}

// validate is a JSON Schema validator for the part of draft 2020-12 that
// JSONSchema emits: $ref to $defs, type, properties, additionalProperties
// (false or a schema), required, items and enum.
func validate(root, s map[string]any, v any, path string) []string {
	if ref, ok := s["$ref"].(string); ok {
		def, _ := root["$defs"].(map[string]any)[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		if def == nil {
			return []string{path + ": unresolved $ref " + ref}
		}
		return validate(root, def, v, path)
	}
	where := path
	if where == "" {
		where = "(document)"
	}
	var errs []string
	if typ, ok := s["type"].(string); ok && !hasType(v, typ) {
		return []string{fmt.Sprintf("%s: want %s, got %T", where, typ, v)}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %q not one of %v", where, v, enum))
	}
	switch v := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for _, r := range asList(s["required"]) {
			if _, ok := v[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: %s is required", where, r))
			}
		}
		for k, val := range v {
			kp := field(path, k)
			if props == nil {
				kp = mapKey(path, k)
			}
			if p, ok := props[k].(map[string]any); ok {
				errs = append(errs, validate(root, p, val, kp)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					errs = append(errs, kp+": not allowed")
				}
			case map[string]any:
				errs = append(errs, validate(root, ap, val, kp)...)
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range v {
				errs = append(errs, validate(root, items, e, index(path, i))...)
			}
		}
	}
	return errs
}

func asList(v any) []any { l, _ := v.([]any); return l }

func hasType(v any, typ string) bool {
	switch v := v.(type) {
	case map[string]any:
		return typ == "object"
	case []any:
		return typ == "array"
	case string:
		return typ == "string"
	case bool:
		return typ == "boolean"
	case float64:
		return typ == "number" || typ == "integer" && v == float64(int64(v))
	case nil:
		return typ == "null"
	}
	return false
}
