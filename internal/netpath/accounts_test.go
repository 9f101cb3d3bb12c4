package netpath

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/vpcdns/vpcdns/internal/config"
)

// acctNet is a hub VPC with an outbound endpoint whose paths cross the
// gateways of a network read from a real account; each case replaces the
// route table's routes, the security group's egress or the transit
// gateway's route table.
const acctNet = `
unmodeled:
  - {id: pl-denied, kind: prefix-list, reason: GetManagedPrefixListEntries denied}
  - {id: vpce-gwlb, kind: gateway-load-balancer-endpoint, reason: not modeled}
prefix_lists:
  - {id: pl-onprem, cidr_blocks: [192.168.0.0/16]}
vpcs:
  - id: vpc-hub
    cidr_blocks: [10.0.0.0/16]
    ipv6_cidr_blocks: ["2600:1f18:1:100::/56"]
    main_route_table: rtb-hub
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24, ipv6_cidr_block: "2600:1f18:1:101::/64"}
      - {id: subnet-b, cidr_block: 10.0.2.0/24}
  - {id: vpc-peer, cidr_blocks: [10.1.0.0/16], ipv6_cidr_blocks: ["2600:1f18:2:100::/56"]}
  - {id: vpc-spoke, cidr_blocks: [10.2.0.0/16]}
vpc_peerings:
  - {id: pcx-1, requester_vpc: vpc-hub, accepter_vpc: vpc-peer, status: @STATUS@}
transit_gateways:
  - id: tgw-1
    attachments:
      - {id: att-hub, resource_type: vpc, resource: vpc-hub, route_table: @ASSOC@, state: @HUB@}
      - {id: att-spoke, resource_type: vpc, resource: vpc-spoke, state: @SPOKE@}
      - {id: att-vpn, resource_type: vpn, resource: vpn-1}
      - {id: att-gwlb, resource_type: connect, resource: vpce-gwlb}
    route_tables:
      - id: tgw-rt
        propagations: [att-spoke, att-vpn]
        routes: @TGWRT@
remote_networks:
  - {id: vpn-1, type: vpn, cidr_blocks: [192.168.0.0/16], state: @VPN@}
  - {id: vpn-branch, type: vpn, cidr_blocks: [10.200.0.0/16], vpn_gateway: vgw-1}
vpn_gateways:
  - {id: vgw-1, vpc: vpc-hub}
security_groups:
  - id: sg-out
    vpc: vpc-hub
    egress: @EGRESS@
  - {id: sg-in, vpc: vpc-hub}
route_tables:
  - id: rtb-hub
    vpc: vpc-hub
    routes: @RT@
resolver_endpoints:
  - {id: out, direction: outbound, vpc: vpc-hub, security_groups: [sg-out], ip_addresses: [{subnet: subnet-a, ip: 10.0.1.10}, {subnet: subnet-b, ip: 10.0.2.10}]}
  - {id: in, direction: inbound, vpc: vpc-hub, security_groups: [sg-in], ip_addresses: [{subnet: subnet-a, ip: 10.0.1.20}, {subnet: subnet-b, ip: 10.0.2.20}]}
`

func TestAccountPaths(t *testing.T) {
	const (
		allOpen  = "[{protocol: all, cidr: 0.0.0.0/0}, {protocol: all, cidr: '::/0'}]"
		tgwToAll = "[{destination: 0.0.0.0/0, target: tgw-1}]"
	)
	tests := []struct {
		name    string
		set     map[string]string // placeholders of acctNet replaced
		target  string
		verdict PathVerdict
		check   string // the check whose detail is asserted
		cv      Verdict
		detail  string
	}{
		{name: "ipv6 target in the vpc is local", target: "[2600:1f18:1:101::53]:53", verdict: OK,
			check: CheckGateway, cv: Pass, detail: "local: 2600:1f18:1:101::53 is in vpc-hub (2600:1f18:1:100::/56)"},
		{name: "active peering reaches the peer's ipv6 block", set: map[string]string{"@RT@": "[{destination: '2600:1f18:2:100::/56', target: pcx-1}]"},
			target: "[2600:1f18:2:100::53]:53", verdict: OK, check: CheckGateway, cv: Pass, detail: "pcx-1 reaches vpc-peer (2600:1f18:2:100::/56)"},
		{name: "pending peering carries nothing", set: map[string]string{"@STATUS@": "pending_acceptance", "@RT@": "[{destination: 10.1.0.0/16, target: pcx-1}]"},
			target: "10.1.0.53:53", verdict: Blocked, check: CheckGateway, cv: Fail, detail: "pcx-1 is pending_acceptance: only an active peering carries traffic"},
		{name: "vgw reaches its vpn", set: map[string]string{"@RT@": "[{destination: 10.200.0.0/16, target: vgw-1, origin: propagated}]"},
			target: "10.200.0.53:53", verdict: OK, check: CheckRoute, cv: Pass, detail: "-> vgw-1 (propagated)"},
		{name: "vgw without that network", set: map[string]string{"@RT@": "[{destination: 10.201.0.0/16, target: vgw-1}]"},
			target: "10.201.0.53:53", verdict: Blocked, check: CheckGateway, cv: Fail, detail: "no remote network of vgw-1 contains 10.201.0.53"},
		{name: "static route beats propagated of the same prefix", set: map[string]string{"@RT@": "[{destination: 10.200.0.0/16, target: vgw-1, origin: propagated}, {destination: 10.200.0.0/16, target: blackhole}]"},
			target: "10.200.0.53:53", verdict: Blocked, check: CheckRoute, cv: Fail, detail: "10.200.0.0/16 -> blackhole"},
		{name: "igw to a public address", set: map[string]string{"@RT@": "[{destination: 0.0.0.0/0, target: igw-1}]"},
			target: "198.51.100.53:53", verdict: OK, check: CheckGateway, cv: Pass, detail: "igw-1 reaches the internet: 198.51.100.53 is a public address"},
		{name: "igw to a private address", set: map[string]string{"@RT@": "[{destination: 0.0.0.0/0, target: igw-1}]"},
			target: "172.16.0.53:53", verdict: Blocked, check: CheckGateway, cv: Fail, detail: "172.16.0.53 is not a public address"},
		{name: "egress-only igw carries no ipv4", set: map[string]string{"@RT@": "[{destination: 0.0.0.0/0, target: eigw-1}]"},
			target: "198.51.100.53:53", verdict: Blocked, check: CheckGateway, cv: Fail, detail: "carries IPv6 only"},
		{name: "nat gateway's onward route is unknown", set: map[string]string{"@RT@": "[{destination: 0.0.0.0/0, target: nat-1}]"},
			target: "198.51.100.53:53", verdict: UnknownPath, check: CheckGateway, cv: Unknown, detail: "nat-1 translates the source address"},
		{name: "unmodeled route target", set: map[string]string{"@RT@": "[{destination: 0.0.0.0/0, target: vpce-gwlb}]"},
			target: "198.51.100.53:53", verdict: UnknownPath, check: CheckGateway, cv: Unknown, detail: "vpce-gwlb is a gateway-load-balancer-endpoint"},
		{name: "route to a prefix list", set: map[string]string{"@RT@": "[{destination_prefix_list: pl-onprem, target: vgw-1}]"},
			target: "192.168.1.53:53", verdict: Blocked, check: CheckRoute, cv: Pass, detail: "via prefix list pl-onprem (192.168.0.0/16) -> vgw-1"},
		{name: "unreadable prefix list may hold a longer route", set: map[string]string{"@RT@": "[{destination: 0.0.0.0/0, target: igw-1}, {destination_prefix_list: pl-denied, target: igw-1}]"},
			target: "198.51.100.53:53", verdict: UnknownPath, check: CheckRoute, cv: Unknown, detail: "it may hold a longer prefix for 198.51.100.53 than 0.0.0.0/0 -> igw-1"},
		{name: "a host route beats any prefix list", set: map[string]string{"@RT@": "[{destination: 198.51.100.53/32, target: igw-1}, {destination_prefix_list: pl-denied, target: igw-1}]"},
			target: "198.51.100.53:53", verdict: OK, check: CheckRoute, cv: Pass, detail: "via 198.51.100.53/32 -> igw-1"},
		{name: "sg rule by prefix list", set: map[string]string{"@EGRESS@": "[{protocol: udp, from_port: 53, to_port: 53, prefix_list: pl-onprem}]", "@RT@": "[{destination: 192.168.0.0/16, target: vgw-1}]"},
			target: "192.168.1.53:53", verdict: Blocked, check: CheckSecurityGroupEgress, cv: Pass, detail: "sg-out allows udp 53 to prefix list pl-onprem (192.168.0.0/16)"},
		{name: "sg rule by an unreadable prefix list", set: map[string]string{"@EGRESS@": "[{protocol: all, prefix_list: pl-denied}]", "@RT@": "[{destination: 0.0.0.0/0, target: igw-1}]"},
			target: "198.51.100.53:53", verdict: UnknownPath, check: CheckSecurityGroupEgress, cv: Unknown, detail: "whose entries are not modeled (GetManagedPrefixListEntries denied)"},
		{name: "sg rule by the group of the endpoint ENI", set: map[string]string{"@EGRESS@": "[{protocol: all, security_group: sg-in}]"},
			target: "10.0.1.20:53", verdict: OK, check: CheckSecurityGroupEgress, cv: Pass, detail: "sg-out allows all to security group sg-in, which 10.0.1.20 (inbound endpoint in) carries"},
		{name: "sg rule by a group an instance may carry", set: map[string]string{"@EGRESS@": "[{protocol: all, security_group: sg-in}]"},
			target: "10.0.3.53:53", verdict: UnknownPath, check: CheckSecurityGroupEgress, cv: Unknown, detail: "whether 10.0.3.53 carries it is not modeled"},
		{name: "sg rule by a group never matches outside the vpcs", set: map[string]string{"@EGRESS@": "[{protocol: all, security_group: sg-in}]", "@RT@": "[{destination: 0.0.0.0/0, target: igw-1}]"},
			target: "198.51.100.53:53", verdict: Blocked, check: CheckSecurityGroupEgress, cv: Fail, detail: "no egress rule of sg-out allows"},
		{name: "tgw attachment without an associated route table", set: map[string]string{"@ASSOC@": "''", "@RT@": tgwToAll},
			target: "10.2.0.53:53", verdict: Blocked, check: CheckGateway, cv: Fail, detail: "att-hub is associated with no route table of tgw-1"},
		{name: "tgw source attachment not available", set: map[string]string{"@HUB@": "pending", "@RT@": tgwToAll},
			target: "10.2.0.53:53", verdict: Blocked, check: CheckGateway, cv: Fail, detail: "att-hub is not available: it carries no traffic"},
		{name: "tgw propagated vpc route", set: map[string]string{"@RT@": tgwToAll},
			target: "10.2.0.53:53", verdict: OK, check: CheckGateway, cv: Pass, detail: "tgw-rt routes 10.2.0.53 (10.2.0.0/16, propagated from att-spoke) to att-spoke: vpc-spoke (10.2.0.0/16)"},
		{name: "tgw propagation of an unavailable attachment", set: map[string]string{"@RT@": tgwToAll, "@SPOKE@": "pending"},
			target: "10.2.0.53:53", verdict: Blocked, check: CheckGateway, cv: Fail, detail: "no route of tgw-rt (associated with att-hub) contains 10.2.0.53"},
		{name: "tgw blackhole beats a shorter propagated route", set: map[string]string{"@RT@": tgwToAll, "@TGWRT@": "[{destination: 10.2.5.0/24, blackhole: true}]"},
			target: "10.2.5.53:53", verdict: Blocked, check: CheckGateway, cv: Fail, detail: "tgw-rt 10.2.5.0/24 -> blackhole"},
		{name: "tgw static route beats propagated of the same prefix", set: map[string]string{"@RT@": tgwToAll, "@TGWRT@": "[{destination: 192.168.0.0/16, attachments: [att-spoke]}]"},
			target: "192.168.1.53:53", verdict: Blocked, check: CheckGateway, cv: Fail, detail: "to att-spoke: vpc-spoke does not contain it"},
		{name: "tgw vpn down withdraws its propagated routes", set: map[string]string{"@RT@": tgwToAll, "@VPN@": "down"},
			target: "192.168.1.53:53", verdict: Blocked, check: CheckGateway, cv: Fail, detail: "no route of tgw-rt"},
		{name: "tgw vpn up", set: map[string]string{"@RT@": tgwToAll},
			target: "192.168.1.53:53", verdict: OK, check: CheckGateway, cv: Pass, detail: "to att-vpn: vpn-1 (192.168.0.0/16), state up"},
		{name: "tgw route to an unmodeled attachment", set: map[string]string{"@RT@": tgwToAll, "@TGWRT@": "[{destination: 10.9.0.0/16, attachments: [att-gwlb]}]"},
			target: "10.9.0.53:53", verdict: UnknownPath, check: CheckGateway, cv: Unknown, detail: "vpce-gwlb is a gateway-load-balancer-endpoint"},
		{name: "tgw route to an unreadable prefix list", set: map[string]string{"@RT@": tgwToAll, "@TGWRT@": "[{destination_prefix_list: pl-denied, attachments: [att-vpn]}]"},
			target: "10.9.0.53:53", verdict: UnknownPath, check: CheckGateway, cv: Unknown, detail: "tgw-rt has a route to prefix list pl-denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals := map[string]string{"@HUB@": "available", "@STATUS@": "active", "@ASSOC@": "tgw-rt", "@SPOKE@": "available", "@VPN@": "up",
				"@TGWRT@": "[]", "@EGRESS@": allOpen, "@RT@": "[]"}
			for k, v := range tt.set {
				vals[k] = v
			}
			yaml := acctNet
			for k, v := range vals {
				yaml = strings.ReplaceAll(yaml, k, v)
			}
			n, _, err := config.Parse([]byte(yaml), "net.yaml", t.TempDir())
			if err != nil {
				t.Fatalf("%v\n%s", err, yaml)
			}
			ep := n.Endpoints[0]
			p := NewEvaluator(n).Evaluate(ep, ep.Addresses[0], netip.MustParseAddrPort(tt.target), config.ProtoUDP)
			var got *Check
			for i := range p.Checks {
				if p.Checks[i].Name == tt.check {
					got = &p.Checks[i]
				}
			}
			if p.Verdict != tt.verdict || got == nil || got.Verdict != tt.cv || !strings.Contains(got.Detail, tt.detail) {
				t.Errorf("path %s; want %s with %s %s %q\n%+v", p.Verdict, tt.verdict, tt.check, tt.cv, tt.detail, p.Checks)
			}
		})
	}
}
