package cli

import (
	"strings"
	"testing"

	"github.com/vpcdns/vpcdns/internal/config"
)

// The reload guard: a file that takes every socket or every rule away is
// what an editor or a redirect leaves while it writes, and is refused.
func TestReloadGuard(t *testing.T) {
	parse := func(text string) *config.Network {
		n, _, err := config.Parse([]byte(text), "network.yaml", t.TempDir())
		if err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		return n
	}
	const vpc = `
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    resolver_listen: ["127.0.0.1:15353"]
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24}
      - {id: subnet-b, cidr_block: 10.0.2.0/24}
resolver_endpoints:
  - id: rslvr-out
    direction: outbound
    vpc: vpc-app
    ip_addresses:
      - {subnet: subnet-a, ip: 10.0.1.10}
      - {subnet: subnet-b, ip: 10.0.2.10}
`
	const rules = `
resolver_rules:
  - id: rslvr-rr-corp
    rule_type: forward
    domain_name: corp.example
    resolver_endpoint: rslvr-out
    target_ips: [{ip: 192.168.10.53}]
    vpcs: [vpc-app]
`
	full := parse(vpc + rules)
	tests := []struct {
		name     string
		old, new *config.Network
		refused  string // "" when applied
	}{
		{"empty file", full, parse(""), "close all 1 sockets"},
		{"comment only", full, parse("# being rewritten\n"), "close all 1 sockets"},
		{"cut before resolver_rules", full, parse(vpc), "remove all 1 resolver rules"},
		{"a rule changed", full, parse(vpc + strings.Replace(rules, "corp.example", "corp2.example", 1)), ""},
		{"rules added to a file without", parse(vpc), full, ""},
		{"empty to empty", parse(""), parse(""), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := emptied(tt.old, tt.new)
			switch {
			case tt.refused == "" && err != nil:
				t.Errorf("refused: %v; want applied", err)
			case tt.refused != "" && (err == nil || !strings.Contains(err.Error(), tt.refused)):
				t.Errorf("err = %v; want it refused: %s", err, tt.refused)
			}
		})
	}
}
