// Package zone holds the data of one authoritative zone and answers queries
// from it: exact matches, CNAME chains inside the zone, RFC 4592 wildcards,
// and RFC 2308 negative answers (NXDOMAIN and NODATA with the zone's SOA).
//
// It serves private hosted zones (the VPC resolver sets RA and clears AA) and
// the emulated authoritative servers (which set AA): the caller sets the
// header flags, this package only chooses the records and the rcode.
//
// NS records below the apex are kept as ordinary data and do not delegate:
// Route 53 private hosted zones answer for the whole zone, so a query below
// such an NS set is answered from this zone, never with a referral. DNAME is
// refused when the zone is built (Route 53 has no DNAME).
//
// A Zone is immutable after New and safe for concurrent use.
package zone

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// Zone is the read-only index of one zone's records.
type Zone struct {
	origin dnsname.Name
	soa    *dns.SOA
	// neg is the authority section of every negative answer: a copy of the
	// SOA whose TTL is min(SOA TTL, SOA MINIMUM) (RFC 2308 §3, §5).
	neg   []dns.RR
	names map[dnsname.Name]*node
}

// node is one name of the zone. A node without sets is an empty
// non-terminal: it exists because names below it own records.
type node struct {
	sets []rrset
	all  []dns.RR // every record of the name, grouped by type (for ANY)
	// cname is the name's CNAME and target its canonical target, when it
	// has one; it is then the name's only record.
	cname  dns.RR
	target dnsname.Name
	// wildcard is the node of "*." + this name, when it exists.
	wildcard *node
}

// rrset is the records of one type at one name. rrs has its capacity clipped
// to its length, so a caller that appends to it cannot write into the zone.
type rrset struct {
	typ uint16
	rrs []dns.RR
}

// New builds the index of the zone origin from rrs. The zone must have one SOA
// at its apex, and every record must lie inside the zone and have class IN.
// Identical records (same name, type and data, TTL aside) are collapsed to the
// first one; a CNAME may not share its name with any other record (RFC 1034
// §3.6.2, no exceptions) and a name has at most one CNAME. Owner names are
// canonicalised as dnsname.Parse does (lower case, one spelling of escapes);
// record data is kept as given. origin must be canonical too.
//
// New copies the records: the caller may reuse or modify rrs afterwards. All
// problems are reported at once, each wrapped with the zone's name.
func New(origin dnsname.Name, rrs []dns.RR) (*Zone, error) {
	if origin == "" {
		return nil, errors.New("zone: empty origin")
	}
	z := &Zone{origin: origin, names: make(map[dnsname.Name]*node)}
	var errs []error
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("zone %s: "+format, append([]any{origin}, args...)...))
	}

	type dupKey struct {
		name  dnsname.Name
		typ   uint16
		rdata string // lower-cased presentation of the data
	}
	seen := make(map[dupKey][]dns.RR)

	for _, rr := range rrs {
		if rr == nil {
			fail("nil record")
			continue
		}
		h := rr.Header()
		what := h.Name + " " + dns.Type(h.Rrtype).String()
		name, err := dnsname.Parse(h.Name)
		if err != nil {
			fail("record %s: %v", what, err)
			continue
		}
		switch {
		case !name.IsSubdomainOf(origin):
			fail("record %s: outside the zone", what)
			continue
		case h.Class != dns.ClassINET:
			fail("record %s: class %s, want IN", what, dns.Class(h.Class))
			continue
		case h.Rrtype == dns.TypeNone:
			fail("record %s: no type", what)
			continue
		case h.Rrtype == dns.TypeDNAME:
			fail("record %s: DNAME is not supported", what)
			continue
		case h.Rrtype == dns.TypeSOA && name != origin:
			fail("record %s: SOA below the zone apex", what)
			continue
		}

		cp := dns.Copy(rr)
		cp.Header().Name = string(name)
		key := dupKey{name, h.Rrtype, strings.ToLower(strings.TrimPrefix(rr.String(), h.String()))}
		if slices.ContainsFunc(seen[key], func(o dns.RR) bool { return dns.IsDuplicate(o, cp) }) {
			continue
		}
		seen[key] = append(seen[key], cp)
		z.add(name, cp)
	}

	for _, name := range slices.Sorted(maps.Keys(z.names)) {
		z.finish(name, z.names[name], fail)
	}
	var soas []dns.RR
	if apex := z.names[origin]; apex != nil {
		soas = apex.get(dns.TypeSOA)
	}
	switch len(soas) {
	case 0:
		fail("no SOA record at the apex")
	case 1:
		z.soa = soas[0].(*dns.SOA)
	default:
		fail("%d SOA records at the apex, want one", len(soas))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	neg := dns.Copy(z.soa).(*dns.SOA)
	neg.Hdr.Ttl = min(neg.Hdr.Ttl, neg.Minttl)
	z.neg = []dns.RR{neg}
	return z, nil
}

// add files rr under name, creating the name and the empty non-terminals
// between it and the apex.
func (z *Zone) add(name dnsname.Name, rr dns.RR) {
	n := z.node(name)
	typ := rr.Header().Rrtype
	for i := range n.sets {
		if n.sets[i].typ == typ {
			n.sets[i].rrs = append(n.sets[i].rrs, rr)
			return
		}
	}
	n.sets = append(n.sets, rrset{typ: typ, rrs: []dns.RR{rr}})
}

// node returns the node of name, creating it and its missing ancestors down
// from the apex.
func (z *Zone) node(name dnsname.Name) *node {
	if n := z.names[name]; n != nil {
		return n
	}
	n := &node{}
	z.names[name] = n
	if name != z.origin {
		if parent, ok := name.Parent(); ok {
			z.node(parent)
		}
	}
	return n
}

// finish checks one node and fills its derived fields.
func (z *Zone) finish(name dnsname.Name, n *node, fail func(string, ...any)) {
	for i := range n.sets {
		n.sets[i].rrs = slices.Clip(n.sets[i].rrs)
		n.all = append(n.all, n.sets[i].rrs...)
	}
	n.all = slices.Clip(n.all)
	if cn := n.get(dns.TypeCNAME); cn != nil {
		switch {
		case len(cn) > 1:
			fail("name %s: %d CNAME records, want one", name, len(cn))
		case len(n.sets) > 1:
			fail("name %s: CNAME and other data", name)
		default:
			target, err := dnsname.Parse(cn[0].(*dns.CNAME).Target)
			if err != nil {
				fail("name %s: CNAME target: %v", name, err)
				break
			}
			n.cname, n.target = cn[0], target
		}
	}
	if name.FirstLabel() == "*" && name != z.origin {
		if parent, ok := name.Parent(); ok {
			z.names[parent].wildcard = n
		}
	}
}

// get returns the records of type typ at n (nil when there are none).
func (n *node) get(typ uint16) []dns.RR {
	for i := range n.sets {
		if n.sets[i].typ == typ {
			return n.sets[i].rrs
		}
	}
	return nil
}

// Origin returns the zone's name.
func (z *Zone) Origin() dnsname.Name { return z.origin }

// SOA returns the zone's SOA record as given (its own TTL, not the negative
// TTL). It is shared: the caller must not modify it.
func (z *Zone) SOA() *dns.SOA { return z.soa }
