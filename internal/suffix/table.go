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
type Table[V any] struct {
	m map[dnsname.Name]V
}

// New returns an empty table with room for n domains.
func New[V any](n int) *Table[V] {
	return &Table[V]{m: make(map[dnsname.Name]V, n)}
}

// Set stores v for domain, replacing any previous value.
func (t *Table[V]) Set(domain dnsname.Name, v V) { t.m[domain] = v }

// Get returns the value stored for exactly domain.
func (t *Table[V]) Get(domain dnsname.Name) (V, bool) {
	v, ok := t.m[domain]
	return v, ok
}

// Len returns the number of domains in the table.
func (t *Table[V]) Len() int { return len(t.m) }

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
	if len(t.m) == 0 {
		return
	}
	for n, more := name, true; more; n, more = n.Parent() {
		if v, ok := t.m[n]; ok && !fn(n, v) {
			return
		}
	}
}

// All calls fn for every domain in the table, in no particular order.
func (t *Table[V]) All(fn func(dnsname.Name, V)) {
	for d, v := range t.m {
		fn(d, v)
	}
}
