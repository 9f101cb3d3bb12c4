package forward

import (
	"net"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// datagramIO sends and reads one datagram at a time on a connected UDP
// socket with raw system calls. The socket is non-blocking, so the calls
// never block (the network poller does the waiting, deadlines included);
// going around the runtime's blocking-call path spares a wake-up of its
// monitor thread per call, which at moderate rates costs more CPU than the
// call itself (bench/README.md).
type datagramIO struct {
	rc syscall.RawConn
}

// rawDatagrams returns raw I/O for conn when it is a *net.UDPConn.
func rawDatagrams(conn net.Conn) (datagramIO, bool) {
	uc, ok := conn.(*net.UDPConn)
	if !ok {
		return datagramIO{}, false
	}
	rc, err := uc.SyscallConn()
	if err != nil {
		return datagramIO{}, false
	}
	return datagramIO{rc: rc}, true
}

func (d datagramIO) write(b []byte) error {
	var errno syscall.Errno
	err := d.rc.Write(func(fd uintptr) bool {
		_, _, errno = unix.RawSyscall(unix.SYS_WRITE, fd, uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
		return errno != unix.EAGAIN
	})
	if err != nil {
		return err
	}
	if errno != 0 {
		return errno
	}
	return nil
}

func (d datagramIO) read(b []byte) (int, error) {
	var n uintptr
	var errno syscall.Errno
	err := d.rc.Read(func(fd uintptr) bool {
		n, _, errno = unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
		return errno != unix.EAGAIN && errno != unix.EINTR
	})
	if err != nil {
		return 0, err
	}
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
