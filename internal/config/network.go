package config

import (
	"net/netip"
	"slices"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// Network is a validated network description with every value parsed and
// every default applied. It is produced only by Validate (or Load), so code
// that holds one may rely on its invariants: ids are unique, every reference
// names an existing resource, and addresses, names and ports are valid.
// Slices keep the order of the file. A Network is never modified after it is
// built.
type Network struct {
	AccountID string
	Region    string

	VPCs            []*VPC
	Peerings        []*Peering
	TransitGateways []*TransitGateway
	RemoteNetworks  []*RemoteNetwork
	SecurityGroups  []*SecurityGroup
	NetworkACLs     []*NetworkACL
	RouteTables     []*RouteTable
	Endpoints       []*Endpoint
	Rules           []*Rule
	HostedZones     []*HostedZone
	// PublicZones are the public hosted zones (no VPCs), answered on the
	// internet path of every VPC (behaviour.md §5 "internet").
	PublicZones []*HostedZone
	// InternetForwarders are where the built-in "." rule forwards; empty
	// means SERVFAIL for public names.
	InternetForwarders []netip.AddrPort
	QueryLogs          []*QueryLog
	Emulation          Emulation
	// Firewall is the DNS Firewall of the network (network_firewall.go).
	Firewall Firewall

	// Read from real accounts (network_accounts.go).
	DHCPOptionSets []*DHCPOptions
	PrefixLists    []*PrefixList
	VPNGateways    []*VPNGateway
	VPCEndpoints   []*VPCEndpoint
	Profiles       []*Profile
	Unmodeled      []*Unmodeled
	accounts       map[string]bool // every owner account of the network
}

// Protocol is a transport protocol of a security group rule, a network ACL
// entry or a path check.
type Protocol uint8

const (
	ProtoAll Protocol = iota
	ProtoUDP
	ProtoTCP
)

func (p Protocol) String() string {
	switch p {
	case ProtoUDP:
		return "udp"
	case ProtoTCP:
		return "tcp"
	}
	return "all"
}

// Matches reports whether a rule for p covers traffic of protocol q.
func (p Protocol) Matches(q Protocol) bool { return p == ProtoAll || p == q }

// PortRange is an inclusive range of ports. A rule of protocol all covers
// every port: PortRange{0, 65535}.
type PortRange struct{ From, To uint16 }

// Contains reports whether port lies in the range.
func (r PortRange) Contains(port uint16) bool { return r.From <= port && port <= r.To }

// AllPorts is the range a protocol-all rule or a rule without ports covers.
var AllPorts = PortRange{0, 65535}

// VPC is one VPC with its DNS settings and its subnets.
type VPC struct {
	ID                 string
	CIDRs              []netip.Prefix // the first is the primary
	Region             string
	DNSSupport         bool
	DNSHostnames       bool
	AutodefinedReverse bool
	// PTRAssignedOnly limits autodefined PTR answers to declared instances'
	// addresses (ptr_records: assigned).
	PTRAssignedOnly bool
	ResolverListen  []netip.AddrPort
	MainRouteTable  *RouteTable // nil when none is declared
	Subnets         []*Subnet
	Instances       []*Instance
	Tags            map[string]string
	// OwnerAccount is the account that owns the VPC [account_id].
	OwnerAccount string
	// IPv6CIDRs are the VPC's IPv6 blocks: in the VPC for routes and
	// gateways, no autodefined reverse zone (behaviour.md §4).
	IPv6CIDRs []netip.Prefix
	// DHCPOptions is the VPC's DHCP option set; nil: AmazonProvidedDNS.
	DHCPOptions *DHCPOptions
	// Profile is the Route 53 Profile associated with the VPC, or nil.
	Profile *Profile
}

// ResolverAddr is the VPC resolver's address: the primary CIDR's base + 2.
func (v *VPC) ResolverAddr() netip.Addr {
	a := v.CIDRs[0].Masked().Addr()
	return a.Next().Next()
}

// Subnet is one subnet of a VPC.
type Subnet struct {
	ID               string
	VPC              *VPC
	CIDR             netip.Prefix
	AvailabilityZone string
	RouteTable       *RouteTable  // the subnet's table, or the VPC's main one; may be nil
	NetworkACL       *NetworkACL  // nil means the default ACL: allow all
	IPv6CIDR         netip.Prefix // invalid when the subnet has none
}

// Instance is a declared EC2 instance.
type Instance struct {
	ID          string
	VPC         *VPC
	PrivateIPs  []netip.Addr // the first is the primary
	ExpectedQPS int          // 0: not stated
}

// Peering is a VPC peering connection.
type Peering struct {
	ID        string
	Requester *VPC
	Accepter  *VPC
	// AllowDNSResolution is set when either side allows DNS resolution.
	AllowDNSResolution bool
	// RequesterDNS: the requester lets the accepter resolve its private
	// names; AccepterDNS the other way round.
	RequesterDNS, AccepterDNS bool
	// Status is the peering's state [active]; see CarriesTraffic.
	Status string
}

// TransitGateway joins VPCs and remote networks.
type TransitGateway struct {
	ID             string
	VPCs           []*VPC // vpc_attachments and available vpc attachments
	RemoteNetworks []*RemoteNetwork
	OwnerAccount   string
	Attachments    []*TGWAttachment
	// RouteTables, when any, route as AWS does: the source attachment's
	// associated table decides. Without any, every attachment reaches
	// every other one.
	RouteTables []*TGWRouteTable
}

// RemoteNetwork is a network outside AWS reached over VPN or Direct Connect.
type RemoteNetwork struct {
	ID    string
	Type  string // "vpn" or "direct_connect"
	CIDRs []netip.Prefix
	Up    bool // state up and, when tunnels are listed, a tunnel up
	// TunnelsDown is set when tunnels are listed and none is up.
	TunnelsDown  bool
	VPNGateway   *VPNGateway
	OwnerAccount string
}

// SecurityGroup is a stateful set of permissions attached to an endpoint.
type SecurityGroup struct {
	ID           string
	VPC          *VPC
	Egress       []SGRule
	Ingress      []SGRule
	OwnerAccount string
}

// SGRule is one permission of a security group.
type SGRule struct {
	Protocol Protocol
	Ports    PortRange
	// CIDR is invalid for a rule by security group or by a prefix list
	// that cannot be resolved; a rule by prefix list has one SGRule per
	// CIDR of the list, each with PrefixList set.
	CIDR       netip.Prefix
	PrefixList *PrefixList
	Group      *SecurityGroup // a rule that references a security group
	Unresolved *Unmodeled     // a prefix list listed under unmodeled
}

// NetworkACL is a stateless subnet filter.
type NetworkACL struct {
	ID      string
	VPC     *VPC
	Entries []ACLEntry // sorted by rule number; first match decides
}

// ACLEntry is one entry of a network ACL.
type ACLEntry struct {
	RuleNumber int
	Egress     bool
	Protocol   Protocol
	Ports      PortRange
	CIDR       netip.Prefix
	Allow      bool
}

// RouteTable is a VPC route table.
type RouteTable struct {
	ID     string
	VPC    *VPC
	Routes []Route
}

// RouteTargetKind says what a route leads to.
type RouteTargetKind uint8

const (
	TargetLocal RouteTargetKind = iota
	TargetPeering
	TargetTransitGateway
	TargetRemoteNetwork
	TargetBlackhole
	TargetVPNGateway
	TargetInternetGateway // igw-…, eigw-…
	TargetNATGateway      // nat-…
	TargetUnmodeled       // a target listed under unmodeled:
)

// Route is one route; exactly one of the target pointers is set for a
// peering, transit gateway or remote network target.
type Route struct {
	Destination netip.Prefix
	TargetID    string // as written; "local" for the implicit VPC routes
	Kind        RouteTargetKind
	Peering     *Peering
	TGW         *TransitGateway
	Remote      *RemoteNetwork
	VGW         *VPNGateway
	Unmodeled   *Unmodeled
	// PrefixList is set on the routes of a destination_prefix_list (one
	// per CIDR); Unresolved on the one route of a prefix list listed under
	// unmodeled (it has no destination).
	PrefixList *PrefixList
	Unresolved *Unmodeled
	Propagated bool
}

// Endpoint is a Route 53 Resolver endpoint.
type Endpoint struct {
	ID             string
	Name           string
	Outbound       bool
	VPC            *VPC
	SecurityGroups []*SecurityGroup
	Addresses      []EndpointAddr
	Listen         []netip.AddrPort // inbound only
	ExpectedQPS    int              // 0: not stated
	OwnerAccount   string
}

// EndpointAddr is one ENI of an endpoint.
type EndpointAddr struct {
	Subnet *Subnet
	IP     netip.Addr
}

// RuleType is forward or system.
type RuleType uint8

const (
	RuleForward RuleType = iota
	RuleSystem
)

func (t RuleType) String() string {
	if t == RuleSystem {
		return "system"
	}
	return "forward"
}

// Rule is a customer Resolver rule.
type Rule struct {
	ID       string
	Name     string
	Type     RuleType
	Domain   dnsname.Name
	Endpoint *Endpoint // forward rules only
	Targets  []netip.AddrPort
	VPCs     []*VPC
	// OwnerAccount owns the rule; ShareStatus is not_shared,
	// shared_with_me or shared_by_me.
	OwnerAccount string
	ShareStatus  string
	// Profiles are the Route 53 Profiles that hold the rule.
	Profiles []*Profile
}

// AllVPCs returns the VPCs the rule applies to: those associated with it
// and those of the Route 53 Profiles that hold it, without repeats.
func (r *Rule) AllVPCs() []*VPC {
	if len(r.Profiles) == 0 {
		return r.VPCs
	}
	out := append([]*VPC(nil), r.VPCs...)
	for _, p := range r.Profiles {
		for _, v := range p.VPCs {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// HostedZone is a private hosted zone. Records include the SOA (first) and
// the apex NS set: Route 53's own for a zone built from records (unless the
// records hold an apex SOA or NS set), those of the zone file otherwise.
type HostedZone struct {
	ID      string // as written, or derived from the name (see ZoneFile.ID)
	Name    dnsname.Name
	VPCs    []*VPC
	Records []dns.RR
	// OwnerAccount owns the zone; its VPCs may be other accounts'.
	OwnerAccount string
	// Public is a public hosted zone (public_hosted_zones): no VPCs.
	Public bool
	// Sets lists each name and type that has several record sets
	// (set_identifier): the identifier answered and the others.
	Sets []RecordSetChoice
}

// RecordSetChoice is a name and type that has several record sets, each
// with a set_identifier: vpcdns answers the first (see docs).
type RecordSetChoice struct {
	Name     dnsname.Name
	Type     uint16
	Answered string
	Others   []string
}

// QueryLog is a query logging configuration.
type QueryLog struct {
	ID           string
	Destination  string // "stdout" or an absolute file path (file:PATH, relative to the network file)
	VPCs         []*VPC
	LogCacheHits bool
	// DestinationARN is the AWS destination of an imported config.
	DestinationARN string
	OwnerAccount   string
}

// Emulation is how the modeled network maps onto this machine.
type Emulation struct {
	// AddressMap sends traffic for a modeled address to where it really
	// answers; path checks always use the modeled address.
	AddressMap     map[netip.AddrPort]netip.AddrPort
	AttemptTimeout time.Duration // [1s]
	TotalTimeout   time.Duration // [3s]
	CacheEntries   int           // [100000]; 0 turns the cache off
	ServeStale     time.Duration // [1h]; 0 disables serve-stale
	AuthServers    []*AuthServer
	// SourceMap names the ENI each mapped local source address stands for
	// (an ENI id, or an instance id for that instance's primary ENI).
	SourceMap map[netip.Addr]string
	Limits    Limits
}

// AuthServer is an authoritative server vpcdns plays itself (emulation).
type AuthServer struct {
	ID     string
	Listen []netip.AddrPort
	Zones  []*AuthZone
}

// AuthZone is one zone of an emulated authoritative server. A zone built
// from records gets SOA "ns1.<zone> hostmaster.<zone> 1 3600 600 86400 60"
// and NS ns1.<zone> (TTL 3600) unless its records bring their own.
type AuthZone struct {
	Name    dnsname.Name
	Records []dns.RR // SOA first
}

// VPCByID returns the VPC with that id, or nil.
func (n *Network) VPCByID(id string) *VPC {
	for _, v := range n.VPCs {
		if v.ID == id {
			return v
		}
	}
	return nil
}
