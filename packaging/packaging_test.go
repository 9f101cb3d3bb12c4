// Package packaging holds what vpcdns is installed with: the systemd unit
// (vpcdns.service) here, and the Dockerfile at the root of the repository.
// Its tests check both: the unit with systemd-analyze, the Dockerfile with
// docker build where a daemon answers, and both for the properties they
// promise (a sandbox, a non-root user, a static binary).
package packaging

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
)

// need returns the path of tool, skipping the test when it is missing, or
// failing it in CI, where .ci/run installs it.
func need(t *testing.T, tool string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing; .ci/run installs it", tool)
		}
		t.Skipf("%s is not installed", tool)
	}
	return path
}

// built is the vpcdns binary the tests run, built once by buildVPCDNS.
var built struct {
	once sync.Once
	bin  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.bin != "" {
		os.RemoveAll(filepath.Dir(built.bin))
	}
	os.Exit(code)
}

// buildVPCDNS builds the binary once, into a temporary directory.
func buildVPCDNS(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "vpcdns-packaging")
		if err != nil {
			built.err = err
			return
		}
		built.bin = filepath.Join(dir, "vpcdns")
		if out, err := exec.Command("go", "build", "-o", built.bin, "../cmd/vpcdns").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

// unit reads vpcdns.service as its settings: key → every value given.
func unit(t *testing.T) (string, map[string][]string) {
	t.Helper()
	data, err := os.ReadFile("vpcdns.service")
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("vpcdns.service: %q is not KEY=VALUE", line)
		}
		settings[k] = append(settings[k], v)
	}
	return string(data), settings
}

// TestUnitSandbox checks the sandboxing the unit promises, setting by
// setting, so that none is lost in an edit.
func TestUnitSandbox(t *testing.T) {
	_, s := unit(t)
	want := map[string]string{
		"DynamicUser":             "yes",
		"ProtectSystem":           "strict",
		"ProtectHome":             "yes",
		"NoNewPrivileges":         "yes",
		"CapabilityBoundingSet":   "CAP_NET_BIND_SERVICE",
		"AmbientCapabilities":     "CAP_NET_BIND_SERVICE",
		"StateDirectory":          "vpcdns",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
		"PrivateTmp":              "yes",
		"PrivateDevices":          "yes",
		"RestrictNamespaces":      "yes",
		"MemoryDenyWriteExecute":  "yes",
		"SystemCallArchitectures": "native",
		"ExecReload":              "/bin/kill -HUP $MAINPID",
	}
	for k, v := range want {
		if got := s[k]; len(got) != 1 || got[0] != v {
			t.Errorf("%s=%q; want %s=%s", k, got, k, v)
		}
	}
	if !strings.Contains(strings.Join(s["SystemCallFilter"], " "), "@system-service") {
		t.Errorf("SystemCallFilter=%q; want @system-service", s["SystemCallFilter"])
	}
	if start := strings.Join(s["ExecStart"], ""); !strings.Contains(start, " serve -c /etc/vpcdns/network.yaml") {
		t.Errorf("ExecStart=%s; want vpcdns serve -c /etc/vpcdns/network.yaml", start)
	}
}

// TestUnitVerifies runs systemd-analyze on the unit, with ExecStart
// pointing at a freshly built vpcdns: verify must print nothing (it
// reports unknown keys and bad values as warnings, with status 0), and the
// exposure that `systemd-analyze security` computes must stay "OK".
// The command lines of the unit are run too: check must accept the example.
func TestUnitVerifies(t *testing.T) {
	analyze := need(t, "systemd-analyze")
	bin := buildVPCDNS(t)
	text, s := unit(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "vpcdns.service")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(text, "/usr/local/bin/vpcdns", bin)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, analyze, "verify", path).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, err = exec.CommandContext(ctx, analyze, "security", "--offline=yes", "--threshold=20", path).CombinedOutput()
	if err != nil {
		t.Errorf("systemd-analyze security: exposure above 2.0 (%v)\n%s", err, out)
	}

	// ExecStartPre, on the example network.
	example := filepath.Join(dir, "network.yaml")
	if err := os.WriteFile(example, config.ExampleYAML(), 0o644); err != nil {
		t.Fatal(err)
	}
	pre := strings.Fields(strings.ReplaceAll(s["ExecStartPre"][0], "/etc/vpcdns/network.yaml", example))
	if out, err := exec.CommandContext(ctx, bin, pre[1:]...).CombinedOutput(); err != nil {
		t.Errorf("ExecStartPre %q: %v\n%s", pre, err, out)
	}
}

// TestUnitSyscallFilter runs vpcdns serve under strace while it answers
// over UDP and TCP, reloads and stops, and checks that every system call it
// made is one the unit's SystemCallFilter allows: the filter must not
// break the server.
func TestUnitSyscallFilter(t *testing.T) {
	analyze := need(t, "systemd-analyze")
	strace := need(t, "strace")
	if out, err := exec.Command(strace, "-f", "-qq", "-o", os.DevNull, "true").CombinedOutput(); err != nil {
		t.Skipf("strace cannot trace here (ptrace not permitted?): %v %s", err, out)
	}
	bin := buildVPCDNS(t)
	_, s := unit(t)
	allowed := map[string]bool{}
	for _, f := range s["SystemCallFilter"] {
		deny := strings.HasPrefix(f, "~")
		for _, name := range strings.Fields(strings.TrimPrefix(f, "~")) {
			for _, call := range syscallSet(t, analyze, name) {
				allowed[call] = !deny
			}
		}
	}
	dir := t.TempDir()
	port := freePort(t)
	network := fmt.Sprintf("vpcs:\n  - id: vpc-a\n    cidr_blocks: [10.0.0.0/16]\n    enable_dns_hostnames: true\n    resolver_listen: [\"127.0.0.1:%d\"]\nquery_logging:\n  - {id: q, destination: stdout, vpcs: [vpc-a]}\n", port)
	file := filepath.Join(dir, "network.yaml")
	if err := os.WriteFile(file, []byte(network), 0o644); err != nil {
		t.Fatal(err)
	}
	trace := filepath.Join(dir, "trace")
	cmd := exec.Command(strace, "-f", "-qq", "-o", trace, bin, "serve", "-c", file, "--metrics-listen", fmt.Sprintf("127.0.0.1:%d", freePort(t)))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	logs := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs <- sc.Text()
		}
		close(logs)
	}()
	waitLog := func(what string) {
		t.Helper()
		deadline := time.After(time.Minute)
		for {
			select {
			case line, ok := <-logs:
				if !ok {
					t.Fatalf("vpcdns ended before logging %q", what)
				}
				if strings.Contains(line, what) {
					return
				}
			case <-deadline:
				t.Fatalf("vpcdns did not log %q", what)
			}
		}
	}
	waitLog("msg=serving")
	// Signals go to vpcdns, strace's child, not to strace.
	children, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", cmd.Process.Pid, cmd.Process.Pid))
	if err != nil || len(strings.Fields(string(children))) != 1 {
		t.Fatalf("the process strace runs: %q %v", children, err)
	}
	var pid int
	fmt.Sscan(string(children), &pid)
	server, err := os.FindProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	for _, network := range []string{"udp", "tcp"} {
		c := &dns.Client{Net: network, Timeout: 10 * time.Second}
		r, _, err := c.Exchange(new(dns.Msg).SetQuestion("5.0.0.10.in-addr.arpa.", dns.TypePTR), fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil || len(r.Answer) != 1 {
			t.Fatalf("%s query: %v %v", network, r, err)
		}
	}
	server.Signal(syscall.SIGHUP)
	waitLog("msg=reloaded")
	server.Signal(syscall.SIGTERM)
	for range logs {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("vpcdns serve under strace: %v", err)
	}
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\d+\s+([a-z0-9_]+)\(`).FindAllStringSubmatch(string(data), -1) {
		used[m[1]] = true
	}
	if len(used) < 20 {
		t.Fatalf("strace saw %d system calls; want the server's", len(used))
	}
	for call := range used {
		if !allowed[call] {
			t.Errorf("vpcdns calls %s, which the unit's SystemCallFilter does not allow", call)
		}
	}
}

// syscallSet expands a systemd system call group (@system-service) or
// name into system call names.
func syscallSet(t *testing.T, analyze, name string) []string {
	t.Helper()
	if !strings.HasPrefix(name, "@") {
		return []string{name}
	}
	out, err := exec.Command(analyze, "syscall-filter", name).Output()
	if err != nil {
		t.Fatalf("systemd-analyze syscall-filter %s: %v", name, err)
	}
	var calls []string
	for _, line := range strings.Split(string(out), "\n")[1:] {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "@"):
			calls = append(calls, syscallSet(t, analyze, line)...)
		default:
			calls = append(calls, line)
		}
	}
	return calls
}

// freePort returns a port that is free for UDP and TCP on 127.0.0.1 now.
func freePort(t *testing.T) int {
	t.Helper()
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
		l.Close()
		if err == nil {
			u.Close()
			return port
		}
	}
	t.Fatal("no free port")
	return 0
}

// dockerfile returns the instructions of the Dockerfile, continuation
// lines joined, comments left out.
func dockerfile(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	cur := ""
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		cur += line
		if strings.TrimSpace(cur) != "" {
			out = append(out, strings.TrimSpace(cur))
		}
		cur = ""
	}
	return out
}

// TestDockerfileLint checks the properties of the image without building
// it: two stages, a static binary built with CGO_ENABLED=0, a final stage
// that runs as a user other than root and copies only from the build
// stage, nothing fetched with ADD, and the example network served by
// default.
func TestDockerfileLint(t *testing.T) {
	ins := dockerfile(t)
	var stages [][]string
	for _, in := range ins {
		if strings.HasPrefix(strings.ToUpper(in), "FROM ") {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			t.Fatalf("instruction %q before the first FROM", in)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], in)
	}
	if len(stages) < 2 {
		t.Fatalf("%d stage(s); want a build stage and a final one", len(stages))
	}
	build, final := strings.Join(stages[0], "\n"), stages[len(stages)-1]
	if !regexp.MustCompile(`(?m)^RUN CGO_ENABLED=0 go build .*\./cmd/vpcdns`).MatchString(build) {
		t.Errorf("the build stage does not build ./cmd/vpcdns with CGO_ENABLED=0:\n%s", build)
	}
	if strings.Contains(final[0], "golang") {
		t.Errorf("the final stage is %q; want an image without the Go toolchain", final[0])
	}
	user := ""
	for _, in := range final {
		f := strings.Fields(in)
		switch strings.ToUpper(f[0]) {
		case "USER":
			user = f[1]
		case "COPY":
			if !strings.HasPrefix(f[1], "--from=") {
				t.Errorf("final stage: %q copies from the build context; want only the build stage's output", in)
			}
		case "RUN":
			t.Errorf("final stage: %q; the final image has nothing to run", in)
		case "CMD":
			if !strings.Contains(in, `"serve"`) {
				t.Errorf("CMD %q; want serve", in)
			}
		}
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "root" || name == "0" {
		t.Errorf("final stage USER %q; want a user other than root", user)
	}
	for _, in := range ins {
		if f := strings.Fields(in); strings.ToUpper(f[0]) == "ADD" && regexp.MustCompile(`https?://`).MatchString(in) {
			t.Errorf("%q fetches a remote URL; use COPY and a checked download", in)
		}
	}
}

// TestDockerNetwork runs the Dockerfile's own command that makes the
// container's network (the example, listening on every address) and checks
// the result: it is valid, and its resolvers are reachable from outside the
// container.
func TestDockerNetwork(t *testing.T) {
	var script string
	for _, in := range dockerfile(t) {
		if strings.HasPrefix(in, "RUN sed ") && strings.Contains(in, "/out/network.yaml") {
			script = strings.TrimPrefix(in, "RUN ")
		}
	}
	if script == "" {
		t.Fatal("no RUN sed … > /out/network.yaml in the Dockerfile")
	}
	dir := t.TempDir()
	cmd := exec.Command("sh", "-c", strings.ReplaceAll(script, "/out/", dir+"/"))
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	n, _, err := config.Load(filepath.Join(dir, "network.yaml"))
	if err != nil {
		t.Fatalf("the container's network is invalid: %v", err)
	}
	for _, v := range n.VPCs {
		for _, l := range v.ResolverListen {
			if !l.Addr().IsUnspecified() {
				t.Errorf("vpc %s listens on %s; want every address (0.0.0.0) in the container", v.ID, l)
			}
		}
	}
}

// TestDockerBuild builds the image and runs check in it, where a docker
// daemon answers; elsewhere TestDockerfileLint stands in for it.
func TestDockerBuild(t *testing.T) {
	docker, err := exec.LookPath("docker")
	if err != nil || exec.Command(docker, "info").Run() != nil {
		t.Skip("no docker daemon answers; the Dockerfile is linted instead")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	tag := "vpcdns-test:" + strings.ToLower(filepath.Base(t.TempDir()))
	build := exec.CommandContext(ctx, docker, "build", "-t", tag, "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	defer exec.Command(docker, "image", "rm", "-f", tag).Run()
	out, err := exec.CommandContext(ctx, docker, "run", "--rm", "--network", "none", tag, "check", "-c", "/etc/vpcdns/network.yaml").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "valid") {
		t.Errorf("docker run check: %v\n%s", err, out)
	}
	out, err = exec.CommandContext(ctx, docker, "image", "inspect", "-f", "{{.Config.User}}", tag).Output()
	if u := strings.TrimSpace(string(out)); err != nil || u == "" || u == "root" || strings.HasPrefix(u, "0") {
		t.Errorf("image user %q (%v); want a user other than root", u, err)
	}
}
