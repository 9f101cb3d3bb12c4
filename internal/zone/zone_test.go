package zone

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

const testZone = `$ORIGIN example.com.
$TTL 300
@            3600 IN SOA ns.example.com. admin.example.com. 1 7200 900 1209600 60
@            IN NS    ns.example.com.
ns           IN A     192.0.2.1
www          IN A     192.0.2.10
www          IN A     192.0.2.11
www          IN AAAA  2001:db8::10
Mixed        IN A     192.0.2.12
alias        IN CNAME www
alias2       IN CNAME Alias.Example.COM.
out          IN CNAME www.example.org.
dangling     IN CNAME nothere
loop1        IN CNAME loop2
loop2        IN CNAME loop1
self         IN CNAME self
tons         IN CNAME ns
towild       IN CNAME foo.wc
*.w          IN A     192.0.2.99
*.w          IN TXT   "wild"
www.w        IN A     192.0.2.98
a.b.ent.w    IN A     192.0.2.20
*.wc         IN CNAME www
x.*.ent2     IN A     192.0.2.50
sub          IN NS    ns.elsewhere.example.
host.sub     IN A     192.0.2.30
c0           IN CNAME c1
c1           IN CNAME c2
c2           IN CNAME c3
c3           IN CNAME c4
c4           IN CNAME c5
c5           IN CNAME c6
c6           IN CNAME c7
c7           IN CNAME c8
c8           IN CNAME c9
c9           IN A     192.0.2.40
`

const negSOA = "example.com. 60 SOA ns.example.com. admin.example.com. 1 7200 900 1209600 60"

func mustZone(tb testing.TB, text string) *Zone {
	tb.Helper()
	rrs, err := ParseFile(strings.NewReader(text), "example.com.", "test.zone")
	if err != nil {
		tb.Fatalf("ParseFile: %v", err)
	}
	z, err := New("example.com.", rrs)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return z
}

// show renders a record as "owner TTL TYPE rdata".
func show(rr dns.RR) string {
	h := rr.Header()
	rdata := strings.TrimPrefix(rr.String(), h.String())
	return fmt.Sprintf("%s %d %s %s", h.Name, h.Ttl, dns.Type(h.Rrtype), rdata)
}

func showAll(rrs []dns.RR) []string {
	out := []string{}
	for _, rr := range rrs {
		out = append(out, show(rr))
	}
	return out
}

func TestLookup(t *testing.T) {
	z := mustZone(t, testZone)
	tests := []struct {
		name   string
		qname  string
		qtype  uint16
		rcode  int
		answer []string
		ns     []string
	}{
		{"exact", "www.example.com.", dns.TypeA, dns.RcodeSuccess,
			[]string{"www.example.com. 300 A 192.0.2.10", "www.example.com. 300 A 192.0.2.11"}, nil},
		{"apex SOA", "example.com.", dns.TypeSOA, dns.RcodeSuccess,
			[]string{"example.com. 3600 SOA ns.example.com. admin.example.com. 1 7200 900 1209600 60"}, nil},
		{"case-insensitive query", "WWW.Example.COM.", dns.TypeAAAA, dns.RcodeSuccess,
			[]string{"www.example.com. 300 AAAA 2001:db8::10"}, nil},
		{"upper-case owner canonicalised", "mixed.example.com.", dns.TypeA, dns.RcodeSuccess,
			[]string{"mixed.example.com. 300 A 192.0.2.12"}, nil},
		{"ANY gives every record", "www.example.com.", dns.TypeANY, dns.RcodeSuccess,
			[]string{"www.example.com. 300 A 192.0.2.10", "www.example.com. 300 A 192.0.2.11", "www.example.com. 300 AAAA 2001:db8::10"}, nil},
		{"ANY at a CNAME is not followed", "alias.example.com.", dns.TypeANY, dns.RcodeSuccess,
			[]string{"alias.example.com. 300 CNAME www.example.com."}, nil},
		{"ANY at an empty non-terminal", "ent.w.example.com.", dns.TypeANY, dns.RcodeSuccess, nil, []string{negSOA}},

		{"NXDOMAIN", "nothere.example.com.", dns.TypeA, dns.RcodeNameError, nil, []string{negSOA}},
		{"NODATA", "www.example.com.", dns.TypeMX, dns.RcodeSuccess, nil, []string{negSOA}},
		{"NODATA at an empty non-terminal", "b.ent.w.example.com.", dns.TypeA, dns.RcodeSuccess, nil, []string{negSOA}},
		{"NODATA at the upper empty non-terminal", "ent.w.example.com.", dns.TypeA, dns.RcodeSuccess, nil, []string{negSOA}},
		{"outside the zone", "www.example.org.", dns.TypeA, dns.RcodeRefused, nil, nil},
		{"outside the zone, suffix not on a label boundary", "badexample.com.", dns.TypeA, dns.RcodeRefused, nil, nil},

		{"CNAME asked for", "alias.example.com.", dns.TypeCNAME, dns.RcodeSuccess,
			[]string{"alias.example.com. 300 CNAME www.example.com."}, nil},
		{"CNAME followed", "alias.example.com.", dns.TypeA, dns.RcodeSuccess,
			[]string{"alias.example.com. 300 CNAME www.example.com.", "www.example.com. 300 A 192.0.2.10", "www.example.com. 300 A 192.0.2.11"}, nil},
		{"CNAME chain of two, target in upper case", "alias2.example.com.", dns.TypeAAAA, dns.RcodeSuccess,
			[]string{"alias2.example.com. 300 CNAME Alias.Example.COM.", "alias.example.com. 300 CNAME www.example.com.", "www.example.com. 300 AAAA 2001:db8::10"}, nil},
		{"CNAME out of the zone stops", "out.example.com.", dns.TypeA, dns.RcodeSuccess,
			[]string{"out.example.com. 300 CNAME www.example.org."}, nil},
		{"CNAME to a missing name is NXDOMAIN", "dangling.example.com.", dns.TypeA, dns.RcodeNameError,
			[]string{"dangling.example.com. 300 CNAME nothere.example.com."}, []string{negSOA}},
		{"CNAME to a name without the type is NODATA", "tons.example.com.", dns.TypeAAAA, dns.RcodeSuccess,
			[]string{"tons.example.com. 300 CNAME ns.example.com."}, []string{negSOA}},
		{"CNAME loop", "loop1.example.com.", dns.TypeA, dns.RcodeServerFailure, nil, nil},
		{"CNAME to itself", "self.example.com.", dns.TypeA, dns.RcodeServerFailure, nil, nil},
		{"CNAME chain bounded", "c0.example.com.", dns.TypeA, dns.RcodeSuccess,
			[]string{
				"c0.example.com. 300 CNAME c1.example.com.", "c1.example.com. 300 CNAME c2.example.com.",
				"c2.example.com. 300 CNAME c3.example.com.", "c3.example.com. 300 CNAME c4.example.com.",
				"c4.example.com. 300 CNAME c5.example.com.", "c5.example.com. 300 CNAME c6.example.com.",
				"c6.example.com. 300 CNAME c7.example.com.", "c7.example.com. 300 CNAME c8.example.com.",
			}, nil},
		{"CNAME chain at the bound", "c2.example.com.", dns.TypeA, dns.RcodeSuccess,
			[]string{
				"c2.example.com. 300 CNAME c3.example.com.", "c3.example.com. 300 CNAME c4.example.com.",
				"c4.example.com. 300 CNAME c5.example.com.", "c5.example.com. 300 CNAME c6.example.com.",
				"c6.example.com. 300 CNAME c7.example.com.", "c7.example.com. 300 CNAME c8.example.com.",
				"c8.example.com. 300 CNAME c9.example.com.", "c9.example.com. 300 A 192.0.2.40",
			}, nil},

		{"wildcard match", "foo.w.example.com.", dns.TypeA, dns.RcodeSuccess,
			[]string{"foo.w.example.com. 300 A 192.0.2.99"}, nil},
		{"wildcard match, two labels down", "a.foo.w.example.com.", dns.TypeTXT, dns.RcodeSuccess,
			[]string{`a.foo.w.example.com. 300 TXT "wild"`}, nil},
		{"wildcard match, ANY", "foo.w.example.com.", dns.TypeANY, dns.RcodeSuccess,
			[]string{"foo.w.example.com. 300 A 192.0.2.99", `foo.w.example.com. 300 TXT "wild"`}, nil},
		{"wildcard NODATA", "foo.w.example.com.", dns.TypeAAAA, dns.RcodeSuccess, nil, []string{negSOA}},
		{"wildcard asked for itself", "*.w.example.com.", dns.TypeA, dns.RcodeSuccess,
			[]string{"*.w.example.com. 300 A 192.0.2.99"}, nil},
		{"wildcard does not replace an existing name", "www.w.example.com.", dns.TypeA, dns.RcodeSuccess,
			[]string{"www.w.example.com. 300 A 192.0.2.98"}, nil},
		{"no wildcard for an existing name without the type", "www.w.example.com.", dns.TypeTXT, dns.RcodeSuccess, nil, []string{negSOA}},
		{"no wildcard below an existing name", "x.www.w.example.com.", dns.TypeA, dns.RcodeNameError, nil, []string{negSOA}},
		{"empty non-terminal blocks the wildcard", "x.b.ent.w.example.com.", dns.TypeA, dns.RcodeNameError, nil, []string{negSOA}},
		{"wildcard below *.w is not matched", "x.*.w.example.com.", dns.TypeA, dns.RcodeNameError, nil, []string{negSOA}},
		{"wildcard does not cover its parent's siblings", "foo.example.com.", dns.TypeA, dns.RcodeNameError, nil, []string{negSOA}},
		{"wildcard that is an empty non-terminal gives NODATA", "foo.ent2.example.com.", dns.TypeA, dns.RcodeSuccess, nil, []string{negSOA}},
		{"parent of a wildcard is an empty non-terminal", "w.example.com.", dns.TypeA, dns.RcodeSuccess, nil, []string{negSOA}},
		{"wildcard CNAME followed", "z.wc.example.com.", dns.TypeA, dns.RcodeSuccess,
			[]string{"z.wc.example.com. 300 CNAME www.example.com.", "www.example.com. 300 A 192.0.2.10", "www.example.com. 300 A 192.0.2.11"}, nil},
		{"CNAME into a wildcard CNAME", "towild.example.com.", dns.TypeAAAA, dns.RcodeSuccess,
			[]string{"towild.example.com. 300 CNAME foo.wc.example.com.", "foo.wc.example.com. 300 CNAME www.example.com.", "www.example.com. 300 AAAA 2001:db8::10"}, nil},

		{"NS below the apex is data", "sub.example.com.", dns.TypeNS, dns.RcodeSuccess,
			[]string{"sub.example.com. 300 NS ns.elsewhere.example."}, nil},
		{"NS below the apex does not delegate", "host.sub.example.com.", dns.TypeA, dns.RcodeSuccess,
			[]string{"host.sub.example.com. 300 A 192.0.2.30"}, nil},
		{"NS below the apex, missing name", "x.sub.example.com.", dns.TypeA, dns.RcodeNameError, nil, []string{negSOA}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := z.Lookup(dnsname.FromWire(tc.qname), tc.qtype)
			if got.Rcode != tc.rcode {
				t.Errorf("rcode = %s; want %s", dns.RcodeToString[got.Rcode], dns.RcodeToString[tc.rcode])
			}
			if a, want := showAll(got.Answer), orEmpty(tc.answer); !slices.Equal(a, want) {
				t.Errorf("answer = %q; want %q", a, want)
			}
			if ns, want := showAll(got.Ns), orEmpty(tc.ns); !slices.Equal(ns, want) {
				t.Errorf("ns = %q; want %q", ns, want)
			}
			checkAnswer(t, z, dnsname.FromWire(tc.qname), tc.qtype, got)
		})
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestNegativeTTL(t *testing.T) {
	tests := []struct {
		name string
		soa  string
		want uint32
	}{
		{"MINIMUM lower", "@ 3600 IN SOA ns admin 1 7200 900 1209600 60", 60},
		{"SOA TTL lower", "@ 30 IN SOA ns admin 1 7200 900 1209600 86400", 30},
		{"equal", "@ 900 IN SOA ns admin 1 7200 900 1209600 900", 900},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			z := mustZone(t, tc.soa+"\n")
			for _, q := range []struct {
				qname dnsname.Name
				qtype uint16
			}{{"x.example.com.", dns.TypeA}, {"example.com.", dns.TypeA}} {
				a := z.Lookup(q.qname, q.qtype)
				if len(a.Ns) != 1 {
					t.Fatalf("Lookup(%s): ns = %q; want one SOA", q.qname, showAll(a.Ns))
				}
				if got := a.Ns[0].Header().Ttl; got != tc.want {
					t.Errorf("Lookup(%s): SOA TTL = %d; want %d", q.qname, got, tc.want)
				}
			}
			if got, want := z.SOA().Hdr.Ttl, soaTTL(tc.soa); got != want {
				t.Errorf("SOA().Hdr.Ttl = %d; want %d (as given)", got, want)
			}
		})
	}
}

// soaTTL returns the TTL written in an "@ TTL IN SOA" line.
func soaTTL(line string) uint32 {
	var ttl uint32
	fmt.Sscanf(line, "@ %d", &ttl)
	return ttl
}

func TestAccessors(t *testing.T) {
	z := mustZone(t, testZone)
	if got, want := z.Origin(), dnsname.Name("example.com."); got != want {
		t.Errorf("Origin() = %s; want %s", got, want)
	}
	if got, want := z.SOA().Ns, "ns.example.com."; got != want {
		t.Errorf("SOA().Ns = %s; want %s", got, want)
	}
}

func TestAnswerIsSafe(t *testing.T) {
	z := mustZone(t, testZone)
	first := z.Lookup("www.example.com.", dns.TypeA)

	// Appending must not write into the zone's arrays.
	_ = append(first.Answer, &dns.A{Hdr: dns.RR_Header{Name: "evil.", Rrtype: dns.TypeA, Class: dns.ClassINET}})
	_ = append(z.Lookup("x.example.com.", dns.TypeA).Ns, &dns.A{})
	// A copy may be changed freely.
	cp := first.Copy()
	cp.Answer[0].Header().Ttl = 1
	cp.Answer[0].Header().Name = "WWW.EXAMPLE.COM."

	again := z.Lookup("www.example.com.", dns.TypeANY)
	if got, want := len(again.Answer), 3; got != want {
		t.Errorf("len(answer) after append = %d; want %d", got, want)
	}
	if got, want := show(again.Answer[0]), "www.example.com. 300 A 192.0.2.10"; got != want {
		t.Errorf("answer[0] after changing a copy = %s; want %s", got, want)
	}
	if got := z.Lookup("x.example.com.", dns.TypeA).Ns; len(got) != 1 || cap(got) != 1 {
		t.Errorf("ns = %q (cap %d); want one SOA, capacity 1", showAll(got), cap(got))
	}
}

func TestNew(t *testing.T) {
	const soa = "example.com. 3600 IN SOA ns.example.com. admin.example.com. 1 7200 900 1209600 60"
	tests := []struct {
		name    string
		records []string
		wantErr string // "" when New must succeed
	}{
		{"minimal", []string{soa}, ""},
		{"missing SOA", []string{"www.example.com. IN A 192.0.2.1"}, "no SOA record at the apex"},
		{"empty", nil, "no SOA record at the apex"},
		{"SOA below the apex", []string{soa, "sub.example.com. IN SOA ns admin 1 2 3 4 5"}, "SOA below the zone apex"},
		{"two SOAs", []string{soa, "example.com. IN SOA ns2.example.com. admin.example.com. 2 7200 900 1209600 60"}, "2 SOA records at the apex"},
		{"duplicate SOA collapsed", []string{soa, soa}, ""},
		{"out-of-zone record", []string{soa, "www.example.org. IN A 192.0.2.1"}, "www.example.org. A: outside the zone"},
		{"out-of-zone, suffix not on a label boundary", []string{soa, "badexample.com. IN A 192.0.2.1"}, "outside the zone"},
		{"CNAME and other data", []string{soa, "www.example.com. IN CNAME x.example.com.", "www.example.com. IN A 192.0.2.1"}, "name www.example.com.: CNAME and other data"},
		{"CNAME at the apex", []string{soa, "example.com. IN CNAME x.example.org."}, "CNAME and other data"},
		{"two CNAMEs", []string{soa, "www.example.com. IN CNAME a.example.com.", "www.example.com. IN CNAME b.example.com."}, "2 CNAME records"},
		{"duplicate CNAME collapsed, case aside", []string{soa, "www.example.com. IN CNAME a.example.com.", "WWW.example.com. 5 IN CNAME A.Example.com."}, ""},
		{"duplicate collapsed, owner spelt with an escape", []string{soa, "a.example.com. IN A 192.0.2.1", `\065.example.com. IN A 192.0.2.1`}, ""},
		{"class CH", []string{soa, "www.example.com. CH A 192.0.2.1"}, "class CH, want IN"},
		{"DNAME", []string{soa, "d.example.com. IN DNAME example.net."}, "DNAME is not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rrs []dns.RR
			for _, s := range tc.records {
				rr, err := dns.NewRR(s)
				if err != nil {
					t.Fatalf("NewRR(%q): %v", s, err)
				}
				rrs = append(rrs, rr)
			}
			_, err := New("example.com.", rrs)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("New: %v; want no error", err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("New: no error; want %q", tc.wantErr)
			case tc.wantErr != "":
				if !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("New: %v; want it to contain %q", err, tc.wantErr)
				}
				if !strings.HasPrefix(err.Error(), "zone example.com.: ") {
					t.Errorf("New: %v; want it to start with the zone's name", err)
				}
			}
		})
	}
}

func TestNewReportsEveryProblem(t *testing.T) {
	rrs := []dns.RR{
		&dns.A{Hdr: dns.RR_Header{Name: "a.example.org.", Rrtype: dns.TypeA, Class: dns.ClassINET}},
		&dns.A{Hdr: dns.RR_Header{Name: "b.example.org.", Rrtype: dns.TypeA, Class: dns.ClassINET}},
	}
	_, err := New("example.com.", rrs)
	if err == nil {
		t.Fatal("New: no error; want three")
	}
	if got, want := strings.Count(err.Error(), "zone example.com.: "), 3; got != want {
		t.Errorf("New: %v; got %d problems, want %d", err, got, want)
	}
}

func TestNewCollapsesDuplicates(t *testing.T) {
	z := mustZone(t, `@ IN SOA ns admin 1 2 3 4 5
www 300 IN A 192.0.2.1
WWW 600 IN A 192.0.2.1
\087ww 300 IN A 192.0.2.1
www 60 IN TXT "a"
www 60 IN TXT "A"
`)
	got := showAll(z.Lookup("www.example.com.", dns.TypeANY).Answer)
	want := []string{"www.example.com. 300 A 192.0.2.1", `www.example.com. 60 TXT "a"`, `www.example.com. 60 TXT "A"`}
	if !slices.Equal(got, want) {
		t.Errorf("answer = %q; want %q", got, want)
	}
}

func TestNewCopiesRecords(t *testing.T) {
	soa, _ := dns.NewRR("Example.COM. 60 IN SOA ns.example.com. admin.example.com. 1 2 3 4 5")
	www, _ := dns.NewRR("WWW.example.com. 60 IN A 192.0.2.1")
	in := []dns.RR{soa, www}
	z, err := New("example.com.", in)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if got, want := www.Header().Name, "WWW.example.com."; got != want {
		t.Errorf("input owner after New = %s; want %s (unchanged)", got, want)
	}
	www.(*dns.A).A[3] = 99
	www.Header().Ttl = 1
	in[1] = nil
	if got, want := showAll(z.Lookup("www.example.com.", dns.TypeA).Answer), []string{"www.example.com. 60 A 192.0.2.1"}; !slices.Equal(got, want) {
		t.Errorf("answer after changing the input = %q; want %q", got, want)
	}
}

func TestConcurrentLookups(t *testing.T) {
	z := mustZone(t, testZone)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 200 {
				qname := dnsname.Name(fmt.Sprintf("h%d.example.com.", (i+j)%5))
				checkAnswer(t, z, qname, dns.TypeA, z.Lookup(qname, dns.TypeA))
				checkAnswer(t, z, "alias2.example.com.", dns.TypeA, z.Lookup("alias2.example.com.", dns.TypeA))
				checkAnswer(t, z, "z.wc.example.com.", dns.TypeA, z.Lookup("z.wc.example.com.", dns.TypeA))
			}
		})
	}
	wg.Wait()
}

// checkAnswer checks what must hold for every answer of z to qname/qtype.
func checkAnswer(t testing.TB, z *Zone, qname dnsname.Name, qtype uint16, a Answer) {
	t.Helper()
	if !qname.IsSubdomainOf(z.Origin()) {
		if a.Rcode != dns.RcodeRefused || len(a.Answer) != 0 || len(a.Ns) != 0 {
			t.Errorf("Lookup(%s) outside the zone = %+v; want REFUSED and nothing else", qname, a)
		}
		return
	}
	if a.Rcode == dns.RcodeServerFailure {
		// Only a CNAME loop fails, and it carries nothing.
		if len(a.Answer) != 0 || len(a.Ns) != 0 {
			t.Errorf("Lookup(%s) SERVFAIL with records %+v; want none", qname, a)
		}
		return
	}
	if a.Rcode != dns.RcodeSuccess && a.Rcode != dns.RcodeNameError {
		t.Errorf("Lookup(%s): rcode = %d; want NOERROR, NXDOMAIN or SERVFAIL", qname, a.Rcode)
	}
	if a.Rcode == dns.RcodeNameError && len(a.Ns) == 0 {
		t.Errorf("Lookup(%s): NXDOMAIN without SOA", qname)
	}
	for _, rr := range a.Ns {
		if soa, ok := rr.(*dns.SOA); !ok || soa.Hdr.Name != string(z.Origin()) || soa.Hdr.Ttl > z.SOA().Hdr.Ttl {
			t.Errorf("Lookup(%s): ns = %s; want the zone's SOA", qname, rr)
		}
	}
	if len(a.Ns) > 0 && len(a.Answer) > 0 && a.Answer[len(a.Answer)-1].Header().Rrtype != dns.TypeCNAME {
		t.Errorf("Lookup(%s): negative answer ends in %s; want a CNAME", qname, a.Answer[len(a.Answer)-1])
	}
	owner, cnames := string(qname), 0
	for i, rr := range a.Answer {
		h := rr.Header()
		if h.Name != owner {
			t.Errorf("Lookup(%s): answer[%d] owner = %s; want %s", qname, i, h.Name, owner)
		}
		if cn, ok := rr.(*dns.CNAME); ok && qtype != dns.TypeCNAME && qtype != dns.TypeANY {
			target, err := dnsname.Parse(cn.Target)
			if err != nil {
				t.Errorf("Lookup(%s): answer[%d] target: %v", qname, i, err)
			}
			owner = string(target)
			cnames++
			continue
		}
		if qtype != dns.TypeANY && h.Rrtype != qtype {
			t.Errorf("Lookup(%s): answer[%d] type = %s; want %s", qname, i, dns.Type(h.Rrtype), dns.Type(qtype))
		}
	}
	if cnames > MaxChain {
		t.Errorf("Lookup(%s): %d CNAMEs; want at most %d", qname, cnames, MaxChain)
	}
}

func FuzzLookup(f *testing.F) {
	z := mustZone(f, testZone)
	for _, s := range []string{"www.example.com", "alias2.example.com", "x.b.ent.w.example.com", "a.foo.w.example.com", "z.wc.example.com", "loop1.example.com", "c0.example.com", "example.org", "*.example.com", "WWW.EXAMPLE.COM"} {
		f.Add(s, dns.TypeA)
	}
	f.Add("www.example.com", dns.TypeANY)
	f.Fuzz(func(t *testing.T, s string, qtype uint16) {
		qname, err := dnsname.Parse(s)
		if err != nil {
			return
		}
		checkAnswer(t, z, qname, qtype, z.Lookup(qname, qtype))
	})
}

func BenchmarkLookup(b *testing.B) {
	z := mustZone(b, testZone)
	cases := []struct {
		name  string
		qname dnsname.Name
		qtype uint16
	}{
		{"exact", "www.example.com.", dns.TypeA},
		{"nodata", "www.example.com.", dns.TypeMX},
		{"nxdomain", "x.b.ent.w.example.com.", dns.TypeA},
		{"cname", "alias.example.com.", dns.TypeA},
		{"wildcard", "foo.w.example.com.", dns.TypeA},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				z.Lookup(c.qname, c.qtype)
			}
		})
	}
}

func TestLookupAllocations(t *testing.T) {
	z := mustZone(t, testZone)
	for _, q := range []struct {
		qname dnsname.Name
		qtype uint16
	}{
		{"www.example.com.", dns.TypeA},
		{"www.example.com.", dns.TypeANY},
		{"www.example.com.", dns.TypeMX},
		{"x.b.ent.w.example.com.", dns.TypeA},
		{"b.ent.w.example.com.", dns.TypeA},
	} {
		if got := testing.AllocsPerRun(100, func() { z.Lookup(q.qname, q.qtype) }); got != 0 {
			t.Errorf("Lookup(%s, %s) allocations = %v; want 0", q.qname, dns.Type(q.qtype), got)
		}
	}
}
