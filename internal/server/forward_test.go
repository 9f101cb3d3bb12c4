package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vpcdns/vpcdns/internal/bindtest"
	"github.com/vpcdns/vpcdns/internal/metrics"
	"github.com/vpcdns/vpcdns/internal/server"
)

// onPrem starts BIND as the on-premises DNS server, with the reverse zone
// of 10.0.0.0/16 and corp.example.
func onPrem(t testing.TB) *bindtest.Server {
	t.Helper()
	return bindtest.Start(t, map[string]string{
		"0.10.in-addr.arpa": reverseZone,
		"corp.example":      corpZoneWithBig(),
	})
}

// The reverse-DNS scenario of issue 3, end to end: a PTR query forwarded by
// a rule to on-premises BIND, and the same query without the rule answered
// by the autodefined reverse zone; checked with the Go client over UDP and
// TCP and with dig -x.
func TestReverseLookup(t *testing.T) {
	t.Parallel()
	bind := onPrem(t)
	tests := []struct {
		name  string
		rules string
		addr  string // dig -x
		rcode int
		want  []string
	}{
		{
			name:  "rule forwards to on-premises BIND",
			rules: reverseRule,
			addr:  "10.0.0.5",
			want:  []string{"5.0.0.10.in-addr.arpa. IN PTR app1.corp.example."},
		},
		{
			name: "no rule: the autodefined reverse zone answers",
			addr: "10.0.0.5",
			want: []string{"5.0.0.10.in-addr.arpa. IN PTR ip-10-0-0-5.ec2.internal."},
		},
		{
			name:  "rule, name missing on-premises: BIND's NXDOMAIN",
			rules: reverseRule,
			addr:  "10.0.3.3",
			rcode: dns.RcodeNameError,
		},
		{
			// 10.in-addr.arpa (RFC 1918) is autodefined: outside every
			// CIDR it is NXDOMAIN, never forwarded (behaviour.md §5).
			name:  "rule, address outside the rule's zone and every CIDR",
			rules: reverseRule,
			addr:  "10.9.0.5",
			rcode: dns.RcodeNameError,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := parseNetwork(t, expand(baseNetwork+tt.rules, map[string]string{
				"MAP1": bind.Addr().String(), "MAP2": bind.Addr().String(),
			}))
			listenOnLoopback(n)
			s := start(t, n, server.Options{})
			addr := addrOf(t, s, "vpc:vpc-app")
			name, err := dns.ReverseAddr(tt.addr)
			if err != nil {
				t.Fatal(err)
			}
			for _, network := range []string{"udp", "tcp"} {
				r := ask(t, network, addr, name, dns.TypePTR)
				if tt.rcode != dns.RcodeSuccess {
					wantRcode(t, r, tt.rcode)
					if len(r.Ns) == 0 {
						t.Errorf("%s: %s without an SOA in the authority section", network, dns.RcodeToString[tt.rcode])
					}
					continue
				}
				wantAnswer(t, r, tt.want...)
			}
			out := dig(t, addr, "-x", tt.addr)
			if got, want := digStatus(t, out), dns.RcodeToString[tt.rcode]; got != want {
				t.Fatalf("dig -x %s: status %s; want %s\n%s", tt.addr, got, want, out)
			}
			for _, w := range tt.want {
				f := strings.Fields(w)
				if !strings.Contains(out, f[len(f)-1]) {
					t.Errorf("dig -x %s: no %s in\n%s", tt.addr, f[len(f)-1], out)
				}
			}
		})
	}
}

// One target down: every query is still answered by the other, whether the
// dead one refuses (a closed port: ICMP unreachable) or drops (silence).
func TestOneTargetDown(t *testing.T) {
	t.Parallel()
	bind := onPrem(t)
	tests := []struct {
		name string
		down func(t testing.TB) string
	}{
		{"closed port", closedPort},
		{"silent", func(t testing.TB) string { return startSilent(t).addr }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := parseNetwork(t, expand(baseNetwork+reverseRule, map[string]string{
				"MAP1": tt.down(t), "MAP2": bind.Addr().String(),
			}))
			listenOnLoopback(n)
			reg := prometheus.NewRegistry()
			s := start(t, n, server.Options{Metrics: metrics.New(reg)})
			addr := addrOf(t, s, "vpc:vpc-app")
			for i := 1; i <= 20; i++ {
				ip := fmt.Sprintf("10.0.1.%d", i)
				name, _ := dns.ReverseAddr(ip)
				start := time.Now()
				r := ask(t, "udp", addr, name, dns.TypePTR)
				wantAnswer(t, r, fmt.Sprintf("%s IN PTR host-%d.corp.example.", name, i))
				if el := time.Since(start); el > totalTimeout+slack {
					t.Errorf("%s answered after %v; the budget is %v", ip, el, totalTimeout)
				}
			}
			// Every odd query with dig too.
			for i := 21; i <= 30; i += 2 {
				ip := fmt.Sprintf("10.0.1.%d", i)
				got := digShort(t, addr, "-x", ip)
				if want := fmt.Sprintf("host-%d.corp.example.", i); len(got) != 1 || got[0] != want {
					t.Errorf("dig -x %s = %q; want %q", ip, got, want)
				}
			}
			// The dead target was tried, but not on every query: after two
			// failures in a row it is tried last.
			dead := counterSum(t, reg, "vpcdns_forwarded_queries_total", map[string]string{"target": "192.168.10.53:53"})
			if ok := counterSum(t, reg, "vpcdns_forwarded_queries_total", map[string]string{"target": "192.168.10.53:53", "outcome": "ok"}); ok != 0 {
				t.Errorf("the dead target answered %v times", ok)
			}
			if dead == 0 || dead > 10 {
				t.Errorf("the dead target was tried %v times in 25 queries; want a few (then it is tried last)", dead)
			}
		})
	}
}

// Every target down: SERVFAIL inside the total budget.
func TestAllTargetsDown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		down func(t testing.TB) string
		// minimum is how long the server must have waited at least.
		minimum time.Duration
	}{
		{"closed ports", closedPort, 0},
		{"silent", func(t testing.TB) string { return startSilent(t).addr }, attemptTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := parseNetwork(t, expand(baseNetwork+reverseRule, map[string]string{
				"MAP1": tt.down(t), "MAP2": tt.down(t),
			}))
			listenOnLoopback(n)
			s := start(t, n, server.Options{})
			addr := addrOf(t, s, "vpc:vpc-app")
			for i, network := range []string{"udp", "tcp", "udp"} {
				name, _ := dns.ReverseAddr(fmt.Sprintf("10.0.1.%d", i+1))
				begin := time.Now()
				r := ask(t, network, addr, name, dns.TypePTR)
				el := time.Since(begin)
				wantRcode(t, r, dns.RcodeServerFailure)
				if el > totalTimeout+slack {
					t.Errorf("%s: SERVFAIL after %v; the total budget is %v", network, el, totalTimeout)
				}
				if el < tt.minimum {
					t.Errorf("%s: SERVFAIL after %v; want at least one attempt's %v", network, el, tt.minimum)
				}
			}
			begin := time.Now()
			out := dig(t, addr, "-x", "10.0.1.9")
			if st := digStatus(t, out); st != "SERVFAIL" {
				t.Errorf("dig: status %s; want SERVFAIL\n%s", st, out)
			}
			if el := time.Since(begin); el > totalTimeout+2*slack {
				t.Errorf("dig: SERVFAIL after %v; the total budget is %v", el, totalTimeout)
			}
		})
	}
}

// A security group that blocks the path: SERVFAIL (the packets are dropped,
// nothing reaches the target), and the query log shows it.
func TestSecurityGroupBlocksPath(t *testing.T) {
	t.Parallel()
	bind := onPrem(t)
	const sg = `
security_groups:
  - id: sg-out
    vpc: vpc-app
    egress:
      - {protocol: all, cidr: {{ALLOW}}}
`
	const endpointSG = "    security_groups: [sg-out]\n"
	tests := []struct {
		name  string
		allow string
		rcode int
	}{
		{"egress to on-premises allowed", "192.168.0.0/16", dns.RcodeSuccess},
		{"egress only inside the VPC", "10.0.0.0/16", dns.RcodeServerFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			silent := startSilent(t)
			logPath := tempFile(t, "queries.log")
			text := strings.Replace(baseNetwork, "    direction: outbound\n", "    direction: outbound\n"+endpointSG, 1)
			text += sg + reverseRule + `
query_logging:
  - id: qlc
    destination: file:` + logPath + `
    vpcs: [vpc-app]
`
			n := parseNetwork(t, expand(text, map[string]string{
				"MAP1": bind.Addr().String(), "MAP2": silent.addr, "ALLOW": tt.allow,
			}))
			listenOnLoopback(n)
			s := start(t, n, server.Options{})
			addr := addrOf(t, s, "vpc:vpc-app")
			name, _ := dns.ReverseAddr("10.0.0.5")
			begin := time.Now()
			r := ask(t, "udp", addr, name, dns.TypePTR)
			el := time.Since(begin)
			wantRcode(t, r, tt.rcode)
			if el > totalTimeout+slack {
				t.Errorf("answered after %v; the budget is %v", el, totalTimeout)
			}
			if tt.rcode == dns.RcodeServerFailure {
				if el < attemptTimeout {
					t.Errorf("SERVFAIL after %v: a blocked path waits like a dropped packet (%v an attempt)", el, attemptTimeout)
				}
				if p := silent.packets.Load(); p != 0 {
					t.Errorf("%d packets reached a target behind a blocking security group", p)
				}
			}
			shutdown(t, s) // flushes the query log
			recs := readLog(t, logPath)
			if len(recs) != 1 {
				t.Fatalf("query log has %d records; want 1:\n%+v", len(recs), recs)
			}
			rec := recs[0]
			if rec.QueryName != name || rec.QueryType != "PTR" || rec.Rcode != dns.RcodeToString[tt.rcode] {
				t.Errorf("query log record %s %s %s; want %s PTR %s", rec.QueryName, rec.QueryType, rec.Rcode, name, dns.RcodeToString[tt.rcode])
			}
			if rec.VPCID != "vpc-app" || rec.SrcIDs.ResolverEndpoint != "rslvr-out" || rec.Transport != "UDP" || rec.SrcAddr != "127.0.0.1" {
				t.Errorf("query log record %+v; want vpc-app, resolver_endpoint rslvr-out, UDP from 127.0.0.1", rec)
			}
			if tt.rcode == dns.RcodeServerFailure && len(rec.Answers) != 0 {
				t.Errorf("SERVFAIL record with answers %+v", rec.Answers)
			}
		})
	}
}

// A private hosted zone overlapped by a rule for the same domain: the rule
// wins, for every name of the domain; a more specific zone still answers.
func TestRuleBeatsPrivateZone(t *testing.T) {
	t.Parallel()
	bind := onPrem(t)
	const zones = `
private_hosted_zones:
  - name: corp.example
    vpcs: [vpc-app]
    records:
      - {name: db.corp.example, type: A, ttl: 300, values: [10.0.9.9]}
      - {name: only-in-zone.corp.example, type: A, ttl: 300, values: [10.0.9.10]}
  - name: sub.corp.example
    vpcs: [vpc-app]
    records:
      - {name: a.sub.corp.example, type: A, ttl: 300, values: [10.0.9.11]}
`
	n := parseNetwork(t, expand(baseNetwork+corpRule+zones, map[string]string{
		"MAP1": bind.Addr().String(), "MAP2": bind.Addr().String(),
	}))
	listenOnLoopback(n)
	s := start(t, n, server.Options{})
	addr := addrOf(t, s, "vpc:vpc-app")
	tests := []struct {
		qname string
		rcode int
		want  []string
	}{
		{"db.corp.example.", dns.RcodeSuccess, []string{"db.corp.example. IN A 192.168.1.20"}},
		// The question is echoed as the client spelled it; the records
		// come from the cache, filled by the query above.
		{"DB.Corp.Example.", dns.RcodeSuccess, []string{"db.corp.example. IN A 192.168.1.20"}},
		{"only-in-zone.corp.example.", dns.RcodeNameError, nil},
		{"a.sub.corp.example.", dns.RcodeSuccess, []string{"a.sub.corp.example. IN A 10.0.9.11"}},
	}
	for _, tt := range tests {
		t.Run(tt.qname, func(t *testing.T) {
			r := ask(t, "udp", addr, tt.qname, dns.TypeA)
			if tt.rcode != dns.RcodeSuccess {
				wantRcode(t, r, tt.rcode)
				// BIND's SOA, not Route 53's.
				if len(r.Ns) != 1 || !strings.Contains(r.Ns[0].String(), "ns.corp.example.") {
					t.Errorf("authority %v; want on-premises BIND's SOA", r.Ns)
				}
				return
			}
			wantAnswer(t, r, tt.want...)
			if q := r.Question[0].Name; q != tt.qname {
				t.Errorf("question %s; want %s as asked", q, tt.qname)
			}
			got := digShort(t, addr, tt.qname, "A")
			f := strings.Fields(tt.want[0])
			if len(got) != 1 || got[0] != f[len(f)-1] {
				t.Errorf("dig %s = %q; want %s", tt.qname, got, f[len(f)-1])
			}
		})
	}
}

// A large answer: TC over UDP, the whole answer over TCP; vpcdns itself
// fetched it from BIND over TCP after BIND's truncated UDP reply.
func TestLargeAnswer(t *testing.T) {
	t.Parallel()
	bind := onPrem(t)
	n := parseNetwork(t, expand(baseNetwork+corpRule, map[string]string{
		"MAP1": bind.Addr().String(), "MAP2": bind.Addr().String(),
	}))
	listenOnLoopback(n)
	reg := prometheus.NewRegistry()
	s := start(t, n, server.Options{Metrics: metrics.New(reg)})
	addr := addrOf(t, s, "vpc:vpc-app")
	const qname = "big.corp.example."

	udp := func(edns uint16) func(t *testing.T) *dns.Msg {
		return func(t *testing.T) *dns.Msg {
			q := new(dns.Msg)
			q.SetQuestion(qname, dns.TypeTXT)
			if edns != 0 {
				q.SetEdns0(edns, false)
			}
			return exchange(t, "udp", addr, q)
		}
	}
	tests := []struct {
		name  string
		query func(t *testing.T) *dns.Msg
		tc    bool
		limit int
	}{
		{"UDP without EDNS", udp(0), true, 512},
		{"UDP with EDNS 1232", udp(1232), true, 1232},
		{"UDP with EDNS 512", udp(512), true, 512},
		{"TCP", func(t *testing.T) *dns.Msg { return ask(t, "tcp", addr, qname, dns.TypeTXT) }, false, 65535},
		// A client's payload above the 1232 vpcdns advertises does not
		// raise the limit (RFC 9715, DNS Flag Day 2020: no fragments).
		{"UDP with EDNS 4096", udp(4096), true, 1232},
		{"UDP with EDNS 65000", udp(65000), true, 1232},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.query(t)
			wantRcode(t, r, dns.RcodeSuccess)
			if r.Truncated != tt.tc {
				t.Fatalf("TC = %v; want %v", r.Truncated, tt.tc)
			}
			if size := r.Len(); size > tt.limit {
				t.Errorf("reply of %d bytes; the client takes %d", size, tt.limit)
			}
			if !tt.tc && len(r.Answer) != bigTXT {
				t.Fatalf("%d TXT records; want all %d", len(r.Answer), bigTXT)
			}
		})
	}

	// dig: +ignore shows the truncated UDP reply, +tcp the whole answer, and
	// plain dig retries over TCP by itself on TC.
	out := dig(t, addr, qname, "TXT", "+ignore", "+noedns")
	if !strings.Contains(out, " tc") || !strings.Contains(out, "flags: qr") {
		t.Errorf("dig +ignore +noedns: want the tc flag\n%s", out)
	}
	for _, args := range [][]string{{"+tcp"}, {}} {
		got := digShort(t, addr, append([]string{qname, "TXT"}, args...)...)
		if len(got) != bigTXT {
			t.Errorf("dig %s: %d records; want %d", strings.Join(args, " "), len(got), bigTXT)
		}
	}

	// vpcdns's UDP query to BIND came back truncated and was retried over
	// TCP (the answer was cached after the first fetch, so once).
	truncated := counterSum(t, reg, "vpcdns_forwarded_queries_total", map[string]string{"outcome": "truncated"})
	ok := counterSum(t, reg, "vpcdns_forwarded_queries_total", map[string]string{"outcome": "ok"})
	if truncated < 1 || ok < 1 {
		t.Errorf("forward attempts: %v truncated, %v ok; want a truncated UDP attempt then an ok TCP one", truncated, ok)
	}
}

// counterSum sums the series of a counter family whose labels include
// match.
func counterSum(t testing.TB, reg *prometheus.Registry, family string, match map[string]string) float64 {
	t.Helper()
	mf, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, f := range mf {
		if f.GetName() != family {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			for k, v := range match {
				if labels[k] != v {
					continue series
				}
			}
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}

// The internet rule forwards to internet.forwarders the same way, with no
// endpoint and no network checks; with none configured, SERVFAIL.
func TestInternetForwarders(t *testing.T) {
	t.Parallel()
	bind := onPrem(t)
	tests := []struct {
		name       string
		forwarders string
		qname      string
		rcode      int
		want       string
	}{
		{"answered by the forwarder", "[{{BIND}}]", "db.corp.example.", dns.RcodeSuccess, "192.168.1.20"},
		{"NXDOMAIN passed back", "[{{BIND}}]", "nope.corp.example.", dns.RcodeNameError, ""},
		// BIND is authoritative only: REFUSED, then the dead one fails too.
		{"refused by the forwarder", "[{{BIND}}, {{DOWN}}]", "www.example.org.", dns.RcodeServerFailure, ""},
		{"no forwarders", "[]", "db.corp.example.", dns.RcodeServerFailure, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// A security group that allows nothing: the internet rule
			// has no endpoint, so it does not apply.
			text := strings.Replace(baseNetwork, "    direction: outbound\n", "    direction: outbound\n    security_groups: [sg-none]\n", 1) + `
security_groups:
  - {id: sg-none, vpc: vpc-app, egress: []}
internet:
  forwarders: ` + tt.forwarders + "\n"
			n := parseNetwork(t, expand(text, map[string]string{
				"MAP1": closedPort(t), "MAP2": closedPort(t), "BIND": `"` + bind.Addr().String() + `"`, "DOWN": `"` + closedPort(t) + `"`,
			}))
			listenOnLoopback(n)
			s := start(t, n, server.Options{})
			addr := addrOf(t, s, "vpc:vpc-app")
			r := ask(t, "udp", addr, tt.qname, dns.TypeA)
			wantRcode(t, r, tt.rcode)
			if tt.want != "" {
				wantAnswer(t, r, tt.qname+" IN A "+tt.want)
			}
			if got := digStatus(t, dig(t, addr, tt.qname)); got != dns.RcodeToString[tt.rcode] {
				t.Errorf("dig: status %s; want %s", got, dns.RcodeToString[tt.rcode])
			}
		})
	}
}
