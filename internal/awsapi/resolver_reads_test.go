package awsapi_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	rtypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"
)

// TestResolverGetListUpdate calls the Route 53 Resolver reads and updates
// no other test calls: each answer matches what was made, and the updates
// reach the network.
func TestResolverGetListUpdate(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	ep := createEndpoint(t, e, n)
	rule := createRule(t, e, "rr-1", "corp.example", ep)
	r := e.resolver

	q := must[*route53resolver.CreateResolverQueryLogConfigOutput](t)(r.CreateResolverQueryLogConfig(ctx, &route53resolver.CreateResolverQueryLogConfigInput{
		CreatorRequestId: aws.String("q1"), Name: aws.String("logs"), DestinationArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:dns")})).ResolverQueryLogConfig
	qa := must[*route53resolver.AssociateResolverQueryLogConfigOutput](t)(r.AssociateResolverQueryLogConfig(ctx, &route53resolver.AssociateResolverQueryLogConfigInput{
		ResolverQueryLogConfigId: q.Id, ResourceId: &n.vpc})).ResolverQueryLogConfigAssociation
	group := must[*route53resolver.CreateFirewallRuleGroupOutput](t)(r.CreateFirewallRuleGroup(ctx, &route53resolver.CreateFirewallRuleGroupInput{
		CreatorRequestId: aws.String("g1"), Name: aws.String("main")})).FirewallRuleGroup
	fa := must[*route53resolver.AssociateFirewallRuleGroupOutput](t)(r.AssociateFirewallRuleGroup(ctx, &route53resolver.AssociateFirewallRuleGroupInput{
		CreatorRequestId: aws.String("a1"), FirewallRuleGroupId: group.Id, VpcId: &n.vpc, Priority: aws.Int32(101), Name: aws.String("main-app")})).FirewallRuleGroupAssociation

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"GetResolverDnssecConfig of a new VPC is disabled", func(t *testing.T) {
			d := must[*route53resolver.GetResolverDnssecConfigOutput](t)(r.GetResolverDnssecConfig(ctx, &route53resolver.GetResolverDnssecConfigInput{ResourceId: &n.vpc})).ResolverDNSSECConfig
			if *d.ResourceId != n.vpc || d.ValidationStatus != rtypes.ResolverDNSSECValidationStatusDisabled {
				t.Errorf("dnssec config %+v", d)
			}
		}},
		{"ListResolverEndpoints lists the endpoint, and filters by direction", func(t *testing.T) {
			out := must[*route53resolver.ListResolverEndpointsOutput](t)(r.ListResolverEndpoints(ctx, &route53resolver.ListResolverEndpointsInput{}))
			if len(out.ResolverEndpoints) != 1 || *out.ResolverEndpoints[0].Id != ep || *out.ResolverEndpoints[0].IpAddressCount != 2 || *out.ResolverEndpoints[0].HostVPCId != n.vpc {
				t.Errorf("endpoints %+v", out.ResolverEndpoints)
			}
			in := must[*route53resolver.ListResolverEndpointsOutput](t)(r.ListResolverEndpoints(ctx, &route53resolver.ListResolverEndpointsInput{
				Filters: []rtypes.Filter{{Name: aws.String("Direction"), Values: []string{"INBOUND"}}}}))
			if len(in.ResolverEndpoints) != 0 {
				t.Errorf("inbound endpoints %+v", in.ResolverEndpoints)
			}
		}},
		{"UpdateResolverEndpoint renames it", func(t *testing.T) {
			out := must[*route53resolver.UpdateResolverEndpointOutput](t)(r.UpdateResolverEndpoint(ctx, &route53resolver.UpdateResolverEndpointInput{ResolverEndpointId: &ep, Name: aws.String("renamed")}))
			if *out.ResolverEndpoint.Name != "renamed" || *out.ResolverEndpoint.Id != ep {
				t.Errorf("updated endpoint %+v", out.ResolverEndpoint)
			}
			got := must[*route53resolver.GetResolverEndpointOutput](t)(r.GetResolverEndpoint(ctx, &route53resolver.GetResolverEndpointInput{ResolverEndpointId: &ep}))
			if *got.ResolverEndpoint.Name != "renamed" {
				t.Errorf("endpoint after update %+v", got.ResolverEndpoint)
			}
			if eps := e.store.Network().Endpoints; len(eps) != 1 || eps[0].Name != "renamed" {
				t.Errorf("network endpoint name %+v", eps)
			}
		}},
		{"UpdateResolverRule replaces the name and target IPs", func(t *testing.T) {
			out := must[*route53resolver.UpdateResolverRuleOutput](t)(r.UpdateResolverRule(ctx, &route53resolver.UpdateResolverRuleInput{ResolverRuleId: rule.Id,
				Config: &rtypes.ResolverRuleConfig{Name: aws.String("corp"), TargetIps: []rtypes.TargetAddress{{Ip: aws.String("192.168.30.53"), Port: aws.Int32(53)}}}}))
			if *out.ResolverRule.Name != "corp" || len(out.ResolverRule.TargetIps) != 1 || *out.ResolverRule.TargetIps[0].Ip != "192.168.30.53" {
				t.Errorf("updated rule %+v", out.ResolverRule)
			}
			found := false
			for _, nr := range e.store.Network().Rules {
				if nr.ID == *rule.Id {
					found = true
					if nr.Name != "corp" || len(nr.Targets) != 1 || nr.Targets[0].String() != "192.168.30.53:53" {
						t.Errorf("network rule %s %v", nr.Name, nr.Targets)
					}
				}
			}
			if !found {
				t.Errorf("rule %s not in the network", *rule.Id)
			}
		}},
		{"GetResolverQueryLogConfig and its association", func(t *testing.T) {
			got := must[*route53resolver.GetResolverQueryLogConfigOutput](t)(r.GetResolverQueryLogConfig(ctx, &route53resolver.GetResolverQueryLogConfigInput{ResolverQueryLogConfigId: q.Id})).ResolverQueryLogConfig
			if *got.Id != *q.Id || *got.Name != "logs" || got.AssociationCount != 1 || *got.DestinationArn != *q.DestinationArn {
				t.Errorf("query log config %+v", got)
			}
			a := must[*route53resolver.GetResolverQueryLogConfigAssociationOutput](t)(r.GetResolverQueryLogConfigAssociation(ctx, &route53resolver.GetResolverQueryLogConfigAssociationInput{
				ResolverQueryLogConfigAssociationId: qa.Id})).ResolverQueryLogConfigAssociation
			if *a.Id != *qa.Id || *a.ResourceId != n.vpc || *a.ResolverQueryLogConfigId != *q.Id || a.Status != rtypes.ResolverQueryLogConfigAssociationStatusActive {
				t.Errorf("query log association %+v", a)
			}
			list := must[*route53resolver.ListResolverQueryLogConfigAssociationsOutput](t)(r.ListResolverQueryLogConfigAssociations(ctx, &route53resolver.ListResolverQueryLogConfigAssociationsInput{}))
			if list.TotalCount != 1 || len(list.ResolverQueryLogConfigAssociations) != 1 || *list.ResolverQueryLogConfigAssociations[0].Id != *qa.Id {
				t.Errorf("query log associations %+v", list)
			}
			none := must[*route53resolver.ListResolverQueryLogConfigAssociationsOutput](t)(r.ListResolverQueryLogConfigAssociations(ctx, &route53resolver.ListResolverQueryLogConfigAssociationsInput{
				Filters: []rtypes.Filter{{Name: aws.String("ResourceId"), Values: []string{"vpc-00000000000000000"}}}}))
			if none.TotalCount != 1 || none.TotalFilteredCount != 0 || len(none.ResolverQueryLogConfigAssociations) != 0 {
				t.Errorf("filtered query log associations %+v", none)
			}
		}},
		{"ListResolverQueryLogConfigAssociations sorts by a known attribute only", func(t *testing.T) {
			l := must[*route53resolver.ListResolverQueryLogConfigAssociationsOutput](t)(r.ListResolverQueryLogConfigAssociations(ctx, &route53resolver.ListResolverQueryLogConfigAssociationsInput{
				SortBy: aws.String("ResourceId"), SortOrder: rtypes.SortOrderDescending}))
			if len(l.ResolverQueryLogConfigAssociations) != 1 {
				t.Errorf("sorted associations %+v", l.ResolverQueryLogConfigAssociations)
			}
			_, err := r.ListResolverQueryLogConfigAssociations(ctx, &route53resolver.ListResolverQueryLogConfigAssociationsInput{SortBy: aws.String("Colour")})
			if code := apiCode(t, err); code != "InvalidParameterException" {
				t.Errorf("sort by an unknown attribute: %v", err)
			}
		}},
		{"the destination tag sets where the query log writes", func(t *testing.T) {
			must[*route53resolver.TagResourceOutput](t)(r.TagResource(ctx, &route53resolver.TagResourceInput{ResourceArn: q.Arn,
				Tags: []rtypes.Tag{{Key: aws.String("vpcdns:destination"), Value: aws.String("file:dns.log")}}}))
			if ql := e.store.Network().QueryLogs; len(ql) != 1 || !strings.HasSuffix(ql[0].Destination, "dns.log") {
				t.Errorf("network query logs after tagging %+v", ql)
			}
			_, err := r.TagResource(ctx, &route53resolver.TagResourceInput{ResourceArn: q.Arn,
				Tags: []rtypes.Tag{{Key: aws.String("vpcdns:destination"), Value: aws.String("s3://bucket")}}})
			if code := apiCode(t, err); code != "InvalidParameterException" {
				t.Errorf("bad destination: %v", err)
			}
			must[*route53resolver.UntagResourceOutput](t)(r.UntagResource(ctx, &route53resolver.UntagResourceInput{ResourceArn: q.Arn, TagKeys: []string{"vpcdns:destination"}}))
			if ql := e.store.Network().QueryLogs; len(ql) != 1 || ql[0].Destination != "stdout" {
				t.Errorf("network query logs after untagging %+v", ql)
			}
		}},
		{"GetFirewallRuleGroup, ListFirewallRuleGroups", func(t *testing.T) {
			g := must[*route53resolver.GetFirewallRuleGroupOutput](t)(r.GetFirewallRuleGroup(ctx, &route53resolver.GetFirewallRuleGroupInput{FirewallRuleGroupId: group.Id})).FirewallRuleGroup
			if *g.Id != *group.Id || *g.Name != "main" || *g.Arn != *group.Arn {
				t.Errorf("rule group %+v", g)
			}
			l := must[*route53resolver.ListFirewallRuleGroupsOutput](t)(r.ListFirewallRuleGroups(ctx, &route53resolver.ListFirewallRuleGroupsInput{}))
			if len(l.FirewallRuleGroups) != 1 || *l.FirewallRuleGroups[0].Id != *group.Id || *l.FirewallRuleGroups[0].Name != "main" {
				t.Errorf("rule groups %+v", l.FirewallRuleGroups)
			}
		}},
		{"GetFirewallRuleGroupAssociation, ListFirewallRuleGroupAssociations", func(t *testing.T) {
			a := must[*route53resolver.GetFirewallRuleGroupAssociationOutput](t)(r.GetFirewallRuleGroupAssociation(ctx, &route53resolver.GetFirewallRuleGroupAssociationInput{
				FirewallRuleGroupAssociationId: fa.Id})).FirewallRuleGroupAssociation
			if *a.Id != *fa.Id || *a.VpcId != n.vpc || *a.Priority != 101 || *a.FirewallRuleGroupId != *group.Id {
				t.Errorf("association %+v", a)
			}
			l := must[*route53resolver.ListFirewallRuleGroupAssociationsOutput](t)(r.ListFirewallRuleGroupAssociations(ctx, &route53resolver.ListFirewallRuleGroupAssociationsInput{VpcId: &n.vpc}))
			if len(l.FirewallRuleGroupAssociations) != 1 || *l.FirewallRuleGroupAssociations[0].Id != *fa.Id {
				t.Errorf("associations %+v", l.FirewallRuleGroupAssociations)
			}
			other := must[*route53resolver.ListFirewallRuleGroupAssociationsOutput](t)(r.ListFirewallRuleGroupAssociations(ctx, &route53resolver.ListFirewallRuleGroupAssociationsInput{VpcId: aws.String("vpc-00000000000000000")}))
			if len(other.FirewallRuleGroupAssociations) != 0 {
				t.Errorf("associations of another VPC %+v", other.FirewallRuleGroupAssociations)
			}
			if as := e.store.Network().Firewall.Associations; len(as) != 1 {
				t.Errorf("network firewall associations %+v", as)
			}
		}},
		{"GetFirewallConfig defaults to fail closed, then shows the update", func(t *testing.T) {
			c := must[*route53resolver.GetFirewallConfigOutput](t)(r.GetFirewallConfig(ctx, &route53resolver.GetFirewallConfigInput{ResourceId: &n.vpc})).FirewallConfig
			if *c.ResourceId != n.vpc || c.FirewallFailOpen != rtypes.FirewallFailOpenStatusDisabled || c.Id == nil {
				t.Errorf("firewall config %+v", c)
			}
			must[*route53resolver.UpdateFirewallConfigOutput](t)(r.UpdateFirewallConfig(ctx, &route53resolver.UpdateFirewallConfigInput{ResourceId: &n.vpc, FirewallFailOpen: rtypes.FirewallFailOpenStatusEnabled}))
			c = must[*route53resolver.GetFirewallConfigOutput](t)(r.GetFirewallConfig(ctx, &route53resolver.GetFirewallConfigInput{ResourceId: &n.vpc})).FirewallConfig
			if c.FirewallFailOpen != rtypes.FirewallFailOpenStatusEnabled {
				t.Errorf("firewall config after update %+v", c)
			}
		}},
	}
	for _, s := range steps {
		t.Run(s.name, s.run)
	}
}

// TestResolverMissingIDs checks the modelled error of each read and update
// for an id that does not exist: ResourceNotFoundException.
func TestResolverMissingIDs(t *testing.T) {
	e := newEnv(t, envOpts{})
	r := e.resolver
	vpc := aws.String("vpc-00000000000000000")
	cases := []struct {
		name string
		call func() error
	}{
		{"GetResolverDnssecConfig", func() error {
			_, err := r.GetResolverDnssecConfig(ctx, &route53resolver.GetResolverDnssecConfigInput{ResourceId: vpc})
			return err
		}},
		{"UpdateResolverEndpoint", func() error {
			_, err := r.UpdateResolverEndpoint(ctx, &route53resolver.UpdateResolverEndpointInput{ResolverEndpointId: aws.String("rslvr-out-00000000000000000"), Name: aws.String("x")})
			return err
		}},
		{"UpdateResolverRule", func() error {
			_, err := r.UpdateResolverRule(ctx, &route53resolver.UpdateResolverRuleInput{ResolverRuleId: aws.String("rslvr-rr-00000000000000000"), Config: &rtypes.ResolverRuleConfig{Name: aws.String("x")}})
			return err
		}},
		{"GetResolverQueryLogConfig", func() error {
			_, err := r.GetResolverQueryLogConfig(ctx, &route53resolver.GetResolverQueryLogConfigInput{ResolverQueryLogConfigId: aws.String("rslvr-qlc-00000000000000000")})
			return err
		}},
		{"GetResolverQueryLogConfigAssociation", func() error {
			_, err := r.GetResolverQueryLogConfigAssociation(ctx, &route53resolver.GetResolverQueryLogConfigAssociationInput{ResolverQueryLogConfigAssociationId: aws.String("rslvr-qlcassoc-00000000000000000")})
			return err
		}},
		{"GetFirewallRuleGroup", func() error {
			_, err := r.GetFirewallRuleGroup(ctx, &route53resolver.GetFirewallRuleGroupInput{FirewallRuleGroupId: aws.String("rslvr-frg-00000000000000000")})
			return err
		}},
		{"GetFirewallRuleGroupAssociation", func() error {
			_, err := r.GetFirewallRuleGroupAssociation(ctx, &route53resolver.GetFirewallRuleGroupAssociationInput{FirewallRuleGroupAssociationId: aws.String("rslvr-frgassoc-00000000000000000")})
			return err
		}},
		{"GetFirewallConfig", func() error {
			_, err := r.GetFirewallConfig(ctx, &route53resolver.GetFirewallConfigInput{ResourceId: vpc})
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if code := apiCode(t, c.call()); code != "ResourceNotFoundException" {
				t.Errorf("code %q, want ResourceNotFoundException", code)
			}
		})
	}
}

// TestInboundListenTag checks that the vpcdns:listen tag of an inbound
// endpoint is its listen sockets in the network, shown by
// ListTagsForResource and removed by UntagResource.
func TestInboundListenTag(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	r := e.resolver
	ep := must[*route53resolver.CreateResolverEndpointOutput](t)(r.CreateResolverEndpoint(ctx, &route53resolver.CreateResolverEndpointInput{
		CreatorRequestId: aws.String("in-1"), Name: aws.String("in"), Direction: rtypes.ResolverEndpointDirectionInbound,
		SecurityGroupIds: []string{n.sg}, IpAddresses: []rtypes.IpAddressRequest{{SubnetId: &n.subnetA}, {SubnetId: &n.subnetB}}})).ResolverEndpoint
	listen := func() []string {
		var out []string
		for _, x := range e.store.Network().Endpoints {
			if x.ID == *ep.Id {
				for _, a := range x.Listen {
					out = append(out, a.String())
				}
			}
		}
		return out
	}
	must[*route53resolver.TagResourceOutput](t)(r.TagResource(ctx, &route53resolver.TagResourceInput{ResourceArn: ep.Arn,
		Tags: []rtypes.Tag{{Key: aws.String("vpcdns:listen"), Value: aws.String("127.0.0.1:15354,127.0.0.1:15355")}}}))
	if got := listen(); len(got) != 2 || got[0] != "127.0.0.1:15354" || got[1] != "127.0.0.1:15355" {
		t.Errorf("listen after tagging %v", got)
	}
	tags := must[*route53resolver.ListTagsForResourceOutput](t)(r.ListTagsForResource(ctx, &route53resolver.ListTagsForResourceInput{ResourceArn: ep.Arn}))
	found := false
	for _, tg := range tags.Tags {
		found = found || (*tg.Key == "vpcdns:listen" && strings.Contains(*tg.Value, "127.0.0.1:15354"))
	}
	if !found {
		t.Errorf("tags %+v lack vpcdns:listen", tags.Tags)
	}
	must[*route53resolver.UntagResourceOutput](t)(r.UntagResource(ctx, &route53resolver.UntagResourceInput{ResourceArn: ep.Arn, TagKeys: []string{"vpcdns:listen"}}))
	if got := listen(); len(got) != 0 {
		t.Errorf("listen after untagging %v", got)
	}
}
