package netpath

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/vpcdns/vpcdns/internal/config"
)

// The gateways and references of networks read from real accounts:
// security groups referenced by other groups' rules, virtual private
// gateways, internet gateways and transit gateway route tables.

// eni is a network interface whose security groups the model knows: an
// address of a resolver endpoint or of a VPC endpoint.
type eni struct {
	vpc    *config.VPC
	what   string
	groups []*config.SecurityGroup
}

// indexENIs records the ENIs of n whose groups are known.
func indexENIs(n *config.Network) map[netip.Addr]eni {
	m := map[netip.Addr]eni{}
	for _, ep := range n.Endpoints {
		dir := "inbound"
		if ep.Outbound {
			dir = "outbound"
		}
		for _, a := range ep.Addresses {
			m[a.IP.Unmap()] = eni{vpc: ep.VPC, what: fmt.Sprintf("%s (%s endpoint %s)", a.IP, dir, ep.ID), groups: ep.SecurityGroups}
		}
	}
	for _, ve := range n.VPCEndpoints {
		for _, a := range ve.Addresses {
			m[a.IP.Unmap()] = eni{vpc: ve.VPC, what: fmt.Sprintf("%s (VPC endpoint %s)", a.IP, ve.ID), groups: ve.SecurityGroups}
		}
		for _, a := range ve.IPv6 {
			m[a] = eni{vpc: ve.VPC, what: fmt.Sprintf("%s (VPC endpoint %s)", a, ve.ID), groups: ve.SecurityGroups}
		}
	}
	return m
}

// carries says which modeled ENI at dst carries group g ("" when none);
// modeled is true when the model knows every interface that could have dst
// (dst is a known ENI, or outside the group's VPC and its peers, where a
// security-group reference never matches).
func (e *Evaluator) carries(g *config.SecurityGroup, dst netip.Addr) (carrier string, modeled bool) {
	if e == nil {
		return "", false
	}
	if x, ok := e.enis[dst]; ok {
		if slices.Contains(x.groups, g) {
			return x.what, true
		}
		return "", true
	}
	if g.VPC == nil {
		return "", true
	}
	if inAnyPrefix(g.VPC.AllCIDRs(), dst) {
		return "", false // an instance of the group's VPC may carry it
	}
	for _, p := range e.peerings {
		if peer := p.Peer(g.VPC); peer != nil && p.CarriesTraffic() && inAnyPrefix(peer.AllCIDRs(), dst) {
			return "", false // a peered VPC's instance may carry it
		}
	}
	return "", true
}

func inAnyPrefix(ps []netip.Prefix, a netip.Addr) bool {
	_, ok := longestContaining(ps, a)
	return ok
}

// gatewayVGW: a virtual private gateway leads to its VPN and Direct
// Connect networks; the longest CIDR that contains the target decides.
func gatewayVGW(c *Check, in input, g *config.VPNGateway) {
	if g == nil {
		c.Detail = fmt.Sprintf("%s is not a known virtual private gateway", c.Resource)
		return
	}
	c.Resource = g.ID
	if g.VPC != in.vpc {
		c.Detail = fmt.Sprintf("%s is not attached to %s", g.ID, vpcID(in.vpc))
		return
	}
	var best *config.RemoteNetwork
	var bestP netip.Prefix
	for _, rn := range g.RemoteNetworks {
		if p, ok := longestContaining(rn.CIDRs, in.dst); ok && (best == nil || p.Bits() > bestP.Bits() || !best.Up && rn.Up && p.Bits() == bestP.Bits()) {
			best, bestP = rn, p
		}
	}
	switch {
	case best == nil:
		c.Detail = fmt.Sprintf("no remote network of %s contains %s", g.ID, in.dst)
	case !best.Up:
		c.Resource = best.ID
		c.Detail = fmt.Sprintf("%s leads to %s (%s), but %s is down", g.ID, best.ID, bestP, best.ID)
	default:
		c.Verdict = Pass
		c.Detail = fmt.Sprintf("%s reaches %s (%s), state up", g.ID, best.ID, bestP)
	}
}

// gatewayInternet: an internet gateway (or egress-only one, for IPv6)
// reaches public addresses only.
func gatewayInternet(c *Check, in input, id string) {
	egressOnly := len(id) > 5 && id[:5] == "eigw-"
	switch {
	case egressOnly && in.dst.Is4():
		c.Detail = fmt.Sprintf("%s is an egress-only internet gateway: it carries IPv6 only, not %s", id, in.dst)
	case !publicAddr(in.dst):
		c.Detail = fmt.Sprintf("%s reaches the internet only: %s is not a public address", id, in.dst)
	default:
		c.Verdict = Pass
		c.Detail = fmt.Sprintf("%s reaches the internet: %s is a public address", id, in.dst)
	}
}

// publicAddr reports whether a is a global unicast address outside the
// private, shared (100.64.0.0/10) and documentation-free special ranges.
func publicAddr(a netip.Addr) bool {
	if !a.IsGlobalUnicast() || a.IsPrivate() {
		return false
	}
	return !netip.MustParsePrefix("100.64.0.0/10").Contains(a)
}

// tgwHop is one candidate route of a TGW route table for the target.
type tgwHop struct {
	prefix      netip.Prefix
	static      bool
	blackhole   bool
	attachments []*config.TGWAttachment
	via         string // "prefix list pl-x" or "propagated from tgw-attach-x"
}

// gatewayTGWTables routes through the route table associated with the
// source VPC's attachment, as AWS does: longest prefix, static routes
// before propagated ones of the same prefix, blackholes drop.
func gatewayTGWTables(c *Check, in input, tgw *config.TransitGateway) {
	var src *config.TGWAttachment
	for _, a := range tgw.Attachments {
		if a.VPC == in.vpc && a.VPC != nil && (src == nil || a.Available && !src.Available) {
			src = a
		}
	}
	switch {
	case src == nil:
		// Attached through vpc_attachments only: no route table decides.
		c.Detail = fmt.Sprintf("%s is attached to %s without an attachment in attachments: no route table of %s applies to it", vpcID(in.vpc), tgw.ID, tgw.ID)
		return
	case !src.Available:
		c.Resource = src.ID
		c.Detail = fmt.Sprintf("%s is not available: it carries no traffic", src.ID)
		return
	case src.RouteTable == nil:
		c.Resource = src.ID
		c.Detail = fmt.Sprintf("%s is associated with no route table of %s: the transit gateway routes nothing from %s", src.ID, tgw.ID, vpcID(in.vpc))
		return
	}
	rt := src.RouteTable
	c.Resource = rt.ID
	var hops []tgwHop
	var unresolved *config.Unmodeled
	for _, r := range rt.Routes {
		if r.Unresolved != nil {
			if unresolved == nil {
				unresolved = r.Unresolved
			}
			continue
		}
		if !r.Destination.Contains(in.dst) {
			continue
		}
		h := tgwHop{prefix: r.Destination, static: !r.Propagated, blackhole: r.Blackhole, attachments: r.Attachments}
		if r.PrefixList != nil {
			h.via = "prefix list " + r.PrefixList.ID
		}
		hops = append(hops, h)
	}
	for _, a := range rt.Propagations {
		if !a.Available {
			continue
		}
		for _, p := range propagatedCIDRs(a) {
			if p.Contains(in.dst) {
				hops = append(hops, tgwHop{prefix: p, attachments: []*config.TGWAttachment{a}, via: "propagated from " + a.ID})
			}
		}
	}
	var best *tgwHop
	for i := range hops {
		h := &hops[i]
		if best == nil || h.prefix.Bits() > best.prefix.Bits() || h.prefix.Bits() == best.prefix.Bits() && h.static && !best.static {
			best = h
		}
	}
	if unresolved != nil && (best == nil || best.prefix.Bits() < in.dst.BitLen()) {
		c.Verdict, c.Unmodeled = Unknown, unresolved.ID
		c.Detail = fmt.Sprintf("%s has a route to prefix list %s, whose entries are not modeled (%s): it may hold a longer prefix for %s", rt.ID, unresolved.ID, unresolved.Reason, in.dst)
		return
	}
	if best == nil {
		c.Detail = fmt.Sprintf("no route of %s (associated with %s) contains %s", rt.ID, src.ID, in.dst)
		return
	}
	where := best.prefix.String()
	if best.via != "" {
		where += ", " + best.via
	}
	if best.blackhole {
		c.Detail = fmt.Sprintf("%s %s -> blackhole", rt.ID, where)
		return
	}
	var dst *config.TGWAttachment
	for _, a := range best.attachments {
		if a.Available {
			dst = a
			break
		}
	}
	if dst == nil {
		c.Resource = best.attachments[0].ID
		c.Detail = fmt.Sprintf("%s routes %s (%s) to %s, which is not available", rt.ID, in.dst, where, best.attachments[0].ID)
		return
	}
	c.Resource = dst.ID
	route := fmt.Sprintf("%s routes %s (%s) to %s", rt.ID, in.dst, where, dst.ID)
	switch {
	case dst.VPC != nil:
		if p, ok := longestContaining(dst.VPC.AllCIDRs(), in.dst); ok {
			c.Verdict = Pass
			c.Detail = fmt.Sprintf("%s: %s (%s)", route, dst.VPC.ID, p)
			return
		}
		c.Resource = dst.VPC.ID
		c.Detail = fmt.Sprintf("%s: %s does not contain it", route, dst.VPC.ID)
	case dst.Remote != nil:
		rn := dst.Remote
		p, ok := longestContaining(rn.CIDRs, in.dst)
		switch {
		case !rn.Up:
			c.Resource = rn.ID
			c.Detail = fmt.Sprintf("%s: %s, but %s is down", route, rn.ID, rn.ID)
			if rn.TunnelsDown {
				c.Detail += " (none of its tunnels is up)"
			}
		case !ok:
			c.Resource = rn.ID
			c.Detail = fmt.Sprintf("%s: %s (%s) does not contain it", route, rn.ID, prefixes(rn.CIDRs))
		default:
			c.Verdict = Pass
			c.Detail = fmt.Sprintf("%s: %s (%s), state up", route, rn.ID, p)
		}
	case dst.Unmodeled != nil:
		c.Verdict, c.Unmodeled = Unknown, dst.Unmodeled.ID
		c.Detail = fmt.Sprintf("%s: %s is a %s, which vpcdns does not model (%s)", route, dst.Unmodeled.ID, dst.Unmodeled.Kind, dst.Unmodeled.Reason)
	default:
		c.Verdict = Unknown
		c.Detail = fmt.Sprintf("%s, a %s attachment: routing beyond it is not modeled", route, dst.Type)
	}
}

// propagatedCIDRs are the routes an attachment propagates: a VPC's CIDRs,
// a VPN or Direct Connect network's CIDRs while it is up (BGP withdraws
// them when it goes down).
func propagatedCIDRs(a *config.TGWAttachment) []netip.Prefix {
	switch {
	case a.VPC != nil:
		return a.VPC.AllCIDRs()
	case a.Remote != nil && a.Remote.Up:
		return a.Remote.CIDRs
	}
	return nil
}
