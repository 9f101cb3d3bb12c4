package awsapi_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/route53profiles"
	ptypes "github.com/aws/aws-sdk-go-v2/service/route53profiles/types"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	rtypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"
	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/explain"
	"github.com/vpcdns/vpcdns/internal/view"
)

// profilesAs is a Route 53 Profiles client that signs with key.
func (e *env) profilesAs(key string) *route53profiles.Client {
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(key, "test", ""), RetryMaxAttempts: 1}
	url := e.srv.URL
	return route53profiles.NewFromConfig(cfg, func(o *route53profiles.Options) { o.BaseEndpoint = &url })
}

func createProfile(t *testing.T, c *route53profiles.Client, token, name string) *ptypes.Profile {
	t.Helper()
	return must[*route53profiles.CreateProfileOutput](t)(c.CreateProfile(ctx, &route53profiles.CreateProfileInput{
		ClientToken: aws.String(token), Name: aws.String(name)})).Profile
}

// explainVia is explain's decision for name from vpc: the winner's source
// and the Profile it came through.
func explainVia(t *testing.T, e *env, vpc, name string, qtype uint16) (string, string) {
	t.Helper()
	v, err := view.Compile(e.store.Network())
	if err != nil {
		t.Fatal(err)
	}
	r, err := explain.Build(v, vpc, dnsname.MustParse(name), qtype)
	if err != nil {
		t.Fatal(err)
	}
	return r.Decision.Source, r.Decision.ViaProfile
}

// A Profile made through the API brings its forward rule and its private
// hosted zone to the VPC it is associated with, at once; explain names
// it; taking the rule out of the Profile, or the Profile off the VPC,
// reverts the answers; export writes it as network.yaml would.
func TestProfileChangesDNS(t *testing.T) {
	e, n, listen := dnsEnv(t, onPremNetwork)
	ep := createEndpoint(t, e, n)
	must[*ec2.CreateRouteOutput](t)(e.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(n.mainRT(t, e)),
		DestinationCidrBlock: aws.String("192.168.0.0/16"), GatewayId: aws.String("vpn-onprem")}))
	rule := must[*route53resolver.CreateResolverRuleOutput](t)(e.resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{
		CreatorRequestId: aws.String("r"), RuleType: rtypes.RuleTypeOptionForward, DomainName: aws.String("0.10.in-addr.arpa"),
		ResolverEndpointId: &ep, TargetIps: []rtypes.TargetAddress{{Ip: aws.String("192.168.10.53")}}})).ResolverRule
	// The zone is made with another VPC: it reaches the test VPC only
	// through the Profile.
	zoneVPC := *must[*ec2.CreateVpcOutput](t)(e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.5.0.0/16")})).Vpc.VpcId
	zone := must[*route53.CreateHostedZoneOutput](t)(e.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{
		Name: aws.String("corp.internal"), CallerReference: aws.String("z-1"),
		VPC: &r53types.VPC{VPCId: &zoneVPC, VPCRegion: r53types.VPCRegionUsEast1}}))
	zoneID := strings.TrimPrefix(*zone.HostedZone.Id, "/hostedzone/")
	upsertA(t, e, zoneID, "app.corp.internal", "10.5.0.10")
	if rcode, name := ptr(t, e, listen); rcode != dns.RcodeSuccess || name != "ip-10-0-1-5.ec2.internal." {
		t.Fatalf("before the profile: %s %q", dns.RcodeToString[rcode], name)
	}

	p := e.profilesAs("test")
	prof := createProfile(t, p, "p-1", "corp")
	if !strings.HasPrefix(*prof.Id, "rp-") || *prof.Arn != "arn:aws:route53profiles:us-east-1:"+e.store.Network().AccountID+":profile/"+*prof.Id ||
		prof.Status != ptypes.ProfileStatusComplete || prof.ShareStatus != ptypes.ShareStatusNotShared || *prof.ClientToken != "p-1" {
		t.Errorf("profile %+v", prof)
	}
	zoneARN := "arn:aws:route53:::hostedzone/" + zoneID
	zr := must[*route53profiles.AssociateResourceToProfileOutput](t)(p.AssociateResourceToProfile(ctx, &route53profiles.AssociateResourceToProfileInput{
		Name: aws.String("corp-zone"), ProfileId: prof.Id, ResourceArn: &zoneARN})).ProfileResourceAssociation
	if !strings.HasPrefix(*zr.Id, "rpr-") || *zr.ResourceType != "AWS::Route53::HostedZone" || *zr.ResourceArn != zoneARN || *zr.ProfileId != *prof.Id {
		t.Errorf("zone association %+v", zr)
	}
	pa := must[*route53profiles.AssociateProfileOutput](t)(p.AssociateProfile(ctx, &route53profiles.AssociateProfileInput{
		Name: aws.String("app"), ProfileId: prof.Id, ResourceId: &n.vpc,
		Tags: []ptypes.Tag{{Key: aws.String("team"), Value: aws.String("dns")}}})).ProfileAssociation
	if !strings.HasPrefix(*pa.Id, "rpassoc-") || *pa.ResourceId != n.vpc || *pa.Name != "app" {
		t.Errorf("profile association %+v", pa)
	}
	if _, v := ask(t, e, listen, "app.corp.internal", dns.TypeA); !slices.Equal(v, []string{"10.5.0.10"}) {
		t.Errorf("the profile's zone: %v, want 10.5.0.10", v)
	}
	if src, via := explainVia(t, e, n.vpc, "app.corp.internal", dns.TypeA); src != view.SourcePrivateZone.String() || via != *prof.Id {
		t.Errorf("explain of the zone: source %q via %q, want the private zone via %s", src, via, *prof.Id)
	}
	got := must[*route53profiles.GetProfileAssociationOutput](t)(p.GetProfileAssociation(ctx, &route53profiles.GetProfileAssociationInput{ProfileAssociationId: pa.Id}))
	if got.ProfileAssociation.Status != ptypes.ProfileStatusComplete {
		t.Errorf("association once DNS answers: %s, want COMPLETE", got.ProfileAssociation.Status)
	}

	// A rule added to the associated Profile changes the answer at once.
	rr := must[*route53profiles.AssociateResourceToProfileOutput](t)(p.AssociateResourceToProfile(ctx, &route53profiles.AssociateResourceToProfileInput{
		Name: aws.String("onprem-reverse"), ProfileId: prof.Id, ResourceArn: rule.Arn})).ProfileResourceAssociation
	if *rr.ResourceType != "AWS::Route53Resolver::ResolverRule" || (rr.Status != ptypes.ProfileStatusCreating && rr.Status != ptypes.ProfileStatusComplete) {
		t.Errorf("rule association %+v", rr)
	}
	if rcode, name := ptr(t, e, listen); name != "db.onprem.example." {
		t.Errorf("the profile's rule: %s %q, want BIND's db.onprem.example.", dns.RcodeToString[rcode], name)
	}
	if src, via := explainVia(t, e, n.vpc, "5.1.0.10.in-addr.arpa", dns.TypePTR); via != *prof.Id {
		t.Errorf("explain of the rule: source %q via %q, want %s", src, via, *prof.Id)
	}
	gr := must[*route53profiles.GetProfileResourceAssociationOutput](t)(p.GetProfileResourceAssociation(ctx, &route53profiles.GetProfileResourceAssociationInput{
		ProfileResourceAssociationId: rr.Id})).ProfileResourceAssociation
	if gr.Status != ptypes.ProfileStatusComplete || *gr.Name != "onprem-reverse" {
		t.Errorf("rule association once DNS answers %+v", gr)
	}
	up := must[*route53profiles.UpdateProfileResourceAssociationOutput](t)(p.UpdateProfileResourceAssociation(ctx, &route53profiles.UpdateProfileResourceAssociationInput{
		ProfileResourceAssociationId: rr.Id, Name: aws.String("reverse")})).ProfileResourceAssociation
	if *up.Name != "reverse" || *up.Id != *rr.Id {
		t.Errorf("renamed association %+v", up)
	}

	// export writes the Profile as network.yaml would, and the written
	// file means the same.
	data, err := config.Marshal(file(e))
	if err != nil {
		t.Fatal(err)
	}
	want := "route53_profiles:\n  - id: " + *prof.Id + "\n    name: corp\n    resolver_rules:\n      - " + *rule.Id +
		"\n    private_hosted_zones:\n      - " + zoneID + "\n    vpcs:\n      - " + n.vpc + "\n"
	if !strings.Contains(string(data), want) {
		t.Errorf("export lacks\n%s\nin\n%s", want, data)
	}
	back, err := config.Decode(data, "network.yaml")
	if err != nil {
		t.Fatalf("exported file: %v", err)
	}
	if bn, err := config.Validate(back, "network.yaml", "."); err != nil || len(bn.Profiles) != 1 || len(bn.Profiles[0].VPCs) != 1 {
		t.Errorf("exported file: %v %+v", err, bn)
	}

	// A rule in a Profile cannot be deleted.
	_, err = e.resolver.DeleteResolverRule(ctx, &route53resolver.DeleteResolverRuleInput{ResolverRuleId: rule.Id})
	if code := apiCode(t, err); code != "ResourceInUseException" {
		t.Errorf("delete a rule a profile holds: %s, want ResourceInUseException", code)
	}
	// Nor can an associated Profile.
	_, err = p.DeleteProfile(ctx, &route53profiles.DeleteProfileInput{ProfileId: prof.Id})
	if code := apiCode(t, err); code != "ConflictException" {
		t.Errorf("delete an associated profile: %s, want ConflictException", code)
	}

	d := must[*route53profiles.DisassociateResourceFromProfileOutput](t)(p.DisassociateResourceFromProfile(ctx, &route53profiles.DisassociateResourceFromProfileInput{
		ProfileId: prof.Id, ResourceArn: rule.Arn})).ProfileResourceAssociation
	if d.Status != ptypes.ProfileStatusDeleting || *d.Id != *rr.Id {
		t.Errorf("disassociated rule %+v", d)
	}
	if _, name := ptr(t, e, listen); name != "ip-10-0-1-5.ec2.internal." {
		t.Errorf("without the profile's rule: %q", name)
	}
	da := must[*route53profiles.DisassociateProfileOutput](t)(p.DisassociateProfile(ctx, &route53profiles.DisassociateProfileInput{
		ProfileId: prof.Id, ResourceId: &n.vpc})).ProfileAssociation
	if da.Status != ptypes.ProfileStatusDeleting || *da.Id != *pa.Id {
		t.Errorf("disassociated profile %+v", da)
	}
	e.synced()
	if _, via := explainVia(t, e, n.vpc, "app.corp.internal", dns.TypeA); via != "" {
		t.Errorf("explain after the profile left the VPC: via %q", via)
	}
	if _, v := ask(t, e, listen, "app.corp.internal", dns.TypeA); len(v) != 0 {
		t.Errorf("the zone after the profile left the VPC: %v", v)
	}
	gone := must[*route53profiles.DeleteProfileOutput](t)(p.DeleteProfile(ctx, &route53profiles.DeleteProfileInput{ProfileId: prof.Id})).Profile
	if gone.Status != ptypes.ProfileStatusDeleted || *gone.Id != *prof.Id {
		t.Errorf("deleted profile %+v", gone)
	}
	if len(file(e).Profiles) != 0 {
		t.Errorf("profiles after delete: %+v", file(e).Profiles)
	}
}
