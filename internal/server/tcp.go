package server

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/metrics"
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
type tcpServer struct {
	s         *Server
	owner     string
	handler   dns.Handler
	ln        net.Listener
	max       int
	perClient int
	idle      time.Duration

	mu     sync.Mutex
	conns  map[*tcpConn]struct{}
	closed bool
	// live counts the connections in conns that are not evicted: those
	// that count against the limits.
	live atomic.Int32
	wg   sync.WaitGroup // the accept loop and the connections
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

func (s *Server) newTCPServer(owner string, ln net.Listener) *tcpServer {
	t := &tcpServer{
		s:         s,
		owner:     owner,
		handler:   s.handlerFor(owner),
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

func (t *tcpServer) serveConn(c *tcpConn) {
	defer t.wg.Done()
	var (
		wmu      sync.Mutex // one reply written at a time
		inflight sync.WaitGroup
		sem      = make(chan struct{}, maxTCPInFlight)
	)
	defer func() {
		inflight.Wait() // the queries read so far still get their answers
		c.Close()
		t.mu.Lock()
		delete(t.conns, c)
		if !c.evicted.Load() {
			t.live.Add(-1)
		}
		t.mu.Unlock()
	}()
	var lenBuf [2]byte
	for {
		if c.evicted.Load() {
			return
		}
		if err := c.SetReadDeadline(time.Now().Add(t.idleFor(int(t.live.Load())))); err != nil {
			return
		}
		if c.evicted.Load() {
			return // evicted between the check and the deadline
		}
		if _, err := io.ReadFull(c, lenBuf[:]); err != nil {
			return // closed, idle, evicted or shutting down
		}
		c.busy.Add(1) // a query is arriving: no longer idle
		c.active.Store(time.Now().UnixNano())
		msg := make([]byte, binary.BigEndian.Uint16(lenBuf[:]))
		if _, err := io.ReadFull(c, msg); err != nil {
			c.busy.Add(-1)
			return
		}
		w := &tcpWriter{conn: c, mu: &wmu, idle: t.idle}
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
		sem <- struct{}{}
		inflight.Add(1)
		go func() {
			defer func() { <-sem; c.busy.Add(-1); inflight.Done() }()
			t.handler.ServeDNS(w, req)
		}()
	}
}

// shutdown stops accepting, wakes idle connections, and waits (until ctx
// ends) for the queries in flight to be answered.
func (t *tcpServer) shutdown(ctx context.Context) error {
	t.mu.Lock()
	t.closed = true
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
	mu   *sync.Mutex
	idle time.Duration
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
	w.mu.Lock()
	defer w.mu.Unlock()
	w.conn.SetWriteDeadline(time.Now().Add(w.idle))
	if _, err := w.conn.Write(frame); err != nil {
		return 0, err
	}
	return len(b), nil
}
func (w *tcpWriter) Close() error        { return w.conn.Close() }
func (w *tcpWriter) TsigStatus() error   { return nil }
func (w *tcpWriter) TsigTimersOnly(bool) {}
func (w *tcpWriter) Hijack()             {}
