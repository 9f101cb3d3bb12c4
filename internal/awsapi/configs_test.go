package awsapi_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	rtypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"
)

func TestResolverConfigsQueryLogsAndTags(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)

	rc := must[*route53resolver.GetResolverConfigOutput](t)(e.resolver.GetResolverConfig(ctx, &route53resolver.GetResolverConfigInput{ResourceId: &n.vpc}))
	if rc.ResolverConfig.AutodefinedReverse != rtypes.ResolverAutodefinedReverseStatusEnabled || !strings.HasPrefix(*rc.ResolverConfig.Id, "rslvr-rc-") {
		t.Errorf("resolver config %+v", rc.ResolverConfig)
	}
	up := must[*route53resolver.UpdateResolverConfigOutput](t)(e.resolver.UpdateResolverConfig(ctx, &route53resolver.UpdateResolverConfigInput{
		ResourceId: &n.vpc, AutodefinedReverseFlag: rtypes.AutodefinedReverseFlagDisable}))
	if up.ResolverConfig.AutodefinedReverse != rtypes.ResolverAutodefinedReverseStatusDisabled || *up.ResolverConfig.Id != *rc.ResolverConfig.Id {
		t.Errorf("updated resolver config %+v", up.ResolverConfig)
	}
	if e.store.Network().VPCs[0].AutodefinedReverse {
		t.Errorf("autodefined reverse still on in the network")
	}
	list := must[*route53resolver.ListResolverConfigsOutput](t)(e.resolver.ListResolverConfigs(ctx, &route53resolver.ListResolverConfigsInput{}))
	if len(list.ResolverConfigs) != 1 {
		t.Errorf("resolver configs %+v", list.ResolverConfigs)
	} else if c := list.ResolverConfigs[0]; *c.Id != *rc.ResolverConfig.Id || *c.ResourceId != n.vpc ||
		c.AutodefinedReverse != rtypes.ResolverAutodefinedReverseStatusDisabled {
		t.Errorf("listed resolver config %+v, want %s of %s DISABLED", c, *rc.ResolverConfig.Id, n.vpc)
	}
	_, err := e.resolver.UpdateResolverConfig(ctx, &route53resolver.UpdateResolverConfigInput{
		ResourceId: &n.vpc, AutodefinedReverseFlag: "SOMETIMES"})
	var param *rtypes.InvalidParameterException
	if !errorAs(err, &param) || param.FieldName == nil || *param.FieldName != "AutodefinedReverseFlag" {
		t.Errorf("bad AutodefinedReverseFlag: %v, want InvalidParameterException with FieldName AutodefinedReverseFlag", err)
	}
	_, err = e.resolver.GetResolverConfig(ctx, &route53resolver.GetResolverConfigInput{ResourceId: aws.String("vpc-00000000000000000")})
	if code := apiCode(t, err); code != "ResourceNotFoundException" {
		t.Errorf("unknown VPC: %v", err)
	}

	d := must[*route53resolver.UpdateResolverDnssecConfigOutput](t)(e.resolver.UpdateResolverDnssecConfig(ctx, &route53resolver.UpdateResolverDnssecConfigInput{
		ResourceId: &n.vpc, Validation: rtypes.ValidationEnable}))
	if d.ResolverDNSSECConfig.ValidationStatus != rtypes.ResolverDNSSECValidationStatusEnabled {
		t.Errorf("dnssec %+v", d.ResolverDNSSECConfig)
	}
	dl := must[*route53resolver.ListResolverDnssecConfigsOutput](t)(e.resolver.ListResolverDnssecConfigs(ctx, &route53resolver.ListResolverDnssecConfigsInput{}))
	if len(dl.ResolverDnssecConfigs) != 1 || dl.ResolverDnssecConfigs[0].ValidationStatus != rtypes.ResolverDNSSECValidationStatusEnabled {
		t.Errorf("dnssec configs %+v", dl.ResolverDnssecConfigs)
	}

	// A query logging configuration joins the network with its first VPC.
	q := must[*route53resolver.CreateResolverQueryLogConfigOutput](t)(e.resolver.CreateResolverQueryLogConfig(ctx, &route53resolver.CreateResolverQueryLogConfigInput{
		Name: aws.String("all"), CreatorRequestId: aws.String("qlc-1"),
		DestinationArn: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:dns"),
		Tags:           []rtypes.Tag{{Key: aws.String("vpcdns:destination"), Value: aws.String("stdout")}}}))
	qid := q.ResolverQueryLogConfig.Id
	if !strings.HasPrefix(*qid, "rslvr-qlc-") || q.ResolverQueryLogConfig.Status != rtypes.ResolverQueryLogConfigStatusCreated || len(e.store.Network().QueryLogs) != 0 {
		t.Errorf("query log config %+v", q.ResolverQueryLogConfig)
	}
	qa := must[*route53resolver.AssociateResolverQueryLogConfigOutput](t)(e.resolver.AssociateResolverQueryLogConfig(ctx, &route53resolver.AssociateResolverQueryLogConfigInput{
		ResolverQueryLogConfigId: qid, ResourceId: &n.vpc}))
	if !strings.HasPrefix(*qa.ResolverQueryLogConfigAssociation.Id, "rslvr-qlcassoc-") {
		t.Errorf("query log association %+v", qa.ResolverQueryLogConfigAssociation)
	}
	if ql := e.store.Network().QueryLogs; len(ql) != 1 || ql[0].Destination != "stdout" || ql[0].VPCs[0].ID != n.vpc {
		t.Errorf("network query logs %+v", ql)
	}
	_, err = e.resolver.DeleteResolverQueryLogConfig(ctx, &route53resolver.DeleteResolverQueryLogConfigInput{ResolverQueryLogConfigId: qid})
	if code := apiCode(t, err); code != "InvalidRequestException" {
		t.Errorf("delete associated query log config: %v", err)
	}
	ql := must[*route53resolver.ListResolverQueryLogConfigsOutput](t)(e.resolver.ListResolverQueryLogConfigs(ctx, &route53resolver.ListResolverQueryLogConfigsInput{}))
	if ql.TotalCount != 1 || ql.ResolverQueryLogConfigs[0].AssociationCount != 1 {
		t.Errorf("query log configs %+v", ql)
	}
	must[*route53resolver.DisassociateResolverQueryLogConfigOutput](t)(e.resolver.DisassociateResolverQueryLogConfig(ctx, &route53resolver.DisassociateResolverQueryLogConfigInput{
		ResolverQueryLogConfigId: qid, ResourceId: &n.vpc}))
	must[*route53resolver.DeleteResolverQueryLogConfigOutput](t)(e.resolver.DeleteResolverQueryLogConfig(ctx, &route53resolver.DeleteResolverQueryLogConfigInput{ResolverQueryLogConfigId: qid}))

	// Tags of a rule, and the listen tag of an inbound endpoint.
	ep := createEndpoint(t, e, n)
	rule := createRule(t, e, "rule-t", "corp.example", ep)
	must[*route53resolver.TagResourceOutput](t)(e.resolver.TagResource(ctx, &route53resolver.TagResourceInput{ResourceArn: rule.Arn,
		Tags: []rtypes.Tag{{Key: aws.String("team"), Value: aws.String("dns")}, {Key: aws.String("env"), Value: aws.String("test")}}}))
	must[*route53resolver.UntagResourceOutput](t)(e.resolver.UntagResource(ctx, &route53resolver.UntagResourceInput{ResourceArn: rule.Arn, TagKeys: []string{"env"}}))
	tags := must[*route53resolver.ListTagsForResourceOutput](t)(e.resolver.ListTagsForResource(ctx, &route53resolver.ListTagsForResourceInput{ResourceArn: rule.Arn}))
	if len(tags.Tags) != 1 || *tags.Tags[0].Key != "team" {
		t.Errorf("tags %+v", tags.Tags)
	}
	in := must[*route53resolver.CreateResolverEndpointOutput](t)(e.resolver.CreateResolverEndpoint(ctx, &route53resolver.CreateResolverEndpointInput{
		CreatorRequestId: aws.String("in-1"), Direction: rtypes.ResolverEndpointDirectionInbound, SecurityGroupIds: []string{n.sg},
		IpAddresses: []rtypes.IpAddressRequest{{SubnetId: &n.subnetA, Ip: aws.String("10.0.1.53")}, {SubnetId: &n.subnetB}},
		Tags:        []rtypes.Tag{{Key: aws.String("vpcdns:listen"), Value: aws.String("127.0.0.1:15354")}}}))
	if !strings.HasPrefix(*in.ResolverEndpoint.Id, "rslvr-in-") {
		t.Errorf("inbound endpoint %+v", in.ResolverEndpoint)
	}
	net := e.store.Network()
	if l := net.Endpoints[1].Listen; len(l) != 1 || l[0].String() != "127.0.0.1:15354" || net.Endpoints[1].Addresses[0].IP.String() != "10.0.1.53" ||
		net.Endpoints[1].Addresses[1].IP.String() != "10.0.2.5" {
		t.Errorf("inbound endpoint in the network %+v", net.Endpoints[1])
	}
	_, err = e.resolver.TagResource(ctx, &route53resolver.TagResourceInput{ResourceArn: aws.String("arn:aws:route53resolver:us-east-1:000000000000:resolver-rule/rslvr-rr-00000000000000000"),
		Tags: []rtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	if code := apiCode(t, err); code != "ResourceNotFoundException" {
		t.Errorf("tag unknown rule: %v", err)
	}

	// Addresses of an endpoint: one more, then one fewer; never below two.
	must[*route53resolver.AssociateResolverEndpointIpAddressOutput](t)(e.resolver.AssociateResolverEndpointIpAddress(ctx, &route53resolver.AssociateResolverEndpointIpAddressInput{
		ResolverEndpointId: in.ResolverEndpoint.Id, IpAddress: &rtypes.IpAddressUpdate{SubnetId: &n.subnetB, Ip: aws.String("10.0.2.53")}}))
	dis := must[*route53resolver.DisassociateResolverEndpointIpAddressOutput](t)(e.resolver.DisassociateResolverEndpointIpAddress(ctx, &route53resolver.DisassociateResolverEndpointIpAddressInput{
		ResolverEndpointId: in.ResolverEndpoint.Id, IpAddress: &rtypes.IpAddressUpdate{Ip: aws.String("10.0.1.53")}}))
	if *dis.ResolverEndpoint.IpAddressCount != 2 {
		t.Errorf("addresses after one out: %d", *dis.ResolverEndpoint.IpAddressCount)
	}
	_, err = e.resolver.DisassociateResolverEndpointIpAddress(ctx, &route53resolver.DisassociateResolverEndpointIpAddressInput{
		ResolverEndpointId: in.ResolverEndpoint.Id, IpAddress: &rtypes.IpAddressUpdate{Ip: aws.String("10.0.2.53")}})
	if code := apiCode(t, err); code != "InvalidRequestException" {
		t.Errorf("below two addresses: %v", err)
	}
}
