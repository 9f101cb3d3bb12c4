package server

import (
	"testing"

	"github.com/miekg/dns"
)

// hasRedirect finds a CNAME or DNAME in the answer section of a packed
// reply, past compressed names, and treats what it cannot read as one.
func TestHasRedirect(t *testing.T) {
	pack := func(rrs ...string) []byte {
		m := new(dns.Msg)
		m.SetQuestion("www.example.com.", dns.TypeA)
		for _, s := range rrs {
			rr, err := dns.NewRR(s)
			if err != nil {
				t.Fatal(err)
			}
			m.Answer = append(m.Answer, rr)
		}
		m.Compress = true
		b, err := m.Pack()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name string
		msg  []byte
		want bool
	}{
		{"A records only", pack("www.example.com. 60 IN A 192.0.2.1", "www.example.com. 60 IN A 192.0.2.2"), false},
		{"no answer", pack(), false},
		{"CNAME after compression", pack("www.example.com. 60 IN CNAME edge.example.net.", "edge.example.net. 60 IN A 192.0.2.1"), true},
		{"DNAME", pack("example.com. 60 IN DNAME example.net.", "www.example.com. 60 IN CNAME www.example.net."), true},
		{"A then CNAME", pack("www.example.com. 60 IN A 192.0.2.1", "www.example.com. 60 IN CNAME x.example."), true},
		{"truncated header", []byte{0, 1, 2}, true},
		{"truncated record", pack("www.example.com. 60 IN A 192.0.2.1")[:40], true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hasRedirect(tt.msg); got != tt.want {
				t.Errorf("hasRedirect = %v, want %v", got, tt.want)
			}
		})
	}
}

func FuzzHasRedirect(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0xc0, 0x0c})
	f.Fuzz(func(t *testing.T, b []byte) {
		hasRedirect(b) // must not panic or loop
	})
}
