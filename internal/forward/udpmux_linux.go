package forward

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// udpMux waits for the replies of every upstream UDP attempt of a Forwarder
// with one epoll set of its own, which sits in Go's poller as one file.
// Each attempt still gets a fresh socket, so a fresh random source port
// (behaviour.md §6, RFC 5452 §9.2): socket and connect as raw system calls
// and an EPOLL_CTL_ADD, no os.File (os.NewFile, its finalizer and its
// SyscallConn were four of the allocations of a cache-miss forward, and
// registering each socket with Go's poller two more system calls). One
// goroutine, the reactor, runs while sockets are open: it reads the ready
// sockets off the set in batches and wakes their attempts, which then read
// their own socket.
type udpMux struct {
	initOnce sync.Once
	initErr  error
	ep       int      // the epoll set
	file     *os.File // ep in Go's poller
	rc       syscall.RawConn

	mu      sync.Mutex
	slots   []*muxSock // by slot number; never shrinks
	free    []int32    // slot numbers not in use
	active  int        // sockets open
	running bool       // the reactor goroutine is running

	events [64]unix.EpollEvent // the reactor's; only it touches them
}

// muxLinger is how long the reactor waits with no socket open before it
// exits (a later attempt starts it again).
const muxLinger = 100 * time.Millisecond

// muxSock is the slot of one attempt's socket. Slots are reused; gen tells
// the uses apart, so that a readiness reported for a socket already closed
// never wakes the attempt that has the slot now.
type muxSock struct {
	mux   *udpMux
	slot  int32
	gen   uint32 // under mux.mu
	fd    int
	armed bool          // registered for one readiness report (EPOLLONESHOT)
	ready chan struct{} // capacity 1: a readiness report
	timer *time.Timer   // the attempt's deadline, reused
}

var errMuxClosed = errors.New("udp socket closed")

func (m *udpMux) init() error {
	m.initOnce.Do(func() {
		ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
		if err != nil {
			m.initErr = os.NewSyscallError("epoll_create1", err)
			return
		}
		if err := unix.SetNonblock(ep, true); err != nil {
			unix.Close(ep)
			m.initErr = os.NewSyscallError("fcntl", err)
			return
		}
		m.ep = ep
		m.file = os.NewFile(uintptr(ep), "upstream-epoll")
		if m.rc, err = m.file.SyscallConn(); err != nil {
			m.file.Close()
			m.initErr = err
		}
	})
	return m.initErr
}

// ready reports whether the epoll set could be made; without it the
// attempts wait on sockets of their own (udpconn_linux.go).
func (m *udpMux) ready() bool { return m.init() == nil }

// dial makes a fresh UDP socket connected to addr and registers it. The
// caller must close it.
func (m *udpMux) dial(addr netip.AddrPort) (*muxSock, error) {
	if err := m.init(); err != nil {
		return nil, fmt.Errorf("dial udp %s: %w", addr, err)
	}
	ip := addr.Addr().Unmap()
	family := unix.AF_INET6
	if ip.Is4() {
		family = unix.AF_INET
	}
	fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_UDP)
	if err != nil {
		return nil, fmt.Errorf("dial udp %s: %w", addr, os.NewSyscallError("socket", err))
	}
	if err := connectRaw(fd, ip, addr.Port()); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("dial udp %s: %w", addr, os.NewSyscallError("connect", err))
	}
	s := m.take()
	s.fd = fd
	s.armed = false
	return s, nil
}

// connectRaw is connect(2) with the address on the stack: unix.Connect
// takes a Sockaddr interface, which allocates.
func connectRaw(fd int, ip netip.Addr, port uint16) error {
	var (
		p unsafe.Pointer
		n uintptr
	)
	var sa4 unix.RawSockaddrInet4
	var sa6 unix.RawSockaddrInet6
	if ip.Is4() {
		sa4.Family = unix.AF_INET
		sa4.Port = port<<8 | port>>8
		sa4.Addr = ip.As4()
		p, n = unsafe.Pointer(&sa4), unix.SizeofSockaddrInet4
	} else {
		sa6.Family = unix.AF_INET6
		sa6.Port = port<<8 | port>>8
		sa6.Addr = ip.As16()
		p, n = unsafe.Pointer(&sa6), unix.SizeofSockaddrInet6
	}
	_, _, e := unix.Syscall(unix.SYS_CONNECT, uintptr(fd), uintptr(p), n)
	if e != 0 {
		return e
	}
	return nil
}

// take gives a free slot, and starts the reactor if it is not running.
func (m *udpMux) take() *muxSock {
	m.mu.Lock()
	defer m.mu.Unlock()
	var s *muxSock
	if n := len(m.free); n > 0 {
		s = m.slots[m.free[n-1]]
		m.free = m.free[:n-1]
	} else {
		s = &muxSock{mux: m, slot: int32(len(m.slots)), ready: make(chan struct{}, 1), timer: time.NewTimer(time.Hour)}
		s.timer.Stop()
		m.slots = append(m.slots, s)
	}
	s.gen++
	select { // a report for the slot's last use, sent before it was closed
	case <-s.ready:
	default:
	}
	m.active++
	if !m.running {
		m.running = true
		go m.react()
	}
	return s
}

// arm registers s for one readiness report.
func (s *muxSock) arm() error {
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLONESHOT, Fd: s.slot, Pad: int32(s.gen)}
	op := unix.EPOLL_CTL_MOD
	if !s.armed {
		op = unix.EPOLL_CTL_ADD
	}
	// gen is read here without the lock: only the slot's holder changes it
	// (in take), and it is the holder that arms.
	if err := unix.EpollCtl(s.mux.ep, op, s.fd, &ev); err != nil {
		return os.NewSyscallError("epoll_ctl", err)
	}
	s.armed = true
	return nil
}

// SendRead sends wire and waits for the first datagram.
func (s *muxSock) SendRead(ctx context.Context, deadline time.Time, wire, buf []byte) (int, error) {
	if _, err := unix.Write(s.fd, wire); err != nil {
		return 0, os.NewSyscallError("write", err)
	}
	return s.wait(ctx, deadline, buf)
}

// Read reads the next datagram, waiting until the deadline or the end of
// ctx.
func (s *muxSock) Read(ctx context.Context, deadline time.Time, buf []byte) (int, error) {
	n, err := unix.Read(s.fd, buf)
	if err == nil {
		return n, nil
	}
	if err != unix.EAGAIN {
		return 0, os.NewSyscallError("read", err)
	}
	return s.wait(ctx, deadline, buf)
}

// wait arms s and waits for a report, then reads; a report that finds
// nothing to read (the reply of another socket that had the same slot)
// waits again.
func (s *muxSock) wait(ctx context.Context, deadline time.Time, buf []byte) (int, error) {
	for {
		if err := s.arm(); err != nil {
			return 0, err
		}
		d := time.Until(deadline)
		if d <= 0 {
			return 0, os.ErrDeadlineExceeded
		}
		s.timer.Reset(d)
		select {
		case <-s.ready:
			s.timer.Stop()
		case <-s.timer.C:
			return 0, os.ErrDeadlineExceeded
		case <-ctx.Done():
			s.timer.Stop()
			return 0, ctx.Err()
		}
		n, err := unix.Read(s.fd, buf)
		if err == nil {
			return n, nil
		}
		if err != unix.EAGAIN {
			return 0, os.NewSyscallError("read", err)
		}
	}
}

// Close closes the socket (which takes it out of the epoll set) and frees
// the slot.
func (s *muxSock) Close() error {
	err := unix.Close(s.fd)
	s.fd = -1
	m := s.mux
	m.mu.Lock()
	s.gen++ // reports still on their way are for nobody now
	m.free = append(m.free, s.slot)
	m.active--
	if m.active == 0 && m.running {
		// The reactor may be waiting with nothing to wait for: it exits
		// after muxLinger unless a socket opens meanwhile. Under the lock,
		// so that the reactor's clearing of an earlier deadline cannot
		// come after this one.
		_ = m.file.SetReadDeadline(time.Now().Add(muxLinger))
	}
	m.mu.Unlock()
	if err != nil {
		return os.NewSyscallError("close", err)
	}
	return nil
}

// react is the reactor: it waits in Go's poller for the epoll set to be
// readable, and wakes the attempts whose sockets are ready.
func (m *udpMux) react() {
	cb := func(fd uintptr) bool {
		got := false
		for {
			n, err := unix.EpollWait(int(fd), m.events[:], 0)
			if err == unix.EINTR {
				continue
			}
			if n <= 0 {
				return got // nothing (more) ready: false waits in the poller
			}
			got = true
			m.mu.Lock()
			for i := range n {
				ev := &m.events[i]
				if int(ev.Fd) >= len(m.slots) {
					continue
				}
				s := m.slots[ev.Fd]
				if s.gen != uint32(ev.Pad) {
					continue // closed since
				}
				select {
				case s.ready <- struct{}{}:
				default:
				}
			}
			m.mu.Unlock()
			if n < len(m.events) {
				return true
			}
		}
	}
	for {
		err := m.rc.Read(cb)
		if err == nil {
			continue
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			// The set cannot be waited on: give up the reactor; the
			// attempts time out, and the next one starts it again.
			time.Sleep(time.Millisecond)
		}
		m.mu.Lock()
		if m.active == 0 {
			m.running = false
			m.mu.Unlock()
			return
		}
		_ = m.file.SetReadDeadline(time.Time{})
		m.mu.Unlock()
	}
}

// muxAvailable reports whether attempts use the mux.
const muxAvailable = true
