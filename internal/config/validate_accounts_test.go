package config

import (
	"net/netip"
	"testing"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// decodeAccounts decodes testdata/accounts.yaml, a valid network that uses
// every key of docs/network-yaml-accounts.md.
func decodeAccounts(t *testing.T) *File {
	t.Helper()
	f, err := Decode(readTestdata(t, "accounts.yaml"), "accounts.yaml")
	if err != nil {
		t.Fatalf("Decode(accounts.yaml): %v", err)
	}
	return f
}

func boolp(b bool) *bool { return &b }

// TestValidateAccounts checks the meaning Validate gives the account keys
// of testdata/accounts.yaml.
func TestValidateAccounts(t *testing.T) {
	n, err := Validate(decodeAccounts(t), "accounts.yaml", "testdata")
	if err != nil {
		t.Fatalf("accounts.yaml: %v", err)
	}
	hub, app := n.VPCByID("vpc-hub"), n.VPCByID("vpc-app")
	if !n.MultiAccount() {
		t.Error("MultiAccount() = false; want true (vpc-app belongs to 222222222222)")
	}
	if hub.OwnerAccount != "111111111111" || app.OwnerAccount != "222222222222" {
		t.Errorf("owners %s, %s; want 111111111111 (account_id), 222222222222", hub.OwnerAccount, app.OwnerAccount)
	}
	if hub.DHCPOptions.BypassesResolver(hub) || !app.DHCPOptions.BypassesResolver(app) {
		t.Error("dopt-amazon must not bypass the resolver, dopt-custom must")
	}
	if got := hub.AllCIDRs(); len(got) != 2 || got[1] != netip.MustParsePrefix("2600:1f18:1:100::/56") {
		t.Errorf("hub AllCIDRs = %v", got)
	}
	pcx, old := n.Peerings[0], n.Peerings[1]
	if !pcx.ResolvesPeerNames(n.VPCByID("vpc-data")) || pcx.ResolvesPeerNames(hub) {
		t.Error("pcx-hub-data: vpc-data must resolve vpc-hub's names (requester allows), not the other way round")
	}
	if old.CarriesTraffic() || old.Status != "pending_acceptance" {
		t.Errorf("pcx-hub-old status %q carries traffic %v; want pending_acceptance (dashes accepted), inactive", old.Status, old.CarriesTraffic())
	}
	tgw := n.TransitGateways[0]
	if len(tgw.VPCs) != 2 || len(tgw.RemoteNetworks) != 2 || len(tgw.RouteTables) != 1 || tgw.Attachments[0].RouteTable != tgw.RouteTables[0] {
		t.Errorf("tgw-core: vpcs %d remotes %d tables %d", len(tgw.VPCs), len(tgw.RemoteNetworks), len(tgw.RouteTables))
	}
	dc1, dc2 := n.RemoteNetworks[0], n.RemoteNetworks[1]
	if !dc1.Up || dc2.Up || !dc2.TunnelsDown {
		t.Errorf("vpn-dc1 up %v (one tunnel up), vpn-dc2 up %v (all tunnels down)", dc1.Up, dc2.Up)
	}
	if n.VPNGateways[0].RemoteNetworks[0].ID != "vpn-branch" {
		t.Error("vgw-hub must lead to vpn-branch (its vpn_gateway)")
	}
	sg := n.SecurityGroups[0]
	if len(sg.Egress) != 8 || sg.Egress[0].PrefixList == nil || sg.Egress[4].Group == nil || sg.Egress[7].Unresolved == nil {
		t.Errorf("sg-out egress: %+v", sg.Egress)
	}
	rt := n.RouteTables[0]
	var pl, vgw, unmodeled, igw int
	for _, r := range rt.Routes {
		switch {
		case r.PrefixList != nil:
			pl++
		case r.Kind == TargetVPNGateway && r.Propagated:
			vgw++
		case r.Kind == TargetUnmodeled:
			unmodeled++
		case r.Kind == TargetInternetGateway:
			igw++
		}
	}
	if pl != 2 || vgw != 1 || unmodeled != 1 || igw != 2 {
		t.Errorf("rtb-hub: %d prefix-list routes (want 2), %d vgw (1), %d unmodeled (1), %d igw (2)", pl, vgw, unmodeled, igw)
	}
	ssm := n.VPCEndpoints[0]
	if !ssm.AnswersPrivateDNS() || ssm.Names[0] != dnsname.Name("ssm.us-east-1.amazonaws.com.") {
		t.Errorf("vpce-ssm names %v; want the default ssm.us-east-1.amazonaws.com", ssm.Names)
	}
	s3 := n.VPCEndpoints[1]
	if len(s3.Names) != 2 || !s3.Wildcard[1] || len(s3.IPv6) != 1 {
		t.Errorf("vpce-s3: names %v wildcard %v ipv6 %v", s3.Names, s3.Wildcard, s3.IPv6)
	}
	if app.Profile == nil || app.Profile.ID != "rp-0shared" || len(app.Profile.HostedZones) != 1 {
		t.Errorf("vpc-app profile %+v", app.Profile)
	}
	z := n.HostedZones[0]
	if len(z.Sets) != 1 || z.Sets[0].Answered != "blue" || z.Sets[0].Others[0] != "green" {
		t.Errorf("Z0HUBINTERNAL sets %+v", z.Sets)
	}
	var www, api, lb int
	for _, rr := range z.Records {
		switch rr.Header().Name {
		case "www.internal.example.":
			www++
		case "api.internal.example.":
			api++
		case "lb.internal.example.":
			lb++
		}
	}
	if www != 1 || api != 1 || lb != 2 {
		t.Errorf("records: www %d (alias to db: 1), api %d (first set: 1), lb %d (alias values: 2)", www, api, lb)
	}
	if n.QueryLogs[0].DestinationARN == "" || n.Unmodeled[1].Account != "111111111111" {
		t.Error("query log destination_arn or unmodeled account lost")
	}
}

// TestValidateAccountsRejects changes one thing in testdata/accounts.yaml
// per case and checks the one problem it causes.
func TestValidateAccountsRejects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(f *File)
		path   string
		reason string
		count  int
	}{
		{"dhcp server not an address", func(f *File) { f.DHCPOptionSets[1].DomainNameServers[0] = "10.50.0.300" },
			"dhcp_option_sets[1].domain_name_servers[0]", "is not AmazonProvidedDNS or an IP address", 0},
		{"dhcp five servers", func(f *File) {
			f.DHCPOptionSets[1].DomainNameServers = []string{"10.0.0.1", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"}
		}, "dhcp_option_sets[1].domain_name_servers", "at most four", 0},
		{"dhcp server twice", func(f *File) { f.DHCPOptionSets[1].DomainNameServers[1] = "10.50.0.10" },
			"dhcp_option_sets[1].domain_name_servers[1]", "is already dhcp_option_sets[1].domain_name_servers[0]", 0},
		{"dhcp domain invalid", func(f *File) { f.DHCPOptionSets[1].DomainName = "corp..example" },
			"dhcp_option_sets[1].domain_name", "is not a valid domain name", 0},
		{"vpc dhcp options unknown", func(f *File) { f.VPCs[0].DHCPOptions = "dopt-x" },
			"vpcs[0].dhcp_options", "is not the id of any dhcp option set", 0},
		{"vpc dhcp options of wrong kind", func(f *File) { f.VPCs[0].DHCPOptions = "pl-onprem" },
			"vpcs[0].dhcp_options", "is the id of prefix list prefix_lists[0], not of a dhcp option set", 0},
		{"owner account invalid", func(f *File) { f.VPCs[1].OwnerAccount = "2222" },
			"vpcs[1].owner_account", "is not a 12-digit AWS account id", 0},
		{"ipv6 block is ipv4", func(f *File) { f.VPCs[0].IPv6CIDRBlocks[0] = "10.9.0.0/16" },
			"vpcs[0].ipv6_cidr_blocks[0]", "is not an IPv6 CIDR block", 0},
		{"ipv6 block host bits", func(f *File) { f.VPCs[0].IPv6CIDRBlocks[0] = "2600:1f18:1:100::1/56" },
			"vpcs[0].ipv6_cidr_blocks[0]", "has host bits set", 0},
		{"subnet ipv6 not a /64", func(f *File) { f.VPCs[0].Subnets[0].IPv6CIDRBlock = "2600:1f18:1:100::/60" },
			"vpcs[0].subnets[0].ipv6_cidr_block", "is not a /64", 0},
		{"subnet ipv6 outside the vpc", func(f *File) { f.VPCs[0].Subnets[0].IPv6CIDRBlock = "2600:1f18:2:101::/64" },
			"vpcs[0].subnets[0].ipv6_cidr_block", "is outside the vpc's ipv6_cidr_blocks", 0},
		{"peering status invalid", func(f *File) { f.VPCPeerings[0].Status = "up" },
			"vpc_peerings[0].status", "must be active, initiating_request", 0},
		{"prefix list mixed families", func(f *File) { f.PrefixLists[0].CIDRBlocks[1] = "2001:db8::/32" },
			"prefix_lists[0].cidr_blocks[1]", "is of another address family", 0},
		{"prefix list cidr twice", func(f *File) { f.PrefixLists[0].CIDRBlocks[1] = "192.168.0.0/16" },
			"prefix_lists[0].cidr_blocks[1]", "is already prefix_lists[0].cidr_blocks[0]", 0},
		{"route prefix list unknown", func(f *File) { f.RouteTables[0].Routes[0].DestinationPrefixList = "pl-x" },
			"route_tables[0].routes[0].destination_prefix_list", "is not the id of any prefix list", 0},
		{"route destination and prefix list", func(f *File) { f.RouteTables[0].Routes[0].Destination = "192.168.0.0/16" },
			"route_tables[0].routes[0].destination_prefix_list", "cannot be used with destination", 0},
		{"route origin invalid", func(f *File) { f.RouteTables[0].Routes[3].Origin = "bgp" },
			"route_tables[0].routes[3].origin", "must be static or propagated", 0},
		{"route to a vgw of another vpc", func(f *File) { f.VPNGateways[0].VPC = "vpc-app" },
			"route_tables[0].routes[3].target", "is not attached to vpc vpc-hub", 0},
		{"sg rule with cidr and prefix list", func(f *File) { f.SecurityGroups[0].Egress[0].CIDR = "10.0.0.0/8" },
			"security_groups[0].egress[0]", "needs exactly one of cidr, prefix_list and security_group", 0},
		{"sg rule with no destination", func(f *File) { f.SecurityGroups[0].Egress[3].CIDR = "" },
			"security_groups[0].egress[3].cidr", "is required (or prefix_list, or security_group)", 0},
		{"sg rule group unknown", func(f *File) { f.SecurityGroups[0].Egress[2].SecurityGroup = "sg-x" },
			"security_groups[0].egress[2].security_group", "is not the id of any security group", 0},
		{"tgw attachment of wrong kind", func(f *File) { f.TransitGateways[0].Attachments[0].Resource = "vpn-dc1" },
			"transit_gateways[0].attachments[0].resource", "is the id of remote network remote_networks[0], not of a vpc", 2},
		{"tgw attachment type invalid", func(f *File) { f.TransitGateways[0].Attachments[2].ResourceType = "ipsec" },
			"transit_gateways[0].attachments[2].resource_type", "must be vpc, vpn, direct_connect_gateway, peering or connect", 0},
		{"tgw attachment state invalid", func(f *File) { f.TransitGateways[0].Attachments[2].State = "up" },
			"transit_gateways[0].attachments[2].state", "must be available", 0},
		{"tgw route blackhole with attachments", func(f *File) {
			f.TransitGateways[0].RouteTables[0].Routes[0].Attachments = []string{"tgw-attach-dc1"}
		}, "transit_gateways[0].route_tables[0].routes[0].attachments", "is not allowed with blackhole", 0},
		{"tgw route without attachments", func(f *File) { f.TransitGateways[0].RouteTables[0].Routes[1].Attachments = nil },
			"transit_gateways[0].route_tables[0].routes[1].attachments", "is required", 0},
		{"tgw propagation unknown", func(f *File) { f.TransitGateways[0].RouteTables[0].Propagations[0] = "tgw-attach-x" },
			"transit_gateways[0].route_tables[0].propagations[0]", "is not the id of any transit gateway attachment", 0},
		{"tgw association unknown", func(f *File) { f.TransitGateways[0].Attachments[0].RouteTable = "tgw-rtb-x" },
			"transit_gateways[0].attachments[0].route_table", "is not the id of any transit gateway route table", 0},
		{"tunnel status invalid", func(f *File) { f.RemoteNetworks[0].Tunnels[0].Status = "half" },
			"remote_networks[0].tunnels[0].status", "must be up or down", 0},
		{"vpn gateway unknown", func(f *File) { f.RemoteNetworks[2].VPNGateway = "vgw-x" },
			"remote_networks[2].vpn_gateway", "is not the id of any vpn gateway", 0},
		{"rule not shared with another account's vpc", func(f *File) { f.Rules[0].ShareStatus = "" },
			"resolver_rules[0].vpcs[1]", "only a rule shared through AWS RAM can be associated with another account's vpc", 0},
		{"rule share status invalid", func(f *File) { f.Rules[0].ShareStatus = "public" },
			"resolver_rules[0].share_status", "must be not_shared, shared_with_me or shared_by_me", 0},
		{"rule endpoint of another account", func(f *File) { f.Endpoints[0].OwnerAccount = "333333333333" },
			"resolver_rules[0].resolver_endpoint", "a rule uses an endpoint of its own account", 9},
		{"query log arn invalid", func(f *File) { f.QueryLogging[0].DestinationARN = "s3://bucket" },
			"query_logging[0].destination_arn", "is not the ARN of", 0},
		{"gateway endpoint with private dns", func(f *File) { f.VPCEndpoints[3].PrivateDNSEnabled = true },
			"vpc_endpoints[3].private_dns_enabled", "is only for interface endpoints", 0},
		{"private dns name not derivable", func(f *File) { f.VPCEndpoints[0].ServiceName = "com.example.vpce.svc-123" },
			"vpc_endpoints[0].private_dns_names", "is required", 0},
		{"endpoint address outside its subnet", func(f *File) { f.VPCEndpoints[0].IPAddresses[0].IP = "10.0.2.99" },
			"vpc_endpoints[0].ip_addresses[0].ip", "is outside its subnet subnet-hub-a", 0},
		{"endpoint address in use", func(f *File) { f.VPCEndpoints[0].IPAddresses[0].IP = "10.0.1.10" },
			"vpc_endpoints[0].ip_addresses[0].ip", "is already the address of resolver endpoint rslvr-out-hub", 0},
		{"endpoint state invalid", func(f *File) { f.VPCEndpoints[0].State = "ready" },
			"vpc_endpoints[0].state", "must be available", 0},
		{"profile not shared with another account's vpc", func(f *File) { f.Profiles[0].ShareStatus = "not_shared" },
			"route53_profiles[0].vpcs[0]", "only a profile shared through AWS RAM", 2},
		{"vpc in two profiles", func(f *File) {
			f.Profiles = append(f.Profiles, ProfileFile{ID: "rp-2", ShareStatus: "shared_by_me", VPCs: []string{"vpc-data"}})
		}, "route53_profiles[1].vpcs[0]", "is already associated with profile rp-0shared: a vpc has one Route 53 Profile", 0},
		{"profile rule unknown", func(f *File) { f.Profiles[0].ResolverRules[0] = "rslvr-rr-x" },
			"route53_profiles[0].resolver_rules[0]", "is not the id of any resolver rule", 0},
		{"profile two rules of one domain", func(f *File) {
			f.Rules[7].DomainName = "corp.example"
			f.Profiles[0].ResolverRules = append(f.Profiles[0].ResolverRules, "rslvr-rr-corp")
		}, "route53_profiles[0].resolver_rules[1]", "a profile holds one rule per domain", 0},
		{"alias with values", func(f *File) { f.HostedZones[0].Records[1].Values = []string{"10.0.1.9"} },
			"private_hosted_zones[0].records[1].values", "cannot be used with alias", 0},
		{"alias of a type that cannot be one", func(f *File) {
			f.HostedZones[0].Records[4].Type = "NS"
			f.HostedZones[0].Records[4].Alias.Values = nil
		}, "private_hosted_zones[0].records[4].alias", "an alias record is one of", 0},
		{"alias target invalid", func(f *File) { f.HostedZones[0].Records[1].Alias.DNSName = "db..internal" },
			"private_hosted_zones[0].records[1].alias.dns_name", "is not a valid domain name", 0},
		{"set identifier twice", func(f *File) { f.HostedZones[0].Records[3].SetIdentifier = "blue" },
			"private_hosted_zones[0].records[3].set_identifier", "is already the set_identifier", 0},
		{"routing set without identifier", func(f *File) { f.HostedZones[0].Records[3].SetIdentifier = "" },
			"private_hosted_zones[0].records[3]", "need a set_identifier each", 0},
		{"unmodeled without reason", func(f *File) { f.Unmodeled[0].Reason = "" },
			"unmodeled[0].reason", "is required", 0},
		{"unmodeled id taken", func(f *File) { f.Unmodeled[0].ID = "vpc-hub" },
			"unmodeled[0].id", "is already the id of vpc vpcs[0]", 2},
		{"zone in no vpc and no profile", func(f *File) { f.Profiles[0].PrivateHostedZones = nil },
			"private_hosted_zones[1].vpcs", "is required", 0},
		{"peering per-side option kept", func(f *File) {
			f.VPCPeerings[0].AccepterAllowDNSResolution = boolp(true)
			f.VPCPeerings[0].Status = "gone"
		},
			"vpc_peerings[0].status", "must be", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := decodeAccounts(t)
			tt.mutate(f)
			_, err := Validate(f, "accounts.yaml", "testdata")
			wantProblem(t, problemsOf(t, err), tt.path, tt.reason, tt.count)
		})
	}
}
