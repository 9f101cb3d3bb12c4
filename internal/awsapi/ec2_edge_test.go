package awsapi_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	rtypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"
	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/explain"
	"github.com/vpcdns/vpcdns/internal/lint"
	"github.com/vpcdns/vpcdns/internal/loopbacktest"
	"github.com/vpcdns/vpcdns/internal/netpath"
	"github.com/vpcdns/vpcdns/internal/server"
	"github.com/vpcdns/vpcdns/internal/view"
)

// lintIDs are the ids of the findings lint reports for the store's network.
func lintIDs(t *testing.T, e *env) []string {
	t.Helper()
	v, err := view.Compile(e.store.Network())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range lint.Run(v).Findings {
		ids = append(ids, f.ID)
	}
	return ids
}

// exported is network.yaml as `vpcdns export` writes it.
func exported(t *testing.T, e *env) string {
	t.Helper()
	st, _ := e.store.Snapshot()
	b, err := config.Marshal(&st.File)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A DHCP option set without AmazonProvidedDNS, associated through the API,
// makes lint report the bypass (L017), as the same set in network.yaml
// does; associating "default" takes it back.
func TestDHCPOptionsThroughAPI(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	if slices.Contains(lintIDs(t, e), lint.DHCPBypassesResolver) {
		t.Fatalf("L017 before any option set")
	}
	dopt := must[*ec2.CreateDhcpOptionsOutput](t)(e.ec2.CreateDhcpOptions(ctx, &ec2.CreateDhcpOptionsInput{
		DhcpConfigurations: []ec2types.NewDhcpConfiguration{
			{Key: aws.String("domain-name"), Values: []string{"corp.example"}},
			{Key: aws.String("domain-name-servers"), Values: []string{"192.168.10.53", "192.168.10.54"}}},
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeDhcpOptions, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("corp")}}}},
	})).DhcpOptions
	id := *dopt.DhcpOptionsId
	if !strings.HasPrefix(id, "dopt-") || len(dopt.DhcpConfigurations) != 2 || *dopt.DhcpConfigurations[1].Values[1].Value != "192.168.10.54" {
		t.Fatalf("created: %+v", dopt)
	}
	must[*ec2.AssociateDhcpOptionsOutput](t)(e.ec2.AssociateDhcpOptions(ctx, &ec2.AssociateDhcpOptionsInput{DhcpOptionsId: &id, VpcId: &n.vpc}))
	if ids := lintIDs(t, e); !slices.Contains(ids, lint.DHCPBypassesResolver) {
		t.Errorf("after AssociateDhcpOptions: lint %v, want %s", ids, lint.DHCPBypassesResolver)
	}
	if y := exported(t, e); !strings.Contains(y, "dhcp_option_sets:") || !strings.Contains(y, "dhcp_options: "+id) {
		t.Errorf("export has no option set:\n%s", y)
	}
	vpcs := must[*ec2.DescribeVpcsOutput](t)(e.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{n.vpc}}))
	if got := *vpcs.Vpcs[0].DhcpOptionsId; got != id {
		t.Errorf("DescribeVpcs dhcpOptionsId %s, want %s", got, id)
	}
	got := must[*ec2.DescribeDhcpOptionsOutput](t)(e.ec2.DescribeDhcpOptions(ctx, &ec2.DescribeDhcpOptionsInput{
		Filters: []ec2types.Filter{filter("value", "192.168.10.53")}}))
	if len(got.DhcpOptions) != 1 || *got.DhcpOptions[0].DhcpOptionsId != id || *got.DhcpOptions[0].Tags[0].Value != "corp" {
		t.Errorf("describe by value: %+v", got.DhcpOptions)
	}
	for _, c := range []struct {
		name, code string
		call       func() error
	}{
		{"delete while associated", "DependencyViolation", func() error {
			_, err := e.ec2.DeleteDhcpOptions(ctx, &ec2.DeleteDhcpOptionsInput{DhcpOptionsId: &id})
			return err
		}},
		{"unknown id", "InvalidDhcpOptionID.NotFound", func() error {
			_, err := e.ec2.DescribeDhcpOptions(ctx, &ec2.DescribeDhcpOptionsInput{DhcpOptionsIds: []string{"dopt-0123456789abcdef0"}})
			return err
		}},
		{"associate unknown", "InvalidDhcpOptionID.NotFound", func() error {
			_, err := e.ec2.AssociateDhcpOptions(ctx, &ec2.AssociateDhcpOptionsInput{DhcpOptionsId: aws.String("dopt-0123456789abcdef0"), VpcId: &n.vpc})
			return err
		}},
		{"bad server", "InvalidParameterValue", func() error {
			_, err := e.ec2.CreateDhcpOptions(ctx, &ec2.CreateDhcpOptionsInput{DhcpConfigurations: []ec2types.NewDhcpConfiguration{
				{Key: aws.String("domain-name-servers"), Values: []string{"10.0.0.300"}}}})
			return err
		}},
		{"unmodeled option", "UnsupportedOperation", func() error {
			_, err := e.ec2.CreateDhcpOptions(ctx, &ec2.CreateDhcpOptionsInput{DhcpConfigurations: []ec2types.NewDhcpConfiguration{
				{Key: aws.String("ntp-servers"), Values: []string{"10.0.0.1"}}}})
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if code := apiCode(t, c.call()); code != c.code {
				t.Errorf("code %q, want %q", code, c.code)
			}
		})
	}
	must[*ec2.AssociateDhcpOptionsOutput](t)(e.ec2.AssociateDhcpOptions(ctx, &ec2.AssociateDhcpOptionsInput{DhcpOptionsId: aws.String("default"), VpcId: &n.vpc}))
	if ids := lintIDs(t, e); slices.Contains(ids, lint.DHCPBypassesResolver) {
		t.Errorf("after associating default: lint %v", ids)
	}
	must[*ec2.DeleteDhcpOptionsOutput](t)(e.ec2.DeleteDhcpOptions(ctx, &ec2.DeleteDhcpOptionsInput{DhcpOptionsId: &id}))
	if y := exported(t, e); strings.Contains(y, "dhcp_option_sets:") {
		t.Errorf("export after delete:\n%s", y)
	}
}

// askA asks the resolver at addr for the A records of name.
func askA(t *testing.T, e *env, addr, name string) (int, []string) {
	t.Helper()
	e.synced()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), dns.TypeA)
	r, _, err := (&dns.Client{Timeout: 5 * time.Second}).Exchange(m, addr)
	if err != nil {
		t.Fatalf("query %s: %v", addr, err)
	}
	var ips []string
	for _, rr := range r.Answer {
		if a, ok := rr.(*dns.A); ok {
			ips = append(ips, a.A.String())
		}
	}
	slices.Sort(ips)
	return r.Rcode, ips
}

// serveVPC starts the DNS server on the store's network and gives the
// VPC a listen socket; it returns the socket.
func serveVPC(t *testing.T, e *env, vpc string) string {
	t.Helper()
	srv, err := server.New(e.store.Network(), server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(t.Context()) })
	e.store.SetApply(srv.Reload)
	listen := "127.0.0.1:" + strconv.Itoa(int(loopbacktest.FreePort(t)))
	must[*ec2.CreateTagsOutput](t)(e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{vpc},
		Tags: []ec2types.Tag{{Key: aws.String("vpcdns:resolver-listen"), Value: aws.String(listen)}}}))
	return listen
}

// An interface endpoint with private DNS, made through the API, makes the
// VPC resolver answer the service's name with the endpoint's addresses,
// as on AWS; deleting it takes the answer away.
func TestVPCEndpointPrivateDNS(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	listen := serveVPC(t, e, n.vpc)
	const name = "ssm.us-east-1.amazonaws.com"
	if _, ips := askA(t, e, listen, name); len(ips) != 0 {
		t.Fatalf("before the endpoint: %v", ips)
	}
	ep := must[*ec2.CreateVpcEndpointOutput](t)(e.ec2.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{
		VpcId: &n.vpc, ServiceName: aws.String("com.amazonaws.us-east-1.ssm"), VpcEndpointType: ec2types.VpcEndpointTypeInterface,
		SubnetIds: []string{n.subnetA, n.subnetB}, SecurityGroupIds: []string{n.sg}})).VpcEndpoint
	if !*ep.PrivateDnsEnabled || len(ep.NetworkInterfaceIds) != 2 || !slices.ContainsFunc(ep.DnsEntries, func(d ec2types.DnsEntry) bool { return *d.DnsName == name }) {
		t.Errorf("created: private DNS %v, ENIs %v, DNS entries %+v", *ep.PrivateDnsEnabled, ep.NetworkInterfaceIds, ep.DnsEntries)
	}
	if rcode, ips := askA(t, e, listen, name); rcode != dns.RcodeSuccess || !slices.Equal(ips, []string{"10.0.1.4", "10.0.2.4"}) {
		t.Errorf("with the endpoint: %s %v, want the endpoint's addresses 10.0.1.4 10.0.2.4", dns.RcodeToString[rcode], ips)
	}
	if y := exported(t, e); !strings.Contains(y, "service_name: com.amazonaws.us-east-1.ssm") || !strings.Contains(y, "private_dns_enabled: true") {
		t.Errorf("export has no endpoint:\n%s", y)
	}
	enis := must[*ec2.DescribeNetworkInterfacesOutput](t)(e.ec2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{
		Filters: []ec2types.Filter{filter("description", "VPC Endpoint Interface "+*ep.VpcEndpointId)}}))
	if len(enis.NetworkInterfaces) != 2 || !slices.Contains(ep.NetworkInterfaceIds, *enis.NetworkInterfaces[0].NetworkInterfaceId) {
		t.Errorf("the endpoint's interfaces: %+v, want %v", enis.NetworkInterfaces, ep.NetworkInterfaceIds)
	}
	got := must[*ec2.DescribeVpcEndpointsOutput](t)(e.ec2.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{
		Filters: []ec2types.Filter{filter("service-name", "com.amazonaws.us-east-1.ssm"), filter("vpc-id", n.vpc)}}))
	if len(got.VpcEndpoints) != 1 || *got.VpcEndpoints[0].VpcEndpointId != *ep.VpcEndpointId || len(got.VpcEndpoints[0].Groups) != 1 {
		t.Errorf("describe: %+v", got.VpcEndpoints)
	}
	for _, c := range []struct {
		name, code string
		in         ec2.CreateVpcEndpointInput
	}{
		{"same service twice", "InvalidParameterValue", ec2.CreateVpcEndpointInput{VpcId: &n.vpc, ServiceName: aws.String("com.amazonaws.us-east-1.ssm"),
			VpcEndpointType: ec2types.VpcEndpointTypeInterface, SubnetIds: []string{n.subnetA}}},
		{"unknown subnet", "InvalidSubnetID.NotFound", ec2.CreateVpcEndpointInput{VpcId: &n.vpc, ServiceName: aws.String("com.amazonaws.us-east-1.ec2"),
			VpcEndpointType: ec2types.VpcEndpointTypeInterface, SubnetIds: []string{"subnet-0123456789abcdef0"}}},
		{"private DNS on a gateway endpoint", "InvalidParameterValue", ec2.CreateVpcEndpointInput{VpcId: &n.vpc, ServiceName: aws.String("com.amazonaws.us-east-1.s3"),
			PrivateDnsEnabled: aws.Bool(true)}},
		{"unknown vpc", "InvalidVpcID.NotFound", ec2.CreateVpcEndpointInput{VpcId: aws.String("vpc-0123456789abcdef0"), ServiceName: aws.String("com.amazonaws.us-east-1.s3")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.ec2.CreateVpcEndpoint(ctx, &c.in)
			if code := apiCode(t, err); code != c.code {
				t.Errorf("code %q (%v), want %q", code, err, c.code)
			}
		})
	}
	if _, err := e.ec2.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: &n.subnetB}); apiCode(t, err) != "DependencyViolation" {
		t.Errorf("delete a subnet of the endpoint: %v", err)
	}
	del := must[*ec2.DeleteVpcEndpointsOutput](t)(e.ec2.DeleteVpcEndpoints(ctx, &ec2.DeleteVpcEndpointsInput{
		VpcEndpointIds: []string{*ep.VpcEndpointId, "vpce-0123456789abcdef0"}}))
	if len(del.Unsuccessful) != 1 || *del.Unsuccessful[0].ResourceId != "vpce-0123456789abcdef0" || *del.Unsuccessful[0].Error.Code != "InvalidVpcEndpointId.NotFound" {
		t.Errorf("unsuccessful: %+v", del.Unsuccessful)
	}
	if _, ips := askA(t, e, listen, name); len(ips) != 0 {
		t.Errorf("after delete: %v", ips)
	}
}

// pathChecks are explain's checks of the first forwarding path of the PTR
// of 10.0.1.5 from vpc, by name.
func pathChecks(t *testing.T, e *env, vpc string) map[string]netpath.Check {
	t.Helper()
	v, err := view.Compile(e.store.Network())
	if err != nil {
		t.Fatal(err)
	}
	r, err := explain.Build(v, vpc, dnsname.MustParse("5.1.0.10.in-addr.arpa"), dns.TypePTR)
	if err != nil {
		t.Fatal(err)
	}
	if r.Forwarding == nil || len(r.Forwarding.Targets) == 0 || len(r.Forwarding.Targets[0].Paths) == 0 {
		t.Fatalf("explain: no forwarding paths: %+v", r.Decision)
	}
	out := map[string]netpath.Check{}
	for _, c := range r.Forwarding.Targets[0].Paths[0].Checks {
		out[c.Name] = c
	}
	return out
}

// A managed prefix list made through the API is a route destination and a
// security-group peer: explain's route and group checks follow its
// entries, as for the same list in network.yaml.
func TestPrefixListInRoutesAndGroups(t *testing.T) {
	initial, err := config.Decode([]byte(strings.ReplaceAll(onPremNetwork, "BIND", "127.0.0.1:1")), "network.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, envOpts{initial: initial})
	n := buildNetwork(t, e)
	ep := createEndpoint(t, e, n)
	rule := must[*route53resolver.CreateResolverRuleOutput](t)(e.resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{
		CreatorRequestId: aws.String("r"), RuleType: "FORWARD", DomainName: aws.String("0.10.in-addr.arpa"), ResolverEndpointId: &ep,
		TargetIps: []rtypes.TargetAddress{{Ip: aws.String("192.168.10.53")}}})).ResolverRule
	must[*route53resolver.AssociateResolverRuleOutput](t)(e.resolver.AssociateResolverRule(ctx, &route53resolver.AssociateResolverRuleInput{ResolverRuleId: rule.Id, VPCId: &n.vpc}))

	pl := must[*ec2.CreateManagedPrefixListOutput](t)(e.ec2.CreateManagedPrefixList(ctx, &ec2.CreateManagedPrefixListInput{
		PrefixListName: aws.String("onprem-dns"), AddressFamily: aws.String("IPv4"), MaxEntries: aws.Int32(5),
		Entries: []ec2types.AddPrefixListEntry{{Cidr: aws.String("192.168.10.0/24"), Description: aws.String("dns servers")}}})).PrefixList
	plID := *pl.PrefixListId
	if *pl.Version != 1 || pl.State != ec2types.PrefixListStateCreateComplete || *pl.MaxEntries != 5 {
		t.Errorf("created: %+v", pl)
	}
	rt := n.mainRT(t, e)
	must[*ec2.CreateRouteOutput](t)(e.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: &rt, DestinationPrefixListId: &plID, GatewayId: aws.String("vpn-onprem")}))
	// The group lets everything out, and DNS to 192.168.0.0/16; replace
	// that with DNS to the prefix list.
	must[*ec2.RevokeSecurityGroupEgressOutput](t)(e.ec2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: &n.sg,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}},
			{IpProtocol: aws.String("udp"), FromPort: aws.Int32(53), ToPort: aws.Int32(53), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("192.168.0.0/16")}}},
			{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(53), ToPort: aws.Int32(53), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("192.168.0.0/16")}}}}}))
	auth := must[*ec2.AuthorizeSecurityGroupEgressOutput](t)(e.ec2.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: &n.sg,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("udp"), FromPort: aws.Int32(53), ToPort: aws.Int32(53),
			PrefixListIds: []ec2types.PrefixListId{{PrefixListId: &plID}}}}}))
	if len(auth.SecurityGroupRules) != 1 || auth.SecurityGroupRules[0].PrefixListId == nil || *auth.SecurityGroupRules[0].PrefixListId != plID {
		t.Fatalf("authorized: %+v", auth.SecurityGroupRules)
	}
	ruleID := *auth.SecurityGroupRules[0].SecurityGroupRuleId
	checks := pathChecks(t, e, n.vpc)
	if c := checks[netpath.CheckRoute]; c.Verdict != netpath.Pass {
		t.Errorf("route through the prefix list: %+v", c)
	}
	if c := checks[netpath.CheckSecurityGroupEgress]; c.Verdict != netpath.Pass {
		t.Errorf("group rule for the prefix list: %+v", c)
	}
	if y := exported(t, e); !strings.Contains(y, "destination_prefix_list: "+plID) || !strings.Contains(y, "prefix_list: "+plID) {
		t.Errorf("export:\n%s", y)
	}
	tables := must[*ec2.DescribeRouteTablesOutput](t)(e.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{rt}}))
	if !slices.ContainsFunc(tables.RouteTables[0].Routes, func(r ec2types.Route) bool {
		return aws.ToString(r.DestinationPrefixListId) == plID && aws.ToString(r.GatewayId) == "vpn-onprem"
	}) {
		t.Errorf("routes: %+v", tables.RouteTables[0].Routes)
	}
	sg := must[*ec2.DescribeSecurityGroupsOutput](t)(e.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{n.sg}}))
	if !slices.ContainsFunc(sg.SecurityGroups[0].IpPermissionsEgress, func(p ec2types.IpPermission) bool {
		return len(p.PrefixListIds) == 1 && *p.PrefixListIds[0].PrefixListId == plID
	}) {
		t.Errorf("group permissions: %+v", sg.SecurityGroups[0].IpPermissionsEgress)
	}

	// The list without the DNS servers: no route, and the group blocks.
	v := *must[*ec2.ModifyManagedPrefixListOutput](t)(e.ec2.ModifyManagedPrefixList(ctx, &ec2.ModifyManagedPrefixListInput{PrefixListId: &plID, CurrentVersion: aws.Int64(1),
		AddEntries: []ec2types.AddPrefixListEntry{{Cidr: aws.String("192.168.20.0/24")}}, RemoveEntries: []ec2types.RemovePrefixListEntry{{Cidr: aws.String("192.168.10.0/24")}}})).PrefixList.Version
	if v != 2 {
		t.Errorf("version after modify: %d, want 2", v)
	}
	checks = pathChecks(t, e, n.vpc)
	if c := checks[netpath.CheckRoute]; c.Verdict != netpath.Fail {
		t.Errorf("route, list without the target: %+v", c)
	}
	if c := checks[netpath.CheckSecurityGroupEgress]; c.Verdict != netpath.Fail {
		t.Errorf("group, list without the target: %+v", c)
	}
	if _, err := e.ec2.ModifyManagedPrefixList(ctx, &ec2.ModifyManagedPrefixListInput{PrefixListId: &plID, CurrentVersion: aws.Int64(1),
		AddEntries: []ec2types.AddPrefixListEntry{{Cidr: aws.String("192.168.30.0/24")}}}); apiCode(t, err) != "PrefixListVersionMismatch" {
		t.Errorf("stale version: %v", err)
	}
	entries := must[*ec2.GetManagedPrefixListEntriesOutput](t)(e.ec2.GetManagedPrefixListEntries(ctx, &ec2.GetManagedPrefixListEntriesInput{PrefixListId: &plID}))
	if len(entries.Entries) != 1 || *entries.Entries[0].Cidr != "192.168.20.0/24" {
		t.Errorf("entries: %+v", entries.Entries)
	}
	lists := must[*ec2.DescribeManagedPrefixListsOutput](t)(e.ec2.DescribeManagedPrefixLists(ctx, &ec2.DescribeManagedPrefixListsInput{
		Filters: []ec2types.Filter{filter("prefix-list-name", "onprem-dns")}}))
	if len(lists.PrefixLists) != 1 || *lists.PrefixLists[0].Version != 2 {
		t.Errorf("describe: %+v", lists.PrefixLists)
	}
	if _, err := e.ec2.DeleteManagedPrefixList(ctx, &ec2.DeleteManagedPrefixListInput{PrefixListId: &plID}); apiCode(t, err) != "DependencyViolation" {
		t.Errorf("delete while in use: %v", err)
	}

	// The rule, by its id, now lets DNS out to the server itself: the
	// group passes again and the rule keeps its id.
	must[*ec2.ModifySecurityGroupRulesOutput](t)(e.ec2.ModifySecurityGroupRules(ctx, &ec2.ModifySecurityGroupRulesInput{GroupId: &n.sg,
		SecurityGroupRules: []ec2types.SecurityGroupRuleUpdate{{SecurityGroupRuleId: &ruleID, SecurityGroupRule: &ec2types.SecurityGroupRuleRequest{
			IpProtocol: aws.String("udp"), FromPort: aws.Int32(53), ToPort: aws.Int32(53), CidrIpv4: aws.String("192.168.10.53/32")}}}}))
	if c := pathChecks(t, e, n.vpc)[netpath.CheckSecurityGroupEgress]; c.Verdict != netpath.Pass {
		t.Errorf("group after ModifySecurityGroupRules: %+v", c)
	}
	rules := must[*ec2.DescribeSecurityGroupRulesOutput](t)(e.ec2.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{SecurityGroupRuleIds: []string{ruleID}}))
	if len(rules.SecurityGroupRules) != 1 || aws.ToString(rules.SecurityGroupRules[0].CidrIpv4) != "192.168.10.53/32" || rules.SecurityGroupRules[0].PrefixListId != nil {
		t.Errorf("modified rule: %+v", rules.SecurityGroupRules)
	}
	if _, err := e.ec2.ModifySecurityGroupRules(ctx, &ec2.ModifySecurityGroupRulesInput{GroupId: &n.sg,
		SecurityGroupRules: []ec2types.SecurityGroupRuleUpdate{{SecurityGroupRuleId: aws.String("sgr-0123456789abcdef0"), SecurityGroupRule: &ec2types.SecurityGroupRuleRequest{
			IpProtocol: aws.String("-1"), CidrIpv4: aws.String("0.0.0.0/0")}}}}); apiCode(t, err) != "InvalidSecurityGroupRuleId.NotFound" {
		t.Errorf("unknown rule id: %v", err)
	}
	// A rule that names another group.
	other := *must[*ec2.CreateSecurityGroupOutput](t)(e.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName: aws.String("clients"), Description: aws.String("clients"), VpcId: &n.vpc})).GroupId
	must[*ec2.AuthorizeSecurityGroupIngressOutput](t)(e.ec2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &n.sg,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("udp"), FromPort: aws.Int32(53), ToPort: aws.Int32(53),
			UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: &other}}}}}))
	rules = must[*ec2.DescribeSecurityGroupRulesOutput](t)(e.ec2.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{Filters: []ec2types.Filter{filter("group-id", n.sg)}}))
	if !slices.ContainsFunc(rules.SecurityGroupRules, func(r ec2types.SecurityGroupRule) bool {
		return r.ReferencedGroupInfo != nil && aws.ToString(r.ReferencedGroupInfo.GroupId) == other
	}) {
		t.Errorf("no rule references %s: %+v", other, rules.SecurityGroupRules)
	}
	must[*ec2.DeleteRouteOutput](t)(e.ec2.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: &rt, DestinationPrefixListId: &plID}))
	del := must[*ec2.DeleteManagedPrefixListOutput](t)(e.ec2.DeleteManagedPrefixList(ctx, &ec2.DeleteManagedPrefixListInput{PrefixListId: &plID}))
	if del.PrefixList.State != ec2types.PrefixListStateDeleteComplete {
		t.Errorf("deleted: %+v", del.PrefixList)
	}
}

// Internet and NAT gateways: routes name them, Describe lists them, and
// the routes to a deleted or detached gateway stay, as blackholes.
func TestInternetAndNATGateways(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	rt := n.mainRT(t, e)
	igw := *must[*ec2.CreateInternetGatewayOutput](t)(e.ec2.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})).InternetGateway.InternetGatewayId
	if _, err := e.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: &rt, DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: &igw}); apiCode(t, err) != "InvalidParameterValue" {
		t.Errorf("route to a detached gateway: %v", err)
	}
	must[*ec2.AttachInternetGatewayOutput](t)(e.ec2.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: &igw, VpcId: &n.vpc}))
	if _, err := e.ec2.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: &igw, VpcId: &n.vpc}); apiCode(t, err) != "Resource.AlreadyAssociated" {
		t.Errorf("attach twice: %v", err)
	}
	must[*ec2.CreateRouteOutput](t)(e.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: &rt, DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: &igw}))
	igws := must[*ec2.DescribeInternetGatewaysOutput](t)(e.ec2.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: []ec2types.Filter{filter("attachment.vpc-id", n.vpc)}}))
	if len(igws.InternetGateways) != 1 || *igws.InternetGateways[0].InternetGatewayId != igw || igws.InternetGateways[0].Attachments[0].State != "available" {
		t.Errorf("describe: %+v", igws.InternetGateways)
	}
	if _, err := e.ec2.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: &igw}); apiCode(t, err) != "DependencyViolation" {
		t.Errorf("delete while attached: %v", err)
	}
	if _, err := e.ec2.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: &n.vpc}); apiCode(t, err) != "DependencyViolation" {
		t.Errorf("delete the VPC of an attached gateway: %v", err)
	}
	if y := exported(t, e); !strings.Contains(y, "target: "+igw) {
		t.Errorf("export has no route to %s:\n%s", igw, y)
	}

	nat := must[*ec2.CreateNatGatewayOutput](t)(e.ec2.CreateNatGateway(ctx, &ec2.CreateNatGatewayInput{SubnetId: &n.subnetA, ConnectivityType: ec2types.ConnectivityTypePrivate})).NatGateway
	natID := *nat.NatGatewayId
	if nat.State != ec2types.NatGatewayStateAvailable || *nat.NatGatewayAddresses[0].PrivateIp != "10.0.1.4" || *nat.VpcId != n.vpc {
		t.Errorf("created: %+v", nat)
	}
	must[*ec2.ReplaceRouteOutput](t)(e.ec2.ReplaceRoute(ctx, &ec2.ReplaceRouteInput{RouteTableId: &rt, DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: &natID}))
	route := func() ec2types.Route {
		t.Helper()
		out := must[*ec2.DescribeRouteTablesOutput](t)(e.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{rt}}))
		for _, r := range out.RouteTables[0].Routes {
			if aws.ToString(r.DestinationCidrBlock) == "0.0.0.0/0" {
				return r
			}
		}
		t.Fatalf("no default route: %+v", out.RouteTables[0].Routes)
		return ec2types.Route{}
	}
	if r := route(); aws.ToString(r.NatGatewayId) != natID || r.State != ec2types.RouteStateActive {
		t.Errorf("route to the NAT gateway: %+v", r)
	}
	nats := must[*ec2.DescribeNatGatewaysOutput](t)(e.ec2.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{natID}}))
	if len(nats.NatGateways) != 1 || *nats.NatGateways[0].SubnetId != n.subnetA {
		t.Errorf("describe: %+v", nats.NatGateways)
	}
	must[*ec2.DeleteNatGatewayOutput](t)(e.ec2.DeleteNatGateway(ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: &natID}))
	if r := route(); r.State != ec2types.RouteStateBlackhole {
		t.Errorf("route after the NAT gateway is deleted: %+v", r)
	}
	if _, err := e.ec2.DeleteNatGateway(ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: &natID}); apiCode(t, err) != "NatGatewayNotFound" {
		t.Errorf("delete twice: %v", err)
	}
	must[*ec2.DetachInternetGatewayOutput](t)(e.ec2.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: &igw, VpcId: &n.vpc}))
	if _, err := e.ec2.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: &igw, VpcId: &n.vpc}); apiCode(t, err) != "Gateway.NotAttached" {
		t.Errorf("detach twice: %v", err)
	}
	must[*ec2.DeleteInternetGatewayOutput](t)(e.ec2.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: &igw}))
	if _, err := e.ec2.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: []string{igw}}); apiCode(t, err) != "InvalidInternetGatewayID.NotFound" {
		t.Errorf("describe deleted: %v", err)
	}
}
