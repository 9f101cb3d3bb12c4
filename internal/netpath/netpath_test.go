package netpath

import (
	"encoding/json"
	"net/netip"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/vpcdns/vpcdns/internal/config"
)

// checkOrder is the order of behaviour.md §7, which every path follows.
func checkOrder() []string {
	return []string{CheckSecurityGroupEgress, CheckNACLOutbound, CheckNACLInboundReturn, CheckRoute, CheckGateway}
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(f *fixture)
		target string // default 192.168.10.53:53
		proto  config.Protocol
		fail   []string // the checks that fail; every other one passes
		checks []Check  // checks compared in full
	}{
		{
			name: "open path udp", proto: udp,
			checks: []Check{
				{Name: CheckSecurityGroupEgress, Verdict: Pass, Detail: "sg-resolver-out allows udp 53 to 192.168.0.0/16", Resource: "sg-resolver-out"},
				{Name: CheckNACLOutbound, Verdict: Pass, Detail: "acl-app rule 100 allows all to 0.0.0.0/0", Resource: "acl-app"},
				{Name: CheckNACLInboundReturn, Verdict: Pass, Detail: "acl-app rule 100 allows udp 1024-65535 from 192.168.0.0/16", Resource: "acl-app"},
				{Name: CheckRoute, Verdict: Pass, Detail: "rtb-app routes 192.168.10.53 via 192.168.0.0/16 -> tgw-core", Resource: "rtb-app"},
				{Name: CheckGateway, Verdict: Pass, Detail: "tgw-core reaches vpn-onprem (192.168.0.0/16), state up", Resource: "tgw-core"},
			},
		},
		{
			name: "open path tcp", proto: tcp,
			checks: []Check{
				{Name: CheckSecurityGroupEgress, Verdict: Pass, Detail: "sg-resolver-out allows tcp 53 to 192.168.0.0/16", Resource: "sg-resolver-out"},
				{Name: CheckNACLInboundReturn, Verdict: Pass, Detail: "acl-app rule 110 allows tcp 1024-65535 from 192.168.0.0/16", Resource: "acl-app"},
			},
		},

		// security-group-egress
		{
			name: "security group allows udp only: udp passes", proto: udp,
			setup: func(f *fixture) { f.sg.Egress = f.sg.Egress[:1] },
		},
		{
			name: "security group allows udp only: tcp fails", proto: tcp,
			setup: func(f *fixture) { f.sg.Egress = f.sg.Egress[:1] },
			fail:  []string{CheckSecurityGroupEgress},
			checks: []Check{{Name: CheckSecurityGroupEgress, Verdict: Fail,
				Detail: "no egress rule of sg-resolver-out allows tcp 53 to 192.168.10.53", Resource: "sg-resolver-out"}},
		},
		{
			name: "security group: other port", proto: udp, target: "192.168.10.53:5353",
			fail: []string{CheckSecurityGroupEgress},
		},
		{
			name: "security group: other destination", proto: udp, target: "10.1.0.53:53",
			setup: func(f *fixture) { f.acl.Entries[1].CIDR = pfx("10.0.0.0/8") },
			fail:  []string{CheckSecurityGroupEgress},
		},
		{
			name: "security groups: the second one allows", proto: udp,
			setup: func(f *fixture) {
				f.ep.SecurityGroups = []*config.SecurityGroup{{ID: "sg-empty", VPC: f.app}, f.sg}
			},
			checks: []Check{{Name: CheckSecurityGroupEgress, Verdict: Pass,
				Detail: "sg-resolver-out allows udp 53 to 192.168.0.0/16", Resource: "sg-resolver-out"}},
		},
		{
			name: "security groups: none of two allows", proto: tcp,
			setup: func(f *fixture) {
				a := &config.SecurityGroup{ID: "sg-a", VPC: f.app, Egress: []config.SGRule{sgRule(udp, ports(53, 53), "0.0.0.0/0")}}
				b := &config.SecurityGroup{ID: "sg-b", VPC: f.app, Egress: []config.SGRule{sgRule(tcp, ports(443, 443), "0.0.0.0/0")}}
				f.ep.SecurityGroups = []*config.SecurityGroup{a, b}
			},
			fail: []string{CheckSecurityGroupEgress},
			checks: []Check{{Name: CheckSecurityGroupEgress, Verdict: Fail,
				Detail: "no egress rule of sg-a, sg-b allows tcp 53 to 192.168.10.53", Resource: "sg-a,sg-b"}},
		},
		{
			name: "security group: protocol all", proto: tcp,
			setup: func(f *fixture) { f.sg.Egress = []config.SGRule{sgRule(all, config.AllPorts, "0.0.0.0/0")} },
			checks: []Check{{Name: CheckSecurityGroupEgress, Verdict: Pass,
				Detail: "sg-resolver-out allows all to 0.0.0.0/0", Resource: "sg-resolver-out"}},
		},
		{
			name: "security group: port range", proto: tcp,
			setup: func(f *fixture) { f.sg.Egress = []config.SGRule{sgRule(tcp, ports(1, 1023), "192.168.10.0/24")} },
			checks: []Check{{Name: CheckSecurityGroupEgress, Verdict: Pass,
				Detail: "sg-resolver-out allows tcp 1-1023 to 192.168.10.0/24", Resource: "sg-resolver-out"}},
		},
		{
			name: "endpoint without security groups where none are known", proto: udp,
			setup: func(f *fixture) { f.ep.SecurityGroups = nil },
			checks: []Check{{Name: CheckSecurityGroupEgress, Verdict: Pass,
				Detail: "rslvr-out-onprem has no security groups and vpc-app declares none: egress is not modeled"}},
		},

		// nacl-outbound
		{
			name: "nacl-outbound: deny entry before allow", proto: udp,
			setup: func(f *fixture) {
				f.acl.Entries = slices.Insert(f.acl.Entries, 0, aclOut(90, udp, ports(53, 53), "192.168.10.0/24", false))
			},
			fail: []string{CheckNACLOutbound},
			checks: []Check{{Name: CheckNACLOutbound, Verdict: Fail,
				Detail: "acl-app rule 90 denies udp 53 to 192.168.10.0/24", Resource: "acl-app"}},
		},
		{
			name: "nacl-outbound: udp deny entry leaves tcp alone", proto: tcp,
			setup: func(f *fixture) {
				f.acl.Entries = slices.Insert(f.acl.Entries, 0, aclOut(90, udp, ports(53, 53), "192.168.10.0/24", false))
			},
			checks: []Check{{Name: CheckNACLOutbound, Verdict: Pass,
				Detail: "acl-app rule 100 allows all to 0.0.0.0/0", Resource: "acl-app"}},
		},
		{
			name: "nacl-outbound: allow entry before deny", proto: udp,
			setup: func(f *fixture) {
				f.acl.Entries = []config.ACLEntry{
					aclOut(90, udp, ports(53, 53), "192.168.0.0/16", true),
					aclOut(100, all, config.AllPorts, "0.0.0.0/0", false),
					f.acl.Entries[1], f.acl.Entries[2],
				}
			},
			checks: []Check{{Name: CheckNACLOutbound, Verdict: Pass,
				Detail: "acl-app rule 90 allows udp 53 to 192.168.0.0/16", Resource: "acl-app"}},
		},
		{
			name: "nacl-outbound: no entry matches", proto: udp,
			setup: func(f *fixture) { f.acl.Entries[0] = aclOut(100, tcp, ports(53, 53), "192.168.0.0/16", true) },
			fail:  []string{CheckNACLOutbound},
			checks: []Check{{Name: CheckNACLOutbound, Verdict: Fail,
				Detail: "no entry of acl-app matches udp 53 to 192.168.10.53 (implicit deny)", Resource: "acl-app"}},
		},
		{
			name: "no network ACL: the default one allows all", proto: tcp,
			setup: func(f *fixture) { f.subA.NetworkACL = nil },
			checks: []Check{
				{Name: CheckNACLOutbound, Verdict: Pass, Detail: "default network ACL allows all (subnet-app-a names no network ACL)"},
				{Name: CheckNACLInboundReturn, Verdict: Pass, Detail: "default network ACL allows all (subnet-app-a names no network ACL)"},
			},
		},

		// nacl-inbound-return
		{
			name: "nacl-inbound-return: partial ephemeral range", proto: udp,
			setup: func(f *fixture) { f.acl.Entries[1].Ports = ports(1024, 32767) },
			fail:  []string{CheckNACLInboundReturn},
			checks: []Check{{Name: CheckNACLInboundReturn, Verdict: Fail, Partial: true, Resource: "acl-app",
				Detail: "acl-app lets back udp replies only on 1024-32767 of 1024-65535: some replies dropped (no entry matches 32768-65535)"}},
		},
		{
			name: "nacl-inbound-return: deny entry before allow carves a hole", proto: udp,
			setup: func(f *fixture) {
				f.acl.Entries = slices.Insert(f.acl.Entries, 1, aclIn(90, udp, ports(2000, 3000), "192.168.10.0/24", false))
			},
			fail: []string{CheckNACLInboundReturn},
			checks: []Check{{Name: CheckNACLInboundReturn, Verdict: Fail, Partial: true, Resource: "acl-app",
				Detail: "acl-app lets back udp replies only on 1024-1999, 3001-65535 of 1024-65535: some replies dropped (rule 90 denies 2000-3000)"}},
		},
		{
			name: "nacl-inbound-return: deny entry before allow covers every port", proto: udp,
			setup: func(f *fixture) {
				f.acl.Entries = slices.Insert(f.acl.Entries, 1, aclIn(90, udp, ports(1024, 65535), "192.168.0.0/16", false))
			},
			fail: []string{CheckNACLInboundReturn},
			checks: []Check{{Name: CheckNACLInboundReturn, Verdict: Fail, Resource: "acl-app",
				Detail: "acl-app rule 90 denies udp 1024-65535 from 192.168.0.0/16"}},
		},
		{
			name: "nacl-inbound-return: deny entry below the ephemeral range changes nothing", proto: udp,
			setup: func(f *fixture) {
				f.acl.Entries = slices.Insert(f.acl.Entries, 1, aclIn(90, udp, ports(0, 1023), "0.0.0.0/0", false))
			},
			checks: []Check{{Name: CheckNACLInboundReturn, Verdict: Pass, Resource: "acl-app",
				Detail: "acl-app rule 100 allows udp 1024-65535 from 192.168.0.0/16"}},
		},
		{
			name: "nacl-inbound-return: deny entry after allow changes nothing", proto: udp,
			setup: func(f *fixture) {
				f.acl.Entries = append(f.acl.Entries, aclIn(200, all, config.AllPorts, "0.0.0.0/0", false))
			},
			checks: []Check{{Name: CheckNACLInboundReturn, Verdict: Pass, Resource: "acl-app",
				Detail: "acl-app rule 100 allows udp 1024-65535 from 192.168.0.0/16"}},
		},
		{
			name: "nacl-inbound-return: no entry for tcp", proto: tcp,
			setup: func(f *fixture) { f.acl.Entries = f.acl.Entries[:2] },
			fail:  []string{CheckNACLInboundReturn},
			checks: []Check{{Name: CheckNACLInboundReturn, Verdict: Fail, Resource: "acl-app",
				Detail: "no inbound entry of acl-app matches tcp 1024-65535 from 192.168.10.53 (implicit deny)"}},
		},
		{
			name: "nacl-inbound-return: entries for another source", proto: udp,
			setup: func(f *fixture) { f.acl.Entries[1].CIDR = pfx("10.0.0.0/8") },
			fail:  []string{CheckNACLInboundReturn},
		},
		{
			name: "nacl-inbound-return: two allow entries together cover the range", proto: udp,
			setup: func(f *fixture) {
				f.acl.Entries = []config.ACLEntry{
					f.acl.Entries[0],
					aclIn(100, udp, ports(1024, 30000), "192.168.0.0/16", true),
					aclIn(105, udp, ports(20000, 65535), "192.168.10.0/24", true),
				}
			},
			checks: []Check{{Name: CheckNACLInboundReturn, Verdict: Pass, Resource: "acl-app",
				Detail: "acl-app rules 100, 105 let back udp replies from 192.168.10.53 on all of 1024-65535"}},
		},
		{
			name: "nacl-inbound-return: denied by a rule and by no entry", proto: udp,
			setup: func(f *fixture) {
				f.acl.Entries = []config.ACLEntry{f.acl.Entries[0], aclIn(90, udp, ports(1024, 2047), "192.168.0.0/16", false)}
			},
			fail: []string{CheckNACLInboundReturn},
			checks: []Check{{Name: CheckNACLInboundReturn, Verdict: Fail, Resource: "acl-app",
				Detail: "acl-app lets back no udp replies from 192.168.10.53 on 1024-65535 (rule 90 denies 1024-2047; no entry matches 2048-65535)"}},
		},
		{
			name: "nacl: protocol all entries", proto: tcp,
			setup: func(f *fixture) {
				f.acl.Entries = []config.ACLEntry{
					aclOut(100, all, config.AllPorts, "0.0.0.0/0", true),
					aclIn(100, all, config.AllPorts, "0.0.0.0/0", true),
				}
			},
			checks: []Check{{Name: CheckNACLInboundReturn, Verdict: Pass, Resource: "acl-app",
				Detail: "acl-app rule 100 allows all from 0.0.0.0/0"}},
		},
		{
			name: "nacl: protocol all deny before udp allow", proto: udp,
			setup: func(f *fixture) {
				f.acl.Entries = slices.Insert(f.acl.Entries, 1, aclIn(50, all, config.AllPorts, "192.168.10.0/24", false))
			},
			fail: []string{CheckNACLInboundReturn},
			checks: []Check{{Name: CheckNACLInboundReturn, Verdict: Fail, Resource: "acl-app",
				Detail: "acl-app rule 50 denies all from 192.168.10.0/24"}},
		},

		// route
		{
			name: "route: no route contains the target", proto: udp,
			setup: func(f *fixture) { f.rtb.Routes = slices.Delete(f.rtb.Routes, 1, 2) },
			fail:  []string{CheckRoute, CheckGateway},
			checks: []Check{
				{Name: CheckRoute, Verdict: Fail, Detail: "no route in rtb-app contains 192.168.10.53", Resource: "rtb-app"},
				{Name: CheckGateway, Verdict: Fail, Detail: "no gateway: rtb-app has no usable route to 192.168.10.53", Resource: "rtb-app"},
			},
		},
		{
			name: "route: blackhole", proto: udp,
			setup:  func(f *fixture) { f.rtb.Routes[1] = blackhole("192.168.0.0/16") },
			fail:   []string{CheckRoute, CheckGateway},
			checks: []Check{{Name: CheckRoute, Verdict: Fail, Detail: "rtb-app 192.168.0.0/16 -> blackhole", Resource: "rtb-app"}},
		},
		{
			name: "route: longest prefix wins (a blackhole)", proto: udp,
			setup:  func(f *fixture) { f.rtb.Routes = append(f.rtb.Routes, blackhole("192.168.10.0/24")) },
			fail:   []string{CheckRoute, CheckGateway},
			checks: []Check{{Name: CheckRoute, Verdict: Fail, Detail: "rtb-app 192.168.10.0/24 -> blackhole", Resource: "rtb-app"}},
		},
		{
			name: "route: longest prefix wins (over a blackhole)", proto: udp,
			setup: func(f *fixture) {
				f.rtb.Routes = []config.Route{localRoute("10.0.0.0/16"), blackhole("192.168.0.0/16"), remoteRoute("192.168.10.0/24", f.vpn)}
			},
			checks: []Check{
				{Name: CheckRoute, Verdict: Pass, Detail: "rtb-app routes 192.168.10.53 via 192.168.10.0/24 -> vpn-onprem", Resource: "rtb-app"},
				{Name: CheckGateway, Verdict: Pass, Detail: "vpn-onprem (192.168.0.0/16) contains 192.168.10.53, state up", Resource: "vpn-onprem"},
			},
		},
		{
			name: "route: target inside the VPC", proto: tcp, target: "10.0.2.53:53",
			setup: func(f *fixture) { f.openFilters() },
			checks: []Check{
				{Name: CheckRoute, Verdict: Pass, Detail: "rtb-app routes 10.0.2.53 via 10.0.0.0/16 -> local", Resource: "rtb-app"},
				{Name: CheckGateway, Verdict: Pass, Detail: "local: 10.0.2.53 is in vpc-app (10.0.0.0/16)", Resource: "vpc-app"},
			},
		},
		{
			name: "route: the VPC's CIDRs are local without being listed", proto: tcp, target: "10.0.2.53:53",
			setup: func(f *fixture) { f.openFilters(); f.rtb.Routes = f.rtb.Routes[1:] },
			checks: []Check{
				{Name: CheckRoute, Verdict: Pass, Detail: "rtb-app routes 10.0.2.53 via 10.0.0.0/16 -> local", Resource: "rtb-app"},
				{Name: CheckGateway, Verdict: Pass, Detail: "local: 10.0.2.53 is in vpc-app (10.0.0.0/16)", Resource: "vpc-app"},
			},
		},
		{
			name: "route: no route table declared for the VPC", proto: udp,
			setup: func(f *fixture) {
				f.app.MainRouteTable, f.subA.RouteTable, f.subB.RouteTable = nil, nil, nil
			},
			checks: []Check{
				{Name: CheckRoute, Verdict: Pass, Detail: "vpc-app declares no route tables: routing is not modeled"},
				{Name: CheckGateway, Verdict: Pass, Detail: "vpc-app declares no route tables: gateways are not modeled"},
			},
		},
		{
			name: "route: another subnet has a table, this one only the implicit main one", proto: udp,
			setup: func(f *fixture) { f.app.MainRouteTable, f.subA.RouteTable = nil, nil },
			fail:  []string{CheckRoute, CheckGateway},
			checks: []Check{{Name: CheckRoute, Verdict: Fail, Resource: "vpc-app",
				Detail: "no route in the implicit main route table of vpc-app contains 192.168.10.53 (subnet-app-a has no route table and vpc-app no main one)"}},
		},

		// gateway
		{
			name: "gateway: local route to a destination outside the VPC", proto: udp, target: "10.9.0.53:53",
			setup: func(f *fixture) { f.openFilters(); f.rtb.Routes = append(f.rtb.Routes, localRoute("10.9.0.0/16")) },
			fail:  []string{CheckGateway},
			checks: []Check{{Name: CheckGateway, Verdict: Fail, Resource: "vpc-app",
				Detail: "local route, but 10.9.0.53 is in none of the CIDRs of vpc-app (10.0.0.0/16)"}},
		},
		{
			name: "gateway: peering", proto: udp, target: "10.1.0.53:53",
			setup: func(f *fixture) { f.openFilters() },
			checks: []Check{
				{Name: CheckRoute, Verdict: Pass, Detail: "rtb-app routes 10.1.0.53 via 10.1.0.0/16 -> pcx-app-shared", Resource: "rtb-app"},
				{Name: CheckGateway, Verdict: Pass, Detail: "pcx-app-shared reaches vpc-shared (10.1.0.0/16)", Resource: "pcx-app-shared"},
			},
		},
		{
			name: "gateway: peering from the accepter side", proto: udp, target: "10.0.1.53:53",
			setup: func(f *fixture) {
				f.openFilters()
				rt := &config.RouteTable{ID: "rtb-shared", VPC: f.shared, Routes: []config.Route{pcxRoute("10.0.0.0/16", f.pcx)}}
				f.subC.RouteTable, f.subC.NetworkACL = rt, f.acl
				f.ep = &config.Endpoint{ID: "rslvr-out-shared", VPC: f.shared, SecurityGroups: []*config.SecurityGroup{f.sg},
					Addresses: []config.EndpointAddr{{Subnet: f.subC, IP: ip("10.1.1.10")}}}
			},
			checks: []Check{{Name: CheckGateway, Verdict: Pass, Detail: "pcx-app-shared reaches vpc-app (10.0.0.0/16)", Resource: "pcx-app-shared"}},
		},
		{
			name: "gateway: peer does not hold the target", proto: udp, target: "10.2.0.53:53",
			setup: func(f *fixture) { f.openFilters(); f.rtb.Routes = append(f.rtb.Routes, pcxRoute("10.2.0.0/16", f.pcx)) },
			fail:  []string{CheckGateway},
			checks: []Check{{Name: CheckGateway, Verdict: Fail, Resource: "pcx-app-shared",
				Detail: "pcx-app-shared leads to vpc-shared (10.1.0.0/16), which does not contain 10.2.0.53"}},
		},
		{
			name: "gateway: peering the VPC is not part of", proto: udp, target: "10.2.0.53:53",
			setup: func(f *fixture) {
				f.openFilters()
				p := &config.Peering{ID: "pcx-shared-other", Requester: f.shared, Accepter: f.other}
				f.rtb.Routes = append(f.rtb.Routes, pcxRoute("10.2.0.0/16", p))
			},
			fail: []string{CheckGateway},
			checks: []Check{{Name: CheckGateway, Verdict: Fail, Resource: "pcx-shared-other",
				Detail: "pcx-shared-other joins vpc-shared and vpc-other, not vpc-app"}},
		},
		{
			name: "gateway: transit gateway to a remote network that is down", proto: udp,
			setup: func(f *fixture) { f.vpn.Up = false },
			fail:  []string{CheckGateway},
			checks: []Check{{Name: CheckGateway, Verdict: Fail, Resource: "vpn-onprem",
				Detail: "tgw-core leads to vpn-onprem (192.168.0.0/16), but vpn-onprem is down"}},
		},
		{
			name: "gateway: transit gateway falls back to a remote network that is up", proto: udp,
			setup: func(f *fixture) {
				f.vpn.Up = false
				f.vpn.CIDRs = []netip.Prefix{pfx("192.168.10.0/24")}
				dx := &config.RemoteNetwork{ID: "dx-backup", Type: "direct_connect", CIDRs: []netip.Prefix{pfx("192.168.0.0/16")}, Up: true}
				f.tgw.RemoteNetworks = append(f.tgw.RemoteNetworks, dx)
			},
			checks: []Check{{Name: CheckGateway, Verdict: Pass, Resource: "tgw-core",
				Detail: "tgw-core reaches dx-backup (192.168.0.0/16), state up"}},
		},
		{
			name: "gateway: transit gateway to an attached VPC", proto: udp, target: "10.2.0.53:53",
			setup: func(f *fixture) {
				f.openFilters()
				f.tgw.VPCs = append(f.tgw.VPCs, f.other)
				f.rtb.Routes = append(f.rtb.Routes, tgwRoute("10.2.0.0/16", f.tgw))
			},
			checks: []Check{{Name: CheckGateway, Verdict: Pass, Resource: "tgw-core",
				Detail: "tgw-core reaches vpc-other (10.2.0.0/16)"}},
		},
		{
			name: "gateway: transit gateway the VPC is not attached to", proto: udp,
			setup: func(f *fixture) { f.tgw.VPCs = []*config.VPC{f.other} },
			fail:  []string{CheckGateway},
			checks: []Check{{Name: CheckGateway, Verdict: Fail, Resource: "tgw-core",
				Detail: "vpc-app is not attached to tgw-core"}},
		},
		{
			name: "gateway: no attachment of the transit gateway holds the target", proto: udp, target: "172.16.0.53:53",
			setup: func(f *fixture) {
				f.openFilters()
				f.rtb.Routes = append(f.rtb.Routes, tgwRoute("172.16.0.0/12", f.tgw))
			},
			fail: []string{CheckGateway},
			checks: []Check{{Name: CheckGateway, Verdict: Fail, Resource: "tgw-core",
				Detail: "no attachment of tgw-core (vpc-app, vpn-onprem) contains 172.16.0.53"}},
		},
		{
			name: "gateway: remote network route, network down", proto: udp,
			setup:  func(f *fixture) { f.rtb.Routes[1] = remoteRoute("192.168.0.0/16", f.vpn); f.vpn.Up = false },
			fail:   []string{CheckGateway},
			checks: []Check{{Name: CheckGateway, Verdict: Fail, Resource: "vpn-onprem", Detail: "vpn-onprem is down"}},
		},
		{
			name: "gateway: remote network route outside its CIDRs", proto: udp, target: "172.16.0.53:53",
			setup: func(f *fixture) {
				f.openFilters()
				f.rtb.Routes = append(f.rtb.Routes, remoteRoute("172.16.0.0/12", f.vpn))
			},
			fail: []string{CheckGateway},
			checks: []Check{{Name: CheckGateway, Verdict: Fail, Resource: "vpn-onprem",
				Detail: "vpn-onprem (192.168.0.0/16) does not contain 172.16.0.53"}},
		},

		// everything at once
		{
			name: "no policy declared at all: udp", proto: udp,
			setup: func(f *fixture) { f.dropPolicy() },
		},
		{
			name: "no policy declared at all: tcp to anywhere", proto: tcp, target: "203.0.113.7:853",
			setup: func(f *fixture) { f.dropPolicy() },
		},
		{
			name: "IPv4-mapped target is the IPv4 address", proto: udp, target: "[::ffff:192.168.10.53]:53",
			checks: []Check{{Name: CheckRoute, Verdict: Pass, Detail: "rtb-app routes 192.168.10.53 via 192.168.0.0/16 -> tgw-core", Resource: "rtb-app"}},
		},
		{
			name: "IPv6 target outside every IPv4 rule", proto: udp, target: "[fd00::53]:53",
			fail: checkOrder(),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture()
			if tc.setup != nil {
				tc.setup(f)
			}
			target := "192.168.10.53:53"
			if tc.target != "" {
				target = tc.target
			}
			p := Evaluate(f.ep, f.ep.Addresses[0], netip.MustParseAddrPort(target), tc.proto)

			var names []string
			for _, c := range p.Checks {
				names = append(names, c.Name)
			}
			if !slices.Equal(names, checkOrder()) {
				t.Fatalf("checks %q; want %q", names, checkOrder())
			}
			want := make([]string, len(checkOrder()))
			for i, n := range checkOrder() {
				want[i] = "pass"
				if slices.Contains(tc.fail, n) {
					want[i] = "fail"
				}
			}
			if got := verdicts(t, p); !slices.Equal(got, want) {
				t.Errorf("verdicts %q; want %q\nchecks: %+v", got, want, p.Checks)
			}
			wantPath := OK
			if len(tc.fail) > 0 {
				wantPath = Blocked
			}
			if p.Verdict != wantPath {
				t.Errorf("path verdict %v; want %v", p.Verdict, wantPath)
			}
			if p.Protocol != tc.proto || p.EndpointIP != f.ep.Addresses[0].IP {
				t.Errorf("path from %v over %v; want from %v over %v", p.EndpointIP, p.Protocol, f.ep.Addresses[0].IP, tc.proto)
			}
			for _, wc := range tc.checks {
				if got := checkNamed(t, p, wc.Name); got != wc {
					t.Errorf("check %s:\n got %+v;\nwant %+v", wc.Name, got, wc)
				}
			}
			for _, c := range p.Checks {
				if c.Partial && c.Verdict == Pass {
					t.Errorf("check %s is partial and passes; partial must fail", c.Name)
				}
				if c.Detail == "" {
					t.Errorf("check %s has no detail", c.Name)
				}
			}
		})
	}
}

// The Evaluator knows the whole network, so it sees security groups and
// route tables that the endpoint does not reach.
func TestEvaluatorKnowsTheNetwork(t *testing.T) {
	target := netip.MustParseAddrPort("192.168.10.53:53")
	tests := []struct {
		name      string
		setup     func(f *fixture)
		check     string
		nilPasses bool // what the nil Evaluator (package-level Evaluate) says
		want      Check
	}{
		{
			name:      "endpoint without security groups in a VPC that declares some",
			setup:     func(f *fixture) { f.ep.SecurityGroups = nil },
			check:     CheckSecurityGroupEgress,
			nilPasses: true,
			want: Check{Name: CheckSecurityGroupEgress, Verdict: Fail, Resource: "rslvr-out-onprem",
				Detail: "rslvr-out-onprem has no security group attached, though vpc-app declares some: nothing allows udp 53 to 192.168.10.53"},
		},
		{
			name: "endpoint without security groups in a VPC that declares none",
			setup: func(f *fixture) {
				f.ep.SecurityGroups = nil
				f.sg.VPC = f.shared // declared, but for another VPC
			},
			check:     CheckSecurityGroupEgress,
			nilPasses: true,
			want: Check{Name: CheckSecurityGroupEgress, Verdict: Pass,
				Detail: "rslvr-out-onprem has no security groups and vpc-app declares none: egress is not modeled"},
		},
		{
			name: "route table declared for the VPC but used by no subnet",
			setup: func(f *fixture) {
				f.app.MainRouteTable, f.subA.RouteTable, f.subB.RouteTable = nil, nil, nil
			},
			check:     CheckRoute,
			nilPasses: true,
			want: Check{Name: CheckRoute, Verdict: Fail, Resource: "vpc-app",
				Detail: "no route in the implicit main route table of vpc-app contains 192.168.10.53 (subnet-app-a has no route table and vpc-app no main one)"},
		},
		{
			name:      "the example network",
			check:     CheckGateway,
			nilPasses: true,
			want: Check{Name: CheckGateway, Verdict: Pass, Resource: "tgw-core",
				Detail: "tgw-core reaches vpn-onprem (192.168.0.0/16), state up"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture()
			if tc.setup != nil {
				tc.setup(f)
			}
			e := NewEvaluator(f.net)
			p := e.Evaluate(f.ep, f.addr(), target, udp)
			if got := checkNamed(t, p, tc.check); got != tc.want {
				t.Errorf("with the network:\n got %+v;\nwant %+v", got, tc.want)
			}
			np := Evaluate(f.ep, f.addr(), target, udp)
			if got := checkNamed(t, np, tc.check).Verdict == Pass; got != tc.nilPasses {
				t.Errorf("without the network: passes %v; want %v", got, tc.nilPasses)
			}
		})
	}
}

func TestPaths(t *testing.T) {
	type row struct {
		ip      string
		proto   config.Protocol
		verdict PathVerdict
	}
	tests := []struct {
		name  string
		setup func(f *fixture)
		want  []row
	}{
		{
			name: "example network: every path open",
			want: []row{{"10.0.1.10", udp, OK}, {"10.0.1.10", tcp, OK}, {"10.0.2.10", udp, OK}, {"10.0.2.10", tcp, OK}},
		},
		{
			name:  "security group allows udp only",
			setup: func(f *fixture) { f.sg.Egress = f.sg.Egress[:1] },
			want:  []row{{"10.0.1.10", udp, OK}, {"10.0.1.10", tcp, Blocked}, {"10.0.2.10", udp, OK}, {"10.0.2.10", tcp, Blocked}},
		},
		{
			name:  "one subnet without a route to the target",
			setup: func(f *fixture) { f.subB.RouteTable = &config.RouteTable{ID: "rtb-b", VPC: f.app} },
			want:  []row{{"10.0.1.10", udp, OK}, {"10.0.1.10", tcp, OK}, {"10.0.2.10", udp, Blocked}, {"10.0.2.10", tcp, Blocked}},
		},
		{
			name:  "no policy declared at all",
			setup: func(f *fixture) { f.dropPolicy() },
			want:  []row{{"10.0.1.10", udp, OK}, {"10.0.1.10", tcp, OK}, {"10.0.2.10", udp, OK}, {"10.0.2.10", tcp, OK}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture()
			if tc.setup != nil {
				tc.setup(f)
			}
			target := netip.MustParseAddrPort("192.168.10.53:53")
			for _, paths := range [][]Path{Paths(f.ep, target), NewEvaluator(f.net).Paths(f.ep, target)} {
				var got []row
				for _, p := range paths {
					got = append(got, row{p.EndpointIP.String(), p.Protocol, p.Verdict})
					if len(p.Checks) != len(checkOrder()) {
						t.Errorf("path %v %v has %d checks; want %d", p.EndpointIP, p.Protocol, len(p.Checks), len(checkOrder()))
					}
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("paths %v; want %v", got, tc.want)
				}
			}
		})
	}
}

func TestPathJSON(t *testing.T) {
	f := newFixture()
	f.acl.Entries[1].Ports = ports(1024, 32767)
	p := Evaluate(f.ep, f.addr(), netip.MustParseAddrPort("192.168.10.53:53"), udp)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	want := `{"endpoint_ip":"10.0.1.10","protocol":"udp","verdict":"blocked","checks":[` +
		`{"check":"security-group-egress","verdict":"pass","detail":"sg-resolver-out allows udp 53 to 192.168.0.0/16","resource":"sg-resolver-out"},` +
		`{"check":"nacl-outbound","verdict":"pass","detail":"acl-app rule 100 allows all to 0.0.0.0/0","resource":"acl-app"},` +
		`{"check":"nacl-inbound-return","verdict":"fail","partial":true,"detail":"acl-app lets back udp replies only on 1024-32767 of 1024-65535: some replies dropped (no entry matches 32768-65535)","resource":"acl-app"},` +
		`{"check":"route","verdict":"pass","detail":"rtb-app routes 192.168.10.53 via 192.168.0.0/16 -\u003e tgw-core","resource":"rtb-app"},` +
		`{"check":"gateway","verdict":"pass","detail":"tgw-core reaches vpn-onprem (192.168.0.0/16), state up","resource":"tgw-core"}]}`
	if string(b) != want {
		t.Errorf("json\n got %s;\nwant %s", b, want)
	}

	var back Path
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	if !reflect.DeepEqual(back, p) {
		t.Errorf("round trip\n got %+v;\nwant %+v", back, p)
	}

	for _, bad := range []string{
		`{"endpoint_ip":"10.0.1.10","protocol":"all","verdict":"ok","checks":[]}`,
		`{"endpoint_ip":"10.0.1.10","protocol":"udp","verdict":"maybe","checks":[]}`,
		`{"endpoint_ip":"10.0.1.10","protocol":"udp","verdict":"ok","checks":[{"check":"route","verdict":"partial"}]}`,
	} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("unmarshal %s: got no error; want one", bad)
		}
	}

	b, err = json.Marshal(Path{EndpointIP: ip("10.0.1.10"), Protocol: tcp})
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	if got, want := string(b), `{"endpoint_ip":"10.0.1.10","protocol":"tcp","verdict":"blocked","checks":[]}`; got != want {
		t.Errorf("zero path json %s; want %s", got, want)
	}
}

func TestFailed(t *testing.T) {
	f := newFixture()
	f.vpn.Up = false
	f.sg.Egress = nil
	p := Evaluate(f.ep, f.addr(), netip.MustParseAddrPort("192.168.10.53:53"), udp)
	var got []string
	for _, c := range p.Failed() {
		got = append(got, c.Name)
	}
	if want := []string{CheckSecurityGroupEgress, CheckGateway}; !slices.Equal(got, want) {
		t.Errorf("failed %q; want %q", got, want)
	}
}

// An Evaluator and the network it reads are shared by every query.
func TestConcurrentUse(t *testing.T) {
	f := newFixture()
	e := NewEvaluator(f.net)
	target := netip.MustParseAddrPort("192.168.10.53:53")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				for _, p := range e.Paths(f.ep, target) {
					if p.Verdict != OK {
						t.Errorf("path %v %v: %v; want ok", p.EndpointIP, p.Protocol, p.Verdict)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
