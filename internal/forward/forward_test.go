package forward_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/bindtest"
	"github.com/vpcdns/vpcdns/internal/forward"
)

func newForwarder(opts forward.Options) *forward.Forwarder {
	if opts.AttemptTimeout == 0 {
		opts.AttemptTimeout = attemptTimeout
	}
	if opts.TotalTimeout == 0 {
		opts.TotalTimeout = totalTimeout
	}
	return forward.New(opts)
}

func TestExchangePassesAnswerBack(t *testing.T) {
	tests := []struct {
		name    string
		handler func(dns.ResponseWriter, *dns.Msg)
		rcode   int
		answer  string
	}{
		{"NOERROR", answerA("10.1.2.3"), dns.RcodeSuccess, "10.1.2.3"},
		{"NXDOMAIN", answerRcode(dns.RcodeNameError), dns.RcodeNameError, ""},
		{"FORMERR passed back", answerRcode(dns.RcodeFormatError), dns.RcodeFormatError, ""},
		{"NOTIMP passed back", answerRcode(dns.RcodeNotImplemented), dns.RcodeNotImplemented, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t, tt.handler)
			f := newForwarder(forward.Options{})
			q := query("Www.Example.COM.", dns.TypeA)
			before := q.String()

			r, tr, err := f.Exchange(ctxTimeout(t, 5*time.Second), q, []forward.Target{target("192.168.10.53:53", srv.addr)}, nil)
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if got := q.String(); got != before {
				t.Errorf("query modified:\n%s\nwant\n%s", got, before)
			}
			if got, want := r.Rcode, tt.rcode; got != want {
				t.Errorf("rcode = %s; want %s", dns.RcodeToString[got], dns.RcodeToString[want])
			}
			if got, want := r.Id, q.Id; got != want {
				t.Errorf("reply ID = %d; want the client's %d", got, want)
			}
			if got, want := r.Question, q.Question; !slices.Equal(got, want) {
				t.Errorf("reply question = %v; want %v", got, want)
			}
			if tt.answer != "" {
				if got, want := firstA(t, r), tt.answer; got != want {
					t.Errorf("A = %s; want %s", got, want)
				}
			}
			if got, want := outcomes(tr), []forward.Outcome{forward.OK}; !slices.Equal(got, want) {
				t.Fatalf("outcomes = %v; want %v", got, want)
			}
			a, ok := tr.Answered()
			if !ok {
				t.Fatalf("Answered() = false; want the attempt")
			}
			if got, want := a.Target.Modeled, netip.MustParseAddrPort("192.168.10.53:53"); got != want {
				t.Errorf("attempt target = %v; want %v", got, want)
			}
			if got, want := a.Proto, forward.UDP; got != want {
				t.Errorf("attempt proto = %v; want %v", got, want)
			}
			if got, want := a.Rcode, tt.rcode; got != want {
				t.Errorf("attempt rcode = %d; want %d", got, want)
			}
			if a.Endpoint.IsValid() {
				t.Errorf("attempt endpoint = %v; want none without a path function", a.Endpoint)
			}
			if got, want := srv.packets(), int64(1); got != want {
				t.Errorf("server got %d queries; want %d", got, want)
			}
		})
	}
}

// The target sees vpcdns's own query, whatever the client sent: only the
// question of the client's (AWS: DO and CD are ignored; nothing of the
// client's EDNS leaks upstream).
func TestExchangeSendsOwnQuery(t *testing.T) {
	ecs := &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: net.ParseIP("10.0.1.0").To4()}
	cookie := &dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: "0102030405060708"}
	tests := []struct {
		name string
		edit func(q *dns.Msg)
	}{
		{"no OPT", func(q *dns.Msg) {}},
		{"OPT 4096 DO", func(q *dns.Msg) { q.SetEdns0(4096, true) }},
		{"OPT 512", func(q *dns.Msg) { q.SetEdns0(512, false) }},
		{"CD and AD", func(q *dns.Msg) { q.CheckingDisabled, q.AuthenticatedData = true, true; q.SetEdns0(1232, true) }},
		{"COOKIE and ECS", func(q *dns.Msg) {
			q.SetEdns0(1232, false)
			q.IsEdns0().Option = []dns.EDNS0{cookie, ecs}
		}},
		{"EDNS version 1", func(q *dns.Msg) { q.SetEdns0(1232, false); q.IsEdns0().SetVersion(1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t, answerA("10.0.0.1"))
			f := newForwarder(forward.Options{})
			q := query("example.com.", dns.TypeA)
			tt.edit(q)
			before := q.String()
			r, _, err := f.Exchange(ctxTimeout(t, 5*time.Second), q, []forward.Target{target("192.168.10.53:53", srv.addr)}, nil)
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			_, _, reqs := srv.requests()
			got := reqs[0]
			opt := got.IsEdns0()
			if opt == nil {
				t.Fatalf("target saw no OPT; want vpcdns's")
			}
			if opt.UDPSize() != forward.UpstreamUDPSize || opt.Do() || opt.Version() != 0 || len(opt.Option) != 0 {
				t.Errorf("target saw OPT size %d DO %v version %d options %v; want %d, false, 0, none",
					opt.UDPSize(), opt.Do(), opt.Version(), opt.Option, forward.UpstreamUDPSize)
			}
			if got.CheckingDisabled || got.AuthenticatedData || !got.RecursionDesired || len(got.Extra) != 1 {
				t.Errorf("target saw CD %v AD %v RD %v extra %v; want CD, AD clear, RD set, one OPT",
					got.CheckingDisabled, got.AuthenticatedData, got.RecursionDesired, got.Extra)
			}
			if r.IsEdns0() != nil {
				t.Errorf("reply has the target's OPT; want none (the server sets its own)")
			}
			if q.String() != before {
				t.Errorf("client query modified")
			}
		})
	}
}

// What a target sends beyond the question's names, and DNSSEC records, never
// reaches the client (RFC 5452 §6; AWS returns no DNSSEC records).
func TestExchangeCleansReply(t *testing.T) {
	rr := func(s string) dns.RR {
		r, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name           string
		qname          string
		answer, ns, ex []string
		wantAnswer     []string
		wantNs         []string
	}{
		{"out-of-bailiwick answers dropped", "x.bailiwick.test.",
			[]string{"x.bailiwick.test. 60 IN A 10.9.9.9", "app1.corp.example. 86400 IN A 6.6.6.6", "www.google.com. 86400 IN A 6.6.6.6"},
			nil, []string{"ns.evil.test. 60 IN A 6.6.6.6"},
			[]string{"x.bailiwick.test.\t60\tIN\tA\t10.9.9.9"}, nil},
		{"CNAME chain kept", "www.example.com.",
			[]string{"www.example.com. 60 IN CNAME alias.example.net.", "alias.example.net. 60 IN A 192.0.2.1", "other.example.net. 60 IN A 192.0.2.2"},
			nil, nil,
			[]string{"www.example.com.\t60\tIN\tCNAME\talias.example.net.", "alias.example.net.\t60\tIN\tA\t192.0.2.1"}, nil},
		{"RRSIG dropped", "www.example.com.",
			[]string{"www.example.com. 60 IN A 192.0.2.1", "www.example.com. 60 IN RRSIG A 13 3 60 20300101000000 20200101000000 1234 example.com. AAAA"},
			nil, nil,
			[]string{"www.example.com.\t60\tIN\tA\t192.0.2.1"}, nil},
		{"negative: SOA of the zone kept, others and NSEC dropped", "nx.example.com.", nil,
			[]string{"example.com. 60 IN SOA ns.example.com. h.example.com. 1 2 3 4 60", "other.test. 60 IN SOA ns.other.test. h.other.test. 1 2 3 4 60", "nx.example.com. 60 IN NSEC z.example.com. A"},
			nil, nil,
			[]string{"example.com.\t60\tIN\tSOA\tns.example.com. h.example.com. 1 2 3 4 60"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t, func(w dns.ResponseWriter, r *dns.Msg) {
				m := new(dns.Msg)
				m.SetReply(r)
				for _, s := range tt.answer {
					m.Answer = append(m.Answer, rr(s))
				}
				for _, s := range tt.ns {
					m.Ns = append(m.Ns, rr(s))
				}
				for _, s := range tt.ex {
					m.Extra = append(m.Extra, rr(s))
				}
				_ = w.WriteMsg(m)
			})
			f := newForwarder(forward.Options{})
			r, _, err := f.Exchange(ctxTimeout(t, 5*time.Second), query(tt.qname, dns.TypeA), []forward.Target{target("192.168.10.53:53", srv.addr)}, nil)
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			strs := func(rrs []dns.RR) []string {
				var out []string
				for _, x := range rrs {
					out = append(out, x.String())
				}
				return out
			}
			if got := strs(r.Answer); !slices.Equal(got, tt.wantAnswer) {
				t.Errorf("answer %q; want %q", got, tt.wantAnswer)
			}
			if got := strs(r.Ns); !slices.Equal(got, tt.wantNs) {
				t.Errorf("authority %q; want %q", got, tt.wantNs)
			}
			if len(r.Extra) != 0 {
				t.Errorf("additional %v; want none", r.Extra)
			}
		})
	}
}

func TestFreshIDAndSourcePortPerAttempt(t *testing.T) {
	srv := startFake(t, answerA("10.0.0.1"))
	f := newForwarder(forward.Options{})
	const n = 20
	for range n {
		if _, _, err := f.Exchange(ctxTimeout(t, 5*time.Second), query("example.com.", dns.TypeA),
			[]forward.Target{target("192.168.10.53:53", srv.addr)}, nil); err != nil {
			t.Fatalf("Exchange: %v", err)
		}
	}
	ids, ports, _ := srv.requests()
	if got, want := len(ids), n; got != want {
		t.Fatalf("server got %d queries; want %d", got, want)
	}
	distinctIDs := map[uint16]bool{}
	for _, id := range ids {
		distinctIDs[id] = true
	}
	distinctPorts := map[int]bool{}
	for _, p := range ports {
		distinctPorts[p] = true
	}
	// Random IDs and ephemeral ports may repeat by chance, but not often.
	if got, want := len(distinctIDs), n/2; got < want {
		t.Errorf("%d distinct IDs in %d queries (%v); want at least %d", got, n, ids, want)
	}
	if got, want := len(distinctPorts), n/2; got < want {
		t.Errorf("%d distinct source ports in %d queries (%v); want at least %d", got, n, ports, want)
	}
}

func TestFailover(t *testing.T) {
	tests := []struct {
		name  string
		first func(t *testing.T) netip.AddrPort // the target tried first
		want  forward.Outcome
	}{
		{"closed port", closedAddr, forward.NetworkError},
		{"no reply", func(t *testing.T) netip.AddrPort { return startFake(t, silent).addr }, forward.Timeout},
		{"SERVFAIL", func(t *testing.T) netip.AddrPort {
			return startFake(t, answerRcode(dns.RcodeServerFailure)).addr
		}, forward.ServFail},
		{"REFUSED", func(t *testing.T) netip.AddrPort { return startFake(t, answerRcode(dns.RcodeRefused)).addr }, forward.Refused},
		{"BIND refusing", func(t *testing.T) netip.AddrPort {
			return bindtest.Start(t, map[string]string{"example.com": exampleZone}, bindtest.Refusing()).Addr()
		}, forward.Refused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			good := startFake(t, answerA("10.9.9.9"))
			targets := []forward.Target{
				target("192.168.10.53:53", tt.first(t)),
				target("192.168.20.53:53", good.addr),
			}
			f := newForwarder(forward.Options{Rand: firstRand{}})
			r, tr, err := f.Exchange(ctxTimeout(t, 5*time.Second), query("www.example.com.", dns.TypeA), targets, nil)
			if err != nil {
				t.Fatalf("Exchange: %v (trace %+v)", err, tr)
			}
			if got, want := firstA(t, r), "10.9.9.9"; got != want {
				t.Errorf("A = %s; want %s", got, want)
			}
			if got, want := outcomes(tr), []forward.Outcome{tt.want, forward.OK}; !slices.Equal(got, want) {
				t.Fatalf("outcomes = %v; want %v", got, want)
			}
			if got, want := tr.Failovers(), 1; got != want {
				t.Errorf("Failovers() = %d; want %d", got, want)
			}
			if got, want := tr.Attempts[0].Target, targets[0]; got != want {
				t.Errorf("first attempt to %v; want %v", got, want)
			}
			if tt.want == forward.Timeout {
				if d := tr.Attempts[0].Duration; d < attemptTimeout || d > attemptTimeout+slack {
					t.Errorf("timed-out attempt took %v; want about %v", d, attemptTimeout)
				}
			}
			if got, want := f.ConsecutiveFailures(targets[0].Dial), 1; got != want {
				t.Errorf("ConsecutiveFailures(first) = %d; want %d", got, want)
			}
		})
	}
}

func TestOneTargetDownOtherAnswersEveryQuery(t *testing.T) {
	tests := []struct {
		name string
		down func(t *testing.T) netip.AddrPort
	}{
		{"closed port", closedAddr},
		{"no reply", func(t *testing.T) netip.AddrPort { return startFake(t, silent).addr }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			good := startFake(t, answerA("10.9.9.9"))
			targets := []forward.Target{
				target("192.168.10.53:53", tt.down(t)),
				target("192.168.20.53:53", good.addr),
			}
			f := newForwarder(forward.Options{})
			for i := range 20 {
				r, tr, err := f.Exchange(ctxTimeout(t, 5*time.Second), query(fmt.Sprintf("q%d.example.com.", i), dns.TypeA), targets, nil)
				if err != nil {
					t.Fatalf("query %d: %v", i, err)
				}
				a, _ := tr.Answered()
				if got, want := a.Target, targets[1]; got != want {
					t.Fatalf("query %d answered by %v; want %v", i, got, want)
				}
				if got, want := firstA(t, r), "10.9.9.9"; got != want {
					t.Fatalf("query %d: A = %s; want %s", i, got, want)
				}
			}
			if got, want := good.packets(), int64(20); got != want {
				t.Errorf("good target got %d queries; want %d", got, want)
			}
		})
	}
}

func TestAllTargetsDown(t *testing.T) {
	const (
		shortAttempt = 300 * time.Millisecond
		shortTotal   = 700 * time.Millisecond
	)
	tests := []struct {
		name         string
		down         func(t *testing.T) netip.AddrPort
		wantOutcomes []forward.Outcome
		wantMin      time.Duration
		budgetCut    bool // the total budget ends the exchange
	}{
		// Silent targets: 300 ms + 300 ms + the 100 ms left of the 700 ms budget.
		{"no reply", func(t *testing.T) netip.AddrPort { return startFake(t, silent).addr },
			[]forward.Outcome{forward.Timeout, forward.Timeout, forward.Timeout}, shortTotal, true},
		// Refused connections fail at once: two rounds over both targets.
		{"closed ports", closedAddr,
			[]forward.Outcome{forward.NetworkError, forward.NetworkError, forward.NetworkError, forward.NetworkError}, 0, false},
		{"SERVFAIL", func(t *testing.T) netip.AddrPort {
			return startFake(t, answerRcode(dns.RcodeServerFailure)).addr
		}, []forward.Outcome{forward.ServFail, forward.ServFail, forward.ServFail, forward.ServFail}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			targets := []forward.Target{
				target("192.168.10.53:53", tt.down(t)),
				target("192.168.20.53:53", tt.down(t)),
			}
			f := forward.New(forward.Options{AttemptTimeout: shortAttempt, TotalTimeout: shortTotal})
			start := time.Now()
			r, tr, err := f.Exchange(ctxTimeout(t, 5*time.Second), query("www.example.com.", dns.TypeA), targets, nil)
			elapsed := time.Since(start)
			if !errors.Is(err, forward.ErrNoAnswer) {
				t.Fatalf("err = %v; want ErrNoAnswer", err)
			}
			if r != nil {
				t.Errorf("reply = %v; want nil", r)
			}
			if elapsed < tt.wantMin || elapsed > shortTotal+slack {
				t.Errorf("took %v; want between %v and %v", elapsed, tt.wantMin, shortTotal+slack)
			}
			want := tt.wantOutcomes
			if n := len(tr.Attempts); tt.budgetCut && n == len(want)-1 {
				// A loaded machine may run an attempt past its deadline and
				// leave no time for the last one; never one more.
				want = want[:n]
			}
			if got := outcomes(tr); !slices.Equal(got, want) {
				t.Errorf("outcomes = %v; want %v", got, want)
			}
			if _, ok := tr.Answered(); ok {
				t.Errorf("Answered() = true; want false")
			}
			// Each round tries both targets, one after the other.
			for i := 0; i+1 < len(tr.Attempts); i += 2 {
				if tr.Attempts[i].Target == tr.Attempts[i+1].Target {
					t.Errorf("round %d tried %v twice", i/2+1, tr.Attempts[i].Target)
				}
			}
		})
	}
}

func TestIgnoresRepliesThatDoNotMatch(t *testing.T) {
	srv := startFake(t, func(w dns.ResponseWriter, r *dns.Msg) {
		reply := func(edit func(m *dns.Msg)) {
			m := new(dns.Msg)
			m.SetReply(r)
			m.Answer = []dns.RR{&dns.A{
				Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60},
				A:   net.IPv4(10, 6, 6, 6),
			}}
			edit(m)
			_ = w.WriteMsg(m)
		}
		reply(func(m *dns.Msg) { m.Id ^= 0x5a5a })                                           // wrong ID
		_, _ = w.Write([]byte{0xde, 0xad, 0xbe, 0xef})                                       // garbage
		reply(func(m *dns.Msg) { m.Question[0].Name = "other.example.com." })                // wrong name
		reply(func(m *dns.Msg) { m.Question[0].Qtype = dns.TypeAAAA })                       // wrong type
		reply(func(m *dns.Msg) { m.Question[0].Qclass = dns.ClassCHAOS })                    // wrong class
		reply(func(m *dns.Msg) { m.Response = false })                                       // not a reply
		reply(func(m *dns.Msg) { m.Question = nil })                                         // no question
		reply(func(m *dns.Msg) { m.Question[0].Name = strings.ToUpper(m.Question[0].Name) }) // the reply: case differs
	})
	f := newForwarder(forward.Options{})
	q := query("www.Example.com.", dns.TypeA)
	r, tr, err := f.Exchange(ctxTimeout(t, 5*time.Second), q, []forward.Target{target("192.168.10.53:53", srv.addr)}, nil)
	if err != nil {
		t.Fatalf("Exchange: %v (trace %+v)", err, tr)
	}
	if got, want := outcomes(tr), []forward.Outcome{forward.OK}; !slices.Equal(got, want) {
		t.Fatalf("outcomes = %v; want %v", got, want)
	}
	if got, want := tr.Attempts[0].Ignored, 7; got != want {
		t.Errorf("ignored %d packets; want %d", got, want)
	}
	if got, want := r.Question[0].Name, q.Question[0].Name; got != want {
		t.Errorf("reply question name = %q; want the client's %q", got, want)
	}
	if got, want := r.Id, q.Id; got != want {
		t.Errorf("reply ID = %d; want %d", got, want)
	}
}

func TestIgnoredRepliesThenTimeout(t *testing.T) {
	srv := startFake(t, func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Id ^= 1
		_ = w.WriteMsg(m)
	})
	f := newForwarder(forward.Options{Rounds: 1})
	_, tr, err := f.Exchange(ctxTimeout(t, 5*time.Second), query("www.example.com.", dns.TypeA),
		[]forward.Target{target("192.168.10.53:53", srv.addr)}, nil)
	if !errors.Is(err, forward.ErrNoAnswer) {
		t.Fatalf("err = %v; want ErrNoAnswer", err)
	}
	if got, want := outcomes(tr), []forward.Outcome{forward.Timeout}; !slices.Equal(got, want) {
		t.Fatalf("outcomes = %v; want %v", got, want)
	}
	if got, want := tr.Attempts[0].Ignored, 1; got != want {
		t.Errorf("ignored = %d; want %d", got, want)
	}
}

func TestTruncatedRetriedOverTCP(t *testing.T) {
	srv := startFake(t, truncatedOverUDP("10.7.7.7"))
	f := newForwarder(forward.Options{})
	r, tr, err := f.Exchange(ctxTimeout(t, 5*time.Second), query("www.example.com.", dns.TypeA),
		[]forward.Target{target("192.168.10.53:53", srv.addr)}, nil)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if got, want := outcomes(tr), []forward.Outcome{forward.Truncated, forward.OK}; !slices.Equal(got, want) {
		t.Fatalf("outcomes = %v; want %v", got, want)
	}
	if got, want := tr.Attempts[1].Proto, forward.TCP; got != want {
		t.Errorf("retry proto = %v; want %v", got, want)
	}
	if got, want := tr.Failovers(), 0; got != want {
		t.Errorf("Failovers() = %d; want %d", got, want)
	}
	if got, want := firstA(t, r), "10.7.7.7"; got != want {
		t.Errorf("A = %s; want %s", got, want)
	}
	if r.Truncated {
		t.Errorf("reply has TC; want the complete TCP answer")
	}
	if got, want := srv.udp.Load(), int64(1); got != want {
		t.Errorf("UDP queries = %d; want %d", got, want)
	}
	if got, want := srv.tcp.Load(), int64(1); got != want {
		t.Errorf("TCP queries = %d; want %d", got, want)
	}
}

func TestTruncatedRetriedOverTCPWithBIND(t *testing.T) {
	var zone strings.Builder
	zone.WriteString(exampleZone)
	const records = 30
	for i := range records {
		fmt.Fprintf(&zone, "big IN TXT \"record %02d %s\"\n", i, strings.Repeat("x", 80))
	}
	s := bindtest.Start(t, map[string]string{"example.com": zone.String()})

	tests := []struct {
		name string
		edns bool
	}{
		{"client without EDNS", false},
		{"client with EDNS 1232", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newForwarder(forward.Options{})
			q := query("big.example.com.", dns.TypeTXT)
			if tt.edns {
				q.SetEdns0(1232, false)
			}
			r, tr, err := f.Exchange(ctxTimeout(t, 5*time.Second), q, []forward.Target{target("192.168.10.53:53", s.Addr())}, nil)
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if got, want := outcomes(tr), []forward.Outcome{forward.Truncated, forward.OK}; !slices.Equal(got, want) {
				t.Fatalf("outcomes = %v; want %v", got, want)
			}
			if got, want := len(r.Answer), records; got != want {
				t.Errorf("TXT records = %d; want %d", got, want)
			}
			if got, want := r.Len() > 1232, true; got != want {
				t.Errorf("reply size %d > 1232 = %v; want %v", r.Len(), got, want)
			}
			if r.IsEdns0() != nil {
				t.Errorf("reply has the target's OPT; want none")
			}
			if got, want := r.Id, q.Id; got != want {
				t.Errorf("reply ID = %d; want %d", got, want)
			}
		})
	}
}

func TestAnswersFromBIND(t *testing.T) {
	s := bindtest.Start(t, map[string]string{"example.com": exampleZone})
	tests := []struct {
		name  string
		qname string
		rcode int
		want  string
	}{
		{"A", "www.example.com.", dns.RcodeSuccess, "10.0.0.80"},
		{"NXDOMAIN with SOA", "nope.example.com.", dns.RcodeNameError, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newForwarder(forward.Options{})
			r, tr, err := f.Exchange(ctxTimeout(t, 5*time.Second), query(tt.qname, dns.TypeA),
				[]forward.Target{target("192.168.10.53:53", s.Addr())}, nil)
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if got, want := outcomes(tr), []forward.Outcome{forward.OK}; !slices.Equal(got, want) {
				t.Fatalf("outcomes = %v; want %v", got, want)
			}
			if got, want := r.Rcode, tt.rcode; got != want {
				t.Fatalf("rcode = %s; want %s", dns.RcodeToString[got], dns.RcodeToString[want])
			}
			if tt.want != "" {
				if got := firstA(t, r); got != tt.want {
					t.Errorf("A = %s; want %s", got, tt.want)
				}
				return
			}
			if len(r.Ns) != 1 || r.Ns[0].Header().Rrtype != dns.TypeSOA {
				t.Errorf("authority = %v; want the zone's SOA", r.Ns)
			}
		})
	}
}

func TestBlockedPathSendsNothing(t *testing.T) {
	blocked := startFake(t, answerA("10.1.1.1"))
	open := startFake(t, answerA("10.2.2.2"))
	targets := []forward.Target{
		target("192.168.10.53:53", blocked.addr),
		target("192.168.20.53:53", open.addr),
	}
	endpoint := netip.MustParseAddr("10.0.1.10")
	var calls atomic.Int64
	path := func(tg forward.Target, proto forward.Proto) (netip.Addr, bool) {
		calls.Add(1)
		return endpoint, tg.Modeled != targets[0].Modeled
	}
	f := newForwarder(forward.Options{Rand: firstRand{}})

	start := time.Now()
	r, tr, err := f.Exchange(ctxTimeout(t, 5*time.Second), query("www.example.com.", dns.TypeA), targets, path)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if got, want := firstA(t, r), "10.2.2.2"; got != want {
		t.Errorf("A = %s; want %s", got, want)
	}
	if got, want := outcomes(tr), []forward.Outcome{forward.Blocked, forward.OK}; !slices.Equal(got, want) {
		t.Fatalf("outcomes = %v; want %v", got, want)
	}
	if !tr.Attempts[0].Outcome.TimedOut() {
		t.Errorf("Blocked.TimedOut() = false; want true")
	}
	if d := tr.Attempts[0].Duration; d < attemptTimeout || d > attemptTimeout+slack {
		t.Errorf("blocked attempt took %v; want about %v (a dropped packet)", d, attemptTimeout)
	}
	if elapsed := time.Since(start); elapsed < attemptTimeout {
		t.Errorf("Exchange took %v; want at least the attempt timeout %v", elapsed, attemptTimeout)
	}
	for i, a := range tr.Attempts {
		if got, want := a.Endpoint, endpoint; got != want {
			t.Errorf("attempt %d endpoint = %v; want %v", i, got, want)
		}
	}

	// More queries: the blocked target is now failing and goes last.
	for range 5 {
		if _, _, err := f.Exchange(ctxTimeout(t, 5*time.Second), query("www.example.com.", dns.TypeA), targets, path); err != nil {
			t.Fatalf("Exchange: %v", err)
		}
	}
	if got, want := blocked.packets(), int64(0); got != want {
		t.Errorf("blocked target got %d packets; want %d", got, want)
	}
	if got, want := open.packets(), int64(6); got != want {
		t.Errorf("open target got %d packets; want %d", got, want)
	}
}

func TestBlockedTCPPathAfterTruncation(t *testing.T) {
	tc := startFake(t, truncatedOverUDP("10.3.3.3"))
	other := startFake(t, answerA("10.4.4.4"))
	targets := []forward.Target{
		target("192.168.10.53:53", tc.addr),
		target("192.168.20.53:53", other.addr),
	}
	path := func(tg forward.Target, proto forward.Proto) (netip.Addr, bool) {
		return netip.Addr{}, !(tg == targets[0] && proto == forward.TCP)
	}
	f := newForwarder(forward.Options{Rand: firstRand{}})
	r, tr, err := f.Exchange(ctxTimeout(t, 5*time.Second), query("www.example.com.", dns.TypeA), targets, path)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	want := []forward.Outcome{forward.Truncated, forward.Blocked, forward.OK}
	if got := outcomes(tr); !slices.Equal(got, want) {
		t.Fatalf("outcomes = %v; want %v", got, want)
	}
	if got, want := firstA(t, r), "10.4.4.4"; got != want {
		t.Errorf("A = %s; want %s", got, want)
	}
	if got, want := tc.tcp.Load(), int64(0); got != want {
		t.Errorf("TCP queries to the blocked target = %d; want %d", got, want)
	}
}

func TestFailingTargetsTriedLast(t *testing.T) {
	a := &switchable{a: silent, b: answerA("10.0.0.1")}
	b := &switchable{a: answerA("10.0.0.2"), b: answerRcode(dns.RcodeServerFailure)}
	srvA, srvB := startFake(t, a.serve), startFake(t, b.serve)
	targets := []forward.Target{
		target("192.168.10.53:53", srvA.addr),
		target("192.168.20.53:53", srvB.addr),
	}
	// firstRand: list order among the healthy targets, A before B.
	f := newForwarder(forward.Options{Rand: firstRand{}})
	exchange := func() forward.Trace {
		t.Helper()
		_, tr, err := f.Exchange(ctxTimeout(t, 5*time.Second), query("www.example.com.", dns.TypeA), targets, nil)
		if err != nil {
			t.Fatalf("Exchange: %v", err)
		}
		return tr
	}
	firstTargets := func(tr forward.Trace) []forward.Target {
		var out []forward.Target
		for _, at := range tr.Attempts {
			out = append(out, at.Target)
		}
		return out
	}

	// A does not answer: tried first twice, then it is failing.
	for i := range 2 {
		tr := exchange()
		if got, want := firstTargets(tr), []forward.Target{targets[0], targets[1]}; !slices.Equal(got, want) {
			t.Fatalf("query %d: attempts to %v; want %v", i, got, want)
		}
	}
	if got, want := f.ConsecutiveFailures(targets[0].Dial), 2; got != want {
		t.Fatalf("ConsecutiveFailures(A) = %d; want %d", got, want)
	}
	for i := range 5 {
		tr := exchange()
		if got, want := firstTargets(tr), []forward.Target{targets[1]}; !slices.Equal(got, want) {
			t.Fatalf("failing A, query %d: attempts to %v; want %v", i, got, want)
		}
	}
	if got, want := srvA.packets(), int64(2); got != want {
		t.Errorf("A got %d queries; want %d (no health checks)", got, want)
	}

	// A recovers, B starts failing: B is still tried first, A answers and is
	// healthy again.
	a.second.Store(true)
	b.second.Store(true)
	tr := exchange()
	if got, want := outcomes(tr), []forward.Outcome{forward.ServFail, forward.OK}; !slices.Equal(got, want) {
		t.Fatalf("outcomes = %v; want %v", got, want)
	}
	if got, want := firstTargets(tr), []forward.Target{targets[1], targets[0]}; !slices.Equal(got, want) {
		t.Fatalf("attempts to %v; want %v", got, want)
	}
	if got, want := f.ConsecutiveFailures(targets[0].Dial), 0; got != want {
		t.Errorf("ConsecutiveFailures(A) after an answer = %d; want %d", got, want)
	}
	tr = exchange()
	if got, want := firstTargets(tr), []forward.Target{targets[0]}; !slices.Equal(got, want) {
		t.Fatalf("after recovery: attempts to %v; want %v", got, want)
	}
}

func TestRandomOrder(t *testing.T) {
	srvA, srvB := startFake(t, answerA("10.0.0.1")), startFake(t, answerA("10.0.0.2"))
	targets := []forward.Target{
		target("192.168.10.53:53", srvA.addr),
		target("192.168.20.53:53", srvB.addr),
	}
	f := newForwarder(forward.Options{})
	const n = 64
	for range n {
		if _, _, err := f.Exchange(ctxTimeout(t, 5*time.Second), query("www.example.com.", dns.TypeA), targets, nil); err != nil {
			t.Fatalf("Exchange: %v", err)
		}
	}
	// Each target is first with probability 1/2: none in 64 is a 2^-63 chance.
	a, b := srvA.packets(), srvB.packets()
	if a == 0 || b == 0 || a+b != n {
		t.Errorf("queries per target = %d, %d; want both used, %d in all", a, b, n)
	}
}

func TestContextEndsExchange(t *testing.T) {
	tests := []struct {
		name    string
		ctx     func(t *testing.T) context.Context
		wantErr error
		outcome forward.Outcome
		within  time.Duration
	}{
		{"canceled", func(t *testing.T) context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			t.Cleanup(cancel)
			return ctx
		}, context.Canceled, forward.Canceled, 50 * time.Millisecond},
		{"deadline before the budget", func(t *testing.T) context.Context {
			return ctxTimeout(t, 100*time.Millisecond)
		}, context.DeadlineExceeded, forward.Timeout, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		for _, blocked := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/blocked=%v", tt.name, blocked), func(t *testing.T) {
				srv := startFake(t, silent)
				targets := []forward.Target{target("192.168.10.53:53", srv.addr)}
				var path forward.PathFunc
				if blocked {
					path = func(forward.Target, forward.Proto) (netip.Addr, bool) { return netip.Addr{}, false }
				}
				f := forward.New(forward.Options{AttemptTimeout: 3 * time.Second, TotalTimeout: 6 * time.Second})
				start := time.Now()
				_, tr, err := f.Exchange(tt.ctx(t), query("www.example.com.", dns.TypeA), targets, path)
				elapsed := time.Since(start)
				if !errors.Is(err, forward.ErrNoAnswer) || !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v; want ErrNoAnswer and %v", err, tt.wantErr)
				}
				if elapsed > tt.within+slack {
					t.Errorf("took %v; want about %v", elapsed, tt.within)
				}
				want := tt.outcome
				if blocked && want == forward.Timeout {
					want = forward.Blocked
				}
				if got, want := outcomes(tr), []forward.Outcome{want}; !slices.Equal(got, want) {
					t.Errorf("outcomes = %v; want %v", got, want)
				}
				wantFailures := 1
				if tt.outcome == forward.Canceled {
					wantFailures = 0
				}
				if got := f.ConsecutiveFailures(srv.addr); got != wantFailures {
					t.Errorf("ConsecutiveFailures = %d; want %d", got, wantFailures)
				}
			})
		}
	}
}

func TestBadInput(t *testing.T) {
	srv := startFake(t, answerA("10.0.0.1"))
	f := newForwarder(forward.Options{})
	noQuestion := new(dns.Msg)
	noQuestion.Id = 1
	two := query("a.example.com.", dns.TypeA)
	two.Question = append(two.Question, dns.Question{Name: "b.example.com.", Qtype: dns.TypeA, Qclass: dns.ClassINET})
	tests := []struct {
		name      string
		q         *dns.Msg
		targets   []forward.Target
		noAnswer  bool
		wantTried int64
	}{
		{"no question", noQuestion, []forward.Target{target("192.168.10.53:53", srv.addr)}, false, 0},
		{"two questions", two, []forward.Target{target("192.168.10.53:53", srv.addr)}, false, 0},
		{"no targets", query("www.example.com.", dns.TypeA), nil, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, tr, err := f.Exchange(ctxTimeout(t, 5*time.Second), tt.q, tt.targets, nil)
			if err == nil || r != nil {
				t.Fatalf("Exchange = %v, %v; want an error", r, err)
			}
			if got, want := errors.Is(err, forward.ErrNoAnswer), tt.noAnswer; got != want {
				t.Errorf("errors.Is(%v, ErrNoAnswer) = %v; want %v", err, got, want)
			}
			if len(tr.Attempts) != 0 {
				t.Errorf("attempts = %v; want none", tr.Attempts)
			}
			if got, want := srv.packets(), tt.wantTried; got != want {
				t.Errorf("server got %d queries; want %d", got, want)
			}
		})
	}
}

func TestConcurrentExchanges(t *testing.T) {
	srvA, srvB := startFake(t, answerA("10.0.0.1")), startFake(t, answerRcode(dns.RcodeServerFailure))
	targets := []forward.Target{
		target("192.168.10.53:53", srvA.addr),
		target("192.168.20.53:53", srvB.addr),
	}
	f := newForwarder(forward.Options{})
	errs := make(chan error, 32)
	for i := range 32 {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, _, err := f.Exchange(ctx, query(fmt.Sprintf("q%d.example.com.", i), dns.TypeA), targets, nil)
			errs <- err
		}()
	}
	for range 32 {
		if err := <-errs; err != nil {
			t.Errorf("Exchange: %v", err)
		}
	}
}

func TestStrings(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"UDP", forward.UDP.String(), "UDP"},
		{"TCP", forward.TCP.String(), "TCP"},
		{"ok", forward.OK.String(), "ok"},
		{"network-error", forward.NetworkError.String(), "network-error"},
		{"blocked", forward.Blocked.String(), "blocked"},
		{"target mapped", target("192.168.10.53:53", netip.MustParseAddrPort("127.0.0.1:5300")).String(),
			"192.168.10.53:53 (via 127.0.0.1:5300)"},
		{"target direct", target("127.0.0.1:5300", netip.MustParseAddrPort("127.0.0.1:5300")).String(), "127.0.0.1:5300"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q; want %q", tt.got, tt.want)
			}
		})
	}
}

const exampleZone = `$TTL 300
@    IN SOA ns.example.com. admin.example.com. 1 3600 600 86400 300
@    IN NS  ns.example.com.
ns   IN A   127.0.0.1
www  IN A   10.0.0.80
`

func TestLogsFailedAttempts(t *testing.T) {
	var buf safeBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	good := startFake(t, answerA("10.0.0.1"))
	targets := []forward.Target{
		target("192.168.10.53:53", closedAddr(t)),
		target("192.168.20.53:53", good.addr),
	}
	f := newForwarder(forward.Options{Rand: firstRand{}, Logger: logger})
	if _, _, err := f.Exchange(ctxTimeout(t, 5*time.Second), query("www.example.com.", dns.TypeA), targets, nil); err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	log := buf.String()
	for _, want := range []string{"forward attempt failed", "target=192.168.10.53:53", "outcome=network-error", "query_name=www.example.com."} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if got, want := strings.Count(log, "\n"), 1; got != want {
		t.Errorf("log has %d lines; want %d (failed attempts only):\n%s", got, want, log)
	}
}

// Every attempt's sockets and watchers are gone when Exchange returns.
func TestNoGoroutineLeak(t *testing.T) {
	silentSrv := startFake(t, silent)
	tcSrv := startFake(t, truncatedOverUDP("10.0.0.1"))
	targets := []forward.Target{
		target("192.168.10.53:53", silentSrv.addr),
		target("192.168.20.53:53", tcSrv.addr),
		target("192.168.30.53:53", closedAddr(t)),
	}
	f := forward.New(forward.Options{AttemptTimeout: 100 * time.Millisecond, TotalTimeout: 300 * time.Millisecond})
	runtime.GC()
	before := runtime.NumGoroutine()
	for i := range 10 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%3+1)*50*time.Millisecond)
		_, _, _ = f.Exchange(ctx, query("www.example.com.", dns.TypeA), targets, nil)
		cancel()
	}
	// The TCP connections kept for reuse hold a goroutine of the fake
	// server each; closing them is CloseIdle's job.
	f.CloseIdle()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := runtime.NumGoroutine(); got > before {
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines = %d; want at most %d as before\n%s", got, before, buf[:runtime.Stack(buf, true)])
	}
}

// safeBuffer is a bytes.Buffer safe for concurrent writers.
type safeBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
