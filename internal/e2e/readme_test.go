package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vpcdns/vpcdns/internal/loopbacktest"
)

// A README block the quick-start test runs.
type readmeBlock struct {
	line       int    // of the opening fence
	lang       string // console, sh, ...
	background bool   // preceded by <!-- readme-test: background -->
	body       []string
}

// readmeBlocks returns the fenced blocks of README.md from the heading
// "## Quick start" up to "## Commands": the quick start and the
// troubleshooting section.
func readmeBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []readmeBlock
	var cur *readmeBlock
	in, background := false, false
	for i, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "## Quick start"):
			in = true
		case in && strings.HasPrefix(line, "## Commands"):
			return out
		case !in:
		case cur == nil && strings.HasPrefix(line, "<!-- readme-test: background"):
			background = true
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &readmeBlock{line: i + 1, lang: strings.TrimPrefix(line, "```"), background: background}
			background = false
		case cur != nil && line == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.body = append(cur.body, line)
		}
	}
	t.Fatal("README.md: no section from \"## Quick start\" to \"## Commands\"")
	return nil
}

// readmeCommand turns a README command into one the test can run: vpcdns
// is the binary just built (on PATH), and SIGHUP goes to the serve this
// test started rather than to every vpcdns on the machine.
func readmeCommand(cmd string) string {
	cmd = strings.ReplaceAll(cmd, "go run ./cmd/vpcdns", "vpcdns")
	return strings.ReplaceAll(cmd, "pkill -HUP -x vpcdns", `kill -HUP "$VPCDNS_PID"`)
}

// matchOutput compares what a command printed with what the README shows.
// A README line that is "..." stands for any lines; "..." inside a line
// for any text.
func matchOutput(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if strings.TrimSpace(want[0]) == "..." {
		for i := 0; i <= len(got); i++ {
			if matchOutput(want[1:], got[i:]) {
				return true
			}
		}
		return false
	}
	if len(got) == 0 || !matchLine(want[0], got[0]) {
		return false
	}
	return matchOutput(want[1:], got[1:])
}

func matchLine(want, got string) bool {
	got = strings.TrimRight(got, " \t")
	want = strings.TrimRight(want, " \t")
	if !strings.Contains(want, "...") {
		return want == got
	}
	parts := strings.Split(want, "...")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$").MatchString(got)
}

// exampleReady skips (or fails in CI) without dig or with one of the
// example's fixed ports taken.
func exampleReady(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("dig"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("dig is not installed")
		}
		t.Skip("dig is not installed")
	}
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
}

// TestReadme runs the README's quick start and troubleshooting sections as
// a reader would: each block marked <!-- readme-test: background --> is a
// terminal that runs serve (the last command; the earlier ones first, and
// the previous serve stopped, as Ctrl-C would), and every console block runs
// in the other terminal, each command's output compared with the README's.
// It is not parallel: the example's ports are fixed, and TestQuickStart
// (parallel) runs after it.
func TestReadme(t *testing.T) {
	exampleReady(t)
	dir := t.TempDir()
	env := append(os.Environ(), "PATH="+filepath.Dir(binary)+string(os.PathListSeparator)+os.Getenv("PATH"))
	var srv *proc
	stop := func() {
		if srv == nil {
			return
		}
		srv.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-srv.done:
		case <-time.After(10 * time.Second):
			srv.cmd.Process.Kill()
			<-srv.done
		}
		srv = nil
	}
	t.Cleanup(stop)
	ran := 0
	for _, b := range readmeBlocks(t) {
		switch {
		case b.background:
			stop()
			cmds := nonEmpty(b.body)
			for _, c := range cmds[:len(cmds)-1] {
				if out, err := shell(dir, env, readmeCommand(c)).CombinedOutput(); err != nil {
					t.Fatalf("README.md:%d: %s: %v\n%s", b.line, c, err, out)
				}
			}
			srv = background(t, dir, env, readmeCommand(cmds[len(cmds)-1]))
			env = append(env, fmt.Sprintf("VPCDNS_PID=%d", srv.cmd.Process.Pid))
			ran++
		case b.lang == "console":
			runConsole(t, dir, env, b)
			ran++
		}
	}
	if ran < 6 {
		t.Errorf("ran %d README blocks; the quick start has more: are the markers and console blocks still there?", ran)
	}
}

func nonEmpty(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

func shell(dir string, env []string, script string) *exec.Cmd {
	c := exec.Command("bash", "-c", script)
	c.Dir, c.Env = dir, env
	return c
}

// background starts a serve command and waits until it serves.
func background(t *testing.T, dir string, env []string, cmd string) *proc {
	t.Helper()
	p := &proc{stdout: &loopbacktest.Buffer{}, stderr: &loopbacktest.Buffer{}, done: make(chan struct{})}
	p.cmd = shell(dir, env, "exec "+cmd)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	p.waitLog(t, "msg=serving", 1)
	return p
}

const readmeMark = "@@vpcdns-readme@@"

// runConsole runs the commands of one console block in one shell, in
// order, and compares each one's output (stdout and stderr) with the lines
// that follow it in the README.
func runConsole(t *testing.T, dir string, env []string, b readmeBlock) {
	t.Helper()
	type step struct {
		cmd  string
		line int
		want []string
	}
	var steps []step
	for i, l := range b.body {
		if c, ok := strings.CutPrefix(l, "$ "); ok {
			steps = append(steps, step{cmd: c, line: b.line + 1 + i})
			continue
		}
		if len(steps) == 0 {
			t.Fatalf("README.md:%d: console block output before any command", b.line+1+i)
		}
		steps[len(steps)-1].want = append(steps[len(steps)-1].want, l)
	}
	var script strings.Builder
	for _, s := range steps {
		// The mark keeps the command's exit status for the next one's $?.
		fmt.Fprintf(&script, "%s\n__rc=$?; printf '\\n%s\\n'; (exit $__rc)\n", readmeCommand(s.cmd), readmeMark)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, "bash", "-c", script.String())
	c.Dir, c.Env = dir, env
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	_ = c.Run() // each command's status is its own business (echo $? shows it)
	outs := strings.Split(out.String(), "\n"+readmeMark+"\n")
	for i, s := range steps {
		if i >= len(outs) {
			t.Errorf("README.md:%d: $ %s: no output at all (the shell stopped early)\n%s", s.line, s.cmd, out.String())
			return
		}
		got := strings.Split(strings.TrimSuffix(outs[i], "\n"), "\n")
		if outs[i] == "" {
			got = nil
		}
		want := s.want
		for len(want) > 0 && strings.TrimSpace(want[len(want)-1]) == "" {
			want = want[:len(want)-1]
		}
		if !matchOutput(want, got) {
			t.Errorf("README.md:%d: $ %s\n--- got\n%s\n--- README shows\n%s", s.line, s.cmd, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}
