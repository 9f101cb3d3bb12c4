// Package cli is the vpcdns command line (../shared/spec/cli.md): it parses
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
	"runtime/debug"
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
}

type verb struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, std IO) int
}

func verbs() []verb {
	return []verb{
		{"serve", "serve every VPC resolver and inbound endpoint on its sockets", runServe},
		{"check", "validate a network file and print every problem", runCheck},
		{"explain", "show how one query from one VPC is decided, without sending anything", runExplain},
		{"lint", "list every problem of the network that would make queries fail or surprise", runLint},
		{"doctor", "run the troubleshooting procedure for one query: ask the targets and the VPC resolver, compare, conclude", runDoctor},
		{"export", "write the current network (as kept by serve --api-listen --data-dir) as network.yaml", runExport},
		{"import", "read a network from AWS accounts (live, or offline from AWS CLI output) as network.yaml", runImport},
	}
}

// Run runs the command line args (without the program name) and returns the
// exit status.
func Run(ctx context.Context, args []string, std IO) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(std.Stdout)
		if len(args) == 0 {
			return exitInvalid
		}
		return exitOK
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(std.Stdout, "vpcdns", version())
		return exitOK
	}
	for _, v := range verbs() {
		if v.name == args[0] {
			return v.run(ctx, args[1:], std)
		}
	}
	fmt.Fprintf(std.Stderr, "vpcdns: unknown command %q\n\n", args[0])
	usage(std.Stderr)
	return exitInvalid
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "vpcdns answers DNS for modeled VPCs as Amazon Route 53 Resolver would, and explains every answer.\n\n")
	fmt.Fprintf(w, "Usage: vpcdns <command> [flags]\n\nCommands:\n")
	for _, v := range verbs() {
		fmt.Fprintf(w, "  %-8s %s\n", v.name, v.summary)
	}
	fmt.Fprintf(w, "\nEvery command that reads a network takes -c FILE (network.yaml); without it vpcdns uses its\nembedded example network. Run `vpcdns <command> -h` for the flags of one command.\n")
}

// flagSet returns a FlagSet that prints its usage to std.Stderr.
func flagSet(name, synopsis string, std IO) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(std.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(std.Stderr, "Usage: vpcdns %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
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
			fmt.Fprintln(w, p.Error())
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

// version is the module version the binary was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
