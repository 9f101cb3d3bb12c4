package forward

import (
	"net/netip"
	"os"
	"sync"
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
//
// The socket is new for every attempt; the struct around it, with the
// callbacks its reads run, comes from a pool, so that an attempt allocates
// only what os.NewFile does.
type udpConn struct {
	pool *sync.Pool
	f    *os.File
	rc   syscall.RawConn

	// The state of the callback of the read in progress.
	wire, buf []byte // wire: to send before the first read (SendRead)
	n         int
	err       error
	readFn    func(fd uintptr) bool // c.read, bound once
}

func dialUDP(pool *sync.Pool, addr netip.AddrPort) (*udpConn, error) {
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
	c, _ := pool.Get().(*udpConn)
	if c == nil {
		c = &udpConn{pool: pool}
		c.readFn = c.read
	}
	c.f, c.rc = f, rc
	return c, nil
}

// SendRead sends wire and reads one datagram into buf. The send happens
// inside the read's callback, after the poller has forgotten any earlier
// readiness, so the read that follows waits for the reply at once instead
// of first finding nothing: one system call less per attempt.
func (c *udpConn) SendRead(wire, buf []byte) (int, error) {
	c.wire = wire
	return c.readWith(buf)
}

// Read reads one datagram, waiting in the poller until the deadline. Unlike
// os.File.Read, an empty datagram is a read of 0 bytes, not the end.
func (c *udpConn) Read(buf []byte) (int, error) {
	c.wire = nil
	return c.readWith(buf)
}

func (c *udpConn) readWith(buf []byte) (int, error) {
	c.buf, c.n, c.err = buf, 0, nil
	err := c.rc.Read(c.readFn)
	c.buf, c.wire = nil, nil
	if err != nil {
		return 0, err
	}
	return c.n, c.err
}

// read is the callback of rc.Read: false means "wait until readable".
func (c *udpConn) read(fd uintptr) bool {
	if c.wire != nil {
		wire := c.wire
		c.wire = nil
		if _, err := unix.Write(int(fd), wire); err != nil {
			c.err = os.NewSyscallError("write", err)
			return true
		}
		return false // the reply cannot be there yet
	}
	n, err := unix.Read(int(fd), c.buf)
	if err == unix.EAGAIN {
		return false
	}
	if err != nil {
		c.err = os.NewSyscallError("read", err)
		return true
	}
	c.n = n
	return true
}

// socket is the file of this attempt's socket, which stays valid (closed)
// after c has gone back to its pool.
func (c *udpConn) socket() conn { return c.f }

func (c *udpConn) Write(b []byte) (int, error)   { return c.f.Write(b) }
func (c *udpConn) SetDeadline(t time.Time) error { return c.f.SetDeadline(t) }

// Close closes the socket and gives the struct back to its pool.
func (c *udpConn) Close() error {
	err := c.f.Close()
	c.f, c.rc = nil, nil
	c.pool.Put(c)
	return err
}
