package view

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/vpcdns/vpcdns/internal/autodef"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/firewall"
	"github.com/vpcdns/vpcdns/internal/netpath"
	"github.com/vpcdns/vpcdns/internal/suffix"
	"github.com/vpcdns/vpcdns/internal/zone"
)

// View is the compiled, immutable view of one network.
type View struct {
	Network  *config.Network
	vpcs     map[string]*VPC
	internet *Forward
	// forwards is every forward, internet first (see Forwards); a view
	// made by Patch lists them the first time they are asked for.
	forwards     []*Forward
	forwardsOnce sync.Once
	// Firewall is the compiled DNS Firewall of the network.
	Firewall *firewall.Engine

	// What Patch needs to change the view by a few rules: the rules by
	// id, the forward of each forward rule, the network paths evaluated
	// so far by endpoint and target, and their evaluator.
	ruleByID *layered[string, *config.Rule]
	fwdOf    *layered[*config.Rule, *Forward]
	paths    map[pathKey][]netpath.Path
	eval     *netpath.Evaluator
}

// VPC is the compiled resolver of one VPC.
type VPC struct {
	Config *config.VPC
	table  *suffix.Table[entry]
	scope  *autodef.Scope
	// Firewall is the DNS Firewall of the VPC; nil when no rule group is
	// associated with it.
	Firewall *firewall.VPC
	dhcp     *DHCP
	// public holds the network's public hosted zones (nil: none), shared
	// by every VPC.
	public *suffix.Table[*Candidate]
}

// Forward is what a forward rule (or the internet rule) sends to, with the
// modeled network path of every target precomputed: the path depends only on
// the rule's endpoint and targets, never on the querying VPC.
type Forward struct {
	ID string
	// Scope is the cache scope of the forward's answers: its id and what it
	// sends to, so that an answer is never served under other rules, even
	// after a reload changes the rule's targets.
	Scope    string
	Rule     *config.Rule     // nil for the internet rule
	Endpoint *config.Endpoint // nil for the internet rule: no endpoint, no checks
	Targets  []Target
}

// Target is one target of a forward.
type Target struct {
	Modeled netip.AddrPort // as configured; used for path checks and logs
	Dial    netip.AddrPort // where it really answers (emulation.address_map)
	Paths   []netpath.Path // every endpoint address × {udp, tcp}; nil for the internet rule
}

// Open reports whether some path to t is open for proto. A path whose
// verdict is unknown counts as open: vpcdns serve tries the target, as
// nothing modeled blocks it (explain, lint and doctor say "unknown").
func (t *Target) Open(proto config.Protocol) bool {
	if t.Paths == nil {
		return true
	}
	for i := range t.Paths {
		if t.Paths[i].Protocol == proto && t.Paths[i].Verdict != netpath.Blocked {
			return true
		}
	}
	return false
}

// Unknown reports whether no UDP path of the forward is known to be open
// and some path's verdict is unknown: the configuration alone cannot say
// whether the forward's queries are answered.
func (f *Forward) Unknown() bool {
	unknown := false
	for i := range f.Targets {
		for _, p := range f.Targets[i].Paths {
			switch {
			case p.Protocol == config.ProtoUDP && p.Verdict == netpath.OK:
				return false
			case p.Verdict == netpath.UnknownPath:
				unknown = true
			}
		}
	}
	return unknown
}

// UnknownCauses lists, without repeats, what makes paths of the forward
// unknown: "pl-x (prefix-list, not modeled: reason)" or the detail of the
// check that could not decide.
func (f *Forward) UnknownCauses() []string {
	var out []string
	seen := map[string]bool{}
	for i := range f.Targets {
		for _, p := range f.Targets[i].Paths {
			for _, c := range p.Unknowns() {
				s := c.Name + ": " + c.Detail
				if !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// AllBlocked reports whether every path of every target is blocked over UDP,
// so that the forward can only time out.
func (f *Forward) AllBlocked() bool {
	for i := range f.Targets {
		if f.Targets[i].Open(config.ProtoUDP) {
			return false
		}
	}
	return true
}

type pathKey struct {
	ep     *config.Endpoint
	target netip.AddrPort
}

// Compile builds the view of a validated network.
func Compile(n *config.Network) (*View, error) {
	v := &View{Network: n, vpcs: make(map[string]*VPC, len(n.VPCs))}
	v.internet = &Forward{ID: InternetRuleID}
	for _, ap := range n.InternetForwarders {
		v.internet.Targets = append(v.internet.Targets, Target{Modeled: ap, Dial: dial(n, ap)})
	}
	v.internet.Scope = scope(v.internet)
	v.forwards = []*Forward{v.internet}
	forwards := make(map[*config.Rule]*Forward)
	v.eval = netpath.NewEvaluator(n)
	// Rules that share an endpoint and a target share its paths: evaluated
	// once, not once per rule (100,000 rules often name a few targets).
	v.paths = map[pathKey][]netpath.Path{}
	byID := make(map[string]*config.Rule, len(n.Rules))
	for _, r := range n.Rules {
		byID[r.ID] = r
		if r.Type != config.RuleForward {
			continue
		}
		f := v.newForward(n, r, v.paths)
		forwards[r] = f
		v.forwards = append(v.forwards, f)
	}
	v.ruleByID = &layered[string, *config.Rule]{base: byID}
	v.fwdOf = &layered[*config.Rule, *Forward]{base: forwards}
	zones := make(map[*config.HostedZone]*zone.Zone, len(n.HostedZones))
	for _, hz := range n.HostedZones {
		z, err := zone.New(hz.Name, hz.Records)
		if err != nil {
			return nil, fmt.Errorf("compile hosted zone %s: %w", hz.ID, err)
		}
		zones[hz] = z
	}
	v.Firewall = firewall.Compile(n)
	epZones, err := endpointZones(n)
	if err != nil {
		return nil, err
	}
	public, err := publicZones(n)
	if err != nil {
		return nil, err
	}
	for _, c := range n.VPCs {
		vpc := compileVPC(n, c, forwards, zones, epZones, v.internet)
		vpc.Firewall = v.Firewall.VPC(c)
		vpc.public = public
		v.vpcs[c.ID] = vpc
	}
	return v, nil
}

// newForward compiles the forward of rule r, taking the paths of an
// endpoint and target from paths, or evaluating them into it.
func (v *View) newForward(n *config.Network, r *config.Rule, paths map[pathKey][]netpath.Path) *Forward {
	f := &Forward{ID: r.ID, Rule: r, Endpoint: r.Endpoint}
	for _, t := range r.Targets {
		k := pathKey{r.Endpoint, t}
		ps, ok := paths[k]
		if !ok {
			ps = v.eval.Paths(r.Endpoint, t)
			paths[k] = ps
		}
		f.Targets = append(f.Targets, Target{Modeled: t, Dial: dial(n, t), Paths: ps})
	}
	f.Scope = scope(f)
	return f
}

func dial(n *config.Network, ap netip.AddrPort) netip.AddrPort {
	if d, ok := n.Emulation.AddressMap[ap]; ok {
		return d
	}
	return ap
}

// VPC returns the compiled VPC with that id, or nil.
func (v *View) VPC(id string) *VPC { return v.vpcs[id] }

// Internet returns the built-in internet rule's forward.
func (v *View) Internet() *Forward { return v.internet }

// Link is a VPC connected to another for DNS, and through what.
type Link struct {
	VPC *config.VPC
	Via string // the id of the peering or transit gateway
}

// Connected returns the VPCs joined to c by a peering or a transit gateway
// with DNS support on at both ends (and, for peering, active and with DNS
// resolution allowed by the peer's side), behaviour.md §2: the VPCs whose
// CIDRs and regions give c autodefined zones.
func Connected(n *config.Network, c *config.VPC) []Link {
	var out []Link
	seen := map[*config.VPC]bool{c: true}
	add := func(o *config.VPC, via string) {
		if !seen[o] && c.DNSSupport && o.DNSSupport {
			seen[o] = true
			out = append(out, Link{VPC: o, Via: via})
		}
	}
	for _, p := range n.Peerings {
		// Only an active peering joins the VPCs, and c gets its peer's
		// names only when the peer's side allows DNS resolution from the
		// remote VPC (AllowDnsResolutionFromRemoteVpc).
		if p.ResolvesPeerNames(c) {
			add(p.Peer(c), p.ID)
		}
	}
	for _, t := range n.TransitGateways {
		if associated(t.VPCs, c) {
			for _, o := range t.VPCs {
				add(o, t.ID)
			}
		}
	}
	return out
}

func compileVPC(n *config.Network, c *config.VPC, forwards map[*config.Rule]*Forward, zones map[*config.HostedZone]*zone.Zone, epZones []endpointZone, internet *Forward) *VPC {
	vpc := &VPC{Config: c, table: suffix.New[entry](64), dhcp: dhcpOf(n, c)}
	add := func(cand *Candidate) {
		e, _ := vpc.table.Get(cand.Domain)
		// Keep the entry in tier order; insertion keeps file order within a tier.
		i := len(e)
		for i > 0 && e[i-1].Source.Tier() > cand.Source.Tier() {
			i--
		}
		e = append(e, nil)
		copy(e[i+1:], e[i:])
		e[i] = cand
		vpc.table.Set(cand.Domain, e)
	}

	// Tier 0: the customer rules associated with this VPC, directly or
	// through its Route 53 Profile. A rule associated directly takes
	// precedence over a profile's rule of the same domain.
	prof := c.Profile
	direct := map[dnsname.Name]bool{}
	for _, r := range n.Rules {
		if associated(r.VPCs, c) {
			direct[r.Domain] = true
			add(ruleCandidate(r, nil, forwards[r]))
		}
	}
	if prof != nil {
		for _, r := range prof.Rules {
			if !direct[r.Domain] {
				add(ruleCandidate(r, prof, forwards[r]))
			}
		}
	}
	// Tier 1: private hosted zones, when DNS support and hostnames are on.
	if c.DNSSupport && c.DNSHostnames {
		directZone := map[dnsname.Name]bool{}
		for _, hz := range n.HostedZones {
			if !associated(hz.VPCs, c) {
				continue
			}
			directZone[hz.Name] = true
			add(&Candidate{Source: SourcePrivateZone, ID: hz.ID, Domain: hz.Name, Zone: zones[hz], HZ: hz})
		}
		if prof != nil {
			for _, hz := range prof.HostedZones {
				if !directZone[hz.Name] {
					directZone[hz.Name] = true
					add(&Candidate{Source: SourcePrivateZone, ID: hz.ID, Domain: hz.Name, Zone: zones[hz], HZ: hz, Profile: prof})
				}
			}
		}
		// The hidden zones of interface endpoints with private DNS, in
		// the endpoint's own VPC (after the customer's zones of the same
		// name: vpcdns choice).
		for _, ez := range epZones {
			switch {
			case ez.ep.VPC == c:
				add(&Candidate{Source: SourceVPCEndpoint, ID: ez.ep.ID, Domain: ez.apex, Zone: ez.zone, VPCEndpoint: ez.ep})
			case prof != nil && slices.Contains(prof.VPCEndpoints, ez.ep):
				add(&Candidate{Source: SourceVPCEndpoint, ID: ez.ep.ID, Domain: ez.apex, Zone: ez.zone, VPCEndpoint: ez.ep, Profile: prof})
			}
		}
	}
	// Tier 2: autodefined rules, when DNS hostnames are on.
	var peers []*config.VPC
	for _, l := range Connected(n, c) {
		peers = append(peers, l.VPC)
	}
	vpc.scope = newScope(c, peers)
	if c.DNSHostnames {
		if c.AutodefinedReverse {
			for _, z := range reverseZones(c, peers) {
				add(&Candidate{Source: SourceAutoReverse, Domain: z})
			}
		}
		for _, z := range ec2Zones(c, peers) {
			add(&Candidate{Source: SourceAutoEC2, Domain: z})
		}
		for _, z := range autodef.LocalZones() {
			add(&Candidate{Source: SourceAutoLocal, Domain: z})
		}
	}
	// Tier 3: the internet rule.
	add(&Candidate{Source: SourceInternet, ID: InternetRuleID, Domain: dnsname.Root, Forward: internet})
	return vpc
}

// ruleCandidate is the candidate of rule r, reaching a VPC directly (via
// nil) or through a profile; f is the rule's forward.
func ruleCandidate(r *config.Rule, via *config.Profile, f *Forward) *Candidate {
	cand := &Candidate{ID: r.ID, Domain: r.Domain, Rule: r, Profile: via}
	if r.Type == config.RuleSystem {
		cand.Source = SourceSystemRule
	} else {
		cand.Source = SourceForwardRule
		cand.Forward = f
	}
	return cand
}

func associated(vpcs []*config.VPC, c *config.VPC) bool {
	for _, v := range vpcs {
		if v == c {
			return true
		}
	}
	return false
}

// reverseZones lists the autodefined reverse zones of a VPC: the RFC 1918
// ones, then those of its own and its connected VPCs' IPv4 CIDRs, without
// repeats.
func reverseZones(c *config.VPC, peers []*config.VPC) []dnsname.Name {
	seen := map[dnsname.Name]bool{}
	var out []dnsname.Name
	for _, z := range autodef.PrivateReverseZones() {
		seen[z] = true
		out = append(out, z)
	}
	for _, v := range append([]*config.VPC{c}, peers...) {
		for _, p := range v.CIDRs {
			for _, z := range autodef.ReverseZones(p) {
				if !seen[z] {
					seen[z] = true
					out = append(out, z)
				}
			}
		}
	}
	return out
}

// ec2Zones lists the EC2 internal domains of the VPC's region and of its
// connected VPCs' regions.
func ec2Zones(c *config.VPC, peers []*config.VPC) []dnsname.Name {
	seen := map[dnsname.Name]bool{}
	var out []dnsname.Name
	for _, v := range append([]*config.VPC{c}, peers...) {
		for _, z := range autodef.EC2Domains(v.Region) {
			if !seen[z] {
				seen[z] = true
				out = append(out, z)
			}
		}
	}
	return out
}

func newScope(c *config.VPC, peers []*config.VPC) *autodef.Scope {
	var owned []autodef.Owned
	assigned := map[netip.Addr]bool{}
	instances := map[dnsname.Name]netip.Addr{}
	for _, v := range append([]*config.VPC{c}, peers...) {
		domain := autodef.HostDomain(v.Region)
		for _, p := range v.CIDRs {
			if p.Addr().Is4() {
				owned = append(owned, autodef.Owned{Prefix: p, Domain: domain, AssignedOnly: v.PTRAssignedOnly})
			}
		}
		for _, in := range v.Instances {
			for _, ip := range in.PrivateIPs {
				assigned[ip] = true
			}
			if len(in.PrivateIPs) > 0 {
				instances[domain.Child(in.ID)] = in.PrivateIPs[0]
			}
		}
	}
	return autodef.NewScope(owned, assigned, instances)
}

// Forwards returns every forward of the view: the internet rule's first, then
// each forward rule's in file order.
func (v *View) Forwards() []*Forward {
	v.forwardsOnce.Do(func() {
		if v.forwards != nil {
			return
		}
		fs := make([]*Forward, 1, 1+len(v.Network.Rules))
		fs[0] = v.internet
		for _, r := range v.Network.Rules {
			if f, ok := v.fwdOf.get(r); ok {
				fs = append(fs, f)
			}
		}
		v.forwards = fs
	})
	return v.forwards
}

// scope names a forward and everything it sends to.
func scope(f *Forward) string {
	var b strings.Builder
	b.WriteString(f.ID)
	if f.Endpoint != nil {
		b.WriteString("@" + f.Endpoint.ID)
	}
	for _, t := range f.Targets {
		b.WriteString(" " + t.Modeled.String() + ">" + t.Dial.String())
	}
	return b.String()
}
