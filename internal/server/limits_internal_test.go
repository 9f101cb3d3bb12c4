package server

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/forward"
	"github.com/vpcdns/vpcdns/internal/metrics"
	"github.com/vpcdns/vpcdns/internal/view"
)

// outboundNetwork is a VPC whose rule forwards to on-premises through an
// outbound endpoint of {{N}} addresses. Its security group has AWS's
// recommended rules, so its connections are untracked.
const outboundNetwork = `
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    main_route_table: rtb-app
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24}
      - {id: subnet-b, cidr_block: 10.0.2.0/24}
      - {id: subnet-c, cidr_block: 10.0.3.0/24}
transit_gateways:
  - {id: tgw-1, vpc_attachments: [vpc-app], remote_networks: [vpn-1]}
remote_networks:
  - {id: vpn-1, type: vpn, cidr_blocks: [192.168.0.0/16], state: up}
route_tables:
  - id: rtb-app
    vpc: vpc-app
    routes: [{destination: 192.168.0.0/16, target: tgw-1}]
security_groups:
  - id: sg-out
    vpc: vpc-app
    egress: [{protocol: udp, from_port: 53, to_port: 53, cidr: 0.0.0.0/0}]
    ingress: [{protocol: udp, from_port: 0, to_port: 65535, cidr: 0.0.0.0/0}]
resolver_endpoints:
  - id: rslvr-out
    direction: outbound
    vpc: vpc-app
    security_groups: [sg-out]
    ip_addresses: [{{ADDRS}}]
resolver_rules:
  - id: rr-corp
    rule_type: forward
    domain_name: corp.example
    resolver_endpoint: rslvr-out
    target_ips: [{ip: 192.168.10.53}]
    vpcs: [vpc-app]
`

// An outbound endpoint with two addresses under 25,000 forwards per second
// (cache misses) drops what passes 10,000 per address, AWS's documented
// capacity; a third address carries it all. The arrivals are spread evenly
// over four seconds of an injected clock and go through the same address
// picker and limit as the server's forwards.
func TestOutboundEndpointCapacity(t *testing.T) {
	const rate, seconds = 25000, 4
	tests := []struct {
		name     string
		addrs    int
		minDrops int
		maxDrops int
	}{
		{"two addresses drop the excess", 2, 4600 * seconds, 5000 * seconds},
		{"a third address removes the drops", 3, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var addrs []string
			for i := range tc.addrs {
				addrs = append(addrs, fmt.Sprintf("{subnet: subnet-%c, ip: 10.0.%d.10}", 'a'+i, i+1))
			}
			text := strings.ReplaceAll(outboundNetwork, "{{ADDRS}}", strings.Join(addrs, ", "))
			n, _, err := config.Parse([]byte(text), "network.yaml", t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if config.EndpointTracked(n, n.Endpoints[0]) {
				t.Fatal("the endpoint's connections should be untracked")
			}
			now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
			m := metrics.New(prometheus.NewRegistry())
			s, err := New(n, Options{Metrics: m, Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			st := s.state.Load()
			f := corpForward(t, st)
			target := forward.Target{Modeled: netip.MustParseAddrPort("192.168.10.53:53")}
			start := now
			drops := 0
			for k := range rate * seconds {
				now = start.Add(time.Duration(int64(k) * int64(time.Second) / rate))
				path := s.pathFunc(st, f) // one per query, as lookupForward makes it
				if _, open := path(target, forward.UDP); !open {
					drops++
				}
			}
			t.Logf("%d addresses, %d q/s for %d s: %d dropped (%.0f/s)", tc.addrs, rate, seconds, drops, float64(drops)/seconds)
			if drops < tc.minDrops || drops > tc.maxDrops {
				t.Errorf("%d drops in %d queries, want %d…%d", drops, rate*seconds, tc.minDrops, tc.maxDrops)
			}
			var counted float64
			for _, a := range n.Endpoints[0].Addresses {
				counted += testutil.ToFloat64(m.EndpointIPDrops.WithLabelValues("rslvr-out", a.IP.String(), "outbound"))
			}
			if int(counted) != drops {
				t.Errorf("counter says %v drops, the forwards saw %d", counted, drops)
			}
		})
	}
}

// corpForward is the forward of rule rr-corp.
func corpForward(t *testing.T, st *state) *view.Forward {
	t.Helper()
	for _, f := range st.view.Forwards() {
		if f.ID == "rr-corp" && f.Endpoint != nil {
			return f
		}
	}
	t.Fatal("no forward for rr-corp through an endpoint")
	return nil
}

// A tracked endpoint (restrictive security group) carries AWS's lower
// figure per address.
func TestOutboundEndpointTracked(t *testing.T) {
	text := strings.ReplaceAll(outboundNetwork, "{{ADDRS}}", "{subnet: subnet-a, ip: 10.0.1.10}, {subnet: subnet-b, ip: 10.0.2.10}")
	text = strings.ReplaceAll(text, "cidr: 0.0.0.0/0}]\n    ingress", "cidr: 192.168.0.0/16}]\n    ingress")
	n, _, err := config.Parse([]byte(text), "network.yaml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	s, err := New(n, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	st := s.state.Load()
	f := corpForward(t, st)
	target := forward.Target{Modeled: netip.MustParseAddrPort("192.168.10.53:53")}
	passed := 0
	for range 5000 { // all in one second
		if _, open := s.pathFunc(st, f)(target, forward.UDP); open {
			passed++
		}
	}
	if passed != 2*config.DefaultEndpointIPTrackedQueriesPerSecond {
		t.Errorf("%d of 5000 passed in one second, want %d", passed, 2*config.DefaultEndpointIPTrackedQueriesPerSecond)
	}
}
