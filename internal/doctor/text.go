package doctor

import (
	"fmt"
	"io"
	"strings"
)

// WriteText renders the report for people, short enough to paste into a
// ticket: the query, then each numbered step with pass or fail, its
// summary and its evidence, ending with the conclusion.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "vpcdns doctor: %s %s from %s", r.Query.Type, r.Query.Name, r.VPC)
	if r.Explain != nil {
		fmt.Fprintf(&b, " (VPC resolver %s", r.Explain.ResolverAddress)
		if r.Resolver != "" {
			fmt.Fprintf(&b, ", asked at %s", r.Resolver)
		}
		b.WriteString(")")
	}
	b.WriteString("\n\n")
	for _, s := range r.Steps {
		if s.Name == "conclusion" {
			fmt.Fprintf(&b, "%d. %-4s  %s: %s\n", s.Step, strings.ToUpper(string(s.Status)), s.Title, s.Summary)
			continue
		}
		fmt.Fprintf(&b, "%d. %-4s  %s\n", s.Step, strings.ToUpper(string(s.Status)), s.Title)
		fmt.Fprintf(&b, "         %s\n", s.Summary)
		for _, e := range s.Evidence {
			fmt.Fprintf(&b, "           %s\n", e)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
