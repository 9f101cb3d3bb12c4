package store

// The side records of the hybrid-network resources of the EC2 API
// (transit gateways, their attachments and route tables, customer
// gateways, virtual private gateways, VPN connections). What network.yaml
// holds of them (transit_gateways, remote_networks, vpn_gateways) is
// rebuilt from these records by the EC2 handlers; a customer gateway, and
// a VPN connection that no prefix is routed to yet, live here only.

// Id prefixes of the hybrid resources.
const (
	PrefixTGW        = "tgw-"
	PrefixTGWAttach  = "tgw-attach-"
	PrefixTGWRT      = "tgw-rtb-"
	PrefixCustomerGW = "cgw-"
	PrefixVPNGateway = "vgw-"
	PrefixVPN        = "vpn-"
)

// Object kinds of the hybrid resources. Reconcile keeps their records: the
// EC2 handlers drop them when the resource is deleted.
const (
	KindTransitGateway = "transit-gateway"
	KindTGWAttachment  = "transit-gateway-attachment"
	KindTGWRouteTable  = "transit-gateway-route-table"
	KindCustomerGW     = "customer-gateway"
	KindVPNGateway     = "vpn-gateway"
	KindVPNConnection  = "vpn-connection"
)

// keptKinds are the kinds whose records stay when the network does not
// hold the resource.
var keptKinds = map[string]bool{
	KindTransitGateway: true, KindTGWAttachment: true, KindTGWRouteTable: true,
	KindCustomerGW: true, KindVPNGateway: true, KindVPNConnection: true,
}

// Hybrid is what the EC2 API knows of a hybrid resource beyond
// network.yaml: its options as requested, and for a route table the
// virtual private gateways that propagate into it.
type Hybrid struct {
	// Transit gateway.
	AmazonSideASN  int64  `json:"amazon_side_asn,omitempty"`
	DefaultAssoc   bool   `json:"default_association,omitempty"`
	DefaultProp    bool   `json:"default_propagation,omitempty"`
	DefaultRT      string `json:"default_route_table,omitempty"`
	DNSSupport     string `json:"dns_support,omitempty"`
	VPNECMPSupport string `json:"vpn_ecmp_support,omitempty"`
	AutoAccept     string `json:"auto_accept,omitempty"`
	// Transit gateway attachment and route table: the transit gateway; an
	// attachment's VPC and subnets.
	TGW     string   `json:"transit_gateway,omitempty"`
	VPC     string   `json:"vpc,omitempty"`
	Subnets []string `json:"subnets,omitempty"`
	// Customer gateway.
	BGPASN     string `json:"bgp_asn,omitempty"`
	IPAddress  string `json:"ip_address,omitempty"`
	DeviceName string `json:"device_name,omitempty"`
	// Customer gateway, VPN gateway, VPN connection: ipsec.1.
	Type string `json:"type,omitempty"`
	// VPN gateway.
	AvailabilityZone string `json:"availability_zone,omitempty"`
	// VPN connection: its customer gateway, its virtual private gateway or
	// transit gateway (TGW, with the attachment made for it), its static
	// routes (CreateVpnConnectionRoute) and options.
	CustomerGateway  string   `json:"customer_gateway,omitempty"`
	VPNGateway       string   `json:"vpn_gateway,omitempty"`
	Attachment       string   `json:"attachment,omitempty"`
	StaticRoutes     []string `json:"static_routes,omitempty"`
	StaticRoutesOnly bool     `json:"static_routes_only,omitempty"`
	LocalIPv4CIDR    string   `json:"local_ipv4_cidr,omitempty"`
	RemoteIPv4CIDR   string   `json:"remote_ipv4_cidr,omitempty"`
	// VPC route table: the VGWs whose routes propagate into it
	// (EnableVgwRoutePropagation).
	PropagatingVGWs []string `json:"propagating_vgws,omitempty"`
}
