package lint

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/netpath"
	"github.com/vpcdns/vpcdns/internal/view"
)

// causeKind sorts the failed checks of a path: a remote network that is
// down (L012) and a partial ephemeral range (L004) have findings of their
// own; every other failure is L001/L002's.
type causeKind uint8

const (
	causeOther causeKind = iota
	causeDown
	causePartial
)

func (l *linter) classify(c netpath.Check) causeKind {
	if c.Name == netpath.CheckNACLInboundReturn && c.Partial {
		return causePartial
	}
	if c.Name == netpath.CheckGateway {
		for _, rn := range l.n.RemoteNetworks {
			if rn.ID == c.Resource && !rn.Up {
				return causeDown
			}
		}
	}
	return causeOther
}

// failed returns the failed checks of p, without a gateway failure that
// only follows from a failed route check (it names the same problem).
func failed(p netpath.Path) []netpath.Check {
	fs := p.Failed()
	route := false
	for _, c := range fs {
		route = route || c.Name == netpath.CheckRoute
	}
	if !route {
		return fs
	}
	out := fs[:0:0]
	for _, c := range fs {
		if c.Name != netpath.CheckGateway {
			out = append(out, c)
		}
	}
	return out
}

// ruleForwards returns the forwards of customer rules, in file order.
func (l *linter) ruleForwards() []*view.Forward {
	var out []*view.Forward
	for _, f := range l.v.Forwards() {
		if f.Rule != nil {
			out = append(out, f)
		}
	}
	return out
}

// causeKey groups the failures of one check on one resource, so that the
// fix can name every target it concerns.
type causeKey struct{ check, resource string }

// causes collects failed checks in order of first appearance.
type causes struct {
	keys    []causeKey
	targets map[causeKey][]netip.AddrPort
	checks  map[causeKey]netpath.Check
}

func (cs *causes) add(c netpath.Check, t netip.AddrPort) {
	if cs.targets == nil {
		cs.targets = map[causeKey][]netip.AddrPort{}
		cs.checks = map[causeKey]netpath.Check{}
	}
	k := causeKey{c.Name, c.Resource}
	if _, ok := cs.targets[k]; !ok {
		cs.keys = append(cs.keys, k)
		cs.checks[k] = c
	}
	cs.targets[k] = appendTarget(cs.targets[k], t)
}

// evidence lines of blocked paths: one per target, check and detail, with
// the endpoint addresses it concerns.
type pathLines struct {
	order []string
	from  map[string][]string
}

func (pl *pathLines) add(t netip.AddrPort, p netpath.Path, c netpath.Check) {
	if pl.from == nil {
		pl.from = map[string][]string{}
	}
	line := fmt.Sprintf("%s over %s: %s fails: %s", t, p.Protocol, c.Name, c.Detail)
	if _, ok := pl.from[line]; !ok {
		pl.order = append(pl.order, line)
	}
	pl.from[line] = append(pl.from[line], p.EndpointIP.String())
}

func (pl *pathLines) lines() []string {
	var out []string
	for _, line := range pl.order {
		out = append(out, fmt.Sprintf("%s (from %s)", line, strings.Join(uniq(pl.from[line]), ", ")))
	}
	return out
}

// ownFindings gathers, over every rule, the failed checks that have
// findings of their own: partial ephemeral ranges (L004) and remote
// networks that are down (L012), each in order of first appearance.
type ownFindings struct {
	partial     map[string]*aclPartial
	partialKeys []string
	down        map[string]*downNet
	downKeys    []string
}

// note records failed check c, of kind k, on the path of forward f to t.
func (o *ownFindings) note(k causeKind, c netpath.Check, f *view.Forward, t view.Target) {
	switch k {
	case causePartial:
		a := o.partial[c.Resource]
		if a == nil {
			a = &aclPartial{}
			o.partial[c.Resource] = a
			o.partialKeys = append(o.partialKeys, c.Resource)
		}
		a.details = append(a.details, c.Detail)
		a.rules = append(a.rules, f.Rule.ID)
		a.targets = append(a.targets, t.Modeled.Addr().String())
	case causeDown:
		d := o.down[c.Resource]
		if d == nil {
			d = &downNet{byRule: map[string][]string{}}
			o.down[c.Resource] = d
			o.downKeys = append(o.downKeys, c.Resource)
		}
		id := f.Rule.ID
		if _, ok := d.byRule[id]; !ok {
			d.rules = append(d.rules, f)
		}
		d.byRule[id] = uniq(append(d.byRule[id], t.Modeled.String()))
	}
}

// paths finds L001–L004 and L012: what the network does to the queries of
// each forward rule.
func (l *linter) paths() {
	udpOnly := map[causeKey]*udpTCP{}
	var udpOnlyKeys []causeKey
	own := ownFindings{partial: map[string]*aclPartial{}, down: map[string]*downNet{}}

	for _, f := range l.ruleForwards() {
		total, blocked, blockedOther := 0, 0, 0
		var all causes
		var lines pathLines
		var someLines []string
		for _, t := range f.Targets {
			for _, p := range t.Paths {
				if p.Verdict == netpath.OK || p.Verdict == netpath.UnknownPath {
					if p.Protocol == config.ProtoUDP {
						total++
					}
					continue // unknown paths are L018's (pathUnknown)
				}
				fails := failed(p)
				var others []netpath.Check
				for _, c := range fails {
					lines.add(t.Modeled, p, c)
					if k := l.classify(c); k == causeOther {
						others = append(others, c)
					} else {
						own.note(k, c, f, t)
					}
				}
				if p.Protocol != config.ProtoUDP {
					continue
				}
				total++
				blocked++
				if len(others) > 0 {
					blockedOther++
				}
				for _, c := range others {
					all.add(c, t.Modeled)
					someLines = append(someLines, fmt.Sprintf("%s -> %s over udp: %s fails: %s", p.EndpointIP, t.Modeled, c.Name, c.Detail))
				}
			}
			l.collectUDPOnly(f, t, udpOnly, &udpOnlyKeys)
		}
		switch {
		case total > 0 && blocked == total && blockedOther > 0:
			l.allBlocked(f, &all, lines.lines())
		case blocked > 0 && blocked < total && blockedOther > 0:
			l.someBlocked(f, &all, uniq(someLines), blocked, total)
		}
	}
	for _, k := range udpOnlyKeys {
		l.udpWithoutTCP(k, udpOnly[k])
	}
	for _, id := range own.partialKeys {
		l.ephemeralPartial(id, own.partial[id])
	}
	for _, id := range own.downKeys {
		l.remoteDown(id, own.down[id])
	}
}

// queriesOf says which queries a rule takes: "for corp.example. from
// vpc-app".
func queriesOf(r *config.Rule) string {
	vpcs := r.AllVPCs()
	if len(vpcs) == 0 {
		return fmt.Sprintf("for %s (from no VPC yet: the rule is not associated)", r.Domain)
	}
	return fmt.Sprintf("for %s from %s", r.Domain, list(vpcIDs(vpcs)))
}

func (l *linter) allBlocked(f *view.Forward, cs *causes, evidence []string) {
	r := f.Rule
	ids := []string{r.ID}
	var fixes []string
	var checks []string
	for _, k := range cs.keys {
		ids = append(ids, k.resource)
		fixes = append(fixes, l.fixFor(cs.checks[k], cs.targets[k]))
		checks = append(checks, fmt.Sprintf("%s (%s)", k.check, k.resource))
	}
	ids = append(ids, f.Endpoint.ID)
	ids = append(ids, vpcIDs(r.AllVPCs())...)
	l.add(AllPathsBlocked, Finding{
		Title:     fmt.Sprintf("every path of rule %s (%s) to its targets is blocked: %s", r.ID, r.Domain, list(uniq(checks))),
		Resources: l.resources(ids...),
		Evidence:  evidence,
		Impact: fmt.Sprintf("every query %s gets SERVFAIL after %v: each attempt waits out its timeout and no target ever answers",
			queriesOf(r), l.n.Emulation.TotalTimeout),
		Fix: capitalize(strings.Join(uniq(fixes), "; ")) + ".",
	})
}

func (l *linter) someBlocked(f *view.Forward, cs *causes, evidence []string, blocked, total int) {
	r := f.Rule
	ids := []string{r.ID}
	var fixes []string
	for _, k := range cs.keys {
		ids = append(ids, k.resource)
		fixes = append(fixes, l.fixFor(cs.checks[k], cs.targets[k]))
	}
	for _, k := range cs.keys {
		for _, t := range cs.targets[k] {
			ids = append(ids, t.String())
		}
	}
	ids = append(ids, f.Endpoint.ID)
	l.add(SomePathsBlocked, Finding{
		Title:     fmt.Sprintf("%d of the %d udp paths of rule %s (%s) are blocked", blocked, total, r.ID, r.Domain),
		Resources: l.resources(ids...),
		Evidence:  evidence,
		Impact: fmt.Sprintf("each attempt picks a target and an endpoint address at random: for queries %s, an attempt on a blocked path waits %v and fails over, so answers are slow and some get SERVFAIL when the %v budget runs out",
			queriesOf(r), l.n.Emulation.AttemptTimeout, l.n.Emulation.TotalTimeout),
		Fix: capitalize(strings.Join(uniq(fixes), "; ")) + "; or remove a target that cannot be reached.",
	})
}

// udpTCP gathers the paths where one resource lets udp through and not tcp.
type udpTCP struct {
	check   netpath.Check
	rules   []string
	targets []netip.AddrPort
	lines   []string
}

// collectUDPOnly notes the endpoint addresses from which t is open over UDP
// and blocked over TCP, by the check that blocks TCP.
func (l *linter) collectUDPOnly(f *view.Forward, t view.Target, acc map[causeKey]*udpTCP, keys *[]causeKey) {
	for _, up := range t.Paths {
		if up.Protocol != config.ProtoUDP || up.Verdict != netpath.OK {
			continue
		}
		for _, tp := range t.Paths {
			if tp.Protocol != config.ProtoTCP || tp.EndpointIP != up.EndpointIP || tp.Verdict == netpath.OK {
				continue
			}
			for _, c := range failed(tp) {
				if l.classify(c) != causeOther {
					continue
				}
				k := causeKey{c.Name, c.Resource}
				u := acc[k]
				if u == nil {
					u = &udpTCP{check: c}
					acc[k] = u
					*keys = append(*keys, k)
				}
				u.rules = uniq(append(u.rules, f.Rule.ID))
				u.targets = appendTarget(u.targets, t.Modeled)
				u.lines = uniq(append(u.lines, fmt.Sprintf("rule %s: %s -> %s: udp ok, tcp blocked by %s: %s", f.Rule.ID, up.EndpointIP, t.Modeled, c.Name, c.Detail)))
			}
		}
	}
}

func appendTarget(ts []netip.AddrPort, t netip.AddrPort) []netip.AddrPort {
	for _, x := range ts {
		if x == t {
			return ts
		}
	}
	return append(ts, t)
}

func (l *linter) udpWithoutTCP(k causeKey, u *udpTCP) {
	kind := "security group"
	if strings.HasPrefix(k.check, "nacl") {
		kind = "network ACL"
	}
	var fix string
	switch k.check {
	case netpath.CheckNACLInboundReturn:
		fix = fmt.Sprintf("Add an inbound entry to %s allowing tcp 1024-65535 from %s, as for udp.", k.resource, addrs(u.targets))
	case netpath.CheckNACLOutbound:
		fix = fmt.Sprintf("Add an outbound entry to %s allowing tcp to %s, as for udp.", k.resource, targetsPhrase(u.targets))
	case netpath.CheckSecurityGroupEgress:
		fix = fmt.Sprintf("Add an egress rule to %s allowing tcp to %s, as for udp.", oneOf(k.resource), targetsPhrase(u.targets))
	default:
		fix = l.fixFor(u.check, u.targets) + "."
	}
	ids := append([]string{k.resource}, u.rules...)
	for _, t := range u.targets {
		ids = append(ids, t.String())
	}
	l.add(UDPWithoutTCP, Finding{
		Title:     fmt.Sprintf("%s %s lets DNS through over udp but not tcp (%s)", kind, k.resource, k.check),
		Resources: l.resources(ids...),
		Evidence:  u.lines,
		Impact: fmt.Sprintf("answers too large for udp (over 1232 bytes: many records, long TXT, DNSSEC) come back truncated and the tcp retry to %s is dropped: those queries of rule %s get SERVFAIL; small answers work, so the failure looks random",
			addrs(u.targets), list(u.rules)),
		Fix: fix,
	})
}

type aclPartial struct {
	details []string
	rules   []string
	targets []string
}

func (l *linter) ephemeralPartial(acl string, a *aclPartial) {
	ids := append([]string{acl}, uniq(a.rules)...)
	l.add(EphemeralPartial, Finding{
		Title:     fmt.Sprintf("network ACL %s lets replies back on only part of the ephemeral ports 1024-65535", acl),
		Resources: l.resources(ids...),
		Evidence:  uniq(a.details),
		Impact: fmt.Sprintf("the outbound endpoint picks a random source port for each query; a reply from %s to a port outside the allowed part is dropped, so queries of rule %s time out at random (vpcdns serve treats these paths as blocked)",
			list(uniq(a.targets)), list(uniq(a.rules))),
		Fix: fmt.Sprintf("Allow inbound udp and tcp 1024-65535 from %s in %s, numbered before any entry that denies part of it.", list(uniq(a.targets)), acl),
	})
}

type downNet struct {
	rules  []*view.Forward
	byRule map[string][]string // rule id → its targets behind the network
}

func (l *linter) remoteDown(id string, d *downNet) {
	ids := []string{id}
	var lines, effects []string
	for _, f := range d.rules {
		r := f.Rule
		ids = append(ids, r.ID)
		behind := d.byRule[r.ID]
		lines = append(lines, fmt.Sprintf("rule %s (%s): %s %s behind %s", r.ID, r.Domain, plural(len(behind), "target"), strings.Join(behind, ", "), id))
		if f.AllBlocked() {
			effects = append(effects, fmt.Sprintf("every query %s gets SERVFAIL", queriesOf(r)))
		} else {
			effects = append(effects, fmt.Sprintf("queries %s that try %s wait %v and fail over", queriesOf(r), strings.Join(behind, ", "), l.n.Emulation.AttemptTimeout))
		}
	}
	l.add(RemoteNetworkDown, Finding{
		Title:     fmt.Sprintf("remote network %s is down, and targets of %s are behind it", id, list(ruleIDs(d.rules))),
		Resources: l.resources(ids...),
		Evidence:  lines,
		Impact:    strings.Join(effects, "; "),
		Fix:       fmt.Sprintf("Bring %s back up (state: up once the VPN or Direct Connect link works), or add targets reached another way.", id),
	})
}

func ruleIDs(fs []*view.Forward) []string {
	var out []string
	for _, f := range fs {
		out = append(out, "rule "+f.Rule.ID)
	}
	return out
}

// fixFor says how to open what check c blocks for targets ts.
func (l *linter) fixFor(c netpath.Check, ts []netip.AddrPort) string {
	switch c.Name {
	case netpath.CheckSecurityGroupEgress:
		if l.kinds[c.Resource] == "resolver-endpoint" {
			return fmt.Sprintf("attach to %s a security group that allows egress udp and tcp to %s", c.Resource, targetsPhrase(ts))
		}
		return fmt.Sprintf("add an egress rule to %s allowing udp and tcp to %s", oneOf(c.Resource), targetsPhrase(ts))
	case netpath.CheckNACLOutbound:
		return fmt.Sprintf("add an outbound entry to %s, numbered before any entry that denies it, allowing udp and tcp to %s", c.Resource, targetsPhrase(ts))
	case netpath.CheckNACLInboundReturn:
		return fmt.Sprintf("add inbound entries to %s allowing udp and tcp 1024-65535 from %s (the replies; network ACLs are stateless)", c.Resource, addrs(ts))
	case netpath.CheckRoute:
		if strings.Contains(c.Detail, "blackhole") {
			return fmt.Sprintf("replace the blackhole route to %s in %s by a route through the gateway that reaches it", addrs(ts), c.Resource)
		}
		if l.kinds[c.Resource] == "vpc" {
			return fmt.Sprintf("give the endpoint's subnets (or %s) a route table with a route to %s through the transit gateway, VPN or peering that reaches it", c.Resource, addrs(ts))
		}
		return fmt.Sprintf("add a route to %s in %s through the transit gateway, VPN or peering that reaches it", addrs(ts), c.Resource)
	case netpath.CheckGateway:
		if l.kinds[c.Resource] == "remote-network" {
			return fmt.Sprintf("bring %s up, or route %s through a network that is up", c.Resource, addrs(ts))
		}
		return fmt.Sprintf("route %s through a gateway that reaches it: %s does not (%s)", addrs(ts), c.Resource, c.Detail)
	}
	return fmt.Sprintf("fix %s (%s)", c.Resource, c.Detail)
}

// targetsPhrase names targets for a rule's ports: "port 53 of 192.168.10.53
// and 192.168.20.53", or "a:53 and b:5353" when ports differ.
func targetsPhrase(ts []netip.AddrPort) string {
	same := true
	for _, t := range ts {
		same = same && t.Port() == ts[0].Port()
	}
	if same && len(ts) > 0 {
		return fmt.Sprintf("port %d of %s", ts[0].Port(), addrs(ts))
	}
	var out []string
	for _, t := range ts {
		out = append(out, t.String())
	}
	return list(out)
}

func addrs(ts []netip.AddrPort) string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Addr().String())
	}
	return list(uniq(out))
}

// oneOf names security groups that netpath joined with ",".
func oneOf(joined string) string {
	ids := strings.Split(joined, ",")
	if len(ids) == 1 {
		return ids[0]
	}
	return "one of " + list(ids)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
