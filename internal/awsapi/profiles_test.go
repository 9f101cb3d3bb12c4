package awsapi_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ram"
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

// Another account's Profile can be associated with a VPC only once AWS
// RAM shares it with the VPC's account; it stays its owner's to change.
func TestProfileAcrossAccounts(t *testing.T) {
	const hubAcct, spokeAcct, otherAcct = "111111111111", "222222222222", "333333333333"
	e := newEnv(t, envOpts{initial: &config.File{AccountID: hubAcct}})
	e.connect(hubAcct, "test")
	hubVPC := *createVPC(t, e.as(hubAcct), "10.0.0.0/16").Vpc.VpcId
	zone := must[*route53.CreateHostedZoneOutput](t)(e.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{
		Name: aws.String("corp.internal"), CallerReference: aws.String("z-1"),
		VPC: &r53types.VPC{VPCId: &hubVPC, VPCRegion: r53types.VPCRegionUsEast1}}))
	zoneARN := "arn:aws:route53:::hostedzone/" + strings.TrimPrefix(*zone.HostedZone.Id, "/hostedzone/")
	hub, spoke, other := e.profilesAs(hubAcct), e.profilesAs(spokeAcct), e.profilesAs(otherAcct)
	prof := createProfile(t, hub, "p-1", "corp")
	must[*route53profiles.AssociateResourceToProfileOutput](t)(hub.AssociateResourceToProfile(ctx, &route53profiles.AssociateResourceToProfileInput{
		Name: aws.String("zone"), ProfileId: prof.Id, ResourceArn: &zoneARN}))
	spokeVPC := *createVPC(t, e.as(spokeAcct), "10.1.0.0/16").Vpc.VpcId
	otherVPC := *createVPC(t, e.as(otherAcct), "10.2.0.0/16").Vpc.VpcId
	associate := func(c *route53profiles.Client, vpc string) error {
		_, err := c.AssociateProfile(ctx, &route53profiles.AssociateProfileInput{Name: aws.String("x"), ProfileId: prof.Id, ResourceId: &vpc})
		return err
	}

	// Not shared: the spoke does not see the Profile.
	if code := apiCode(t, associate(spoke, spokeVPC)); code != "ResourceNotFoundException" {
		t.Errorf("spoke associates a profile not shared: %s", code)
	}
	_, err := spoke.GetProfile(ctx, &route53profiles.GetProfileInput{ProfileId: prof.Id})
	if code := apiCode(t, err); code != "ResourceNotFoundException" {
		t.Errorf("spoke reads a profile not shared: %s", code)
	}
	if code := apiCode(t, associate(hub, spokeVPC)); code != "ResourceNotFoundException" {
		t.Errorf("hub associates the spoke's VPC: %s", code)
	}

	// Shared with the spoke through RAM.
	ramc := e.as(hubAcct).ram
	share := must[*ram.CreateResourceShareOutput](t)(ramc.CreateResourceShare(ctx, &ram.CreateResourceShareInput{
		Name: aws.String("corp-profile"), ResourceArns: []string{*prof.Arn}, Principals: []string{spokeAcct}})).ResourceShare
	if got := file(e).Profiles[0].ShareStatus; got != config.SharedByMe {
		t.Errorf("share_status %q, want shared_by_me", got)
	}
	seen := must[*route53profiles.GetProfileOutput](t)(spoke.GetProfile(ctx, &route53profiles.GetProfileInput{ProfileId: prof.Id})).Profile
	if seen.ShareStatus != ptypes.ShareStatusSharedWithMe || *seen.OwnerId != hubAcct {
		t.Errorf("spoke sees %s owned by %s", seen.ShareStatus, *seen.OwnerId)
	}
	if l := must[*route53profiles.ListProfilesOutput](t)(spoke.ListProfiles(ctx, &route53profiles.ListProfilesInput{})); len(l.ProfileSummaries) != 1 ||
		l.ProfileSummaries[0].ShareStatus != ptypes.ShareStatusSharedWithMe {
		t.Errorf("spoke lists %+v", l.ProfileSummaries)
	}
	mine := must[*route53profiles.GetProfileOutput](t)(hub.GetProfile(ctx, &route53profiles.GetProfileInput{ProfileId: prof.Id})).Profile
	if mine.ShareStatus != ptypes.ShareStatusSharedByMe {
		t.Errorf("hub sees %s", mine.ShareStatus)
	}
	if err := associate(spoke, spokeVPC); err != nil {
		t.Fatalf("spoke associates the shared profile: %v", err)
	}
	if code := apiCode(t, associate(other, otherVPC)); code != "ResourceNotFoundException" {
		t.Errorf("an account the profile is not shared with: %s", code)
	}
	e.synced()
	for _, v := range e.store.Network().VPCs {
		if v.ID == spokeVPC && (v.Profile == nil || v.Profile.ID != *prof.Id) {
			t.Errorf("spoke VPC's profile %+v", v.Profile)
		}
	}
	// The owner and the VPC's account see the association.
	for _, c := range []*route53profiles.Client{hub, spoke} {
		l := must[*route53profiles.ListProfileAssociationsOutput](t)(c.ListProfileAssociations(ctx, &route53profiles.ListProfileAssociationsInput{ProfileId: prof.Id}))
		if len(l.ProfileAssociations) != 1 || *l.ProfileAssociations[0].ResourceId != spokeVPC || *l.ProfileAssociations[0].OwnerId != spokeAcct {
			t.Errorf("associations %+v", l.ProfileAssociations)
		}
	}
	if l := must[*route53profiles.ListProfileAssociationsOutput](t)(other.ListProfileAssociations(ctx, &route53profiles.ListProfileAssociationsInput{})); len(l.ProfileAssociations) != 0 {
		t.Errorf("a stranger sees %+v", l.ProfileAssociations)
	}
	// The spoke may read but not change the hub's Profile.
	_, err = spoke.AssociateResourceToProfile(ctx, &route53profiles.AssociateResourceToProfileInput{Name: aws.String("z"), ProfileId: prof.Id, ResourceArn: &zoneARN})
	if code := apiCode(t, err); code != "AccessDeniedException" {
		t.Errorf("spoke changes the hub's profile: %s", code)
	}
	_, err = spoke.DeleteProfile(ctx, &route53profiles.DeleteProfileInput{ProfileId: prof.Id})
	if code := apiCode(t, err); code != "AccessDeniedException" {
		t.Errorf("spoke deletes the hub's profile: %s", code)
	}
	// Unsharing: the spoke's association goes first.
	must[*route53profiles.DisassociateProfileOutput](t)(spoke.DisassociateProfile(ctx, &route53profiles.DisassociateProfileInput{ProfileId: prof.Id, ResourceId: &spokeVPC}))
	must[*ram.DeleteResourceShareOutput](t)(ramc.DeleteResourceShare(ctx, &ram.DeleteResourceShareInput{ResourceShareArn: share.ResourceShareArn}))
	if got := file(e).Profiles[0].ShareStatus; got != "" {
		t.Errorf("share_status after the share went: %q", got)
	}
	if code := apiCode(t, associate(spoke, spokeVPC)); code != "ResourceNotFoundException" {
		t.Errorf("spoke associates after the share went: %s", code)
	}
}

// Lists page with MaxResults and NextToken, as the SDK's paginators read
// them.
func TestProfilePagination(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	ep := createEndpoint(t, e, n)
	p := e.profilesAs("test")
	prof := createProfile(t, p, "p-1", "many")
	var arns []string
	for _, d := range []string{"a.example", "b.example", "c.example", "d.example", "e.example"} {
		r := createRule(t, e, "r-"+d, d, ep)
		must[*route53profiles.AssociateResourceToProfileOutput](t)(p.AssociateResourceToProfile(ctx, &route53profiles.AssociateResourceToProfileInput{
			Name: aws.String("rule"), ProfileId: prof.Id, ResourceArn: r.Arn}))
		arns = append(arns, *r.Arn)
	}
	var got []string
	pages := 0
	pg := route53profiles.NewListProfileResourceAssociationsPaginator(p, &route53profiles.ListProfileResourceAssociationsInput{ProfileId: prof.Id, MaxResults: aws.Int32(2)})
	for pg.HasMorePages() {
		out := must[*route53profiles.ListProfileResourceAssociationsOutput](t)(pg.NextPage(ctx))
		pages++
		for _, a := range out.ProfileResourceAssociations {
			got = append(got, *a.ResourceArn)
		}
	}
	if pages != 3 || !slices.Equal(got, arns) {
		t.Errorf("%d pages of %v, want 3 of %v", pages, got, arns)
	}
	typed := must[*route53profiles.ListProfileResourceAssociationsOutput](t)(p.ListProfileResourceAssociations(ctx, &route53profiles.ListProfileResourceAssociationsInput{
		ProfileId: prof.Id, ResourceType: aws.String("AWS::Route53::HostedZone")}))
	if len(typed.ProfileResourceAssociations) != 0 {
		t.Errorf("hosted zones of a profile of rules: %+v", typed.ProfileResourceAssociations)
	}
	createProfile(t, p, "p-2", "two")
	createProfile(t, p, "p-3", "three")
	var names []string
	lp := route53profiles.NewListProfilesPaginator(p, &route53profiles.ListProfilesInput{MaxResults: aws.Int32(2)})
	for lp.HasMorePages() {
		for _, s := range must[*route53profiles.ListProfilesOutput](t)(lp.NextPage(ctx)).ProfileSummaries {
			names = append(names, *s.Name)
		}
	}
	if !slices.Equal(names, []string{"many", "two", "three"}) {
		t.Errorf("profiles %v", names)
	}
	// The same client token makes no second Profile.
	if again := createProfile(t, p, "p-2", "two"); *again.Name != "two" || len(file(e).Profiles) != 3 {
		t.Errorf("CreateProfile again: %+v, %d profiles", again, len(file(e).Profiles))
	}
}

// Tags of a Profile and of a Profile association.
func TestProfileTags(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	p := e.profilesAs("test")
	prof := must[*route53profiles.CreateProfileOutput](t)(p.CreateProfile(ctx, &route53profiles.CreateProfileInput{
		ClientToken: aws.String("t"), Name: aws.String("tagged"), Tags: []ptypes.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}})).Profile
	must[*route53profiles.TagResourceOutput](t)(p.TagResource(ctx, &route53profiles.TagResourceInput{ResourceArn: prof.Arn, Tags: map[string]string{"team": "dns"}}))
	tags := must[*route53profiles.ListTagsForResourceOutput](t)(p.ListTagsForResource(ctx, &route53profiles.ListTagsForResourceInput{ResourceArn: prof.Arn})).Tags
	if len(tags) != 2 || tags["env"] != "prod" || tags["team"] != "dns" {
		t.Errorf("tags %v", tags)
	}
	must[*route53profiles.UntagResourceOutput](t)(p.UntagResource(ctx, &route53profiles.UntagResourceInput{ResourceArn: prof.Arn, TagKeys: []string{"env"}}))
	tags = must[*route53profiles.ListTagsForResourceOutput](t)(p.ListTagsForResource(ctx, &route53profiles.ListTagsForResourceInput{ResourceArn: prof.Arn})).Tags
	if len(tags) != 1 || tags["team"] != "dns" {
		t.Errorf("tags after untag %v", tags)
	}
	pa := must[*route53profiles.AssociateProfileOutput](t)(p.AssociateProfile(ctx, &route53profiles.AssociateProfileInput{
		Name: aws.String("app"), ProfileId: prof.Id, ResourceId: &n.vpc, Tags: []ptypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})).ProfileAssociation
	paARN := "arn:aws:route53profiles:us-east-1:" + e.store.Network().AccountID + ":profile-association/" + *pa.Id
	tags = must[*route53profiles.ListTagsForResourceOutput](t)(p.ListTagsForResource(ctx, &route53profiles.ListTagsForResourceInput{ResourceArn: &paARN})).Tags
	if len(tags) != 1 || tags["k"] != "v" {
		t.Errorf("association tags %v", tags)
	}
	_, err := p.TagResource(ctx, &route53profiles.TagResourceInput{ResourceArn: aws.String("arn:aws:route53profiles:us-east-1:111111111111:profile/rp-none"), Tags: map[string]string{"a": "b"}})
	if code := apiCode(t, err); code != "ResourceNotFoundException" {
		t.Errorf("tag an unknown profile: %s", code)
	}
}

// The errors of the Profiles API, in its model's codes.
func TestProfileErrors(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	ep := createEndpoint(t, e, n)
	rule := createRule(t, e, "r-1", "corp.example", ep)
	p := e.profilesAs("test")
	prof := createProfile(t, p, "p-1", "one")
	second := createProfile(t, p, "p-2", "two")
	must[*route53profiles.AssociateResourceToProfileOutput](t)(p.AssociateResourceToProfile(ctx, &route53profiles.AssociateResourceToProfileInput{
		Name: aws.String("rule"), ProfileId: prof.Id, ResourceArn: rule.Arn}))
	must[*route53profiles.AssociateProfileOutput](t)(p.AssociateProfile(ctx, &route53profiles.AssociateProfileInput{
		Name: aws.String("app"), ProfileId: prof.Id, ResourceId: &n.vpc}))
	resource := func(arn, props string) func() error {
		return func() error {
			in := &route53profiles.AssociateResourceToProfileInput{Name: aws.String("x"), ProfileId: prof.Id, ResourceArn: aws.String(arn)}
			if props != "" {
				in.ResourceProperties = &props
			}
			_, err := p.AssociateResourceToProfile(ctx, in)
			return err
		}
	}
	for _, tc := range []struct {
		name string
		call func() error
		want string
	}{
		{"digits-only name", func() error {
			_, err := p.CreateProfile(ctx, &route53profiles.CreateProfileInput{ClientToken: aws.String("x"), Name: aws.String("123")})
			return err
		}, "ValidationException"},
		{"unknown profile", func() error {
			_, err := p.GetProfile(ctx, &route53profiles.GetProfileInput{ProfileId: aws.String("rp-none")})
			return err
		}, "ResourceNotFoundException"},
		{"delete an unknown profile", func() error {
			_, err := p.DeleteProfile(ctx, &route53profiles.DeleteProfileInput{ProfileId: aws.String("rp-none")})
			return err
		}, "ResourceNotFoundException"},
		{"delete an associated profile", func() error {
			_, err := p.DeleteProfile(ctx, &route53profiles.DeleteProfileInput{ProfileId: prof.Id})
			return err
		}, "ConflictException"},
		{"a DNS Firewall rule group", resource("arn:aws:route53resolver:us-east-1:111111111111:firewall-rule-group/rslvr-frg-0123456789abcdef0", ""), "InvalidParameterException"},
		{"not a DNS resource", resource("arn:aws:s3:::bucket", ""), "InvalidParameterException"},
		{"not an ARN", resource("rslvr-rr-1", ""), "InvalidParameterException"},
		{"an unknown rule", resource("arn:aws:route53resolver:us-east-1:111111111111:resolver-rule/rslvr-rr-0123456789abcdef0", ""), "ResourceNotFoundException"},
		{"the rule again", resource(*rule.Arn, ""), "ConflictException"},
		{"properties of a rule", func() error {
			in := &route53profiles.AssociateResourceToProfileInput{Name: aws.String("x"), ProfileId: second.Id, ResourceArn: rule.Arn, ResourceProperties: aws.String(`{"priority":101}`)}
			_, err := p.AssociateResourceToProfile(ctx, in)
			return err
		}, "InvalidParameterException"},
		{"an unknown VPC", func() error {
			_, err := p.AssociateProfile(ctx, &route53profiles.AssociateProfileInput{Name: aws.String("x"), ProfileId: prof.Id, ResourceId: aws.String("vpc-none")})
			return err
		}, "ResourceNotFoundException"},
		{"the same association again", func() error {
			_, err := p.AssociateProfile(ctx, &route53profiles.AssociateProfileInput{Name: aws.String("x"), ProfileId: prof.Id, ResourceId: &n.vpc})
			return err
		}, "ResourceExistsException"},
		{"a second profile on the VPC", func() error {
			_, err := p.AssociateProfile(ctx, &route53profiles.AssociateProfileInput{Name: aws.String("x"), ProfileId: second.Id, ResourceId: &n.vpc})
			return err
		}, "ConflictException"},
		{"disassociate what is not associated", func() error {
			_, err := p.DisassociateProfile(ctx, &route53profiles.DisassociateProfileInput{ProfileId: second.Id, ResourceId: &n.vpc})
			return err
		}, "ResourceNotFoundException"},
		{"disassociate a resource the profile lacks", func() error {
			_, err := p.DisassociateResourceFromProfile(ctx, &route53profiles.DisassociateResourceFromProfileInput{ProfileId: second.Id, ResourceArn: rule.Arn})
			return err
		}, "ResourceNotFoundException"},
		{"an unknown association", func() error {
			_, err := p.GetProfileAssociation(ctx, &route53profiles.GetProfileAssociationInput{ProfileAssociationId: aws.String("rpassoc-none")})
			return err
		}, "ResourceNotFoundException"},
		{"an unknown resource association", func() error {
			_, err := p.GetProfileResourceAssociation(ctx, &route53profiles.GetProfileResourceAssociationInput{ProfileResourceAssociationId: aws.String("rpr-none")})
			return err
		}, "ResourceNotFoundException"},
		{"a token vpcdns did not issue", func() error {
			_, err := p.ListProfiles(ctx, &route53profiles.ListProfilesInput{NextToken: aws.String("bogus")})
			return err
		}, "InvalidNextTokenException"},
		{"MaxResults out of range", func() error {
			_, err := p.ListProfileResourceAssociations(ctx, &route53profiles.ListProfileResourceAssociationsInput{ProfileId: prof.Id, MaxResults: aws.Int32(101)})
			return err
		}, "ValidationException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code := apiCode(t, tc.call()); code != tc.want {
				t.Errorf("%s, want %s", code, tc.want)
			}
		})
	}
	// A rule of the Profile's domain associated directly takes precedence
	// over the Profile's (as on AWS), and explain says so.
	direct := createRule(t, e, "r-2", "corp.example", ep)
	must[*route53resolver.AssociateResolverRuleOutput](t)(e.resolver.AssociateResolverRule(ctx, &route53resolver.AssociateResolverRuleInput{ResolverRuleId: direct.Id, VPCId: &n.vpc}))
	e.synced()
	if src, via := explainVia(t, e, n.vpc, "www.corp.example", dns.TypeA); src != view.SourceForwardRule.String() || via != "" {
		t.Errorf("a direct rule beside the profile's: source %q via %q, want the direct forward rule", src, via)
	}
}

// profileFile is a starting network whose Route 53 Profile carries a
// rule, a zone and an interface endpoint to two VPCs.
const profileFile = `
vpcs:
  - id: vpc-a
    cidr_blocks: [10.0.0.0/16]
    subnets: [{id: subnet-a, cidr_block: 10.0.1.0/24}]
  - {id: vpc-b, cidr_blocks: [10.1.0.0/16]}
  - {id: vpc-c, cidr_blocks: [10.2.0.0/16]}
resolver_endpoints:
  - {id: out, direction: outbound, vpc: vpc-a, ip_addresses: [{subnet: subnet-a, ip: 10.0.1.10}, {subnet: subnet-a, ip: 10.0.1.11}]}
resolver_rules:
  - {id: rr-profile, rule_type: forward, domain_name: corp.example, resolver_endpoint: out, target_ips: [{ip: 192.168.2.53}]}
private_hosted_zones:
  - {id: Z-PROFILE, name: internal.example, records: [{name: a.internal.example, type: A, values: [10.0.0.2]}]}
vpc_endpoints:
  - {id: vpce-ssm, vpc: vpc-a, service_name: com.amazonaws.us-east-1.ssm, private_dns_enabled: true, ip_addresses: [{subnet: subnet-a, ip: 10.0.1.30}]}
  - {id: vpce-s3, vpc: vpc-a, service_name: com.amazonaws.us-east-1.s3, type: gateway}
route53_profiles:
  - {id: rp-file, name: from-file, resolver_rules: [rr-profile], private_hosted_zones: [Z-PROFILE], vpc_endpoints: [vpce-ssm], vpcs: [vpc-a, vpc-b]}
`

// A Profile of the starting network.yaml is served with ids derived from
// the file (the same on every start), and the resources it carries are
// kept from being deleted under it; other rules change as before.
func TestProfileFromNetworkFile(t *testing.T) {
	start := func() *env {
		f, err := config.Decode([]byte(profileFile), "network.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return newEnv(t, envOpts{initial: f})
	}
	e := start()
	p := e.profilesAs("test")
	l := must[*route53profiles.ListProfilesOutput](t)(p.ListProfiles(ctx, &route53profiles.ListProfilesInput{}))
	if len(l.ProfileSummaries) != 1 || *l.ProfileSummaries[0].Id != "rp-file" || *l.ProfileSummaries[0].Name != "from-file" {
		t.Fatalf("profiles %+v", l.ProfileSummaries)
	}
	res := must[*route53profiles.ListProfileResourceAssociationsOutput](t)(p.ListProfileResourceAssociations(ctx, &route53profiles.ListProfileResourceAssociationsInput{ProfileId: aws.String("rp-file")}))
	var types, ids []string
	for _, r := range res.ProfileResourceAssociations {
		types = append(types, *r.ResourceType)
		ids = append(ids, *r.Id)
	}
	if !slices.Equal(types, []string{"AWS::Route53Resolver::ResolverRule", "AWS::Route53::HostedZone", "AWS::EC2::VPCEndpoint"}) {
		t.Errorf("resource types %v", types)
	}
	assocs := must[*route53profiles.ListProfileAssociationsOutput](t)(p.ListProfileAssociations(ctx, &route53profiles.ListProfileAssociationsInput{}))
	var vpcs []string
	for _, a := range assocs.ProfileAssociations {
		vpcs = append(vpcs, *a.ResourceId)
		ids = append(ids, *a.Id)
	}
	if !slices.Equal(vpcs, []string{"vpc-a", "vpc-b"}) {
		t.Errorf("associated VPCs %v", vpcs)
	}
	// Another start from the same file: the same ids.
	again := start().profilesAs("test")
	var ids2 []string
	for _, r := range must[*route53profiles.ListProfileResourceAssociationsOutput](t)(again.ListProfileResourceAssociations(ctx, &route53profiles.ListProfileResourceAssociationsInput{ProfileId: aws.String("rp-file")})).ProfileResourceAssociations {
		ids2 = append(ids2, *r.Id)
	}
	for _, a := range must[*route53profiles.ListProfileAssociationsOutput](t)(again.ListProfileAssociations(ctx, &route53profiles.ListProfileAssociationsInput{})).ProfileAssociations {
		ids2 = append(ids2, *a.Id)
	}
	if !slices.Equal(ids, ids2) || !strings.HasPrefix(ids[0], "rpr-") || !strings.HasPrefix(ids[3], "rpassoc-") {
		t.Errorf("ids %v, then %v: want the same derived ids", ids, ids2)
	}

	// What the Profile carries is not deleted under it.
	_, err := e.r53.DeleteHostedZone(ctx, &route53.DeleteHostedZoneInput{Id: aws.String("Z-PROFILE")})
	if code := apiCode(t, err); code != "InvalidInput" {
		t.Errorf("delete the profile's zone: %s", code)
	}
	_, err = e.resolver.DeleteResolverRule(ctx, &route53resolver.DeleteResolverRuleInput{ResolverRuleId: aws.String("rr-profile")})
	if code := apiCode(t, err); code != "ResourceInUseException" {
		t.Errorf("delete the profile's rule: %s", code)
	}
	// A gateway endpoint is not a Profile's.
	_, err = p.AssociateResourceToProfile(ctx, &route53profiles.AssociateResourceToProfileInput{Name: aws.String("s3"), ProfileId: aws.String("rp-file"),
		ResourceArn: aws.String("arn:aws:ec2:us-east-1:" + e.store.Network().AccountID + ":vpc-endpoint/vpce-s3")})
	if code := apiCode(t, err); code != "InvalidParameterException" {
		t.Errorf("a gateway endpoint: %s", code)
	}
	// Rules the Profile does not hold are created, associated and deleted
	// as ever (the whole network is checked: the Profile refers to rules).
	r := createRule(t, e, "r-new", "other.example", "out")
	must[*route53resolver.AssociateResolverRuleOutput](t)(e.resolver.AssociateResolverRule(ctx, &route53resolver.AssociateResolverRuleInput{ResolverRuleId: r.Id, VPCId: aws.String("vpc-c")}))
	must[*route53resolver.DisassociateResolverRuleOutput](t)(e.resolver.DisassociateResolverRule(ctx, &route53resolver.DisassociateResolverRuleInput{ResolverRuleId: r.Id, VPCId: aws.String("vpc-c")}))
	must[*route53resolver.DeleteResolverRuleOutput](t)(e.resolver.DeleteResolverRule(ctx, &route53resolver.DeleteResolverRuleInput{ResolverRuleId: r.Id}))
	if got := file(e).Profiles; len(got) != 1 || !slices.Equal(got[0].ResolverRules, []string{"rr-profile"}) {
		t.Errorf("profiles after the rule changes %+v", got)
	}
}
