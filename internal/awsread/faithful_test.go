package awsread

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/explain"
	"github.com/vpcdns/vpcdns/internal/netpath"
	"github.com/vpcdns/vpcdns/internal/view"
)

// faithfulAccount is a one-VPC account in the AWS CLI's shapes whose routes
// and security groups use what import used to lower: a route to a prefix
// list, a route to a prefix list no call listed, routes to a virtual private
// gateway, egress rules by prefix list, by security group and by a prefix
// list whose entries were denied.
var faithfulAccount = map[string]string{
	"get-caller-identity.json": `{"Account": "111111111111"}`,
	"describe-vpcs.json":       `{"Vpcs": [{"VpcId": "vpc-a", "CidrBlock": "10.0.0.0/16", "OwnerId": "111111111111"}]}`,
	"describe-subnets.json": `{"Subnets": [
		{"SubnetId": "subnet-a", "VpcId": "vpc-a", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a"},
		{"SubnetId": "subnet-b", "VpcId": "vpc-a", "CidrBlock": "10.0.2.0/24", "AvailabilityZone": "us-east-1b"}]}`,
	"describe-route-tables.json": `{"RouteTables": [{"RouteTableId": "rtb-main", "VpcId": "vpc-a", "OwnerId": "111111111111",
		"Associations": [{"Main": true, "RouteTableId": "rtb-main", "AssociationState": {"State": "associated"}}],
		"Routes": [
			{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
			{"DestinationPrefixListId": "pl-onprem", "GatewayId": "vgw-1", "State": "active"},
			{"DestinationCidrBlock": "172.16.0.0/16", "GatewayId": "vgw-1", "State": "active", "Origin": "EnableVgwRoutePropagation"}]},
		{"RouteTableId": "rtb-b", "VpcId": "vpc-a", "OwnerId": "111111111111",
		"Associations": [{"SubnetId": "subnet-b", "RouteTableId": "rtb-b", "AssociationState": {"State": "associated"}}],
		"Routes": [
			{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
			{"DestinationPrefixListId": "pl-onprem", "GatewayId": "vgw-1", "State": "active"},
			{"DestinationPrefixListId": "pl-unread", "GatewayId": "vgw-1", "State": "active"}]}]}`,
	"describe-managed-prefix-lists.json": `{"PrefixLists": [
		{"PrefixListId": "pl-onprem", "PrefixListName": "onprem", "OwnerId": "111111111111", "State": "create-complete"},
		{"PrefixListId": "pl-denied", "PrefixListName": "partners", "OwnerId": "111111111111", "State": "create-complete"}]}`,
	"get-managed-prefix-list-entries.pl-onprem.json": `{"Entries": [{"Cidr": "192.168.0.0/16"}]}`,
	"get-managed-prefix-list-entries.pl-denied.json": ``,
	"get-managed-prefix-list-entries.pl-denied.err":  `An error occurred (UnauthorizedOperation) when calling the GetManagedPrefixListEntries operation: denied`,
	"describe-vpn-gateways.json": `{"VpnGateways": [{"VpnGatewayId": "vgw-1", "State": "available",
		"VpcAttachments": [{"VpcId": "vpc-a", "State": "attached"}]}]}`,
	"describe-vpn-connections.json": `{"VpnConnections": [{"VpnConnectionId": "vpn-1", "VpnGatewayId": "vgw-1", "State": "available",
		"VgwTelemetry": [{"OutsideIpAddress": "203.0.113.1", "Status": "UP"}]}]}`,
	"describe-security-groups.json": `{"SecurityGroups": [
		{"GroupId": "sg-out", "VpcId": "vpc-a", "OwnerId": "111111111111", "IpPermissions": [], "IpPermissionsEgress": [
			{"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "PrefixListIds": [{"PrefixListId": "pl-onprem", "Description": "on-premises DNS"}]},
			{"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "UserIdGroupPairs": [{"GroupId": "sg-in", "UserId": "111111111111", "Description": "inbound endpoint"}]},
			{"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "PrefixListIds": [{"PrefixListId": "pl-denied"}]},
			{"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "PrefixListIds": [{"PrefixListId": "pl-unread"}]},
			{"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "UserIdGroupPairs": [{"GroupId": "sg-elsewhere", "UserId": "999999999999"}]}]},
		{"GroupId": "sg-in", "VpcId": "vpc-a", "OwnerId": "111111111111", "IpPermissionsEgress": [], "IpPermissions": [
			{"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "UserIdGroupPairs": [{"GroupId": "sg-out", "UserId": "111111111111"}]}]}]}`,
	"list-resolver-endpoints.json": `{"ResolverEndpoints": [
		{"Id": "rslvr-out-1", "Direction": "OUTBOUND", "HostVPCId": "vpc-a", "SecurityGroupIds": ["sg-out"]},
		{"Id": "rslvr-in-1", "Direction": "INBOUND", "HostVPCId": "vpc-a", "SecurityGroupIds": ["sg-in"]}]}`,
	"list-resolver-endpoint-ip-addresses.rslvr-out-1.json": `{"IpAddresses": [{"SubnetId": "subnet-a", "Ip": "10.0.1.10", "Status": "ATTACHED"}, {"SubnetId": "subnet-b", "Ip": "10.0.2.10", "Status": "ATTACHED"}]}`,
	"list-resolver-endpoint-ip-addresses.rslvr-in-1.json":  `{"IpAddresses": [{"SubnetId": "subnet-a", "Ip": "10.0.1.20", "Status": "ATTACHED"}, {"SubnetId": "subnet-b", "Ip": "10.0.2.20", "Status": "ATTACHED"}]}`,
	"list-resolver-rules.json": `{"ResolverRules": [
		{"Id": "rslvr-rr-onprem", "RuleType": "FORWARD", "DomainName": "onprem.example.", "ResolverEndpointId": "rslvr-out-1", "OwnerId": "111111111111", "TargetIps": [{"Ip": "192.168.10.53", "Port": 53}]},
		{"Id": "rslvr-rr-partner", "RuleType": "FORWARD", "DomainName": "partner.example.", "ResolverEndpointId": "rslvr-out-1", "OwnerId": "111111111111", "TargetIps": [{"Ip": "172.20.0.53", "Port": 53}]},
		{"Id": "rslvr-rr-inbound", "RuleType": "FORWARD", "DomainName": "in.example.", "ResolverEndpointId": "rslvr-out-1", "OwnerId": "111111111111", "TargetIps": [{"Ip": "10.0.1.20", "Port": 53}]},
		{"Id": "rslvr-rr-prop", "RuleType": "FORWARD", "DomainName": "prop.example.", "ResolverEndpointId": "rslvr-out-1", "OwnerId": "111111111111", "TargetIps": [{"Ip": "172.16.0.53", "Port": 53}]}]}`,
	"list-resolver-rule-associations.json": `{"ResolverRuleAssociations": [
		{"ResolverRuleId": "rslvr-rr-onprem", "VPCId": "vpc-a", "Status": "COMPLETE"},
		{"ResolverRuleId": "rslvr-rr-partner", "VPCId": "vpc-a", "Status": "COMPLETE"},
		{"ResolverRuleId": "rslvr-rr-inbound", "VPCId": "vpc-a", "Status": "COMPLETE"},
		{"ResolverRuleId": "rslvr-rr-prop", "VPCId": "vpc-a", "Status": "COMPLETE"}]}`,
}

// TestImportFaithful: import writes the account's routes and rules with
// the keys AWS has (destination_prefix_list, target vgw-…, prefix_list,
// security_group), lists what it could not read under unmodeled, and the
// paths through them have the verdicts AWS would give, unknown where the
// model cannot tell.
func TestImportFaithful(t *testing.T) {
	dir := t.TempDir()
	for name, body := range faithfulAccount {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := ReadDir(context.Background(), dir, "us-east-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := config.Marshal(r.File)
	if err != nil {
		t.Fatal(err)
	}
	n, _, err := config.Parse(data, "imported.yaml", dir)
	if err != nil {
		t.Fatalf("the imported network does not pass check: %v\n%s", err, data)
	}
	f := r.File

	var routes []config.RouteFile
	for _, rt := range f.RouteTables {
		routes = append(routes, rt.Routes...)
	}
	wantRoutes := []config.RouteFile{
		{DestinationPrefixList: "pl-onprem", Target: "vgw-1"},
		{DestinationPrefixList: "pl-unread", Target: "vgw-1"},
		{DestinationPrefixList: "pl-onprem", Target: "vgw-1"},
		{Destination: "172.16.0.0/16", Target: "vgw-1", Origin: "propagated"},
	}
	if len(routes) != len(wantRoutes) {
		t.Fatalf("routes of rtb-main = %+v, want %+v", routes, wantRoutes)
	}
	for i := range wantRoutes {
		if routes[i] != wantRoutes[i] {
			t.Errorf("route %d = %+v, want %+v", i, routes[i], wantRoutes[i])
		}
	}

	var egress []config.SGRuleFile
	for _, g := range f.SecurityGroups {
		if g.ID == "sg-out" {
			egress = g.Egress
		}
	}
	var refs []string
	for _, e := range egress {
		refs = append(refs, e.CIDR+e.PrefixList+e.SecurityGroup+"|"+e.Description)
	}
	if got, want := strings.Join(refs, " "), "pl-onprem|on-premises DNS sg-in|inbound endpoint pl-denied| pl-unread|"; got != want {
		t.Errorf("egress of sg-out = %s, want %s", got, want)
	}
	for _, p := range f.PrefixLists {
		if p.ID == "pl-denied" {
			t.Errorf("pl-denied, whose entries were denied, is written as a list with cidr_blocks %v", p.CIDRBlocks)
		}
	}
	unmodeled := map[string]string{}
	for _, u := range f.Unmodeled {
		unmodeled[u.ID] = u.Kind
	}
	for id, kind := range map[string]string{"pl-denied": "prefix-list", "pl-unread": "prefix-list", "sg-out:egress:sg-elsewhere": "security-group-rule",
		"ec2:GetManagedPrefixListEntries(pl-denied)": "api-call"} {
		if unmodeled[id] != kind {
			t.Errorf("unmodeled %s: kind %q, want %q (unmodeled: %v)", id, unmodeled[id], kind, unmodeled)
		}
	}
	var vpn *config.RemoteFile
	for i := range f.RemoteNetworks {
		if f.RemoteNetworks[i].ID == "vpn-1" {
			vpn = &f.RemoteNetworks[i]
		}
	}
	if vpn == nil || strings.Join(vpn.CIDRBlocks, ",") != "172.16.0.0/16,192.168.0.0/16" {
		t.Errorf("vpn-1 = %+v, want the CIDRs routed to vgw-1 (the prefix list's and the propagated one)", vpn)
	}

	v, err := view.Compile(n)
	if err != nil {
		t.Fatal(err)
	}
	// From 10.0.1.10 (subnet-a, rtb-main) and 10.0.2.10 (subnet-b, rtb-b,
	// which also routes the unread pl-unread: any target may be in it).
	type want struct {
		verdict   netpath.PathVerdict
		unmodeled string // the id an unknown verdict names
	}
	for _, c := range []struct {
		name, query string
		a, b        want
	}{
		{"route and egress by prefix list, through the gateway to its VPN", "db.onprem.example",
			want{netpath.OK, ""}, want{netpath.UnknownPath, "pl-unread"}},
		{"a target no route leads to, but an unread prefix list may", "db.partner.example",
			want{netpath.Blocked, ""}, want{netpath.UnknownPath, "pl-unread"}},
		{"egress by security group to the inbound endpoint that carries it", "db.in.example",
			want{netpath.OK, ""}, want{netpath.UnknownPath, "pl-unread"}},
		{"propagated route to the gateway; only a denied prefix list may allow the egress", "db.prop.example",
			want{netpath.UnknownPath, "pl-denied"}, want{netpath.UnknownPath, "pl-denied"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, err := explain.Build(v, "vpc-a", dnsname.Name(dns.Fqdn(c.query)), dns.TypeA)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Forwarding == nil || len(rep.Forwarding.Targets) != 1 {
				t.Fatalf("forwarding = %+v, want one target", rep.Forwarding)
			}
			paths := 0
			for _, p := range rep.Forwarding.Targets[0].Paths {
				if p.Protocol != config.ProtoUDP {
					continue
				}
				paths++
				w := c.a
				if p.EndpointIP.String() == "10.0.2.10" {
					w = c.b
				}
				if p.Verdict != w.verdict {
					t.Errorf("path from %s: %s, want %s: %+v", p.EndpointIP, p.Verdict, w.verdict, p.Checks)
				}
				if w.unmodeled == "" {
					continue
				}
				named := false
				for _, ch := range p.Checks {
					named = named || ch.Unmodeled == w.unmodeled
				}
				if !named {
					t.Errorf("path from %s: no check names %s: %+v", p.EndpointIP, w.unmodeled, p.Checks)
				}
			}
			if paths != 2 {
				t.Errorf("%d UDP paths, want 2 (one per endpoint address)", paths)
			}
		})
	}
}
