package server_test

import (
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vpcdns/vpcdns/internal/loopbacktest"
	"github.com/vpcdns/vpcdns/internal/metrics"
	"github.com/vpcdns/vpcdns/internal/server"
)

// firewallNetwork has a private hosted zone, a forward rule to an emulated
// on-premises server and a DNS Firewall associated with vpc-app.
const firewallNetwork = `
  authoritative_servers:
    - id: onprem
      listen: ["{{AUTH}}"]
      zones:
        - name: corp.example
          records:
            - {name: db.corp.example, type: A, values: [10.0.1.20]}
            - {name: cdn.corp.example, type: CNAME, values: [edge.tracker.example]}
            - {name: safe.corp.example, type: CNAME, values: [db.corp.example]}
            - {name: trusted.corp.example, type: CNAME, values: [edge.tracker.example]}
` + corpRule + `
resolver_endpoints:
  - id: rslvr-out
    direction: outbound
    vpc: vpc-app
    ip_addresses:
      - {subnet: subnet-a, ip: 10.0.1.10}
      - {subnet: subnet-b, ip: 10.0.2.10}
  - id: rslvr-in
    direction: inbound
    vpc: vpc-app
    ip_addresses:
      - {subnet: subnet-a, ip: 10.0.1.53}
      - {subnet: subnet-b, ip: 10.0.2.53}
private_hosted_zones:
  - name: internal.example
    vpcs: [vpc-app]
    records:
      - {name: db.internal.example, type: A, values: [10.0.1.20]}
      - {name: mx.internal.example, type: MX, values: ["10 db.internal.example"]}
      - {name: mx.internal.example, type: A, values: [10.0.1.21]}
      - {name: ok.internal.example, type: A, values: [10.0.1.22]}
      - {name: watched.internal.example, type: A, values: [10.0.1.23]}
      - {name: www.internal.example, type: CNAME, values: [bad.internal.example]}
      - {name: bad.internal.example, type: A, values: [10.0.1.66]}
      - {name: walled.internal.example, type: A, values: [10.0.1.99]}
query_logging:
  - {id: rslvr-qlc-1, destination: "file:{{LOG}}", vpcs: [vpc-app]}
firewall_domain_lists:
  - {id: rslvr-fdl-bad, domains: [bad.internal.example, "*.tracker.example", nx.corp.example]}
  - {id: rslvr-fdl-ok, domains: [ok.internal.example]}
  - {id: rslvr-fdl-watch, domains: [watched.internal.example]}
  - {id: rslvr-fdl-mx, domains: [mx.internal.example]}
  - {id: rslvr-fdl-redirect, domains: [ads.internal.example, nx.internal.example]}
  - {id: rslvr-fdl-all, domains: [db.internal.example]}
  - {id: rslvr-fdl-trusted, domains: [trusted.corp.example]}
firewall_rule_groups:
  - id: rslvr-frg-main
    rules:
      - {name: allow-ok, priority: 1, firewall_domain_list: rslvr-fdl-ok, action: ALLOW}
      - {name: trust-it, priority: 3, firewall_domain_list: rslvr-fdl-trusted, action: ALLOW, redirection_action: TRUST_REDIRECTION_DOMAIN}
      - {name: watch, priority: 2, firewall_domain_list: rslvr-fdl-watch, action: ALERT}
      - {name: block-bad, priority: 10, firewall_domain_list: rslvr-fdl-bad, action: BLOCK, block_response: NXDOMAIN}
      - {name: no-mx, priority: 20, firewall_domain_list: rslvr-fdl-mx, action: BLOCK, block_response: NODATA, qtype: MX}
      - {name: redirect, priority: 30, firewall_domain_list: rslvr-fdl-redirect, action: BLOCK, block_response: OVERRIDE,
         block_override_domain: walled.internal.example, block_override_dns_type: CNAME, block_override_ttl: 42}
  - id: rslvr-frg-late
    rules:
      - {name: everything-else, priority: 1, firewall_domain_list: rslvr-fdl-all, action: BLOCK, block_response: NODATA}
firewall_rule_group_associations:
  - {id: rslvr-frgassoc-main, firewall_rule_group: rslvr-frg-main, vpc: vpc-app, priority: 101}
  - {id: rslvr-frgassoc-late, firewall_rule_group: rslvr-frg-late, vpc: vpc-app, priority: 9000}
`

func startFirewall(t *testing.T, extra string) (vpc, inbound, logPath string, reg *prometheus.Registry, s *server.Server) {
	t.Helper()
	authAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(int(loopbacktest.FreePort(t))))
	logPath = tempFile(t, "query.log")
	text := strings.Replace(baseNetwork, `resolver_endpoints:
  - id: rslvr-out
    direction: outbound
    vpc: vpc-app
    ip_addresses:
      - {subnet: subnet-a, ip: 10.0.1.10}
      - {subnet: subnet-b, ip: 10.0.2.10}
`, "", 1)
	n := parseNetwork(t, expand(text+firewallNetwork+extra, map[string]string{"MAP1": authAddr, "MAP2": authAddr, "AUTH": authAddr, "LOG": logPath}))
	listenOnLoopback(n)
	reg = prometheus.NewRegistry()
	s = start(t, n, server.Options{Metrics: metrics.New(reg)})
	return addrOf(t, s, "vpc:vpc-app"), addrOf(t, s, "endpoint:rslvr-in"), logPath, reg, s
}

// Each case cites the Route 53 Developer Guide section it follows.
func TestFirewallAnswers(t *testing.T) {
	t.Parallel()
	vpc, inbound, _, _, _ := startFirewall(t, "")
	tests := []struct {
		name   string
		doc    string
		addr   string
		qname  string
		qtype  uint16
		rcode  int
		answer []string
	}{
		{"BLOCK NXDOMAIN", "Rule actions: BLOCK with response NXDOMAIN",
			vpc, "bad.internal.example.", dns.TypeA, dns.RcodeNameError, nil},
		{"BLOCK NODATA for the query type", "Rule settings: query type; BLOCK with response NODATA",
			vpc, "mx.internal.example.", dns.TypeMX, dns.RcodeSuccess, nil},
		{"other query types pass", "Rule settings: the query type filter",
			vpc, "mx.internal.example.", dns.TypeA, dns.RcodeSuccess, []string{"mx.internal.example. IN A 10.0.1.21"}},
		{"OVERRIDE answers a CNAME and resolves it", "Rule actions: BLOCK with OVERRIDE (CNAME, TTL)",
			vpc, "ads.internal.example.", dns.TypeA, dns.RcodeSuccess,
			[]string{"ads.internal.example. IN CNAME walled.internal.example.", "walled.internal.example. IN A 10.0.1.99"}},
		{"ALLOW before a later BLOCK", "Rule groups and rules: evaluated in priority order; ALLOW ends evaluation",
			vpc, "ok.internal.example.", dns.TypeA, dns.RcodeSuccess, []string{"ok.internal.example. IN A 10.0.1.22"}},
		{"a later rule group blocks what the first lets by", "AssociateFirewallRuleGroup: lower priority first, then the next group",
			vpc, "db.internal.example.", dns.TypeA, dns.RcodeSuccess, nil},
		{"ALERT resolves", "Rule actions: ALERT logs and lets the query through",
			vpc, "watched.internal.example.", dns.TypeA, dns.RcodeSuccess, nil},
		{"a CNAME in a private zone's answer is inspected", "FirewallDomainRedirectionAction INSPECT_REDIRECTION_DOMAIN (default)",
			vpc, "www.internal.example.", dns.TypeA, dns.RcodeNameError, nil},
		{"a CNAME in a forwarded answer is inspected", "INSPECT_REDIRECTION_DOMAIN inspects every domain in the chain",
			vpc, "cdn.corp.example.", dns.TypeA, dns.RcodeNameError, nil},
		{"TRUST_REDIRECTION_DOMAIN: the chain of an allowed name is not inspected", "TRUST_REDIRECTION_DOMAIN inspects only the first domain",
			vpc, "trusted.corp.example.", dns.TypeA, dns.RcodeSuccess, []string{"trusted.corp.example. IN CNAME edge.tracker.example."}},
		{"a forwarded answer without a blocked name passes", "DNS Firewall filters; Resolver routes the query as normal",
			vpc, "safe.corp.example.", dns.TypeA, dns.RcodeSuccess,
			[]string{"safe.corp.example. IN CNAME db.corp.example.", "db.corp.example. IN A 10.0.1.20"}},
		{"inbound endpoint queries are filtered", "DNS Firewall filters queries that come through inbound endpoints into the VPC",
			inbound, "bad.internal.example.", dns.TypeA, dns.RcodeNameError, nil},
		{"ANY is filtered too", "DNS Firewall filters every query of the VPC",
			vpc, "bad.internal.example.", dns.TypeANY, dns.RcodeNameError, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Twice over UDP (the second answer comes from the fast path)
			// and once over TCP.
			for _, network := range []string{"udp", "udp", "tcp"} {
				r := ask(t, network, tt.addr, tt.qname, tt.qtype)
				wantRcode(t, r, tt.rcode)
				if tt.name == "ALERT resolves" {
					if len(r.Answer) != 1 {
						t.Fatalf("%s: answer %v, want the A record (%s)", network, r.Answer, tt.doc)
					}
					continue
				}
				if got := rrStrings(r.Answer); strings.Join(got, "\n") != strings.Join(tt.answer, "\n") {
					t.Fatalf("%s: answer %q, want %q (%s)", network, got, tt.answer, tt.doc)
				}
				if tt.name == "OVERRIDE answers a CNAME and resolves it" && r.Answer[0].Header().Ttl != 42 {
					t.Errorf("override TTL %d, want 42", r.Answer[0].Header().Ttl)
				}
			}
		})
	}
}

// dig on the VPC socket shows each action; the query log carries the
// firewall fields and the metrics count each rule group and action.
func TestFirewallDigLogsAndMetrics(t *testing.T) {
	t.Parallel()
	vpc, _, logPath, reg, s := startFirewall(t, "")
	if st := digStatus(t, dig(t, vpc, "bad.internal.example", "A")); st != "NXDOMAIN" {
		t.Errorf("dig bad: status %s, want NXDOMAIN", st)
	}
	if out := digShort(t, vpc, "ads.internal.example", "A"); strings.Join(out, " ") != "walled.internal.example. 10.0.1.99" {
		t.Errorf("dig override: %q", out)
	}
	if out := digShort(t, vpc, "watched.internal.example", "A"); strings.Join(out, " ") != "10.0.1.23" {
		t.Errorf("dig alert: %q", out)
	}
	if out := dig(t, vpc, "mx.internal.example", "MX"); digStatus(t, out) != "NOERROR" || !strings.Contains(out, "ANSWER: 0") {
		t.Errorf("dig MX: want NOERROR and no answer\n%s", out)
	}
	shutdown(t, s)
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]string{}
	for l := range strings.Lines(string(b)) {
		for _, q := range []string{"bad.", "ads.", "watched.", "mx."} {
			if strings.Contains(l, `"query_name":"`+q) {
				lines[q] = l
			}
		}
	}
	for q, want := range map[string]string{
		"bad.":     `"firewall_rule_group_id":"rslvr-frg-main","firewall_rule_action":"BLOCK","firewall_domain_list_id":"rslvr-fdl-bad"`,
		"ads.":     `"firewall_rule_group_id":"rslvr-frg-main","firewall_rule_action":"BLOCK","firewall_domain_list_id":"rslvr-fdl-redirect"`,
		"watched.": `"firewall_rule_group_id":"rslvr-frg-main","firewall_rule_action":"ALERT","firewall_domain_list_id":"rslvr-fdl-watch"`,
		"mx.":      `"firewall_rule_action":"BLOCK","firewall_domain_list_id":"rslvr-fdl-mx"`,
	} {
		if !strings.Contains(lines[q], want) {
			t.Errorf("log line of %s:\n%s\nwant it to hold %s", q, lines[q], want)
		}
	}
	count := func(group, action string) float64 {
		return testutil.ToFloat64(must(reg, "vpcdns_firewall_rule_matches_total", map[string]string{"vpc": "vpc-app", "rule_group": group, "action": action}))
	}
	if c := count("rslvr-frg-main", "BLOCK"); c != 3 {
		t.Errorf("BLOCK matches of rslvr-frg-main = %v, want 3", c)
	}
	if c := count("rslvr-frg-main", "ALERT"); c < 1 {
		t.Errorf("ALERT matches of rslvr-frg-main = %v, want at least 1", c)
	}
}

func must(reg *prometheus.Registry, name string, labels map[string]string) prometheus.Collector {
	mfs, _ := reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if labels[lp.GetName()] != lp.GetValue() {
					continue next
				}
			}
			return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "x", Help: "x"}, func() float64 { return m.GetCounter().GetValue() })
		}
	}
	return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "x", Help: "x"}, func() float64 { return 0 })
}

// A firewall that cannot decide fails closed (SERVFAIL) unless its config
// says fail open ("Resolver blocks any queries for which it doesn't
// receive a reply from DNS Firewall and sends a SERVFAIL DNS response").
func TestFirewallFailure(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		mode  string
		rcode int
	}{{"DISABLED", dns.RcodeServerFailure}, {"ENABLED", dns.RcodeNameError}} {
		t.Run(tt.mode, func(t *testing.T) {
			// Fail open lets bad.internal.example through: the zone has
			// it, so NOERROR; a name the zone lacks shows NXDOMAIN.
			vpc, _, _, reg, _ := startFirewall(t, "firewall_configs:\n  - {vpc: vpc-app, firewall_fail_open: "+tt.mode+", emulate_failure: true}\n")
			for range 2 {
				r := ask(t, "udp", vpc, "missing.internal.example.", dns.TypeA)
				wantRcode(t, r, tt.rcode)
			}
			mode := map[string]string{"DISABLED": "fail_closed", "ENABLED": "fail_open"}[tt.mode]
			if c := testutil.ToFloat64(must(reg, "vpcdns_firewall_failures_total", map[string]string{"vpc": "vpc-app", "mode": mode})); c != 2 {
				t.Errorf("vpcdns_firewall_failures_total{mode=%q} = %v, want 2 (one per query, fast path included)", mode, c)
			}
		})
	}
}
