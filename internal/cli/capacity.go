package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/vpcdns/vpcdns/internal/capacity"
	"github.com/vpcdns/vpcdns/internal/config"
)

func runCapacity(_ context.Context, args []string, std IO) int {
	fs := flagSet("capacity", "[-c FILE] [-o text|json] LOG...", std)
	file := fs.String("c", "", "network `FILE` (network.yaml) that names the sources' ENIs and the endpoints' addresses and limits; AWS's limits when absent")
	out := fs.String("o", "text", "output `format`: text or json")
	logs, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if err := outputFormat(*out); err != nil {
		return usageError(std, fs, err)
	}
	if len(logs) == 0 {
		return usageError(std, fs, fmt.Errorf("capacity needs one query log or more (- for standard input)"))
	}
	var n *config.Network
	if *file != "" {
		if n, _, err = config.Load(*file); err != nil {
			printProblems(std.Stderr, err)
			return exitInvalid
		}
	}
	a := capacity.NewAnalyzer(n)
	skipped := 0
	for _, name := range logs {
		k, err := readLog(std, name, a.Add)
		if err != nil {
			fmt.Fprintf(std.Stderr, "vpcdns: %v\n", err)
			return exitInvalid
		}
		skipped += k
	}
	r := a.Report(logs, skipped)
	if *file != "" {
		r.Network = fileLabel(*file)
	}
	if code := writeReport(std, *out, r, capacity.WriteText); code != exitOK {
		return code
	}
	return r.ExitCode()
}

// readLog reads one query log, "-" being standard input.
func readLog(std IO, name string, fn func(capacity.Entry)) (int, error) {
	var r io.Reader = std.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return 0, fmt.Errorf("read query log: %w", err)
		}
		defer f.Close()
		r = f
	}
	return capacity.Read(r, name, fn)
}
