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
	s.wmu.Lock()
	st, n, err := s.retry(ctx, func() (*State, *config.Network, error) { return s.updateRules(ctx, fields, ids, fn) })
	s.wmu.Unlock()
	if errors.Is(err, errOutOfScope) {
		return s.Update(ctx, fields, fn)
	}
	return st, n, err
}

func (s *Store) updateRules(ctx context.Context, fields map[string]string, ids []string, fn func(tx *Tx) error) (*State, *config.Network, error) {
	cur, curNet := s.Snapshot()
	var before string
	if s.verify {
		before = mustJSON(cur)
	}
	declared := func(id string) bool { return slices.Contains(ids, id) }
	tx := &Tx{State: &State{File: cur.File, Meta: Meta{
		Objects: maps.Clone(cur.Meta.Objects), Assocs: maps.Clone(cur.Meta.Assocs), Changes: cur.Meta.Changes,
	}}, Now: s.now().UTC().Truncate(time.Millisecond), Net: curNet}
	if tx.Meta.Objects == nil {
		tx.Meta.Objects = map[string]*Object{}
	}
	if tx.Meta.Assocs == nil {
		tx.Meta.Assocs = map[string]*Assoc{}
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
	for _, id := range ids {
		if o := tx.Meta.Objects[id]; o != nil {
			tx.Meta.Objects[id] = deepCopy(o)
		}
	}
	if err := fn(tx); err != nil {
		return nil, nil, apierr.As(err, fields)
	}

	// Line the rules up: every undeclared rule in its place, declared ones
	// kept or gone, new ones after them.
	oldRules, newRules := cur.File.Rules, tx.File.Rules
	oldPos := make([]int, len(newRules)) // position in oldRules, -1: new
	touched := map[string]bool{}
	j := 0
	if len(ids) == 0 && len(newRules) >= len(oldRules) && (len(oldRules) == 0 || &newRules[0] == &oldRules[0]) {
		// Only appended: the old rules are the same memory.
		for i := range oldRules {
			oldPos[i] = i
		}
		j = len(oldRules)
	}
	for i := j; i < len(newRules); i++ {
		for j < len(oldRules) && oldRules[j].ID != newRules[i].ID {
			if !declared(oldRules[j].ID) {
				return nil, nil, errOutOfScope // an undeclared rule is gone or moved
			}
			touched[oldRules[j].ID] = true // deleted
			j++
		}
		if j < len(oldRules) {
			oldPos[i] = j
			if declared(newRules[i].ID) {
				touched[newRules[i].ID] = true
			}
			j++
			continue
		}
		oldPos[i] = -1
		touched[newRules[i].ID] = true
	}
	for ; j < len(oldRules); j++ {
		if !declared(oldRules[j].ID) {
			return nil, nil, errOutOfScope
		}
		touched[oldRules[j].ID] = true
	}

	// Validate the touched rules with everything they can refer to.
	sub := tx.File
	sub.Rules = nil
	for _, r := range newRules {
		if touched[r.ID] {
			sub.Rules = append(sub.Rules, r)
		}
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
	n := *curNet
	n.Rules = make([]*config.Rule, len(newRules))
	vpcs := map[string]*config.VPC{}
	for _, v := range curNet.VPCs {
		vpcs[v.ID] = v
	}
	eps := map[string]*config.Endpoint{}
	for _, e := range curNet.Endpoints {
		eps[e.ID] = e
	}
	subRules := map[string]*config.Rule{}
	for _, r := range subNet.Rules {
		subRules[r.ID] = r
	}
	for i, rf := range newRules {
		if !touched[rf.ID] {
			n.Rules[i] = curNet.Rules[oldPos[i]]
			continue
		}
		r := *subRules[rf.ID]
		if r.Endpoint != nil {
			r.Endpoint = eps[r.Endpoint.ID]
		}
		r.VPCs = make([]*config.VPC, len(r.VPCs))
		for k, v := range subRules[rf.ID].VPCs {
			r.VPCs[k] = vpcs[v.ID]
		}
		n.Rules[i] = &r
	}

	// The side records of the touched rules (what Reconcile does for them).
	oldByID := map[string]*config.RuleFile{}
	for _, p := range oldPos {
		if p >= 0 && touched[oldRules[p].ID] {
			oldByID[oldRules[p].ID] = &oldRules[p]
		}
	}
	for i := range oldRules {
		if touched[oldRules[i].ID] {
			oldByID[oldRules[i].ID] = &oldRules[i]
		}
	}
	newByID := map[string]*config.RuleFile{}
	for i := range newRules {
		if touched[newRules[i].ID] {
			newByID[newRules[i].ID] = &newRules[i]
		}
	}
	for id := range touched {
		nr, or := newByID[id], oldByID[id]
		if nr == nil {
			delete(tx.Meta.Objects, id)
		} else if tx.Meta.Objects[id] == nil {
			tx.Meta.Objects[id] = &Object{Kind: KindRule, Created: tx.Now, Modified: tx.Now}
		}
		var keep []string
		if nr != nil {
			keep = nr.VPCs
			for _, v := range nr.VPCs {
				k := AssocKey(AssocRule, id, v)
				if tx.Meta.Assocs[k] == nil {
					tx.Meta.Assocs[k] = &Assoc{ID: DerivedID(PrefixRuleAssoc, k), Created: tx.Now}
				}
			}
		}
		if or != nil {
			for _, v := range or.VPCs {
				if !slices.Contains(keep, v) {
					delete(tx.Meta.Assocs, AssocKey(AssocRule, id, v))
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
	for id := range touched {
		nr := newByID[id]
		if nr == nil {
			recs = append(recs, Record{Bucket: bucket, Key: id})
			ord.stageDelete(bucket, id)
			continue
		}
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
	return s.commit(ctx, cur, curNet, tx, &n, recs, false)
}

// domainConflicts refuses a touched rule associated with a VPC that an
// untouched rule for the same domain is associated with (the check
// config.Validate makes across all rules).
func domainConflicts(sub, cur *config.Network, touched map[string]bool) error {
	type key struct{ vpc, domain string }
	want := map[key]string{}
	for _, r := range sub.Rules {
		for _, v := range r.VPCs {
			want[key{v.ID, r.Domain.String()}] = r.ID
		}
	}
	if len(want) == 0 {
		return nil
	}
	for _, r := range cur.Rules {
		if touched[r.ID] {
			continue
		}
		for _, v := range r.VPCs {
			if id, ok := want[key{v.ID, r.Domain.String()}]; ok {
				return config.Problems{{Path: "resolver_rules[" + id + "].vpcs", Value: v.ID,
					Reason: "already has rule " + r.ID + " for " + r.Domain.String() + ": two rules with the same domain cannot be associated with one vpc"}}
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
