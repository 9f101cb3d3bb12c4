package lint

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/vpcdns/vpcdns/internal/autodef"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/view"
)

// reverseZone is an autodefined reverse zone and where it comes from.
type reverseZone struct {
	name   dnsname.Name
	prefix netip.Prefix
	origin string // "10.0.0.0/16, a CIDR of vpc-app"
	vpc    string // the VPC whose CIDR it is; "" for the RFC 1918 ranges
}

// reverseZones lists the reverse zones AWS autodefines for c, whether or
// not c has them on: its own CIDRs', its connected VPCs', and the RFC 1918
// ones.
func reverseZones(n *config.Network, c *config.VPC) []reverseZone {
	var out []reverseZone
	seen := map[dnsname.Name]bool{}
	addCIDRs := func(v *config.VPC, via string) {
		for _, p := range v.CIDRs {
			for _, z := range autodef.ReverseZones(p) {
				if seen[z] {
					continue
				}
				seen[z] = true
				zp, _ := reversePrefix(z)
				origin := fmt.Sprintf("%s, a CIDR of %s", p, v.ID)
				if via != "" {
					origin += " (connected by " + via + ")"
				}
				out = append(out, reverseZone{name: z, prefix: zp, origin: origin, vpc: v.ID})
			}
		}
	}
	addCIDRs(c, "")
	for _, lk := range view.Connected(n, c) {
		addCIDRs(lk.VPC, lk.Via)
	}
	for _, z := range autodef.PrivateReverseZones() {
		if seen[z] {
			continue
		}
		seen[z] = true
		zp, _ := reversePrefix(z)
		origin := zp.String() + ", RFC 1918"
		if zp.Bits() == 32 {
			origin = zp.Addr().String() + ", the instance metadata address"
		}
		out = append(out, reverseZone{name: z, prefix: zp, origin: origin})
	}
	return out
}

// reverseZonesOf is reverseZones, computed once per VPC.
func (l *linter) reverseZonesOf(c *config.VPC) []reverseZone {
	if zs, ok := l.revZones[c]; ok {
		return zs
	}
	zs := reverseZones(l.n, c)
	l.revZones[c] = zs
	return zs
}

// reversePrefix turns an in-addr.arpa. zone back into the IPv4 prefix it
// covers: 0.10.in-addr.arpa. → 10.0.0.0/16.
func reversePrefix(z dnsname.Name) (netip.Prefix, bool) {
	s, ok := strings.CutSuffix(string(z), "in-addr.arpa.")
	if !ok {
		return netip.Prefix{}, false
	}
	s = strings.TrimSuffix(s, ".")
	var labels []string
	if s != "" {
		labels = strings.Split(s, ".")
	}
	if len(labels) > 4 {
		return netip.Prefix{}, false
	}
	var o [4]byte
	for i, lab := range labels {
		v, err := strconv.Atoi(lab)
		if err != nil || v < 0 || v > 255 {
			return netip.Prefix{}, false
		}
		o[len(labels)-1-i] = byte(v)
	}
	return netip.PrefixFrom(netip.AddrFrom4(o), 8*len(labels)), true
}

// reverseShadow finds L005: forward rules for a reverse domain that
// autodefined reverse zones of an associated VPC take a part of.
func (l *linter) reverseShadow() {
	arpa := dnsname.MustParse("in-addr.arpa.")
	for _, r := range l.n.Rules {
		if r.Type != config.RuleForward || !r.Domain.IsSubdomainOf(arpa) {
			continue
		}
		for _, c := range r.AllVPCs() {
			vv := l.v.VPC(c.ID)
			var shadow []reverseZone
			for _, z := range l.reverseZonesOf(c) {
				if z.name == r.Domain || !z.name.IsSubdomainOf(r.Domain) {
					continue
				}
				d := vv.Decide(z.name)
				if d.Winner != nil && d.Via == nil && d.Winner.Source == view.SourceAutoReverse && d.Winner.Domain == z.name {
					shadow = append(shadow, z)
				}
			}
			if len(shadow) > 0 {
				l.shadowed(r, c, shadow)
			}
		}
	}
}

func (l *linter) shadowed(r *config.Rule, c *config.VPC, zs []reverseZone) {
	var lines, prefixes, names, peers []string
	for _, z := range zs {
		answer := "answered by " + c.ID + "'s resolver with ip-... names of " + z.vpc
		if z.vpc == "" {
			answer = "answered by " + c.ID + "'s resolver: NXDOMAIN outside every connected CIDR"
		}
		lines = append(lines, fmt.Sprintf("%s (%s) is autodefined in %s and more specific than %s: %s", z.name, z.origin, c.ID, r.Domain, answer))
		prefixes = append(prefixes, z.prefix.String())
		names = append(names, z.name.String())
		if z.vpc != "" && z.vpc != c.ID {
			peers = append(peers, z.vpc)
		}
	}
	ids := append([]string{r.ID, c.ID}, uniq(peers)...)
	ruleFix := fmt.Sprintf("create a forward rule for %s with the endpoint and targets of %s, associated with %s (a rule beats the autodefined rule of the same domain)",
		list(names), r.ID, c.ID)
	if len(names) > 1 {
		ruleFix = fmt.Sprintf("create a forward rule for each of %s with the endpoint and targets of %s, associated with %s (a rule beats the autodefined rule of the same domain)",
			list(names), r.ID, c.ID)
	}
	l.add(ReverseRuleShadowed, Finding{
		Title:     fmt.Sprintf("rule %s (%s) never sees PTR queries from %s for %s", r.ID, r.Domain, c.ID, list(prefixes)),
		Resources: l.resources(ids...),
		Evidence:  lines,
		Impact: fmt.Sprintf("PTR queries from %s for addresses in %s never reach rule %s: %s's resolver answers them itself from more specific autodefined reverse zones, which the console never shows",
			c.ID, list(prefixes), r.ID, c.ID),
		Fix: fmt.Sprintf("If %s's servers should answer them, either %s, or set autodefined_reverse: disable on %s (then every reverse zone of %s goes to %s, and its ip-... names stop answering).",
			r.ID, ruleFix, c.ID, c.ID, r.ID),
	})
}

// zoneHidden finds L006: private hosted zones that a forward rule of the
// same VPC hides entirely (same domain) or in part (a domain inside it).
// Each rule's domain and its parents are looked up among the zones' names,
// so the work grows with the rules, not rules times zones.
func (l *linter) zoneHidden() {
	byName := map[dnsname.Name][]*config.HostedZone{}
	for _, hz := range l.n.HostedZones {
		byName[hz.Name] = append(byName[hz.Name], hz)
	}
	for _, r := range l.n.Rules {
		if r.Type != config.RuleForward {
			continue
		}
		for d, more := r.Domain, true; more; d, more = d.Parent() {
			for _, hz := range byName[d] {
				l.zoneHiddenBy(hz, r)
			}
		}
	}
}

func (l *linter) zoneHiddenBy(hz *config.HostedZone, r *config.Rule) {
	var vpcs []string
	for _, c := range hz.VPCs {
		if !c.DNSSupport || !c.DNSHostnames || !associated(r.VPCs, c) {
			continue // L008 or no overlap
		}
		d := l.v.VPC(c.ID).Decide(r.Domain)
		if d.Winner != nil && d.Winner.Source == view.SourceForwardRule && d.Winner.ID == r.ID {
			vpcs = append(vpcs, c.ID)
		}
	}
	if len(vpcs) > 0 {
		l.hidden(hz, r, vpcs)
	}
}

func (l *linter) hidden(hz *config.HostedZone, r *config.Rule, vpcs []string) {
	var names []string
	for _, rr := range hz.Records {
		name := dnsname.FromWire(rr.Header().Name)
		if name.IsSubdomainOf(r.Domain) {
			names = append(names, name.String())
		}
	}
	names = uniq(names)
	ids := append([]string{r.ID, hz.ID}, vpcs...)
	f := Finding{Resources: l.resources(ids...)}
	if r.Domain == hz.Name {
		f.Title = fmt.Sprintf("private hosted zone %s (%s) is hidden in %s by rule %s for the same domain", hz.ID, hz.Name, list(vpcs), r.ID)
		f.Evidence = []string{fmt.Sprintf("rule %s forwards %s and is associated with %s; a rule beats a private hosted zone of the same domain", r.ID, r.Domain, list(vpcs))}
		f.Impact = fmt.Sprintf("every query for %s from %s goes to the targets of %s; the zone's %d %s never answer there",
			hz.Name, list(vpcs), r.ID, len(names), plural(len(names), "name"))
		f.Fix = fmt.Sprintf("If the zone should answer, disassociate %s from %s; if %s's servers should, disassociate the zone from %s.", r.ID, list(vpcs), r.ID, list(vpcs))
	} else {
		f.Title = fmt.Sprintf("rule %s (%s) hides the names of private hosted zone %s (%s) below %s in %s", r.ID, r.Domain, hz.ID, hz.Name, r.Domain, list(vpcs))
		f.Evidence = []string{fmt.Sprintf("rule %s forwards %s, inside zone %s, and is associated with %s; the more specific domain wins", r.ID, r.Domain, hz.Name, list(vpcs))}
		if len(names) > 0 {
			f.Evidence = append(f.Evidence, "records of the zone that never answer there: "+strings.Join(names, ", "))
		}
		f.Impact = fmt.Sprintf("queries from %s for %s and every name below it go to the targets of %s, never to the zone", list(vpcs), r.Domain, r.ID)
		f.Fix = fmt.Sprintf("If the zone should answer them, disassociate %s from %s; otherwise move the records below %s to the servers %s forwards to.", r.ID, list(vpcs), r.Domain, r.ID)
	}
	l.add(ZoneHiddenByRule, f)
}

func associated(vpcs []*config.VPC, c *config.VPC) bool {
	for _, v := range vpcs {
		if v == c {
			return true
		}
	}
	return false
}
