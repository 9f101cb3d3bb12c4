package zone

import (
	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// MaxChain is the most CNAME records one answer follows inside the zone.
const MaxChain = 8

// Answer is what a zone answers: the rcode and the answer and authority
// sections. The caller sets the header flags (AA, RA) and the question.
//
// The slices and the records in them may be shared with the zone and with
// every other answer: the caller must not modify them in place (no setting a
// TTL, no changing an owner's case, no sorting or overwriting an element).
// Appending to a slice is safe. To change records, take Copy first; for the
// usual "pack into a reply" path, placing the records into a dns.Msg and
// packing it modifies nothing.
type Answer struct {
	Rcode  int
	Answer []dns.RR
	Ns     []dns.RR
}

// Copy returns a deep copy of a, whose records the caller owns.
func (a Answer) Copy() Answer {
	return Answer{Rcode: a.Rcode, Answer: copyRRs(a.Answer), Ns: copyRRs(a.Ns)}
}

func copyRRs(rrs []dns.RR) []dns.RR {
	if rrs == nil {
		return nil
	}
	out := make([]dns.RR, len(rrs))
	for i, rr := range rrs {
		out[i] = dns.Copy(rr)
	}
	return out
}

// Lookup answers qname/qtype from the zone.
//
//   - The name has records of qtype: those records. qtype ANY gives every
//     record of the name (the caller may minimise, RFC 8482).
//   - The name has a CNAME and qtype is neither CNAME nor ANY: the CNAME,
//     then the chain is followed inside the zone, each target answered as
//     the query name was. The chain stops, NOERROR with the CNAMEs so far,
//     at a target outside the zone (the caller may resolve it elsewhere)
//     or after MaxChain CNAMEs. A loop is SERVFAIL with nothing else, as
//     BIND and Unbound answer it (a configuration error, RFC 1034 §3.6.2:
//     a NOERROR without data would be cached as a settled answer). A chain ending in a name that does
//     not exist is NXDOMAIN, one ending in a name without the type is NODATA,
//     both with the CNAMEs in the answer (RFC 6604: the rcode is the last
//     name's).
//   - A name that does not exist is answered from the wildcard at its
//     closest encloser, if there is one (RFC 4592): the wildcard's records
//     with the owner changed to the name. A name that exists, empty
//     non-terminals included, is never answered from a wildcard, and the
//     wildcard of a name only covers names whose closest encloser it is.
//   - No such name: NXDOMAIN with the SOA in Ns. The name exists without the
//     type: NOERROR, empty answer, SOA in Ns (RFC 2308 NODATA). The SOA's TTL
//     in both is min(SOA TTL, SOA MINIMUM).
//   - qname outside the zone: REFUSED and nothing else. Callers choose the
//     zone first and never ask it for names outside it.
//
// Lookup does not allocate unless it follows a CNAME or synthesises from a
// wildcard.
func (z *Zone) Lookup(qname dnsname.Name, qtype uint16) Answer {
	if !qname.IsSubdomainOf(z.origin) {
		return Answer{Rcode: dns.RcodeRefused}
	}
	var chain []dns.RR
	name := qname
	for {
		n, wild := z.find(name)
		if n == nil {
			return Answer{Rcode: dns.RcodeNameError, Answer: chain, Ns: z.neg}
		}
		if n.cname != nil && qtype != dns.TypeCNAME && qtype != dns.TypeANY {
			if chain == nil {
				chain = make([]dns.RR, 0, 4)
			}
			cn := n.cname
			if wild {
				cn = synthesize(cn, name)
			}
			chain = append(chain, cn)
			name = n.target
			if owns(chain, name) {
				return Answer{Rcode: dns.RcodeServerFailure}
			}
			if !name.IsSubdomainOf(z.origin) || len(chain) >= MaxChain {
				return Answer{Rcode: dns.RcodeSuccess, Answer: chain}
			}
			continue
		}
		rrs := n.all
		if qtype != dns.TypeANY {
			rrs = n.get(qtype)
		}
		if len(rrs) == 0 {
			return Answer{Rcode: dns.RcodeSuccess, Answer: chain, Ns: z.neg}
		}
		if wild {
			out := make([]dns.RR, len(chain), len(chain)+len(rrs))
			copy(out, chain)
			for _, rr := range rrs {
				out = append(out, synthesize(rr, name))
			}
			return Answer{Rcode: dns.RcodeSuccess, Answer: out}
		}
		if chain == nil {
			return Answer{Rcode: dns.RcodeSuccess, Answer: rrs}
		}
		return Answer{Rcode: dns.RcodeSuccess, Answer: append(chain, rrs...)}
	}
}

// find returns the node that answers for name, which lies inside the zone:
// the name's own node, or else the wildcard at its closest encloser (wild is
// then true), or nil when the name does not exist.
func (z *Zone) find(name dnsname.Name) (n *node, wild bool) {
	if n := z.names[name]; n != nil {
		return n, false
	}
	// The apex always exists, so the walk ends at the latest there.
	for ce := name; ; {
		parent, ok := ce.Parent()
		if !ok {
			return nil, false
		}
		ce = parent
		if n := z.names[ce]; n != nil {
			return n.wildcard, n.wildcard != nil
		}
	}
}

// synthesize returns a copy of a wildcard's record, owned by name.
func synthesize(rr dns.RR, name dnsname.Name) dns.RR {
	cp := dns.Copy(rr)
	cp.Header().Name = string(name)
	return cp
}

// owns reports whether one of the CNAMEs of chain is owned by name: following
// it again would loop. Owners are canonical, so plain comparison will do.
func owns(chain []dns.RR, name dnsname.Name) bool {
	for _, rr := range chain {
		if rr.Header().Name == string(name) {
			return true
		}
	}
	return false
}
