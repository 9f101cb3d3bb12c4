package server

import (
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// udpSocket is one blocking UDP socket that vpcdns reads outside Go's
// network poller: its reader blocks in recvmmsg, as an event loop's thread
// blocks in epoll_wait, so a query costs one system call to wait and read
// and one to answer, with no scheduler hand-off in between. At 10,000
// queries/s this costs a third less CPU per query than reading through the
// poller (bench/README.md).
//
// The price is a P: a goroutine blocked in a system call keeps its P until
// the runtime takes it back, so the serve command reserves one per reader
// (Options.ReserveProcs), and the reader yields now and then (yieldEvery)
// so that the runtime does not take its P on every read.
type udpSocket struct {
	fd       int
	local    netip.AddrPort
	stopping atomic.Bool // the reader is to return

	mu     sync.RWMutex // writers hold it shared; close takes it whole
	closed bool
}

// openUDP opens n sockets bound to addr with SO_REUSEPORT (port 0: one
// free port for all), so the kernel spreads the clients over them.
func openUDP(addr netip.AddrPort, n int) ([]*udpSocket, error) {
	var socks []*udpSocket
	fail := func(err error) ([]*udpSocket, error) {
		for _, s := range socks {
			unix.Close(s.fd)
		}
		return nil, err
	}
	for i := 0; i < n; i++ {
		s, err := openOneUDP(addr)
		if err != nil {
			return fail(err)
		}
		socks = append(socks, s)
		addr = s.local // the port the others share
	}
	return socks, nil
}

func openOneUDP(addr netip.AddrPort) (*udpSocket, error) {
	family := unix.AF_INET6
	if addr.Addr().Unmap().Is4() {
		family, addr = unix.AF_INET, netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port())
	}
	fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.IPPROTO_UDP)
	if err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("setsockopt SO_REUSEPORT: %w", err)
	}
	if family == unix.AF_INET6 && addr.Addr().IsUnspecified() {
		unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 0) // both families, as Go's "udp" does
	}
	if err := unix.Bind(fd, sockaddr(addr)); err != nil {
		unix.Close(fd)
		return nil, &net.OpError{Op: "listen", Net: "udp", Addr: net.UDPAddrFromAddrPort(addr), Err: err}
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("getsockname: %w", err)
	}
	return &udpSocket{fd: fd, local: sockaddrPort(sa)}, nil
}

// stop wakes the reader blocked in recvmmsg: after shutdown(SHUT_RD) the
// kernel returns at once from every read.
func (s *udpSocket) stop() {
	s.stopping.Store(true)
	unix.Shutdown(s.fd, unix.SHUT_RD)
}

// close releases the descriptor once no writer is using it, so that the
// number is never reused under one; call it after the reader returned.
func (s *udpSocket) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return unix.Close(s.fd)
}

// writeTo sends one datagram without waiting: a full send buffer drops it,
// as UDP may.
func (s *udpSocket) writeTo(b []byte, to netip.AddrPort) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return net.ErrClosed
	}
	return unix.Sendto(s.fd, b, unix.MSG_DONTWAIT, sockaddr(to))
}

func sockaddr(a netip.AddrPort) unix.Sockaddr {
	if ip := a.Addr(); ip.Is4() {
		return &unix.SockaddrInet4{Port: int(a.Port()), Addr: ip.As4()}
	}
	return &unix.SockaddrInet6{Port: int(a.Port()), Addr: a.Addr().As16()}
}

func sockaddrPort(sa unix.Sockaddr) netip.AddrPort {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port))
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(sa.Addr).Unmap(), uint16(sa.Port))
	}
	return netip.AddrPort{}
}

// interrupted reports whether a read failed only because a signal arrived.
func interrupted(err error) bool { return err == unix.EINTR }
