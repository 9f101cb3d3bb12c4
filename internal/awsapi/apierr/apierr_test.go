package apierr

import (
	"errors"
	"testing"

	"github.com/vpcdns/vpcdns/internal/config"
)

func TestCodes(t *testing.T) {
	for _, tt := range []struct {
		err                    *Error
		resolver, ec2, route53 string
		r53Status              int
	}{
		{New(NotFound, ResVPC, ""), "ResourceNotFoundException", "InvalidVpcID.NotFound", "InvalidVPCId", 400},
		{New(NotFound, ResHostedZone, ""), "ResourceNotFoundException", "InvalidID", "NoSuchHostedZone", 404},
		{New(NotFound, ResSubnet, ""), "ResourceNotFoundException", "InvalidSubnetID.NotFound", "InvalidInput", 404},
		{New(InUse, ResRule, ""), "ResourceInUseException", "DependencyViolation", "HostedZoneNotEmpty", 400},
		{New(Exists, ResSecurityGroup, ""), "ResourceExistsException", "InvalidGroup.Duplicate", "HostedZoneAlreadyExists", 409},
		{New(Conflict, ResSubnet, ""), "InvalidRequestException", "InvalidSubnet.Conflict", "ConflictingDomainExists", 400},
		{Param("TargetIps", ""), "InvalidParameterException", "InvalidParameterValue", "InvalidInput", 400},
		{Missing("VpcId"), "InvalidParameterException", "MissingParameter", "InvalidInput", 400},
		{New(InvalidRequest, ResPeering, ""), "InvalidRequestException", "InvalidStateTransition", "InvalidInput", 400},
		{&Error{Kind: UnknownKey}, "UnrecognizedClientException", "AuthFailure", "InvalidClientTokenId", 403},
		{&Error{Kind: BadSignature}, "InvalidSignatureException", "SignatureDoesNotMatch", "SignatureDoesNotMatch", 403},
		{&Error{Kind: Internal}, "InternalServiceErrorException", "InternalError", "InternalFailure", 500},
		{&Error{Kind: Unavailable}, "ServiceUnavailable", "ServiceUnavailable", "ServiceUnavailable", 503},
	} {
		if got := tt.err.Code(Resolver); got != tt.resolver {
			t.Errorf("%v %q resolver: %s, want %s", tt.err.Kind, tt.err.Resource, got, tt.resolver)
		}
		if got := tt.err.Code(EC2); got != tt.ec2 {
			t.Errorf("%v %q ec2: %s, want %s", tt.err.Kind, tt.err.Resource, got, tt.ec2)
		}
		if got := tt.err.Code(Route53); got != tt.route53 {
			t.Errorf("%v %q route53: %s, want %s", tt.err.Kind, tt.err.Resource, got, tt.route53)
		}
		if got := tt.err.Status(Route53); got != tt.r53Status {
			t.Errorf("%v %q route53 status: %d, want %d", tt.err.Kind, tt.err.Resource, got, tt.r53Status)
		}
	}
}

func TestFromProblems(t *testing.T) {
	ps := config.Problems{
		{File: "network", Path: "resolver_rules[3].target_ips[0].ip", Value: "192.168.1.300", Reason: "is not an IPv4 address"},
		{File: "network", Path: "resolver_rules[3].domain_name", Reason: "is required", Resource: "rslvr-rr-corp"},
		{File: "network", Path: "vpcs[2].id", Value: "vpc-1", Reason: "is already the id of vpc vpcs[0]"},
	}
	e := As(ps, map[string]string{"target_ips": "TargetIps", "ip": "Ip", "domain_name": "DomainName"})
	if e.Kind != InvalidParameter || e.Field != "TargetIps" {
		t.Errorf("kind %v field %q, want InvalidParameter TargetIps", e.Kind, e.Field)
	}
	// The caller wrote request members, not network.yaml: no path.
	want := `the change makes the network invalid: TargetIps "192.168.1.300" is not an IPv4 address; rslvr-rr-corp: DomainName is required; "vpc-1" is already the id of vpc in the network`
	if e.Message != want {
		t.Errorf("message %q\nwant    %q", e.Message, want)
	}
}

// TestInternalHidesGoNames: an internal failure's message keeps a plain
// cause and drops one that shows Go types or package names.
func TestInternalHidesGoNames(t *testing.T) {
	for _, tt := range []struct {
		name, err string
		want      string
	}{
		{"plain", "disk full", "vpcdns could not complete the request: disk full"},
		{"go type", "json: cannot unmarshal string into Go value of type config.File", "vpcdns could not complete the request: internal error"},
		{"pointer type", "bad *store.State", "vpcdns could not complete the request: internal error"},
		{"slice", "want []string", "vpcdns could not complete the request: internal error"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := As(errors.New(tt.err), nil)
			if e.Kind != Internal || e.Message != tt.want {
				t.Errorf("%v %q, want Internal %q", e.Kind, e.Message, tt.want)
			}
		})
	}
}
