package server

import (
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/metrics"
	"github.com/vpcdns/vpcdns/internal/wire"
)

// fastNetwork is one VPC with a private hosted zone, answered on a shared
// socket, and a forward rule to an upstream the test starts.
const fastNetwork = `
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16, 127.0.0.0/16]
    enable_dns_hostnames: true
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
      - {id: subnet-b, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
resolver_endpoints:
  - id: rslvr-out
    direction: outbound
    vpc: vpc-app
    ip_addresses: [{subnet: subnet-a, ip: 10.0.1.10}, {subnet: subnet-b, ip: 10.0.2.10}]
resolver_rules:
  - id: rr-corp
    rule_type: forward
    domain_name: corp.example
    resolver_endpoint: rslvr-out
    target_ips: [{ip: 192.168.10.53}]
    vpcs: [vpc-app]
private_hosted_zones:
  - name: internal.example
    vpcs: [vpc-app]
    records:
      - {name: db.internal.example, type: A, ttl: 300, values: [10.0.1.20]}
      - {name: www.internal.example, type: CNAME, ttl: 300, values: [db.internal.example]}
      - {name: app.internal.example, type: CNAME, ttl: 300, values: [app.corp.example]}
      - {name: host.internal.example, type: CNAME, ttl: 300, values: [ip-10-0-0-5.ec2.internal]}
emulation:
  address_map: {"192.168.10.53:53": "UPSTREAM"}
`

// fakeWriter captures the reply of the full path.
type fakeWriter struct {
	out []byte
}

func (w *fakeWriter) LocalAddr() net.Addr { return &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 53} }
func (w *fakeWriter) RemoteAddr() net.Addr {
	return &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
}
func (w *fakeWriter) WriteMsg(m *dns.Msg) error {
	b, err := m.Pack()
	w.out = b
	return err
}
func (w *fakeWriter) Write(b []byte) (int, error) {
	w.out = append([]byte(nil), b...)
	return len(b), nil
}
func (w *fakeWriter) Close() error        { return nil }
func (w *fakeWriter) TsigStatus() error   { return nil }
func (w *fakeWriter) TsigTimersOnly(bool) {}
func (w *fakeWriter) Hijack()             {}

var fastSrc = netip.MustParseAddrPort("127.0.0.1:40000")

// newFastServer returns a server (not listening) for fastNetwork whose
// upstream answers every A query with 192.0.2.1.
func newFastServer(t testing.TB) *Server {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	up := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg).SetReply(r)
		m.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 300}, A: net.IPv4(192, 0, 2, 1)}}
		w.WriteMsg(m)
	})}
	go up.ActivateAndServe()
	t.Cleanup(func() { up.Shutdown() })
	n, _, err := config.Parse([]byte(strings.Replace(fastNetwork, "UPSTREAM", pc.LocalAddr().String(), 1)), "network.yaml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(n, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// full answers query on the full path, as the UDP loop does for a question
// it does not know yet, and returns the reply.
func full(t testing.TB, s *Server, query []byte) []byte {
	t.Helper()
	req := new(dns.Msg)
	if err := req.Unpack(query); err != nil {
		t.Fatal(err)
	}
	var q wire.Query
	var wq *wire.Query
	if wire.ParseQuery(query, &q) == nil {
		wq = &q
	}
	w := &fakeWriter{}
	queryHandler{s: s, owner: sharedOwner}.serve(w, req, wq)
	return w.out
}

// fastAnswer parses query, as the UDP reader does, and tries the fast path.
func fastAnswer(s *Server, query []byte, now time.Time, out []byte, q *wire.Query) ([]byte, bool) {
	if wire.ParseQuery(query, q) != nil {
		return out, false
	}
	return s.fast(sharedOwner, query, fastSrc, now, out, q, false)
}

func packQuery(t testing.TB, name string, qtype uint16, edns bool) []byte {
	t.Helper()
	m := new(dns.Msg).SetQuestion(name, qtype)
	m.Id = 777
	if edns {
		m.SetEdns0(1232, false)
	}
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFastPathAgreesWithFullPath checks that a question answered the second
// time from bytes gets the same reply as the full path gave it.
func TestFastPathAgreesWithFullPath(t *testing.T) {
	s := newFastServer(t)
	tests := []struct {
		name  string
		qname string
		qtype uint16
		edns  bool
		// forwarded: the first answer comes from the upstream, and the
		// question is remembered once the cache answers it.
		forwarded bool
	}{
		{name: "zone answer, CNAME chain", qname: "WWW.internal.example.", qtype: dns.TypeA},
		{name: "zone NXDOMAIN with SOA", qname: "nope.internal.example.", qtype: dns.TypeA, edns: true},
		{name: "zone NODATA", qname: "db.internal.example.", qtype: dns.TypeAAAA},
		{name: "autodefined PTR", qname: "5.1.0.10.in-addr.arpa.", qtype: dns.TypePTR, edns: true},
		{name: "forwarded, then from the cache", qname: "App.Corp.Example.", qtype: dns.TypeA, edns: true, forwarded: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			query := packQuery(t, tt.qname, tt.qtype, tt.edns)
			var q wire.Query
			if _, ok := fastAnswer(s, query, time.Now(), nil, &q); ok {
				t.Fatalf("fast path answered a question it has never seen")
			}
			want := full(t, s, query)
			if tt.forwarded {
				// Asked again: answered by the cache on the full path, and
				// only now remembered for the fast path.
				want = full(t, s, query)
			}
			got, ok := fastAnswer(s, query, time.Now(), nil, &q)
			if !ok {
				t.Fatalf("fast path did not answer the second time")
			}
			var gm, wm dns.Msg
			if err := gm.Unpack(got); err != nil {
				t.Fatalf("fast reply does not unpack: %v", err)
			}
			if err := wm.Unpack(want); err != nil {
				t.Fatal(err)
			}
			// Names compare without case: the fast path echoes the client's
			// spelling where the full path's cache copy has the stored one.
			if !strings.EqualFold(gm.String(), wm.String()) {
				t.Errorf("fast reply:\n%v\nwant (full path):\n%v", &gm, &wm)
			}
		})
	}
}

// TestFastPathAllocatesNothing pins the fast path's allocations: a local
// answer and a cache hit each take none.
func TestFastPathAllocatesNothing(t *testing.T) {
	s := newFastServer(t)
	for _, qname := range []string{"db.internal.example.", "x.corp.example."} {
		query := packQuery(t, qname, dns.TypeA, true)
		full(t, s, query)
		full(t, s, query) // a forwarded question is remembered when the cache answers it
		out := make([]byte, 0, 512)
		var q wire.Query
		allocs := testing.AllocsPerRun(200, func() {
			if _, ok := fastAnswer(s, query, time.Now(), out[:0], &q); !ok {
				t.Fatalf("%s: fast path missed", qname)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: fast path allocates %v times per query; want 0", qname, allocs)
		}
	}
}

// BenchmarkHotPath compares the fast path with the full path (unpack,
// choose, answer, pack) on the same questions.
func BenchmarkHotPath(b *testing.B) {
	s := newFastServer(b)
	for _, tc := range []struct{ name, qname string }{
		{"zone", "db.internal.example."},
		{"autodefined-ptr", "5.1.0.10.in-addr.arpa."},
		{"cache-hit", "x.corp.example."},
	} {
		qtype := dns.TypeA
		if strings.HasSuffix(tc.qname, "arpa.") {
			qtype = dns.TypePTR
		}
		query := packQuery(b, tc.qname, qtype, true)
		full(b, s, query)
		full(b, s, query)
		b.Run("fast/"+tc.name, func(b *testing.B) {
			out := make([]byte, 0, 512)
			var q wire.Query
			now := time.Now() // the reader reads the clock once per batch
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := fastAnswer(s, query, now, out[:0], &q); !ok {
					b.Fatal("miss")
				}
			}
		})
		b.Run("full/"+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				full(b, s, query)
			}
		})
	}
}

// TestChaseCNAMEOutOfZone checks that a zone's CNAME to a name outside the
// zone is resolved for the same VPC, locally or through a forward, as Route
// 53 Resolver does.
func TestChaseCNAMEOutOfZone(t *testing.T) {
	s := newFastServer(t)
	tests := []struct {
		name     string
		qname    string
		want     []string
		volatile bool
	}{
		{name: "to an autodefined EC2 name", qname: "host.internal.example.",
			want: []string{"host.internal.example.\t300\tIN\tCNAME\tip-10-0-0-5.ec2.internal.", "ip-10-0-0-5.ec2.internal.\t60\tIN\tA\t10.0.0.5"}},
		{name: "to a forwarded name", qname: "app.internal.example.", volatile: true,
			want: []string{"app.internal.example.\t300\tIN\tCNAME\tapp.corp.example.", "app.corp.example.\t300\tIN\tA\t192.0.2.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			query := packQuery(t, tt.qname, dns.TypeA, false)
			var m dns.Msg
			if err := m.Unpack(full(t, s, query)); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, rr := range m.Answer {
				got = append(got, rr.String())
			}
			if m.Rcode != dns.RcodeSuccess || strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("answer %s %q; want NOERROR %q", dns.RcodeToString[m.Rcode], got, tt.want)
			}
			var q wire.Query
			if _, ok := fastAnswer(s, query, time.Now(), nil, &q); ok == tt.volatile {
				t.Errorf("fast path answered = %v; want %v (a chain through a forward is not fixed by the view)", ok, !tt.volatile)
			}
		})
	}
}

// FuzzFullPath runs any query through the full path: no panic, and every
// reply is one the client can read, with vpcdns's own OPT, within the size
// the query allows, and with the rcode its EDNS earns.
func FuzzFullPath(f *testing.F) {
	for _, m := range []*dns.Msg{
		new(dns.Msg).SetQuestion("db.internal.example.", dns.TypeA).SetEdns0(4096, true),
		new(dns.Msg).SetQuestion("www.internal.example.", dns.TypeANY),
		new(dns.Msg).SetQuestion("nope.internal.example.", dns.TypeANY).SetEdns0(512, false),
		new(dns.Msg).SetQuestion("5.1.0.10.in-addr.arpa.", dns.TypePTR).SetEdns0(1232, false),
	} {
		b, _ := m.Pack()
		f.Add(b)
	}
	v1 := new(dns.Msg).SetQuestion("db.internal.example.", dns.TypeA).SetEdns0(1232, false)
	v1.IsEdns0().SetVersion(1)
	b, _ := v1.Pack()
	f.Add(b)
	s := newFastServer(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		req := new(dns.Msg)
		if err := req.Unpack(b); err != nil || req.Response {
			return
		}
		if len(req.Question) == 1 && strings.HasSuffix(strings.ToLower(req.Question[0].Name), "corp.example.") {
			return // forwarded: the fake upstream is not what is fuzzed
		}
		var q wire.Query
		var wq *wire.Query
		if wire.ParseQuery(b, &q) == nil {
			wq = &q
		}
		w := &fakeWriter{}
		queryHandler{s: s, owner: sharedOwner}.serve(w, req, wq)
		if w.out == nil {
			return
		}
		var r dns.Msg
		if err := r.Unpack(w.out); err != nil {
			t.Fatalf("reply does not unpack: %v", err)
		}
		if len(w.out) > replyLimit(req, false) {
			t.Fatalf("reply of %d bytes; the query allows %d", len(w.out), replyLimit(req, false))
		}
		if (r.IsEdns0() != nil) != (req.IsEdns0() != nil) {
			t.Fatalf("OPT in reply %v; in query %v", r.IsEdns0() != nil, req.IsEdns0() != nil)
		}
		if rc := ednsRcode(req); rc != dns.RcodeSuccess && r.Rcode != rc {
			t.Fatalf("rcode %s; the query's EDNS earns %s", dns.RcodeToString[r.Rcode], dns.RcodeToString[rc])
		}
	})
}

// The idle timeout shrinks as the TCP server fills (RFC 7766 §6.2.3).
func TestTCPIdleShrinks(t *testing.T) {
	ts := &tcpServer{max: 256, idle: 10 * time.Second}
	tests := []struct {
		open int
		want time.Duration
	}{
		{0, 10 * time.Second},
		{128, 10 * time.Second},
		{192, 5 * time.Second},
		{240, 1250 * time.Millisecond},
		{255, minTCPIdle},
		{256, minTCPIdle},
		{300, minTCPIdle},
	}
	for _, tt := range tests {
		if got := ts.idleFor(tt.open); got != tt.want {
			t.Errorf("idleFor(%d) = %v; want %v", tt.open, got, tt.want)
		}
	}
}

// A UDP query past the full path's limit is dropped, and counted.
func TestFullPathLimitCounted(t *testing.T) {
	s := newFastServer(t)
	reg := prometheus.NewRegistry()
	s.opts.Metrics = metrics.New(reg)
	u := &udpServer{s: s, sem: make(chan struct{}, 1), jobs: make(chan slowQuery), stopped: make(chan struct{})}
	u.sem <- struct{}{} // the full path is full
	query := packQuery(t, "db.internal.example.", dns.TypeA, false)
	for range 3 {
		u.full(nil, query, fastSrc, nil)
	}
	if got := testutil.ToFloat64(s.opts.Metrics.Dropped.WithLabelValues(metrics.DropFullPathLimit)); got != 3 {
		t.Errorf("vpcdns_dropped_total{reason=%q} = %v; want 3", metrics.DropFullPathLimit, got)
	}
}

// The UDP reader answers a new question itself only when an autodefined
// zone answers it; everything that may wait for a target, or that a
// private hosted zone answers, goes to a worker.
func TestInlineLocal(t *testing.T) {
	s := newFastServer(t)
	tests := []struct {
		name  string
		qname string
		qtype uint16
		want  bool
	}{
		{name: "autodefined PTR of the VPC's CIDR", qname: "5.1.0.10.IN-ADDR.arpa.", qtype: dns.TypePTR, want: true},
		{name: "autodefined EC2 name", qname: "ip-10-0-0-5.ec2.internal.", qtype: dns.TypeA, want: true},
		{name: "localhost", qname: "localhost.", qtype: dns.TypeA, want: true},
		{name: "autodefined private reverse zone (RFC 1918)", qname: "1.10.168.192.in-addr.arpa.", qtype: dns.TypePTR, want: true},
		{name: "public reverse name", qname: "4.3.2.1.in-addr.arpa.", qtype: dns.TypePTR},
		{name: "private hosted zone", qname: "db.internal.example.", qtype: dns.TypeA},
		{name: "forwarded", qname: "x.corp.example.", qtype: dns.TypeA},
		{name: "a label that needs escaping", qname: `a\.b.0.10.in-addr.arpa.`, qtype: dns.TypePTR},
		{name: "root", qname: ".", qtype: dns.TypeNS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q wire.Query
			if err := wire.ParseQuery(packQuery(t, tt.qname, tt.qtype, false), &q); err != nil {
				t.Fatal(err)
			}
			if got := s.inlineLocal(sharedOwner, fastSrc, &q); got != tt.want {
				t.Errorf("inlineLocal = %v; want %v", got, tt.want)
			}
		})
	}
}
