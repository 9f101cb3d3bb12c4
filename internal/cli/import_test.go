package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportPrintCommands(t *testing.T) {
	code, out, _ := run(t, "import", "--print-commands", "--region", "eu-west-1")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	want, err := os.ReadFile("../awsread/testdata/print-commands.txt")
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("--print-commands differs from internal/awsread/testdata/print-commands.txt:\n%s", out)
	}
}

func TestImportOffline(t *testing.T) {
	file := filepath.Join(t.TempDir(), "network.yaml")
	code, out, errOut := run(t, "import", "--from", "../awsread/testdata/offline", "-o", file)
	if code != exitFail {
		t.Errorf("exit %d, want 1 (a call was denied)\n%s", code, errOut)
	}
	if out != "" {
		t.Errorf("stdout = %q with -o FILE", out)
	}
	for _, want := range []string{
		"1 account(s) (123456789012)",
		"4 vpcs, 10 subnets",
		"calls denied: 1",
		"route53resolver:ListResolverQueryLogConfigs in account 123456789012: AccessDeniedException: missing IAM action route53resolver:ListResolverQueryLogConfigs",
		"not modeled: 2",
		"routes to internet gateway",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("summary has no %q:\n%s", want, errOut)
		}
	}
	if code, out, _ := run(t, "check", "-c", file); code != exitOK {
		t.Errorf("check of the imported file: exit %d\n%s", code, out)
	}
	// Without -o the network goes to standard output.
	code, out, _ = run(t, "import", "--from", "../awsread/testdata/offline")
	if code != exitFail || !strings.HasPrefix(out, "account_id: \"123456789012\"\n") {
		t.Errorf("exit %d, stdout starts %.60q", code, out)
	}
}

func TestImportUsageAndUnusable(t *testing.T) {
	if code, _, _ := run(t, "import", "--from", t.TempDir()); code != exitInvalid {
		t.Errorf("empty --from dir: exit %d, want 2", code)
	}
	if code, _, _ := run(t, "import", "--from", "x", "--role-arn", "arn:aws:iam::1:role/r"); code != exitInvalid {
		t.Errorf("--from with --role-arn: exit %d, want 2", code)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	code, _, errOut := run(t, "import", "--endpoint-url", srv.URL, "--max-attempts", "1")
	if code != exitInvalid || !strings.Contains(errOut, "nothing usable") {
		t.Errorf("unreachable endpoint: exit %d, want 2\n%s", code, errOut)
	}
}

func TestImportProgressLine(t *testing.T) {
	var b strings.Builder
	p := progressPrinter(&b)
	p("base credentials", "ec2:DescribeVpcs")
	p("base credentials", "ec2:DescribeSubnets")
	p("base credentials", "route53:ListHostedZones")
	last := b.String()[strings.LastIndex(b.String(), "\r"):]
	if want := "\r\033[Kreading base credentials: ec2 2, route53 1"; last != want {
		t.Errorf("progress line = %q, want %q", last, want)
	}
	if isTerminal(&b) {
		t.Error("a buffer is not a terminal")
	}
}
