package server

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/metrics"
	"github.com/vpcdns/vpcdns/internal/wire"
)

// maxTCPInFlight bounds the queries of one TCP connection answered at once.
const maxTCPInFlight = 64

// tcpServer serves DNS over TCP (RFC 7766) on one socket. Queries on one
// connection are answered concurrently and written back as they are ready
// (each carries its ID). RFC 7766 §6.2.3 asks a server to manage its
// connections under pressure, and this one does:
//
//   - A connection with no query for the idle timeout is closed; the
//     timeout shrinks as the server fills (idleFor), down to minTCPIdle.
//   - At most MaxTCPConns connections are open, and at most
//     MaxTCPConnsPerClient from one address. A connection past either limit
//     takes the place of the least recently active idle connection (of the
//     same client, for the per-client limit), which is closed; when every
//     connection has a query in flight, the new one is closed at once. A
//     client is never left waiting in the accept queue.
//
// AWS's packet limits (limits.md) apply to connections and queries of a
// resolver or inbound endpoint socket (limit).
type tcpServer struct {
	s         *Server
	owner     string
	spec      netip.AddrPort // as configured: names an inbound endpoint's socket
	kind      socketKind
	handler   dns.Handler
	ln        net.Listener
	max       int
	perClient int
	idle      time.Duration

	mu     sync.Mutex
	conns  map[*tcpConn]struct{}
	live   atomic.Int64 // conns not evicted: read on every query, without the lock
	closed bool
	// stopping is closed's copy that a connection reads without the lock.
	stopping atomic.Bool
	wg       sync.WaitGroup // the accept loop and the connections
}

// minTCPIdle is the shortest idle timeout of a full server.
const minTCPIdle = 500 * time.Millisecond

// tcpConn is one open connection.
type tcpConn struct {
	net.Conn
	src     netip.Addr
	active  atomic.Int64 // unix nanoseconds of the last query read
	busy    atomic.Int32 // queries read and not answered yet
	evicted atomic.Bool  // closed to make room; no longer counted
}

func (s *Server) newTCPServer(spec listenSpec, ln net.Listener) *tcpServer {
	t := &tcpServer{
		s:         s,
		owner:     spec.owner,
		spec:      spec.addr,
		kind:      kindOf(spec.owner),
		handler:   s.handlerFor(spec.owner),
		ln:        ln,
		max:       s.opts.MaxTCPConns,
		perClient: s.opts.MaxTCPConnsPerClient,
		idle:      s.opts.TCPIdleTimeout,
		conns:     map[*tcpConn]struct{}{},
	}
	t.wg.Add(1)
	go t.accept()
	return t
}

func (t *tcpServer) accept() {
	defer t.wg.Done()
	for {
		c, err := t.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond) // e.g. out of file descriptors
			continue
		}
		tc := &tcpConn{Conn: c, src: addrPort(c.RemoteAddr()).Addr()}
		tc.active.Store(time.Now().UnixNano())
		ok, closing := t.admit(tc)
		if closing {
			c.Close()
			return
		}
		if !ok {
			c.Close() // every connection busy: refused at once, never left waiting
			t.s.drop(metrics.DropTCPFull)
			continue
		}
		if !t.limit(c, tcpConnectPackets) {
			// The handshake went past the ENI's limit: AWS drops it, the
			// client gets no connection.
			t.release(tc)
			continue
		}
		t.wg.Add(1)
		go t.serveConn(tc)
	}
}

// admit registers c, first making room by closing the least recently
// active idle connection when c would pass a limit. ok is false when there
// is no room; closing is true once the server is shutting down.
func (t *tcpServer) admit(c *tcpConn) (ok, closing bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false, true
	}
	live, mine := 0, 0
	for o := range t.conns {
		if o.evicted.Load() {
			continue
		}
		live++
		if o.src == c.src {
			mine++
		}
	}
	if mine >= t.perClient {
		if !t.evict(func(o *tcpConn) bool { return o.src == c.src }) {
			return false, false
		}
		live--
	}
	if live >= t.max && !t.evict(func(*tcpConn) bool { return true }) {
		return false, false
	}
	t.conns[c] = struct{}{}
	t.live.Add(1)
	return true, false
}

// release forgets a connection that ends: closed, and no longer counted.
func (t *tcpServer) release(c *tcpConn) {
	c.Close()
	t.mu.Lock()
	delete(t.conns, c)
	if !c.evicted.Load() {
		t.live.Add(-1)
	}
	t.mu.Unlock()
}

// limit applies the socket's AWS rate limit to packets of connection c (a
// handshake or a query); false means they are dropped.
func (t *tcpServer) limit(c net.Conn, packets int) bool {
	lim := t.s.state.Load().lim
	switch t.kind {
	case resolverSocket:
		return lim.admitENI(addrPort(c.RemoteAddr()).Addr(), packets, t.s.opts.Now())
	case inboundSocket:
		if packets == tcpConnectPackets {
			return true // the endpoint's limit counts queries
		}
		return lim.admitInbound(t.spec, t.s.opts.Now())
	}
	return true
}

// evict closes the least recently active idle connection that match
// accepts, and reports whether there was one. Called with t.mu held.
func (t *tcpServer) evict(match func(*tcpConn) bool) bool {
	var victim *tcpConn
	for o := range t.conns {
		if o.evicted.Load() || o.busy.Load() > 0 || !match(o) {
			continue
		}
		if victim == nil || o.active.Load() < victim.active.Load() {
			victim = o
		}
	}
	if victim == nil {
		return false
	}
	victim.evicted.Store(true)
	t.live.Add(-1)
	victim.SetReadDeadline(time.Unix(1, 0)) // ends its read loop; it has nothing in flight
	t.s.drop(metrics.DropTCPIdleEvicted)
	return true
}

// idleFor is the idle timeout with n connections open: the configured one
// while the server is at most half full, then shrinking in proportion to
// the room left, to minTCPIdle when full (RFC 7766 §6.2.3).
func (t *tcpServer) idleFor(n int) time.Duration {
	half := t.max / 2
	if n <= half || t.max <= 1 {
		return t.idle
	}
	d := t.idle * time.Duration(max(t.max-n, 0)) / time.Duration(t.max-half)
	return max(d, min(minTCPIdle, t.idle))
}

// open is the number of connections that count against the limits.
func (t *tcpServer) open() int { return int(t.live.Load()) }

// tcpFlushAt is how many bytes of fast-path replies a connection gathers
// before it writes them even though more pipelined queries are buffered.
const tcpFlushAt = 16 << 10

func (t *tcpServer) serveConn(c *tcpConn) {
	defer t.wg.Done()
	var (
		wmu      sync.Mutex // one write at a time
		inflight sync.WaitGroup
		sem      = make(chan struct{}, maxTCPInFlight)
		// The fast path answers in this goroutine, from these buffers.
		qh, fast = t.handler.(queryHandler)
		q        wire.Query
		src      = addrPort(c.RemoteAddr())
		out      = make([]byte, 0, 512)
		// pending holds the framed fast-path replies to the queries read
		// so far, written at once when no whole query is left buffered: a
		// client that pipelines gets many replies per system call.
		pending = make([]byte, 0, 4096)
	)
	defer func() {
		inflight.Wait() // the queries read so far still get their answers
		t.release(c)
	}()
	// One writer serves every reply of the connection: it holds no state
	// of its own but the connection's write lock and write deadline.
	rd, wr := newStream(c.Conn)
	w := &tcpWriter{conn: c, out: wr, mu: &wmu, idle: t.idle}
	// Buffered: a client that pipelines costs one read for many queries,
	// and one read, not two, for the length and the message. msg is
	// reused: nothing keeps it past this iteration (the full path gets it
	// unpacked).
	r := bufio.NewReaderSize(rd, 4096)
	var lenBuf [2]byte
	msg := make([]byte, 0, 512)
	// One read deadline serves many queries: it is moved only when it
	// fires on a connection that was active since it was set (extend),
	// not before every read.
	if !t.arm(c, time.Now().Add(t.idleFor(t.open()))) {
		return
	}
	for {
		if len(pending) > 0 && (len(pending) >= tcpFlushAt || !wholeMessage(r)) {
			err := w.writeRaw(pending)
			pending = pending[:0]
			if err != nil {
				return
			}
		}
		if c.evicted.Load() {
			return
		}
		if err := t.readFull(r, c, lenBuf[:]); err != nil {
			return // closed, idle, evicted or shutting down
		}
		c.busy.Add(1) // a query is arriving: no longer idle
		c.active.Store(time.Now().UnixNano())
		n := int(binary.BigEndian.Uint16(lenBuf[:]))
		msg = slices.Grow(msg[:0], n)[:n]
		if err := t.readFull(r, c, msg); err != nil {
			c.busy.Add(-1)
			return
		}
		// Parsed once, without allocating: the fast path reads q, and the
		// full path keeps a copy to remember its answer for the next time.
		var wq *wire.Query
		if fast && wire.ParseQuery(msg, &q) == nil {
			if !t.limit(c, tcpQueryPackets) {
				c.busy.Add(-1)
				continue // dropped at the limit: no answer
			}
			// A question answered before (local, or a cache hit) is
			// answered here from bytes, as over UDP: no goroutine, no
			// unpacking (RFC 7766 lets replies go out in any order).
			if resp, ok := t.s.fast(qh.owner, msg, src, t.s.opts.Now(), out[:0], &q, true); ok {
				out = resp[:0] // keep a grown buffer
				pending = append(append(pending, byte(len(resp)>>8), byte(len(resp))), resp...)
				c.busy.Add(-1)
				continue
			}
			parsed := q
			wq = &parsed
		}
		req := new(dns.Msg)
		if err := req.Unpack(msg); err != nil {
			c.busy.Add(-1)
			if len(msg) < 12 || msg[2]&0x80 != 0 {
				t.s.drop(metrics.DropMalformed)
				return // not a query: the stream cannot be trusted further
			}
			t.s.formErr()
			w.Write(formErrReply(msg))
			continue
		}
		if wq == nil && !t.limit(c, tcpQueryPackets) {
			c.busy.Add(-1)
			continue // dropped at the limit: no answer
		}
		sem <- struct{}{}
		inflight.Add(1)
		go func() {
			defer func() { <-sem; c.busy.Add(-1); inflight.Done() }()
			if fast {
				qh.serve(w, req, wq)
			} else {
				t.handler.ServeDNS(w, req)
			}
		}()
	}
}

// wholeMessage reports whether r holds a whole length-prefixed message
// already, so that reading it cannot block.
func wholeMessage(r *bufio.Reader) bool {
	if r.Buffered() < 2 {
		return false
	}
	b, _ := r.Peek(2) // buffered: never reads
	return r.Buffered() >= 2+int(binary.BigEndian.Uint16(b))
}

// readFull reads len(p) bytes of connection c through r. When the read
// deadline fires on a connection that had a query since the deadline was
// set, the deadline moves to the idle timeout after that query and the read
// goes on: the connection closes only after a whole idle timeout without a
// query (RFC 7766 §6.2.3), at the cost of one deadline change per timeout,
// not one per query.
func (t *tcpServer) readFull(r *bufio.Reader, c *tcpConn, p []byte) error {
	for n := 0; n < len(p); {
		m, err := r.Read(p[n:])
		n += m
		if err == nil {
			continue
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			return err
		}
		until := time.Unix(0, c.active.Load()).Add(t.idleFor(t.open()))
		if !until.After(time.Now()) || !t.arm(c, until) {
			return err // idle for the whole timeout, evicted or shutting down
		}
	}
	return nil
}

// arm sets c's read deadline to until, unless c is evicted or the server
// is shutting down: both end a connection's reads with a deadline in the
// past, which arm must not overwrite (hence the check after setting it).
func (t *tcpServer) arm(c *tcpConn, until time.Time) bool {
	if c.evicted.Load() || t.stopping.Load() {
		return false
	}
	if c.SetReadDeadline(until) != nil {
		return false
	}
	return !c.evicted.Load() && !t.stopping.Load()
}

// shutdown stops accepting, wakes idle connections, and waits (until ctx
// ends) for the queries in flight to be answered.
func (t *tcpServer) shutdown(ctx context.Context) error {
	t.mu.Lock()
	t.closed = true
	t.stopping.Store(true) // before the deadlines: arm no longer moves them
	for c := range t.conns {
		c.SetReadDeadline(time.Unix(1, 0)) // ends the read loop, not the writes
	}
	t.mu.Unlock()
	err := t.ln.Close()
	done := make(chan struct{})
	go func() { t.wg.Wait(); close(done) }()
	select {
	case <-done:
		return err
	case <-ctx.Done():
		t.mu.Lock()
		for c := range t.conns {
			c.Close()
		}
		t.mu.Unlock()
		return errors.Join(err, fmt.Errorf("tcp %s: %w", t.owner, ctx.Err()))
	}
}

// tcpWriter is the dns.ResponseWriter of one query on a TCP connection.
type tcpWriter struct {
	conn net.Conn
	out  io.Writer // conn's raw writer (newStream)
	mu   *sync.Mutex
	idle time.Duration
	// deadline is the write deadline set last (under mu). A write moves it
	// only when less than half the idle timeout is left, so a reply has at
	// least that long to go out, and most writes set no deadline.
	deadline time.Time
}

func (w *tcpWriter) LocalAddr() net.Addr  { return w.conn.LocalAddr() }
func (w *tcpWriter) RemoteAddr() net.Addr { return w.conn.RemoteAddr() }
func (w *tcpWriter) WriteMsg(m *dns.Msg) error {
	b, err := m.Pack()
	if err != nil {
		return fmt.Errorf("pack reply: %w", err)
	}
	_, err = w.Write(b)
	return err
}

// Write sends one message with its two-byte length prefix.
func (w *tcpWriter) Write(b []byte) (int, error) {
	if len(b) > dns.MaxMsgSize {
		return 0, fmt.Errorf("reply of %d bytes exceeds a TCP message", len(b))
	}
	frame := make([]byte, 2+len(b))
	binary.BigEndian.PutUint16(frame, uint16(len(b)))
	copy(frame[2:], b)
	if err := w.writeRaw(frame); err != nil {
		return 0, err
	}
	return len(b), nil
}

// writeRaw writes b, one or more whole length-prefixed messages, between
// the other writes of the connection.
func (w *tcpWriter) writeRaw(b []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if now := time.Now(); w.deadline.Sub(now) < w.idle/2 {
		w.deadline = now.Add(w.idle)
		if err := w.conn.SetWriteDeadline(w.deadline); err != nil {
			return err
		}
	}
	_, err := w.out.Write(b)
	return err
}
func (w *tcpWriter) Close() error        { return w.conn.Close() }
func (w *tcpWriter) TsigStatus() error   { return nil }
func (w *tcpWriter) TsigTimersOnly(bool) {}
func (w *tcpWriter) Hijack()             {}
