package server_test

import (
	"maps"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vpcdns/vpcdns/internal/metrics"
	"github.com/vpcdns/vpcdns/internal/server"
)

// frozenClock stands still until the test moves it, so that every query of
// a test falls into the same second of the rate limits.
type frozenClock struct{ ns atomic.Int64 }

func newFrozenClock() *frozenClock {
	c := &frozenClock{}
	c.ns.Store(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *frozenClock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *frozenClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// limitsNetwork is a VPC with a private hosted zone, three mapped sources
// (two on one ENI by its id, one on an instance's primary ENI) and an
// inbound endpoint whose security group makes its connections untracked.
const limitsNetwork = `
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    resolver_listen: ["127.0.0.1:5353"]
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24}
      - {id: subnet-b, cidr_block: 10.0.2.0/24}
    instances:
      - {id: i-0123456789abcdef0, private_ips: [10.0.1.5]}
security_groups:
  - id: sg-in
    vpc: vpc-app
    ingress: [{protocol: udp, from_port: 53, to_port: 53, cidr: 0.0.0.0/0}]
    egress: [{protocol: all, cidr: 0.0.0.0/0}]
resolver_endpoints:
  - id: rslvr-in-app
    direction: inbound
    vpc: vpc-app
    security_groups: [sg-in]
    ip_addresses:
      - {subnet: subnet-a, ip: 10.0.1.11}
      - {subnet: subnet-b, ip: 10.0.2.11}
    listen: ["127.0.0.1:5354"]
private_hosted_zones:
  - name: internal.example
    vpcs: [vpc-app]
    records:
      - {name: db.internal.example, type: A, values: [10.0.1.20]}
query_logging:
  - {id: ql, destination: "file:{{LOG}}", vpcs: [vpc-app]}
emulation:
  source_map:
    "127.0.0.11": eni-0aaaaaaaaaaaaaaaa
    "127.0.0.12": eni-0aaaaaaaaaaaaaaaa
    "127.0.0.13": i-0123456789abcdef0
  limits:
    eni_packets_per_second: 20
    endpoint_ip_queries_per_second: 5
`

// burst sends n queries at once from local address from to addr over UDP
// and counts the answers that come back before the line goes quiet.
func burst(t *testing.T, from, addr string, n int) int {
	t.Helper()
	c, err := net.DialUDP("udp", &net.UDPAddr{IP: net.ParseIP(from)}, mustAddrPort(t, addr))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range n {
		q := new(dns.Msg).SetQuestion("db.internal.example.", dns.TypeA)
		q.Id = uint16(i + 1)
		b, _ := q.Pack()
		if _, err := c.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	got := 0
	buf := make([]byte, 4096)
	for {
		c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		if _, err := c.Read(buf); err != nil {
			return got
		}
		got++
	}
}

func mustAddrPort(t *testing.T, s string) *net.UDPAddr {
	t.Helper()
	a, err := net.ResolveUDPAddr("udp", s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func startLimits(t *testing.T, clock *frozenClock) (*server.Server, *metrics.Metrics, string) {
	t.Helper()
	logPath := tempFile(t, "q.log")
	n := parseNetwork(t, expand(limitsNetwork, map[string]string{"LOG": logPath}))
	listenOnLoopback(n)
	m := metrics.New(prometheus.NewRegistry())
	s := start(t, n, server.Options{Metrics: m, Now: clock.Now})
	return s, m, logPath
}

// AWS drops what an ENI sends to the VPC resolver past its packets per
// second, without an answer; two addresses of one ENI share its budget,
// other ENIs and unmapped sources have their own or none.
func TestENIPacketLimitUDP(t *testing.T) {
	clock := newFrozenClock()
	s, m, _ := startLimits(t, clock)
	addr := addrOf(t, s, "vpc:vpc-app")
	eni := m.ENIResolverDrops.WithLabelValues("eni-0aaaaaaaaaaaaaaaa")

	if got := burst(t, "127.0.0.11", addr, 15); got != 15 {
		t.Errorf("under the limit: %d of 15 answered", got)
	}
	if got := burst(t, "127.0.0.12", addr, 15); got != 5 {
		t.Errorf("second address of the same ENI: %d of 15 answered, want the 5 left of 20", got)
	}
	if got := testutil.ToFloat64(eni); got != 10 {
		t.Errorf("drops counted %v, want 10", got)
	}
	if got := burst(t, "127.0.0.13", addr, 15); got != 15 {
		t.Errorf("another ENI (an instance's): %d of 15 answered", got)
	}
	if got := burst(t, "127.0.0.1", addr, 60); got != 60 {
		t.Errorf("unmapped source: %d of 60 answered; it must not be limited", got)
	}
	clock.Advance(time.Second)
	if got := burst(t, "127.0.0.11", addr, 25); got != 20 {
		t.Errorf("next second: %d of 25 answered, want the full 20", got)
	}
	if got := testutil.ToFloat64(eni); got != 15 {
		t.Errorf("drops counted %v, want 15", got)
	}
	if got := testutil.ToFloat64(m.ENIResolverDrops.WithLabelValues("i-0123456789abcdef0")); got != 0 {
		t.Errorf("drops of the instance's ENI %v, want 0", got)
	}
}

// Over TCP a connection costs its handshake and each query two packets, so
// a budget of 20 packets carries 9 queries on one connection.
func TestENIPacketLimitTCP(t *testing.T) {
	clock := newFrozenClock()
	s, m, _ := startLimits(t, clock)
	addr := addrOf(t, s, "vpc:vpc-app")
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.11")}, Timeout: time.Second}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := &dns.Conn{Conn: nc}
	defer c.Close()
	answered := 0
	for i := range 12 {
		q := new(dns.Msg).SetQuestion("db.internal.example.", dns.TypeA)
		q.Id = uint16(100 + i)
		if err := c.WriteMsg(q); err != nil {
			t.Fatal(err)
		}
	}
	for {
		c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		if _, err := c.ReadMsg(); err != nil {
			break
		}
		answered++
	}
	if answered != 9 {
		t.Errorf("%d of 12 TCP queries answered, want 9 ((20-2)/2)", answered)
	}
	if got := testutil.ToFloat64(m.ENIResolverDrops.WithLabelValues("eni-0aaaaaaaaaaaaaaaa")); got != 6 {
		t.Errorf("drops counted %v packets, want 6 (3 queries of 2)", got)
	}
	// The next connection's handshake finds no budget left: no answer.
	nc2, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc2.Close()
	c2 := &dns.Conn{Conn: nc2}
	c2.WriteMsg(new(dns.Msg).SetQuestion("db.internal.example.", dns.TypeA))
	c2.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	if r, err := c2.ReadMsg(); err == nil {
		t.Errorf("a connection past the limit was answered: %v", r)
	}
}

// An inbound endpoint's addresses carry their queries per second each;
// with one listen socket for two addresses, queries go round both.
func TestInboundEndpointLimit(t *testing.T) {
	clock := newFrozenClock()
	s, m, _ := startLimits(t, clock)
	addr := addrOf(t, s, "endpoint:rslvr-in-app")
	if got := burst(t, "127.0.0.1", addr, 14); got != 10 {
		t.Errorf("%d of 14 answered, want 10 (5 per address, two addresses)", got)
	}
	var drops float64
	for _, ip := range []string{"10.0.1.11", "10.0.2.11"} {
		drops += testutil.ToFloat64(m.EndpointIPDrops.WithLabelValues("rslvr-in-app", ip, "inbound"))
	}
	if drops != 4 {
		t.Errorf("drops counted %v, want 4", drops)
	}
	// The ENI limit is the VPC resolver's: queries from a mapped source to
	// the endpoint do not take from it.
	before := testutil.ToFloat64(m.ENIResolverDrops.WithLabelValues("eni-0aaaaaaaaaaaaaaaa"))
	clock.Advance(time.Second)
	burst(t, "127.0.0.11", addr, 30)
	if after := testutil.ToFloat64(m.ENIResolverDrops.WithLabelValues("eni-0aaaaaaaaaaaaaaaa")); after != before {
		t.Errorf("ENI drops went from %v to %v on endpoint traffic", before, after)
	}
}

// Turning a limit off (0) lets everything through.
func TestLimitsOff(t *testing.T) {
	clock := newFrozenClock()
	text := expand(limitsNetwork, map[string]string{"LOG": tempFile(t, "q.log")})
	text += "    endpoint_ip_tracked_queries_per_second: 0\n"
	n := parseNetwork(t, text)
	n.Emulation.Limits.ENIPacketsPerSecond = 0
	n.Emulation.Limits.EndpointIPQueriesPerSecond = 0
	listenOnLoopback(n)
	s := start(t, n, server.Options{Now: clock.Now})
	if got := burst(t, "127.0.0.11", addrOf(t, s, "vpc:vpc-app"), 50); got != 50 {
		t.Errorf("ENI limit off: %d of 50 answered", got)
	}
	if got := burst(t, "127.0.0.1", addrOf(t, s, "endpoint:rslvr-in-app"), 50); got != 50 {
		t.Errorf("endpoint limit off: %d of 50 answered", got)
	}
}

// A source mapped to an instance is that instance in the query log (AWS
// names the instance in srcids), and what the limit dropped is not logged
// at all, as on AWS: the query log never shows the excess.
func TestLimitsQueryLog(t *testing.T) {
	clock := newFrozenClock()
	s, _, logPath := startLimits(t, clock)
	addr := addrOf(t, s, "vpc:vpc-app")
	burst(t, "127.0.0.13", addr, 3)
	burst(t, "127.0.0.11", addr, 30)
	shutdown(t, s)
	counts := map[string]int{}
	for _, r := range readLog(t, logPath) {
		counts[r.SrcAddr+" "+r.SrcIDs.Instance]++
	}
	want := map[string]int{"127.0.0.13 i-0123456789abcdef0": 3, "127.0.0.11 ": 20}
	if !maps.Equal(counts, want) {
		t.Errorf("logged %v, want %v", counts, want)
	}
}
