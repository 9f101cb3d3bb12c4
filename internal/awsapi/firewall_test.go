package awsapi_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	rtypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"
	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/loopbacktest"
	"github.com/vpcdns/vpcdns/internal/server"
)

// fwNetwork is one VPC with a private hosted zone, answered on LISTEN.
const fwNetwork = `
account_id: "111122223333"
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
    resolver_listen: ["LISTEN"]
  - id: vpc-other
    cidr_blocks: [10.1.0.0/16]
private_hosted_zones:
  - name: internal.example
    vpcs: [vpc-app]
    records:
      - {name: bad.internal.example, type: A, values: [10.0.1.66]}
      - {name: good.internal.example, type: A, values: [10.0.1.7]}
      - {name: walled.internal.example, type: A, values: [10.0.1.99]}
`

func fwEnv(t *testing.T) (*env, string) {
	t.Helper()
	listen := "127.0.0.1:" + strconv.Itoa(int(loopbacktest.FreePort(t)))
	f, err := config.Decode([]byte(strings.ReplaceAll(fwNetwork, "LISTEN", listen)), "network.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, envOpts{dir: t.TempDir(), initial: f})
	srv, err := server.New(e.store.Network(), server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(t.Context()) })
	e.store.SetApply(srv.Reload)
	return e, listen
}

// query asks addr for name A, once DNS answers from every change the API
// acknowledged, and returns the rcode and the answer's data.
func query(t *testing.T, e *env, addr, name string) (string, string) {
	t.Helper()
	e.synced()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), dns.TypeA)
	r, _, err := (&dns.Client{Timeout: 5 * time.Second}).Exchange(m, addr)
	if err != nil {
		t.Fatalf("query %s: %v", name, err)
	}
	var parts []string
	for _, rr := range r.Answer {
		switch rr := rr.(type) {
		case *dns.A:
			parts = append(parts, rr.A.String())
		case *dns.CNAME:
			parts = append(parts, "CNAME "+rr.Target)
		}
	}
	return dns.RcodeToString[r.Rcode], strings.Join(parts, " ")
}

// The DNS Firewall through the AWS SDK: every change shows in the DNS
// answers at once.
func TestFirewallThroughTheSDK(t *testing.T) {
	e, listen := fwEnv(t)
	r := e.resolver
	vpc := "vpc-app"

	list := must[*route53resolver.CreateFirewallDomainListOutput](t)(r.CreateFirewallDomainList(ctx, &route53resolver.CreateFirewallDomainListInput{
		CreatorRequestId: aws.String("l1"), Name: aws.String("bad")})).FirewallDomainList
	if !strings.HasPrefix(*list.Id, "rslvr-fdl-") || list.Status != "COMPLETE" {
		t.Fatalf("list %+v", list)
	}
	must[*route53resolver.UpdateFirewallDomainsOutput](t)(r.UpdateFirewallDomains(ctx, &route53resolver.UpdateFirewallDomainsInput{
		FirewallDomainListId: list.Id, Operation: rtypes.FirewallDomainUpdateOperationAdd, Domains: []string{"bad.internal.example", "*.evil.example", "good.internal.example"}}))
	must[*route53resolver.UpdateFirewallDomainsOutput](t)(r.UpdateFirewallDomains(ctx, &route53resolver.UpdateFirewallDomainsInput{
		FirewallDomainListId: list.Id, Operation: rtypes.FirewallDomainUpdateOperationRemove, Domains: []string{"good.internal.example"}}))
	doms := must[*route53resolver.ListFirewallDomainsOutput](t)(r.ListFirewallDomains(ctx, &route53resolver.ListFirewallDomainsInput{FirewallDomainListId: list.Id, MaxResults: aws.Int32(1)}))
	if len(doms.Domains) != 1 || doms.NextToken == nil {
		t.Fatalf("first page %v next %v", doms.Domains, doms.NextToken)
	}

	group := must[*route53resolver.CreateFirewallRuleGroupOutput](t)(r.CreateFirewallRuleGroup(ctx, &route53resolver.CreateFirewallRuleGroupInput{
		CreatorRequestId: aws.String("g1"), Name: aws.String("main")})).FirewallRuleGroup
	must[*route53resolver.CreateFirewallRuleOutput](t)(r.CreateFirewallRule(ctx, &route53resolver.CreateFirewallRuleInput{
		CreatorRequestId: aws.String("r1"), FirewallRuleGroupId: group.Id, FirewallDomainListId: list.Id, Priority: aws.Int32(10),
		Action: rtypes.ActionBlock, BlockResponse: rtypes.BlockResponseNxdomain, Name: aws.String("block-bad")}))

	if rc, _ := query(t, e, listen, "bad.internal.example"); rc != "NOERROR" {
		t.Fatalf("before association: %s", rc)
	}
	assoc := must[*route53resolver.AssociateFirewallRuleGroupOutput](t)(r.AssociateFirewallRuleGroup(ctx, &route53resolver.AssociateFirewallRuleGroupInput{
		CreatorRequestId: aws.String("a1"), FirewallRuleGroupId: group.Id, VpcId: &vpc, Priority: aws.Int32(101), Name: aws.String("main-app")})).FirewallRuleGroupAssociation
	if rc, _ := query(t, e, listen, "bad.internal.example"); rc != "NXDOMAIN" {
		t.Errorf("BLOCK NXDOMAIN: %s", rc)
	}

	// UpdateFirewallRule: NODATA, then OVERRIDE.
	must[*route53resolver.UpdateFirewallRuleOutput](t)(r.UpdateFirewallRule(ctx, &route53resolver.UpdateFirewallRuleInput{
		FirewallRuleGroupId: group.Id, FirewallDomainListId: list.Id, BlockResponse: rtypes.BlockResponseNodata}))
	if rc, ans := query(t, e, listen, "bad.internal.example"); rc != "NOERROR" || ans != "" {
		t.Errorf("BLOCK NODATA: %s %q", rc, ans)
	}
	must[*route53resolver.UpdateFirewallRuleOutput](t)(r.UpdateFirewallRule(ctx, &route53resolver.UpdateFirewallRuleInput{
		FirewallRuleGroupId: group.Id, FirewallDomainListId: list.Id, BlockResponse: rtypes.BlockResponseOverride,
		BlockOverrideDnsType: rtypes.BlockOverrideDnsTypeCname, BlockOverrideDomain: aws.String("walled.internal.example"), BlockOverrideTtl: aws.Int32(30)}))
	if rc, ans := query(t, e, listen, "bad.internal.example"); rc != "NOERROR" || ans != "CNAME walled.internal.example. 10.0.1.99" {
		t.Errorf("BLOCK OVERRIDE: %s %q", rc, ans)
	}

	// ALLOW at a higher priority wins over the BLOCK.
	allow := must[*route53resolver.CreateFirewallDomainListOutput](t)(r.CreateFirewallDomainList(ctx, &route53resolver.CreateFirewallDomainListInput{
		CreatorRequestId: aws.String("l2"), Name: aws.String("allowed")})).FirewallDomainList
	must[*route53resolver.UpdateFirewallDomainsOutput](t)(r.UpdateFirewallDomains(ctx, &route53resolver.UpdateFirewallDomainsInput{
		FirewallDomainListId: allow.Id, Operation: rtypes.FirewallDomainUpdateOperationReplace, Domains: []string{"bad.internal.example"}}))
	must[*route53resolver.CreateFirewallRuleOutput](t)(r.CreateFirewallRule(ctx, &route53resolver.CreateFirewallRuleInput{
		CreatorRequestId: aws.String("r2"), FirewallRuleGroupId: group.Id, FirewallDomainListId: allow.Id, Priority: aws.Int32(5),
		Action: rtypes.ActionAllow, Name: aws.String("allow-it")}))
	if rc, ans := query(t, e, listen, "bad.internal.example"); rc != "NOERROR" || ans != "10.0.1.66" {
		t.Errorf("ALLOW before BLOCK: %s %q", rc, ans)
	}
	rules := must[*route53resolver.ListFirewallRulesOutput](t)(r.ListFirewallRules(ctx, &route53resolver.ListFirewallRulesInput{FirewallRuleGroupId: group.Id}))
	if len(rules.FirewallRules) != 2 || *rules.FirewallRules[0].Name != "allow-it" {
		t.Errorf("rules %+v, want two, by priority", rules.FirewallRules)
	}
	must[*route53resolver.DeleteFirewallRuleOutput](t)(r.DeleteFirewallRule(ctx, &route53resolver.DeleteFirewallRuleInput{FirewallRuleGroupId: group.Id, FirewallDomainListId: allow.Id}))

	// The errors of the model.
	for _, tt := range []struct {
		name, code string
		err        error
	}{
		{"duplicate rule priority", "ConflictException", func() error {
			_, err := r.CreateFirewallRule(ctx, &route53resolver.CreateFirewallRuleInput{CreatorRequestId: aws.String("r3"), FirewallRuleGroupId: group.Id,
				FirewallDomainListId: allow.Id, Priority: aws.Int32(10), Action: rtypes.ActionAlert, Name: aws.String("dup")})
			return err
		}()},
		{"BLOCK without a response", "ValidationException", func() error {
			_, err := r.CreateFirewallRule(ctx, &route53resolver.CreateFirewallRuleInput{CreatorRequestId: aws.String("r4"), FirewallRuleGroupId: group.Id,
				FirewallDomainListId: allow.Id, Priority: aws.Int32(11), Action: rtypes.ActionBlock, Name: aws.String("noresp")})
			return err
		}()},
		{"association priority out of range", "ValidationException", func() error {
			_, err := r.AssociateFirewallRuleGroup(ctx, &route53resolver.AssociateFirewallRuleGroupInput{CreatorRequestId: aws.String("a2"),
				FirewallRuleGroupId: group.Id, VpcId: aws.String("vpc-other"), Priority: aws.Int32(100), Name: aws.String("x")})
			return err
		}()},
		{"duplicate association priority", "ConflictException", func() error {
			g2 := must[*route53resolver.CreateFirewallRuleGroupOutput](t)(r.CreateFirewallRuleGroup(ctx, &route53resolver.CreateFirewallRuleGroupInput{
				CreatorRequestId: aws.String("g2"), Name: aws.String("second")})).FirewallRuleGroup
			_, err := r.AssociateFirewallRuleGroup(ctx, &route53resolver.AssociateFirewallRuleGroupInput{CreatorRequestId: aws.String("a3"),
				FirewallRuleGroupId: g2.Id, VpcId: &vpc, Priority: aws.Int32(101), Name: aws.String("y")})
			return err
		}()},
		{"deleting a list in use", "ConflictException", func() error {
			_, err := r.DeleteFirewallDomainList(ctx, &route53resolver.DeleteFirewallDomainListInput{FirewallDomainListId: list.Id})
			return err
		}()},
		{"deleting an associated group", "ConflictException", func() error {
			_, err := r.DeleteFirewallRuleGroup(ctx, &route53resolver.DeleteFirewallRuleGroupInput{FirewallRuleGroupId: group.Id})
			return err
		}()},
		{"unknown list", "ResourceNotFoundException", func() error {
			_, err := r.GetFirewallDomainList(ctx, &route53resolver.GetFirewallDomainListInput{FirewallDomainListId: aws.String("rslvr-fdl-nope")})
			return err
		}()},
		{"bad domain", "ValidationException", func() error {
			_, err := r.UpdateFirewallDomains(ctx, &route53resolver.UpdateFirewallDomainsInput{FirewallDomainListId: list.Id,
				Operation: rtypes.FirewallDomainUpdateOperationAdd, Domains: []string{"no spaces.example"}})
			return err
		}()},
	} {
		if got := apiCode(t, tt.err); got != tt.code {
			t.Errorf("%s: %s (%v), want %s", tt.name, got, tt.err, tt.code)
		}
	}

	// Mutation protection blocks disassociation until it is turned off.
	must[*route53resolver.UpdateFirewallRuleGroupAssociationOutput](t)(r.UpdateFirewallRuleGroupAssociation(ctx, &route53resolver.UpdateFirewallRuleGroupAssociationInput{
		FirewallRuleGroupAssociationId: assoc.Id, MutationProtection: rtypes.MutationProtectionStatusEnabled}))
	if _, err := r.DisassociateFirewallRuleGroup(ctx, &route53resolver.DisassociateFirewallRuleGroupInput{FirewallRuleGroupAssociationId: assoc.Id}); apiCode(t, err) != "ConflictException" {
		t.Errorf("disassociate under mutation protection: %v", err)
	}
	must[*route53resolver.UpdateFirewallRuleGroupAssociationOutput](t)(r.UpdateFirewallRuleGroupAssociation(ctx, &route53resolver.UpdateFirewallRuleGroupAssociationInput{
		FirewallRuleGroupAssociationId: assoc.Id, MutationProtection: rtypes.MutationProtectionStatusDisabled}))
	if rc, _ := query(t, e, listen, "bad.internal.example"); rc != "NOERROR" {
		t.Fatalf("still blocked by override: %s", rc)
	}
	must[*route53resolver.DisassociateFirewallRuleGroupOutput](t)(r.DisassociateFirewallRuleGroup(ctx, &route53resolver.DisassociateFirewallRuleGroupInput{FirewallRuleGroupAssociationId: assoc.Id}))
	if rc, ans := query(t, e, listen, "bad.internal.example"); rc != "NOERROR" || ans != "10.0.1.66" {
		t.Errorf("after disassociation: %s %q, want the zone's answer", rc, ans)
	}

	// Tags, configs and the managed lists.
	must[*route53resolver.TagResourceOutput](t)(r.TagResource(ctx, &route53resolver.TagResourceInput{ResourceArn: list.Arn, Tags: []rtypes.Tag{{Key: aws.String("team"), Value: aws.String("sec")}}}))
	tags := must[*route53resolver.ListTagsForResourceOutput](t)(r.ListTagsForResource(ctx, &route53resolver.ListTagsForResourceInput{ResourceArn: list.Arn}))
	if len(tags.Tags) != 1 || *tags.Tags[0].Value != "sec" {
		t.Errorf("tags %+v", tags.Tags)
	}
	cfg := must[*route53resolver.UpdateFirewallConfigOutput](t)(r.UpdateFirewallConfig(ctx, &route53resolver.UpdateFirewallConfigInput{ResourceId: &vpc, FirewallFailOpen: rtypes.FirewallFailOpenStatusEnabled})).FirewallConfig
	if cfg.FirewallFailOpen != rtypes.FirewallFailOpenStatusEnabled || *cfg.ResourceId != vpc {
		t.Errorf("config %+v", cfg)
	}
	cfgs := must[*route53resolver.ListFirewallConfigsOutput](t)(r.ListFirewallConfigs(ctx, &route53resolver.ListFirewallConfigsInput{}))
	if len(cfgs.FirewallConfigs) != 2 {
		t.Errorf("configs %+v, want one per VPC", cfgs.FirewallConfigs)
	}
	lists := must[*route53resolver.ListFirewallDomainListsOutput](t)(r.ListFirewallDomainLists(ctx, &route53resolver.ListFirewallDomainListsInput{}))
	managed := 0
	for _, l := range lists.FirewallDomainLists {
		if aws.ToString(l.ManagedOwnerName) == config.ManagedListOwner {
			managed++
		}
	}
	if managed != len(config.ManagedDomainLists) {
		t.Errorf("%d managed lists, want %d", managed, len(config.ManagedDomainLists))
	}

	// Policy.
	must[*route53resolver.PutFirewallRuleGroupPolicyOutput](t)(r.PutFirewallRuleGroupPolicy(ctx, &route53resolver.PutFirewallRuleGroupPolicyInput{Arn: group.Arn, FirewallRuleGroupPolicy: aws.String(`{"Version":"2012-10-17"}`)}))
	pol := must[*route53resolver.GetFirewallRuleGroupPolicyOutput](t)(r.GetFirewallRuleGroupPolicy(ctx, &route53resolver.GetFirewallRuleGroupPolicyInput{Arn: group.Arn}))
	if aws.ToString(pol.FirewallRuleGroupPolicy) != `{"Version":"2012-10-17"}` {
		t.Errorf("policy %q", aws.ToString(pol.FirewallRuleGroupPolicy))
	}
}

// ImportFirewallDomains reads s3://BUCKET/KEY from DATA_DIR/s3/BUCKET/KEY.
func TestImportFirewallDomains(t *testing.T) {
	e, _ := fwEnv(t)
	r := e.resolver
	list := must[*route53resolver.CreateFirewallDomainListOutput](t)(r.CreateFirewallDomainList(ctx, &route53resolver.CreateFirewallDomainListInput{
		CreatorRequestId: aws.String("l1"), Name: aws.String("imported")})).FirewallDomainList
	p := filepath.Join(e.dir, "s3", "my-bucket", "lists", "bad.txt")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("one.example\n\n*.two.example\nONE.example\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	must[*route53resolver.ImportFirewallDomainsOutput](t)(r.ImportFirewallDomains(ctx, &route53resolver.ImportFirewallDomainsInput{
		FirewallDomainListId: list.Id, Operation: rtypes.FirewallDomainImportOperationReplace, DomainFileUrl: aws.String("s3://my-bucket/lists/bad.txt")}))
	doms := must[*route53resolver.ListFirewallDomainsOutput](t)(r.ListFirewallDomains(ctx, &route53resolver.ListFirewallDomainsInput{FirewallDomainListId: list.Id}))
	if got := strings.Join(doms.Domains, " "); got != "one.example. *.two.example." {
		t.Errorf("domains %q", got)
	}
	if _, err := r.ImportFirewallDomains(ctx, &route53resolver.ImportFirewallDomainsInput{
		FirewallDomainListId: list.Id, Operation: rtypes.FirewallDomainImportOperationReplace, DomainFileUrl: aws.String("s3://my-bucket/missing.txt")}); apiCode(t, err) != "ValidationException" {
		t.Errorf("missing file: %v", err)
	}
}

// A rule of network.yaml may name an AWS-managed list by its name; the API
// shows the list's id, and DeleteFirewallRule finds the rule by that id.
func TestManagedListByName(t *testing.T) {
	f, err := config.Decode([]byte(`
vpcs: [{id: vpc-app, cidr_blocks: [10.0.0.0/16]}]
firewall_rule_groups:
  - id: rslvr-frg-1
    rules:
      - {name: malware, priority: 1, firewall_domain_list: AWSManagedDomainsMalwareDomainList, action: BLOCK, block_response: NXDOMAIN}
`), "network.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, envOpts{initial: f})
	id := config.ManagedListID("AWSManagedDomainsMalwareDomainList")
	rules := must[*route53resolver.ListFirewallRulesOutput](t)(e.resolver.ListFirewallRules(ctx, &route53resolver.ListFirewallRulesInput{FirewallRuleGroupId: aws.String("rslvr-frg-1")}))
	if len(rules.FirewallRules) != 1 || aws.ToString(rules.FirewallRules[0].FirewallDomainListId) != id {
		t.Fatalf("rules %+v, want one on list %s", rules.FirewallRules, id)
	}
	l := must[*route53resolver.GetFirewallDomainListOutput](t)(e.resolver.GetFirewallDomainList(ctx, &route53resolver.GetFirewallDomainListInput{FirewallDomainListId: &id})).FirewallDomainList
	if aws.ToString(l.ManagedOwnerName) != config.ManagedListOwner || aws.ToInt32(l.DomainCount) != 0 || !strings.Contains(aws.ToString(l.StatusMessage), "AWS does not publish") {
		t.Errorf("managed list %+v", l)
	}
	if _, err := e.resolver.UpdateFirewallDomains(ctx, &route53resolver.UpdateFirewallDomainsInput{FirewallDomainListId: &id,
		Operation: rtypes.FirewallDomainUpdateOperationAdd, Domains: []string{"x.example"}}); apiCode(t, err) != "ValidationException" {
		t.Errorf("changing a managed list: %v", err)
	}
	must[*route53resolver.DeleteFirewallRuleOutput](t)(e.resolver.DeleteFirewallRule(ctx, &route53resolver.DeleteFirewallRuleInput{FirewallRuleGroupId: aws.String("rslvr-frg-1"), FirewallDomainListId: &id}))
}

// A VPC with a rule group associated cannot be deleted; its firewall
// config goes with it once the association is gone.
func TestDeleteVPCWithFirewall(t *testing.T) {
	e, _ := fwEnv(t)
	r := e.resolver
	vpc := "vpc-other"
	g := must[*route53resolver.CreateFirewallRuleGroupOutput](t)(r.CreateFirewallRuleGroup(ctx, &route53resolver.CreateFirewallRuleGroupInput{
		CreatorRequestId: aws.String("g"), Name: aws.String("g")})).FirewallRuleGroup
	a := must[*route53resolver.AssociateFirewallRuleGroupOutput](t)(r.AssociateFirewallRuleGroup(ctx, &route53resolver.AssociateFirewallRuleGroupInput{
		CreatorRequestId: aws.String("a"), FirewallRuleGroupId: g.Id, VpcId: &vpc, Priority: aws.Int32(101), Name: aws.String("a")})).FirewallRuleGroupAssociation
	must[*route53resolver.UpdateFirewallConfigOutput](t)(r.UpdateFirewallConfig(ctx, &route53resolver.UpdateFirewallConfigInput{ResourceId: &vpc, FirewallFailOpen: rtypes.FirewallFailOpenStatusEnabled}))
	if _, err := e.ec2.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: &vpc}); apiCode(t, err) != "DependencyViolation" {
		t.Fatalf("delete a VPC with a rule group associated: %v", err)
	}
	must[*route53resolver.DisassociateFirewallRuleGroupOutput](t)(r.DisassociateFirewallRuleGroup(ctx, &route53resolver.DisassociateFirewallRuleGroupInput{FirewallRuleGroupAssociationId: a.Id}))
	must[*ec2.DeleteVpcOutput](t)(e.ec2.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: &vpc}))
	if n := len(e.store.Network().Firewall.Configs); n != 0 {
		t.Errorf("%d firewall configs left after the VPC was deleted", n)
	}
}
