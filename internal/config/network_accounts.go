package config

import (
	"net/netip"
	"slices"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// The types below give meaning to the keys of a network read from a real
// account (docs/network-yaml-accounts.md). A hand-written file needs none
// of them: every one has a default that keeps the simpler model.

// AmazonProvidedDNS is the DHCP domain-name-servers value that sends
// instances to the VPC resolver.
const AmazonProvidedDNS = "AmazonProvidedDNS"

// DHCPOptions is a DHCP option set.
type DHCPOptions struct {
	ID           string
	OwnerAccount string
	DomainName   string
	// Servers are the domain-name-servers as written, in order: either
	// AmazonProvidedDNS or an address (Addrs holds the parsed ones).
	Servers []string
	Addrs   []netip.Addr
	// Amazon is set when the servers name AmazonProvidedDNS (or when none
	// are given: the default).
	Amazon bool
}

// BypassesResolver reports whether instances of vpc that use the option set
// never ask the VPC resolver: no server is AmazonProvidedDNS, the VPC's
// base+2 address or the link-local resolver addresses.
func (o *DHCPOptions) BypassesResolver(vpc *VPC) bool {
	if o == nil || o.Amazon {
		return false
	}
	for _, a := range o.Addrs {
		if IsVPCResolverAddr(vpc, a) {
			return false
		}
	}
	return true
}

// IsVPCResolverAddr reports whether a is an address at which instances of vpc
// reach the VPC resolver: the primary CIDR's base + 2, 169.254.169.253 or
// fd00:ec2::253.
func IsVPCResolverAddr(vpc *VPC, a netip.Addr) bool {
	a = a.Unmap()
	if a == linkLocalResolver4 || a == linkLocalResolver6 {
		return true
	}
	return vpc != nil && len(vpc.CIDRs) > 0 && a == vpc.ResolverAddr()
}

var (
	linkLocalResolver4 = netip.MustParseAddr("169.254.169.253")
	linkLocalResolver6 = netip.MustParseAddr("fd00:ec2::253")
)

// PrefixList is a managed prefix list.
type PrefixList struct {
	ID           string
	Name         string
	OwnerAccount string
	CIDRs        []netip.Prefix
}

// VPNGateway is a virtual private gateway attached to a VPC.
type VPNGateway struct {
	ID             string
	VPC            *VPC
	OwnerAccount   string
	RemoteNetworks []*RemoteNetwork // listed, and those naming it as vpn_gateway
}

// TGWAttachment is one attachment of a transit gateway.
type TGWAttachment struct {
	ID   string
	TGW  *TransitGateway
	Type string // vpc | vpn | direct_connect_gateway | peering | connect
	// Exactly one of VPC, Remote and PeerTGW is set for the types vpc,
	// vpn/direct_connect_gateway and peering; connect attachments and
	// resources listed as unmodeled have none (Unmodeled is then set when
	// the resource is listed under unmodeled:).
	VPC        *VPC
	Remote     *RemoteNetwork
	PeerTGW    *TransitGateway
	Unmodeled  *Unmodeled
	ResourceID string
	Available  bool
	RouteTable *TGWRouteTable // the associated route table; nil: none
}

// TGWRouteTable is one route table of a transit gateway.
type TGWRouteTable struct {
	ID           string
	TGW          *TransitGateway
	Propagations []*TGWAttachment
	Routes       []TGWRoute
}

// TGWRoute is one route of a TGW route table. A route to a prefix list
// has one TGWRoute per CIDR of the list (PrefixList set); a route to a
// prefix list that cannot be resolved has Unresolved set and no
// destination.
type TGWRoute struct {
	Destination netip.Prefix
	PrefixList  *PrefixList
	Unresolved  *Unmodeled
	Attachments []*TGWAttachment
	Blackhole   bool
	Propagated  bool
}

// VPCEndpoint is a VPC endpoint.
type VPCEndpoint struct {
	ID           string
	VPC          *VPC
	OwnerAccount string
	ServiceName  string
	Type         string // interface | gateway | gateway_load_balancer
	PrivateDNS   bool
	// Names are the names its hidden private zone answers, each the apex of
	// one hidden zone; Wildcard[i] says the name was written "*.name" (the
	// zone answers every name below the apex, not the apex itself).
	Names     []dnsname.Name
	Wildcard  []bool
	Addresses []EndpointAddr
	// IPv6 are the endpoint's IPv6 addresses, answered for AAAA.
	IPv6           []netip.Addr
	SecurityGroups []*SecurityGroup
	Available      bool
}

// AnswersPrivateDNS reports whether the endpoint's hidden zone answers in
// the VPCs it applies to: an available interface endpoint with private DNS.
func (e *VPCEndpoint) AnswersPrivateDNS() bool {
	return e.Type == "interface" && e.PrivateDNS && e.Available && len(e.Names) > 0
}

// Profile is a Route 53 Profile.
type Profile struct {
	ID           string
	Name         string
	OwnerAccount string
	ShareStatus  string
	Rules        []*Rule
	HostedZones  []*HostedZone
	VPCEndpoints []*VPCEndpoint
	VPCs         []*VPC
}

// Unmodeled is a resource an import read but vpcdns cannot model.
type Unmodeled struct {
	ID      string
	Kind    string
	Reason  string
	Account string
}

// ShareStatus values of a Resolver rule or a Profile (AWS ShareStatus).
const (
	NotShared    = "not_shared"
	SharedWithMe = "shared_with_me"
	SharedByMe   = "shared_by_me"
)

// Peering status that carries traffic.
const PeeringActive = "active"

// ResolvesPeerNames reports whether the VPC c resolves the private names of
// its peer over p: the peering is active and the peer's side allows DNS
// resolution from the remote VPC (AllowDnsResolutionFromRemoteVpc of the
// peer's PeeringConnectionOptions).
func (p *Peering) ResolvesPeerNames(c *VPC) bool {
	if !p.CarriesTraffic() {
		return false
	}
	switch c {
	case p.Requester:
		return p.AccepterDNS
	case p.Accepter:
		return p.RequesterDNS
	}
	return false
}

// CarriesTraffic reports whether the peering is active: only an active
// peering connection routes packets and joins the VPCs for DNS. A Peering
// built without a status is active.
func (p *Peering) CarriesTraffic() bool { return p.Status == "" || p.Status == PeeringActive }

// Peer returns the other VPC of p, or nil when c is not one of its VPCs.
func (p *Peering) Peer(c *VPC) *VPC {
	switch c {
	case p.Requester:
		return p.Accepter
	case p.Accepter:
		return p.Requester
	}
	return nil
}

// HasAttachment reports whether vpc is attached to t, through
// vpc_attachments or an attachment in any state (a route to a transit
// gateway whose attachment is not available is valid and carries nothing).
func (t *TransitGateway) HasAttachment(vpc *VPC) bool {
	if slices.Contains(t.VPCs, vpc) {
		return true
	}
	for _, a := range t.Attachments {
		if a.VPC == vpc {
			return true
		}
	}
	return false
}

// AllCIDRs returns the VPC's IPv4 and IPv6 CIDRs: the addresses that are
// "in the VPC" for routes and gateways.
func (v *VPC) AllCIDRs() []netip.Prefix {
	if len(v.IPv6CIDRs) == 0 {
		return v.CIDRs
	}
	out := make([]netip.Prefix, 0, len(v.CIDRs)+len(v.IPv6CIDRs))
	return append(append(out, v.CIDRs...), v.IPv6CIDRs...)
}

// MultiAccount reports whether resources of the network belong to more than
// one account (explain then shows owner accounts).
func (n *Network) MultiAccount() bool { return len(n.accounts) > 1 }

// UnmodeledByID returns the unmodeled resource with that id, or nil.
func (n *Network) UnmodeledByID(id string) *Unmodeled {
	for _, u := range n.Unmodeled {
		if u.ID == id {
			return u
		}
	}
	return nil
}
