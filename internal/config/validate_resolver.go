package config

import (
	"net/netip"
	"path/filepath"
	"strings"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

func (b *builder) endpoints() {
	for i, ef := range b.f.Endpoints {
		at := index("resolver_endpoints", i)
		e := b.n.Endpoints[i]
		e.Name = ef.Name
		dir, dirOK := b.enum(field(at, "direction"), ef.Direction, "", "outbound", "inbound")
		e.Outbound = dir == "outbound"
		if !dirOK {
			b.unsure[e] = true
		}
		vpc, vpcOK := ref[*VPC](b, field(at, "vpc"), ef.VPC, "vpc")
		e.VPC = vpc
		for j, id := range ef.SecurityGroups {
			p := index(field(at, "security_groups"), j)
			if sg, ok := ref[*SecurityGroup](b, p, id, "security group"); ok {
				if vpcOK && sg.VPC != nil && sg.VPC != vpc {
					b.c.add(p, id, "belongs to vpc "+sg.VPC.ID+", not to the endpoint's vpc "+vpc.ID)
					continue
				}
				e.SecurityGroups = append(e.SecurityGroups, sg)
			}
		}
		b.endpointAddrs(at, ef, e, vpcOK)
		lat := field(at, "listen")
		switch {
		case dirOK && e.Outbound && len(ef.Listen) > 0:
			b.c.add(lat, "", "is only for inbound endpoints: an outbound endpoint sends, it does not serve")
		case dirOK && !e.Outbound:
			e.Listen = b.listen(lat, ef.Listen, "inbound endpoint "+e.ID, false)
		}
	}
}

// endpointAddrs checks the ENIs of an endpoint: two or more, each in a
// subnet of the endpoint's VPC and inside that subnet.
func (b *builder) endpointAddrs(at string, ef EndpointFile, e *Endpoint, vpcOK bool) {
	aat := field(at, "ip_addresses")
	if n := len(ef.IPAddresses); n < 2 {
		b.c.add(aat, "", sprintf("has %d address(es): an endpoint needs two or more (one per availability zone is the point)", n))
	}
	for j, af := range ef.IPAddresses {
		p := index(aat, j)
		sub, subOK := ref[*Subnet](b, field(p, "subnet"), af.Subnet, "subnet")
		if subOK && vpcOK && sub.VPC != e.VPC {
			b.c.add(field(p, "subnet"), af.Subnet, "is a subnet of vpc "+sub.VPC.ID+", not of the endpoint's vpc "+e.VPC.ID)
			subOK = false
		}
		ip, ipOK := b.ipv4(field(p, "ip"), af.IP)
		if !ipOK || !subOK {
			continue
		}
		if !sub.CIDR.IsValid() { // the subnet's own block is wrong, and reported
			continue
		}
		if !sub.CIDR.Contains(ip) {
			b.c.add(field(p, "ip"), af.IP, "is outside its subnet "+sub.ID+" ("+sub.CIDR.String()+")")
			continue
		}
		if reservedInSubnet(sub.CIDR, ip) {
			b.c.add(field(p, "ip"), af.IP, "is reserved by AWS in subnet "+sub.ID+" ("+sub.CIDR.String()+"): the first four and the last address")
			continue
		}
		b.claimAddr(field(p, "ip"), sub.VPC, ip, "resolver endpoint "+e.ID)
		e.Addresses = append(e.Addresses, EndpointAddr{Subnet: sub, IP: ip})
	}
}

func (b *builder) rules() {
	// byVPC: for each VPC, the domains of the rules associated with it.
	type assoc struct {
		vpc    *VPC
		domain dnsname.Name
	}
	byVPC := make(map[assoc]string)
	for i, rf := range b.f.Rules {
		at := index("resolver_rules", i)
		r := b.n.Rules[i]
		r.Name = rf.Name
		typ, typeOK := b.enum(field(at, "rule_type"), rf.RuleType, "", "forward", "system")
		if typ == "system" {
			r.Type = RuleSystem
		}
		domain, domainOK := b.domain(field(at, "domain_name"), rf.DomainName)
		r.Domain = domain
		targets := b.targets(field(at, "target_ips"), rf.TargetIPs)
		if typeOK {
			if r.Type == RuleForward {
				b.forwardRule(at, rf, r)
				r.Targets = targets
			} else {
				b.systemRule(at, rf)
			}
		}
		vat := field(at, "vpcs")
		for j, id := range rf.VPCs {
			p := index(vat, j)
			v, ok := ref[*VPC](b, p, id, "vpc")
			if !ok {
				continue
			}
			if r.Endpoint != nil && r.Endpoint.VPC != nil && v.Region != r.Endpoint.VPC.Region {
				b.c.add(p, id, "is in region "+v.Region+", the rule's endpoint in "+r.Endpoint.VPC.Region+": a rule is associated with vpcs of its own region")
				continue
			}
			if domainOK {
				k := assoc{v, domain}
				if prev, dup := byVPC[k]; dup {
					if prev == r.ID {
						b.c.add(p, id, "is listed twice")
					} else {
						b.c.add(p, id, "already has rule "+prev+" for "+domain.String()+": two rules with the same domain cannot be associated with one vpc")
					}
					continue
				}
				byVPC[k] = r.ID
			}
			r.VPCs = append(r.VPCs, v)
		}
	}
}

func (b *builder) forwardRule(at string, rf RuleFile, r *Rule) {
	eat := field(at, "resolver_endpoint")
	if rf.ResolverEndpoint == "" {
		b.c.add(eat, "", "is required: a forward rule sends its queries through an outbound endpoint")
	} else if e, ok := ref[*Endpoint](b, eat, rf.ResolverEndpoint, "resolver endpoint"); ok {
		if !e.Outbound && !b.unsure[e] {
			b.c.add(eat, rf.ResolverEndpoint, "is an inbound endpoint: a forward rule needs an outbound one")
		} else {
			r.Endpoint = e
		}
	}
	if len(rf.TargetIPs) == 0 {
		b.c.add(field(at, "target_ips"), "", "is required: a forward rule needs one target or more")
	}
}

// targets parses the target_ips of a rule (whatever its type: the system
// rule check reports their presence, not their form).
func (b *builder) targets(at string, list []TargetIPFile) []netip.AddrPort {
	var out []netip.AddrPort
	seen := make(map[netip.AddrPort]int)
	for j, tf := range list {
		p := index(at, j)
		ip, ipOK := b.addr(field(p, "ip"), tf.IP)
		port, portOK := b.port(field(p, "port"), tf.Port, DefaultTargetPort)
		if !ipOK || !portOK {
			continue
		}
		ap := netip.AddrPortFrom(ip, port)
		if k, dup := seen[ap]; dup {
			b.c.add(p, ap.String(), "is already "+index(at, k))
			continue
		}
		seen[ap] = j
		out = append(out, ap)
	}
	return out
}

func (b *builder) systemRule(at string, rf RuleFile) {
	if len(rf.TargetIPs) > 0 {
		b.c.add(field(at, "target_ips"), "", "is only for forward rules: a system rule resolves here and has no targets")
	}
	if rf.ResolverEndpoint != "" {
		b.c.add(field(at, "resolver_endpoint"), rf.ResolverEndpoint, "is only for forward rules: a system rule has no endpoint")
	}
}

func (b *builder) internet() {
	if b.f.Internet == nil {
		return
	}
	for i, s := range b.f.Internet.Forwarders {
		at := index("internet.forwarders", i)
		if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
			b.n.InternetForwarders = append(b.n.InternetForwarders, netip.AddrPortFrom(a, DefaultTargetPort))
			continue
		}
		ap, reason := parseAddrPort(s)
		if reason != "" {
			b.c.add(at, s, "is not an address: want ip or ip:port (port 1–65535, default 53)")
			continue
		}
		b.n.InternetForwarders = append(b.n.InternetForwarders, ap)
	}
}

func (b *builder) queryLogs() {
	for i, qf := range b.f.QueryLogging {
		at := index("query_logging", i)
		q := b.n.QueryLogs[i]
		q.LogCacheHits = qf.LogCacheHits
		dat := field(at, "destination")
		switch path, isFile := strings.CutPrefix(qf.Destination, "file:"); {
		case qf.Destination == "stdout":
			q.Destination = "stdout"
		case qf.Destination == "":
			b.c.add(dat, "", "is required (stdout or file:PATH)")
		case isFile && path != "":
			q.Destination = b.absPath(path)
		default:
			b.c.add(dat, qf.Destination, "must be stdout or file:PATH")
		}
		if len(qf.VPCs) == 0 {
			b.c.add(field(at, "vpcs"), "", "is required (the vpcs whose queries are logged)")
		}
		q.VPCs = refList[*VPC](b, field(at, "vpcs"), qf.VPCs, "vpc")
	}
}

// absPath makes a path of the file absolute, relative to baseDir.
func (b *builder) absPath(p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(b.baseDir, p)
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}
