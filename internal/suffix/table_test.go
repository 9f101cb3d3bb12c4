package suffix

import (
	"fmt"
	"maps"
	"math/rand/v2"
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

// TestWith checks that a table changed through With, many times over
// (past the folding of its overlay), holds what a plain map holds, finds
// what a table built afresh finds, and leaves its parents as they were.
func TestWith(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	domain := func() dnsname.Name {
		return dnsname.Name(fmt.Sprintf("d%d.example.", rng.IntN(300)))
	}
	tb := New[int](0)
	want := map[dnsname.Name]int{}
	var parents []*Table[int]
	var parentWant []map[dnsname.Name]int
	for step := range 2000 {
		set := map[dnsname.Name]int{}
		var del []dnsname.Name
		for range 1 + rng.IntN(3) {
			if rng.IntN(3) == 0 {
				del = append(del, domain())
			} else {
				set[domain()] = step
			}
		}
		parents, parentWant = append(parents, tb), append(parentWant, maps.Clone(want))
		tb = tb.With(set, del)
		for _, d := range del {
			delete(want, d)
		}
		for d, v := range set {
			want[d] = v
		}
		if tb.Len() != len(want) {
			t.Fatalf("step %d: Len = %d, want %d", step, tb.Len(), len(want))
		}
	}
	check := func(name string, tb *Table[int], want map[dnsname.Name]int) {
		got := map[dnsname.Name]int{}
		tb.All(func(d dnsname.Name, v int) { got[d] = v })
		if !maps.Equal(got, want) {
			t.Fatalf("%s: All = %v, want %v", name, got, want)
		}
		fresh := New[int](len(want))
		for d, v := range want {
			fresh.Set(d, v)
		}
		for i := range 300 {
			q := dnsname.Name(fmt.Sprintf("host.d%d.example.", i))
			d1, v1, ok1 := tb.Longest(q)
			d2, v2, ok2 := fresh.Longest(q)
			if d1 != d2 || v1 != v2 || ok1 != ok2 {
				t.Fatalf("%s: Longest(%s) = %s %d %v, want %s %d %v", name, q, d1, v1, ok1, d2, v2, ok2)
			}
		}
	}
	check("last", tb, want)
	for i := 0; i < len(parents); i += 97 {
		check(fmt.Sprintf("parent %d", i), parents[i], parentWant[i])
	}
}
