package autodef

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// rrText is a record without its TTL, for comparing sections.
func rrText(rrs []dns.RR) []string {
	var out []string
	for _, rr := range rrs {
		cp := dns.Copy(rr)
		cp.Header().Ttl = 0
		out = append(out, cp.String())
	}
	return out
}

// The reverse answers of small and octet-boundary CIDRs, in the style of
// CoreDNS's table tests: question, rcode, answer and authority.
func TestReverseAnswers(t *testing.T) {
	soa := func(z string) string {
		return z + "\t0\tIN\tSOA\t" + z + " nobody.invalid. 1 3600 1200 604800 60"
	}
	ptr := func(name, target string) string { return name + "\t0\tIN\tPTR\t" + target }
	tests := []struct {
		name   string
		cidr   string
		qname  string
		qtype  uint16
		rcode  int
		answer []string
		ns     []string
	}{
		// /25–/28: the zone is the address's own name (behaviour.md §4).
		{"/25 first address", "10.3.0.0/25", "0.0.3.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess,
			[]string{ptr("0.0.3.10.in-addr.arpa.", "ip-10-3-0-0.ec2.internal.")}, nil},
		{"/25 last address", "10.3.0.0/25", "127.0.3.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess,
			[]string{ptr("127.0.3.10.in-addr.arpa.", "ip-10-3-0-127.ec2.internal.")}, nil},
		{"/26 middle address", "10.3.0.64/26", "100.0.3.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess,
			[]string{ptr("100.0.3.10.in-addr.arpa.", "ip-10-3-0-100.ec2.internal.")}, nil},
		{"/27", "10.3.0.32/27", "33.0.3.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess,
			[]string{ptr("33.0.3.10.in-addr.arpa.", "ip-10-3-0-33.ec2.internal.")}, nil},
		{"/28", "10.3.0.16/28", "31.0.3.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess,
			[]string{ptr("31.0.3.10.in-addr.arpa.", "ip-10-3-0-31.ec2.internal.")}, nil},
		{"/28 SOA at the address zone", "10.3.0.16/28", "20.0.3.10.in-addr.arpa.", dns.TypeSOA, dns.RcodeSuccess,
			[]string{soa("20.0.3.10.in-addr.arpa.")}, nil},
		{"/28 NS at the address zone", "10.3.0.16/28", "20.0.3.10.in-addr.arpa.", dns.TypeNS, dns.RcodeSuccess,
			[]string{"20.0.3.10.in-addr.arpa.\t0\tIN\tNS\t20.0.3.10.in-addr.arpa."}, nil},
		{"/28 A at the address is NODATA", "10.3.0.16/28", "20.0.3.10.in-addr.arpa.", dns.TypeA, dns.RcodeSuccess,
			nil, []string{soa("20.0.3.10.in-addr.arpa.")}},
		// Octet boundaries.
		{"/16 PTR", "10.0.0.0/16", "5.1.0.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess,
			[]string{ptr("5.1.0.10.in-addr.arpa.", "ip-10-0-1-5.ec2.internal.")}, nil},
		{"/16 NS at the apex (RFC 6303)", "10.0.0.0/16", "0.10.in-addr.arpa.", dns.TypeNS, dns.RcodeSuccess,
			[]string{"0.10.in-addr.arpa.\t0\tIN\tNS\t0.10.in-addr.arpa."}, nil},
		{"/16 SOA at the apex", "10.0.0.0/16", "0.10.in-addr.arpa.", dns.TypeSOA, dns.RcodeSuccess,
			[]string{soa("0.10.in-addr.arpa.")}, nil},
		{"/16 empty non-terminal", "10.0.0.0/16", "1.0.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess,
			nil, []string{soa("0.10.in-addr.arpa.")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := netip.MustParsePrefix(tt.cidr)
			s := NewScope([]Owned{{Prefix: p, Domain: "ec2.internal."}}, nil, nil)
			qname := dnsname.MustParse(tt.qname)
			var z dnsname.Name
			for _, c := range ReverseZones(p) {
				if qname.IsSubdomainOf(c) {
					z = c
				}
			}
			if z == "" {
				t.Fatalf("no reverse zone of %s holds %s", tt.cidr, tt.qname)
			}
			a := s.Answer(Reverse, z, qname, tt.qtype)
			if a.Rcode != tt.rcode {
				t.Errorf("rcode %s; want %s", dns.RcodeToString[a.Rcode], dns.RcodeToString[tt.rcode])
			}
			if got := rrText(a.Answer); !slices.Equal(got, tt.answer) {
				t.Errorf("answer %q; want %q", got, tt.answer)
			}
			if got := rrText(a.Ns); !slices.Equal(got, tt.ns) {
				t.Errorf("authority %q; want %q", got, tt.ns)
			}
		})
	}
}
