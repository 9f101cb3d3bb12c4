package server_test

import (
	"slices"
	"testing"

	"github.com/vpcdns/vpcdns/internal/config"
)

// ReloadRules patches the answering view with a change of rules alone: a
// rule added answers at once (over UDP, whose fast path remembered the
// autodefined answer, and TCP), removing it brings the autodefined answer
// back, the sockets stay, and a base the server does not answer from is a
// whole Reload.
func TestReloadRules(t *testing.T) {
	t.Parallel()
	rv := startReverse(t)
	s, without, with, addr, ptr := rv.s, rv.without, rv.with, rv.addr, rv.ptr
	const (
		auto   = reverseAuto
		onprem = reverseOnPrem
	)
	// The rule of `with`, pointing at without's VPCs and endpoints, as the
	// API store's change of rules makes it.
	rule := *with.Rules[len(with.Rules)-1]
	rule.VPCs = nil
	for _, v := range with.Rules[len(with.Rules)-1].VPCs {
		rule.VPCs = append(rule.VPCs, without.VPCs[slices.IndexFunc(without.VPCs, func(c *config.VPC) bool { return c.ID == v.ID })])
	}
	rule.Endpoint = without.Endpoints[slices.IndexFunc(without.Endpoints, func(e *config.Endpoint) bool { return e.ID == rule.Endpoint.ID })]
	added := *without
	added.Rules = append(slices.Clip(without.Rules), &rule)
	removed := added
	removed.Rules = slices.Clip(without.Rules)

	steps := []struct {
		name    string
		n, base *config.Network
		changed map[string]*config.Rule
		want    string
	}{
		{"start", nil, nil, nil, auto},
		{"rule added", &added, without, map[string]*config.Rule{rule.ID: &rule}, onprem},
		{"rule deleted", &removed, &added, map[string]*config.Rule{rule.ID: nil}, auto},
		{"not from the answering network: a whole reload", with, &added, map[string]*config.Rule{rule.ID: &rule}, onprem},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			if step.n != nil {
				if err := s.ReloadRules(step.n, step.base, step.changed); err != nil {
					t.Fatal(err)
				}
			}
			for _, network := range []string{"udp", "udp", "tcp"} {
				if got := ptr(network); got != step.want {
					t.Errorf("%s: PTR %s; want %s", network, got, step.want)
				}
			}
			if a := addrOf(t, s, "vpc:vpc-app"); a != addr {
				t.Errorf("the socket moved from %s to %s", addr, a)
			}
		})
	}
}
