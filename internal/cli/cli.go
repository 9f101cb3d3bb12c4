// Package cli is the vpcdns command line (docs/cli.md): it parses
// verbs and flags, loads the network, and hands over to the packages that do
// the work. Run is called by main and, in-process, by the tests.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// Exit statuses shared by the verbs.
const (
	exitOK      = 0
	exitFail    = 1 // doctor: not as expected; lint: warnings only
	exitInvalid = 2 // invalid network, bad usage, lint errors
)

// IO is where a command reads and writes.
type IO struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer

	// onHelp, when set, is given a verb's complete FlagSet when -h is
	// parsed: how help and completion learn the flags without running it.
	onHelp func(*flag.FlagSet)
	// terminal, when set, says whether a writer is a terminal and its width
	// in columns, in place of asking the file (how a test sees what a
	// terminal is shown).
	terminal func(io.Writer) (width int, ok bool)
}

// verb is one command of the command line.
//
// To add a verb: a file VERB.go with its run function, and ONE entry in
// verbs(), with named fields:
//
//	{name: "NAME", summary: "what it does, in one line", run: runNAME, examples: []string{
//		"vpcdns NAME --flag x      # what this example shows",
//	}},
//
// run must make its flags with flagSet (whose synopsis is the usage line of
// -h) and parse them with parse before it does anything, so that
// `vpcdns NAME -h`, `vpcdns help NAME` and the shell completions know its
// flags. TestHelpGolden wants examples for every verb.
type verb struct {
	name     string
	summary  string
	run      func(ctx context.Context, args []string, std IO) int
	examples []string
}

func verbs() []verb {
	return []verb{
		{name: "serve", summary: "serve every VPC resolver and inbound endpoint on its sockets", run: runServe, examples: []string{
			"vpcdns serve                                   # the embedded example network",
			"vpcdns serve -c network.yaml --metrics-listen 127.0.0.1:9153",
			"vpcdns serve --api-listen 127.0.0.1:4566 --data-dir ./state   # built with the AWS CLI",
			"kill -HUP PID                                  # re-read network.yaml; an invalid one is refused",
		}},
		{name: "check", summary: "validate a network file and print every problem", run: runCheck, examples: []string{
			"vpcdns check -c network.yaml",
		}},
		{name: "explain", summary: "show how one query from one VPC is decided, without sending anything", run: runExplain, examples: []string{
			"vpcdns explain --vpc vpc-app -x 10.0.1.5       # a reverse lookup (PTR)",
			"vpcdns explain --vpc vpc-app www.internal.example AAAA",
			"vpcdns explain -c network.yaml --vpc vpc-app db.corp.example -o json",
		}},
		{name: "lint", summary: "list every problem of the network that would make queries fail or surprise", run: runLint, examples: []string{
			"vpcdns lint -c network.yaml",
			"vpcdns lint -c network.yaml -o json | jq '.findings[].id'",
		}},
		{name: "doctor", summary: "run the troubleshooting procedure for one query: ask the targets and the VPC resolver, compare, conclude", run: runDoctor, examples: []string{
			"vpcdns doctor --vpc vpc-app -x 10.0.1.5        # against a running vpcdns serve",
			"vpcdns doctor -c network.yaml --vpc vpc-app db.corp.example -o json",
			"vpcdns doctor -c network.yaml --vpc vpc-0abc -x 10.0.1.5 --resolver 169.254.169.253   # on an instance in the VPC",
		}},
		{name: "export", summary: "write the current network (as kept by serve --api-listen --data-dir) as network.yaml", run: runExport, examples: []string{
			"vpcdns export > network.yaml                   # the embedded example, to edit",
			"vpcdns export --data-dir ./state --output network.yaml",
			"vpcdns export -c network.yaml -o json > network.json",
		}},
		{name: "import", summary: "read a network from AWS accounts (live, or offline from AWS CLI output) as network.yaml", run: runImport, examples: []string{
			"vpcdns import --region eu-west-1 -o network.yaml",
			"vpcdns import --profile network --role-arn arn:aws:iam::222233334444:role/vpcdns-read -o network.yaml",
			"vpcdns import --print-commands --region eu-west-1 > commands.sh   # run in CloudShell, copy the folder",
			"vpcdns import --from ./aws-output -o network.yaml",
		}},
		{name: "diff", summary: "compare the DNS behaviour of two network files: every decision that changes", run: runDiff, examples: []string{
			"vpcdns diff monday.yaml tuesday.yaml",
			"vpcdns diff -o json old.yaml new.yaml | jq '.changes[] | select(.kind == \"decision\")'",
		}},
		{name: "capacity", summary: "read query logs and report each ENI's and endpoint address's peak rate against AWS's DNS limits", run: runCapacity, examples: []string{
			"vpcdns capacity -c network.yaml query.log",
			"vpcdns capacity -o json exported-*.log.gz    # AWS's query logs, from S3 or CloudWatch Logs",
		}},
		{name: "schema", summary: "print the JSON Schema of network.yaml, for editors that validate and complete it", run: runSchema, examples: []string{
			"vpcdns schema > network.schema.json",
			"# yaml-language-server: $schema=./network.schema.json   (first line of network.yaml)",
		}},
		{name: "help", summary: "show the commands, or the flags and examples of one", run: runHelp, examples: []string{
			"vpcdns help",
			"vpcdns help doctor                             # the same as vpcdns doctor -h",
		}},
		{name: "version", summary: "print the version, the VCS revision and the Go version of this binary", run: runVersion, examples: []string{
			"vpcdns version",
		}},
		{name: "completion", summary: "print a shell completion script: bash, zsh or fish", run: runCompletion, examples: []string{
			"source <(vpcdns completion bash)               # in ~/.bashrc",
			"vpcdns completion zsh > \"${fpath[1]}/_vpcdns\"  # then compinit",
			"vpcdns completion fish > ~/.config/fish/completions/vpcdns.fish",
		}},
	}
}

// Run runs the command line args (without the program name) and returns the
// exit status.
func Run(ctx context.Context, args []string, std IO) int {
	if len(args) == 0 {
		usage(std.Stderr)
		return exitInvalid
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(std.Stdout)
		return exitOK
	case "--version", "-version":
		args[0] = "version"
	}
	if v, ok := lookup(args[0]); ok {
		if wantsHelp(args[1:]) {
			return verbHelp(ctx, v, std.Stdout)
		}
		return v.run(ctx, args[1:], std)
	}
	fmt.Fprintf(std.Stderr, "vpcdns: unknown command %q\n\n", args[0])
	usage(std.Stderr)
	return exitInvalid
}

func lookup(name string) (verb, bool) {
	for _, v := range verbs() {
		if v.name == name {
			return v, true
		}
	}
	return verb{}, false
}

// wantsHelp reports whether the flags (before a "--") ask for help.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "vpcdns answers DNS for modeled VPCs as Amazon Route 53 Resolver would, and explains every answer.\n\n")
	fmt.Fprintf(w, "Usage: vpcdns <command> [flags]\n\nCommands:\n")
	for _, v := range verbs() {
		fmt.Fprintf(w, "  %-10s %s\n", v.name, v.summary)
	}
	fmt.Fprintf(w, "\nEvery command that reads a network takes -c FILE (network.yaml); without it vpcdns uses its\n"+
		"embedded example network. -o is an output format (text, json; yaml for export) everywhere\n"+
		"but in import, whose -o FILE is where it writes.\n"+
		"Run `vpcdns help <command>` or `vpcdns <command> -h` for the flags and examples of one command.\n")
}

// flagSet returns a FlagSet that prints its usage to std.Stderr: after a
// usage error. Help (-h) is printed to standard output by Run, through the
// same Usage.
func flagSet(name, synopsis string, std IO) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(std.Stderr)
	fs.Usage = func() {
		if std.onHelp != nil {
			std.onHelp(fs)
		}
		fmt.Fprintf(std.Stderr, "Usage: %s\n", strings.TrimSpace("vpcdns "+name+" "+synopsis))
		if hasFlags(fs) {
			fmt.Fprintf(std.Stderr, "\nFlags:\n")
			printFlags(std.Stderr, fs)
		}
	}
	return fs
}

// printFlags lists the flags as users type them: -c FILE, --vpc ID (Go's
// flag package takes one or two dashes alike).
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		dash := "--"
		if len(f.Name) == 1 {
			dash = "-"
		}
		line := "  " + dash + f.Name
		if name != "" {
			line += " " + name
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "%s\n      %s\n", line, usage)
	})
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parse parses flags and positional arguments in any order, as users type
// them: `explain --vpc a www.example.com A -o json`.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// loadNetwork reads -c FILE, or the embedded example when file is empty.
func loadNetwork(file string) (*config.Network, *config.File, error) {
	if file == "" {
		return config.Example()
	}
	return config.Load(file)
}

// printProblems writes a load error: every problem on its own line.
func printProblems(w io.Writer, err error) {
	var ps config.Problems
	if errors.As(err, &ps) {
		for _, p := range ps {
			fmt.Fprintln(w, p.Located())
		}
		fmt.Fprintf(w, "%d problem(s) found\n", len(ps))
		return
	}
	fmt.Fprintln(w, err)
}

// query reads the question of explain and doctor: -x IP, or NAME [TYPE].
func query(reverse string, pos []string) (dnsname.Name, uint16, error) {
	if reverse != "" {
		if len(pos) > 0 {
			return "", 0, fmt.Errorf("-x takes no name or type, got %q", strings.Join(pos, " "))
		}
		a, err := netip.ParseAddr(reverse)
		if err != nil {
			return "", 0, fmt.Errorf("-x %q: not an IP address", reverse)
		}
		return dnsname.ReverseAddr(a), dns.TypePTR, nil
	}
	if len(pos) == 0 || len(pos) > 2 {
		return "", 0, errors.New("want -x IP, or NAME [TYPE]")
	}
	name, err := dnsname.Parse(pos[0])
	if err != nil {
		return "", 0, err
	}
	qtype := dns.TypeA
	if len(pos) == 2 {
		if qtype, err = parseType(pos[1]); err != nil {
			return "", 0, err
		}
	}
	return name, qtype, nil
}

func parseType(s string) (uint16, error) {
	u := strings.ToUpper(s)
	if t, ok := dns.StringToType[u]; ok {
		return t, nil
	}
	if n, ok := strings.CutPrefix(u, "TYPE"); ok {
		if v, err := strconv.ParseUint(n, 10, 16); err == nil {
			return uint16(v), nil
		}
	}
	return 0, fmt.Errorf("type %q: not a DNS record type", s)
}

func outputFormat(o string) error {
	if o != "text" && o != "json" {
		return fmt.Errorf("-o %q: want text or json", o)
	}
	return nil
}

// fileLabel is how a network is named in messages.
func fileLabel(file string) string {
	if file == "" {
		return "embedded example network"
	}
	return filepath.Clean(file)
}
