package etcdstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/awsapi/store/etcdstore"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/etcdtest"
)

// openOn opens a store on the given members only.
func openOn(t *testing.T, endpoints []string, prefix string) *store.Store {
	t.Helper()
	b, err := etcdstore.Open(etcdstore.Config{Endpoints: endpoints, Prefix: prefix, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(store.Options{Backend: b, BaseDir: "."})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// stateJSON is the whole state of s, as JSON (maps in key order).
func stateJSON(t *testing.T, s *store.Store) string {
	t.Helper()
	st, _ := s.Snapshot()
	data, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func addRule(s *store.Store, id, domain string, vpcs ...string) error {
	_, _, err := s.UpdateRules(context.Background(), nil, nil, func(tx *store.Tx) error {
		tx.File.Rules = append(tx.File.Rules, config.RuleFile{ID: id, RuleType: "system", DomainName: domain, VPCs: vpcs})
		return nil
	})
	return err
}

func setRuleVPCs(s *store.Store, id string, vpcs ...string) error {
	_, _, err := s.UpdateRules(context.Background(), nil, []string{id}, func(tx *store.Tx) error {
		i := slices.IndexFunc(tx.File.Rules, func(r config.RuleFile) bool { return r.ID == id })
		tx.File.Rules[i].VPCs = vpcs
		return nil
	})
	return err
}

func deleteRule(s *store.Store, id string) error {
	_, _, err := s.UpdateRules(context.Background(), nil, []string{id}, func(tx *store.Tx) error {
		tx.File.Rules = slices.DeleteFunc(tx.File.Rules, func(r config.RuleFile) bool { return r.ID == id })
		return nil
	})
	return err
}

// A stream of ordinary writes through one instance (VPCs, rules, their
// associations, deletes, a top-level key) is followed by the other record
// by record: it holds exactly the state a fresh load reads, it never
// reloads the whole state, and its own next write is not refused as a
// conflict (the watch took it to the writer's revision).
func TestFollowWithoutReload(t *testing.T) {
	c := etcdtest.Start(t, 1)
	a, b := open(t, c, "follow"), open(t, c, "follow")
	writes := []struct {
		name string
		fn   func() error
	}{
		{"vpc 1", func() error { return addVPC(a, "vpc-01", "10.1.0.0/16") }},
		{"vpc 2", func() error { return addVPC(a, "vpc-02", "10.2.0.0/16") }},
		{"tag vpc 1 (side records only)", func() error {
			_, _, err := a.Update(context.Background(), nil, func(tx *store.Tx) error {
				o := tx.Meta.Objects["vpc-01"]
				if o == nil {
					return fmt.Errorf("no object for vpc-01")
				}
				o.Tags = map[string]string{"team": "dns"}
				return nil
			})
			return err
		}},
		{"region", func() error {
			_, _, err := a.Update(context.Background(), nil, func(tx *store.Tx) error { tx.File.Region = "eu-west-1"; return nil })
			return err
		}},
	}
	for i := range 20 {
		id := fmt.Sprintf("rslvr-rr-%02d", i)
		writes = append(writes, struct {
			name string
			fn   func() error
		}{"create " + id, func() error { return addRule(a, id, fmt.Sprintf("r%d.follow.example", i), "vpc-01") }})
		if i%3 == 1 {
			writes = append(writes, struct {
				name string
				fn   func() error
			}{"associate " + id, func() error { return setRuleVPCs(a, id, "vpc-01", "vpc-02") }})
		}
		if i%5 == 4 {
			writes = append(writes, struct {
				name string
				fn   func() error
			}{"delete " + id, func() error { return deleteRule(a, id) }})
		}
	}
	writes = append(writes, struct {
		name string
		fn   func() error
	}{"modify vpc 2", func() error {
		_, _, err := a.Update(context.Background(), nil, func(tx *store.Tx) error {
			tx.File.VPCs[1].CIDRBlocks = []string{"10.3.0.0/16"}
			return nil
		})
		return err
	}})
	for _, w := range writes {
		if err := w.fn(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		want := stateJSON(t, a)
		until(t, "b follows "+w.name, func() bool { return stateJSON(t, b) == want })
	}
	if got := b.Stats(); got.Reloads != 0 || got.Followed == 0 {
		t.Errorf("b after %d writes of a: %d full reloads, %d changes followed; want 0 and more", len(writes), got.Reloads, got.Followed)
	}
	fresh := open(t, c, "follow")
	if stateJSON(t, fresh) != stateJSON(t, b) {
		t.Errorf("b's followed state differs from a fresh load:\n%s\nwant\n%s", stateJSON(t, b), stateJSON(t, fresh))
	}
	if n, bn := fresh.Network(), b.Network(); len(n.Rules) != len(bn.Rules) || len(n.VPCs) != len(bn.VPCs) {
		t.Errorf("b's network has %d rules, %d VPCs; a fresh load %d, %d", len(bn.Rules), len(bn.VPCs), len(n.Rules), len(n.VPCs))
	}
	// b writes over the state it followed: no conflict, and a follows.
	if err := addRule(b, "rslvr-rr-b", "b.follow.example", "vpc-02"); err != nil {
		t.Fatal(err)
	}
	if got := b.Stats(); got.Conflicts != 0 || got.Reloads != 0 {
		t.Errorf("b's write after following: %d conflicts, %d reloads; want 0", got.Conflicts, got.Reloads)
	}
	want := stateJSON(t, b)
	until(t, "a follows b", func() bool { return stateJSON(t, a) == want })
	if got := a.Stats(); got.Reloads != 0 {
		t.Errorf("a reloaded its state %d times following b's write; want 0", got.Reloads)
	}
}

// An instance whose watch was cut (its only etcd member stopped) while
// the others wrote catches up when the watch comes back: from the next
// revision, record by record, when etcd still has it; with a full reload
// when etcd compacted its history meanwhile. Either way it converges, and
// then follows record by record again.
func TestFollowAfterCompaction(t *testing.T) {
	for _, compact := range []bool{false, true} {
		t.Run(fmt.Sprintf("compacted=%v", compact), func(t *testing.T) { followAfterCut(t, compact) })
	}
}

func followAfterCut(t *testing.T, compact bool) {
	c := etcdtest.Start(t, 3)
	eps := c.Endpoints()
	a := openOn(t, eps[:1], "compact")
	b := openOn(t, eps[2:], "compact")
	if err := addVPC(a, "vpc-01", "10.1.0.0/16"); err != nil {
		t.Fatal(err)
	}
	until(t, "b follows a", func() bool { return vpcs(b)["vpc-01"] })

	c.Stop(2)
	for i := range 5 {
		if err := addRule(a, fmt.Sprintf("rslvr-rr-%d", i), fmt.Sprintf("r%d.compact.example", i), "vpc-01"); err != nil {
			t.Fatal(err)
		}
	}
	if compact {
		cli, err := clientv3.New(clientv3.Config{Endpoints: eps[:1]})
		if err != nil {
			t.Fatal(err)
		}
		defer cli.Close()
		ctx := context.Background()
		resp, err := cli.Get(ctx, "compact/head")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cli.Compact(ctx, resp.Header.Revision, clientv3.WithCompactPhysical()); err != nil {
			t.Fatal(err)
		}
	}
	if got := b.Stats().Reloads; got != 0 {
		t.Fatalf("b reloaded %d times before its member came back", got)
	}
	c.RestartAll()
	want := stateJSON(t, a)
	took := until(t, "b converges after its member restarted", func() bool { return stateJSON(t, b) == want })
	t.Logf("b converged %v after its member restarted", took)
	switch got := b.Stats().Reloads; {
	case compact && got == 0:
		t.Error("b converged without a full reload, but its watch was compacted")
	case !compact && got != 0:
		t.Errorf("b reloaded its whole state %d times after a cut watch etcd had not compacted; want 0", got)
	}
	// And follows record by record again.
	reloads := b.Stats().Reloads
	if err := addVPC(a, "vpc-02", "10.2.0.0/16"); err != nil {
		t.Fatal(err)
	}
	until(t, "b follows a after the restart", func() bool { return vpcs(b)["vpc-02"] })
	if got := b.Stats().Reloads; got != reloads {
		t.Errorf("b reloaded again (%d → %d) for an ordinary write after the restart", reloads, got)
	}
}

// DNS follows another instance's change of rules by a patch of those
// rules (as it does a local one), and any other change by a whole
// rebuild.
func TestFollowPatchesDNS(t *testing.T) {
	c := etcdtest.Start(t, 1)
	a, b := open(t, c, "patch"), open(t, c, "patch")
	var mu sync.Mutex
	var applies int
	var patched []map[string]*config.Rule
	b.SetApply(func(*config.Network) error { mu.Lock(); applies++; mu.Unlock(); return nil })
	b.SetPatch(func(n, base *config.Network, changed map[string]*config.Rule) error {
		mu.Lock()
		patched = append(patched, changed)
		mu.Unlock()
		return nil
	})
	counts := func() (int, []map[string]*config.Rule) {
		mu.Lock()
		defer mu.Unlock()
		return applies, slices.Clone(patched)
	}
	step := func(name string, write func() error, wantApplies int, wantRule string, present bool) {
		t.Helper()
		a0, p0 := counts()
		if err := write(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := stateJSON(t, a)
		until(t, "b follows "+name, func() bool { return stateJSON(t, b) == want })
		if err := b.Synced(context.Background()); err != nil {
			t.Fatal(err)
		}
		a1, p1 := counts()
		if a1-a0 != wantApplies {
			t.Errorf("%s: %d whole rebuilds on b, want %d", name, a1-a0, wantApplies)
		}
		if wantRule == "" {
			return
		}
		if len(p1) == len(p0) {
			t.Fatalf("%s: b's DNS was not patched", name)
		}
		r, ok := p1[len(p1)-1][wantRule]
		if !ok || (r != nil) != present {
			t.Errorf("%s: b's patch %v, want %s present=%v", name, p1[len(p1)-1], wantRule, present)
		}
	}
	step("a VPC", func() error { return addVPC(a, "vpc-01", "10.1.0.0/16") }, 1, "", false)
	step("a rule", func() error { return addRule(a, "rslvr-rr-p", "p.patch.example", "vpc-01") }, 0, "rslvr-rr-p", true)
	step("its deletion", func() error { return deleteRule(a, "rslvr-rr-p") }, 0, "rslvr-rr-p", false)
}
