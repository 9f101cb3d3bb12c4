// Package config holds the network description of vpcdns: the network.yaml
// schema (File, as written by people and by `vpcdns export`), its strict
// decoding, its whole-file validation, and the typed Network that validation
// produces. It does not resolve anything; the engine compiles a Network.
package config

// File is network.yaml as written: every key of docs/network-yaml.md,
// with the same names. Values stay as text here; Validate parses them once and
// reports every problem with its field path. Keep the yaml tags in sync with
// the spec: tests outside the project write these keys.
type File struct {
	AccountID       string         `yaml:"account_id,omitempty" json:"account_id,omitempty"`
	Region          string         `yaml:"region,omitempty" json:"region,omitempty"`
	VPCs            []VPCFile      `yaml:"vpcs,omitempty" json:"vpcs,omitempty"`
	VPCPeerings     []PeeringFile  `yaml:"vpc_peerings,omitempty" json:"vpc_peerings,omitempty"`
	TransitGateways []TGWFile      `yaml:"transit_gateways,omitempty" json:"transit_gateways,omitempty"`
	RemoteNetworks  []RemoteFile   `yaml:"remote_networks,omitempty" json:"remote_networks,omitempty"`
	SecurityGroups  []SGFile       `yaml:"security_groups,omitempty" json:"security_groups,omitempty"`
	NetworkACLs     []ACLFile      `yaml:"network_acls,omitempty" json:"network_acls,omitempty"`
	RouteTables     []RouteTblFile `yaml:"route_tables,omitempty" json:"route_tables,omitempty"`
	Endpoints       []EndpointFile `yaml:"resolver_endpoints,omitempty" json:"resolver_endpoints,omitempty"`
	Rules           []RuleFile     `yaml:"resolver_rules,omitempty" json:"resolver_rules,omitempty"`
	HostedZones     []ZoneFile     `yaml:"private_hosted_zones,omitempty" json:"private_hosted_zones,omitempty"`
	// PublicZones are Route 53 public hosted zones: answered on the internet
	// path of every VPC (file_public.go).
	PublicZones  []ZoneFile     `yaml:"public_hosted_zones,omitempty" json:"public_hosted_zones,omitempty"`
	Internet     *InternetFile  `yaml:"internet,omitempty" json:"internet,omitempty"`
	QueryLogging []QueryLogFile `yaml:"query_logging,omitempty" json:"query_logging,omitempty"`
	Emulation    *EmulationFile `yaml:"emulation,omitempty" json:"emulation,omitempty"`

	// Route 53 Resolver DNS Firewall (file_firewall.go).
	FirewallDomainLists []FirewallDomainListFile  `yaml:"firewall_domain_lists,omitempty" json:"firewall_domain_lists,omitempty"`
	FirewallRuleGroups  []FirewallRuleGroupFile   `yaml:"firewall_rule_groups,omitempty" json:"firewall_rule_groups,omitempty"`
	FirewallAssocs      []FirewallAssociationFile `yaml:"firewall_rule_group_associations,omitempty" json:"firewall_rule_group_associations,omitempty"`
	FirewallConfigs     []FirewallConfigFile      `yaml:"firewall_configs,omitempty" json:"firewall_configs,omitempty"`

	// The keys below were added for networks read from a real account
	// (vpcdns import). They are optional: a hand-written file needs none.
	DHCPOptionSets []DHCPOptionsFile `yaml:"dhcp_option_sets,omitempty" json:"dhcp_option_sets,omitempty"`
	PrefixLists    []PrefixListFile  `yaml:"prefix_lists,omitempty" json:"prefix_lists,omitempty"`
	VPNGateways    []VGWFile         `yaml:"vpn_gateways,omitempty" json:"vpn_gateways,omitempty"`
	VPCEndpoints   []VPCEndpointFile `yaml:"vpc_endpoints,omitempty" json:"vpc_endpoints,omitempty"`
	Profiles       []ProfileFile     `yaml:"route53_profiles,omitempty" json:"route53_profiles,omitempty"`
	// Unmodeled lists what an import read but vpcdns cannot model. A path
	// check that crosses one of these ids has the verdict "unknown".
	Unmodeled []UnmodeledFile `yaml:"unmodeled,omitempty" json:"unmodeled,omitempty"`
}

// VPCFile is one entry of vpcs.
type VPCFile struct {
	ID                 string            `yaml:"id" json:"id"`
	CIDRBlocks         []string          `yaml:"cidr_blocks,omitempty" json:"cidr_blocks,omitempty"`
	Region             string            `yaml:"region,omitempty" json:"region,omitempty"`
	EnableDNSSupport   *bool             `yaml:"enable_dns_support,omitempty" json:"enable_dns_support,omitempty"`
	EnableDNSHostnames *bool             `yaml:"enable_dns_hostnames,omitempty" json:"enable_dns_hostnames,omitempty"`
	AutodefinedReverse string            `yaml:"autodefined_reverse,omitempty" json:"autodefined_reverse,omitempty"`
	PTRRecords         string            `yaml:"ptr_records,omitempty" json:"ptr_records,omitempty"`
	ResolverListen     []string          `yaml:"resolver_listen,omitempty" json:"resolver_listen,omitempty"`
	MainRouteTable     string            `yaml:"main_route_table,omitempty" json:"main_route_table,omitempty"`
	Subnets            []SubnetFile      `yaml:"subnets,omitempty" json:"subnets,omitempty"`
	Instances          []InstanceFile    `yaml:"instances,omitempty" json:"instances,omitempty"`
	Tags               map[string]string `yaml:"tags,omitempty" json:"tags,omitempty"`
	// OwnerAccount is the account that owns the VPC [top-level account_id].
	OwnerAccount string `yaml:"owner_account,omitempty" json:"owner_account,omitempty"`
	// IPv6CIDRBlocks are the VPC's IPv6 CIDR associations (no autodefined
	// reverse zone, behaviour.md §4; they count for "T is in the VPC").
	IPv6CIDRBlocks []string `yaml:"ipv6_cidr_blocks,omitempty" json:"ipv6_cidr_blocks,omitempty"`
	// DHCPOptions is the id of the VPC's DHCP option set (dhcp_option_sets)
	// [none: instances use AmazonProvidedDNS, the VPC resolver].
	DHCPOptions string `yaml:"dhcp_options,omitempty" json:"dhcp_options,omitempty"`
}

// SubnetFile is one entry of vpcs[].subnets.
type SubnetFile struct {
	ID               string `yaml:"id" json:"id"`
	CIDRBlock        string `yaml:"cidr_block" json:"cidr_block"`
	AvailabilityZone string `yaml:"availability_zone,omitempty" json:"availability_zone,omitempty"`
	RouteTable       string `yaml:"route_table,omitempty" json:"route_table,omitempty"`
	NetworkACL       string `yaml:"network_acl,omitempty" json:"network_acl,omitempty"`
	IPv6CIDRBlock    string `yaml:"ipv6_cidr_block,omitempty" json:"ipv6_cidr_block,omitempty"`
}

// InstanceFile is one entry of vpcs[].instances.
type InstanceFile struct {
	ID         string   `yaml:"id" json:"id"`
	PrivateIPs []string `yaml:"private_ips,omitempty" json:"private_ips,omitempty"`
	// ExpectedQPS is the DNS queries per second the instance is expected
	// to send to the VPC resolver (lint, file_limits.go).
	ExpectedQPS *int `yaml:"expected_qps,omitempty" json:"expected_qps,omitempty"`
}

// PeeringFile is one entry of vpc_peerings.
type PeeringFile struct {
	ID                 string `yaml:"id" json:"id"`
	RequesterVPC       string `yaml:"requester_vpc" json:"requester_vpc"`
	AccepterVPC        string `yaml:"accepter_vpc" json:"accepter_vpc"`
	AllowDNSResolution bool   `yaml:"allow_dns_resolution,omitempty" json:"allow_dns_resolution,omitempty"`
	// The per-side peering options of AWS (AllowDnsResolutionFromRemoteVpc
	// in RequesterPeeringConnectionOptions / AccepterPeeringConnectionOptions).
	// When either is set it overrides allow_dns_resolution for that side.
	RequesterAllowDNSResolution *bool `yaml:"requester_allow_dns_resolution,omitempty" json:"requester_allow_dns_resolution,omitempty"`
	AccepterAllowDNSResolution  *bool `yaml:"accepter_allow_dns_resolution,omitempty" json:"accepter_allow_dns_resolution,omitempty"`
	// Status is the peering's state [active]; only an active peering connects.
	Status string `yaml:"status,omitempty" json:"status,omitempty"`
}

// TGWFile is one entry of transit_gateways.
type TGWFile struct {
	ID             string   `yaml:"id" json:"id"`
	VPCAttachments []string `yaml:"vpc_attachments,omitempty" json:"vpc_attachments,omitempty"`
	RemoteNetworks []string `yaml:"remote_networks,omitempty" json:"remote_networks,omitempty"`
	OwnerAccount   string   `yaml:"owner_account,omitempty" json:"owner_account,omitempty"`
	// Attachments and RouteTables model the TGW's routing as AWS does. A
	// TGW without route_tables routes every attachment to every other one.
	Attachments []TGWAttachmentFile `yaml:"attachments,omitempty" json:"attachments,omitempty"`
	RouteTables []TGWRouteTableFile `yaml:"route_tables,omitempty" json:"route_tables,omitempty"`
}

// TGWAttachmentFile is one attachment of a transit gateway.
type TGWAttachmentFile struct {
	ID string `yaml:"id" json:"id"`
	// ResourceType is vpc | vpn | direct_connect_gateway | peering | connect.
	ResourceType string `yaml:"resource_type" json:"resource_type"`
	// Resource is the attached VPC, remote network or transit gateway id.
	Resource string `yaml:"resource,omitempty" json:"resource,omitempty"`
	// State is the attachment's state [available]; only available routes.
	State string `yaml:"state,omitempty" json:"state,omitempty"`
	// RouteTable is the TGW route table associated with the attachment.
	RouteTable string `yaml:"route_table,omitempty" json:"route_table,omitempty"`
}

// TGWRouteTableFile is one transit gateway route table.
type TGWRouteTableFile struct {
	ID           string         `yaml:"id" json:"id"`
	Propagations []string       `yaml:"propagations,omitempty" json:"propagations,omitempty"` // attachment ids
	Routes       []TGWRouteFile `yaml:"routes,omitempty" json:"routes,omitempty"`
}

// TGWRouteFile is one route of a TGW route table: static or propagated.
type TGWRouteFile struct {
	Destination           string   `yaml:"destination,omitempty" json:"destination,omitempty"`
	DestinationPrefixList string   `yaml:"destination_prefix_list,omitempty" json:"destination_prefix_list,omitempty"`
	Attachments           []string `yaml:"attachments,omitempty" json:"attachments,omitempty"`
	Blackhole             bool     `yaml:"blackhole,omitempty" json:"blackhole,omitempty"`
	Origin                string   `yaml:"origin,omitempty" json:"origin,omitempty"` // static | propagated [static]
}

// RemoteFile is one entry of remote_networks.
type RemoteFile struct {
	ID         string   `yaml:"id" json:"id"`
	Type       string   `yaml:"type,omitempty" json:"type,omitempty"`
	CIDRBlocks []string `yaml:"cidr_blocks,omitempty" json:"cidr_blocks,omitempty"`
	State      string   `yaml:"state,omitempty" json:"state,omitempty"`
	// For a VPN connection read from AWS: its tunnels (state up when any
	// tunnel is UP), its virtual private gateway or transit gateway.
	Tunnels      []TunnelFile `yaml:"tunnels,omitempty" json:"tunnels,omitempty"`
	VPNGateway   string       `yaml:"vpn_gateway,omitempty" json:"vpn_gateway,omitempty"`
	OwnerAccount string       `yaml:"owner_account,omitempty" json:"owner_account,omitempty"`
}

// TunnelFile is one tunnel of a VPN connection.
type TunnelFile struct {
	OutsideIP string `yaml:"outside_ip,omitempty" json:"outside_ip,omitempty"`
	Status    string `yaml:"status" json:"status"` // up | down
}

// VGWFile is a virtual private gateway: a route target in its VPC that
// leads to its remote networks (VPN connections, Direct Connect gateways).
type VGWFile struct {
	ID             string   `yaml:"id" json:"id"`
	VPC            string   `yaml:"vpc,omitempty" json:"vpc,omitempty"`
	RemoteNetworks []string `yaml:"remote_networks,omitempty" json:"remote_networks,omitempty"`
	OwnerAccount   string   `yaml:"owner_account,omitempty" json:"owner_account,omitempty"`
}

// SGFile is one entry of security_groups.
type SGFile struct {
	ID           string       `yaml:"id" json:"id"`
	VPC          string       `yaml:"vpc" json:"vpc"`
	Egress       []SGRuleFile `yaml:"egress,omitempty" json:"egress,omitempty"`
	Ingress      []SGRuleFile `yaml:"ingress,omitempty" json:"ingress,omitempty"`
	OwnerAccount string       `yaml:"owner_account,omitempty" json:"owner_account,omitempty"`
}

// SGRuleFile is one egress or ingress permission of a security group.
type SGRuleFile struct {
	Protocol string `yaml:"protocol" json:"protocol"`
	FromPort *int   `yaml:"from_port,omitempty" json:"from_port,omitempty"`
	ToPort   *int   `yaml:"to_port,omitempty" json:"to_port,omitempty"`
	// Exactly one of cidr, prefix_list and security_group says where the
	// rule allows traffic to (egress) or from (ingress).
	CIDR          string `yaml:"cidr,omitempty" json:"cidr,omitempty"`
	PrefixList    string `yaml:"prefix_list,omitempty" json:"prefix_list,omitempty"`
	SecurityGroup string `yaml:"security_group,omitempty" json:"security_group,omitempty"`
	Description   string `yaml:"description,omitempty" json:"description,omitempty"`
}

// ACLFile is one entry of network_acls.
type ACLFile struct {
	ID      string         `yaml:"id" json:"id"`
	VPC     string         `yaml:"vpc" json:"vpc"`
	Entries []ACLEntryFile `yaml:"entries,omitempty" json:"entries,omitempty"`
}

// ACLEntryFile is one entry of a network ACL.
type ACLEntryFile struct {
	RuleNumber int    `yaml:"rule_number" json:"rule_number"`
	Egress     bool   `yaml:"egress" json:"egress"`
	Protocol   string `yaml:"protocol" json:"protocol"`
	FromPort   *int   `yaml:"from_port,omitempty" json:"from_port,omitempty"`
	ToPort     *int   `yaml:"to_port,omitempty" json:"to_port,omitempty"`
	CIDR       string `yaml:"cidr" json:"cidr"`
	Action     string `yaml:"action" json:"action"`
}

// RouteTblFile is one entry of route_tables.
type RouteTblFile struct {
	ID     string      `yaml:"id" json:"id"`
	VPC    string      `yaml:"vpc" json:"vpc"`
	Routes []RouteFile `yaml:"routes,omitempty" json:"routes,omitempty"`
}

// RouteFile is one route of a route table.
type RouteFile struct {
	// Exactly one of destination (a CIDR) and destination_prefix_list.
	Destination           string `yaml:"destination,omitempty" json:"destination,omitempty"`
	DestinationPrefixList string `yaml:"destination_prefix_list,omitempty" json:"destination_prefix_list,omitempty"`
	Target                string `yaml:"target" json:"target"`
	// Origin is static | propagated [static] (AWS: CreateRoute or
	// EnableVgwRoutePropagation); informational.
	Origin string `yaml:"origin,omitempty" json:"origin,omitempty"`
}

// EndpointFile is one entry of resolver_endpoints.
type EndpointFile struct {
	ID             string           `yaml:"id" json:"id"`
	Name           string           `yaml:"name,omitempty" json:"name,omitempty"`
	Direction      string           `yaml:"direction" json:"direction"`
	VPC            string           `yaml:"vpc" json:"vpc"`
	SecurityGroups []string         `yaml:"security_groups,omitempty" json:"security_groups,omitempty"`
	IPAddresses    []EndpointIPFile `yaml:"ip_addresses,omitempty" json:"ip_addresses,omitempty"`
	Listen         []string         `yaml:"listen,omitempty" json:"listen,omitempty"`
	OwnerAccount   string           `yaml:"owner_account,omitempty" json:"owner_account,omitempty"`
	// ExpectedQPS is the queries per second the endpoint is expected to
	// carry in all (lint, file_limits.go).
	ExpectedQPS *int `yaml:"expected_qps,omitempty" json:"expected_qps,omitempty"`
}

// EndpointIPFile is one address (ENI) of a resolver endpoint.
type EndpointIPFile struct {
	Subnet string `yaml:"subnet" json:"subnet"`
	IP     string `yaml:"ip" json:"ip"`
}

// RuleFile is one entry of resolver_rules.
type RuleFile struct {
	ID               string         `yaml:"id" json:"id"`
	Name             string         `yaml:"name,omitempty" json:"name,omitempty"`
	RuleType         string         `yaml:"rule_type" json:"rule_type"`
	DomainName       string         `yaml:"domain_name" json:"domain_name"`
	ResolverEndpoint string         `yaml:"resolver_endpoint,omitempty" json:"resolver_endpoint,omitempty"`
	TargetIPs        []TargetIPFile `yaml:"target_ips,omitempty" json:"target_ips,omitempty"`
	VPCs             []string       `yaml:"vpcs,omitempty" json:"vpcs,omitempty"`
	OwnerAccount     string         `yaml:"owner_account,omitempty" json:"owner_account,omitempty"`
	// ShareStatus is AWS's: not_shared | shared_with_me | shared_by_me [not_shared].
	ShareStatus string `yaml:"share_status,omitempty" json:"share_status,omitempty"`
}

// TargetIPFile is one target of a forward rule.
type TargetIPFile struct {
	IP   string `yaml:"ip" json:"ip"`
	Port *int   `yaml:"port,omitempty" json:"port,omitempty"`
}

// ZoneFile is one entry of private_hosted_zones. It has records or a
// zone_file, or neither (the zone then holds its SOA and NS only).
type ZoneFile struct {
	// ID is optional. Without it the zone gets "Z" and the first 20
	// characters of the base32 of SHA-256 of its canonical name (lower
	// case, trailing dot), e.g. "ZNSCICQJGXGC2OJJ67JFB" for internal.example: stable across runs and machines.
	// Should that id be taken, "name#2", "name#3"… are hashed instead.
	ID       string       `yaml:"id,omitempty" json:"id,omitempty"`
	Name     string       `yaml:"name" json:"name"`
	VPCs     []string     `yaml:"vpcs,omitempty" json:"vpcs,omitempty"`
	Records  []RecordFile `yaml:"records,omitempty" json:"records,omitempty"`
	ZoneFile string       `yaml:"zone_file,omitempty" json:"zone_file,omitempty"`
	// OwnerAccount is the account that owns the zone; its vpcs may belong
	// to other accounts (cross-account association).
	OwnerAccount string `yaml:"owner_account,omitempty" json:"owner_account,omitempty"`
}

// RecordFile is one record set of a private hosted zone: one name and
// type, its values in the zone-file form of that type (an A value is
// "10.0.0.1", an MX value "10 mail.example.com"). Names are absolute, with
// or without the trailing dot. TTL defaults to 300.
type RecordFile struct {
	Name   string   `yaml:"name" json:"name"`
	Type   string   `yaml:"type" json:"type"`
	TTL    *int     `yaml:"ttl,omitempty" json:"ttl,omitempty"`
	Values []string `yaml:"values,omitempty" json:"values,omitempty"`
	// Alias is a Route 53 alias record instead of values.
	Alias *AliasFile `yaml:"alias,omitempty" json:"alias,omitempty"`
	// SetIdentifier names one record set of several with the same name and
	// type (weighted, latency, failover, geolocation routing).
	SetIdentifier string `yaml:"set_identifier,omitempty" json:"set_identifier,omitempty"`
}

// AliasFile is the target of a Route 53 alias record.
type AliasFile struct {
	DNSName      string `yaml:"dns_name" json:"dns_name"`
	HostedZoneID string `yaml:"hosted_zone_id,omitempty" json:"hosted_zone_id,omitempty"`
	// Values are the addresses the alias target answers with, when known
	// (an import resolves aliases to records of modeled zones itself).
	Values []string `yaml:"values,omitempty" json:"values,omitempty"`
}

// InternetFile is the internet key: where the built-in "." rule forwards.
type InternetFile struct {
	Forwarders []string `yaml:"forwarders,omitempty" json:"forwarders,omitempty"`
}

// QueryLogFile is one entry of query_logging.
type QueryLogFile struct {
	ID          string   `yaml:"id" json:"id"`
	Destination string   `yaml:"destination" json:"destination"`
	VPCs        []string `yaml:"vpcs,omitempty" json:"vpcs,omitempty"`
	// LogCacheHits logs answers served from cache too (AWS does not).
	LogCacheHits bool `yaml:"log_cache_hits,omitempty" json:"log_cache_hits,omitempty"`
	// DestinationARN is the AWS destination of an imported config (S3,
	// CloudWatch Logs, Firehose); informational, destination says where
	// vpcdns writes.
	DestinationARN string `yaml:"destination_arn,omitempty" json:"destination_arn,omitempty"`
	OwnerAccount   string `yaml:"owner_account,omitempty" json:"owner_account,omitempty"`
}

// EmulationFile is the emulation key: how the modeled network maps onto this
// machine, and the local stand-ins vpcdns can play itself.
type EmulationFile struct {
	AddressMap  map[string]string `yaml:"address_map,omitempty" json:"address_map,omitempty"`
	Forwarding  *ForwardingFile   `yaml:"forwarding,omitempty" json:"forwarding,omitempty"`
	Cache       *CacheFile        `yaml:"cache,omitempty" json:"cache,omitempty"`
	AuthServers []AuthServerFile  `yaml:"authoritative_servers,omitempty" json:"authoritative_servers,omitempty"`
	// SourceMap and Limits emulate AWS's DNS rate limits (file_limits.go).
	SourceMap map[string]string `yaml:"source_map,omitempty" json:"source_map,omitempty"`
	Limits    *LimitsFile       `yaml:"limits,omitempty" json:"limits,omitempty"`
}

// ForwardingFile holds the time budgets of forwarding (behaviour.md §6).
type ForwardingFile struct {
	AttemptTimeout string `yaml:"attempt_timeout,omitempty" json:"attempt_timeout,omitempty"`
	TotalTimeout   string `yaml:"total_timeout,omitempty" json:"total_timeout,omitempty"`
}

// CacheFile bounds the answer cache.
type CacheFile struct {
	MaxEntries *int   `yaml:"max_entries,omitempty" json:"max_entries,omitempty"` // [100000]; 0 turns the cache off
	ServeStale string `yaml:"serve_stale,omitempty" json:"serve_stale,omitempty"` // how long past expiry; "0s" turns it off
}

// AuthServerFile is an authoritative DNS server vpcdns plays itself on a
// loopback socket, standing in for an on-premises server in a quick start.
type AuthServerFile struct {
	ID     string         `yaml:"id" json:"id"`
	Listen []string       `yaml:"listen,omitempty" json:"listen,omitempty"`
	Zones  []AuthZoneFile `yaml:"zones,omitempty" json:"zones,omitempty"`
}

// AuthZoneFile is one zone of an emulated authoritative server: an RFC 1035
// zone file (relative to the network file) or records like a hosted zone's.
type AuthZoneFile struct {
	Name     string       `yaml:"name" json:"name"`
	ZoneFile string       `yaml:"zone_file,omitempty" json:"zone_file,omitempty"`
	Records  []RecordFile `yaml:"records,omitempty" json:"records,omitempty"`
}

// DHCPOptionsFile is a DHCP option set (EC2 CreateDhcpOptions). A VPC whose
// option set does not list AmazonProvidedDNS sends its instances to other
// DNS servers: they never ask the VPC resolver.
type DHCPOptionsFile struct {
	ID           string `yaml:"id" json:"id"`
	OwnerAccount string `yaml:"owner_account,omitempty" json:"owner_account,omitempty"`
	DomainName   string `yaml:"domain_name,omitempty" json:"domain_name,omitempty"`
	// DomainNameServers are "AmazonProvidedDNS" or IP addresses, in order
	// [AmazonProvidedDNS].
	DomainNameServers []string `yaml:"domain_name_servers,omitempty" json:"domain_name_servers,omitempty"`
}

// PrefixListFile is a managed prefix list (customer or AWS-managed), used as
// a route destination or in a security-group rule.
type PrefixListFile struct {
	ID           string   `yaml:"id" json:"id"`
	Name         string   `yaml:"name,omitempty" json:"name,omitempty"`
	OwnerAccount string   `yaml:"owner_account,omitempty" json:"owner_account,omitempty"`
	CIDRBlocks   []string `yaml:"cidr_blocks,omitempty" json:"cidr_blocks,omitempty"`
}

// VPCEndpointFile is a VPC endpoint. An interface endpoint with private DNS
// makes AWS answer the service's names in its VPC with the endpoint's
// addresses (a hidden private hosted zone).
type VPCEndpointFile struct {
	ID           string `yaml:"id" json:"id"`
	VPC          string `yaml:"vpc" json:"vpc"`
	OwnerAccount string `yaml:"owner_account,omitempty" json:"owner_account,omitempty"`
	ServiceName  string `yaml:"service_name" json:"service_name"`
	// Type is interface | gateway | gateway_load_balancer [interface].
	Type              string `yaml:"type,omitempty" json:"type,omitempty"`
	PrivateDNSEnabled bool   `yaml:"private_dns_enabled,omitempty" json:"private_dns_enabled,omitempty"`
	// PrivateDNSNames are the names the hidden zone answers (a leading
	// "*." for a wildcard), e.g. ssm.us-east-1.amazonaws.com.
	PrivateDNSNames []string         `yaml:"private_dns_names,omitempty" json:"private_dns_names,omitempty"`
	IPAddresses     []EndpointIPFile `yaml:"ip_addresses,omitempty" json:"ip_addresses,omitempty"`
	SecurityGroups  []string         `yaml:"security_groups,omitempty" json:"security_groups,omitempty"`
	State           string           `yaml:"state,omitempty" json:"state,omitempty"`
}

// ProfileFile is a Route 53 Profile: resolver rules, private hosted zones,
// interface endpoints (and firewall rule groups) that reach each associated
// VPC as if associated with it directly.
type ProfileFile struct {
	ID                 string   `yaml:"id" json:"id"`
	Name               string   `yaml:"name,omitempty" json:"name,omitempty"`
	OwnerAccount       string   `yaml:"owner_account,omitempty" json:"owner_account,omitempty"`
	ShareStatus        string   `yaml:"share_status,omitempty" json:"share_status,omitempty"`
	ResolverRules      []string `yaml:"resolver_rules,omitempty" json:"resolver_rules,omitempty"`
	PrivateHostedZones []string `yaml:"private_hosted_zones,omitempty" json:"private_hosted_zones,omitempty"` // zone ids
	VPCEndpoints       []string `yaml:"vpc_endpoints,omitempty" json:"vpc_endpoints,omitempty"`
	FirewallRuleGroups []string `yaml:"firewall_rule_groups,omitempty" json:"firewall_rule_groups,omitempty"`
	VPCs               []string `yaml:"vpcs,omitempty" json:"vpcs,omitempty"`
}

// UnmodeledFile is a resource an import read but vpcdns cannot model (a
// Gateway Load Balancer endpoint or AWS Network Firewall in a route, a
// prefix list it could not read, a call it was denied).
type UnmodeledFile struct {
	ID      string `yaml:"id" json:"id"`
	Kind    string `yaml:"kind" json:"kind"`
	Reason  string `yaml:"reason" json:"reason"`
	Account string `yaml:"account,omitempty" json:"account,omitempty"`
}
