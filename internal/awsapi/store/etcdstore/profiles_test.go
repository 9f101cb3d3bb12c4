package etcdstore_test

import (
	"context"
	"testing"

	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/etcdtest"
)

// Another instance's rule change is followed record by record even while
// a Route 53 Profile holds rules: the follower validates the whole network
// (the Profile refers to rules), and its Profile holds its own rules.
func TestFollowRulesBesideAProfile(t *testing.T) {
	c := etcdtest.Start(t, 1)
	a, b := open(t, c, "profiles"), open(t, c, "profiles")
	if err := addVPC(a, "vpc-01", "10.1.0.0/16"); err != nil {
		t.Fatal(err)
	}
	if err := addRule(a, "rslvr-rr-01", "one.example"); err != nil {
		t.Fatal(err)
	}
	_, _, err := a.Update(context.Background(), nil, func(tx *store.Tx) error {
		tx.File.Profiles = append(tx.File.Profiles, config.ProfileFile{ID: "rp-01", ResolverRules: []string{"rslvr-rr-01"}, VPCs: []string{"vpc-01"}})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		name string
		fn   func() error
	}{
		{"a rule beside the profile", func() error { return addRule(a, "rslvr-rr-02", "two.example", "vpc-01") }},
		{"the profile's rule changes", func() error { return setRuleVPCs(a, "rslvr-rr-01") }},
	} {
		if err := w.fn(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		want := stateJSON(t, a)
		until(t, "b follows "+w.name, func() bool { return stateJSON(t, b) == want })
	}
	n := b.Network()
	if len(n.Profiles) != 1 || len(n.Profiles[0].Rules) != 1 || n.Profiles[0].Rules[0] != n.Rules[0] {
		t.Errorf("b's profile does not hold b's rule: %+v", n.Profiles)
	}
	if got := b.Stats(); got.Reloads != 0 {
		t.Errorf("b reloaded %d times; want 0", got.Reloads)
	}
}
