package server_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/server"
)

// startCorp starts a server whose vpc-app forwards corp.example to
// on-premises BIND, with opts, and returns vpc-app's address.
func startCorp(t testing.TB, opts server.Options) (*server.Server, string) {
	t.Helper()
	bind := onPrem(t)
	n := parseNetwork(t, expand(baseNetwork+corpRule, map[string]string{
		"MAP1": bind.Addr().String(), "MAP2": bind.Addr().String(),
	}))
	listenOnLoopback(n)
	s := start(t, n, opts)
	return s, addrOf(t, s, "vpc:vpc-app")
}

// EDNS(0): OPT echoed with payload 1232 when the query has one, never added
// when it has none; AD never set, CD not echoed; DO accepted.
func TestEDNS(t *testing.T) {
	t.Parallel()
	_, addr := startCorp(t, server.Options{})
	type query struct {
		edns   uint16 // 0: no OPT
		do, ad bool
		cd     bool
	}
	tests := []struct {
		name  string
		qname string
		qtype uint16
		q     query
	}{
		{"forwarded, no OPT", "db.corp.example.", dns.TypeA, query{}},
		{"forwarded, OPT 4096", "db.corp.example.", dns.TypeA, query{edns: 4096}},
		{"forwarded, OPT 512 DO AD CD", "host-7.corp.example.", dns.TypeA, query{edns: 512, do: true, ad: true, cd: true}},
		{"local, no OPT", "ip-10-0-0-5.ec2.internal.", dns.TypeA, query{}},
		{"local, OPT 1232 DO", "ip-10-0-0-5.ec2.internal.", dns.TypeA, query{edns: 1232, do: true, ad: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, network := range []string{"udp", "tcp"} {
				q := new(dns.Msg)
				q.SetQuestion(tt.qname, tt.qtype)
				q.AuthenticatedData = tt.q.ad
				q.CheckingDisabled = tt.q.cd
				if tt.q.edns != 0 {
					q.SetEdns0(tt.q.edns, tt.q.do)
				}
				r := exchange(t, network, addr, q)
				wantRcode(t, r, dns.RcodeSuccess)
				if len(r.Answer) != 1 {
					t.Errorf("%s: answer %v; want one A", network, r.Answer)
				}
				opt := r.IsEdns0()
				switch {
				case tt.q.edns == 0 && opt != nil:
					t.Errorf("%s: OPT %v in the reply to a query without one", network, opt)
				case tt.q.edns != 0 && opt == nil:
					t.Errorf("%s: no OPT in the reply to a query with one", network)
				case opt != nil && (opt.UDPSize() != 1232 || opt.Version() != 0):
					t.Errorf("%s: OPT payload %d version %d; want 1232, 0", network, opt.UDPSize(), opt.Version())
				}
				if n := countOPT(r); n > 1 {
					t.Errorf("%s: %d OPT records", network, n)
				}
				if r.AuthenticatedData || r.CheckingDisabled || r.Authoritative || !r.RecursionAvailable {
					t.Errorf("%s: AD=%v CD=%v AA=%v RA=%v; want AD, CD and AA clear, RA set", network,
						r.AuthenticatedData, r.CheckingDisabled, r.Authoritative, r.RecursionAvailable)
				}
			}
		})
	}
	// dig sends OPT with its own payload; vpcdns's comes back.
	out := dig(t, addr, "db.corp.example", "A")
	if !strings.Contains(out, "udp: 1232") {
		t.Errorf("dig: want the server's OPT with udp: 1232\n%s", out)
	}
	if out := dig(t, addr, "db.corp.example", "A", "+noedns"); strings.Contains(out, "OPT PSEUDOSECTION") {
		t.Errorf("dig +noedns: an OPT came back\n%s", out)
	}
}

func countOPT(m *dns.Msg) int {
	n := 0
	for _, rr := range m.Extra {
		if rr.Header().Rrtype == dns.TypeOPT {
			n++
		}
	}
	return n
}

// ANY (RFC 8482): dig sees the minimal HINFO for a name that exists; the
// other cases are in TestConformance.
func TestANY(t *testing.T) {
	t.Parallel()
	_, addr := startCorp(t, server.Options{})
	if out := dig(t, addr, "ip-10-0-0-5.ec2.internal", "ANY"); !strings.Contains(out, `HINFO	"RFC8482"`) {
		t.Errorf("dig ANY: want HINFO \"RFC8482\"\n%s", out)
	}
	if out := dig(t, addr, "nope.ec2.internal", "ANY"); !strings.Contains(out, "NXDOMAIN") {
		t.Errorf("dig ANY on a missing name: want NXDOMAIN\n%s", out)
	}
}

// Queries that are valid DNS but not answerable: the rcode each gets.
func TestUnanswerableQueries(t *testing.T) {
	t.Parallel()
	_, addr := startCorp(t, server.Options{})
	tests := []struct {
		name  string
		edit  func(q *dns.Msg)
		rcode int // -1: no reply at all
	}{
		{"no question", func(q *dns.Msg) { q.Question = nil }, dns.RcodeFormatError},
		{"two questions", func(q *dns.Msg) { q.Question = append(q.Question, q.Question[0]) }, dns.RcodeFormatError},
		{"opcode UPDATE", func(q *dns.Msg) { q.Opcode = dns.OpcodeUpdate }, dns.RcodeNotImplemented},
		{"opcode STATUS", func(q *dns.Msg) { q.Opcode = dns.OpcodeStatus }, dns.RcodeNotImplemented},
		{"opcode NOTIFY", func(q *dns.Msg) { q.Opcode = dns.OpcodeNotify }, dns.RcodeNotImplemented},
		{"class CHAOS", func(q *dns.Msg) { q.Question[0].Qclass = dns.ClassCHAOS }, dns.RcodeRefused},
		{"a response (QR set)", func(q *dns.Msg) { q.Response = true }, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, network := range []string{"udp", "tcp"} {
				q := new(dns.Msg)
				q.SetQuestion("db.corp.example.", dns.TypeA)
				tt.edit(q)
				r, err := rawExchange(network, addr, q, 300*time.Millisecond)
				if tt.rcode == -1 {
					if err == nil {
						t.Errorf("%s: reply %v; want none", network, r)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", network, err)
				}
				if r.Id != q.Id || !r.Response {
					t.Errorf("%s: reply ID %d QR %v; want ID %d, QR set", network, r.Id, r.Response, q.Id)
				}
				wantRcode(t, r, tt.rcode)
			}
		})
	}
}

// rawExchange sends q as it is (the Go client refuses some of these) and
// reads one reply.
func rawExchange(network, addr string, q *dns.Msg, timeout time.Duration) (*dns.Msg, error) {
	wire, err := q.Pack()
	if err != nil {
		return nil, err
	}
	conn, err := net.DialTimeout(network, addr, timeout)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(timeout))
	if network == "tcp" {
		wire = append(binary.BigEndian.AppendUint16(nil, uint16(len(wire))), wire...)
	}
	if _, err := conn.Write(wire); err != nil {
		return nil, err
	}
	var buf []byte
	if network == "tcp" {
		var l [2]byte
		if _, err := io.ReadFull(conn, l[:]); err != nil {
			return nil, err
		}
		buf = make([]byte, binary.BigEndian.Uint16(l[:]))
		if _, err := io.ReadFull(conn, buf); err != nil {
			return nil, err
		}
	} else {
		buf = make([]byte, 65535)
		n, err := conn.Read(buf)
		if err != nil {
			return nil, err
		}
		buf = buf[:n]
	}
	r := new(dns.Msg)
	if err := r.Unpack(buf); err != nil {
		return nil, err
	}
	return r, nil
}

// TCP: queries pipelined on one connection are all answered (RFC 7766).
func TestTCPPipelining(t *testing.T) {
	t.Parallel()
	_, addr := startCorp(t, server.Options{})
	conn, err := dns.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	questions := map[uint16]string{}
	for i, name := range []string{"db.corp.example.", "ip-10-0-0-5.ec2.internal.", "host-42.corp.example.", "nope.corp.example."} {
		q := new(dns.Msg)
		q.SetQuestion(name, dns.TypeA)
		q.Id = uint16(1000 + i)
		questions[q.Id] = name
		if err := conn.WriteMsg(q); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]string{
		"db.corp.example.":          "192.168.1.20",
		"ip-10-0-0-5.ec2.internal.": "10.0.0.5",
		"host-42.corp.example.":     "192.168.1.42",
		"nope.corp.example.":        "NXDOMAIN",
	}
	for range questions {
		r, err := conn.ReadMsg()
		if err != nil {
			t.Fatalf("reading the replies: %v", err)
		}
		name, ok := questions[r.Id]
		if !ok {
			t.Fatalf("reply with ID %d: not one of the queries (or answered twice)", r.Id)
		}
		delete(questions, r.Id)
		if r.Question[0].Name != name {
			t.Errorf("reply %d: question %s; want %s", r.Id, r.Question[0].Name, name)
		}
		got := dns.RcodeToString[r.Rcode]
		if r.Rcode == dns.RcodeSuccess && len(r.Answer) == 1 {
			got = r.Answer[0].(*dns.A).A.String()
		}
		if got != want[name] {
			t.Errorf("%s: %s; want %s", name, got, want[name])
		}
	}
}

// TCP: a connection with no query for the idle timeout is closed, whether
// it never sent one or has been answered.
func TestTCPIdleTimeout(t *testing.T) {
	t.Parallel()
	const idle = 300 * time.Millisecond
	_, addr := startCorp(t, server.Options{TCPIdleTimeout: idle})
	tests := []struct {
		name    string
		queries int
	}{
		{"silent client", 0},
		{"after two answers", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := dns.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(5 * time.Second))
			for range tt.queries {
				q := new(dns.Msg)
				q.SetQuestion("db.corp.example.", dns.TypeA)
				if err := conn.WriteMsg(q); err != nil {
					t.Fatal(err)
				}
				if _, err := conn.ReadMsg(); err != nil {
					t.Fatal(err)
				}
			}
			begin := time.Now()
			_, err = conn.ReadMsg()
			el := time.Since(begin)
			if err == nil {
				t.Fatal("a message arrived on an idle connection")
			}
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("the connection is still open after %v; the idle timeout is %v", el, idle)
			}
			if el < idle/2 || el > idle+slack {
				t.Errorf("closed after %v; the idle timeout is %v", el, idle)
			}
		})
	}
}

// TCP: a connection past the limit takes the place of the least recently
// active idle one (RFC 7766 §6.2.3) and is answered at once; UDP is not
// affected meanwhile.
func TestTCPConnectionLimit(t *testing.T) {
	t.Parallel()
	_, addr := startCorp(t, server.Options{MaxTCPConns: 2, TCPIdleTimeout: 5 * time.Second})
	var open []*dns.Conn
	for i := range 2 {
		c, err := dns.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		q := new(dns.Msg)
		q.SetQuestion(fmt.Sprintf("host-%d.corp.example.", i+1), dns.TypeA)
		c.SetDeadline(time.Now().Add(2 * time.Second))
		if err := c.WriteMsg(q); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ReadMsg(); err != nil {
			t.Fatal(err)
		}
		open = append(open, c)
	}
	third, err := dns.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	q := new(dns.Msg)
	q.SetQuestion("host-3.corp.example.", dns.TypeA)
	if err := third.WriteMsg(q); err != nil {
		t.Fatal(err)
	}
	third.SetReadDeadline(time.Now().Add(clientTimeout))
	r, err := third.ReadMsg()
	if err != nil {
		t.Fatalf("a third connection past the limit of 2 was not answered: %v", err)
	}
	wantAnswer(t, r, "host-3.corp.example. IN A 192.168.1.3")
	// The oldest idle connection made room: it is closed.
	open[0].SetReadDeadline(time.Now().Add(clientTimeout))
	if _, err := open[0].ReadMsg(); err == nil {
		t.Error("a message on the connection that made room")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Error("the least recently active connection is still open")
	}
	wantAnswer(t, ask(t, "udp", addr, "host-4.corp.example.", dns.TypeA), "host-4.corp.example. IN A 192.168.1.4")
}

// The audit's attack: 300 idle TCP connections from one client, past both
// the per-client and the total limit, and a TCP query is still answered
// within a second (it hung behind them before).
func TestTCPIdleConnectionsDoNotDenyService(t *testing.T) {
	t.Parallel()
	_, addr := startCorp(t, server.Options{})
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for range 300 {
		c, err := net.DialTimeout("tcp", addr, clientTimeout)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	q := new(dns.Msg)
	q.SetQuestion("db.corp.example.", dns.TypeA)
	start := time.Now()
	r, err := tryExchange("tcp", addr, q, time.Second)
	if err != nil {
		t.Fatalf("TCP query with 300 idle connections open: %v after %v", err, time.Since(start))
	}
	wantAnswer(t, r, "db.corp.example. IN A 192.168.1.20")
}

// A flood of malformed packets over UDP and TCP: the server keeps answering
// good queries, each of them, and does not crash.
func TestMalformedFlood(t *testing.T) {
	t.Parallel()
	_, addr := startCorp(t, server.Options{TCPIdleTimeout: 500 * time.Millisecond})
	rng := rand.New(rand.NewPCG(1, 2))

	good := new(dns.Msg)
	good.SetQuestion("db.corp.example.", dns.TypeA)
	goodWire, _ := good.Pack()

	// Each kind makes one malformed packet.
	kinds := []struct {
		name string
		make func() []byte
	}{
		{"empty", func() []byte { return nil }},
		{"random bytes", func() []byte {
			b := make([]byte, rng.IntN(600))
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			return b
		}},
		{"truncated header", func() []byte { return append([]byte(nil), goodWire[:1+rng.IntN(11)]...) }},
		{"truncated question", func() []byte { return append([]byte(nil), goodWire[:12+rng.IntN(len(goodWire)-13)]...) }},
		{"QR set", func() []byte {
			b := append([]byte(nil), goodWire...)
			b[2] |= 0x80
			return b
		}},
		{"qdcount 65535", func() []byte {
			b := append([]byte(nil), goodWire...)
			binary.BigEndian.PutUint16(b[4:], 0xFFFF)
			return b
		}},
		{"ancount 65535", func() []byte {
			b := append([]byte(nil), goodWire...)
			binary.BigEndian.PutUint16(b[6:], 0xFFFF)
			return b
		}},
		{"compression loop", func() []byte {
			b := append([]byte(nil), goodWire[:12]...)
			return append(b, 0xC0, 12, 0, 1, 0, 1) // the name points at itself
		}},
		{"label too long", func() []byte {
			b := append([]byte(nil), goodWire[:12]...)
			b = append(b, 63)
			b = append(b, strings.Repeat("a", 20)...)
			return append(b, 0, 0, 1, 0, 1)
		}},
		{"bad OPT", func() []byte {
			b := append([]byte(nil), goodWire...)
			binary.BigEndian.PutUint16(b[10:], 1) // arcount 1
			return append(b, 0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0xFF, 0xFF, 1, 2)
		}},
		{"random header, good question", func() []byte {
			b := append([]byte(nil), goodWire...)
			for i := 2; i < 12; i++ {
				b[i] = byte(rng.Uint32())
			}
			return b
		}},
	}

	udp, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()

	// TCP garbage, in parallel with the UDP flood.
	var wg sync.WaitGroup
	tcpKinds := []struct {
		name string
		data func() []byte
	}{
		{"length 0", func() []byte { return []byte{0, 0} }},
		{"length 1", func() []byte { return []byte{0, 1, 0xFF} }},
		{"length longer than the data", func() []byte { return append([]byte{0xFF, 0xFF}, goodWire...) }},
		{"random bytes", func() []byte {
			b := make([]byte, 2+rng.IntN(100))
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			return b
		}},
		{"half a length", func() []byte { return []byte{0} }},
		{"good length, garbage body", func() []byte {
			return append([]byte{0, 20}, make([]byte, 20)...)
		}},
	}
	tcpData := make([][]byte, 0, 60)
	for range 10 {
		for _, k := range tcpKinds {
			tcpData = append(tcpData, k.data())
		}
	}
	for _, data := range tcpData {
		wg.Go(func() {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				return
			}
			defer c.Close()
			c.Write(data)
			c.SetReadDeadline(time.Now().Add(time.Second))
			io.Copy(io.Discard, c)
		})
	}

	const rounds = 40
	var answered int
	buf := make([]byte, 65535)
	for round := range rounds {
		for range 50 {
			k := kinds[rng.IntN(len(kinds))]
			if _, err := udp.Write(k.make()); err != nil && !errors.Is(err, net.ErrClosed) {
				// ICMP errors from earlier writes are fine; the socket stays usable.
				continue
			}
		}
		// A good query on its own socket (the flood socket may hold
		// FORMERR replies), over UDP, and every fourth round over TCP.
		q := new(dns.Msg)
		q.SetQuestion("host-"+strconv.Itoa(1+round%250)+".corp.example.", dns.TypeA)
		network := "udp"
		if round%4 == 3 {
			network = "tcp"
		}
		r, err := tryExchange(network, addr, q, clientTimeout)
		if err != nil {
			t.Errorf("round %d: good %s query not answered during the flood: %v", round, network, err)
			continue
		}
		if r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 {
			t.Errorf("round %d: %s", round, r)
			continue
		}
		answered++
		// Drain what the flood socket got back: only FORMERR or NOTIMP
		// replies to packets whose header could be read.
		udp.SetReadDeadline(time.Now().Add(time.Millisecond))
		for {
			n, err := udp.Read(buf)
			if err != nil {
				break
			}
			m := new(dns.Msg)
			if m.Unpack(buf[:n]) == nil && m.Rcode == dns.RcodeSuccess && len(m.Answer) > 0 && m.Question[0].Name != "db.corp.example." {
				t.Errorf("flood reply %v", m)
			}
		}
	}
	wg.Wait()
	if answered != rounds {
		t.Errorf("%d of %d good queries answered", answered, rounds)
	}
	// And afterwards.
	wantAnswer(t, ask(t, "tcp", addr, "db.corp.example.", dns.TypeA), "db.corp.example. IN A 192.168.1.20")
	wantAnswer(t, ask(t, "udp", addr, "db.corp.example.", dns.TypeA), "db.corp.example. IN A 192.168.1.20")
	if got := digShort(t, addr, "db.corp.example"); len(got) != 1 || got[0] != "192.168.1.20" {
		t.Errorf("dig after the flood: %q", got)
	}
}

// Random well-formed queries (odd names, every kind of type and class, EDNS
// sizes) through every kind of answer: each is answered, with its ID and
// question, and the server does not crash.
func TestRandomQueries(t *testing.T) {
	t.Parallel()
	bind := onPrem(t)
	n := parseNetwork(t, expand(baseNetwork+`
private_hosted_zones:
  - name: internal.example
    vpcs: [vpc-app]
    records:
      - {name: db.internal.example, type: A, ttl: 300, values: [10.0.1.20]}
      - {name: "*.w.internal.example", type: CNAME, ttl: 300, values: [db.internal.example]}
      - {name: loop.internal.example, type: CNAME, ttl: 300, values: [loop2.internal.example]}
      - {name: loop2.internal.example, type: CNAME, ttl: 300, values: [loop.internal.example]}
`+corpRule, map[string]string{"MAP1": bind.Addr().String(), "MAP2": bind.Addr().String()}))
	listenOnLoopback(n)
	s := start(t, n, server.Options{})
	addr := addrOf(t, s, "vpc:vpc-app")
	rng := rand.New(rand.NewPCG(3, 4))
	suffixes := []string{"corp.example.", "internal.example.", "w.internal.example.", "ec2.internal.",
		"compute-1.internal.", "in-addr.arpa.", "10.in-addr.arpa.", "0.10.in-addr.arpa.", "127.in-addr.arpa.",
		"254.169.254.169.in-addr.arpa.", "ip6.arpa.", "localhost.", "", "example.org."}
	labels := []string{"ip-10-0-0-5", "ip-10-0-0", "ip-999-1-1-1", "ip-10-0-0-5-6", "i-0123456789abcdef0",
		"5", "0", "256", "-1", "*", `\000`, `\.`, `a\032b`, "IP-10-0-0-5", "loop", "db", "x", "ip-",
		"ip-1-2-3-4", "ip-01-02-03-04", "ip-10-0-0-05", "-", strings.Repeat("a", 63), "xn--nxasmq6b"}
	types := []uint16{dns.TypeA, dns.TypeAAAA, dns.TypePTR, dns.TypeSOA, dns.TypeNS, dns.TypeCNAME,
		dns.TypeTXT, dns.TypeANY, dns.TypeMX, dns.TypeNone, 65535, dns.TypeDS, dns.TypeRRSIG,
		dns.TypeAXFR, dns.TypeIXFR, dns.TypeOPT}
	classes := []uint16{dns.ClassINET, dns.ClassINET, dns.ClassINET, dns.ClassCHAOS, dns.ClassANY, 0}
	for range 1500 {
		var name strings.Builder
		for k := rng.IntN(4); k >= 0; k-- {
			name.WriteString(labels[rng.IntN(len(labels))] + ".")
		}
		name.WriteString(suffixes[rng.IntN(len(suffixes))])
		if _, ok := dns.IsDomainName(name.String()); !ok {
			continue
		}
		q := new(dns.Msg)
		q.SetQuestion(name.String(), types[rng.IntN(len(types))])
		q.Question[0].Qclass = classes[rng.IntN(len(classes))]
		if rng.IntN(2) == 0 {
			q.SetEdns0(uint16(rng.IntN(5000)), rng.IntN(2) == 0)
		}
		network := []string{"udp", "tcp"}[rng.IntN(2)]
		r, err := tryExchange(network, addr, q, clientTimeout)
		if err != nil {
			t.Fatalf("%s %s %s: %v", network, name.String(), dns.TypeToString[q.Question[0].Qtype], err)
		}
		// The question as it went on the wire (\032 comes back as "\ ").
		wire, _ := q.Pack()
		sent := new(dns.Msg)
		if err := sent.Unpack(wire); err != nil {
			t.Fatal(err)
		}
		if r.Id != q.Id || len(r.Question) != 1 || r.Question[0] != sent.Question[0] {
			t.Fatalf("%s %v: reply ID %d question %v", network, q.Question[0], r.Id, r.Question)
		}
	}
}

// TestTCPAnswersOutOfOrder checks RFC 7766 §6.2.1.1: queries on one TCP
// connection are answered concurrently, so a local answer is not held
// behind a forward that waits for a silent target.
func TestTCPAnswersOutOfOrder(t *testing.T) {
	t.Parallel()
	silent := startSilent(t)
	n := parseNetwork(t, expand(baseNetwork+corpRule, map[string]string{"MAP1": silent.addr, "MAP2": silent.addr}))
	listenOnLoopback(n)
	s := start(t, n, server.Options{})
	conn, err := dns.Dial("tcp", addrOf(t, s, "vpc:vpc-app"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	slow := new(dns.Msg).SetQuestion("db.corp.example.", dns.TypeA) // forwarded to the silent target
	slow.Id = 1
	fast := new(dns.Msg).SetQuestion("ip-10-0-0-5.ec2.internal.", dns.TypeA) // answered locally
	fast.Id = 2
	start := time.Now()
	for _, q := range []*dns.Msg{slow, fast} {
		if err := conn.WriteMsg(q); err != nil {
			t.Fatal(err)
		}
	}
	first, err := conn.ReadMsg()
	if err != nil {
		t.Fatal(err)
	}
	if first.Id != fast.Id {
		t.Fatalf("first reply is for query %d; want the local answer (2) before the forward (1)", first.Id)
	}
	if waited := time.Since(start); waited >= attemptTimeout {
		t.Errorf("local answer took %v; want it without waiting for the forward's %v attempt", waited, attemptTimeout)
	}
	second, err := conn.ReadMsg()
	if err != nil {
		t.Fatal(err)
	}
	if second.Id != slow.Id || second.Rcode != dns.RcodeServerFailure {
		t.Errorf("second reply: id %d %s; want id 1 SERVFAIL (every target silent)", second.Id, dns.RcodeToString[second.Rcode])
	}
}
