package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/vpcdns/vpcdns/internal/config"
)

// Rules added together in one scoped change are stored in the order of
// the list: a store that loads them reads the state the writer holds
// (the list order is what the API lists in).
func TestUpdateRulesKeepsListOrder(t *testing.T) {
	b := newRecorder()
	s, err := Open(Options{Backend: b, Initial: example(t), BaseDir: "/", Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	st, _, err := s.UpdateRules(context.Background(), nil, nil, func(tx *Tx) error {
		for i := range 50 {
			tx.File.Rules = append(tx.File.Rules, config.RuleFile{ID: fmt.Sprintf("rslvr-rr-order%02d", i), RuleType: "system", DomainName: fmt.Sprintf("o%d.example", i)})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Open(Options{Backend: b})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s2.Snapshot(); jsonOf(t, got) != jsonOf(t, st) {
		t.Errorf("a load reads the rules in another order than the writer holds them")
	}
}
