package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/vpcdns/vpcdns/internal/explain"
	"github.com/vpcdns/vpcdns/internal/view"
)

func runCheck(_ context.Context, args []string, std IO) int {
	fs := flagSet("check", "[-c FILE]", std)
	file := fs.String("c", "", "network `FILE` (network.yaml); the embedded example when absent")
	if _, err := parse(fs, args); err != nil {
		return exitInvalid
	}
	n, _, err := loadNetwork(*file)
	if err != nil {
		printProblems(std.Stdout, err)
		return exitInvalid
	}
	if _, err := view.Compile(n); err != nil {
		fmt.Fprintln(std.Stdout, err)
		return exitInvalid
	}
	fmt.Fprintf(std.Stdout, "%s: valid: %d VPC(s), %d resolver rule(s), %d endpoint(s), %d private hosted zone(s)\n",
		fileLabel(*file), len(n.VPCs), len(n.Rules), len(n.Endpoints), len(n.HostedZones))
	return exitOK
}

func runExplain(_ context.Context, args []string, std IO) int {
	fs := flagSet("explain", "[-c FILE] --vpc ID (-x IP | NAME [TYPE]) [-o text|json]", std)
	file := fs.String("c", "", "network `FILE` (network.yaml); the embedded example when absent")
	vpcID := fs.String("vpc", "", "the `ID` of the VPC the query comes from (required)")
	rev := fs.String("x", "", "reverse lookup of `IP` (type PTR), as dig -x")
	out := fs.String("o", "text", "output `format`: text or json")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if err := outputFormat(*out); err != nil {
		return usageError(std, fs, err)
	}
	if *vpcID == "" {
		return usageError(std, fs, fmt.Errorf("--vpc is required"))
	}
	qname, qtype, err := query(*rev, pos)
	if err != nil {
		return usageError(std, fs, err)
	}
	v, code := compile(std, *file)
	if v == nil {
		return code
	}
	r, err := explain.Build(v, *vpcID, qname, qtype)
	if err != nil {
		fmt.Fprintf(std.Stderr, "vpcdns explain: %v\n", err)
		return exitInvalid
	}
	return writeReport(std, *out, r, explain.WriteText)
}

// compile loads and compiles a network, printing problems on failure.
func compile(std IO, file string) (*view.View, int) {
	n, _, err := loadNetwork(file)
	if err != nil {
		printProblems(std.Stderr, err)
		return nil, exitInvalid
	}
	v, err := view.Compile(n)
	if err != nil {
		fmt.Fprintln(std.Stderr, err)
		return nil, exitInvalid
	}
	return v, exitOK
}

func usageError(std IO, fs *flag.FlagSet, err error) int {
	fmt.Fprintf(std.Stderr, "vpcdns: %v\n", err)
	fs.Usage()
	return exitInvalid
}

// writeReport writes r as indented JSON or through its text renderer.
func writeReport[R any](std IO, format string, r R, text func(io.Writer, R) error) int {
	if format == "json" {
		enc := json.NewEncoder(std.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			fmt.Fprintln(std.Stderr, err)
			return exitInvalid
		}
		return exitOK
	}
	if err := text(std.Stdout, r); err != nil {
		fmt.Fprintln(std.Stderr, err)
		return exitInvalid
	}
	return exitOK
}
