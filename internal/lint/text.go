package lint

import (
	"fmt"
	"io"
	"strings"
)

// WriteText renders the report for people: each finding with its id,
// severity and title, the resources, the evidence, what happens to
// queries and the fix, then a count.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s %s: %s\n", f.ID, f.Severity, f.Title)
		res := make([]string, len(f.Resources))
		for i, x := range f.Resources {
			res[i] = x.String()
		}
		fmt.Fprintf(&b, "  resources: %s\n", strings.Join(res, ", "))
		for _, e := range f.Evidence {
			fmt.Fprintf(&b, "  - %s\n", e)
		}
		fmt.Fprintf(&b, "  queries:   %s\n", f.Impact)
		fmt.Fprintf(&b, "  fix:       %s\n\n", f.Fix)
	}
	name := r.Network
	if name == "" {
		name = "the network"
	}
	if len(r.Findings) == 0 {
		fmt.Fprintf(&b, "%s: no findings\n", name)
	} else {
		fmt.Fprintf(&b, "%s: %d %s, %d %s, %d info\n", name,
			r.Errors, plural(r.Errors, "error"), r.Warnings, plural(r.Warnings, "warning"), r.Infos)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
