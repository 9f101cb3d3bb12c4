// Package awscli runs the AWS CLI scripts of this directory against a
// vpcdns built from this tree, with BIND on 127.0.0.1 as the on-premises
// DNS server. The scripts share lib.sh (the AWS CLI's environment, starting
// and stopping vpcdns, dig helpers).
//
// Without the AWS CLI (aws) or dig, the tests skip, unless the environment
// variable CI is "true": there a missing tool is a failure.
package awscli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/vpcdns/vpcdns/internal/bindtest"
	"github.com/vpcdns/vpcdns/internal/loopbacktest"
)

// onPremReverse is the on-premises server's 0.10.in-addr.arpa.
const onPremReverse = `$TTL 300
@	IN SOA ns1.onprem.example. hostmaster.onprem.example. 1 3600 600 86400 60
@	IN NS ns1.onprem.example.
5.1	IN PTR db.onprem.example.
`

// TestMain builds cmd/vpcdns once for all the scripts (building it once per
// test cost a build each on a loaded machine) and hands it to them in
// $VPCDNS, which the scripts read. Without the AWS CLI or dig the tests
// skip (or fail, in CI) before they need it, so it is not built.
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if !haveTools() {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "vpcdns-awscli-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "awscli: make the build directory: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "vpcdns")
	cmd := exec.Command("go", "build", "-buildvcs=false", "-o", bin, "github.com/vpcdns/vpcdns/cmd/vpcdns")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "awscli: go build: %v\n%s", err, out)
		return 1
	}
	if err := os.Setenv("VPCDNS", bin); err != nil {
		fmt.Fprintf(os.Stderr, "awscli: set VPCDNS: %v\n", err)
		return 1
	}
	return m.Run()
}

// tools are the programs the scripts run.
var tools = []string{"aws", "dig"}

func haveTools() bool {
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			return false
		}
	}
	return true
}

// needTools skips the test when a tool of the scripts is missing, or fails
// it in CI.
func needTools(t *testing.T) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed; in CI it must be (.ci/run installs it)", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
}

// runScript runs script with bash, in its environment VPCDNS (the binary
// TestMain built), WORK (a new directory), env, and each variable of ports
// set to its own free port on 127.0.0.1. Past timeout the script gets
// SIGTERM, so that it stops the vpcdns it started. The test fails with the
// script's output when the script fails.
func runScript(t *testing.T, script string, timeout time.Duration, env []string, ports ...string) {
	t.Helper()
	needTools(t)
	bin := os.Getenv("VPCDNS")
	if bin == "" {
		t.Fatal("VPCDNS is not set: TestMain did not build vpcdns")
	}
	env = append(append(os.Environ(), env...), "WORK="+t.TempDir())
	seen := map[uint16]bool{}
	for _, name := range ports {
		p := loopbacktest.FreePort(t)
		for seen[p] {
			p = loopbacktest.FreePort(t)
		}
		seen[p] = true
		env = append(env, name+"="+strconv.Itoa(int(p)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 15 * time.Second
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	t.Logf("%s", out)
}

// The tests run in parallel: each script has its own ports, BIND and work
// dir, and the CLI is slow to start, so they overlap.

// TestReverseDNS runs reverse-dns.sh: the reverse-DNS scenario built from
// nothing with the AWS CLI, checked with dig, across a restart.
func TestReverseDNS(t *testing.T) {
	t.Parallel()
	needTools(t) // before BIND starts
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": onPremReverse})
	runScript(t, "reverse-dns.sh", 8*time.Minute,
		[]string{"BIND_PORT=" + strconv.Itoa(int(bind.Addr().Port()))},
		"API_PORT", "DNS_PORT")
}

// TestFirewall runs firewall.sh: a DNS Firewall built with the AWS CLI,
// each action checked with dig, the query log and the export.
func TestFirewall(t *testing.T) {
	t.Parallel()
	runScript(t, "firewall.sh", 4*time.Minute, nil, "API_PORT", "DNS_PORT")
}

// TestProfiles runs profiles.sh: a Route 53 Profile built with the AWS
// CLI brings a private hosted zone to a VPC, checked with dig.
func TestProfiles(t *testing.T) {
	t.Parallel()
	runScript(t, "profiles.sh", 6*time.Minute, nil, "API_PORT", "DNS_PORT")
}

// TestExample runs example.sh: the embedded example network built with
// the AWS CLI (docs/api.md "The example network, built through the API"),
// checked with dig and with vpcdns diff against the example. It makes
// about 60 AWS CLI calls: a minute on an idle machine.
func TestExample(t *testing.T) {
	t.Parallel()
	runScript(t, "example.sh", 12*time.Minute, nil,
		"API_PORT", "APP_PORT", "SHARED_PORT", "INBOUND_PORT", "ONPREM1_PORT", "ONPREM2_PORT")
}
