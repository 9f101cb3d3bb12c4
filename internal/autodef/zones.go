// Package autodef holds the autodefined rules of Route 53 Resolver, the ones
// AWS creates and never shows: the reverse zones of VPC CIDRs and of the
// RFC 1918 ranges, the EC2 internal domains, and the localhost names
// (behaviour.md §2, §4), and the answers vpcdns gives for them (§5). It does
// not decide which candidate wins; that is the view's job.
package autodef

import (
	"net/netip"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// Kind says which family of autodefined rule a zone belongs to. The names
// are the candidate sources of explain.
type Kind uint8

const (
	Reverse Kind = iota + 1 // autodefined-reverse
	EC2                     // autodefined-ec2
	Local                   // autodefined-local
)

func (k Kind) String() string {
	switch k {
	case Reverse:
		return "autodefined-reverse"
	case EC2:
		return "autodefined-ec2"
	case Local:
		return "autodefined-local"
	}
	return "unknown"
}

// ReverseZones returns the autodefined reverse zones of one CIDR
// (behaviour.md §4). A prefix that is a multiple of 8 gives one zone; any
// other is rounded up to the next multiple of 8 and gives one zone per block,
// so no zone covers an address outside the CIDR (/25–/28 give one name per
// address). IPv6 CIDRs give none.
func ReverseZones(p netip.Prefix) []dnsname.Name {
	p = p.Masked()
	if !p.Addr().Is4() {
		return nil
	}
	bits := p.Bits()
	round := (bits + 7) / 8 * 8
	count := 1 << (round - bits)
	zones := make([]dnsname.Name, 0, count)
	base := p.Addr().As4()
	start := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	step := uint32(1) << (32 - round)
	if round == 0 { // 0.0.0.0/0: the whole of in-addr.arpa.
		return []dnsname.Name{dnsname.MustParse("in-addr.arpa.")}
	}
	for i := 0; i < count; i++ {
		a := start + uint32(i)*step
		addr := netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)})
		zones = append(zones, dnsname.ReverseZone(netip.PrefixFrom(addr, round)))
	}
	return zones
}

// PrivateReverseZones are the reverse zones AWS defines for the RFC 1918
// ranges and the instance metadata address, whatever the VPC's CIDRs.
func PrivateReverseZones() []dnsname.Name {
	zones := []dnsname.Name{dnsname.MustParse("10.in-addr.arpa.")}
	zones = append(zones, ReverseZones(netip.MustParsePrefix("172.16.0.0/12"))...)
	zones = append(zones,
		dnsname.MustParse("168.192.in-addr.arpa."),
		dnsname.MustParse("254.169.254.169.in-addr.arpa."))
	return zones
}

// EC2Domains returns the EC2 internal domains of a region: ec2.internal and
// compute-1.internal in us-east-1, REGION.compute.internal elsewhere.
func EC2Domains(region string) []dnsname.Name {
	if region == "us-east-1" {
		return []dnsname.Name{dnsname.MustParse("ec2.internal."), dnsname.MustParse("compute-1.internal.")}
	}
	return []dnsname.Name{dnsname.MustParse(region + ".compute.internal.")}
}

// HostDomain is the domain of an instance's IP name in a region: the first of
// EC2Domains.
func HostDomain(region string) dnsname.Name {
	if region == "us-east-1" {
		return "ec2.internal."
	}
	return dnsname.Name(region + ".compute.internal.")
}

// LocalZones are the localhost zones: localhost, localdomain,
// 127.in-addr.arpa and the ip6.arpa names of ::1 and ::.
func LocalZones() []dnsname.Name {
	return []dnsname.Name{
		"localhost.",
		"localdomain.",
		"127.in-addr.arpa.",
		dnsname.ReverseAddr(netip.IPv6Loopback()),
		dnsname.ReverseAddr(netip.IPv6Unspecified()),
	}
}
