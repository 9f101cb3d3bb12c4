package awsapi_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	rtypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"

	"github.com/vpcdns/vpcdns/internal/config"
)

func (e *env) r53As(key string) *route53.Client {
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(key, "test", ""), RetryMaxAttempts: 1}
	url := e.srv.URL
	return route53.NewFromConfig(cfg, func(o *route53.Options) { o.BaseEndpoint = &url })
}

// An account sees only its own EC2, Route 53 Resolver and Route 53
// resources, as on AWS: another account's are left out of every list, and
// a request that names one gets the code of a resource that does not
// exist.
func TestAccountSeesItsOwn(t *testing.T) {
	const a, b = "111111111111", "222222222222"
	e := newEnv(t, envOpts{initial: &config.File{AccountID: a, Region: "us-east-1"}})
	A, B := e.as(a), e.as(b)
	r53A, r53B := e.r53As(a), e.r53As(b)

	// Account A's network.
	vpcA := *createVPC(t, A, "10.1.0.0/16").Vpc.VpcId
	subA1 := *must[*ec2.CreateSubnetOutput](t)(A.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &vpcA, CidrBlock: aws.String("10.1.1.0/24"), AvailabilityZone: aws.String("us-east-1a")})).Subnet.SubnetId
	subA2 := *must[*ec2.CreateSubnetOutput](t)(A.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &vpcA, CidrBlock: aws.String("10.1.2.0/24"), AvailabilityZone: aws.String("us-east-1b")})).Subnet.SubnetId
	sgA := *must[*ec2.CreateSecurityGroupOutput](t)(A.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("dns"), Description: aws.String("dns"), VpcId: &vpcA})).GroupId
	igwA := *must[*ec2.CreateInternetGatewayOutput](t)(A.ec2.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})).InternetGateway.InternetGatewayId
	tgwA := *must[*ec2.CreateTransitGatewayOutput](t)(A.ec2.CreateTransitGateway(ctx, &ec2.CreateTransitGatewayInput{})).TransitGateway.TransitGatewayId
	cgwA := *must[*ec2.CreateCustomerGatewayOutput](t)(A.ec2.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{Type: ec2types.GatewayTypeIpsec1, IpAddress: aws.String("198.51.100.7"), BgpAsn: aws.Int32(65000)})).CustomerGateway.CustomerGatewayId
	ep := must[*route53resolver.CreateResolverEndpointOutput](t)(A.resolver.CreateResolverEndpoint(ctx, &route53resolver.CreateResolverEndpointInput{
		CreatorRequestId: aws.String("ep"), Direction: rtypes.ResolverEndpointDirectionOutbound, SecurityGroupIds: []string{sgA},
		IpAddresses: []rtypes.IpAddressRequest{{SubnetId: &subA1}, {SubnetId: &subA2}}}))
	epA := *ep.ResolverEndpoint.Id
	qlcA := *must[*route53resolver.CreateResolverQueryLogConfigOutput](t)(A.resolver.CreateResolverQueryLogConfig(ctx, &route53resolver.CreateResolverQueryLogConfigInput{
		Name: aws.String("all"), CreatorRequestId: aws.String("ql"), DestinationArn: aws.String("arn:aws:logs:us-east-1:" + a + ":log-group:dns")})).ResolverQueryLogConfig.Id
	must[*route53resolver.AssociateResolverQueryLogConfigOutput](t)(A.resolver.AssociateResolverQueryLogConfig(ctx, &route53resolver.AssociateResolverQueryLogConfigInput{ResolverQueryLogConfigId: &qlcA, ResourceId: &vpcA}))
	zoneA := must[*route53.CreateHostedZoneOutput](t)(r53A.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("a.example"), CallerReference: aws.String("a"),
		VPC: &r53types.VPC{VPCId: &vpcA, VPCRegion: r53types.VPCRegionUsEast1}})).HostedZone.Id

	// Account B's.
	vpcB := *createVPC(t, B, "10.2.0.0/16").Vpc.VpcId
	subB := *must[*ec2.CreateSubnetOutput](t)(B.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &vpcB, CidrBlock: aws.String("10.2.1.0/24"), AvailabilityZone: aws.String("us-east-1a")})).Subnet.SubnetId
	igwB := *must[*ec2.CreateInternetGatewayOutput](t)(B.ec2.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})).InternetGateway.InternetGatewayId
	qlcB := *must[*route53resolver.CreateResolverQueryLogConfigOutput](t)(B.resolver.CreateResolverQueryLogConfig(ctx, &route53resolver.CreateResolverQueryLogConfigInput{
		Name: aws.String("b"), CreatorRequestId: aws.String("qlb"), DestinationArn: aws.String("arn:aws:logs:us-east-1:" + b + ":log-group:dns")})).ResolverQueryLogConfig.Id

	t.Run("lists", func(t *testing.T) {
		for _, tc := range []struct {
			name     string
			as       string
			count    func() (int, error)
			want     int
			wantOwns string // the owner every listed item reports, "" for no owner member
		}{
			{"DescribeVpcs A", a, func() (int, error) {
				o, err := A.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
				return countOwned(o, err, func(o *ec2.DescribeVpcsOutput) []string {
					return owners(o.Vpcs, func(v ec2types.Vpc) *string { return v.OwnerId })
				}, a)
			}, 1, a},
			{"DescribeVpcs B", b, func() (int, error) {
				o, err := B.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
				return countOwned(o, err, func(o *ec2.DescribeVpcsOutput) []string {
					return owners(o.Vpcs, func(v ec2types.Vpc) *string { return v.OwnerId })
				}, b)
			}, 1, b},
			{"DescribeSubnets B", b, func() (int, error) {
				o, err := B.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
				return countOwned(o, err, func(o *ec2.DescribeSubnetsOutput) []string {
					return owners(o.Subnets, func(v ec2types.Subnet) *string { return v.OwnerId })
				}, b)
			}, 1, b},
			{"DescribeSecurityGroups B: the default group of its VPC", b, func() (int, error) {
				o, err := B.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
				return countOwned(o, err, func(o *ec2.DescribeSecurityGroupsOutput) []string {
					return owners(o.SecurityGroups, func(v ec2types.SecurityGroup) *string { return v.OwnerId })
				}, b)
			}, 1, b},
			{"DescribeRouteTables B", b, func() (int, error) {
				o, err := B.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{})
				return countOwned(o, err, func(o *ec2.DescribeRouteTablesOutput) []string {
					return owners(o.RouteTables, func(v ec2types.RouteTable) *string { return v.OwnerId })
				}, b)
			}, 1, b},
			{"DescribeNetworkAcls B", b, func() (int, error) {
				o, err := B.ec2.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{})
				return countOwned(o, err, func(o *ec2.DescribeNetworkAclsOutput) []string {
					return owners(o.NetworkAcls, func(v ec2types.NetworkAcl) *string { return v.OwnerId })
				}, b)
			}, 1, b},
			{"DescribeInternetGateways B", b, func() (int, error) {
				o, err := B.ec2.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{})
				return countOwned(o, err, func(o *ec2.DescribeInternetGatewaysOutput) []string {
					return owners(o.InternetGateways, func(v ec2types.InternetGateway) *string { return v.OwnerId })
				}, b)
			}, 1, b},
			{"DescribeTransitGateways B", b, func() (int, error) {
				o, err := B.ec2.DescribeTransitGateways(ctx, &ec2.DescribeTransitGatewaysInput{})
				return lenOf(o, err, func(o *ec2.DescribeTransitGatewaysOutput) int { return len(o.TransitGateways) })
			}, 0, ""},
			{"DescribeCustomerGateways B", b, func() (int, error) {
				o, err := B.ec2.DescribeCustomerGateways(ctx, &ec2.DescribeCustomerGatewaysInput{})
				return lenOf(o, err, func(o *ec2.DescribeCustomerGatewaysOutput) int { return len(o.CustomerGateways) })
			}, 0, ""},
			{"DescribeNetworkInterfaces B", b, func() (int, error) {
				o, err := B.ec2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{})
				return lenOf(o, err, func(o *ec2.DescribeNetworkInterfacesOutput) int { return len(o.NetworkInterfaces) })
			}, 0, ""},
			{"DescribeNetworkInterfaces A: the endpoint's", a, func() (int, error) {
				o, err := A.ec2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{})
				return countOwned(o, err, func(o *ec2.DescribeNetworkInterfacesOutput) []string {
					return owners(o.NetworkInterfaces, func(v ec2types.NetworkInterface) *string { return v.OwnerId })
				}, a)
			}, 2, a},
			{"ListResolverEndpoints B", b, func() (int, error) {
				o, err := B.resolver.ListResolverEndpoints(ctx, &route53resolver.ListResolverEndpointsInput{})
				return lenOf(o, err, func(o *route53resolver.ListResolverEndpointsOutput) int { return len(o.ResolverEndpoints) })
			}, 0, ""},
			{"ListResolverEndpoints A", a, func() (int, error) {
				o, err := A.resolver.ListResolverEndpoints(ctx, &route53resolver.ListResolverEndpointsInput{})
				return lenOf(o, err, func(o *route53resolver.ListResolverEndpointsOutput) int { return len(o.ResolverEndpoints) })
			}, 1, ""},
			{"ListResolverQueryLogConfigs B", b, func() (int, error) {
				o, err := B.resolver.ListResolverQueryLogConfigs(ctx, &route53resolver.ListResolverQueryLogConfigsInput{})
				return countOwned(o, err, func(o *route53resolver.ListResolverQueryLogConfigsOutput) []string {
					return owners(o.ResolverQueryLogConfigs, func(v rtypes.ResolverQueryLogConfig) *string { return v.OwnerId })
				}, b)
			}, 1, b},
			{"ListResolverQueryLogConfigs A", a, func() (int, error) {
				o, err := A.resolver.ListResolverQueryLogConfigs(ctx, &route53resolver.ListResolverQueryLogConfigsInput{})
				return countOwned(o, err, func(o *route53resolver.ListResolverQueryLogConfigsOutput) []string {
					return owners(o.ResolverQueryLogConfigs, func(v rtypes.ResolverQueryLogConfig) *string { return v.OwnerId })
				}, a)
			}, 1, a},
			{"ListResolverQueryLogConfigAssociations B", b, func() (int, error) {
				o, err := B.resolver.ListResolverQueryLogConfigAssociations(ctx, &route53resolver.ListResolverQueryLogConfigAssociationsInput{})
				return lenOf(o, err, func(o *route53resolver.ListResolverQueryLogConfigAssociationsOutput) int {
					return len(o.ResolverQueryLogConfigAssociations)
				})
			}, 0, ""},
			{"ListResolverRuleAssociations B: its VPC's Internet Resolver", b, func() (int, error) {
				o, err := B.resolver.ListResolverRuleAssociations(ctx, &route53resolver.ListResolverRuleAssociationsInput{})
				return lenOf(o, err, func(o *route53resolver.ListResolverRuleAssociationsOutput) int {
					return len(o.ResolverRuleAssociations)
				})
			}, 1, ""},
			{"ListResolverConfigs B", b, func() (int, error) {
				o, err := B.resolver.ListResolverConfigs(ctx, &route53resolver.ListResolverConfigsInput{})
				return countOwned(o, err, func(o *route53resolver.ListResolverConfigsOutput) []string {
					return owners(o.ResolverConfigs, func(v rtypes.ResolverConfig) *string { return v.OwnerId })
				}, b)
			}, 1, b},
			{"ListResolverDnssecConfigs B", b, func() (int, error) {
				o, err := B.resolver.ListResolverDnssecConfigs(ctx, &route53resolver.ListResolverDnssecConfigsInput{})
				return lenOf(o, err, func(o *route53resolver.ListResolverDnssecConfigsOutput) int { return len(o.ResolverDnssecConfigs) })
			}, 1, ""},
			{"ListHostedZones B", b, func() (int, error) {
				o, err := r53B.ListHostedZones(ctx, &route53.ListHostedZonesInput{})
				return lenOf(o, err, func(o *route53.ListHostedZonesOutput) int { return len(o.HostedZones) })
			}, 0, ""},
			{"ListHostedZones A", a, func() (int, error) {
				o, err := r53A.ListHostedZones(ctx, &route53.ListHostedZonesInput{})
				return lenOf(o, err, func(o *route53.ListHostedZonesOutput) int { return len(o.HostedZones) })
			}, 1, ""},
			{"GetHostedZoneCount B", b, func() (int, error) {
				o, err := r53B.GetHostedZoneCount(ctx, &route53.GetHostedZoneCountInput{})
				return lenOf(o, err, func(o *route53.GetHostedZoneCountOutput) int { return int(*o.HostedZoneCount) })
			}, 0, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := tc.count()
				if err != nil {
					t.Fatal(err)
				}
				if got != tc.want {
					t.Errorf("%d listed, want %d", got, tc.want)
				}
			})
		}
	})

	t.Run("another account's resource is not found", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			call func() error
			code string
		}{
			{"DescribeVpcs by id", func() error {
				_, err := B.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{vpcA}})
				return err
			}, "InvalidVpcID.NotFound"},
			{"DeleteVpc", func() error { _, err := B.ec2.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: &vpcA}); return err }, "InvalidVpcID.NotFound"},
			{"CreateSubnet in its VPC", func() error {
				_, err := B.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &vpcA, CidrBlock: aws.String("10.1.9.0/24")})
				return err
			}, "InvalidVpcID.NotFound"},
			{"ModifySubnetAttribute", func() error {
				_, err := B.ec2.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{SubnetId: &subA1, MapPublicIpOnLaunch: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}})
				return err
			}, "InvalidSubnetID.NotFound"},
			{"AuthorizeSecurityGroupIngress", func() error {
				_, err := B.ec2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &sgA, IpPermissions: []ec2types.IpPermission{
					{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(53), ToPort: aws.Int32(53), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/8")}}}}})
				return err
			}, "InvalidGroup.NotFound"},
			{"AttachInternetGateway: its gateway", func() error {
				_, err := B.ec2.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: &igwA, VpcId: &vpcB})
				return err
			}, "InvalidInternetGatewayID.NotFound"},
			{"AttachInternetGateway: to its VPC", func() error {
				_, err := B.ec2.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: &igwB, VpcId: &vpcA})
				return err
			}, "InvalidVpcID.NotFound"},
			{"CreateTransitGatewayVpcAttachment: its gateway, not shared", func() error {
				_, err := B.ec2.CreateTransitGatewayVpcAttachment(ctx, &ec2.CreateTransitGatewayVpcAttachmentInput{TransitGatewayId: &tgwA, VpcId: &vpcB, SubnetIds: []string{subB}})
				return err
			}, "InvalidTransitGatewayID.NotFound"},
			{"DeleteCustomerGateway", func() error {
				_, err := B.ec2.DeleteCustomerGateway(ctx, &ec2.DeleteCustomerGatewayInput{CustomerGatewayId: &cgwA})
				return err
			}, "InvalidCustomerGatewayID.NotFound"},
			{"CreateTags on its subnet", func() error {
				_, err := B.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{subA1}, Tags: []ec2types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
				return err
			}, "InvalidSubnetID.NotFound"},
			{"GetResolverEndpoint", func() error {
				_, err := B.resolver.GetResolverEndpoint(ctx, &route53resolver.GetResolverEndpointInput{ResolverEndpointId: &epA})
				return err
			}, "ResourceNotFoundException"},
			{"DeleteResolverEndpoint", func() error {
				_, err := B.resolver.DeleteResolverEndpoint(ctx, &route53resolver.DeleteResolverEndpointInput{ResolverEndpointId: &epA})
				return err
			}, "ResourceNotFoundException"},
			{"CreateResolverRule on its endpoint", func() error {
				_, err := B.resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{CreatorRequestId: aws.String("r"), RuleType: rtypes.RuleTypeOptionForward,
					DomainName: aws.String("corp.example"), ResolverEndpointId: &epA, TargetIps: []rtypes.TargetAddress{{Ip: aws.String("192.168.10.53")}}})
				return err
			}, "ResourceNotFoundException"},
			{"CreateResolverEndpoint in its subnets", func() error {
				sgB := *must[*ec2.CreateSecurityGroupOutput](t)(B.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("b"), Description: aws.String("b"), VpcId: &vpcB})).GroupId
				_, err := B.resolver.CreateResolverEndpoint(ctx, &route53resolver.CreateResolverEndpointInput{CreatorRequestId: aws.String("epb"), Direction: rtypes.ResolverEndpointDirectionOutbound,
					SecurityGroupIds: []string{sgB}, IpAddresses: []rtypes.IpAddressRequest{{SubnetId: &subA1}, {SubnetId: &subA2}}})
				return err
			}, "InvalidParameterException"},
			{"CreateResolverEndpoint with its security group", func() error {
				_, err := B.resolver.CreateResolverEndpoint(ctx, &route53resolver.CreateResolverEndpointInput{CreatorRequestId: aws.String("epc"), Direction: rtypes.ResolverEndpointDirectionOutbound,
					SecurityGroupIds: []string{sgA}, IpAddresses: []rtypes.IpAddressRequest{{SubnetId: &subB}, {SubnetId: &subB, Ip: aws.String("10.2.1.10")}}})
				return err
			}, "InvalidParameterException"},
			{"GetResolverQueryLogConfig", func() error {
				_, err := B.resolver.GetResolverQueryLogConfig(ctx, &route53resolver.GetResolverQueryLogConfigInput{ResolverQueryLogConfigId: &qlcA})
				return err
			}, "ResourceNotFoundException"},
			{"AssociateResolverQueryLogConfig: its config", func() error {
				_, err := B.resolver.AssociateResolverQueryLogConfig(ctx, &route53resolver.AssociateResolverQueryLogConfigInput{ResolverQueryLogConfigId: &qlcA, ResourceId: &vpcB})
				return err
			}, "ResourceNotFoundException"},
			{"AssociateResolverQueryLogConfig: with its VPC", func() error {
				_, err := B.resolver.AssociateResolverQueryLogConfig(ctx, &route53resolver.AssociateResolverQueryLogConfigInput{ResolverQueryLogConfigId: &qlcB, ResourceId: &vpcA})
				return err
			}, "ResourceNotFoundException"},
			{"GetResolverConfig of its VPC", func() error {
				_, err := B.resolver.GetResolverConfig(ctx, &route53resolver.GetResolverConfigInput{ResourceId: &vpcA})
				return err
			}, "ResourceNotFoundException"},
			{"UpdateResolverDnssecConfig of its VPC", func() error {
				_, err := B.resolver.UpdateResolverDnssecConfig(ctx, &route53resolver.UpdateResolverDnssecConfigInput{ResourceId: &vpcA, Validation: rtypes.ValidationEnable})
				return err
			}, "ResourceNotFoundException"},
			{"GetHostedZone", func() error { _, err := r53B.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: zoneA}); return err }, "NoSuchHostedZone"},
			{"ChangeResourceRecordSets", func() error {
				_, err := r53B.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: zoneA, ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{{
					Action: r53types.ChangeActionCreate, ResourceRecordSet: &r53types.ResourceRecordSet{Name: aws.String("x.a.example"), Type: r53types.RRTypeA, TTL: aws.Int64(60),
						ResourceRecords: []r53types.ResourceRecord{{Value: aws.String("10.1.1.9")}}}}}}})
				return err
			}, "NoSuchHostedZone"},
			{"ListResourceRecordSets", func() error {
				_, err := r53B.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: zoneA})
				return err
			}, "NoSuchHostedZone"},
			{"ListTagsForResource", func() error {
				_, err := r53B.ListTagsForResource(ctx, &route53.ListTagsForResourceInput{ResourceType: r53types.TagResourceTypeHostedzone, ResourceId: zoneA})
				return err
			}, "NoSuchHostedZone"},
			{"ListTagsForResources", func() error {
				_, err := r53B.ListTagsForResources(ctx, &route53.ListTagsForResourcesInput{ResourceType: r53types.TagResourceTypeHostedzone, ResourceIds: []string{strings.TrimPrefix(*zoneA, "/hostedzone/")}})
				return err
			}, "NoSuchHostedZone"},
			{"DeleteHostedZone", func() error {
				_, err := r53B.DeleteHostedZone(ctx, &route53.DeleteHostedZoneInput{Id: zoneA})
				return err
			}, "NoSuchHostedZone"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := apiCode(t, tc.call()); got != tc.code {
					t.Errorf("code %q, want %q", got, tc.code)
				}
			})
		}
	})

	// The owner still sees and changes what B could not.
	if _, err := A.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{vpcA}}); err != nil {
		t.Errorf("A describes its VPC: %v", err)
	}
	if _, err := r53A.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: zoneA}); err != nil {
		t.Errorf("A gets its zone: %v", err)
	}
	if _, err := r53A.ListTagsForResources(ctx, &route53.ListTagsForResourcesInput{ResourceType: r53types.TagResourceTypeHostedzone, ResourceIds: []string{strings.TrimPrefix(*zoneA, "/hostedzone/")}}); err != nil {
		t.Errorf("A lists its zone's tags: %v", err)
	}
	if _, err := A.resolver.GetResolverEndpoint(ctx, &route53resolver.GetResolverEndpointInput{ResolverEndpointId: &epA}); err != nil {
		t.Errorf("A gets its endpoint: %v", err)
	}
}

func owners[T any](items []T, id func(T) *string) []string {
	var out []string
	for _, it := range items {
		out = append(out, aws.ToString(id(it)))
	}
	return out
}

// countOwned counts the items of a list; each must report owner.
func countOwned[O any](o O, err error, get func(O) []string, owner string) (int, error) {
	if err != nil {
		return 0, err
	}
	got := get(o)
	for _, w := range got {
		if w != owner {
			return len(got), &ownerError{w, owner}
		}
	}
	return len(got), nil
}

func lenOf[O any](o O, err error, n func(O) int) (int, error) {
	if err != nil {
		return 0, err
	}
	return n(o), nil
}

type ownerError struct{ got, want string }

func (e *ownerError) Error() string { return "an item is owned by " + e.got + ", want " + e.want }
