package main

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/vpcdns/vpcdns/internal/config"
)

func TestLimitsNetworkLoads(t *testing.T) {
	n, _, err := config.Parse([]byte(limitsNetwork(5399)), "network.yaml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want := map[netip.Addr]string{netip.MustParseAddr("127.0.0.11"): hotENI, netip.MustParseAddr("127.0.0.12"): otherENI}
	if len(n.Emulation.SourceMap) != 2 || n.Emulation.SourceMap[netip.MustParseAddr("127.0.0.11")] != want[netip.MustParseAddr("127.0.0.11")] {
		t.Errorf("source map %v", n.Emulation.SourceMap)
	}
	if n.Emulation.Limits.ENIPacketsPerSecond != 1024 {
		t.Errorf("limit %d, want AWS's 1024", n.Emulation.Limits.ENIPacketsPerSecond)
	}
}

func TestBenchConfigTurnsEndpointLimitsOff(t *testing.T) {
	path, err := writeVPCDNSConfig(serverConfig{dir: t.TempDir(), port: 5399, bindPort: 5398})
	if err != nil {
		t.Fatal(err)
	}
	n, _, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if l := n.Emulation.Limits; l.EndpointIPQueriesPerSecond != 0 || l.EndpointIPTrackedQueriesPerSecond != 0 {
		t.Errorf("W3/W4 would measure AWS's endpoint limit: %+v", l)
	}
}

func TestParseDrops(t *testing.T) {
	in := `# HELP vpcdns_eni_resolver_pps_limit_drops_total ...
# TYPE vpcdns_eni_resolver_pps_limit_drops_total counter
vpcdns_eni_resolver_pps_limit_drops_total{eni="eni-0aaaaaaaaaaaaaaaa"} 9351
vpcdns_eni_resolver_pps_limit_drops_total{eni="i-0123"} 1.5e+06
vpcdns_queries_total{rcode="NOERROR",source="private-hosted-zone",vpc="vpc-bench"} 20000
`
	got, err := parseDrops(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["eni-0aaaaaaaaaaaaaaaa"] != 9351 || got["i-0123"] != 1.5e6 {
		t.Errorf("drops %v", got)
	}
	if _, err := parseDrops(strings.NewReader(`vpcdns_eni_resolver_pps_limit_drops_total{eni="x"} nope` + "\n")); err == nil {
		t.Error("a bad value parsed")
	}
}

func TestPerfArgsLocalAddress(t *testing.T) {
	a := strings.Join(perfRun{port: 53, file: "q", local: "127.0.0.11", rate: 2000, clients: 1, threads: 1, outstanding: 1}.args(), " ")
	if !strings.Contains(a, "-s 127.0.0.1 ") || !strings.Contains(a, "-a 127.0.0.11") {
		t.Errorf("args %q", a)
	}
}
