package store

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
)

// A ChangeWatcher is a Watcher that can say what another writer changed
// (etcd, whose watch delivers every put and delete in revision order), so
// that the store applies only those records instead of reloading the
// whole state.
type ChangeWatcher interface {
	Watcher
	// Changes returns the records that other writers put or deleted (a
	// nil Value) since the state was last loaded, committed or returned
	// by Changes, in the order they were written, and counts them as
	// taken. full means the backend may have missed a change (a
	// compacted watch): the state must be reloaded whole. The store calls
	// it under its write lock, so that no change of its own is committed
	// between taking the records and making them current.
	Changes() (recs []Record, full bool)
	// Await waits until the watch has delivered the change that made the
	// backend's last Commit fail with ErrConflict, so that Changes
	// returns it; false when it did not come in time.
	Await(ctx context.Context) bool
}

// catchUp brings the state up to the backend's after a commit found it
// changed by another writer: with a ChangeWatcher, by the records of that
// change, once the watch delivered them; else, or when they do not
// apply, by a full reload. The caller holds wmu.
func (s *Store) catchUp(ctx context.Context) error {
	if w, ok := s.backend.(ChangeWatcher); ok && w.Await(ctx) {
		recs, full := w.Changes()
		if !full {
			if len(recs) == 0 {
				return nil
			}
			err := s.applyRecords(recs)
			if err == nil {
				return nil
			}
			s.log.Warn("another instance's change does not apply to this one's state; reloading it whole", "err", err)
		}
	}
	return s.reload(ctx)
}

// follow is what a ChangeWatcher's watch calls: it applies the records
// other writers changed to the current state, or reloads the state whole
// when the backend says it may have missed one, or when the records do
// not apply (a hand-written key that does not decode, a state that
// does not validate).
func (s *Store) follow(ctx context.Context) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	w, ok := s.backend.(ChangeWatcher)
	if !ok {
		return s.reload(ctx)
	}
	recs, full := w.Changes()
	if full {
		return s.reload(ctx)
	}
	if len(recs) == 0 {
		return nil
	}
	if err := s.applyRecords(recs); err != nil {
		s.log.Warn("another instance's change does not apply to this one's state; reloading it whole", "err", err)
		return s.reload(ctx)
	}
	return nil
}

// applyRecords makes the current state the one the records turn it into:
// the touched resources are decoded and put in their places, every other
// one is shared with the current state. A change of rules only (the
// bucket a large network has thousands of, with their side records) is
// validated as UpdateRules validates it; any other change validates the
// whole network, which costs a validation but no read of the backend.
// The caller holds wmu.
func (s *Store) applyRecords(recs []Record) error {
	cur, curNet := s.Snapshot()
	// The last record of each key wins; buckets in a fixed order.
	byBucket := map[string]map[string]*Record{}
	for i := range recs {
		r := &recs[i]
		m := byBucket[r.Bucket]
		if m == nil {
			m = map[string]*Record{}
			byBucket[r.Bucket] = m
		}
		m[r.Key] = r
	}
	next := &State{File: cur.File, Meta: Meta{Objects: cur.Meta.Objects, Assocs: cur.Meta.Assocs, Changes: cur.Meta.Changes}}
	ord := s.ord
	defer ord.discard()
	rulesOnly, network := true, false
	var ruleOrigin []int // position in cur's rules of each next rule, -1: new or changed
	for _, bucket := range slices.Sorted(maps.Keys(byBucket)) {
		ch := byBucket[bucket]
		switch bucket {
		case bucketObjects:
			m, err := patchMap[Object](cur.Meta.Objects, ch)
			if err != nil {
				return err
			}
			next.Meta.Objects = m
		case bucketAssocs:
			m, err := patchMap[Assoc](cur.Meta.Assocs, ch)
			if err != nil {
				return err
			}
			next.Meta.Assocs = m
		case bucketChanges:
			chg := section{name: "changes", bucket: bucketChanges, list: true, idx: 0}
			v, _, err := patchList(chg, reflect.ValueOf(cur.Meta.Changes), ch, ord)
			if err != nil {
				return err
			}
			next.Meta.Changes = v.Interface().([]Change)
		case bucketNetwork:
			rulesOnly, network = false, true
			if err := patchScalars(&next.File, ch); err != nil {
				return err
			}
		default:
			sec, ok := sectionNamed(strings.TrimPrefix(bucket, sectionPrefix))
			if !ok || !sec.list || !strings.HasPrefix(bucket, sectionPrefix) {
				return fmt.Errorf("apply bucket %s: not a list of network.yaml", bucket)
			}
			field := reflect.ValueOf(&next.File).Elem().Field(sec.field)
			v, origin, err := patchList(sec, field, ch, ord)
			if err != nil {
				return err
			}
			field.Set(v)
			network = true
			if sec.name == "resolver_rules" {
				ruleOrigin = origin
			} else {
				rulesOnly = false
			}
		}
	}
	var n *config.Network
	var err error
	// changed are the rules a change of rules alone touched (nil for a
	// deleted one): what DNS can be patched with; nil for any other change.
	var changed map[string]*config.Rule
	switch rules := byBucket[sectionPrefix+"resolver_rules"]; {
	case !network:
		n = curNet // side records only (tags, names, change ids)
	case rulesOnly && rules != nil && len(curNet.Rules) == len(cur.File.Rules) && !profilesHoldRules(&next.File):
		// (A Route 53 Profile that holds rules refers to them: then the
		// whole network is validated, as the writer did.)
		n, changed, err = patchRuleNetwork(next, curNet, ruleOrigin, rules)
	default:
		n, err = config.Validate(&next.File, "network", "/")
	}
	if err != nil {
		return fmt.Errorf("apply another instance's change: %w", err)
	}
	ord.commit()
	objs := make([]Record, 0, len(byBucket[bucketObjects]))
	for _, r := range byBucket[bucketObjects] {
		objs = append(objs, *r) // each key once
	}
	s.indexCreators(cur, next, objs)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st, s.net = next, n
	s.stats.Followed++
	s.stats.Up = true
	if !network {
		return nil // nothing DNS answers from changed
	}
	s.version++
	// A change of rules alone is patched into DNS as a local one is
	// (commit); any other leaves dirtyVersion behind: a whole rebuild.
	if changed != nil && s.dirtyVersion == s.version-1 {
		if s.dirty == nil {
			s.dirty = map[string]*config.Rule{}
		}
		maps.Copy(s.dirty, changed)
		s.dirtyVersion = s.version
	}
	if s.kick != nil {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
	return nil
}

// patchMap returns m with the records' values decoded into it (a copy;
// m is not modified).
func patchMap[V any](m map[string]*V, ch map[string]*Record) (map[string]*V, error) {
	out := maps.Clone(m)
	if out == nil {
		out = map[string]*V{}
	}
	for k, r := range ch {
		if r.Value == nil {
			delete(out, k)
			continue
		}
		_, data, err := splitValue(r.Value)
		if err != nil {
			return nil, fmt.Errorf("apply %s %s: %w", r.Bucket, k, err)
		}
		v := new(V)
		if err := json.Unmarshal(data, v); err != nil {
			return nil, fmt.Errorf("apply %s %s: %w", r.Bucket, k, err)
		}
		out[k] = v
	}
	return out, nil
}

// patchScalars decodes the records of the bucket "network" (the scalar
// keys of network.yaml) into f; a deleted key is the zero value.
func patchScalars(f *config.File, ch map[string]*Record) error {
	fv := reflect.ValueOf(f).Elem()
	for k, r := range ch {
		if k == formatKey {
			if r.Value == nil {
				continue
			}
			_, data, err := splitValue(r.Value)
			if err != nil || string(data) != strconv.Itoa(recordFormat) {
				return fmt.Errorf("apply %s %s: format %s, want %d", r.Bucket, k, data, recordFormat)
			}
			continue
		}
		sec, ok := sectionNamed(k)
		if !ok || sec.list {
			return fmt.Errorf("apply %s %s: not a key of network.yaml", r.Bucket, k)
		}
		field := fv.Field(sec.field)
		nv := reflect.New(field.Type())
		if r.Value != nil {
			_, data, err := splitValue(r.Value)
			if err != nil {
				return fmt.Errorf("apply %s %s: %w", r.Bucket, k, err)
			}
			if err := json.Unmarshal(data, nv.Interface()); err != nil {
				return fmt.Errorf("apply %s %s: %w", r.Bucket, k, err)
			}
		}
		field.Set(nv.Elem())
	}
	return nil
}

// patchList returns a new list: the elements of old whose keys the
// records leave alone (shared), and the records' new values, in the order
// of their positions; origin is the index in old of each element, -1 for
// a decoded one. It stages the positions in ord.
func patchList(s section, old reflect.Value, ch map[string]*Record, ord *order) (reflect.Value, []int, error) {
	type elem struct {
		seq    uint64
		v      reflect.Value
		origin int
	}
	typ := old.Type()
	keys := s.keys(old)
	seqs := ord.seq[s.bucket]
	els := make([]elem, 0, len(keys)+len(ch))
	for i, k := range keys {
		if _, touched := ch[k]; !touched {
			els = append(els, elem{seqs[k], old.Index(i), i})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(ch)) {
		r := ch[k]
		if r.Value == nil {
			ord.stageDelete(s.bucket, k)
			continue
		}
		seq, data, err := splitValue(r.Value)
		if err != nil {
			return reflect.Value{}, nil, fmt.Errorf("apply %s %s: %w", s.bucket, k, err)
		}
		v := reflect.New(typ.Elem())
		if err := json.Unmarshal(data, v.Interface()); err != nil {
			return reflect.Value{}, nil, fmt.Errorf("apply %s %s: %w", s.bucket, k, err)
		}
		ord.stageSet(s.bucket, k, seq)
		els = append(els, elem{seq, v.Elem(), -1})
	}
	slices.SortStableFunc(els, func(a, b elem) int { return cmp.Compare(a.seq, b.seq) })
	if len(els) == 0 {
		return reflect.Zero(typ), nil, nil
	}
	out := reflect.MakeSlice(typ, len(els), len(els))
	origin := make([]int, len(els))
	for i, e := range els {
		out.Index(i).Set(e.v)
		origin[i] = e.origin
	}
	return out, origin, nil
}

// patchRuleNetwork is the network of next, a change of rules (and their
// side records) only: the touched rules are validated with everything
// they can refer to, as UpdateRules does, and every other rule keeps its
// compiled Rule of curNet. origin maps next's rules to cur's positions.
func patchRuleNetwork(next *State, curNet *config.Network, origin []int, ch map[string]*Record) (*config.Network, map[string]*config.Rule, error) {
	touched := make(map[string]bool, len(ch))
	for k := range ch {
		if strings.HasPrefix(k, "#") {
			// Rules kept by position: no id to line them up by.
			n, err := config.Validate(&next.File, "network", "/")
			return n, nil, err
		}
		touched[k] = true
	}
	sub := next.File
	sub.Rules = nil
	var at []int
	for i, o := range origin {
		if o < 0 {
			sub.Rules = append(sub.Rules, next.File.Rules[i])
			at = append(at, i)
		}
	}
	subNet, err := config.Validate(&sub, "network", "/")
	if err != nil {
		return nil, nil, err
	}
	if err := domainConflicts(subNet, curNet, touched); err != nil {
		return nil, nil, err
	}
	if len(subNet.Rules) != len(at) {
		return nil, nil, errors.New("apply rules: the validated rules do not line up")
	}
	changed := make(map[string]*config.Rule, len(touched))
	for id := range touched {
		changed[id] = nil
	}
	n := *curNet
	n.Rules = make([]*config.Rule, len(origin))
	for i, o := range origin {
		if o >= 0 {
			n.Rules[i] = curNet.Rules[o]
		}
	}
	vpcs := make(map[string]*config.VPC, len(curNet.VPCs))
	for _, v := range curNet.VPCs {
		vpcs[v.ID] = v
	}
	eps := make(map[string]*config.Endpoint, len(curNet.Endpoints))
	for _, e := range curNet.Endpoints {
		eps[e.ID] = e
	}
	for k, i := range at {
		r := *subNet.Rules[k]
		if r.Endpoint != nil {
			r.Endpoint = eps[r.Endpoint.ID]
		}
		r.VPCs = make([]*config.VPC, len(subNet.Rules[k].VPCs))
		for m, v := range subNet.Rules[k].VPCs {
			r.VPCs[m] = vpcs[v.ID]
		}
		n.Rules[i] = &r
		changed[r.ID] = &r
	}
	return &n, changed, nil
}
