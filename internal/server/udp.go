package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/sys/unix"

	"github.com/vpcdns/vpcdns/internal/wire"
)

const (
	// udpBatch is how many datagrams one system call reads or writes
	// (recvmmsg/sendmmsg, mmsg_linux.go).
	udpBatch = 32
	// udpReadSize bounds a query read; a larger datagram is no DNS query
	// a resolver needs to read, and it is dropped as malformed.
	udpReadSize = 4096
	// maxSlowQueries bounds the queries on the full path at once (each may
	// wait for a forward); past it new ones are dropped, as an overloaded
	// resolver does, instead of growing memory without bound.
	maxSlowQueries = 8192
)

// udpServer serves one UDP address with one socket per core
// (SO_REUSEPORT), each read by one goroutine in batches. Questions the fast
// path knows are answered in that goroutine from bytes; the rest go to the
// full path in their own goroutine.
type udpServer struct {
	s     *Server
	owner string
	// query is the handler of a resolver socket, which has a fast path;
	// nil for an emulated authoritative server, served by other.
	query *queryHandler
	other dns.Handler
	conns []*net.UDPConn
	wg    sync.WaitGroup // the readers
	slow  sync.WaitGroup // queries on the full path
	sem   chan struct{}
}

// listenUDP opens the sockets of addr (port 0: one free port for all).
func listenUDP(addr netip.AddrPort, n int) ([]*net.UDPConn, error) {
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
		})
		return errors.Join(err, serr)
	}}
	var conns []*net.UDPConn
	for i := 0; i < n; i++ {
		pc, err := lc.ListenPacket(context.Background(), "udp", addr.String())
		if err != nil {
			for _, c := range conns {
				c.Close()
			}
			return nil, err
		}
		c := pc.(*net.UDPConn)
		conns = append(conns, c)
		if i == 0 {
			addr = c.LocalAddr().(*net.UDPAddr).AddrPort() // the port the others share
		}
	}
	return conns, nil
}

func (s *Server) newUDPServer(owner string, conns []*net.UDPConn) *udpServer {
	u := &udpServer{s: s, owner: owner, conns: conns, sem: make(chan struct{}, maxSlowQueries)}
	switch h := s.handlerFor(owner).(type) {
	case queryHandler:
		u.query = &h
	default:
		u.other = h
	}
	for _, c := range conns {
		u.wg.Add(1)
		go u.read(c)
	}
	return u
}

// udpSockets is how many sockets serve one address: one per core.
func udpSockets() int { return max(1, runtime.GOMAXPROCS(0)) }

// read serves one socket until it is closed.
func (u *udpServer) read(c *net.UDPConn) {
	defer u.wg.Done()
	rc, err := c.SyscallConn()
	if err != nil {
		return
	}
	b := newBatch(udpBatch, udpReadSize)
	outBufs := make([][]byte, udpBatch)
	for i := range outBufs {
		outBufs[i] = make([]byte, 0, udpReadSize)
	}
	var q wire.Query
	for {
		n, err := b.recv(rc)
		if err != nil {
			if errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrDeadlineExceeded) {
				return // closed, or shutdown set a deadline in the past
			}
			continue
		}
		for i := 0; i < n; i++ {
			pkt, src, ok := b.packet(i)
			if !ok {
				continue
			}
			if u.query != nil {
				out := outBufs[len(b.out)]
				if resp, ok := u.s.fast(u.owner, pkt, src, out[:0], &q); ok {
					if cap(resp) > cap(out) {
						outBufs[len(b.out)] = resp[:0] // keep a grown buffer
					}
					b.queue(i, resp)
					continue
				}
			}
			u.full(c, pkt, src, &q)
		}
		b.flush(rc)
	}
}

// full hands one datagram to the full path in its own goroutine.
func (u *udpServer) full(c *net.UDPConn, pkt []byte, src netip.AddrPort, q *wire.Query) {
	if len(pkt) < 12 || pkt[2]&0x80 != 0 {
		return // no header, or a response: never answer (amplification)
	}
	select {
	case u.sem <- struct{}{}:
	default:
		return // overloaded: drop
	}
	buf := append([]byte(nil), pkt...)
	var wq *wire.Query
	if wire.ParseQuery(buf, q) == nil {
		cp := *q
		wq = &cp
	}
	u.slow.Add(1)
	go func() {
		defer func() { <-u.sem; u.slow.Done() }()
		w := &udpWriter{conn: c, remote: net.UDPAddrFromAddrPort(src)}
		req := new(dns.Msg)
		if err := req.Unpack(buf); err != nil {
			w.Write(formErrReply(buf))
			return
		}
		if u.query == nil {
			u.other.ServeDNS(w, req)
			return
		}
		u.query.serve(w, req, wq)
	}()
}

// formErrReply is the answer to a query that does not unpack: FORMERR,
// echoing its ID and opcode (RFC 1035 §4.1.1) but no question. pkt has at
// least a header.
func formErrReply(pkt []byte) []byte {
	resp := make([]byte, 12)
	copy(resp, pkt[:4])
	resp[2] = resp[2]&0x78 | 0x80 // QR, opcode kept, AA TC RD clear
	resp[3] = dns.RcodeFormatError
	return resp
}

// shutdown stops reading, lets the queries in flight write their answers
// (until ctx ends), then closes the sockets.
func (u *udpServer) shutdown(ctx context.Context) error {
	var errs []error
	for _, c := range u.conns {
		errs = append(errs, c.SetReadDeadline(time.Unix(1, 0))) // wakes the readers
	}
	done := make(chan struct{})
	go func() {
		u.wg.Wait()
		u.slow.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("udp %s: %w", u.owner, ctx.Err()))
	}
	for _, c := range u.conns {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

// udpWriter is the dns.ResponseWriter of one datagram on the full path.
type udpWriter struct {
	conn   *net.UDPConn
	remote net.Addr
}

func (w *udpWriter) LocalAddr() net.Addr  { return w.conn.LocalAddr() }
func (w *udpWriter) RemoteAddr() net.Addr { return w.remote }
func (w *udpWriter) WriteMsg(m *dns.Msg) error {
	b, err := m.Pack()
	if err != nil {
		return fmt.Errorf("pack reply: %w", err)
	}
	_, err = w.Write(b)
	return err
}
func (w *udpWriter) Write(b []byte) (int, error) { return w.conn.WriteTo(b, w.remote) }
func (w *udpWriter) Close() error                { return nil }
func (w *udpWriter) TsigStatus() error           { return nil }
func (w *udpWriter) TsigTimersOnly(bool)         {}
func (w *udpWriter) Hijack()                     {}
