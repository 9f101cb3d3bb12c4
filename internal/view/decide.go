package view

import (
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/zone"
)

// Decision is the outcome of the choice for one query name.
type Decision struct {
	// Winner is the candidate that acts; nil when the VPC has DNS support
	// off and the query gets no answer at all.
	Winner *Candidate
	// Via is the system rule that sent the query to be resolved here, when
	// one won first (behaviour.md §3.4).
	Via *Candidate
}

// Decide makes the choice of behaviour.md §3 for a query name. It walks the
// labels of name once and allocates nothing.
func (v *VPC) Decide(name dnsname.Name) Decision {
	if !v.Config.DNSSupport {
		return Decision{}
	}
	var d Decision
	v.table.Walk(name, func(_ dnsname.Name, e entry) bool {
		for _, c := range e {
			if d.Via != nil && c.Source.Tier() == 0 {
				continue // after a system rule, only tiers 1–3 count
			}
			if c.Source == SourceSystemRule {
				d.Via = c
				continue
			}
			d.Winner = c
			return false
		}
		return true
	})
	if d.Winner != nil && d.Winner.Source == SourceInternet && v.public != nil {
		if _, c, ok := v.public.Longest(name); ok {
			d.Winner = c // the internet path reaches a public hosted zone
		}
	}
	return d
}

// Candidates returns every candidate whose domain matches name, most
// specific first and, on one domain, in tier order. It is for explain; the
// query path uses Decide.
func (v *VPC) Candidates(name dnsname.Name) []*Candidate {
	var out []*Candidate
	v.table.Walk(name, func(_ dnsname.Name, e entry) bool {
		out = append(out, e...)
		return true
	})
	return out
}

// Answer answers a query locally for a private hosted zone or autodefined
// winner. It must not be called for forwards.
func (v *VPC) Answer(c *Candidate, qname dnsname.Name, qtype uint16) zone.Answer {
	if c.Source == SourcePrivateZone || c.Source == SourceVPCEndpoint || c.PublicZone() {
		return c.Zone.Lookup(qname, qtype)
	}
	return v.scope.Answer(c.autoKind(), c.Domain, qname, qtype)
}

// Local reports whether the candidate is answered by vpcdns itself.
func (c *Candidate) Local() bool {
	switch c.Source {
	case SourcePrivateZone, SourceVPCEndpoint, SourceAutoReverse, SourceAutoEC2, SourceAutoLocal:
		return true
	case SourceInternet:
		return c.Zone != nil // a public hosted zone
	}
	return false
}

// Domains calls fn for every domain that is a candidate of the VPC (rules,
// zones, autodefined zones, the root), in no particular order. Every query
// name is decided as its most specific candidate domain is, so these are
// the names whose decisions describe the VPC completely (vpcdns diff).
func (v *VPC) Domains(fn func(dnsname.Name)) {
	v.table.All(func(d dnsname.Name, _ entry) { fn(d) })
}

// DomainCount returns the number of candidate domains of the VPC.
func (v *VPC) DomainCount() int { return v.table.Len() }

// HasDomain reports whether d is a candidate domain of the VPC.
func (v *VPC) HasDomain(d dnsname.Name) bool {
	_, ok := v.table.Get(d)
	return ok
}
