package lint

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/view"
)

// maxHops bounds the search for loops through other VPCs.
const maxHops = 8

// hop is where a forwarded query lands when its target is a resolver of a
// modeled VPC: an address of an inbound endpoint, or the VPC resolver
// itself (CIDR base + 2).
type hop struct {
	vpc      *config.VPC
	endpoint string // the inbound endpoint's id; "" for the VPC resolver
	what     string // "inbound endpoint rslvr-in-b of vpc-b"
}

// hopOf returns the VPC resolver that target t is, if any: an inbound
// endpoint's address (preferred) or a VPC's base + 2, on port 53.
func (l *linter) hopOf(t netip.AddrPort) (hop, bool) {
	if t.Port() != 53 {
		return hop{}, false
	}
	h, ok := l.hops[t.Addr().Unmap()]
	return h, ok
}

// step is one lap of a loop: in vpc, rule forwards to target, which is hop.
type step struct {
	vpc    *config.VPC
	rule   *config.Rule
	target netip.AddrPort
	hop    hop
}

type ruleTarget struct {
	rule   string
	target netip.AddrPort
}

// loops finds L009: for every domain of a forward rule and every VPC, it
// follows the query from resolver to resolver as long as the rule that
// decides the domain there forwards to another modeled resolver, and
// reports each cycle once. It returns the rule targets that are part of a
// loop.
func (l *linter) loops() map[ruleTarget]bool {
	inLoop := map[ruleTarget]bool{}
	seen := map[string]bool{}
	var domains []dnsname.Name
	for _, r := range l.n.Rules {
		if r.Type == config.RuleForward && !slices.Contains(domains, r.Domain) {
			domains = append(domains, r.Domain)
		}
	}
	for _, d := range domains {
		for _, c := range l.n.VPCs {
			l.follow(d, c, nil, []*config.VPC{c}, func(cycle []step) {
				key := cycleKey(cycle)
				if seen[key] {
					return
				}
				seen[key] = true
				for _, s := range cycle {
					inLoop[ruleTarget{s.rule.ID, s.target}] = true
				}
				l.loop(d, cycle)
			})
		}
	}
	return inLoop
}

func (l *linter) follow(d dnsname.Name, cur *config.VPC, path []step, onPath []*config.VPC, found func([]step)) {
	dec := l.v.VPC(cur.ID).Decide(d)
	w := dec.Winner
	if w == nil || w.Source != view.SourceForwardRule || w.Forward == nil || w.Forward.Rule == nil {
		return
	}
	r := w.Forward.Rule
	for _, t := range r.Targets {
		h, ok := l.hopOf(t)
		if !ok {
			continue
		}
		s := step{vpc: cur, rule: r, target: t, hop: h}
		if i := slices.Index(onPath, h.vpc); i >= 0 {
			found(append(slices.Clone(path[i:]), s))
			continue
		}
		if len(path) < maxHops {
			l.follow(d, h.vpc, append(slices.Clone(path), s), append(slices.Clone(onPath), h.vpc), found)
		}
	}
}

// cycleKey names a cycle whatever VPC it was found from.
func cycleKey(cycle []step) string {
	parts := make([]string, len(cycle))
	for i, s := range cycle {
		parts[i] = s.vpc.ID + ">" + s.rule.ID + ">" + s.target.String()
	}
	slices.Sort(parts)
	return strings.Join(parts, "|")
}

func (l *linter) loop(d dnsname.Name, cycle []step) {
	var ids, lines, chain, vpcs []string
	for _, s := range cycle {
		ids = append(ids, s.rule.ID)
		if s.hop.endpoint != "" {
			ids = append(ids, s.hop.endpoint)
		}
		ids = append(ids, s.vpc.ID)
		vpcs = append(vpcs, s.vpc.ID)
		lines = append(lines, fmt.Sprintf("in %s, rule %s (%s) forwards to %s: %s", s.vpc.ID, s.rule.ID, s.rule.Domain, s.target, s.hop.what))
		chain = append(chain, fmt.Sprintf("%s -> rule %s -> %s", s.vpc.ID, s.rule.ID, s.target.Addr()))
	}
	chain = append(chain, cycle[0].vpc.ID)
	first := cycle[0]
	f := Finding{
		Resources: l.resources(ids...),
		Evidence:  lines,
		Impact: fmt.Sprintf("queries for %s from %s come back to where they started and go round until the forward budget (%v) runs out: SERVFAIL, and every lap is one more query through each endpoint",
			d, list(uniq(vpcs)), l.n.Emulation.TotalTimeout),
	}
	if len(cycle) == 1 {
		f.Title = fmt.Sprintf("forwarding loop: rule %s (%s) is associated with %s and targets %s", first.rule.ID, first.rule.Domain, first.vpc.ID, first.hop.what)
		f.Fix = fmt.Sprintf("Disassociate %s from %s (AWS refuses this association: RSLVR-00804), or point %s at the servers that own %s.",
			first.rule.ID, first.vpc.ID, first.rule.ID, first.rule.Domain)
	} else {
		next := cycle[1]
		f.Title = fmt.Sprintf("forwarding loop for %s: %s", d, strings.Join(chain, " -> "))
		f.Fix = fmt.Sprintf("Break the loop at one hop: point %s at the servers that own %s, or disassociate %s from %s (the VPC whose %s %s targets) so that %s answers %s itself.",
			first.rule.ID, d, next.rule.ID, next.vpc.ID, strings.Split(first.hop.what, " of ")[0], first.rule.ID, next.vpc.ID, d)
	}
	l.add(ForwardingLoop, f)
}

// targetsInside finds L011: forward targets inside the CIDR of a VPC the
// rule is associated with that no inbound endpoint has (and that are not
// already part of a reported loop).
func (l *linter) targetsInside(inLoop map[ruleTarget]bool) {
	for _, r := range l.n.Rules {
		for _, t := range r.Targets {
			if inLoop[ruleTarget{r.ID, t}] {
				continue
			}
			if h, ok := l.hopOf(t); ok && h.endpoint != "" {
				continue
			}
			a := t.Addr().Unmap()
			for _, c := range r.AllVPCs() {
				cidr, ok := containing(c.CIDRs, a)
				if !ok {
					continue
				}
				l.targetInside(r, t, c, cidr)
			}
		}
	}
}

func (l *linter) targetInside(r *config.Rule, t netip.AddrPort, c *config.VPC, cidr netip.Prefix) {
	a := t.Addr().Unmap()
	ids := []string{r.ID, t.String(), c.ID}
	sev := Warning
	var what string
	switch inst := instanceWith(c, a); {
	case c.ResolverAddr() == a:
		what = fmt.Sprintf("%s is the resolver address of %s itself (CIDR base + 2)", a, c.ID)
	case inst != "":
		what = fmt.Sprintf("%s is a private IP of instance %s: a DNS server of your own on EC2", a, inst)
		ids = append(ids, inst)
		sev = Info
	default:
		what = fmt.Sprintf("no inbound endpoint and no declared instance of %s has %s", c.ID, a)
	}
	var inbound []string
	for _, e := range l.n.Endpoints {
		if !e.Outbound && e.VPC == c {
			for _, ea := range e.Addresses {
				inbound = append(inbound, ea.IP.String())
			}
			ids = append(ids, e.ID)
		}
	}
	fix := fmt.Sprintf("If %s should be a resolver endpoint, target the addresses of an inbound endpoint instead", a)
	if len(inbound) > 0 {
		fix = fmt.Sprintf("If %s's inbound endpoint was meant, target its addresses (%s)", c.ID, strings.Join(inbound, ", "))
	}
	fix += fmt.Sprintf("; if it is a DNS server of your own in %s, make sure it answers %s itself and does not forward it back to the VPC resolver.", c.ID, r.Domain)
	l.add(TargetInsideVPC, Finding{
		Title:     fmt.Sprintf("rule %s (%s) targets %s, inside %s (%s), which is associated with the rule", r.ID, r.Domain, t, c.ID, cidr),
		Resources: l.resources(ids...),
		Evidence:  []string{what},
		Impact: fmt.Sprintf("queries for %s from %s leave through outbound endpoint %s only to come back into %s; a server there that forwards them to the VPC resolver makes a loop, and an address where nothing answers makes them time out",
			r.Domain, c.ID, endpointID(r), c.ID),
		Fix: fix,
	}, sev)
}

func endpointID(r *config.Rule) string {
	if r.Endpoint == nil {
		return "(none)"
	}
	return r.Endpoint.ID
}

func containing(ps []netip.Prefix, a netip.Addr) (netip.Prefix, bool) {
	for _, p := range ps {
		if p.Contains(a) {
			return p, true
		}
	}
	return netip.Prefix{}, false
}

func instanceWith(c *config.VPC, a netip.Addr) string {
	for _, in := range c.Instances {
		for _, ip := range in.PrivateIPs {
			if ip.Unmap() == a {
				return in.ID
			}
		}
	}
	return ""
}

// singleAZ finds L010: endpoints whose addresses are all in one
// availability zone. A subnet with no availability zone given counts as a
// zone of its own, so two addresses in one such subnet are one zone.
func (l *linter) singleAZ() {
	for _, e := range l.n.Endpoints {
		zones := map[string]bool{}
		var lines, subnets []string
		az := ""
		for _, ea := range e.Addresses {
			key := "subnet " + ea.Subnet.ID
			if ea.Subnet.AvailabilityZone != "" {
				key = ea.Subnet.AvailabilityZone
				az = key
			}
			zones[key] = true
			subnets = append(subnets, ea.Subnet.ID)
			where := ea.Subnet.AvailabilityZone
			if where == "" {
				where = "availability zone not given"
			}
			lines = append(lines, fmt.Sprintf("%s in %s (%s)", ea.IP, ea.Subnet.ID, where))
		}
		if len(zones) != 1 || len(e.Addresses) < 2 {
			continue
		}
		if az == "" {
			az = "the availability zone of " + e.Addresses[0].Subnet.ID
		}
		dir, impact := "inbound", fmt.Sprintf("if %s fails, %s stops answering: clients outside the VPC (on-premises) lose every name of %s", az, e.ID, e.VPC.ID)
		ids := append([]string{e.ID}, uniq(subnets)...)
		if e.Outbound {
			dir = "outbound"
			var rules []string
			for _, r := range l.n.Rules {
				if r.Endpoint == e {
					rules = append(rules, r.ID)
				}
			}
			ids = append(ids, rules...)
			impact = fmt.Sprintf("if %s fails, nothing leaves through %s: every query of %s gets SERVFAIL", az, e.ID, orNone(list(prefixed("rule ", rules))))
		}
		l.add(EndpointSingleAZ, Finding{
			Title:     fmt.Sprintf("every address of %s endpoint %s is in %s", dir, e.ID, az),
			Resources: l.resources(ids...),
			Evidence:  lines,
			Impact:    impact,
			Fix:       fmt.Sprintf("Put at least one address of %s in a subnet of another availability zone of %s.", e.ID, e.VPC.ID),
		})
	}
}

func orNone(s string) string {
	if s == "" {
		return "no rule (none uses it yet)"
	}
	return s
}

// inboundClosed finds L014 (the security groups of an inbound endpoint let
// no udp 53 in) and, for udp without tcp, L003.
func (l *linter) inboundClosed() {
	for _, e := range l.n.Endpoints {
		if e.Outbound {
			continue
		}
		sgs := e.SecurityGroups
		var names []string
		for _, sg := range sgs {
			names = append(names, sg.ID)
		}
		if len(sgs) == 0 {
			declares := false
			for _, sg := range l.n.SecurityGroups {
				declares = declares || sg.VPC == e.VPC
			}
			if !declares {
				continue // security groups are not modeled in this VPC
			}
		}
		udp, tcp := ingress53(sgs, config.ProtoUDP), ingress53(sgs, config.ProtoTCP)
		listen := ""
		if len(e.Listen) > 0 {
			listen = fmt.Sprintf(" (vpcdns serve answers on %s anyway: it does not model inbound security groups)", e.Listen[0])
		}
		switch {
		case !udp:
			what := fmt.Sprintf("no ingress rule of %s allows udp 53", list(names))
			if len(sgs) == 0 {
				what = fmt.Sprintf("%s has no security group, though %s declares some: nothing allows udp 53 in", e.ID, e.VPC.ID)
			}
			sgFix := fmt.Sprintf("Add ingress rules to %s allowing udp and tcp 53 from the clients' networks (e.g. on-premises CIDRs).", oneOf(strings.Join(names, ",")))
			if len(sgs) == 0 {
				sgFix = fmt.Sprintf("Attach to %s a security group allowing udp and tcp 53 in from the clients' networks.", e.ID)
			}
			l.add(InboundClosed, Finding{
				Title:     fmt.Sprintf("inbound endpoint %s lets no DNS query in", e.ID),
				Resources: l.resources(append([]string{e.ID}, names...)...),
				Evidence:  []string{what},
				Impact:    fmt.Sprintf("on AWS, every query sent to %s (%s) from outside is dropped and the client times out%s", e.ID, endpointAddrs(e), listen),
				Fix:       sgFix,
			})
		case !tcp:
			l.add(UDPWithoutTCP, Finding{
				Title:     fmt.Sprintf("security group %s lets DNS into inbound endpoint %s over udp but not tcp", oneOf(strings.Join(names, ",")), e.ID),
				Resources: l.resources(append(names, e.ID)...),
				Evidence:  []string{fmt.Sprintf("an ingress rule of %s allows udp 53; none allows tcp 53", list(names))},
				Impact:    fmt.Sprintf("clients of %s that get a truncated answer retry over tcp and are dropped: large answers fail%s", e.ID, listen),
				Fix:       fmt.Sprintf("Add an ingress rule to %s allowing tcp 53 from the same networks as udp.", oneOf(strings.Join(names, ","))),
			})
		}
	}
}

func ingress53(sgs []*config.SecurityGroup, proto config.Protocol) bool {
	for _, sg := range sgs {
		for _, r := range sg.Ingress {
			if r.Protocol.Matches(proto) && (r.Protocol == config.ProtoAll || r.Ports.Contains(53)) {
				return true
			}
		}
	}
	return false
}

func endpointAddrs(e *config.Endpoint) string {
	var out []string
	for _, ea := range e.Addresses {
		out = append(out, ea.IP.String())
	}
	return strings.Join(out, ", ")
}
