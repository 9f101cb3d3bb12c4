// Package e2e runs the built vpcdns binary (go build into a temporary
// directory) with BIND as the on-premises DNS server and the real dig as the
// client. Every packet goes to loopback.
package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vpcdns/vpcdns/internal/bindtest"
	"github.com/vpcdns/vpcdns/internal/loopbacktest"
)

// binary is the vpcdns binary built by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vpcdns-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "vpcdns")
	build := exec.Command("go", "build", "-o", binary, "github.com/vpcdns/vpcdns/cmd/vpcdns")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: go build:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a running vpcdns.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr *loopbacktest.Buffer
	done           chan struct{}
	err            error // set when done is closed
}

// serve starts vpcdns serve with args and stops it (SIGTERM) when the test
// ends.
func serve(t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{stdout: &loopbacktest.Buffer{}, stderr: &loopbacktest.Buffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(binary, append([]string{"serve"}, args...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() || os.Getenv("E2E_LOG") != "" {
			t.Logf("vpcdns stderr:\n%s", p.stderr.String())
		}
	})
	return p
}

// waitLog waits until stderr holds n occurrences of s.
func (p *proc) waitLog(t *testing.T, s string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(p.stderr.String(), s) < n {
		select {
		case <-p.done:
			t.Fatalf("vpcdns exited (%v) before logging %q:\n%s", p.err, s, p.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("vpcdns did not log %q (%d times):\n%s", s, n, p.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// dig runs the real dig against 127.0.0.1:port.
func dig(t *testing.T, port int, args ...string) string {
	t.Helper()
	p, err := exec.LookPath("dig")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("dig is not installed")
		}
		t.Skip("dig is not installed")
	}
	all := append([]string{"@127.0.0.1", "-p", strconv.Itoa(port), "+tries=1", "+time=2"}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, p, all...).CombinedOutput()
	if err != nil {
		t.Fatalf("dig %s: %v\n%s", strings.Join(all, " "), err, out)
	}
	return string(out)
}

func digShort(t *testing.T, port int, args ...string) string {
	t.Helper()
	return strings.TrimSpace(dig(t, port, append(args, "+short")...))
}

const reverseZone = `$TTL 300
@      IN SOA ns.corp.example. admin.corp.example. 1 3600 600 86400 300
@      IN NS  ns.corp.example.
5.0    IN PTR app1.corp.example.
`

const network = `
account_id: "111122223333"
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
    resolver_listen: ["127.0.0.1:{{PORT}}"]
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24}
      - {id: subnet-b, cidr_block: 10.0.2.0/24}
resolver_endpoints:
  - id: rslvr-out
    direction: outbound
    vpc: vpc-app
    ip_addresses:
      - {subnet: subnet-a, ip: 10.0.1.10}
      - {subnet: subnet-b, ip: 10.0.2.10}
emulation:
  address_map:
    "192.168.10.53:53": "{{BIND}}"
  forwarding: {attempt_timeout: 200ms, total_timeout: 600ms}
`

const rule = `
resolver_rules:
  - id: rslvr-rr-reverse
    rule_type: forward
    domain_name: 0.10.in-addr.arpa
    resolver_endpoint: rslvr-out
    target_ips: [{ip: 192.168.10.53}]
    vpcs: [vpc-app]
`

// broken has three problems: an unknown field, a CIDR with host bits, and
// a rule naming an endpoint that does not exist.
const broken = `
account_id: "111122223333"
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.1/16]
    enable_dns_hostnames: true
    resolver_listen: ["127.0.0.1:{{PORT}}"]
    colour: blue
resolver_rules:
  - id: rslvr-rr-reverse
    rule_type: forward
    domain_name: 0.10.in-addr.arpa
    resolver_endpoint: rslvr-nowhere
    target_ips: [{ip: 192.168.10.53}]
    vpcs: [vpc-app]
`

func write(t *testing.T, path, text string, vars map[string]string) {
	t.Helper()
	for k, v := range vars {
		text = strings.ReplaceAll(text, "{{"+k+"}}", v)
	}
	// Write and rename, as an editor or a deployment does, so that vpcdns
	// never reads half a file.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// metric returns the value of one series in vpcdns's /metrics, e.g.
// `vpcdns_reloads_total{result="failure"}`.
func metric(t *testing.T, port int, series string) string {
	t.Helper()
	resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(body)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), series+" "); ok {
			return v
		}
	}
	t.Fatalf("no %s in /metrics:\n%s", series, body)
	return ""
}

// SIGHUP re-reads the file: a valid file changes the answers at once; a
// broken one is refused with every problem logged, and the old view keeps
// answering; SIGTERM drains and exits 0.
func TestServeReload(t *testing.T) {
	t.Parallel()
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": reverseZone})
	port, metricsPort := int(loopbacktest.FreePort(t)), int(loopbacktest.FreePort(t))
	vars := map[string]string{"PORT": strconv.Itoa(port), "BIND": bind.Addr().String()}
	file := filepath.Join(t.TempDir(), "network.yaml")
	write(t, file, network, vars)

	p := serve(t, "-c", file, "--metrics-listen", "127.0.0.1:"+strconv.Itoa(metricsPort))
	p.waitLog(t, "msg=serving", 1)
	// serve installs its SIGHUP handler just after logging "serving".
	time.Sleep(200 * time.Millisecond)

	const (
		auto   = "ip-10-0-0-5.ec2.internal."
		onprem = "app1.corp.example."
	)
	if got := digShort(t, port, "-x", "10.0.0.5"); got != auto {
		t.Fatalf("before any reload: dig -x 10.0.0.5 = %q; want %s", got, auto)
	}

	steps := []struct {
		name     string
		text     string // "" removes the file
		log      string
		want     string
		problems []string
	}{
		{name: "valid: a rule added", text: network + rule, log: "msg=reloaded", want: onprem},
		{name: "broken", text: broken, log: "reload refused;", want: onprem, problems: []string{
			"vpcs[0].colour", "vpcs[0].cidr_blocks[0]", "resolver_rules[0].resolver_endpoint",
		}},
		{name: "not YAML", text: "vpcs: [\n  {id: ", log: "reload refused;", want: onprem},
		{name: "missing file", text: "", log: "reload refused;", want: onprem},
		// A file that would close every socket or drop every rule looks
		// like one being rewritten: refused without --allow-empty.
		{name: "empty file", text: "\n", log: "reload refused;", want: onprem, problems: []string{"close all 1 sockets"}},
		{name: "comment only", text: "# being rewritten\n", log: "reload refused;", want: onprem},
		{name: "cut before resolver_rules", text: network, log: "reload refused;", want: onprem, problems: []string{"remove all 1 resolver rules"}},
	}
	seen := map[string]int{}
	for _, st := range steps {
		if st.text == "" {
			if err := os.Remove(file); err != nil {
				t.Fatal(err)
			}
		} else {
			write(t, file, st.text, vars)
		}
		before := len(p.stderr.String())
		if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		seen[st.log]++
		p.waitLog(t, st.log, seen[st.log])
		logged := p.stderr.String()[before:]
		for _, prob := range st.problems {
			if !strings.Contains(logged, prob) {
				t.Errorf("%s: the log does not list the problem at %s:\n%s", st.name, prob, logged)
			}
		}
		if got := digShort(t, port, "-x", "10.0.0.5"); got != st.want {
			t.Errorf("%s: dig -x 10.0.0.5 = %q; want %s", st.name, got, st.want)
		}
		if got := digShort(t, port, "+tcp", "-x", "10.0.0.5"); got != st.want {
			t.Errorf("%s: dig +tcp -x 10.0.0.5 = %q; want %s", st.name, got, st.want)
		}
	}
	if got := metric(t, metricsPort, `vpcdns_reloads_total{result="failure"}`); got != "6" {
		t.Errorf("vpcdns_reloads_total{result=\"failure\"} = %s; want 6", got)
	}
	if got := metric(t, metricsPort, `vpcdns_reloads_total{result="success"}`); got != "1" {
		t.Errorf("vpcdns_reloads_total{result=\"success\"} = %s; want 1", got)
	}
	if !strings.Contains(p.stderr.String(), "level=ERROR msg=\"reload refused;") {
		t.Errorf("a refused reload is not logged at ERROR:\n%s", p.stderr.String())
	}

	// SIGTERM: drains and exits 0.
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		var ee *exec.ExitError
		if errors.As(p.err, &ee) || p.err != nil {
			t.Errorf("vpcdns exited with %v after SIGTERM; want 0", p.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("vpcdns did not exit within 10 s of SIGTERM")
	}
}

// serve --allow-empty applies the reload the guard would refuse: the rule
// goes, and the autodefined answer comes back.
func TestServeReloadAllowEmpty(t *testing.T) {
	t.Parallel()
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": reverseZone})
	port := int(loopbacktest.FreePort(t))
	vars := map[string]string{"PORT": strconv.Itoa(port), "BIND": bind.Addr().String()}
	file := filepath.Join(t.TempDir(), "network.yaml")
	write(t, file, network+rule, vars)
	p := serve(t, "-c", file, "--allow-empty")
	p.waitLog(t, "msg=serving", 1)
	time.Sleep(200 * time.Millisecond) // the SIGHUP handler is installed just after
	if got := digShort(t, port, "-x", "10.0.0.5"); got != "app1.corp.example." {
		t.Fatalf("before the reload: dig -x 10.0.0.5 = %q; want app1.corp.example.", got)
	}
	write(t, file, network, vars) // every rule removed
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	p.waitLog(t, "msg=reloaded", 1)
	if got := digShort(t, port, "-x", "10.0.0.5"); got != "ip-10-0-0-5.ec2.internal." {
		t.Errorf("after the reload: dig -x 10.0.0.5 = %q; want ip-10-0-0-5.ec2.internal.", got)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done
}

// The README's quick start: vpcdns serve on the embedded example, and dig -x
// through it returns what the README promises. The example's ports are
// fixed; when one is taken (another vpcdns running), the test is skipped.
func TestQuickStart(t *testing.T) {
	t.Parallel()
	for _, port := range []int{5353, 5354, 5363, 5300, 5301} {
		pc, err := net.ListenPacket("udp4", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			t.Skipf("the example's port %d is taken: %v", port, err)
		}
		ln, err := net.Listen("tcp4", "127.0.0.1:"+strconv.Itoa(port))
		pc.Close()
		if err != nil {
			t.Skipf("the example's port %d is taken: %v", port, err)
		}
		ln.Close()
	}
	p := serve(t)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.stderr.String(), "msg=serving") {
		select {
		case <-p.done:
			if strings.Contains(p.stderr.String(), "address already in use") {
				t.Skipf("an example port was taken meanwhile:\n%s", p.stderr.String())
			}
			t.Fatalf("vpcdns serve exited: %v\n%s", p.err, p.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("vpcdns serve did not start:\n%s", p.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	tests := []struct {
		port int
		args []string
		want string
	}{
		{5353, []string{"-x", "10.0.1.5"}, "app1.corp.example."},
		{5363, []string{"-x", "10.0.1.5"}, "ip-10-0-1-5.ec2.internal."},
		// The other queries the example's header promises.
		{5353, []string{"db.corp.example"}, "10.0.1.20"},
		{5353, []string{"i-0123456789abcdef0.ec2.internal"}, "10.0.1.5"},
		{5354, []string{"db.corp.example"}, "10.0.1.20"},
	}
	for _, tt := range tests {
		got := digShort(t, tt.port, tt.args...)
		if got != tt.want {
			t.Errorf("dig -p %d %s = %q; want %s", tt.port, strings.Join(tt.args, " "), got, tt.want)
		}
	}
}
