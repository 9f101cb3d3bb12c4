// Package suffix holds the one most-specific-suffix structure of vpcdns. It
// serves resolver rules, private hosted zones and autodefined zones alike.
// A lookup walks the labels of the query name, one map probe per label, so
// its cost grows with the labels of the query and not with the number of
// entries. It is not safe for writes concurrent with reads: build it once,
// then share it read-only (the compiled view of a network is immutable).
package suffix

import "github.com/vpcdns/vpcdns/internal/dnsname"

// Table maps domains to values and finds, for a query name, the values of the
// domains that equal it or are its parents.
//
// A table made by With shares its parent's map and holds only what
// changed in a small overlay, so that a change of a few domains in a table
// of 10,000 costs the change, not the table; the overlay is folded into a
// new map once it grows past a fraction of the table (amortized O(1) per
// changed domain).
type Table[V any] struct {
	m map[dnsname.Name]V
	// over holds the domains set or deleted since m was built (nil: none);
	// n is the number of domains in the table.
	over map[dnsname.Name]slot[V]
	n    int
}

// slot is one domain of an overlay: its value, or deleted.
type slot[V any] struct {
	v  V
	ok bool
}

// New returns an empty table with room for n domains.
func New[V any](n int) *Table[V] {
	return &Table[V]{m: make(map[dnsname.Name]V, n)}
}

// Set stores v for domain, replacing any previous value. It is for
// building a table: a table that readers share is changed through With.
func (t *Table[V]) Set(domain dnsname.Name, v V) {
	if t.over != nil {
		if _, had := t.Get(domain); !had {
			t.n++
		}
		t.over[domain] = slot[V]{v: v, ok: true}
		return
	}
	t.m[domain] = v
	t.n = len(t.m)
}

// Get returns the value stored for exactly domain.
func (t *Table[V]) Get(domain dnsname.Name) (V, bool) {
	if t.over != nil {
		if s, ok := t.over[domain]; ok {
			return s.v, s.ok
		}
	}
	v, ok := t.m[domain]
	return v, ok
}

// Len returns the number of domains in the table.
func (t *Table[V]) Len() int {
	if t.over == nil {
		return len(t.m)
	}
	return t.n
}

// With returns a table that holds t's domains, with set stored (replacing
// their values) and del removed, leaving t as it was: t is shared, not
// copied, until the changes made this way add up to a sixteenth of it.
func (t *Table[V]) With(set map[dnsname.Name]V, del []dnsname.Name) *Table[V] {
	c := &Table[V]{m: t.m, n: t.Len(), over: make(map[dnsname.Name]slot[V], len(t.over)+len(set)+len(del))}
	for d, s := range t.over {
		c.over[d] = s
	}
	for _, d := range del {
		if _, had := c.Get(d); had {
			c.n--
			c.over[d] = slot[V]{}
		}
	}
	for d, v := range set {
		c.Set(d, v)
	}
	if len(c.over) > 16+len(c.m)/16 {
		m := make(map[dnsname.Name]V, c.n)
		c.All(func(d dnsname.Name, v V) { m[d] = v })
		c.m, c.over = m, nil
	}
	return c
}

// Longest returns the most specific domain that equals name or is a parent of
// it, and its value.
func (t *Table[V]) Longest(name dnsname.Name) (dnsname.Name, V, bool) {
	var found dnsname.Name
	var fv V
	ok := false
	t.Walk(name, func(d dnsname.Name, v V) bool {
		found, fv, ok = d, v, true
		return false
	})
	return found, fv, ok
}

// Walk calls fn for every domain that equals name or is a parent of it, most
// specific first, until fn returns false. The root is visited last.
func (t *Table[V]) Walk(name dnsname.Name, fn func(dnsname.Name, V) bool) {
	if t.over != nil {
		t.walkOver(name, fn)
		return
	}
	if len(t.m) == 0 {
		return
	}
	for n, more := name, true; more; n, more = n.Parent() {
		if v, ok := t.m[n]; ok && !fn(n, v) {
			return
		}
	}
}

// walkOver is Walk for a table with an overlay: the overlay first, for
// each label.
func (t *Table[V]) walkOver(name dnsname.Name, fn func(dnsname.Name, V) bool) {
	for n, more := name, true; more; n, more = n.Parent() {
		if s, ok := t.over[n]; ok {
			if s.ok && !fn(n, s.v) {
				return
			}
			continue
		}
		if v, ok := t.m[n]; ok && !fn(n, v) {
			return
		}
	}
}

// All calls fn for every domain in the table, in no particular order.
func (t *Table[V]) All(fn func(dnsname.Name, V)) {
	for d, v := range t.m {
		if _, changed := t.over[d]; !changed {
			fn(d, v)
		}
	}
	for d, s := range t.over {
		if s.ok {
			fn(d, s.v)
		}
	}
}
