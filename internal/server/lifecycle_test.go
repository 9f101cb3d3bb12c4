package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vpcdns/vpcdns/internal/loopbacktest"
	"github.com/vpcdns/vpcdns/internal/metrics"
	"github.com/vpcdns/vpcdns/internal/server"
)

// Shutdown drains: a query in flight (waiting on a silent target) still
// gets its answer; afterwards the sockets are closed.
func TestShutdownDrains(t *testing.T) {
	t.Parallel()
	silent := startSilent(t)
	n := parseNetwork(t, expand(baseNetwork+corpRule, map[string]string{"MAP1": silent.addr, "MAP2": silent.addr}))
	listenOnLoopback(n)
	s := start(t, n, server.Options{})
	addr := addrOf(t, s, "vpc:vpc-app")

	type result struct {
		r   *dns.Msg
		err error
	}
	var wg sync.WaitGroup
	results := make([]result, 4)
	for i := range results {
		network := []string{"udp", "tcp"}[i%2]
		wg.Go(func() {
			q := new(dns.Msg)
			q.SetQuestion(fmt.Sprintf("host-%d.corp.example.", i), dns.TypeA)
			r, err := tryExchange(network, addr, q, clientTimeout)
			results[i] = result{r, err}
		})
	}
	// Let the queries reach the forwarder, then shut down.
	if !eventually(time.Second, func() bool { return silent.packets.Load() >= int64(len(results)) }) {
		t.Fatalf("only %d of %d queries were forwarded", silent.packets.Load(), len(results))
	}
	begin := time.Now()
	shutdown(t, s)
	if el := time.Since(begin); el > totalTimeout+slack {
		t.Errorf("Shutdown took %v; the queries in flight end within %v", el, totalTimeout)
	}
	wg.Wait()
	for i, res := range results {
		if res.err != nil {
			t.Errorf("query %d in flight at shutdown: %v; want its SERVFAIL", i, res.err)
			continue
		}
		wantRcode(t, res.r, dns.RcodeServerFailure)
	}
	q := new(dns.Msg)
	q.SetQuestion("ip-10-0-0-5.ec2.internal.", dns.TypeA)
	for _, network := range []string{"udp", "tcp"} {
		if r, err := tryExchange(network, addr, q, 300*time.Millisecond); err == nil {
			t.Errorf("%s: answered after Shutdown: %v", network, r)
		}
	}
}

// blockingWriter blocks every Write until released: a disk that hangs.
type blockingWriter struct {
	release chan struct{}
	mu      sync.Mutex
	buf     strings.Builder
}

func (w *blockingWriter) Write(p []byte) (int, error) {
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *blockingWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// A query log that cannot keep up never slows the answers; the records it
// has no room for are dropped and counted.
func TestSlowQueryLog(t *testing.T) {
	t.Parallel()
	n := parseNetwork(t, expand(baseNetwork+`
query_logging:
  - id: qlc
    destination: stdout
    vpcs: [vpc-app]
`, map[string]string{"MAP1": "127.0.0.1:9", "MAP2": "127.0.0.1:9"}))
	listenOnLoopback(n)
	w := &blockingWriter{release: make(chan struct{})}
	reg := prometheus.NewRegistry()
	s := start(t, n, server.Options{Stdout: w, QueryLogQueue: 4, Metrics: metrics.New(reg)})
	addr := addrOf(t, s, "vpc:vpc-app")

	const queries = 40
	begin := time.Now()
	for i := range queries {
		name := fmt.Sprintf("ip-10-0-1-%d.ec2.internal.", i+1)
		wantAnswer(t, ask(t, "udp", addr, name, dns.TypeA), fmt.Sprintf("%s IN A 10.0.1.%d", name, i+1))
	}
	if el := time.Since(begin); el > 2*time.Second {
		t.Errorf("%d local answers took %v with the query log stuck", queries, el)
	}
	dropped := counterSum(t, reg, "vpcdns_querylog_dropped_total", nil)
	if dropped < queries-4-1-1 { // the queue, the record being written, and one in the buffer
		t.Errorf("vpcdns_querylog_dropped_total = %v; want nearly all %d", dropped, queries)
	}
	close(w.release)
	shutdown(t, s)
	// Read again: a query's record is queued (or dropped) just after its
	// answer is sent, so the last one may have been counted only now.
	dropped = counterSum(t, reg, "vpcdns_querylog_dropped_total", nil)
	written := len(parseLog(t, w.String()))
	if written+int(dropped) != queries {
		t.Errorf("%d records written + %v dropped; want %d in all", written, dropped, queries)
	}
}

// Metrics count queries by VPC, decision source and rcode, forwarding
// attempts by rule, target and outcome, and cache hits.
func TestMetrics(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	_, addr := startCorp(t, server.Options{Metrics: metrics.New(reg)})
	ask(t, "udp", addr, "db.corp.example.", dns.TypeA)
	ask(t, "udp", addr, "db.corp.example.", dns.TypeA) // cache hit, remembered
	ask(t, "udp", addr, "db.corp.example.", dns.TypeA) // cache hit on the fast path
	ask(t, "udp", addr, "nope.corp.example.", dns.TypeA)
	ask(t, "udp", addr, "ip-10-0-0-5.ec2.internal.", dns.TypeA)
	ask(t, "udp", addr, "ip-10-0-0-5.ec2.internal.", dns.TypeA) // fast path
	ask(t, "udp", addr, "www.example.org.", dns.TypeA)          // internet, no forwarders
	// Queries are counted just after the reply is written.
	if !eventually(time.Second, func() bool { return counterSum(t, reg, "vpcdns_queries_total", nil) == 7 }) {
		t.Fatalf("vpcdns_queries_total = %v; want 7", counterSum(t, reg, "vpcdns_queries_total", nil))
	}
	tests := []struct {
		family string
		labels map[string]string
		want   float64
	}{
		{"vpcdns_queries_total", map[string]string{"vpc": "vpc-app", "source": "forward-rule", "rcode": "NOERROR"}, 3},
		{"vpcdns_queries_total", map[string]string{"vpc": "vpc-app", "source": "forward-rule", "rcode": "NXDOMAIN"}, 1},
		{"vpcdns_queries_total", map[string]string{"vpc": "vpc-app", "source": "autodefined-ec2", "rcode": "NOERROR"}, 2},
		{"vpcdns_queries_total", map[string]string{"vpc": "vpc-app", "source": "internet", "rcode": "SERVFAIL"}, 1},
		{"vpcdns_forwarded_queries_total", map[string]string{"rule": "rslvr-rr-corp", "outcome": "ok"}, 2},
		{"vpcdns_cache_hits_total", nil, 2},
	}
	for _, tt := range tests {
		if got := counterSum(t, reg, tt.family, tt.labels); got != tt.want {
			t.Errorf("%s%v = %v; want %v", tt.family, tt.labels, got, tt.want)
		}
	}
}

// panicDialer panics on every dial: a bug deep in the query path.
type panicDialer struct{}

func (panicDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	panic("panicDialer: a bug in the query path")
}

// A panic while answering one query is that query's SERVFAIL, logged; the
// server keeps answering the others.
func TestPanicInQueryPath(t *testing.T) {
	t.Parallel()
	n := parseNetwork(t, expand(baseNetwork+corpRule, map[string]string{"MAP1": "127.0.0.1:9", "MAP2": "127.0.0.1:9"}))
	listenOnLoopback(n)
	var logs loopbacktest.Buffer
	s := start(t, n, server.Options{Dialer: panicDialer{}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	addr := addrOf(t, s, "vpc:vpc-app")
	for _, network := range []string{"udp", "tcp"} {
		wantRcode(t, ask(t, network, addr, "db.corp.example.", dns.TypeA), dns.RcodeServerFailure)
		wantAnswer(t, ask(t, network, addr, "ip-10-0-0-5.ec2.internal.", dns.TypeA), "ip-10-0-0-5.ec2.internal. IN A 10.0.0.5")
	}
	if !strings.Contains(logs.String(), "panicDialer: a bug in the query path") {
		t.Errorf("the panic is not logged:\n%s", logs.String())
	}
}

// Records logged under a configuration that a reload replaced are written
// when the server shuts down right after, not lost with the old logger.
func TestShutdownFlushesReplacedQueryLog(t *testing.T) {
	t.Parallel()
	text := expand(baseNetwork+`
query_logging:
  - id: qlc
    destination: stdout
    vpcs: [vpc-app]
`, map[string]string{"MAP1": "127.0.0.1:9", "MAP2": "127.0.0.1:9"})
	n := parseNetwork(t, text)
	listenOnLoopback(n)
	w := &blockingWriter{release: make(chan struct{})}
	s := start(t, n, server.Options{Stdout: w})
	addr := addrOf(t, s, "vpc:vpc-app")
	const queries = 3
	for i := range queries {
		ask(t, "udp", addr, fmt.Sprintf("ip-10-0-2-%d.ec2.internal.", i+1), dns.TypeA)
	}
	n2 := parseNetwork(t, text)
	listenOnLoopback(n2)
	n2.VPCs[0].ResolverListen = n.VPCs[0].ResolverListen
	if err := s.Reload(n2); err != nil {
		t.Fatal(err)
	}
	// The writer is stuck, so the replaced logger still holds the records:
	// shutdown must wait for them rather than return and lose them.
	done := make(chan struct{})
	go func() { shutdown(t, s); close(done) }()
	select {
	case <-done:
		t.Fatal("shutdown returned while the replaced query log still held unwritten records")
	case <-time.After(300 * time.Millisecond):
	}
	close(w.release)
	<-done
	if got := len(parseLog(t, w.String())); got != queries {
		t.Errorf("%d records written after reload and shutdown; want %d", got, queries)
	}
}

// Every drop is counted by reason, every FORMERR is counted, and the Go
// runtime and process collectors are there.
func TestDropMetrics(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	_, addr := startCorp(t, server.Options{Metrics: metrics.New(reg)})
	conn, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const n = 20
	good := new(dns.Msg).SetQuestion("ip-10-0-0-5.ec2.internal.", dns.TypeA)
	resp, _ := good.Copy().SetReply(good).Pack()
	for i := range n {
		conn.Write([]byte{1, 2, 3})                                      // no header: dropped
		conn.Write(resp)                                                 // a response: dropped
		conn.Write([]byte{byte(i), 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63}) // a cut question: FORMERR
	}
	want := map[string]float64{"malformed": n, "response": n}
	ok := eventually(2*time.Second, func() bool {
		for reason, v := range want {
			if counterSum(t, reg, "vpcdns_dropped_total", map[string]string{"reason": reason}) < v {
				return false
			}
		}
		return counterSum(t, reg, "vpcdns_queries_total", map[string]string{"rcode": "FORMERR"}) >= n
	})
	if !ok {
		for reason := range want {
			t.Errorf("vpcdns_dropped_total{reason=%q} = %v; want %v", reason,
				counterSum(t, reg, "vpcdns_dropped_total", map[string]string{"reason": reason}), want[reason])
		}
		t.Errorf("FORMERR counted %v; want %d", counterSum(t, reg, "vpcdns_queries_total", map[string]string{"rcode": "FORMERR"}), n)
	}
	mf, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, f := range mf {
		have[f.GetName()] = true
	}
	for _, name := range []string{"go_goroutines", "go_memstats_alloc_bytes", "process_resident_memory_bytes", "process_open_fds", "vpcdns_dropped_total"} {
		if !have[name] {
			t.Errorf("no %s in the metrics", name)
		}
	}
}
