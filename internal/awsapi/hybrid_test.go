package awsapi_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	rtypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"
	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/explain"
	"github.com/vpcdns/vpcdns/internal/netpath"
	"github.com/vpcdns/vpcdns/internal/view"
)

// hybridStart is the starting network of the hybrid tests: nothing but the
// on-premises DNS server 192.168.10.53, which really answers at BIND on
// 127.0.0.1, and no answer cache, so that every query takes the path the
// network has at that moment.
const hybridStart = `
emulation:
  address_map: {"192.168.10.53:53": "BIND"}
  cache: {max_entries: 0}
`

// hybridEnv is an API and a DNS server on one store, with a VPC built
// through the API whose resolver listens on a loopback socket, an outbound
// endpoint and a rule forwarding 0.10.in-addr.arpa to 192.168.10.53.
func hybridEnv(t *testing.T) (*env, network, string) {
	t.Helper()
	e, n, listen := dnsEnv(t, hybridStart)
	ep := createEndpoint(t, e, n)
	rule := must[*route53resolver.CreateResolverRuleOutput](t)(e.resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{
		CreatorRequestId: aws.String("r"), RuleType: "FORWARD", DomainName: aws.String("0.10.in-addr.arpa"), ResolverEndpointId: &ep,
		TargetIps: []rtypes.TargetAddress{{Ip: aws.String("192.168.10.53")}}})).ResolverRule
	must[*route53resolver.AssociateResolverRuleOutput](t)(e.resolver.AssociateResolverRule(ctx, &route53resolver.AssociateResolverRuleInput{ResolverRuleId: rule.Id, VPCId: &n.vpc}))
	return e, n, listen
}

// explainPTR is explain's report for the PTR of 10.0.1.5 from vpc in n.
func explainPTR(t *testing.T, n *config.Network, vpc string) *explain.Report {
	t.Helper()
	v, err := view.Compile(n)
	if err != nil {
		t.Fatal(err)
	}
	r, err := explain.Build(v, vpc, dnsname.MustParse("5.1.0.10.in-addr.arpa"), dns.TypePTR)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// check is the named check of explain's first path for the PTR.
func check(t *testing.T, e *env, vpc, name string) netpath.Check {
	t.Helper()
	r := explainPTR(t, e.store.Network(), vpc)
	if r.Forwarding == nil || len(r.Forwarding.Targets) == 0 || len(r.Forwarding.Targets[0].Paths) == 0 {
		t.Fatalf("explain: no forwarding paths: %+v", r.Decision)
	}
	for _, c := range r.Forwarding.Targets[0].Paths[0].Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("explain: no %s check", name)
	return netpath.Check{}
}

// exportSame checks that the network the API holds, written as
// network.yaml (what `vpcdns export` writes) and read back, explains the
// query exactly as the API's network does.
func exportSame(t *testing.T, e *env, vpc string) {
	t.Helper()
	st, _ := e.store.Snapshot()
	data, err := config.Marshal(&st.File)
	if err != nil {
		t.Fatal(err)
	}
	back, _, err := config.Parse(data, "network.yaml", ".")
	if err != nil {
		t.Fatalf("exported network does not load: %v\n%s", err, data)
	}
	a, _ := json.Marshal(explainPTR(t, e.store.Network(), vpc))
	b, _ := json.Marshal(explainPTR(t, back, vpc))
	if string(a) != string(b) {
		t.Errorf("explain differs after export:\napi:    %s\nexport: %s", a, b)
	}
}

func rcodeName(r int) string { return dns.RcodeToString[r] }

// The whole hybrid path built through the API: VPC → transit gateway →
// Site-to-Site VPN → customer gateway, with a forward rule to the
// on-premises server. The on-premises answer comes back once the VPC and
// the transit gateway route to the VPN; deleting the transit gateway's
// static route to the VPN makes the forward SERVFAIL, as on AWS.
func TestHybridTransitGatewayVPN(t *testing.T) {
	e, n, listen := hybridEnv(t)
	rec := recordEC2(e)
	if rcode, _ := ptr(t, e, listen); rcode != dns.RcodeServerFailure {
		t.Fatalf("no route: %s, want SERVFAIL", rcodeName(rcode))
	}

	tgw := must[*ec2.CreateTransitGatewayOutput](t)(e.ec2.CreateTransitGateway(ctx, &ec2.CreateTransitGatewayInput{Description: aws.String("core"),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeTransitGateway, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("core")}}}}})).TransitGateway
	tgwID, defaultRT := *tgw.TransitGatewayId, *tgw.Options.AssociationDefaultRouteTableId
	if !strings.HasPrefix(tgwID, "tgw-") || !strings.HasPrefix(defaultRT, "tgw-rtb-") || *tgw.Options.PropagationDefaultRouteTableId != defaultRT ||
		tgw.Options.DefaultRouteTableAssociation != ec2types.DefaultRouteTableAssociationValueEnable || *tgw.Options.AmazonSideAsn != 64512 {
		t.Errorf("transit gateway %+v options %+v", tgw, tgw.Options)
	}
	att := must[*ec2.CreateTransitGatewayVpcAttachmentOutput](t)(e.ec2.CreateTransitGatewayVpcAttachment(ctx, &ec2.CreateTransitGatewayVpcAttachmentInput{
		TransitGatewayId: &tgwID, VpcId: &n.vpc, SubnetIds: []string{n.subnetA, n.subnetB}})).TransitGatewayVpcAttachment
	if len(att.SubnetIds) != 2 || *att.VpcId != n.vpc {
		t.Errorf("vpc attachment %+v", att)
	}
	cgw := must[*ec2.CreateCustomerGatewayOutput](t)(e.ec2.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{
		Type: ec2types.GatewayTypeIpsec1, IpAddress: aws.String("198.51.100.7"), BgpAsn: aws.Int32(65000)})).CustomerGateway
	vpn := must[*ec2.CreateVpnConnectionOutput](t)(e.ec2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{
		CustomerGatewayId: cgw.CustomerGatewayId, Type: aws.String("ipsec.1"), TransitGatewayId: &tgwID,
		Options: &ec2types.VpnConnectionOptionsSpecification{StaticRoutesOnly: aws.Bool(true)}})).VpnConnection
	vpnID := *vpn.VpnConnectionId
	if *vpn.TransitGatewayId != tgwID || !*vpn.Options.StaticRoutesOnly || len(vpn.VgwTelemetry) != 2 {
		t.Errorf("vpn connection %+v", vpn)
	}
	// The VPN's attachment, as Terraform finds it.
	atts := must[*ec2.DescribeTransitGatewayAttachmentsOutput](t)(e.ec2.DescribeTransitGatewayAttachments(ctx, &ec2.DescribeTransitGatewayAttachmentsInput{
		Filters: []ec2types.Filter{filter("resource-id", vpnID), filter("resource-type", "vpn")}})).TransitGatewayAttachments
	if len(atts) != 1 || atts[0].Association == nil || *atts[0].Association.TransitGatewayRouteTableId != defaultRT {
		t.Fatalf("vpn attachment %+v", atts)
	}
	vpnAtt := *atts[0].TransitGatewayAttachmentId

	// The VPC routes on-premises to the transit gateway, but the transit
	// gateway has no route there: a static VPN propagates nothing.
	must[*ec2.CreateRouteOutput](t)(e.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(n.mainRT(t, e)),
		DestinationCidrBlock: aws.String("192.168.0.0/16"), TransitGatewayId: &tgwID}))
	if rcode, _ := ptr(t, e, listen); rcode != dns.RcodeServerFailure {
		t.Errorf("no transit gateway route: %s, want SERVFAIL", rcodeName(rcode))
	}
	if c := check(t, e, n.vpc, netpath.CheckGateway); c.Verdict != netpath.Fail || !strings.Contains(c.Detail, "no route of "+defaultRT) {
		t.Errorf("gateway check without a TGW route: %+v", c)
	}

	must[*ec2.CreateTransitGatewayRouteOutput](t)(e.ec2.CreateTransitGatewayRoute(ctx, &ec2.CreateTransitGatewayRouteInput{
		TransitGatewayRouteTableId: &defaultRT, DestinationCidrBlock: aws.String("192.168.0.0/16"), TransitGatewayAttachmentId: &vpnAtt}))
	if _, name := ptr(t, e, listen); name != "db.onprem.example." {
		t.Errorf("VPC → TGW → VPN: %q, want BIND's db.onprem.example.", name)
	}
	if c := check(t, e, n.vpc, netpath.CheckGateway); c.Verdict != netpath.Pass || !strings.Contains(c.Detail, vpnID) {
		t.Errorf("gateway check with the TGW route: %+v", c)
	}
	exportSame(t, e, n.vpc)
	if rn := e.store.Network().RemoteNetworks; len(rn) != 1 || rn[0].ID != vpnID || rn[0].CIDRs[0].String() != "192.168.0.0/16" {
		t.Errorf("remote networks %+v", rn)
	}

	// The routes the table holds: the static one, and what the VPC and
	// the VPN propagate.
	routes := must[*ec2.SearchTransitGatewayRoutesOutput](t)(e.ec2.SearchTransitGatewayRoutes(ctx, &ec2.SearchTransitGatewayRoutesInput{
		TransitGatewayRouteTableId: &defaultRT, Filters: []ec2types.Filter{filter("state", "active", "blackhole")}})).Routes
	var got []string
	for _, r := range routes {
		got = append(got, *r.DestinationCidrBlock+" "+string(r.Type)+" "+*r.TransitGatewayAttachments[0].ResourceId)
	}
	if want := []string{"192.168.0.0/16 static " + vpnID, "10.0.0.0/16 propagated " + n.vpc, "192.168.0.0/16 propagated " + vpnID}; !slices.Equal(got, want) {
		t.Errorf("routes %q, want %q", got, want)
	}
	exact := must[*ec2.SearchTransitGatewayRoutesOutput](t)(e.ec2.SearchTransitGatewayRoutes(ctx, &ec2.SearchTransitGatewayRoutesInput{
		TransitGatewayRouteTableId: &defaultRT, Filters: []ec2types.Filter{filter("type", "static"), filter("route-search.supernet-of-match", "192.168.10.53/32")}})).Routes
	if len(exact) != 1 {
		t.Errorf("static routes containing 192.168.10.53: %+v", exact)
	}

	// A blackhole for the server's /32 drops it; deleting it brings the
	// answer back.
	must[*ec2.CreateTransitGatewayRouteOutput](t)(e.ec2.CreateTransitGatewayRoute(ctx, &ec2.CreateTransitGatewayRouteInput{
		TransitGatewayRouteTableId: &defaultRT, DestinationCidrBlock: aws.String("192.168.10.53/32"), Blackhole: aws.Bool(true)}))
	if rcode, _ := ptr(t, e, listen); rcode != dns.RcodeServerFailure {
		t.Errorf("blackhole: %s, want SERVFAIL", rcodeName(rcode))
	}
	if c := check(t, e, n.vpc, netpath.CheckGateway); c.Verdict != netpath.Fail || !strings.Contains(c.Detail, "blackhole") {
		t.Errorf("gateway check with a blackhole: %+v", c)
	}
	exportSame(t, e, n.vpc)
	must[*ec2.DeleteTransitGatewayRouteOutput](t)(e.ec2.DeleteTransitGatewayRoute(ctx, &ec2.DeleteTransitGatewayRouteInput{
		TransitGatewayRouteTableId: &defaultRT, DestinationCidrBlock: aws.String("192.168.10.53/32")}))
	if _, name := ptr(t, e, listen); name != "db.onprem.example." {
		t.Errorf("blackhole deleted: %q", name)
	}

	// Deleting the static route to the VPN: nothing routes on-premises.
	must[*ec2.DeleteTransitGatewayRouteOutput](t)(e.ec2.DeleteTransitGatewayRoute(ctx, &ec2.DeleteTransitGatewayRouteInput{
		TransitGatewayRouteTableId: &defaultRT, DestinationCidrBlock: aws.String("192.168.0.0/16")}))
	if rcode, _ := ptr(t, e, listen); rcode != dns.RcodeServerFailure {
		t.Errorf("TGW route deleted: %s, want SERVFAIL", rcodeName(rcode))
	}
	exportSame(t, e, n.vpc)
	_, err := e.ec2.DeleteTransitGatewayRoute(ctx, &ec2.DeleteTransitGatewayRouteInput{
		TransitGatewayRouteTableId: &defaultRT, DestinationCidrBlock: aws.String("192.168.0.0/16")})
	if code := apiCode(t, err); code != "InvalidRoute.NotFound" {
		t.Errorf("delete the route twice: %v", err)
	}
	checkRecorded(t, rec, []string{"CreateTransitGateway", "CreateTransitGatewayVpcAttachment", "CreateCustomerGateway", "CreateVpnConnection",
		"DescribeTransitGatewayAttachments", "CreateTransitGatewayRoute", "SearchTransitGatewayRoutes", "DeleteTransitGatewayRoute"})
}

// The same path through a virtual private gateway: the VPN's static route
// (CreateVpnConnectionRoute) reaches the VPC's route table by route
// propagation; deleting it makes the forward SERVFAIL.
func TestHybridVirtualPrivateGateway(t *testing.T) {
	e, n, listen := hybridEnv(t)
	rec := recordEC2(e)
	vgw := *must[*ec2.CreateVpnGatewayOutput](t)(e.ec2.CreateVpnGateway(ctx, &ec2.CreateVpnGatewayInput{Type: ec2types.GatewayTypeIpsec1, AmazonSideAsn: aws.Int64(64600)})).VpnGateway.VpnGatewayId
	main := n.mainRT(t, e)
	// A route to a gateway that is not attached to the VPC is refused.
	_, err := e.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: &main, DestinationCidrBlock: aws.String("192.168.0.0/16"), GatewayId: &vgw})
	if code := apiCode(t, err); code != "InvalidParameterValue" {
		t.Errorf("route to a detached VGW: %v", err)
	}
	att := must[*ec2.AttachVpnGatewayOutput](t)(e.ec2.AttachVpnGateway(ctx, &ec2.AttachVpnGatewayInput{VpcId: &n.vpc, VpnGatewayId: &vgw})).VpcAttachment
	if *att.VpcId != n.vpc || att.State != ec2types.AttachmentStatusAttached {
		t.Errorf("attachment %+v", att)
	}
	cgw := *must[*ec2.CreateCustomerGatewayOutput](t)(e.ec2.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{
		Type: ec2types.GatewayTypeIpsec1, IpAddress: aws.String("198.51.100.8"), BgpAsn: aws.Int32(65001)})).CustomerGateway.CustomerGatewayId
	vpn := *must[*ec2.CreateVpnConnectionOutput](t)(e.ec2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{
		CustomerGatewayId: &cgw, Type: aws.String("ipsec.1"), VpnGatewayId: &vgw,
		Options: &ec2types.VpnConnectionOptionsSpecification{StaticRoutesOnly: aws.Bool(true)}})).VpnConnection.VpnConnectionId
	must[*ec2.EnableVgwRoutePropagationOutput](t)(e.ec2.EnableVgwRoutePropagation(ctx, &ec2.EnableVgwRoutePropagationInput{GatewayId: &vgw, RouteTableId: &main}))
	if rcode, _ := ptr(t, e, listen); rcode != dns.RcodeServerFailure {
		t.Errorf("no VPN static route: %s, want SERVFAIL", rcodeName(rcode))
	}

	must[*ec2.CreateVpnConnectionRouteOutput](t)(e.ec2.CreateVpnConnectionRoute(ctx, &ec2.CreateVpnConnectionRouteInput{VpnConnectionId: &vpn, DestinationCidrBlock: aws.String("192.168.0.0/16")}))
	rt := must[*ec2.DescribeRouteTablesOutput](t)(e.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{main}})).RouteTables[0]
	if len(rt.PropagatingVgws) != 1 || *rt.PropagatingVgws[0].GatewayId != vgw || len(rt.Routes) != 2 ||
		*rt.Routes[1].GatewayId != vgw || rt.Routes[1].Origin != ec2types.RouteOriginEnableVgwRoutePropagation {
		t.Errorf("route table %+v routes %+v", rt.PropagatingVgws, rt.Routes)
	}
	if _, name := ptr(t, e, listen); name != "db.onprem.example." {
		t.Errorf("VPC → VGW → VPN: %q, want BIND's db.onprem.example.", name)
	}
	if c := check(t, e, n.vpc, netpath.CheckGateway); c.Verdict != netpath.Pass || !strings.Contains(c.Detail, vgw+" reaches "+vpn) {
		t.Errorf("gateway check: %+v", c)
	}
	exportSame(t, e, n.vpc)
	conns := must[*ec2.DescribeVpnConnectionsOutput](t)(e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: []string{vpn}})).VpnConnections
	if len(conns) != 1 || len(conns[0].Routes) != 1 || *conns[0].Routes[0].DestinationCidrBlock != "192.168.0.0/16" || *conns[0].VpnGatewayId != vgw {
		t.Errorf("vpn connections %+v", conns)
	}

	must[*ec2.DeleteVpnConnectionRouteOutput](t)(e.ec2.DeleteVpnConnectionRoute(ctx, &ec2.DeleteVpnConnectionRouteInput{VpnConnectionId: &vpn, DestinationCidrBlock: aws.String("192.168.0.0/16")}))
	if rcode, _ := ptr(t, e, listen); rcode != dns.RcodeServerFailure {
		t.Errorf("VPN static route deleted: %s, want SERVFAIL", rcodeName(rcode))
	}
	exportSame(t, e, n.vpc)

	// A static route to the VGW, with the VPN route back, then the VGW
	// detached: the route stays and leads nowhere.
	must[*ec2.CreateVpnConnectionRouteOutput](t)(e.ec2.CreateVpnConnectionRoute(ctx, &ec2.CreateVpnConnectionRouteInput{VpnConnectionId: &vpn, DestinationCidrBlock: aws.String("192.168.10.0/24")}))
	must[*ec2.DisableVgwRoutePropagationOutput](t)(e.ec2.DisableVgwRoutePropagation(ctx, &ec2.DisableVgwRoutePropagationInput{GatewayId: &vgw, RouteTableId: &main}))
	if rcode, _ := ptr(t, e, listen); rcode != dns.RcodeServerFailure {
		t.Errorf("propagation disabled: %s, want SERVFAIL", rcodeName(rcode))
	}
	must[*ec2.CreateRouteOutput](t)(e.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: &main, DestinationCidrBlock: aws.String("192.168.0.0/16"), GatewayId: &vgw}))
	if _, name := ptr(t, e, listen); name != "db.onprem.example." {
		t.Errorf("static route to the VGW: %q", name)
	}
	_, err = e.ec2.DeleteVpnGateway(ctx, &ec2.DeleteVpnGatewayInput{VpnGatewayId: &vgw})
	if code := apiCode(t, err); code != "IncorrectState" {
		t.Errorf("delete an attached VGW: %v", err)
	}
	must[*ec2.DetachVpnGatewayOutput](t)(e.ec2.DetachVpnGateway(ctx, &ec2.DetachVpnGatewayInput{VpcId: &n.vpc, VpnGatewayId: &vgw}))
	if c := check(t, e, n.vpc, netpath.CheckRoute); c.Verdict != netpath.Fail || !strings.Contains(c.Detail, "blackhole") {
		t.Errorf("route to the detached VGW: %+v", c)
	}
	if rcode, _ := ptr(t, e, listen); rcode != dns.RcodeServerFailure {
		t.Errorf("VGW detached: %s, want SERVFAIL", rcodeName(rcode))
	}
	_, err = e.ec2.DetachVpnGateway(ctx, &ec2.DetachVpnGatewayInput{VpcId: &n.vpc, VpnGatewayId: &vgw})
	if code := apiCode(t, err); code != "InvalidVpnGatewayAttachment.NotFound" {
		t.Errorf("detach twice: %v", err)
	}
	exportSame(t, e, n.vpc)
	checkRecorded(t, rec, []string{"CreateVpnGateway", "AttachVpnGateway", "DetachVpnGateway", "CreateVpnConnectionRoute", "DeleteVpnConnectionRoute",
		"EnableVgwRoutePropagation", "DisableVgwRoutePropagation", "DescribeVpnConnections", "DescribeRouteTables"})
}

// The lifecycle of every hybrid resource, and the errors AWS models.
func TestHybridLifecycleAndErrors(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	rec := recordEC2(e)
	tgw := *must[*ec2.CreateTransitGatewayOutput](t)(e.ec2.CreateTransitGateway(ctx, &ec2.CreateTransitGatewayInput{
		Options: &ec2types.TransitGatewayRequestOptions{DefaultRouteTableAssociation: ec2types.DefaultRouteTableAssociationValueDisable,
			DefaultRouteTablePropagation: ec2types.DefaultRouteTablePropagationValueDisable}})).TransitGateway.TransitGatewayId
	tgws := must[*ec2.DescribeTransitGatewaysOutput](t)(e.ec2.DescribeTransitGateways(ctx, &ec2.DescribeTransitGatewaysInput{TransitGatewayIds: []string{tgw}})).TransitGateways
	if len(tgws) != 1 || tgws[0].State != ec2types.TransitGatewayStateAvailable || tgws[0].Options.AssociationDefaultRouteTableId != nil {
		t.Errorf("transit gateways %+v", tgws)
	}
	must[*ec2.CreateTagsOutput](t)(e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{tgw}, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("core")}}}))
	tags := must[*ec2.DescribeTagsOutput](t)(e.ec2.DescribeTags(ctx, &ec2.DescribeTagsInput{Filters: []ec2types.Filter{filter("resource-type", "transit-gateway")}})).Tags
	if len(tags) != 1 || *tags[0].ResourceId != tgw || *tags[0].Value != "core" {
		t.Errorf("transit gateway tags %+v", tags)
	}
	rt := *must[*ec2.CreateTransitGatewayRouteTableOutput](t)(e.ec2.CreateTransitGatewayRouteTable(ctx, &ec2.CreateTransitGatewayRouteTableInput{TransitGatewayId: &tgw})).TransitGatewayRouteTable.TransitGatewayRouteTableId
	att := *must[*ec2.CreateTransitGatewayVpcAttachmentOutput](t)(e.ec2.CreateTransitGatewayVpcAttachment(ctx, &ec2.CreateTransitGatewayVpcAttachmentInput{
		TransitGatewayId: &tgw, VpcId: &n.vpc, SubnetIds: []string{n.subnetA}})).TransitGatewayVpcAttachment.TransitGatewayAttachmentId
	must[*ec2.AssociateTransitGatewayRouteTableOutput](t)(e.ec2.AssociateTransitGatewayRouteTable(ctx, &ec2.AssociateTransitGatewayRouteTableInput{TransitGatewayRouteTableId: &rt, TransitGatewayAttachmentId: &att}))
	must[*ec2.EnableTransitGatewayRouteTablePropagationOutput](t)(e.ec2.EnableTransitGatewayRouteTablePropagation(ctx, &ec2.EnableTransitGatewayRouteTablePropagationInput{TransitGatewayRouteTableId: &rt, TransitGatewayAttachmentId: &att}))
	tg := e.store.Network().TransitGateways[0]
	if len(tg.Attachments) != 1 || tg.Attachments[0].RouteTable != tg.RouteTables[0] || len(tg.RouteTables[0].Propagations) != 1 || tg.VPCs[0].ID != n.vpc {
		t.Errorf("network transit gateway %+v", tg)
	}
	vatts := must[*ec2.DescribeTransitGatewayVpcAttachmentsOutput](t)(e.ec2.DescribeTransitGatewayVpcAttachments(ctx, &ec2.DescribeTransitGatewayVpcAttachmentsInput{
		Filters: []ec2types.Filter{filter("vpc-id", n.vpc)}})).TransitGatewayVpcAttachments
	if len(vatts) != 1 || *vatts[0].TransitGatewayAttachmentId != att || vatts[0].State != ec2types.TransitGatewayAttachmentStateAvailable {
		t.Errorf("vpc attachments %+v", vatts)
	}
	rts := must[*ec2.DescribeTransitGatewayRouteTablesOutput](t)(e.ec2.DescribeTransitGatewayRouteTables(ctx, &ec2.DescribeTransitGatewayRouteTablesInput{
		Filters: []ec2types.Filter{filter("transit-gateway-id", tgw)}})).TransitGatewayRouteTables
	if len(rts) != 1 || *rts[0].DefaultAssociationRouteTable {
		t.Errorf("route tables %+v", rts)
	}

	for _, c := range []struct {
		name string
		err  func() error
		code string
	}{
		{"unknown transit gateway", func() error {
			_, err := e.ec2.DescribeTransitGateways(ctx, &ec2.DescribeTransitGatewaysInput{TransitGatewayIds: []string{"tgw-00000000000000000"}})
			return err
		}, "InvalidTransitGatewayID.NotFound"},
		{"route to an unknown transit gateway", func() error {
			_, err := e.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(n.mainRT(t, e)), DestinationCidrBlock: aws.String("192.168.0.0/16"), TransitGatewayId: aws.String("tgw-00000000000000000")})
			return err
		}, "InvalidTransitGatewayID.NotFound"},
		{"route to an unknown VGW", func() error {
			_, err := e.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(n.mainRT(t, e)), DestinationCidrBlock: aws.String("192.168.0.0/16"), GatewayId: aws.String("vgw-00000000000000000")})
			return err
		}, "InvalidGatewayID.NotFound"},
		{"unknown attachment", func() error {
			_, err := e.ec2.AssociateTransitGatewayRouteTable(ctx, &ec2.AssociateTransitGatewayRouteTableInput{TransitGatewayRouteTableId: &rt, TransitGatewayAttachmentId: aws.String("tgw-attach-00000000000000000")})
			return err
		}, "InvalidTransitGatewayAttachmentID.NotFound"},
		{"unknown route table", func() error {
			_, err := e.ec2.CreateTransitGatewayRoute(ctx, &ec2.CreateTransitGatewayRouteInput{TransitGatewayRouteTableId: aws.String("tgw-rtb-00000000000000000"), DestinationCidrBlock: aws.String("10.9.0.0/16"), Blackhole: aws.Bool(true)})
			return err
		}, "InvalidRouteTableID.NotFound"},
		{"associated twice", func() error {
			_, err := e.ec2.AssociateTransitGatewayRouteTable(ctx, &ec2.AssociateTransitGatewayRouteTableInput{TransitGatewayRouteTableId: &rt, TransitGatewayAttachmentId: &att})
			return err
		}, "Resource.AlreadyAssociated"},
		{"propagation twice", func() error {
			_, err := e.ec2.EnableTransitGatewayRouteTablePropagation(ctx, &ec2.EnableTransitGatewayRouteTablePropagationInput{TransitGatewayRouteTableId: &rt, TransitGatewayAttachmentId: &att})
			return err
		}, "TransitGatewayRouteTablePropagation.Duplicate"},
		{"malformed destination", func() error {
			_, err := e.ec2.CreateTransitGatewayRoute(ctx, &ec2.CreateTransitGatewayRouteInput{TransitGatewayRouteTableId: &rt, DestinationCidrBlock: aws.String("10.9.0.0/33"), Blackhole: aws.Bool(true)})
			return err
		}, "InvalidParameterValue"},
		{"delete a route table in use", func() error {
			_, err := e.ec2.DeleteTransitGatewayRouteTable(ctx, &ec2.DeleteTransitGatewayRouteTableInput{TransitGatewayRouteTableId: &rt})
			return err
		}, "IncorrectState"},
		{"delete a transit gateway with attachments", func() error {
			_, err := e.ec2.DeleteTransitGateway(ctx, &ec2.DeleteTransitGatewayInput{TransitGatewayId: &tgw})
			return err
		}, "IncorrectState"},
		{"unknown customer gateway", func() error {
			_, err := e.ec2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{CustomerGatewayId: aws.String("cgw-00000000000000000"), Type: aws.String("ipsec.1"), TransitGatewayId: &tgw})
			return err
		}, "InvalidCustomerGatewayID.NotFound"},
		{"unknown VPN gateway", func() error {
			_, err := e.ec2.DescribeVpnGateways(ctx, &ec2.DescribeVpnGatewaysInput{VpnGatewayIds: []string{"vgw-00000000000000000"}})
			return err
		}, "InvalidVpnGatewayID.NotFound"},
		{"unknown VPN connection", func() error {
			_, err := e.ec2.DeleteVpnConnection(ctx, &ec2.DeleteVpnConnectionInput{VpnConnectionId: aws.String("vpn-00000000000000000")})
			return err
		}, "InvalidVpnConnectionID.NotFound"},
		{"customer gateway with a bad address", func() error {
			_, err := e.ec2.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{Type: ec2types.GatewayTypeIpsec1, IpAddress: aws.String("198.51.100.300")})
			return err
		}, "InvalidParameterValue"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if code := apiCode(t, c.err()); code != c.code {
				t.Errorf("code %q, want %s", code, c.code)
			}
		})
	}

	// A customer gateway in use by a VPN cannot be deleted; the same
	// address and ASN give the same gateway.
	cgw := *must[*ec2.CreateCustomerGatewayOutput](t)(e.ec2.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{Type: ec2types.GatewayTypeIpsec1, IpAddress: aws.String("198.51.100.9"), BgpAsn: aws.Int32(65002), DeviceName: aws.String("edge")})).CustomerGateway.CustomerGatewayId
	again := *must[*ec2.CreateCustomerGatewayOutput](t)(e.ec2.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{Type: ec2types.GatewayTypeIpsec1, IpAddress: aws.String("198.51.100.9"), BgpAsn: aws.Int32(65002)})).CustomerGateway.CustomerGatewayId
	if again != cgw {
		t.Errorf("same address and ASN: %s, then %s", cgw, again)
	}
	cgws := must[*ec2.DescribeCustomerGatewaysOutput](t)(e.ec2.DescribeCustomerGateways(ctx, &ec2.DescribeCustomerGatewaysInput{Filters: []ec2types.Filter{filter("ip-address", "198.51.100.9")}})).CustomerGateways
	if len(cgws) != 1 || *cgws[0].BgpAsn != "65002" || *cgws[0].DeviceName != "edge" {
		t.Errorf("customer gateways %+v", cgws)
	}
	vpn := *must[*ec2.CreateVpnConnectionOutput](t)(e.ec2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{CustomerGatewayId: &cgw, Type: aws.String("ipsec.1"), TransitGatewayId: &tgw})).VpnConnection.VpnConnectionId
	if u := e.store.Network().UnmodeledByID(vpn); u == nil {
		t.Errorf("a VPN no prefix is routed to is not listed as unmodeled")
	}
	_, err := e.ec2.DeleteCustomerGateway(ctx, &ec2.DeleteCustomerGatewayInput{CustomerGatewayId: &cgw})
	if code := apiCode(t, err); code != "IncorrectState" {
		t.Errorf("delete a customer gateway in use: %v", err)
	}
	vgw := *must[*ec2.CreateVpnGatewayOutput](t)(e.ec2.CreateVpnGateway(ctx, &ec2.CreateVpnGatewayInput{Type: ec2types.GatewayTypeIpsec1})).VpnGateway.VpnGatewayId

	// Everything deleted, in AWS's order, leaves the network as it was.
	must[*ec2.DeleteVpnConnectionOutput](t)(e.ec2.DeleteVpnConnection(ctx, &ec2.DeleteVpnConnectionInput{VpnConnectionId: &vpn}))
	must[*ec2.DeleteCustomerGatewayOutput](t)(e.ec2.DeleteCustomerGateway(ctx, &ec2.DeleteCustomerGatewayInput{CustomerGatewayId: &cgw}))
	must[*ec2.DeleteVpnGatewayOutput](t)(e.ec2.DeleteVpnGateway(ctx, &ec2.DeleteVpnGatewayInput{VpnGatewayId: &vgw}))
	must[*ec2.DisableTransitGatewayRouteTablePropagationOutput](t)(e.ec2.DisableTransitGatewayRouteTablePropagation(ctx, &ec2.DisableTransitGatewayRouteTablePropagationInput{TransitGatewayRouteTableId: &rt, TransitGatewayAttachmentId: &att}))
	must[*ec2.DisassociateTransitGatewayRouteTableOutput](t)(e.ec2.DisassociateTransitGatewayRouteTable(ctx, &ec2.DisassociateTransitGatewayRouteTableInput{TransitGatewayRouteTableId: &rt, TransitGatewayAttachmentId: &att}))
	must[*ec2.DeleteTransitGatewayRouteTableOutput](t)(e.ec2.DeleteTransitGatewayRouteTable(ctx, &ec2.DeleteTransitGatewayRouteTableInput{TransitGatewayRouteTableId: &rt}))
	must[*ec2.DeleteTransitGatewayVpcAttachmentOutput](t)(e.ec2.DeleteTransitGatewayVpcAttachment(ctx, &ec2.DeleteTransitGatewayVpcAttachmentInput{TransitGatewayAttachmentId: &att}))
	must[*ec2.DeleteTransitGatewayOutput](t)(e.ec2.DeleteTransitGateway(ctx, &ec2.DeleteTransitGatewayInput{TransitGatewayId: &tgw}))
	st, _ := e.store.Snapshot()
	if f := st.File; len(f.TransitGateways)+len(f.RemoteNetworks)+len(f.VPNGateways)+len(f.Unmodeled) != 0 {
		t.Errorf("left behind: tgws %+v remotes %+v vgws %+v unmodeled %+v", f.TransitGateways, f.RemoteNetworks, f.VPNGateways, f.Unmodeled)
	}
	for id, o := range st.Meta.Objects {
		if o.Hybrid != nil && o.Kind != "route-table" {
			t.Errorf("side record of %s (%s) left behind", id, o.Kind)
		}
	}
	checkRecorded(t, rec, []string{"CreateTransitGateway", "DescribeTransitGateways", "CreateTransitGatewayRouteTable", "CreateTransitGatewayVpcAttachment",
		"AssociateTransitGatewayRouteTable", "EnableTransitGatewayRouteTablePropagation", "DescribeTransitGatewayVpcAttachments",
		"DescribeTransitGatewayRouteTables", "CreateCustomerGateway", "DescribeCustomerGateways", "CreateVpnConnection", "CreateVpnGateway",
		"DeleteVpnConnection", "DeleteCustomerGateway", "DeleteVpnGateway", "DisableTransitGatewayRouteTablePropagation",
		"DisassociateTransitGatewayRouteTable", "DeleteTransitGatewayRouteTable", "DeleteTransitGatewayVpcAttachment", "DeleteTransitGateway"})
}
