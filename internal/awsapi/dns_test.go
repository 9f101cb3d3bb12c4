package awsapi_test

import (
	"net/netip"
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

	"github.com/vpcdns/vpcdns/internal/bindtest"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/explain"
	"github.com/vpcdns/vpcdns/internal/loopbacktest"
	"github.com/vpcdns/vpcdns/internal/netpath"
	"github.com/vpcdns/vpcdns/internal/server"
	"github.com/vpcdns/vpcdns/internal/view"
)

const onPremReverse = `$TTL 300
@	IN SOA ns1.onprem.example. hostmaster.onprem.example. 1 3600 600 86400 60
@	IN NS ns1.onprem.example.
5.1	IN PTR db.onprem.example.
`

// ptr asks the resolver at addr for the PTR of 10.0.1.5.
func ptr(t *testing.T, e *env, addr string) (int, string) {
	t.Helper()
	e.synced()
	m := new(dns.Msg)
	m.SetQuestion("5.1.0.10.in-addr.arpa.", dns.TypePTR)
	c := &dns.Client{Timeout: 5 * time.Second}
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("query %s: %v", addr, err)
	}
	for _, rr := range r.Answer {
		if p, ok := rr.(*dns.PTR); ok {
			return r.Rcode, p.Ptr
		}
	}
	return r.Rcode, ""
}

// onPremNetwork is the starting network of the DNS tests: the on-premises
// network behind a VPN, whose DNS server 192.168.10.53 really answers at
// BIND on 127.0.0.1.
const onPremNetwork = `
remote_networks:
  - {id: vpn-onprem, type: vpn, cidr_blocks: [192.168.0.0/16]}
emulation:
  address_map: {"192.168.10.53:53": "BIND"}
`

// Every change made through the API takes effect on the DNS answers at
// once: the reverse-DNS scenario against the real DNS server.
func TestChangesTakeEffectOnDNS(t *testing.T) {
	e, n, listen := dnsEnv(t, onPremNetwork)
	if _, name := ptr(t, e, listen); name != "ip-10-0-1-5.ec2.internal." {
		t.Fatalf("before the rule: %q", name)
	}

	ep := createEndpoint(t, e, n)
	rule := must[*route53resolver.CreateResolverRuleOutput](t)(e.resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{
		CreatorRequestId: aws.String("r"), RuleType: "FORWARD", DomainName: aws.String("0.10.in-addr.arpa"), ResolverEndpointId: &ep,
		TargetIps: []rtypes.TargetAddress{{Ip: aws.String("192.168.10.53")}}})).ResolverRule
	must[*route53resolver.AssociateResolverRuleOutput](t)(e.resolver.AssociateResolverRule(ctx, &route53resolver.AssociateResolverRuleInput{ResolverRuleId: rule.Id, VPCId: &n.vpc}))

	// The VPC's main route table, made with it, routes only the VPC's
	// CIDR: there is no route to 192.168.10.53, so the forward fails, as
	// on AWS.
	if rcode, _ := ptr(t, e, listen); rcode != dns.RcodeServerFailure {
		t.Errorf("no route to the target: rcode %s, want SERVFAIL", dns.RcodeToString[rcode])
	}
	if check := routeCheck(t, e, n.vpc); check.Verdict != netpath.Fail || !strings.Contains(check.Detail, "no route in "+n.mainRT(t, e)+" contains 192.168.10.53") {
		t.Errorf("explain, no route: %+v", check)
	}
	// Without the group's default egress and its DNS rules, the group lets
	// nothing out: the path is still blocked, and the query fails. Let out
	// DNS to the on-premises server, and the route and the VPN carry it.
	must[*ec2.RevokeSecurityGroupEgressOutput](t)(e.ec2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: &n.sg,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}},
			{IpProtocol: aws.String("udp"), FromPort: aws.Int32(53), ToPort: aws.Int32(53), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("192.168.0.0/16")}}},
			{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(53), ToPort: aws.Int32(53), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("192.168.0.0/16")}}}}}))
	if rcode, _ := ptr(t, e, listen); rcode != dns.RcodeServerFailure {
		t.Errorf("blocked path: rcode %s, want SERVFAIL", dns.RcodeToString[rcode])
	}
	// A route to the VPN: the route check passes (the group, below, still
	// blocks; answers are cached, so the blocked path comes first).
	must[*ec2.CreateRouteOutput](t)(e.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(n.mainRT(t, e)),
		DestinationCidrBlock: aws.String("192.168.0.0/16"), GatewayId: aws.String("vpn-onprem")}))
	if check := routeCheck(t, e, n.vpc); check.Verdict != netpath.Pass {
		t.Errorf("explain, with the route: %+v", check)
	}
	must[*ec2.AuthorizeSecurityGroupEgressOutput](t)(e.ec2.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: &n.sg,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("udp"), FromPort: aws.Int32(53), ToPort: aws.Int32(53),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("192.168.10.53/32")}}}}}))
	if _, name := ptr(t, e, listen); name != "db.onprem.example." {
		t.Errorf("route, VPN and group: %q, want BIND's db.onprem.example.", name)
	}
	must[*route53resolver.DisassociateResolverRuleOutput](t)(e.resolver.DisassociateResolverRule(ctx, &route53resolver.DisassociateResolverRuleInput{ResolverRuleId: rule.Id, VPCId: &n.vpc}))
	if _, name := ptr(t, e, listen); name != "ip-10-0-1-5.ec2.internal." {
		t.Errorf("after disassociation: %q", name)
	}
}

// mainRT is the id of the VPC's main route table, as DescribeRouteTables
// lists it.
func (n network) mainRT(t *testing.T, e *env) string {
	t.Helper()
	out := must[*ec2.DescribeRouteTablesOutput](t)(e.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{n.vpc}}, {Name: aws.String("association.main"), Values: []string{"true"}}}}))
	if len(out.RouteTables) != 1 {
		t.Fatalf("main route tables of %s: %+v", n.vpc, out.RouteTables)
	}
	return *out.RouteTables[0].RouteTableId
}

// routeCheck is the route check of explain's first path for the PTR of
// 10.0.1.5 from vpc.
func routeCheck(t *testing.T, e *env, vpc string) netpath.Check {
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
	for _, c := range r.Forwarding.Targets[0].Paths[0].Checks {
		if c.Name == netpath.CheckRoute {
			return c
		}
	}
	t.Fatalf("explain: no route check")
	return netpath.Check{}
}

// A VPC made through the API is served on a shared socket for the clients
// whose source address is in its CIDR (behaviour.md §1.3).
func TestSharedSocketServesNewVPC(t *testing.T) {
	e := newEnv(t, envOpts{})
	shared := netip.MustParseAddrPort("127.0.0.1:" + strconv.Itoa(int(loopbacktest.FreePort(t))))
	srv, err := server.New(e.store.Network(), server.Options{Shared: []netip.AddrPort{shared}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(t.Context()) })
	e.store.SetApply(srv.Reload)

	ask := func() *dns.Msg {
		e.synced()
		m := new(dns.Msg)
		m.SetQuestion("ip-127-0-0-9.ec2.internal.", dns.TypeA)
		r, _, err := (&dns.Client{Timeout: 5 * time.Second}).Exchange(m, shared.String())
		if err != nil {
			t.Fatalf("query: %v", err)
		}
		return r
	}
	if r := ask(); r.Rcode != dns.RcodeRefused {
		t.Errorf("no VPC holds 127.0.0.1: %s, want REFUSED", dns.RcodeToString[r.Rcode])
	}
	vpc := *must[*ec2.CreateVpcOutput](t)(e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("127.0.0.0/16")})).Vpc.VpcId
	must[*ec2.ModifyVpcAttributeOutput](t)(e.ec2.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{
		VpcId: &vpc, EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}))
	r := ask()
	if r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 || r.Answer[0].(*dns.A).A.String() != "127.0.0.9" {
		t.Errorf("VPC 127.0.0.0/16 on the shared socket: %v", r)
	}
}

// dnsEnv starts BIND with the on-premises reverse zone, an API whose
// starting network is start (BIND standing for BIND's address) and a DNS
// server that follows it, builds the test network and gives its VPC a
// resolver listener on loopback, whose address it returns.
func dnsEnv(t *testing.T, start string) (*env, network, string) {
	t.Helper()
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": onPremReverse})
	initial, err := config.Decode([]byte(strings.ReplaceAll(start, "BIND", bind.Addr().String())), "network.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, envOpts{initial: initial})
	srv, err := server.New(e.store.Network(), server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(t.Context()) })
	e.store.SetApply(srv.Reload)

	n := buildNetwork(t, e)
	listen := "127.0.0.1:" + strconv.Itoa(int(loopbacktest.FreePort(t)))
	must[*ec2.CreateTagsOutput](t)(e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{n.vpc},
		Tags: []ec2types.Tag{{Key: aws.String("vpcdns:resolver-listen"), Value: aws.String(listen)}}}))
	return e, n, listen
}
