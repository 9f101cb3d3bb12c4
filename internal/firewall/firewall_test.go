package firewall

import (
	"fmt"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// The documents cited below are chapters of the Amazon Route 53 Developer
// Guide ("DNS Firewall rule groups and rules", "Rule settings in DNS
// Firewall", "Managing domain lists") and the route53resolver API
// reference (CreateFirewallRule, AssociateFirewallRuleGroup).

const network = `
vpcs:
  - {id: vpc-a, cidr_blocks: [10.0.0.0/16]}
  - {id: vpc-b, cidr_blocks: [10.1.0.0/16]}
firewall_domain_lists:
  - {id: fdl-bad, domains: [bad.example, "*.evil.example", MiXeD.Example.]}
  - {id: fdl-ok, domains: [ok.evil.example, good.example]}
  - {id: fdl-all, domains: ["*"]}
  - {id: fdl-alert, domains: [bad.example, watched.example]}
  - {id: fdl-mx, domains: [mail.example]}
firewall_rule_groups:
  - id: frg-first
    rules:
      - {name: alert-watch, priority: 1, firewall_domain_list: fdl-alert, action: ALERT}
      - {name: allow-ok, priority: 5, firewall_domain_list: fdl-ok, action: ALLOW}
      - {name: block-bad, priority: 10, firewall_domain_list: fdl-bad, action: BLOCK, block_response: NXDOMAIN}
      - {name: block-mx, priority: 20, firewall_domain_list: fdl-mx, action: BLOCK, block_response: NODATA, qtype: MX}
  - id: frg-second
    rules:
      - {name: walled, priority: 1, firewall_domain_list: fdl-all, action: BLOCK, block_response: NODATA}
  - id: frg-trust
    rules:
      - {name: trust-ok, priority: 1, firewall_domain_list: fdl-ok, action: ALLOW, redirection_action: TRUST_REDIRECTION_DOMAIN}
      - {name: block-rest, priority: 2, firewall_domain_list: fdl-all, action: BLOCK, block_response: NXDOMAIN}
firewall_rule_group_associations:
  - {firewall_rule_group: frg-second, vpc: vpc-a, priority: 200}
  - {firewall_rule_group: frg-first, vpc: vpc-a, priority: 101}
  - {firewall_rule_group: frg-trust, vpc: vpc-b, priority: 150}
`

func compile(t testing.TB, text string) (*Engine, *config.Network) {
	t.Helper()
	n, _, err := config.Parse([]byte(text), "network.yaml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return Compile(n), n
}

func TestEvaluate(t *testing.T) {
	e, n := compile(t, network)
	a, b := e.VPC(n.VPCByID("vpc-a")), e.VPC(n.VPCByID("vpc-b"))
	tests := []struct {
		name     string
		doc      string // the documentation the case follows
		vpc      *VPC
		qname    string
		qtype    uint16
		redirect bool
		acted    string // rule name, "" for none
		alerts   string // rule names, comma separated
	}{
		{"exact entry matches the name", "Managing domain lists: a domain name matches itself",
			a, "bad.example.", dns.TypeA, false, "block-bad", "alert-watch"},
		{"exact entry does not match a subdomain", "Managing domain lists: only a wildcard covers subdomains",
			a, "www.bad.example.", dns.TypeA, false, "walled", ""},
		{"wildcard matches a subdomain", "Managing domain lists: *.evil.example covers names below evil.example",
			a, "www.evil.example.", dns.TypeA, false, "block-bad", ""},
		{"wildcard matches deeper names", "Managing domain lists: the wildcard covers every level below",
			a, "a.b.c.evil.example.", dns.TypeAAAA, false, "block-bad", ""},
		{"wildcard does not match its apex", "Managing domain lists: *.evil.example does not hold evil.example",
			a, "evil.example.", dns.TypeA, false, "walled", ""},
		{"entries are case-insensitive", "Managing domain lists: DNS names are case-insensitive (RFC 4343)",
			a, "mixed.example.", dns.TypeA, false, "block-bad", ""},
		{"higher-priority ALLOW beats a later BLOCK", "Rule groups and rules: rules are evaluated by priority; ALLOW stops inspection",
			a, "ok.evil.example.", dns.TypeA, false, "allow-ok", ""},
		{"ALERT goes on to the next rule", "Rule actions: ALERT logs and continues with the next rule",
			a, "watched.example.", dns.TypeA, false, "walled", "alert-watch"},
		{"rule groups in association priority order", "AssociateFirewallRuleGroup: lower Priority is evaluated first",
			a, "bad.example.", dns.TypeTXT, false, "block-bad", "alert-watch"},
		{"query type filter applies", "CreateFirewallRule Qtype: the rule applies to that query type only",
			a, "mail.example.", dns.TypeMX, false, "block-mx", ""},
		{"query type filter skips other types", "CreateFirewallRule Qtype",
			a, "mail.example.", dns.TypeA, false, "walled", ""},
		{"star matches every name", "Managing domain lists: * alone matches every domain (walled garden)",
			a, "anything.test.", dns.TypeA, false, "walled", ""},
		{"no association, no firewall", "DNS Firewall applies to the VPCs a rule group is associated with",
			nil, "bad.example.", dns.TypeA, false, "", ""},
		{"INSPECT: a chain name is checked", "FirewallDomainRedirectionAction INSPECT_REDIRECTION_DOMAIN inspects every domain in the chain",
			a, "cdn.evil.example.", dns.TypeA, true, "block-bad", ""},
		{"TRUST: the allow rule is not used for chain names", "TRUST_REDIRECTION_DOMAIN inspects only the first domain",
			b, "ok.evil.example.", dns.TypeA, true, "block-rest", ""},
		{"TRUST: the query name itself is allowed", "TRUST_REDIRECTION_DOMAIN",
			b, "ok.evil.example.", dns.TypeA, false, "trust-ok", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.vpc.Evaluate(dnsname.MustParse(tt.qname), tt.qtype, tt.redirect)
			got := ""
			if d.Acted != nil {
				got = d.Acted.Config.Name
			}
			if got != tt.acted {
				t.Errorf("acted %q, want %q (%s)", got, tt.acted, tt.doc)
			}
			var al []string
			for _, r := range d.Alerts() {
				al = append(al, r.Config.Name)
			}
			if s := strings.Join(al, ","); s != tt.alerts {
				t.Errorf("alerts %q, want %q (%s)", s, tt.alerts, tt.doc)
			}
		})
	}
}

func TestTraceListsRulesUpToTheActingOne(t *testing.T) {
	e, n := compile(t, network)
	steps, d := e.VPC(n.VPCByID("vpc-a")).Trace(dnsname.MustParse("mail.example."), dns.TypeA, false)
	if d.Acted == nil || d.Acted.Config.Name != "walled" {
		t.Fatalf("acted %v", d.Acted)
	}
	var got []string
	for _, s := range steps {
		got = append(got, fmt.Sprintf("%s:%s:%s:%v", s.Rule.Config.Name, s.Entry, s.Result, s.Skipped != ""))
	}
	want := "alert-watch:::false allow-ok:::false block-bad:::false block-mx:mail.example.::true walled:*:BLOCK:false"
	if s := strings.Join(got, " "); s != want {
		t.Errorf("steps\n%s\nwant\n%s", s, want)
	}
}

func TestFailingFirewall(t *testing.T) {
	e, n := compile(t, network+`
firewall_configs:
  - {vpc: vpc-a, firewall_fail_open: ENABLED, emulate_failure: true}
`)
	v := e.VPC(n.VPCByID("vpc-a"))
	if d := v.Evaluate("bad.example.", dns.TypeA, false); !d.Failed || !v.FailOpen {
		t.Errorf("decision %+v fail open %v, want a failure that fails open", d, v.FailOpen)
	}
}

func TestUnreferencedListsStayOutOfTheTable(t *testing.T) {
	e, _ := compile(t, `
vpcs: [{id: vpc-a, cidr_blocks: [10.0.0.0/16]}]
firewall_domain_lists:
  - {id: fdl-unused, domains: [a.example, b.example]}
`)
	if e.Domains != 0 {
		t.Errorf("table holds %d names, want 0", e.Domains)
	}
}

func TestManagedListsExistEmpty(t *testing.T) {
	e, n := compile(t, `
vpcs: [{id: vpc-a, cidr_blocks: [10.0.0.0/16]}]
firewall_domain_lists:
  - {id: fdl-malware, managed_name: AWSManagedDomainsMalwareDomainList, domains: [malware.test]}
firewall_rule_groups:
  - id: frg
    rules:
      - {name: m, priority: 1, firewall_domain_list: AWSManagedDomainsMalwareDomainList, action: BLOCK, block_response: NXDOMAIN}
      - {name: b, priority: 2, firewall_domain_list: AWSManagedDomainsBotnetCommandandControl, action: BLOCK, block_response: NXDOMAIN}
firewall_rule_group_associations:
  - {firewall_rule_group: frg, vpc: vpc-a, priority: 101}
`)
	v := e.VPC(n.VPCByID("vpc-a"))
	if d := v.Evaluate("malware.test.", dns.TypeA, false); d.Acted == nil || d.Acted.Config.Name != "m" {
		t.Errorf("supplied managed list: acted %v", d.Acted)
	}
	builtin := 0
	for _, l := range n.Firewall.DomainLists {
		if l.Builtin {
			builtin++
			if len(l.Domains) != 0 || l.ID != config.ManagedListID(l.Name) {
				t.Errorf("built-in list %s: %d domains, id %s", l.Name, len(l.Domains), l.ID)
			}
		}
	}
	if builtin != len(config.ManagedDomainLists)-1 {
		t.Errorf("%d built-in lists, want %d", builtin, len(config.ManagedDomainLists)-1)
	}
}

func TestValidationProblems(t *testing.T) {
	base := "vpcs: [{id: vpc-a, cidr_blocks: [10.0.0.0/16]}]\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"bad domain", "firewall_domain_lists: [{id: l, domains: [\"bad domain\"]}]",
			`firewall_domain_lists[0].domains[0]: "bad domain" may hold only letters, digits, - and . (and a leading *)`},
		{"star inside", "firewall_domain_lists: [{id: l, domains: [\"*bad.example\"]}]",
			`firewall_domain_lists[0].domains[0]: "*bad.example" a wildcard is * alone or *. followed by a domain`},
		{"unknown list", "firewall_rule_groups: [{id: g, rules: [{name: r, priority: 1, firewall_domain_list: nope, action: ALLOW}]}]",
			`firewall_rule_groups[0].rules[0].firewall_domain_list: "nope" is not the id of any firewall domain list nor an AWS-managed list name`},
		{"block without response", "firewall_domain_lists: [{id: l}]\nfirewall_rule_groups: [{id: g, rules: [{name: r, priority: 1, firewall_domain_list: l, action: BLOCK}]}]",
			`firewall_rule_groups[0].rules[0].block_response: is required (NODATA, NXDOMAIN or OVERRIDE)`},
		{"override ttl", "firewall_domain_lists: [{id: l}]\nfirewall_rule_groups: [{id: g, rules: [{name: r, priority: 1, firewall_domain_list: l, action: BLOCK, block_response: OVERRIDE, block_override_domain: x.example, block_override_dns_type: CNAME, block_override_ttl: 700000}]}]",
			`firewall_rule_groups[0].rules[0].block_override_ttl: "700000" must be 0 to 604800`},
		{"duplicate rule priority", "firewall_domain_lists: [{id: l}, {id: m}]\nfirewall_rule_groups: [{id: g, rules: [{name: r, priority: 1, firewall_domain_list: l, action: ALLOW}, {name: s, priority: 1, firewall_domain_list: m, action: ALLOW}]}]",
			`firewall_rule_groups[0].rules[1].priority: "1" is already the priority of firewall_rule_groups[0].rules[0]: priorities are unique in a rule group`},
		{"association priority range", "firewall_rule_groups: [{id: g}]\nfirewall_rule_group_associations: [{firewall_rule_group: g, vpc: vpc-a, priority: 100}]",
			`firewall_rule_group_associations[0].priority: "100" must be between 100 and 9900 (exclusive)`},
		{"duplicate association priority", "firewall_rule_groups: [{id: g}, {id: h}]\nfirewall_rule_group_associations: [{id: a1, firewall_rule_group: g, vpc: vpc-a, priority: 101}, {id: a2, firewall_rule_group: h, vpc: vpc-a, priority: 101}]",
			`firewall_rule_group_associations[1].priority: "101" is already the priority of association a1 of vpc-a: priorities are unique per vpc`},
		{"bad qtype", "firewall_domain_lists: [{id: l}]\nfirewall_rule_groups: [{id: g, rules: [{name: r, priority: 1, firewall_domain_list: l, action: ALLOW, qtype: BOGUS}]}]",
			`firewall_rule_groups[0].rules[0].qtype: "BOGUS" is not a query type (A, AAAA, MX, … or TYPEnnn)`},
		{"fail open enum", "firewall_configs: [{vpc: vpc-a, firewall_fail_open: YES}]",
			`firewall_configs[0].firewall_fail_open: "YES" must be ENABLED, DISABLED or USE_LOCAL_RESOURCE_SETTING`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Validate(mustDecode(t, base+tt.yaml), "", "/")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n%v\nwant it to contain\n%s", err, tt.want)
			}
		})
	}
}

func mustDecode(t *testing.T, text string) *config.File {
	t.Helper()
	f, err := config.Decode([]byte(text), "network.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func FuzzCanonicalDomain(f *testing.F) {
	for _, s := range []string{"a.example", "*.b.example.", "*", "A-b.C", "..", "*x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, why := config.CanonicalDomain(s)
		if why != "" {
			return
		}
		if c != "*" && !strings.HasSuffix(c, ".") {
			t.Fatalf("%q → %q without a trailing dot", s, c)
		}
		if again, why := config.CanonicalDomain(c); why != "" || again != c {
			t.Fatalf("%q → %q → %q %q: not stable", s, c, again, why)
		}
	})
}
