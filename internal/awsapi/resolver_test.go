package awsapi_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	rtypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"
	"github.com/aws/smithy-go"
)

// network is what buildNetwork made through EC2.
type network struct {
	vpc, subnetA, subnetB, sg string
}

// buildNetwork makes a VPC 10.0.0.0/16 with DNS hostnames, two subnets and
// a security group that lets DNS out, through the EC2 API.
func buildNetwork(t *testing.T, e *env) network {
	t.Helper()
	var n network
	vpc := must[*ec2.CreateVpcOutput](t)(e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{
		CidrBlock: aws.String("10.0.0.0/16"),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeVpc,
			Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("app")}}}},
	}))
	n.vpc = *vpc.Vpc.VpcId
	must[*ec2.ModifyVpcAttributeOutput](t)(e.ec2.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{
		VpcId: &n.vpc, EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}))
	for i, c := range []string{"10.0.1.0/24", "10.0.2.0/24"} {
		s := must[*ec2.CreateSubnetOutput](t)(e.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{
			VpcId: &n.vpc, CidrBlock: aws.String(c), AvailabilityZone: aws.String("us-east-1" + string(rune('a'+i)))}))
		if i == 0 {
			n.subnetA = *s.Subnet.SubnetId
		} else {
			n.subnetB = *s.Subnet.SubnetId
		}
	}
	sg := must[*ec2.CreateSecurityGroupOutput](t)(e.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName: aws.String("resolver-out"), Description: aws.String("DNS to on-premises"), VpcId: &n.vpc}))
	n.sg = *sg.GroupId
	must[*ec2.AuthorizeSecurityGroupEgressOutput](t)(e.ec2.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{
		GroupId: &n.sg, IpPermissions: []ec2types.IpPermission{
			{IpProtocol: aws.String("udp"), FromPort: aws.Int32(53), ToPort: aws.Int32(53), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("192.168.0.0/16")}}},
			{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(53), ToPort: aws.Int32(53), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("192.168.0.0/16")}}},
		}}))
	return n
}

var (
	ruleID     = regexp.MustCompile(`^rslvr-rr-[0-9a-f]{17}$`)
	assocID    = regexp.MustCompile(`^rslvr-rrassoc-[0-9a-f]{17}$`)
	outboundID = regexp.MustCompile(`^rslvr-out-[0-9a-f]{17}$`)
	vpcIDRe    = regexp.MustCompile(`^vpc-[0-9a-f]{17}$`)
)

func createEndpoint(t *testing.T, e *env, n network) string {
	t.Helper()
	out := must[*route53resolver.CreateResolverEndpointOutput](t)(e.resolver.CreateResolverEndpoint(ctx, &route53resolver.CreateResolverEndpointInput{
		CreatorRequestId: aws.String("ep-1"), Name: aws.String("onprem"), Direction: rtypes.ResolverEndpointDirectionOutbound,
		SecurityGroupIds: []string{n.sg},
		IpAddresses:      []rtypes.IpAddressRequest{{SubnetId: &n.subnetA}, {SubnetId: &n.subnetB}},
	}))
	return *out.ResolverEndpoint.Id
}

func createRule(t *testing.T, e *env, crid, domain, endpoint string) *rtypes.ResolverRule {
	t.Helper()
	out := must[*route53resolver.CreateResolverRuleOutput](t)(e.resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{
		CreatorRequestId: aws.String(crid), Name: aws.String("onprem-reverse"), RuleType: rtypes.RuleTypeOptionForward,
		DomainName: aws.String(domain), ResolverEndpointId: &endpoint,
		TargetIps: []rtypes.TargetAddress{{Ip: aws.String("192.168.10.53")}, {Ip: aws.String("192.168.20.53"), Port: aws.Int32(5300)}},
	}))
	return out.ResolverRule
}

func TestResolverRulesAndEndpoints(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	if !vpcIDRe.MatchString(n.vpc) {
		t.Errorf("vpc id %q, want vpc- and 17 hex digits", n.vpc)
	}
	ep := createEndpoint(t, e, n)
	if !outboundID.MatchString(ep) {
		t.Errorf("endpoint id %q, want rslvr-out- and 17 hex digits", ep)
	}
	got := must[*route53resolver.GetResolverEndpointOutput](t)(e.resolver.GetResolverEndpoint(ctx, &route53resolver.GetResolverEndpointInput{ResolverEndpointId: &ep}))
	if got.ResolverEndpoint.IpAddressCount == nil || *got.ResolverEndpoint.IpAddressCount != 2 || *got.ResolverEndpoint.HostVPCId != n.vpc ||
		got.ResolverEndpoint.Status != rtypes.ResolverEndpointStatusOperational {
		t.Errorf("endpoint %+v", got.ResolverEndpoint)
	}
	ips := must[*route53resolver.ListResolverEndpointIpAddressesOutput](t)(e.resolver.ListResolverEndpointIpAddresses(ctx, &route53resolver.ListResolverEndpointIpAddressesInput{ResolverEndpointId: &ep}))
	if len(ips.IpAddresses) != 2 || *ips.IpAddresses[0].Ip != "10.0.1.4" || *ips.IpAddresses[1].Ip != "10.0.2.4" || !strings.HasPrefix(*ips.IpAddresses[0].IpId, "rni-") {
		t.Errorf("endpoint addresses %+v", ips.IpAddresses)
	}

	rule := createRule(t, e, "rule-1", "0.10.in-addr.arpa", ep)
	if !ruleID.MatchString(*rule.Id) {
		t.Errorf("rule id %q, want rslvr-rr- and 17 hex digits", *rule.Id)
	}
	if *rule.DomainName != "0.10.in-addr.arpa." || *rule.Arn != "arn:aws:route53resolver:us-east-1:000000000000:resolver-rule/"+*rule.Id ||
		rule.Status != rtypes.ResolverRuleStatusComplete || *rule.OwnerId != "000000000000" {
		t.Errorf("rule %+v", rule)
	}
	if len(rule.TargetIps) != 2 || *rule.TargetIps[0].Port != 53 || *rule.TargetIps[1].Port != 5300 {
		t.Errorf("targets %+v", rule.TargetIps)
	}
	assoc := must[*route53resolver.AssociateResolverRuleOutput](t)(e.resolver.AssociateResolverRule(ctx, &route53resolver.AssociateResolverRuleInput{
		ResolverRuleId: rule.Id, VPCId: &n.vpc, Name: aws.String("app-reverse")}))
	if !assocID.MatchString(*assoc.ResolverRuleAssociation.Id) || *assoc.ResolverRuleAssociation.Name != "app-reverse" {
		t.Errorf("association %+v", assoc.ResolverRuleAssociation)
	}
	if net := e.store.Network(); len(net.Rules) != 1 || len(net.Rules[0].VPCs) != 1 || net.Rules[0].VPCs[0].ID != n.vpc {
		t.Errorf("network rules %+v", net.Rules)
	}

	// Deleting an associated rule is refused.
	_, err := e.resolver.DeleteResolverRule(ctx, &route53resolver.DeleteResolverRuleInput{ResolverRuleId: rule.Id})
	if code := apiCode(t, err); code != "ResourceInUseException" {
		t.Errorf("delete associated rule: %v, want ResourceInUseException", err)
	}
	var inUse *rtypes.ResourceInUseException
	if !errorAs(err, &inUse) {
		t.Errorf("delete associated rule: %T, want *ResourceInUseException", err)
	}

	// A second rule for the same domain cannot be associated with the VPC.
	other := createRule(t, e, "rule-2", "0.10.in-addr.arpa.", ep)
	_, err = e.resolver.AssociateResolverRule(ctx, &route53resolver.AssociateResolverRuleInput{ResolverRuleId: other.Id, VPCId: &n.vpc})
	var invalid *rtypes.InvalidRequestException
	if !errorAs(err, &invalid) || !strings.Contains(*invalid.Message, "Cannot associate rules with same domain name with same VPC") ||
		!strings.Contains(*invalid.Message, *rule.Id) {
		t.Errorf("associate same domain: %v, want InvalidRequestException naming %s", err, *rule.Id)
	}

	// The same creator request id is refused.
	_, err = e.resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{CreatorRequestId: aws.String("rule-1"),
		RuleType: rtypes.RuleTypeOptionSystem, DomainName: aws.String("example.com")})
	if code := apiCode(t, err); code != "ResourceExistsException" {
		t.Errorf("same creator request id: %v", err)
	}

	// A bad target is refused with the field, and nothing is applied
	// (once the rules before it are: they are applied in the background).
	e.synced()
	before := e.applied.Load()
	_, err = e.resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{CreatorRequestId: aws.String("rule-3"),
		RuleType: rtypes.RuleTypeOptionForward, DomainName: aws.String("corp.example"), ResolverEndpointId: &ep,
		TargetIps: []rtypes.TargetAddress{{Ip: aws.String("192.168.1.300")}}})
	var param *rtypes.InvalidParameterException
	if !errorAs(err, &param) || param.FieldName == nil || *param.FieldName != "TargetIps" {
		t.Errorf("bad target: %v, want InvalidParameterException with FieldName TargetIps", err)
	}
	if e.applied.Load() != before {
		t.Errorf("a rejected change was applied")
	}
	if got := len(e.store.Network().Rules); got != 2 {
		t.Errorf("%d rules after a rejected change, want 2", got)
	}

	// Unknown ids.
	_, err = e.resolver.GetResolverRule(ctx, &route53resolver.GetResolverRuleInput{ResolverRuleId: aws.String("rslvr-rr-00000000000000000")})
	if code := apiCode(t, err); code != "ResourceNotFoundException" {
		t.Errorf("unknown rule: %v", err)
	}

	// Disassociate, then delete.
	dis := must[*route53resolver.DisassociateResolverRuleOutput](t)(e.resolver.DisassociateResolverRule(ctx, &route53resolver.DisassociateResolverRuleInput{ResolverRuleId: rule.Id, VPCId: &n.vpc}))
	if *dis.ResolverRuleAssociation.Id != *assoc.ResolverRuleAssociation.Id || dis.ResolverRuleAssociation.Status != rtypes.ResolverRuleAssociationStatusDeleting {
		t.Errorf("disassociation %+v", dis.ResolverRuleAssociation)
	}
	must[*route53resolver.DeleteResolverRuleOutput](t)(e.resolver.DeleteResolverRule(ctx, &route53resolver.DeleteResolverRuleInput{ResolverRuleId: rule.Id}))

	// An endpoint with rules cannot go.
	_, err = e.resolver.DeleteResolverEndpoint(ctx, &route53resolver.DeleteResolverEndpointInput{ResolverEndpointId: &ep})
	if code := apiCode(t, err); code != "InvalidRequestException" {
		t.Errorf("delete endpoint with rules: %v", err)
	}
}

func errorAs[T smithy.APIError](err error, target *T) bool {
	if err == nil {
		return false
	}
	return asError(err, target)
}
