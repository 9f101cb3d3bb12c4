package view

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// network builds a validated-looking network in Go: one VPC, 10.0.0.0/16,
// hostnames on, with the given rules associated.
func network(rules ...*config.Rule) *config.Network {
	vpc := &config.VPC{
		ID: "vpc-app", Region: "us-east-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")},
		DNSSupport: true, DNSHostnames: true, AutodefinedReverse: true,
	}
	sub := &config.Subnet{ID: "subnet-a", VPC: vpc, CIDR: netip.MustParsePrefix("10.0.1.0/24")}
	vpc.Subnets = []*config.Subnet{sub}
	ep := &config.Endpoint{ID: "rslvr-out", Outbound: true, VPC: vpc, Addresses: []config.EndpointAddr{
		{Subnet: sub, IP: netip.MustParseAddr("10.0.1.10")}, {Subnet: sub, IP: netip.MustParseAddr("10.0.1.11")}}}
	for _, r := range rules {
		r.VPCs = []*config.VPC{vpc}
		if r.Type == config.RuleForward {
			r.Endpoint = ep
			r.Targets = []netip.AddrPort{netip.MustParseAddrPort("192.168.10.53:53")}
		}
	}
	return &config.Network{AccountID: "000000000000", Region: "us-east-1", VPCs: []*config.VPC{vpc},
		Endpoints: []*config.Endpoint{ep}, Rules: rules}
}

func rule(id string, t config.RuleType, domain string) *config.Rule {
	return &config.Rule{ID: id, Type: t, Domain: dnsname.MustParse(domain)}
}

func TestDecide(t *testing.T) {
	tests := []struct {
		name   string
		rules  []*config.Rule
		qname  dnsname.Name
		source Source
		id     string
		via    string
	}{
		{name: "internet when nothing matches", qname: "www.example.org.", source: SourceInternet, id: InternetRuleID},
		{name: "label boundary", rules: []*config.Rule{rule("rr-ex", config.RuleForward, "example.com")},
			qname: "badexample.com.", source: SourceInternet, id: InternetRuleID},
		{name: "most specific rule", rules: []*config.Rule{rule("rr-ex", config.RuleForward, "example.com"), rule("rr-sub", config.RuleForward, "sub.example.com")},
			qname: "a.sub.example.com.", source: SourceForwardRule, id: "rr-sub"},
		{name: "system rule falls through to autodefined", rules: []*config.Rule{rule("rr-dot", config.RuleForward, "."), rule("rr-sys", config.RuleSystem, "0.10.in-addr.arpa")},
			qname: "5.0.0.10.in-addr.arpa.", source: SourceAutoReverse, via: "rr-sys"},
		{name: "system rule skips less specific customer rules", rules: []*config.Rule{rule("rr-ex", config.RuleForward, "example.com"), rule("rr-sys", config.RuleSystem, "sub.example.com")},
			qname: "x.sub.example.com.", source: SourceInternet, id: InternetRuleID, via: "rr-sys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Compile(network(tt.rules...))
			if err != nil {
				t.Fatal(err)
			}
			d := v.VPC("vpc-app").Decide(tt.qname)
			if d.Winner == nil || d.Winner.Source != tt.source || d.Winner.ID != tt.id {
				t.Fatalf("Decide(%s) = %+v; want %s %q", tt.qname, d.Winner, tt.source, tt.id)
			}
			via := ""
			if d.Via != nil {
				via = d.Via.ID
			}
			if via != tt.via {
				t.Errorf("via = %q; want %q", via, tt.via)
			}
		})
	}
}

func TestCandidatesOrder(t *testing.T) {
	v, err := Compile(network(rule("rr-rev", config.RuleForward, "0.10.in-addr.arpa")))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range v.VPC("vpc-app").Candidates("5.0.0.10.in-addr.arpa.") {
		got = append(got, c.Source.String()+" "+c.Domain.String())
	}
	want := []string{"forward-rule 0.10.in-addr.arpa.", "autodefined-reverse 0.10.in-addr.arpa.", "autodefined-reverse 10.in-addr.arpa.", "internet ."}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Candidates = %q; want %q", got, want)
	}
}

func TestDecideAllocatesNothing(t *testing.T) {
	v, err := Compile(network(rule("rr-ex", config.RuleForward, "example.com")))
	if err != nil {
		t.Fatal(err)
	}
	vpc := v.VPC("vpc-app")
	if n := testing.AllocsPerRun(100, func() { vpc.Decide("a.b.example.com.") }); n != 0 {
		t.Errorf("Decide allocates %v times per call; want 0", n)
	}
}

// BenchmarkDecide measures the choice with 10, 10,000 and 100,000 rules
// associated with one VPC: its cost follows the labels of the query, not the
// number of rules.
func BenchmarkDecide(b *testing.B) {
	for _, n := range []int{10, 10_000, 100_000} {
		rules := make([]*config.Rule, n)
		for i := range rules {
			rules[i] = rule(fmt.Sprintf("rr-%d", i), config.RuleForward, fmt.Sprintf("svc%d.corp.example", i))
		}
		v, err := Compile(network(rules...))
		if err != nil {
			b.Fatal(err)
		}
		vpc := v.VPC("vpc-app")
		queries := []dnsname.Name{"host.svc7.corp.example.", "db.internal.example.", "5.0.0.10.in-addr.arpa."}
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if d := vpc.Decide(queries[i%len(queries)]); d.Winner == nil {
					b.Fatal("no decision")
				}
				i++
			}
		})
	}
}
