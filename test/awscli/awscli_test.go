// Package awscli runs the AWS CLI scripts of this directory against a
// vpcdns built from this tree, with BIND on 127.0.0.1 as the on-premises
// DNS server.
//
// Without the AWS CLI (aws) or dig, the tests skip, unless the environment
// variable CI is "true": there a missing tool is a failure.
package awscli

import (
	"context"
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

func need(t *testing.T, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; in CI it must be (.ci/run installs it)", tool)
		}
		t.Skipf("%s is not installed", tool)
	}
}

// buildVpcdns builds cmd/vpcdns from this tree.
func buildVpcdns(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vpcdns")
	cmd := exec.Command("go", "build", "-buildvcs=false", "-o", bin, "github.com/vpcdns/vpcdns/cmd/vpcdns")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestReverseDNS runs reverse-dns.sh: the reverse-DNS scenario built from
// nothing with the AWS CLI, checked with dig, across a restart.
func TestReverseDNS(t *testing.T) {
	t.Parallel() // each script has its own ports, BIND and work dir; the CLI is slow to start, so they overlap
	need(t, "aws")
	need(t, "dig")
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": onPremReverse})
	bin := buildVpcdns(t)
	work := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	dnsPort, apiPort := int(loopbacktest.FreePort(t)), int(loopbacktest.FreePort(t))
	for apiPort == dnsPort {
		apiPort = int(loopbacktest.FreePort(t))
	}
	cmd := exec.CommandContext(ctx, "bash", "reverse-dns.sh")
	// On timeout the script gets SIGTERM, so that it stops the vpcdns it
	// started.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 15 * time.Second
	cmd.Env = append(os.Environ(),
		"VPCDNS="+bin,
		"BIND_PORT="+strconv.Itoa(int(bind.Addr().Port())),
		"API_PORT="+strconv.Itoa(apiPort),
		"DNS_PORT="+strconv.Itoa(dnsPort),
		"WORK="+work,
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("reverse-dns.sh: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestFirewall runs firewall.sh: a DNS Firewall built with the AWS CLI,
// each action checked with dig, the query log and the export.
func TestFirewall(t *testing.T) {
	t.Parallel() // each script has its own ports, BIND and work dir; the CLI is slow to start, so they overlap
	need(t, "aws")
	need(t, "dig")
	bin := buildVpcdns(t)
	work := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dnsPort, apiPort := int(loopbacktest.FreePort(t)), int(loopbacktest.FreePort(t))
	for apiPort == dnsPort {
		apiPort = int(loopbacktest.FreePort(t))
	}
	cmd := exec.CommandContext(ctx, "bash", "firewall.sh")
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 15 * time.Second
	cmd.Env = append(os.Environ(),
		"VPCDNS="+bin,
		"API_PORT="+strconv.Itoa(apiPort),
		"DNS_PORT="+strconv.Itoa(dnsPort),
		"WORK="+work,
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("firewall.sh: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestProfiles runs profiles.sh: a Route 53 Profile built with the AWS
// CLI brings a private hosted zone to a VPC, checked with dig.
func TestProfiles(t *testing.T) {
	t.Parallel() // each script has its own ports, BIND and work dir; the CLI is slow to start, so they overlap
	need(t, "aws")
	need(t, "dig")
	bin := buildVpcdns(t)
	work := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dnsPort, apiPort := int(loopbacktest.FreePort(t)), int(loopbacktest.FreePort(t))
	for apiPort == dnsPort {
		apiPort = int(loopbacktest.FreePort(t))
	}
	cmd := exec.CommandContext(ctx, "bash", "profiles.sh")
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 15 * time.Second
	cmd.Env = append(os.Environ(),
		"VPCDNS="+bin,
		"API_PORT="+strconv.Itoa(apiPort),
		"DNS_PORT="+strconv.Itoa(dnsPort),
		"WORK="+work,
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("profiles.sh: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestExample runs example.sh: the embedded example network built with
// the AWS CLI (docs/api.md "The example network, built through the API"),
// checked with dig and with vpcdns diff against the example. It makes
// about 60 AWS CLI calls: a minute on an idle machine.
func TestExample(t *testing.T) {
	t.Parallel() // each script has its own ports, BIND and work dir; the CLI is slow to start, so they overlap
	need(t, "aws")
	need(t, "dig")
	bin := buildVpcdns(t)
	work := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	defer cancel()
	seen := map[int]bool{}
	port := func() string {
		for {
			p := int(loopbacktest.FreePort(t))
			if !seen[p] {
				seen[p] = true
				return strconv.Itoa(p)
			}
		}
	}
	cmd := exec.CommandContext(ctx, "bash", "example.sh")
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 15 * time.Second
	cmd.Env = append(os.Environ(),
		"VPCDNS="+bin,
		"API_PORT="+port(),
		"APP_PORT="+port(),
		"SHARED_PORT="+port(),
		"INBOUND_PORT="+port(),
		"ONPREM1_PORT="+port(),
		"ONPREM2_PORT="+port(),
		"WORK="+work,
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("example.sh: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
