package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// SchemaDialect is the JSON Schema dialect of JSONSchema.
const SchemaDialect = "https://json-schema.org/draft/2020-12/schema"

// JSONSchema returns the JSON Schema (draft 2020-12) of network.yaml,
// generated from the decoder's own types (File and what it holds: the yaml
// keys, their types, lists and maps) and documented from fieldDocs (each
// key's description, default and allowed values). A key without omitempty
// in its yaml tag, other than a boolean, is required; no other keys are
// allowed, as the decoder allows none. Editors such as yaml-language-server
// validate and complete a network.yaml with it. The schema checks the
// shape of the file; Validate checks the rest (ids, CIDRs, references).
func JSONSchema() map[string]any {
	defs := map[string]any{}
	root := objectSchema(reflect.TypeFor[File](), defs)
	root["$schema"] = SchemaDialect
	root["title"] = "vpcdns network.yaml"
	root["description"] = "A network for vpcdns: VPCs, Route 53 Resolver endpoints, rules and private hosted zones, and the network between them."
	root["$defs"] = defs
	return root
}

// MarshalSchema is JSONSchema as indented JSON, with a final newline. The
// keywords come in a fixed order ($schema and title first), the properties
// of each object in the order of the decoder's fields (the order of the
// docs), and the definitions in the order the file holds them.
func MarshalSchema() ([]byte, error) {
	w := &schemaWriter{fields: map[string][]string{}}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		t = elemType(t)
		for t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = elemType(t.Elem())
		}
		if _, ok := w.fields[defName(t)]; ok || t.Kind() != reflect.Struct {
			return
		}
		w.fields[defName(t)] = nil
		if t != reflect.TypeFor[File]() {
			w.defs = append(w.defs, defName(t))
		}
		for _, f := range yamlFields(t) {
			w.fields[defName(t)] = append(w.fields[defName(t)], f.key)
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[File]())
	if err := w.write(JSONSchema(), "", defName(reflect.TypeFor[File]())); err != nil {
		return nil, fmt.Errorf("marshal schema: %w", err)
	}
	w.b.WriteByte('\n')
	return w.b.Bytes(), nil
}

// keywordOrder is the order of the keywords of a schema object.
var keywordOrder = []string{"$schema", "title", "description", "$ref", "type", "enum", "default", "items", "required", "properties", "additionalProperties", "$defs"}

// schemaWriter writes a schema as indented JSON in a fixed order.
type schemaWriter struct {
	b      bytes.Buffer
	defs   []string            // definition names, in the order the file holds them
	fields map[string][]string // definition name → its keys in declaration order
}

// write writes the schema object s (of the definition named def, "" for
// an inline one), with its keywords in keywordOrder.
func (w *schemaWriter) write(s map[string]any, indent, def string) error {
	var keys []string
	for _, k := range keywordOrder {
		if _, ok := s[k]; ok {
			keys = append(keys, k)
		}
	}
	if len(keys) != len(s) {
		return fmt.Errorf("a schema keyword outside keywordOrder in %v", s)
	}
	return w.object(keys, indent, func(k, in string) error {
		switch k {
		case "properties":
			props := s[k].(map[string]any)
			return w.object(w.fields[def], in, func(p, in string) error { return w.write(props[p].(map[string]any), in, "") })
		case "$defs":
			defs := s[k].(map[string]any)
			return w.object(w.defs, in, func(d, in string) error { return w.write(defs[d].(map[string]any), in, d) })
		case "items", "additionalProperties":
			if sub, ok := s[k].(map[string]any); ok {
				return w.write(sub, in, "")
			}
		}
		out, err := json.MarshalIndent(s[k], in, "  ")
		w.b.Write(out)
		return err
	})
}

// object writes a JSON object with keys in order, each value by value.
func (w *schemaWriter) object(keys []string, indent string, value func(key, indent string) error) error {
	w.b.WriteString("{")
	for i, k := range keys {
		if i > 0 {
			w.b.WriteString(",")
		}
		name, _ := json.Marshal(k)
		w.b.WriteString("\n" + indent + "  ")
		w.b.Write(name)
		w.b.WriteString(": ")
		if err := value(k, indent+"  "); err != nil {
			return err
		}
	}
	if len(keys) > 0 {
		w.b.WriteString("\n" + indent)
	}
	w.b.WriteString("}")
	return nil
}

// objectSchema is the schema of struct type t; the structs it holds are
// added to defs by name and referred to.
func objectSchema(t reflect.Type, defs map[string]any) map[string]any {
	props := map[string]any{}
	var required []string
	for _, f := range yamlFields(t) {
		s := typeSchema(f.Type, defs)
		doc, ok := fieldDocs[t.Name()+"."+f.key]
		if ok {
			s["description"] = doc.desc
			if len(doc.enum) > 0 {
				s["enum"] = doc.enum
			}
			if d, isValue := doc.def.(prose); !isValue && doc.def != nil && sameKind(s, doc.def) {
				s["default"] = doc.def
			} else if isValue {
				s["description"] = doc.desc + " Default: " + string(d) + "."
			}
		}
		props[f.key] = s
		if !f.omitempty && elemType(f.Type).Kind() != reflect.Bool {
			required = append(required, f.key)
		}
	}
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// typeSchema is the schema of a value of type t.
func typeSchema(t reflect.Type, defs map[string]any) map[string]any {
	t = elemType(t)
	switch t.Kind() {
	case reflect.Struct:
		name := defName(t)
		if _, ok := defs[name]; !ok {
			defs[name] = nil // placeholder: a type that holds itself
			defs[name] = objectSchema(t, defs)
		}
		return map[string]any{"$ref": "#/$defs/" + name}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": typeSchema(t.Elem(), defs)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": typeSchema(t.Elem(), defs)}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	}
	return map[string]any{"type": "string"}
}

// defName names the definition of a File type: its Go name without the
// File suffix (VPCFile: VPC).
func defName(t reflect.Type) string {
	if n := strings.TrimSuffix(t.Name(), "File"); n != "" {
		return n
	}
	return t.Name()
}

// sameKind reports whether a default value is of the schema's type.
func sameKind(s map[string]any, v any) bool {
	switch v.(type) {
	case string:
		return s["type"] == "string"
	case bool:
		return s["type"] == "boolean"
	case int:
		return s["type"] == "integer"
	}
	return false
}

func elemType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// yamlField is one field of a File type as the decoder sees it.
type yamlField struct {
	reflect.StructField
	key       string
	omitempty bool
}

// yamlFields lists the fields of struct t that the yaml decoder reads, in
// declaration order.
func yamlFields(t reflect.Type) []yamlField {
	var out []yamlField
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		_, opts, _ := strings.Cut(tag, ",")
		out = append(out, yamlField{StructField: sf, key: yamlKey(sf), omitempty: strings.Contains(","+opts+",", ",omitempty,")})
	}
	return out
}
