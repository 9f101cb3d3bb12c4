//go:build !linux

package server

import (
	"errors"
	"net"
	"net/netip"
	"sync/atomic"
	"time"
)

// udpSocket is the portable UDP socket: one net.UDPConn per address, read
// through Go's poller one datagram at a time. Linux has the faster path of
// udpsock_linux.go (SO_REUSEPORT sockets per core, recvmmsg/sendmmsg);
// everywhere else correctness is what counts. The field is named fd so that
// the reader in udp.go is the same code on every system.
type udpSocket struct {
	fd       *net.UDPConn
	local    netip.AddrPort
	stopping atomic.Bool // the reader is to return
}

// openUDP opens one socket for addr: without SO_REUSEPORT there is no
// sharing a port between sockets, so n is not used.
func openUDP(addr netip.AddrPort, _ int) ([]*udpSocket, error) {
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(addr))
	if err != nil {
		return nil, err
	}
	local := c.LocalAddr().(*net.UDPAddr).AddrPort()
	local = netip.AddrPortFrom(local.Addr().Unmap(), local.Port())
	return []*udpSocket{{fd: c, local: local}}, nil
}

// stop wakes the reader: a read deadline in the past ends the read at once,
// and the socket stays open for the answers still in flight.
func (s *udpSocket) stop() {
	s.stopping.Store(true)
	_ = s.fd.SetReadDeadline(time.Unix(1, 0))
}

// close releases the socket; call it after the reader returned.
func (s *udpSocket) close() error {
	if err := s.fd.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// writeTo sends one datagram.
func (s *udpSocket) writeTo(b []byte, to netip.AddrPort) error {
	_, err := s.fd.WriteToUDPAddrPort(b, to)
	return err
}

// interrupted: the portable read is never interrupted by a signal.
func interrupted(error) bool { return false }

// batch is the portable stand-in for the recvmmsg batch: it reads one
// datagram per call and writes its replies one by one.
type batch struct {
	bufs [][]byte
	n    []int
	src  []netip.AddrPort
	out  []queuedReply
}

type queuedReply struct {
	b  []byte
	to netip.AddrPort
}

func newBatch(n, size int) *batch {
	b := &batch{bufs: make([][]byte, n), n: make([]int, n), src: make([]netip.AddrPort, n), out: make([]queuedReply, 0, n)}
	for i := range b.bufs {
		b.bufs[i] = make([]byte, size)
	}
	return b
}

// packet returns datagram i: its bytes and its source address.
func (b *batch) packet(i int) ([]byte, netip.AddrPort, bool) {
	if b.n[i] >= len(b.bufs[i]) {
		return nil, netip.AddrPort{}, false // as large as the buffer: maybe cut, so dropped
	}
	return b.bufs[i][:b.n[i]], b.src[i], true
}

// queue adds a reply to datagram i, sent back to where i came from.
func (b *batch) queue(i int, resp []byte) { b.out = append(b.out, queuedReply{resp, b.src[i]}) }

// recvWait reads one datagram, waiting in the poller.
func (b *batch) recvWait(c *net.UDPConn) (int, error) {
	n, src, err := c.ReadFromUDPAddrPort(b.bufs[0])
	if err != nil {
		return 0, err
	}
	b.n[0], b.src[0] = n, netip.AddrPortFrom(src.Addr().Unmap(), src.Port())
	return 1, nil
}

// send writes the queued replies; one that fails is dropped, as UDP may.
func (b *batch) send(c *net.UDPConn) {
	for _, r := range b.out {
		_, _ = c.WriteToUDPAddrPort(r.b, r.to)
	}
	b.out = b.out[:0]
}
