package lint_test

import (
	"os"
	"reflect"
	"testing"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/explain"
	"github.com/vpcdns/vpcdns/internal/lint"
	"github.com/vpcdns/vpcdns/internal/view"
)

// TestAccountsMutationsCompile changes the strings of accounts.yaml one at
// a time; every variant that still validates must compile, lint and
// explain without a panic (odd but valid networks: an attachment in
// another state, a rule without a profile, a peering refused, …).
func TestAccountsMutationsCompile(t *testing.T) {
	data, err := os.ReadFile("../config/testdata/accounts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	decode := func() *config.File {
		f, err := config.Decode(data, "accounts.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	var paths [][]int
	collect(reflect.ValueOf(decode()).Elem(), nil, &paths)
	queries := []string{"a.corp.example.", "ssm.us-east-1.amazonaws.com.", "svc.shared.example."}
	valid := 0
	for _, value := range []string{"", "pending"} {
		for _, p := range paths {
			f := decode()
			s := follow(reflect.ValueOf(f).Elem(), p)
			old := s.String()
			s.SetString(value)
			n, err := config.Validate(f, "accounts.yaml", "../config/testdata")
			if err != nil {
				continue
			}
			valid++
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("%q set to %q: panic %v", old, value, r)
					}
				}()
				v, err := view.Compile(n)
				if err != nil {
					t.Fatalf("%q set to %q: compile: %v", old, value, err)
				}
				lint.Run(v)
				for _, c := range n.VPCs {
					for _, q := range queries {
						if _, err := explain.Build(v, c.ID, dnsname.MustParse(q), dns.TypeA); err != nil {
							t.Fatal(err)
						}
					}
				}
			}()
		}
	}
	if valid < 50 {
		t.Errorf("only %d variants validated; the test covers too little", valid)
	}
}

func collect(v reflect.Value, path []int, out *[][]int) {
	switch v.Kind() {
	case reflect.String:
		*out = append(*out, append([]int(nil), path...))
	case reflect.Pointer:
		if !v.IsNil() {
			collect(v.Elem(), append(path, 0), out)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			collect(v.Field(i), append(path, i), out)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			collect(v.Index(i), append(path, i), out)
		}
	}
}

func follow(v reflect.Value, path []int) reflect.Value {
	for _, i := range path {
		switch v.Kind() {
		case reflect.Pointer:
			v = v.Elem()
		case reflect.Struct:
			v = v.Field(i)
		case reflect.Slice:
			v = v.Index(i)
		}
	}
	return v
}
