package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// errOutOfScope means a change made with UpdateRules touched more than it
// declared; it is run again as a whole-state Update.
var errOutOfScope = errors.New("the change touched resources it did not declare")

// UpdateRules is Update for a change that touches resolver rules and
// their associations only (create, update, delete, associate,
// disassociate, the side records of those rules). ids are the existing
// rules fn may modify or delete; fn may also append new rules. Only those
// rules are copied and validated (with everything that is not a rule,
// which they may refer to: rules refer to VPCs and endpoints, nothing
// refers to a rule), and the network of every other rule is kept as it
// was: the cost is that of the change, not of the network.
//
// fn must not modify other rules or anything else in tx.File. A change
// that does is detected (the rules no longer line up) and run again as a
// whole-state Update.
func (s *Store) UpdateRules(ctx context.Context, fields map[string]string, ids []string, fn func(tx *Tx) error) (*State, *config.Network, error) {
	return s.UpdateRuleScope(ctx, fields, RuleScope{IDs: ids, Objects: true, Assocs: true}, fn)
}

// RuleScope is what a change made with UpdateRuleScope may modify: the
// existing rules IDs (it may also append new rules), and the maps of side
// records it writes into, Objects (tx.Meta.Objects) and Assocs
// (tx.Meta.Assocs). A map out of scope is the current state's, shared
// and not to be written; a map in scope is a copy of it, which costs as
// much as the map is large. The store's own keeping of the rules' side
// records (the object of a deleted rule, the associations of a rule's
// VPCs) is not limited by the scope.
type RuleScope struct {
	IDs             []string
	Objects, Assocs bool
}

// UpdateRuleScope is UpdateRules with the side records fn writes named.
func (s *Store) UpdateRuleScope(ctx context.Context, fields map[string]string, scope RuleScope, fn func(tx *Tx) error) (*State, *config.Network, error) {
	s.wmu.Lock()
	st, n, err := s.retry(ctx, func() (*State, *config.Network, error) { return s.updateRules(ctx, fields, scope, fn) })
	s.wmu.Unlock()
	if errors.Is(err, errOutOfScope) {
		return s.Update(ctx, fields, fn)
	}
	return st, n, err
}

// ownMap makes *m a copy of itself the first time a change writes into a
// map of side records it shares with the current state.
type ownMap[V any] struct {
	m     *map[string]V
	owned bool
}

func (o *ownMap[V]) set(k string, v V) {
	o.own()
	(*o.m)[k] = v
}

func (o *ownMap[V]) delete(k string) {
	if _, ok := (*o.m)[k]; ok {
		o.own()
		delete(*o.m, k)
	}
}

func (o *ownMap[V]) own() {
	if !o.owned {
		*o.m, o.owned = maps.Clone(*o.m), true
		if *o.m == nil {
			*o.m = map[string]V{}
		}
	}
}

// profilesHoldRules reports whether a Route 53 Profile of f lists a
// resolver rule.
func profilesHoldRules(f *config.File) bool {
	for _, p := range f.Profiles {
		if len(p.ResolverRules) > 0 {
			return true
		}
	}
	return false
}

func (s *Store) updateRules(ctx context.Context, fields map[string]string, scope RuleScope, fn func(tx *Tx) error) (*State, *config.Network, error) {
	ids := scope.IDs
	cur, curNet := s.Snapshot()
	if profilesHoldRules(&cur.File) {
		// A Route 53 Profile refers to rules: they are not leaves of the
		// reference graph any more, and the change is a whole-state one.
		return nil, nil, errOutOfScope
	}
	var before string
	if s.verify {
		before = mustJSON(cur)
	}
	// declared is asked of every rule: the last byte first (ids end in
	// random hex), so that most rules cost no string comparison.
	declared := func(id string) bool {
		for _, d := range ids {
			if len(d) == len(id) && (len(d) == 0 || d[len(d)-1] == id[len(id)-1]) && d == id {
				return true
			}
		}
		return false
	}
	tx := &Tx{State: &State{File: cur.File, Meta: Meta{
		Objects: cur.Meta.Objects, Assocs: cur.Meta.Assocs, Changes: cur.Meta.Changes,
	}, shares: cur.shares}, Now: s.now().UTC().Truncate(time.Millisecond), Net: curNet, creators: s.creators}
	objects := ownMap[*Object]{m: &tx.Meta.Objects}
	assocs := ownMap[*Assoc]{m: &tx.Meta.Assocs}
	if scope.Objects {
		objects.own()
		for _, id := range ids {
			if o := tx.Meta.Objects[id]; o != nil {
				tx.Meta.Objects[id] = deepCopy(o)
			}
		}
	}
	if scope.Assocs {
		assocs.own()
	}
	if tx.Meta.Objects == nil {
		objects.own()
	}
	if tx.Meta.Assocs == nil {
		assocs.own()
	}
	// A change that only adds rules appends them past the end of the
	// current list, which no reader looks at: the list is shared. One that
	// modifies or deletes rules gets its own list, with its own copies of
	// those rules.
	if len(ids) > 0 {
		tx.File.Rules = slices.Clone(cur.File.Rules)
		for i := range tx.File.Rules {
			if declared(tx.File.Rules[i].ID) {
				tx.File.Rules[i] = deepCopy(tx.File.Rules[i])
			}
		}
	}
	if err := fn(tx); err != nil {
		return nil, nil, apierr.As(err, fields)
	}

	// Line the rules up: every undeclared rule in its place, declared ones
	// kept or gone, new ones after them. touchedNew and touchedOld are the
	// positions of the touched rules in the new and the old list: the work
	// below is over them, not over the list.
	oldRules, newRules := cur.File.Rules, tx.File.Rules
	touched := map[string]bool{}
	var touchedNew, touchedOld []int
	var oldPos []int // position in oldRules of each new rule, -1: new; nil when only appended
	appended := len(ids) == 0 && len(newRules) >= len(oldRules) && (len(oldRules) == 0 || &newRules[0] == &oldRules[0])
	if appended {
		// Only appended: the old rules are the same memory.
		for i := len(oldRules); i < len(newRules); i++ {
			touched[newRules[i].ID] = true
			touchedNew = append(touchedNew, i)
		}
	} else {
		oldPos = make([]int, len(newRules))
		j := 0
		for i := range newRules {
			for j < len(oldRules) && oldRules[j].ID != newRules[i].ID {
				if !declared(oldRules[j].ID) {
					return nil, nil, errOutOfScope // an undeclared rule is gone or moved
				}
				touched[oldRules[j].ID] = true // deleted
				touchedOld = append(touchedOld, j)
				j++
			}
			if j < len(oldRules) {
				oldPos[i] = j
				if declared(newRules[i].ID) {
					touched[newRules[i].ID] = true
					touchedNew = append(touchedNew, i)
					touchedOld = append(touchedOld, j)
				}
				j++
				continue
			}
			oldPos[i] = -1
			touched[newRules[i].ID] = true
			touchedNew = append(touchedNew, i)
		}
		for ; j < len(oldRules); j++ {
			if !declared(oldRules[j].ID) {
				return nil, nil, errOutOfScope
			}
			touched[oldRules[j].ID] = true
			touchedOld = append(touchedOld, j)
		}
	}

	// Validate the touched rules with everything they can refer to.
	sub := tx.File
	sub.Rules = nil
	for _, i := range touchedNew {
		sub.Rules = append(sub.Rules, newRules[i])
	}
	subNet, err := config.Validate(&sub, "network", "/")
	if err != nil {
		return nil, nil, apierr.As(err, fields)
	}
	if err := domainConflicts(subNet, curNet, touched); err != nil {
		return nil, nil, apierr.As(err, fields)
	}

	// The network: the one before, with the touched rules in their places
	// (pointing at its VPCs and endpoints, which the change left alone).
	// Appended rules go past the end of the current list, which no reader
	// of the current network looks at, as they do in the file.
	n := *curNet
	if appended {
		n.Rules = curNet.Rules[:len(curNet.Rules):cap(curNet.Rules)]
		n.Rules = append(n.Rules, make([]*config.Rule, len(touchedNew))...)
	} else {
		n.Rules = make([]*config.Rule, len(newRules))
		for i, p := range oldPos {
			if p >= 0 {
				n.Rules[i] = curNet.Rules[p]
			}
		}
	}
	vpcs := map[string]*config.VPC{}
	for _, v := range curNet.VPCs {
		vpcs[v.ID] = v
	}
	eps := map[string]*config.Endpoint{}
	for _, e := range curNet.Endpoints {
		eps[e.ID] = e
	}
	for k, i := range touchedNew {
		r := *subNet.Rules[k]
		if r.Endpoint != nil {
			r.Endpoint = eps[r.Endpoint.ID]
		}
		r.VPCs = make([]*config.VPC, len(r.VPCs))
		for m, v := range subNet.Rules[k].VPCs {
			r.VPCs[m] = vpcs[v.ID]
		}
		n.Rules[i] = &r
	}

	// The side records of the touched rules (what Reconcile does for them).
	oldByID := map[string]*config.RuleFile{}
	for _, i := range touchedOld {
		oldByID[oldRules[i].ID] = &oldRules[i]
	}
	newByID := map[string]*config.RuleFile{}
	for _, i := range touchedNew {
		newByID[newRules[i].ID] = &newRules[i]
	}
	for id := range touched {
		nr, or := newByID[id], oldByID[id]
		if nr == nil {
			objects.delete(id)
		} else if tx.Meta.Objects[id] == nil {
			objects.set(id, &Object{Kind: KindRule, Created: tx.Now, Modified: tx.Now})
		}
		var keep []string
		if nr != nil {
			keep = nr.VPCs
			for _, v := range nr.VPCs {
				k := AssocKey(AssocRule, id, v)
				if tx.Meta.Assocs[k] == nil {
					assocs.set(k, &Assoc{ID: DerivedID(PrefixRuleAssoc, k), Created: tx.Now})
				}
			}
		}
		if or != nil {
			for _, v := range or.VPCs {
				if !slices.Contains(keep, v) {
					assocs.delete(AssocKey(AssocRule, id, v))
				}
			}
		}
	}

	// The records: the touched rules, and the side records that differ.
	ord := s.ord
	defer ord.discard()
	var recs []Record
	put := func(bucket, key string, seq uint64, v any) error {
		b, err := value(seq, v)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", bucket, key, err)
		}
		recs = append(recs, Record{Bucket: bucket, Key: key, Value: b})
		return nil
	}
	bucket := sectionPrefix + "resolver_rules"
	seqs := ord.seq[bucket]
	for _, i := range touchedOld {
		if id := oldRules[i].ID; newByID[id] == nil {
			recs = append(recs, Record{Bucket: bucket, Key: id})
			ord.stageDelete(bucket, id)
		}
	}
	// In list order, so that new rules get positions in the order they
	// have in the list (a load reads them back in that order).
	for _, i := range touchedNew {
		id, nr := newRules[i].ID, &newRules[i]
		seq, ok := seqs[id]
		if !ok {
			seq = ord.alloc(bucket)
			ord.stageSet(bucket, id, seq)
		}
		if err := put(bucket, id, seq, nr); err != nil {
			return nil, nil, apierr.As(err, nil)
		}
	}
	// In scope, side records change only for the touched rules: their
	// objects and the associations with their VPCs before and after
	// (Options.Verify checks that nothing else changed).
	var objKeys, assocKeys []string
	for id := range touched {
		objKeys = append(objKeys, id)
		for _, rf := range []*config.RuleFile{oldByID[id], newByID[id]} {
			if rf != nil {
				for _, v := range rf.VPCs {
					assocKeys = append(assocKeys, AssocKey(AssocRule, id, v))
				}
			}
		}
	}
	if err := diffKeys(bucketObjects, objKeys, cur.Meta.Objects, tx.Meta.Objects, put, &recs); err != nil {
		return nil, nil, apierr.As(err, nil)
	}
	if err := diffKeys(bucketAssocs, assocKeys, cur.Meta.Assocs, tx.Meta.Assocs, put, &recs); err != nil {
		return nil, nil, apierr.As(err, nil)
	}
	if len(cur.Meta.Changes) != len(tx.Meta.Changes) || (len(tx.Meta.Changes) > 0 && &cur.Meta.Changes[0] != &tx.Meta.Changes[0]) {
		chg := section{name: "changes", bucket: bucketChanges, list: true, idx: 0}
		if err := diffList(chg, reflect.ValueOf(cur.Meta.Changes), reflect.ValueOf(tx.Meta.Changes), ord, put, &recs); err != nil {
			return nil, nil, apierr.As(err, nil)
		}
	}
	if s.verify {
		if err := s.verifyScoped(before, cur, tx.State, recs); err != nil {
			return nil, nil, apierr.As(err, nil)
		}
	}
	if len(recs) == 0 {
		return cur, curNet, nil
	}
	rules := make(map[string]*config.Rule, len(touched))
	for id := range touched {
		rules[id] = nil
	}
	for _, i := range touchedNew {
		rules[n.Rules[i].ID] = n.Rules[i]
	}
	return s.commit(ctx, cur, curNet, tx, &n, recs, false, rules)
}

// domainConflicts refuses a touched rule associated with a VPC that an
// untouched rule for the same domain is associated with (the check
// config.Validate makes across all rules).
func domainConflicts(sub, cur *config.Network, touched map[string]bool) error {
	type want struct {
		domain     dnsname.Name
		vpc, owner string
	}
	var wants []want
	for _, r := range sub.Rules {
		for _, v := range r.VPCs {
			wants = append(wants, want{r.Domain, v.ID, r.ID})
		}
	}
	if len(wants) == 0 {
		return nil
	}
	// A change touches a rule or two: comparing each rule's domain with
	// theirs is cheaper than a lookup per rule.
	for _, r := range cur.Rules {
		for _, w := range wants {
			if r.Domain != w.domain || touched[r.ID] {
				continue
			}
			for _, v := range r.VPCs {
				if v.ID == w.vpc {
					return config.Problems{{Path: "resolver_rules[" + w.owner + "].vpcs", Value: v.ID,
						Reason: "already has rule " + r.ID + " for " + r.Domain.String() + ": two rules with the same domain cannot be associated with one vpc"}}
				}
			}
		}
	}
	return nil
}

// diffKeys writes the records of keys whose values were replaced (a
// scoped change replaces values, it never changes them in place) or
// deleted.
func diffKeys[V any](bucket string, keys []string, old, cur map[string]*V, put func(string, string, uint64, any) error, out *[]Record) error {
	done := make(map[string]bool, len(keys))
	for _, k := range keys {
		if done[k] {
			continue
		}
		done[k] = true
		o, inOld := old[k]
		v, inCur := cur[k]
		switch {
		case inCur && (!inOld || o != v):
			if err := put(bucket, k, 0, v); err != nil {
				return err
			}
		case inOld && !inCur:
			*out = append(*out, Record{Bucket: bucket, Key: k})
		}
	}
	return nil
}

func mustJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(data)
}

// verifyScoped is the check of Options.Verify: the scoped change left the
// current state alone and writes what a whole-state diff would.
func (s *Store) verifyScoped(before string, cur, next *State, recs []Record) error {
	if mustJSON(cur) != before {
		return errors.New("verify: a scoped change modified the current state")
	}
	if _, err := config.Validate(&next.File, "network", "/"); err != nil {
		return fmt.Errorf("verify: the whole network is invalid after a scoped change: %w", err)
	}
	full := deepCopy(*next)
	Reconcile(&full, mustValidate(&full.File), time.Time{})
	if a, b := mustJSON(full.Meta), mustJSON(next.Meta); a != b {
		return fmt.Errorf("verify: the side records of a scoped change differ from Reconcile's:\n%s\nwant\n%s", b, a)
	}
	scratch := &order{seq: s.ord.seq, next: maps.Clone(s.ord.next)}
	want, err := diff(cur, next, scratch)
	if err != nil {
		return err
	}
	key := func(r Record) string { return r.Bucket + "/" + r.Key }
	got := map[string]bool{}
	for _, r := range recs {
		got[key(r)] = true
	}
	for _, r := range want {
		if !got[key(r)] {
			return fmt.Errorf("verify: a scoped change does not write %s", key(r))
		}
	}
	return nil
}

func mustValidate(f *config.File) *config.Network {
	n, err := config.Validate(f, "network", "/")
	if err != nil {
		panic(err)
	}
	return n
}
