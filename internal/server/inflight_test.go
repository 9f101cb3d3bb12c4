package server_test

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/server"
)

// slowUpstream is a loopback DNS server that answers every A question with
// 192.168.1.20 after delay, counting the queries per name.
type slowUpstream struct {
	addr  string
	mu    sync.Mutex
	count map[string]int
}

func startSlowUpstream(t *testing.T, delay time.Duration) *slowUpstream {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &slowUpstream{addr: pc.LocalAddr().String(), count: map[string]int{}}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		u.mu.Lock()
		u.count[r.Question[0].Name]++
		u.mu.Unlock()
		time.Sleep(delay)
		m := new(dns.Msg)
		m.SetReply(r)
		rr, _ := dns.NewRR(r.Question[0].Name + " 300 IN A 192.168.1.20")
		m.Answer = []dns.RR{rr}
		w.WriteMsg(m)
	})}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go srv.ActivateAndServe()
	<-started
	t.Cleanup(func() { srv.Shutdown() })
	return u
}

func (u *slowUpstream) queries(name string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.count[name]
}

// TestConcurrentMissesShareOneQuery: clients that ask the same cold name
// while its upstream query is on its way are all answered from that one
// query (issue 14: one upstream query for N clients); a different name, or
// the same name through another transport, is no different.
func TestConcurrentMissesShareOneQuery(t *testing.T) {
	t.Parallel()
	up := startSlowUpstream(t, 300*time.Millisecond)
	n := parseNetwork(t, expand(baseNetwork+corpRule, map[string]string{"MAP1": up.addr, "MAP2": up.addr}))
	n.Emulation.AttemptTimeout = 2 * time.Second
	n.Emulation.TotalTimeout = 3 * time.Second
	listenOnLoopback(n)
	s := start(t, n, server.Options{})
	addr := addrOf(t, s, "vpc:vpc-app")

	const clients = 20
	names := []string{"a.corp.example.", "b.corp.example."}
	var wg sync.WaitGroup
	errs := make(chan string, clients*len(names))
	for i := range clients {
		for _, name := range names {
			network := "udp"
			if i%2 == 1 {
				network = "tcp"
			}
			wg.Go(func() {
				q := new(dns.Msg)
				q.SetQuestion(name, dns.TypeA)
				r, err := tryExchange(network, addr, q, 5*time.Second)
				switch {
				case err != nil:
					errs <- network + " " + name + ": " + err.Error()
				case r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 || r.Id != q.Id:
					errs <- network + " " + name + ": " + r.String()
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	for _, name := range names {
		// All clients start within the 300 ms the first query takes; a
		// loaded machine may start a few after it is answered, and those
		// are cache hits, so the upstream sees exactly one query.
		if got := up.queries(name); got != 1 {
			t.Errorf("%s: %d upstream queries for %d clients, want 1", name, got, clients)
		}
	}
}

// TestFollowersAnsweredAsTheyAsked: UDP clients that join a question in
// flight each get a reply of their own: their ID, their spelling of the
// name, an OPT only when they sent one; and when every target fails, each
// gets SERVFAIL.
func TestFollowersAnsweredAsTheyAsked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		silent bool
		rcode  int
	}{
		{name: "answered", rcode: dns.RcodeSuccess},
		{name: "targets silent", silent: true, rcode: dns.RcodeServerFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			upAddr := ""
			var up *slowUpstream
			if tt.silent {
				upAddr = startSilent(t).addr
			} else {
				up = startSlowUpstream(t, 300*time.Millisecond)
				upAddr = up.addr
			}
			n := parseNetwork(t, expand(baseNetwork+corpRule, map[string]string{"MAP1": upAddr, "MAP2": upAddr}))
			n.Emulation.AttemptTimeout = 300 * time.Millisecond
			n.Emulation.TotalTimeout = 600 * time.Millisecond
			if !tt.silent {
				n.Emulation.AttemptTimeout = 2 * time.Second
				n.Emulation.TotalTimeout = 3 * time.Second
			}
			listenOnLoopback(n)
			s := start(t, n, server.Options{})
			addr := addrOf(t, s, "vpc:vpc-app")

			spellings := []string{"herd.corp.example.", "HERD.corp.example.", "Herd.Corp.Example.", "hErD.cOrP.eXaMpLe."}
			var wg sync.WaitGroup
			errs := make(chan string, 16)
			for i := range 16 {
				name := spellings[i%len(spellings)]
				edns := i%2 == 0
				wg.Go(func() {
					q := new(dns.Msg)
					q.SetQuestion(name, dns.TypeA)
					if edns {
						q.SetEdns0(1232, false)
					}
					r, err := tryExchange("udp", addr, q, 5*time.Second)
					switch {
					case err != nil:
						errs <- name + ": " + err.Error()
					case r.Id != q.Id || r.Rcode != tt.rcode || len(r.Question) != 1 || r.Question[0].Name != name:
						errs <- name + ": " + r.String()
					case (r.IsEdns0() != nil) != edns:
						errs <- fmt.Sprintf("%s: OPT in reply %v, in query %v", name, r.IsEdns0() != nil, edns)
					case tt.rcode == dns.RcodeSuccess && (len(r.Answer) != 1 || !strings.EqualFold(r.Answer[0].Header().Name, name)):
						errs <- name + ": " + r.String()
					}
				})
			}
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
			if up != nil {
				sent := 0
				for _, name := range spellings {
					sent += up.queries(name)
				}
				if sent != 1 {
					t.Errorf("%d upstream queries for 16 clients, want 1", sent)
				}
			}
		})
	}
}
