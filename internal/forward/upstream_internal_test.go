package forward

import (
	"bytes"
	"testing"

	"github.com/miekg/dns"
)

// TestAppendQueryIsPack: the hand-written upstream query is byte for byte
// what dns.Msg.Pack makes of upstreamQuery, for every kind of name.
func TestAppendQueryIsPack(t *testing.T) {
	tests := []struct {
		name  string
		qname string
		qtype uint16
	}{
		{"plain", "host.miss.example.", dns.TypeA},
		{"letter case kept", "Www.Example.COM.", dns.TypeAAAA},
		{"reverse name", "4.3.2.1.in-addr.arpa.", dns.TypePTR},
		{"root", ".", dns.TypeNS},
		{"escaped dot", `a\.b.example.`, dns.TypeTXT},
		{"escaped byte", `a\065b.example.`, dns.TypeA},
		{"63-byte label", "012345678901234567890123456789012345678901234567890123456789012.example.", dns.TypeA},
		{"underscore", "_sip._tcp.example.", dns.TypeSRV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := dns.Question{Name: tt.qname, Qtype: tt.qtype, Qclass: dns.ClassINET}
			want, err := upstreamQuery(q).Pack()
			if err != nil {
				t.Fatalf("Pack: %v", err)
			}
			got, err := appendQuery(nil, q)
			if err != nil {
				t.Fatalf("appendQuery: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("appendQuery\n%x\nwant (Pack)\n%x", got, want)
			}
		})
	}
	bad := []struct{ name, qname string }{
		{"empty label", "a..example."},
		{"64-byte label", "0123456789012345678901234567890123456789012345678901234567890123.example."},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			q := dns.Question{Name: tt.qname, Qtype: dns.TypeA, Qclass: dns.ClassINET}
			if _, err := appendQuery(nil, q); err == nil {
				t.Errorf("appendQuery(%q): no error, Pack refuses it", tt.qname)
			}
		})
	}
}
