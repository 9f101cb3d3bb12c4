package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/diff"
	"github.com/vpcdns/vpcdns/internal/view"
)

func runDiff(_ context.Context, args []string, std IO) int {
	fs := flagSet("diff", "[-o text|json] OLD NEW", std)
	out := fs.String("o", "text", "output `format`: text or json")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if err := outputFormat(*out); err != nil {
		return usageError(std, fs, err)
	}
	if len(pos) != 2 {
		return usageError(std, fs, fmt.Errorf("diff takes two network files, OLD and NEW; got %d argument(s)", len(pos)))
	}
	// The two files load and compile at once: with 100,000 rules each,
	// that is most of the time diff takes.
	var views [2]*view.View
	var errs [2]bytes.Buffer
	var wg sync.WaitGroup
	for i, file := range pos {
		wg.Go(func() { views[i] = compileFile(&errs[i], file) })
	}
	wg.Wait()
	if views[0] == nil || views[1] == nil {
		std.Stderr.Write(errs[0].Bytes())
		std.Stderr.Write(errs[1].Bytes())
		return exitInvalid
	}
	r := diff.Compare(views[0], views[1], fileLabel(pos[0]), fileLabel(pos[1]))
	if code := writeReport(std, *out, r, diff.WriteText); code != exitOK {
		return code
	}
	if r.Changed() {
		return exitFail
	}
	return exitOK
}

// compileFile loads and compiles one named network file, writing its
// problems under its name to w; nil when it is invalid.
func compileFile(w io.Writer, file string) *view.View {
	n, _, err := config.Load(file)
	if err != nil {
		fmt.Fprintf(w, "vpcdns diff: %s is invalid:\n", fileLabel(file))
		printProblems(w, err)
		return nil
	}
	v, err := view.Compile(n)
	if err != nil {
		fmt.Fprintf(w, "vpcdns diff: %s: %v\n", fileLabel(file), err)
		return nil
	}
	return v
}
