package cli

import (
	"context"
	"fmt"

	"github.com/vpcdns/vpcdns/internal/lint"
)

func runLint(_ context.Context, args []string, std IO) int {
	fs := flagSet("lint", "[-c FILE] [-o text|json]", std)
	file := fs.String("c", "", "network `FILE` (network.yaml); the embedded example when absent")
	out := fs.String("o", "text", "output `format`: text or json")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if err := outputFormat(*out); err != nil {
		return usageError(std, fs, err)
	}
	if len(pos) > 0 {
		return usageError(std, fs, fmt.Errorf("lint takes no arguments, got %q", pos[0]))
	}
	v, code := compile(std, *file)
	if v == nil {
		return code
	}
	r := lint.Run(v)
	r.Network = fileLabel(*file)
	if code := writeReport(std, *out, r, lint.WriteText); code != exitOK {
		return code
	}
	return r.ExitCode()
}
