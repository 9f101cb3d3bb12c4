// Package forward sends one client query to the targets of a forward rule (or
// to the internet forwarders) as Route 53 Resolver does through an outbound
// endpoint (behaviour.md §6): a target at random for each attempt, a fresh ID
// and source port per attempt, failover on timeouts, network errors, SERVFAIL
// and REFUSED, a truncated reply retried over TCP, all within a per-attempt and
// a total time budget.
//
// Choosing the targets is the caller's job, and so is the network model: a
// PathFunc says for each attempt which endpoint address it leaves from and
// whether the modeled path is open (behaviour.md §7).
//
// Decisions (vpcdns choices where behaviour.md is silent):
//
//   - Rounds. After every target has been tried once, a second round starts
//     (again in random order) while the total budget lasts; Options.Rounds
//     changes the number of rounds [2]. With the defaults (1 s per attempt,
//     3 s in all) two silent targets get three attempts.
//   - Rcodes. SERVFAIL and REFUSED move on to another target; every other rcode
//     (NOERROR, NXDOMAIN, FORMERR, NOTIMP, …) is passed back as it came.
//   - The query. Only the client's question goes upstream, in a query of
//     vpcdns's own (upstream.go): RD set, an OPT with UDP payload 1232 (the
//     size of DNS Flag Day 2020) and nothing else: no DO, CD, COOKIE, client
//     subnet or EDNS version of the client's. The server adds its own OPT to
//     the client's reply.
//   - The reply. It is the target's reply with the client's ID and the
//     client's question (same letter case) restored, its OPT removed, and
//     cut to what a resolver may pass on (clean in upstream.go): records of
//     the question's name and its CNAME chain, the zone's SOA or NS in the
//     authority section, no additional records, no DNSSEC records.
//   - Matching. A reply counts when its ID is the attempt's, QR is set, and its
//     single question equals ours (name ASCII case-insensitive, type, class).
//     Anything else on the socket, garbled packets included, is ignored (and
//     counted in Attempt.Ignored). A UDP reply with TC set whose sections are
//     cut short is still taken as truncated when its header and question match.
//   - Failing targets. A target (by Dial address) that failed its last two
//     or more tries (in any Exchanges) goes to the back: it is tried only after
//     every other target of the round. One answer (Outcome OK) resets it. No
//     health-check traffic is sent. Canceled attempts change nothing; a
//     blocked path counts as a failure (it looks like a timeout from the
//     resolver); a truncated reply counts as its TCP retry does.
//   - TCP retry. The TCP attempt after a truncated reply is an attempt of its
//     own in the Trace, with its own deadline and its own PathFunc call (for
//     TCP).
//   - Errors. When no target answers, the error wraps ErrNoAnswer (the server
//     answers SERVFAIL); when the caller's context ended, it wraps ctx.Err() as
//     well.
package forward

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// ErrNoAnswer is wrapped by the error of an Exchange in which no target gave
// an answer in the time allowed. The server answers SERVFAIL.
var ErrNoAnswer = errors.New("no target answered")

// Defaults (behaviour.md §6, network-yaml.md emulation.forwarding).
const (
	DefaultAttemptTimeout = time.Second
	DefaultTotalTimeout   = 3 * time.Second
	DefaultRounds         = 2

	// UpstreamUDPSize is the UDP payload size advertised upstream for a
	// client query that had no OPT.
	UpstreamUDPSize = 1232

	// failingAfter is the number of consecutive failures after which a
	// target is tried last.
	failingAfter = 2

	// maxUDPReply is the size of the UDP read buffer: the largest datagram.
	maxUDPReply = 65535

	// maxQuery is room for the upstream query: a header, a name of up to
	// 255 bytes, type, class and the OPT.
	maxQuery = 512
)

// Target is one forward target.
type Target struct {
	// Modeled is the address as the configuration has it: used for the path
	// checks, logs and metrics.
	Modeled netip.AddrPort
	// Dial is where the target really listens on this machine (the address
	// map applied by the caller). It is the only address packets go to.
	Dial netip.AddrPort
}

// String returns the modeled address, and the dial address when it differs.
func (t Target) String() string {
	if t.Dial == t.Modeled || !t.Dial.IsValid() {
		return t.Modeled.String()
	}
	return t.Modeled.String() + " (via " + t.Dial.String() + ")"
}

// PathFunc is called once for every attempt before anything is sent. It picks
// the endpoint address the attempt leaves from (at random among the outbound
// endpoint's addresses; the zero Addr when there is no endpoint, as for the
// internet forwarders) and reports whether the modeled network path from that
// address to t is open for proto (behaviour.md §7). A closed path is a dropped
// packet: nothing is sent and the attempt waits out its deadline. A nil
// PathFunc means no endpoint and an open path. It may be called concurrently
// by concurrent Exchanges.
type PathFunc func(t Target, proto Proto) (endpoint netip.Addr, open bool)

// Dialer makes the connections of the attempts; *net.Dialer is one.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Rand is the randomness of the Forwarder: the order of the targets (IntN)
// and the query IDs (Uint32, low 16 bits). It must be safe for concurrent
// use. The default uses math/rand/v2's top-level functions (ChaCha8, seeded
// from the operating system).
type Rand interface {
	IntN(n int) int
	Uint32() uint32
}

// Options configure a Forwarder. Zero values take the defaults.
type Options struct {
	AttemptTimeout time.Duration // one attempt [1s]
	TotalTimeout   time.Duration // the whole exchange [3s]
	Rounds         int           // times each target may be tried [2]
	Dialer         Dialer        // [a raw UDP socket, net.Dialer for TCP]
	Rand           Rand          // [math/rand/v2]
	Logger         *slog.Logger  // failed attempts at debug level [discard]
}

// Forwarder sends queries to targets. It is safe for concurrent use; it
// remembers, per Dial address, how many attempts in a row failed.
type Forwarder struct {
	attemptTimeout time.Duration
	totalTimeout   time.Duration
	rounds         int
	dialer         Dialer
	rnd            Rand
	log            *slog.Logger
	bufs           sync.Pool // *[]byte of maxUDPReply + maxQuery bytes
	udpConns       sync.Pool // *udpConn, around a new socket each time (Linux)
	tcp            tcpPool   // idle upstream TCP connections
	mux            udpMux    // waits for the UDP replies (Linux)

	mu       sync.Mutex
	failures map[netip.AddrPort]int // consecutive failures; absent = 0
}

// New returns a Forwarder with opts.
func New(opts Options) *Forwarder {
	f := &Forwarder{
		attemptTimeout: opts.AttemptTimeout,
		totalTimeout:   opts.TotalTimeout,
		rounds:         opts.Rounds,
		dialer:         opts.Dialer,
		rnd:            opts.Rand,
		log:            opts.Logger,
		failures:       make(map[netip.AddrPort]int),
	}
	if f.attemptTimeout <= 0 {
		f.attemptTimeout = DefaultAttemptTimeout
	}
	if f.totalTimeout <= 0 {
		f.totalTimeout = DefaultTotalTimeout
	}
	if f.rounds <= 0 {
		f.rounds = DefaultRounds
	}
	if f.rnd == nil {
		f.rnd = globalRand{}
	}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	f.bufs.New = func() any {
		b := make([]byte, maxUDPReply+maxQuery)
		return &b
	}
	return f
}

// globalRand is math/rand/v2's top-level source.
type globalRand struct{}

func (globalRand) IntN(n int) int { return rand.IntN(n) }
func (globalRand) Uint32() uint32 { return rand.Uint32() }

// ConsecutiveFailures returns how many tries in a row of the target at dial
// have failed (0 after an answer). Two or more put it at the back. For doctor
// and metrics; reading it sends nothing.
func (f *Forwarder) ConsecutiveFailures(dial netip.AddrPort) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failures[dial]
}

// Exchange sends q to targets (behaviour.md §6) and returns the first answer
// to pass back, carrying q's ID and question, with the trace of every attempt.
// q is not modified. When no target answers in time, the error wraps
// ErrNoAnswer (and ctx.Err() when ctx ended); the trace is returned in every
// case. It is ExchangeWire with the answer unpacked.
func (f *Forwarder) Exchange(ctx context.Context, q *dns.Msg, targets []Target, path PathFunc) (*dns.Msg, Trace, error) {
	var tr Trace
	if len(q.Question) != 1 {
		return nil, tr, fmt.Errorf("forward: query has %d questions, want 1", len(q.Question))
	}
	b, err := f.ExchangeWire(ctx, q.Question[0], q.Id, targets, path, &tr, nil)
	if err != nil {
		return nil, tr, err
	}
	m := new(dns.Msg)
	if err := m.Unpack(b); err != nil {
		return nil, tr, fmt.Errorf("forward %s %s: unpack answer: %w",
			q.Question[0].Name, dns.TypeToString[q.Question[0].Qtype], err)
	}
	m.Question[0] = q.Question[0]
	return m, tr, nil
}

// ExchangeWire is Exchange in wire form: it asks targets the question and
// appends to dst the answer to pass back, packed, with ID id and the
// question spelt as question has it, no OPT and no additional records,
// cleaned as clean says, an extended rcode turned into SERVFAIL. The attempts are appended to tr.Attempts (a
// caller that reuses tr and dst makes an exchange allocate next to
// nothing). The answer is most often the target's own bytes, cut and
// patched in place; only a reply that clean would change is unpacked.
func (f *Forwarder) ExchangeWire(ctx context.Context, question dns.Question, id uint16, targets []Target, path PathFunc, tr *Trace, dst []byte) ([]byte, error) {
	if len(targets) == 0 {
		return dst, fmt.Errorf("forward %s %s: no targets: %w",
			question.Name, dns.TypeToString[question.Qtype], ErrNoAnswer)
	}

	// One pooled buffer holds the query (at its end) and every reply read.
	bp := f.bufs.Get().(*[]byte)
	defer f.bufs.Put(bp)
	wire, err := appendQuery((*bp)[maxUDPReply:maxUDPReply], question)
	if err != nil {
		return dst, fmt.Errorf("forward %s %s: pack query: %w",
			question.Name, dns.TypeToString[question.Qtype], err)
	}
	readBuf := (*bp)[:maxUDPReply]
	first := len(tr.Attempts)

	// The budget is a time, not a context with a timer of its own: two
	// timers per query were 4% of the CPU of a stream of cache misses.
	end := time.Now().Add(f.totalTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(end) {
		end = d
	}
	var triedBuf [8]bool
	tried := triedBuf[:0]
	if len(targets) > len(triedBuf) {
		tried = make([]bool, len(targets))
	}
	tried = tried[:len(targets)]
rounds:
	for range f.rounds {
		clear(tried)
		for range targets {
			if ended(ctx) != nil || past(end) {
				break rounds
			}
			i := f.pick(targets, tried)
			tried[i] = true
			r, ok := f.try(ctx, end, wire, readBuf, question, targets[i], path, tr)
			if !ok {
				continue
			}
			if r.v == plain {
				return passOn(dst, readBuf[:r.n], wire, r.ri, id), nil
			}
			clean(r.m, question)
			r.m.Id = id
			r.m.Question[0] = question // judge made sure there is one
			r.m.Compress = true
			if r.m.Rcode > 0xf {
				r.m.Rcode = dns.RcodeServerFailure // as passOn: no OPT to carry it
			}
			packed, err := r.m.Pack()
			if err != nil {
				return dst, fmt.Errorf("forward %s %s: pack answer: %w",
					question.Name, dns.TypeToString[question.Qtype], err)
			}
			return append(dst, packed...), nil
		}
	}
	n := len(tr.Attempts) - first
	if err := ended(ctx); err != nil {
		return dst, fmt.Errorf("forward %s %s: %d attempts: %w: %w",
			question.Name, dns.TypeToString[question.Qtype], n, ErrNoAnswer, err)
	}
	return dst, fmt.Errorf("forward %s %s: %d attempts to %d targets in %v: %w",
		question.Name, dns.TypeToString[question.Qtype], n, len(targets), f.totalTimeout, ErrNoAnswer)
}

// pick chooses a target at random among those not yet tried in this round,
// from the ones not failing when there are any.
func (f *Forwarder) pick(targets []Target, tried []bool) int {
	var hb, fb [8]int
	healthy, failing := hb[:0], fb[:0]
	f.mu.Lock()
	for i, t := range targets {
		if tried[i] {
			continue
		}
		if f.failures[t.Dial] >= failingAfter {
			failing = append(failing, i)
		} else {
			healthy = append(healthy, i)
		}
	}
	f.mu.Unlock()
	if len(healthy) == 0 {
		healthy = failing
	}
	return healthy[f.rnd.IntN(len(healthy))]
}

// reply is a matching reply an attempt read: its n bytes are at the start
// of the read buffer; m is its unpacked form when judge found it messy.
type reply struct {
	n  int
	v  verdict
	ri replyInfo
	m  *dns.Msg
}

// settle judges b, read in answer to query (ID id), and unpacks a messy
// reply for the rcode and flags that count. false: not the reply.
func settle(b, query []byte, id uint16) (reply, bool) {
	v, ri := judge(b, query, id)
	switch v {
	case notOurs:
		return reply{}, false
	case messy:
		m := new(dns.Msg)
		// A truncated reply may be cut inside a section; its header and
		// question are what count.
		if err := m.Unpack(b); err != nil && !(m.Truncated && len(m.Question) == 1) {
			return reply{}, false
		}
		if len(m.Question) != 1 {
			return reply{}, false
		}
		ri.rcode, ri.truncated = m.Rcode, m.Truncated
		ri.cut = len(b) // not 0: something to pass on
		return reply{n: len(b), v: messy, ri: ri, m: m}, true
	}
	return reply{n: len(b), v: plain, ri: ri}, true
}

// try makes the attempts of one target: UDP, then TCP when the UDP reply was
// truncated. It returns the reply to pass back, or false to move on.
func (f *Forwarder) try(ctx context.Context, end time.Time, wire, buf []byte, question dns.Question, t Target, path PathFunc, tr *Trace) (reply, bool) {
	a, r := f.attempt(ctx, end, wire, buf, question, t, UDP, path)
	tr.Attempts = append(tr.Attempts, a)
	f.logAttempt(ctx, question, a)
	if a.Outcome == Truncated && ended(ctx) == nil && !past(end) {
		a, r = f.attempt(ctx, end, wire, buf, question, t, TCP, path)
		tr.Attempts = append(tr.Attempts, a)
		f.logAttempt(ctx, question, a)
	}
	f.note(t.Dial, a.Outcome)
	return r, a.Outcome == OK
}

// note updates the consecutive failures of the target at dial.
func (f *Forwarder) note(dial netip.AddrPort, o Outcome) {
	if o != OK && !o.failed() {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if o == OK {
		delete(f.failures, dial)
		return
	}
	f.failures[dial]++
}

// attempt makes one attempt over proto, ending by end at the latest. wire is
// the packed query; its ID is overwritten. buf receives the replies.
func (f *Forwarder) attempt(ctx context.Context, end time.Time, wire, buf []byte, question dns.Question, t Target, proto Proto, path PathFunc) (Attempt, reply) {
	a := Attempt{Target: t, Proto: proto, Rcode: -1, Start: time.Now()}
	deadline := a.Start.Add(f.attemptTimeout)
	if end.Before(deadline) {
		deadline = end
	}

	if path != nil {
		ep, open := path(t, proto)
		a.Endpoint = ep
		if !open {
			// The network drops the packet: wait as for a reply that never comes.
			wait := time.NewTimer(time.Until(deadline))
			select {
			case <-wait.C:
			case <-ctx.Done():
			}
			wait.Stop()
			a.Duration = time.Since(a.Start)
			a.Outcome = Blocked
			if canceled(ctx) {
				a.Outcome, a.Err = Canceled, ctx.Err()
			}
			return a, reply{}
		}
	}

	id := uint16(f.rnd.Uint32())
	binary.BigEndian.PutUint16(wire, id)
	var (
		r   reply
		err error
	)
	if proto == TCP {
		r, a.Ignored, err = f.exchangeTCP(ctx, deadline, t.Dial, wire, buf, id)
	} else {
		r, a.Ignored, err = f.exchangeUDP(ctx, deadline, t.Dial, wire, buf, id)
	}
	a.Duration = time.Since(a.Start)
	if err != nil {
		a.Err = err
		switch {
		case canceled(ctx):
			a.Outcome = Canceled
		case ctx.Err() != nil || past(deadline) || errors.Is(err, os.ErrDeadlineExceeded):
			a.Outcome = Timeout
		default:
			a.Outcome = NetworkError
		}
		return a, reply{}
	}
	a.Rcode = r.ri.rcode
	switch {
	case r.ri.rcode == dns.RcodeServerFailure:
		a.Outcome = ServFail
	case r.ri.rcode == dns.RcodeRefused:
		a.Outcome = Refused
	case r.ri.truncated && proto == UDP:
		a.Outcome = Truncated
	case r.ri.cut == 0:
		// Truncated over TCP and cut short: nothing to pass on.
		a.Outcome, a.Err = NetworkError, errors.New("truncated reply over tcp")
	default:
		a.Outcome = OK
	}
	return a, r
}

// ended returns ctx.Err(), or context.DeadlineExceeded when ctx's deadline
// has passed but its timer has not fired yet (an attempt that ran to the
// deadline returns a moment before it does).
func ended(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

func canceled(ctx context.Context) bool { return errors.Is(ctx.Err(), context.Canceled) }

// past reports whether the time t has come.
func past(t time.Time) bool { return !time.Now().Before(t) }

// exchangeUDP sends wire from a fresh socket to addr and reads, into buf,
// until a matching reply, an error, the end of ctx or the deadline.
func (f *Forwarder) exchangeUDP(ctx context.Context, deadline time.Time, addr netip.AddrPort, wire, buf []byte, id uint16) (r reply, ignored int, err error) {
	if f.dialer == nil && muxAvailable && f.mux.ready() {
		s, err := f.mux.dial(addr)
		if err != nil {
			return r, 0, err
		}
		defer s.Close()
		n, err := s.SendRead(ctx, deadline, wire, buf)
		for ; err == nil; n, err = s.Read(ctx, deadline, buf) {
			if r, ok := settle(buf[:n], wire, id); ok {
				return r, ignored, nil
			}
			ignored++
		}
		return r, ignored, err
	}
	var c conn
	if f.dialer == nil {
		uc, err := dialUDP(&f.udpConns, addr)
		if err != nil {
			return r, 0, err
		}
		c = uc // only now: a nil *udpConn would make a non-nil conn
	} else if c, err = f.dial(ctx, deadline, "udp", addr); err != nil {
		return r, 0, err
	}
	defer c.Close()
	var dc conn = c
	if uc, ok := c.(*udpConn); ok {
		// The end of ctx may still be setting the deadline after Close,
		// when the pooled udpConn holds another socket: it gets the file.
		dc = uc.socket()
	}
	defer bindDeadline(ctx, deadline, dc)()

	if sr, ok := c.(sendReader); ok {
		n, err := sr.SendRead(wire, buf)
		for ; err == nil; n, err = sr.Read(buf) {
			if r, ok := settle(buf[:n], wire, id); ok {
				return r, ignored, nil
			}
			ignored++
		}
		return r, ignored, err
	}
	if _, err := c.Write(wire); err != nil {
		return r, 0, err
	}
	for {
		n, err := c.Read(buf)
		if err != nil {
			return r, ignored, err
		}
		if r, ok := settle(buf[:n], wire, id); ok {
			return r, ignored, nil
		}
		ignored++
	}
}

// sendReader is a UDP socket that sends a datagram and waits for the first
// reply in one go (udpconn_linux.go): no read that can only find nothing.
type sendReader interface {
	SendRead(wire, buf []byte) (int, error)
	Read(buf []byte) (int, error)
}

// exchangeTCP sends wire over a TCP connection to addr, one left open by
// an earlier exchange with addr when there is one, and reads messages into
// buf until a matching reply, an error, the end of ctx or the deadline. A
// connection that answered goes back to the idle ones of addr; a reused
// one that the target has closed meanwhile (nothing read) is replaced by a
// fresh dial.
func (f *Forwarder) exchangeTCP(ctx context.Context, deadline time.Time, addr netip.AddrPort, wire, buf []byte, id uint16) (r reply, ignored int, err error) {
	for {
		conn := f.tcp.take(addr, time.Now())
		reused := conn != nil
		if !reused {
			if conn, err = f.dial(ctx, deadline, "tcp", addr); err != nil {
				return r, 0, err
			}
		}
		var read bool
		r, ignored, read, err = exchangeOn(ctx, deadline, conn, wire, buf, id)
		if err == nil {
			f.tcp.put(addr, conn, time.Now())
			return r, ignored, nil
		}
		_ = conn.Close()
		if !reused || read || ended(ctx) != nil || past(deadline) {
			return r, ignored, err
		}
	}
}

// exchangeOn does exchangeTCP's work on conn; read reports whether any byte
// of a reply came. On success conn has no deadline, ready for reuse.
func exchangeOn(ctx context.Context, deadline time.Time, conn net.Conn, wire, buf []byte, id uint16) (r reply, ignored int, read bool, err error) {
	stop := bindDeadline(ctx, deadline, conn)
	defer func() {
		if !stop() && err == nil {
			// The end of ctx came as the reply did: the deadline it set
			// may land after the reset below, so the connection goes.
			r, err = reply{}, ctx.Err()
		}
		if err == nil {
			err = conn.SetDeadline(time.Time{})
		}
	}()
	framed := make([]byte, 2+len(wire))
	binary.BigEndian.PutUint16(framed, uint16(len(wire)))
	copy(framed[2:], wire)
	if _, err := conn.Write(framed); err != nil {
		return r, 0, false, err
	}
	var length [2]byte
	for {
		if n, err := io.ReadFull(conn, length[:]); err != nil {
			return r, ignored, read || n > 0, err
		}
		read = true
		n := int(binary.BigEndian.Uint16(length[:]))
		if _, err := io.ReadFull(conn, buf[:n]); err != nil {
			return r, ignored, true, err
		}
		if r, ok := settle(buf[:n], wire, id); ok {
			return r, ignored, true, nil
		}
		ignored++
	}
}

// dial connects through the Dialer of the options (net.Dialer when none
// was given), giving up at deadline.
func (f *Forwarder) dial(ctx context.Context, deadline time.Time, network string, addr netip.AddrPort) (net.Conn, error) {
	d := f.dialer
	if d == nil {
		d = &net.Dialer{}
	}
	dctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	return d.DialContext(dctx, network, addr.String())
}

// conn is what an exchange needs of a connection: a net.Conn, or the raw
// UDP socket of udpconn_linux.go.
type conn interface {
	Read([]byte) (int, error)
	Write([]byte) (int, error)
	SetDeadline(time.Time) error
	Close() error
}

// bindDeadline sets conn's deadline and makes the end of ctx (cancellation
// included) interrupt conn's I/O at once. The returned function undoes the
// latter.
func bindDeadline(ctx context.Context, deadline time.Time, conn conn) (stop func() bool) {
	_ = conn.SetDeadline(deadline)
	if ctx.Done() == nil {
		return noStop // never canceled: nothing to undo
	}
	return context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
}

func noStop() bool { return false }

// match unpacks b and returns it when it is the reply to the query with id
// and question; otherwise nil.
func match(b []byte, id uint16, question dns.Question) *dns.Msg {
	m := new(dns.Msg)
	err := m.Unpack(b)
	// A truncated reply may be cut inside a section; its header and question
	// are what counts.
	if err != nil && !(m.Truncated && len(m.Question) == 1) {
		return nil
	}
	if m.Id != id || !m.Response || len(m.Question) != 1 {
		return nil
	}
	got := m.Question[0]
	if got.Qtype != question.Qtype || got.Qclass != question.Qclass || !equalFoldASCII(got.Name, question.Name) {
		return nil
	}
	return m
}

// equalFoldASCII compares names as DNS does: ASCII letters case-insensitively,
// every other byte exactly. It serves both presentation names (string) and
// wire names ([]byte).
func equalFoldASCII[T ~string | ~[]byte](a, b T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// logAttempt logs a failed attempt at debug level.
func (f *Forwarder) logAttempt(ctx context.Context, question dns.Question, a Attempt) {
	if a.Outcome == OK || a.Outcome == Truncated || !f.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("query_name", question.Name),
		slog.String("query_type", dns.TypeToString[question.Qtype]),
		slog.String("target", a.Target.Modeled.String()),
		slog.String("dial", a.Target.Dial.String()),
		slog.String("proto", a.Proto.String()),
		slog.String("outcome", a.Outcome.String()),
		slog.Duration("duration", a.Duration),
	}
	if a.Endpoint.IsValid() {
		attrs = append(attrs, slog.String("endpoint", a.Endpoint.String()))
	}
	if a.Rcode >= 0 {
		attrs = append(attrs, slog.String("rcode", dns.RcodeToString[a.Rcode]))
	}
	if a.Ignored > 0 {
		attrs = append(attrs, slog.Int("ignored", a.Ignored))
	}
	if a.Err != nil {
		attrs = append(attrs, slog.String("error", a.Err.Error()))
	}
	f.log.LogAttrs(ctx, slog.LevelDebug, "forward attempt failed", attrs...)
}

// CloseIdle closes the upstream TCP connections kept open for reuse. The
// Forwarder stays usable; later exchanges dial again.
func (f *Forwarder) CloseIdle() { f.tcp.closeIdle() }
