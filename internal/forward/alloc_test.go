package forward_test

import (
	"context"
	"net"
	"testing"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/forward"
	"github.com/vpcdns/vpcdns/internal/loopbacktest"
)

// TestAllocsPerForward pins the allocations of one cache-miss forward over
// UDP (a query out, a one-record answer back): the forwarder's own budget.
func TestAllocsPerForward(t *testing.T) {
	if testing.Short() {
		t.Skip("network round trips")
	}
	if raceEnabled {
		t.Skip("the race detector allocates on its own")
	}
	pc := loopbacktest.RawAnswerer(t)
	f := forward.New(forward.Options{})
	targets := []forward.Target{target("192.168.10.53:53", pc.LocalAddr().(*net.UDPAddr).AddrPort())}
	question := dns.Question{Name: "host.miss.example.", Qtype: dns.TypeA, Qclass: dns.ClassINET}
	// A context that can end, as the server's does.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The caller's trace and answer buffer are reused, as the server's are.
	var tr forward.Trace
	dst := make([]byte, 0, 512)
	allocs := testing.AllocsPerRun(200, func() {
		tr.Attempts = tr.Attempts[:0]
		b, err := f.ExchangeWire(ctx, question, 1234, targets, nil, &tr, dst[:0])
		if err != nil {
			t.Fatalf("ExchangeWire: %v", err)
		}
		if len(b) == 0 {
			t.Fatal("ExchangeWire: empty answer")
		}
	})
	t.Logf("%.1f allocations per forward", allocs)
	if allocs > maxAllocsPerForward {
		t.Errorf("%.1f allocations per forward, budget %d", allocs, maxAllocsPerForward)
	}
}

func BenchmarkExchangeWire(b *testing.B) {
	pc := loopbacktest.RawAnswerer(b)
	f := forward.New(forward.Options{})
	targets := []forward.Target{target("192.168.10.53:53", pc.LocalAddr().(*net.UDPAddr).AddrPort())}
	question := dns.Question{Name: "host.miss.example.", Qtype: dns.TypeA, Qclass: dns.ClassINET}
	ctx := context.Background()
	var tr forward.Trace
	dst := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		tr.Attempts = tr.Attempts[:0]
		if _, err := f.ExchangeWire(ctx, question, 1234, targets, nil, &tr, dst[:0]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExchange(b *testing.B) {
	pc := loopbacktest.RawAnswerer(b)
	f := forward.New(forward.Options{})
	targets := []forward.Target{target("192.168.10.53:53", pc.LocalAddr().(*net.UDPAddr).AddrPort())}
	q := query("host.miss.example.", dns.TypeA)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := f.Exchange(ctx, q, targets, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// maxAllocsPerForward is the budget of TestAllocsPerForward, measured at 0
// (31 before the query was packed by hand, the reply buffer and the socket
// wrapper pooled; 14 before the reply stayed in wire form and the sockets
// were waited on through the forwarder's own epoll set, udpmux_linux.go):
// the query is packed into a pooled buffer, the reply judged and patched
// in place and appended to the caller's buffer, the attempt appended to
// the caller's trace. The target is 3.
const maxAllocsPerForward = 0
