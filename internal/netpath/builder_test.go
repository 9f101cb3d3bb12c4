package netpath

import (
	"net/netip"
	"testing"

	"github.com/vpcdns/vpcdns/internal/config"
)

// The tests build config.Network values directly, as config.Validate would
// produce them: every reference resolved, ACL entries sorted by rule number,
// subnets' route tables defaulted to the VPC's main one.

const (
	udp = config.ProtoUDP
	tcp = config.ProtoTCP
	all = config.ProtoAll
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func ports(from, to uint16) config.PortRange { return config.PortRange{From: from, To: to} }

func sgRule(p config.Protocol, r config.PortRange, cidr string) config.SGRule {
	if p == all {
		r = config.AllPorts
	}
	return config.SGRule{Protocol: p, Ports: r, CIDR: pfx(cidr)}
}

func entry(num int, egress bool, p config.Protocol, r config.PortRange, cidr string, allow bool) config.ACLEntry {
	if p == all {
		r = config.AllPorts
	}
	return config.ACLEntry{RuleNumber: num, Egress: egress, Protocol: p, Ports: r, CIDR: pfx(cidr), Allow: allow}
}

func aclOut(num int, p config.Protocol, r config.PortRange, cidr string, allow bool) config.ACLEntry {
	return entry(num, true, p, r, cidr, allow)
}

func aclIn(num int, p config.Protocol, r config.PortRange, cidr string, allow bool) config.ACLEntry {
	return entry(num, false, p, r, cidr, allow)
}

func localRoute(cidr string) config.Route {
	return config.Route{Destination: pfx(cidr), TargetID: "local", Kind: config.TargetLocal}
}

func blackhole(cidr string) config.Route {
	return config.Route{Destination: pfx(cidr), TargetID: "blackhole", Kind: config.TargetBlackhole}
}

func tgwRoute(cidr string, t *config.TransitGateway) config.Route {
	return config.Route{Destination: pfx(cidr), TargetID: t.ID, Kind: config.TargetTransitGateway, TGW: t}
}

func pcxRoute(cidr string, p *config.Peering) config.Route {
	return config.Route{Destination: pfx(cidr), TargetID: p.ID, Kind: config.TargetPeering, Peering: p}
}

func remoteRoute(cidr string, r *config.RemoteNetwork) config.Route {
	return config.Route{Destination: pfx(cidr), TargetID: r.ID, Kind: config.TargetRemoteNetwork, Remote: r}
}

// fixture is the network of network-yaml.md's example: vpc-app peered with
// vpc-shared and attached to tgw-core, which reaches vpn-onprem
// (192.168.0.0/16); an outbound endpoint in two subnets of vpc-app whose
// group allows DNS to 192.168.0.0/16, an ACL that lets everything out and
// replies from 192.168.0.0/16 back in, and a main route table.
type fixture struct {
	app, shared, other *config.VPC
	subA, subB, subC   *config.Subnet
	sg                 *config.SecurityGroup
	acl                *config.NetworkACL
	rtb                *config.RouteTable
	pcx                *config.Peering
	tgw                *config.TransitGateway
	vpn                *config.RemoteNetwork
	ep                 *config.Endpoint
	net                *config.Network
}

func newFixture() *fixture {
	f := &fixture{}
	f.app = &config.VPC{ID: "vpc-app", CIDRs: []netip.Prefix{pfx("10.0.0.0/16")}, Region: "us-east-1", DNSSupport: true}
	f.shared = &config.VPC{ID: "vpc-shared", CIDRs: []netip.Prefix{pfx("10.1.0.0/16")}, Region: "us-east-1", DNSSupport: true}
	f.other = &config.VPC{ID: "vpc-other", CIDRs: []netip.Prefix{pfx("10.2.0.0/16")}, Region: "us-east-1", DNSSupport: true}

	f.vpn = &config.RemoteNetwork{ID: "vpn-onprem", Type: "vpn", CIDRs: []netip.Prefix{pfx("192.168.0.0/16")}, Up: true}
	f.pcx = &config.Peering{ID: "pcx-app-shared", Requester: f.app, Accepter: f.shared, AllowDNSResolution: true}
	f.tgw = &config.TransitGateway{ID: "tgw-core", VPCs: []*config.VPC{f.app}, RemoteNetworks: []*config.RemoteNetwork{f.vpn}}

	f.sg = &config.SecurityGroup{ID: "sg-resolver-out", VPC: f.app, Egress: []config.SGRule{
		sgRule(udp, ports(53, 53), "192.168.0.0/16"),
		sgRule(tcp, ports(53, 53), "192.168.0.0/16"),
	}}
	f.acl = &config.NetworkACL{ID: "acl-app", VPC: f.app, Entries: []config.ACLEntry{
		aclOut(100, all, config.AllPorts, "0.0.0.0/0", true),
		aclIn(100, udp, ports(1024, 65535), "192.168.0.0/16", true),
		aclIn(110, tcp, ports(1024, 65535), "192.168.0.0/16", true),
	}}
	f.rtb = &config.RouteTable{ID: "rtb-app", VPC: f.app, Routes: []config.Route{
		localRoute("10.0.0.0/16"),
		tgwRoute("192.168.0.0/16", f.tgw),
		pcxRoute("10.1.0.0/16", f.pcx),
	}}
	f.app.MainRouteTable = f.rtb

	f.subA = &config.Subnet{ID: "subnet-app-a", VPC: f.app, CIDR: pfx("10.0.1.0/24"), AvailabilityZone: "us-east-1a", RouteTable: f.rtb, NetworkACL: f.acl}
	f.subB = &config.Subnet{ID: "subnet-app-b", VPC: f.app, CIDR: pfx("10.0.2.0/24"), AvailabilityZone: "us-east-1b", RouteTable: f.rtb, NetworkACL: f.acl}
	f.subC = &config.Subnet{ID: "subnet-shared-a", VPC: f.shared, CIDR: pfx("10.1.1.0/24"), AvailabilityZone: "us-east-1a"}
	f.app.Subnets = []*config.Subnet{f.subA, f.subB}
	f.shared.Subnets = []*config.Subnet{f.subC}

	f.ep = &config.Endpoint{
		ID: "rslvr-out-onprem", Outbound: true, VPC: f.app,
		SecurityGroups: []*config.SecurityGroup{f.sg},
		Addresses: []config.EndpointAddr{
			{Subnet: f.subA, IP: ip("10.0.1.10")},
			{Subnet: f.subB, IP: ip("10.0.2.10")},
		},
	}
	f.net = &config.Network{
		AccountID: "111122223333", Region: "us-east-1",
		VPCs:            []*config.VPC{f.app, f.shared, f.other},
		Peerings:        []*config.Peering{f.pcx},
		TransitGateways: []*config.TransitGateway{f.tgw},
		RemoteNetworks:  []*config.RemoteNetwork{f.vpn},
		SecurityGroups:  []*config.SecurityGroup{f.sg},
		NetworkACLs:     []*config.NetworkACL{f.acl},
		RouteTables:     []*config.RouteTable{f.rtb},
		Endpoints:       []*config.Endpoint{f.ep},
	}
	return f
}

// addr is the endpoint address the single-path tests check from.
func (f *fixture) addr() config.EndpointAddr { return f.ep.Addresses[0] }

// dropPolicy removes every security group, network ACL and route table: a
// plain resolver configuration.
func (f *fixture) dropPolicy() {
	f.ep.SecurityGroups = nil
	f.net.SecurityGroups = nil
	f.net.NetworkACLs = nil
	f.net.RouteTables = nil
	f.app.MainRouteTable = nil
	for _, s := range f.app.Subnets {
		s.RouteTable, s.NetworkACL = nil, nil
	}
}

// verdicts lists the verdicts of a path's checks, in order, as text.
func verdicts(t *testing.T, p Path) []string {
	t.Helper()
	out := make([]string, len(p.Checks))
	for i, c := range p.Checks {
		out[i] = c.Verdict.String()
	}
	return out
}

func checkNamed(t *testing.T, p Path, name string) Check {
	t.Helper()
	for _, c := range p.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("path has no check %q; checks %+v", name, p.Checks)
	return Check{}
}

// openFilters lets every packet through the security group and the ACL, for
// tests about routing.
func (f *fixture) openFilters() {
	f.sg.Egress = []config.SGRule{sgRule(all, config.AllPorts, "0.0.0.0/0")}
	f.acl.Entries = []config.ACLEntry{
		aclOut(100, all, config.AllPorts, "0.0.0.0/0", true),
		aclIn(100, all, config.AllPorts, "0.0.0.0/0", true),
	}
}
