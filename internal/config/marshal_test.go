package config

import (
	"reflect"
	"testing"
)

// TestMarshalRoundTrip checks that Decode reads back what Marshal writes:
// the same File (empty and absent lists alike), the same Network, and a
// second Marshal gives the same bytes.
func TestMarshalRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"example", ExampleYAML()},
		{"base", readTestdata(t, "base.yaml")},
		{"zone file", readTestdata(t, "zone-file.yaml")},
		{"defaults", []byte(minimalYAML)},
		{"firewall", readTestdata(t, "firewall.yaml")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n1, f1, err := Parse(tt.data, "network.yaml", "testdata")
			if err != nil {
				t.Fatal(err)
			}
			out, err := Marshal(f1)
			if err != nil {
				t.Fatal(err)
			}
			n2, f2, err := Parse(out, "network.yaml", "testdata")
			if err != nil {
				t.Fatalf("got %v reading back\n%s", err, out)
			}
			if !equal(normalize(f1), normalize(f2)) {
				t.Errorf("got\n%+v\nwant\n%+v", f2, f1)
			}
			if !equal(n1, n2) {
				t.Error("got a different Network from the marshalled file")
			}
			again, err := Marshal(f2)
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != string(out) {
				t.Errorf("got\n%s\nwant\n%s", again, out)
			}
		})
	}
}

// normalize returns a copy of f with empty slices and maps made nil, the
// one difference a round trip may make.
func normalize(f *File) *File {
	v := reflect.New(reflect.TypeFor[File]())
	v.Elem().Set(reflect.ValueOf(*f))
	normalizeValue(v.Elem())
	return v.Interface().(*File)
}

func normalizeValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			c := reflect.New(v.Type().Elem())
			c.Elem().Set(v.Elem())
			normalizeValue(c.Elem())
			v.Set(c)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			normalizeValue(v.Field(i))
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		for i := 0; i < c.Len(); i++ {
			normalizeValue(c.Index(i))
		}
		v.Set(c)
	case reflect.Map:
		if v.Len() == 0 {
			v.Set(reflect.Zero(v.Type()))
		}
	}
}
