package querylog

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestEveryFieldDocumented checks that docs/query-log.md names every field
// a record can have.
func TestEveryFieldDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/query-log.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[Record](), reflect.TypeFor[Answer](), reflect.TypeFor[SrcIDs]()} {
		for i := 0; i < typ.NumField(); i++ {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			if name == "-" || name == "" {
				continue
			}
			if !strings.Contains(string(doc), "`"+name+"`") {
				t.Errorf("docs/query-log.md does not name the field %s (%s.%s)", name, typ.Name(), typ.Field(i).Name)
			}
		}
	}
}
