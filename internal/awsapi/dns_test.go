package awsapi_test

import (
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	rtypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"
	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/bindtest"
	"github.com/vpcdns/vpcdns/internal/loopbacktest"
	"github.com/vpcdns/vpcdns/internal/server"
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

// Every change made through the API takes effect on the DNS answers at
// once: the reverse-DNS scenario against the real DNS server.
func TestChangesTakeEffectOnDNS(t *testing.T) {
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": onPremReverse})
	e := newEnv(t, envOpts{})
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
	if _, name := ptr(t, e, listen); name != "ip-10-0-1-5.ec2.internal." {
		t.Fatalf("before the rule: %q", name)
	}

	ep := createEndpoint(t, e, n)
	bindPort := int32(bind.Addr().Port())
	rule := must[*route53resolver.CreateResolverRuleOutput](t)(e.resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{
		CreatorRequestId: aws.String("r"), RuleType: "FORWARD", DomainName: aws.String("0.10.in-addr.arpa"), ResolverEndpointId: &ep,
		TargetIps: []rtypes.TargetAddress{{Ip: aws.String("127.0.0.1"), Port: &bindPort}}})).ResolverRule
	must[*route53resolver.AssociateResolverRuleOutput](t)(e.resolver.AssociateResolverRule(ctx, &route53resolver.AssociateResolverRuleInput{ResolverRuleId: rule.Id, VPCId: &n.vpc}))

	// Without the group's default egress, it lets DNS out to
	// 192.168.0.0/16 only: the path to 127.0.0.1 is blocked, and the
	// query fails.
	must[*ec2.RevokeSecurityGroupEgressOutput](t)(e.ec2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: &n.sg,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}))
	if rcode, _ := ptr(t, e, listen); rcode != dns.RcodeServerFailure {
		t.Errorf("blocked path: rcode %s, want SERVFAIL", dns.RcodeToString[rcode])
	}
	must[*ec2.AuthorizeSecurityGroupEgressOutput](t)(e.ec2.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: &n.sg,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("udp"), FromPort: &bindPort, ToPort: &bindPort,
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("127.0.0.1/32")}}}}}))
	if _, name := ptr(t, e, listen); name != "db.onprem.example." {
		t.Errorf("with the rule: %q, want BIND's db.onprem.example.", name)
	}
	must[*route53resolver.DisassociateResolverRuleOutput](t)(e.resolver.DisassociateResolverRule(ctx, &route53resolver.DisassociateResolverRuleInput{ResolverRuleId: rule.Id, VPCId: &n.vpc}))
	if _, name := ptr(t, e, listen); name != "ip-10-0-1-5.ec2.internal." {
		t.Errorf("after disassociation: %q", name)
	}
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
