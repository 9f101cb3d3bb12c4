package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// tool is a program the benchmark runs and the Debian package that has it.
type tool struct {
	bin, pkg string
}

var (
	toolDNSPerf = tool{"dnsperf", "dnsperf"}
	toolUnbound = tool{"unbound", "unbound"}
	toolNamed   = tool{"named", "bind9"}
)

// missingError says which Debian packages are needed and could not be
// installed; the command exits 2.
type missingError struct {
	pkgs   []string
	reason string
}

func (e *missingError) Error() string {
	return fmt.Sprintf("missing tools: %s; install them with: apt-get install -y %s",
		e.reason, strings.Join(e.pkgs, " "))
}

// lookTool finds a binary on PATH or in the sbin directories Debian
// installs servers in (not on every user's PATH).
func lookTool(bin string) string {
	if p, err := exec.LookPath(bin); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/local/sbin", "/sbin"} {
		p := dir + "/" + bin
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// toolsFor lists the tools a run needs.
func toolsFor(o options) []tool {
	need := []tool{toolDNSPerf}
	for _, w := range o.workloads {
		if workloadByID(w).needsBIND {
			need = append(need, toolNamed)
			break
		}
	}
	for _, s := range o.servers {
		if s == "unbound" {
			need = append(need, toolUnbound)
		}
	}
	return need
}

// ensureTools installs the missing tools from Debian's packages with
// apt-get (after apt-get update), or says what to install and fails when
// that is not possible (not root, -no-install, no apt-get).
func ensureTools(ctx context.Context, o options, log io.Writer) error {
	var pkgs []string
	for _, t := range toolsFor(o) {
		if lookTool(t.bin) == "" {
			pkgs = append(pkgs, t.pkg)
		}
	}
	if len(pkgs) == 0 {
		return nil
	}
	switch {
	case !o.install:
		return &missingError{pkgs, "-no-install given"}
	case os.Geteuid() != 0:
		return &missingError{pkgs, "not root, so not installing them"}
	case lookTool("apt-get") == "":
		return &missingError{pkgs, "no apt-get on this machine"}
	}
	fmt.Fprintf(log, "installing %s from Debian's packages\n", strings.Join(pkgs, " "))
	// Debian starts a service right after installing its package (unbound
	// would listen on port 53 and fetch the root trust anchor from the
	// internet). A policy-rc.d that answers 101 forbids that; add one for the
	// install when the machine has none.
	const policy = "/usr/sbin/policy-rc.d"
	if _, err := os.Stat(policy); errors.Is(err, os.ErrNotExist) {
		if err := os.WriteFile(policy, []byte("#!/bin/sh\n# written by vpcdns bench during apt-get install\nexit 101\n"), 0o755); err != nil {
			return fmt.Errorf("write %s: %w", policy, err)
		}
		defer os.Remove(policy)
	}
	env := append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	for _, args := range [][]string{
		{"apt-get", "update", "-qq"},
		append([]string{"apt-get", "install", "-y", "-qq", "--no-install-recommends"}, pkgs...),
	} {
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w\n%s", strings.Join(args, " "), err, out.String())
		}
	}
	for _, t := range toolsFor(o) {
		if lookTool(t.bin) == "" {
			return fmt.Errorf("%s is still missing after installing %s", t.bin, t.pkg)
		}
	}
	return nil
}

// toolVersion returns the first line of a tool's version output, for the
// record of the machine.
func toolVersion(ctx context.Context, bin string, args ...string) string {
	p := lookTool(bin)
	if p == "" {
		return ""
	}
	out, _ := exec.CommandContext(ctx, p, args...).CombinedOutput()
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if strings.Contains(strings.ToLower(line), "version") || strings.HasPrefix(line, "BIND") || strings.HasPrefix(line, "CoreDNS") {
			return line
		}
	}
	return ""
}
