package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/view"
)

// TestPatchAnswersAsCompile runs random sequences of rule changes (create,
// associate, disassociate, retarget, retype, delete, and whole-state
// changes among them) through the store, with DNS following as serve's
// does: a change of rules alone patched into the current view
// (view.Patch), coalesced, anything else compiled. Whenever DNS has caught
// up, the patched view must answer every VPC's candidate domains, names
// below them and a set of other names exactly as a full view.Compile of
// the store's network does: the winner, the system rule it came through,
// every candidate in order, the forward's targets and cache scope; and
// list the same forwards in the same order.
func TestPatchAnswersAsCompile(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { patchRun(t, seed) })
	}
}

func patchRun(t *testing.T, seed uint64) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 12))
	s, err := Open(Options{Backend: newRecorder(), Initial: example(t), BaseDir: "/", Verify: seed == 0})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mu sync.Mutex
	cur, err := view.Compile(s.Network())
	if err != nil {
		t.Fatal(err)
	}
	patches, compiles := 0, 0
	s.SetPatch(func(n, base *config.Network, changed map[string]*config.Rule) error {
		mu.Lock()
		defer mu.Unlock()
		if cur.Network != base {
			t.Errorf("patch from a network DNS does not answer from")
		}
		v, ok := view.Patch(cur, n, changed)
		if !ok {
			t.Errorf("a change of rules alone could not be patched")
			var err error
			if v, err = view.Compile(n); err != nil {
				return err
			}
		}
		patches++
		cur = v
		return nil
	})
	s.SetApply(func(n *config.Network) error {
		v, err := view.Compile(n)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		compiles++
		cur = v
		return nil
	})

	domains := []string{"corp.example", "a.corp.example", "b.a.corp.example", "internal.example", "x.internal.example",
		"0.10.in-addr.arpa", "1.0.10.in-addr.arpa", "ec2.internal", "other.example", "deep.other.example", "amazonaws.com"}
	vpcs := []string{"vpc-app", "vpc-shared"}
	targets := []string{"192.168.10.53", "192.168.20.53", "192.168.30.53"}
	ruleIDs := func() []string {
		st, _ := s.Snapshot()
		var ids []string
		for _, r := range st.File.Rules {
			ids = append(ids, r.ID)
		}
		return ids
	}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	someVPCs := func() []string {
		var out []string
		for _, v := range vpcs {
			if rng.IntN(2) == 0 {
				out = append(out, v)
			}
		}
		return out
	}
	someTargets := func() []config.TargetIPFile {
		out := []config.TargetIPFile{{IP: pick(targets)}}
		if rng.IntN(3) == 0 {
			out = append(out, config.TargetIPFile{IP: pick(targets[:1])})
		}
		return slices.CompactFunc(out, func(a, b config.TargetIPFile) bool { return a.IP == b.IP })
	}
	newRule := func(id string) config.RuleFile {
		r := config.RuleFile{ID: id, RuleType: "forward", DomainName: pick(domains), ResolverEndpoint: "rslvr-out-onprem", TargetIPs: someTargets(), VPCs: someVPCs()}
		if rng.IntN(4) == 0 {
			r.RuleType, r.ResolverEndpoint, r.TargetIPs = "system", "", nil
		}
		return r
	}
	modify := func(id string, f func(r *config.RuleFile)) func(tx *Tx) error {
		return func(tx *Tx) error {
			i := slices.IndexFunc(tx.File.Rules, func(r config.RuleFile) bool { return r.ID == id })
			if i < 0 {
				return fmt.Errorf("no rule %s", id)
			}
			f(&tx.File.Rules[i])
			return nil
		}
	}
	accepted := 0
	for step := range 150 {
		ids := ruleIDs()
		var err error
		switch op := rng.IntN(10); {
		case op < 3 || len(ids) == 0: // create
			id := fmt.Sprintf("rslvr-rr-p%d", step)
			_, _, err = s.UpdateRuleScope(ctx, nil, RuleScope{Objects: true}, func(tx *Tx) error {
				tx.File.Rules = append(tx.File.Rules, newRule(id))
				return nil
			})
		case op < 5: // associate
			id, v := pick(ids), pick(vpcs)
			_, _, err = s.UpdateRuleScope(ctx, nil, RuleScope{IDs: []string{id}, Assocs: true}, modify(id, func(r *config.RuleFile) {
				if !slices.Contains(r.VPCs, v) {
					r.VPCs = append(r.VPCs, v)
				}
			}))
		case op < 6: // disassociate
			id := pick(ids)
			_, _, err = s.UpdateRuleScope(ctx, nil, RuleScope{IDs: []string{id}}, modify(id, func(r *config.RuleFile) {
				if len(r.VPCs) > 0 {
					r.VPCs = r.VPCs[1:]
				}
			}))
		case op < 7: // retarget or retype
			id := pick(ids)
			_, _, err = s.UpdateRules(ctx, nil, []string{id}, modify(id, func(r *config.RuleFile) {
				n := newRule(id)
				r.RuleType, r.ResolverEndpoint, r.TargetIPs = n.RuleType, n.ResolverEndpoint, n.TargetIPs
			}))
		case op < 9: // delete
			id := pick(ids)
			_, _, err = s.UpdateRules(ctx, nil, []string{id}, func(tx *Tx) error {
				tx.File.Rules = slices.DeleteFunc(tx.File.Rules, func(r config.RuleFile) bool { return r.ID == id })
				return nil
			})
		default: // a whole-state change: a rule and a zone's VPCs
			id := fmt.Sprintf("rslvr-rr-w%d", step)
			_, _, err = s.Update(ctx, nil, func(tx *Tx) error {
				tx.File.Rules = append(tx.File.Rules, newRule(id))
				tx.File.HostedZones[0].VPCs = someVPCs()
				return nil
			})
		}
		if err == nil {
			accepted++
		}
		if rng.IntN(4) != 0 {
			continue // let changes coalesce
		}
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if err := s.Synced(sctx); err != nil {
			t.Fatal(err)
		}
		cancel()
		mu.Lock()
		got := cur
		mu.Unlock()
		want, err := view.Compile(s.Network())
		if err != nil {
			t.Fatal(err)
		}
		if got.Network != s.Network() {
			t.Fatalf("step %d: DNS does not answer from the current network", step)
		}
		if diff := compareViews(got, want); diff != "" {
			t.Fatalf("step %d: the patched view differs from a compiled one:\n%s", step, diff)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	t.Logf("%d changes accepted, %d patches, %d compiles", accepted, patches, compiles)
	if accepted < 60 || patches < 10 {
		t.Errorf("%d changes accepted, %d patches, %d compiles: the test exercised too little", accepted, patches, compiles)
	}
}

// compareViews describes where two views of one network answer
// differently ("" when nowhere).
func compareViews(got, want *view.View) string {
	var b strings.Builder
	fwd := func(f *view.Forward) string {
		if f == nil {
			return "-"
		}
		var ts []string
		for _, t := range f.Targets {
			ts = append(ts, fmt.Sprintf("%s>%s/%d", t.Modeled, t.Dial, len(t.Paths)))
		}
		return f.Scope + " [" + strings.Join(ts, " ") + "]"
	}
	cand := func(c *view.Candidate) string {
		if c == nil {
			return "<nil>"
		}
		return fmt.Sprintf("%s %s %s %s", c.Source, c.ID, c.Domain, fwd(c.Forward))
	}
	var gf, wf []string
	for _, f := range got.Forwards() {
		gf = append(gf, fwd(f))
	}
	for _, f := range want.Forwards() {
		wf = append(wf, fwd(f))
	}
	if !slices.Equal(gf, wf) {
		fmt.Fprintf(&b, "forwards %v, want %v\n", gf, wf)
	}
	for _, r := range want.Network.Rules {
		if fwd(got.ForwardOf(r)) != fwd(want.ForwardOf(r)) {
			fmt.Fprintf(&b, "forward of %s: %s, want %s\n", r.ID, fwd(got.ForwardOf(r)), fwd(want.ForwardOf(r)))
		}
	}
	for _, c := range want.Network.VPCs {
		gv, wv := got.VPC(c.ID), want.VPC(c.ID)
		if gv == nil {
			fmt.Fprintf(&b, "%s: no VPC\n", c.ID)
			continue
		}
		if gv.DomainCount() != wv.DomainCount() {
			fmt.Fprintf(&b, "%s: %d domains, want %d\n", c.ID, gv.DomainCount(), wv.DomainCount())
		}
		names := map[dnsname.Name]bool{"example.": true, "www.example.com.": true, "5.1.0.10.in-addr.arpa.": true, "db.internal.example.": true}
		for _, v := range []*view.VPC{gv, wv} {
			v.Domains(func(d dnsname.Name) {
				names[d] = true
				names[d.Child("host")] = true
			})
		}
		for name := range names {
			gd, wd := gv.Decide(name), wv.Decide(name)
			if cand(gd.Winner) != cand(wd.Winner) || cand(gd.Via) != cand(wd.Via) {
				fmt.Fprintf(&b, "%s %s: decided %s via %s, want %s via %s\n", c.ID, name, cand(gd.Winner), cand(gd.Via), cand(wd.Winner), cand(wd.Via))
			}
			var gc, wc []string
			for _, x := range gv.Candidates(name) {
				gc = append(gc, cand(x))
			}
			for _, x := range wv.Candidates(name) {
				wc = append(wc, cand(x))
			}
			if !slices.Equal(gc, wc) {
				fmt.Fprintf(&b, "%s %s: candidates %v, want %v\n", c.ID, name, gc, wc)
			}
		}
	}
	return b.String()
}
