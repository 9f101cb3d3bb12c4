package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vpcdns/vpcdns/internal/awsread"
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
	p := progressPrinter(&b, 200)
	p("base credentials", []awsread.KindCount{{Kind: "vpcs", N: 500, Done: true}, {Kind: "subnets", N: 1500, Done: true}, {Kind: "instances", N: 12000}})
	p("base credentials", []awsread.KindCount{{Kind: "vpcs", N: 500, Done: true}, {Kind: "vpc peerings", Done: true}, {Kind: "instances", N: 20000, Done: true}})
	narrow := progressPrinter(&b, 40)
	narrow("base credentials", []awsread.KindCount{{Kind: "vpcs", N: 500, Done: true}, {Kind: "instances", N: 12000}})
	lines := strings.Split(b.String(), "\r")
	want := []string{"",
		"\033[Kreading base credentials: instances 12000/…  vpcs 500  subnets 1500", // being read first
		"\033[Kreading base credentials: vpcs 500  instances 20000",                 // none read: left out
		"\033[Kreading base credentials: instances 12…",                             // within the 40 columns
	}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("progress = %q, want %q", lines, want)
	}
	if _, ok := terminalWidth(&b); ok {
		t.Error("a buffer is not a terminal")
	}
}

// TestImportProgressOnTerminal: on a terminal, import rewrites one line
// with the resources read per kind as they arrive, within the terminal's
// width, and clears it before the summary; elsewhere it prints no
// progress at all.
func TestImportProgressOnTerminal(t *testing.T) {
	for _, term := range []bool{true, false} {
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), []string{"import", "--from", "../awsread/testdata/offline", "-o", filepath.Join(t.TempDir(), "n.yaml")},
			IO{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, terminal: func(io.Writer) (int, bool) { return 1000, term }})
		if code != exitFail {
			t.Fatalf("terminal %v: exit %d, want 1 (a call is denied)\n%s", term, code, stderr.String())
		}
		out := stderr.String()
		if !term {
			if strings.Contains(out, "\r") || strings.Contains(out, "reading ") {
				t.Errorf("not a terminal, yet progress:\n%q", out)
			}
			continue
		}
		progress, summary, ok := strings.Cut(out, "\r\033[Kvpcdns import:")
		if !ok {
			t.Fatalf("no cleared line before the summary:\n%q", out)
		}
		lines := strings.Split(strings.TrimPrefix(progress, "\r\033[K"), "\r\033[K")
		// Offline, the calls are read one at a time in table order: the
		// line grows by a kind at a time, the one being read first, as N/….
		for _, want := range []string{
			"reading offline: vpcs 0/…",
			"reading offline: subnets 5/…  vpcs 4  dhcp option sets 1", // the first of two pages
			"reading offline: subnets 10/…  vpcs 4  dhcp option sets 1",
			"reading offline: route tables 0/…  vpcs 4  dhcp option sets 1  subnets 10",
		} {
			if !slices.Contains(lines, want) {
				t.Errorf("no progress line %q in\n%s", want, strings.Join(lines, "\n"))
			}
		}
		golden(t, "import-progress.text", strings.Join(lines, "\n")+"\n")
		golden(t, "import-summary.text", "vpcdns import:"+summary)
	}
}

// TestImportSummaryGolden pins the summary of an offline import whose
// fixture has a denied call and resources import cannot model: resources
// per kind, calls made, calls denied (with the IAM action), what is not
// modeled; and exit 1.
func TestImportSummaryGolden(t *testing.T) {
	code, _, errOut := run(t, "import", "--from", "../awsread/testdata/offline", "-o", filepath.Join(t.TempDir(), "n.yaml"))
	if code != exitFail {
		t.Errorf("exit %d, want 1: a call was denied", code)
	}
	golden(t, "import-summary.text", errOut)
	for _, want := range []string{"calls denied: 1", "missing IAM action route53resolver:ListResolverQueryLogConfigs", "not modeled: 2"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("summary has no %q", want)
		}
	}
}
