package doctor_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/bindtest"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/doctor"
	"github.com/vpcdns/vpcdns/internal/loopbacktest"
	"github.com/vpcdns/vpcdns/internal/server"
	"github.com/vpcdns/vpcdns/internal/view"
)

// netTmpl is vpc-app (10.0.0.0/16, DNS hostnames on) with an outbound
// endpoint behind a security group and a route to the on-premises VPN, one
// forward rule to one target, and its resolver on 127.0.0.1.
const netTmpl = `
{{if .DHCP}}dhcp_option_sets:
  - {id: dopt-custom, domain_name_servers: {{.DHCP}}}
{{end}}vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true{{if .DHCP}}
    dhcp_options: dopt-custom{{end}}
    enable_dns_support: {{.DNSSupport}}
    resolver_listen: ["127.0.0.1:{{.ResolverPort}}"]
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
      - {protocol: udp, from_port: 53, to_port: 53, cidr: {{.SGCIDR}}}
      - {protocol: tcp, from_port: 53, to_port: 53, cidr: {{.SGCIDR}}}
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
    domain_name: {{.Domain}}
    resolver_endpoint: rslvr-out
    target_ips: [{ip: 192.168.10.53}{{if .DeadPort}}, {ip: 192.168.20.53}{{end}}]
    vpcs: [vpc-app]
emulation:
{{if .TargetPort}}  address_map:
    "192.168.10.53:53": "127.0.0.1:{{.TargetPort}}"
{{if .DeadPort}}    "192.168.20.53:53": "127.0.0.1:{{.DeadPort}}"
{{end}}{{end}}  forwarding:
    attempt_timeout: 400ms
    total_timeout: 800ms
  cache:
    max_entries: 0
{{.Extra}}
`

type netVars struct {
	Extra        string // more top-level keys
	DNSSupport   bool
	ResolverPort uint16
	TargetPort   uint16 // 0: no address map entry
	DeadPort     uint16 // a second target, 192.168.20.53, mapped here (0: none)
	SGCIDR       string
	Domain       string
	DHCP         string // domain_name_servers of the VPC's option set; "": none
}

func reverseZone(origin string) string {
	return `$TTL 300
@ IN SOA ns.corp.example. hostmaster.corp.example. 1 3600 600 86400 300
@ IN NS ns.corp.example.
` + map[string]string{
		"0.10.in-addr.arpa": "5.1 IN PTR app1.corp.example.\n",
		"10.in-addr.arpa":   "5.1.0 IN PTR app1.corp.example.\n",
	}[origin]
}

// loopbackDialer dials only 127.0.0.1 and records every dial; a test fails
// if doctor tries anything else.
type loopbackDialer struct {
	t     *testing.T
	mu    sync.Mutex
	dials []string
}

func (d *loopbackDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || ap.Addr().Unmap() != netip.AddrFrom4([4]byte{127, 0, 0, 1}) {
		d.t.Errorf("doctor dialed %s %s: not 127.0.0.1", network, address)
		return nil, fmt.Errorf("test dialer: %s is not 127.0.0.1", address)
	}
	d.mu.Lock()
	d.dials = append(d.dials, network+" "+address)
	d.mu.Unlock()
	var nd net.Dialer
	return nd.DialContext(ctx, network, address)
}

// setup renders the network, starts vpcdns's server for it on loopback
// (unless noServer) and returns the compiled view.
func setup(t *testing.T, vars netVars, noServer bool) *view.View {
	t.Helper()
	if vars.SGCIDR == "" {
		vars.SGCIDR = "192.168.0.0/16"
	}
	if vars.Domain == "" {
		vars.Domain = "0.10.in-addr.arpa"
	}
	vars.ResolverPort = loopbacktest.FreePort(t)
	var b bytes.Buffer
	if err := template.Must(template.New("").Parse(netTmpl)).Execute(&b, vars); err != nil {
		t.Fatal(err)
	}
	n, _, err := config.Parse(b.Bytes(), "network.yaml", t.TempDir())
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if !noServer {
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
	}
	v, err := view.Compile(n)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// udpOnly starts a DNS server on 127.0.0.1 that answers over UDP only:
// nothing listens for TCP on its port, so TCP is refused.
func udpOnly(t *testing.T) uint16 {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Authoritative = true
		if q := r.Question[0]; strings.EqualFold(q.Name, "5.1.0.10.in-addr.arpa.") && q.Qtype == dns.TypePTR {
			rr, _ := dns.NewRR("5.1.0.10.in-addr.arpa. 300 IN PTR app1.corp.example.")
			m.Answer = []dns.RR{rr}
		} else {
			m.Rcode = dns.RcodeNameError
		}
		w.WriteMsg(m)
	})}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go srv.ActivateAndServe()
	<-started
	t.Cleanup(func() { srv.Shutdown() })
	return uint16(pc.LocalAddr().(*net.UDPAddr).Port)
}

func run(t *testing.T, v *view.View, addr string) (*doctor.Report, *loopbackDialer) {
	t.Helper()
	d := &loopbackDialer{t: t}
	a := netip.MustParseAddr(addr)
	rep, err := doctor.Run(context.Background(), v, "vpc-app", dnsname.ReverseAddr(a), dns.TypePTR, doctor.Options{
		Dialer:          d,
		Timeout:         time.Second,
		ResolverTimeout: 3 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep, d
}

func text(t *testing.T, r *doctor.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := doctor.WriteText(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// check is what a case expects of the report.
type check struct {
	ok       bool
	statuses string // steps 1–6, e.g. "ppppsp" (p pass, f fail, s skip, w warn)
	compare  string // in step 3's summary
	conclude string // in the conclusion
	change   string
}

func verify(t *testing.T, rep *doctor.Report, want check) {
	t.Helper()
	if testing.Verbose() {
		t.Log("\n" + text(t, rep))
	}
	var got strings.Builder
	for _, s := range rep.Steps {
		got.WriteByte(string(s.Status)[0])
	}
	if rep.OK != want.ok || got.String() != want.statuses || rep.Change != want.change ||
		!strings.Contains(rep.Steps[2].Summary, want.compare) || !strings.Contains(rep.Conclusion, want.conclude) {
		t.Errorf("doctor said ok=%v steps=%s change=%q; want ok=%v steps=%s change=%q, compare %q, conclusion %q\n%s",
			rep.OK, got.String(), rep.Change, want.ok, want.statuses, want.change, want.compare, want.conclude, text(t, rep))
	}
}

func TestHealthyForward(t *testing.T) {
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": reverseZone("0.10.in-addr.arpa")})
	v := setup(t, netVars{DNSSupport: true, TargetPort: bind.Addr().Port()}, false)
	rep, d := run(t, v, "10.0.1.5")
	verify(t, rep, check{ok: true, statuses: "pppppp",
		compare:  "the same answer: NOERROR, 1 record",
		conclude: "Nothing to change: vpc-app resolves PTR 5.1.0.10.in-addr.arpa. as rule rr-reverse (0.10.in-addr.arpa.) answers it."})
	if got := rep.Steps[1].Summary; !strings.Contains(got, "PTR app1.corp.example.") {
		t.Errorf("actual answer %q; want the PTR from BIND", got)
	}
	// dig @target over both transports, and the resolver over UDP.
	want := []string{"udp " + bind.Addr().String(), "tcp " + bind.Addr().String(), "udp " + rep.Resolver}
	for _, w := range want {
		found := false
		for _, dd := range d.dials {
			found = found || dd == w
		}
		if !found {
			t.Errorf("doctor did not ask %s; dials %v", w, d.dials)
		}
	}
}

func TestValidNXDOMAIN(t *testing.T) {
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": reverseZone("0.10.in-addr.arpa")})
	v := setup(t, netVars{DNSSupport: true, TargetPort: bind.Addr().Port()}, false)
	rep, _ := run(t, v, "10.0.1.99")
	verify(t, rep, check{ok: true, statuses: "pppppp",
		compare:  "a valid NXDOMAIN from the server that owns the zone (192.168.10.53:53 answers it authoritatively, SOA 0.10.in-addr.arpa.)",
		conclude: "NXDOMAIN is the valid answer of the server that owns 0.10.in-addr.arpa."})
}

func TestTargetDown(t *testing.T) {
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": reverseZone("0.10.in-addr.arpa")})
	bind.Stop()
	v := setup(t, netVars{DNSSupport: true, TargetPort: bind.Addr().Port()}, false)
	rep, _ := run(t, v, "10.0.1.5")
	verify(t, rep, check{ok: false, statuses: "fpfppf",
		compare:  "SERVFAIL = a timeout: no target answers (step 1)",
		conclude: "Fix the DNS server at 192.168.10.53:53 (at 127.0.0.1:" + strconv.Itoa(int(bind.Addr().Port())) + ") (connection refused) or change the target_ips of rr-reverse",
		change:   "192.168.10.53:53"})
}

func TestTargetRefusesTCP(t *testing.T) {
	port := udpOnly(t)
	v := setup(t, netVars{DNSSupport: true, TargetPort: port}, false)
	rep, _ := run(t, v, "10.0.1.5")
	verify(t, rep, check{ok: true, statuses: "wppppw",
		compare:  "the same answer: NOERROR, 1 record",
		conclude: "This query resolves, but let TCP 53 through to 192.168.10.53:53 (a target of rr-reverse): it answers over udp but not over tcp (connection refused), so answers too large for udp will fail.",
		change:   "192.168.10.53:53"})
	if !strings.Contains(rep.Steps[0].Summary, "192.168.10.53:53 answers over udp but not over tcp") {
		t.Errorf("step 1 = %q", rep.Steps[0].Summary)
	}
}

func TestSecurityGroupBlocks(t *testing.T) {
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": reverseZone("0.10.in-addr.arpa")})
	v := setup(t, netVars{DNSSupport: true, TargetPort: bind.Addr().Port(), SGCIDR: "172.16.0.0/12"}, false)
	rep, _ := run(t, v, "10.0.1.5")
	verify(t, rep, check{ok: false, statuses: "ppfpff",
		compare:  "SERVFAIL = a problem on the path: every path from rslvr-out to the targets is blocked (step 5), though the targets answer when asked directly (step 1)",
		conclude: "Change sg-out: security-group-egress blocks every path from rslvr-out to the targets of rr-reverse (no egress rule of sg-out allows udp 53 to 192.168.10.53).",
		change:   "sg-out"})
}

func TestWrongRuleMatched(t *testing.T) {
	bind := bindtest.Start(t, map[string]string{"10.in-addr.arpa": reverseZone("10.in-addr.arpa")})
	v := setup(t, netVars{DNSSupport: true, TargetPort: bind.Addr().Port(), Domain: "10.in-addr.arpa"}, false)
	rep, _ := run(t, v, "10.0.1.5")
	verify(t, rep, check{ok: false, statuses: "ppffpf",
		compare:  "a different answer = a different rule matched: the autodefined reverse zone 0.10.in-addr.arpa. answered (NOERROR: 5.1.0.10.in-addr.arpa. PTR ip-10-0-1-5.ec2.internal.), not rule rr-reverse (10.in-addr.arpa.) (NOERROR: 5.1.0.10.in-addr.arpa. PTR app1.corp.example.)",
		conclude: "Rule rr-reverse (10.in-addr.arpa.) never sees 5.1.0.10.in-addr.arpa. from vpc-app because the autodefined reverse zone 0.10.in-addr.arpa. is more specific: create a forward rule for 0.10.in-addr.arpa. with the targets of rr-reverse, or set autodefined_reverse: disable on vpc-app.",
		change:   "rr-reverse"})
}

func TestServeNotRunning(t *testing.T) {
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": reverseZone("0.10.in-addr.arpa")})
	v := setup(t, netVars{DNSSupport: true, TargetPort: bind.Addr().Port()}, true)
	rep, _ := run(t, v, "10.0.1.5")
	verify(t, rep, check{ok: false, statuses: "pffppf",
		compare:  "nothing to compare",
		conclude: "Start vpcdns serve with this network: nothing listens at 127.0.0.1:",
		change:   "vpc-app"})
	if !strings.Contains(rep.Steps[1].Summary, "is vpcdns serve running?") {
		t.Errorf("step 2 = %q", rep.Steps[1].Summary)
	}
}

// TestNotProbed: a target with no address map entry whose address is not
// on this machine is not asked (the dialer fails the test if it is).
func TestNotProbed(t *testing.T) {
	v := setup(t, netVars{DNSSupport: true}, false)
	rep, d := run(t, v, "10.0.1.5")
	if !strings.Contains(strings.Join(rep.Steps[0].Evidence, "\n"), "192.168.10.53:53: not probed: no emulation.address_map entry and the modeled address is not on this machine") {
		t.Errorf("step 1 does not say the target was not probed:\n%s", text(t, rep))
	}
	if rep.Steps[0].Status != doctor.Skip {
		t.Errorf("step 1 status %s; want skip", rep.Steps[0].Status)
	}
	for _, dd := range d.dials {
		if !strings.HasPrefix(dd, "udp 127.0.0.1:") {
			t.Errorf("dialed %s; only the resolver may be asked", dd)
		}
	}
}

func TestDNSSupportOff(t *testing.T) {
	v := setup(t, netVars{DNSSupport: false}, false)
	d := &loopbackDialer{t: t}
	rep, err := doctor.Run(context.Background(), v, "vpc-app", dnsname.MustParse("db.corp.example."), dns.TypeA, doctor.Options{
		Dialer: d, Timeout: 300 * time.Millisecond, ResolverTimeout: 300 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	verify(t, rep, check{ok: false, statuses: "ffffsf",
		compare:  "DNS support is off",
		conclude: "Set enable_dns_support: true on vpc-app",
		change:   "vpc-app"})
}

func TestUnknownVPC(t *testing.T) {
	v := setup(t, netVars{DNSSupport: true}, true)
	if _, err := doctor.Run(context.Background(), v, "vpc-nope", dnsname.MustParse("a.example."), dns.TypeA, doctor.Options{}); err == nil || !strings.Contains(err.Error(), `vpc "vpc-nope" is not in the network`) {
		t.Errorf("err = %v", err)
	}
}

// TestShadowedSameAnswer: the autodefined zone wins over the rule, but the
// rule's server holds the same name, so the query resolves as expected.
func TestShadowedSameAnswer(t *testing.T) {
	zone := strings.Replace(reverseZone("10.in-addr.arpa"), "app1.corp.example.", "ip-10-0-1-5.ec2.internal.", 1)
	bind := bindtest.Start(t, map[string]string{"10.in-addr.arpa": zone})
	v := setup(t, netVars{DNSSupport: true, TargetPort: bind.Addr().Port(), Domain: "10.in-addr.arpa"}, false)
	rep, _ := run(t, v, "10.0.1.5")
	verify(t, rep, check{ok: true, statuses: "pppppp",
		compare:  "the same answer: NOERROR, 1 record (the autodefined reverse zone 0.10.in-addr.arpa. answers it, and rule rr-reverse (10.in-addr.arpa.) would give the same)",
		conclude: "Nothing to change for this name"})
}

// TestDHCPBypass: the rule and its target answer as expected, but the VPC's
// DHCP option set sends instances elsewhere, so doctor fails the decision
// step and names the option set.
func TestDHCPBypass(t *testing.T) {
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": reverseZone("0.10.in-addr.arpa")})
	v := setup(t, netVars{DNSSupport: true, TargetPort: bind.Addr().Port(), DHCP: "[10.0.1.53]"}, false)
	rep, _ := run(t, v, "10.0.1.5")
	verify(t, rep, check{ok: false, statuses: "pppfpf",
		compare:  "the same answer",
		conclude: "Add AmazonProvidedDNS to the domain-name-servers of DHCP option set dopt-custom (or make 10.0.1.53 forward to an inbound endpoint of vpc-app): instances of vpc-app that use it ask those servers and never this resolver",
		change:   "dopt-custom"})
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "never ask this resolver") {
		t.Errorf("warnings %q", rep.Warnings)
	}
	if !strings.Contains(strings.Join(rep.Steps[3].Evidence, "\n"), "domain-name-server 10.0.1.53: an address in vpc-app that is no modeled resolver") {
		t.Errorf("step 4 evidence:\n%s", text(t, rep))
	}
}

// TestDHCPAmazonProvided: an option set with AmazonProvidedDNS changes
// nothing.
func TestDHCPAmazonProvided(t *testing.T) {
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": reverseZone("0.10.in-addr.arpa")})
	v := setup(t, netVars{DNSSupport: true, TargetPort: bind.Addr().Port(), DHCP: "[AmazonProvidedDNS, 10.0.1.53]"}, false)
	rep, _ := run(t, v, "10.0.1.5")
	verify(t, rep, check{ok: true, statuses: "pppppp", compare: "the same answer", conclude: "Nothing to change"})
}

// TestDeadTargetOfTwo: one of two targets is dead, the other answers: the
// query resolves as expected, so doctor passes (exit 0) with step 1 a
// warning that names the dead target, and a conclusion that says so.
func TestDeadTargetOfTwo(t *testing.T) {
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": reverseZone("0.10.in-addr.arpa")})
	dead := loopbacktest.FreePort(t)
	v := setup(t, netVars{DNSSupport: true, TargetPort: bind.Addr().Port(), DeadPort: dead}, false)
	rep, _ := run(t, v, "10.0.1.5")
	verify(t, rep, check{ok: true, statuses: "wppppw",
		compare:  "the same answer: NOERROR, 1 record",
		conclude: "This query resolves, but fix the DNS server at 192.168.20.53:53 or remove it from the target_ips of rr-reverse",
		change:   "192.168.20.53:53"})
	if s := rep.Steps[0]; s.Name != "expected-answer" || !strings.Contains(s.Summary, "(udp and tcp answers from 1 of 2 targets); but 192.168.20.53:53 does not answer") {
		t.Errorf("step 1 %s %q", s.Name, s.Summary)
	}
}

// TestAnsweredFromCache: the model has every path blocked, yet the
// resolver answers NOERROR: the answer can only be a cached copy, and
// doctor says so instead of "the same answer". (The running server serves
// the open network; the one doctor reads has the security group closed,
// as after an edit whose reload kept the cache.)
func TestAnsweredFromCache(t *testing.T) {
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": reverseZone("0.10.in-addr.arpa")})
	open := setup(t, netVars{DNSSupport: true, TargetPort: bind.Addr().Port()}, false)
	vars := netVars{DNSSupport: true, TargetPort: bind.Addr().Port(), SGCIDR: "172.16.0.0/12"}
	closed := setup(t, vars, true)
	// Ask doctor with the closed network, but at the open one's resolver.
	rep, err := doctor.Run(context.Background(), closed, "vpc-app", dnsname.ReverseAddr(netip.MustParseAddr("10.0.1.5")), dns.TypePTR, doctor.Options{
		Dialer: &loopbackDialer{t: t}, Timeout: time.Second, ResolverTimeout: 3 * time.Second,
		Resolver: askable(t, open),
	})
	if err != nil {
		t.Fatal(err)
	}
	verify(t, rep, check{ok: false, statuses: "pwfpff",
		compare:  "answered from the cache, not resolved: every path from rslvr-out to the targets is blocked (step 5), so NOERROR: 5.1.0.10.in-addr.arpa. PTR app1.corp.example. is a copy cached before, served for 300s more (then SERVFAIL)",
		conclude: "The NOERROR answer of step 2 comes from the cache and ends with it.",
		change:   "sg-out"})
	if s := rep.Steps[1].Summary; !strings.Contains(s, "but from the cache: every path to the targets is blocked (step 5)") {
		t.Errorf("step 2 %q", s)
	}
}

// askable is the resolver_listen socket of vpc-app in v.
func askable(t *testing.T, v *view.View) netip.AddrPort {
	t.Helper()
	return v.VPC("vpc-app").Config.ResolverListen[0]
}

// TestStaleAnswer: an answer with Extended DNS Error 3 is from the stale
// cache; doctor says so in step 2 and fails the comparison.
func TestStaleAnswer(t *testing.T) {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		rr, _ := dns.NewRR(r.Question[0].Name + " 30 IN PTR app1.corp.example.")
		m.Answer = []dns.RR{rr}
		m.SetEdns0(1232, false)
		opt := m.IsEdns0()
		opt.Option = append(opt.Option, &dns.EDNS0_EDE{InfoCode: dns.ExtendedErrorCodeStaleAnswer})
		w.WriteMsg(m)
	})}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go srv.ActivateAndServe()
	<-started
	t.Cleanup(func() { srv.Shutdown() })
	rep := runWith(t, doctor.Options{Resolver: pc.LocalAddr().(*net.UDPAddr).AddrPort()})
	verify(t, rep, check{ok: false, statuses: "swfppf",
		compare:  "answered from the stale cache, not resolved",
		conclude: "Make the targets of rr-reverse reachable from vpc-app's resolver: it cannot resolve 5.1.0.10.in-addr.arpa. now and answers from its stale cache",
		change:   "rr-reverse"})
	if s := rep.Steps[1].Summary; !strings.Contains(s, "from the stale cache (Extended DNS Error 3, Stale Answer; TTL 30s)") {
		t.Errorf("step 2 %q", s)
	}
	if !rep.Steps[1].Probes[0].Stale {
		t.Errorf("probe not marked stale: %+v", rep.Steps[1].Probes[0])
	}
}

// The DNS Firewall blocks the name: doctor names the rule, not a path or
// a target.
func TestFirewallBlocks(t *testing.T) {
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": reverseZone("0.10.in-addr.arpa")})
	v := setup(t, netVars{DNSSupport: true, TargetPort: bind.Addr().Port(), Extra: `firewall_domain_lists:
  - {id: rslvr-fdl-rev, domains: ["*.0.10.in-addr.arpa"]}
firewall_rule_groups:
  - id: rslvr-frg-rev
    rules:
      - {name: no-reverse, priority: 1, firewall_domain_list: rslvr-fdl-rev, action: BLOCK, block_response: NXDOMAIN}
firewall_rule_group_associations:
  - {firewall_rule_group: rslvr-frg-rev, vpc: vpc-app, priority: 101}
`}, false)
	rep, _ := run(t, v, "10.0.1.5")
	verify(t, rep, check{ok: false, statuses: "ppfppf",
		compare:  "the DNS Firewall answered NXDOMAIN before any rule",
		conclude: "DNS Firewall rule no-reverse (priority 1) of rule group rslvr-frg-rev blocks 5.1.0.10.in-addr.arpa. from vpc-app (NXDOMAIN, domain list rslvr-fdl-rev)",
		change:   "rslvr-frg-rev"})
}

// accountsView compiles internal/config/testdata/accounts.yaml.
func accountsView(t *testing.T) *view.View {
	t.Helper()
	n, _, err := config.Load("../config/testdata/accounts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	v, err := view.Compile(n)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestUnknownPath: every path of the rule crosses an unmodeled Gateway
// Load Balancer endpoint, so doctor can say neither ok nor blocked.
func TestUnknownPath(t *testing.T) {
	v := accountsView(t)
	d := &loopbackDialer{t: t}
	rep, err := doctor.Run(context.Background(), v, "vpc-hub", dnsname.MustParse("a.inspect.example."), dns.TypeA, doctor.Options{
		Dialer: d, Timeout: 200 * time.Millisecond, ResolverTimeout: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || rep.Steps[4].Status != doctor.Unknown || rep.Change != "vpce-gwlb-inspect" ||
		!strings.Contains(rep.Conclusion, "vpcdns does not model it, so the verdict is unknown") ||
		!strings.Contains(rep.Steps[4].Summary, "all 4 paths unknown") {
		t.Errorf("doctor:\n%s", text(t, rep))
	}
	if !strings.Contains(text(t, rep), "5. UNKNOWN") {
		t.Errorf("text does not say UNKNOWN:\n%s", text(t, rep))
	}
}

// TestShadowedBlockedNotCached: the autodefined zone answers, and the
// shadowed rule's paths are blocked: the answer is made locally, not a
// cached copy, and doctor must not call it one.
func TestShadowedBlockedNotCached(t *testing.T) {
	bind := bindtest.Start(t, map[string]string{"10.in-addr.arpa": reverseZone("10.in-addr.arpa")})
	v := setup(t, netVars{DNSSupport: true, TargetPort: bind.Addr().Port(), Domain: "10.in-addr.arpa", SGCIDR: "172.16.0.0/12"}, false)
	rep, _ := run(t, v, "10.0.1.5")
	for _, s := range rep.Steps[1:3] {
		if strings.Contains(s.Summary, "cache") {
			t.Errorf("step %d %s: %q; the answer is local, not cached", s.Step, s.Status, s.Summary)
		}
	}
	if rep.Steps[1].Status != doctor.Pass {
		t.Errorf("step 2 %s, want pass\n%s", rep.Steps[1].Status, text(t, rep))
	}
}
