package server_test

import (
	"io"
	"os"
	"testing"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/server"
)

// TestAccountsNetwork serves internal/config/testdata/accounts.yaml and
// asks its resolvers, over UDP and TCP, what only the account keys decide:
// a VPC endpoint's hidden zone (own VPC and through a Route 53 Profile), a
// Profile's zone, an alias, a routing-policy record set, the per-side
// peering DNS option.
func TestAccountsNetwork(t *testing.T) {
	text, err := os.ReadFile("../config/testdata/accounts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	n := parseNetwork(t, string(text))
	listenOnLoopback(n)
	s := start(t, n, server.Options{Stdout: io.Discard})
	hub, data := addrOf(t, s, "vpc:vpc-hub"), addrOf(t, s, "vpc:vpc-data")
	tests := []struct {
		name, addr, qname string
		qtype             uint16
		want              []string
		rcode             int
	}{
		{"endpoint private DNS", hub, "ssm.us-east-1.amazonaws.com.", dns.TypeA,
			[]string{"ssm.us-east-1.amazonaws.com. IN A 10.0.1.30", "ssm.us-east-1.amazonaws.com. IN A 10.0.2.30"}, dns.RcodeSuccess},
		{"endpoint wildcard name, AAAA", hub, "bucket.s3.us-east-1.amazonaws.com.", dns.TypeAAAA,
			[]string{"bucket.s3.us-east-1.amazonaws.com. IN AAAA 2600:1f18:1:101::31"}, dns.RcodeSuccess},
		{"endpoint through the profile", data, "ssm.us-east-1.amazonaws.com.", dns.TypeA,
			[]string{"ssm.us-east-1.amazonaws.com. IN A 10.0.1.30", "ssm.us-east-1.amazonaws.com. IN A 10.0.2.30"}, dns.RcodeSuccess},
		{"profile zone", data, "svc.shared.example.", dns.TypeA, []string{"svc.shared.example. IN A 10.0.1.80"}, dns.RcodeSuccess},
		{"alias to a record of the zone", hub, "www.internal.example.", dns.TypeA, []string{"www.internal.example. IN A 10.0.1.50"}, dns.RcodeSuccess},
		{"first record set", hub, "api.internal.example.", dns.TypeA, []string{"api.internal.example. IN A 10.0.1.60"}, dns.RcodeSuccess},
		{"accepter resolves the requester's names", data, "5.1.0.10.in-addr.arpa.", dns.TypePTR,
			[]string{"5.1.0.10.in-addr.arpa. IN PTR ip-10-0-1-5.ec2.internal."}, dns.RcodeSuccess},
		{"requester does not resolve the accepter's", hub, "5.0.2.10.in-addr.arpa.", dns.TypePTR, nil, dns.RcodeNameError},
	}
	for _, tt := range tests {
		for _, network := range []string{"udp", "tcp"} {
			t.Run(tt.name+"/"+network, func(t *testing.T) {
				r := ask(t, network, tt.addr, tt.qname, tt.qtype)
				if tt.rcode != dns.RcodeSuccess {
					wantRcode(t, r, tt.rcode)
					return
				}
				wantAnswer(t, r, tt.want...)
			})
		}
	}
}
