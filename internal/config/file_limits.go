package config

import (
	"net/netip"
	"regexp"
	"slices"
	"strconv"
)

// The AWS limits vpcdns emulates by default (docs/limits.md says where AWS
// documents each one).
const (
	// DefaultENIPacketsPerSecond: "Each network interface in an Amazon VPC
	// has a hard limit of 1024 packets that it can send to the
	// Amazon-provided DNS server every second" (AWS whitepaper Hybrid Cloud
	// DNS Options for Amazon VPC, Constraints; AWS Knowledge Center, VPC
	// DNS throttling).
	DefaultENIPacketsPerSecond = 1024
	// DefaultEndpointIPQueriesPerSecond: Resolver endpoints "have a limit
	// of approximately 10,000 queries per second (QPS) per elastic network
	// interface" (the same whitepaper, Constraints).
	DefaultEndpointIPQueriesPerSecond = 10000
	// DefaultEndpointIPTrackedQueriesPerSecond: "can be as low as 1500"
	// when security-group connection tracking applies (Route 53 developer
	// guide, Resolver endpoint scaling).
	DefaultEndpointIPTrackedQueriesPerSecond = 1500
	// maxLimit bounds a configured limit (the token buckets hold up to 2^24-1).
	maxLimit = 10_000_000
)

// LimitsFile is emulation.limits: the rate limits AWS applies to DNS
// traffic, each with AWS's figure by default; 0 turns one off.
type LimitsFile struct {
	ENIPacketsPerSecond               *int `yaml:"eni_packets_per_second,omitempty" json:"eni_packets_per_second,omitempty"`
	EndpointIPQueriesPerSecond        *int `yaml:"endpoint_ip_queries_per_second,omitempty" json:"endpoint_ip_queries_per_second,omitempty"`
	EndpointIPTrackedQueriesPerSecond *int `yaml:"endpoint_ip_tracked_queries_per_second,omitempty" json:"endpoint_ip_tracked_queries_per_second,omitempty"`
}

// Limits are the rate limits in force; 0 means the limit is off.
type Limits struct {
	// ENIPacketsPerSecond bounds the packets one ENI sends to the VPC
	// resolver per second; it applies to sources in Emulation.SourceMap.
	ENIPacketsPerSecond int `json:"eni_packets_per_second"`
	// EndpointIPQueriesPerSecond bounds the queries per second through one
	// address of a Resolver endpoint whose connections are untracked;
	// EndpointIPTrackedQueriesPerSecond one whose connections are tracked
	// (EndpointTracked).
	EndpointIPQueriesPerSecond        int `json:"endpoint_ip_queries_per_second"`
	EndpointIPTrackedQueriesPerSecond int `json:"endpoint_ip_tracked_queries_per_second"`
}

// EndpointIPLimit is the queries per second one address of e carries.
func (l Limits) EndpointIPLimit(n *Network, e *Endpoint) int {
	if EndpointTracked(n, e) {
		return l.EndpointIPTrackedQueriesPerSecond
	}
	return l.EndpointIPQueriesPerSecond
}

// eniID is the form of an ENI id.
var eniID = regexp.MustCompile(`^eni-[0-9a-f]{8}([0-9a-f]{9})?$`)

// limits reads emulation.source_map, emulation.limits and the expected_qps
// of instances and endpoints.
func (b *builder) limits() {
	em := &b.n.Emulation
	em.Limits = Limits{
		ENIPacketsPerSecond:               DefaultENIPacketsPerSecond,
		EndpointIPQueriesPerSecond:        DefaultEndpointIPQueriesPerSecond,
		EndpointIPTrackedQueriesPerSecond: DefaultEndpointIPTrackedQueriesPerSecond,
	}
	for i, vf := range b.f.VPCs {
		for j, inf := range vf.Instances {
			at := field(index(field(index("vpcs", i), "instances"), j), "expected_qps")
			b.n.VPCs[i].Instances[j].ExpectedQPS = b.rate(at, inf.ExpectedQPS, 0, false)
		}
	}
	for i, ef := range b.f.Endpoints {
		b.n.Endpoints[i].ExpectedQPS = b.rate(field(index("resolver_endpoints", i), "expected_qps"), ef.ExpectedQPS, 0, false)
	}
	ef := b.f.Emulation
	if ef == nil {
		return
	}
	if lf := ef.Limits; lf != nil {
		em.Limits.ENIPacketsPerSecond = b.rate("emulation.limits.eni_packets_per_second", lf.ENIPacketsPerSecond, DefaultENIPacketsPerSecond, true)
		em.Limits.EndpointIPQueriesPerSecond = b.rate("emulation.limits.endpoint_ip_queries_per_second", lf.EndpointIPQueriesPerSecond, DefaultEndpointIPQueriesPerSecond, true)
		em.Limits.EndpointIPTrackedQueriesPerSecond = b.rate("emulation.limits.endpoint_ip_tracked_queries_per_second", lf.EndpointIPTrackedQueriesPerSecond, DefaultEndpointIPTrackedQueriesPerSecond, true)
	}
	b.sourceMap(ef.SourceMap)
}

// rate checks an optional per-second figure: not negative, not above
// maxLimit. off says whether 0 is allowed (turns a limit off); an expected
// rate must be positive when stated.
func (b *builder) rate(at string, p *int, def int, off bool) int {
	if p == nil {
		return def
	}
	v := *p
	switch {
	case v < 0:
		b.c.add(at, strconv.Itoa(v), "must not be negative")
	case v == 0 && !off:
		b.c.add(at, "0", "must be positive (leave it out when unknown)")
	case v > maxLimit:
		b.c.add(at, strconv.Itoa(v), "is above "+strconv.Itoa(maxLimit)+" per second")
	default:
		return v
	}
	return def
}

// sourceMap parses emulation.source_map: local source address → the ENI
// it stands for, an eni- id or the id of a declared instance (its primary
// ENI).
func (b *builder) sourceMap(m map[string]string) {
	if len(m) == 0 {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b.n.Emulation.SourceMap = make(map[netip.Addr]string, len(m))
	for _, k := range keys {
		at := mapKey("emulation.source_map", k)
		a, err := netip.ParseAddr(k)
		if err != nil || a.Zone() != "" {
			b.c.add(at, "", "the key is not an IP address (the local source address of queries, e.g. 127.0.0.11)")
			continue
		}
		a = a.Unmap()
		v := m[k]
		switch {
		case v == "":
			b.c.add(at, "", "is required: an ENI id (eni-…) or the id of a declared instance (its primary ENI)")
			continue
		case eniID.MatchString(v):
		default:
			r, ok := b.ids[v]
			if !ok {
				b.c.add(at, v, "is neither an ENI id (eni- and 8 or 17 hex digits) nor a declared instance")
				continue
			}
			if _, isInstance := r.obj.(*Instance); !isInstance {
				b.c.add(at, v, "is a "+kindOf(r.obj)+", not an instance or an ENI")
				continue
			}
		}
		if _, dup := b.n.Emulation.SourceMap[a]; dup {
			b.c.add(at, k, "is mapped twice (written another way)")
			continue
		}
		b.n.Emulation.SourceMap[a] = v
	}
}

// EndpointTracked reports whether the connections of e's DNS traffic are
// tracked by its security groups. AWS does not track a UDP or TCP flow
// when a rule allows it for all addresses (0.0.0.0/0) and a rule in the
// other direction allows all response traffic (0.0.0.0/0, ports
// 0-65535); every other flow is tracked (EC2 user guide, Security group
// connection tracking, Untracked connections). The DNS flow is UDP: to port
// 53 for an inbound endpoint; to every target port of the rules through
// it for an outbound endpoint. An endpoint without security groups allows
// nothing and is reported tracked.
func EndpointTracked(n *Network, e *Endpoint) bool {
	var ingress, egress []SGRule
	for _, sg := range e.SecurityGroups {
		ingress = append(ingress, sg.Ingress...)
		egress = append(egress, sg.Egress...)
	}
	if !e.Outbound {
		return !(allowsAll(ingress, PortRange{53, 53}) && allowsAll(egress, AllPorts))
	}
	if !allowsAll(ingress, AllPorts) {
		return true
	}
	ports := map[uint16]bool{}
	for _, r := range n.Rules {
		if r.Endpoint != e {
			continue
		}
		for _, t := range r.Targets {
			ports[t.Port()] = true
		}
	}
	if len(ports) == 0 {
		ports[53] = true
	}
	for p := range ports {
		if !allowsAll(egress, PortRange{p, p}) {
			return true
		}
	}
	return false
}

// allowsAll reports whether some rule allows UDP on every port of want
// from or to 0.0.0.0/0.
func allowsAll(rules []SGRule, want PortRange) bool {
	for _, r := range rules {
		if r.Protocol.Matches(ProtoUDP) && r.CIDR.Addr().Is4() && r.CIDR.Bits() == 0 &&
			r.Ports.From <= want.From && want.To <= r.Ports.To {
			return true
		}
	}
	return false
}
