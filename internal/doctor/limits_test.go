package doctor_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"text/template"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/bindtest"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/loopbacktest"
	"github.com/vpcdns/vpcdns/internal/server"
	"github.com/vpcdns/vpcdns/internal/view"
)

// setupLimited is setup with edit applied to the rendered network and a
// server whose clock stands still, so that a rate limit used up before
// doctor runs stays used up while it runs.
func setupLimited(t *testing.T, vars netVars, edit func(string) string) (*view.View, string) {
	t.Helper()
	vars.SGCIDR, vars.Domain, vars.DNSSupport = "192.168.0.0/16", "0.10.in-addr.arpa", true
	vars.ResolverPort = loopbacktest.FreePort(t)
	var b bytes.Buffer
	if err := template.Must(template.New("").Parse(netTmpl)).Execute(&b, vars); err != nil {
		t.Fatal(err)
	}
	text := edit(b.String())
	n, _, err := config.Parse([]byte(text), "network.yaml", t.TempDir())
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	var clock atomic.Int64
	clock.Store(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC).UnixNano())
	srv, err := server.New(n, server.Options{Stdout: io.Discard, Now: func() time.Time { return time.Unix(0, clock.Load()) }})
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
	v, err := view.Compile(n)
	if err != nil {
		t.Fatal(err)
	}
	return v, n.VPCs[0].ResolverListen[0].String()
}

// useUp sends count queries for distinct names to the resolver at addr
// from 127.0.0.1 and waits for what comes back.
func useUp(t *testing.T, addr string, count int) {
	t.Helper()
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range count {
		q := new(dns.Msg).SetQuestion(dns.Fqdn(strings.Repeat("x", i+1)+".0.0.10.in-addr.arpa"), dns.TypePTR)
		b, _ := q.Pack()
		c.Write(b)
	}
	buf := make([]byte, 1500)
	for {
		c.SetReadDeadline(time.Now().Add(1500 * time.Millisecond))
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}

// Doctor asks from 127.0.0.1; when the source map makes that an ENI whose
// packets per second are used up, the resolver does not answer, and doctor
// names the limit, the ENI and the counter that shows it.
func TestENILimitNamed(t *testing.T) {
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": reverseZone("0.10.in-addr.arpa")})
	v, addr := setupLimited(t, netVars{TargetPort: bind.Addr().Port()}, func(s string) string {
		return s + "  source_map: {\"127.0.0.1\": eni-0aaaaaaaaaaaaaaaa}\n  limits: {eni_packets_per_second: 3}\n"
	})
	useUp(t, addr, 3)
	rep, _ := run(t, v, "10.0.1.5")
	verify(t, rep, check{ok: false, statuses: "pffppf",
		conclude: "which emulation.source_map maps to eni-0aaaaaaaaaaaaaaaa. Past 3 packets per second from one ENI, AWS drops",
		change:   "eni-0aaaaaaaaaaaaaaaa"})
	if !strings.Contains(rep.Conclusion, "linklocal_allowance_exceeded") {
		t.Errorf("conclusion %q does not name the ENA counter", rep.Conclusion)
	}
}

// An outbound endpoint expected to carry more than its addresses: when its
// capacity is used up the forward times out and the resolver answers
// SERVFAIL though the target answers, and doctor names the endpoint's limit.
func TestEndpointLimitNamed(t *testing.T) {
	bind := bindtest.Start(t, map[string]string{"0.10.in-addr.arpa": reverseZone("0.10.in-addr.arpa")})
	v, addr := setupLimited(t, netVars{TargetPort: bind.Addr().Port()}, func(s string) string {
		s = strings.Replace(s, "ip: 10.0.2.10}]\n", "ip: 10.0.2.10}]\n    expected_qps: 5000\n", 1)
		return s + "  limits: {endpoint_ip_tracked_queries_per_second: 1}\n"
	})
	useUp(t, addr, 6) // 2 addresses x 1 query/s, whatever the random picks
	rep, _ := run(t, v, "10.0.1.5")
	verify(t, rep, check{ok: false, statuses: "ppfppf",
		compare:  "SERVFAIL",
		conclude: "Give rslvr-out 5000 IP addresses or more: it is expected to carry 5000 queries/s, and its 2 address(es) carry 2 (1 per address, connections tracked by its security groups)",
		change:   "rslvr-out"})
}
