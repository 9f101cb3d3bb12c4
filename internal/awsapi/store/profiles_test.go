package store

import (
	"context"
	"testing"

	"github.com/vpcdns/vpcdns/internal/config"
)

// A Route 53 Profile refers to the rules it holds: while one does, a rule
// change is a whole-state one (a scoped check, without the other rules,
// would find the Profile's rule missing), and Reconcile gives the
// Profile and its associations their side records.
func TestRulesBesideAProfile(t *testing.T) {
	f := example(t)
	f.Profiles = append(f.Profiles, config.ProfileFile{ID: "rp-1", ResolverRules: []string{f.Rules[0].ID}, VPCs: []string{f.VPCs[0].ID}})
	s, err := Open(Options{Backend: newRecorder(), Initial: f, BaseDir: "/", Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, n, err := s.UpdateRules(context.Background(), nil, nil, func(tx *Tx) error {
		tx.File.Rules = append(tx.File.Rules, config.RuleFile{ID: "rslvr-rr-new", RuleType: "system", DomainName: "new.example"})
		return nil
	})
	if err != nil {
		t.Fatalf("add a rule beside a profile: %v", err)
	}
	if p := n.Profiles[0]; len(p.Rules) != 1 || p.Rules[0] != n.Rules[0] {
		t.Errorf("the profile's rule is not the network's: %+v", p.Rules)
	}
	if o := st.Meta.Objects["rp-1"]; o == nil || o.Kind != KindProfile {
		t.Errorf("profile record %+v", o)
	}
	for _, k := range []string{AssocKey(AssocProfile, "rp-1", f.VPCs[0].ID), AssocKey(AssocProfileRes, "rp-1", f.Rules[0].ID)} {
		if a := st.Meta.Assocs[k]; a == nil {
			t.Errorf("no association record %s", k)
		}
	}
}
