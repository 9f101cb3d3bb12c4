package lint_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"text/template"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/lint"
	"github.com/vpcdns/vpcdns/internal/view"
)

// pathNet is a network whose forwarded queries cross every modeled control:
// a security group, a network ACL on subnet-a, a route table, a transit
// gateway and two remote networks. With the defaults every path is open;
// each path case breaks one thing.
const pathNet = `
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
    main_route_table: rtb-app
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a, network_acl: acl-app}
      - {id: subnet-b, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
transit_gateways:
  - {id: tgw-core, vpc_attachments: [vpc-app], remote_networks: [vpn-onprem, dx-dc2]}
remote_networks:
  - {id: vpn-onprem, type: vpn, cidr_blocks: [192.168.10.0/24], state: {{or .VPN "up"}}}
  - {id: dx-dc2, type: direct_connect, cidr_blocks: [192.168.20.0/24], state: up}
security_groups:
  - id: sg-out
    vpc: vpc-app
    egress: {{or .Egress "[{protocol: udp, from_port: 53, to_port: 53, cidr: 192.168.0.0/16}, {protocol: tcp, from_port: 53, to_port: 53, cidr: 192.168.0.0/16}]"}}
network_acls:
  - id: acl-app
    vpc: vpc-app
    entries:
      - {rule_number: 100, egress: true, protocol: all, cidr: 0.0.0.0/0, action: allow}
{{or .Ingress "      - {rule_number: 100, egress: false, protocol: all, cidr: 192.168.0.0/16, action: allow}"}}
route_tables:
  - id: rtb-app
    vpc: vpc-app
    routes: {{or .Routes "[{destination: 192.168.0.0/16, target: tgw-core}]"}}
resolver_endpoints:
  - id: rslvr-out
    direction: outbound
    vpc: vpc-app
    security_groups: [sg-out]
    ip_addresses: [{subnet: subnet-a, ip: 10.0.1.10}, {subnet: subnet-b, ip: 10.0.2.10}]
resolver_rules:
  - id: rr-corp
    rule_type: forward
    domain_name: corp.example
    resolver_endpoint: rslvr-out
    target_ips: [{ip: 192.168.10.53}, {ip: 192.168.20.53}]
    vpcs: [vpc-app]
`

type pathVars struct{ VPN, Egress, Ingress, Routes string }

func renderPath(t *testing.T, v pathVars) string {
	t.Helper()
	var b bytes.Buffer
	if err := template.Must(template.New("").Parse(pathNet)).Execute(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// simpleVPC is one VPC with two subnets in two zones, and simpleOut an
// outbound endpoint with an address in each; cases add the sections they
// need.
const simpleVPC = `
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
      - {id: subnet-b, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
`

const simpleOut = `
  - id: rslvr-out
    direction: outbound
    vpc: vpc-app
    ip_addresses: [{subnet: subnet-a, ip: 10.0.1.10}, {subnet: subnet-b, ip: 10.0.2.10}]
`

func forward(id, domain, targets, vpcs string) string {
	return "\n  - {id: " + id + ", rule_type: forward, domain_name: \"" + domain + "\", resolver_endpoint: rslvr-out, target_ips: " + targets + ", vpcs: " + vpcs + "}\n"
}

// cleanNet uses every kind of resource the checks look at, correctly: it
// must give no finding at all.
const cleanNet = `
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
    main_route_table: rtb-app
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a, network_acl: acl-app}
      - {id: subnet-b, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
    instances:
      - {id: i-0123456789abcdef0, private_ips: [10.0.1.5]}
  - id: vpc-shared
    cidr_blocks: [10.1.0.0/16]
    enable_dns_hostnames: true
    main_route_table: rtb-shared
    subnets:
      - {id: subnet-shared, cidr_block: 10.1.1.0/24, availability_zone: us-east-1a}
vpc_peerings:
  - {id: pcx-app-shared, requester_vpc: vpc-app, accepter_vpc: vpc-shared, allow_dns_resolution: true}
transit_gateways:
  - {id: tgw-core, vpc_attachments: [vpc-app], remote_networks: [vpn-onprem]}
remote_networks:
  - {id: vpn-onprem, type: vpn, cidr_blocks: [192.168.0.0/16], state: up}
security_groups:
  - id: sg-resolver-out
    vpc: vpc-app
    egress:
      - {protocol: udp, from_port: 53, to_port: 53, cidr: 192.168.0.0/16}
      - {protocol: tcp, from_port: 53, to_port: 53, cidr: 192.168.0.0/16}
  - id: sg-resolver-in
    vpc: vpc-app
    ingress:
      - {protocol: udp, from_port: 53, to_port: 53, cidr: 192.168.0.0/16}
      - {protocol: tcp, from_port: 53, to_port: 53, cidr: 192.168.0.0/16}
network_acls:
  - id: acl-app
    vpc: vpc-app
    entries:
      - {rule_number: 100, egress: true, protocol: all, cidr: 0.0.0.0/0, action: allow}
      - {rule_number: 100, egress: false, protocol: udp, from_port: 1024, to_port: 65535, cidr: 192.168.0.0/16, action: allow}
      - {rule_number: 110, egress: false, protocol: tcp, from_port: 1024, to_port: 65535, cidr: 192.168.0.0/16, action: allow}
      - {rule_number: 120, egress: false, protocol: all, cidr: 10.0.0.0/8, action: allow}
route_tables:
  - id: rtb-app
    vpc: vpc-app
    routes:
      - {destination: 192.168.0.0/16, target: tgw-core}
      - {destination: 10.1.0.0/16, target: pcx-app-shared}
  - id: rtb-shared
    vpc: vpc-shared
    routes:
      - {destination: 10.0.0.0/16, target: pcx-app-shared}
resolver_endpoints:
  - id: rslvr-out-onprem
    direction: outbound
    vpc: vpc-app
    security_groups: [sg-resolver-out]
    ip_addresses: [{subnet: subnet-a, ip: 10.0.1.10}, {subnet: subnet-b, ip: 10.0.2.10}]
  - id: rslvr-in-app
    direction: inbound
    vpc: vpc-app
    security_groups: [sg-resolver-in]
    ip_addresses: [{subnet: subnet-a, ip: 10.0.1.11}, {subnet: subnet-b, ip: 10.0.2.11}]
resolver_rules:
  - id: rslvr-rr-onprem-reverse
    rule_type: forward
    domain_name: 0.10.in-addr.arpa
    resolver_endpoint: rslvr-out-onprem
    target_ips: [{ip: 192.168.10.53}, {ip: 192.168.20.53}]
    vpcs: [vpc-app]
  - id: rslvr-rr-corp
    rule_type: forward
    domain_name: corp.example
    resolver_endpoint: rslvr-out-onprem
    target_ips: [{ip: 192.168.10.53}]
    vpcs: [vpc-app, vpc-shared]
  - id: rslvr-rr-sys
    rule_type: system
    domain_name: internal.corp.example
    vpcs: [vpc-app]
private_hosted_zones:
  - name: internal.example
    vpcs: [vpc-app, vpc-shared]
    records:
      - {name: db.internal.example, type: A, values: [10.0.1.20]}
`

// want is one finding a case must produce.
type want struct {
	id       string
	severity lint.Severity
	// resources must all be named by the finding (kind and id).
	resources []lint.Resource
	// text must appear in the title, the evidence, the impact or the fix.
	text []string
}

func res(kind, id string) lint.Resource { return lint.Resource{Kind: kind, ID: id} }

func TestLint(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		// want are the findings the network must give, and no other.
		want []want
	}{
		{name: "clean network", yaml: cleanNet},
		{
			name: "L001 every path blocked by the security group",
			yaml: renderPath(t, pathVars{Egress: "[{protocol: all, cidr: 172.16.0.0/12}]"}),
			want: []want{{id: lint.AllPathsBlocked, severity: lint.Error,
				resources: []lint.Resource{res("resolver-rule", "rr-corp"), res("security-group", "sg-out")},
				text:      []string{"security-group-egress", "SERVFAIL", "Add an egress rule to sg-out allowing udp and tcp to port 53 of 192.168.10.53 and 192.168.20.53"}}},
		},
		{
			name: "L001 every path blocked by a blackhole route",
			yaml: renderPath(t, pathVars{Routes: "[{destination: 192.168.0.0/16, target: blackhole}]"}),
			want: []want{{id: lint.AllPathsBlocked, severity: lint.Error,
				resources: []lint.Resource{res("resolver-rule", "rr-corp"), res("route-table", "rtb-app")},
				text:      []string{"route (rtb-app)", "Replace the blackhole route"}}},
		},
		{
			name: "L002 one endpoint address cannot get replies from one target",
			yaml: renderPath(t, pathVars{Ingress: "      - {rule_number: 100, egress: false, protocol: all, cidr: 192.168.10.0/24, action: allow}"}),
			want: []want{{id: lint.SomePathsBlocked, severity: lint.Warning,
				resources: []lint.Resource{res("resolver-rule", "rr-corp"), res("network-acl", "acl-app"), res("target", "192.168.20.53:53")},
				text:      []string{"1 of the 4 udp paths", "10.0.1.10 -> 192.168.20.53:53 over udp: nacl-inbound-return fails"}}},
		},
		{
			name: "L003 the security group allows udp but not tcp",
			yaml: renderPath(t, pathVars{Egress: "[{protocol: udp, from_port: 53, to_port: 53, cidr: 192.168.0.0/16}]"}),
			want: []want{{id: lint.UDPWithoutTCP, severity: lint.Warning,
				resources: []lint.Resource{res("security-group", "sg-out"), res("resolver-rule", "rr-corp")},
				text:      []string{"over udp but not tcp", "truncated", "allowing tcp to port 53"}}},
		},
		{
			name: "L003 the network ACL lets udp replies back but not tcp",
			yaml: renderPath(t, pathVars{Ingress: "      - {rule_number: 100, egress: false, protocol: udp, from_port: 1024, to_port: 65535, cidr: 192.168.0.0/16, action: allow}"}),
			want: []want{{id: lint.UDPWithoutTCP, severity: lint.Warning,
				resources: []lint.Resource{res("network-acl", "acl-app"), res("resolver-rule", "rr-corp")},
				text:      []string{"network ACL acl-app", "tcp 1024-65535"}}},
		},
		{
			name: "L003 an inbound endpoint's security group lets udp in but not tcp",
			yaml: "vpcs:" + simpleVPC + `
security_groups:
  - {id: sg-in, vpc: vpc-app, ingress: [{protocol: udp, from_port: 53, to_port: 53, cidr: 192.168.0.0/16}]}
resolver_endpoints:
  - {id: rslvr-in, direction: inbound, vpc: vpc-app, security_groups: [sg-in], ip_addresses: [{subnet: subnet-a, ip: 10.0.1.11}, {subnet: subnet-b, ip: 10.0.2.11}]}
`,
			want: []want{{id: lint.UDPWithoutTCP, severity: lint.Warning,
				resources: []lint.Resource{res("security-group", "sg-in"), res("resolver-endpoint", "rslvr-in")},
				text:      []string{"allowing tcp 53"}}},
		},
		{
			name: "L004 the network ACL lets back only the Linux ephemeral range",
			yaml: renderPath(t, pathVars{Ingress: "      - {rule_number: 100, egress: false, protocol: all, cidr: 192.168.0.0/16, action: deny}\n" +
				"      - {rule_number: 90, egress: false, protocol: udp, from_port: 32768, to_port: 65535, cidr: 192.168.0.0/16, action: allow}\n" +
				"      - {rule_number: 91, egress: false, protocol: tcp, from_port: 32768, to_port: 65535, cidr: 192.168.0.0/16, action: allow}"}),
			want: []want{{id: lint.EphemeralPartial, severity: lint.Warning,
				resources: []lint.Resource{res("network-acl", "acl-app"), res("resolver-rule", "rr-corp")},
				text:      []string{"only on 32768-65535", "1024-65535 from 192.168.10.53 and 192.168.20.53 in acl-app"}}},
		},
		{
			name: "L005 a forward rule for 10.in-addr.arpa is shadowed by the VPC's own reverse zone",
			yaml: "vpcs:" + simpleVPC + "resolver_endpoints:" + simpleOut +
				"resolver_rules:" + forward("rr-10", "10.in-addr.arpa", "[{ip: 192.168.10.53}]", "[vpc-app]"),
			want: []want{{id: lint.ReverseRuleShadowed, severity: lint.Warning,
				resources: []lint.Resource{res("resolver-rule", "rr-10"), res("vpc", "vpc-app")},
				text:      []string{"for 10.0.0.0/16", "0.10.in-addr.arpa. (10.0.0.0/16, a CIDR of vpc-app)", "create a forward rule for 0.10.in-addr.arpa.", "autodefined_reverse: disable on vpc-app"}}},
		},
		{
			name: "L005 a peer's reverse zone shadows the rule too",
			yaml: "vpcs:" + simpleVPC + `
  - {id: vpc-peer, cidr_blocks: [10.1.0.0/16], enable_dns_hostnames: true}
vpc_peerings:
  - {id: pcx-1, requester_vpc: vpc-app, accepter_vpc: vpc-peer, allow_dns_resolution: true}
resolver_endpoints:` + simpleOut +
				"resolver_rules:" + forward("rr-10", "10.in-addr.arpa", "[{ip: 192.168.10.53}]", "[vpc-app]") +
				forward("rr-own", "0.10.in-addr.arpa", "[{ip: 192.168.10.53}]", "[vpc-app]"),
			want: []want{{id: lint.ReverseRuleShadowed, severity: lint.Warning,
				resources: []lint.Resource{res("resolver-rule", "rr-10"), res("vpc", "vpc-app"), res("vpc", "vpc-peer")},
				text:      []string{"for 10.1.0.0/16", "connected by pcx-1"}}},
		},
		{
			name: "L006 a rule for the zone's own domain hides the whole zone",
			yaml: "vpcs:" + simpleVPC + "resolver_endpoints:" + simpleOut +
				"resolver_rules:" + forward("rr-ex", "example.com", "[{ip: 192.168.10.53}]", "[vpc-app]") + `
private_hosted_zones:
  - {id: Z1, name: example.com, vpcs: [vpc-app], records: [{name: db.example.com, type: A, values: [10.0.1.20]}]}
`,
			want: []want{{id: lint.ZoneHiddenByRule, severity: lint.Warning,
				resources: []lint.Resource{res("resolver-rule", "rr-ex"), res("private-hosted-zone", "Z1"), res("vpc", "vpc-app")},
				text:      []string{"hidden in vpc-app by rule rr-ex for the same domain", "disassociate rr-ex from vpc-app"}}},
		},
		{
			name: "L006 a rule for a domain inside the zone hides its names",
			yaml: "vpcs:" + simpleVPC + "resolver_endpoints:" + simpleOut +
				"resolver_rules:" + forward("rr-sub", "sub.example.com", "[{ip: 192.168.10.53}]", "[vpc-app]") + `
private_hosted_zones:
  - {id: Z1, name: example.com, vpcs: [vpc-app], records: [{name: db.sub.example.com, type: A, values: [10.0.1.20]}, {name: www.example.com, type: A, values: [10.0.1.21]}]}
`,
			want: []want{{id: lint.ZoneHiddenByRule, severity: lint.Warning,
				resources: []lint.Resource{res("resolver-rule", "rr-sub"), res("private-hosted-zone", "Z1")},
				text:      []string{"db.sub.example.com."}}},
		},
		{
			name: "L007 a rule on a VPC with DNS support off",
			yaml: `
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_support: false
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
      - {id: subnet-b, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
resolver_endpoints:` + simpleOut + "resolver_rules:" + forward("rr-corp", "corp.example", "[{ip: 192.168.10.53}]", "[vpc-app]"),
			want: []want{{id: lint.RuleOnVPCWithoutDNS, severity: lint.Error,
				resources: []lint.Resource{res("vpc", "vpc-app"), res("resolver-rule", "rr-corp")},
				text:      []string{"enable_dns_support: true on vpc-app"}}},
		},
		{
			name: "L007 a Profile's rule on a VPC with DNS support off",
			yaml: `
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_support: false
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
      - {id: subnet-b, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
route53_profiles:
  - {id: rp-1, resolver_rules: [rr-corp], vpcs: [vpc-app]}
resolver_endpoints:` + simpleOut + "resolver_rules:" + forward("rr-corp", "corp.example", "[{ip: 192.168.10.53}]", "[]"),
			want: []want{{id: lint.RuleOnVPCWithoutDNS, severity: lint.Error,
				resources: []lint.Resource{res("vpc", "vpc-app"), res("resolver-rule", "rr-corp")},
				text:      []string{"enable_dns_support: true on vpc-app"}}},
		},
		{
			name: "L008 a private hosted zone on a VPC without DNS hostnames",
			yaml: `
vpcs:
  - {id: vpc-app, cidr_blocks: [10.0.0.0/16]}
private_hosted_zones:
  - {id: Z1, name: internal.example, vpcs: [vpc-app], records: [{name: db.internal.example, type: A, values: [10.0.1.20]}]}
`,
			want: []want{{id: lint.ZoneOnVPCWithoutNames, severity: lint.Error,
				resources: []lint.Resource{res("vpc", "vpc-app"), res("private-hosted-zone", "Z1")},
				text:      []string{"DNS hostnames off", "the internet rule", "enable_dns_hostnames: true on vpc-app"}}},
		},
		{
			name: "L009 a rule targets the inbound endpoint of its own VPC",
			yaml: "vpcs:" + simpleVPC + "resolver_endpoints:" + simpleOut + `
  - {id: rslvr-in, direction: inbound, vpc: vpc-app, ip_addresses: [{subnet: subnet-a, ip: 10.0.1.11}, {subnet: subnet-b, ip: 10.0.2.11}]}
resolver_rules:` + forward("rr-corp", "corp.example", "[{ip: 10.0.1.11}]", "[vpc-app]"),
			want: []want{{id: lint.ForwardingLoop, severity: lint.Error,
				resources: []lint.Resource{res("resolver-rule", "rr-corp"), res("resolver-endpoint", "rslvr-in"), res("vpc", "vpc-app")},
				text:      []string{"RSLVR-00804", "Disassociate rr-corp from vpc-app"}}},
		},
		{
			name: "L009 two VPCs forward the same domain to each other's inbound endpoint",
			yaml: `
vpcs:
  - id: vpc-a
    cidr_blocks: [10.0.0.0/16]
    subnets:
      - {id: subnet-a1, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
      - {id: subnet-a2, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
  - id: vpc-b
    cidr_blocks: [10.1.0.0/16]
    subnets:
      - {id: subnet-b1, cidr_block: 10.1.1.0/24, availability_zone: us-east-1a}
      - {id: subnet-b2, cidr_block: 10.1.2.0/24, availability_zone: us-east-1b}
resolver_endpoints:
  - {id: out-a, direction: outbound, vpc: vpc-a, ip_addresses: [{subnet: subnet-a1, ip: 10.0.1.10}, {subnet: subnet-a2, ip: 10.0.2.10}]}
  - {id: in-a, direction: inbound, vpc: vpc-a, ip_addresses: [{subnet: subnet-a1, ip: 10.0.1.11}, {subnet: subnet-a2, ip: 10.0.2.11}]}
  - {id: out-b, direction: outbound, vpc: vpc-b, ip_addresses: [{subnet: subnet-b1, ip: 10.1.1.10}, {subnet: subnet-b2, ip: 10.1.2.10}]}
  - {id: in-b, direction: inbound, vpc: vpc-b, ip_addresses: [{subnet: subnet-b1, ip: 10.1.1.11}, {subnet: subnet-b2, ip: 10.1.2.11}]}
resolver_rules:
  - {id: rr-a, rule_type: forward, domain_name: corp.example, resolver_endpoint: out-a, target_ips: [{ip: 10.1.1.11}], vpcs: [vpc-a]}
  - {id: rr-b, rule_type: forward, domain_name: corp.example, resolver_endpoint: out-b, target_ips: [{ip: 10.0.1.11}], vpcs: [vpc-b]}
`,
			want: []want{{id: lint.ForwardingLoop, severity: lint.Error,
				resources: []lint.Resource{res("resolver-rule", "rr-a"), res("resolver-rule", "rr-b"), res("resolver-endpoint", "in-a"), res("resolver-endpoint", "in-b")},
				text:      []string{"vpc-a -> rule rr-a -> 10.1.1.11 -> vpc-b -> rule rr-b -> 10.0.1.11 -> vpc-a"}}},
		},
		{
			name: "L010 both endpoint addresses in one subnet",
			yaml: "vpcs:" + simpleVPC + `
resolver_endpoints:
  - {id: rslvr-out, direction: outbound, vpc: vpc-app, ip_addresses: [{subnet: subnet-a, ip: 10.0.1.10}, {subnet: subnet-a, ip: 10.0.1.11}]}
resolver_rules:` + forward("rr-corp", "corp.example", "[{ip: 192.168.10.53}]", "[vpc-app]"),
			want: []want{{id: lint.EndpointSingleAZ, severity: lint.Warning,
				resources: []lint.Resource{res("resolver-endpoint", "rslvr-out"), res("subnet", "subnet-a"), res("resolver-rule", "rr-corp")},
				text:      []string{"every query of rule rr-corp gets SERVFAIL"}}},
		},
		{
			name: "L010 both endpoint addresses in one availability zone",
			yaml: "vpcs:" + simpleVPC + `
      - {id: subnet-c, cidr_block: 10.0.3.0/24, availability_zone: us-east-1a}
resolver_endpoints:
  - {id: rslvr-out, direction: outbound, vpc: vpc-app, ip_addresses: [{subnet: subnet-a, ip: 10.0.1.10}, {subnet: subnet-c, ip: 10.0.3.10}]}
resolver_rules:` + forward("rr-corp", "corp.example", "[{ip: 192.168.10.53}]", "[vpc-app]"),
			want: []want{{id: lint.EndpointSingleAZ, severity: lint.Warning,
				resources: []lint.Resource{res("resolver-endpoint", "rslvr-out"), res("subnet", "subnet-a"), res("subnet", "subnet-c")},
				text:      []string{"us-east-1a", "rule rr-corp"}}},
		},
		{
			name: "L011 a rule targets an address of its own VPC that is no inbound endpoint",
			yaml: "vpcs:" + simpleVPC + "resolver_endpoints:" + simpleOut + `
  - {id: rslvr-in, direction: inbound, vpc: vpc-app, ip_addresses: [{subnet: subnet-a, ip: 10.0.1.11}, {subnet: subnet-b, ip: 10.0.2.11}]}
resolver_rules:` + forward("rr-corp", "corp.example", "[{ip: 10.0.1.12}]", "[vpc-app]"),
			want: []want{{id: lint.TargetInsideVPC, severity: lint.Warning,
				resources: []lint.Resource{res("resolver-rule", "rr-corp"), res("target", "10.0.1.12:53"), res("vpc", "vpc-app")},
				text:      []string{"target its addresses (10.0.1.11, 10.0.2.11)"}}},
		},
		{
			name: "L011 info: the target is a declared instance, a DNS server on EC2",
			yaml: "vpcs:" + simpleVPC + "    instances: [{id: i-dc1, private_ips: [10.0.1.53]}]\n" + "resolver_endpoints:" + simpleOut +
				"resolver_rules:" + forward("rr-ad", "ad.corp.example", "[{ip: 10.0.1.53}]", "[vpc-app]"),
			want: []want{{id: lint.TargetInsideVPC, severity: lint.Info,
				resources: []lint.Resource{res("instance", "i-dc1")},
				text:      []string{"a DNS server of your own on EC2"}}},
		},
		{
			name: "L012 one target is behind a VPN that is down",
			yaml: renderPath(t, pathVars{VPN: "down"}),
			want: []want{{id: lint.RemoteNetworkDown, severity: lint.Error,
				resources: []lint.Resource{res("remote-network", "vpn-onprem"), res("resolver-rule", "rr-corp")},
				text:      []string{"192.168.10.53:53 behind vpn-onprem", "Bring vpn-onprem back up"}}},
		},
		{
			name: "L013 a routed peering without DNS resolution",
			yaml: `
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
    main_route_table: rtb-app
  - id: vpc-peer
    cidr_blocks: [10.1.0.0/16]
    region: eu-west-1
    enable_dns_hostnames: true
vpc_peerings:
  - {id: pcx-1, requester_vpc: vpc-app, accepter_vpc: vpc-peer}
route_tables:
  - {id: rtb-app, vpc: vpc-app, routes: [{destination: 10.1.0.0/16, target: pcx-1}]}
`,
			want: []want{{id: lint.PeeringWithoutDNS, severity: lint.Warning,
				resources: []lint.Resource{res("vpc-peering", "pcx-1"), res("vpc", "vpc-app"), res("vpc", "vpc-peer")},
				text:      []string{"ip-10-1-0-4.eu-west-1.compute.internal.", "10.in-addr.arpa.", "allow_dns_resolution: true on pcx-1"}}},
		},
		{
			name: "L014 an inbound endpoint whose security group lets nothing in",
			yaml: "vpcs:" + simpleVPC + `
security_groups:
  - {id: sg-in, vpc: vpc-app, egress: [{protocol: all, cidr: 0.0.0.0/0}]}
resolver_endpoints:
  - {id: rslvr-in, direction: inbound, vpc: vpc-app, security_groups: [sg-in], ip_addresses: [{subnet: subnet-a, ip: 10.0.1.11}, {subnet: subnet-b, ip: 10.0.2.11}]}
`,
			want: []want{{id: lint.InboundClosed, severity: lint.Warning,
				resources: []lint.Resource{res("resolver-endpoint", "rslvr-in"), res("security-group", "sg-in")},
				text:      []string{"no ingress rule of sg-in allows udp 53"}}},
		},
		{
			name: "L015 a rule associated with no VPC",
			yaml: "vpcs:" + simpleVPC + "resolver_endpoints:" + simpleOut +
				"resolver_rules:" + forward("rr-corp", "corp.example", "[{ip: 192.168.10.53}]", "[]"),
			want: []want{{id: lint.RuleNotAssociated, severity: lint.Info,
				resources: []lint.Resource{res("resolver-rule", "rr-corp")}}},
		},
		{
			name: "L016 forward . without a system rule for amazonaws.com",
			yaml: "vpcs:" + simpleVPC + "resolver_endpoints:" + simpleOut +
				"resolver_rules:" + forward("rr-all", ".", "[{ip: 192.168.10.53}]", "[vpc-app]"),
			want: []want{{id: lint.BroadForward, severity: lint.Info,
				resources: []lint.Resource{res("resolver-rule", "rr-all"), res("vpc", "vpc-app")},
				text:      []string{"system rule for amazonaws.com"}}},
		},
		{
			name: "L017 dhcp option set without AmazonProvidedDNS",
			yaml: `
dhcp_option_sets:
  - {id: dopt-corp, domain_name_servers: [10.0.1.53, 192.168.10.53]}
  - {id: dopt-both, domain_name_servers: [10.0.1.53, AmazonProvidedDNS]}
  - {id: dopt-base2, domain_name_servers: [10.1.0.2]}
  - {id: dopt-inbound, domain_name_servers: [10.3.1.11, 10.3.2.11]}
vpcs:
  - id: vpc-inbound
    cidr_blocks: [10.3.0.0/16]
    dhcp_options: dopt-inbound
    subnets:
      - {id: subnet-3a, cidr_block: 10.3.1.0/24, availability_zone: us-east-1a}
      - {id: subnet-3b, cidr_block: 10.3.2.0/24, availability_zone: us-east-1b}
  - {id: vpc-app, cidr_blocks: [10.0.0.0/16], dhcp_options: dopt-corp, instances: [{id: i-dns, private_ips: [10.0.1.53]}]}
  - {id: vpc-mixed, cidr_blocks: [10.2.0.0/16], dhcp_options: dopt-both}
  - {id: vpc-base2, cidr_blocks: [10.1.0.0/16], dhcp_options: dopt-base2}
resolver_endpoints:
  - {id: rslvr-in-3, direction: inbound, vpc: vpc-inbound, ip_addresses: [{subnet: subnet-3a, ip: 10.3.1.11}, {subnet: subnet-3b, ip: 10.3.2.11}]}
`,
			want: []want{{id: lint.DHCPBypassesResolver, severity: lint.Warning,
				resources: []lint.Resource{res("dhcp-option-set", "dopt-corp"), res("vpc", "vpc-app")},
				text:      []string{"never ask the VPC resolver (10.0.0.2)", "10.0.1.53: instance i-dns of vpc-app", "192.168.10.53: a DNS server outside the modeled VPCs", "Add AmazonProvidedDNS to the domain-name-servers of dopt-corp"}}},
		},
		{
			name: "L018 a route through an unmodeled firewall",
			yaml: "unmodeled:\n  - {id: vpce-fw-1, kind: network-firewall-endpoint, reason: AWS Network Firewall is not modeled}\n" +
				renderPath(t, pathVars{Routes: "[{destination: 192.168.0.0/16, target: vpce-fw-1}]"}),
			want: []want{{id: lint.PathUnknown, severity: lint.Warning,
				resources: []lint.Resource{res("resolver-rule", "rr-corp"), res("unmodeled", "vpce-fw-1")},
				text:      []string{"gateway is unknown: vpce-fw-1 is a network-firewall-endpoint", "no path is known to be open, so explain expects UNKNOWN"}}},
		},
		{
			name: "L018 one target unknown, one open",
			yaml: "unmodeled:\n  - {id: pl-denied, kind: prefix-list, reason: GetManagedPrefixListEntries denied}\n" +
				renderPath(t, pathVars{Egress: "[{protocol: all, cidr: 192.168.20.0/24}, {protocol: all, prefix_list: pl-denied}]"}),
			want: []want{
				{id: lint.PathUnknown, severity: lint.Warning,
					resources: []lint.Resource{res("resolver-rule", "rr-corp"), res("unmodeled", "pl-denied")},
					text:      []string{"192.168.10.53:53: security-group-egress is unknown: sg-out allows all to prefix list pl-denied", "cannot be told"}}},
		},
		{
			name: "L016 not with the system rule",
			yaml: "vpcs:" + simpleVPC + "resolver_endpoints:" + simpleOut +
				"resolver_rules:" + forward("rr-all", ".", "[{ip: 192.168.10.53}]", "[vpc-app]") +
				"  - {id: rr-aws, rule_type: system, domain_name: amazonaws.com, vpcs: [vpc-app]}\n",
		},
		{
			name: "L023 a tracked endpoint expected to carry more than its addresses",
			yaml: "vpcs:" + simpleVPC + "resolver_endpoints:" + simpleOut + "    expected_qps: 5000\n",
			want: []want{{id: lint.EndpointCapacity, severity: lint.Warning,
				resources: []lint.Resource{res("resolver-endpoint", "rslvr-out")},
				text:      []string{"carry 3000", "tracked", "4 IP addresses or more", "untracked"}}},
		},
		{
			name: "L023 an untracked endpoint needs a third address",
			yaml: "vpcs:" + simpleVPC + `security_groups:
  - {id: sg-out, vpc: vpc-app, egress: [{protocol: udp, from_port: 53, to_port: 53, cidr: 0.0.0.0/0}], ingress: [{protocol: udp, from_port: 0, to_port: 65535, cidr: 0.0.0.0/0}]}
resolver_endpoints:` + simpleOut + "    security_groups: [sg-out]\n    expected_qps: 25000\n",
			want: []want{{id: lint.EndpointCapacity, severity: lint.Warning,
				resources: []lint.Resource{res("resolver-endpoint", "rslvr-out"), res("security-group", "sg-out")},
				text:      []string{"carry 20000", "3 IP addresses or more"}}},
		},
		{
			name: "L023 not when the addresses carry the rate",
			yaml: "vpcs:" + simpleVPC + "resolver_endpoints:" + simpleOut + "    expected_qps: 3000\n",
		},
		{
			name: "L024 an instance expected above the ENI limit",
			yaml: "vpcs:" + simpleVPC + "    instances:\n      - {id: i-coredns, private_ips: [10.0.1.5], expected_qps: 2500}\n",
			want: []want{{id: lint.ENIResolverLimit, severity: lint.Warning,
				resources: []lint.Resource{res("instance", "i-coredns"), res("vpc", "vpc-app")},
				text:      []string{"1024 packets/s", "linklocal_allowance_exceeded", "3 ENIs or more"}}},
		},
		{
			name: "L024 not under the limit, nor with the limit off",
			yaml: "vpcs:" + simpleVPC + "    instances:\n      - {id: i-a, private_ips: [10.0.1.5], expected_qps: 1000}\n" +
				"  - id: vpc-b\n    cidr_blocks: [10.1.0.0/16]\n    instances: [{id: i-b, private_ips: [10.1.0.5], expected_qps: 5000}]\n" +
				"emulation: {limits: {eni_packets_per_second: 0}}\n",
		},
		{
			name: "L019–L022 the DNS Firewall",
			yaml: fwNet,
			want: []want{
				{id: lint.FirewallRuleShadowed, severity: lint.Warning,
					resources: []lint.Resource{res("firewall-rule-group", "frg-second"), res("firewall-domain-list", "fdl-narrow"),
						res("firewall-rule-group", "frg-first"), res("firewall-domain-list", "fdl-wide"), res("vpc", "vpc-app")},
					text: []string{"BLOCKs every name it holds"}},
				{id: lint.FirewallOverrideBlocked, severity: lint.Warning,
					resources: []lint.Resource{res("firewall-rule-group", "frg-second"), res("firewall-rule-group", "frg-first"),
						res("firewall-domain-list", "fdl-walled"), res("vpc", "vpc-app")},
					text: []string{"CNAME to walled.example.net."}},
				{id: lint.FirewallOnVPCWithoutDNS, severity: lint.Warning,
					resources: []lint.Resource{res("vpc", "vpc-off"), res("firewall-rule-group", "frg-second"), res("firewall-rule-group-association", "assoc-off")}},
				{id: lint.FirewallListUnused, severity: lint.Info,
					resources: []lint.Resource{res("firewall-domain-list", "fdl-unused")}},
			},
		},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		for _, w := range tt.want {
			covered[w.id] = true
		}
	}
	for _, e := range lint.Catalogue() {
		if !covered[e.ID] {
			t.Errorf("catalogue entry %s (%s) has no test network", e.ID, e.Name)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := lintYAML(t, tt.yaml)
			if os.Getenv("LINT_SHOW") != "" {
				t.Log("\n" + text(t, r))
			}
			var got []string
			for _, f := range r.Findings {
				got = append(got, f.ID)
			}
			var wantIDs []string
			for _, w := range tt.want {
				wantIDs = append(wantIDs, w.id)
			}
			if !slices.Equal(got, wantIDs) {
				t.Fatalf("findings %v; want %v\n%s", got, wantIDs, text(t, r))
			}
			for i, w := range tt.want {
				f := r.Findings[i]
				if f.Severity != w.severity {
					t.Errorf("%s severity %s; want %s", f.ID, f.Severity, w.severity)
				}
				for _, x := range w.resources {
					if !slices.Contains(f.Resources, x) {
						t.Errorf("%s does not name %s; resources %v", f.ID, x, f.Resources)
					}
				}
				all := strings.Join(append([]string{f.Title, f.Impact, f.Fix}, f.Evidence...), "\n")
				for _, s := range w.text {
					if !strings.Contains(all, s) {
						t.Errorf("%s does not say %q:\n%s", f.ID, s, all)
					}
				}
				if f.Title == "" || f.Impact == "" || f.Fix == "" || len(f.Resources) == 0 {
					t.Errorf("%s lacks a title, impact, fix or resource: %+v", f.ID, f)
				}
			}
		})
	}
}

func lintYAML(t *testing.T, yaml string) *lint.Report {
	t.Helper()
	n, _, err := config.Parse([]byte(yaml), "test.yaml", t.TempDir())
	if err != nil {
		t.Fatalf("network does not load: %v\n%s", err, yaml)
	}
	v, err := view.Compile(n)
	if err != nil {
		t.Fatal(err)
	}
	return lint.Run(v)
}

func text(t *testing.T, r *lint.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := lint.WriteText(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestExitCode(t *testing.T) {
	for _, tt := range []struct {
		r    lint.Report
		want int
	}{
		{lint.Report{}, 0},
		{lint.Report{Infos: 2}, 0},
		{lint.Report{Warnings: 1, Infos: 1}, 1},
		{lint.Report{Errors: 1, Warnings: 3}, 2},
	} {
		if got := tt.r.ExitCode(); got != tt.want {
			t.Errorf("%+v: exit %d; want %d", tt.r, got, tt.want)
		}
	}
}

// TestCatalogueDocumented keeps the table of doc.go in step with the
// catalogue: every id, name and severity appears on one line.
func TestCatalogueDocumented(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	prev := 0
	for i, e := range lint.Catalogue() {
		// Ids are allocated in blocks to the work that adds them (L017–L022
		// elsewhere, L023–L024 for rate limits), so they rise but may skip.
		var n int
		if _, err := fmt.Sscanf(e.ID, "VPCDNS-L%03d", &n); err != nil || e.ID != fmt.Sprintf("VPCDNS-L%03d", n) || n <= prev {
			t.Errorf("catalogue entry %d is %s; want VPCDNS-Lnnn above VPCDNS-L%03d (ids rise)", i, e.ID, prev)
		}
		prev = n
		found := false
		for line := range strings.Lines(string(doc)) {
			f := strings.Fields(strings.TrimPrefix(line, "//"))
			if len(f) >= 3 && f[0] == e.ID && f[1] == e.Severity.String() && f[2] == e.Name {
				found = true
			}
		}
		if !found {
			t.Errorf("doc.go has no line %q", e.ID+" "+e.Severity.String()+" "+e.Name)
		}
		if e.Meaning == "" || e.Fix == "" {
			t.Errorf("%s lacks a meaning or a fix", e.ID)
		}
	}
}

// TestJSONRoundTrip checks the JSON keys tools read.
func TestJSONRoundTrip(t *testing.T) {
	r := lintYAML(t, renderPath(t, pathVars{VPN: "down"}))
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Findings []struct {
			ID, Name, Severity, Title, Impact, Fix string
			Resources                              []struct{ Kind, ID string }
			Evidence                               []string
		}
		Errors, Warnings int
		Info             int `json:"info"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Findings) != 1 || got.Findings[0].Severity != "error" || got.Findings[0].Name != "remote-network-down" || got.Errors != 1 {
		t.Errorf("JSON = %s", b)
	}
	var back lint.Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Findings[0].Severity != lint.Error {
		t.Errorf("severity did not round-trip: %v", back.Findings[0].Severity)
	}
}

// TestSingleAZ checks L010 on an inbound endpoint whose two subnets are in
// one availability zone, next to one that spans two.
func TestSingleAZ(t *testing.T) {
	r := lintYAML(t, "vpcs:"+simpleVPC+`
      - {id: subnet-c, cidr_block: 10.0.3.0/24, availability_zone: us-east-1a}
resolver_endpoints:
  - {id: rslvr-in, direction: inbound, vpc: vpc-app, ip_addresses: [{subnet: subnet-a, ip: 10.0.1.11}, {subnet: subnet-c, ip: 10.0.3.11}]}
  - {id: rslvr-in-ok, direction: inbound, vpc: vpc-app, ip_addresses: [{subnet: subnet-a, ip: 10.0.1.12}, {subnet: subnet-b, ip: 10.0.2.12}]}
`)
	if len(r.Findings) != 1 {
		t.Fatalf("findings:\n%s", text(t, r))
	}
	f := r.Findings[0]
	if f.ID != lint.EndpointSingleAZ || f.Severity != lint.Warning || !slices.Contains(f.Resources, res("resolver-endpoint", "rslvr-in")) ||
		!strings.Contains(f.Title, "every address of inbound endpoint rslvr-in is in us-east-1a") || !strings.Contains(f.Impact, "on-premises") {
		t.Errorf("finding:\n%s", text(t, r))
	}
}

// fwNet is a VPC with a firewall; {{.}} adds rule groups and associations.
const fwNet = `
vpcs:
  - {id: vpc-app, cidr_blocks: [10.0.0.0/16], enable_dns_hostnames: true}
  - {id: vpc-off, cidr_blocks: [10.1.0.0/16], enable_dns_support: false}
firewall_domain_lists:
  - {id: fdl-wide, domains: ["*.example.com"]}
  - {id: fdl-narrow, domains: [www.example.com, "*.cdn.example.com"]}
  - {id: fdl-other, domains: [www.example.org]}
  - {id: fdl-walled, domains: [walled.example.net]}
  - {id: fdl-unused, domains: [nothing.example]}
firewall_rule_groups:
  - id: frg-first
    rules:
      - {name: block-wide, priority: 1, firewall_domain_list: fdl-wide, action: BLOCK, block_response: NXDOMAIN}
      - {name: block-walled, priority: 2, firewall_domain_list: fdl-walled, action: BLOCK, block_response: NODATA}
  - id: frg-second
    rules:
      - {name: allow-narrow, priority: 1, firewall_domain_list: fdl-narrow, action: ALLOW}
      - {name: mx-only, priority: 2, firewall_domain_list: fdl-other, action: BLOCK, block_response: NODATA, qtype: MX}
      - {name: override, priority: 3, firewall_domain_list: fdl-other, action: BLOCK, block_response: OVERRIDE,
         block_override_domain: walled.example.net, block_override_dns_type: CNAME, block_override_ttl: 5}
firewall_rule_group_associations:
  - {id: assoc-1, firewall_rule_group: frg-first, vpc: vpc-app, priority: 101}
  - {id: assoc-2, firewall_rule_group: frg-second, vpc: vpc-app, priority: 200}
  - {id: assoc-off, firewall_rule_group: frg-second, vpc: vpc-off, priority: 101}
`

// The DNS Firewall findings, L019–L022 (docs/firewall.md).
func TestFirewallFindings(t *testing.T) {
	r := lintYAML(t, fwNet)
	got := map[string][]string{}
	for _, f := range r.Findings {
		if strings.HasPrefix(f.Name, "firewall-") {
			got[f.ID] = append(got[f.ID], f.Title)
		}
	}
	want := map[string][]string{
		// allow-narrow's names are all under *.example.com, blocked by an
		// earlier group; mx-only is not shadowed (other list), and the
		// override's list is not covered either.
		lint.FirewallRuleShadowed:    {"firewall rule allow-narrow of frg-second never acts in vpc-app: rule block-wide (priority 1) of rule group frg-first is evaluated first and BLOCKs every name it holds"},
		lint.FirewallOverrideBlocked: {"firewall rule override of frg-second overrides with walled.example.net., which rule block-walled (priority 2) of rule group frg-first blocks in vpc-app"},
		lint.FirewallOnVPCWithoutDNS: {"firewall rule group frg-second is associated with vpc-off, whose DNS support is off"},
		lint.FirewallListUnused:      {"firewall domain list fdl-unused is used by no rule"},
	}
	for id, titles := range want {
		if strings.Join(got[id], "\n") != strings.Join(titles, "\n") {
			t.Errorf("%s:\n%s\nwant\n%s", id, strings.Join(got[id], "\n"), strings.Join(titles, "\n"))
		}
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("unexpected %s: %v", id, got[id])
		}
	}
}

// A narrower earlier rule, a different query type or a trusted chain do
// not shadow.
func TestFirewallNotShadowed(t *testing.T) {
	r := lintYAML(t, `
vpcs: [{id: vpc-app, cidr_blocks: [10.0.0.0/16]}]
firewall_domain_lists:
  - {id: fdl-a, domains: [a.example.com]}
  - {id: fdl-ab, domains: [a.example.com, b.example.com]}
firewall_rule_groups:
  - id: frg
    rules:
      - {name: narrow, priority: 1, firewall_domain_list: fdl-a, action: BLOCK, block_response: NXDOMAIN}
      - {name: wider, priority: 2, firewall_domain_list: fdl-ab, action: BLOCK, block_response: NXDOMAIN}
      - {name: aaaa, priority: 3, firewall_domain_list: fdl-ab, action: ALLOW, qtype: AAAA}
firewall_rule_group_associations:
  - {firewall_rule_group: frg, vpc: vpc-app, priority: 101}
`)
	for _, f := range r.Findings {
		if f.ID == lint.FirewallRuleShadowed && !strings.Contains(f.Title, "rule aaaa ") {
			t.Errorf("unexpected %s", f.Title)
		}
	}
	n := 0
	for _, f := range r.Findings {
		if f.ID == lint.FirewallRuleShadowed {
			n++
		}
	}
	// aaaa is shadowed by wider (any type, a superset) — exactly one finding.
	if n != 1 {
		t.Errorf("%d shadow findings, want 1 (aaaa under wider)", n)
	}
}
