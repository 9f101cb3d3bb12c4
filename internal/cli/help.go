package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// runHelp is `vpcdns help [COMMAND]`: the list of commands, or one
// command's help, on standard output.
func runHelp(ctx context.Context, args []string, std IO) int {
	fs := flagSet("help", "[COMMAND]", std)
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	switch len(pos) {
	case 0:
		usage(std.Stdout)
		return exitOK
	case 1:
		v, ok := lookup(pos[0])
		if !ok {
			fmt.Fprintf(std.Stderr, "vpcdns help: unknown command %q\n\n", pos[0])
			usage(std.Stderr)
			return exitInvalid
		}
		return verbHelp(ctx, v, std.Stdout)
	}
	return usageError(std, fs, fmt.Errorf("help takes one command, got %q", strings.Join(pos, " ")))
}

// verbHelp writes a verb's help to w: its summary, its usage and flags (as
// its own FlagSet prints them) and its examples.
func verbHelp(ctx context.Context, v verb, w io.Writer) int {
	fmt.Fprintf(w, "vpcdns %s: %s\n\n", v.name, v.summary)
	v.run(ctx, []string{"-h"}, IO{Stdin: strings.NewReader(""), Stdout: w, Stderr: w})
	if len(v.examples) > 0 {
		fmt.Fprintf(w, "\nExamples:\n")
		for _, e := range v.examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
	return exitOK
}

// verbFlags returns the FlagSet of a verb, from its run with -h.
func verbFlags(ctx context.Context, v verb) *flag.FlagSet {
	var got *flag.FlagSet
	v.run(ctx, []string{"-h"}, IO{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard,
		onHelp: func(fs *flag.FlagSet) { got = fs }})
	return got
}
