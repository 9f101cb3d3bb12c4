package awsapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
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

// leak matches what an API error must never show: a network.yaml path
// (resolver_rules[3].target_ips), a network.yaml key, or a Go type or
// package name.
var leak = regexp.MustCompile(`[a-z]+_[a-z_]+|\w\[\d+\]|\*?\b[a-z][a-z0-9]*\.[A-Z]\w*|\[\][a-z]|\bGo value\b|\bjson: |\bxml: `)

// TestErrorsInAWSWords: bad requests get the error codes botocore models
// for them, and messages in the API's words.
func TestErrorsInAWSWords(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	ep := createEndpoint(t, e, n)
	for _, tt := range []struct {
		name string
		call func() error
		code string
	}{
		{"malformed vpc cidr", func() error {
			_, err := e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("banana")})
			return err
		}, "InvalidParameterValue"},
		{"vpc cidr too large", func() error {
			_, err := e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/8")})
			return err
		}, "InvalidVpc.Range"},
		{"malformed subnet cidr", func() error {
			_, err := e.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &n.vpc, CidrBlock: aws.String("10.0.300.0/24")})
			return err
		}, "InvalidParameterValue"},
		{"subnet outside its vpc", func() error {
			_, err := e.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &n.vpc, CidrBlock: aws.String("10.9.0.0/24")})
			return err
		}, "InvalidSubnet.Range"},
		{"malformed route destination", func() error {
			rts, err := e.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{n.vpc}}}})
			if err != nil {
				return err
			}
			_, err = e.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rts.RouteTables[0].RouteTableId, DestinationCidrBlock: aws.String("1.2.3/8"), GatewayId: aws.String("local")})
			return err
		}, "InvalidParameterValue"},
		{"malformed network acl entry cidr", func() error {
			acl, err := e.ec2.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: &n.vpc})
			if err != nil {
				return err
			}
			_, err = e.ec2.CreateNetworkAclEntry(ctx, &ec2.CreateNetworkAclEntryInput{NetworkAclId: acl.NetworkAcl.NetworkAclId, RuleNumber: aws.Int32(10),
				Protocol: aws.String("-1"), RuleAction: ec2types.RuleActionAllow, Egress: aws.Bool(false), CidrBlock: aws.String("0.0.0.0/99")})
			return err
		}, "InvalidParameterValue"},
		{"resolver endpoint with one address", func() error {
			_, err := e.resolver.CreateResolverEndpoint(ctx, &route53resolver.CreateResolverEndpointInput{
				CreatorRequestId: aws.String("one-ip"), Direction: rtypes.ResolverEndpointDirectionOutbound,
				SecurityGroupIds: []string{n.sg}, IpAddresses: []rtypes.IpAddressRequest{{SubnetId: &n.subnetA}}})
			return err
		}, "InvalidRequestException"},
		{"rule target not an address", func() error {
			_, err := e.resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{
				CreatorRequestId: aws.String("bad-target"), RuleType: rtypes.RuleTypeOptionForward, DomainName: aws.String("corp.example"),
				ResolverEndpointId: &ep, TargetIps: []rtypes.TargetAddress{{Ip: aws.String("192.168.1.300")}}})
			return err
		}, "InvalidParameterException"},
		{"endpoint address outside its subnet", func() error {
			_, err := e.resolver.AssociateResolverEndpointIpAddress(ctx, &route53resolver.AssociateResolverEndpointIpAddressInput{
				ResolverEndpointId: &ep, IpAddress: &rtypes.IpAddressUpdate{SubnetId: &n.subnetA, Ip: aws.String("10.0.2.99")}})
			return err
		}, "InvalidParameterException"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var ae smithy.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("error %v, want %s", err, tt.code)
			}
			if ae.ErrorCode() != tt.code {
				t.Errorf("code %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), tt.code)
			}
			if m := leak.FindString(ae.ErrorMessage()); m != "" {
				t.Errorf("message %q shows %q", ae.ErrorMessage(), m)
			}
		})
	}
}

// TestSerializationErrors: a member of the wrong JSON type is AWS's
// SerializationException, naming the member, for every operation.
func TestSerializationErrors(t *testing.T) {
	e := newEnv(t, envOpts{})
	for _, tt := range []struct {
		name, op, body, member string
	}{
		{"number for a string", "CreateResolverRule", `{"CreatorRequestId":7}`, "CreatorRequestId"},
		{"string for a number", "ListResolverRules", `{"MaxResults":"many"}`, "MaxResults"},
		{"object for a list", "CreateResolverEndpoint", `{"SecurityGroupIds":{"a":1}}`, "SecurityGroupIds"},
		{"list for a structure", "AssociateResolverEndpointIpAddress", `{"IpAddress":[]}`, "IpAddress"},
		{"string for a boolean", "UpdateFirewallRuleGroupAssociation", `{"FirewallRuleGroupAssociationId":"x","Priority":"high"}`, "Priority"},
		{"not JSON", "GetResolverRule", `{"ResolverRuleId":`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", e.srv.URL+"/", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			req.Header.Set("X-Amz-Target", "Route53Resolver."+tt.op)
			resp, b := do(t, req)
			var je struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			json.Unmarshal(b, &je)
			if resp.StatusCode != 400 || je.Type != "SerializationException" || resp.Header.Get("X-Amzn-ErrorType") != "SerializationException" {
				t.Errorf("%d %s, want 400 SerializationException", resp.StatusCode, b)
			}
			if !strings.Contains(je.Message, tt.member) {
				t.Errorf("message %q does not name member %s", je.Message, tt.member)
			}
			if m := leak.FindString(je.Message); m != "" {
				t.Errorf("message %q shows %q", je.Message, m)
			}
		})
	}
}
