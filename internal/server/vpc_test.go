package server_test

import (
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/loopbacktest"
	"github.com/vpcdns/vpcdns/internal/server"
)

// twoVPCs has vpc-a (10.0.0.0/16) and vpc-b, whose secondary CIDR
// 127.0.0.0/16 holds the loopback source of the tests, so that a shared
// socket can place a query in vpc-b (behaviour.md §1.3). Each VPC has a
// private hosted zone which.example that says which VPC answered; vpc-b
// declares an instance at 127.0.0.1 and an inbound endpoint.
const twoVPCs = `
account_id: "111122223333"
region: us-east-1
vpcs:
  - id: vpc-a
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
  - id: vpc-b
    cidr_blocks: [10.1.0.0/16, 127.0.0.0/16]
    enable_dns_hostnames: true
    subnets:
      - {id: subnet-b1, cidr_block: 10.1.1.0/24}
      - {id: subnet-b2, cidr_block: 10.1.2.0/24}
    instances:
      - {id: i-0123456789abcdef0, private_ips: [127.0.0.1]}
  - id: vpc-off
    cidr_blocks: [10.2.0.0/16]
    enable_dns_support: false
resolver_endpoints:
  - id: rslvr-in-b
    direction: inbound
    vpc: vpc-b
    ip_addresses:
      - {subnet: subnet-b1, ip: 10.1.1.11}
      - {subnet: subnet-b2, ip: 10.1.2.11}
    listen: ["127.0.0.1:53"]
private_hosted_zones:
  - id: Z-A
    name: which.example
    vpcs: [vpc-a]
    records: [{name: vpc.which.example, type: TXT, ttl: 60, values: ['"vpc-a"']}]
  - id: Z-B
    name: which.example
    vpcs: [vpc-b]
    records: [{name: vpc.which.example, type: TXT, ttl: 60, values: ['"vpc-b"']}]
query_logging:
  - id: qlc
    destination: stdout
    vpcs: [vpc-a, vpc-b, vpc-off]
`

// twoVPCsElsewhere is twoVPCs with vpc-b's secondary CIDR (and its
// instance) moved off loopback to cidr (and ip).
func twoVPCsElsewhere(cidr, ip string) string {
	text := strings.Replace(twoVPCs, "127.0.0.0/16", cidr, 1)
	return strings.Replace(text, "[127.0.0.1]", "["+ip+"]", 1)
}

// whichVPC asks vpc.which.example TXT at addr and returns the VPC that
// answered, or the rcode.
func whichVPC(t testing.TB, addr string) string {
	t.Helper()
	r := ask(t, "udp", addr, "vpc.which.example.", dns.TypeTXT)
	if r.Rcode != dns.RcodeSuccess {
		return dns.RcodeToString[r.Rcode]
	}
	if len(r.Answer) != 1 {
		t.Fatalf("answer %v; want one TXT", r.Answer)
	}
	return r.Answer[0].(*dns.TXT).Txt[0]
}

// A query belongs to the VPC of its socket; on a shared socket to the VPC
// whose CIDR holds the source; otherwise REFUSED (behaviour.md §1).
func TestVPCOfQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// shared with the text of the network with vpc-b's 127.0.0.0/16
		// replaced by this; "" keeps it.
		cidrB string
		owner string
		want  string
	}{
		{"vpc-a socket", "", "vpc:vpc-a", "vpc-a"},
		{"vpc-b socket", "", "vpc:vpc-b", "vpc-b"},
		{"inbound endpoint of vpc-b", "", "endpoint:rslvr-in-b", "vpc-b"},
		{"shared socket, source in vpc-b's secondary CIDR", "", "shared", "vpc-b"},
		{"shared socket, source in no VPC", "10.3.0.0/16", "shared", "REFUSED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			text := twoVPCs
			if tt.cidrB != "" {
				text = twoVPCsElsewhere(tt.cidrB, "10.3.0.10")
			}
			n := parseNetwork(t, text)
			listenOnLoopback(n)
			var stdout loopbacktest.Buffer
			s := start(t, n, server.Options{Shared: []netip.AddrPort{loopback0}, Stdout: &stdout})
			addr := addrOf(t, s, tt.owner)
			if got := whichVPC(t, addr); got != tt.want {
				t.Fatalf("answered by %s; want %s", got, tt.want)
			}
			out := dig(t, addr, "vpc.which.example", "TXT")
			if tt.want == "REFUSED" {
				if st := digStatus(t, out); st != "REFUSED" {
					t.Errorf("dig: status %s; want REFUSED\n%s", st, out)
				}
			} else if !strings.Contains(out, `"`+tt.want+`"`) {
				t.Errorf("dig: want %q in\n%s", tt.want, out)
			}

			shutdown(t, s)
			recs := parseLog(t, stdout.String())
			if tt.want == "REFUSED" {
				// A query of no VPC is logged by no VPC's configuration.
				if len(recs) != 0 {
					t.Errorf("query log %+v; want nothing for a query of no VPC", recs)
				}
				return
			}
			if len(recs) != 2 {
				t.Fatalf("query log has %d records; want 2 (Go client and dig)", len(recs))
			}
			for _, rec := range recs {
				if rec.VPCID != tt.want {
					t.Errorf("query log vpc_id %s; want %s", rec.VPCID, tt.want)
				}
				wantInstance := ""
				if tt.want == "vpc-b" {
					wantInstance = "i-0123456789abcdef0" // 127.0.0.1 is declared
				}
				if rec.SrcIDs.Instance != wantInstance {
					t.Errorf("srcids.instance %q; want %q", rec.SrcIDs.Instance, wantInstance)
				}
				wantEndpoint := ""
				if tt.owner == "endpoint:rslvr-in-b" {
					wantEndpoint = "rslvr-in-b"
				}
				if rec.SrcIDs.ResolverEndpoint != wantEndpoint {
					t.Errorf("srcids.resolver_endpoint %q; want %q", rec.SrcIDs.ResolverEndpoint, wantEndpoint)
				}
			}
		})
	}
}

// A VPC with DNS support off gives no answer at all, over UDP or TCP, on its
// own socket or on a shared one, and logs nothing (behaviour.md §1).
func TestDNSSupportOff(t *testing.T) {
	t.Parallel()
	text := strings.Replace(twoVPCsElsewhere("10.9.0.0/16", "10.9.0.10"), "cidr_blocks: [10.2.0.0/16]", "cidr_blocks: [10.2.0.0/16, 127.0.0.0/8]", 1)
	n := parseNetwork(t, text)
	listenOnLoopback(n)
	var stdout loopbacktest.Buffer
	s := start(t, n, server.Options{Shared: []netip.AddrPort{loopback0}, Stdout: &stdout})
	for _, owner := range []string{"vpc:vpc-off", "shared"} {
		addr := addrOf(t, s, owner)
		for _, network := range []string{"udp", "tcp"} {
			q := new(dns.Msg)
			q.SetQuestion("vpc.which.example.", dns.TypeTXT)
			r, err := tryExchange(network, addr, q, 300*time.Millisecond)
			if err == nil {
				t.Errorf("%s %s: answer %v; want none at all", owner, network, r)
			} else if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
				t.Errorf("%s %s: %v; want a timeout", owner, network, err)
			}
		}
	}
	// The other VPCs answer.
	if got := whichVPC(t, addrOf(t, s, "vpc:vpc-a")); got != "vpc-a" {
		t.Errorf("vpc-a socket: answered by %s", got)
	}
	shutdown(t, s)
	recs := parseLog(t, stdout.String())
	if len(recs) != 1 || recs[0].VPCID != "vpc-a" {
		t.Errorf("query log %+v; want vpc-a's query only", recs)
	}
}
