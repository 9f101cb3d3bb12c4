package cli

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update if the change is intended)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestExplainGolden pins the text and JSON of explain on the embedded
// example network, the output people paste into tickets.
func TestExplainGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{name: "explain-forward", args: []string{"--vpc", "vpc-app", "-x", "10.0.1.5"}},
		{name: "explain-zone", args: []string{"--vpc", "vpc-app", "www.internal.example"}},
		{name: "explain-peer-reverse", args: []string{"--vpc", "vpc-shared", "-x", "10.0.1.5"}},
		{name: "explain-internet", args: []string{"--vpc", "vpc-app", "www.example.org", "AAAA"}},
		{name: "explain-firewall-block", args: []string{"-c", filepath.Join("testdata", "firewall.yaml"), "--vpc", "vpc-app", "db.internal.example"}},
		{name: "explain-firewall-allow", args: []string{"-c", filepath.Join("testdata", "firewall.yaml"), "--vpc", "vpc-app", "ok.internal.example"}},
	}
	for _, tt := range tests {
		for _, format := range []string{"text", "json"} {
			t.Run(tt.name+"."+format, func(t *testing.T) {
				args := append([]string{"explain", "-o", format}, tt.args...)
				code, stdout, stderr := run(t, args...)
				if code != 0 {
					t.Fatalf("exit %d; stderr %s", code, stderr)
				}
				golden(t, tt.name+"."+format, stdout)
			})
		}
	}
}

// TestCheck covers check's two outcomes: the example is valid, and a file
// with five mistakes prints all five and exits 2.
func TestCheck(t *testing.T) {
	code, stdout, _ := run(t, "check")
	if code != 0 {
		t.Errorf("check of the embedded example: exit %d; want 0\n%s", code, stdout)
	}
	code, stdout, _ = run(t, "check", "-c", filepath.Join("..", "config", "testdata", "five-mistakes.yaml"))
	if code != 2 {
		t.Errorf("check of five mistakes: exit %d; want 2", code)
	}
	golden(t, "check-five-mistakes.txt", stdout)
}

// TestCheckErrorsGolden pins what check prints for broken files, each with
// one mistake (testdata/check/*.yaml, the mistake named in the first
// line): the line and column to edit, the resource id, plain words for a
// syntax error, and one problem for one mistake.
func TestCheckErrorsGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "check", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/check/*.yaml: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			code, stdout, _ := run(t, "check", "-c", file)
			if code != 2 {
				t.Errorf("exit %d; want 2", code)
			}
			golden(t, "check-"+name+".txt", stdout)
		})
	}
}

// TestSchemaGolden pins the JSON Schema that `vpcdns schema` prints, so a
// change of the decoder's keys shows up as a diff of the schema.
func TestSchemaGolden(t *testing.T) {
	code, stdout, stderr := run(t, "schema")
	if code != 0 {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	golden(t, "schema.json", stdout)
	if code, _, _ := run(t, "schema", "extra"); code != exitInvalid {
		t.Errorf("schema with an argument: exit %d; want %d", code, exitInvalid)
	}
}
