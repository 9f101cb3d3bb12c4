package forward_test

import (
	"context"
	"math/rand/v2"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/forward"
)

// Timeouts of the tests: short enough to keep them fast, long enough that a
// loaded machine running the race detector still answers from loopback in
// time. Tests that measure a budget set their own, shorter ones.
const (
	attemptTimeout = time.Second
	totalTimeout   = 3 * time.Second
	// slack is what a test allows beyond a deadline for scheduling, the race
	// detector and a loaded machine.
	slack = time.Second
)

// fakeServer is a DNS server on 127.0.0.1 (UDP and TCP on one port) whose
// handler the test writes. It records the queries it receives.
type fakeServer struct {
	addr netip.AddrPort
	udp  atomic.Int64 // queries received over UDP
	tcp  atomic.Int64 // queries received over TCP

	mu    sync.Mutex
	ids   []uint16
	ports []int
	reqs  []*dns.Msg
}

func (s *fakeServer) packets() int64 { return s.udp.Load() + s.tcp.Load() }

func (s *fakeServer) requests() (ids []uint16, ports []int, reqs []*dns.Msg) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]uint16(nil), s.ids...), append([]int(nil), s.ports...), append([]*dns.Msg(nil), s.reqs...)
}

// startFake starts a fakeServer running h; it stops when the test ends.
func startFake(t *testing.T, h func(w dns.ResponseWriter, r *dns.Msg)) *fakeServer {
	t.Helper()
	pc, ln := listenBoth(t)
	s := &fakeServer{addr: pc.LocalAddr().(*net.UDPAddr).AddrPort()}
	handler := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		if _, ok := w.RemoteAddr().(*net.TCPAddr); ok {
			s.tcp.Add(1)
		} else {
			s.udp.Add(1)
		}
		ap, _ := netip.ParseAddrPort(w.RemoteAddr().String())
		s.mu.Lock()
		s.ids = append(s.ids, r.Id)
		s.ports = append(s.ports, int(ap.Port()))
		s.reqs = append(s.reqs, r.Copy())
		s.mu.Unlock()
		h(w, r)
	})
	for _, srv := range []*dns.Server{
		{PacketConn: pc, Handler: handler},
		{Listener: ln, Handler: handler},
	} {
		started := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(started) }
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = srv.ActivateAndServe()
		}()
		<-started
		t.Cleanup(func() {
			_ = srv.Shutdown()
			<-done
		})
	}
	return s
}

// listenBoth listens on one port of 127.0.0.1 for UDP and TCP.
func listenBoth(t *testing.T) (net.PacketConn, net.Listener) {
	t.Helper()
	for range 20 {
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("listen udp: %v", err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			_ = pc.Close()
			continue
		}
		return pc, ln
	}
	t.Fatalf("no port free for both UDP and TCP")
	return nil, nil
}

// closedAddr returns an address of 127.0.0.1 where nothing listens.
func closedAddr(t *testing.T) netip.AddrPort {
	t.Helper()
	pc, ln := listenBoth(t)
	addr := pc.LocalAddr().(*net.UDPAddr).AddrPort()
	_ = pc.Close()
	_ = ln.Close()
	return addr
}

// target models addr as the configuration address modeled (a label only).
func target(modeled string, dial netip.AddrPort) forward.Target {
	return forward.Target{Modeled: netip.MustParseAddrPort(modeled), Dial: dial}
}

// Handlers.

func answerA(ip string) func(dns.ResponseWriter, *dns.Msg) {
	return func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.RecursionAvailable = true
		m.Answer = []dns.RR{&dns.A{
			Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60},
			A:   net.ParseIP(ip),
		}}
		if opt := r.IsEdns0(); opt != nil {
			m.SetEdns0(opt.UDPSize(), opt.Do())
		}
		_ = w.WriteMsg(m)
	}
}

func answerRcode(rcode int) func(dns.ResponseWriter, *dns.Msg) {
	return func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetRcode(r, rcode)
		_ = w.WriteMsg(m)
	}
}

func silent(dns.ResponseWriter, *dns.Msg) {}

// truncatedOverUDP answers with TC set and no records over UDP, and with
// answerA over TCP.
func truncatedOverUDP(ip string) func(dns.ResponseWriter, *dns.Msg) {
	full := answerA(ip)
	return func(w dns.ResponseWriter, r *dns.Msg) {
		if _, ok := w.RemoteAddr().(*net.TCPAddr); ok {
			full(w, r)
			return
		}
		m := new(dns.Msg)
		m.SetReply(r)
		m.Truncated = true
		_ = w.WriteMsg(m)
	}
}

// switchable runs one of two handlers, chosen by an atomic flag.
type switchable struct {
	second atomic.Bool
	a, b   func(dns.ResponseWriter, *dns.Msg)
}

func (s *switchable) serve(w dns.ResponseWriter, r *dns.Msg) {
	if s.second.Load() {
		s.b(w, r)
		return
	}
	s.a(w, r)
}

// Rands.

// firstRand always picks the first candidate, so targets are tried in list
// order (failing ones last); IDs stay random.
type firstRand struct{}

func (firstRand) IntN(int) int   { return 0 }
func (firstRand) Uint32() uint32 { return rand.Uint32() }

func query(name string, qtype uint16) *dns.Msg {
	q := new(dns.Msg)
	q.SetQuestion(name, qtype)
	q.Id = 4242
	return q
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func outcomes(tr forward.Trace) []forward.Outcome {
	out := make([]forward.Outcome, len(tr.Attempts))
	for i, a := range tr.Attempts {
		out[i] = a.Outcome
	}
	return out
}

func firstA(t *testing.T, m *dns.Msg) string {
	t.Helper()
	for _, rr := range m.Answer {
		if a, ok := rr.(*dns.A); ok {
			return a.A.String()
		}
	}
	t.Fatalf("no A record in reply:\n%v", m)
	return ""
}
