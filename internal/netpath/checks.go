package netpath

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
)

// input is one path to check: from src (an endpoint address in subnet) to
// dst:port over proto.
type input struct {
	ep     *config.Endpoint
	vpc    *config.VPC
	subnet *config.Subnet
	src    netip.Addr
	dst    netip.Addr
	port   uint16
	proto  config.Protocol
}

// query is the outgoing packet as the details name it: "udp 53 to 192.168.10.53".
func (in input) query() string {
	return fmt.Sprintf("%s %d to %s", in.proto, in.port, in.dst)
}

// traffic names what a rule covers: "all", "udp 53", "tcp 1024-65535".
func traffic(p config.Protocol, ports config.PortRange) string {
	if p == config.ProtoAll {
		return "all"
	}
	return p.String() + " " + spanOf(ports).String()
}

// ruleCovers reports whether a rule of protocol p on ports covers traffic of
// protocol q to port. A protocol-all rule covers every port.
func ruleCovers(p config.Protocol, ports config.PortRange, q config.Protocol, port uint16) bool {
	return p.Matches(q) && (p == config.ProtoAll || ports.Contains(port))
}

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func prefixes(ps []netip.Prefix) string {
	return strings.Join(ids(ps, netip.Prefix.String), ", ")
}

// longestContaining returns the longest prefix of ps that contains a.
func longestContaining(ps []netip.Prefix, a netip.Addr) (netip.Prefix, bool) {
	var best netip.Prefix
	found := false
	for _, p := range ps {
		if p.Contains(a) && (!found || p.Bits() > best.Bits()) {
			best, found = p, true
		}
	}
	return best, found
}

// securityGroupEgress: some group of the endpoint allows the query out.
// Groups are stateful, so the replies need no rule.
func (e *Evaluator) securityGroupEgress(in input) Check {
	c := Check{Name: CheckSecurityGroupEgress}
	sgs := in.ep.SecurityGroups
	if len(sgs) == 0 {
		if !e.declaresSecurityGroups(in.vpc) {
			c.Verdict = Pass
			c.Detail = fmt.Sprintf("%s has no security groups and %s declares none: egress is not modeled", in.ep.ID, vpcID(in.vpc))
			return c
		}
		c.Detail = fmt.Sprintf("%s has no security group attached, though %s declares some: nothing allows %s", in.ep.ID, vpcID(in.vpc), in.query())
		c.Resource = in.ep.ID
		return c
	}
	var maybe *Check // the first rule that might allow it: Unknown
	for _, sg := range sgs {
		for _, r := range sg.Egress {
			if !ruleCovers(r.Protocol, r.Ports, in.proto, in.port) {
				continue
			}
			switch {
			case r.CIDR.IsValid() && r.CIDR.Contains(in.dst):
				c.Verdict = Pass
				c.Detail = fmt.Sprintf("%s allows %s to %s", sg.ID, traffic(r.Protocol, r.Ports), r.CIDR)
				if r.PrefixList != nil {
					c.Detail = fmt.Sprintf("%s allows %s to prefix list %s (%s)", sg.ID, traffic(r.Protocol, r.Ports), r.PrefixList.ID, r.CIDR)
				}
				c.Resource = sg.ID
				return c
			case r.Group != nil:
				switch carrier, modeled := e.carries(r.Group, in.dst); {
				case carrier != "":
					c.Verdict = Pass
					c.Detail = fmt.Sprintf("%s allows %s to security group %s, which %s carries", sg.ID, traffic(r.Protocol, r.Ports), r.Group.ID, carrier)
					c.Resource = sg.ID
					return c
				case !modeled && maybe == nil:
					maybe = &Check{Name: c.Name, Verdict: Unknown, Resource: sg.ID,
						Detail: fmt.Sprintf("%s allows %s to security group %s; whether %s carries it is not modeled (only endpoint ENIs are)", sg.ID, traffic(r.Protocol, r.Ports), r.Group.ID, in.dst)}
				}
			case r.Unresolved != nil && maybe == nil:
				maybe = &Check{Name: c.Name, Verdict: Unknown, Resource: sg.ID, Unmodeled: r.Unresolved.ID,
					Detail: fmt.Sprintf("%s allows %s to prefix list %s, whose entries are not modeled (%s)", sg.ID, traffic(r.Protocol, r.Ports), r.Unresolved.ID, r.Unresolved.Reason)}
			}
		}
	}
	if maybe != nil {
		return *maybe
	}
	names := ids(sgs, func(sg *config.SecurityGroup) string { return sg.ID })
	c.Detail = fmt.Sprintf("no egress rule of %s allows %s", strings.Join(names, ", "), in.query())
	c.Resource = strings.Join(names, ",")
	return c
}

// describeEntry names an ACL entry as written: "acl-app rule 100 allows all to 0.0.0.0/0".
func describeEntry(acl *config.NetworkACL, en *config.ACLEntry) string {
	action, dir := "denies", "from"
	if en.Allow {
		action = "allows"
	}
	if en.Egress {
		dir = "to"
	}
	return fmt.Sprintf("%s rule %d %s %s %s %s", acl.ID, en.RuleNumber, action, traffic(en.Protocol, en.Ports), dir, en.CIDR)
}

func defaultACL(in input) Check {
	return Check{Verdict: Pass, Detail: fmt.Sprintf("default network ACL allows all (%s names no network ACL)", subnetID(in.subnet))}
}

// naclOutbound: the first outbound entry (by rule number) that matches the
// query decides; none matching is a deny.
func naclOutbound(in input) Check {
	var acl *config.NetworkACL
	if in.subnet != nil {
		acl = in.subnet.NetworkACL
	}
	if acl == nil {
		c := defaultACL(in)
		c.Name = CheckNACLOutbound
		return c
	}
	c := Check{Name: CheckNACLOutbound, Resource: acl.ID}
	for i := range acl.Entries {
		en := &acl.Entries[i]
		if en.Egress && ruleCovers(en.Protocol, en.Ports, in.proto, in.port) && en.CIDR.Contains(in.dst) {
			if en.Allow {
				c.Verdict = Pass
			}
			c.Detail = describeEntry(acl, en)
			return c
		}
	}
	c.Detail = fmt.Sprintf("no entry of %s matches %s (implicit deny)", acl.ID, in.query())
	return c
}

// decided is a set of ephemeral ports whose fate one inbound entry decided
// (entry nil: no entry matched, the implicit deny).
type decided struct {
	ports spans
	entry *config.ACLEntry
}

// naclInboundReturn: replies come back from dst to the endpoint on an
// ephemeral port, and the ACL is stateless, so for every port in
// 1024–65535 the first inbound entry that matches (protocol, source dst,
// port) must allow it. The ports are followed as intervals: each matching
// entry, in rule-number order, decides the ports it covers that no earlier
// entry decided.
func naclInboundReturn(in input) Check {
	var acl *config.NetworkACL
	if in.subnet != nil {
		acl = in.subnet.NetworkACL
	}
	if acl == nil {
		c := defaultACL(in)
		c.Name = CheckNACLInboundReturn
		return c
	}
	c := Check{Name: CheckNACLInboundReturn, Resource: acl.ID}
	eph := span{ephemeralLow, ephemeralHigh}
	undecided := spans{eph}
	var parts []decided
	for i := range acl.Entries {
		en := &acl.Entries[i]
		if en.Egress || !en.Protocol.Matches(in.proto) || !en.CIDR.Contains(in.dst) {
			continue
		}
		r := spanOf(config.AllPorts)
		if en.Protocol != config.ProtoAll {
			r = spanOf(en.Ports)
		}
		if got := undecided.intersect(r); len(got) > 0 {
			parts = append(parts, decided{got, en})
			undecided = undecided.subtract(r)
		}
		if len(undecided) == 0 {
			break
		}
	}
	if len(undecided) > 0 {
		parts = append(parts, decided{undecided, nil})
	}

	var allowed, denied spans
	var allowers, deniers []decided
	for _, d := range parts {
		if d.entry != nil && d.entry.Allow {
			allowed = append(allowed, d.ports...)
			allowers = append(allowers, d)
		} else {
			denied = append(denied, d.ports...)
			deniers = append(deniers, d)
		}
	}
	allowed, denied = allowed.normalize(), denied.normalize()
	replies := in.proto.String() + " replies"

	switch {
	case len(denied) == 0:
		c.Verdict = Pass
		if len(allowers) == 1 {
			c.Detail = describeEntry(acl, allowers[0].entry)
			return c
		}
		c.Detail = fmt.Sprintf("%s %s let back %s from %s on all of %s", acl.ID, ruleNumbers(allowers), replies, in.dst, eph)
	case len(allowed) == 0:
		switch {
		case len(deniers) == 1 && deniers[0].entry != nil:
			c.Detail = describeEntry(acl, deniers[0].entry)
		case len(deniers) == 1:
			c.Detail = fmt.Sprintf("no inbound entry of %s matches %s %s from %s (implicit deny)", acl.ID, in.proto, eph, in.dst)
		default:
			c.Detail = fmt.Sprintf("%s lets back no %s from %s on %s (%s)", acl.ID, replies, in.dst, eph, denials(deniers))
		}
	default:
		c.Partial = true
		c.Detail = fmt.Sprintf("%s lets back %s only on %s of %s: some replies dropped (%s)", acl.ID, replies, allowed, eph, denials(deniers))
	}
	return c
}

// ruleNumbers names the entries that decided: "rules 100, 110".
func ruleNumbers(ds []decided) string {
	nums := ids(ds, func(d decided) string { return fmt.Sprint(d.entry.RuleNumber) })
	return "rules " + strings.Join(nums, ", ")
}

// denials says why each denied set of ports is denied:
// "rule 90 denies 2000-3000; no entry matches 40000-65535".
func denials(ds []decided) string {
	parts := ids(ds, func(d decided) string {
		if d.entry == nil {
			return "no entry matches " + d.ports.String()
		}
		return fmt.Sprintf("rule %d denies %s", d.entry.RuleNumber, d.ports)
	})
	return strings.Join(parts, "; ")
}

// routeResult is what the route check found, for the gateway check.
type routeResult struct {
	notModeled bool   // the VPC declares no route tables
	table      string // the table as details name it
	route      config.Route
	found      bool // a route contains the target (it may be a blackhole)
}

// route: the longest-prefix route of the subnet's table that contains the
// target, which must not be a blackhole. The VPC's CIDRs are routed local
// even when the table does not list them; a listed route with the same
// destination wins over the implicit one.
func (e *Evaluator) route(in input) (routeResult, Check) {
	c := Check{Name: CheckRoute}
	var rt *config.RouteTable
	if in.subnet != nil {
		rt = in.subnet.RouteTable
	}
	var res routeResult
	var routes []config.Route
	switch {
	case rt != nil:
		res.table, c.Resource = rt.ID, rt.ID
		routes = rt.Routes
	case !e.declaresRouteTables(in.vpc):
		res.notModeled = true
		c.Verdict = Pass
		c.Detail = fmt.Sprintf("%s declares no route tables: routing is not modeled", vpcID(in.vpc))
		return res, c
	default:
		// Every VPC has a main route table; one that is not declared holds
		// only the local routes.
		res.table = "the implicit main route table of " + in.vpc.ID
		c.Resource = in.vpc.ID
	}

	var best config.Route
	found := false
	var unresolved *config.Unmodeled
	consider := func(r config.Route) {
		if r.Unresolved != nil {
			if unresolved == nil {
				unresolved = r.Unresolved
			}
			return
		}
		if !r.Destination.Contains(in.dst) {
			return
		}
		// Longest prefix first; on the same prefix the local route, then
		// static routes, then prefix-list routes, then propagated ones.
		if !found || r.Destination.Bits() > best.Destination.Bits() ||
			r.Destination.Bits() == best.Destination.Bits() && routeRank(r) < routeRank(best) {
			best, found = r, true
		}
	}
	for _, r := range routes {
		consider(r)
	}
	if in.vpc != nil {
		for _, p := range in.vpc.AllCIDRs() {
			consider(config.Route{Destination: p, TargetID: "local", Kind: config.TargetLocal})
		}
	}
	res.route, res.found = best, found
	if unresolved != nil && (!found || best.Destination.Bits() < in.dst.BitLen()) {
		c.Verdict = Unknown
		c.Unmodeled = unresolved.ID
		c.Detail = fmt.Sprintf("%s has a route to prefix list %s, whose entries are not modeled (%s): it may hold a longer prefix for %s", res.table, unresolved.ID, unresolved.Reason, in.dst)
		if found {
			c.Detail += fmt.Sprintf(" than %s -> %s", best.Destination, best.TargetID)
		}
		return res, c
	}

	switch {
	case !found:
		c.Detail = fmt.Sprintf("no route in %s contains %s", res.table, in.dst)
		if rt == nil {
			c.Detail += fmt.Sprintf(" (%s has no route table and %s no main one)", subnetID(in.subnet), vpcID(in.vpc))
		}
	case best.Kind == config.TargetBlackhole:
		c.Detail = fmt.Sprintf("%s %s -> blackhole", res.table, best.Destination)
	default:
		c.Verdict = Pass
		via := best.Destination.String()
		if best.PrefixList != nil {
			via = fmt.Sprintf("prefix list %s (%s)", best.PrefixList.ID, best.Destination)
		}
		c.Detail = fmt.Sprintf("%s routes %s via %s -> %s", res.table, in.dst, via, best.TargetID)
		if best.Propagated {
			c.Detail += " (propagated)"
		}
	}
	return res, c
}

// routeRank orders routes of the same prefix as AWS does: the local route,
// static routes, prefix-list routes, propagated routes.
func routeRank(r config.Route) int {
	switch {
	case r.Kind == config.TargetLocal:
		return 0
	case r.Propagated:
		return 3
	case r.PrefixList != nil:
		return 2
	}
	return 1
}

// gateway: the route's target leads to a network that contains the target
// and is up.
func gateway(in input, rr routeResult, rc Check) Check {
	c := Check{Name: CheckGateway}
	if rr.notModeled {
		c.Verdict = Pass
		c.Detail = fmt.Sprintf("%s declares no route tables: gateways are not modeled", vpcID(in.vpc))
		return c
	}
	if rc.Verdict == Unknown {
		c.Verdict, c.Resource, c.Unmodeled = Unknown, rc.Resource, rc.Unmodeled
		c.Detail = fmt.Sprintf("unknown: the route to %s is not known", in.dst)
		return c
	}
	if rc.Verdict != Pass {
		c.Resource = rc.Resource
		c.Detail = fmt.Sprintf("no gateway: %s has no usable route to %s", rr.table, in.dst)
		return c
	}
	r := rr.route
	c.Resource = r.TargetID
	switch r.Kind {
	case config.TargetLocal:
		c.Resource = vpcID(in.vpc)
		var cidrs []netip.Prefix
		if in.vpc != nil {
			cidrs = in.vpc.AllCIDRs()
		}
		if p, ok := longestContaining(cidrs, in.dst); ok {
			c.Verdict = Pass
			c.Detail = fmt.Sprintf("local: %s is in %s (%s)", in.dst, vpcID(in.vpc), p)
			return c
		}
		c.Detail = fmt.Sprintf("local route, but %s is in none of the CIDRs of %s (%s)", in.dst, vpcID(in.vpc), prefixes(cidrs))
	case config.TargetPeering:
		gatewayPeering(&c, in, r.Peering)
	case config.TargetTransitGateway:
		gatewayTGW(&c, in, r.TGW)
	case config.TargetRemoteNetwork:
		gatewayRemote(&c, in, r.Remote)
	case config.TargetVPNGateway:
		gatewayVGW(&c, in, r.VGW)
	case config.TargetInternetGateway:
		gatewayInternet(&c, in, r.TargetID)
	case config.TargetNATGateway:
		c.Verdict = Unknown
		c.Detail = fmt.Sprintf("%s translates the source address; where it sends %s (its own subnet's route table) is not modeled", r.TargetID, in.dst)
	case config.TargetUnmodeled:
		c.Verdict = Unknown
		c.Unmodeled = r.TargetID
		if u := r.Unmodeled; u != nil {
			c.Detail = fmt.Sprintf("%s is a %s, which vpcdns does not model (%s)", u.ID, u.Kind, u.Reason)
		}
	default:
		c.Detail = fmt.Sprintf("route target %s leads nowhere", r.TargetID)
	}
	return c
}

func gatewayPeering(c *Check, in input, p *config.Peering) {
	if p == nil {
		c.Detail = fmt.Sprintf("%s is not a known VPC peering", c.Resource)
		return
	}
	c.Resource = p.ID
	var peer *config.VPC
	switch in.vpc {
	case p.Requester:
		peer = p.Accepter
	case p.Accepter:
		peer = p.Requester
	default:
		c.Detail = fmt.Sprintf("%s joins %s and %s, not %s", p.ID, vpcID(p.Requester), vpcID(p.Accepter), vpcID(in.vpc))
		return
	}
	if !p.CarriesTraffic() {
		c.Detail = fmt.Sprintf("%s is %s: only an active peering carries traffic", p.ID, p.Status)
		return
	}
	if cidr, ok := longestContaining(peer.AllCIDRs(), in.dst); ok {
		c.Verdict = Pass
		c.Detail = fmt.Sprintf("%s reaches %s (%s)", p.ID, peer.ID, cidr)
		return
	}
	c.Detail = fmt.Sprintf("%s leads to %s (%s), which does not contain %s", p.ID, peer.ID, prefixes(peer.AllCIDRs()), in.dst)
}

// gatewayTGW: a transit gateway sends the packet to the attachment with the
// longest CIDR that contains the target, among its VPCs and its remote
// networks that are up (a remote network that is down withdraws its routes).
func gatewayTGW(c *Check, in input, tgw *config.TransitGateway) {
	if tgw == nil {
		c.Detail = fmt.Sprintf("%s is not a known transit gateway", c.Resource)
		return
	}
	c.Resource = tgw.ID
	attached := false
	for _, v := range tgw.VPCs {
		attached = attached || v == in.vpc
	}
	if len(tgw.RouteTables) > 0 && in.vpc != nil && tgw.HasAttachment(in.vpc) {
		gatewayTGWTables(c, in, tgw)
		return
	}
	if !attached {
		c.Detail = fmt.Sprintf("%s is not attached to %s", vpcID(in.vpc), tgw.ID)
		for _, a := range tgw.Attachments {
			if a.VPC == in.vpc && in.vpc != nil {
				c.Resource = a.ID
				c.Detail = fmt.Sprintf("%s of %s is not available: it carries no traffic", a.ID, vpcID(in.vpc))
			}
		}
		return
	}
	var (
		bestName   string
		best       netip.Prefix
		found      bool
		bestRemote bool
	)
	consider := func(name string, cidrs []netip.Prefix, remote bool) {
		if p, ok := longestContaining(cidrs, in.dst); ok && (!found || p.Bits() > best.Bits()) {
			bestName, best, found, bestRemote = name, p, true, remote
		}
	}
	for _, v := range tgw.VPCs {
		consider(v.ID, v.AllCIDRs(), false)
	}
	for _, rn := range tgw.RemoteNetworks {
		if rn.Up {
			consider(rn.ID, rn.CIDRs, true)
		}
	}
	if found {
		c.Verdict = Pass
		c.Detail = fmt.Sprintf("%s reaches %s (%s)", tgw.ID, bestName, best)
		if bestRemote {
			c.Detail += ", state up"
		}
		return
	}
	// Nothing up contains the target; name a remote network that would.
	for _, rn := range tgw.RemoteNetworks {
		if p, ok := longestContaining(rn.CIDRs, in.dst); ok {
			c.Resource = rn.ID
			c.Detail = fmt.Sprintf("%s leads to %s (%s), but %s is down", tgw.ID, rn.ID, p, rn.ID)
			return
		}
	}
	var names []string
	for _, v := range tgw.VPCs {
		names = append(names, v.ID)
	}
	for _, rn := range tgw.RemoteNetworks {
		names = append(names, rn.ID)
	}
	c.Detail = fmt.Sprintf("no attachment of %s (%s) contains %s", tgw.ID, strings.Join(names, ", "), in.dst)
}

func gatewayRemote(c *Check, in input, rn *config.RemoteNetwork) {
	if rn == nil {
		c.Detail = fmt.Sprintf("%s is not a known remote network", c.Resource)
		return
	}
	c.Resource = rn.ID
	if !rn.Up {
		c.Detail = fmt.Sprintf("%s is down", rn.ID)
		if rn.TunnelsDown {
			c.Detail = fmt.Sprintf("%s is down: none of its tunnels is up", rn.ID)
		}
		return
	}
	p, ok := longestContaining(rn.CIDRs, in.dst)
	if !ok {
		c.Detail = fmt.Sprintf("%s (%s) does not contain %s", rn.ID, prefixes(rn.CIDRs), in.dst)
		return
	}
	c.Verdict = Pass
	c.Detail = fmt.Sprintf("%s (%s) contains %s, state up", rn.ID, p, in.dst)
}

func vpcID(v *config.VPC) string {
	if v == nil {
		return "the endpoint's VPC"
	}
	return v.ID
}

func subnetID(s *config.Subnet) string {
	if s == nil {
		return "the endpoint address's subnet"
	}
	return s.ID
}
