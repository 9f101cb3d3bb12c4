package store

import (
	"context"
	"slices"
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
