package server_test

import (
	"net"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/server"
)

// TestTCPPipelinedRepeats: one TCP connection asks a question, then the
// same question many times without waiting for the answers (RFC 7766
// §6.2.1.1). The first is answered by the full path, the repeats from its
// remembered bytes on the connection's own goroutine; each gets its own ID,
// flags and EDNS and the same answer, and is logged with transport TCP.
func TestTCPPipelinedRepeats(t *testing.T) {
	logPath := tempFile(t, "queries.log")
	n := parseNetwork(t, expand(baseNetwork+`
query_logging:
  - {id: qlc, destination: "file:{{LOG}}", vpcs: [vpc-app]}
`, map[string]string{"MAP1": "127.0.0.1:1", "MAP2": "127.0.0.1:1", "LOG": logPath}))
	listenOnLoopback(n)
	s := start(t, n, server.Options{})
	addr := addrOf(t, s, "vpc:vpc-app")

	nc, err := net.DialTimeout("tcp", addr, clientTimeout)
	if err != nil {
		t.Fatal(err)
	}
	c := &dns.Conn{Conn: nc}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	// The first answer, by the full path, is remembered; the pipelined
	// repeats after it are answered from it.
	first := new(dns.Msg)
	first.SetQuestion("5.1.0.10.in-addr.arpa.", dns.TypePTR)
	if err := c.WriteMsg(first); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadMsg(); err != nil {
		t.Fatal(err)
	}
	const repeats = 20
	ids := map[uint16]bool{}
	for i := range repeats {
		q := new(dns.Msg)
		q.SetQuestion("5.1.0.10.in-addr.arpa.", dns.TypePTR)
		q.Id = uint16(1000 + i)
		if i%2 == 0 {
			q.SetEdns0(1232, false)
		}
		ids[q.Id] = true
		if err := c.WriteMsg(q); err != nil {
			t.Fatal(err)
		}
	}
	for range repeats {
		r, err := c.ReadMsg()
		if err != nil {
			t.Fatal(err)
		}
		if !ids[r.Id] {
			t.Fatalf("reply with ID %d: not one asked, or answered twice", r.Id)
		}
		edns := (r.Id-1000)%2 == 0
		delete(ids, r.Id)
		if r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 || r.Answer[0].(*dns.PTR).Ptr != "ip-10-0-1-5.ec2.internal." {
			t.Errorf("ID %d: %v", r.Id, r)
		}
		if (r.IsEdns0() != nil) != edns {
			t.Errorf("ID %d: OPT %v, want %v (echoed only when asked)", r.Id, r.IsEdns0() != nil, edns)
		}
		if !r.RecursionAvailable || !r.RecursionDesired || r.Authoritative || r.Truncated {
			t.Errorf("ID %d: flags RA=%v RD=%v AA=%v TC=%v", r.Id, r.RecursionAvailable, r.RecursionDesired, r.Authoritative, r.Truncated)
		}
	}
	shutdown(t, s)
	recs := readLog(t, logPath)
	if len(recs) != 1+repeats {
		t.Fatalf("%d query-log records, want %d", len(recs), 1+repeats)
	}
	for i, r := range recs {
		if r.Transport != "TCP" || r.QueryName != "5.1.0.10.in-addr.arpa." {
			t.Errorf("record %d: transport %q name %q", i, r.Transport, r.QueryName)
		}
	}
}
