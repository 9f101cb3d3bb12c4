package awsapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	rtypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"

	"github.com/vpcdns/vpcdns/internal/config"
)

// A rule association is CREATING and a Route 53 change PENDING until the
// DNS server answers from them, then COMPLETE and INSYNC, as on AWS; the
// API reads its own writes meanwhile.
func TestStatusFollowsDNS(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	ep := createEndpoint(t, e, n)
	e.synced()
	release := make(chan struct{})
	e.store.SetApply(func(*config.Network) error { <-release; return nil })

	rule := createRule(t, e, "r-status", "status.example", ep)
	assoc := must[*route53resolver.AssociateResolverRuleOutput](t)(e.resolver.AssociateResolverRule(ctx, &route53resolver.AssociateResolverRuleInput{
		ResolverRuleId: rule.Id, VPCId: &n.vpc})).ResolverRuleAssociation
	zone := must[*route53.CreateHostedZoneOutput](t)(e.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{
		Name: aws.String("status.internal"), CallerReference: aws.String("z-status"),
		VPC: &r53types.VPC{VPCId: &n.vpc, VPCRegion: r53types.VPCRegionUsEast1}}))

	cases := []struct {
		name       string
		assoc      rtypes.ResolverRuleAssociationStatus
		change     r53types.ChangeStatus
		beforeWait func()
	}{
		{"before DNS answers", rtypes.ResolverRuleAssociationStatusCreating, r53types.ChangeStatusPending, func() {}},
		{"once DNS answers", rtypes.ResolverRuleAssociationStatusComplete, r53types.ChangeStatusInsync, func() { close(release); e.synced() }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.beforeWait()
			got := must[*route53resolver.GetResolverRuleAssociationOutput](t)(e.resolver.GetResolverRuleAssociation(ctx,
				&route53resolver.GetResolverRuleAssociationInput{ResolverRuleAssociationId: assoc.Id})).ResolverRuleAssociation
			if got.Status != c.assoc {
				t.Errorf("association status %s, want %s", got.Status, c.assoc)
			}
			ch := must[*route53.GetChangeOutput](t)(e.r53.GetChange(ctx, &route53.GetChangeInput{Id: zone.ChangeInfo.Id}))
			if ch.ChangeInfo.Status != c.change {
				t.Errorf("change status %s, want %s", ch.ChangeInfo.Status, c.change)
			}
			// Read-your-writes: the rule is listed whatever DNS does.
			if _, err := e.resolver.GetResolverRule(ctx, &route53resolver.GetResolverRuleInput{ResolverRuleId: rule.Id}); err != nil {
				t.Errorf("get the rule just made: %v", err)
			}
		})
	}
	if assoc.Status != rtypes.ResolverRuleAssociationStatusCreating {
		t.Errorf("AssociateResolverRule answered %s, want CREATING", assoc.Status)
	}
}
