package lint

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/autodef"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/view"
)

// dnsSettings finds L007 (rules on a VPC with DNS support off) and L008
// (private hosted zones on a VPC with DNS hostnames or support off).
func (l *linter) dnsSettings() {
	byVPC := map[*config.VPC][]*config.Rule{}
	for _, r := range l.n.Rules {
		for _, c := range r.AllVPCs() {
			if !c.DNSSupport {
				byVPC[c] = append(byVPC[c], r)
			}
		}
	}
	for _, c := range l.n.VPCs {
		var rules, lines []string
		for _, r := range byVPC[c] {
			rules = append(rules, r.ID)
			lines = append(lines, fmt.Sprintf("rule %s (%s %s) is associated with %s", r.ID, r.Type, r.Domain, c.ID))
		}
		if len(rules) == 0 {
			continue
		}
		l.add(RuleOnVPCWithoutDNS, Finding{
			Title:     fmt.Sprintf("%s has DNS support off, yet %s %s associated with it", c.ID, list(prefixed("rule ", rules)), isAre(len(rules))),
			Resources: l.resources(append([]string{c.ID}, rules...)...),
			Evidence:  append([]string{fmt.Sprintf("%s: enable_dns_support: false", c.ID)}, lines...),
			Impact:    fmt.Sprintf("the resolver of %s (%s) answers nothing: every query from %s times out, and %s never %s", c.ID, c.ResolverAddr(), c.ID, list(prefixed("rule ", rules)), applyVerb(len(rules))),
			Fix:       fmt.Sprintf("Set enable_dns_support: true on %s, or disassociate %s if %s uses DNS servers of its own.", c.ID, list(prefixed("rule ", rules)), c.ID),
		})
	}
	for _, hz := range l.n.HostedZones {
		for _, c := range hz.VPCs {
			if c.DNSSupport && c.DNSHostnames {
				continue
			}
			var off []string
			if !c.DNSSupport {
				off = append(off, "enable_dns_support: false")
			}
			if !c.DNSHostnames {
				off = append(off, "enable_dns_hostnames: false")
			}
			what := "DNS hostnames"
			if !c.DNSSupport && c.DNSHostnames {
				what = "DNS support"
			} else if !c.DNSSupport {
				what = "DNS support and DNS hostnames"
			}
			impact := fmt.Sprintf("%s's resolver answers nothing at all: every query from it times out", c.ID)
			if c.DNSSupport {
				impact = fmt.Sprintf("%s's resolver does not answer from %s: queries for %s from %s go to %s instead", c.ID, hz.ID, hz.Name, c.ID, l.describe(l.v.VPC(c.ID).Decide(hz.Name)))
			}
			fix := fmt.Sprintf("Set enable_dns_hostnames: true on %s.", c.ID)
			if !c.DNSSupport {
				fix = fmt.Sprintf("Set enable_dns_support: true and enable_dns_hostnames: true on %s.", c.ID)
			}
			l.add(ZoneOnVPCWithoutNames, Finding{
				Title:     fmt.Sprintf("private hosted zone %s (%s) is associated with %s, which has %s off", hz.ID, hz.Name, c.ID, what),
				Resources: l.resources(c.ID, hz.ID),
				Evidence:  []string{fmt.Sprintf("%s: %s; a private hosted zone answers only in VPCs with DNS support and DNS hostnames on", c.ID, list(off))},
				Impact:    impact,
				Fix:       fix,
			})
		}
	}
}

// describe names the candidate a decision picked: "the internet rule
// (SERVFAIL: no internet forwarders)", "rule rr-x (example.com.)".
func (l *linter) describe(d view.Decision) string {
	w := d.Winner
	switch {
	case w == nil:
		return "nothing (no answer)"
	case w.PublicZone():
		return fmt.Sprintf("public hosted zone %s (%s), on the internet path", w.ID, w.Domain)
	case w.Source == view.SourceInternet:
		if len(l.n.InternetForwarders) == 0 {
			return "the internet rule (SERVFAIL: no internet forwarders configured)"
		}
		return "the internet rule (public DNS)"
	case w.Source == view.SourceForwardRule:
		return fmt.Sprintf("forward rule %s (%s)", w.ID, w.Domain)
	case w.Source == view.SourcePrivateZone:
		return fmt.Sprintf("private hosted zone %s (%s)", w.ID, w.Domain)
	case w.Source == view.SourceVPCEndpoint:
		return fmt.Sprintf("the private DNS of VPC endpoint %s (%s)", w.ID, w.Domain)
	}
	return fmt.Sprintf("the %s zone %s", strings.ReplaceAll(w.Source.String(), "-", " "), w.Domain)
}

// quoteRoot writes the root as "." in quotes, so that a sentence can end
// with it.
func quoteRoot(n dnsname.Name) string {
	if n.IsRoot() {
		return `"." (every name).`
	}
	return n.String()
}

func prefixed(p string, xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = p + x
	}
	return out
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func applyVerb(n int) string {
	if n == 1 {
		return "applies"
	}
	return "apply"
}

// peeringDNS finds L013. Names of a peer are expected to resolve from a VPC
// when the VPC routes traffic to the peer over the peering (some route
// table of the VPC has a route whose target is the peering): its hosts talk
// to the peer's addresses, so they look them up. With
// allow_dns_resolution off (and no transit gateway joining them for DNS),
// the VPC's resolver has no autodefined reverse zone for the peer's CIDRs,
// so a PTR query for a peer address falls to whatever else matches: the
// RFC 1918 autodefined zone (NXDOMAIN) or the internet rule. Only a CIDR
// for which no forward rule or private hosted zone of the VPC answers
// instead is reported. A VPC with DNS hostnames off has no autodefined
// zones at all and is not reported.
func (l *linter) peeringDNS() {
	for _, p := range l.n.Peerings {
		if !p.CarriesTraffic() {
			continue
		}
		for _, dir := range [][2]*config.VPC{{p.Requester, p.Accepter}, {p.Accepter, p.Requester}} {
			from, peer := dir[0], dir[1]
			if p.ResolvesPeerNames(from) || !from.DNSSupport || !from.DNSHostnames || !l.routesOver(from, p) || l.isConnected(from, peer) {
				continue
			}
			vv := l.v.VPC(from.ID)
			var lines, cidrs []string
			for _, cidr := range peer.CIDRs {
				if !cidr.Addr().Is4() {
					continue
				}
				probe := sample(cidr)
				qname := dnsname.ReverseAddr(probe)
				d := vv.Decide(qname)
				if d.Winner == nil {
					continue
				}
				switch d.Winner.Source {
				case view.SourceForwardRule, view.SourcePrivateZone, view.SourceVPCEndpoint:
					continue // someone answers these on purpose
				}
				cidrs = append(cidrs, cidr.String())
				what := l.describe(d)
				if d.Winner.Local() {
					what += ", which answers " + dns.RcodeToString[vv.Answer(d.Winner, qname, dns.TypePTR).Rcode]
				}
				lines = append(lines, fmt.Sprintf("PTR for %s (in %s, a CIDR of %s) from %s goes to %s, not to %s",
					probe, cidr, peer.ID, from.ID, what, autodef.IPName(probe, autodef.HostDomain(peer.Region))))
			}
			if len(cidrs) == 0 {
				continue
			}
			impact := fmt.Sprintf("hosts in %s that talk to %s over %s cannot look up the peer's names: PTR queries for %s do not return its ip-... names, and the instance names of %s do not resolve from %s",
				from.ID, peer.ID, p.ID, list(cidrs), peer.ID, from.ID)
			if peer.Region != from.Region {
				impact += fmt.Sprintf(", nor its regional names (%s)", autodef.HostDomain(peer.Region))
			}
			// The option that lets from resolve peer's names is the peer's
			// side's; with both sides alike, allow_dns_resolution says it.
			key, setting := "allow_dns_resolution", "allow_dns_resolution: false"
			if p.RequesterDNS != p.AccepterDNS {
				key = "requester_allow_dns_resolution"
				if peer == p.Accepter {
					key = "accepter_allow_dns_resolution"
				}
				setting = key + ": false (" + peer.ID + "'s side)"
			}
			fix := fmt.Sprintf("Set %s: true on %s.", key, p.ID)
			if !peer.DNSSupport {
				fix = fmt.Sprintf("Set %s: true on %s and enable_dns_support: true on %s.", key, p.ID, peer.ID)
			}
			l.add(PeeringWithoutDNS, Finding{
				Title:     fmt.Sprintf("%s routes to %s over %s, which does not allow DNS resolution", from.ID, peer.ID, p.ID),
				Resources: l.resources(p.ID, from.ID, peer.ID),
				Evidence:  append([]string{fmt.Sprintf("%s: %s; a route table of %s routes to %s over it", p.ID, setting, from.ID, peer.ID)}, lines...),
				Impact:    impact,
				Fix:       fix,
			})
		}
	}
}

// routesOver reports whether some route table of c has a route to p.
func (l *linter) routesOver(c *config.VPC, p *config.Peering) bool {
	for _, rt := range l.n.RouteTables {
		if rt.VPC != c {
			continue
		}
		for _, r := range rt.Routes {
			if r.Kind == config.TargetPeering && r.Peering == p {
				return true
			}
		}
	}
	return false
}

func (l *linter) isConnected(c, o *config.VPC) bool {
	for _, lk := range view.Connected(l.n, c) {
		if lk.VPC == o {
			return true
		}
	}
	return false
}

// sample is an address to probe a CIDR with: its fifth address, the first
// one AWS lets an instance have.
func sample(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr()
	for range 4 {
		if n := a.Next(); p.Contains(n) {
			a = n
		}
	}
	return a
}

// unassociated finds L015: rules associated with no VPC.
func (l *linter) unassociated() {
	for _, r := range l.n.Rules {
		if len(r.AllVPCs()) > 0 {
			continue
		}
		l.add(RuleNotAssociated, Finding{
			Title:     fmt.Sprintf("rule %s (%s %s) is associated with no VPC", r.ID, r.Type, r.Domain),
			Resources: l.resources(r.ID),
			Evidence:  []string{fmt.Sprintf("rule %s: vpcs: []", r.ID)},
			Impact:    fmt.Sprintf("rule %s changes no query: a rule applies only in the VPCs it is associated with", r.ID),
			Fix:       fmt.Sprintf("Associate %s with the VPCs that need it (vpcs:), or delete it.", r.ID),
		})
	}
}

// broadForward finds L016: AWS service names forwarded by a rule for . or
// com. in a VPC without a system rule for amazonaws.com.
func (l *linter) broadForward() {
	probe := dnsname.MustParse("sts.amazonaws.com.")
	for _, c := range l.n.VPCs {
		if !c.DNSSupport {
			continue
		}
		d := l.v.VPC(c.ID).Decide(probe)
		w := d.Winner
		if w == nil || w.Source != view.SourceForwardRule || w.Domain.Labels() > 1 {
			continue
		}
		l.add(BroadForward, Finding{
			Title:     fmt.Sprintf("rule %s (%s) forwards the names of AWS services from %s", w.ID, w.Domain, c.ID),
			Resources: l.resources(w.ID, c.ID),
			Evidence:  []string{fmt.Sprintf("%s has no system rule for amazonaws.com; %s is decided by forward rule %s (%s)", c.ID, probe, w.ID, w.Domain)},
			Impact:    fmt.Sprintf("queries from %s for AWS endpoints (*.amazonaws.com, e.g. interface endpoints' private names) go to the targets of %s instead of being resolved by AWS", c.ID, w.ID),
			Fix:       fmt.Sprintf("Add a system rule for amazonaws.com associated with %s, as AWS recommends next to a forward rule for %s", c.ID, quoteRoot(w.Domain)),
		})
	}
}
