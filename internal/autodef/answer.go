package autodef

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/zone"
)

// TTL is the TTL of every answer vpcdns makes up itself (behaviour.md §5).
const TTL = 60

// Owned is a CIDR of the VPC or of a connected VPC, as reverse and EC2
// answers need it.
type Owned struct {
	Prefix netip.Prefix
	// Domain is the EC2 host domain of the owning VPC's region: the PTR
	// target of an address in Prefix is "ip-a-b-c-d." + Domain.
	Domain dnsname.Name
	// AssignedOnly limits PTR answers to Assigned addresses (ptr_records: assigned).
	AssignedOnly bool
}

// Scope is what the autodefined answers of one VPC can see: its own CIDRs
// and those of connected VPCs, and the instances declared in them. It is
// immutable once built.
type Scope struct {
	owned     []Owned
	assigned  map[netip.Addr]bool
	instances map[dnsname.Name]netip.Addr // resource name -> primary private IP
}

// NewScope returns a scope over the given CIDRs. assigned lists the declared
// instances' private IPs; instances maps each instance's resource name
// (i-….ec2.internal.) to its primary private IP.
func NewScope(owned []Owned, assigned map[netip.Addr]bool, instances map[dnsname.Name]netip.Addr) *Scope {
	return &Scope{owned: owned, assigned: assigned, instances: instances}
}

// Answer answers qname, which lies in the autodefined zone z of the given
// kind.
func (s *Scope) Answer(kind Kind, z, qname dnsname.Name, qtype uint16) zone.Answer {
	switch kind {
	case Reverse:
		return s.reverse(z, qname, qtype)
	case EC2:
		return s.ec2(z, qname, qtype)
	default:
		return local(z, qname, qtype)
	}
}

// SOA returns the synthesized SOA of an autodefined zone (RFC 6303 style).
func SOA(z dnsname.Name) *dns.SOA {
	return &dns.SOA{
		Hdr:     dns.RR_Header{Name: z.String(), Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: TTL},
		Ns:      z.String(),
		Mbox:    "nobody.invalid.",
		Serial:  1,
		Refresh: 3600,
		Retry:   1200,
		Expire:  604800,
		Minttl:  TTL,
	}
}

func nxdomain(z dnsname.Name) zone.Answer {
	return zone.Answer{Rcode: dns.RcodeNameError, Ns: []dns.RR{SOA(z)}}
}

func nodata(z dnsname.Name) zone.Answer {
	return zone.Answer{Rcode: dns.RcodeSuccess, Ns: []dns.RR{SOA(z)}}
}

// apex answers a query for the zone's own name: its SOA, or NODATA.
func apex(z dnsname.Name, qtype uint16) zone.Answer {
	if qtype == dns.TypeSOA || qtype == dns.TypeANY {
		return zone.Answer{Rcode: dns.RcodeSuccess, Answer: []dns.RR{SOA(z)}}
	}
	return nodata(z)
}

func hdr(name dnsname.Name, t uint16) dns.RR_Header {
	return dns.RR_Header{Name: name.String(), Rrtype: t, Class: dns.ClassINET, Ttl: TTL}
}

// IPName returns the EC2 IP name of an IPv4 address in a host domain:
// ip-10-0-0-5.ec2.internal.
func IPName(a netip.Addr, domain dnsname.Name) dnsname.Name {
	return dnsname.Name("ip-" + strings.ReplaceAll(a.String(), ".", "-") + "." + domain.String())
}

func (s *Scope) owner(a netip.Addr) (Owned, bool) {
	for _, o := range s.owned {
		if o.Prefix.Contains(a) {
			return o, true
		}
	}
	return Owned{}, false
}

// reverseApex answers the apex of a reverse zone: its SOA and its NS
// (RFC 6303 §3: the zone's own name is its name server), NODATA otherwise.
func reverseApex(z dnsname.Name, qtype uint16) zone.Answer {
	if qtype == dns.TypeNS {
		ns := &dns.NS{Hdr: hdr(z, dns.TypeNS), Ns: z.String()}
		return zone.Answer{Rcode: dns.RcodeSuccess, Answer: []dns.RR{ns}}
	}
	return apex(z, qtype)
}

func (s *Scope) reverse(z, qname dnsname.Name, qtype uint16) zone.Answer {
	a, isAddr := dnsname.ParseReverse(qname)
	// The zone of a /25–/28 CIDR is the name of one address (behaviour.md
	// §4): its apex is also where that address's PTR lives.
	if qname == z && (!isAddr || qtype == dns.TypeSOA || qtype == dns.TypeNS) {
		return reverseApex(z, qtype)
	}
	if isAddr {
		o, ok := s.owner(a)
		if !ok || (o.AssignedOnly && !s.assigned[a]) {
			if qname == z {
				return reverseApex(z, qtype) // the apex exists even without a PTR
			}
			return nxdomain(z)
		}
		if qtype != dns.TypePTR && qtype != dns.TypeANY {
			return nodata(z)
		}
		ptr := &dns.PTR{Hdr: hdr(qname, dns.TypePTR), Ptr: IPName(a, o.Domain).String()}
		return zone.Answer{Rcode: dns.RcodeSuccess, Answer: []dns.RR{ptr}}
	}
	// A name above the addresses (a.b.in-addr.arpa. inside a /8 zone) is an
	// empty non-terminal when it covers part of a known CIDR.
	if p, ok := partialReverse(qname); ok {
		for _, o := range s.owned {
			if o.Prefix.Overlaps(p) {
				return nodata(z)
			}
		}
	}
	return nxdomain(z)
}

// partialReverse turns an in-addr.arpa. name of one to three octets into the
// prefix it covers.
func partialReverse(n dnsname.Name) (netip.Prefix, bool) {
	const suffix = ".in-addr.arpa."
	s, ok := strings.CutSuffix(n.String(), suffix)
	if !ok {
		return netip.Prefix{}, false
	}
	parts := strings.Split(s, ".")
	if len(parts) < 1 || len(parts) > 3 {
		return netip.Prefix{}, false
	}
	var o [4]byte
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || v > 255 || (len(p) > 1 && p[0] == '0') {
			return netip.Prefix{}, false
		}
		o[len(parts)-1-i] = byte(v)
	}
	return netip.PrefixFrom(netip.AddrFrom4(o), 8*len(parts)), true
}

// rfc1918 are the private ranges whose IP names always resolve (AWS: "the
// hostname of the other instance is in the private address space").
var rfc1918 = [...]netip.Prefix{
	netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, 0, 0}), 8),
	netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 16, 0, 0}), 12),
	netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 168, 0, 0}), 16),
}

func isPrivate(a netip.Addr) bool {
	for _, p := range rfc1918 {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseIPLabel reads "ip-10-0-0-5" back into 10.0.0.5.
func parseIPLabel(label string) (netip.Addr, bool) {
	rest, ok := strings.CutPrefix(label, "ip-")
	if !ok {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(strings.ReplaceAll(rest, "-", "."))
	if err != nil || !a.Is4() {
		return netip.Addr{}, false
	}
	return a, true
}

func (s *Scope) ec2(z, qname dnsname.Name, qtype uint16) zone.Answer {
	if qname == z {
		return apex(z, qtype)
	}
	if parent, _ := qname.Parent(); parent != z {
		return nxdomain(z)
	}
	a, ok := s.instances[qname]
	if !ok {
		ip, isIP := parseIPLabel(qname.FirstLabel())
		if !isIP {
			return nxdomain(z)
		}
		if _, owned := s.owner(ip); !owned && !isPrivate(ip) {
			return nxdomain(z)
		}
		a = ip
	}
	if qtype != dns.TypeA && qtype != dns.TypeANY {
		return nodata(z)
	}
	return zone.Answer{Rcode: dns.RcodeSuccess, Answer: []dns.RR{&dns.A{Hdr: hdr(qname, dns.TypeA), A: a.AsSlice()}}}
}

// local answers the localhost zones: localhost. A 127.0.0.1 and AAAA ::1,
// the PTR of 127.0.0.1 and ::1, and NXDOMAIN for everything else.
func local(z, qname dnsname.Name, qtype uint16) zone.Answer {
	loop6 := dnsname.ReverseAddr(netip.IPv6Loopback())
	switch qname {
	case "localhost.":
		switch qtype {
		case dns.TypeA:
			return zone.Answer{Answer: []dns.RR{&dns.A{Hdr: hdr(qname, dns.TypeA), A: []byte{127, 0, 0, 1}}}}
		case dns.TypeAAAA:
			return zone.Answer{Answer: []dns.RR{&dns.AAAA{Hdr: hdr(qname, dns.TypeAAAA), AAAA: netip.IPv6Loopback().AsSlice()}}}
		}
		return apex(z, qtype)
	case "1.0.0.127.in-addr.arpa.", loop6:
		if qtype == dns.TypePTR {
			return zone.Answer{Answer: []dns.RR{&dns.PTR{Hdr: hdr(qname, dns.TypePTR), Ptr: "localhost."}}}
		}
		if qname == z {
			return apex(z, qtype)
		}
		return nodata(z)
	}
	if qname == z {
		return apex(z, qtype)
	}
	return nxdomain(z)
}
