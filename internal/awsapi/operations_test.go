package awsapi_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcdns/vpcdns/internal/awsapi/ec2api"
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
