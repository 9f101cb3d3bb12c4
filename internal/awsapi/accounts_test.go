package awsapi_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ram"
	ramtypes "github.com/aws/aws-sdk-go-v2/service/ram/types"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	rtypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"

	"github.com/vpcdns/vpcdns/internal/awsapi/sigv4"
	"github.com/vpcdns/vpcdns/internal/config"
)

// clients are SDK clients of one account's credentials.
type clients struct {
	ec2      *ec2.Client
	resolver *route53resolver.Client
	ram      *ram.Client
}

func (e *env) as(key string) clients {
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(key, "test", ""), RetryMaxAttempts: 1}
	url := e.srv.URL
	return clients{
		ec2:      ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.BaseEndpoint = &url }),
		resolver: route53resolver.NewFromConfig(cfg, func(o *route53resolver.Options) { o.BaseEndpoint = &url }),
		ram:      ram.NewFromConfig(cfg, func(o *ram.Options) { o.BaseEndpoint = &url }),
	}
}

func createVPC(t *testing.T, c clients, cidr string) *ec2.CreateVpcOutput {
	t.Helper()
	return must[*ec2.CreateVpcOutput](t)(c.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(cidr)}))
}

// The account of a request is its access key's: the credentials file's
// third column, else (without a credentials file) a 12-digit key id, else
// the network's account_id.
func TestAccountOfCredentials(t *testing.T) {
	keys, accts, err := sigv4.ParseCredentials([]byte("AKIDHUB test\nAKIDSPOKE test 222222222222\n333333333333 test\n[ci]\naws_access_key_id = AKIDCI\naws_secret_access_key = test\naws_account_id = 444444444444\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal([]string{accts["AKIDSPOKE"], accts["AKIDCI"], accts["AKIDHUB"]}, []string{"222222222222", "444444444444", ""}) {
		t.Errorf("accounts %v", accts)
	}
	for _, bad := range []string{"AKID s 12345\n", "[p]\naws_access_key_id = A\naws_secret_access_key = s\naws_account_id = x\n"} {
		if _, _, err := sigv4.ParseCredentials([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	for _, tc := range []struct {
		name  string
		keys  sigv4.Keys
		key   string
		owner string
	}{
		{"mapped key", keys, "AKIDSPOKE", "222222222222"},
		{"ini profile", keys, "AKIDCI", "444444444444"},
		{"unmapped key", keys, "AKIDHUB", "111111111111"},
		{"12 digits with a credentials file", keys, "333333333333", "111111111111"},
		{"12 digits without a credentials file", nil, "333333333333", "333333333333"},
		{"other key without a credentials file", nil, "test", "111111111111"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOpts{initial: &config.File{AccountID: "111111111111"}, keys: tc.keys, accts: accts})
			vpc := createVPC(t, e.as(tc.key), "10.9.0.0/16")
			if *vpc.Vpc.OwnerId != tc.owner {
				t.Errorf("OwnerId %s, want %s", *vpc.Vpc.OwnerId, tc.owner)
			}
			want := tc.owner
			if want == "111111111111" {
				want = "" // the network's account: owner_account stays unset, as a one-account file
			}
			if got := file(e).VPCs[0].OwnerAccount; got != want {
				t.Errorf("owner_account %q, want %q", got, want)
			}
		})
	}
}

// A resolver rule is another account's to associate only once a RAM
// resource share shares it with that account; network.yaml's share_status
// follows the share, so explain, lint and DNS see what the same file says.
func TestRAMSharesResolverRules(t *testing.T) {
	const hubAcct, spokeAcct, otherAcct = "111111111111", "222222222222", "333333333333"
	e := newEnv(t, envOpts{initial: &config.File{AccountID: hubAcct}})
	e.connect(hubAcct, "test")
	n := buildNetwork(t, e)
	ep := createEndpoint(t, e, n)
	rule := createRule(t, e, "r-1", "corp.example", ep)
	if *rule.OwnerId != hubAcct || rule.ShareStatus != rtypes.ShareStatusNotShared || *rule.Arn != "arn:aws:route53resolver:us-east-1:"+hubAcct+":resolver-rule/"+*rule.Id {
		t.Errorf("rule %+v", rule)
	}
	hub, spoke, other := e.as(hubAcct), e.as(spokeAcct), e.as(otherAcct)
	spokeVPC := *createVPC(t, spoke, "10.1.0.0/16").Vpc.VpcId
	otherVPC := *createVPC(t, other, "10.2.0.0/16").Vpc.VpcId

	associate := func(c clients, vpc string) error {
		_, err := c.resolver.AssociateResolverRule(ctx, &route53resolver.AssociateResolverRuleInput{ResolverRuleId: rule.Id, VPCId: &vpc})
		return err
	}
	if code := apiCode(t, associate(spoke, spokeVPC)); code != "ResourceNotFoundException" {
		t.Errorf("spoke associates a rule not shared: %s", code)
	}
	if code := apiCode(t, associate(hub, spokeVPC)); code != "ResourceNotFoundException" {
		t.Errorf("hub associates the spoke's VPC: %s", code)
	}
	_, err := spoke.resolver.GetResolverRule(ctx, &route53resolver.GetResolverRuleInput{ResolverRuleId: rule.Id})
	if code := apiCode(t, err); code != "ResourceNotFoundException" {
		t.Errorf("spoke reads a rule not shared: %s", code)
	}

	// A share with the rule and no principal yet shares nothing.
	share := must[*ram.CreateResourceShareOutput](t)(hub.ram.CreateResourceShare(ctx, &ram.CreateResourceShareInput{
		Name: aws.String("corp-rules"), ResourceArns: []string{*rule.Arn},
		Tags: []ramtypes.Tag{{Key: aws.String("team"), Value: aws.String("net")}}})).ResourceShare
	if *share.OwningAccountId != hubAcct || share.Status != ramtypes.ResourceShareStatusActive || *share.Name != "corp-rules" {
		t.Errorf("share %+v", share)
	}
	if code := apiCode(t, associate(spoke, spokeVPC)); code != "ResourceNotFoundException" {
		t.Errorf("share without principals: %s", code)
	}
	must[*ram.AssociateResourceShareOutput](t)(hub.ram.AssociateResourceShare(ctx, &ram.AssociateResourceShareInput{
		ResourceShareArn: share.ResourceShareArn, Principals: []string{spokeAcct}}))
	if got := file(e).Rules[0].ShareStatus; got != config.SharedByMe {
		t.Errorf("share_status %q", got)
	}
	seen := must[*route53resolver.GetResolverRuleOutput](t)(spoke.resolver.GetResolverRule(ctx, &route53resolver.GetResolverRuleInput{ResolverRuleId: rule.Id})).ResolverRule
	if seen.ShareStatus != rtypes.ShareStatusSharedWithMe || *seen.OwnerId != hubAcct {
		t.Errorf("spoke sees %s owned by %s", seen.ShareStatus, *seen.OwnerId)
	}
	mine := must[*route53resolver.GetResolverRuleOutput](t)(e.resolver.GetResolverRule(ctx, &route53resolver.GetResolverRuleInput{ResolverRuleId: rule.Id})).ResolverRule
	if mine.ShareStatus != rtypes.ShareStatusSharedByMe {
		t.Errorf("hub sees %s", mine.ShareStatus)
	}
	if err := associate(spoke, spokeVPC); err != nil {
		t.Fatalf("spoke associates the shared rule: %v", err)
	}
	if code := apiCode(t, associate(other, otherVPC)); code != "ResourceNotFoundException" {
		t.Errorf("an account the rule is not shared with: %s", code)
	}
	_, err = spoke.resolver.UpdateResolverRule(ctx, &route53resolver.UpdateResolverRuleInput{ResolverRuleId: rule.Id, Config: &rtypes.ResolverRuleConfig{Name: aws.String("mine")}})
	if code := apiCode(t, err); code != "InvalidRequestException" {
		t.Errorf("spoke updates the hub's rule: %s", code)
	}
	_, err = spoke.resolver.DeleteResolverRule(ctx, &route53resolver.DeleteResolverRuleInput{ResolverRuleId: rule.Id})
	if code := apiCode(t, err); code != "ResourceNotFoundException" {
		t.Errorf("spoke deletes the hub's rule: %s", code)
	}
	e.synced()
	net := e.store.Network()
	if r := net.Rules[0]; !slices.ContainsFunc(r.VPCs, func(v *config.VPC) bool { return v.ID == spokeVPC }) || r.ShareStatus != config.SharedByMe {
		t.Errorf("network rule %+v", r)
	}

	// Listing: the owner sees its share, the principal sees it from OTHER-ACCOUNTS.
	for _, tc := range []struct {
		name  string
		c     clients
		owner ramtypes.ResourceOwner
		want  int
	}{
		{"owner SELF", hub, ramtypes.ResourceOwnerSelf, 1},
		{"principal OTHER-ACCOUNTS", spoke, ramtypes.ResourceOwnerOtherAccounts, 1},
		{"principal SELF", spoke, ramtypes.ResourceOwnerSelf, 0},
		{"stranger OTHER-ACCOUNTS", other, ramtypes.ResourceOwnerOtherAccounts, 0},
	} {
		got := must[*ram.GetResourceSharesOutput](t)(tc.c.ram.GetResourceShares(ctx, &ram.GetResourceSharesInput{ResourceOwner: tc.owner}))
		if len(got.ResourceShares) != tc.want {
			t.Errorf("%s: %d shares", tc.name, len(got.ResourceShares))
		}
	}
	for _, tc := range []struct {
		kind ramtypes.ResourceShareAssociationType
		want string
	}{{ramtypes.ResourceShareAssociationTypePrincipal, spokeAcct}, {ramtypes.ResourceShareAssociationTypeResource, *rule.Arn}} {
		got := must[*ram.GetResourceShareAssociationsOutput](t)(hub.ram.GetResourceShareAssociations(ctx, &ram.GetResourceShareAssociationsInput{AssociationType: tc.kind}))
		if len(got.ResourceShareAssociations) != 1 || *got.ResourceShareAssociations[0].AssociatedEntity != tc.want ||
			got.ResourceShareAssociations[0].Status != ramtypes.ResourceShareAssociationStatusAssociated {
			t.Errorf("%s associations %+v", tc.kind, got.ResourceShareAssociations)
		}
	}

	// Errors, in RAM's codes.
	_, err = hub.ram.CreateResourceShare(ctx, &ram.CreateResourceShareInput{Name: aws.String("x"), ResourceArns: []string{"not-an-arn"}})
	if code := apiCode(t, err); code != "MalformedArnException" {
		t.Errorf("malformed ARN: %s", code)
	}
	_, err = spoke.ram.AssociateResourceShare(ctx, &ram.AssociateResourceShareInput{ResourceShareArn: share.ResourceShareArn, Principals: []string{otherAcct}})
	if code := apiCode(t, err); code != "OperationNotPermittedException" {
		t.Errorf("a principal changes the share: %s", code)
	}
	_, err = hub.ram.DeleteResourceShare(ctx, &ram.DeleteResourceShareInput{ResourceShareArn: aws.String("arn:aws:ram:us-east-1:" + hubAcct + ":resource-share/none")})
	if code := apiCode(t, err); code != "UnknownResourceException" {
		t.Errorf("unknown share: %s", code)
	}

	// Unsharing: the spoke's association goes first; then the principal and
	// the share go, and the rule is the hub's alone again.
	must[*route53resolver.DisassociateResolverRuleOutput](t)(spoke.resolver.DisassociateResolverRule(ctx, &route53resolver.DisassociateResolverRuleInput{ResolverRuleId: rule.Id, VPCId: &spokeVPC}))
	must[*ram.DisassociateResourceShareOutput](t)(hub.ram.DisassociateResourceShare(ctx, &ram.DisassociateResourceShareInput{
		ResourceShareArn: share.ResourceShareArn, Principals: []string{spokeAcct}}))
	if got := file(e).Rules[0].ShareStatus; got != "" {
		t.Errorf("share_status after the principal left: %q", got)
	}
	del := must[*ram.DeleteResourceShareOutput](t)(hub.ram.DeleteResourceShare(ctx, &ram.DeleteResourceShareInput{ResourceShareArn: share.ResourceShareArn}))
	if !*del.ReturnValue {
		t.Errorf("delete returned false")
	}
	if got := must[*ram.GetResourceSharesOutput](t)(hub.ram.GetResourceShares(ctx, &ram.GetResourceSharesInput{ResourceOwner: ramtypes.ResourceOwnerSelf})); len(got.ResourceShares) != 0 {
		t.Errorf("shares after delete: %d", len(got.ResourceShares))
	}
}

func file(e *env) *config.File {
	st, _ := e.store.Snapshot()
	return &st.File
}
