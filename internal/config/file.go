// Package config holds the network description of vpcdns: the network.yaml
// schema (File, as written by people and by `vpcdns export`), its strict
// decoding, its whole-file validation, and the typed Network that validation
// produces. It does not resolve anything; the engine compiles a Network.
package config

// File is network.yaml as written: every key of ../shared/spec/network-yaml.md,
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
	Internet        *InternetFile  `yaml:"internet,omitempty" json:"internet,omitempty"`
	QueryLogging    []QueryLogFile `yaml:"query_logging,omitempty" json:"query_logging,omitempty"`
	Emulation       *EmulationFile `yaml:"emulation,omitempty" json:"emulation,omitempty"`
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
}

// SubnetFile is one entry of vpcs[].subnets.
type SubnetFile struct {
	ID               string `yaml:"id" json:"id"`
	CIDRBlock        string `yaml:"cidr_block" json:"cidr_block"`
	AvailabilityZone string `yaml:"availability_zone,omitempty" json:"availability_zone,omitempty"`
	RouteTable       string `yaml:"route_table,omitempty" json:"route_table,omitempty"`
	NetworkACL       string `yaml:"network_acl,omitempty" json:"network_acl,omitempty"`
}

// InstanceFile is one entry of vpcs[].instances.
type InstanceFile struct {
	ID         string   `yaml:"id" json:"id"`
	PrivateIPs []string `yaml:"private_ips,omitempty" json:"private_ips,omitempty"`
}

// PeeringFile is one entry of vpc_peerings.
type PeeringFile struct {
	ID                 string `yaml:"id" json:"id"`
	RequesterVPC       string `yaml:"requester_vpc" json:"requester_vpc"`
	AccepterVPC        string `yaml:"accepter_vpc" json:"accepter_vpc"`
	AllowDNSResolution bool   `yaml:"allow_dns_resolution,omitempty" json:"allow_dns_resolution,omitempty"`
}

// TGWFile is one entry of transit_gateways.
type TGWFile struct {
	ID             string   `yaml:"id" json:"id"`
	VPCAttachments []string `yaml:"vpc_attachments,omitempty" json:"vpc_attachments,omitempty"`
	RemoteNetworks []string `yaml:"remote_networks,omitempty" json:"remote_networks,omitempty"`
}

// RemoteFile is one entry of remote_networks.
type RemoteFile struct {
	ID         string   `yaml:"id" json:"id"`
	Type       string   `yaml:"type,omitempty" json:"type,omitempty"`
	CIDRBlocks []string `yaml:"cidr_blocks,omitempty" json:"cidr_blocks,omitempty"`
	State      string   `yaml:"state,omitempty" json:"state,omitempty"`
}

// SGFile is one entry of security_groups.
type SGFile struct {
	ID      string       `yaml:"id" json:"id"`
	VPC     string       `yaml:"vpc" json:"vpc"`
	Egress  []SGRuleFile `yaml:"egress,omitempty" json:"egress,omitempty"`
	Ingress []SGRuleFile `yaml:"ingress,omitempty" json:"ingress,omitempty"`
}

// SGRuleFile is one egress or ingress permission of a security group.
type SGRuleFile struct {
	Protocol string `yaml:"protocol" json:"protocol"`
	FromPort *int   `yaml:"from_port,omitempty" json:"from_port,omitempty"`
	ToPort   *int   `yaml:"to_port,omitempty" json:"to_port,omitempty"`
	CIDR     string `yaml:"cidr" json:"cidr"`
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
	Destination string `yaml:"destination" json:"destination"`
	Target      string `yaml:"target" json:"target"`
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
}

// EmulationFile is the emulation key: how the modeled network maps onto this
// machine, and the local stand-ins vpcdns can play itself.
type EmulationFile struct {
	AddressMap  map[string]string `yaml:"address_map,omitempty" json:"address_map,omitempty"`
	Forwarding  *ForwardingFile   `yaml:"forwarding,omitempty" json:"forwarding,omitempty"`
	Cache       *CacheFile        `yaml:"cache,omitempty" json:"cache,omitempty"`
	AuthServers []AuthServerFile  `yaml:"authoritative_servers,omitempty" json:"authoritative_servers,omitempty"`
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
