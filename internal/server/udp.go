package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/metrics"
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
	// yieldEvery is how often a reader yields to the scheduler; well
	// under the runtime's 10 ms time slice.
	yieldEvery = 5 * time.Millisecond
	// workerIdle is how long a full-path worker waits for another query
	// before it exits.
	workerIdle = 10 * time.Second
)

// udpServer serves one UDP address with one socket per core
// (SO_REUSEPORT), each read by one goroutine in batches. Questions the fast
// path knows are answered in that goroutine from bytes; the rest go to the
// full path's workers.
type udpServer struct {
	s     *Server
	owner string
	// spec is the address as configured (port 0 stays 0), which names an
	// inbound endpoint's socket for its rate limit; kind says which limit
	// applies to the socket's queries.
	spec netip.AddrPort
	kind socketKind
	// query is the handler of a resolver socket, which has a fast path;
	// nil for an emulated authoritative server, served by other.
	query *queryHandler
	other dns.Handler
	socks []*udpSocket
	wg    sync.WaitGroup // the readers
	slow  sync.WaitGroup // the full path's workers
	sem   chan struct{}  // one token per query on the full path
	jobs  chan slowQuery // to a worker that waits for one
	// stopped is closed once the readers have returned: waiting workers
	// then exit.
	stopped chan struct{}
}

func (s *Server) newUDPServer(spec listenSpec, socks []*udpSocket) *udpServer {
	u := &udpServer{
		s: s, owner: spec.owner, spec: spec.addr, kind: kindOf(spec.owner), socks: socks,
		sem:     make(chan struct{}, maxSlowQueries),
		jobs:    make(chan slowQuery),
		stopped: make(chan struct{}),
	}
	switch h := s.handlerFor(spec.owner).(type) {
	case queryHandler:
		u.query = &h
	default:
		u.other = h
	}
	for _, c := range socks {
		u.wg.Add(1)
		go u.read(c)
	}
	return u
}

// udpSockets is how many sockets serve one address: one per core.
func udpSockets() int { return max(1, runtime.NumCPU()) }

// read serves one socket until it is stopped.
func (u *udpServer) read(c *udpSocket) {
	defer u.wg.Done()
	b := newBatch(udpBatch, udpReadSize)
	outBufs := make([][]byte, udpBatch)
	for i := range outBufs {
		outBufs[i] = make([]byte, 0, udpReadSize)
	}
	var q wire.Query
	yielded := u.s.opts.Now()
	for {
		n, err := b.recvWait(c.fd)
		if c.stopping.Load() {
			return
		}
		now := u.s.opts.Now() // one clock read per batch, for the cache and the yield
		if now.Sub(yielded) >= yieldEvery || now.Before(yielded) {
			// A goroutine that never yields looks stuck to the runtime,
			// which then takes its P away on every blocking read.
			runtime.Gosched()
			yielded = now
		}
		if err != nil {
			if !interrupted(err) {
				time.Sleep(time.Millisecond) // never spin on an error that stays
			}
			continue
		}
		lim := u.s.state.Load().lim
		check := lim.checks(u.kind) // false for most sockets: no test per packet
		for i := 0; i < n; i++ {
			pkt, src, ok := b.packet(i)
			if !ok {
				u.s.drop(metrics.DropMalformed) // larger than any query
				continue
			}
			if check && !u.admit(lim, src.Addr(), now) {
				continue
			}
			// Parsed once: the fast path reads q, and the full path keeps it.
			parsed := wire.ParseQuery(pkt, &q) == nil
			if u.query != nil && parsed {
				out := outBufs[len(b.out)]
				if resp, ok := u.s.fast(u.owner, pkt, src, now, out[:0], &q, false); ok {
					if cap(resp) > cap(out) {
						outBufs[len(b.out)] = resp[:0] // keep a grown buffer
					}
					b.queue(i, resp)
					continue
				}
			}
			if parsed {
				var lead *pending
				if u.query != nil {
					var followed bool
					if lead, followed = u.follow(c, pkt, src, &q); followed {
						continue // answered with the query that leads it
					}
				}
				u.fullLeading(c, pkt, src, &q, lead)
			} else {
				u.full(c, pkt, src, nil)
			}
		}
		b.send(c.fd)
	}
}

// admit applies AWS's rate limit of the socket's kind to one datagram from
// src: false means the packet is dropped unanswered, as AWS drops it.
func (u *udpServer) admit(lim *limiter, src netip.Addr, now time.Time) bool {
	switch u.kind {
	case resolverSocket:
		return lim.admitENI(src, 1, now)
	case inboundSocket:
		return lim.admitInbound(u.spec, now)
	}
	return true
}

// slowQuery is a datagram on its way to the full path.
type slowQuery struct {
	sock *udpSocket
	pkt  []byte
	src  netip.AddrPort
	wq   *wire.Query // nil when the fast parser refused it
	// lead is the placeholder of the question that followers attach to
	// while this query is answered (follow.go); nil for none.
	lead *pending
}

// full hands one datagram to the full path: to a worker waiting for one,
// or else to a new worker. Workers outlive their query so that the next
// one starts on a grown stack (a new goroutine per query spent 4% of W4's
// CPU growing its stack) and exit after workerIdle without work. q is the
// datagram's parse, nil when the fast parser refused it.
func (u *udpServer) full(c *udpSocket, pkt []byte, src netip.AddrPort, q *wire.Query) {
	u.fullLeading(c, pkt, src, q, nil)
}

// fullLeading is full for a query that leads the followers of lead (nil:
// none): they are released when the query is not answered.
func (u *udpServer) fullLeading(c *udpSocket, pkt []byte, src netip.AddrPort, q *wire.Query, lead *pending) {
	if len(pkt) < 12 {
		u.s.drop(metrics.DropMalformed) // no header
		u.s.release(lead)
		return
	}
	if pkt[2]&0x80 != 0 {
		u.s.drop(metrics.DropResponse) // never answer a response (amplification)
		u.s.release(lead)
		return
	}
	select {
	case u.sem <- struct{}{}:
	default:
		u.s.drop(metrics.DropFullPathLimit) // overloaded: drop
		u.s.release(lead)
		return
	}
	job := slowQuery{sock: c, pkt: append([]byte(nil), pkt...), src: src, lead: lead}
	if q != nil {
		cp := *q // offsets into pkt, so they hold in the copy too
		job.wq = &cp
	}
	select {
	case u.jobs <- job:
	default:
		u.slow.Add(1)
		go u.work(job)
	}
}

// work answers job, then the queries handed to it, until it has waited
// workerIdle for one or the server stops.
func (u *udpServer) work(job slowQuery) {
	defer u.slow.Done()
	idle := time.NewTimer(workerIdle)
	defer idle.Stop()
	for {
		u.answer(job)
		<-u.sem
		idle.Reset(workerIdle)
		select {
		case job = <-u.jobs:
		case <-idle.C:
			return
		case <-u.stopped:
			return
		}
	}
}

// answer runs one datagram through the full path.
func (u *udpServer) answer(job slowQuery) {
	w := &udpWriter{sock: job.sock, remote: job.src, lead: job.lead}
	req := new(dns.Msg)
	if err := req.Unpack(job.pkt); err != nil {
		u.s.formErr()
		w.Write(formErrReply(job.pkt))
		u.s.release(job.lead)
		return
	}
	if u.query == nil {
		u.other.ServeDNS(w, req)
		u.s.release(job.lead)
		return
	}
	u.query.serve(w, req, job.wq)
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
	for _, c := range u.socks {
		c.stop()
	}
	done := make(chan struct{})
	go func() {
		u.wg.Wait()
		close(u.stopped) // no new query: idle workers go
		u.slow.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("udp %s: %w", u.owner, ctx.Err()))
	}
	u.wg.Wait() // readers return at once once stopped
	for _, c := range u.socks {
		errs = append(errs, c.close())
	}
	return errors.Join(errs...)
}

// udpWriter is the dns.ResponseWriter of one datagram on the full path.
type udpWriter struct {
	sock   *udpSocket
	remote netip.AddrPort
	lead   *pending // the followers of this query (follow.go), nil for none
}

func (w *udpWriter) LocalAddr() net.Addr  { return net.UDPAddrFromAddrPort(w.sock.local) }
func (w *udpWriter) RemoteAddr() net.Addr { return net.UDPAddrFromAddrPort(w.remote) }

// RemoteAddrPort is the client's address without a net.Addr (addrPorter).
func (w *udpWriter) RemoteAddrPort() (netip.AddrPort, bool) {
	return netip.AddrPortFrom(w.remote.Addr().Unmap(), w.remote.Port()), false
}
func (w *udpWriter) WriteMsg(m *dns.Msg) error {
	b, err := m.Pack()
	if err != nil {
		return fmt.Errorf("pack reply: %w", err)
	}
	_, err = w.Write(b)
	return err
}
func (w *udpWriter) Write(b []byte) (int, error) {
	if err := w.sock.writeTo(b, w.remote); err != nil {
		return 0, err
	}
	return len(b), nil
}
func (w *udpWriter) Close() error        { return nil }
func (w *udpWriter) TsigStatus() error   { return nil }
func (w *udpWriter) TsigTimersOnly(bool) {}
func (w *udpWriter) Hijack()             {}
