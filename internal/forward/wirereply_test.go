package forward

import (
	"testing"

	"github.com/miekg/dns"
)

// TestJudge: which replies pass on as their own bytes (plain), which are
// cleaned through a dns.Msg (messy) and which are not the reply at all;
// a plain reply passed on has the client's ID and spelling, no additional
// section, and an extended rcode turned into SERVFAIL.
func TestJudge(t *testing.T) {
	question := dns.Question{Name: "Host.Corp.Example.", Qtype: dns.TypeA, Qclass: dns.ClassINET}
	query, err := appendQuery(nil, question)
	if err != nil {
		t.Fatal(err)
	}
	const id = 0x1234
	query[0], query[1] = id>>8, id&0xff
	rr := func(s string) dns.RR {
		r, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	base := func() *dns.Msg {
		m := new(dns.Msg)
		m.Id = id
		m.Response = true
		m.Question = []dns.Question{{Name: "host.corp.example.", Qtype: dns.TypeA, Qclass: dns.ClassINET}}
		m.Compress = true
		return m
	}
	tests := []struct {
		name   string
		edit   func(m *dns.Msg)
		raw    func(b []byte) []byte
		want   verdict
		rcode  int
		trunc  bool
		answer int // records in the answer passed on
	}{
		{name: "answer", edit: func(m *dns.Msg) { m.Answer = []dns.RR{rr("host.corp.example. 60 IN A 192.0.2.1")} }, want: plain, answer: 1},
		{name: "answer and OPT", edit: func(m *dns.Msg) {
			m.Answer = []dns.RR{rr("host.corp.example. 60 IN A 192.0.2.1")}
			m.SetEdns0(4096, false)
		}, want: plain, answer: 1},
		{name: "additional records go", edit: func(m *dns.Msg) {
			m.Answer = []dns.RR{rr("host.corp.example. 60 IN A 192.0.2.1")}
			m.Extra = []dns.RR{rr("ns.corp.example. 60 IN A 192.0.2.53")}
		}, want: plain, answer: 1},
		{name: "nxdomain with the zone's SOA", edit: func(m *dns.Msg) {
			m.Rcode = dns.RcodeNameError
			m.Ns = []dns.RR{rr("corp.example. 60 IN SOA ns.corp.example. h.corp.example. 1 2 3 4 5")}
		}, want: plain, rcode: dns.RcodeNameError},
		{name: "extended rcode", edit: func(m *dns.Msg) {
			m.SetEdns0(4096, false)
			m.Rcode = dns.RcodeBadCookie
		}, want: plain, rcode: dns.RcodeBadCookie},
		{name: "cname chain", edit: func(m *dns.Msg) {
			m.Answer = []dns.RR{rr("host.corp.example. 60 IN CNAME other.corp.example."), rr("other.corp.example. 60 IN A 192.0.2.1")}
		}, want: messy},
		{name: "record of another name", edit: func(m *dns.Msg) { m.Answer = []dns.RR{rr("evil.example. 60 IN A 192.0.2.66")} }, want: messy},
		{name: "SOA of another zone", edit: func(m *dns.Msg) {
			m.Ns = []dns.RR{rr("other.example. 60 IN SOA ns.other.example. h.other.example. 1 2 3 4 5")}
		}, want: messy},
		{name: "RRSIG", edit: func(m *dns.Msg) {
			m.Answer = []dns.RR{rr("host.corp.example. 60 IN A 192.0.2.1"), rr("host.corp.example. 60 IN RRSIG A 8 3 60 20300101000000 20200101000000 1 corp.example. AAAA")}
		}, want: messy},
		{name: "truncated", edit: func(m *dns.Msg) { m.Truncated = true }, want: plain, trunc: true},
		{name: "truncated, cut short", edit: func(m *dns.Msg) {
			m.Truncated = true
			m.Answer = []dns.RR{rr("host.corp.example. 60 IN A 192.0.2.1")}
		}, raw: func(b []byte) []byte { return b[:len(b)-3] }, want: plain, trunc: true},
		{name: "garbled", edit: func(m *dns.Msg) { m.Answer = []dns.RR{rr("host.corp.example. 60 IN A 192.0.2.1")} },
			raw: func(b []byte) []byte { return b[:len(b)-3] }, want: notOurs},
		{name: "another ID", edit: func(m *dns.Msg) { m.Id = id + 1 }, want: notOurs},
		{name: "a query", edit: func(m *dns.Msg) { m.Response = false }, want: notOurs},
		{name: "another question", edit: func(m *dns.Msg) { m.Question[0].Qtype = dns.TypeAAAA }, want: notOurs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := base()
			tt.edit(m)
			b, err := m.Pack()
			if err != nil {
				t.Fatal(err)
			}
			if tt.raw != nil {
				b = tt.raw(b)
			}
			v, ri := judge(b, query, id)
			if v != tt.want {
				t.Fatalf("verdict %d, want %d", v, tt.want)
			}
			if v != plain {
				return
			}
			if ri.rcode != tt.rcode || ri.truncated != tt.trunc {
				t.Errorf("rcode %d truncated %v, want %d %v", ri.rcode, ri.truncated, tt.rcode, tt.trunc)
			}
			if ri.cut == 0 {
				return // nothing to pass on
			}
			out := passOn(nil, b, query, ri, 0xBEEF)
			var got dns.Msg
			if err := got.Unpack(out); err != nil {
				t.Fatalf("passed on %x: %v", out, err)
			}
			wantRcode := tt.rcode
			if wantRcode > 0xf {
				wantRcode = dns.RcodeServerFailure
			}
			if got.Id != 0xBEEF || got.Question[0] != question || len(got.Extra) != 0 || len(got.Answer) != tt.answer || got.Rcode != wantRcode {
				t.Errorf("passed on:\n%v", &got)
			}
		})
	}
}
