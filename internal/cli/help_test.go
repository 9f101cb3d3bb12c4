package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// TestHelpGolden: every verb answers -h, --help and `vpcdns help VERB` on
// standard output with exit 0, the same text each way, with examples.
func TestHelpGolden(t *testing.T) {
	for _, v := range verbs() {
		t.Run(v.name, func(t *testing.T) {
			if len(v.examples) == 0 {
				t.Errorf("verb %s has no examples", v.name)
			}
			var first string
			for i, args := range [][]string{{v.name, "-h"}, {v.name, "--help"}, {"help", v.name}, {v.name, "-c", "x.yaml", "--help"}} {
				if v.name != "explain" && v.name != "lint" && i == 3 {
					continue // only verbs with -c
				}
				code, stdout, stderr := run(t, args...)
				if code != 0 || stderr != "" {
					t.Errorf("vpcdns %s: exit %d, stderr %q; want 0 and nothing", strings.Join(args, " "), code, stderr)
				}
				if i == 0 {
					first = stdout
					golden(t, "help-"+v.name+".txt", stdout)
				} else if stdout != first {
					t.Errorf("vpcdns %s differs from vpcdns %s -h:\n%s", strings.Join(args, " "), v.name, stdout)
				}
				if !strings.Contains(stdout, "Usage: vpcdns "+v.name) || !strings.Contains(stdout, "\nExamples:\n") {
					t.Errorf("vpcdns %s: no usage line or examples:\n%s", strings.Join(args, " "), stdout)
				}
			}
		})
	}
}

// TestUsage: the list of commands on request goes to stdout (exit 0); with
// no command, or a wrong one, it is an error on stderr (exit 2).
func TestUsage(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		code       int
		toStdout   bool
		stderrHave string
	}{
		{name: "help", args: []string{"help"}, code: 0, toStdout: true},
		{name: "-h", args: []string{"-h"}, code: 0, toStdout: true},
		{name: "--help", args: []string{"--help"}, code: 0, toStdout: true},
		{name: "no command", args: nil, code: 2},
		{name: "unknown command", args: []string{"serv"}, code: 2, stderrHave: `unknown command "serv"`},
		{name: "help of an unknown command", args: []string{"help", "serv"}, code: 2, stderrHave: `vpcdns help: unknown command "serv"`},
		{name: "bad flag", args: []string{"explain", "--bogus"}, code: 2, stderrHave: "flag provided but not defined: -bogus\nUsage: vpcdns explain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			out, other := stderr, stdout
			if tt.toStdout {
				out, other = stdout, stderr
			}
			if other != "" {
				t.Errorf("unexpected output on the other stream: %q", other)
			}
			if !strings.Contains(out, tt.stderrHave) {
				t.Errorf("output %q does not contain %q", out, tt.stderrHave)
			}
			if tt.toStdout {
				golden(t, "help.txt", stdout)
			}
		})
	}
	_, stdout, _ := run(t, "help")
	for _, v := range verbs() {
		if !strings.Contains(stdout, "\n  "+v.name+" ") {
			t.Errorf("vpcdns help does not list %s", v.name)
		}
	}
}

func TestVersionText(t *testing.T) {
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{name: "no build info", want: "vpcdns (devel) "},
		{name: "go install of a tag", bi: &debug.BuildInfo{Main: debug.Module{Version: "v0.4.0"}}, want: "vpcdns v0.4.0 "},
		{
			name: "built in a clone",
			bi: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261203154742-050e84f3e94f"}, Settings: []debug.BuildSetting{
				{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "050e84f3e94fd3a53905a76066a5883127149a25"},
				{Key: "vcs.time", Value: "2026-12-03T15:47:42Z"}, {Key: "vcs.modified", Value: "true"},
			}},
			want: "vpcdns v0.0.0-20261203154742-050e84f3e94f (revision 050e84f3e94fd3a53905a76066a5883127149a25, 2026-12-03T15:47:42Z, modified) ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionText(tt.bi); !strings.HasPrefix(got, tt.want) || !strings.Contains(got, " go1.") {
				t.Errorf("versionText = %q, want %q then the Go version", got, tt.want)
			}
		})
	}
	code, stdout, _ := run(t, "version")
	if code != 0 || !strings.HasPrefix(stdout, "vpcdns ") {
		t.Errorf("vpcdns version: exit %d, %q", code, stdout)
	}
	if _, stdout2, _ := run(t, "--version"); stdout2 != stdout {
		t.Errorf("--version %q differs from version %q", stdout2, stdout)
	}
}

// completionScript writes vpcdns completion SHELL to a file.
func completionScript(t *testing.T, shell string) string {
	t.Helper()
	code, stdout, stderr := run(t, "completion", shell)
	if code != 0 {
		t.Fatalf("completion %s: exit %d: %s", shell, code, stderr)
	}
	path := filepath.Join(t.TempDir(), "vpcdns."+shell)
	if err := os.WriteFile(path, []byte(stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// needShell finds a shell, skipping without it (failing in CI).
func needShell(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (.ci/run installs it)", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

// completionCases are command lines and the words completion offers for
// their last word.
var completionCases = []struct {
	line string
	want string // space separated, sorted as the shell prints them
}{
	{"vpcdns ex", "explain export"},
	{"vpcdns d", "diff doctor"},
	{"vpcdns doctor --reso", "--resolv-conf --resolver"},
	{"vpcdns explain -o ", "json text"},
	{"vpcdns export -o ", "json yaml"},
	{"vpcdns serve --log-level ", "debug error info warn"},
	{"vpcdns completion ", "bash fish zsh"},
	{"vpcdns help ch", "check"},
}

// TestCompletionBash runs the bash script in bash and asks it, as bash
// would on TAB, for the completions of each case.
func TestCompletionBash(t *testing.T) {
	bash := needShell(t, "bash")
	script := completionScript(t, "bash")
	for _, tc := range completionCases {
		t.Run(tc.line, func(t *testing.T) {
			words := strings.Fields(tc.line)
			if strings.HasSuffix(tc.line, " ") {
				words = append(words, "")
			}
			var quoted []string
			for _, w := range words {
				quoted = append(quoted, "'"+w+"'")
			}
			prog := "source " + script + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" + strconv.Itoa(len(words)-1) +
				"\n_vpcdns\nprintf '%s\\n' \"${COMPREPLY[@]}\" | sort | tr '\\n' ' '"
			out, err := exec.Command(bash, "--norc", "--noprofile", "-c", prog).CombinedOutput()
			if err != nil {
				t.Fatalf("bash: %v\n%s", err, out)
			}
			if got := strings.TrimSpace(string(out)); got != tc.want {
				t.Errorf("completions %q, want %q", got, tc.want)
			}
		})
	}
}

// TestCompletionFish asks fish itself (complete -C) for the completions.
func TestCompletionFish(t *testing.T) {
	fish := needShell(t, "fish")
	script := completionScript(t, "fish")
	for _, tc := range completionCases {
		t.Run(tc.line, func(t *testing.T) {
			prog := "source " + script + "; complete -C '" + tc.line + "' | string replace -r '\\t.*' '' | sort | string join ' '; true"
			out, err := exec.Command(fish, "--no-config", "-c", prog).CombinedOutput()
			if err != nil {
				t.Fatalf("fish: %v\n%s", err, out)
			}
			if got := strings.TrimSpace(string(out)); got != tc.want {
				t.Errorf("completions %q, want %q", got, tc.want)
			}
		})
	}
}

// TestCompletionZsh types each case and TAB into an interactive zsh in a
// pseudo-terminal that loaded the script (testdata/zsh-complete.zsh), and
// compares the words zsh's completion offered. The script must parse too.
func TestCompletionZsh(t *testing.T) {
	zsh := needShell(t, "zsh")
	script := completionScript(t, "zsh")
	if out, err := exec.Command(zsh, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
	driver, err := filepath.Abs(filepath.Join("testdata", "zsh-complete.zsh"))
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	for _, tc := range completionCases {
		t.Run(tc.line, func(t *testing.T) {
			t.Parallel() // each case is its own zsh, slow to start
			cmd := exec.Command(zsh, "-f", driver, filepath.Join(t.TempDir(), "matches"), script, tc.line)
			cmd.Env = append(os.Environ(), "HOME="+home)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("zsh: %v\n%s", err, out)
			}
			if got := strings.TrimSpace(string(out)); got != tc.want {
				t.Errorf("completions %q, want %q", got, tc.want)
			}
		})
	}
}
