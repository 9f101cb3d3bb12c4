package awsapi_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	rtypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"
	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/diff"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/explain"
	"github.com/vpcdns/vpcdns/internal/lint"
	"github.com/vpcdns/vpcdns/internal/netpath"
	"github.com/vpcdns/vpcdns/internal/view"
)

// The embedded example network (internal/config/example/network.yaml),
// built entirely through the AWS API with the Go SDK, as docs/api.md "The
// example network, built through the API" lists the calls: `export` of the
// served network and the example behave the same (internal/diff, the
// engine of `vpcdns diff`, finds no change for any VPC and candidate
// domain), lint finds the same (nothing), and explain's JSON of the key
// queries is the same.
//
// The starting network holds only what no AWS API makes: the account and
// region, the internet (vpcdns's stand-in for the internet's name servers)
// and emulation (where the modeled on-premises servers answer on this
// machine, and vpcdns playing them).
func TestExampleBuiltThroughTheAPI(t *testing.T) {
	exNet, exFile, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	exView, err := view.Compile(exNet)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("same behaviour", func(t *testing.T) {
		t.Parallel()
		e, ids := buildExample(t, exFile, "")
		got := exportedExample(t, e, ids, exNet)
		r := diff.Compare(exView, got, "example", "export")
		if r.Changed() {
			var b strings.Builder
			diff.WriteText(&b, r)
			t.Errorf("the network built through the API behaves differently from the example:\n%s", b.String())
		}
		if r.Compared.VPCs != 2 || r.Compared.Domains < 10 {
			t.Errorf("compared %+v: want both VPCs and their candidate domains", r.Compared)
		}
		// lint finds what it finds in the example (nothing).
		if a, b := lintJSON(t, exView), lintJSON(t, got); a != b {
			t.Errorf("lint differs:\nexample: %s\nexport:  %s", a, b)
		}
		// The cross-check: explain's report of the key queries, in the
		// JSON of `explain -o json`, is the same on both networks.
		for _, q := range []struct {
			vpc, name string
			qtype     uint16
		}{
			{"vpc-app", "5.1.0.10.in-addr.arpa", dns.TypePTR},          // the rule for vpc-app's own reverse zone
			{"vpc-shared", "5.1.0.10.in-addr.arpa", dns.TypePTR},       // the peer's autodefined reverse zone (peering DNS resolution)
			{"vpc-app", "9.0.1.10.in-addr.arpa", dns.TypePTR},          // vpc-shared's /16 as seen from vpc-app
			{"vpc-app", "db.corp.example", dns.TypeA},                  // forward rule to on-premises
			{"vpc-app", "www.internal.example", dns.TypeA},             // private hosted zone, CNAME
			{"vpc-shared", "www.internal.example", dns.TypeA},          // not associated: the internet rule
			{"vpc-app", "example.com", dns.TypeA},                      // the system rule (internet resolver)
			{"vpc-app", "ip-10-0-2-7.ec2.internal", dns.TypeA},         // autodefined EC2 name
			{"vpc-app", "i-0123456789abcdef0.ec2.internal", dns.TypeA}, // the instance's name
		} {
			a, b := explainJSON(t, exView, got, q.vpc, q.name, q.qtype)
			if a != b {
				t.Errorf("explain --vpc %s %s differs:\nexample: %s\nexport:  %s", q.vpc, q.name, a, b)
			}
		}
	})

	// The comparison can fail: leaving out one call of the sequence
	// changes the behaviour where that call matters, and nowhere else.
	// An instance changes no decision, only the answer of the autodefined
	// EC2 zone, so leaving it out shows in explain and not in diff.
	for _, tc := range []struct {
		skip    string
		want    []string // "vpc domain kind" of every change
		explain string   // a name of vpc-app whose explain must differ
	}{
		{skip: "run the instance", explain: "i-0123456789abcdef0.ec2.internal"},
		{skip: "associate rule corp", want: []string{"vpc-app corp.example. decision"}},
		{skip: "route to the transit gateway", want: []string{"vpc-app 0.10.in-addr.arpa. path", "vpc-app corp.example. path"}},
		{skip: "peering DNS resolution", want: []string{"vpc-app 1.10.in-addr.arpa. decision", "vpc-shared 0.10.in-addr.arpa. decision"}},
		{skip: "transit gateway route to the VPN", want: []string{"vpc-app 0.10.in-addr.arpa. path", "vpc-app corp.example. path"}},
		{skip: "security group egress udp", want: []string{"vpc-app 0.10.in-addr.arpa. path", "vpc-app corp.example. path"}},
	} {
		t.Run("without "+tc.skip, func(t *testing.T) {
			t.Parallel()
			e, ids := buildExample(t, exFile, tc.skip)
			v := exportedExample(t, e, ids, exNet)
			r := diff.Compare(exView, v, "example", "export")
			var got []string
			for _, c := range r.Changes {
				got = append(got, c.VPC+" "+c.Domain+" "+c.Kind)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("changes %q, want %q", got, tc.want)
			}
			if tc.explain != "" {
				if a, b := explainJSON(t, exView, v, "vpc-app", tc.explain, dns.TypeA); a == b {
					t.Errorf("explain --vpc vpc-app %s is the same without %s: %s", tc.explain, tc.skip, a)
				}
			}
		})
	}
}

// lintJSON is `vpcdns lint -o json` of a network.
func lintJSON(t *testing.T, v *view.View) string {
	t.Helper()
	b, err := json.Marshal(lint.Run(v))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// explainJSON is `vpcdns explain -o json` of one query on the example and
// on the export. Two things AWS makes that the example leaves implicit are
// named in a path check's detail and resource, and only there, so those two
// are blanked in both reports (their verdicts are still compared):
//   - the gateway check of a transit gateway: the API writes the transit
//     gateway as import reads one (attachments and a default route table,
//     docs/api.md "The hybrid network"), so explain names the route table
//     and the VPN's attachment where the example's transit gateway without
//     route tables names itself;
//   - the network ACL checks of a subnet the example gives no network ACL:
//     the export names the VPC's default ACL (rule 100 allows all), the
//     example says "default network ACL allows all".
func explainJSON(t *testing.T, ex, got *view.View, vpc, name string, qtype uint16) (string, string) {
	t.Helper()
	var rs [2]*explain.Report
	for i, v := range []*view.View{ex, got} {
		r, err := explain.Build(v, vpc, dnsname.MustParse(name), qtype)
		if err != nil {
			t.Fatalf("explain %s %s: %v", vpc, name, err)
		}
		rs[i] = r
	}
	if a, b := rs[0].Forwarding, rs[1].Forwarding; a != nil && b != nil && len(a.Targets) == len(b.Targets) {
		for i := range a.Targets {
			pa, pb := a.Targets[i].Paths, b.Targets[i].Paths
			for j := 0; j < len(pa) && j < len(pb); j++ {
				ca, cb := pa[j].Checks, pb[j].Checks
				for k := 0; k < len(ca) && k < len(cb); k++ {
					if ca[k].Name == cb[k].Name && (ca[k].Name == netpath.CheckGateway || ca[k].Resource == "" && strings.HasPrefix(ca[k].Name, "nacl-")) {
						ca[k].Detail, ca[k].Resource = "", ""
						cb[k].Detail, cb[k].Resource = "", ""
					}
				}
			}
		}
	}
	var out [2]string
	for i, r := range rs {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(b)
	}
	return out[0], out[1]
}

// exportedExample is the network the API serves as `vpcdns export` writes
// it, with the ids AWS generated (vpc-0…, rslvr-rr-…, Z…) replaced by the
// example's (vpc-app, rslvr-rr-corp, …), compiled. The ids must be
// rewritten because they are part of the behaviour diff compares (the
// winning rule's id) and explain reports (route tables, groups, endpoints);
// everything else (names, CIDRs, addresses, ports) is the API's own. The
// resources AWS makes that the example does not declare (default security
// groups and network ACLs, vpc-shared's main route table, the transit
// gateway's attachments and route table) keep their generated ids.
func exportedExample(t *testing.T, e *env, ids map[string]string, ex *config.Network) *view.View {
	t.Helper()
	st, _ := e.store.Snapshot()
	data, err := config.Marshal(&st.File)
	if err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for gen, id := range ids {
		pairs = append(pairs, gen, id)
	}
	data = []byte(strings.NewReplacer(pairs...).Replace(string(data)))
	n, _, err := config.Parse(data, "network.yaml", ".")
	if err != nil {
		t.Fatalf("the exported network does not load: %v\n%s", err, data)
	}
	v, err := view.Compile(n)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// exampleBuild builds the example network through the API, one named step
// at a time; skip names one step to leave out.
type exampleBuild struct {
	t    *testing.T
	e    *env
	skip string
	ids  map[string]string // generated id → the example's
}

// step runs do unless it is the step to leave out.
func (b *exampleBuild) step(name string, do func()) {
	b.t.Helper()
	if name != b.skip {
		do()
	}
}

// id records that the API made gen for the example's id.
func (b *exampleBuild) id(gen *string, example string) string {
	b.ids[*gen] = example
	return *gen
}

func tags(kind ec2types.ResourceType, kv ...string) []ec2types.TagSpecification {
	ts := ec2types.TagSpecification{ResourceType: kind}
	for i := 0; i < len(kv); i += 2 {
		ts.Tags = append(ts.Tags, ec2types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return []ec2types.TagSpecification{ts}
}

func dnsPermission(proto, cidr string) ec2types.IpPermission {
	return ec2types.IpPermission{IpProtocol: aws.String(proto), FromPort: aws.Int32(53), ToPort: aws.Int32(53),
		IpRanges: []ec2types.IpRange{{CidrIp: aws.String(cidr)}}}
}

// buildExample starts an API from what no AWS API makes and builds the rest
// of the example with SDK calls, in the order of docs/api.md.
func buildExample(t *testing.T, ex *config.File, skip string) (*env, map[string]string) {
	t.Helper()
	start := &config.File{AccountID: ex.AccountID, Region: ex.Region, Internet: ex.Internet, Emulation: ex.Emulation}
	e := newEnv(t, envOpts{initial: start})
	b := &exampleBuild{t: t, e: e, skip: skip, ids: map[string]string{}}
	ec := e.ec2

	// 1. The VPCs, their DNS attributes and vpc-app's subnets. The tag
	// vpcdns:resolver-listen is the VPC's resolver_listen.
	app := b.id(must[*ec2.CreateVpcOutput](t)(ec.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16"),
		TagSpecifications: tags(ec2types.ResourceTypeVpc, "Name", "app", "vpcdns:resolver-listen", "127.0.0.1:5353")})).Vpc.VpcId, "vpc-app")
	shared := b.id(must[*ec2.CreateVpcOutput](t)(ec.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16"),
		TagSpecifications: tags(ec2types.ResourceTypeVpc, "Name", "shared", "vpcdns:resolver-listen", "127.0.0.1:5363")})).Vpc.VpcId, "vpc-shared")
	for _, v := range []string{app, shared} {
		must[*ec2.ModifyVpcAttributeOutput](t)(ec.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: &v,
			EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}))
	}
	subnetA := b.id(must[*ec2.CreateSubnetOutput](t)(ec.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &app,
		CidrBlock: aws.String("10.0.1.0/24"), AvailabilityZone: aws.String("us-east-1a")})).Subnet.SubnetId, "subnet-app-a")
	subnetB := b.id(must[*ec2.CreateSubnetOutput](t)(ec.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &app,
		CidrBlock: aws.String("10.0.2.0/24"), AvailabilityZone: aws.String("us-east-1b")})).Subnet.SubnetId, "subnet-app-b")

	// The instance whose names vpc-app's resolver answers
	// (i-….ec2.internal → 10.0.1.5): RunInstances at the example's address.
	b.step("run the instance", func() {
		b.id(must[*ec2.RunInstancesOutput](t)(ec.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"),
			InstanceType: ec2types.InstanceTypeT3Micro, MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: &subnetA,
			PrivateIpAddress: aws.String("10.0.1.5")})).Instances[0].InstanceId, "i-0123456789abcdef0")
	})

	// 2. The peering, with DNS resolution both ways (the example's
	// allow_dns_resolution: each side's resolver answers the other's
	// addresses with its EC2 names).
	pcx := b.id(must[*ec2.CreateVpcPeeringConnectionOutput](t)(ec.CreateVpcPeeringConnection(ctx, &ec2.CreateVpcPeeringConnectionInput{
		VpcId: &app, PeerVpcId: &shared})).VpcPeeringConnection.VpcPeeringConnectionId, "pcx-app-shared")
	must[*ec2.AcceptVpcPeeringConnectionOutput](t)(ec.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: &pcx}))
	b.step("peering DNS resolution", func() {
		must[*ec2.ModifyVpcPeeringConnectionOptionsOutput](t)(ec.ModifyVpcPeeringConnectionOptions(ctx, &ec2.ModifyVpcPeeringConnectionOptionsInput{
			VpcPeeringConnectionId:            &pcx,
			RequesterPeeringConnectionOptions: &ec2types.PeeringConnectionOptionsRequest{AllowDnsResolutionFromRemoteVpc: aws.Bool(true)},
			AccepterPeeringConnectionOptions:  &ec2types.PeeringConnectionOptionsRequest{AllowDnsResolutionFromRemoteVpc: aws.Bool(true)}}))
	})

	// 3. The transit gateway (its default route table comes with it),
	// attached to vpc-app, and a static Site-to-Site VPN from it to the
	// on-premises router; the transit gateway routes 192.168.0.0/16 to the
	// VPN's attachment, which is what makes the VPN's cidr_blocks.
	tgw := must[*ec2.CreateTransitGatewayOutput](t)(ec.CreateTransitGateway(ctx, &ec2.CreateTransitGatewayInput{Description: aws.String("core")})).TransitGateway
	tgwID := b.id(tgw.TransitGatewayId, "tgw-core")
	must[*ec2.CreateTransitGatewayVpcAttachmentOutput](t)(ec.CreateTransitGatewayVpcAttachment(ctx, &ec2.CreateTransitGatewayVpcAttachmentInput{
		TransitGatewayId: &tgwID, VpcId: &app, SubnetIds: []string{subnetA, subnetB}}))
	cgw := must[*ec2.CreateCustomerGatewayOutput](t)(ec.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{
		Type: ec2types.GatewayTypeIpsec1, IpAddress: aws.String("198.51.100.7"), BgpAsn: aws.Int32(65000)})).CustomerGateway.CustomerGatewayId
	vpn := b.id(must[*ec2.CreateVpnConnectionOutput](t)(ec.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{
		CustomerGatewayId: cgw, Type: aws.String("ipsec.1"), TransitGatewayId: &tgwID,
		Options: &ec2types.VpnConnectionOptionsSpecification{StaticRoutesOnly: aws.Bool(true)}})).VpnConnection.VpnConnectionId, "vpn-onprem")
	vpnAtt := must[*ec2.DescribeTransitGatewayAttachmentsOutput](t)(ec.DescribeTransitGatewayAttachments(ctx, &ec2.DescribeTransitGatewayAttachmentsInput{
		Filters: []ec2types.Filter{filter("resource-id", vpn)}})).TransitGatewayAttachments[0].TransitGatewayAttachmentId
	b.step("transit gateway route to the VPN", func() {
		must[*ec2.CreateTransitGatewayRouteOutput](t)(ec.CreateTransitGatewayRoute(ctx, &ec2.CreateTransitGatewayRouteInput{
			TransitGatewayRouteTableId: tgw.Options.AssociationDefaultRouteTableId, DestinationCidrBlock: aws.String("192.168.0.0/16"),
			TransitGatewayAttachmentId: vpnAtt}))
	})

	// 4. The security groups of the endpoints: a new group lets everything
	// out, as on AWS; the example's let DNS out to, or in from, on-premises only.
	allOut := []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}
	sgOut := b.id(must[*ec2.CreateSecurityGroupOutput](t)(ec.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: &app,
		GroupName: aws.String("resolver-out"), Description: aws.String("DNS to on-premises")})).GroupId, "sg-resolver-out")
	sgIn := b.id(must[*ec2.CreateSecurityGroupOutput](t)(ec.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: &app,
		GroupName: aws.String("resolver-in"), Description: aws.String("DNS from on-premises")})).GroupId, "sg-resolver-in")
	for _, g := range []string{sgOut, sgIn} {
		must[*ec2.RevokeSecurityGroupEgressOutput](t)(ec.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: &g, IpPermissions: allOut}))
	}
	b.step("security group egress udp", func() {
		must[*ec2.AuthorizeSecurityGroupEgressOutput](t)(ec.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: &sgOut,
			IpPermissions: []ec2types.IpPermission{dnsPermission("udp", "192.168.0.0/16")}}))
	})
	must[*ec2.AuthorizeSecurityGroupEgressOutput](t)(ec.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: &sgOut,
		IpPermissions: []ec2types.IpPermission{dnsPermission("tcp", "192.168.0.0/16")}}))
	must[*ec2.AuthorizeSecurityGroupIngressOutput](t)(ec.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &sgIn,
		IpPermissions: []ec2types.IpPermission{dnsPermission("udp", "192.168.0.0/16"), dnsPermission("tcp", "192.168.0.0/16")}}))

	// 5. subnet-app-a's network ACL: replies come back on their own entries.
	acl := b.id(must[*ec2.CreateNetworkAclOutput](t)(ec.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: &app})).NetworkAcl.NetworkAclId, "acl-app")
	for _, en := range []ec2.CreateNetworkAclEntryInput{
		{RuleNumber: aws.Int32(100), Egress: aws.Bool(true), Protocol: aws.String("-1"), CidrBlock: aws.String("0.0.0.0/0")},
		{RuleNumber: aws.Int32(100), Egress: aws.Bool(false), Protocol: aws.String("17"), PortRange: &ec2types.PortRange{From: aws.Int32(1024), To: aws.Int32(65535)}, CidrBlock: aws.String("192.168.0.0/16")},
		{RuleNumber: aws.Int32(110), Egress: aws.Bool(false), Protocol: aws.String("6"), PortRange: &ec2types.PortRange{From: aws.Int32(1024), To: aws.Int32(65535)}, CidrBlock: aws.String("192.168.0.0/16")},
	} {
		en.NetworkAclId, en.RuleAction = &acl, ec2types.RuleActionAllow
		must[*ec2.CreateNetworkAclEntryOutput](t)(ec.CreateNetworkAclEntry(ctx, &en))
	}
	def := must[*ec2.DescribeNetworkAclsOutput](t)(ec.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{
		Filters: []ec2types.Filter{filter("association.subnet-id", subnetA)}})).NetworkAcls[0]
	for _, a := range def.Associations {
		if *a.SubnetId == subnetA {
			must[*ec2.ReplaceNetworkAclAssociationOutput](t)(ec.ReplaceNetworkAclAssociation(ctx, &ec2.ReplaceNetworkAclAssociationInput{
				AssociationId: a.NetworkAclAssociationId, NetworkAclId: &acl}))
		}
	}

	// 6. vpc-app's main route table (CreateVpc made it) routes on-premises
	// to the transit gateway and vpc-shared to the peering; subnet-app-a
	// names it explicitly, subnet-app-b uses it as the main one.
	rtb := b.id(must[*ec2.DescribeRouteTablesOutput](t)(ec.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{
		Filters: []ec2types.Filter{filter("vpc-id", app), filter("association.main", "true")}})).RouteTables[0].RouteTableId, "rtb-app")
	b.step("route to the transit gateway", func() {
		must[*ec2.CreateRouteOutput](t)(ec.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: &rtb,
			DestinationCidrBlock: aws.String("192.168.0.0/16"), TransitGatewayId: &tgwID}))
	})
	must[*ec2.CreateRouteOutput](t)(ec.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: &rtb,
		DestinationCidrBlock: aws.String("10.1.0.0/16"), VpcPeeringConnectionId: &pcx}))
	must[*ec2.AssociateRouteTableOutput](t)(ec.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: &rtb, SubnetId: &subnetA}))

	// 7. The resolver endpoints, at the example's addresses; the tag
	// vpcdns:listen is the inbound endpoint's listen.
	r := e.resolver
	endpoint := func(id, name string, dir rtypes.ResolverEndpointDirection, sg, ipA, ipB string, tg ...rtypes.Tag) string {
		return b.id(must[*route53resolver.CreateResolverEndpointOutput](t)(r.CreateResolverEndpoint(ctx, &route53resolver.CreateResolverEndpointInput{
			CreatorRequestId: aws.String(id), Name: aws.String(name), Direction: dir, SecurityGroupIds: []string{sg},
			IpAddresses: []rtypes.IpAddressRequest{{SubnetId: &subnetA, Ip: aws.String(ipA)}, {SubnetId: &subnetB, Ip: aws.String(ipB)}},
			Tags:        tg})).ResolverEndpoint.Id, id)
	}
	out := endpoint("rslvr-out-onprem", "onprem", rtypes.ResolverEndpointDirectionOutbound, sgOut, "10.0.1.10", "10.0.2.10")
	endpoint("rslvr-in-app", "app", rtypes.ResolverEndpointDirectionInbound, sgIn, "10.0.1.11", "10.0.2.11",
		rtypes.Tag{Key: aws.String("vpcdns:listen"), Value: aws.String("127.0.0.1:5354")})

	// 8. The forward rules, each associated with vpc-app.
	rule := func(id, name, domain string, targets ...rtypes.TargetAddress) string {
		return b.id(must[*route53resolver.CreateResolverRuleOutput](t)(r.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{
			CreatorRequestId: aws.String(id), Name: aws.String(name), RuleType: rtypes.RuleTypeOptionForward, DomainName: aws.String(domain),
			ResolverEndpointId: &out, TargetIps: targets})).ResolverRule.Id, id)
	}
	reverse := rule("rslvr-rr-onprem-reverse", "onprem-reverse", "0.10.in-addr.arpa",
		rtypes.TargetAddress{Ip: aws.String("192.168.10.53"), Port: aws.Int32(53)}, rtypes.TargetAddress{Ip: aws.String("192.168.20.53")})
	corp := rule("rslvr-rr-corp", "corp", "corp.example", rtypes.TargetAddress{Ip: aws.String("192.168.10.53")})
	b.step("associate rule onprem-reverse", func() {
		must[*route53resolver.AssociateResolverRuleOutput](t)(r.AssociateResolverRule(ctx, &route53resolver.AssociateResolverRuleInput{ResolverRuleId: &reverse, VPCId: &app}))
	})
	b.step("associate rule corp", func() {
		must[*route53resolver.AssociateResolverRuleOutput](t)(r.AssociateResolverRule(ctx, &route53resolver.AssociateResolverRuleInput{ResolverRuleId: &corp, VPCId: &app}))
	})

	// 9. The private hosted zone, associated with vpc-app, and its records.
	zone := must[*route53.CreateHostedZoneOutput](t)(e.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{
		Name: aws.String("internal.example"), CallerReference: aws.String("internal-example"),
		VPC: &r53types.VPC{VPCId: &app, VPCRegion: r53types.VPCRegionUsEast1}})).HostedZone.Id
	zoneID := strings.TrimPrefix(*zone, "/hostedzone/")
	b.ids[zoneID] = ex0ZoneID(t)
	record := func(name string, typ r53types.RRType, value string) r53types.Change {
		return r53types.Change{Action: r53types.ChangeActionCreate, ResourceRecordSet: &r53types.ResourceRecordSet{Name: aws.String(name),
			Type: typ, TTL: aws.Int64(300), ResourceRecords: []r53types.ResourceRecord{{Value: aws.String(value)}}}}
	}
	must[*route53.ChangeResourceRecordSetsOutput](t)(e.r53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: &zoneID,
		ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{record("db.internal.example", r53types.RRTypeA, "10.0.1.20"),
			record("www.internal.example", r53types.RRTypeCname, "db.internal.example")}}}))

	// 10. Query logging of both VPCs to standard output (the default of
	// the tag vpcdns:destination).
	qlc := b.id(must[*route53resolver.CreateResolverQueryLogConfigOutput](t)(r.CreateResolverQueryLogConfig(ctx, &route53resolver.CreateResolverQueryLogConfigInput{
		Name: aws.String("all"), CreatorRequestId: aws.String("rslvr-qlc-all"),
		DestinationArn: aws.String("arn:aws:logs:us-east-1:111122223333:log-group:vpcdns")})).ResolverQueryLogConfig.Id, "rslvr-qlc-all")
	for _, v := range []string{app, shared} {
		must[*route53resolver.AssociateResolverQueryLogConfigOutput](t)(r.AssociateResolverQueryLogConfig(ctx, &route53resolver.AssociateResolverQueryLogConfigInput{
			ResolverQueryLogConfigId: &qlc, ResourceId: &v}))
	}
	e.synced()
	return e, b.ids
}

// ex0ZoneID is the id the example's private hosted zone gets: it declares
// none, so it is derived from its name (config.ZoneFile).
func ex0ZoneID(t *testing.T) string {
	t.Helper()
	n, _, err := config.Example()
	if err != nil || len(n.HostedZones) != 1 {
		t.Fatalf("example zones: %v", err)
	}
	return fmt.Sprint(n.HostedZones[0].ID)
}
