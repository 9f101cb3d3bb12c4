package autodef

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

func TestReverseZones(t *testing.T) {
	tests := []struct {
		name  string
		cidr  string
		count int
		want  []dnsname.Name // all zones when count is small, else the first and last
	}{
		{name: "/8", cidr: "10.0.0.0/8", count: 1, want: []dnsname.Name{"10.in-addr.arpa."}},
		{name: "/12 rounds up to 16 /16 zones", cidr: "172.16.0.0/12", count: 16,
			want: []dnsname.Name{"16.172.in-addr.arpa.", "31.172.in-addr.arpa."}},
		{name: "/16", cidr: "10.0.0.0/16", count: 1, want: []dnsname.Name{"0.10.in-addr.arpa."}},
		{name: "/20 rounds up to 16 /24 zones", cidr: "10.0.16.0/20", count: 16,
			want: []dnsname.Name{"16.0.10.in-addr.arpa.", "31.0.10.in-addr.arpa."}},
		{name: "/23 gives two /24 zones", cidr: "10.0.0.0/23", count: 2,
			want: []dnsname.Name{"0.0.10.in-addr.arpa.", "1.0.10.in-addr.arpa."}},
		{name: "/24", cidr: "192.168.10.0/24", count: 1, want: []dnsname.Name{"10.168.192.in-addr.arpa."}},
		{name: "/26 gives one name per address", cidr: "10.0.0.64/26", count: 64,
			want: []dnsname.Name{"64.0.0.10.in-addr.arpa.", "127.0.0.10.in-addr.arpa."}},
		{name: "ipv6 gives none", cidr: "2001:db8::/56", count: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReverseZones(netip.MustParsePrefix(tt.cidr))
			if len(got) != tt.count {
				t.Fatalf("ReverseZones(%s) gave %d zones; want %d: %v", tt.cidr, len(got), tt.count, got)
			}
			if tt.count == 0 {
				return
			}
			if first := got[0]; first != tt.want[0] {
				t.Errorf("first zone = %s; want %s", first, tt.want[0])
			}
			if last := got[len(got)-1]; last != tt.want[len(tt.want)-1] {
				t.Errorf("last zone = %s; want %s", last, tt.want[len(tt.want)-1])
			}
		})
	}
}

func TestPrivateReverseZones(t *testing.T) {
	got := PrivateReverseZones()
	for _, want := range []dnsname.Name{"10.in-addr.arpa.", "16.172.in-addr.arpa.", "31.172.in-addr.arpa.", "168.192.in-addr.arpa.", "254.169.254.169.in-addr.arpa."} {
		if !slices.Contains(got, want) {
			t.Errorf("PrivateReverseZones() lacks %s", want)
		}
	}
	if len(got) != 19 {
		t.Errorf("PrivateReverseZones() has %d zones; want 19", len(got))
	}
}

func TestAnswers(t *testing.T) {
	s := NewScope([]Owned{
		{Prefix: netip.MustParsePrefix("10.0.0.0/16"), Domain: "ec2.internal."},
		{Prefix: netip.MustParsePrefix("10.1.0.0/16"), Domain: "eu-west-1.compute.internal.", AssignedOnly: true},
	}, map[netip.Addr]bool{netip.MustParseAddr("10.1.0.7"): true},
		map[dnsname.Name]netip.Addr{"i-0123456789abcdef0.ec2.internal.": netip.MustParseAddr("10.0.1.5")})

	tests := []struct {
		name   string
		kind   Kind
		zone   dnsname.Name
		qname  dnsname.Name
		qtype  uint16
		rcode  int
		answer string // the rdata of the only answer, or "" for none
	}{
		{"ptr in own cidr", Reverse, "0.10.in-addr.arpa.", "5.0.0.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess, "ip-10-0-0-5.ec2.internal."},
		{"ptr in peer cidr, other region, assigned", Reverse, "1.10.in-addr.arpa.", "7.0.1.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess, "ip-10-1-0-7.eu-west-1.compute.internal."},
		{"ptr in peer cidr, not assigned", Reverse, "1.10.in-addr.arpa.", "8.0.1.10.in-addr.arpa.", dns.TypePTR, dns.RcodeNameError, ""},
		{"rfc1918 outside every cidr", Reverse, "10.in-addr.arpa.", "5.0.9.10.in-addr.arpa.", dns.TypePTR, dns.RcodeNameError, ""},
		{"other type on an address", Reverse, "0.10.in-addr.arpa.", "5.0.0.10.in-addr.arpa.", dns.TypeA, dns.RcodeSuccess, ""},
		{"empty non-terminal above addresses", Reverse, "10.in-addr.arpa.", "0.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess, ""},
		{"zone apex soa", Reverse, "0.10.in-addr.arpa.", "0.10.in-addr.arpa.", dns.TypeSOA, dns.RcodeSuccess, "0.10.in-addr.arpa. nobody.invalid. 1 3600 1200 604800 60"},
		{"ip name", EC2, "ec2.internal.", "ip-10-0-0-5.ec2.internal.", dns.TypeA, dns.RcodeSuccess, "10.0.0.5"},
		{"ip name rfc1918 outside cidrs", EC2, "ec2.internal.", "ip-192-168-1-1.ec2.internal.", dns.TypeA, dns.RcodeSuccess, "192.168.1.1"},
		{"ip name public address", EC2, "ec2.internal.", "ip-8-8-8-8.ec2.internal.", dns.TypeA, dns.RcodeNameError, ""},
		{"resource name", EC2, "ec2.internal.", "i-0123456789abcdef0.ec2.internal.", dns.TypeA, dns.RcodeSuccess, "10.0.1.5"},
		{"ip name aaaa is nodata", EC2, "ec2.internal.", "ip-10-0-0-5.ec2.internal.", dns.TypeAAAA, dns.RcodeSuccess, ""},
		{"unknown ec2 name", EC2, "ec2.internal.", "db.ec2.internal.", dns.TypeA, dns.RcodeNameError, ""},
		{"localhost a", Local, "localhost.", "localhost.", dns.TypeA, dns.RcodeSuccess, "127.0.0.1"},
		{"localhost aaaa", Local, "localhost.", "localhost.", dns.TypeAAAA, dns.RcodeSuccess, "::1"},
		{"127.0.0.1 ptr", Local, "127.in-addr.arpa.", "1.0.0.127.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess, "localhost."},
		{"below localhost", Local, "localhost.", "www.localhost.", dns.TypeA, dns.RcodeNameError, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := s.Answer(tt.kind, tt.zone, tt.qname, tt.qtype)
			if a.Rcode != tt.rcode {
				t.Errorf("rcode = %s; want %s", dns.RcodeToString[a.Rcode], dns.RcodeToString[tt.rcode])
			}
			if tt.answer == "" {
				if len(a.Answer) != 0 {
					t.Fatalf("answer = %v; want none", a.Answer)
				}
				if len(a.Ns) != 1 || a.Ns[0].Header().Rrtype != dns.TypeSOA {
					t.Errorf("authority = %v; want the synthesized SOA", a.Ns)
				}
				return
			}
			if len(a.Answer) != 1 {
				t.Fatalf("answer = %v; want one record", a.Answer)
			}
			hdr := a.Answer[0].Header()
			if got := a.Answer[0].String()[len(hdr.String()):]; got != tt.answer {
				t.Errorf("rdata = %q; want %q", got, tt.answer)
			}
			if hdr.Ttl != TTL {
				t.Errorf("ttl = %d; want %d", hdr.Ttl, TTL)
			}
		})
	}
}
