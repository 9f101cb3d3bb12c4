package netpath

import (
	"slices"
	"strconv"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
)

// Ephemeral ports: the destination ports of replies that come back to an
// endpoint address. The research notes (route53-resolver-semantics.md,
// open question 15) settle on 1024–65535, the range AWS's VPC guide
// recommends opening for "the different types of clients".
const (
	ephemeralLow  = 1024
	ephemeralHigh = 65535
)

// span is an inclusive range of ports held in ints, so that To+1 and From-1
// never wrap around.
type span struct{ lo, hi int }

func spanOf(r config.PortRange) span { return span{int(r.From), int(r.To)} }

func (s span) String() string {
	if s.lo == s.hi {
		return strconv.Itoa(s.lo)
	}
	return strconv.Itoa(s.lo) + "-" + strconv.Itoa(s.hi)
}

// spans is a set of ports as sorted, disjoint, non-adjacent spans (after
// normalize; intersect and subtract keep that form).
type spans []span

// intersect returns the ports of s that are also in r.
func (s spans) intersect(r span) spans {
	var out spans
	for _, x := range s {
		lo, hi := max(x.lo, r.lo), min(x.hi, r.hi)
		if lo <= hi {
			out = append(out, span{lo, hi})
		}
	}
	return out
}

// subtract returns the ports of s that are not in r.
func (s spans) subtract(r span) spans {
	var out spans
	for _, x := range s {
		if x.hi < r.lo || r.hi < x.lo { // disjoint
			out = append(out, x)
			continue
		}
		if x.lo < r.lo {
			out = append(out, span{x.lo, r.lo - 1})
		}
		if r.hi < x.hi {
			out = append(out, span{r.hi + 1, x.hi})
		}
	}
	return out
}

// normalize sorts s and merges overlapping and adjacent spans, in place.
func (s spans) normalize() spans {
	if len(s) < 2 {
		return s
	}
	slices.SortFunc(s, func(a, b span) int { return a.lo - b.lo })
	out := s[:1]
	for _, x := range s[1:] {
		last := &out[len(out)-1]
		if x.lo <= last.hi+1 {
			last.hi = max(last.hi, x.hi)
			continue
		}
		out = append(out, x)
	}
	return out
}

func (s spans) String() string {
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = x.String()
	}
	return strings.Join(parts, ", ")
}
