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
