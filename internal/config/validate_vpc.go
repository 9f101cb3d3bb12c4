package config

import (
	"maps"
	"net/netip"
	"strings"
)

func (b *builder) vpcs() {
	for i, vf := range b.f.VPCs {
		at := index("vpcs", i)
		v := b.n.VPCs[i]
		cidrs, cidrsOK := b.cidrBlocks(field(at, "cidr_blocks"), vf.CIDRBlocks)
		v.CIDRs = cidrs
		if cidrsOK && len(cidrs) > 0 && !cidrs[0].Addr().Is4() {
			b.c.add(index(field(at, "cidr_blocks"), 0), vf.CIDRBlocks[0], "must be IPv4: the first block is the primary, which holds the resolver address")
		}
		v.Region = b.n.Region
		if vf.Region != "" {
			if !validRegion(vf.Region) {
				b.c.add(field(at, "region"), vf.Region, "is not an AWS region name (e.g. us-east-1)")
			}
			v.Region = vf.Region
		}
		v.DNSSupport = deref(vf.EnableDNSSupport, true)
		v.DNSHostnames = deref(vf.EnableDNSHostnames, false)
		rev, _ := b.enum(field(at, "autodefined_reverse"), vf.AutodefinedReverse, "enable", "enable", "disable")
		v.AutodefinedReverse = rev == "enable"
		ptr, _ := b.enum(field(at, "ptr_records"), vf.PTRRecords, "all", "all", "assigned")
		v.PTRAssignedOnly = ptr == "assigned"
		v.ResolverListen = b.listen(field(at, "resolver_listen"), vf.ResolverListen, "vpc "+v.ID, true)
		if vf.MainRouteTable != "" {
			p := field(at, "main_route_table")
			if rt, ok := ref[*RouteTable](b, p, vf.MainRouteTable, "route table"); ok {
				v.MainRouteTable = rt
				b.sameVPC(p, vf.MainRouteTable, v, func() *VPC { return rt.VPC })
			}
		}
		b.subnets(at, vf, v, cidrsOK)
		b.instances(at, vf, v, cidrsOK)
		if vf.Tags != nil {
			v.Tags = maps.Clone(vf.Tags)
		}
	}
}

// cidrBlocks parses a required list of CIDR blocks that must not overlap
// each other. ok is false when any block is invalid (checks that need the
// whole list are then skipped).
func (b *builder) cidrBlocks(at string, list []string) ([]netip.Prefix, bool) {
	if len(list) == 0 {
		b.c.add(at, "", "is required (one CIDR block or more)")
		return nil, false
	}
	var out []netip.Prefix
	ok := true
	for i, s := range list {
		p, good := b.cidr(index(at, i), s)
		if !good {
			ok = false
			continue
		}
		for j, q := range out {
			if p.Overlaps(q) {
				b.c.add(index(at, i), s, "overlaps "+index(at, j)+" ("+q.String()+")")
				good = false
				break
			}
		}
		if good {
			out = append(out, p)
		}
	}
	return out, ok
}

// sameVPC checks, once every section is built, that the object a field
// names belongs to vpc.
func (b *builder) sameVPC(at, id string, vpc *VPC, owner func() *VPC) {
	b.later = append(b.later, func() {
		if o := owner(); o != nil && o != vpc {
			b.c.add(at, id, "belongs to vpc "+o.ID+", not to "+vpc.ID)
		}
	})
}

func (b *builder) subnets(at string, vf VPCFile, v *VPC, cidrsOK bool) {
	for j, sf := range vf.Subnets {
		sat := index(field(at, "subnets"), j)
		s := v.Subnets[j]
		if p, ok := b.cidr(field(sat, "cidr_block"), sf.CIDRBlock); ok {
			s.CIDR = p
			b.subnetPlace(field(sat, "cidr_block"), sf.CIDRBlock, v, j, cidrsOK)
		}
		s.AvailabilityZone = sf.AvailabilityZone
		if az := sf.AvailabilityZone; az != "" && validRegion(v.Region) && (!strings.HasPrefix(az, v.Region) || len(az) == len(v.Region)) {
			b.c.add(field(sat, "availability_zone"), az, "is not an availability zone of the vpc's region "+v.Region)
		}
		s.RouteTable = v.MainRouteTable
		if sf.RouteTable != "" {
			p := field(sat, "route_table")
			s.RouteTable = nil
			if rt, ok := ref[*RouteTable](b, p, sf.RouteTable, "route table"); ok {
				s.RouteTable = rt
				b.sameVPC(p, sf.RouteTable, v, func() *VPC { return rt.VPC })
			}
		}
		if sf.NetworkACL != "" {
			p := field(sat, "network_acl")
			if acl, ok := ref[*NetworkACL](b, p, sf.NetworkACL, "network acl"); ok {
				s.NetworkACL = acl
				b.sameVPC(p, sf.NetworkACL, v, func() *VPC { return acl.VPC })
			}
		}
	}
}

// subnetPlace checks that subnet j of v lies inside the VPC's blocks and
// overlaps no earlier subnet.
func (b *builder) subnetPlace(at, text string, v *VPC, j int, cidrsOK bool) {
	s := v.Subnets[j]
	if cidrsOK {
		inside := false
		for _, c := range v.CIDRs {
			inside = inside || contains(c, s.CIDR)
		}
		if !inside {
			b.c.add(at, text, "is outside the vpc's cidr_blocks ("+prefixList(v.CIDRs)+")")
			return
		}
	}
	for _, o := range v.Subnets[:j] {
		if o.CIDR.IsValid() && o.CIDR.Overlaps(s.CIDR) {
			b.c.add(at, text, "overlaps subnet "+o.ID+" ("+o.CIDR.String()+")")
			return
		}
	}
}

func (b *builder) instances(at string, vf VPCFile, v *VPC, cidrsOK bool) {
	for j, inf := range vf.Instances {
		iat := index(field(at, "instances"), j)
		in := v.Instances[j]
		if len(inf.PrivateIPs) == 0 {
			b.c.add(field(iat, "private_ips"), "", "is required (one address or more; the first is the primary)")
		}
		for k, s := range inf.PrivateIPs {
			p := index(field(iat, "private_ips"), k)
			a, ok := b.ipv4(p, s)
			if !ok {
				continue
			}
			if cidrsOK && !inAny(v.CIDRs, a) {
				b.c.add(p, s, "is outside the vpc's cidr_blocks ("+prefixList(v.CIDRs)+")")
				continue
			}
			if sub := subnetOf(v, a); sub != nil && reservedInSubnet(sub.CIDR, a) {
				b.c.add(p, s, "is reserved by AWS in subnet "+sub.ID+" ("+sub.CIDR.String()+"): the first four and the last address")
				continue
			}
			b.claimAddr(p, v, a, "instance "+in.ID)
			in.PrivateIPs = append(in.PrivateIPs, a)
		}
	}
}

// subnetOf returns the subnet of v that holds a, or nil.
func subnetOf(v *VPC, a netip.Addr) *Subnet {
	for _, s := range v.Subnets {
		if s.CIDR.IsValid() && s.CIDR.Contains(a) {
			return s
		}
	}
	return nil
}
