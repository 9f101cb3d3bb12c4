package bindtest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/bindtest"
)

const exampleZone = `$TTL 300
@    IN SOA ns.example.test. admin.example.test. 1 3600 600 86400 300
@    IN NS  ns.example.test.
ns   IN A   127.0.0.1
www  IN A   10.0.0.1
`

func exchange(t *testing.T, network string, addr string, name string, qtype uint16) *dns.Msg {
	t.Helper()
	c := &dns.Client{Net: network, Timeout: 2 * time.Second}
	q := new(dns.Msg)
	q.SetQuestion(name, qtype)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	r, _, err := c.ExchangeContext(ctx, q, addr)
	if err != nil {
		t.Fatalf("%s %s %s: %v", network, name, dns.TypeToString[qtype], err)
	}
	return r
}

func TestStartAnswersUDPAndTCP(t *testing.T) {
	s := bindtest.Start(t, map[string]string{"example.test": exampleZone})
	if !s.Addr().Addr().IsLoopback() {
		t.Fatalf("Addr() = %v; want a loopback address", s.Addr())
	}
	tests := []struct {
		name    string
		network string
		qname   string
		rcode   int
		answer  string
	}{
		{"udp A", "udp", "www.example.test.", dns.RcodeSuccess, "10.0.0.1"},
		{"tcp A", "tcp", "www.example.test.", dns.RcodeSuccess, "10.0.0.1"},
		{"udp mixed case", "udp", "WWW.Example.TEST.", dns.RcodeSuccess, "10.0.0.1"},
		{"udp NXDOMAIN", "udp", "nope.example.test.", dns.RcodeNameError, ""},
		{"tcp NXDOMAIN", "tcp", "nope.example.test.", dns.RcodeNameError, ""},
		{"not our zone", "udp", "www.example.org.", dns.RcodeRefused, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := exchange(t, tt.network, s.Addr().String(), tt.qname, dns.TypeA)
			if got, want := r.Rcode, tt.rcode; got != want {
				t.Fatalf("rcode = %s; want %s", dns.RcodeToString[got], dns.RcodeToString[want])
			}
			if tt.answer == "" {
				if len(r.Answer) != 0 {
					t.Fatalf("answer = %v; want none", r.Answer)
				}
				return
			}
			if len(r.Answer) != 1 {
				t.Fatalf("answer = %v; want one A", r.Answer)
			}
			a, ok := r.Answer[0].(*dns.A)
			if !ok {
				t.Fatalf("answer = %v; want an A record", r.Answer[0])
			}
			if got, want := a.A.String(), tt.answer; got != want {
				t.Fatalf("A = %s; want %s", got, want)
			}
		})
	}
}

func TestStartSeveralZonesAndNoZones(t *testing.T) {
	s := bindtest.Start(t, map[string]string{
		"example.test.": exampleZone,
		"10.in-addr.arpa": `$TTL 60
@ IN SOA ns.example.test. admin.example.test. 1 3600 600 86400 60
@ IN NS ns.example.test.
1.0.0 IN PTR www.example.test.
`,
	})
	r := exchange(t, "udp", s.Addr().String(), "1.0.0.10.in-addr.arpa.", dns.TypePTR)
	if got, want := len(r.Answer), 1; got != want {
		t.Fatalf("PTR answers = %d; want %d (%v)", got, want, r)
	}

	empty := bindtest.Start(t, nil)
	r = exchange(t, "tcp", empty.Addr().String(), "example.test.", dns.TypeSOA)
	if got, want := r.Rcode, dns.RcodeRefused; got != want {
		t.Fatalf("rcode without zones = %s; want %s", dns.RcodeToString[got], dns.RcodeToString[want])
	}
	if s.Addr() == empty.Addr() {
		t.Fatalf("two servers on one address %v", s.Addr())
	}
}

func TestRefusing(t *testing.T) {
	s := bindtest.Start(t, map[string]string{"example.test": exampleZone}, bindtest.Refusing())
	for _, network := range []string{"udp", "tcp"} {
		r := exchange(t, network, s.Addr().String(), "www.example.test.", dns.TypeA)
		if got, want := r.Rcode, dns.RcodeRefused; got != want {
			t.Fatalf("%s rcode = %s; want %s", network, dns.RcodeToString[got], dns.RcodeToString[want])
		}
	}
}

func TestStopLeavesNothingListening(t *testing.T) {
	s := bindtest.Start(t, map[string]string{"example.test": exampleZone})
	s.Stop()
	s.Stop() // idempotent
	c := &dns.Client{Net: "tcp", Timeout: 500 * time.Millisecond}
	q := new(dns.Msg)
	q.SetQuestion("www.example.test.", dns.TypeA)
	if _, _, err := c.Exchange(q, s.Addr().String()); err == nil {
		t.Fatalf("TCP exchange after Stop succeeded; want an error")
	}
	if !strings.Contains(s.Log(), "exiting") {
		t.Errorf("log does not show named exiting:\n%s", s.Log())
	}
}

// A zone that does not load fails Start; check it through a fake testing.TB
// so the failure is observed rather than failing this test.
func TestBadZoneFails(t *testing.T) {
	if !bindtest.Available() {
		t.Skip("named not installed")
	}
	ft := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { _ = recover() }()
		bindtest.Start(ft, map[string]string{"example.test": "this is not a zone file\n"})
	}()
	<-done
	if !ft.failed {
		t.Fatalf("Start with a broken zone did not fail")
	}
	if !strings.Contains(ft.msg, "named log") || !strings.Contains(ft.msg, "example.test") {
		t.Errorf("failure message lacks the named log or the zone:\n%s", ft.msg)
	}
}

// fakeTB records a fatal failure instead of ending the test. Fatal is reached
// through Fatalf, which here panics to stop Start like runtime.Goexit would.
type fakeTB struct {
	testing.TB
	failed bool
	msg    string
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = true
	f.msg = strings.TrimSpace(fmt.Sprintf(format, args...))
	panic("fatal")
}

func (f *fakeTB) Fatal(args ...any) {
	f.failed = true
	panic("fatal")
}

func (f *fakeTB) Helper() {}
