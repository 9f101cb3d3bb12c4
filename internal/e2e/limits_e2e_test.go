package e2e_test

import (
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/loopbacktest"
)

const limitsNetwork = `
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
    resolver_listen: ["127.0.0.1:{{PORT}}"]
private_hosted_zones:
  - name: internal.example
    vpcs: [vpc-app]
    records:
      - {name: db.internal.example, type: A, values: [10.0.1.20]}
emulation:
  source_map: {"127.0.0.11": eni-0aaaaaaaaaaaaaaaa}
  limits: {eni_packets_per_second: 10}
`

// vpcdns serve drops what a mapped source sends past its ENI's limit and
// says so on /metrics, under the name that names the AWS limit; the
// queries it answers plus the drops it counts are every query sent.
func TestServeENILimit(t *testing.T) {
	t.Parallel()
	port, metricsPort := int(loopbacktest.FreePort(t)), int(loopbacktest.FreePort(t))
	file := filepath.Join(t.TempDir(), "network.yaml")
	write(t, file, limitsNetwork, map[string]string{"PORT": strconv.Itoa(port)})
	p := serve(t, "-c", file, "--metrics-listen", "127.0.0.1:"+strconv.Itoa(metricsPort))
	p.waitLog(t, "msg=serving", 1)
	p.waitLog(t, "msg=\"rate limits\" eni_packets_per_second=10 mapped_sources=1", 1)

	c, err := net.DialUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 11)}, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const sent = 30
	for i := range sent {
		q := new(dns.Msg).SetQuestion("db.internal.example.", dns.TypeA)
		q.Id = uint16(i + 1)
		b, _ := q.Pack()
		if _, err := c.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	answered := 0
	buf := make([]byte, 512)
	for {
		c.SetReadDeadline(time.Now().Add(time.Second))
		if _, err := c.Read(buf); err != nil {
			break
		}
		answered++
	}
	// The burst may straddle a second of the clock: 10 or up to 20 answered.
	if answered < 10 || answered > 20 {
		t.Errorf("%d of %d answered; want the limit of 10 a second", answered, sent)
	}
	got := metric(t, metricsPort, `vpcdns_eni_resolver_pps_limit_drops_total{eni="eni-0aaaaaaaaaaaaaaaa"}`)
	if got != strconv.Itoa(sent-answered) {
		t.Errorf("drops counted %s; want %d (sent %d, answered %d)", got, sent-answered, sent, answered)
	}
	// An unmapped source is not limited.
	for i := range 15 {
		if out := digShort(t, port, "db.internal.example"); out != "10.0.1.20" {
			t.Fatalf("unmapped query %d: %q", i, out)
		}
	}
}
