package lint

import (
	"fmt"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/firewall"
)

// The DNS Firewall checks, L019–L022.

// firewall runs L019–L022.
func (l *linter) firewall() {
	fw := &l.n.Firewall
	for _, d := range fw.DomainLists {
		l.kinds[d.ID] = "firewall-domain-list"
	}
	for _, g := range fw.RuleGroups {
		l.kinds[g.ID] = "firewall-rule-group"
	}
	for _, a := range fw.Associations {
		l.kinds[a.ID] = "firewall-rule-group-association"
	}
	l.firewallShadowed()    // L019
	l.firewallOverride()    // L020
	l.firewallNoDNS()       // L021
	l.firewallUnusedLists() // L022
}

// listSet is a domain list as a set, for coverage checks.
type listSet map[string]bool

func setOf(l *config.FirewallDomainList) listSet {
	s := make(listSet, len(l.Domains))
	for _, d := range l.Domains {
		s[d] = true
	}
	return s
}

// covers reports whether every name that entry e matches is matched by s.
func (s listSet) covers(e string) bool {
	if s["*"] {
		return true
	}
	name := e
	if w, ok := strings.CutPrefix(e, "*."); ok {
		name = w
		if s[e] {
			return true
		}
	} else if s[e] {
		return true
	}
	// A wildcard of a proper ancestor of name (for *.d: of d or above).
	n := dnsname.Name(name)
	if strings.HasPrefix(e, "*.") {
		if s["*."+name] {
			return true
		}
	}
	for {
		p, ok := n.Parent()
		if !ok || p.IsRoot() {
			return false
		}
		if s["*."+p.String()] {
			return true
		}
		n = p
	}
}

// firewallShadowed finds L019: rules that can never act because a rule
// evaluated before them in some VPC ALLOWs or BLOCKs every name they hold
// (for every query type they apply to).
func (l *linter) firewallShadowed() {
	sets := map[*config.FirewallDomainList]listSet{}
	set := func(d *config.FirewallDomainList) listSet {
		if s, ok := sets[d]; ok {
			return s
		}
		s := setOf(d)
		sets[d] = s
		return s
	}
	type key struct{ group, rule string }
	seen := map[key]bool{}
	for _, c := range l.n.VPCs {
		v := l.v.VPC(c.ID).Firewall
		if v == nil {
			continue
		}
		for i, r := range v.Rules {
			if len(r.Config.List.Domains) == 0 || seen[key{r.GroupID, r.Config.Name}] {
				continue
			}
			for _, s := range v.Rules[:i] {
				if s.Action == firewall.Alert || !shadows(s, r, set) {
					continue
				}
				seen[key{r.GroupID, r.Config.Name}] = true
				l.add(FirewallRuleShadowed, Finding{
					Title: fmt.Sprintf("firewall rule %s of %s never acts in %s: %s is evaluated first and %ss every name it holds",
						r.Config.Name, r.GroupID, c.ID, s, s.Action),
					Resources: l.resources(r.GroupID, r.ListID, s.GroupID, s.ListID, c.ID),
					Evidence: []string{
						fmt.Sprintf("%s: %s, domain list %s (%d entries)%s", r, r.Action, r.ListID, len(r.Config.List.Domains), qtypeNote(r)),
						fmt.Sprintf("%s: %s, domain list %s covers them%s (association priority %d before %d)", s, s.Action, s.ListID, qtypeNote(s), s.Association.Priority, r.Association.Priority),
					},
					Impact: fmt.Sprintf("queries from %s that rule %s would match are %sed by rule %s first", c.ID, r.Config.Name, strings.ToLower(s.Action.String()), s.Config.Name),
					Fix:    fmt.Sprintf("Give rule %s a lower priority number than rule %s (or its association a lower priority), narrow %s, or delete the rule.", r.Config.Name, s.Config.Name, s.ListID),
				})
				break
			}
		}
	}
}

// shadows reports whether s, evaluated before r, acts on every query r
// would act on.
func shadows(s, r *firewall.Rule, set func(*config.FirewallDomainList) listSet) bool {
	if s.Config.Qtype != 0 && s.Config.Qtype != r.Config.Qtype {
		return false
	}
	if s.Config.TrustRedirect && !r.Config.TrustRedirect {
		return false // r still sees the names of redirection chains
	}
	ss := set(s.Config.List)
	for _, e := range r.Config.List.Domains {
		if !ss.covers(e) {
			return false
		}
	}
	return true
}

func qtypeNote(r *firewall.Rule) string {
	if r.Config.QtypeText == "" {
		return ""
	}
	return ", query type " + r.Config.QtypeText
}

// firewallOverride finds L020: OVERRIDE rules whose override domain is
// itself blocked in a VPC the rule applies in.
func (l *linter) firewallOverride() {
	seen := map[*firewall.Rule]bool{}
	for _, c := range l.n.VPCs {
		v := l.v.VPC(c.ID).Firewall
		if v == nil {
			continue
		}
		for _, r := range v.Rules {
			if r.Action != firewall.Block || r.Response != firewall.Override || seen[r] {
				continue
			}
			qt := r.Config.Qtype
			if qt == 0 {
				qt = 1 // A: the usual question
			}
			d := v.Evaluate(r.Config.OverrideDomain, qt, false)
			if !d.Blocked() {
				continue
			}
			seen[r] = true
			b := d.Acted
			l.add(FirewallOverrideBlocked, Finding{
				Title:     fmt.Sprintf("firewall rule %s of %s overrides with %s, which %s blocks in %s", r.Config.Name, r.GroupID, r.Config.OverrideDomain, b, c.ID),
				Resources: l.resources(r.GroupID, b.GroupID, b.ListID, c.ID),
				Evidence: []string{
					fmt.Sprintf("%s: BLOCK OVERRIDE CNAME %s", r, r.Config.OverrideDomain),
					fmt.Sprintf("%s: BLOCK %s, domain list %s holds %s", b, b.Response, b.ListID, r.Config.OverrideDomain),
				},
				Impact: fmt.Sprintf("clients of %s get the CNAME to %s and then no address for it (%s)", c.ID, r.Config.OverrideDomain, b.Response),
				Fix:    fmt.Sprintf("Allow %s before rule %s (an ALLOW rule with a lower priority number), or override with a name that is not blocked.", r.Config.OverrideDomain, b.Config.Name),
			})
		}
	}
}

// firewallNoDNS finds L021: rule groups associated with a VPC whose DNS
// support is off.
func (l *linter) firewallNoDNS() {
	for _, a := range l.n.Firewall.Associations {
		if a.VPC.DNSSupport {
			continue
		}
		l.add(FirewallOnVPCWithoutDNS, Finding{
			Title:     fmt.Sprintf("firewall rule group %s is associated with %s, whose DNS support is off", a.Group.ID, a.VPC.ID),
			Resources: l.resources(a.VPC.ID, a.Group.ID, a.ID),
			Evidence:  []string{fmt.Sprintf("vpc %s: enable_dns_support: false", a.VPC.ID), fmt.Sprintf("association %s: %s → %s, priority %d", a.ID, a.Group.ID, a.VPC.ID, a.Priority)},
			Impact:    fmt.Sprintf("the VPC resolver of %s answers nothing, so rule group %s filters nothing there", a.VPC.ID, a.Group.ID),
			Fix:       fmt.Sprintf("Set enable_dns_support: true on %s, or disassociate %s.", a.VPC.ID, a.Group.ID),
		})
	}
}

// firewallUnusedLists finds L022: domain lists no rule uses.
func (l *linter) firewallUnusedLists() {
	used := map[*config.FirewallDomainList]bool{}
	for _, g := range l.n.Firewall.RuleGroups {
		for _, r := range g.Rules {
			used[r.List] = true
		}
	}
	for _, d := range l.n.Firewall.DomainLists {
		if used[d] || d.Builtin {
			continue
		}
		l.add(FirewallListUnused, Finding{
			Title:     fmt.Sprintf("firewall domain list %s is used by no rule", d.ID),
			Resources: l.resources(d.ID),
			Evidence:  []string{fmt.Sprintf("domain list %s (%d entries): no rule of any rule group names it", d.ID, len(d.Domains))},
			Impact:    fmt.Sprintf("the domains of %s are not filtered", d.ID),
			Fix:       fmt.Sprintf("Add a rule for %s to a rule group associated with the VPCs, or delete the list.", d.ID),
		})
	}
}
