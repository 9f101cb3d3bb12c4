package server

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/forward"
	"github.com/vpcdns/vpcdns/internal/view"
)

// ReloadRules is Reload for a network n that differs from base, the one
// the server answers from, only in the rules of changed (by id; nil for a
// deleted rule): the API store's change of rules. The view is patched
// (view.Patch) and the configuration's state is the current one's with
// the VPCs those rules touch made anew; sockets, query logs, the cache,
// the forwarder and the rate limits are kept. The cost is that of the
// change, not of the network. When the server does not answer from base,
// or n differs from it in more than rules, it is Reload(n).
func (s *Server) ReloadRules(n, base *config.Network, changed map[string]*config.Rule) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("reload: server is shut down")
	}
	old := s.state.Load()
	var v *view.View
	ok := false
	if old != nil && old.net == base {
		v, ok = view.Patch(old.view, n, changed)
	}
	if !ok {
		s.mu.Unlock()
		if err := s.Reload(n); err != nil {
			return fmt.Errorf("reload rules: %w", err)
		}
		return nil
	}
	s.state.Store(old.patched(s, v, changed))
	s.mu.Unlock()
	return nil
}

// patched is the state of v, a view patched from old's by the rules of
// changed: old's, with what refers to the view's VPCs and forwards made
// for v. It shares old's query log, cache, forwarder and limits, so old
// is not retired.
func (old *state) patched(s *Server, v *view.View, changed map[string]*config.Rule) *state {
	st := *old
	st.view, st.net = v, v.Network
	same := func(vpc *view.VPC) *view.VPC {
		if vpc == nil {
			return nil
		}
		return v.VPC(vpc.Config.ID)
	}
	st.owners = make(map[string]*view.VPC, len(old.owners))
	for k, vpc := range old.owners {
		st.owners[k] = same(vpc)
	}
	st.bySource = slices.Clone(old.bySource)
	for i := range st.bySource {
		st.bySource[i].vpc = same(st.bySource[i].vpc)
	}
	st.logsCacheHits = make(map[*view.VPC]bool, len(old.logsCacheHits))
	for vpc := range old.logsCacheHits {
		st.logsCacheHits[same(vpc)] = true
	}
	// A VPC that the change left alone keeps what it remembered.
	st.memo = make(map[*view.VPC]*memoTable, len(old.memo))
	for ov, t := range old.memo {
		nv := same(ov)
		if nv != ov {
			t = &memoTable{m: map[string]*memoEntry{}}
		}
		st.memo[nv] = t
	}
	// The forwards of the changed rules go over old's.
	over := make(map[*view.Forward]fwdInfo, len(old.fwdOver)+len(changed))
	maps.Copy(over, old.fwdOver)
	for _, r := range changed {
		if r == nil {
			continue
		}
		if f := v.ForwardOf(r); f != nil {
			over[f] = fwdInfo{targets: forwardTargets(f), path: s.pathFunc(&st, f)}
		}
	}
	st.fwdOver = over
	if len(over) > 16+len(old.targets)/16 {
		// Fold: the forwards of v only, gone ones dropped.
		st.targets, st.paths, st.fwdOver = map[*view.Forward][]forward.Target{}, map[*view.Forward]forward.PathFunc{}, nil
		for _, f := range v.Forwards() {
			if i, ok := over[f]; ok {
				st.targets[f], st.paths[f] = i.targets, i.path
			} else {
				st.targets[f], st.paths[f] = old.targets[f], old.paths[f]
			}
		}
	}
	return &st
}

// fwdInfo is what a state knows of one forward: its targets as the
// forwarder takes them and its PathFunc.
type fwdInfo struct {
	targets []forward.Target
	path    forward.PathFunc
}

// forwardTargets are f's targets as the forwarder takes them.
func forwardTargets(f *view.Forward) []forward.Target {
	ts := make([]forward.Target, len(f.Targets))
	for i, t := range f.Targets {
		ts[i] = forward.Target{Modeled: t.Modeled, Dial: t.Dial}
	}
	return ts
}

// targetsOf returns f's targets as the forwarder takes them.
func (st *state) targetsOf(f *view.Forward) []forward.Target {
	if i, ok := st.fwdOver[f]; ok {
		return i.targets
	}
	return st.targets[f]
}

// pathOf returns f's PathFunc.
func (st *state) pathOf(f *view.Forward) forward.PathFunc {
	if i, ok := st.fwdOver[f]; ok {
		return i.path
	}
	return st.paths[f]
}
