package config

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// readTestdata returns a file of testdata/.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// decodeBase decodes testdata/base.yaml, a valid network.
func decodeBase(t *testing.T) *File {
	t.Helper()
	f, err := Decode(readTestdata(t, "base.yaml"), "base.yaml")
	if err != nil {
		t.Fatalf("Decode(base.yaml): %v", err)
	}
	return f
}

// problemsOf returns the Problems of err, failing the test when err is not
// Problems.
func problemsOf(t *testing.T, err error) Problems {
	t.Helper()
	if err == nil {
		t.Fatal("got no error; want problems")
	}
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("got error %T %v; want Problems", err, err)
	}
	return ps
}

// wantProblem checks that ps holds exactly count problems (count 0 means
// 1) and one of them at path with a reason containing reason.
func wantProblem(t *testing.T, ps Problems, path, reason string, count int) {
	t.Helper()
	if count == 0 {
		count = 1
	}
	found := false
	for _, p := range ps {
		if p.Path == path && strings.Contains(p.Reason, reason) {
			found = true
		}
	}
	if !found {
		t.Errorf("got problems\n%v\nwant one at %s with reason containing %q", ps, path, reason)
	}
	if len(ps) != count {
		t.Errorf("got %d problems\n%v\nwant %d", len(ps), ps, count)
	}
}

func intp(i int) *int { return &i }

// equal is reflect.DeepEqual, short.
func equal(a, b any) bool { return reflect.DeepEqual(a, b) }
