package explain

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/vpcdns/vpcdns/internal/netpath"
)

// WriteText renders the report for people, in the order of AWS's
// troubleshooting procedure: the resolver the query reaches, every rule that
// matches (the hidden ones too), the winner and why, then the path of a
// forward, check by check.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Query:     %s %s from %s\n", r.Query.Type, r.Query.Name, r.VPC)
	fmt.Fprintf(&b, "Resolver:  %s (VPC CIDR base + 2), DNS support %s, DNS hostnames %s\n",
		r.ResolverAddress, onOff(r.DNSSupport), onOff(r.DNSHostnames))
	if r.OwnerAccount != "" {
		fmt.Fprintf(&b, "Account:   %s belongs to %s\n", r.VPC, r.OwnerAccount)
	}
	if d := r.DHCP; d != nil {
		servers := strings.Join(d.DomainNameServers, ", ")
		if servers == "" {
			servers = "AmazonProvidedDNS (default)"
		}
		fmt.Fprintf(&b, "DHCP:      %s, domain-name-servers %s", d.OptionSet, servers)
		if d.BypassesResolver {
			b.WriteString(": BYPASSES THIS RESOLVER")
		}
		b.WriteString("\n")
		if d.BypassesResolver {
			for _, n := range d.Servers {
				fmt.Fprintf(&b, "           %s\n", n)
			}
		}
	}
	if r.Firewall != nil {
		writeFirewall(&b, r.Firewall)
	}
	fmt.Fprintf(&b, "\nCandidates matching %s, most specific first:\n", r.Query.Name)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, c := range r.Candidates {
		mark := " "
		if c.Winner {
			mark = "*"
		}
		id := c.ID
		if id == "" {
			id = "(autodefined, not shown by AWS)"
		}
		if c.ViaProfile != "" {
			id += " via profile " + c.ViaProfile
		}
		if c.OwnerAccount != "" && c.OwnerAccount != r.OwnerAccount {
			id += " (account " + c.OwnerAccount + ")"
		}
		fmt.Fprintf(tw, "  %s %s\t%s\t%s\n", mark, c.Source, c.Domain, id)
	}
	tw.Flush()

	fmt.Fprintf(&b, "\nDecision:  %s", r.Decision.Source)
	if r.Decision.ID != "" {
		fmt.Fprintf(&b, " %s", r.Decision.ID)
	}
	if r.Decision.Domain != "" {
		fmt.Fprintf(&b, " (%s)", r.Decision.Domain)
	}
	if p := r.Decision.ViaProfile; p != "" {
		fmt.Fprintf(&b, " via Route 53 Profile %s", p)
	}
	if o := r.Decision.OwnerAccount; o != "" {
		fmt.Fprintf(&b, "\nOwner:     account %s", o)
		if s := r.Decision.ShareStatus; s != "" && s != "not_shared" {
			fmt.Fprintf(&b, " (%s through AWS RAM)", strings.ReplaceAll(s, "_", " "))
		}
	}
	fmt.Fprintf(&b, "\nWhy:       %s\n", r.Decision.Reason)

	if f := r.Forwarding; f != nil {
		if f.Endpoint != "" {
			fmt.Fprintf(&b, "\nForwarded through outbound endpoint %s to %d target(s), in random order:\n", f.Endpoint, len(f.Targets))
		} else {
			fmt.Fprintf(&b, "\nForwarded to %d internet forwarder(s), in random order:\n", len(f.Targets))
		}
		if len(f.Targets) == 0 {
			b.WriteString("  none configured: every query gets SERVFAIL\n")
		}
		for _, t := range f.Targets {
			fmt.Fprintf(&b, "  target %s:%d", t.IP, t.Port)
			if t.Dial != "" {
				fmt.Fprintf(&b, " (emulated at %s)", t.Dial)
			}
			b.WriteString("\n")
			for _, p := range t.Paths {
				verdict := p.Verdict.String()
				if p.Verdict == netpath.UnknownPath {
					verdict = "UNKNOWN"
				}
				fmt.Fprintf(&b, "    from %s over %s: %s\n", p.EndpointIP, p.Protocol, verdict)
				tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
				for _, c := range p.Checks {
					v := c.Verdict.String()
					if c.Verdict == netpath.Unknown {
						v = "UNKNOWN"
					}
					fmt.Fprintf(tw, "      %s\t%s\t%s\n", v, c.Name, c.Detail)
				}
				tw.Flush()
			}
		}
	}
	if a := r.Answer; a != nil {
		if r.Firewall != nil && r.Firewall.Rcode != "" {
			fmt.Fprintf(&b, "\nWithout the firewall, vpcdns itself would answer: %s\n", a.Rcode)
		} else {
			fmt.Fprintf(&b, "\nAnswered by vpcdns itself: %s\n", a.Rcode)
		}
		for _, rr := range a.Records {
			fmt.Fprintf(&b, "  %s\n", rr)
		}
		for _, rr := range a.Authority {
			fmt.Fprintf(&b, "  authority: %s\n", rr)
		}
	}
	if len(r.Warnings) > 0 {
		b.WriteString("\n")
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "Warning:   %s\n", w)
	}
	fmt.Fprintf(&b, "\nExpected:  %s", r.ExpectedRcode)
	switch {
	case r.ExpectedRcode == "NONE":
		b.WriteString(" (no answer at all)")
	case r.Firewall != nil && r.Firewall.Rcode != "":
		b.WriteString(" (the DNS Firewall answers; the rules are not used)")
	case r.Forwarding != nil && r.ExpectedRcode == "NOERROR":
		b.WriteString(" (paths are open; the target's answer decides)")
	case r.Forwarding != nil && r.ExpectedRcode == "SERVFAIL":
		b.WriteString(" (no target can be reached)")
	case r.ExpectedRcode == "UNKNOWN":
		b.WriteString(" (no path is known to be open: they cross what vpcdns does not model)")
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
