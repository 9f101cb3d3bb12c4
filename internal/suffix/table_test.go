package suffix

import (
	"fmt"
	"testing"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

func TestLongestAndWalk(t *testing.T) {
	tb := New[string](4)
	for _, d := range []dnsname.Name{".", "example.com.", "sub.example.com.", "0.10.in-addr.arpa."} {
		tb.Set(d, "v:"+d.String())
	}
	tests := []struct {
		name  string
		qname dnsname.Name
		want  dnsname.Name
		walk  []dnsname.Name
	}{
		{name: "exact", qname: "example.com.", want: "example.com.", walk: []dnsname.Name{"example.com.", "."}},
		{name: "below the most specific", qname: "a.sub.example.com.", want: "sub.example.com.", walk: []dnsname.Name{"sub.example.com.", "example.com.", "."}},
		{name: "label boundary", qname: "badexample.com.", want: ".", walk: []dnsname.Name{"."}},
		{name: "reverse", qname: "5.0.0.10.in-addr.arpa.", want: "0.10.in-addr.arpa.", walk: []dnsname.Name{"0.10.in-addr.arpa.", "."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, v, ok := tb.Longest(tt.qname)
			if !ok || d != tt.want || v != "v:"+tt.want.String() {
				t.Errorf("Longest(%s) = %s, %q, %v; want %s", tt.qname, d, v, ok, tt.want)
			}
			var got []dnsname.Name
			tb.Walk(tt.qname, func(d dnsname.Name, _ string) bool { got = append(got, d); return true })
			if fmt.Sprint(got) != fmt.Sprint(tt.walk) {
				t.Errorf("Walk(%s) visited %v; want %v", tt.qname, got, tt.walk)
			}
		})
	}
	if _, _, ok := New[int](0).Longest("a.b."); ok {
		t.Errorf("an empty table found a match")
	}
}

// BenchmarkLongest shows that lookup cost follows the labels of the query,
// not the size of the table.
func BenchmarkLongest(b *testing.B) {
	for _, n := range []int{10, 10_000, 100_000} {
		tb := New[int](n)
		for i := range n {
			tb.Set(dnsname.Name(fmt.Sprintf("rule%d.corp.example.", i)), i)
		}
		q := dnsname.Name("host.rule7.corp.example.")
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, ok := tb.Longest(q); !ok {
					b.Fatal("no match")
				}
			}
		})
	}
}
