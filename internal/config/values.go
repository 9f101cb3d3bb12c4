package config

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// The parsers below report a problem at path `at` and return the zero value
// (and false) for anything invalid, so that checks that depend on the value
// can be skipped instead of piling up follow-on problems.

// required reports a missing value; it returns false when s is empty.
func (b *builder) required(at, s string) bool {
	if s == "" {
		b.c.add(at, "", "is required")
		return false
	}
	return true
}

// cidr parses a CIDR block in its normal form: 10.0.0.1/16 is refused, as
// AWS refuses it.
func (b *builder) cidr(at, s string) (netip.Prefix, bool) {
	if !b.required(at, s) {
		return netip.Prefix{}, false
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		b.c.add(at, s, "is not a CIDR block (e.g. 10.0.0.0/16)")
		return netip.Prefix{}, false
	}
	if m := p.Masked(); m != p {
		b.c.add(at, s, "has host bits set: the block is "+m.String())
		return netip.Prefix{}, false
	}
	return p, true
}

// ipv4 parses an IPv4 address.
func (b *builder) ipv4(at, s string) (netip.Addr, bool) {
	if !b.required(at, s) {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		b.c.add(at, s, "is not an IPv4 address")
		return netip.Addr{}, false
	}
	return a, true
}

// addr parses an IPv4 or IPv6 address. Text that looks like IPv4 (dots, no
// colon) is reported as "not an IPv4 address".
func (b *builder) addr(at, s string) (netip.Addr, bool) {
	if !b.required(at, s) {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		if strings.Contains(s, ".") && !strings.Contains(s, ":") {
			b.c.add(at, s, "is not an IPv4 address")
		} else {
			b.c.add(at, s, "is not an IP address")
		}
		return netip.Addr{}, false
	}
	return a, true
}

// addrPort parses "ip:port" ("[v6]:port" for IPv6) with a port 1–65535.
func (b *builder) addrPort(at, s string) (netip.AddrPort, bool) {
	ap, reason := parseAddrPort(s)
	if reason != "" {
		b.c.add(at, s, reason)
		return netip.AddrPort{}, false
	}
	return ap, true
}

// parseAddrPort parses ip:port and says what is wrong when it cannot.
func parseAddrPort(s string) (netip.AddrPort, string) {
	if s == "" {
		return netip.AddrPort{}, "is required"
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return netip.AddrPort{}, "is not an ip:port address (e.g. 127.0.0.1:5353)"
	}
	a, err := netip.ParseAddr(host)
	if err != nil || a.Zone() != "" {
		return netip.AddrPort{}, "is not an ip:port address: " + strconv.Quote(host) + " is not an IP address"
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return netip.AddrPort{}, "has port " + strconv.Quote(port) + " outside 1–65535"
	}
	return netip.AddrPortFrom(a, uint16(n)), ""
}

// port checks an optional port (1–65535), returning def when absent.
func (b *builder) port(at string, p *int, def uint16) (uint16, bool) {
	if p == nil {
		return def, true
	}
	if *p < 1 || *p > 65535 {
		b.c.add(at, strconv.Itoa(*p), "is not a port (1–65535)")
		return 0, false
	}
	return uint16(*p), true
}

// duration parses an optional duration (Go syntax: 500ms, 1s, 1h30m); def
// when empty. positive asks for more than zero, else zero is allowed.
func (b *builder) duration(at, s string, def time.Duration, positive bool) time.Duration {
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		b.c.add(at, s, "is not a duration (e.g. 500ms, 1s, 1h)")
		return def
	case positive && d <= 0:
		b.c.add(at, s, "must be more than zero")
		return def
	case d < 0:
		b.c.add(at, s, "must not be negative")
		return def
	}
	return d
}

// enum checks s against the allowed values (case-sensitive, as the spec
// writes them); def is returned for an empty s, or a problem is reported
// when def is "" (the field is required).
func (b *builder) enum(at, s, def string, allowed ...string) (string, bool) {
	if s == "" {
		if def == "" {
			b.c.add(at, "", "is required ("+orList(allowed)+")")
			return "", false
		}
		return def, true
	}
	if !slices.Contains(allowed, s) {
		b.c.add(at, s, "must be "+orList(allowed))
		return "", false
	}
	return s, true
}

func orList(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// domain parses a required domain name into canonical form.
func (b *builder) domain(at, s string) (dnsname.Name, bool) {
	if !b.required(at, s) {
		return "", false
	}
	n, err := dnsname.Parse(s)
	// Characters that would need escaping in a zone file are refused too:
	// no real name needs them, and records are built from text.
	if err != nil || strings.ContainsAny(s, " \t\r\n;()\"\\@$") {
		b.c.add(at, s, "is not a valid domain name")
		return "", false
	}
	return n, true
}

// validRegion reports whether s looks like an AWS region name: lower-case
// words and a number, joined by dashes (us-east-1, us-gov-west-1).
func validRegion(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 {
		return false
	}
	for i, p := range parts {
		if p == "" {
			return false
		}
		for _, r := range p {
			digit, letter := r >= '0' && r <= '9', r >= 'a' && r <= 'z'
			if i == len(parts)-1 && !digit || i < len(parts)-1 && !letter {
				return false
			}
		}
	}
	return true
}

// validAccount reports whether s is a 12-digit AWS account id.
func validAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// contains reports whether prefix outer contains all of inner.
func contains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// inAny returns whether a lies in one of ps.
func inAny(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// prefixList formats prefixes for a message: "10.0.0.0/16, 10.1.0.0/16".
func prefixList(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

// reservedInSubnet reports whether AWS reserves a in the IPv4 subnet p: the
// first four addresses and the last one.
func reservedInSubnet(p netip.Prefix, a netip.Addr) bool {
	if !p.Addr().Is4() || !a.Is4() || !p.Contains(a) || p.Bits() > 28 {
		return false
	}
	base := p.Masked().Addr().As4()
	off := uint32(0)
	ab := a.As4()
	for i := 0; i < 4; i++ {
		off = off<<8 | uint32(ab[i]^base[i])
	}
	size := uint32(1) << (32 - p.Bits())
	return off < 4 || off == size-1
}

// deref returns *p, or def when p is nil.
func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// sprintf is fmt.Sprintf, short.
func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
