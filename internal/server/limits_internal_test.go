package server

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/forward"
	"github.com/vpcdns/vpcdns/internal/metrics"
	"github.com/vpcdns/vpcdns/internal/view"
	"github.com/vpcdns/vpcdns/internal/wire"
)

// outboundNetwork is a VPC whose rule forwards to on-premises through an
// outbound endpoint of {{N}} addresses. Its security group has AWS's
// recommended rules, so its connections are untracked.
const outboundNetwork = `
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    main_route_table: rtb-app
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24}
      - {id: subnet-b, cidr_block: 10.0.2.0/24}
      - {id: subnet-c, cidr_block: 10.0.3.0/24}
transit_gateways:
  - {id: tgw-1, vpc_attachments: [vpc-app], remote_networks: [vpn-1]}
remote_networks:
  - {id: vpn-1, type: vpn, cidr_blocks: [192.168.0.0/16], state: up}
route_tables:
  - id: rtb-app
    vpc: vpc-app
    routes: [{destination: 192.168.0.0/16, target: tgw-1}]
security_groups:
  - id: sg-out
    vpc: vpc-app
    egress: [{protocol: udp, from_port: 53, to_port: 53, cidr: 0.0.0.0/0}]
    ingress: [{protocol: udp, from_port: 0, to_port: 65535, cidr: 0.0.0.0/0}]
resolver_endpoints:
  - id: rslvr-out
    direction: outbound
    vpc: vpc-app
    security_groups: [sg-out]
    ip_addresses: [{{ADDRS}}]
resolver_rules:
  - id: rr-corp
    rule_type: forward
    domain_name: corp.example
    resolver_endpoint: rslvr-out
    target_ips: [{ip: 192.168.10.53}]
    vpcs: [vpc-app]
`

// An outbound endpoint with two addresses under 25,000 forwards per second
// (cache misses) drops what passes 10,000 per address, AWS's documented
// capacity; a third address carries it all. The arrivals are spread evenly
// over four seconds of an injected clock and go through the same address
// picker and limit as the server's forwards.
func TestOutboundEndpointCapacity(t *testing.T) {
	const rate, seconds = 25000, 4
	tests := []struct {
		name     string
		addrs    int
		minDrops int
		maxDrops int
	}{
		{"two addresses drop the excess", 2, 4600 * seconds, 5000 * seconds},
		{"a third address removes the drops", 3, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var addrs []string
			for i := range tc.addrs {
				addrs = append(addrs, fmt.Sprintf("{subnet: subnet-%c, ip: 10.0.%d.10}", 'a'+i, i+1))
			}
			text := strings.ReplaceAll(outboundNetwork, "{{ADDRS}}", strings.Join(addrs, ", "))
			n, _, err := config.Parse([]byte(text), "network.yaml", t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if config.EndpointTracked(n, n.Endpoints[0]) {
				t.Fatal("the endpoint's connections should be untracked")
			}
			now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
			m := metrics.New(prometheus.NewRegistry())
			s, err := New(n, Options{Metrics: m, Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			st := s.state.Load()
			f := corpForward(t, st)
			target := forward.Target{Modeled: netip.MustParseAddrPort("192.168.10.53:53")}
			start := now
			drops := 0
			for k := range rate * seconds {
				now = start.Add(time.Duration(int64(k) * int64(time.Second) / rate))
				path := s.pathFunc(st, f) // one per query, as lookupForward makes it
				if _, open := path(target, forward.UDP); !open {
					drops++
				}
			}
			t.Logf("%d addresses, %d q/s for %d s: %d dropped (%.0f/s)", tc.addrs, rate, seconds, drops, float64(drops)/seconds)
			if drops < tc.minDrops || drops > tc.maxDrops {
				t.Errorf("%d drops in %d queries, want %d…%d", drops, rate*seconds, tc.minDrops, tc.maxDrops)
			}
			var counted float64
			for _, a := range n.Endpoints[0].Addresses {
				counted += testutil.ToFloat64(m.EndpointIPDrops.WithLabelValues("rslvr-out", a.IP.String(), "outbound"))
			}
			if int(counted) != drops {
				t.Errorf("counter says %v drops, the forwards saw %d", counted, drops)
			}
		})
	}
}

// corpForward is the forward of rule rr-corp.
func corpForward(t *testing.T, st *state) *view.Forward {
	t.Helper()
	for _, f := range st.view.Forwards() {
		if f.ID == "rr-corp" && f.Endpoint != nil {
			return f
		}
	}
	t.Fatal("no forward for rr-corp through an endpoint")
	return nil
}

// A tracked endpoint (restrictive security group) carries AWS's lower
// figure per address.
func TestOutboundEndpointTracked(t *testing.T) {
	text := strings.ReplaceAll(outboundNetwork, "{{ADDRS}}", "{subnet: subnet-a, ip: 10.0.1.10}, {subnet: subnet-b, ip: 10.0.2.10}")
	text = strings.ReplaceAll(text, "cidr: 0.0.0.0/0}]\n    ingress", "cidr: 192.168.0.0/16}]\n    ingress")
	n, _, err := config.Parse([]byte(text), "network.yaml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	s, err := New(n, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	st := s.state.Load()
	f := corpForward(t, st)
	target := forward.Target{Modeled: netip.MustParseAddrPort("192.168.10.53:53")}
	passed := 0
	for range 5000 { // all in one second
		if _, open := s.pathFunc(st, f)(target, forward.UDP); open {
			passed++
		}
	}
	if passed != 2*config.DefaultEndpointIPTrackedQueriesPerSecond {
		t.Errorf("%d of 5000 passed in one second, want %d", passed, 2*config.DefaultEndpointIPTrackedQueriesPerSecond)
	}
}

// limiterVariants are the limiters a VPC resolver socket can have: none
// configured (no source map), a source map that does not hold the query's
// source, and one that does (with a limit it never reaches).
func limiterVariants(t testing.TB, s *Server) (noMap, unmapped, mapped *limiter) {
	t.Helper()
	n := *s.state.Load().net
	noMap = newLimiter(&n, nil)
	n.Emulation.SourceMap = map[netip.Addr]string{netip.MustParseAddr("127.0.0.11"): "eni-0aaaaaaaaaaaaaaaa"}
	unmapped = newLimiter(&n, nil)
	n.Emulation.SourceMap = map[netip.Addr]string{fastSrc.Addr(): "eni-0aaaaaaaaaaaaaaaa"}
	n.Emulation.Limits.ENIPacketsPerSecond = config.DefaultENIPacketsPerSecond
	mapped = newLimiter(&n, nil)
	return noMap, unmapped, mapped
}

func TestLimitCheckAllocatesNothing(t *testing.T) {
	s := newFastServer(t)
	u := &udpServer{s: s, kind: resolverSocket}
	noMap, unmapped, mapped := limiterVariants(t, s)
	now := time.Now()
	for name, lim := range map[string]*limiter{"no source map": noMap, "unmapped": unmapped, "mapped": mapped} {
		if a := testing.AllocsPerRun(100, func() { u.admit(lim, fastSrc.Addr(), now) }); a != 0 {
			t.Errorf("%s: the check allocates %v times", name, a)
		}
	}
	if !u.admit(unmapped, fastSrc.Addr(), now) || !u.admit(noMap, fastSrc.Addr(), now) {
		t.Error("an unmapped source was refused")
	}
}

// BenchmarkLimitCheck measures what the rate-limit check adds to the UDP
// reader's hot path (a fast-path answer from a private hosted zone): the
// same answer without the check, with a network that has no source map,
// with a source map that does not hold the source, and for a mapped source.
// Compare the ns/op of one run: the check is one nil test, or one map
// probe, against the whole answer.
func BenchmarkLimitCheck(b *testing.B) {
	s := newFastServer(b)
	query := packQuery(b, "db.internal.example.", dns.TypeA, true)
	full(b, s, query)
	u := &udpServer{s: s, kind: resolverSocket}
	noMap, unmapped, mapped := limiterVariants(b, s)
	for _, tc := range []struct {
		name string
		lim  *limiter
	}{
		{"no-check", nil},
		{"no-source-map", noMap},
		{"unmapped-source", unmapped},
		{"mapped-source", mapped},
	} {
		b.Run(tc.name, func(b *testing.B) {
			out := make([]byte, 0, 512)
			var q wire.Query
			now := time.Now()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if tc.lim != nil && tc.lim.checks(u.kind) {
					i++
					if i&1023 == 0 {
						now = now.Add(time.Second) // a mapped source stays under its limit
					}
					if !u.admit(tc.lim, fastSrc.Addr(), now) {
						b.Fatal("refused")
					}
				}
				if _, ok := fastAnswer(s, query, now, out[:0], &q); !ok {
					b.Fatal("miss")
				}
			}
		})
	}
}

// BenchmarkLimitCheckRatio runs the four variants of BenchmarkLimitCheck
// interleaved, in chunks of 256 answers, and reports the median ns per
// answer of each and the ratios to the answer without the check: on a
// loaded machine the load then falls on all variants alike.
func BenchmarkLimitCheckRatio(b *testing.B) {
	s := newFastServer(b)
	query := packQuery(b, "db.internal.example.", dns.TypeA, true)
	full(b, s, query)
	u := &udpServer{s: s, kind: resolverSocket}
	noMap, unmapped, mapped := limiterVariants(b, s)
	lims := []*limiter{nil, noMap, unmapped, mapped}
	names := []string{"no-check", "no-source-map", "unmapped-source", "mapped-source"}
	per := make([][]float64, len(lims))
	out := make([]byte, 0, 512)
	var q wire.Query
	now := time.Now()
	const chunk = 256
	round := 0
	for b.Loop() {
		now = now.Add(time.Second) // a mapped source stays under its limit
		for k := range lims {
			v := (k + round) % len(lims) // rotate which variant goes first
			lim := lims[v]
			start := time.Now()
			check := lim != nil && lim.checks(u.kind) // once per batch, as the reader does
			for range chunk {
				if check && !u.admit(lim, fastSrc.Addr(), now) {
					b.Fatal("refused")
				}
				if _, ok := fastAnswer(s, query, now, out[:0], &q); !ok {
					b.Fatal("miss")
				}
			}
			per[v] = append(per[v], float64(time.Since(start).Nanoseconds())/chunk)
		}
		round++
	}
	med := make([]float64, len(lims))
	for v := range per {
		slices.Sort(per[v])
		med[v] = per[v][len(per[v])/2]
		b.ReportMetric(med[v], names[v]+"-ns/answer")
	}
	for v := 1; v < len(lims); v++ {
		b.ReportMetric(med[v]/med[0], names[v]+"/no-check")
	}
}

// The last-byte filter only turns away addresses that are not mapped: one
// that shares a mapped address's last byte still gets the map's answer.
func TestENIFilter(t *testing.T) {
	n := &config.Network{Emulation: config.Emulation{
		SourceMap: map[netip.Addr]string{netip.MustParseAddr("127.0.0.11"): "eni-0aaaaaaaaaaaaaaaa"},
		Limits:    config.Limits{ENIPacketsPerSecond: 1},
	}}
	l := newLimiter(n, nil)
	now := time.Now()
	for _, tc := range []struct {
		src  string
		want []bool // two takes in one second
	}{
		{"127.0.0.1", []bool{true, true}},
		{"127.0.1.11", []bool{true, true}},
		{"::ffff:127.0.0.11", []bool{true, false}},
	} {
		a := netip.MustParseAddr(tc.src)
		for i, want := range tc.want {
			if got := l.admitENI(a, 1, now); got != want {
				t.Errorf("%s take %d: %v, want %v", tc.src, i+1, got, want)
			}
		}
	}
}

// With as many listen sockets as addresses, each socket is one address
// with its own budget.
func TestInboundSocketPerAddress(t *testing.T) {
	vpc := &config.VPC{ID: "vpc-app"}
	l0, l1 := netip.MustParseAddrPort("127.0.0.1:5354"), netip.MustParseAddrPort("127.0.0.1:5355")
	e := &config.Endpoint{ID: "rslvr-in", VPC: vpc, Listen: []netip.AddrPort{l0, l1},
		Addresses: []config.EndpointAddr{{IP: netip.MustParseAddr("10.0.1.11")}, {IP: netip.MustParseAddr("10.0.2.11")}}}
	n := &config.Network{Endpoints: []*config.Endpoint{e}, Emulation: config.Emulation{
		Limits: config.Limits{EndpointIPQueriesPerSecond: 100, EndpointIPTrackedQueriesPerSecond: 2}}}
	m := metrics.New(prometheus.NewRegistry())
	l := newLimiter(n, m)
	now := time.Now()
	var got []bool
	for range 3 {
		got = append(got, l.admitInbound(l0, now))
	}
	got = append(got, l.admitInbound(l1, now), l.admitInbound(netip.MustParseAddrPort("127.0.0.1:9"), now))
	if want := []bool{true, true, false, true, true}; !slices.Equal(got, want) {
		t.Errorf("admitted %v, want %v (tracked: 2 per address)", got, want)
	}
	if c := testutil.ToFloat64(m.EndpointIPDrops.WithLabelValues("rslvr-in", "10.0.1.11", "inbound")); c != 1 {
		t.Errorf("drops of the first address %v, want 1", c)
	}
}
