package wire

import (
	"bytes"
	"testing"

	"github.com/miekg/dns"
)

func pack(t testing.TB, m *dns.Msg) []byte {
	t.Helper()
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseQuery(t *testing.T) {
	plain := new(dns.Msg).SetQuestion("WWW.Example.COM.", dns.TypeA)
	plain.Id = 0xbeef
	edns := new(dns.Msg).SetQuestion("a.b.", dns.TypePTR)
	edns.SetEdns0(4096, true)
	resp := new(dns.Msg).SetQuestion("a.b.", dns.TypeA)
	resp.Response = true
	two := new(dns.Msg).SetQuestion("a.b.", dns.TypeA)
	two.Question = append(two.Question, two.Question[0])
	notify := new(dns.Msg).SetQuestion("a.b.", dns.TypeSOA)
	notify.Opcode = dns.OpcodeNotify

	tests := []struct {
		name      string
		msg       []byte
		wantErr   error
		malformed bool
		key       string
		typ       uint16
		edns      bool
		size      uint16
		do        bool
	}{
		{name: "plain query, mixed case", msg: pack(t, plain), key: "\x03www\x07example\x03com\x00\x00\x01\x00\x01", typ: dns.TypeA},
		{name: "edns with DO", msg: pack(t, edns), key: "\x01a\x01b\x00\x00\x0c\x00\x01", typ: dns.TypePTR, edns: true, size: 4096, do: true},
		{name: "a response is malformed", msg: pack(t, resp), malformed: true},
		{name: "short header", msg: []byte{1, 2, 3}, malformed: true},
		{name: "two questions take the full path", msg: pack(t, two), wantErr: ErrNotFast},
		{name: "notify takes the full path", msg: pack(t, notify), wantErr: ErrNotFast},
		{name: "label runs past the end", msg: append(pack(t, plain)[:12], 10, 'a'), malformed: true},
		{name: "pointer in question", msg: append(append(pack(t, plain)[:12], 0xc0, 12), 0, 1, 0, 1), wantErr: ErrNotFast},
		{name: "trailing garbage", msg: append(pack(t, plain), 1, 2, 3), wantErr: ErrNotFast},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q Query
			err := ParseQuery(tt.msg, &q)
			switch {
			case tt.malformed:
				if !IsMalformed(err) {
					t.Fatalf("ParseQuery error = %v; want malformed", err)
				}
				return
			case tt.wantErr != nil:
				if err != tt.wantErr {
					t.Fatalf("ParseQuery error = %v; want %v", err, tt.wantErr)
				}
				return
			case err != nil:
				t.Fatalf("ParseQuery error = %v", err)
			}
			if string(q.QKey()) != tt.key || q.Type != tt.typ || q.EDNS != tt.edns || q.UDPSize != tt.size || q.DO != tt.do {
				t.Errorf("ParseQuery = key %q type %d edns %v size %d do %v; want %q %d %v %d %v",
					q.QKey(), q.Type, q.EDNS, q.UDPSize, q.DO, tt.key, tt.typ, tt.edns, tt.size, tt.do)
			}
		})
	}
}

func TestFinishReply(t *testing.T) {
	// A stored answer: lower-case question, AA set by the upstream, ID 0.
	stored := new(dns.Msg).SetQuestion("www.example.com.", dns.TypeA)
	stored.Response, stored.Authoritative = true, true
	stored.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: "www.example.com.", Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: []byte{10, 0, 0, 1}}}

	for _, ednsOn := range []bool{false, true} {
		query := new(dns.Msg).SetQuestion("WwW.ExAmple.com.", dns.TypeA)
		query.Id = 4242
		if ednsOn {
			query.SetEdns0(1400, true)
		}
		qb := pack(t, query)
		var q Query
		if err := ParseQuery(qb, &q); err != nil {
			t.Fatal(err)
		}
		out, ok := FinishReply(pack(t, stored), qb, &q, false)
		if !ok {
			t.Fatalf("edns=%v: reply does not fit", ednsOn)
		}
		var got dns.Msg
		if err := got.Unpack(out); err != nil {
			t.Fatalf("edns=%v: reply does not unpack: %v", ednsOn, err)
		}
		if got.Id != 4242 || !got.Response || got.Authoritative || !got.RecursionAvailable || !got.RecursionDesired {
			t.Errorf("edns=%v: header = %+v; want id 4242, QR RA RD, no AA", ednsOn, got.MsgHdr)
		}
		if got.Question[0].Name != "WwW.ExAmple.com." {
			t.Errorf("edns=%v: question = %q; want the query's spelling", ednsOn, got.Question[0].Name)
		}
		opt := got.IsEdns0()
		if (opt != nil) != ednsOn || (opt != nil && (opt.UDPSize() != AdvertisedUDPSize || opt.Do())) {
			t.Errorf("edns=%v: OPT = %v; want payload 1232 without DO only for an EDNS query", ednsOn, opt)
		}
		if len(got.Answer) != 1 {
			t.Errorf("edns=%v: answer = %v", ednsOn, got.Answer)
		}
	}
}

func TestFinishReplyTooBig(t *testing.T) {
	stored := new(dns.Msg).SetQuestion("big.example.", dns.TypeTXT)
	for i := 0; i < 10; i++ {
		stored.Answer = append(stored.Answer, &dns.TXT{Hdr: dns.RR_Header{Name: "big.example.", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60}, Txt: []string{string(bytes.Repeat([]byte{'x'}, 100))}})
	}
	qb := pack(t, new(dns.Msg).SetQuestion("big.example.", dns.TypeTXT))
	var q Query
	if err := ParseQuery(qb, &q); err != nil {
		t.Fatal(err)
	}
	if _, ok := FinishReply(pack(t, stored), qb, &q, false); ok {
		t.Errorf("a 1 KB answer fits a 512-byte UDP client; want it sent to the full path to truncate")
	}
	if _, ok := FinishReply(pack(t, stored), qb, &q, true); !ok {
		t.Errorf("a 1 KB answer does not fit TCP")
	}
}

func TestParseQueryAllocatesNothing(t *testing.T) {
	qb := pack(t, new(dns.Msg).SetQuestion("www.example.com.", dns.TypeA))
	var q Query
	if n := testing.AllocsPerRun(100, func() { _ = ParseQuery(qb, &q) }); n != 0 {
		t.Errorf("ParseQuery allocates %v times; want 0", n)
	}
}

// FuzzParseQuery checks that ParseQuery never panics and agrees with
// miekg/dns on every query it accepts.
// ednsSeeds are the EDNS edge cases of the protocol audit, packed.
func ednsSeeds() [][]byte {
	opt := func(edit func(o *dns.OPT)) *dns.Msg {
		m := new(dns.Msg).SetQuestion("db.internal.example.", dns.TypeA).SetEdns0(1232, false)
		edit(m.IsEdns0())
		return m
	}
	cookie := func(hex string) func(o *dns.OPT) {
		return func(o *dns.OPT) { o.Option = []dns.EDNS0{&dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: hex}} }
	}
	msgs := []*dns.Msg{
		new(dns.Msg).SetQuestion("www.example.com.", dns.TypeA),
		new(dns.Msg).SetQuestion("5.0.0.10.in-addr.arpa.", dns.TypePTR).SetEdns0(1232, true),
		opt(func(o *dns.OPT) { o.SetVersion(1) }),
		opt(func(o *dns.OPT) { o.Hdr.Name = "x." }),
		opt(cookie("010203")),
		opt(cookie("0102030405060708")),
		opt(cookie("0102030405060708" + "0102030405060708")),
		opt(func(o *dns.OPT) {
			o.Option = []dns.EDNS0{&dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: []byte{10, 0, 1, 0}}}
		}),
	}
	two := opt(func(*dns.OPT) {})
	two.Extra = append(two.Extra, dns.Copy(two.Extra[0]))
	msgs = append(msgs, two)
	var out [][]byte
	for _, m := range msgs {
		b, _ := m.Pack()
		out = append(out, b)
	}
	// An option running past the OPT's data.
	b, _ := opt(func(*dns.OPT) {}).Pack()
	b = append(b, 0, 10, 0, 20, 1, 2, 3, 4)
	b[len(b)-10], b[len(b)-9] = 0, 8
	return append(out, b)
}

func FuzzParseQuery(f *testing.F) {
	for _, b := range ednsSeeds() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var q Query
		if err := ParseQuery(b, &q); err != nil {
			return
		}
		var m dns.Msg
		if err := m.Unpack(b); err != nil {
			t.Fatalf("ParseQuery accepted what miekg/dns rejects: %v", err)
		}
		if len(m.Question) != 1 || m.Question[0].Qtype != q.Type || m.Question[0].Qclass != q.Class || m.Id != q.ID {
			t.Fatalf("ParseQuery = %+v; miekg/dns reads %v", q, m.Question)
		}
		opt := m.IsEdns0()
		if (opt != nil) != q.EDNS {
			t.Fatalf("EDNS = %v; miekg/dns disagrees", q.EDNS)
		}
		// The fast path takes only what the full path answers NOERROR to:
		// EDNS version 0, a root owner, well-formed options and cookies.
		if opt == nil {
			return
		}
		if opt.Version() != 0 || opt.Hdr.Name != "." {
			t.Fatalf("fast path took EDNS version %d owner %q", opt.Version(), opt.Hdr.Name)
		}
		for _, o := range opt.Option {
			if c, ok := o.(*dns.EDNS0_COOKIE); ok {
				if n := len(c.Cookie) / 2; n != 8 && (n < 16 || n > 40) {
					t.Fatalf("fast path took a COOKIE of %d bytes", n)
				}
			}
		}
	})
}

func BenchmarkParseQuery(b *testing.B) {
	qb := pack(b, new(dns.Msg).SetQuestion("5.0.0.10.in-addr.arpa.", dns.TypePTR).SetEdns0(1232, false))
	var q Query
	b.ReportAllocs()
	for b.Loop() {
		if err := ParseQuery(qb, &q); err != nil {
			b.Fatal(err)
		}
	}
}
