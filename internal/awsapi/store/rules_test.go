package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/vpcdns/vpcdns/internal/config"
)

// A scoped change writes and validates the rules it names; one that
// touches more is run again as a whole-state change; both end where a
// whole-state change would.
func TestUpdateRules(t *testing.T) {
	b := newRecorder()
	s, err := Open(Options{Backend: b, Initial: example(t), BaseDir: "/", Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		ids     []string
		fn      func(tx *Tx)
		wantErr bool
		check   func(t *testing.T, st *State, n *config.Network)
	}{
		{"add a rule", nil, func(tx *Tx) {
			tx.File.Rules = append(tx.File.Rules, config.RuleFile{ID: "rslvr-rr-new", RuleType: "system", DomainName: "new.example", VPCs: []string{"vpc-shared"}})
		}, false, func(t *testing.T, st *State, n *config.Network) {
			r := n.Rules[len(n.Rules)-1]
			if r.ID != "rslvr-rr-new" || len(r.VPCs) != 1 || r.VPCs[0] != n.VPCs[1] {
				t.Errorf("new rule %+v: its VPC is not the network's", r)
			}
			if st.Meta.Assocs[AssocKey(AssocRule, "rslvr-rr-new", "vpc-shared")] == nil || st.Meta.Objects["rslvr-rr-new"] == nil {
				t.Error("no side records for the new rule")
			}
		}},
		{"same domain in the same VPC", nil, func(tx *Tx) {
			tx.File.Rules = append(tx.File.Rules, config.RuleFile{ID: "rslvr-rr-dup", RuleType: "system", DomainName: "NEW.example.", VPCs: []string{"vpc-shared"}})
		}, true, nil},
		{"an invalid rule", nil, func(tx *Tx) {
			tx.File.Rules = append(tx.File.Rules, config.RuleFile{ID: "rslvr-rr-bad", RuleType: "forward", DomainName: "bad.example"})
		}, true, nil},
		{"disassociate", []string{"rslvr-rr-new"}, func(tx *Tx) {
			i := slices.IndexFunc(tx.File.Rules, func(r config.RuleFile) bool { return r.ID == "rslvr-rr-new" })
			tx.File.Rules[i].VPCs = nil
		}, false, func(t *testing.T, st *State, n *config.Network) {
			if st.Meta.Assocs[AssocKey(AssocRule, "rslvr-rr-new", "vpc-shared")] != nil {
				t.Error("the association's record is still there")
			}
		}},
		{"out of scope: an undeclared rule changes", []string{"rslvr-rr-new"}, func(tx *Tx) {
			tx.File.Rules = slices.DeleteFunc(tx.File.Rules, func(r config.RuleFile) bool { return r.ID == "rslvr-rr-corp" || r.ID == "rslvr-rr-new" })
		}, false, func(t *testing.T, st *State, n *config.Network) {
			if len(n.Rules) != 1 || len(st.File.Rules) != 1 || n.Rules[0].ID != "rslvr-rr-onprem-reverse" {
				t.Errorf("rules %v", n.Rules)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, _ := s.Snapshot()
			st, n, err := s.UpdateRules(context.Background(), nil, c.ids, func(tx *Tx) error { c.fn(tx); return nil })
			if c.wantErr {
				if err == nil {
					t.Fatal("accepted")
				}
				if after, _ := s.Snapshot(); after != before {
					t.Error("a refused change was made current")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, st, n)
			// What is stored is what is current.
			s2, err := Open(Options{Backend: b})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := s2.Snapshot()
			if jsonOf(t, got) != jsonOf(t, st) {
				t.Errorf("stored state differs from the current one")
			}
		})
	}
}

// A change with a RuleScope copies only the side-record maps it names:
// the store's own bookkeeping of the rest still works (a deleted rule's
// object goes), the creator index follows every change, and writing into
// a map out of scope is caught (Options.Verify).
func TestUpdateRuleScope(t *testing.T) {
	s, err := Open(Options{Backend: newRecorder(), Initial: example(t), BaseDir: "/", Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	create := func(tx *Tx) error {
		if tx.CreatorTaken(KindRule, "crid-1") {
			return errors.New("creator request id taken")
		}
		tx.File.Rules = append(tx.File.Rules, config.RuleFile{ID: "rslvr-rr-scoped", RuleType: "system", DomainName: "scoped.example"})
		tx.Meta.Objects["rslvr-rr-scoped"] = &Object{Kind: KindRule, CreatorRequestID: "crid-1", Created: tx.Now, Modified: tx.Now}
		return nil
	}
	before, _ := s.Snapshot()
	st, _, err := s.UpdateRuleScope(context.Background(), nil, RuleScope{Objects: true}, create)
	if err != nil {
		t.Fatal(err)
	}
	if &st.Meta.Assocs == &before.Meta.Assocs || len(st.Meta.Assocs) != len(before.Meta.Assocs) {
		t.Errorf("associations changed by a create")
	}
	if _, _, err := s.UpdateRuleScope(context.Background(), nil, RuleScope{Objects: true}, create); err == nil || !strings.Contains(err.Error(), "taken") {
		t.Errorf("second create with the same creator request id: %v", err)
	}
	// Associate: only the associations are the change's.
	st, _, err = s.UpdateRuleScope(context.Background(), nil, RuleScope{IDs: []string{"rslvr-rr-scoped"}, Assocs: true}, func(tx *Tx) error {
		i := slices.IndexFunc(tx.File.Rules, func(r config.RuleFile) bool { return r.ID == "rslvr-rr-scoped" })
		tx.File.Rules[i].VPCs = []string{"vpc-shared"}
		tx.Meta.Assocs[AssocKey(AssocRule, "rslvr-rr-scoped", "vpc-shared")] = &Assoc{ID: "rslvr-rrassoc-scoped", Created: tx.Now}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if a := st.Meta.Assocs[AssocKey(AssocRule, "rslvr-rr-scoped", "vpc-shared")]; a == nil || a.ID != "rslvr-rrassoc-scoped" {
		t.Errorf("association record %+v", a)
	}
	// Disassociate and delete with no map in scope: the store drops the
	// records, and the creator id is free again.
	for _, fn := range []func(tx *Tx) error{
		func(tx *Tx) error {
			i := slices.IndexFunc(tx.File.Rules, func(r config.RuleFile) bool { return r.ID == "rslvr-rr-scoped" })
			tx.File.Rules[i].VPCs = nil
			return nil
		},
		func(tx *Tx) error {
			tx.File.Rules = slices.DeleteFunc(tx.File.Rules, func(r config.RuleFile) bool { return r.ID == "rslvr-rr-scoped" })
			return nil
		},
	} {
		if st, _, err = s.UpdateRuleScope(context.Background(), nil, RuleScope{IDs: []string{"rslvr-rr-scoped"}}, fn); err != nil {
			t.Fatal(err)
		}
	}
	if st.Meta.Objects["rslvr-rr-scoped"] != nil || st.Meta.Assocs[AssocKey(AssocRule, "rslvr-rr-scoped", "vpc-shared")] != nil {
		t.Error("the deleted rule's side records are still there")
	}
	if _, _, err := s.UpdateRuleScope(context.Background(), nil, RuleScope{Objects: true}, create); err != nil {
		t.Errorf("create after the delete freed the creator request id: %v", err)
	}
	// A write into a map out of scope modifies the current state (which
	// is then lost): refused.
	if _, _, err := s.UpdateRuleScope(context.Background(), nil, RuleScope{IDs: []string{"rslvr-rr-scoped"}}, func(tx *Tx) error {
		tx.Meta.Objects["rslvr-rr-scoped"] = &Object{Kind: KindRule}
		return nil
	}); err == nil {
		t.Error("a write into an out-of-scope map was accepted")
	}
}
