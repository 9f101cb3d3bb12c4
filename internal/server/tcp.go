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
	"slices"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/wire"
)

// maxTCPInFlight bounds the queries of one TCP connection answered at once.
const maxTCPInFlight = 64

// tcpServer serves DNS over TCP (RFC 7766) on one socket: at most a fixed
// number of connections (more wait in the accept queue), queries on one
// connection answered concurrently and written back as they are ready
// (each carries its ID), and a connection with no query for the idle
// timeout closed.
type tcpServer struct {
	s       *Server
	owner   string
	spec    netip.AddrPort // as configured: names an inbound endpoint's socket
	kind    socketKind
	handler dns.Handler
	ln      net.Listener
	slots   chan struct{} // one per open connection
	idle    time.Duration

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup // the accept loop and the connections
}

func (s *Server) newTCPServer(spec listenSpec, ln net.Listener) *tcpServer {
	t := &tcpServer{
		s:       s,
		owner:   spec.owner,
		spec:    spec.addr,
		kind:    kindOf(spec.owner),
		handler: s.handlerFor(spec.owner),
		ln:      ln,
		slots:   make(chan struct{}, s.opts.MaxTCPConns),
		idle:    s.opts.TCPIdleTimeout,
		conns:   map[net.Conn]struct{}{},
	}
	t.wg.Add(1)
	go t.accept()
	return t
}

func (t *tcpServer) accept() {
	defer t.wg.Done()
	for {
		t.slots <- struct{}{} // wait for a free slot before taking a connection
		c, err := t.ln.Accept()
		if err != nil {
			<-t.slots
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond) // e.g. out of file descriptors
			continue
		}
		if !t.track(c) {
			c.Close()
			<-t.slots
			return
		}
		if !t.admit(c, tcpConnectPackets) {
			// The handshake went past the ENI's limit: AWS drops it, the
			// client gets no connection.
			t.untrack(c)
			continue
		}
		t.wg.Add(1)
		go t.serveConn(c)
	}
}

// track registers an open connection; false once the server is closing.
func (t *tcpServer) track(c net.Conn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.conns[c] = struct{}{}
	return true
}

func (t *tcpServer) serveConn(c net.Conn) {
	defer t.wg.Done()
	var (
		wmu      sync.Mutex // one reply written at a time
		inflight sync.WaitGroup
		sem      = make(chan struct{}, maxTCPInFlight)
		// The fast path answers in this goroutine, from these buffers.
		qh, fast = t.handler.(queryHandler)
		q        wire.Query
		src      = addrPort(c.RemoteAddr())
		out      = make([]byte, 0, 512)
		frame    = make([]byte, 0, 514)
	)
	defer func() {
		inflight.Wait() // the queries read so far still get their answers
		c.Close()
		t.mu.Lock()
		delete(t.conns, c)
		t.mu.Unlock()
		<-t.slots
	}()
	// One writer serves every reply of the connection: it holds no state
	// of its own but the connection's write lock.
	w := &tcpWriter{conn: c, mu: &wmu, idle: t.idle}
	// Buffered: a client that pipelines costs one read for many queries,
	// and one read, not two, for the length and the message. msg is
	// reused: nothing keeps it past this iteration (the full path gets it
	// unpacked).
	r := bufio.NewReaderSize(c, 4096)
	var lenBuf [2]byte
	msg := make([]byte, 0, 512)
	for {
		if err := c.SetReadDeadline(time.Now().Add(t.idle)); err != nil {
			return
		}
		if _, err := io.ReadFull(r, lenBuf[:]); err != nil {
			return // closed, idle, or shutting down
		}
		msg = slices.Grow(msg[:0], int(binary.BigEndian.Uint16(lenBuf[:])))[:binary.BigEndian.Uint16(lenBuf[:])]
		if _, err := io.ReadFull(r, msg); err != nil {
			return
		}
		// Parsed once, without allocating: the fast path reads q, and the
		// full path keeps a copy to remember its answer for the next time.
		var wq *wire.Query
		if fast && wire.ParseQuery(msg, &q) == nil {
			if !t.admit(c, tcpQueryPackets) {
				continue // dropped at the limit: no answer
			}
			// A question answered before (local, or a cache hit) is
			// answered here from bytes, as over UDP: no goroutine, no
			// unpacking (RFC 7766 lets replies go out in any order).
			if resp, ok := t.s.fast(qh.owner, msg, src, t.s.opts.Now(), out[:0], &q, true); ok {
				out = resp[:0] // keep a grown buffer
				frame = append(append(frame[:0], byte(len(resp)>>8), byte(len(resp))), resp...)
				if err := w.writeFrame(frame); err != nil {
					return
				}
				continue
			}
			parsed := q
			wq = &parsed
		}
		req := new(dns.Msg)
		if err := req.Unpack(msg); err != nil {
			if len(msg) < 12 || msg[2]&0x80 != 0 {
				return // not a query: the stream cannot be trusted further
			}
			resp := formErrReply(msg)
			w.Write(resp)
			continue
		}
		if wq == nil && !t.admit(c, tcpQueryPackets) {
			continue // dropped at the limit: no answer
		}
		sem <- struct{}{}
		inflight.Add(1)
		go func() {
			defer func() { <-sem; inflight.Done() }()
			if fast {
				qh.serve(w, req, wq)
			} else {
				t.handler.ServeDNS(w, req)
			}
		}()
	}
}

// admit applies the socket's rate limit to packets of connection c (a
// handshake or a query); false means they are dropped.
func (t *tcpServer) admit(c net.Conn, packets int) bool {
	lim := t.s.state.Load().lim
	switch t.kind {
	case resolverSocket:
		ap := addrPort(c.RemoteAddr())
		return lim.admitENI(ap.Addr(), packets, t.s.opts.Now())
	case inboundSocket:
		if packets == tcpConnectPackets {
			return true // the endpoint's limit counts queries
		}
		return lim.admitInbound(t.spec, t.s.opts.Now())
	}
	return true
}

// untrack closes a connection accepted but never served.
func (t *tcpServer) untrack(c net.Conn) {
	c.Close()
	t.mu.Lock()
	delete(t.conns, c)
	t.mu.Unlock()
	<-t.slots
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
	if err := w.writeFrame(frame); err != nil {
		return 0, err
	}
	return len(b), nil
}

// writeFrame writes one length-prefixed message, whole, between the other
// replies of the connection.
func (w *tcpWriter) writeFrame(frame []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.conn.SetWriteDeadline(time.Now().Add(w.idle))
	_, err := w.conn.Write(frame)
	return err
}
func (w *tcpWriter) Close() error        { return w.conn.Close() }
func (w *tcpWriter) TsigStatus() error   { return nil }
func (w *tcpWriter) TsigTimersOnly(bool) {}
func (w *tcpWriter) Hijack()             {}
