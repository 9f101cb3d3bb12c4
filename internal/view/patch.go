package view

import (
	"maps"
	"reflect"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// Patch returns the view of n, which differs from prev's network only in
// the rules of changed (by id: the rule in n, nil for a rule n no longer
// has), built from prev: the VPCs that none of those rules is associated
// with before or after are prev's, and the candidate table of a VPC that
// one is shares everything but the changed domains with prev's. The cost
// is that of the change, not of the network. prev is left as it was.
//
// The view answers exactly as Compile(n) does (TestPatchAnswersAsCompile
// in internal/awsapi/store). When n differs from prev's network in
// anything but its rules, or the network has Route 53 Profiles (which
// share rules between VPCs), Patch returns false and the caller compiles.
func Patch(prev *View, n *config.Network, changed map[string]*config.Rule) (*View, bool) {
	if prev.ruleByID == nil || len(n.Profiles) > 0 || len(prev.Network.Profiles) > 0 || !sameButRules(prev.Network, n) {
		return nil, false
	}
	v := &View{Network: n, internet: prev.internet, Firewall: prev.Firewall, paths: prev.paths, eval: prev.eval}

	// The rules and forwards, and the VPCs each changed rule is or was
	// associated with.
	byID := map[string]*config.Rule{}
	var gone []string
	fwdSet := map[*config.Rule]*Forward{}
	var fwdGone []*config.Rule
	old := map[string]*config.Rule{}
	var affected []*config.VPC
	seen := map[*config.VPC]bool{}
	touch := func(c *config.VPC) {
		if !seen[c] {
			seen[c] = true
			affected = append(affected, c)
		}
	}
	ownPaths := false
	for id, nr := range changed {
		if or, ok := prev.ruleByID.get(id); ok {
			old[id] = or
			for _, c := range or.VPCs {
				touch(c)
			}
			if _, ok := prev.fwdOf.get(or); ok {
				fwdGone = append(fwdGone, or)
			}
		}
		if nr == nil {
			gone = append(gone, id)
			continue
		}
		byID[id] = nr
		for _, c := range nr.VPCs {
			touch(c)
		}
		if nr.Type == config.RuleForward {
			for _, t := range nr.Targets {
				if _, ok := v.paths[pathKey{nr.Endpoint, t}]; !ok && !ownPaths {
					v.paths, ownPaths = maps.Clone(prev.paths), true
				}
			}
			fwdSet[nr] = v.newForward(n, nr, v.paths)
		}
	}
	v.ruleByID = prev.ruleByID.with(byID, gone)
	v.fwdOf = prev.fwdOf.with(fwdSet, fwdGone)

	// The VPCs: a new table for each affected one, with the candidates of
	// the changed rules' domains made again.
	v.vpcs = maps.Clone(prev.vpcs)
	for _, c := range affected {
		pv := prev.vpcs[c.ID]
		if pv == nil || pv.Config != c {
			return nil, false // not a VPC of prev's network
		}
		domains := map[dnsname.Name]bool{}
		for id := range changed {
			if or := old[id]; or != nil && associated(or.VPCs, c) {
				domains[or.Domain] = true
			}
			if nr := byID[id]; nr != nil && associated(nr.VPCs, c) {
				domains[nr.Domain] = true
			}
		}
		set := map[dnsname.Name]entry{}
		var del []dnsname.Name
		for d := range domains {
			prevEntry, _ := pv.table.Get(d)
			var e entry
			for _, cand := range prevEntry {
				if cand.Rule != nil {
					if _, ch := changed[cand.ID]; ch {
						continue
					}
				}
				e = append(e, cand)
			}
			for id := range changed {
				nr := byID[id]
				if nr == nil || nr.Domain != d || !associated(nr.VPCs, c) {
					continue
				}
				f, _ := v.fwdOf.get(nr)
				cand := ruleCandidate(nr, nil, f)
				// Tier 0 goes first; a VPC has one rule per domain.
				i := 0
				for i < len(e) && e[i].Source.Tier() <= cand.Source.Tier() {
					i++
				}
				e = append(e, nil)
				copy(e[i+1:], e[i:])
				e[i] = cand
			}
			if len(e) == 0 {
				del = append(del, d)
			} else {
				set[d] = e
			}
		}
		nv := *pv
		nv.table = pv.table.With(set, del)
		v.vpcs[c.ID] = &nv
	}
	return v, true
}

// ForwardOf returns the forward of rule r of the view's network, or nil
// when r is not a forward rule of it.
func (v *View) ForwardOf(r *config.Rule) *Forward {
	f, _ := v.fwdOf.get(r)
	return f
}

// sameButRules reports whether a and b are the same network but for their
// rules: every other field holds the same pointers, slices and maps (what
// a store's change of rules only leaves as it was).
func sameButRules(a, b *config.Network) bool {
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	for i := range va.NumField() {
		if va.Type().Field(i).Name == "Rules" {
			continue
		}
		if !shallowSame(va.Field(i), vb.Field(i)) {
			return false
		}
	}
	return true
}

// shallowSame compares two values without looking into what their
// pointers, slices and maps point at.
func shallowSame(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Slice:
		return a.Len() == b.Len() && (a.Len() == 0 || a.Pointer() == b.Pointer())
	case reflect.Map, reflect.Pointer, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return a.Pointer() == b.Pointer()
	case reflect.Struct:
		for i := range a.NumField() {
			if !shallowSame(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return a.Elem().Type() == b.Elem().Type() && shallowSame(a.Elem(), b.Elem())
	case reflect.Array:
		for i := range a.Len() {
			if !shallowSame(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	}
	return false
}

// layered is a map shared between views: what a Patch changed lies over
// its parent's, and is folded into a new map once it grows past a
// sixteenth of it.
type layered[K comparable, V any] struct {
	base map[K]V
	over map[K]layer[V]
}

type layer[V any] struct {
	v  V
	ok bool
}

func (l *layered[K, V]) get(k K) (V, bool) {
	if s, ok := l.over[k]; ok {
		return s.v, s.ok
	}
	v, ok := l.base[k]
	return v, ok
}

func (l *layered[K, V]) with(set map[K]V, del []K) *layered[K, V] {
	c := &layered[K, V]{base: l.base, over: make(map[K]layer[V], len(l.over)+len(set)+len(del))}
	maps.Copy(c.over, l.over)
	for _, k := range del {
		c.over[k] = layer[V]{}
	}
	for k, v := range set {
		c.over[k] = layer[V]{v: v, ok: true}
	}
	if len(c.over) > 16+len(c.base)/16 {
		m := make(map[K]V, len(c.base)+len(c.over))
		for k, v := range c.base {
			if _, changed := c.over[k]; !changed {
				m[k] = v
			}
		}
		for k, s := range c.over {
			if s.ok {
				m[k] = s.v
			}
		}
		c.base, c.over = m, nil
	}
	return c
}
