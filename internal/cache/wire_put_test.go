package cache

import (
	"bytes"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// TestPutWireIsPut: storing a packed answer keeps what Put keeps, for the
// same time, with the same TTLs and bytes served back; ClampWire lowers
// the TTLs as Clamp does.
func TestPutWireIsPut(t *testing.T) {
	soa := "example. 7200 IN SOA ns.example. h.example. 1 7200 900 1209600 300"
	tests := []struct {
		name  string
		qname string
		rcode int
		ans   []string
		ns    []string
		trunc bool
	}{
		{name: "positive", qname: "www.example.", ans: []string{"www.example. 300 IN A 192.0.2.1", "www.example. 60 IN A 192.0.2.2"}},
		{name: "over max ttl", qname: "www.example.", ans: []string{"www.example. 999999 IN A 192.0.2.1"}},
		{name: "nxdomain with soa", qname: "nx.example.", rcode: dns.RcodeNameError, ns: []string{soa}},
		{name: "nodata with soa", qname: "www.example.", ns: []string{soa}},
		{name: "nodata without soa", qname: "www.example."},
		{name: "servfail", qname: "www.example.", rcode: dns.RcodeServerFailure},
		{name: "truncated", qname: "www.example.", trunc: true, ans: []string{"www.example. 300 IN A 192.0.2.1"}},
		{name: "mixed case question", qname: "WwW.Example.", ans: []string{"www.example. 300 IN A 192.0.2.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := reply(tt.qname, dns.TypeA, tt.rcode, rrs(t, tt.ans...), rrs(t, tt.ns...), nil)
			m.Truncated = tt.trunc
			k := Key{Scope: "s", Name: dnsname.FromWire(tt.qname), Type: dns.TypeA, Class: dns.ClassINET}
			clk := newClock()
			byMsg := New(Options{Now: clk.Now, MaxTTL: time.Hour})
			byWire := New(Options{Now: clk.Now, MaxTTL: time.Hour})
			wire, err := m.Pack()
			if err != nil {
				t.Fatal(err)
			}
			okMsg := byMsg.Put(k, m.Copy())
			okWire := byWire.PutWire(k, wire)
			if okMsg != okWire {
				t.Fatalf("Put = %v, PutWire = %v", okMsg, okWire)
			}
			clamped := m.Copy()
			byMsg.Clamp(clamped)
			cw := append([]byte(nil), wire...)
			byWire.ClampWire(cw)
			want, err := clamped.Pack()
			if err != nil {
				t.Fatalf("pack clamped: %v", err)
			}
			if !bytes.Equal(cw, want) {
				t.Errorf("ClampWire\n%x\nwant (Clamp)\n%x", cw, want)
			}
			for _, after := range []time.Duration{0, 30 * time.Second, 2 * time.Hour} {
				clk.Advance(after)
				gm, sm := byMsg.Get(k, 7, nil)
				gw, sw := byWire.Get(k, 7, nil)
				if sm != sw {
					t.Fatalf("after %v: Get status %v by Put, %v by PutWire", after, sm, sw)
				}
				var a, b dns.Msg
				if sm != Miss {
					if err := a.Unpack(gm); err != nil {
						t.Fatalf("after %v: unpack answer by Put: %v", after, err)
					}
					if err := b.Unpack(gw); err != nil {
						t.Fatalf("after %v: unpack answer by PutWire: %v", after, err)
					}
					if a.String() != b.String() {
						t.Errorf("after %v: by Put\n%v\nby PutWire\n%v", after, &a, &b)
					}
				}
			}
		})
	}
}
