package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Decode, Validate and Parse: they must
// not panic, every problem must say something, and a valid file must come
// back valid from Marshal.
func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	// The broken files of the CLI's golden tests: syntax errors and typos.
	broken, err := filepath.Glob("../cli/testdata/check/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	files = append(files, broken...)
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(ExampleYAML())
	f.Add([]byte("vpcs: [{id: v, cidr_blocks: [10.0.0.0/16], foo: 1}]"))
	f.Add([]byte("a: &a [*a]"))
	f.Add([]byte("emulation: {address_map: {\"x\": 1}}"))
	f.Add([]byte("vpcs: [{id: v, cidr_blocks: [10.0.0.0/16], instances: [{id: i-1, private_ips: [10.0.0.5], expected_qps: 5}]}]\nemulation: {source_map: {\"127.0.0.11\": i-1, \"::1\": eni-0123abcd}, limits: {eni_packets_per_second: 0}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Decode(data, "fuzz.yaml")
		checkProblems(t, err)
		checkPlaces(t, data, err)
		if file != nil {
			_, err := Validate(file, "fuzz.yaml", "testdata")
			checkProblems(t, err)
		}
		n, parsed, err := Parse(data, "fuzz.yaml", "testdata")
		checkProblems(t, err)
		checkPlaces(t, data, err)
		if err != nil || n == nil {
			return
		}
		out, err := Marshal(parsed)
		if err != nil {
			t.Fatalf("Marshal of a valid file: %v", err)
		}
		if _, _, err := Parse(out, "fuzz.yaml", "testdata"); err != nil {
			t.Fatalf("got %v reading back\n%s\nfrom\n%q", err, out, data)
		}
	})
}

// checkProblems checks that err is nil or non-empty Problems that each have
// a reason.
func checkProblems(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var ps Problems
	if !errors.As(err, &ps) || len(ps) == 0 {
		t.Fatalf("got error %T %v; want Problems", err, err)
	}
	for _, p := range ps {
		if p.Reason == "" {
			t.Fatalf("got a problem without a reason: %#v", p)
		}
	}
}

// checkPlaces checks that every problem's line and column are in the file.
func checkPlaces(t *testing.T, data []byte, err error) {
	t.Helper()
	var ps Problems
	if !errors.As(err, &ps) {
		return
	}
	lines := bytes.Count(data, []byte("\n")) + 1
	for _, p := range ps {
		if p.Line < 0 || p.Line > lines || p.Column < 0 || (p.Line == 0 && p.Column != 0) {
			t.Fatalf("problem placed at %d:%d in a file of %d lines: %s", p.Line, p.Column, lines, p.Located())
		}
	}
}
