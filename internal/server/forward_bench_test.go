package server

import (
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/loopbacktest"
	"github.com/vpcdns/vpcdns/internal/wire"
)

// countWriter is a dns.ResponseWriter that keeps nothing but the size of
// the last reply.
type countWriter struct {
	fakeWriter
	n int
}

func (w *countWriter) Write(b []byte) (int, error) { w.n = len(b); return len(b), nil }
func (w *countWriter) WriteMsg(m *dns.Msg) error {
	b, err := m.Pack()
	w.n = len(b)
	return err
}

// BenchmarkCacheMiss is the full path of a UDP query whose name nobody
// asked before (bench's W4): parse, unpack, decide, forward upstream over
// loopback, cache, reply.
func BenchmarkCacheMiss(b *testing.B) {
	n, _, err := config.Parse([]byte(strings.Replace(fastNetwork, "UPSTREAM", loopbacktest.RawAnswerer(b).LocalAddr().String(), 1)), "network.yaml", b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(n, Options{})
	if err != nil {
		b.Fatal(err)
	}
	query := packQuery(b, "q0000000.corp.example.", dns.TypeA, true)
	digits := query[13:21] // the 7 digits after "q" in the first label
	h := queryHandler{s: s, owner: sharedOwner}
	w := &countWriter{}
	var q wire.Query
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		for k, v := len(digits)-1, i; k >= 1; k, v = k-1, v/10 {
			digits[k] = byte('0' + v%10)
		}
		if err := wire.ParseQuery(query, &q); err != nil {
			b.Fatal(err)
		}
		req := new(dns.Msg)
		if err := req.Unpack(query); err != nil {
			b.Fatal(err)
		}
		w.n = 0
		h.serve(w, req, &q)
		if w.n == 0 {
			b.Fatal("no reply")
		}
	}
}
