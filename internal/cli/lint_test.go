package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lintSmall is a small network with one error and two warnings: one of its
// two on-premises networks is down, the security group lets DNS out over
// UDP only, and the reverse rule is less specific than the VPC's own
// autodefined reverse zone.
const lintSmall = `
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
    main_route_table: rtb-app
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
      - {id: subnet-b, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
transit_gateways:
  - {id: tgw-core, vpc_attachments: [vpc-app], remote_networks: [vpn-dc1, vpn-dc2]}
remote_networks:
  - {id: vpn-dc1, type: vpn, cidr_blocks: [192.168.10.0/24]}
  - {id: vpn-dc2, type: vpn, cidr_blocks: [192.168.20.0/24], state: down}
security_groups:
  - id: sg-out
    vpc: vpc-app
    egress: [{protocol: udp, from_port: 53, to_port: 53, cidr: 192.168.0.0/16}]
route_tables:
  - {id: rtb-app, vpc: vpc-app, routes: [{destination: 192.168.0.0/16, target: tgw-core}]}
resolver_endpoints:
  - id: rslvr-out
    direction: outbound
    vpc: vpc-app
    security_groups: [sg-out]
    ip_addresses: [{subnet: subnet-a, ip: 10.0.1.10}, {subnet: subnet-b, ip: 10.0.2.10}]
resolver_rules:
  - id: rr-reverse
    rule_type: forward
    domain_name: 10.in-addr.arpa
    resolver_endpoint: rslvr-out
    target_ips: [{ip: 192.168.10.53}, {ip: 192.168.20.53}]
    vpcs: [vpc-app]
`

// cleanNetwork is the example's network without its one finding: the
// inbound endpoint gets a security group that lets DNS in.
func cleanNetwork(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "config", "example", "network.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), "    ingress: []\n", "    ingress:\n      - {protocol: udp, from_port: 53, to_port: 53, cidr: 192.168.0.0/16}\n      - {protocol: tcp, from_port: 53, to_port: 53, cidr: 192.168.0.0/16}\n", 1)
	return writeFile(t, s)
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "network.yaml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLintGolden pins lint's text and JSON on the embedded example and on
// a small network with an error and two warnings.
func TestLintGolden(t *testing.T) {
	small := writeFile(t, lintSmall)
	tests := []struct {
		name string
		args []string
		code int
	}{
		{name: "lint-example", code: 0},
		{name: "lint-small", args: []string{"-c", small}, code: 2},
	}
	for _, tt := range tests {
		for _, format := range []string{"text", "json"} {
			t.Run(tt.name+"."+format, func(t *testing.T) {
				args := append([]string{"lint", "-o", format}, tt.args...)
				code, stdout, stderr := run(t, args...)
				if code != tt.code {
					t.Fatalf("exit %d; want %d\nstdout %s\nstderr %s", code, tt.code, stdout, stderr)
				}
				golden(t, tt.name+"."+format, strings.ReplaceAll(stdout, filepath.Clean(small), "network.yaml"))
			})
		}
	}
}

func TestLintExitStatus(t *testing.T) {
	code, stdout, stderr := run(t, "lint", "-c", cleanNetwork(t))
	if code != 0 || !strings.Contains(stdout, "no findings") {
		t.Errorf("lint of a clean network: exit %d; want 0\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = run(t, "lint", "-o", "json", "-c", writeFile(t, lintSmall))
	var r struct {
		Findings []struct{ ID, Severity string }
		Errors   int
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("lint -o json: %v\n%s", err, stdout)
	}
	if code != 2 || r.Errors != 1 || r.Findings[0].ID != "VPCDNS-L012" || r.Findings[0].Severity != "error" {
		t.Errorf("lint of the small network: exit %d, %+v; want 2 and VPCDNS-L012 first", code, r)
	}
	code, _, _ = run(t, "lint", "-c", filepath.Join("..", "config", "testdata", "five-mistakes.yaml"))
	if code != 2 {
		t.Errorf("lint of an invalid network: exit %d; want 2", code)
	}
	for _, args := range [][]string{{"lint", "-o", "xml"}, {"lint", "extra"}} {
		if code, _, _ := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d; want 2", args, code)
		}
	}
}
