package server_test

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/server"
)

// socketNetwork is vpc-app with a private hosted zone: db.internal.example
// is a local answer the fast path serves from bytes once it has been asked.
const socketNetwork = baseNetwork + `
private_hosted_zones:
  - name: internal.example
    vpcs: [vpc-app]
    records:
      - {name: db.internal.example, type: A, ttl: 300, values: [10.0.1.20]}
`

// startSocketServer starts vpcdns on socketNetwork and returns the address
// of vpc-app's resolver.
func startSocketServer(t testing.TB, opts server.Options) string {
	t.Helper()
	n := parseNetwork(t, expand(socketNetwork, map[string]string{"MAP1": "127.0.0.1:1", "MAP2": "127.0.0.1:1"}))
	listenOnLoopback(n)
	s := start(t, n, opts)
	return addrOf(t, s, "vpc:vpc-app")
}

// localQuery is the packed query for db.internal.example A, with EDNS.
func localQuery(t testing.TB, id uint16) []byte {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion("db.internal.example.", dns.TypeA)
	m.SetEdns0(1232, false)
	m.Id = id
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// socketClient sends prepacked queries and reads their replies over one
// UDP socket or TCP connection, allocating nothing itself: what an
// allocation count around it sees is the server's.
type socketClient struct {
	conn  net.Conn
	tcp   bool
	query []byte // framed for TCP, times depth
	reply []byte
	depth int // queries sent before the replies are read
}

func newSocketClient(t testing.TB, network, addr string, depth int) *socketClient {
	t.Helper()
	conn, err := net.DialTimeout(network, addr, clientTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &socketClient{conn: conn, tcp: network == "tcp", reply: make([]byte, 4096), depth: depth}
	q := localQuery(t, 7)
	for range depth {
		if c.tcp {
			c.query = binary.BigEndian.AppendUint16(c.query, uint16(len(q)))
		}
		c.query = append(c.query, q...)
	}
	if depth > 1 && !c.tcp {
		t.Fatal("pipelining is a TCP client's")
	}
	// The first answer takes the full path, which remembers it.
	c.conn.SetDeadline(time.Now().Add(5 * time.Second))
	c.roundTrip(t)
	return c
}

// roundTrip sends depth queries and reads their replies, checking each is
// a NOERROR answer to ID 7.
func (c *socketClient) roundTrip(t testing.TB) {
	if _, err := c.conn.Write(c.query); err != nil {
		t.Fatal(err)
	}
	for range c.depth {
		var r []byte
		if c.tcp {
			if _, err := io.ReadFull(c.conn, c.reply[:2]); err != nil {
				t.Fatal(err)
			}
			n := int(binary.BigEndian.Uint16(c.reply[:2]))
			if _, err := io.ReadFull(c.conn, c.reply[:n]); err != nil {
				t.Fatal(err)
			}
			r = c.reply[:n]
		} else {
			n, err := c.conn.Read(c.reply)
			if err != nil {
				t.Fatal(err)
			}
			r = c.reply[:n]
		}
		if len(r) < 12 || r[0] != 0 || r[1] != 7 || r[3]&0xf != dns.RcodeSuccess || r[7] != 1 {
			t.Fatalf("reply % x: want a NOERROR answer to ID 7", r)
		}
	}
}

// TestLocalAnswerAllocsOverSockets pins the allocations of a local answer
// (private hosted zone) asked again, through the real UDP and TCP sockets on
// 127.0.0.1: none on either, pipelined or not. The count is the whole
// process's (testing.AllocsPerRun), so the client allocates nothing either.
func TestLocalAnswerAllocsOverSockets(t *testing.T) {
	addr := startSocketServer(t, server.Options{})
	tests := []struct {
		name    string
		network string
		depth   int
		budget  float64
	}{
		{name: "UDP", network: "udp", depth: 1},
		{name: "TCP", network: "tcp", depth: 1},
		{name: "TCP, 16 pipelined", network: "tcp", depth: 16},
		// More replies than one write gathers (tcpFlushAt): all arrive.
		{name: "TCP, 600 pipelined", network: "tcp", depth: 600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newSocketClient(t, tt.network, addr, tt.depth)
			for range 50 {
				c.roundTrip(t) // warm: buffers grown, timers set
			}
			allocs := testing.AllocsPerRun(300, func() { c.roundTrip(t) })
			if perQuery := allocs / float64(tt.depth); perQuery > tt.budget {
				t.Errorf("%.2f allocations per query; want at most %v", perQuery, tt.budget)
			}
		})
	}
}

// BenchmarkLocalAnswerSockets measures a local answer through the real
// sockets on 127.0.0.1, client included: ns/op is the round trip of depth
// queries, reported also per query.
func BenchmarkLocalAnswerSockets(b *testing.B) {
	addr := startSocketServer(b, server.Options{})
	for _, bc := range []struct {
		name    string
		network string
		depth   int
	}{
		{"udp", "udp", 1},
		{"tcp", "tcp", 1},
		{"tcp-pipelined-16", "tcp", 16},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := newSocketClient(b, bc.network, addr, bc.depth)
			c.conn.SetDeadline(time.Time{})
			b.ReportAllocs()
			for b.Loop() {
				c.roundTrip(b)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*bc.depth), "ns/query")
		})
	}
}

// TCP: the idle timeout counts from the last query, however long the
// connection has been open. A client asking every third of the timeout for
// several timeouts keeps its connection (the read deadline, set once, is
// moved when it fires on an active connection), and the connection closes
// one timeout after the last query.
func TestTCPIdleTimeoutCountsFromLastQuery(t *testing.T) {
	t.Parallel()
	const idle = 300 * time.Millisecond
	addr := startSocketServer(t, server.Options{TCPIdleTimeout: idle})
	c := newSocketClient(t, "tcp", addr, 1)
	c.conn.SetDeadline(time.Now().Add(10 * time.Second))
	begin := time.Now()
	for time.Since(begin) < 4*idle {
		time.Sleep(idle / 3)
		c.roundTrip(t) // fails the test if the connection was closed
	}
	last := time.Now()
	n, err := c.conn.Read(c.reply)
	el := time.Since(last)
	if err == nil {
		t.Fatalf("%d bytes arrived on an idle connection", n)
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the connection is still open %v after the last query; the idle timeout is %v", el, idle)
	}
	if el < idle/2 || el > idle+slack {
		t.Errorf("closed %v after the last query; the idle timeout is %v", el, idle)
	}
}
