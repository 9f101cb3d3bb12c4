package lint

import (
	"fmt"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/netpath"
)

// accountKinds names the kinds of the resources of networks read from real
// accounts.
func (l *linter) accountKinds() {
	n := l.n
	for _, o := range n.DHCPOptionSets {
		l.kinds[o.ID] = "dhcp-option-set"
	}
	for _, p := range n.PrefixLists {
		l.kinds[p.ID] = "prefix-list"
	}
	for _, g := range n.VPNGateways {
		l.kinds[g.ID] = "vpn-gateway"
	}
	for _, e := range n.VPCEndpoints {
		l.kinds[e.ID] = "vpc-endpoint"
	}
	for _, p := range n.Profiles {
		l.kinds[p.ID] = "route53-profile"
	}
	for _, u := range n.Unmodeled {
		l.kinds[u.ID] = "unmodeled"
	}
	for _, t := range n.TransitGateways {
		for _, a := range t.Attachments {
			l.kinds[a.ID] = "transit-gateway-attachment"
		}
		for _, rt := range t.RouteTables {
			l.kinds[rt.ID] = "transit-gateway-route-table"
		}
	}
}

// dhcpBypass finds L017: VPCs whose DHCP option set sends instances to
// servers other than the VPC resolver.
func (l *linter) dhcpBypass() {
	for _, c := range l.n.VPCs {
		d := l.v.VPC(c.ID).DHCP()
		if d == nil || !d.Bypass {
			continue
		}
		l.add(DHCPBypassesResolver, Finding{
			Title:     fmt.Sprintf("DHCP option set %s of %s sends instances to %s, not to AmazonProvidedDNS", d.OptionSet, c.ID, strings.Join(d.Servers, ", ")),
			Resources: l.resources(d.OptionSet, c.ID),
			Evidence:  d.Notes,
			Impact: fmt.Sprintf("instances of %s that use %s never ask the VPC resolver (%s): its rules, private hosted zones, VPC endpoint names and autodefined names (ip-….ec2 names, reverse zones of its CIDRs) do not apply to their queries, which those servers answer instead",
				c.ID, d.OptionSet, c.ResolverAddr()),
			Fix: fmt.Sprintf("Add AmazonProvidedDNS to the domain-name-servers of %s (or associate %s with an option set that has it), or make %s forward to an inbound endpoint of %s.", d.OptionSet, c.ID, strings.Join(d.Servers, ", "), c.ID),
		})
	}
}

// pathUnknown finds L018: forward rules with paths whose verdict is unknown.
func (l *linter) pathUnknown() {
	for _, f := range l.ruleForwards() {
		r := f.Rule
		ids := []string{r.ID}
		var evidence []string
		seen := map[string]bool{}
		var targets []string
		unknown, total := 0, 0
		for _, t := range f.Targets {
			hit := false
			for _, p := range t.Paths {
				if p.Protocol == config.ProtoUDP {
					total++
				}
				if p.Verdict != netpath.UnknownPath {
					continue
				}
				hit = true
				if p.Protocol == config.ProtoUDP {
					unknown++
				}
				for _, c := range p.Unknowns() {
					line := fmt.Sprintf("%s: %s is unknown: %s", t.Modeled, c.Name, c.Detail)
					if !seen[line] {
						seen[line] = true
						evidence = append(evidence, line)
					}
					if c.Unmodeled != "" {
						ids = append(ids, c.Unmodeled)
					} else if c.Resource != "" {
						ids = append(ids, c.Resource)
					}
				}
			}
			if hit {
				targets = append(targets, t.Modeled.String())
			}
		}
		if len(targets) == 0 {
			continue
		}
		impact := fmt.Sprintf("whether queries %s reach %s cannot be told from the configuration", queriesOf(r), list(targets))
		if unknown == total {
			impact += ": no path is known to be open, so explain expects UNKNOWN"
		}
		ids = append(ids, f.Endpoint.ID)
		l.add(PathUnknown, Finding{
			Title:     fmt.Sprintf("the paths of rule %s (%s) to %s cross what vpcdns does not model", r.ID, r.Domain, list(targets)),
			Resources: l.resources(ids...),
			Evidence:  evidence,
			Impact:    impact,
			Fix:       "Check the named resource by hand (or give the import the permission it lacked and import again); vpcdns serve tries these targets as if their paths were open.",
		})
	}
}
