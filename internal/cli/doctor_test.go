package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vpcdns/vpcdns/internal/bindtest"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/loopbacktest"
	"github.com/vpcdns/vpcdns/internal/server"
)

// doctorNet is vpc-app with a reverse rule to one on-premises server
// (BIND on loopback, through the address map) and its resolver on
// loopback. DOMAIN, RESOLVER and TARGET are filled in by the test.
const doctorNet = `
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
    resolver_listen: ["127.0.0.1:RESOLVER"]
    main_route_table: rtb-app
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
      - {id: subnet-b, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
transit_gateways:
  - {id: tgw-core, vpc_attachments: [vpc-app], remote_networks: [vpn-onprem]}
remote_networks:
  - {id: vpn-onprem, type: vpn, cidr_blocks: [192.168.0.0/16]}
security_groups:
  - id: sg-out
    vpc: vpc-app
    egress:
      - {protocol: udp, from_port: 53, to_port: 53, cidr: SGCIDR}
      - {protocol: tcp, from_port: 53, to_port: 53, cidr: SGCIDR}
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
    domain_name: DOMAIN
    resolver_endpoint: rslvr-out
    target_ips: [{ip: 192.168.10.53}]
    vpcs: [vpc-app]
emulation:
  address_map:
    "192.168.10.53:53": "127.0.0.1:TARGET"
  forwarding: {attempt_timeout: 400ms, total_timeout: 800ms}
  cache: {max_entries: 0}
`

const doctorZone = `$TTL 300
@ IN SOA ns.corp.example. hostmaster.corp.example. 1 3600 600 86400 300
@ IN NS ns.corp.example.
`

// startDoctorNet starts BIND with the zone of domain (holding the PTR of
// 10.0.1.5), writes the network, starts vpcdns's server for it, and returns
// the network file.
func startDoctorNet(t *testing.T, domain, sgCIDR string) string {
	t.Helper()
	ptr := map[string]string{"0.10.in-addr.arpa": "5.1", "10.in-addr.arpa": "5.1.0"}[domain]
	bind := bindtest.Start(t, map[string]string{domain: doctorZone + ptr + " IN PTR app1.corp.example.\n"})
	yaml := strings.NewReplacer("DOMAIN", domain, "SGCIDR", sgCIDR,
		"RESOLVER", strconv.Itoa(int(loopbacktest.FreePort(t))), "TARGET", strconv.Itoa(int(bind.Addr().Port()))).Replace(doctorNet)
	file := writeFile(t, yaml)
	n, _, err := config.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(n, server.Options{Stdout: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return file
}

var (
	loopbackPort = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	durationMS   = regexp.MustCompile(`"duration_ms": [0-9.e+-]+`)
)

// mask replaces what changes from run to run: ports on loopback and timings.
func mask(s string) string {
	s = loopbackPort.ReplaceAllString(s, "127.0.0.1:PORT")
	return durationMS.ReplaceAllString(s, `"duration_ms": 0`)
}

// TestDoctorGolden pins doctor's text (and JSON for the healthy case) on
// three runs against BIND and vpcdns's own server on loopback.
func TestDoctorGolden(t *testing.T) {
	tests := []struct {
		name, domain, sg string
		formats          []string
		code             int
	}{
		{name: "doctor-healthy", domain: "0.10.in-addr.arpa", sg: "192.168.0.0/16", formats: []string{"text", "json"}, code: 0},
		{name: "doctor-wrong-rule", domain: "10.in-addr.arpa", sg: "192.168.0.0/16", formats: []string{"text"}, code: 1},
		{name: "doctor-sg-blocks", domain: "0.10.in-addr.arpa", sg: "172.16.0.0/12", formats: []string{"text"}, code: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := startDoctorNet(t, tt.domain, tt.sg)
			for _, format := range tt.formats {
				code, stdout, stderr := run(t, "doctor", "-c", file, "--vpc", "vpc-app", "-x", "10.0.1.5", "-o", format, "--timeout", "1s")
				if code != tt.code {
					t.Errorf("-o %s: exit %d; want %d\n%s%s", format, code, tt.code, stdout, stderr)
				}
				golden(t, tt.name+"."+format, mask(stdout))
			}
		})
	}
}

func TestDoctorUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no vpc", args: []string{"doctor", "www.example.com"}, want: "--vpc is required"},
		{name: "unknown vpc", args: []string{"doctor", "--vpc", "vpc-nope", "www.example.com"}, want: `vpc "vpc-nope" is not in the network`},
		{name: "bad address", args: []string{"doctor", "--vpc", "vpc-app", "-x", "10.0.0.300"}, want: "not an IP address"},
		{name: "bad format", args: []string{"doctor", "--vpc", "vpc-app", "-o", "xml", "www.example.com"}, want: "want text or json"},
		{name: "bad timeout", args: []string{"doctor", "--vpc", "vpc-app", "--timeout", "0s", "www.example.com"}, want: "want a positive duration"},
		{name: "bad resolver", args: []string{"doctor", "--vpc", "vpc-app", "--resolver", "resolver.example", "www.example.com"}, want: `--resolver "resolver.example": want ADDR or ADDR:PORT`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
}

// TestDoctorResolverGolden: --resolver names the socket to ask (here
// vpcdns's own, as a stand-in for the real VPC+2 resolver), and
// --resolv-conf adds the step about this host.
func TestDoctorResolverGolden(t *testing.T) {
	file := startDoctorNet(t, "0.10.in-addr.arpa", "192.168.0.0/16")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	resolver := loopbackPort.FindString(string(data)) // resolver_listen comes first
	resolv := filepath.Join("testdata", "doctor", "resolv.conf")
	code, stdout, stderr := run(t, "doctor", "-c", file, "--vpc", "vpc-app", "-x", "10.0.1.5", "--timeout", "1s",
		"--resolver", resolver, "--resolv-conf", resolv)
	if code != 0 {
		t.Errorf("exit %d; want 0\n%s%s", code, stdout, stderr)
	}
	golden(t, "doctor-resolver.text", mask(stdout))
}
