package explain

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/firewall"
	"github.com/vpcdns/vpcdns/internal/view"
)

// Firewall is what DNS Firewall does with the query, before the rule
// decision: every rule group and rule it considered, in order, and the rule
// that acted.
type Firewall struct {
	RuleGroups []FirewallGroup `json:"rule_groups"`
	// Acted is the ALLOW or BLOCK rule that ended evaluation, or nil.
	Acted  *FirewallRule  `json:"acted,omitempty"`
	Alerts []FirewallRule `json:"alerts,omitempty"`
	// Outcome says in words what the firewall does.
	Outcome string `json:"outcome"`
	// Rcode is the firewall's answer when it answers itself ("" when the
	// query goes on to the rules).
	Rcode string `json:"rcode,omitempty"`
}

// FirewallGroup is one associated rule group as evaluated.
type FirewallGroup struct {
	ID          string         `json:"id"`
	Association string         `json:"association"`
	Priority    int            `json:"priority"`
	Rules       []FirewallRule `json:"rules"`
}

// FirewallRule is one rule as evaluated.
type FirewallRule struct {
	RuleGroup     string `json:"rule_group"`
	Name          string `json:"name"`
	Priority      int    `json:"priority"`
	DomainList    string `json:"domain_list"`
	Action        string `json:"action"`
	BlockResponse string `json:"block_response,omitempty"`
	Qtype         string `json:"qtype,omitempty"`
	// Entry is the list entry that holds the name, "" when none does.
	Entry   string `json:"matched_entry,omitempty"`
	Skipped string `json:"skipped,omitempty"`
	Matched bool   `json:"matched"`
}

func fwRule(r *firewall.Rule) FirewallRule {
	out := FirewallRule{RuleGroup: r.GroupID, Name: r.Config.Name, Priority: r.Config.Priority, DomainList: r.ListID,
		Action: r.Action.String(), Qtype: r.Config.QtypeText}
	if r.Action == firewall.Block {
		out.BlockResponse = r.Response.String()
	}
	return out
}

// buildFirewall explains the firewall of vpc for qname, or nil when the VPC
// has none.
func buildFirewall(vpc *view.VPC, qname dnsname.Name, qtype uint16) *Firewall {
	fw := vpc.Firewall
	if fw == nil {
		return nil
	}
	steps, d := fw.Trace(qname, qtype, false)
	out := &Firewall{RuleGroups: []FirewallGroup{}}
	for _, s := range steps {
		a := s.Rule.Association
		if n := len(out.RuleGroups); n == 0 || out.RuleGroups[n-1].Association != a.ID {
			out.RuleGroups = append(out.RuleGroups, FirewallGroup{ID: a.Group.ID, Association: a.ID, Priority: a.Priority})
		}
		r := fwRule(s.Rule)
		r.Entry, r.Skipped, r.Matched = s.Entry, s.Skipped, s.Result != ""
		g := &out.RuleGroups[len(out.RuleGroups)-1]
		g.Rules = append(g.Rules, r)
	}
	for _, r := range d.Alerts() {
		a := fwRule(r)
		a.Matched = true
		out.Alerts = append(out.Alerts, a)
	}
	switch {
	case d.Failed && fw.FailOpen:
		out.Outcome = "the firewall fails (emulate_failure) and fails open: the query goes on unfiltered"
	case d.Failed:
		out.Outcome = "the firewall fails (emulate_failure) and fails closed: SERVFAIL"
		out.Rcode = "SERVFAIL"
	case d.Acted != nil:
		a := fwRule(d.Acted)
		a.Matched = true
		out.Acted = &a
		if d.Acted.Action == firewall.Allow {
			out.Outcome = fmt.Sprintf("ALLOW by %s: the query goes on to the rules", d.Acted)
			if d.Acted.Config.TrustRedirect {
				out.Outcome += "; the CNAME/DNAME chain of the answer is trusted"
			}
			break
		}
		switch d.Acted.Response {
		case firewall.NXDomain:
			out.Rcode = "NXDOMAIN"
			out.Outcome = fmt.Sprintf("BLOCK by %s: NXDOMAIN", d.Acted)
		case firewall.NoData:
			out.Rcode = "NOERROR"
			out.Outcome = fmt.Sprintf("BLOCK by %s: NODATA (NOERROR, no records)", d.Acted)
		case firewall.Override:
			out.Rcode = "NOERROR"
			out.Outcome = fmt.Sprintf("BLOCK by %s: OVERRIDE, CNAME %s (TTL %d)", d.Acted, d.Acted.Config.OverrideDomain, d.Acted.Config.OverrideTTL)
		}
	default:
		out.Outcome = "no rule acts: the query goes on to the rules; names of a CNAME/DNAME chain in the answer are inspected too"
	}
	if d.NAlerts > 0 && out.Acted == nil {
		out.Outcome = "ALERT (logged); " + out.Outcome
	}
	return out
}

func writeFirewall(b *strings.Builder, f *Firewall) {
	b.WriteString("\nDNS Firewall, before the rules (rule groups by association priority, rules by priority):\n")
	for _, g := range f.RuleGroups {
		fmt.Fprintf(b, "  rule group %s (association %s, priority %d)\n", g.ID, g.Association, g.Priority)
		tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		for _, r := range g.Rules {
			mark := " "
			if f.Acted != nil && r.RuleGroup == f.Acted.RuleGroup && r.Name == f.Acted.Name {
				mark = "*"
			}
			what := r.Action
			if r.BlockResponse != "" {
				what += " " + r.BlockResponse
			}
			res := "no match"
			switch {
			case r.Skipped != "":
				res = "holds " + r.Entry + ", skipped: " + r.Skipped
			case r.Matched:
				res = "matches " + r.Entry
			}
			qt := ""
			if r.Qtype != "" {
				qt = " qtype " + r.Qtype
			}
			fmt.Fprintf(tw, "    %s %d\t%s\t%s%s\t%s\t%s\n", mark, r.Priority, r.Name, what, qt, r.DomainList, res)
		}
		tw.Flush()
	}
	fmt.Fprintf(b, "Firewall:  %s\n", f.Outcome)
}
