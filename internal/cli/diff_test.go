package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffGolden pins diff's text and JSON on two days of one network:
// Tuesday dropped a target, the TCP egress of the endpoint's security group,
// moved the private hosted zone and added a VPC.
func TestDiffGolden(t *testing.T) {
	monday := filepath.Join("testdata", "diff", "monday.yaml")
	tuesday := filepath.Join("testdata", "diff", "tuesday.yaml")
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := run(t, "diff", "-o", format, monday, tuesday)
			if code != 1 {
				t.Fatalf("exit %d, want 1 (changes); stderr %s", code, stderr)
			}
			golden(t, "diff."+format, stdout)
		})
	}
	var r struct {
		Old, New string
		Changes  []struct{ VPC, Domain, Kind string }
	}
	_, stdout, _ := run(t, "diff", monday, tuesday, "-o", "json")
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, c := range r.Changes {
		kinds[c.Kind] = true
	}
	for _, k := range []string{"decision", "targets", "path", "vpc-added"} {
		if !kinds[k] {
			t.Errorf("no change of kind %s in %+v", k, r.Changes)
		}
	}
}

// TestDiffExit covers the three exit statuses and usage errors.
func TestDiffExit(t *testing.T) {
	monday := filepath.Join("testdata", "diff", "monday.yaml")
	broken := filepath.Join("..", "config", "testdata", "five-mistakes.yaml")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // a substring
		stderr string // a substring
	}{
		{name: "same file", args: []string{monday, monday}, code: 0, stdout: "no change in DNS behaviour (2 VPCs, 60 domains compared)"},
		{name: "same file json", args: []string{"-o", "json", monday, monday}, code: 0, stdout: `"changes": []`},
		{name: "new invalid", args: []string{monday, broken}, code: 2, stderr: "five-mistakes.yaml is invalid"},
		{name: "old missing", args: []string{"nonexistent.yaml", monday}, code: 2, stderr: "nonexistent.yaml"},
		{name: "one file", args: []string{monday}, code: 2, stderr: "diff takes two network files"},
		{name: "bad format", args: []string{"-o", "yaml", monday, monday}, code: 2, stderr: `-o "yaml": want text or json`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, append([]string{"diff"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr %s", code, tt.code, stderr)
			}
			if !strings.Contains(stdout, tt.stdout) {
				t.Errorf("stdout %q does not contain %q", stdout, tt.stdout)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr, tt.stderr)
			}
		})
	}
}
