package server_test

import (
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/bindtest"
	"github.com/vpcdns/vpcdns/internal/loopbacktest"
	"github.com/vpcdns/vpcdns/internal/server"
)

// corpWithCache is baseNetwork with the corp.example rule, a stdout query
// log and the emulation.cache settings of {{CACHE}}.
func corpWithCache(t testing.TB, bind *bindtest.Server, cache string) string {
	t.Helper()
	text := expand(baseNetwork+corpRule+`
query_logging:
  - id: qlc
    destination: stdout
    vpcs: [vpc-app]
`, map[string]string{"MAP1": bind.Addr().String(), "MAP2": bind.Addr().String()})
	if cache != "" {
		text = strings.Replace(text, "  forwarding:", "  cache: "+cache+"\n  forwarding:", 1)
	}
	return text
}

// ttls returns the TTLs of the answer and authority sections.
func ttls(m *dns.Msg) []uint32 {
	var out []uint32
	for _, rr := range append(append([]dns.RR(nil), m.Answer...), m.Ns...) {
		out = append(out, rr.Header().Ttl)
	}
	return out
}

// The cache: a second identical query is answered without BIND (BIND is
// stopped), with TTLs decremented by the time in cache; positive and
// negative answers; cache hits are not logged unless log_cache_hits asks.
func TestCacheHit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		qname string
		rcode int
		// logHits sets the query log's log_cache_hits.
		logHits bool
	}{
		{"positive", "db.corp.example.", dns.RcodeSuccess, false},
		{"negative (RFC 2308)", "nope.corp.example.", dns.RcodeNameError, false},
		{"positive, cache hits logged", "db.corp.example.", dns.RcodeSuccess, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bind := onPrem(t)
			text := corpWithCache(t, bind, "")
			if tt.logHits {
				text = strings.Replace(text, "    destination: stdout\n", "    destination: stdout\n    log_cache_hits: true\n", 1)
			}
			n := parseNetwork(t, text)
			listenOnLoopback(n)
			clock := newFakeClock()
			var stdout loopbacktest.Buffer
			s := start(t, n, server.Options{Now: clock.Now, Stdout: &stdout})
			addr := addrOf(t, s, "vpc:vpc-app")

			first := ask(t, "udp", addr, tt.qname, dns.TypeA)
			wantRcode(t, first, tt.rcode)
			for _, ttl := range ttls(first) {
				if ttl != 300 {
					t.Fatalf("first answer TTLs %v; want BIND's 300", ttls(first))
				}
			}
			bind.Stop()
			clock.Advance(10*time.Second + 100*time.Millisecond)

			for _, network := range []string{"udp", "tcp"} {
				r := ask(t, network, addr, tt.qname, dns.TypeA)
				wantRcode(t, r, tt.rcode)
				if !r.RecursionAvailable || r.Authoritative {
					t.Errorf("%s: RA=%v AA=%v from the cache", network, r.RecursionAvailable, r.Authoritative)
				}
				if got, want := rrStrings(append(r.Answer, r.Ns...)), rrStrings(append(first.Answer, first.Ns...)); strings.Join(got, "|") != strings.Join(want, "|") {
					t.Errorf("%s: cached %v; want %v", network, got, want)
				}
				for _, ttl := range ttls(r) {
					if ttl != 290 {
						t.Errorf("%s: TTLs %v after 10 s in cache; want 290", network, ttls(r))
						break
					}
				}
			}
			out := dig(t, addr, tt.qname, "A")
			if !strings.Contains(out, "\t290\tIN\t") {
				t.Errorf("dig: want TTL 290 from the cache\n%s", out)
			}

			shutdown(t, s)
			recs := parseLog(t, stdout.String())
			want := 1
			if tt.logHits {
				want = 4
			}
			if len(recs) != want {
				t.Fatalf("query log has %d records; want %d (cache hits logged: %v)\n%s", len(recs), want, tt.logHits, stdout.String())
			}
			if recs[0].Rcode != dns.RcodeToString[tt.rcode] || recs[0].QueryName != tt.qname {
				t.Errorf("query log record %+v", recs[0])
			}
		})
	}
}

// Serve-stale (RFC 8767): after expiry, when every target fails, the stale
// answer is served with TTL 30, within the serve_stale window; outside it,
// or with serve-stale off, SERVFAIL. With the cache off, nothing is kept.
func TestServeStale(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cache   string
		advance time.Duration
		rcode   int
	}{
		{"expired, inside the default window", "", 301 * time.Second, dns.RcodeSuccess},
		{"expired, inside a 10m window", "{serve_stale: 10m}", 9 * time.Minute, dns.RcodeSuccess},
		{"expired, past a 10m window", "{serve_stale: 10m}", 301*time.Second + 10*time.Minute, dns.RcodeServerFailure},
		{"serve-stale off", "{serve_stale: 0s}", 301 * time.Second, dns.RcodeServerFailure},
		{"cache off, not expired", "{max_entries: 0}", time.Second, dns.RcodeServerFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bind := onPrem(t)
			n := parseNetwork(t, corpWithCache(t, bind, tt.cache))
			listenOnLoopback(n)
			clock := newFakeClock()
			s := start(t, n, server.Options{Now: clock.Now, Stdout: io.Discard})
			addr := addrOf(t, s, "vpc:vpc-app")
			wantAnswer(t, ask(t, "udp", addr, "db.corp.example.", dns.TypeA), "db.corp.example. IN A 192.168.1.20")

			bind.Stop()
			clock.Advance(tt.advance)
			begin := time.Now()
			q := new(dns.Msg)
			q.SetQuestion("db.corp.example.", dns.TypeA)
			q.SetEdns0(1232, false)
			r := exchange(t, "udp", addr, q)
			if el := time.Since(begin); el > totalTimeout+slack {
				t.Errorf("answered after %v; the budget is %v", el, totalTimeout)
			}
			wantRcode(t, r, tt.rcode)
			if tt.rcode != dns.RcodeSuccess {
				return
			}
			wantAnswer(t, r, "db.corp.example. IN A 192.168.1.20")
			for _, ttl := range ttls(r) {
				if ttl != 30 {
					t.Errorf("stale TTLs %v; want 30 (RFC 8767)", ttls(r))
					break
				}
			}
			// RFC 8914: the reply says it is stale, Extended DNS Error 3.
			stale := false
			if opt := r.IsEdns0(); opt != nil {
				for _, o := range opt.Option {
					if e, ok := o.(*dns.EDNS0_EDE); ok && e.InfoCode == dns.ExtendedErrorCodeStaleAnswer {
						stale = true
					}
				}
			}
			if !stale {
				t.Errorf("stale answer without Extended DNS Error 3 (Stale Answer): %v", r)
			}
		})
	}
}

// Answers are cached per rule and target: two VPCs whose rules for the same
// domain differ never see each other's answers, and a VPC whose private
// hosted zone holds the domain answers from it.
func TestCacheScope(t *testing.T) {
	t.Parallel()
	bindA := onPrem(t)
	bindB := bindtest.Start(t, map[string]string{"corp.example": strings.Replace(corpZone, "192.168.1.20", "192.168.2.20", 1)})
	text := `
vpcs:
  - {id: vpc-a, cidr_blocks: [10.0.0.0/16], enable_dns_hostnames: true, subnets: [{id: sa1, cidr_block: 10.0.1.0/24}, {id: sa2, cidr_block: 10.0.2.0/24}]}
  - {id: vpc-b, cidr_blocks: [10.1.0.0/16], enable_dns_hostnames: true, subnets: [{id: sb1, cidr_block: 10.1.1.0/24}, {id: sb2, cidr_block: 10.1.2.0/24}]}
  - {id: vpc-c, cidr_blocks: [10.2.0.0/16], enable_dns_hostnames: true}
  - {id: vpc-d, cidr_blocks: [10.3.0.0/16], enable_dns_hostnames: true}
resolver_endpoints:
  - {id: out-a, direction: outbound, vpc: vpc-a, ip_addresses: [{subnet: sa1, ip: 10.0.1.10}, {subnet: sa2, ip: 10.0.2.10}]}
  - {id: out-b, direction: outbound, vpc: vpc-b, ip_addresses: [{subnet: sb1, ip: 10.1.1.10}, {subnet: sb2, ip: 10.1.2.10}]}
resolver_rules:
  - {id: rule-a, rule_type: forward, domain_name: corp.example, resolver_endpoint: out-a, target_ips: [{ip: 192.168.10.53}], vpcs: [vpc-a, vpc-d]}
  - {id: rule-b, rule_type: forward, domain_name: corp.example, resolver_endpoint: out-b, target_ips: [{ip: 192.168.20.53}], vpcs: [vpc-b]}
private_hosted_zones:
  - name: corp.example
    vpcs: [vpc-c]
    records: [{name: db.corp.example, type: A, ttl: 300, values: [10.2.0.20]}]
emulation:
  address_map:
    "192.168.10.53:53": "` + bindA.Addr().String() + `"
    "192.168.20.53:53": "` + bindB.Addr().String() + `"
`
	n := parseNetwork(t, text)
	listenOnLoopback(n)
	s := start(t, n, server.Options{})
	want := map[string]string{"vpc-a": "192.168.1.20", "vpc-b": "192.168.2.20", "vpc-c": "10.2.0.20", "vpc-d": "192.168.1.20"}
	for range 2 { // the second round is from the cache
		for _, vpc := range []string{"vpc-a", "vpc-b", "vpc-c", "vpc-d"} {
			r := ask(t, "udp", addrOf(t, s, "vpc:"+vpc), "db.corp.example.", dns.TypeA)
			wantAnswer(t, r, "db.corp.example. IN A "+want[vpc])
		}
	}
}

// switchUpstream answers A queries with 192.0.2.1 (TTL ttl) until silenced,
// then reads and drops them; it counts what it receives.
type switchUpstream struct {
	addr    string
	ttl     uint32
	silent  atomic.Bool
	packets atomic.Int64
}

func startSwitchUpstream(t testing.TB, ttl uint32) *switchUpstream {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &switchUpstream{addr: pc.LocalAddr().String(), ttl: ttl}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		u.packets.Add(1)
		if u.silent.Load() {
			return
		}
		m := new(dns.Msg).SetReply(r)
		m.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: u.ttl}, A: net.IPv4(192, 0, 2, 1)}}
		w.WriteMsg(m)
	})}
	go srv.ActivateAndServe()
	t.Cleanup(func() { srv.Shutdown() })
	return u
}

// RFC 8767 §5: with the target silent, a stale answer goes out after the
// client response timer, not after the whole forwarding budget; while a
// refresh is in flight, and for the failure recheck time after it failed,
// stale answers are given at once without asking the target again.
func TestServeStaleTimers(t *testing.T) {
	t.Parallel()
	up := startSwitchUpstream(t, 1)
	text := strings.Replace(expand(baseNetwork+corpRule, map[string]string{"MAP1": up.addr, "MAP2": up.addr}),
		"forwarding: {attempt_timeout: 200ms, total_timeout: 600ms}", "forwarding: {attempt_timeout: 1s, total_timeout: 2s}", 1)
	n := parseNetwork(t, text)
	listenOnLoopback(n)
	clock := newFakeClock()
	s := start(t, n, server.Options{Now: clock.Now, StaleAnswerAfter: 100 * time.Millisecond})
	addr := addrOf(t, s, "vpc:vpc-app")
	const qname = "stale.corp.example."
	wantAnswer(t, ask(t, "udp", addr, qname, dns.TypeA), qname+" IN A 192.0.2.1")

	up.silent.Store(true)
	clock.Advance(5 * time.Second) // past the TTL of 1 s, inside the stale window
	staleAsk := func(step string) {
		t.Helper()
		begin := time.Now()
		r := ask(t, "udp", addr, qname, dns.TypeA)
		if el := time.Since(begin); el > time.Second {
			t.Errorf("%s: stale answer after %v; the client response timer is 100 ms, the budget 2 s", step, el)
		}
		wantAnswer(t, r, qname+" IN A 192.0.2.1")
		if got := ttls(r); len(got) != 1 || got[0] != 30 {
			t.Errorf("%s: TTLs %v; want the stale TTL 30", step, got)
		}
	}
	staleAsk("first stale query")
	asked := up.packets.Load()
	if asked < 2 {
		t.Fatalf("the target saw %d queries; want the refresh of the first stale query", asked)
	}
	staleAsk("while the refresh is in flight")
	// The refresh fails after the 2 s budget.
	if !eventually(5*time.Second, func() bool {
		before := up.packets.Load()
		time.Sleep(2500 * time.Millisecond)
		return up.packets.Load() == before
	}) {
		t.Fatal("the refresh never ended")
	}
	asked = up.packets.Load()
	staleAsk("within the failure recheck time")
	if got := up.packets.Load(); got != asked {
		t.Errorf("the target was asked %d more times within 30 s of a failed refresh; want 0", got-asked)
	}
	clock.Advance(31 * time.Second)
	staleAsk("after the failure recheck time")
	if !eventually(time.Second, func() bool { return up.packets.Load() > asked }) {
		t.Errorf("the target was not asked again 31 s after the failed refresh")
	}
}

// A TTL above the cache's maximum (one day) is capped on the first answer
// as on the cached ones.
func TestMaxTTLOnFirstAnswer(t *testing.T) {
	t.Parallel()
	up := startSwitchUpstream(t, 2147483647)
	n := parseNetwork(t, expand(baseNetwork+corpRule, map[string]string{"MAP1": up.addr, "MAP2": up.addr}))
	listenOnLoopback(n)
	s := start(t, n, server.Options{})
	addr := addrOf(t, s, "vpc:vpc-app")
	for _, step := range []string{"first", "cached"} {
		r := ask(t, "udp", addr, "long.corp.example.", dns.TypeA)
		if got := ttls(r); len(got) != 1 || got[0] > 86400 {
			t.Errorf("%s answer: TTLs %v; want at most 86400", step, got)
		}
	}
}
