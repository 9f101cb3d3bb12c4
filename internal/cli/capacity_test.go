package cli

import (
	"context"
	"encoding/json"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/server"
)

// capacityNetwork has two mapped ENIs, a limit of 20 packets per second per
// ENI so that a test can reach it, and a query log.
const capacityNetwork = `vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    resolver_listen: ["127.0.0.1:5353"]
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24}
    instances:
      - {id: i-0123456789abcdef0, private_ips: [10.0.1.5]}
private_hosted_zones:
  - name: internal.example
    vpcs: [vpc-app]
    records:
      - {name: db.internal.example, type: A, values: [10.0.1.20]}
query_logging:
  - {id: ql, destination: "file:query.log", vpcs: [vpc-app]}
emulation:
  source_map:
    "127.0.0.11": eni-0aaaaaaaaaaaaaaaa
    "127.0.0.13": i-0123456789abcdef0
  limits:
    eni_packets_per_second: 20
`

// recordLog serves capacityNetwork with a clock that stands still, sends
// 60 queries from the hot ENI and 5 from the other, and returns the
// directory with network.yaml and the query log vpcdns wrote.
func recordLog(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	netPath := filepath.Join(dir, "network.yaml")
	if err := os.WriteFile(netPath, []byte(capacityNetwork), 0o644); err != nil {
		t.Fatal(err)
	}
	n, _, err := config.Load(netPath)
	if err != nil {
		t.Fatal(err)
	}
	n.VPCs[0].ResolverListen[0] = netip.MustParseAddrPort("127.0.0.1:0")
	var clock atomic.Int64
	clock.Store(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC).UnixNano())
	s, err := server.New(n, server.Options{Now: func() time.Time { return time.Unix(0, clock.Load()) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	send := func(from string, count int) {
		c, err := net.DialUDP("udp", &net.UDPAddr{IP: net.ParseIP(from)}, net.UDPAddrFromAddrPort(s.Addrs("vpc:vpc-app")[0]))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		for i := range count {
			q := new(dns.Msg).SetQuestion("db.internal.example.", dns.TypeA)
			q.Id = uint16(i + 1)
			b, _ := q.Pack()
			c.Write(b)
		}
		buf := make([]byte, 512)
		for {
			c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
			if _, err := c.Read(buf); err != nil {
				return
			}
		}
	}
	send("127.0.0.11", 60)
	send("127.0.0.13", 5)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	return dir
}

// vpcdns capacity on a query log vpcdns recorded names the ENI that sent
// past its limit, the limit, the ENA counter and the fix, and exits 1.
func TestCapacityOnRecordedLog(t *testing.T) {
	dir := recordLog(t)
	netPath, logPath := filepath.Join(dir, "network.yaml"), filepath.Join(dir, "query.log")
	code, stdout, stderr := run(t, "capacity", "-c", netPath, logPath)
	stdout = strings.ReplaceAll(stdout, dir+string(filepath.Separator), "")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (a limit reached); stderr %s\n%s", code, stderr, stdout)
	}
	for _, want := range []string{
		"25 query-log record(s) from query.log", // 40 were dropped: never logged, as on AWS
		"limit 20 packets/s per ENI",
		"eni-0aaaaaaaaaaaaaaaa (eni) is at its limit: 20 packets/s at 2026-12-03T12:00:00Z against the limit of 20 per ENI to the VPC resolver (AWS's is 1024)",
		"linklocal_allowance_exceeded",
		"Fix: answer most queries on the host with a node-local cache",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "i-0123456789abcdef0 (instance) is") {
		t.Errorf("the ENI under its limit is reported:\n%s", stdout)
	}
	golden(t, "capacity.text", stdout)

	code, stdout, _ = run(t, "capacity", "-o", "json", "-c", netPath, logPath)
	stdout = strings.ReplaceAll(stdout, dir+string(filepath.Separator), "")
	var r struct {
		ENIs []struct {
			ENI     string `json:"eni"`
			Status  string `json:"status"`
			Limit   int    `json:"limit"`
			Packets struct {
				Peak int `json:"peak_per_second"`
			} `json:"packets_per_second"`
		} `json:"enis"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || code != 1 {
		t.Fatalf("exit %d, json %v:\n%s", code, err, stdout)
	}
	if len(r.ENIs) != 2 || r.ENIs[0].ENI != "eni-0aaaaaaaaaaaaaaaa" || r.ENIs[0].Status != "at-limit" || r.ENIs[0].Packets.Peak != 20 || r.ENIs[0].Limit != 20 ||
		r.ENIs[1].ENI != "i-0123456789abcdef0" || r.ENIs[1].Status != "ok" {
		t.Errorf("enis %+v", r.ENIs)
	}
	golden(t, "capacity.json", stdout)
}

func TestCapacityUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no log", []string{"capacity"}, "capacity needs one query log or more"},
		{"missing log", []string{"capacity", "/nonexistent/query.log"}, "read query log: open /nonexistent/query.log"},
		{"bad format", []string{"capacity", "-o", "xml", "q.log"}, `-o "xml": want text or json`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, tc.args...)
			if code != exitInvalid || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, exitInvalid, tc.want)
			}
		})
	}
}

func TestCapacityStdinUnderLimit(t *testing.T) {
	var stdout, stderr strings.Builder
	in := `{"query_timestamp":"2026-12-03T12:00:00Z","vpc_id":"vpc-app","srcaddr":"10.0.1.5","transport":"UDP","query_type":"A"}` + "\n"
	code := Run(context.Background(), []string{"capacity", "-"}, IO{Stdin: strings.NewReader(in), Stdout: &stdout, Stderr: &stderr})
	if code != 0 || !strings.Contains(stdout.String(), "No ENI and no endpoint address comes near its limit.") {
		t.Errorf("exit %d:\n%s%s", code, stdout.String(), stderr.String())
	}
}
