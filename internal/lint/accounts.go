package lint

import (
	"fmt"
	"strings"
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
