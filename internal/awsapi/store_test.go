package awsapi_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	rtypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"

	"github.com/vpcdns/vpcdns/internal/awsapi/store/boltstore"
	"github.com/vpcdns/vpcdns/internal/config"
)

func TestStateSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, envOpts{dir: dir})
	n := buildNetwork(t, e)
	ep := createEndpoint(t, e, n)
	rule := createRule(t, e, "rule-1", "0.10.in-addr.arpa", ep)
	assoc := must[*route53resolver.AssociateResolverRuleOutput](t)(e.resolver.AssociateResolverRule(ctx, &route53resolver.AssociateResolverRuleInput{
		ResolverRuleId: rule.Id, VPCId: &n.vpc, Name: aws.String("app-reverse")}))
	ips := must[*route53resolver.ListResolverEndpointIpAddressesOutput](t)(e.resolver.ListResolverEndpointIpAddresses(ctx, &route53resolver.ListResolverEndpointIpAddressesInput{ResolverEndpointId: &ep}))

	// A second server on the same data directory: a restart.
	e.srv.Close()
	e.store.Close()
	e2 := newEnv(t, envOpts{dir: dir, initial: &config.File{Region: "eu-west-1"}})
	if !e2.store.Loaded() {
		t.Fatal("the state was not loaded from the data directory")
	}
	got := must[*route53resolver.GetResolverRuleOutput](t)(e2.resolver.GetResolverRule(ctx, &route53resolver.GetResolverRuleInput{ResolverRuleId: rule.Id}))
	if *got.ResolverRule.CreationTime != *rule.CreationTime || *got.ResolverRule.CreatorRequestId != "rule-1" || *got.ResolverRule.Arn != *rule.Arn {
		t.Errorf("rule after restart %+v, want %+v", got.ResolverRule, rule)
	}
	as := must[*route53resolver.ListResolverRuleAssociationsOutput](t)(e2.resolver.ListResolverRuleAssociations(ctx, &route53resolver.ListResolverRuleAssociationsInput{
		Filters: []rtypes.Filter{{Name: aws.String("ResolverRuleId"), Values: []string{*rule.Id}}}}))
	if len(as.ResolverRuleAssociations) != 1 || *as.ResolverRuleAssociations[0].Id != *assoc.ResolverRuleAssociation.Id ||
		*as.ResolverRuleAssociations[0].Name != "app-reverse" {
		t.Errorf("associations after restart %+v", as.ResolverRuleAssociations)
	}
	ips2 := must[*route53resolver.ListResolverEndpointIpAddressesOutput](t)(e2.resolver.ListResolverEndpointIpAddresses(ctx, &route53resolver.ListResolverEndpointIpAddressesInput{ResolverEndpointId: &ep}))
	if len(ips.IpAddresses) != 2 || len(ips2.IpAddresses) != len(ips.IpAddresses) {
		t.Fatalf("endpoint addresses before and after restart: %d and %d, want 2 and 2", len(ips.IpAddresses), len(ips2.IpAddresses))
	}
	for i := range ips.IpAddresses {
		if *ips.IpAddresses[i].IpId != *ips2.IpAddresses[i].IpId {
			t.Errorf("endpoint address id %s became %s", *ips.IpAddresses[i].IpId, *ips2.IpAddresses[i].IpId)
		}
	}
	sgs := must[*ec2.DescribeSecurityGroupsOutput](t)(e2.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{n.sg}}))
	if *sgs.SecurityGroups[0].GroupName != "resolver-out" || *sgs.SecurityGroups[0].Description != "DNS to on-premises" {
		t.Errorf("security group after restart %+v", sgs.SecurityGroups[0])
	}

	// The state file holds a valid network.yaml.
	f, ok, err := boltstore.ReadFile(dir)
	if err != nil || !ok {
		t.Fatalf("read state: %v %v", ok, err)
	}
	data, err := config.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := config.Parse(data, "exported.yaml", "."); err != nil {
		t.Errorf("exported network is invalid: %v\n%s", err, data)
	}
	// No temporary file is left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != boltstore.FileName {
		t.Errorf("data directory holds %v, want only %s", entries, boltstore.FileName)
	}
}

func TestRejectedChangeLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, envOpts{dir: dir})
	n := buildNetwork(t, e)
	before, err := os.ReadFile(filepath.Join(dir, boltstore.FileName))
	if err != nil {
		t.Fatal(err)
	}
	// The DNS server refuses the change (a socket it cannot open, say).
	e.store.SetApply(func(*config.Network) error { return errors.New("listen udp 127.0.0.1:53: permission denied") })
	_, err = e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")})
	if code := apiCode(t, err); code != "OperationNotPermitted" {
		t.Errorf("refused apply: %v", err)
	}
	// (A rule is compiled in the background: the DNS server cannot refuse
	// it, see TestRuleAssociationStatus.)
	after, _ := os.ReadFile(filepath.Join(dir, boltstore.FileName))
	if string(before) != string(after) {
		t.Errorf("the state file changed though the change was refused")
	}
	vpcs := must[*ec2.DescribeVpcsOutput](t)(e.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}))
	if len(vpcs.Vpcs) != 1 || *vpcs.Vpcs[0].VpcId != n.vpc {
		t.Errorf("VPCs after a refused change: %d", len(vpcs.Vpcs))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data directory holds %v after a refused change", entries)
	}
}
