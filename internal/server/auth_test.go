package server_test

import (
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/loopbacktest"
	"github.com/vpcdns/vpcdns/internal/server"
)

// The emulated authoritative server (emulation.authoritative_servers): AA
// set and RA clear when asked directly, REFUSED outside its zones; a VPC's
// rule reaches it through the address map and answers recursively.
func TestEmulatedAuthoritativeServer(t *testing.T) {
	t.Parallel()
	authAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(int(loopbacktest.FreePort(t))))
	n := parseNetwork(t, expand(baseNetwork+`  authoritative_servers:
    - id: onprem
      listen: ["{{AUTH}}"]
      zones:
        - name: corp.example
          records:
            - {name: db.corp.example, type: A, values: [10.0.1.20]}
`+corpRule, map[string]string{"MAP1": authAddr, "MAP2": authAddr, "AUTH": authAddr}))
	listenOnLoopback(n)
	s := start(t, n, server.Options{})
	if got := addrOf(t, s, "auth:onprem"); got != authAddr {
		t.Fatalf("auth:onprem listens on %s; want %s", got, authAddr)
	}
	vpc := addrOf(t, s, "vpc:vpc-app")

	tests := []struct {
		name   string
		addr   string
		qname  string
		rcode  int
		aa, ra bool
		answer int
	}{
		{"direct, in the zone", authAddr, "db.corp.example.", dns.RcodeSuccess, true, false, 1},
		{"direct, NXDOMAIN", authAddr, "nope.corp.example.", dns.RcodeNameError, true, false, 0},
		{"direct, outside its zones", authAddr, "www.example.org.", dns.RcodeRefused, false, false, 0},
		{"through vpc-app's rule", vpc, "db.corp.example.", dns.RcodeSuccess, false, true, 1},
		{"through vpc-app's rule, NXDOMAIN", vpc, "nope.corp.example.", dns.RcodeNameError, false, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, network := range []string{"udp", "tcp"} {
				r := ask(t, network, tt.addr, tt.qname, dns.TypeA)
				wantRcode(t, r, tt.rcode)
				if r.Authoritative != tt.aa || r.RecursionAvailable != tt.ra {
					t.Errorf("%s: AA=%v RA=%v; want AA=%v RA=%v", network, r.Authoritative, r.RecursionAvailable, tt.aa, tt.ra)
				}
				if len(r.Answer) != tt.answer {
					t.Errorf("%s: answer %v; want %d records", network, r.Answer, tt.answer)
				}
				if tt.rcode == dns.RcodeNameError && len(r.Ns) == 0 {
					t.Errorf("%s: NXDOMAIN without the zone's SOA", network)
				}
			}
		})
	}
	if got := digShort(t, vpc, "db.corp.example"); len(got) != 1 || got[0] != "10.0.1.20" {
		t.Errorf("dig through vpc-app: %q", got)
	}
	if out := dig(t, authAddr, "db.corp.example", "+norec"); digStatus(t, out) != "NOERROR" || !strings.Contains(out, " aa") {
		t.Errorf("dig @%s: want an authoritative NOERROR\n%s", authAddr, out)
	}
}
