package awsapi_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	rtypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"
)

func TestListResolverRulesPagesAndFilters(t *testing.T) {
	e := newEnv(t, envOpts{})
	for i := range 7 {
		must[*route53resolver.CreateResolverRuleOutput](t)(e.resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{
			CreatorRequestId: aws.String(fmt.Sprint("r", i)), RuleType: rtypes.RuleTypeOptionSystem,
			DomainName: aws.String(fmt.Sprintf("d%d.example", i)), Name: aws.String(fmt.Sprint("rule-", i))}))
	}
	p := route53resolver.NewListResolverRulesPaginator(e.resolver, &route53resolver.ListResolverRulesInput{MaxResults: aws.Int32(3)})
	var sizes []int
	seen := map[string]bool{}
	var first []rtypes.ResolverRule
	for p.HasMorePages() {
		page := must[*route53resolver.ListResolverRulesOutput](t)(p.NextPage(ctx))
		sizes = append(sizes, len(page.ResolverRules))
		if *page.MaxResults != 3 {
			t.Errorf("MaxResults %d, want 3", *page.MaxResults)
		}
		for _, r := range page.ResolverRules {
			if seen[*r.Id] {
				t.Errorf("rule %s listed twice", *r.Id)
			}
			seen[*r.Id] = true
		}
		if first == nil {
			first = page.ResolverRules
		}
	}
	if fmt.Sprint(sizes) != "[3 3 2]" {
		t.Errorf("page sizes %v, want [3 3 2] (7 rules and the Internet Resolver)", sizes)
	}
	b := first[0]
	if *b.Id != "rslvr-autodefined-rr-internet-resolver" || b.RuleType != rtypes.RuleTypeOptionRecursive || *b.DomainName != "." ||
		*b.OwnerId != "Route 53 Resolver" || *b.Name != "Internet Resolver" ||
		*b.Arn != "arn:aws:route53resolver:us-east-1::autodefined-rule/rslvr-autodefined-rr-internet-resolver" {
		t.Errorf("first rule %+v, want the Internet Resolver", b)
	}

	for _, tt := range []struct {
		filters []rtypes.Filter
		want    int
	}{
		{[]rtypes.Filter{{Name: aws.String("Type"), Values: []string{"SYSTEM"}}}, 7},
		{[]rtypes.Filter{{Name: aws.String("TYPE"), Values: []string{"RECURSIVE"}}}, 1},
		{[]rtypes.Filter{{Name: aws.String("DomainName"), Values: []string{"d3.example."}}}, 1},
		{[]rtypes.Filter{{Name: aws.String("DomainName"), Values: []string{"d3.example"}}}, 1},
		{[]rtypes.Filter{{Name: aws.String("Name"), Values: []string{"rule-1", "rule-2"}}}, 2},
		{[]rtypes.Filter{{Name: aws.String("CreatorRequestId"), Values: []string{"r4"}}, {Name: aws.String("Type"), Values: []string{"FORWARD"}}}, 0},
	} {
		out := must[*route53resolver.ListResolverRulesOutput](t)(e.resolver.ListResolverRules(ctx, &route53resolver.ListResolverRulesInput{Filters: tt.filters}))
		if len(out.ResolverRules) != tt.want {
			t.Errorf("filters %v: %d rules, want %d", tt.filters, len(out.ResolverRules), tt.want)
		}
	}

	_, err := e.resolver.ListResolverRules(ctx, &route53resolver.ListResolverRulesInput{NextToken: aws.String("not-a-token")})
	if code := apiCode(t, err); code != "InvalidNextTokenException" {
		t.Errorf("bad token: %v", err)
	}
	_, err = e.resolver.ListResolverRules(ctx, &route53resolver.ListResolverRulesInput{MaxResults: aws.Int32(500)})
	if code := apiCode(t, err); code != "InvalidParameterException" {
		t.Errorf("MaxResults 500: %v", err)
	}
	_, err = e.resolver.ListResolverRules(ctx, &route53resolver.ListResolverRulesInput{Filters: []rtypes.Filter{{Name: aws.String("Colour")}}})
	if code := apiCode(t, err); code != "InvalidParameterException" {
		t.Errorf("unknown filter: %v", err)
	}
}

func TestDescribeVpcsPages(t *testing.T) {
	e := newEnv(t, envOpts{})
	for i := range 7 {
		must[*ec2.CreateVpcOutput](t)(e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(fmt.Sprintf("10.%d.0.0/16", i))}))
	}
	p := ec2.NewDescribeVpcsPaginator(e.ec2, &ec2.DescribeVpcsInput{MaxResults: aws.Int32(5)})
	var sizes []int
	for p.HasMorePages() {
		page := must[*ec2.DescribeVpcsOutput](t)(p.NextPage(ctx))
		sizes = append(sizes, len(page.Vpcs))
	}
	if fmt.Sprint(sizes) != "[5 2]" {
		t.Errorf("page sizes %v, want [5 2]", sizes)
	}
	_, err := e.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{MaxResults: aws.Int32(2)})
	if code := apiCode(t, err); code != "InvalidParameterValue" {
		t.Errorf("MaxResults 2: %v", err)
	}
}
