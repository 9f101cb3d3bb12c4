package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/server"
)

// Timeouts of the tests. Forwarding budgets are short so that failure cases
// stay fast; slack is what a test allows beyond a deadline for scheduling,
// the race detector and a loaded machine.
const (
	attemptTimeout = 200 * time.Millisecond
	totalTimeout   = 600 * time.Millisecond
	slack          = time.Second
	clientTimeout  = 2 * time.Second
)

// loopback0 asks the server for a free port on 127.0.0.1 (UDP and TCP).
var loopback0 = netip.MustParseAddrPort("127.0.0.1:0")

// The zones of the on-premises BIND server.
const (
	// reverseZone holds PTR records for 10.0.0.5 and for 10.0.1.1–10.0.1.254
	// (distinct names for tests that must not hit the cache).
	reverseZone = `$TTL 300
@      IN SOA ns.corp.example. admin.corp.example. 1 3600 600 86400 300
@      IN NS  ns.corp.example.
5.0    IN PTR app1.corp.example.
$GENERATE 1-254 $.1 IN PTR host-$.corp.example.
`
	// corpZone is the on-premises corp.example, with a TXT RRset far larger
	// than 1232 bytes.
	corpZone = `$TTL 300
@      IN SOA ns.corp.example. admin.corp.example. 1 3600 600 86400 300
@      IN NS  ns
ns     IN A   192.168.10.53
db     IN A   192.168.1.20
$GENERATE 1-254 host-$ IN A 192.168.1.$
`
)

// bigTXT is the number of records of big.corp.example TXT, each of
// bigTXTLen bytes: about 6 KB in all.
const (
	bigTXT    = 24
	bigTXTLen = 250
)

// corpZoneWithBig is corpZone with big.corp.example's TXT RRset.
func corpZoneWithBig() string {
	var b strings.Builder
	b.WriteString(corpZone)
	for i := range bigTXT {
		s := fmt.Sprintf("%02d", i) + strings.Repeat("x", bigTXTLen-2)
		fmt.Fprintf(&b, "big IN TXT %q\n", s)
	}
	return b.String()
}

// baseNetwork is one VPC (10.0.0.0/16, hostnames on) with an outbound
// endpoint and, where the text says {{RULES}}, its rules. {{MAP1}} and
// {{MAP2}} are where the two modeled on-premises servers 192.168.10.53 and
// 192.168.20.53 really listen.
const baseNetwork = `
account_id: "111122223333"
region: us-east-1
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
      - {id: subnet-b, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
resolver_endpoints:
  - id: rslvr-out
    direction: outbound
    vpc: vpc-app
    ip_addresses:
      - {subnet: subnet-a, ip: 10.0.1.10}
      - {subnet: subnet-b, ip: 10.0.2.10}
emulation:
  address_map:
    "192.168.10.53:53": "{{MAP1}}"
    "192.168.20.53:53": "{{MAP2}}"
  forwarding: {attempt_timeout: 200ms, total_timeout: 600ms}
`

// reverseRule forwards vpc-app's own reverse zone to both on-premises
// servers.
const reverseRule = `
resolver_rules:
  - id: rslvr-rr-reverse
    rule_type: forward
    domain_name: 0.10.in-addr.arpa
    resolver_endpoint: rslvr-out
    target_ips: [{ip: 192.168.10.53}, {ip: 192.168.20.53}]
    vpcs: [vpc-app]
`

// corpRule forwards corp.example to both on-premises servers.
const corpRule = `
resolver_rules:
  - id: rslvr-rr-corp
    rule_type: forward
    domain_name: corp.example
    resolver_endpoint: rslvr-out
    target_ips: [{ip: 192.168.10.53}, {ip: 192.168.20.53}]
    vpcs: [vpc-app]
`

// expand replaces {{KEY}} in text with vars[KEY].
func expand(text string, vars map[string]string) string {
	for k, v := range vars {
		text = strings.ReplaceAll(text, "{{"+k+"}}", v)
	}
	return text
}

// parseNetwork validates a network file written by a test; relative paths in
// it are read from a temporary directory.
func parseNetwork(t testing.TB, text string) *config.Network {
	t.Helper()
	n, _, err := config.Parse([]byte(text), "network.yaml", t.TempDir())
	if err != nil {
		t.Fatalf("network.yaml is invalid: %v\n%s", err, text)
	}
	return n
}

// listenOnLoopback gives every VPC of n one resolver socket, and every
// inbound endpoint one socket, on a free port of 127.0.0.1 (network.yaml
// takes ports 1–65535 only; the server takes port 0).
func listenOnLoopback(n *config.Network) {
	for _, c := range n.VPCs {
		c.ResolverListen = []netip.AddrPort{loopback0}
	}
	for _, e := range n.Endpoints {
		if !e.Outbound {
			e.Listen = []netip.AddrPort{loopback0}
		}
	}
}

// start starts a server for n and shuts it down when the test ends.
func start(t testing.TB, n *config.Network, opts server.Options) *server.Server {
	t.Helper()
	s, err := server.New(n, opts)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	if err := s.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { shutdown(t, s) })
	return s
}

var shutdowns sync.Map // *server.Server → struct{}

// shutdown shuts s down once (a test may do it early to flush the logs).
func shutdown(t testing.TB, s *server.Server) {
	t.Helper()
	if _, done := shutdowns.LoadOrStore(s, struct{}{}); done {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// addrOf returns the one bound address of owner ("vpc:ID", …).
func addrOf(t testing.TB, s *server.Server, owner string) string {
	t.Helper()
	as := s.Addrs(owner)
	if len(as) != 1 {
		t.Fatalf("Addrs(%q) = %v; want one address", owner, as)
	}
	if !as[0].Addr().IsLoopback() || as[0].Port() == 0 {
		t.Fatalf("Addrs(%q) = %v; want a bound loopback address", owner, as)
	}
	return as[0].String()
}

// closedPort returns a loopback address where nothing listens (UDP or TCP):
// a target that is down.
func closedPort(t testing.TB) string {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	return addr
}

// silentServer is a loopback UDP and TCP socket that reads queries and never
// answers: a target whose packets are lost. It counts what it receives.
type silentServer struct {
	addr    string
	packets atomic.Int64
}

func startSilent(t testing.TB) *silentServer {
	t.Helper()
	for range 10 {
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp4", pc.LocalAddr().String())
		if err != nil {
			pc.Close()
			continue
		}
		s := &silentServer{addr: pc.LocalAddr().String()}
		go func() {
			buf := make([]byte, 65535)
			for {
				if _, _, err := pc.ReadFrom(buf); err != nil {
					return
				}
				s.packets.Add(1)
			}
		}()
		var conns sync.WaitGroup
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				s.packets.Add(1)
				conns.Go(func() {
					buf := make([]byte, 1024)
					for {
						if _, err := c.Read(buf); err != nil {
							c.Close()
							return
						}
					}
				})
			}
		}()
		t.Cleanup(func() { pc.Close(); ln.Close() })
		return s
	}
	t.Fatal("no free port for UDP and TCP")
	return nil
}

// ask sends one query with the Go client over network ("udp" or "tcp").
func ask(t testing.TB, network, addr, name string, qtype uint16) *dns.Msg {
	t.Helper()
	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(name), qtype)
	return exchange(t, network, addr, q)
}

// exchange sends q with the Go client and fails the test without an answer.
func exchange(t testing.TB, network, addr string, q *dns.Msg) *dns.Msg {
	t.Helper()
	r, err := tryExchange(network, addr, q, clientTimeout)
	if err != nil {
		t.Fatalf("%s %s %s @%s: %v", network, q.Question[0].Name, dns.TypeToString[q.Question[0].Qtype], addr, err)
	}
	if r.Id != q.Id {
		t.Fatalf("reply ID %d; want the query's %d", r.Id, q.Id)
	}
	return r
}

func tryExchange(network, addr string, q *dns.Msg, timeout time.Duration) (*dns.Msg, error) {
	c := &dns.Client{Net: network, Timeout: timeout, UDPSize: 65535}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	r, _, err := c.ExchangeContext(ctx, q, addr)
	return r, err
}

// rrStrings returns the records of a section without their TTLs, e.g.
// "5.0.0.10.in-addr.arpa. IN PTR app1.corp.example.".
func rrStrings(rrs []dns.RR) []string {
	out := make([]string, 0, len(rrs))
	for _, rr := range rrs {
		h := rr.Header()
		f := strings.Fields(rr.String())
		// name TTL class type rdata…
		out = append(out, strings.Join(append([]string{h.Name, f[2], f[3]}, f[4:]...), " "))
	}
	return out
}

// wantRcode fails the test when r's rcode is not want.
func wantRcode(t testing.TB, r *dns.Msg, want int) {
	t.Helper()
	if r.Rcode != want {
		t.Fatalf("rcode = %s; want %s\n%v", dns.RcodeToString[r.Rcode], dns.RcodeToString[want], r)
	}
}

// wantAnswer fails the test unless r is a NOERROR recursive answer (RA set,
// AA clear) whose answer section, TTLs aside, is want.
func wantAnswer(t testing.TB, r *dns.Msg, want ...string) {
	t.Helper()
	wantRcode(t, r, dns.RcodeSuccess)
	if !r.RecursionAvailable || r.Authoritative {
		t.Errorf("RA=%v AA=%v; want a recursive answer (RA set, AA clear)", r.RecursionAvailable, r.Authoritative)
	}
	got := rrStrings(r.Answer)
	// Names compare without regard to case (RFC 4343): an answer may echo
	// the client's spelling of the question.
	if !strings.EqualFold(strings.Join(got, "\n"), strings.Join(want, "\n")) {
		t.Fatalf("answer:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// digPath is the real dig; tests that use it skip when it is missing
// (outside CI).
func digPath(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("dig")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("dig is not installed; in CI it must be (apt-get install bind9-dnsutils)")
		}
		t.Skip("dig is not installed")
	}
	return p
}

// dig runs the real dig against addr ("ip:port") with args and returns its
// output. +tries=1 keeps a failure fast.
func dig(t testing.TB, addr string, args ...string) string {
	t.Helper()
	ap := netip.MustParseAddrPort(addr)
	all := append([]string{"@" + ap.Addr().String(), "-p", strconv.Itoa(int(ap.Port())), "+tries=1", "+time=2"}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, digPath(t), all...).CombinedOutput()
	if err != nil {
		t.Fatalf("dig %s: %v\n%s", strings.Join(all, " "), err, out)
	}
	return string(out)
}

// digStatus returns the status of dig's header line ("NOERROR", …).
func digStatus(t testing.TB, out string) string {
	t.Helper()
	_, rest, ok := strings.Cut(out, "status: ")
	if !ok {
		t.Fatalf("no status in dig's output:\n%s", out)
	}
	st, _, _ := strings.Cut(rest, ",")
	return st
}

// digShort runs dig +short and returns its lines.
func digShort(t testing.TB, addr string, args ...string) []string {
	t.Helper()
	out := strings.TrimSpace(dig(t, addr, append(args, "+short")...))
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

// logRecord is a query-log line as behaviour.md §8 has it.
type logRecord struct {
	Version   string `json:"version"`
	AccountID string `json:"account_id"`
	Region    string `json:"region"`
	VPCID     string `json:"vpc_id"`
	Timestamp string `json:"query_timestamp"`
	QueryName string `json:"query_name"`
	QueryType string `json:"query_type"`
	Class     string `json:"query_class"`
	Rcode     string `json:"rcode"`
	Answers   []struct {
		Rdata, Type, Class string
	} `json:"answers"`
	SrcAddr   string `json:"srcaddr"`
	SrcPort   string `json:"srcport"`
	Transport string `json:"transport"`
	SrcIDs    struct {
		Instance         string `json:"instance"`
		ResolverEndpoint string `json:"resolver_endpoint"`
	} `json:"srcids"`
}

// parseLog parses a query log, one JSON object a line.
func parseLog(t testing.TB, text string) []logRecord {
	t.Helper()
	var out []logRecord
	for line := range strings.Lines(text) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var r logRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("query log line %q: %v", line, err)
		}
		out = append(out, r)
	}
	return out
}

// readLog reads a query-log file (after the server has shut down).
func readLog(t testing.TB, path string) []logRecord {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseLog(t, string(b))
}

// eventually polls cond until it holds or d passes.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// fakeClock is a clock that stands still until the test moves it forward:
// a TTL the test expects after Advance does not depend on how long the
// machine took meanwhile (it once read 289 for 290 on a loaded machine).
type fakeClock struct {
	base   time.Time
	offset atomic.Int64
}

func newFakeClock() *fakeClock { return &fakeClock{base: time.Now()} }

func (c *fakeClock) Now() time.Time          { return c.base.Add(time.Duration(c.offset.Load())) }
func (c *fakeClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

func tempFile(t testing.TB, name string) string { return filepath.Join(t.TempDir(), name) }
