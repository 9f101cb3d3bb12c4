package config

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// Validation of the keys of a network read from a real account
// (docs/network-yaml-accounts.md).

// declareAccounts registers the ids of the account keys, so that any
// section may reference them.
func (b *builder) declareAccounts() {
	f, n := b.f, b.n
	n.DHCPOptionSets = declareAll(b, "dhcp_option_sets", f.DHCPOptionSets, func(x DHCPOptionsFile) string { return x.ID }, func(id string) *DHCPOptions { return &DHCPOptions{ID: id} })
	n.PrefixLists = declareAll(b, "prefix_lists", f.PrefixLists, func(x PrefixListFile) string { return x.ID }, func(id string) *PrefixList { return &PrefixList{ID: id} })
	n.VPNGateways = declareAll(b, "vpn_gateways", f.VPNGateways, func(x VGWFile) string { return x.ID }, func(id string) *VPNGateway { return &VPNGateway{ID: id} })
	n.VPCEndpoints = declareAll(b, "vpc_endpoints", f.VPCEndpoints, func(x VPCEndpointFile) string { return x.ID }, func(id string) *VPCEndpoint { return &VPCEndpoint{ID: id} })
	n.Profiles = declareAll(b, "route53_profiles", f.Profiles, func(x ProfileFile) string { return x.ID }, func(id string) *Profile { return &Profile{ID: id} })
	n.Unmodeled = declareAll(b, "unmodeled", f.Unmodeled, func(x UnmodeledFile) string { return x.ID }, func(id string) *Unmodeled { return &Unmodeled{ID: id} })
	for i, tf := range f.TransitGateways {
		at := index("transit_gateways", i)
		t := n.TransitGateways[i]
		for j, af := range tf.Attachments {
			a := &TGWAttachment{ID: af.ID, TGW: t}
			t.Attachments = append(t.Attachments, a)
			b.register(field(index(field(at, "attachments"), j), "id"), af.ID, a)
		}
		for j, rf := range tf.RouteTables {
			rt := &TGWRouteTable{ID: rf.ID, TGW: t}
			t.RouteTables = append(t.RouteTables, rt)
			b.register(field(index(field(at, "route_tables"), j), "id"), rf.ID, rt)
		}
	}
	n.accounts = map[string]bool{}
}

// AWSOwner is the owner of AWS-managed resources (the OwnerId of the
// com.amazonaws.… prefix lists).
const AWSOwner = "AWS"

// owner checks an owner_account field; it returns the account (the file's
// account_id when empty) and records it.
func (b *builder) owner(at, s string) string {
	if s == "" {
		s = b.n.AccountID
	} else if !validAccount(s) {
		b.c.add(at, s, "is not a 12-digit AWS account id")
	}
	b.n.accounts[s] = true
	return s
}

// normEnum lets AWS's dashed spelling of an enum value stand for the
// underscored one of network.yaml (pending-acceptance, pending_acceptance).
func normEnum(s string) string { return strings.ReplaceAll(s, "-", "_") }

func (b *builder) dhcpOptionSets() {
	for i, df := range b.f.DHCPOptionSets {
		at := index("dhcp_option_sets", i)
		o := b.n.DHCPOptionSets[i]
		o.OwnerAccount = b.owner(field(at, "owner_account"), df.OwnerAccount)
		o.DomainName = df.DomainName
		for _, d := range strings.Fields(df.DomainName) {
			if _, ok := b.domain(field(at, "domain_name"), d); !ok {
				break
			}
		}
		sat := field(at, "domain_name_servers")
		if len(df.DomainNameServers) == 0 {
			o.Amazon = true
		}
		if len(df.DomainNameServers) > 4 {
			b.c.add(sat, "", sprintf("has %d servers: a DHCP option set has at most four", len(df.DomainNameServers)))
		}
		seen := map[string]int{}
		for j, s := range df.DomainNameServers {
			p := index(sat, j)
			if k, dup := seen[s]; dup {
				b.c.add(p, s, "is already "+index(sat, k))
				continue
			}
			seen[s] = j
			if s == AmazonProvidedDNS {
				o.Amazon = true
				o.Servers = append(o.Servers, s)
				continue
			}
			a, err := netip.ParseAddr(s)
			if err != nil || a.Zone() != "" {
				b.c.add(p, s, "is not AmazonProvidedDNS or an IP address")
				continue
			}
			o.Servers = append(o.Servers, s)
			o.Addrs = append(o.Addrs, a)
		}
	}
}

func (b *builder) prefixLists() {
	for i, pf := range b.f.PrefixLists {
		at := index("prefix_lists", i)
		pl := b.n.PrefixLists[i]
		pl.Name = pf.Name
		if pf.OwnerAccount == AWSOwner {
			pl.OwnerAccount = AWSOwner // an AWS-managed prefix list (com.amazonaws.…): its OwnerId is "AWS"
		} else {
			pl.OwnerAccount = b.owner(field(at, "owner_account"), pf.OwnerAccount)
		}
		cat := field(at, "cidr_blocks")
		seen := map[netip.Prefix]int{}
		for j, s := range pf.CIDRBlocks {
			p, ok := b.cidr(index(cat, j), s)
			if !ok {
				continue
			}
			if k, dup := seen[p]; dup {
				b.c.add(index(cat, j), s, "is already "+index(cat, k))
				continue
			}
			if len(pl.CIDRs) > 0 && pl.CIDRs[0].Addr().Is4() != p.Addr().Is4() {
				b.c.add(index(cat, j), s, "is of another address family than "+index(cat, 0)+": a prefix list is IPv4 or IPv6")
				continue
			}
			seen[p] = j
			pl.CIDRs = append(pl.CIDRs, p)
		}
	}
}

// prefixListRef resolves a reference to a prefix list: a declared one, or
// one listed under unmodeled (it cannot be resolved: unknown verdicts).
func (b *builder) prefixListRef(at, id string) (*PrefixList, *Unmodeled, bool) {
	if !b.required(at, id) {
		return nil, nil, false
	}
	if r, ok := b.ids[id]; ok {
		switch o := r.obj.(type) {
		case *PrefixList:
			return o, nil, true
		case *Unmodeled:
			return nil, o, true
		}
	}
	pl, ok := ref[*PrefixList](b, at, id, "prefix list (prefix_lists, or unmodeled when it cannot be read)")
	return pl, nil, ok
}

// vpcAccounts checks the account keys of each VPC and of its subnets.
func (b *builder) vpcAccounts() {
	for i, vf := range b.f.VPCs {
		at := index("vpcs", i)
		v := b.n.VPCs[i]
		v.OwnerAccount = b.owner(field(at, "owner_account"), vf.OwnerAccount)
		iat := field(at, "ipv6_cidr_blocks")
		ipv6OK := true
		for j, s := range vf.IPv6CIDRBlocks {
			p, ok := b.cidr(index(iat, j), s)
			if !ok {
				ipv6OK = false
				continue
			}
			if p.Addr().Is4() {
				b.c.add(index(iat, j), s, "is not an IPv6 CIDR block (IPv4 blocks go in cidr_blocks)")
				ipv6OK = false
				continue
			}
			if x, _, clash := overlap(v.IPv6CIDRs, []netip.Prefix{p}); clash {
				b.c.add(index(iat, j), s, "overlaps "+x.String())
				continue
			}
			v.IPv6CIDRs = append(v.IPv6CIDRs, p)
		}
		if vf.DHCPOptions != "" {
			v.DHCPOptions, _ = ref[*DHCPOptions](b, field(at, "dhcp_options"), vf.DHCPOptions, "dhcp option set")
		}
		for j, sf := range vf.Subnets {
			if sf.IPv6CIDRBlock == "" {
				continue
			}
			if !ipv6OK { // the vpc's own blocks are wrong, and reported
				b.unsure[v.Subnets[j]] = true
				continue
			}
			p := field(index(field(at, "subnets"), j), "ipv6_cidr_block")
			c, ok := b.cidr(p, sf.IPv6CIDRBlock)
			b.unsure[v.Subnets[j]] = true // until the block is set below
			switch {
			case !ok:
			case c.Addr().Is4():
				b.c.add(p, sf.IPv6CIDRBlock, "is not an IPv6 CIDR block")
			case c.Bits() != 64:
				b.c.add(p, sf.IPv6CIDRBlock, "is not a /64: an IPv6 subnet block is a /64")
			case !slices.ContainsFunc(v.IPv6CIDRs, func(q netip.Prefix) bool { return contains(q, c) }):
				b.c.add(p, sf.IPv6CIDRBlock, "is outside the vpc's ipv6_cidr_blocks ("+prefixList(v.IPv6CIDRs)+")")
			default:
				for _, o := range v.Subnets[:j] {
					if o.IPv6CIDR == c {
						b.c.add(p, sf.IPv6CIDRBlock, "is already the block of subnet "+o.ID)
						ok = false
					}
				}
				if ok {
					v.Subnets[j].IPv6CIDR = c
					delete(b.unsure, v.Subnets[j])
				}
			}
		}
	}
}

// peeringStates are the states of a VPC peering connection (AWS
// VpcPeeringConnectionStateReason codes, underscored).
var peeringStates = []string{"active", "initiating_request", "pending_acceptance", "provisioning", "deleting", "deleted", "rejected", "failed", "expired"}

func (b *builder) peeringAccounts() {
	for i, pf := range b.f.VPCPeerings {
		at := index("vpc_peerings", i)
		p := b.n.Peerings[i]
		p.RequesterDNS = deref(pf.RequesterAllowDNSResolution, pf.AllowDNSResolution)
		p.AccepterDNS = deref(pf.AccepterAllowDNSResolution, pf.AllowDNSResolution)
		p.AllowDNSResolution = p.RequesterDNS || p.AccepterDNS
		p.Status, _ = b.enum(field(at, "status"), normEnum(pf.Status), PeeringActive, peeringStates...)
	}
}

// tgwAttachmentStates are the states of a transit gateway attachment.
var tgwAttachmentStates = []string{"available", "pending", "pending_acceptance", "initiating", "initiating_request", "modifying", "rolling_back", "rejecting", "rejected", "failing", "failed", "deleting", "deleted"}

func (b *builder) tgwAttachments() {
	for i, tf := range b.f.TransitGateways {
		at := index("transit_gateways", i)
		t := b.n.TransitGateways[i]
		t.OwnerAccount = b.owner(field(at, "owner_account"), tf.OwnerAccount)
		for j, af := range tf.Attachments {
			aat := index(field(at, "attachments"), j)
			a := t.Attachments[j]
			typ, typeOK := b.enum(field(aat, "resource_type"), normEnum(af.ResourceType), "", "vpc", "vpn", "direct_connect_gateway", "peering", "connect")
			a.Type = typ
			state, _ := b.enum(field(aat, "state"), normEnum(af.State), "available", tgwAttachmentStates...)
			a.Available = state == "available"
			a.ResourceID = af.Resource
			rat := field(aat, "resource")
			if typeOK && af.Resource != "" {
				if r, ok := b.ids[af.Resource]; ok {
					if u, isU := r.obj.(*Unmodeled); isU {
						a.Unmodeled = u
						typeOK = false
					}
				}
			}
			switch {
			case !typeOK:
			case typ == "vpc":
				a.VPC, _ = ref[*VPC](b, rat, af.Resource, "vpc")
			case typ == "vpn" || typ == "direct_connect_gateway":
				a.Remote, _ = ref[*RemoteNetwork](b, rat, af.Resource, "remote network")
			case typ == "peering":
				if pt, ok := ref[*TransitGateway](b, rat, af.Resource, "transit gateway"); ok {
					if pt == t {
						b.c.add(rat, af.Resource, "is this transit gateway: a peering attachment joins two")
					} else {
						a.PeerTGW = pt
					}
				}
			}
			if af.RouteTable != "" {
				p := field(aat, "route_table")
				if rt, ok := ref[*TGWRouteTable](b, p, af.RouteTable, "transit gateway route table"); ok {
					if rt.TGW != t {
						b.c.add(p, af.RouteTable, "is a route table of "+rt.TGW.ID+", not of "+t.ID)
					} else {
						a.RouteTable = rt
					}
				}
			}
			if a.Available && a.VPC != nil && !slices.Contains(t.VPCs, a.VPC) {
				t.VPCs = append(t.VPCs, a.VPC)
			}
			if a.Available && a.Remote != nil && !slices.Contains(t.RemoteNetworks, a.Remote) {
				t.RemoteNetworks = append(t.RemoteNetworks, a.Remote)
			}
		}
		for j, rf := range tf.RouteTables {
			rtat := index(field(at, "route_tables"), j)
			rt := t.RouteTables[j]
			rt.Propagations = b.tgwAttachmentRefs(field(rtat, "propagations"), rf.Propagations, t)
			for k, r := range rf.Routes {
				rt.Routes = append(rt.Routes, b.tgwRoute(index(field(rtat, "routes"), k), r, t)...)
			}
		}
	}
}

// tgwAttachmentRefs resolves attachment ids that must belong to t.
func (b *builder) tgwAttachmentRefs(at string, ids []string, t *TransitGateway) []*TGWAttachment {
	var out []*TGWAttachment
	for i, a := range refList[*TGWAttachment](b, at, ids, "transit gateway attachment") {
		if a.TGW != t {
			b.c.add(index(at, i), a.ID, "is an attachment of "+a.TGW.ID+", not of "+t.ID)
			continue
		}
		out = append(out, a)
	}
	return out
}

func (b *builder) tgwRoute(at string, rf TGWRouteFile, t *TransitGateway) []TGWRoute {
	origin, _ := b.enum(field(at, "origin"), rf.Origin, "static", "static", "propagated")
	r := TGWRoute{Blackhole: rf.Blackhole, Propagated: origin == "propagated"}
	r.Attachments = b.tgwAttachmentRefs(field(at, "attachments"), rf.Attachments, t)
	switch {
	case rf.Blackhole && len(rf.Attachments) > 0:
		b.c.add(field(at, "attachments"), "", "is not allowed with blackhole: a blackhole route drops the traffic")
	case !rf.Blackhole && len(rf.Attachments) == 0:
		b.c.add(field(at, "attachments"), "", "is required (one attachment or more), or blackhole: true")
	}
	var dests []netip.Prefix
	switch {
	case rf.Destination != "" && rf.DestinationPrefixList != "":
		b.c.add(field(at, "destination_prefix_list"), rf.DestinationPrefixList, "cannot be used with destination: a route has one or the other")
		return nil
	case rf.DestinationPrefixList != "":
		pl, u, ok := b.prefixListRef(field(at, "destination_prefix_list"), rf.DestinationPrefixList)
		switch {
		case !ok:
			return nil
		case u != nil:
			r.Unresolved = u
			return []TGWRoute{r}
		}
		r.PrefixList = pl
		dests = pl.CIDRs
	default:
		p, ok := b.cidr(field(at, "destination"), rf.Destination)
		if !ok {
			return nil
		}
		dests = []netip.Prefix{p}
	}
	out := make([]TGWRoute, 0, len(dests))
	for _, d := range dests {
		r.Destination = d
		out = append(out, r)
	}
	return out
}

// remoteAccounts checks tunnels, vpn_gateway and owner of remote networks.
func (b *builder) remoteAccounts() {
	for i, rf := range b.f.RemoteNetworks {
		at := index("remote_networks", i)
		r := b.n.RemoteNetworks[i]
		r.OwnerAccount = b.owner(field(at, "owner_account"), rf.OwnerAccount)
		if len(rf.Tunnels) > 0 {
			up := false
			for j, tf := range rf.Tunnels {
				tat := index(field(at, "tunnels"), j)
				s, _ := b.enum(field(tat, "status"), strings.ToLower(tf.Status), "", "up", "down")
				up = up || s == "up"
				if tf.OutsideIP != "" {
					b.addr(field(tat, "outside_ip"), tf.OutsideIP)
				}
			}
			if !up {
				r.TunnelsDown = true
				r.Up = false
			}
		}
		if rf.VPNGateway != "" {
			if g, ok := ref[*VPNGateway](b, field(at, "vpn_gateway"), rf.VPNGateway, "vpn gateway"); ok {
				r.VPNGateway = g
				if !slices.Contains(g.RemoteNetworks, r) {
					g.RemoteNetworks = append(g.RemoteNetworks, r)
				}
			}
		}
	}
}

func (b *builder) vpnGateways() {
	for i, gf := range b.f.VPNGateways {
		at := index("vpn_gateways", i)
		g := b.n.VPNGateways[i]
		g.OwnerAccount = b.owner(field(at, "owner_account"), gf.OwnerAccount)
		if gf.VPC != "" {
			g.VPC, _ = ref[*VPC](b, field(at, "vpc"), gf.VPC, "vpc")
		}
		for _, r := range refList[*RemoteNetwork](b, field(at, "remote_networks"), gf.RemoteNetworks, "remote network") {
			if !slices.Contains(g.RemoteNetworks, r) {
				g.RemoteNetworks = append(g.RemoteNetworks, r)
			}
		}
	}
}

// sgRule builds one rule of a security group: by cidr, prefix list or
// security group, exactly one of them.
func (b *builder) sgRule(rat string, rf SGRuleFile, proto Protocol, ports PortRange) ([]SGRule, bool) {
	set := 0
	for _, s := range []string{rf.CIDR, rf.PrefixList, rf.SecurityGroup} {
		if s != "" {
			set++
		}
	}
	switch {
	case set == 0: // reported where it always was
		b.c.add(field(rat, "cidr"), "", "is required (or prefix_list, or security_group)")
		return nil, false
	case set > 1:
		b.c.add(rat, "", "needs exactly one of cidr, prefix_list and security_group")
		return nil, false
	}
	r := SGRule{Protocol: proto, Ports: ports}
	switch {
	case rf.CIDR != "":
		cidr, ok := b.cidr(field(rat, "cidr"), rf.CIDR)
		r.CIDR = cidr
		return []SGRule{r}, ok
	case rf.SecurityGroup != "":
		g, ok := ref[*SecurityGroup](b, field(rat, "security_group"), rf.SecurityGroup, "security group")
		r.Group = g
		return []SGRule{r}, ok
	}
	pl, u, ok := b.prefixListRef(field(rat, "prefix_list"), rf.PrefixList)
	if !ok {
		return nil, false
	}
	if u != nil {
		r.Unresolved = u
		return []SGRule{r}, true
	}
	out := make([]SGRule, 0, len(pl.CIDRs))
	for _, c := range pl.CIDRs {
		r.CIDR, r.PrefixList = c, pl
		out = append(out, r)
	}
	if len(out) == 0 { // an empty list allows nothing, but is named in details
		r.PrefixList = pl
		out = append(out, r)
	}
	return out, true
}

// shareStatuses are AWS's ShareStatus values, underscored.
var shareStatuses = []string{NotShared, SharedWithMe, SharedByMe}

// ruleAccounts checks owners and RAM sharing of rules: a rule is used by
// a VPC of another account only when it is shared (AWS RAM).
func (b *builder) ruleAccounts() {
	for i, rf := range b.f.Rules {
		at := index("resolver_rules", i)
		r := b.n.Rules[i]
		r.OwnerAccount = b.owner(field(at, "owner_account"), rf.OwnerAccount)
		r.ShareStatus, _ = b.enum(field(at, "share_status"), normEnum(rf.ShareStatus), NotShared, shareStatuses...)
		if e := r.Endpoint; e != nil && e.OwnerAccount != "" && e.OwnerAccount != r.OwnerAccount {
			b.c.add(field(at, "resolver_endpoint"), e.ID, "belongs to account "+e.OwnerAccount+", the rule to "+r.OwnerAccount+": a rule uses an endpoint of its own account")
		}
		if r.ShareStatus != NotShared {
			continue
		}
		for j, id := range rf.VPCs {
			v := b.n.VPCByID(id)
			if v != nil && v.OwnerAccount != r.OwnerAccount && slices.Contains(r.VPCs, v) {
				b.c.add(index(field(at, "vpcs"), j), id, "belongs to account "+v.OwnerAccount+" and the rule to "+r.OwnerAccount+" with share_status not_shared: only a rule shared through AWS RAM can be associated with another account's vpc")
				r.VPCs = slices.DeleteFunc(r.VPCs, func(x *VPC) bool { return x == v })
			}
		}
	}
}

func (b *builder) endpointAccounts() {
	for i, ef := range b.f.Endpoints {
		b.n.Endpoints[i].OwnerAccount = b.owner(field(index("resolver_endpoints", i), "owner_account"), ef.OwnerAccount)
	}
}

func (b *builder) zoneAccounts() {
	for i, zf := range b.f.HostedZones {
		b.n.HostedZones[i].OwnerAccount = b.owner(field(index("private_hosted_zones", i), "owner_account"), zf.OwnerAccount)
	}
}

func (b *builder) queryLogAccounts() {
	for i, qf := range b.f.QueryLogging {
		at := index("query_logging", i)
		q := b.n.QueryLogs[i]
		q.OwnerAccount = b.owner(field(at, "owner_account"), qf.OwnerAccount)
		q.DestinationARN = qf.DestinationARN
		if s := qf.DestinationARN; s != "" && !validLogARN(s) {
			b.c.add(field(at, "destination_arn"), s, "is not the ARN of an S3 bucket, a CloudWatch Logs log group or a Firehose delivery stream (arn:aws:s3:::…, arn:aws:logs:…, arn:aws:firehose:…)")
		}
	}
}

// validLogARN reports whether s is arn:PARTITION:SERVICE:… of a query-log
// destination service.
func validLogARN(s string) bool {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || parts[5] == "" {
		return false
	}
	switch parts[2] {
	case "s3", "logs", "firehose":
		return true
	}
	return false
}

// vpcEndpointStates are the states of a VPC endpoint, lower-cased.
var vpcEndpointStates = []string{"available", "pending", "pending_acceptance", "partial", "deleting", "deleted", "rejected", "failed", "expired"}

func (b *builder) vpcEndpoints() {
	for i, ef := range b.f.VPCEndpoints {
		at := index("vpc_endpoints", i)
		e := b.n.VPCEndpoints[i]
		e.OwnerAccount = b.owner(field(at, "owner_account"), ef.OwnerAccount)
		vpc, vpcOK := ref[*VPC](b, field(at, "vpc"), ef.VPC, "vpc")
		e.VPC = vpc
		e.ServiceName = ef.ServiceName
		b.required(field(at, "service_name"), ef.ServiceName)
		e.Type, _ = b.enum(field(at, "type"), normEnum(ef.Type), "interface", "interface", "gateway", "gateway_load_balancer")
		state, _ := b.enum(field(at, "state"), normEnum(strings.ToLower(ef.State)), "available", vpcEndpointStates...)
		e.Available = state == "available"
		e.PrivateDNS = ef.PrivateDNSEnabled
		if e.PrivateDNS && e.Type != "interface" {
			b.c.add(field(at, "private_dns_enabled"), "true", "is only for interface endpoints (this one is "+e.Type+")")
			e.PrivateDNS = false
		}
		nat := field(at, "private_dns_names")
		names := ef.PrivateDNSNames
		if e.PrivateDNS && len(names) == 0 && ef.ServiceName != "" {
			if def, ok := defaultPrivateDNSName(ef.ServiceName); ok {
				names = []string{def}
			} else {
				b.c.add(nat, "", "is required: vpcdns derives the private DNS name only from a service name com.amazonaws.REGION.SERVICE (→ SERVICE.REGION.amazonaws.com)")
			}
		}
		seen := map[string]int{}
		for j, s := range names {
			p := index(nat, j)
			wild := strings.HasPrefix(s, "*.")
			d, ok := b.domain(p, strings.TrimPrefix(s, "*."))
			if !ok {
				continue
			}
			key := d.String()
			if wild {
				key = "*." + key
			}
			if k, dup := seen[key]; dup {
				b.c.add(p, s, "is already "+index(nat, k))
				continue
			}
			seen[key] = j
			e.Names = append(e.Names, d)
			e.Wildcard = append(e.Wildcard, wild)
		}
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
		aat := field(at, "ip_addresses")
		if e.Type == "interface" && e.PrivateDNS && len(ef.IPAddresses) == 0 {
			b.c.add(aat, "", "is required: the hidden zone of private DNS answers with the endpoint's addresses")
		}
		for j, af := range ef.IPAddresses {
			p := index(aat, j)
			sub, subOK := ref[*Subnet](b, field(p, "subnet"), af.Subnet, "subnet")
			if subOK && vpcOK && sub.VPC != vpc {
				b.c.add(field(p, "subnet"), af.Subnet, "is a subnet of vpc "+sub.VPC.ID+", not of the endpoint's vpc "+vpc.ID)
				subOK = false
			}
			ip, ipOK := b.addr(field(p, "ip"), af.IP)
			if !ipOK || !subOK {
				continue
			}
			block := sub.CIDR
			if ip.Is6() {
				block = sub.IPv6CIDR
			}
			if b.unsure[sub] {
				continue
			}
			if !block.IsValid() || !block.Contains(ip) {
				b.c.add(field(p, "ip"), af.IP, "is outside its subnet "+sub.ID+" ("+prefixList(nonZero(sub.CIDR, sub.IPv6CIDR))+")")
				continue
			}
			if reservedInSubnet(sub.CIDR, ip) {
				b.c.add(field(p, "ip"), af.IP, "is reserved by AWS in subnet "+sub.ID+" ("+sub.CIDR.String()+"): the first four and the last address")
				continue
			}
			b.claimAddr(field(p, "ip"), vpc, ip, "vpc endpoint "+e.ID)
			if ip.Is6() {
				e.IPv6 = append(e.IPv6, ip)
			} else {
				e.Addresses = append(e.Addresses, EndpointAddr{Subnet: sub, IP: ip})
			}
		}
	}
}

func nonZero(ps ...netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range ps {
		if p.IsValid() {
			out = append(out, p)
		}
	}
	return out
}

// defaultPrivateDNSName is the private DNS name AWS gives an AWS service:
// com.amazonaws.REGION.SERVICE → SERVICE.REGION.amazonaws.com.
func defaultPrivateDNSName(service string) (string, bool) {
	rest, ok := strings.CutPrefix(service, "com.amazonaws.")
	if !ok {
		return "", false
	}
	region, svc, ok := strings.Cut(rest, ".")
	if !ok || !validRegion(region) || svc == "" {
		return "", false
	}
	return svc + "." + region + ".amazonaws.com", true
}

func (b *builder) profiles() {
	for i, pf := range b.f.Profiles {
		at := index("route53_profiles", i)
		p := b.n.Profiles[i]
		p.Name = pf.Name
		p.OwnerAccount = b.owner(field(at, "owner_account"), pf.OwnerAccount)
		p.ShareStatus, _ = b.enum(field(at, "share_status"), normEnum(pf.ShareStatus), NotShared, shareStatuses...)
		p.Rules = refList[*Rule](b, field(at, "resolver_rules"), pf.ResolverRules, "resolver rule")
		for _, r := range p.Rules {
			r.Profiles = append(r.Profiles, p)
		}
		p.HostedZones = refList[*HostedZone](b, field(at, "private_hosted_zones"), pf.PrivateHostedZones, "private hosted zone")
		p.VPCEndpoints = refList[*VPCEndpoint](b, field(at, "vpc_endpoints"), pf.VPCEndpoints, "vpc endpoint")
		domains := map[dnsname.Name]string{}
		for j, r := range p.Rules {
			if prev, dup := domains[r.Domain]; dup && r.Domain != "" {
				b.c.add(index(field(at, "resolver_rules"), j), r.ID, "has domain "+r.Domain.String()+", as rule "+prev+" of the profile: a profile holds one rule per domain")
			}
			domains[r.Domain] = r.ID
		}
		vat := field(at, "vpcs")
		for j, v := range refList[*VPC](b, vat, pf.VPCs, "vpc") {
			pat := index(vat, j)
			switch {
			case v.Profile != nil:
				b.c.add(pat, v.ID, "is already associated with profile "+v.Profile.ID+": a vpc has one Route 53 Profile")
				continue
			case v.OwnerAccount != p.OwnerAccount && p.ShareStatus == NotShared:
				b.c.add(pat, v.ID, "belongs to account "+v.OwnerAccount+" and the profile to "+p.OwnerAccount+" with share_status not_shared: only a profile shared through AWS RAM can be associated with another account's vpc")
				continue
			}
			bad := false
			for _, r := range p.Rules {
				if r.Endpoint != nil && r.Endpoint.VPC != nil && r.Endpoint.VPC.Region != v.Region {
					b.c.add(pat, v.ID, "is in region "+v.Region+", rule "+r.ID+" of the profile has its endpoint in "+r.Endpoint.VPC.Region)
					bad = true
					break
				}
			}
			if bad {
				continue
			}
			v.Profile = p
			p.VPCs = append(p.VPCs, v)
		}
	}
}

func (b *builder) unmodeled() {
	for i, uf := range b.f.Unmodeled {
		at := index("unmodeled", i)
		u := b.n.Unmodeled[i]
		u.Kind, u.Reason = uf.Kind, uf.Reason
		b.required(field(at, "kind"), uf.Kind)
		b.required(field(at, "reason"), uf.Reason)
		if uf.Account != "" {
			u.Account = b.owner(field(at, "account"), uf.Account)
		}
	}
}

// inProfile reports whether a Route 53 Profile of the file lists the zone
// id: such a zone needs no vpcs of its own.
func (b *builder) inProfile(zoneID string) bool {
	if zoneID == "" {
		return false
	}
	for _, p := range b.f.Profiles {
		if slices.Contains(p.PrivateHostedZones, zoneID) {
			return true
		}
	}
	return false
}
