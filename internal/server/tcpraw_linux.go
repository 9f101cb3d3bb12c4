package server

import (
	"io"
	"net"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rawStream reads and writes a TCP connection's non-blocking socket with
// raw read(2) and write(2), waiting in Go's poller (with the connection's
// deadlines) only when the socket has nothing to read or no room to write.
// A call through net.Conn enters the runtime's system-call path, which
// wakes the scheduler's monitor thread whenever it sleeps because every P
// is idle; between the queries of a TCP client that is every time, and the
// monitor then spins at 20 µs for a millisecond: 14% of W6's CPU
// (bench/README.md). The calls never block, so the raw path is safe.
type rawStream struct {
	rc syscall.RawConn
	// The call in progress: its buffer, and what read or write returned.
	// The reader and the writer each have their own (they run at once).
	p     []byte
	n     int
	errno unix.Errno
	// fn is read or write, made once per connection so that a call
	// allocates nothing.
	fn func(fd uintptr) bool
}

type (
	rawReader struct{ rawStream }
	rawWriter struct{ rawStream }
)

// newStream returns the reader and the writer of c: raw ones for a TCP
// connection, c itself for anything else.
func newStream(c net.Conn) (io.Reader, io.Writer) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return c, c
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return c, c
	}
	r, w := &rawReader{rawStream{rc: rc}}, &rawWriter{rawStream{rc: rc}}
	r.fn, w.fn = r.read, w.write
	return r, w
}

// read is the body of one RawConn.Read: false asks the poller to wait.
func (s *rawReader) read(fd uintptr) bool {
	for {
		n, _, e := unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(unsafe.SliceData(s.p))), uintptr(len(s.p)))
		switch e {
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return false
		}
		s.n, s.errno = int(n), e
		return true
	}
}

// write is the body of one RawConn.Write: it writes all of s.p, and
// returns false to wait for room.
func (s *rawWriter) write(fd uintptr) bool {
	for len(s.p) > 0 {
		n, _, e := unix.RawSyscall(unix.SYS_WRITE, fd, uintptr(unsafe.Pointer(unsafe.SliceData(s.p))), uintptr(len(s.p)))
		switch e {
		case 0:
			s.n += int(n)
			s.p = s.p[n:]
			continue
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return false
		}
		s.errno = e
		return true
	}
	return true
}

func (s *rawReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	s.p, s.n, s.errno = p, 0, 0
	err := s.rc.Read(s.fn)
	s.p = nil
	switch {
	case err != nil:
		return 0, err // closed, or past the read deadline
	case s.errno != 0:
		return 0, &net.OpError{Op: "read", Net: "tcp", Err: s.errno}
	case s.n == 0:
		return 0, io.EOF
	}
	return s.n, nil
}

func (s *rawWriter) Write(p []byte) (int, error) {
	s.p, s.n, s.errno = p, 0, 0
	err := s.rc.Write(s.fn)
	n := s.n
	s.p = nil
	switch {
	case err != nil:
		return n, err
	case s.errno != 0:
		return n, &net.OpError{Op: "write", Net: "tcp", Err: s.errno}
	}
	return n, nil
}
