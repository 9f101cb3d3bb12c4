package config

import (
	"net/netip"
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
	// InternetForwarders are where the built-in "." rule forwards; empty
	// means SERVFAIL for public names.
	InternetForwarders []netip.AddrPort
	QueryLogs          []*QueryLog
	Emulation          Emulation
	// Firewall is the DNS Firewall of the network (network_firewall.go).
	Firewall Firewall
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
	RouteTable       *RouteTable // the subnet's table, or the VPC's main one; may be nil
	NetworkACL       *NetworkACL // nil means the default ACL: allow all
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
	ID                 string
	Requester          *VPC
	Accepter           *VPC
	AllowDNSResolution bool
}

// TransitGateway joins VPCs and remote networks.
type TransitGateway struct {
	ID             string
	VPCs           []*VPC
	RemoteNetworks []*RemoteNetwork
}

// RemoteNetwork is a network outside AWS reached over VPN or Direct Connect.
type RemoteNetwork struct {
	ID    string
	Type  string // "vpn" or "direct_connect"
	CIDRs []netip.Prefix
	Up    bool
}

// SecurityGroup is a stateful set of permissions attached to an endpoint.
type SecurityGroup struct {
	ID      string
	VPC     *VPC
	Egress  []SGRule
	Ingress []SGRule
}

// SGRule is one permission of a security group.
type SGRule struct {
	Protocol Protocol
	Ports    PortRange
	CIDR     netip.Prefix
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
}

// HostedZone is a private hosted zone. Records include the SOA (first) and
// the apex NS set: Route 53's own for a zone built from records (unless the
// records hold an apex SOA or NS set), those of the zone file otherwise.
type HostedZone struct {
	ID      string // as written, or derived from the name (see ZoneFile.ID)
	Name    dnsname.Name
	VPCs    []*VPC
	Records []dns.RR
}

// QueryLog is a query logging configuration.
type QueryLog struct {
	ID           string
	Destination  string // "stdout" or an absolute file path (file:PATH, relative to the network file)
	VPCs         []*VPC
	LogCacheHits bool
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
