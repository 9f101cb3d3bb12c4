// Package packaging holds what vpcdns is installed with: the systemd unit
// (vpcdns.service) here, and the Dockerfile at the root of the repository.
// Its tests check both: the unit with systemd-analyze, the Dockerfile with
// docker build where a daemon answers, and both for the properties they
// promise (a sandbox, a non-root user, a static binary).
package packaging

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

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

// buildVPCDNS builds the binary into a temporary directory.
func buildVPCDNS(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vpcdns")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/vpcdns")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
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
