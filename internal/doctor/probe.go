package doctor

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/miekg/dns"
)

// Probe is one query doctor sent (or chose not to send) to one server over
// one transport, and what came back.
type Probe struct {
	// Server is the address as the network models it (a target's ip:port),
	// or the socket of the VPC resolver.
	Server string `json:"server"`
	// Dial is where the query went, when it differs from Server (the
	// emulation address map).
	Dial  string `json:"dial,omitempty"`
	Proto string `json:"proto"` // udp or tcp
	// Outcome is answer, timeout, unreachable (connection refused / port
	// unreachable), error (e.g. the connection was closed), or not-probed.
	Outcome string `json:"outcome"`
	Rcode   string `json:"rcode,omitempty"`
	// AA and TC are the flags of the answer.
	AA bool `json:"aa,omitempty"`
	TC bool `json:"tc,omitempty"`
	// Answer is the answer section without TTLs: "name TYPE rdata".
	Answer []string `json:"answer,omitempty"`
	// SOA is the owner of the SOA record in the authority section: the
	// zone that answered a negative answer.
	SOA string `json:"soa,omitempty"`
	// TTL is the lowest TTL of the answer records (of a negative answer,
	// its SOA's, RFC 2308): how long the answer may still be served from a
	// cache.
	TTL uint32 `json:"ttl,omitempty"`
	// Stale is set when the answer carries Extended DNS Error 3 (Stale
	// Answer, RFC 8914): the resolver served it from its cache past its
	// TTL because it could not resolve the name now (RFC 8767).
	Stale      bool    `json:"stale,omitempty"`
	Error      string  `json:"error,omitempty"`
	Note       string  `json:"note,omitempty"`
	DurationMS float64 `json:"duration_ms"`
}

// Outcomes of a probe.
const (
	OutcomeAnswer      = "answer"
	OutcomeTimeout     = "timeout"
	OutcomeUnreachable = "unreachable"
	OutcomeError       = "error"
	OutcomeNotProbed   = "not-probed"
)

// answered reports whether the probe got a reply.
func (p Probe) answered() bool { return p.Outcome == OutcomeAnswer }

// good reports whether the probe got an answer to pass on (NOERROR or
// NXDOMAIN), as Route 53 Resolver takes one from a target.
func (p Probe) good() bool {
	return p.answered() && (p.Rcode == "NOERROR" || p.Rcode == "NXDOMAIN")
}

// short says in a few words what the probe got: "NOERROR aa, 1 record",
// "timeout after 2s", "connection refused".
func (p Probe) short() string {
	switch p.Outcome {
	case OutcomeAnswer:
		s := p.Rcode
		if p.AA {
			s += " aa"
		}
		if p.TC {
			s += " tc"
		}
		switch {
		case len(p.Answer) > 0:
			s += fmt.Sprintf(", %d %s", len(p.Answer), plural(len(p.Answer), "record"))
		case p.SOA != "":
			s += ", SOA " + p.SOA
		}
		return s
	case OutcomeNotProbed:
		return "not probed"
	case OutcomeUnreachable:
		return "connection refused"
	case OutcomeTimeout:
		return "timeout (" + p.Error + ")"
	}
	if p.Error != "" {
		return p.Outcome + ": " + p.Error
	}
	return p.Outcome
}

// answerSig is what two answers must share to be the same answer: the
// rcode and the answer records, without TTLs, in any order.
func (p Probe) answerSig() string {
	a := make([]string, len(p.Answer))
	for i, rr := range p.Answer {
		a[i] = strings.ToLower(rr)
	}
	slices.Sort(a)
	return p.Rcode + "|" + strings.Join(a, "|")
}

// Dialer makes doctor's connections; *net.Dialer is one.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// ask sends the question to addr over proto ("udp" or "tcp") as dig does
// (RD set, EDNS with a 1232-byte payload) and waits for the matching reply
// until timeout.
func ask(ctx context.Context, d Dialer, addr netip.AddrPort, proto string, q dns.Question, timeout time.Duration) (p Probe) {
	p = Probe{Server: addr.String(), Proto: proto}
	start := time.Now()
	defer func() { p.DurationMS = float64(time.Since(start).Microseconds()) / 1000 }()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	m := new(dns.Msg)
	m.Id = uint16(rand.Uint32())
	m.RecursionDesired = true
	m.Question = []dns.Question{q}
	m.SetEdns0(1232, false)
	wire, err := m.Pack()
	if err != nil {
		p.Outcome, p.Error = OutcomeError, err.Error()
		return p
	}
	reply, err := exchange(ctx, d, addr, proto, wire, m.Id, q)
	if err != nil {
		p.Outcome, p.Error = classify(ctx, err)
		if p.Outcome == OutcomeTimeout {
			p.Error = fmt.Sprintf("no reply within %v", timeout)
		}
		return p
	}
	fill(&p, reply)
	return p
}

func fill(p *Probe, r *dns.Msg) {
	p.Outcome = OutcomeAnswer
	p.Rcode = dns.RcodeToString[r.Rcode]
	if p.Rcode == "" {
		p.Rcode = fmt.Sprintf("RCODE%d", r.Rcode)
	}
	p.AA, p.TC = r.Authoritative, r.Truncated
	for i, rr := range r.Answer {
		p.Answer = append(p.Answer, rrString(rr))
		if ttl := rr.Header().Ttl; i == 0 || ttl < p.TTL {
			p.TTL = ttl
		}
	}
	if opt := r.IsEdns0(); opt != nil {
		for _, o := range opt.Option {
			if ede, ok := o.(*dns.EDNS0_EDE); ok && ede.InfoCode == dns.ExtendedErrorCodeStaleAnswer {
				p.Stale = true
			}
		}
	}
	for _, rr := range r.Ns {
		if soa, ok := rr.(*dns.SOA); ok {
			p.SOA = strings.ToLower(dns.Fqdn(soa.Hdr.Name))
			if len(r.Answer) == 0 {
				p.TTL = min(soa.Hdr.Ttl, soa.Minttl) // how long a negative answer is cached (RFC 2308)
			}
		}
	}
}

// rrString writes a record without its TTL and class: "name TYPE rdata",
// names in lower case.
func rrString(rr dns.RR) string {
	f := strings.Split(rr.String(), "\t")
	if len(f) < 5 {
		return strings.ToLower(rr.String())
	}
	return strings.ToLower(f[0]) + " " + f[3] + " " + strings.Join(f[4:], " ")
}

// classify names an I/O error as an outcome.
func classify(ctx context.Context, err error) (string, string) {
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded), ctx.Err() != nil:
		return OutcomeTimeout, ""
	case errors.Is(err, syscall.ECONNREFUSED):
		return OutcomeUnreachable, "connection refused"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		return OutcomeError, "connection closed by the server"
	}
	return OutcomeError, err.Error()
}

func exchange(ctx context.Context, d Dialer, addr netip.AddrPort, proto string, wire []byte, id uint16, q dns.Question) (*dns.Msg, error) {
	conn, err := d.DialContext(ctx, proto, addr.String())
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if proto == "tcp" {
		framed := make([]byte, 2+len(wire))
		binary.BigEndian.PutUint16(framed, uint16(len(wire)))
		copy(framed[2:], wire)
		if _, err := conn.Write(framed); err != nil {
			return nil, err
		}
		var n [2]byte
		for {
			if _, err := io.ReadFull(conn, n[:]); err != nil {
				return nil, err
			}
			body := make([]byte, binary.BigEndian.Uint16(n[:]))
			if _, err := io.ReadFull(conn, body); err != nil {
				return nil, err
			}
			if m := match(body, id, q); m != nil {
				return m, nil
			}
		}
	}
	if _, err := conn.Write(wire); err != nil {
		return nil, err
	}
	buf := make([]byte, 65535)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return nil, err
		}
		if m := match(buf[:n], id, q); m != nil {
			return m, nil
		}
	}
}

// match returns the reply to the query with id and question q, or nil.
func match(b []byte, id uint16, q dns.Question) *dns.Msg {
	m := new(dns.Msg)
	if err := m.Unpack(b); err != nil && !(m.Truncated && len(m.Question) == 1) {
		return nil
	}
	if m.Id != id || !m.Response || len(m.Question) != 1 {
		return nil
	}
	got := m.Question[0]
	if got.Qtype != q.Qtype || got.Qclass != q.Qclass || !strings.EqualFold(got.Name, q.Name) {
		return nil
	}
	return m
}

// onThisMachine reports whether a is loopback or an address of one of this
// machine's interfaces.
func onThisMachine(a netip.Addr) bool {
	a = a.Unmap()
	if a.IsLoopback() {
		return true
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, ia := range addrs {
		if pfx, err := netip.ParsePrefix(ia.String()); err == nil && pfx.Addr().Unmap() == a {
			return true
		}
	}
	return false
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
