// Package dnsname holds the one DNS name type of vpcdns: a fully qualified
// domain name in canonical form (lower case, trailing dot), parsed once at the
// edge and compared label-wise everywhere else. It is not a general DNS
// message library; wire parsing lives in github.com/miekg/dns.
package dnsname

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/miekg/dns"
)

// Name is a canonical fully qualified domain name: ASCII lower case, in
// presentation format, always ending in a dot. The root is ".". The zero value
// is not a valid name; use Parse or FromWire to obtain one.
type Name string

// Root is the root of the DNS tree, the domain of the internet rule.
const Root Name = "."

var errEmpty = errors.New("empty name")

// Parse validates s as a domain name in presentation format and returns it in
// canonical form. A missing trailing dot is added.
func Parse(s string) (Name, error) {
	if s == "" {
		return "", errEmpty
	}
	if s == "." {
		return Root, nil
	}
	if strings.HasPrefix(s, ".") {
		return "", fmt.Errorf("name %q: empty label", s)
	}
	if strings.Contains(s, "..") && !strings.Contains(s, `\.`) {
		return "", fmt.Errorf("name %q: empty label", s)
	}
	fq := dns.Fqdn(s)
	n, ok := dns.IsDomainName(fq)
	if !ok || n == 0 {
		return "", fmt.Errorf("name %q: not a valid domain name", s)
	}
	// Round-trip through the wire form: it checks the 255-octet limit and
	// gives one presentation of each name (\065 becomes A, odd bytes \DDD).
	buf := make([]byte, 256)
	off, err := dns.PackDomainName(fq, buf, 0, nil, false)
	if err != nil {
		return "", fmt.Errorf("name %q: %w", s, err)
	}
	canon, _, err := dns.UnpackDomainName(buf[:off], 0)
	if err != nil {
		return "", fmt.Errorf("name %q: %w", s, err)
	}
	return Name(lower(canon)), nil
}

// MustParse is Parse for constants known to be valid; it panics otherwise.
func MustParse(s string) Name {
	n, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return n
}

// FromWire canonicalises a name that miekg/dns has already unpacked from a
// message (and therefore validated). It allocates only when the name has
// upper-case letters.
func FromWire(s string) Name {
	if s == "" {
		return Root
	}
	if s[len(s)-1] != '.' {
		s += "."
	}
	return Name(lower(s))
}

// lower returns s in ASCII lower case (DNS compares case only for ASCII,
// RFC 4343), without allocating when it already is.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// String returns the presentation form, with its trailing dot.
func (n Name) String() string { return string(n) }

// IsRoot reports whether n is the root.
func (n Name) IsRoot() bool { return n == Root }

// Parent returns the name with its first label removed; the parent of a
// top-level name is the root, and the root has no parent (ok is false).
func (n Name) Parent() (Name, bool) {
	if n == Root || n == "" {
		return "", false
	}
	i := nextLabel(string(n), 0)
	if i >= len(n) {
		return Root, true
	}
	return n[i:], true
}

// Labels returns the number of labels, not counting the root: "a.b." has 2.
func (n Name) Labels() int {
	if n == Root || n == "" {
		return 0
	}
	count := 0
	for i := 0; i < len(n); i = nextLabel(string(n), i) {
		count++
	}
	return count
}

// FirstLabel returns the leftmost label in presentation form (escapes kept).
func (n Name) FirstLabel() string {
	if n == Root || n == "" {
		return ""
	}
	return string(n[:nextLabel(string(n), 0)-1])
}

// IsSubdomainOf reports whether n equals parent or lies below it, comparing
// whole labels: a.example.com. is below example.com., badexample.com. is not.
func (n Name) IsSubdomainOf(parent Name) bool {
	if parent == Root {
		return true
	}
	if len(n) < len(parent) || !strings.HasSuffix(string(n), string(parent)) {
		return false
	}
	if len(n) == len(parent) {
		return true
	}
	// The suffix must start on a label boundary of n.
	for i := 0; i < len(n); i = nextLabel(string(n), i) {
		if len(n)-i == len(parent) {
			return true
		}
		if len(n)-i < len(parent) {
			return false
		}
	}
	return false
}

// Child returns label.n; label is taken as already valid presentation form.
func (n Name) Child(label string) Name {
	if n == Root {
		return Name(lower(label) + ".")
	}
	return Name(lower(label) + "." + string(n))
}

// nextLabel returns the offset of the label after the one starting at i, or
// len(s) when the label at i is the last one. It honours \. and \DDD escapes.
func nextLabel(s string, i int) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++ // skip the escaped byte; \DDD digits are not dots either
		case '.':
			return i + 1
		}
	}
	return len(s)
}

// ReverseAddr returns the reverse-lookup name of an address, as dig -x
// builds it: in-addr.arpa. for IPv4, nibbles under ip6.arpa. for IPv6.
func ReverseAddr(a netip.Addr) Name {
	a = a.Unmap()
	var b strings.Builder
	if a.Is4() {
		o := a.As4()
		for i := 3; i >= 0; i-- {
			b.WriteString(strconv.Itoa(int(o[i])))
			b.WriteByte('.')
		}
		b.WriteString("in-addr.arpa.")
		return Name(b.String())
	}
	const hexdigits = "0123456789abcdef"
	o := a.As16()
	for i := 15; i >= 0; i-- {
		b.WriteByte(hexdigits[o[i]&0xf])
		b.WriteByte('.')
		b.WriteByte(hexdigits[o[i]>>4])
		b.WriteByte('.')
	}
	b.WriteString("ip6.arpa.")
	return Name(b.String())
}

// ReverseZone returns the in-addr.arpa. name that covers the first bits/8
// octets of an IPv4 prefix (bits a multiple of 8, 0–32).
func ReverseZone(p netip.Prefix) Name {
	o := p.Addr().As4()
	octets := p.Bits() / 8
	var b strings.Builder
	for i := octets - 1; i >= 0; i-- {
		b.WriteString(strconv.Itoa(int(o[i])))
		b.WriteByte('.')
	}
	b.WriteString("in-addr.arpa.")
	return Name(b.String())
}

// ParseReverse turns an in-addr.arpa. name with all four octets back into the
// IPv4 address it names. ok is false for any other name.
func ParseReverse(n Name) (netip.Addr, bool) {
	const suffix = ".in-addr.arpa."
	s := string(n)
	if !strings.HasSuffix(s, suffix) {
		return netip.Addr{}, false
	}
	parts := strings.Split(s[:len(s)-len(suffix)], ".")
	if len(parts) != 4 {
		return netip.Addr{}, false
	}
	var o [4]byte
	for i, p := range parts {
		if p == "" || len(p) > 3 || (len(p) > 1 && p[0] == '0') {
			return netip.Addr{}, false
		}
		v, err := strconv.Atoi(p)
		if err != nil || v > 255 {
			return netip.Addr{}, false
		}
		o[3-i] = byte(v)
	}
	return netip.AddrFrom4(o), true
}
