package store

import (
	"strconv"
	"strings"
	"time"

	"github.com/vpcdns/vpcdns/internal/config"
)

// Reconcile brings the side records in line with the network: every
// resource and association of the network gets its record (with a derived
// id when it came from network.yaml), and the records of what the network
// no longer holds are dropped. Records of resources that live only in Meta
// (a peering waiting for acceptance, a query logging configuration) stay.
func Reconcile(st *State, n *config.Network, now time.Time) {
	m := &st.Meta
	if m.Objects == nil {
		m.Objects = map[string]*Object{}
	}
	if m.Assocs == nil {
		m.Assocs = map[string]*Assoc{}
	}
	f := &st.File
	live := map[string]bool{}
	assocs := map[string]bool{}
	obj := func(id, kind string) *Object {
		live[id] = true
		o := m.Objects[id]
		if o == nil {
			o = &Object{Kind: kind, Created: now, Modified: now}
			m.Objects[id] = o
		}
		return o
	}
	assoc := func(prefix, kind string, parts ...string) *Assoc {
		k := AssocKey(kind, parts...)
		assocs[k] = true
		a := m.Assocs[k]
		if a == nil {
			a = &Assoc{ID: DerivedID(prefix, k), Created: now}
			m.Assocs[k] = a
		}
		return a
	}

	for _, v := range f.VPCs {
		o := obj(v.ID, KindVPC)
		if o.ResolverConfig == "" {
			o.ResolverConfig = derived(PrefixConfig, "resolver-config|"+v.ID, shortHexLen)
		}
		if o.DNSSECConfig == "" {
			o.DNSSECConfig = derived(PrefixDNSSEC, "dnssec-config|"+v.ID, shortHexLen)
		}
		if v.MainRouteTable != "" {
			o.MainRouteTable = v.MainRouteTable
		} else if o.MainRouteTable == "" {
			o.MainRouteTable = DerivedID(PrefixRouteTable, "main|"+v.ID)
		}
		if o.DefaultACL == "" {
			o.DefaultACL = DerivedID(PrefixACL, "default|"+v.ID)
		}
		live[o.MainRouteTable] = true
		live[o.DefaultACL] = true
		if o.DefaultSG != "" {
			live[o.DefaultSG] = true
		}
		assoc(PrefixRTBAssoc, AssocMainRoute, v.ID)
		for _, c := range v.CIDRBlocks {
			assoc(PrefixCIDRAssoc, AssocCIDR, v.ID, c)
		}
		for _, in := range v.Instances {
			obj(in.ID, KindInstance)
		}
		for _, s := range v.Subnets {
			obj(s.ID, KindSubnet)
			assoc(PrefixACLAssoc, AssocACL, s.ID)
			if s.RouteTable != "" {
				assoc(PrefixRTBAssoc, AssocRouteTable, s.ID)
			}
		}
	}
	for _, x := range f.SecurityGroups {
		o := obj(x.ID, KindSecurityGroup)
		keys := map[string]bool{}
		for _, r := range x.Egress {
			keys[RuleKey(true, r)] = true
		}
		for _, r := range x.Ingress {
			keys[RuleKey(false, r)] = true
		}
		for k := range o.RuleIDs {
			if !keys[k] {
				delete(o.RuleIDs, k)
			}
		}
		for k := range keys {
			if _, ok := o.RuleIDs[k]; !ok {
				if o.RuleIDs == nil {
					o.RuleIDs = map[string]string{}
				}
				o.RuleIDs[k] = DerivedID(PrefixSGRule, x.ID+"|"+k)
			}
		}
	}
	for _, x := range f.NetworkACLs {
		obj(x.ID, KindNetworkACL)
	}
	for _, x := range f.RouteTables {
		obj(x.ID, KindRouteTable)
	}
	for _, x := range f.VPCPeerings {
		o := obj(x.ID, KindPeering)
		o.Requester, o.Accepter, o.Status = x.RequesterVPC, x.AccepterVPC, "active"
		switch {
		case x.RequesterAllowDNSResolution != nil || x.AccepterAllowDNSResolution != nil:
			// The file says each side (docs/network-yaml-accounts.md).
			o.RequesterDNS = deref(x.RequesterAllowDNSResolution, x.AllowDNSResolution)
			o.AccepterDNS = deref(x.AccepterAllowDNSResolution, x.AllowDNSResolution)
		case x.AllowDNSResolution != (o.RequesterDNS || o.AccepterDNS):
			o.RequesterDNS, o.AccepterDNS = x.AllowDNSResolution, x.AllowDNSResolution
		}
	}
	for _, x := range f.Endpoints {
		obj(x.ID, KindEndpoint)
		for _, a := range x.IPAddresses {
			assoc(PrefixENI, AssocEndpointIP, x.ID, a.IP)
		}
	}
	for _, x := range f.Rules {
		obj(x.ID, KindRule)
		for _, v := range x.VPCs {
			assoc(PrefixRuleAssoc, AssocRule, x.ID, v)
		}
	}
	for _, x := range f.QueryLogging {
		o := obj(x.ID, KindQueryLog)
		o.Destination = x.Destination
		if o.DestinationArn == "" {
			o.DestinationArn = "arn:aws:logs:" + n.Region + ":" + n.AccountID + ":log-group:vpcdns-" + strings.ReplaceAll(x.Destination, ":", "-")
		}
		for _, v := range x.VPCs {
			assoc(PrefixQLAssoc, AssocQueryLog, x.ID, v)
		}
	}
	for _, z := range n.HostedZones {
		obj(z.ID, KindHostedZone)
	}
	for _, z := range n.PublicZones {
		obj(z.ID, KindHostedZone)
	}
	for _, x := range f.FirewallDomainLists {
		obj(x.ID, KindFirewallList)
	}
	for _, g := range f.FirewallRuleGroups {
		obj(g.ID, KindFirewallGroup)
		for _, r := range g.Rules {
			obj(FirewallRuleKey(g.ID, r.DomainList, strings.ToUpper(r.Qtype)), KindFirewallRule)
		}
	}
	for _, a := range n.Firewall.Associations {
		obj(a.ID, KindFirewallAssoc)
	}

	for _, x := range f.DHCPOptionSets {
		obj(x.ID, KindDHCPOptions)
	}
	for _, x := range f.PrefixLists {
		if o := obj(x.ID, KindPrefixList); o.Version == 0 {
			o.Version = 1
		}
	}
	for _, x := range f.VPCEndpoints {
		obj(x.ID, KindVPCEndpoint)
	}
	for _, p := range f.Profiles {
		obj(p.ID, KindProfile)
		for _, v := range p.VPCs {
			// The association's tags, when it has any, are an object
			// under its id.
			live[assoc(PrefixProfAssoc, AssocProfile, p.ID, v).ID] = true
		}
		for _, ids := range [][]string{p.ResolverRules, p.PrivateHostedZones, p.VPCEndpoints, p.FirewallRuleGroups} {
			for _, id := range ids {
				assoc(PrefixProfRes, AssocProfileRes, p.ID, id)
			}
		}
	}

	for id, o := range m.Objects {
		if live[id] {
			continue
		}
		switch {
		case o.Kind == KindQueryLog, o.Kind == KindPeering && o.Status != "active",
			o.Kind == KindInternetGW, o.Kind == KindNATGateway, keptKinds[o.Kind], o.Kind == KindResourceShare,
			o.Kind == KindInstance && o.State == "terminated": // listed as terminated, as AWS does for a while
		case o.Kind == KindZoneQueryLog, o.Kind == KindVPCAuth:
			if !live[o.HostedZone] {
				delete(m.Objects, id) // its zone is gone
			}
		default:
			delete(m.Objects, id)
		}
	}
	for k := range m.Assocs {
		if !assocs[k] {
			delete(m.Assocs, k)
		}
	}
}

// RuleKey identifies one permission of a security group.
func RuleKey(egress bool, r config.SGRuleFile) string {
	dir := "in"
	if egress {
		dir = "out"
	}
	from, to := "", ""
	if r.FromPort != nil {
		from = strconv.Itoa(*r.FromPort)
	}
	if r.ToPort != nil {
		to = strconv.Itoa(*r.ToPort)
	}
	k := dir + "|" + r.Protocol + "|" + from + "|" + to + "|" + r.CIDR
	// A rule for a prefix list or a group: the keys of CIDR rules stay as
	// they were, so their derived ids do not change.
	if r.PrefixList != "" {
		k += "|pl:" + r.PrefixList
	}
	if r.SecurityGroup != "" {
		k += "|sg:" + r.SecurityGroup
	}
	return k
}

// deref returns *p, or def when p is nil.
func deref(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}
