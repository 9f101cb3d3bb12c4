package awsapi_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
)

// The EC2 calls Terraform's AWS provider makes on every plan.
func TestTerraformEC2Reads(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)

	azs := must[*ec2.DescribeAvailabilityZonesOutput](t)(e.ec2.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{
		Filters: []ec2types.Filter{filter("state", "available")}}))
	var names []string
	for _, z := range azs.AvailabilityZones {
		names = append(names, *z.ZoneName)
		if *z.RegionName != "us-east-1" || z.State != ec2types.AvailabilityZoneStateAvailable || *z.ZoneType != "availability-zone" ||
			z.OptInStatus != ec2types.AvailabilityZoneOptInStatusOptInNotRequired {
			t.Errorf("zone %+v", z)
		}
	}
	if !slices.Equal(names, []string{"us-east-1a", "us-east-1b", "us-east-1c"}) {
		t.Errorf("zones %v", names)
	}
	one := must[*ec2.DescribeAvailabilityZonesOutput](t)(e.ec2.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{ZoneIds: []string{"use1-az2"}}))
	if len(one.AvailabilityZones) != 1 || *one.AvailabilityZones[0].ZoneName != "us-east-1b" {
		t.Errorf("zone use1-az2: %+v", one.AvailabilityZones)
	}
	_, err := e.ec2.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{ZoneNames: []string{"eu-west-9a"}})
	if code := apiCode(t, err); code != "InvalidParameterValue" {
		t.Errorf("unknown zone: %v", err)
	}

	attrs := must[*ec2.DescribeAccountAttributesOutput](t)(e.ec2.DescribeAccountAttributes(ctx, &ec2.DescribeAccountAttributesInput{
		AttributeNames: []ec2types.AccountAttributeName{ec2types.AccountAttributeNameSupportedPlatforms, ec2types.AccountAttributeNameDefaultVpc}}))
	if len(attrs.AccountAttributes) != 2 || *attrs.AccountAttributes[0].AttributeValues[0].AttributeValue != "VPC" ||
		*attrs.AccountAttributes[1].AttributeValues[0].AttributeValue != "none" {
		t.Errorf("account attributes %+v", attrs.AccountAttributes)
	}

	// The rules of the group buildNetwork made: the default egress and
	// the two DNS rules, each under the id Authorize returned.
	rules := must[*ec2.DescribeSecurityGroupRulesOutput](t)(e.ec2.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{
		Filters: []ec2types.Filter{filter("group-id", n.sg)}}))
	if len(rules.SecurityGroupRules) != 3 {
		t.Fatalf("rules %+v", rules.SecurityGroupRules)
	}
	dns := rules.SecurityGroupRules[1]
	if !*dns.IsEgress || *dns.IpProtocol != "udp" || *dns.FromPort != 53 || *dns.CidrIpv4 != "192.168.0.0/16" || *dns.GroupId != n.sg || dns.SecurityGroupRuleId == nil {
		t.Errorf("dns rule %+v", dns)
	}
	byID := must[*ec2.DescribeSecurityGroupRulesOutput](t)(e.ec2.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{
		SecurityGroupRuleIds: []string{*dns.SecurityGroupRuleId}}))
	if len(byID.SecurityGroupRules) != 1 || *byID.SecurityGroupRules[0].CidrIpv4 != "192.168.0.0/16" {
		t.Errorf("rule by id %+v", byID.SecurityGroupRules)
	}
	_, err = e.ec2.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{SecurityGroupRuleIds: []string{"sgr-0123456789abcdef0"}})
	if code := apiCode(t, err); code != "InvalidSecurityGroupRuleId.NotFound" {
		t.Errorf("unknown rule: %v", err)
	}

	// ModifySubnetAttribute: one attribute a call, described after.
	must[*ec2.ModifySubnetAttributeOutput](t)(e.ec2.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{SubnetId: &n.subnetA,
		MapPublicIpOnLaunch: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}))
	must[*ec2.ModifySubnetAttributeOutput](t)(e.ec2.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{SubnetId: &n.subnetA,
		PrivateDnsHostnameTypeOnLaunch: ec2types.HostnameTypeResourceName}))
	s := must[*ec2.DescribeSubnetsOutput](t)(e.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{n.subnetA}})).Subnets[0]
	if !*s.MapPublicIpOnLaunch || s.PrivateDnsNameOptionsOnLaunch.HostnameType != ec2types.HostnameTypeResourceName {
		t.Errorf("subnet attributes %+v %+v", *s.MapPublicIpOnLaunch, s.PrivateDnsNameOptionsOnLaunch)
	}
	for _, tt := range []struct {
		name, code string
		in         ec2.ModifySubnetAttributeInput
	}{
		{"unknown subnet", "InvalidSubnetID.NotFound", ec2.ModifySubnetAttributeInput{SubnetId: aws.String("subnet-0123456789abcdef0"),
			MapPublicIpOnLaunch: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}},
		{"two attributes", "InvalidParameterValue", ec2.ModifySubnetAttributeInput{SubnetId: &n.subnetA,
			MapPublicIpOnLaunch: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}, EnableDns64: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}},
		{"no attribute", "InvalidParameterValue", ec2.ModifySubnetAttributeInput{SubnetId: &n.subnetA}},
		{"bad hostname type", "InvalidParameterValue", ec2.ModifySubnetAttributeInput{SubnetId: &n.subnetA, PrivateDnsHostnameTypeOnLaunch: "x"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.ec2.ModifySubnetAttribute(ctx, &tt.in)
			if code := apiCode(t, err); code != tt.code {
				t.Errorf("got %v, want %s", err, tt.code)
			}
		})
	}
}

// Route 53 tags, which Terraform reads after every aws_route53_zone.
func TestTerraformRoute53Tags(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	z := must[*route53.CreateHostedZoneOutput](t)(e.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{
		Name: aws.String("internal.example"), CallerReference: aws.String("zone-1"),
		VPC: &r53types.VPC{VPCId: &n.vpc, VPCRegion: r53types.VPCRegionUsEast1}}))
	id := strings.TrimPrefix(*z.HostedZone.Id, "/hostedzone/")

	list := func() []r53types.Tag {
		t.Helper()
		out := must[*route53.ListTagsForResourceOutput](t)(e.r53.ListTagsForResource(ctx, &route53.ListTagsForResourceInput{
			ResourceType: r53types.TagResourceTypeHostedzone, ResourceId: &id}))
		if out.ResourceTagSet.ResourceType != r53types.TagResourceTypeHostedzone || *out.ResourceTagSet.ResourceId != id {
			t.Errorf("tag set %+v", out.ResourceTagSet)
		}
		return out.ResourceTagSet.Tags
	}
	if tags := list(); len(tags) != 0 {
		t.Errorf("a new zone's tags: %+v", tags)
	}
	must[*route53.ChangeTagsForResourceOutput](t)(e.r53.ChangeTagsForResource(ctx, &route53.ChangeTagsForResourceInput{
		ResourceType: r53types.TagResourceTypeHostedzone, ResourceId: &id,
		AddTags: []r53types.Tag{{Key: aws.String("env"), Value: aws.String("test")}, {Key: aws.String("Name"), Value: aws.String("app")}}}))
	must[*route53.ChangeTagsForResourceOutput](t)(e.r53.ChangeTagsForResource(ctx, &route53.ChangeTagsForResourceInput{
		ResourceType: r53types.TagResourceTypeHostedzone, ResourceId: &id, RemoveTagKeys: []string{"env"}}))
	if tags := list(); len(tags) != 1 || *tags[0].Key != "Name" || *tags[0].Value != "app" {
		t.Errorf("tags after add and remove: %+v", tags)
	}
	many := must[*route53.ListTagsForResourcesOutput](t)(e.r53.ListTagsForResources(ctx, &route53.ListTagsForResourcesInput{
		ResourceType: r53types.TagResourceTypeHostedzone, ResourceIds: []string{id}}))
	if len(many.ResourceTagSets) != 1 || len(many.ResourceTagSets[0].Tags) != 1 {
		t.Errorf("ListTagsForResources %+v", many.ResourceTagSets)
	}

	tooMany := make([]r53types.Tag, 11)
	for i := range tooMany {
		tooMany[i] = r53types.Tag{Key: aws.String("k" + strconv.Itoa(i)), Value: aws.String("v")}
	}
	for _, tt := range []struct {
		name, code string
		err        error
	}{
		{"unknown zone", "NoSuchHostedZone", func() error {
			_, err := e.r53.ListTagsForResource(ctx, &route53.ListTagsForResourceInput{ResourceType: r53types.TagResourceTypeHostedzone, ResourceId: aws.String("Z0000000000000000000")})
			return err
		}()},
		{"health check", "NoSuchHealthCheck", func() error {
			_, err := e.r53.ChangeTagsForResource(ctx, &route53.ChangeTagsForResourceInput{ResourceType: r53types.TagResourceTypeHealthcheck, ResourceId: aws.String("abc"),
				AddTags: []r53types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
			return err
		}()},
		{"eleven tags", "InvalidInput", func() error {
			_, err := e.r53.ChangeTagsForResource(ctx, &route53.ChangeTagsForResourceInput{ResourceType: r53types.TagResourceTypeHostedzone, ResourceId: &id, AddTags: tooMany})
			return err
		}()},
	} {
		if code := apiCode(t, tt.err); code != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, tt.err, tt.code)
		}
	}
	if tags := list(); len(tags) != 1 {
		t.Errorf("a refused change changed the tags: %+v", tags)
	}
}

// The network interfaces of a resolver endpoint appear in
// DescribeNetworkInterfaces, one per address, as on AWS.
func TestResolverEndpointENIs(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	ep := createEndpoint(t, e, n)
	out := must[*ec2.DescribeNetworkInterfacesOutput](t)(e.ec2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{
		Filters: []ec2types.Filter{filter("vpc-id", n.vpc), filter("requester-managed", "true")}}))
	if len(out.NetworkInterfaces) != 2 {
		t.Fatalf("interfaces %+v", out.NetworkInterfaces)
	}
	ni := out.NetworkInterfaces[0]
	if !strings.HasPrefix(*ni.NetworkInterfaceId, "eni-") || *ni.SubnetId != n.subnetA || *ni.PrivateIpAddress != "10.0.1.4" ||
		!strings.HasPrefix(*ni.Description, "Route 53 Resolver: "+ep+":rni-") || ni.Status != ec2types.NetworkInterfaceStatusInUse ||
		len(ni.Groups) != 1 || *ni.Groups[0].GroupId != n.sg || *ni.Groups[0].GroupName != "resolver-out" || *ni.AvailabilityZone != "us-east-1a" {
		t.Errorf("interface %+v", ni)
	}
	again := must[*ec2.DescribeNetworkInterfacesOutput](t)(e.ec2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{
		NetworkInterfaceIds: []string{*ni.NetworkInterfaceId}}))
	if len(again.NetworkInterfaces) != 1 || *again.NetworkInterfaces[0].PrivateIpAddress != "10.0.1.4" {
		t.Errorf("by id: %+v", again.NetworkInterfaces)
	}
	_, err := e.ec2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{"eni-0123456789abcdef0"}})
	if code := apiCode(t, err); code != "InvalidNetworkInterfaceID.NotFound" {
		t.Errorf("unknown interface: %v", err)
	}
	must[*route53resolver.DeleteResolverEndpointOutput](t)(e.resolver.DeleteResolverEndpoint(ctx, &route53resolver.DeleteResolverEndpointInput{ResolverEndpointId: &ep}))
	if gone := must[*ec2.DescribeNetworkInterfacesOutput](t)(e.ec2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{})); len(gone.NetworkInterfaces) != 0 {
		t.Errorf("after the endpoint is deleted: %+v", gone.NetworkInterfaces)
	}
}
