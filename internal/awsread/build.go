package awsread

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
)

// builder turns what was read from one or more accounts into network.yaml.
// Every reference it writes points at something it also writes; what it
// cannot write that way is listed under unmodeled, never dropped.
type builder struct {
	region string
	accts  []*account
	f      *config.File

	unmodeled map[string]config.UnmodeledFile // by kind+id

	vpcs       map[string]*config.VPCFile
	vpcOwner   map[string]string
	subnets    map[string]string // subnet id -> vpc id
	peerings   map[string]*config.PeeringFile
	tgws       map[string]*config.TGWFile
	remotes    map[string]*config.RemoteFile
	vgws       map[string]*config.VGWFile
	sgs        map[string]*config.SGFile
	sgModeled  map[string]bool // groups whose vpc is modeled
	rtbs       map[string]*config.RouteTblFile
	endpoints  map[string]*config.EndpointFile
	rules      map[string]*config.RuleFile
	zones      map[string]*config.ZoneFile
	prefix     map[string][]string // prefix list id -> CIDRs (nil: entries not read)
	prefixRead map[string]bool
	vpces      map[string]*config.VPCEndpointFile
	// tgwAttachVPN maps a TGW attachment id to the VPN or DX gateway it
	// attaches; remoteCIDRs collects the prefixes routed to each.
	tgwAttach   map[string]tgwAttachmentShape
	remoteCIDRs map[string]map[string]bool
}

func newBuilder(region string, accts []*account) *builder {
	return &builder{
		region: region, accts: accts, f: &config.File{},
		unmodeled: map[string]config.UnmodeledFile{},
		vpcs:      map[string]*config.VPCFile{}, vpcOwner: map[string]string{}, subnets: map[string]string{},
		peerings: map[string]*config.PeeringFile{}, tgws: map[string]*config.TGWFile{},
		remotes: map[string]*config.RemoteFile{}, vgws: map[string]*config.VGWFile{},
		sgs: map[string]*config.SGFile{}, sgModeled: map[string]bool{}, rtbs: map[string]*config.RouteTblFile{},
		endpoints: map[string]*config.EndpointFile{}, rules: map[string]*config.RuleFile{},
		zones: map[string]*config.ZoneFile{}, prefix: map[string][]string{}, prefixRead: map[string]bool{},
		vpces:     map[string]*config.VPCEndpointFile{},
		tgwAttach: map[string]tgwAttachmentShape{}, remoteCIDRs: map[string]map[string]bool{},
	}
}

func (b *builder) unmodel(kind, id, account, reason string) {
	k := kind + "\x00" + id
	if _, ok := b.unmodeled[k]; ok {
		return
	}
	b.unmodeled[k] = config.UnmodeledFile{ID: id, Kind: kind, Reason: reason, Account: account}
}

// build runs the steps in dependency order and returns the file.
func (b *builder) build() *config.File {
	if len(b.accts) > 0 {
		b.f.AccountID = b.accts[0].id
	}
	b.f.Region = b.region
	b.prefixLists()
	b.dhcpOptions()
	b.buildVPCs()
	b.buildInstances()
	b.buildPeerings()
	b.buildRemotes()
	b.buildTGWs()
	b.finishRemotes()
	b.buildVGWs()
	b.buildEndpoints()
	b.buildVPCEndpoints()
	b.buildSGs()
	b.buildACLs()
	b.buildRouteTables()
	b.buildRules()
	b.buildResolverConfigs()
	b.buildQueryLogs()
	b.buildZones()
	b.buildProfiles()
	b.collect()
	return b.f
}

func lower(s string) string { return strings.ToLower(s) }

// owner is the owner id a resource reports, or the account it was read from.
func owner(reported string, a *account) string {
	if reported != "" {
		return reported
	}
	return a.id
}

func (b *builder) prefixLists() {
	seen := map[string]bool{}
	for _, a := range b.accts {
		for _, p := range a.prefixLists {
			if seen[p.PrefixListId] || p.State == "delete-complete" {
				continue
			}
			seen[p.PrefixListId] = true
			entries, read := a.prefixEntries[p.PrefixListId]
			var cidrs []string
			for _, e := range entries {
				cidrs = append(cidrs, e.Cidr)
			}
			sort.Strings(cidrs)
			if !read && len(entries) == 0 {
				// Its entries could not be read: an empty list would allow
				// and route nothing, which is not what AWS does. Listed
				// under unmodeled, a route or rule that names it is unknown.
				b.unmodel("prefix-list", p.PrefixListId, owner(p.OwnerId, a), "the entries of prefix list "+p.PrefixListId+" ("+p.PrefixListName+") could not be read (ec2:GetManagedPrefixListEntries)")
				continue
			}
			b.prefixRead[p.PrefixListId] = true
			b.prefix[p.PrefixListId] = cidrs
			b.f.PrefixLists = append(b.f.PrefixLists, config.PrefixListFile{
				ID: p.PrefixListId, Name: p.PrefixListName, OwnerAccount: owner(p.OwnerId, a), CIDRBlocks: cidrs,
			})
		}
	}
}

// prefixCIDRs are the CIDRs of a prefix list, and whether they are known.
func (b *builder) prefixCIDRs(id string) ([]string, bool) {
	c, ok := b.prefix[id]
	return c, ok && b.prefixRead[id]
}

// prefixRef makes a prefix list id something a route or a security-group
// rule can name: a modeled list, or one listed under unmodeled (a list that
// was not read at all: another account's, a denied call), which makes the
// path checks through it unknown.
func (b *builder) prefixRef(id, acct, user string) string {
	if _, ok := b.prefixCIDRs(id); !ok {
		b.unmodel("prefix-list", id, acct, "prefix list "+id+" ("+user+" names it) was not listed by ec2:DescribeManagedPrefixLists in the accounts imported")
	}
	return id
}

func (b *builder) dhcpOptions() {
	seen := map[string]bool{}
	for _, a := range b.accts {
		for _, d := range a.dhcp {
			if seen[d.DhcpOptionsId] {
				continue
			}
			seen[d.DhcpOptionsId] = true
			df := config.DHCPOptionsFile{ID: d.DhcpOptionsId, OwnerAccount: owner(d.OwnerId, a)}
			for _, c := range d.DhcpConfigurations {
				var vals []string
				for _, v := range c.Values {
					vals = append(vals, v.Value)
				}
				switch c.Key {
				case "domain-name":
					df.DomainName = strings.Join(vals, " ")
				case "domain-name-servers":
					df.DomainNameServers = vals
				}
			}
			b.f.DHCPOptionSets = append(b.f.DHCPOptionSets, df)
		}
	}
}

// dhcpRead reports whether the DHCP option set id was read.
func (b *builder) dhcpRead(id string) bool {
	for _, d := range b.f.DHCPOptionSets {
		if d.ID == id {
			return true
		}
	}
	return false
}

func (b *builder) buildVPCs() {
	for _, a := range b.accts {
		for _, v := range a.vpcs {
			if _, dup := b.vpcs[v.VpcId]; dup {
				continue
			}
			vf := &config.VPCFile{ID: v.VpcId, OwnerAccount: owner(v.OwnerId, a)}
			if v.CidrBlock != "" {
				vf.CIDRBlocks = append(vf.CIDRBlocks, v.CidrBlock)
			}
			for _, c := range v.CidrBlockAssociationSet {
				if c.CidrBlockState.State == "associated" || c.CidrBlockState.State == "" {
					if c.CidrBlock != v.CidrBlock {
						vf.CIDRBlocks = append(vf.CIDRBlocks, c.CidrBlock)
					}
				}
			}
			for _, c := range v.Ipv6CidrBlockAssociationSet {
				if c.Ipv6CidrBlockState.State == "associated" || c.Ipv6CidrBlockState.State == "" {
					vf.IPv6CIDRBlocks = append(vf.IPv6CIDRBlocks, c.Ipv6CidrBlock)
				}
			}
			if len(vf.CIDRBlocks) == 0 {
				b.unmodel("vpc", v.VpcId, vf.OwnerAccount, "has no associated IPv4 CIDR block")
				continue
			}
			if at := a.attrs[v.VpcId]; at != nil {
				vf.EnableDNSSupport = at.dnsSupport
				vf.EnableDNSHostnames = at.dnsHostnames
			}
			if id := v.DhcpOptionsId; id != "" && id != "default" {
				if b.dhcpRead(id) {
					vf.DHCPOptions = id
				} else {
					// DescribeDhcpOptions was denied or did not list it: the
					// VPC's DNS servers are not known, which explain must say.
					b.unmodel("dhcp-options", id, vf.OwnerAccount, "the DHCP option set of "+v.VpcId+" could not be read, so whether its instances ask the VPC resolver is not known")
				}
			}
			if len(v.Tags) > 0 {
				vf.Tags = map[string]string{}
				for _, t := range v.Tags {
					vf.Tags[t.Key] = t.Value
				}
			}
			b.vpcs[v.VpcId] = vf
			b.vpcOwner[v.VpcId] = vf.OwnerAccount
		}
	}
	// Subnets, with their route table and network ACL associations.
	rtOf, aclOf := map[string]string{}, map[string]string{}
	for _, a := range b.accts {
		for _, rt := range a.routeTables {
			for _, as := range rt.Associations {
				if as.AssociationState != nil && as.AssociationState.State != "associated" {
					continue
				}
				if as.Main {
					if v := b.vpcs[rt.VpcId]; v != nil {
						v.MainRouteTable = rt.RouteTableId
					}
				} else if as.SubnetId != "" {
					rtOf[as.SubnetId] = rt.RouteTableId
				}
			}
		}
		for _, acl := range a.acls {
			for _, as := range acl.Associations {
				aclOf[as.SubnetId] = acl.NetworkAclId
			}
		}
	}
	seen := map[string]bool{}
	for _, a := range b.accts {
		for _, s := range a.subnets {
			if seen[s.SubnetId] {
				continue
			}
			seen[s.SubnetId] = true
			v := b.vpcs[s.VpcId]
			if v == nil {
				continue // the VPC itself is listed (or not read) already
			}
			sf := config.SubnetFile{ID: s.SubnetId, CIDRBlock: s.CidrBlock, AvailabilityZone: s.AvailabilityZone,
				RouteTable: rtOf[s.SubnetId], NetworkACL: aclOf[s.SubnetId]}
			for _, c := range s.Ipv6CidrBlockAssociationSet {
				if c.Ipv6CidrBlockState.State == "associated" || c.Ipv6CidrBlockState.State == "" {
					sf.IPv6CIDRBlock = c.Ipv6CidrBlock
				}
			}
			v.Subnets = append(v.Subnets, sf)
			b.subnets[s.SubnetId] = s.VpcId
		}
	}
}

// inVPC reports whether ip is an IPv4 address inside one of vpc's blocks.
func inVPC(v *config.VPCFile, ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is4() {
		return false
	}
	for _, c := range v.CIDRBlocks {
		if p, err := netip.ParsePrefix(c); err == nil && p.Contains(a) {
			return true
		}
	}
	return false
}

func (b *builder) buildInstances() {
	seen := map[string]bool{}
	for _, a := range b.accts {
		for _, in := range a.instances {
			if seen[in.InstanceId] {
				continue
			}
			seen[in.InstanceId] = true
			if in.State != nil && (in.State.Name == "terminated" || in.State.Name == "shutting-down") {
				continue
			}
			v := b.vpcs[in.VpcId]
			if v == nil {
				continue
			}
			var ips []string
			have := map[string]bool{}
			addIP := func(ip string) {
				if ip != "" && !have[ip] && inVPC(v, ip) {
					have[ip] = true
					ips = append(ips, ip)
				}
			}
			addIP(in.PrivateIpAddress)
			enis := append([]eniShape(nil), in.NetworkInterfaces...)
			sort.SliceStable(enis, func(i, j int) bool { return deviceIndex(enis[i]) < deviceIndex(enis[j]) })
			for _, e := range enis {
				addIP(e.PrivateIpAddress)
				for _, p := range e.PrivateIpAddresses {
					addIP(p.PrivateIpAddress)
				}
			}
			if len(ips) == 0 {
				continue // stopped and pending instances without an address answer no name
			}
			v.Instances = append(v.Instances, config.InstanceFile{ID: in.InstanceId, PrivateIPs: ips})
		}
	}
}

func deviceIndex(e eniShape) int {
	if e.Attachment != nil && e.Attachment.DeviceIndex != nil {
		return *e.Attachment.DeviceIndex
	}
	return 1 << 20
}

func (b *builder) buildPeerings() {
	for _, a := range b.accts {
		for _, p := range a.peerings {
			if _, dup := b.peerings[p.VpcPeeringConnectionId]; dup {
				continue
			}
			switch p.Status.Code {
			case "deleted", "deleting", "rejected", "failed", "expired":
				continue // gone: it connects nothing
			}
			req, acc := p.RequesterVpcInfo, p.AccepterVpcInfo
			missing := ""
			for _, side := range []peeringSide{req, acc} {
				if b.vpcs[side.VpcId] == nil {
					missing = side.VpcId
					if side.OwnerId != "" {
						missing += " (account " + side.OwnerId + ")"
					}
					if side.Region != "" && side.Region != b.region {
						missing += " in " + side.Region
					}
					break
				}
			}
			if missing != "" {
				b.unmodel("vpc-peering", p.VpcPeeringConnectionId, owner(req.OwnerId, a), "peers with vpc "+missing+", which import did not read")
				continue
			}
			pf := &config.PeeringFile{ID: p.VpcPeeringConnectionId, RequesterVPC: req.VpcId, AccepterVPC: acc.VpcId}
			if req.PeeringOptions != nil && req.PeeringOptions.AllowDnsResolutionFromRemoteVpc != nil {
				pf.RequesterAllowDNSResolution = req.PeeringOptions.AllowDnsResolutionFromRemoteVpc
				pf.AllowDNSResolution = pf.AllowDNSResolution || *req.PeeringOptions.AllowDnsResolutionFromRemoteVpc
			}
			if acc.PeeringOptions != nil && acc.PeeringOptions.AllowDnsResolutionFromRemoteVpc != nil {
				pf.AccepterAllowDNSResolution = acc.PeeringOptions.AllowDnsResolutionFromRemoteVpc
				pf.AllowDNSResolution = pf.AllowDNSResolution || *acc.PeeringOptions.AllowDnsResolutionFromRemoteVpc
			}
			if p.Status.Code != "" && p.Status.Code != "active" {
				pf.Status = p.Status.Code
			}
			b.peerings[pf.ID] = pf
		}
	}
}

// buildRemotes declares the VPN connections and Direct Connect gateways;
// their CIDR blocks are collected from the routes that lead to them.
func (b *builder) buildRemotes() {
	for _, a := range b.accts {
		for _, v := range a.vpns {
			if _, dup := b.remotes[v.VpnConnectionId]; dup || v.State == "deleted" || v.State == "deleting" {
				continue
			}
			rf := &config.RemoteFile{ID: v.VpnConnectionId, Type: "vpn", VPNGateway: v.VpnGatewayId, OwnerAccount: a.id}
			up := false
			for _, t := range v.VgwTelemetry {
				st := lower(t.Status)
				rf.Tunnels = append(rf.Tunnels, config.TunnelFile{OutsideIP: t.OutsideIpAddress, Status: st})
				up = up || st == "up"
			}
			if len(v.VgwTelemetry) == 0 {
				up = true // no telemetry reported: the connection's state decides
			}
			rf.State = "down"
			if v.State == "available" && up {
				rf.State = "up"
			}
			for _, r := range v.Routes {
				if r.State == "" || r.State == "available" {
					b.addRemoteCIDR(rf.ID, r.DestinationCidrBlock)
				}
			}
			b.remotes[rf.ID] = rf
		}
		for _, d := range a.dxGateways {
			if _, dup := b.remotes[d.DirectConnectGatewayId]; dup || d.DirectConnectGatewayState == "deleted" || d.DirectConnectGatewayState == "deleting" {
				continue
			}
			rf := &config.RemoteFile{ID: d.DirectConnectGatewayId, Type: "direct_connect", OwnerAccount: owner(d.OwnerAccount, a), State: "down"}
			if d.DirectConnectGatewayState == "available" {
				rf.State = "up"
			}
			b.remotes[rf.ID] = rf
		}
	}
}

func (b *builder) addRemoteCIDR(remote, cidr string) {
	if cidr == "" {
		return
	}
	m := b.remoteCIDRs[remote]
	if m == nil {
		m = map[string]bool{}
		b.remoteCIDRs[remote] = m
	}
	m[cidr] = true
}

// finishRemotes gives each remote network the CIDRs routed to it; one with
// none known cannot be modeled (its prefixes are learned over BGP and show
// only in route tables).
func (b *builder) finishRemotes() {
	// What a VPC routes to a virtual private gateway (static routes, and
	// those the gateway propagates) leads to its VPNs.
	for _, a := range b.accts {
		for _, rt := range a.routeTables {
			for _, r := range rt.Routes {
				if strings.HasPrefix(r.GatewayId, "vgw-") && r.State != "blackhole" {
					cidrs := []string{r.DestinationCidrBlock}
					if r.DestinationPrefixListId != "" {
						cidrs, _ = b.prefixCIDRs(r.DestinationPrefixListId)
					}
					for _, rn := range b.remotes {
						if rn.VPNGateway == r.GatewayId {
							for _, c := range cidrs {
								b.addRemoteCIDR(rn.ID, c)
							}
						}
					}
				}
			}
		}
	}
	for id, rf := range b.remotes {
		for c := range b.remoteCIDRs[id] {
			rf.CIDRBlocks = append(rf.CIDRBlocks, c)
		}
		sort.Strings(rf.CIDRBlocks)
		if len(rf.CIDRBlocks) == 0 {
			b.unmodel("remote-network", id, rf.OwnerAccount, "no prefix is known to be routed to this "+strings.ReplaceAll(rf.Type, "_", " ")+" (no static routes, no TGW or propagated routes to it)")
			delete(b.remotes, id)
		}
	}
}

func attachmentType(t string) string {
	switch t {
	case "vpc", "vpn", "connect", "peering":
		return t
	case "direct-connect-gateway":
		return "direct_connect_gateway"
	case "tgw-peering":
		return "peering"
	}
	return ""
}

func (b *builder) buildTGWs() {
	for _, a := range b.accts {
		for _, t := range a.tgws {
			if _, dup := b.tgws[t.TransitGatewayId]; dup || t.State == "deleted" || t.State == "deleting" {
				continue
			}
			b.tgws[t.TransitGatewayId] = &config.TGWFile{ID: t.TransitGatewayId, OwnerAccount: owner(t.OwnerId, a)}
		}
	}
	for _, a := range b.accts {
		for _, at := range a.tgwAttachments {
			if _, dup := b.tgwAttach[at.TransitGatewayAttachmentId]; dup {
				continue
			}
			b.tgwAttach[at.TransitGatewayAttachmentId] = at
		}
	}
	// TGW routes that lead to a VPN or DX attachment give that remote
	// network its prefixes.
	for _, a := range b.accts {
		for _, routes := range a.tgwRoutes {
			for _, r := range routes {
				for _, x := range r.TransitGatewayAttachments {
					if x.ResourceType == "vpn" || x.ResourceType == "direct-connect-gateway" {
						if r.DestinationCidrBlock != "" {
							b.addRemoteCIDR(x.ResourceId, r.DestinationCidrBlock)
						} else if cidrs, ok := b.prefixCIDRs(r.PrefixListId); ok {
							for _, c := range cidrs {
								b.addRemoteCIDR(x.ResourceId, c)
							}
						}
					}
				}
			}
		}
	}
}

// finishTGWs fills attachments and route tables, once remote networks are
// known (called from buildVGWs' caller order: after finishRemotes).
func (b *builder) finishTGWs() {
	attIDs := make([]string, 0, len(b.tgwAttach))
	for id := range b.tgwAttach {
		attIDs = append(attIDs, id)
	}
	sort.Strings(attIDs)
	modeledAtt := map[string]bool{}
	for _, id := range attIDs {
		at := b.tgwAttach[id]
		t := b.tgws[at.TransitGatewayId]
		if t == nil {
			continue
		}
		if at.State == "deleted" || at.State == "deleting" || at.State == "rejected" || at.State == "failed" {
			continue
		}
		typ := attachmentType(at.ResourceType)
		known := false
		switch typ {
		case "vpc":
			known = b.vpcs[at.ResourceId] != nil
		case "vpn", "direct_connect_gateway":
			known = b.remotes[at.ResourceId] != nil
		case "peering":
			known = true // the peer TGW's id is recorded as is
		}
		if typ == "" || typ == "connect" || !known {
			reason := "attaches " + at.ResourceType + " " + at.ResourceId + ", which import did not read or cannot model"
			b.unmodel("transit-gateway-attachment", id, owner(at.ResourceOwnerId, b.accts[0]), reason)
			continue
		}
		modeledAtt[id] = true
		af := config.TGWAttachmentFile{ID: id, ResourceType: typ, Resource: at.ResourceId}
		if at.State != "available" {
			af.State = at.State
		}
		if at.Association != nil && at.Association.State == "associated" {
			af.RouteTable = at.Association.TransitGatewayRouteTableId
		}
		t.Attachments = append(t.Attachments, af)
		if af.State == "" {
			switch typ {
			case "vpc":
				t.VPCAttachments = appendUnique(t.VPCAttachments, at.ResourceId)
			case "vpn", "direct_connect_gateway":
				t.RemoteNetworks = appendUnique(t.RemoteNetworks, at.ResourceId)
			}
		}
	}
	seen := map[string]bool{}
	for _, a := range b.accts {
		for _, rt := range a.tgwRouteTables {
			t := b.tgws[rt.TransitGatewayId]
			if t == nil || seen[rt.TransitGatewayRouteTableId] || rt.State == "deleted" || rt.State == "deleting" {
				continue
			}
			seen[rt.TransitGatewayRouteTableId] = true
			rf := config.TGWRouteTableFile{ID: rt.TransitGatewayRouteTableId}
			for _, p := range a.tgwPropagations[rt.TransitGatewayRouteTableId] {
				if p.State == "enabled" && modeledAtt[p.TransitGatewayAttachmentId] {
					rf.Propagations = appendUnique(rf.Propagations, p.TransitGatewayAttachmentId)
				}
			}
			for _, r := range a.tgwRoutes[rt.TransitGatewayRouteTableId] {
				route := config.TGWRouteFile{Destination: r.DestinationCidrBlock, DestinationPrefixList: r.PrefixListId}
				if r.DestinationCidrBlock != "" {
					route.DestinationPrefixList = ""
				} else if r.PrefixListId != "" {
					route.DestinationPrefixList = b.prefixRef(r.PrefixListId, t.OwnerAccount, "a route of "+rt.TransitGatewayRouteTableId)
				}
				if r.Type == "propagated" {
					route.Origin = "propagated"
				}
				if r.State == "blackhole" {
					route.Blackhole = true
				}
				ok := true
				for _, x := range r.TransitGatewayAttachments {
					if !modeledAtt[x.TransitGatewayAttachmentId] {
						ok = false
						b.unmodel("transit-gateway-route", rt.TransitGatewayRouteTableId+":"+r.DestinationCidrBlock+r.PrefixListId, t.OwnerAccount,
							"leads to attachment "+x.TransitGatewayAttachmentId+" ("+x.ResourceType+" "+x.ResourceId+"), which is not modeled")
						continue
					}
					route.Attachments = append(route.Attachments, x.TransitGatewayAttachmentId)
				}
				if ok {
					rf.Routes = append(rf.Routes, route)
				}
			}
			t.RouteTables = append(t.RouteTables, rf)
		}
	}
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func (b *builder) buildVGWs() {
	b.finishTGWs()
	for _, a := range b.accts {
		for _, g := range a.vgws {
			if _, dup := b.vgws[g.VpnGatewayId]; dup || g.State == "deleted" || g.State == "deleting" {
				continue
			}
			gf := &config.VGWFile{ID: g.VpnGatewayId, OwnerAccount: a.id}
			for _, at := range g.VpcAttachments {
				if at.State == "attached" && b.vpcs[at.VpcId] != nil {
					gf.VPC = at.VpcId
				}
			}
			for _, rn := range sortedRemotes(b.remotes) {
				if rn.VPNGateway == g.VpnGatewayId {
					gf.RemoteNetworks = append(gf.RemoteNetworks, rn.ID)
				}
			}
			b.vgws[gf.ID] = gf
		}
	}
	// A VPN whose gateway was not read keeps no dangling reference.
	for _, rn := range b.remotes {
		if rn.VPNGateway != "" && b.vgws[rn.VPNGateway] == nil {
			rn.VPNGateway = ""
		}
	}
}

func sortedRemotes(m map[string]*config.RemoteFile) []*config.RemoteFile {
	out := make([]*config.RemoteFile, 0, len(m))
	for _, r := range m {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (b *builder) buildEndpoints() {
	for _, a := range b.accts {
		for _, e := range a.endpoints {
			if _, dup := b.endpoints[e.Id]; dup {
				continue
			}
			v := b.vpcs[e.HostVPCId]
			if v == nil {
				b.unmodel("resolver-endpoint", e.Id, a.id, "is in vpc "+e.HostVPCId+", which import did not read")
				continue
			}
			ef := &config.EndpointFile{ID: e.Id, Name: e.Name, Direction: lower(e.Direction), VPC: e.HostVPCId, OwnerAccount: a.id,
				SecurityGroups: append([]string(nil), e.SecurityGroupIds...)}
			for _, ip := range a.endpointIPs[e.Id] {
				if ip.Status == "DELETING" || ip.Status == "FAILED_CREATION" || ip.Ip == "" {
					continue
				}
				if b.subnets[ip.SubnetId] != e.HostVPCId {
					continue
				}
				ef.IPAddresses = append(ef.IPAddresses, config.EndpointIPFile{Subnet: ip.SubnetId, IP: ip.Ip})
			}
			if len(ef.IPAddresses) < 2 {
				b.unmodel("resolver-endpoint", e.Id, a.id, fmt.Sprintf("has %d IPv4 address(es) that import could read; vpcdns needs two or more", len(ef.IPAddresses)))
				continue
			}
			b.endpoints[e.Id] = ef
		}
	}
}

func (b *builder) buildVPCEndpoints() {
	for _, a := range b.accts {
		for _, e := range a.vpces {
			if _, dup := b.vpces[e.VpcEndpointId]; dup {
				continue
			}
			if e.State == "deleted" || e.State == "deleting" || e.State == "rejected" || e.State == "failed" {
				continue
			}
			typ := map[string]string{"Interface": "interface", "Gateway": "gateway", "GatewayLoadBalancer": "gateway_load_balancer"}[e.VpcEndpointType]
			if typ == "" || b.vpcs[e.VpcId] == nil {
				b.unmodel("vpc-endpoint", e.VpcEndpointId, owner(e.OwnerId, a), "is a "+e.VpcEndpointType+" endpoint in vpc "+e.VpcId+", which vpcdns cannot model")
				continue
			}
			vf := &config.VPCEndpointFile{ID: e.VpcEndpointId, VPC: e.VpcId, OwnerAccount: owner(e.OwnerId, a), ServiceName: e.ServiceName,
				Type: typ, PrivateDNSEnabled: e.PrivateDnsEnabled, State: lower(e.State)}
			if e.PrivateDnsEnabled {
				if n := servicePrivateDNSName(e.ServiceName); n != "" {
					vf.PrivateDNSNames = []string{n}
				}
			}
			var groups []string
			for _, g := range e.Groups {
				groups = append(groups, g.GroupId)
			}
			vf.SecurityGroups = groups
			enis := a.vpceENIs[e.VpcEndpointId]
			sort.Slice(enis, func(i, j int) bool { return enis[i].SubnetId < enis[j].SubnetId })
			for _, n := range enis {
				if n.PrivateIpAddress != "" {
					vf.IPAddresses = append(vf.IPAddresses, config.EndpointIPFile{Subnet: n.SubnetId, IP: n.PrivateIpAddress})
				}
			}
			b.vpces[vf.ID] = vf
		}
	}
}

// servicePrivateDNSName is the private DNS name of an AWS service's
// endpoint service: com.amazonaws.us-east-1.ssm -> ssm.us-east-1.amazonaws.com.
// Other services (PrivateLink services of other accounts) name theirs in
// DescribeVpcEndpointServices, which import does not read: empty.
func servicePrivateDNSName(service string) string {
	parts := strings.Split(service, ".")
	if len(parts) < 4 || parts[0] != "com" || parts[1] != "amazonaws" {
		return ""
	}
	region, svc := parts[2], strings.Join(parts[3:], ".")
	return svc + "." + region + ".amazonaws.com"
}

func protocol(p string) string {
	switch lower(p) {
	case "-1", "all":
		return "all"
	case "tcp", "6":
		return "tcp"
	case "udp", "17":
		return "udp"
	}
	return ""
}

func (b *builder) buildSGs() {
	// The groups that will be modeled, so that a rule may name one that
	// comes later in the list.
	for _, a := range b.accts {
		for _, g := range a.sgs {
			if b.vpcs[g.VpcId] != nil {
				b.sgModeled[g.GroupId] = true
			}
		}
	}
	for _, a := range b.accts {
		for _, g := range a.sgs {
			if _, dup := b.sgs[g.GroupId]; dup {
				continue
			}
			if b.vpcs[g.VpcId] == nil {
				continue // the VPC is listed or not read; its groups protect nothing modeled
			}
			sf := &config.SGFile{ID: g.GroupId, VPC: g.VpcId, OwnerAccount: owner(g.OwnerId, a)}
			sf.Egress = b.sgRules(g.GroupId, sf.OwnerAccount, "egress", g.IpPermissionsEgress)
			sf.Ingress = b.sgRules(g.GroupId, sf.OwnerAccount, "ingress", g.IpPermissions)
			b.sgs[g.GroupId] = sf
		}
	}
}

// sgRules converts permissions. A rule by prefix list becomes one rule per
// CIDR of the list; a rule by security group one rule per address of the
// network interfaces import saw in that group (both as AWS evaluates them).
func (b *builder) sgRules(group, acct, dir string, perms []permission) []config.SGRuleFile {
	var out []config.SGRuleFile
	for _, p := range perms {
		proto := protocol(p.IpProtocol)
		if proto == "" {
			continue // ICMP and other protocols carry no DNS
		}
		base := config.SGRuleFile{Protocol: proto}
		if proto != "all" {
			base.FromPort, base.ToPort = p.FromPort, p.ToPort
			if base.FromPort != nil && *base.FromPort == -1 {
				base.FromPort, base.ToPort = nil, nil
			}
		}
		for _, r := range p.IpRanges {
			x := base
			x.CIDR, x.Description = r.CidrIp, r.Description
			out = append(out, x)
		}
		for _, r := range p.Ipv6Ranges {
			x := base
			x.CIDR, x.Description = r.CidrIpv6, r.Description
			out = append(out, x)
		}
		for _, pl := range p.PrefixListIds {
			x := base
			x.PrefixList, x.Description = b.prefixRef(pl.PrefixListId, acct, "a rule of "+group), pl.Description
			out = append(out, x)
		}
		for _, ug := range p.UserIdGroupPairs {
			if !b.sgModeled[ug.GroupId] {
				b.unmodel("security-group-rule", group+":"+dir+":"+ug.GroupId, acct, "allows security group "+ug.GroupId+" (account "+ug.UserId+"), which import did not read or cannot model (its vpc was not read)")
				continue
			}
			x := base
			x.SecurityGroup, x.Description = ug.GroupId, ug.Description
			out = append(out, x)
		}
	}
	return out
}

func (b *builder) buildACLs() {
	seen := map[string]bool{}
	for _, a := range b.accts {
		for _, acl := range a.acls {
			if seen[acl.NetworkAclId] || b.vpcs[acl.VpcId] == nil {
				continue
			}
			seen[acl.NetworkAclId] = true
			af := config.ACLFile{ID: acl.NetworkAclId, VPC: acl.VpcId}
			for _, e := range acl.Entries {
				if e.RuleNumber < 1 || e.RuleNumber > 32766 {
					continue // 32767 is the final deny, which vpcdns applies by itself
				}
				proto := protocol(e.Protocol)
				if proto == "" {
					continue // ICMP and other protocols carry no DNS
				}
				ef := config.ACLEntryFile{RuleNumber: e.RuleNumber, Egress: e.Egress, Protocol: proto, CIDR: e.CidrBlock, Action: lower(e.RuleAction)}
				if ef.CIDR == "" {
					ef.CIDR = e.Ipv6CidrBlock
				}
				if proto != "all" && e.PortRange != nil {
					ef.FromPort, ef.ToPort = e.PortRange.From, e.PortRange.To
				}
				af.Entries = append(af.Entries, ef)
			}
			sort.SliceStable(af.Entries, func(i, j int) bool {
				x, y := af.Entries[i], af.Entries[j]
				if x.Egress != y.Egress {
					return x.Egress
				}
				return x.RuleNumber < y.RuleNumber
			})
			b.f.NetworkACLs = append(b.f.NetworkACLs, af)
		}
	}
}

func (b *builder) buildRouteTables() {
	for _, a := range b.accts {
		for _, rt := range a.routeTables {
			v := b.vpcs[rt.VpcId]
			if _, dup := b.rtbs[rt.RouteTableId]; dup || v == nil {
				continue
			}
			tf := &config.RouteTblFile{ID: rt.RouteTableId, VPC: rt.VpcId}
			dests := map[string]bool{}
			for _, c := range v.CIDRBlocks {
				dests[c] = true
			}
			acct := owner(rt.OwnerId, a)
			for _, r := range rt.Routes {
				if r.GatewayId == "local" {
					continue // the VPC's own blocks are routed local without saying so
				}
				target, reason := b.routeTarget(v, r)
				if reason != "" {
					b.unmodel("route", rt.RouteTableId+":"+r.DestinationCidrBlock+r.DestinationIpv6CidrBlock+r.DestinationPrefixListId, acct, reason)
					continue
				}
				rf := config.RouteFile{Target: target}
				if r.Origin == "EnableVgwRoutePropagation" {
					rf.Origin = "propagated"
				}
				switch {
				case r.DestinationPrefixListId != "":
					// As AWS holds it: one route to the list, whose entries
					// the model expands (or, unread, makes unknown).
					if dests["pl:"+r.DestinationPrefixListId] {
						continue
					}
					dests["pl:"+r.DestinationPrefixListId] = true
					rf.DestinationPrefixList = b.prefixRef(r.DestinationPrefixListId, acct, "a route of "+rt.RouteTableId)
				default:
					c := r.DestinationCidrBlock
					if c == "" {
						c = r.DestinationIpv6CidrBlock
					}
					if c == "" || dests[c] {
						continue // a copy already routes it (or it is the VPC's own block)
					}
					dests[c] = true
					rf.Destination = c
				}
				tf.Routes = append(tf.Routes, rf)
			}
			b.rtbs[tf.ID] = tf
		}
	}
}

// routeTarget maps a route's target to a network.yaml target, or says why
// it cannot.
func (b *builder) routeTarget(v *config.VPCFile, r routeShape) (string, string) {
	if r.State == "blackhole" {
		return "blackhole", ""
	}
	switch {
	case r.TransitGatewayId != "":
		t := b.tgws[r.TransitGatewayId]
		if t == nil {
			return "", "routes to transit gateway " + r.TransitGatewayId + ", which import did not read"
		}
		for _, id := range t.VPCAttachments {
			if id == v.ID {
				return t.ID, ""
			}
		}
		return "", "routes to transit gateway " + r.TransitGatewayId + ", which has no available attachment for vpc " + v.ID
	case r.VpcPeeringConnectionId != "":
		if b.peerings[r.VpcPeeringConnectionId] == nil {
			return "", "routes to vpc peering " + r.VpcPeeringConnectionId + ", which is not modeled"
		}
		return r.VpcPeeringConnectionId, ""
	case strings.HasPrefix(r.GatewayId, "vgw-"):
		g := b.vgws[r.GatewayId]
		switch {
		case g == nil:
			return "", "routes to virtual private gateway " + r.GatewayId + ", which import did not read"
		case g.VPC != v.ID:
			return "", "routes to virtual private gateway " + g.ID + ", which is not attached to " + v.ID
		case len(g.RemoteNetworks) == 0:
			return "", "routes to virtual private gateway " + g.ID + ", which leads to no modeled remote network (its VPN connections and Direct Connect gateways were not read or are not modeled)"
		}
		// The gateway itself, as AWS routes: the model picks the remote
		// network behind it whose CIDRs hold the destination.
		return g.ID, ""
	}
	kinds := []struct{ id, kind string }{
		{r.GatewayId, "internet gateway"}, {r.NatGatewayId, "NAT gateway"}, {r.NetworkInterfaceId, "network interface"},
		{r.InstanceId, "instance"}, {r.EgressOnlyInternetGatewayId, "egress-only internet gateway"},
		{r.LocalGatewayId, "local gateway"}, {r.CarrierGatewayId, "carrier gateway"}, {r.CoreNetworkArn, "Cloud WAN core network"},
	}
	for _, k := range kinds {
		if k.id != "" {
			kind := k.kind
			if strings.HasPrefix(k.id, "vpce-") {
				kind = "Gateway Load Balancer or Network Firewall endpoint"
			}
			return "", "routes to " + kind + " " + k.id + ", which vpcdns cannot model: a path through it is unknown"
		}
	}
	return "", "has a target import does not recognise"
}

func (b *builder) buildRules() {
	// A rule shared through RAM is listed in every account it is shared
	// with: the owner's copy wins.
	type found struct {
		r ruleShape
		a *account
	}
	byID := map[string]found{}
	var ids []string
	for _, a := range b.accts {
		for _, r := range a.rules {
			if r.RuleType == "RECURSIVE" {
				continue // the autodefined internet rule, built in
			}
			prev, ok := byID[r.Id]
			if !ok {
				ids = append(ids, r.Id)
			}
			if !ok || (prev.r.OwnerId != prev.a.id && r.OwnerId == a.id) {
				byID[r.Id] = found{r, a}
			}
		}
	}
	assoc := map[string][]string{}
	for _, a := range b.accts {
		for _, as := range a.ruleAssocs {
			if as.Status == "FAILED" || as.Status == "DELETING" {
				continue
			}
			if b.vpcs[as.VPCId] != nil {
				assoc[as.ResolverRuleId] = appendUnique(assoc[as.ResolverRuleId], as.VPCId)
			}
		}
	}
	for _, id := range ids {
		fr := byID[id]
		r := fr.r
		rf := &config.RuleFile{ID: r.Id, Name: r.Name, RuleType: lower(r.RuleType), DomainName: strings.TrimSuffix(r.DomainName, "."),
			OwnerAccount: owner(r.OwnerId, fr.a), ShareStatus: lower(r.ShareStatus)}
		if rf.DomainName == "" {
			rf.DomainName = "."
		}
		if rf.ShareStatus == "not_shared" {
			rf.ShareStatus = ""
		}
		if rf.RuleType == "forward" {
			if b.endpoints[r.ResolverEndpointId] == nil {
				b.unmodel("resolver-rule", r.Id, rf.OwnerAccount, "forwards through outbound endpoint "+r.ResolverEndpointId+", which is not modeled (read its owner account "+rf.OwnerAccount+" too, with --role-arn)")
				continue
			}
			rf.ResolverEndpoint = r.ResolverEndpointId
			for _, t := range r.TargetIps {
				ip := t.Ip
				if ip == "" {
					ip = t.Ipv6
				}
				if ip == "" {
					continue
				}
				tf := config.TargetIPFile{IP: ip}
				if t.Port != nil && *t.Port != 53 {
					tf.Port = t.Port
				}
				rf.TargetIPs = append(rf.TargetIPs, tf)
			}
			if len(rf.TargetIPs) == 0 {
				b.unmodel("resolver-rule", r.Id, rf.OwnerAccount, "is a forward rule without target addresses")
				continue
			}
		}
		rf.VPCs = assoc[r.Id]
		sort.Strings(rf.VPCs)
		b.rules[r.Id] = rf
	}
}

func (b *builder) buildResolverConfigs() {
	for _, a := range b.accts {
		for _, c := range a.resolverConfigs {
			v := b.vpcs[c.ResourceId]
			if v == nil {
				continue
			}
			switch c.AutodefinedReverse {
			case "ENABLE", "ENABLED", "ENABLING":
				v.AutodefinedReverse = "enable"
			case "DISABLE", "DISABLED", "DISABLING":
				v.AutodefinedReverse = "disable"
			}
		}
	}
}

func (b *builder) buildQueryLogs() {
	vpcsOf := map[string][]string{}
	for _, a := range b.accts {
		for _, as := range a.queryLogAssocs {
			if as.Status == "FAILED" || as.Status == "DELETING" {
				continue
			}
			if b.vpcs[as.ResourceId] != nil {
				vpcsOf[as.ResolverQueryLogConfigId] = appendUnique(vpcsOf[as.ResolverQueryLogConfigId], as.ResourceId)
			}
		}
	}
	seen := map[string]bool{}
	for _, a := range b.accts {
		for _, q := range a.queryLogs {
			if seen[q.Id] {
				continue
			}
			seen[q.Id] = true
			vpcs := vpcsOf[q.Id]
			if len(vpcs) == 0 {
				b.unmodel("query-log-config", q.Id, owner(q.OwnerId, a), "is associated with no vpc that import read")
				continue
			}
			sort.Strings(vpcs)
			b.f.QueryLogging = append(b.f.QueryLogging, config.QueryLogFile{ID: q.Id, Destination: "stdout", DestinationARN: q.DestinationArn,
				VPCs: vpcs, OwnerAccount: owner(q.OwnerId, a)})
		}
	}
}

func (b *builder) buildProfiles() {
	vpcsOf := map[string][]string{}
	for _, a := range b.accts {
		for _, as := range a.profileAssocs {
			if as.Status == "DELETING" || as.Status == "FAILED" {
				continue
			}
			if b.vpcs[as.ResourceId] != nil {
				vpcsOf[as.ProfileId] = appendUnique(vpcsOf[as.ProfileId], as.ResourceId)
			}
		}
	}
	seen := map[string]bool{}
	for _, a := range b.accts {
		for _, p := range a.profiles {
			if seen[p.Id] {
				continue
			}
			seen[p.Id] = true
			pf := config.ProfileFile{ID: p.Id, Name: p.Name, OwnerAccount: owner(p.OwnerId, a), ShareStatus: lower(p.ShareStatus)}
			if pf.ShareStatus == "not_shared" {
				pf.ShareStatus = ""
			}
			for _, r := range a.profileResources[p.Id] {
				if r.Status == "DELETING" || r.Status == "FAILED" {
					continue
				}
				id := r.ResourceArn[strings.LastIndexByte(r.ResourceArn, '/')+1:]
				switch r.ResourceType {
				case "AWS::Route53Resolver::ResolverRule":
					if b.rules[id] == nil {
						b.unmodel("profile-resource", p.Id+":"+id, pf.OwnerAccount, "resolver rule "+id+" of the profile is not modeled")
						continue
					}
					pf.ResolverRules = append(pf.ResolverRules, id)
				case "AWS::Route53::HostedZone":
					if b.zones[id] == nil {
						b.unmodel("profile-resource", p.Id+":"+id, pf.OwnerAccount, "private hosted zone "+id+" of the profile is not modeled")
						continue
					}
					pf.PrivateHostedZones = append(pf.PrivateHostedZones, id)
				case "AWS::EC2::VPCEndpoint":
					if b.vpces[id] == nil {
						b.unmodel("profile-resource", p.Id+":"+id, pf.OwnerAccount, "vpc endpoint "+id+" of the profile is not modeled")
						continue
					}
					pf.VPCEndpoints = append(pf.VPCEndpoints, id)
				case "AWS::Route53Resolver::FirewallRuleGroup":
					pf.FirewallRuleGroups = append(pf.FirewallRuleGroups, id)
				default:
					b.unmodel("profile-resource", p.Id+":"+id, pf.OwnerAccount, "is a "+r.ResourceType+", which vpcdns cannot model")
				}
			}
			sort.Strings(pf.ResolverRules)
			sort.Strings(pf.PrivateHostedZones)
			sort.Strings(pf.VPCEndpoints)
			sort.Strings(pf.FirewallRuleGroups)
			pf.VPCs = vpcsOf[p.Id]
			sort.Strings(pf.VPCs)
			b.f.Profiles = append(b.f.Profiles, pf)
		}
	}
}

// collect writes the maps into the file, every list sorted by id.
func (b *builder) collect() {
	f := b.f
	for _, v := range sortedValues(b.vpcs) {
		sort.Slice(v.Subnets, func(i, j int) bool { return v.Subnets[i].ID < v.Subnets[j].ID })
		sort.Slice(v.Instances, func(i, j int) bool { return v.Instances[i].ID < v.Instances[j].ID })
		f.VPCs = append(f.VPCs, *v)
	}
	for _, p := range sortedValues(b.peerings) {
		f.VPCPeerings = append(f.VPCPeerings, *p)
	}
	for _, t := range sortedValues(b.tgws) {
		sort.Strings(t.VPCAttachments)
		sort.Strings(t.RemoteNetworks)
		sort.Slice(t.RouteTables, func(i, j int) bool { return t.RouteTables[i].ID < t.RouteTables[j].ID })
		f.TransitGateways = append(f.TransitGateways, *t)
	}
	for _, r := range sortedValues(b.remotes) {
		f.RemoteNetworks = append(f.RemoteNetworks, *r)
	}
	for _, g := range sortedValues(b.vgws) {
		f.VPNGateways = append(f.VPNGateways, *g)
	}
	for _, g := range sortedValues(b.sgs) {
		f.SecurityGroups = append(f.SecurityGroups, *g)
	}
	sort.Slice(f.NetworkACLs, func(i, j int) bool { return f.NetworkACLs[i].ID < f.NetworkACLs[j].ID })
	for _, t := range sortedValues(b.rtbs) {
		f.RouteTables = append(f.RouteTables, *t)
	}
	for _, e := range sortedValues(b.endpoints) {
		e.SecurityGroups = b.keepSGs(e.SecurityGroups, e.VPC)
		f.Endpoints = append(f.Endpoints, *e)
	}
	for _, r := range sortedValues(b.rules) {
		f.Rules = append(f.Rules, *r)
	}
	for _, z := range sortedValues(b.zones) {
		f.HostedZones = append(f.HostedZones, *z)
	}
	for _, e := range sortedValues(b.vpces) {
		e.SecurityGroups = b.keepSGs(e.SecurityGroups, e.VPC)
		f.VPCEndpoints = append(f.VPCEndpoints, *e)
	}
	sort.Slice(f.PrefixLists, func(i, j int) bool { return f.PrefixLists[i].ID < f.PrefixLists[j].ID })
	sort.Slice(f.DHCPOptionSets, func(i, j int) bool { return f.DHCPOptionSets[i].ID < f.DHCPOptionSets[j].ID })
	sort.Slice(f.QueryLogging, func(i, j int) bool { return f.QueryLogging[i].ID < f.QueryLogging[j].ID })
	sort.Slice(f.Profiles, func(i, j int) bool { return f.Profiles[i].ID < f.Profiles[j].ID })
	// Subnets keep only modeled route tables and ACLs.
	for i := range f.VPCs {
		v := &f.VPCs[i]
		if v.MainRouteTable != "" && b.rtbs[v.MainRouteTable] == nil {
			v.MainRouteTable = ""
		}
		for j := range v.Subnets {
			s := &v.Subnets[j]
			if s.RouteTable != "" && b.rtbs[s.RouteTable] == nil {
				s.RouteTable = ""
			}
		}
	}
	for _, u := range b.unmodeled {
		f.Unmodeled = append(f.Unmodeled, u)
	}
	sort.Slice(f.Unmodeled, func(i, j int) bool {
		x, y := f.Unmodeled[i], f.Unmodeled[j]
		if x.Kind != y.Kind {
			return x.Kind < y.Kind
		}
		return x.ID < y.ID
	})
}

// keepSGs keeps the security groups that are modeled and in vpc.
func (b *builder) keepSGs(ids []string, vpc string) []string {
	var out []string
	for _, id := range ids {
		if g := b.sgs[id]; g != nil && g.VPC == vpc {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

func sortedValues[T any](m map[string]*T) []*T {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*T, 0, len(keys))
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}

// unescapeName turns Route 53's octal escapes (\052 for *) back into
// characters.
func unescapeName(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
