package view

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
)

// DHCP is what a VPC's DHCP option set tells its instances about DNS: the
// prerequisite of every decision shown, "the query must reach the VPC
// resolver".
type DHCP struct {
	OptionSet  string
	DomainName string
	Servers    []string // domain-name-servers as written
	// Bypass is set when no server is AmazonProvidedDNS or an address of
	// the VPC resolver (or every server is an inbound endpoint of the VPC,
	// which the VPC's resolver answers): instances that use the option set
	// never ask it.
	Bypass bool
	// Notes say what each server address is in the modeled network, in the
	// order of Servers (AmazonProvidedDNS included).
	Notes []string
}

// dhcpOf describes the option set of c, or nil when it has none.
func dhcpOf(n *config.Network, c *config.VPC) *DHCP {
	o := c.DHCPOptions
	if o == nil {
		return nil
	}
	d := &DHCP{OptionSet: o.ID, DomainName: o.DomainName, Servers: o.Servers, Bypass: o.BypassesResolver(c)}
	if d.Bypass && allInboundOf(n, c, o.Addrs) {
		// Every server is an inbound endpoint of this VPC: its queries are
		// decided by this VPC's resolver all the same.
		d.Bypass = false
	}
	if len(o.Servers) == 0 {
		d.Notes = append(d.Notes, "no domain-name-servers: instances use AmazonProvidedDNS, the VPC resolver")
	}
	for _, s := range o.Servers {
		if s == config.AmazonProvidedDNS {
			d.Notes = append(d.Notes, fmt.Sprintf("AmazonProvidedDNS: the resolver of %s", c.ID))
			continue
		}
		a, _ := netip.ParseAddr(s)
		d.Notes = append(d.Notes, s+": "+whatIs(n, c, a))
	}
	return d
}

// whatIs says what address a is for instances of c.
func whatIs(n *config.Network, c *config.VPC, a netip.Addr) string {
	if config.IsVPCResolverAddr(c, a) {
		return "the resolver of " + c.ID
	}
	for _, e := range n.Endpoints {
		for _, ea := range e.Addresses {
			if ea.IP == a && !e.Outbound {
				return fmt.Sprintf("inbound endpoint %s: its queries are decided by the resolver of %s", e.ID, e.VPC.ID)
			}
			if ea.IP == a {
				return fmt.Sprintf("outbound endpoint %s, which answers no queries", e.ID)
			}
		}
	}
	for _, v := range n.VPCs {
		if len(v.CIDRs) > 0 && a == v.ResolverAddr() {
			return "the resolver of " + v.ID + ", which answers only queries from inside " + v.ID
		}
		for _, in := range v.Instances {
			for _, ip := range in.PrivateIPs {
				if ip == a {
					return fmt.Sprintf("instance %s of %s, a DNS server vpcdns does not model", in.ID, v.ID)
				}
			}
		}
	}
	for _, v := range n.VPCs {
		for _, p := range v.AllCIDRs() {
			if p.Contains(a) {
				return "an address in " + v.ID + " that is no modeled resolver"
			}
		}
	}
	return "a DNS server outside the modeled VPCs"
}

// Warning says, for a VPC whose option set bypasses the resolver, what
// that means for every decision explain shows.
func (d *DHCP) Warning(vpc string) string {
	if d == nil || !d.Bypass {
		return ""
	}
	return fmt.Sprintf("instances of %s that use DHCP option set %s never ask this resolver: they send their queries to %s (no AmazonProvidedDNS); the decision shown is what %s's resolver answers, reached only through its socket here or an inbound endpoint",
		vpc, d.OptionSet, strings.Join(d.Servers, ", "), vpc)
}

// DHCP returns the DHCP option set view of the VPC, or nil when the VPC
// names none (its instances use AmazonProvidedDNS).
func (v *VPC) DHCP() *DHCP { return v.dhcp }

// allInboundOf reports whether every address is an address of an inbound
// endpoint in c.
func allInboundOf(n *config.Network, c *config.VPC, addrs []netip.Addr) bool {
	if len(addrs) == 0 {
		return false
	}
	in := map[netip.Addr]bool{}
	for _, e := range n.Endpoints {
		if !e.Outbound && e.VPC == c {
			for _, ea := range e.Addresses {
				in[ea.IP] = true
			}
		}
	}
	for _, a := range addrs {
		if !in[a.Unmap()] {
			return false
		}
	}
	return true
}
