package cli

import (
	"path/filepath"
	"testing"
)

// TestExplainAccountsGolden pins explain (text and JSON) on
// internal/config/testdata/accounts.yaml, a network read from two
// accounts that uses every key of docs/network-yaml-accounts.md.
func TestExplainAccountsGolden(t *testing.T) {
	file := filepath.Join("..", "config", "testdata", "accounts.yaml")
	tests := []struct {
		name string
		args []string
	}{
		// DHCP option set without AmazonProvidedDNS; zone of another account.
		{name: "accounts-dhcp-bypass", args: []string{"--vpc", "vpc-app", "db.internal.example"}},
		// A rule of the network account shared through RAM, used by a
		// workload account's VPC.
		{name: "accounts-shared-rule", args: []string{"--vpc", "vpc-app", "db.corp.example"}},
		// The hidden zone of an interface endpoint with private DNS.
		{name: "accounts-vpc-endpoint", args: []string{"--vpc", "vpc-hub", "ssm.us-east-1.amazonaws.com"}},
		// A rule and a zone that reach workload VPCs through a Profile.
		{name: "accounts-profile-rule", args: []string{"--vpc", "vpc-app", "db.profile.example"}},
		{name: "accounts-profile-zone", args: []string{"--vpc", "vpc-data", "svc.shared.example"}},
		// vpc-data resolves the hub's names (the requester allows it)...
		{name: "accounts-peer-reverse", args: []string{"--vpc", "vpc-data", "-x", "10.0.1.5"}},
		// ...the hub does not resolve vpc-data's (the accepter does not).
		{name: "accounts-peer-reverse-refused", args: []string{"--vpc", "vpc-hub", "-x", "10.2.0.5"}},
		// A transit gateway route table's blackhole.
		{name: "accounts-tgw-blackhole", args: []string{"--vpc", "vpc-hub", "a.lab.example"}},
		// A route a virtual private gateway propagates.
		{name: "accounts-vgw", args: []string{"--vpc", "vpc-hub", "a.branch.example"}},
		// Record sets of a routing policy, an alias to a record of the zone
		// and an alias with its target's addresses.
		{name: "accounts-record-sets", args: []string{"--vpc", "vpc-hub", "api.internal.example"}},
		{name: "accounts-alias", args: []string{"--vpc", "vpc-hub", "www.internal.example"}},
		{name: "accounts-alias-values", args: []string{"--vpc", "vpc-hub", "lb.internal.example"}},
		// A route through an unmodeled Gateway Load Balancer endpoint.
		{name: "accounts-unknown-gateway", args: []string{"--vpc", "vpc-hub", "a.inspect.example"}},
		// A security group rule to a prefix list that could not be read.
		{name: "accounts-unknown-prefix-list", args: []string{"--vpc", "vpc-hub", "www.partner.example"}},
	}
	for _, tt := range tests {
		for _, format := range []string{"text", "json"} {
			t.Run(tt.name+"."+format, func(t *testing.T) {
				args := append([]string{"explain", "-c", file, "-o", format}, tt.args...)
				code, stdout, stderr := run(t, args...)
				if code != 0 {
					t.Fatalf("exit %d; stderr %s", code, stderr)
				}
				golden(t, tt.name+"."+format, stdout)
			})
		}
	}
}

// TestLintAccountsGolden pins lint on accounts.yaml: a blackhole in a TGW
// route table (L001), a VPN whose tunnels are all down (L012), a DHCP
// option set without AmazonProvidedDNS (L017) and paths through what
// vpcdns does not model (L018).
func TestLintAccountsGolden(t *testing.T) {
	file := filepath.Join("..", "config", "testdata", "accounts.yaml")
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := run(t, "lint", "-c", file, "-o", format)
			if code != 2 {
				t.Fatalf("exit %d; want 2 (errors)\n%s%s", code, stdout, stderr)
			}
			golden(t, "lint-accounts."+format, stdout)
		})
	}
}
