package config

import (
	"reflect"
	"testing"
)

// TestAccountsMutationsNeverPanic sets every string of accounts.yaml, one
// at a time, to "" and to an id of another kind, and validates: each
// mutation gives a network or problems, never a panic (a reference left
// nil by an earlier problem must not be followed).
func TestAccountsMutationsNeverPanic(t *testing.T) {
	base := decodeAccounts(t)
	var paths [][]int
	collectStrings(reflect.ValueOf(base).Elem(), nil, &paths)
	if len(paths) < 200 {
		t.Fatalf("found %d strings; accounts.yaml has more", len(paths))
	}
	for _, value := range []string{"", "vpc-hub", "pl-aws-s3", "tgw-attach-hub", "sg-in", "not-an-id"} {
		for _, p := range paths {
			f := decodeAccounts(t)
			s := at(reflect.ValueOf(f).Elem(), p)
			old := s.String()
			s.SetString(value)
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("a string %q set to %q: panic %v", old, value, r)
					}
				}()
				n, err := Validate(f, "accounts.yaml", "testdata")
				if (n == nil) == (err == nil) {
					t.Fatalf("a string %q set to %q: network %v, error %v", old, value, n != nil, err)
				}
			}()
		}
	}
}

// collectStrings records the index path of every settable string in v
// (struct fields, slice elements, pointers followed).
func collectStrings(v reflect.Value, path []int, out *[][]int) {
	switch v.Kind() {
	case reflect.String:
		*out = append(*out, append([]int(nil), path...))
	case reflect.Pointer:
		if !v.IsNil() {
			collectStrings(v.Elem(), append(path, 0), out)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			collectStrings(v.Field(i), append(path, i), out)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			collectStrings(v.Index(i), append(path, i), out)
		}
	}
}

// at follows an index path of collectStrings.
func at(v reflect.Value, path []int) reflect.Value {
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
