package awsapi_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vpcdns/vpcdns/internal/awsapi/ec2api"
	"github.com/vpcdns/vpcdns/internal/awsapi/profilesapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/ramapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/resolverapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/route53api"
)

// TestEveryOperationIsCalled fails when the API serves an operation that
// no test of this package calls through the Go SDK (".Operation(ctx"): an
// operation added without a test.
func TestEveryOperationIsCalled(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	all := src.String()
	for _, api := range []struct {
		name string
		ops  []string
	}{
		{"ec2", ec2api.Actions()},
		{"route53resolver", resolverapi.Operations()},
		{"route53", route53api.Operations()},
		{"ram", ramapi.Operations()},
		{"route53profiles", profilesapi.Operations()},
	} {
		if len(api.ops) == 0 {
			t.Errorf("%s serves no operation", api.name)
		}
		for _, op := range api.ops {
			if !strings.Contains(all, "."+op+"(ctx") {
				t.Errorf("%s %s: no test calls it", api.name, op)
			}
		}
	}
}

// TestAPIDocListsOperations: docs/api.md's "Every operation served" lists
// exactly the operations each API serves.
func TestAPIDocListsOperations(t *testing.T) {
	b, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "### Every operation served")
	if !ok {
		t.Fatal(`docs/api.md has no "### Every operation served" section`)
	}
	sec, _, _ = strings.Cut(sec, "\n#")
	listed := map[string][]string{}
	for _, line := range strings.Split(sec, "\n") {
		api, ops, ok := strings.Cut(strings.TrimPrefix(line, "- "), ": ")
		if !ok || !strings.HasPrefix(line, "- ") {
			continue
		}
		for _, f := range strings.Split(ops, ",") {
			listed[api] = append(listed[api], strings.Trim(strings.TrimSpace(f), "`"))
		}
	}
	for _, api := range []struct {
		name string
		ops  []string
	}{
		{"Route 53 Resolver", resolverapi.Operations()},
		{"EC2", ec2api.Actions()},
		{"Route 53", route53api.Operations()},
		{"AWS RAM", ramapi.Operations()},
		{"Route 53 Profiles", profilesapi.Operations()},
	} {
		doc, served := slices.Sorted(slices.Values(listed[api.name])), slices.Sorted(slices.Values(api.ops))
		for _, op := range served {
			if !slices.Contains(doc, op) {
				t.Errorf("%s %s is served but not listed in docs/api.md", api.name, op)
			}
		}
		for _, op := range doc {
			if !slices.Contains(served, op) {
				t.Errorf("%s %s is listed in docs/api.md but not served", api.name, op)
			}
		}
	}
}
