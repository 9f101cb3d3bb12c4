package config

import (
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/miekg/dns"
)

const minimalYAML = `
vpcs:
  - id: vpc-a
    cidr_blocks: [10.0.0.0/16, "2001:db8::/56"]
    main_route_table: rtb-a
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24}
route_tables:
  - id: rtb-a
    vpc: vpc-a
remote_networks:
  - {id: dc, cidr_blocks: [192.168.0.0/16]}
security_groups:
  - id: sg-a
    vpc: vpc-a
    egress:
      - {protocol: all, from_port: 53, to_port: 53, cidr: 0.0.0.0/0}
      - {protocol: udp, cidr: 192.168.0.0/16}
resolver_endpoints:
  - id: out-a
    direction: outbound
    vpc: vpc-a
    ip_addresses: [{subnet: subnet-a, ip: 10.0.1.10}, {subnet: subnet-a, ip: 10.0.1.11}]
resolver_rules:
  - {id: rr, rule_type: forward, domain_name: Corp.Example, resolver_endpoint: out-a, target_ips: [{ip: 192.168.10.53}], vpcs: [vpc-a]}
private_hosted_zones:
  - {name: empty.example, vpcs: [vpc-a]}
internet:
  forwarders: [192.0.2.1, "192.0.2.2:5353", "2001:db8::53", "[2001:db8::54]:5353"]
query_logging:
  - {id: q-file, destination: "file:logs/queries.log", vpcs: [vpc-a]}
  - {id: q-out, destination: stdout, vpcs: [vpc-a]}
`

// TestDefaults checks that every default of network-yaml.md is applied.
func TestDefaults(t *testing.T) {
	base := t.TempDir()
	n, _, err := Parse([]byte(minimalYAML), "network.yaml", base)
	if err != nil {
		t.Fatal(err)
	}
	v := n.VPCByID("vpc-a")
	rtb := n.RouteTables[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"account_id", n.AccountID, "000000000000"},
		{"region", n.Region, "us-east-1"},
		{"vpc region", v.Region, "us-east-1"},
		{"enable_dns_support", v.DNSSupport, true},
		{"enable_dns_hostnames", v.DNSHostnames, false},
		{"autodefined_reverse", v.AutodefinedReverse, true},
		{"ptr_records", v.PTRAssignedOnly, false},
		{"resolver address", v.ResolverAddr(), netip.MustParseAddr("10.0.0.2")},
		{"subnet route table", v.Subnets[0].RouteTable, rtb},
		{"subnet network acl", v.Subnets[0].NetworkACL == nil, true},
		{"remote type", n.RemoteNetworks[0].Type, "vpn"},
		{"remote state", n.RemoteNetworks[0].Up, true},
		{"protocol all ports", n.SecurityGroups[0].Egress[0].Ports, AllPorts},
		{"udp without ports", n.SecurityGroups[0].Egress[1].Ports, AllPorts},
		{"target port", n.Rules[0].Targets[0], netip.MustParseAddrPort("192.168.10.53:53")},
		{"rule domain canonical", n.Rules[0].Domain.String(), "corp.example."},
		{"internet forwarder port", n.InternetForwarders, []netip.AddrPort{
			netip.MustParseAddrPort("192.0.2.1:53"), netip.MustParseAddrPort("192.0.2.2:5353"),
			netip.MustParseAddrPort("[2001:db8::53]:53"), netip.MustParseAddrPort("[2001:db8::54]:5353"),
		}},
		{"query log file", n.QueryLogs[0].Destination, filepath.Join(base, "logs", "queries.log")},
		{"query log stdout", n.QueryLogs[1].Destination, "stdout"},
		{"attempt_timeout", n.Emulation.AttemptTimeout, time.Second},
		{"total_timeout", n.Emulation.TotalTimeout, 3 * time.Second},
		{"cache max_entries", n.Emulation.CacheEntries, 100000},
		{"serve_stale", n.Emulation.ServeStale, time.Hour},
		{"address map", len(n.Emulation.AddressMap), 0},
		{"zone id", n.HostedZones[0].ID, "Z4JVDC3R6FZ3SDG64M5OL"},
	}
	for _, c := range checks {
		if !equal(c.got, c.want) {
			t.Errorf("%s: got %v; want %v", c.name, c.got, c.want)
		}
	}
	// The implicit local routes: every block of the VPC, IPv6 too.
	wantRoutes := []Route{
		{Destination: netip.MustParsePrefix("10.0.0.0/16"), TargetID: "local", Kind: TargetLocal},
		{Destination: netip.MustParsePrefix("2001:db8::/56"), TargetID: "local", Kind: TargetLocal},
	}
	if !equal(rtb.Routes, wantRoutes) {
		t.Errorf("routes: got %+v; want %+v", rtb.Routes, wantRoutes)
	}
	// A zone without records: Route 53's SOA and NS only, SOA first.
	z := n.HostedZones[0]
	want := []string{
		"empty.example.\t900\tIN\tSOA\tns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400",
		"empty.example.\t172800\tIN\tNS\tns-0.awsdns-00.com.",
		"empty.example.\t172800\tIN\tNS\tns-512.awsdns-00.net.",
		"empty.example.\t172800\tIN\tNS\tns-1024.awsdns-00.org.",
		"empty.example.\t172800\tIN\tNS\tns-1536.awsdns-00.co.uk.",
	}
	if got := rrStrings(z.Records); !equal(got, want) {
		t.Errorf("zone records: got\n%v\nwant\n%v", got, want)
	}
}

func TestRecordsDefaultsAndOverrides(t *testing.T) {
	f := decodeBase(t)
	f.HostedZones[0].Records = []RecordFile{
		{Name: "internal.example", Type: "ns", TTL: intp(60), Values: []string{"ns1.internal.example."}},
		{Name: "internal.example.", Type: "SOA", Values: []string{"ns1.internal.example. admin.internal.example. 7 1 1 1 1"}},
		{Name: "DB.internal.example", Type: "A", Values: []string{"10.0.1.20", "10.0.1.21"}},
		{Name: "*.apps.internal.example", Type: "TXT", TTL: intp(0), Values: []string{`"v=1" "two"`}},
		{Name: "internal.example", Type: "MX", Values: []string{"10 mail.internal.example."}},
	}
	n, err := Validate(f, "network.yaml", "testdata")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"internal.example.\t300\tIN\tSOA\tns1.internal.example. admin.internal.example. 7 1 1 1 1",
		"internal.example.\t60\tIN\tNS\tns1.internal.example.",
		"db.internal.example.\t300\tIN\tA\t10.0.1.20",
		"db.internal.example.\t300\tIN\tA\t10.0.1.21",
		"*.apps.internal.example.\t0\tIN\tTXT\t\"v=1\" \"two\"",
		"internal.example.\t300\tIN\tMX\t10 mail.internal.example.",
	}
	if got := rrStrings(n.HostedZones[0].Records); !equal(got, want) {
		t.Errorf("got\n%v\nwant\n%v", got, want)
	}
}

func TestAuthZoneApex(t *testing.T) {
	n, err := Validate(decodeBase(t), "network.yaml", "testdata")
	if err != nil {
		t.Fatal(err)
	}
	z := n.Emulation.AuthServers[0].Zones[0]
	want := []string{
		"corp.example.\t3600\tIN\tSOA\tns1.corp.example. hostmaster.corp.example. 1 3600 600 86400 60",
		"corp.example.\t3600\tIN\tNS\tns1.corp.example.",
		"db.corp.example.\t300\tIN\tA\t10.0.1.20",
	}
	if got := rrStrings(z.Records); z.Name != "corp.example." || !equal(got, want) {
		t.Errorf("got %s\n%v\nwant corp.example.\n%v", z.Name, got, want)
	}
}

// TestZoneIDs checks that derived ids are stable and distinct for zones of
// the same name.
func TestZoneIDs(t *testing.T) {
	f := decodeBase(t)
	f.HostedZones = append(f.HostedZones, ZoneFile{Name: "internal.example", VPCs: []string{"vpc-other"}})
	n, err := Validate(f, "network.yaml", "testdata")
	if err != nil {
		t.Fatal(err)
	}
	a, b := n.HostedZones[0].ID, n.HostedZones[1].ID
	if a != "ZNSCICQJGXGC2OJJ67JFB" || b == a || len(b) != 21 || b[0] != 'Z' {
		t.Errorf("got %s and %s; want ZNSCICQJGXGC2OJJ67JFB and another Z id of 21 characters", a, b)
	}
}

func TestACLEntriesSorted(t *testing.T) {
	f := decodeBase(t)
	f.NetworkACLs[0].Entries = []ACLEntryFile{
		{RuleNumber: 300, Egress: true, Protocol: "tcp", FromPort: intp(53), ToPort: intp(53), CIDR: "10.0.0.0/8", Action: "deny"},
		{RuleNumber: 100, Egress: true, Protocol: "all", CIDR: "0.0.0.0/0", Action: "allow"},
		{RuleNumber: 200, Egress: false, Protocol: "udp", CIDR: "0.0.0.0/0", Action: "allow"},
		{RuleNumber: 100, Egress: false, Protocol: "udp", CIDR: "0.0.0.0/0", Action: "deny"},
	}
	n, err := Validate(f, "network.yaml", "testdata")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range n.NetworkACLs[0].Entries {
		got = append(got, sprintf("%d %s %s %v %v", e.RuleNumber, direction(e.Egress), e.Protocol, e.Ports, e.Allow))
	}
	want := []string{
		"100 egress all {0 65535} true",
		"100 ingress udp {0 65535} false",
		"200 ingress udp {0 65535} true",
		"300 egress tcp {53 53} false",
	}
	if !equal(got, want) {
		t.Errorf("got %v; want %v", got, want)
	}
}

func TestSharedResolverSocket(t *testing.T) {
	f := decodeBase(t)
	f.VPCs[1].ResolverListen = f.VPCs[0].ResolverListen
	if _, err := Validate(f, "network.yaml", "testdata"); err != nil {
		t.Errorf("got %v; want two vpcs allowed to share a resolver socket (behaviour.md §1)", err)
	}
}

func rrStrings(rrs []dns.RR) []string {
	out := make([]string, len(rrs))
	for i, rr := range rrs {
		out[i] = rr.String()
	}
	return out
}
