package config

import (
	"net/netip"
)

// Defaults of network.yaml (network-yaml.md, in brackets there).
const (
	DefaultAccountID      = "000000000000"
	DefaultRegion         = "us-east-1"
	DefaultTargetPort     = 53
	DefaultRecordTTL      = 300
	DefaultAttemptTimeout = "1s"
	DefaultTotalTimeout   = "3s"
	DefaultCacheEntries   = 100000
	DefaultServeStale     = "1h"
)

// Validate checks the whole file and builds the Network it describes, with
// every default applied. An invalid file gives no Network and an error of
// type Problems listing every problem found (behaviour.md §9), each with
// its field path. filename labels the problems; baseDir is where relative
// paths (zone_file, query log files) are read from.
//
// Validate reads the zone files the file names; nothing else is touched.
func Validate(f *File, filename, baseDir string) (*Network, error) {
	if f == nil {
		f = &File{}
	}
	b := &builder{
		c:       &collector{file: filename},
		f:       f,
		baseDir: baseDir,
		ids:     make(map[string]registered),
		unsure:  make(map[any]bool),
		n:       &Network{},
	}
	b.build()
	if err := b.c.err(); err != nil {
		return nil, err
	}
	return b.n, nil
}

// builder holds the state of one Validate run.
type builder struct {
	c       *collector
	f       *File
	baseDir string
	n       *Network
	ids     map[string]registered // every id in the file → its object
	listens []listenUse           // every socket the network serves, in file order
	later   []func()              // checks that need every section built
	// unsure marks objects whose own definition has a reported problem
	// that makes checks of their users meaningless.
	unsure map[any]bool
	// addrs holds, per VPC, the private addresses in use (instances,
	// endpoint ENIs) and what uses them.
	addrs map[*VPC]map[netip.Addr]string
	// zoneSets are the routing-policy record sets of the zone being built.
	zoneSets []RecordSetChoice
}

// registered is an object with an id and where it was declared.
type registered struct {
	obj  any
	path string
}

// listenUse is a socket and what serves on it.
type listenUse struct {
	ap     netip.AddrPort
	owner  string // "vpc vpc-app", "inbound endpoint rslvr-in-app", …
	shared bool   // a VPC resolver socket, which several VPCs may share (§1)
}

func (b *builder) build() {
	b.top()
	b.declare()
	b.declareAccounts()
	b.dhcpOptionSets()
	b.prefixLists()
	b.unmodeled()
	b.vpcs()
	b.vpcAccounts()
	b.peerings()
	b.peeringAccounts()
	b.transitGateways()
	b.tgwAttachments()
	b.remoteNetworks()
	b.vpnGateways()
	b.remoteAccounts()
	b.securityGroups()
	b.networkACLs()
	b.routeTables()
	b.endpoints()
	b.endpointAccounts()
	b.rules()
	b.ruleAccounts()
	b.hostedZones()
	b.publicZones()
	b.zoneAccounts()
	b.vpcEndpoints()
	b.profiles()
	b.internet()
	b.queryLogs()
	b.queryLogAccounts()
	b.emulation()
	b.limits()
	b.firewall()
	for _, check := range b.later {
		check()
	}
}

func (b *builder) top() {
	b.n.AccountID = DefaultAccountID
	if s := b.f.AccountID; s != "" {
		if !validAccount(s) {
			b.c.add("account_id", s, "is not a 12-digit AWS account id")
		}
		b.n.AccountID = s
	}
	b.n.Region = DefaultRegion
	if s := b.f.Region; s != "" {
		if !validRegion(s) {
			b.c.add("region", s, "is not an AWS region name (e.g. us-east-1)")
		}
		b.n.Region = s
	}
}

// declare creates an object for every entry that has an id and registers
// the ids, so that references can be resolved in any order. Ids are unique
// across the whole file.
func (b *builder) declare() {
	f, n := b.f, b.n
	for i, vf := range f.VPCs {
		at := index("vpcs", i)
		v := &VPC{ID: vf.ID}
		n.VPCs = append(n.VPCs, v)
		b.register(field(at, "id"), vf.ID, v)
		for j, sf := range vf.Subnets {
			s := &Subnet{ID: sf.ID, VPC: v}
			v.Subnets = append(v.Subnets, s)
			b.register(field(index(field(at, "subnets"), j), "id"), sf.ID, s)
		}
		for j, inf := range vf.Instances {
			in := &Instance{ID: inf.ID, VPC: v}
			v.Instances = append(v.Instances, in)
			b.register(field(index(field(at, "instances"), j), "id"), inf.ID, in)
		}
	}
	n.Peerings = declareAll(b, "vpc_peerings", f.VPCPeerings, func(x PeeringFile) string { return x.ID }, func(id string) *Peering { return &Peering{ID: id} })
	n.TransitGateways = declareAll(b, "transit_gateways", f.TransitGateways, func(x TGWFile) string { return x.ID }, func(id string) *TransitGateway { return &TransitGateway{ID: id} })
	n.RemoteNetworks = declareAll(b, "remote_networks", f.RemoteNetworks, func(x RemoteFile) string { return x.ID }, func(id string) *RemoteNetwork { return &RemoteNetwork{ID: id} })
	n.SecurityGroups = declareAll(b, "security_groups", f.SecurityGroups, func(x SGFile) string { return x.ID }, func(id string) *SecurityGroup { return &SecurityGroup{ID: id} })
	n.NetworkACLs = declareAll(b, "network_acls", f.NetworkACLs, func(x ACLFile) string { return x.ID }, func(id string) *NetworkACL { return &NetworkACL{ID: id} })
	n.RouteTables = declareAll(b, "route_tables", f.RouteTables, func(x RouteTblFile) string { return x.ID }, func(id string) *RouteTable { return &RouteTable{ID: id} })
	n.Endpoints = declareAll(b, "resolver_endpoints", f.Endpoints, func(x EndpointFile) string { return x.ID }, func(id string) *Endpoint { return &Endpoint{ID: id} })
	n.Rules = declareAll(b, "resolver_rules", f.Rules, func(x RuleFile) string { return x.ID }, func(id string) *Rule { return &Rule{ID: id} })
	for i, x := range f.HostedZones {
		o := &HostedZone{ID: x.ID}
		n.HostedZones = append(n.HostedZones, o)
		if x.ID != "" { // optional: derived from the name when absent
			b.register(field(index("private_hosted_zones", i), "id"), x.ID, o)
		}
	}
	for i, x := range f.PublicZones {
		o := &HostedZone{ID: x.ID, Public: true}
		n.PublicZones = append(n.PublicZones, o)
		if x.ID != "" {
			b.register(field(index("public_hosted_zones", i), "id"), x.ID, o)
		}
	}
	for i, x := range f.QueryLogging {
		o := &QueryLog{ID: x.ID}
		n.QueryLogs = append(n.QueryLogs, o)
		b.register(field(index("query_logging", i), "id"), x.ID, o)
	}
	if f.Emulation != nil {
		for i, x := range f.Emulation.AuthServers {
			o := &AuthServer{ID: x.ID}
			n.Emulation.AuthServers = append(n.Emulation.AuthServers, o)
			b.register(field(index("emulation.authoritative_servers", i), "id"), x.ID, o)
		}
	}
}

// register records id as the id of obj, declared at path at.
// declareAll creates one object per entry of a top-level list and registers
// its id.
func declareAll[F, T any](b *builder, key string, entries []F, id func(F) string, mk func(string) *T) []*T {
	out := make([]*T, 0, len(entries))
	for i, x := range entries {
		o := mk(id(x))
		out = append(out, o)
		b.register(field(index(key, i), "id"), id(x), o)
	}
	return out
}

func (b *builder) register(at, id string, obj any) {
	if !b.required(at, id) {
		return
	}
	if prev, ok := b.ids[id]; ok {
		b.c.add(at, id, "is already the id of "+kindOf(prev.obj)+" "+prev.path)
		return
	}
	b.ids[id] = registered{obj: obj, path: parentPath(at)}
}

// ref resolves a reference to an object of type T (kind names it in
// messages). It reports a missing, unknown or wrongly typed id and returns
// the zero T then.
func ref[T any](b *builder, at, id, kind string) (T, bool) {
	var zero T
	if !b.required(at, id) {
		return zero, false
	}
	r, ok := b.ids[id]
	if !ok {
		b.c.add(at, id, "is not the id of any "+kind)
		return zero, false
	}
	obj, ok := r.obj.(T)
	if !ok {
		b.c.add(at, id, "is the id of "+kindOf(r.obj)+" "+r.path+", not of a "+kind)
		return zero, false
	}
	return obj, true
}

// refList resolves a list of references, reporting an id listed twice.
func refList[T comparable](b *builder, at string, ids []string, kind string) []T {
	var out []T
	seen := make(map[string]int, len(ids))
	for i, id := range ids {
		p := index(at, i)
		if j, dup := seen[id]; dup && id != "" {
			b.c.add(p, id, sprintf("is listed twice (also %s)", index(at, j)))
			continue
		}
		seen[id] = i
		if o, ok := ref[T](b, p, id, kind); ok {
			out = append(out, o)
		}
	}
	return out
}

// kindOf names the kind of a registered object for messages.
func kindOf(obj any) string {
	switch obj.(type) {
	case *VPC:
		return "vpc"
	case *Subnet:
		return "subnet"
	case *Instance:
		return "instance"
	case *Peering:
		return "vpc peering"
	case *TransitGateway:
		return "transit gateway"
	case *RemoteNetwork:
		return "remote network"
	case *SecurityGroup:
		return "security group"
	case *NetworkACL:
		return "network acl"
	case *RouteTable:
		return "route table"
	case *Endpoint:
		return "resolver endpoint"
	case *Rule:
		return "resolver rule"
	case *HostedZone:
		return "private hosted zone"
	case *QueryLog:
		return "query logging config"
	case *AuthServer:
		return "authoritative server"
	case *FirewallDomainList:
		return "firewall domain list"
	case *FirewallRuleGroup:
		return "firewall rule group"
	case *FirewallAssociation:
		return "firewall rule group association"
	case *FirewallConfig:
		return "firewall config"
	case *DHCPOptions:
		return "dhcp option set"
	case *PrefixList:
		return "prefix list"
	case *VPNGateway:
		return "vpn gateway"
	case *VPCEndpoint:
		return "vpc endpoint"
	case *Profile:
		return "route 53 profile"
	case *Unmodeled:
		return "unmodeled resource"
	case *TGWAttachment:
		return "transit gateway attachment"
	case *TGWRouteTable:
		return "transit gateway route table"
	}
	return "object"
}

// listen checks and claims the sockets of one owner. VPC resolver sockets
// (shared) may be shared by VPCs; any other socket belongs to one owner.
func (b *builder) listen(at string, list []string, owner string, shared bool) []netip.AddrPort {
	var out []netip.AddrPort
	mine := make(map[netip.AddrPort]bool)
	for i, s := range list {
		p := index(at, i)
		ap, ok := b.addrPort(p, s)
		if !ok {
			continue
		}
		if mine[ap] {
			b.c.add(p, s, "is listed twice")
			continue
		}
		mine[ap] = true
		if other, clash := b.listenClash(ap, shared); clash {
			b.c.add(p, s, "is already a listen address of "+other)
			continue
		}
		b.listens = append(b.listens, listenUse{ap: ap, owner: owner, shared: shared})
		out = append(out, ap)
	}
	return out
}

// listenClash finds a socket already claimed that ap cannot share: the same
// address and port (unless both are VPC resolver sockets), or the same port
// on the unspecified address of the same family.
func (b *builder) listenClash(ap netip.AddrPort, shared bool) (string, bool) {
	for _, use := range b.listens {
		other := use.ap
		if other.Port() != ap.Port() {
			continue
		}
		if other == ap {
			if shared && use.shared {
				continue
			}
			return use.owner, true
		}
		sameFamily := other.Addr().Is4() == ap.Addr().Is4()
		if sameFamily && (other.Addr().IsUnspecified() || ap.Addr().IsUnspecified()) {
			return use.owner, true
		}
	}
	return "", false
}

// claimAddr records that a private address of vpc is used by what; it
// reports an address used twice.
func (b *builder) claimAddr(at string, vpc *VPC, a netip.Addr, what string) {
	if b.addrs == nil {
		b.addrs = make(map[*VPC]map[netip.Addr]string)
	}
	m := b.addrs[vpc]
	if m == nil {
		m = make(map[netip.Addr]string)
		b.addrs[vpc] = m
	}
	if prev, ok := m[a]; ok {
		b.c.add(at, a.String(), "is already the address of "+prev)
		return
	}
	m[a] = what
}
