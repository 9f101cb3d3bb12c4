package config

// fieldDoc documents one key of network.yaml for people (docs/network-yaml.md)
// and editors (the JSON Schema of `vpcdns schema`): what it is, its default
// as network.yaml writes it (nil when there is none), and the values it may
// take when they are a fixed set.
type fieldDoc struct {
	desc string
	def  any
	enum []string
}

// prose is a default that is said rather than written: "the top-level
// region". It is documented but is not a value of the field's type, so the
// schema gives it no "default".
type prose string

// fieldDocs documents the fields of the File types by "TypeName.key". The
// schema test requires an entry for every field of the types in file.go and
// none for a key that does not exist.
var fieldDocs = map[string]fieldDoc{
	"File.firewall_domain_lists":            {desc: "DNS Firewall domain lists: names (and *. wildcards) inline or from a domains_file; the AWS-managed list names exist and are empty unless given (docs/firewall.md)."},
	"File.firewall_rule_groups":             {desc: "DNS Firewall rule groups, each with rules (priority, domain list, ALLOW / BLOCK / ALERT, block response)."},
	"File.firewall_rule_group_associations": {desc: "DNS Firewall rule groups associated with VPCs, evaluated in association priority order before the resolver's rules."},
	"File.firewall_configs":                 {desc: "Per-VPC DNS Firewall configuration: whether the firewall fails open or closed."},
	"InstanceFile.expected_qps":             {desc: "Queries per second this instance is expected to send to the VPC resolver; lint warns past AWS's 1,024 packets per second per ENI (docs/limits.md)."},
	"EndpointFile.expected_qps":             {desc: "Queries per second this Resolver endpoint is expected to carry; lint warns when its addresses cannot (about 10,000/s each, 1,500/s tracked; docs/limits.md)."},
	"EmulationFile.source_map":              {desc: "Local source addresses mapped to a modeled instance (its primary ENI) or ENI id, so that AWS's per-ENI limit applies to queries from them (docs/limits.md)."},
	"EmulationFile.limits":                  {desc: "AWS's DNS rate limits as emulated: eni_packets_per_second, endpoint_ip_queries_per_second, endpoint_ip_tracked_queries_per_second; 0 turns one off (docs/limits.md)."},
	"File.account_id":                       {desc: "The AWS account the network belongs to (12 digits, quoted). It appears in query logs and API answers.", def: DefaultAccountID},
	"File.region":                           {desc: "The AWS region of the network; it names the autodefined EC2 domain (ec2.internal in us-east-1, REGION.compute.internal elsewhere).", def: DefaultRegion},
	"File.vpcs":                             {desc: "The VPCs, each with its own Route 53 Resolver (AmazonProvidedDNS at the VPC CIDR base + 2)."},
	"File.vpc_peerings":                     {desc: "VPC peering connections. With allow_dns_resolution, each VPC's resolver answers PTR queries for the other's addresses."},
	"File.transit_gateways":                 {desc: "Transit gateways: they join VPCs and remote networks for forwarded queries and for autodefined reverse names."},
	"File.remote_networks":                  {desc: "Networks outside AWS (a data center), reached over VPN or Direct Connect."},
	"File.security_groups":                  {desc: "Security groups; an outbound endpoint's groups must let its queries out (checked by every forwarded query)."},
	"File.network_acls":                     {desc: "Network ACLs of subnets, stateless: both the query out and the reply in must be allowed."},
	"File.route_tables":                     {desc: "Route tables; the route to a target decides which gateway a forwarded query takes."},
	"File.resolver_endpoints":               {desc: "Route 53 Resolver endpoints: outbound (forward rules send their queries through one) and inbound (queries from outside the VPC)."},
	"File.resolver_rules":                   {desc: "Route 53 Resolver rules: forward a domain to target servers, or (system) resolve it here."},
	"File.private_hosted_zones":             {desc: "Route 53 private hosted zones, answered by the resolver of every associated VPC."},
	"File.public_hosted_zones":              {desc: "Route 53 public hosted zones (same keys as a private zone, without vpcs): a query of any VPC that reaches the internet rule (no rule, private zone or autodefined zone for the name) is answered by the most specific public zone holding the name, before internet.forwarders."},
	"File.internet":                         {desc: "What the built-in \".\" rule (the Internet Resolver) forwards to."},
	"File.query_logging":                    {desc: "Resolver query logging configurations: one JSON object per query, in Route 53's query-log format."},
	"File.emulation":                        {desc: "How the modeled network maps onto this machine; nothing in it exists on AWS."},
	"File.dhcp_option_sets":                 {desc: "DHCP option sets (read from an account by vpcdns import). A VPC whose set does not list AmazonProvidedDNS sends its instances elsewhere."},
	"File.prefix_lists":                     {desc: "Managed prefix lists, used as route destinations and in security group rules."},
	"File.vpn_gateways":                     {desc: "Virtual private gateways: route targets that lead to remote networks."},
	"File.vpc_endpoints":                    {desc: "VPC endpoints; an interface endpoint with private DNS answers its service's names in its VPC."},
	"File.route53_profiles":                 {desc: "Route 53 Profiles: rules, zones and endpoints that reach each associated VPC as if associated directly."},
	"File.unmodeled":                        {desc: "What an import read but vpcdns cannot model; a path check that crosses one of these ids has the verdict \"unknown\"."},

	"VPCFile.id":                   {desc: "The VPC's id, unique in the file (e.g. vpc-app)."},
	"VPCFile.cidr_blocks":          {desc: "The VPC's IPv4 CIDR blocks, one or more, not overlapping; the first is the primary, and the resolver is at its base + 2."},
	"VPCFile.region":               {desc: "The VPC's region.", def: prose("the top-level region")},
	"VPCFile.enable_dns_support":   {desc: "The VPC's enableDnsSupport. Off: its resolver answers nothing (clients time out), as on AWS.", def: true},
	"VPCFile.enable_dns_hostnames": {desc: "The VPC's enableDnsHostnames; needed for private hosted zones and every autodefined name.", def: false},
	"VPCFile.autodefined_reverse":  {desc: "The ResolverConfig AutodefinedReverseFlag: disable drops the autodefined reverse zones of the VPC's CIDRs.", def: "enable", enum: []string{"enable", "disable"}},
	"VPCFile.ptr_records":          {desc: "all: every address of the VPC's CIDRs gets its ip-a-b-c-d PTR name; assigned: only the declared instances' addresses.", def: "all", enum: []string{"all", "assigned"}},
	"VPCFile.resolver_listen":      {desc: "The sockets (ip:port, UDP and TCP) on this machine that serve this VPC's resolver."},
	"VPCFile.main_route_table":     {desc: "The id of the VPC's main route table, used by subnets that name none.", def: prose("none")},
	"VPCFile.subnets":              {desc: "The VPC's subnets."},
	"VPCFile.instances":            {desc: "EC2 instances whose names the resolver answers (i-….ec2.internal) and whose queries the log attributes."},
	"VPCFile.tags":                 {desc: "The VPC's tags (free text); vpcdns:resolver-listen is read by the API."},
	"VPCFile.owner_account":        {desc: "The account that owns the VPC.", def: prose("the top-level account_id")},
	"VPCFile.ipv6_cidr_blocks":     {desc: "The VPC's IPv6 CIDR blocks (no autodefined reverse zone)."},
	"VPCFile.dhcp_options":         {desc: "The id of the VPC's DHCP option set.", def: prose("none: instances ask the VPC resolver")},

	"SubnetFile.id":                {desc: "The subnet's id, unique in the file."},
	"SubnetFile.cidr_block":        {desc: "The subnet's IPv4 CIDR block, inside one of its VPC's CIDR blocks."},
	"SubnetFile.availability_zone": {desc: "The subnet's availability zone (e.g. us-east-1a); lint warns about an endpoint in one zone only."},
	"SubnetFile.route_table":       {desc: "The id of the subnet's route table.", def: prose("the VPC's main_route_table")},
	"SubnetFile.network_acl":       {desc: "The id of the subnet's network ACL.", def: prose("the default ACL: allow all")},
	"SubnetFile.ipv6_cidr_block":   {desc: "The subnet's IPv6 CIDR block."},

	"InstanceFile.id":          {desc: "The instance id (e.g. i-0123456789abcdef0); its name i-….ec2.internal answers its primary address."},
	"InstanceFile.private_ips": {desc: "The instance's private IPv4 addresses; the first is the primary."},

	"PeeringFile.id":                             {desc: "The peering connection's id, unique in the file (e.g. pcx-app-shared)."},
	"PeeringFile.requester_vpc":                  {desc: "The id of the requester VPC."},
	"PeeringFile.accepter_vpc":                   {desc: "The id of the accepter VPC."},
	"PeeringFile.allow_dns_resolution":           {desc: "Each side resolves the other's private names (AllowDnsResolutionFromRemoteVpc on both sides).", def: false},
	"PeeringFile.requester_allow_dns_resolution": {desc: "The requester side's AllowDnsResolutionFromRemoteVpc; overrides allow_dns_resolution for that side."},
	"PeeringFile.accepter_allow_dns_resolution":  {desc: "The accepter side's AllowDnsResolutionFromRemoteVpc; overrides allow_dns_resolution for that side."},
	"PeeringFile.status":                         {desc: "The peering's state; only an active peering connects.", def: "active"},

	"TGWFile.id":              {desc: "The transit gateway's id, unique in the file (e.g. tgw-core)."},
	"TGWFile.vpc_attachments": {desc: "The ids of the VPCs attached to it."},
	"TGWFile.remote_networks": {desc: "The ids of the remote networks (VPN, Direct Connect) attached to it."},
	"TGWFile.owner_account":   {desc: "The account that owns the transit gateway.", def: prose("the top-level account_id")},
	"TGWFile.attachments":     {desc: "Its attachments as AWS models them, with their route tables (read by vpcdns import)."},
	"TGWFile.route_tables":    {desc: "Its route tables. Without them every attachment reaches every other one."},

	"TGWAttachmentFile.id":            {desc: "The attachment's id (tgw-attach-…)."},
	"TGWAttachmentFile.resource_type": {desc: "What is attached.", enum: []string{"vpc", "vpn", "direct_connect_gateway", "peering", "connect"}},
	"TGWAttachmentFile.resource":      {desc: "The id of the attached VPC, remote network or transit gateway."},
	"TGWAttachmentFile.state":         {desc: "The attachment's state; only an available attachment routes.", def: "available"},
	"TGWAttachmentFile.route_table":   {desc: "The id of the transit gateway route table associated with the attachment."},

	"TGWRouteTableFile.id":           {desc: "The route table's id (tgw-rtb-…)."},
	"TGWRouteTableFile.propagations": {desc: "The ids of the attachments that propagate their routes into it."},
	"TGWRouteTableFile.routes":       {desc: "Its routes."},

	"TGWRouteFile.destination":             {desc: "The destination CIDR (or destination_prefix_list)."},
	"TGWRouteFile.destination_prefix_list": {desc: "The id of a prefix list as the destination (or destination)."},
	"TGWRouteFile.attachments":             {desc: "The ids of the attachments the route leads to."},
	"TGWRouteFile.blackhole":               {desc: "The route drops its traffic.", def: false},
	"TGWRouteFile.origin":                  {desc: "How the route came to be.", def: "static", enum: []string{"static", "propagated"}},

	"RemoteFile.id":            {desc: "The remote network's id, unique in the file (e.g. vpn-onprem)."},
	"RemoteFile.type":          {desc: "How it is reached.", def: "vpn", enum: []string{"vpn", "direct_connect"}},
	"RemoteFile.cidr_blocks":   {desc: "The address ranges of the remote network; a target inside one is reached through it."},
	"RemoteFile.state":         {desc: "down: the VPN or Direct Connect link is down and every path through it is blocked.", def: "up", enum: []string{"up", "down"}},
	"RemoteFile.tunnels":       {desc: "The tunnels of a VPN connection (read by vpcdns import): up when any tunnel is up."},
	"RemoteFile.vpn_gateway":   {desc: "The id of the virtual private gateway of a VPN connection."},
	"RemoteFile.owner_account": {desc: "The account that owns the connection.", def: prose("the top-level account_id")},

	"TunnelFile.outside_ip": {desc: "The tunnel's outside address."},
	"TunnelFile.status":     {desc: "The tunnel's state.", enum: []string{"up", "down"}},

	"VGWFile.id":              {desc: "The virtual private gateway's id (vgw-…)."},
	"VGWFile.vpc":             {desc: "The id of the VPC it is attached to."},
	"VGWFile.remote_networks": {desc: "The ids of the remote networks it leads to."},
	"VGWFile.owner_account":   {desc: "The account that owns it.", def: prose("the top-level account_id")},

	"SGFile.id":            {desc: "The security group's id, unique in the file (e.g. sg-resolver-out)."},
	"SGFile.vpc":           {desc: "The id of the group's VPC."},
	"SGFile.egress":        {desc: "What the group lets out. Groups are stateful: replies come back."},
	"SGFile.ingress":       {desc: "What the group lets in (inbound endpoints)."},
	"SGFile.owner_account": {desc: "The account that owns the group.", def: prose("the top-level account_id")},

	"SGRuleFile.protocol":       {desc: "The protocol the rule allows.", enum: []string{"udp", "tcp", "all"}},
	"SGRuleFile.from_port":      {desc: "The first port of the range (with to_port).", def: prose("every port")},
	"SGRuleFile.to_port":        {desc: "The last port of the range (with from_port).", def: prose("every port")},
	"SGRuleFile.cidr":           {desc: "The addresses the rule allows traffic to (egress) or from (ingress); one of cidr, prefix_list, security_group."},
	"SGRuleFile.prefix_list":    {desc: "The id of a prefix list instead of cidr."},
	"SGRuleFile.security_group": {desc: "The id of a security group instead of cidr: the addresses of its members."},
	"SGRuleFile.description":    {desc: "Free text."},

	"ACLFile.id":      {desc: "The network ACL's id, unique in the file (e.g. acl-app)."},
	"ACLFile.vpc":     {desc: "The id of the ACL's VPC."},
	"ACLFile.entries": {desc: "Its entries, evaluated by rule_number, first match; when nothing matches the traffic is denied."},

	"ACLEntryFile.rule_number": {desc: "The entry's number, 1–32766; lower numbers are evaluated first."},
	"ACLEntryFile.egress":      {desc: "true for an outbound entry, false for an inbound one.", def: false},
	"ACLEntryFile.protocol":    {desc: "The protocol the entry matches.", enum: []string{"udp", "tcp", "all"}},
	"ACLEntryFile.from_port":   {desc: "The first port of the range (with to_port).", def: prose("every port")},
	"ACLEntryFile.to_port":     {desc: "The last port of the range (with from_port).", def: prose("every port")},
	"ACLEntryFile.cidr":        {desc: "The addresses the entry matches."},
	"ACLEntryFile.action":      {desc: "What a match does.", enum: []string{"allow", "deny"}},

	"RouteTblFile.id":     {desc: "The route table's id, unique in the file (e.g. rtb-app)."},
	"RouteTblFile.vpc":    {desc: "The id of the table's VPC."},
	"RouteTblFile.routes": {desc: "Its routes, longest prefix first; the VPC's own CIDRs are routed local without saying so."},

	"RouteFile.destination":             {desc: "The destination CIDR (or destination_prefix_list)."},
	"RouteFile.destination_prefix_list": {desc: "The id of a prefix list as the destination (or destination)."},
	"RouteFile.target":                  {desc: "Where the route leads: local, blackhole, or the id of a VPC peering, transit gateway, virtual private gateway or remote network."},
	"RouteFile.origin":                  {desc: "How the route came to be (informational).", def: "static", enum: []string{"static", "propagated"}},

	"EndpointFile.id":              {desc: "The endpoint's id, unique in the file (e.g. rslvr-out-onprem)."},
	"EndpointFile.name":            {desc: "The endpoint's name (free text)."},
	"EndpointFile.direction":       {desc: "outbound: forward rules send their queries through it; inbound: it answers queries from outside the VPC.", enum: []string{"outbound", "inbound"}},
	"EndpointFile.vpc":             {desc: "The id of the endpoint's VPC."},
	"EndpointFile.security_groups": {desc: "The ids of its security groups."},
	"EndpointFile.ip_addresses":    {desc: "Its addresses (ENIs), two or more, each in a subnet of its VPC; one per availability zone is the point."},
	"EndpointFile.listen":          {desc: "Inbound endpoints: the sockets (ip:port) on this machine that serve it."},
	"EndpointFile.owner_account":   {desc: "The account that owns it.", def: prose("the top-level account_id")},

	"EndpointIPFile.subnet": {desc: "The id of the subnet of the address."},
	"EndpointIPFile.ip":     {desc: "The address, inside the subnet's CIDR block."},

	"RuleFile.id":                {desc: "The rule's id, unique in the file (e.g. rslvr-rr-corp)."},
	"RuleFile.name":              {desc: "The rule's name (free text)."},
	"RuleFile.rule_type":         {desc: "forward: send the domain's queries to target_ips; system: resolve the domain here even under a forward rule for a parent domain.", enum: []string{"forward", "system"}},
	"RuleFile.domain_name":       {desc: "The domain the rule is for; it covers its subdomains too (the most specific rule wins)."},
	"RuleFile.resolver_endpoint": {desc: "Forward rules: the id of the outbound endpoint the queries go through."},
	"RuleFile.target_ips":        {desc: "Forward rules: the servers the queries go to, one or more, tried in random order."},
	"RuleFile.vpcs":              {desc: "The ids of the VPCs the rule is associated with."},
	"RuleFile.owner_account":     {desc: "The account that owns the rule.", def: prose("the top-level account_id")},
	"RuleFile.share_status":      {desc: "AWS RAM sharing of the rule.", def: "not_shared", enum: []string{"not_shared", "shared_with_me", "shared_by_me"}},

	"TargetIPFile.ip":   {desc: "The target's IPv4 address (the modeled one; emulation.address_map says where it answers here)."},
	"TargetIPFile.port": {desc: "The target's port.", def: DefaultTargetPort},

	"ZoneFile.id":            {desc: "The hosted zone's id.", def: prose("Z and 20 characters derived from the name, stable across runs")},
	"ZoneFile.name":          {desc: "The zone's domain name."},
	"ZoneFile.vpcs":          {desc: "The ids of the VPCs the zone is associated with, one or more."},
	"ZoneFile.records":       {desc: "The zone's record sets (the SOA and NS that Route 53 makes are added); or zone_file."},
	"ZoneFile.zone_file":     {desc: "An RFC 1035 zone file with the zone's records, relative to network.yaml; or records."},
	"ZoneFile.owner_account": {desc: "The account that owns the zone; its vpcs may be of other accounts.", def: prose("the top-level account_id")},

	"RecordFile.name":           {desc: "The record's absolute name, inside the zone (a leading *. for a wildcard)."},
	"RecordFile.type":           {desc: "The record type: A, AAAA, CNAME, MX, TXT, SRV, PTR, NS, CAA, …"},
	"RecordFile.ttl":            {desc: "The TTL in seconds.", def: DefaultRecordTTL},
	"RecordFile.values":         {desc: "The values, each in the zone-file form of the type (A 10.0.1.5, MX \"10 mail.example.com\")."},
	"RecordFile.alias":          {desc: "A Route 53 alias record instead of values."},
	"RecordFile.set_identifier": {desc: "Names one record set of several with the same name and type (weighted, latency, failover routing)."},

	"AliasFile.dns_name":       {desc: "The alias target's name."},
	"AliasFile.hosted_zone_id": {desc: "The id of the alias target's hosted zone."},
	"AliasFile.values":         {desc: "The addresses the target answers with, when known."},

	"InternetFile.forwarders": {desc: "Servers (ip:port) for names no rule, zone or autodefined name answers; none: SERVFAIL for public names.", def: prose("none")},

	"QueryLogFile.id":              {desc: "The configuration's id, unique in the file (e.g. rslvr-qlc-all)."},
	"QueryLogFile.destination":     {desc: "Where the log goes: stdout, or file:PATH (relative to network.yaml)."},
	"QueryLogFile.vpcs":            {desc: "The ids of the VPCs whose queries are logged, one or more."},
	"QueryLogFile.log_cache_hits":  {desc: "Also log answers served from the cache (AWS logs only the queries it resolves).", def: false},
	"QueryLogFile.destination_arn": {desc: "The AWS destination of an imported configuration (informational)."},
	"QueryLogFile.owner_account":   {desc: "The account that owns it.", def: prose("the top-level account_id")},

	"EmulationFile.address_map":           {desc: "Modeled \"IP:port\" → where it really answers on this machine (loopback); path checks use the modeled address."},
	"EmulationFile.forwarding":            {desc: "The time budgets of forwarding."},
	"EmulationFile.cache":                 {desc: "The answer cache."},
	"EmulationFile.authoritative_servers": {desc: "DNS servers vpcdns plays itself on loopback sockets, e.g. the on-premises servers of a quick start."},

	"ForwardingFile.attempt_timeout": {desc: "How long one attempt to one target may take (a Go duration).", def: DefaultAttemptTimeout},
	"ForwardingFile.total_timeout":   {desc: "How long all attempts of one query may take; then SERVFAIL.", def: DefaultTotalTimeout},

	"CacheFile.max_entries": {desc: "The answers kept; the least recently used go first; 0 turns the cache off.", def: DefaultCacheEntries},
	"CacheFile.serve_stale": {desc: "How long past expiry an answer may be served when every target fails (RFC 8767); 0s turns it off.", def: DefaultServeStale},

	"AuthServerFile.id":     {desc: "The server's id, unique in the file (e.g. onprem-dns-1)."},
	"AuthServerFile.listen": {desc: "The sockets (ip:port, UDP and TCP) it answers on, one or more."},
	"AuthServerFile.zones":  {desc: "The zones it is authoritative for, one or more; outside them it answers REFUSED."},

	"AuthZoneFile.name":      {desc: "The zone's domain name."},
	"AuthZoneFile.zone_file": {desc: "An RFC 1035 zone file, relative to network.yaml; or records."},
	"AuthZoneFile.records":   {desc: "Records like a hosted zone's (an SOA is made up); or zone_file."},

	"DHCPOptionsFile.id":                  {desc: "The option set's id (dopt-…)."},
	"DHCPOptionsFile.owner_account":       {desc: "The account that owns it.", def: prose("the top-level account_id")},
	"DHCPOptionsFile.domain_name":         {desc: "The domain-name option."},
	"DHCPOptionsFile.domain_name_servers": {desc: "AmazonProvidedDNS or IP addresses, in order.", def: prose("AmazonProvidedDNS")},

	"PrefixListFile.id":            {desc: "The prefix list's id (pl-…)."},
	"PrefixListFile.name":          {desc: "Its name."},
	"PrefixListFile.owner_account": {desc: "The account that owns it (AWS for an AWS-managed list)."},
	"PrefixListFile.cidr_blocks":   {desc: "Its CIDR blocks."},

	"VPCEndpointFile.id":                  {desc: "The endpoint's id (vpce-…)."},
	"VPCEndpointFile.vpc":                 {desc: "The id of its VPC."},
	"VPCEndpointFile.owner_account":       {desc: "The account that owns it.", def: prose("the top-level account_id")},
	"VPCEndpointFile.service_name":        {desc: "The service, e.g. com.amazonaws.us-east-1.ssm."},
	"VPCEndpointFile.type":                {desc: "The endpoint type.", def: "interface", enum: []string{"interface", "gateway", "gateway_load_balancer"}},
	"VPCEndpointFile.private_dns_enabled": {desc: "AWS answers the service's names in the VPC with the endpoint's addresses.", def: false},
	"VPCEndpointFile.private_dns_names":   {desc: "The names the private DNS answers (a leading *. for a wildcard)."},
	"VPCEndpointFile.ip_addresses":        {desc: "Its addresses, each in a subnet of its VPC."},
	"VPCEndpointFile.security_groups":     {desc: "The ids of its security groups."},
	"VPCEndpointFile.state":               {desc: "Its state as AWS reports it."},

	"ProfileFile.id":                   {desc: "The profile's id (rp-…)."},
	"ProfileFile.name":                 {desc: "Its name."},
	"ProfileFile.owner_account":        {desc: "The account that owns it.", def: prose("the top-level account_id")},
	"ProfileFile.share_status":         {desc: "AWS RAM sharing of the profile."},
	"ProfileFile.resolver_rules":       {desc: "The ids of the resolver rules it carries."},
	"ProfileFile.private_hosted_zones": {desc: "The ids of the private hosted zones it carries."},
	"ProfileFile.vpc_endpoints":        {desc: "The ids of the interface endpoints it carries."},
	"ProfileFile.firewall_rule_groups": {desc: "The ids of the DNS Firewall rule groups it carries."},
	"ProfileFile.vpcs":                 {desc: "The ids of the VPCs it is associated with."},

	"UnmodeledFile.id":      {desc: "The id of the resource."},
	"UnmodeledFile.kind":    {desc: "What the resource is."},
	"UnmodeledFile.reason":  {desc: "Why vpcdns cannot model it."},
	"UnmodeledFile.account": {desc: "The account it was read in."},
}
