package config

import (
	"testing"
)

// TestValidateBase checks that the base of the rejection tests is valid.
func TestValidateBase(t *testing.T) {
	if _, err := Validate(decodeBase(t), "base.yaml", "testdata"); err != nil {
		t.Fatalf("got %v; want base.yaml valid", err)
	}
}

// TestValidateRejects changes one thing in testdata/base.yaml per case and
// checks the one problem it causes (behaviour.md §9).
func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(f *File)
		path   string
		reason string
		count  int // problems expected; 0 means 1
	}{
		// Ids.
		{"duplicate id across kinds", func(f *File) { f.Rules[1].ID = "subnet-a" },
			"resolver_rules[1].id", "is already the id of subnet vpcs[0].subnets[0]", 0},
		{"duplicate vpc id", func(f *File) { f.SecurityGroups[1].ID = "sg-1" },
			"security_groups[1].id", "is already the id of security group security_groups[0]", 0},
		{"missing id", func(f *File) { f.QueryLogging[0].ID = "" }, "query_logging[0].id", "is required", 0},
		{"duplicate zone id", func(f *File) { f.HostedZones[0].ID = "vpc-app" },
			"private_hosted_zones[0].id", "is already the id of vpc vpcs[0]", 0},

		// References.
		{"rule vpc unknown", func(f *File) { f.Rules[0].VPCs = []string{"vpc-nope"} },
			"resolver_rules[0].vpcs[0]", "is not the id of any vpc", 0},
		{"rule vpc of wrong kind", func(f *File) { f.Rules[0].VPCs = []string{"subnet-a"} },
			"resolver_rules[0].vpcs[0]", "is the id of subnet vpcs[0].subnets[0], not of a vpc", 0},
		{"endpoint subnet unknown", func(f *File) { f.Endpoints[0].IPAddresses[1].Subnet = "subnet-x" },
			"resolver_endpoints[0].ip_addresses[1].subnet", "is not the id of any subnet", 0},
		{"endpoint subnet of another vpc", func(f *File) {
			f.Endpoints[0].IPAddresses[1] = EndpointIPFile{Subnet: "subnet-other", IP: "10.1.1.10"}
		}, "resolver_endpoints[0].ip_addresses[1].subnet", "is a subnet of vpc vpc-other, not of the endpoint's vpc vpc-app", 0},
		{"endpoint vpc unknown", func(f *File) { f.Endpoints[1].VPC = "vpc-x" },
			"resolver_endpoints[1].vpc", "is not the id of any vpc", 0},
		{"subnet route table unknown", func(f *File) { f.VPCs[0].Subnets[0].RouteTable = "rtb-x" },
			"vpcs[0].subnets[0].route_table", "is not the id of any route table", 0},
		{"subnet route table of another vpc", func(f *File) { f.VPCs[0].Subnets[0].RouteTable = "rtb-other" },
			"vpcs[0].subnets[0].route_table", "belongs to vpc vpc-other, not to vpc-app", 0},
		{"main route table of another vpc", func(f *File) { f.VPCs[1].MainRouteTable = "rtb-app" },
			"vpcs[1].main_route_table", "belongs to vpc vpc-app, not to vpc-other", 0},
		{"subnet acl unknown", func(f *File) { f.VPCs[0].Subnets[0].NetworkACL = "acl-x" },
			"vpcs[0].subnets[0].network_acl", "is not the id of any network acl", 0},
		{"subnet acl of another vpc", func(f *File) { f.VPCs[1].Subnets[0].NetworkACL = "acl-1" },
			"vpcs[1].subnets[0].network_acl", "belongs to vpc vpc-app, not to vpc-other", 0},
		{"endpoint security group unknown", func(f *File) { f.Endpoints[0].SecurityGroups = []string{"sg-x"} },
			"resolver_endpoints[0].security_groups[0]", "is not the id of any security group", 0},
		{"endpoint security group of another vpc", func(f *File) { f.Endpoints[0].SecurityGroups = []string{"sg-other"} },
			"resolver_endpoints[0].security_groups[0]", "belongs to vpc vpc-other", 0},
		{"rule endpoint unknown", func(f *File) { f.Rules[0].ResolverEndpoint = "out-x" },
			"resolver_rules[0].resolver_endpoint", "is not the id of any resolver endpoint", 0},
		{"route target unknown", func(f *File) { f.RouteTables[0].Routes[0].Target = "tgw-x" },
			"route_tables[0].routes[0].target", "is not a route target", 0},
		{"route target of wrong kind", func(f *File) { f.RouteTables[0].Routes[0].Target = "vpc-other" },
			"route_tables[0].routes[0].target", "is the id of vpc vpcs[1], not a route target", 0},
		{"route target peering of other vpcs", func(f *File) {
			f.RouteTables[1].Routes = []RouteFile{{Destination: "10.0.0.0/16", Target: "pcx-1"}}
			f.VPCPeerings[0].RequesterVPC = "vpc-x"
		}, "vpc_peerings[0].requester_vpc", "is not the id of any vpc", 0},
		{"route target tgw not attached", func(f *File) {
			f.RouteTables[1].Routes = []RouteFile{{Destination: "192.168.0.0/16", Target: "tgw-1"}}
		}, "route_tables[1].routes[0].target", "has no attachment for vpc vpc-other", 0},
		{"route vpc unknown", func(f *File) { f.RouteTables[1].VPC = "" }, "route_tables[1].vpc", "is required", 0},
		{"peering vpc unknown", func(f *File) { f.VPCPeerings[0].AccepterVPC = "vpc-x" },
			"vpc_peerings[0].accepter_vpc", "is not the id of any vpc", 0},
		{"tgw attachment unknown", func(f *File) { f.TransitGateways[0].VPCAttachments = []string{"vpc-app", "vpc-x"} },
			"transit_gateways[0].vpc_attachments[1]", "is not the id of any vpc", 0},
		{"tgw remote network unknown", func(f *File) { f.TransitGateways[0].RemoteNetworks = []string{"vpn-x"} },
			"transit_gateways[0].remote_networks[0]", "is not the id of any remote network", 0},
		{"query log vpc unknown", func(f *File) { f.QueryLogging[0].VPCs = []string{"vpc-app", "vpc-x"} },
			"query_logging[0].vpcs[1]", "is not the id of any vpc", 0},
		{"zone vpc unknown", func(f *File) { f.HostedZones[0].VPCs = []string{"vpc-x"} },
			"private_hosted_zones[0].vpcs[0]", "is not the id of any vpc", 0},
		{"acl vpc unknown", func(f *File) { f.NetworkACLs[0].VPC = "vpc-x" },
			"network_acls[0].vpc", "is not the id of any vpc", 0},
		{"sg vpc unknown", func(f *File) { f.SecurityGroups[0].VPC = "vpc-x" },
			"security_groups[0].vpc", "is not the id of any vpc", 0},
		{"vpc listed twice", func(f *File) { f.QueryLogging[0].VPCs = []string{"vpc-app", "vpc-app"} },
			"query_logging[0].vpcs[1]", "is listed twice", 0},

		// CIDRs.
		{"overlapping vpc cidrs", func(f *File) { f.VPCs[0].CIDRBlocks = []string{"10.0.0.0/16", "10.0.128.0/17"} },
			"vpcs[0].cidr_blocks[1]", "overlaps vpcs[0].cidr_blocks[0] (10.0.0.0/16)", 0},
		{"overlapping subnets", func(f *File) {
			f.VPCs[0].Subnets[1].CIDRBlock = "10.0.1.128/25"
			f.Endpoints[0].IPAddresses[1].IP = "10.0.1.140"
			f.Endpoints[1].IPAddresses[1].IP = "10.0.1.141"
		}, "vpcs[0].subnets[1].cidr_block", "overlaps subnet subnet-a (10.0.1.0/24)", 0},
		{"subnet outside its vpc", func(f *File) { f.VPCs[1].Subnets[0].CIDRBlock = "10.9.1.0/24" },
			"vpcs[1].subnets[0].cidr_block", "is outside the vpc's cidr_blocks (10.1.0.0/16)", 0},
		{"cidr with host bits", func(f *File) { f.VPCs[1].CIDRBlocks = []string{"10.1.0.1/16"} },
			"vpcs[1].cidr_blocks[0]", "has host bits set: the block is 10.1.0.0/16", 0},
		{"invalid cidr", func(f *File) { f.RemoteNetworks[0].CIDRBlocks = []string{"192.168.0.0/33"} },
			"remote_networks[0].cidr_blocks[0]", "is not a CIDR block", 0},
		{"vpc without cidr", func(f *File) { f.VPCs[1].CIDRBlocks = nil },
			"vpcs[1].cidr_blocks", "is required", 0},
		{"ipv6 primary cidr", func(f *File) { f.VPCs[1].CIDRBlocks = []string{"2001:db8::/56", "10.1.0.0/16"} },
			"vpcs[1].cidr_blocks[0]", "must be IPv4", 0},
		{"peering of overlapping vpcs", func(f *File) {
			f.VPCs[1].CIDRBlocks = []string{"10.0.0.0/16"}
			f.VPCs[1].Subnets[0].CIDRBlock = "10.0.1.0/24"
		}, "vpc_peerings[0].accepter_vpc", "peered vpcs cannot overlap", 0},
		{"peering with itself", func(f *File) { f.VPCPeerings[0].AccepterVPC = "vpc-app" },
			"vpc_peerings[0].accepter_vpc", "cannot peer with itself", 0},
		{"route destination twice", func(f *File) {
			f.RouteTables[0].Routes = append(f.RouteTables[0].Routes, RouteFile{Destination: "192.168.0.0/16", Target: "blackhole"})
		}, "route_tables[0].routes[2].destination", "is already routed by route_tables[0].routes[0]", 0},
		{"route over the vpc's own block", func(f *File) {
			f.RouteTables[0].Routes = append(f.RouteTables[0].Routes, RouteFile{Destination: "10.0.0.0/16", Target: "tgw-1"})
		}, "route_tables[0].routes[2].destination", "which is routed local", 0},
		{"local route to elsewhere", func(f *File) {
			f.RouteTables[0].Routes = append(f.RouteTables[0].Routes, RouteFile{Destination: "172.16.0.0/12", Target: "local"})
		}, "route_tables[0].routes[2].target", "is only for a destination that is one of the vpc's cidr_blocks", 0},

		// Rules.
		{"forward rule without targets", func(f *File) { f.Rules[0].TargetIPs = nil },
			"resolver_rules[0].target_ips", "is required: a forward rule needs one target or more", 0},
		{"forward rule without endpoint", func(f *File) { f.Rules[0].ResolverEndpoint = "" },
			"resolver_rules[0].resolver_endpoint", "is required", 0},
		{"forward rule through an inbound endpoint", func(f *File) { f.Rules[0].ResolverEndpoint = "in-1" },
			"resolver_rules[0].resolver_endpoint", "is an inbound endpoint", 0},
		{"system rule with targets", func(f *File) { f.Rules[1].TargetIPs = []TargetIPFile{{IP: "192.168.10.53"}} },
			"resolver_rules[1].target_ips", "is only for forward rules", 0},
		{"system rule with endpoint", func(f *File) { f.Rules[1].ResolverEndpoint = "out-1" },
			"resolver_rules[1].resolver_endpoint", "is only for forward rules", 0},
		{"two rules for one domain on one vpc", func(f *File) { f.Rules[1].DomainName = "CORP.example." },
			"resolver_rules[1].vpcs[0]", "already has rule rr-corp for corp.example.", 0},
		{"rule type missing", func(f *File) { f.Rules[1].RuleType = "" },
			"resolver_rules[1].rule_type", "is required (forward or system)", 0},
		{"rule type invalid", func(f *File) { f.Rules[1].RuleType = "recursive" },
			"resolver_rules[1].rule_type", "must be forward or system", 0},
		{"rule on a vpc of another region", func(f *File) { f.VPCs[1].Region = "eu-west-1"; f.Rules[0].VPCs = []string{"vpc-other"} },
			"resolver_rules[0].vpcs[0]", "is in region eu-west-1, the rule's endpoint in us-east-1", 0},
		{"target listed twice", func(f *File) {
			f.Rules[0].TargetIPs = []TargetIPFile{{IP: "192.168.10.53"}, {IP: "192.168.10.53", Port: intp(53)}}
		}, "resolver_rules[0].target_ips[1]", "is already resolver_rules[0].target_ips[0]", 0},

		// Endpoints.
		{"endpoint with one address", func(f *File) { f.Endpoints[0].IPAddresses = f.Endpoints[0].IPAddresses[:1] },
			"resolver_endpoints[0].ip_addresses", "has 1 address(es): an endpoint needs two or more", 0},
		{"endpoint address outside its subnet", func(f *File) { f.Endpoints[0].IPAddresses[1].IP = "10.0.3.10" },
			"resolver_endpoints[0].ip_addresses[1].ip", "is outside its subnet subnet-b (10.0.2.0/24)", 0},
		{"endpoint address reserved", func(f *File) { f.Endpoints[0].IPAddresses[1].IP = "10.0.2.255" },
			"resolver_endpoints[0].ip_addresses[1].ip", "is reserved by AWS", 0},
		{"endpoint address used twice", func(f *File) { f.Endpoints[1].IPAddresses[0].IP = "10.0.1.10" },
			"resolver_endpoints[1].ip_addresses[0].ip", "is already the address of resolver endpoint out-1", 0},
		{"endpoint address of an instance", func(f *File) { f.Endpoints[0].IPAddresses[0].IP = "10.0.1.5" },
			"resolver_endpoints[0].ip_addresses[0].ip", "is already the address of instance i-1", 0},
		{"outbound endpoint that listens", func(f *File) { f.Endpoints[0].Listen = []string{"127.0.0.1:5355"} },
			"resolver_endpoints[0].listen", "is only for inbound endpoints", 0},
		{"direction invalid", func(f *File) { f.Endpoints[1].Direction = "sideways" },
			"resolver_endpoints[1].direction", "must be outbound or inbound", 0},

		// Zones and records.
		{"record outside its zone", func(f *File) { f.HostedZones[0].Records[0].Name = "db.other.example" },
			"private_hosted_zones[0].records[0].name", "is outside zone internal.example.", 0},
		{"zone with records and zone_file", func(f *File) { f.HostedZones[0].ZoneFile = "zones/internal.example.zone" },
			"private_hosted_zones[0].zone_file", "cannot be used with records", 0},
		{"zone without vpcs", func(f *File) { f.HostedZones[0].VPCs = nil },
			"private_hosted_zones[0].vpcs", "is required", 0},
		{"zone name invalid", func(f *File) { f.HostedZones[0].Name = "internal..example" },
			"private_hosted_zones[0].name", "is not a valid domain name", 0},
		{"zone is the root", func(f *File) { f.HostedZones[0].Name = "." },
			"private_hosted_zones[0].name", "is the root", 0},
		{"two zones of one name on one vpc", func(f *File) {
			f.HostedZones = append(f.HostedZones, ZoneFile{Name: "internal.example.", VPCs: []string{"vpc-app"}})
		}, "private_hosted_zones[1].vpcs[0]", "is already associated with private_hosted_zones[0]", 0},
		{"record type unknown", func(f *File) { f.HostedZones[0].Records[0].Type = "XYZ" },
			"private_hosted_zones[0].records[0].type", "is not a record type Route 53 supports", 0},
		{"record type route 53 lacks", func(f *File) { f.HostedZones[0].Records[0].Type = "HINFO" },
			"private_hosted_zones[0].records[0].type", "is not a record type Route 53 supports", 0},
		{"record value invalid", func(f *File) { f.HostedZones[0].Records[0].Values = []string{"10.0.1.300"} },
			"private_hosted_zones[0].records[0].values[0]", "is not a valid A value", 0},
		{"mx value without preference", func(f *File) {
			f.HostedZones[0].Records[0] = RecordFile{Name: "internal.example", Type: "MX", Values: []string{"mail.internal.example."}}
		}, "private_hosted_zones[0].records[0].values[0]", "is not a valid MX value (e.g. 10 mail.example.com)", 0},
		{"record value on two lines", func(f *File) { f.HostedZones[0].Records[0].Values = []string{"10.0.1.20\n10.0.1.21"} },
			"private_hosted_zones[0].records[0].values[0]", "a value is one line", 0},
		{"record without values", func(f *File) { f.HostedZones[0].Records[0].Values = nil },
			"private_hosted_zones[0].records[0].values", "is required", 0},
		{"record ttl negative", func(f *File) { f.HostedZones[0].Records[0].TTL = intp(-1) },
			"private_hosted_zones[0].records[0].ttl", "is not a TTL", 0},
		{"record set repeated", func(f *File) {
			f.HostedZones[0].Records = append(f.HostedZones[0].Records, RecordFile{Name: "db.internal.example", Type: "a", Values: []string{"10.0.1.21"}})
		}, "private_hosted_zones[0].records[2]", "repeats the record set db.internal.example. A of private_hosted_zones[0].records[0]", 0},
		{"cname beside other data", func(f *File) {
			f.HostedZones[0].Records = append(f.HostedZones[0].Records, RecordFile{Name: "www.internal.example", Type: "TXT", Values: []string{`"hello"`}})
		}, "private_hosted_zones[0].records[2].type", "has a CNAME (private_hosted_zones[0].records[1]), which must be alone", 0},
		{"cname at the apex", func(f *File) { f.HostedZones[0].Records[1].Name = "internal.example" },
			"private_hosted_zones[0].records[1].name", "cannot have a CNAME", 0},
		{"cname with two values", func(f *File) { f.HostedZones[0].Records[1].Values = []string{"a.example.", "b.example."} },
			"private_hosted_zones[0].records[1].values", "a CNAME record set has one", 0},
		{"soa below the apex", func(f *File) {
			f.HostedZones[0].Records[0] = RecordFile{Name: "db.internal.example", Type: "SOA", Values: []string{"ns1.x. h.x. 1 2 3 4 5"}}
		}, "private_hosted_zones[0].records[0].name", "an SOA record is only at the apex", 0},
		{"auth zone with records and zone_file", func(f *File) {
			f.Emulation.AuthServers[0].Zones[0].ZoneFile = "zones/internal.example.zone"
		}, "emulation.authoritative_servers[0].zones[0].zone_file", "cannot be used with records", 0},
		{"auth zone twice", func(f *File) {
			f.Emulation.AuthServers[0].Zones = append(f.Emulation.AuthServers[0].Zones, AuthZoneFile{Name: "CORP.example"})
		}, "emulation.authoritative_servers[0].zones[1].name", "is already the name of emulation.authoritative_servers[0].zones[0]", 0},
		{"auth record outside its zone", func(f *File) { f.Emulation.AuthServers[0].Zones[0].Records[0].Name = "db.other.example" },
			"emulation.authoritative_servers[0].zones[0].records[0].name", "is outside zone corp.example.", 0},

		// Names, addresses, ports.
		{"invalid domain name", func(f *File) { f.Rules[0].DomainName = "corp..example" },
			"resolver_rules[0].domain_name", "is not a valid domain name", 0},
		{"domain name with a space", func(f *File) { f.Rules[0].DomainName = "corp example" },
			"resolver_rules[0].domain_name", "is not a valid domain name", 0},
		{"invalid target address", func(f *File) { f.Rules[0].TargetIPs[0].IP = "192.168.1.300" },
			"resolver_rules[0].target_ips[0].ip", "is not an IPv4 address", 0},
		{"invalid target port", func(f *File) { f.Rules[0].TargetIPs[0].Port = intp(0) },
			"resolver_rules[0].target_ips[0].port", "is not a port (1–65535)", 0},
		{"target port too big", func(f *File) { f.Rules[0].TargetIPs[0].Port = intp(65536) },
			"resolver_rules[0].target_ips[0].port", "is not a port (1–65535)", 0},
		{"instance address invalid", func(f *File) { f.VPCs[0].Instances[0].PrivateIPs = []string{"10.0.1"} },
			"vpcs[0].instances[0].private_ips[0]", "is not an IPv4 address", 0},
		{"instance address outside the vpc", func(f *File) { f.VPCs[0].Instances[0].PrivateIPs = []string{"10.9.1.5"} },
			"vpcs[0].instances[0].private_ips[0]", "is outside the vpc's cidr_blocks", 0},
		{"resolver_listen without port", func(f *File) { f.VPCs[0].ResolverListen = []string{"127.0.0.1"} },
			"vpcs[0].resolver_listen[0]", "is not an ip:port address", 0},
		{"resolver_listen bad port", func(f *File) { f.VPCs[0].ResolverListen = []string{"127.0.0.1:0"} },
			"vpcs[0].resolver_listen[0]", `has port "0" outside 1–65535`, 0},
		{"inbound endpoint on a vpc's socket", func(f *File) { f.Endpoints[1].Listen = []string{"127.0.0.1:5353"} },
			"resolver_endpoints[1].listen[0]", "is already a listen address of vpc vpc-app", 0},
		{"auth server on the wildcard of a used port", func(f *File) { f.Emulation.AuthServers[0].Listen = []string{"0.0.0.0:5354"} },
			"emulation.authoritative_servers[0].listen[0]", "is already a listen address of inbound endpoint in-1", 0},
		{"auth server listen invalid", func(f *File) { f.Emulation.AuthServers[0].Listen = []string{"localhost:5300"} },
			"emulation.authoritative_servers[0].listen[0]", "is not an IP address", 0},
		{"auth server without listen", func(f *File) { f.Emulation.AuthServers[0].Listen = nil },
			"emulation.authoritative_servers[0].listen", "is required", 0},
		{"address map key invalid", func(f *File) { f.Emulation.AddressMap = map[string]string{"192.168.10.53": "127.0.0.1:5300"} },
			`emulation.address_map["192.168.10.53"]`, "the key is not an ip:port address", 0},
		{"address map value invalid", func(f *File) { f.Emulation.AddressMap = map[string]string{"192.168.10.53:53": "127.0.0.1"} },
			`emulation.address_map["192.168.10.53:53"]`, "is not an ip:port address", 0},
		{"internet forwarder invalid", func(f *File) { f.Internet.Forwarders = []string{"dns.google"} },
			"internet.forwarders[0]", "want ip or ip:port", 0},

		// Enumerations and numbers.
		{"protocol invalid", func(f *File) { f.SecurityGroups[0].Egress[0].Protocol = "icmp" },
			"security_groups[0].egress[0].protocol", "must be udp, tcp or all", 0},
		{"acl action invalid", func(f *File) { f.NetworkACLs[0].Entries[0].Action = "reject" },
			"network_acls[0].entries[0].action", "must be allow or deny", 0},
		{"acl rule number used twice", func(f *File) { f.NetworkACLs[0].Entries[1].Egress = true },
			"network_acls[0].entries[1].rule_number", "is already the rule number of network_acls[0].entries[0] (egress)", 0},
		{"acl rule number missing", func(f *File) { f.NetworkACLs[0].Entries[1].RuleNumber = 0 },
			"network_acls[0].entries[1].rule_number", "is required (1–32766)", 0},
		{"acl rule number too big", func(f *File) { f.NetworkACLs[0].Entries[1].RuleNumber = 32767 },
			"network_acls[0].entries[1].rule_number", "is not a rule number (1–32766)", 0},
		{"from_port above to_port", func(f *File) {
			f.NetworkACLs[0].Entries[1].FromPort = intp(65535)
			f.NetworkACLs[0].Entries[1].ToPort = intp(1024)
		},
			"network_acls[0].entries[1].from_port", "is greater than to_port (1024)", 0},
		{"to_port without from_port", func(f *File) { f.SecurityGroups[0].Egress[0].FromPort = nil },
			"security_groups[0].egress[0].from_port", "is required when to_port is set", 0},
		{"sg port out of range", func(f *File) { f.SecurityGroups[0].Egress[0].ToPort = intp(70000) },
			"security_groups[0].egress[0].to_port", "is not a port (0–65535)", 0},
		{"remote state invalid", func(f *File) { f.RemoteNetworks[0].State = "sideways" },
			"remote_networks[0].state", "must be up or down", 0},
		{"remote type invalid", func(f *File) { f.RemoteNetworks[0].Type = "mpls" },
			"remote_networks[0].type", "must be vpn or direct_connect", 0},
		{"autodefined_reverse invalid", func(f *File) { f.VPCs[0].AutodefinedReverse = "on" },
			"vpcs[0].autodefined_reverse", "must be enable or disable", 0},
		{"ptr_records invalid", func(f *File) { f.VPCs[0].PTRRecords = "some" },
			"vpcs[0].ptr_records", "must be all or assigned", 0},
		{"attempt timeout invalid", func(f *File) { f.Emulation.Forwarding = &ForwardingFile{AttemptTimeout: "fast"} },
			"emulation.forwarding.attempt_timeout", "is not a duration", 0},
		{"total timeout zero", func(f *File) { f.Emulation.Forwarding = &ForwardingFile{TotalTimeout: "0s"} },
			"emulation.forwarding.total_timeout", "must be more than zero", 0},
		{"attempt longer than total", func(f *File) { f.Emulation.Forwarding = &ForwardingFile{AttemptTimeout: "5s"} },
			"emulation.forwarding.attempt_timeout", "is longer than total_timeout (3s)", 0},
		{"serve_stale negative", func(f *File) { f.Emulation.Cache = &CacheFile{ServeStale: "-1s"} },
			"emulation.cache.serve_stale", "must not be negative", 0},
		{"max_entries negative", func(f *File) { f.Emulation.Cache = &CacheFile{MaxEntries: intp(-1)} },
			"emulation.cache.max_entries", "must not be negative", 0},
		{"query log destination invalid", func(f *File) { f.QueryLogging[0].Destination = "syslog" },
			"query_logging[0].destination", "must be stdout or file:PATH", 0},
		{"account id invalid", func(f *File) { f.AccountID = "1234" }, "account_id", "is not a 12-digit AWS account id", 0},
		{"region invalid", func(f *File) { f.Region = "moon" }, "region", "is not an AWS region name", 0},
		{"availability zone of another region", func(f *File) { f.VPCs[0].Subnets[0].AvailabilityZone = "eu-west-1a" },
			"vpcs[0].subnets[0].availability_zone", "is not an availability zone of the vpc's region us-east-1", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := decodeBase(t)
			tt.mutate(f)
			n, err := Validate(f, "network.yaml", "testdata")
			if n != nil {
				t.Errorf("got a Network; want nil with problems")
			}
			ps := problemsOf(t, err)
			wantProblem(t, ps, tt.path, tt.reason, tt.count)
			for _, p := range ps {
				if p.File != "network.yaml" {
					t.Errorf("got File %q; want network.yaml", p.File)
				}
			}
		})
	}
}

// TestValidateReportsEverything checks that independent problems in every
// section are all reported in one pass.
func TestValidateReportsEverything(t *testing.T) {
	f := decodeBase(t)
	f.VPCs[0].CIDRBlocks = []string{"10.0.0.0/16", "10.0.0.0/17"}
	f.Rules[0].TargetIPs[0].IP = "x"
	f.HostedZones[0].Records[0].Name = "db.elsewhere"
	f.Emulation.AuthServers[0].Listen = []string{"nope"}
	f.QueryLogging[0].Destination = ""
	_, err := Validate(f, "network.yaml", "testdata")
	ps := problemsOf(t, err)
	want := []string{
		"vpcs[0].cidr_blocks[1]",
		"resolver_rules[0].target_ips[0].ip",
		"private_hosted_zones[0].records[0].name",
		"query_logging[0].destination",
		"emulation.authoritative_servers[0].listen[0]",
	}
	if len(ps) != len(want) {
		t.Fatalf("got %d problems\n%v\nwant %d", len(ps), ps, len(want))
	}
	for i, p := range ps {
		if p.Path != want[i] {
			t.Errorf("problem %d: got path %s; want %s", i, p.Path, want[i])
		}
	}
}

func TestValidateNilFile(t *testing.T) {
	n, err := Validate(nil, "network.yaml", ".")
	if err != nil {
		t.Fatalf("got %v; want an empty network", err)
	}
	if n.AccountID != DefaultAccountID || n.Region != DefaultRegion {
		t.Errorf("got %s %s; want the defaults", n.AccountID, n.Region)
	}
}
