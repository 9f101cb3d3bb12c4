package diff

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteText renders the report for people: the changes grouped by VPC, one
// line each, old -> new, then a count.
func WriteText(w io.Writer, r *Report) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "vpcdns diff: %s -> %s\n", r.Old, r.New)
	if !r.Changed() {
		fmt.Fprintf(b, "\nno change in DNS behaviour (%d VPCs, %d domains compared)\n", r.Compared.VPCs, r.Compared.Domains)
		return b.Flush()
	}
	width := 0
	for _, c := range r.Changes {
		width = max(width, len(c.Domain))
	}
	vpcs := 0
	last := ""
	for _, c := range r.Changes {
		if c.VPC != last {
			last = c.VPC
			vpcs++
			b.WriteString("\n")
			switch c.Kind {
			case KindVPCAdded:
				fmt.Fprintf(b, "%s: added (only in %s)\n", c.VPC, r.New)
				continue
			case KindVPCRemoved:
				fmt.Fprintf(b, "%s: removed (only in %s)\n", c.VPC, r.Old)
				continue
			}
			fmt.Fprintf(b, "%s\n", c.VPC)
		}
		fmt.Fprintf(b, "  %-*s  %-8s  %s\n", width, c.Domain, c.Kind, describe(c))
	}
	fmt.Fprintf(b, "\n%d change(s) in %d of %d VPCs (%d domains compared)\n", len(r.Changes), vpcs, r.Compared.VPCs, r.Compared.Domains)
	return b.Flush()
}

func describe(c Change) string {
	switch c.Kind {
	case KindTargets:
		return fmt.Sprintf("%s: %s -> %s", winner(c.New), targetList(c.Old), targetList(c.New))
	case KindPath:
		return winner(c.New) + ": " + strings.Join(pathChanges(c.Old, c.New), "; ")
	}
	return winner(c.Old) + " -> " + winner(c.New)
}

// winner names a decision: source, id and domain, and the system rule.
func winner(s *Side) string {
	if s.Source == "none" {
		return "none (DNS support off)"
	}
	out := s.Source
	if s.ID != "" {
		out += " " + s.ID
	}
	out += " (" + s.Domain + ")"
	if s.Via != "" {
		out += " via system rule " + s.Via
	}
	return out
}

func targetList(s *Side) string {
	if len(s.Targets) == 0 {
		return "no targets"
	}
	ts := make([]string, len(s.Targets))
	for i, t := range s.Targets {
		ts[i] = t.Target
	}
	return strings.Join(ts, ", ")
}

// pathChanges lists every path whose verdict differs, target by target.
func pathChanges(o, n *Side) []string {
	type key struct{ target, ep, proto string }
	verdicts := func(s *Side) (map[key]string, []key) {
		m := map[key]string{}
		var order []key
		for _, t := range s.Targets {
			for _, p := range t.Paths {
				k := key{t.Target, p.EndpointIP, p.Protocol}
				m[k] = p.Verdict
				order = append(order, k)
			}
		}
		return m, order
	}
	om, oorder := verdicts(o)
	nm, norder := verdicts(n)
	var out []string
	seen := map[key]bool{}
	for _, k := range append(oorder, norder...) {
		if seen[k] {
			continue
		}
		seen[k] = true
		ov, nv := om[k], nm[k]
		if ov == nv {
			continue
		}
		out = append(out, fmt.Sprintf("%s from %s over %s %s -> %s", k.target, k.ep, k.proto, orNone(ov), orNone(nv)))
	}
	return out
}

func orNone(v string) string {
	if v == "" {
		return "no path"
	}
	return v
}
