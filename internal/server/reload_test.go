package server_test

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/metrics"
	"github.com/vpcdns/vpcdns/internal/server"
)

// The PTR of 10.0.0.5 without a reverse rule (the autodefined name) and
// with reverseRule (BIND's).
const (
	reverseAuto   = "ip-10-0-0-5.ec2.internal."
	reverseOnPrem = "app1.corp.example."
)

// reverseSetup is the setup the reload tests share: a server answering
// from without, the network with (without plus reverseRule, forwarding
// the reverse zone to BIND on 127.0.0.1), the VPC's listening address,
// the reverse name of 10.0.0.5, and ptr, which asks it over a network
// ("udp" or "tcp") and returns the one PTR answered.
type reverseSetup struct {
	s             *server.Server
	without, with *config.Network
	addr, name    string
	ptr           func(network string) string
}

func startReverse(t *testing.T) reverseSetup {
	t.Helper()
	bind := onPrem(t)
	vars := map[string]string{"MAP1": bind.Addr().String(), "MAP2": bind.Addr().String()}
	rv := reverseSetup{
		without: parseNetwork(t, expand(baseNetwork, vars)),
		with:    parseNetwork(t, expand(baseNetwork+reverseRule, vars)),
	}
	listenOnLoopback(rv.without)
	listenOnLoopback(rv.with)
	rv.s = start(t, rv.without, server.Options{})
	rv.addr = addrOf(t, rv.s, "vpc:vpc-app")
	rv.name, _ = dns.ReverseAddr("10.0.0.5")
	rv.ptr = func(network string) string {
		r := ask(t, network, rv.addr, rv.name, dns.TypePTR)
		wantRcode(t, r, dns.RcodeSuccess)
		if len(r.Answer) != 1 {
			t.Fatalf("answer %v; want one PTR", r.Answer)
		}
		return r.Answer[0].(*dns.PTR).Ptr
	}
	return rv
}

// Reload swaps the whole view at once: a new rule changes the answers
// (the autodefined PTR becomes BIND's), removing it changes them back, and
// queries running all along are each answered by one view or the other.
func TestReloadChangesAnswers(t *testing.T) {
	t.Parallel()
	rv := startReverse(t)
	s, without, with, addr, name, ptr := rv.s, rv.without, rv.with, rv.addr, rv.name, rv.ptr
	const (
		auto   = reverseAuto
		onprem = reverseOnPrem
	)

	// Clients asking all along, over UDP and TCP.
	var (
		stop     atomic.Bool
		wg       sync.WaitGroup
		asked    atomic.Int64
		mu       sync.Mutex
		failures []string
	)
	for _, network := range []string{"udp", "tcp", "udp"} {
		wg.Go(func() {
			for !stop.Load() {
				q := new(dns.Msg)
				q.SetQuestion(name, dns.TypePTR)
				r, err := tryExchange(network, addr, q, clientTimeout)
				asked.Add(1)
				var got string
				switch {
				case err != nil:
					got = err.Error()
				case r.Rcode == dns.RcodeSuccess && len(r.Answer) == 1:
					got = r.Answer[0].(*dns.PTR).Ptr
				default:
					got = r.String()
				}
				if got != auto && got != onprem {
					mu.Lock()
					failures = append(failures, network+": "+got)
					mu.Unlock()
				}
			}
		})
	}

	steps := []struct {
		n    *config.Network
		want string
	}{
		{without, auto},
		{with, onprem},
		{without, auto},
		{with, onprem},
	}
	for i, step := range steps {
		if i > 0 {
			if err := s.Reload(step.n); err != nil {
				t.Fatalf("step %d: Reload: %v", i, err)
			}
		}
		for _, network := range []string{"udp", "tcp"} {
			if got := ptr(network); got != step.want {
				t.Errorf("step %d %s: PTR %s; want %s", i, network, got, step.want)
			}
		}
		if got := digShort(t, addr, "-x", "10.0.0.5"); len(got) != 1 || got[0] != step.want {
			t.Errorf("step %d: dig -x = %q; want %s", i, got, step.want)
		}
		if a := addrOf(t, s, "vpc:vpc-app"); a != addr {
			t.Errorf("step %d: the socket moved from %s to %s", i, addr, a)
		}
	}
	stop.Store(true)
	wg.Wait()
	if asked.Load() == 0 {
		t.Fatal("the background clients asked nothing")
	}
	for _, f := range failures {
		t.Errorf("during the reloads: %s", f)
	}
}

// Reload opens the sockets the new network adds and closes those it drops;
// when a socket cannot be opened, the reload fails and the old view keeps
// answering on its sockets.
func TestReloadSockets(t *testing.T) {
	t.Parallel()
	text := twoVPCsElsewhere("10.9.0.0/16", "10.9.0.10")
	one := parseNetwork(t, text)
	listenOnLoopback(one)
	// A second network without vpc-a's socket, with a new one for vpc-off
	// switched on.
	two := parseNetwork(t, strings.Replace(text, "enable_dns_support: false", "enable_dns_support: true", 1))
	listenOnLoopback(two)
	two.VPCByID("vpc-a").ResolverListen = nil

	s := start(t, one, server.Options{Stdout: io.Discard})
	addrA := addrOf(t, s, "vpc:vpc-a")
	addrB := addrOf(t, s, "vpc:vpc-b")
	if got := whichVPC(t, addrA); got != "vpc-a" {
		t.Fatalf("vpc-a: %s", got)
	}

	// A socket that is taken: the reload is refused as a whole.
	taken, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	bad := parseNetwork(t, text)
	listenOnLoopback(bad)
	bad.VPCByID("vpc-off").ResolverListen = []netip.AddrPort{taken.LocalAddr().(*net.UDPAddr).AddrPort()}
	bad.VPCByID("vpc-off").DNSSupport = true
	if err := s.Reload(bad); err == nil {
		t.Fatal("Reload with a socket in use succeeded")
	} else if !strings.Contains(err.Error(), "vpc:vpc-off") {
		t.Errorf("Reload error %q does not name the socket's owner", err)
	}
	if got := whichVPC(t, addrA); got != "vpc-a" {
		t.Errorf("after a failed reload, vpc-a's socket: %s", got)
	}
	if as := s.Addrs("vpc:vpc-off"); len(as) != 1 || int(as[0].Port()) == taken.LocalAddr().(*net.UDPAddr).Port {
		t.Errorf("after a failed reload, vpc-off's sockets are %v; want the old one", as)
	}

	if err := s.Reload(two); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if as := s.Addrs("vpc:vpc-a"); len(as) != 0 {
		t.Errorf("vpc-a's socket %v is still open after the reload dropped it", as)
	}
	q := new(dns.Msg)
	q.SetQuestion("vpc.which.example.", dns.TypeTXT)
	if r, err := tryExchange("tcp", addrA, q, 300*time.Millisecond); err == nil {
		t.Errorf("vpc-a's old socket still answers: %v", r)
	}
	if got := whichVPC(t, addrB); got != "vpc-b" {
		t.Errorf("vpc-b's socket, kept: %s", got)
	}
	// vpc-off now has DNS support: its socket (kept) answers.
	r := ask(t, "udp", addrOf(t, s, "vpc:vpc-off"), "localhost.", dns.TypeA)
	wantRcode(t, r, dns.RcodeServerFailure) // hostnames off: localhost goes to the internet rule, which has no forwarders
}

// A reload that keeps the forwarding budgets keeps the forwarder's memory:
// a target that keeps failing is still tried last, so no query waits on it.
func TestReloadKeepsFailingTargetsLast(t *testing.T) {
	t.Parallel()
	bind := onPrem(t)
	text := expand(baseNetwork+reverseRule, map[string]string{"MAP1": closedPort(t), "MAP2": bind.Addr().String()})
	n := parseNetwork(t, text)
	listenOnLoopback(n)
	reg := prometheus.NewRegistry()
	s := start(t, n, server.Options{Metrics: metrics.New(reg)})
	addr := addrOf(t, s, "vpc:vpc-app")
	dead := func() float64 {
		return counterSum(t, reg, "vpcdns_forwarded_queries_total", map[string]string{"target": "192.168.10.53:53"})
	}
	query := func(i int) {
		name, _ := dns.ReverseAddr(fmt.Sprintf("10.0.1.%d", i))
		wantAnswer(t, ask(t, "udp", addr, name, dns.TypePTR), fmt.Sprintf("%s IN PTR host-%d.corp.example.", name, i))
	}
	for i := 1; i <= 10; i++ {
		query(i)
	}
	before := dead()
	if before < 2 {
		t.Fatalf("the dead target was tried %v times in 10 queries; want it marked failing", before)
	}
	for i := 11; i <= 20; i++ {
		again := parseNetwork(t, text)
		listenOnLoopback(again)
		if err := s.Reload(again); err != nil {
			t.Fatal(err)
		}
		query(i)
	}
	if after := dead(); after != before {
		t.Errorf("the dead target was tried %v more times after reloads that kept the budgets", after-before)
	}
}
