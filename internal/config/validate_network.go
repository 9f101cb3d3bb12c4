package config

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

func (b *builder) peerings() {
	type pair struct{ a, b *VPC }
	seen := make(map[pair]string)
	for i, pf := range b.f.VPCPeerings {
		at := index("vpc_peerings", i)
		p := b.n.Peerings[i]
		p.AllowDNSResolution = pf.AllowDNSResolution
		req, okReq := ref[*VPC](b, field(at, "requester_vpc"), pf.RequesterVPC, "vpc")
		acc, okAcc := ref[*VPC](b, field(at, "accepter_vpc"), pf.AccepterVPC, "vpc")
		p.Requester, p.Accepter = req, acc
		if !okReq || !okAcc {
			continue
		}
		aat := field(at, "accepter_vpc")
		if req == acc {
			b.c.add(aat, pf.AccepterVPC, "is the requester too: a vpc cannot peer with itself")
			continue
		}
		if prev, dup := seen[pair{req, acc}]; dup {
			b.c.add(aat, pf.AccepterVPC, "is already peered with "+req.ID+" by "+prev)
			continue
		}
		seen[pair{req, acc}], seen[pair{acc, req}] = p.ID, p.ID
		if x, y, clash := overlap(req.CIDRs, acc.CIDRs); clash {
			b.c.add(aat, pf.AccepterVPC, "has "+y.String()+", which overlaps "+x.String()+" of "+req.ID+": peered vpcs cannot overlap")
		}
	}
}

// overlap returns the first pair of overlapping prefixes of xs and ys.
func overlap(xs, ys []netip.Prefix) (netip.Prefix, netip.Prefix, bool) {
	for _, x := range xs {
		for _, y := range ys {
			if x.Overlaps(y) {
				return x, y, true
			}
		}
	}
	return netip.Prefix{}, netip.Prefix{}, false
}

func (b *builder) transitGateways() {
	for i, tf := range b.f.TransitGateways {
		at := index("transit_gateways", i)
		t := b.n.TransitGateways[i]
		t.VPCs = refList[*VPC](b, field(at, "vpc_attachments"), tf.VPCAttachments, "vpc")
		t.RemoteNetworks = refList[*RemoteNetwork](b, field(at, "remote_networks"), tf.RemoteNetworks, "remote network")
	}
}

func (b *builder) remoteNetworks() {
	for i, rf := range b.f.RemoteNetworks {
		at := index("remote_networks", i)
		r := b.n.RemoteNetworks[i]
		r.Type, _ = b.enum(field(at, "type"), rf.Type, "vpn", "vpn", "direct_connect")
		r.CIDRs, _ = b.cidrBlocks(field(at, "cidr_blocks"), rf.CIDRBlocks)
		state, _ := b.enum(field(at, "state"), rf.State, "up", "up", "down")
		r.Up = state == "up"
	}
}

func (b *builder) securityGroups() {
	for i, sf := range b.f.SecurityGroups {
		at := index("security_groups", i)
		g := b.n.SecurityGroups[i]
		g.VPC, _ = ref[*VPC](b, field(at, "vpc"), sf.VPC, "vpc")
		g.OwnerAccount = b.owner(field(at, "owner_account"), sf.OwnerAccount)
		g.Egress = b.sgRules(field(at, "egress"), sf.Egress)
		g.Ingress = b.sgRules(field(at, "ingress"), sf.Ingress)
	}
}

func (b *builder) sgRules(at string, list []SGRuleFile) []SGRule {
	var out []SGRule
	for i, rf := range list {
		rat := index(at, i)
		proto, okProto := b.protocol(field(rat, "protocol"), rf.Protocol)
		ports, okPorts := b.portRange(rat, proto, okProto, rf.FromPort, rf.ToPort)
		rules, okDest := b.sgRule(rat, rf, proto, ports)
		if okProto && okPorts && okDest {
			out = append(out, rules...)
		}
	}
	return out
}

// protocol parses udp, tcp or all.
func (b *builder) protocol(at, s string) (Protocol, bool) {
	p, ok := b.enum(at, s, "", "udp", "tcp", "all")
	switch p {
	case "udp":
		return ProtoUDP, ok
	case "tcp":
		return ProtoTCP, ok
	}
	return ProtoAll, ok
}

// portRange checks from_port/to_port of a rule at rat: protocol all, or no
// ports, covers every port; otherwise both ports are needed, 0–65535, from
// not above to.
func (b *builder) portRange(rat string, proto Protocol, protoOK bool, from, to *int) (PortRange, bool) {
	if !protoOK || proto == ProtoAll || from == nil && to == nil {
		return AllPorts, true
	}
	ok := true
	for _, p := range []struct {
		key, other string
		v          *int
	}{{"from_port", "to_port", from}, {"to_port", "from_port", to}} {
		switch {
		case p.v == nil:
			b.c.add(field(rat, p.key), "", "is required when "+p.other+" is set")
			ok = false
		case *p.v < 0 || *p.v > 65535:
			b.c.add(field(rat, p.key), strconv.Itoa(*p.v), "is not a port (0–65535)")
			ok = false
		}
	}
	if !ok {
		return PortRange{}, false
	}
	if *from > *to {
		b.c.add(field(rat, "from_port"), strconv.Itoa(*from), "is greater than to_port ("+strconv.Itoa(*to)+")")
		return PortRange{}, false
	}
	return PortRange{From: uint16(*from), To: uint16(*to)}, true
}

func (b *builder) networkACLs() {
	for i, af := range b.f.NetworkACLs {
		at := index("network_acls", i)
		acl := b.n.NetworkACLs[i]
		acl.VPC, _ = ref[*VPC](b, field(at, "vpc"), af.VPC, "vpc")
		type slot struct {
			n      int
			egress bool
		}
		used := make(map[slot]int)
		for j, ef := range af.Entries {
			eat := index(field(at, "entries"), j)
			ok := true
			if ef.RuleNumber == 0 {
				b.c.add(field(eat, "rule_number"), "", "is required (1–32766)")
				ok = false
			} else if ef.RuleNumber < 1 || ef.RuleNumber > 32766 {
				b.c.add(field(eat, "rule_number"), strconv.Itoa(ef.RuleNumber), "is not a rule number (1–32766)")
				ok = false
			} else if k, dup := used[slot{ef.RuleNumber, ef.Egress}]; dup {
				b.c.add(field(eat, "rule_number"), strconv.Itoa(ef.RuleNumber), sprintf("is already the rule number of %s (%s)", index(field(at, "entries"), k), direction(ef.Egress)))
				ok = false
			} else {
				used[slot{ef.RuleNumber, ef.Egress}] = j
			}
			proto, okProto := b.protocol(field(eat, "protocol"), ef.Protocol)
			ports, okPorts := b.portRange(eat, proto, okProto, ef.FromPort, ef.ToPort)
			cidr, okCIDR := b.cidr(field(eat, "cidr"), ef.CIDR)
			action, okAction := b.enum(field(eat, "action"), ef.Action, "", "allow", "deny")
			if ok && okProto && okPorts && okCIDR && okAction {
				acl.Entries = append(acl.Entries, ACLEntry{
					RuleNumber: ef.RuleNumber, Egress: ef.Egress, Protocol: proto,
					Ports: ports, CIDR: cidr, Allow: action == "allow",
				})
			}
		}
		slices.SortStableFunc(acl.Entries, func(x, y ACLEntry) int { return cmp.Compare(x.RuleNumber, y.RuleNumber) })
	}
}

func direction(egress bool) string {
	if egress {
		return "egress"
	}
	return "ingress"
}

func (b *builder) routeTables() {
	for i, tf := range b.f.RouteTables {
		at := index("route_tables", i)
		rt := b.n.RouteTables[i]
		vpc, vpcOK := ref[*VPC](b, field(at, "vpc"), tf.VPC, "vpc")
		rt.VPC = vpc
		var routes []Route
		type destKey struct {
			p          netip.Prefix
			propagated bool
		}
		dests := make(map[destKey]int)
		pls := make(map[string]int)
		for j, rf := range tf.Routes {
			rat := index(field(at, "routes"), j)
			origin, _ := b.enum(field(rat, "origin"), rf.Origin, "static", "static", "propagated")
			propagated := origin == "propagated"
			var list []netip.Prefix
			var pl *PrefixList
			var unresolved *Unmodeled
			okDest := true
			switch {
			case rf.Destination != "" && rf.DestinationPrefixList != "":
				b.c.add(field(rat, "destination_prefix_list"), rf.DestinationPrefixList, "cannot be used with destination: a route has one or the other")
				okDest = false
			case rf.DestinationPrefixList != "":
				pat := field(rat, "destination_prefix_list")
				pl, unresolved, okDest = b.prefixListRef(pat, rf.DestinationPrefixList)
				if k, dup := pls[rf.DestinationPrefixList]; okDest && dup {
					b.c.add(pat, rf.DestinationPrefixList, "is already routed by "+index(field(at, "routes"), k))
					okDest = false
				}
				pls[rf.DestinationPrefixList] = j
				if pl != nil {
					list = pl.CIDRs
				}
			default:
				var dest netip.Prefix
				dest, okDest = b.cidr(field(rat, "destination"), rf.Destination)
				if okDest {
					k := destKey{dest, propagated}
					if prev, dup := dests[k]; dup {
						b.c.add(field(rat, "destination"), rf.Destination, "is already routed by "+index(field(at, "routes"), prev))
						okDest = false
					} else {
						dests[k] = j
					}
				}
				list = []netip.Prefix{dest}
			}
			r, okTarget := b.routeTarget(field(rat, "target"), rf.Target, vpc)
			if !okDest || !okTarget || !vpcOK {
				continue
			}
			r.Propagated = propagated
			if unresolved != nil {
				r.Unresolved = unresolved
				routes = append(routes, r)
				continue
			}
			for _, dest := range list {
				isVPCBlock := slices.Contains(vpc.AllCIDRs(), dest)
				switch {
				case r.Kind == TargetLocal && !isVPCBlock:
					b.c.add(field(rat, "target"), rf.Target, "is only for a destination that is one of the vpc's cidr_blocks ("+prefixList(vpc.AllCIDRs())+")")
					continue
				case r.Kind != TargetLocal && isVPCBlock && pl == nil:
					b.c.add(field(rat, "destination"), rf.Destination, "is a cidr block of vpc "+vpc.ID+", which is routed local")
					continue
				case r.Kind != TargetLocal && isVPCBlock:
					continue // a prefix list entry the local route overrides
				}
				r.Destination, r.PrefixList = dest, pl
				routes = append(routes, r)
			}
		}
		if vpcOK {
			// The VPC's own blocks are routed local without saying so.
			for _, c := range vpc.AllCIDRs() {
				if _, declared := dests[destKey{c, false}]; !declared {
					rt.Routes = append(rt.Routes, Route{Destination: c, TargetID: "local", Kind: TargetLocal})
				}
			}
		}
		rt.Routes = append(rt.Routes, routes...)
	}
}

// routeTarget resolves the target of a route in a table of vpc (nil when
// the table's vpc is unknown).
func (b *builder) routeTarget(at, target string, vpc *VPC) (Route, bool) {
	r := Route{TargetID: target}
	switch target {
	case "":
		b.c.add(at, "", "is required (local, blackhole, or the id of a vpc peering, transit gateway or remote network)")
		return r, false
	case "local":
		r.Kind = TargetLocal
		return r, true
	case "blackhole":
		r.Kind = TargetBlackhole
		return r, true
	}
	reg, ok := b.ids[target]
	if !ok {
		// Gateways to the internet need no declaration: the target's
		// family is in its id (AWS's prefixes).
		switch {
		case strings.HasPrefix(target, "igw-") || strings.HasPrefix(target, "eigw-"):
			r.Kind = TargetInternetGateway
			return r, true
		case strings.HasPrefix(target, "nat-"):
			r.Kind = TargetNATGateway
			return r, true
		}
		b.c.add(at, target, "is not a route target: not local, blackhole, or the id of a vpc peering, transit gateway or remote network")
		return r, false
	}
	switch o := reg.obj.(type) {
	case *Peering:
		r.Kind, r.Peering = TargetPeering, o
		if vpc != nil && o.Requester != nil && o.Accepter != nil && o.Requester != vpc && o.Accepter != vpc {
			b.c.add(at, target, "is a peering of "+o.Requester.ID+" and "+o.Accepter.ID+", not of "+vpc.ID)
			return r, false
		}
	case *TransitGateway:
		r.Kind, r.TGW = TargetTransitGateway, o
		if vpc != nil && !o.HasAttachment(vpc) {
			b.c.add(at, target, "has no attachment for vpc "+vpc.ID+" (transit_gateways vpc_attachments)")
			return r, false
		}
	case *RemoteNetwork:
		r.Kind, r.Remote = TargetRemoteNetwork, o
	case *VPNGateway:
		r.Kind, r.VGW = TargetVPNGateway, o
		if vpc != nil && o.VPC != vpc {
			b.c.add(at, target, "is not attached to vpc "+vpc.ID+" (vpn_gateways vpc)")
			return r, false
		}
	case *Unmodeled:
		r.Kind, r.Unmodeled = TargetUnmodeled, o
	default:
		b.c.add(at, target, "is the id of "+kindOf(reg.obj)+" "+reg.path+", not a route target (local, blackhole, a vpc peering, a transit gateway or a remote network)")
		return r, false
	}
	return r, true
}
