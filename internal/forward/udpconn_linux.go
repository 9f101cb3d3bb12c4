package forward

import (
	"net/netip"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// udpConn is a fresh connected UDP socket made with two system calls
// (socket, connect) and handed to Go's poller through os.NewFile. net.Dialer
// also sets SO_BROADCAST and reads both addresses back, and its address
// handling allocates; on a stream of cache misses the dial was 14% of the
// server's CPU. connect(2) on a socket without a bound port gives it a
// random ephemeral port, as behaviour.md §6 asks of every attempt.
type udpConn struct {
	f  *os.File
	rc syscall.RawConn
}

func dialUDP(addr netip.AddrPort) (*udpConn, error) {
	ip := addr.Addr().Unmap()
	family := unix.AF_INET6
	var sa unix.Sockaddr = &unix.SockaddrInet6{Port: int(addr.Port()), Addr: ip.As16()}
	if ip.Is4() {
		family, sa = unix.AF_INET, &unix.SockaddrInet4{Port: int(addr.Port()), Addr: ip.As4()}
	}
	fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_UDP)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	if err := unix.Connect(fd, sa); err != nil {
		unix.Close(fd)
		return nil, os.NewSyscallError("connect", err)
	}
	f := os.NewFile(uintptr(fd), "udp") // non-blocking: waits in the poller
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &udpConn{f: f, rc: rc}, nil
}

// Read reads one datagram, waiting in the poller until the deadline. Unlike
// os.File.Read, an empty datagram is a read of 0 bytes, not the end.
func (c *udpConn) Read(b []byte) (int, error) {
	var n int
	var rerr error
	err := c.rc.Read(func(fd uintptr) bool {
		n, rerr = unix.Read(int(fd), b)
		return rerr != unix.EAGAIN
	})
	if err != nil {
		return 0, err
	}
	if rerr != nil {
		return 0, os.NewSyscallError("read", rerr)
	}
	return n, nil
}

func (c *udpConn) Write(b []byte) (int, error)   { return c.f.Write(b) }
func (c *udpConn) SetDeadline(t time.Time) error { return c.f.SetDeadline(t) }
func (c *udpConn) Close() error                  { return c.f.Close() }
