package server

import (
	"net/netip"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mmsghdr is struct mmsghdr of recvmmsg(2) and sendmmsg(2) on 64-bit Linux.
type mmsghdr struct {
	hdr unix.Msghdr
	n   uint32
	_   [4]byte
}

// batch is a set of datagram slots read with one recvmmsg and answered with
// one sendmmsg. The system calls are made raw: they never block (the socket
// is non-blocking and a full receive queue waits in the network poller), so
// they need none of the runtime's bookkeeping around a blocking call, whose
// wake-ups of the scheduler's monitor thread cost more CPU per query than
// the calls themselves at moderate rates. Nothing here allocates.
type batch struct {
	in    []mmsghdr
	iov   []unix.Iovec
	names []unix.RawSockaddrAny
	bufs  [][]byte

	out    []mmsghdr
	outIov []unix.Iovec
}

func newBatch(n, size int) *batch {
	b := &batch{
		in:     make([]mmsghdr, n),
		iov:    make([]unix.Iovec, n),
		names:  make([]unix.RawSockaddrAny, n),
		bufs:   make([][]byte, n),
		out:    make([]mmsghdr, 0, n),
		outIov: make([]unix.Iovec, n),
	}
	for i := range b.in {
		b.bufs[i] = make([]byte, size)
		b.iov[i].Base = &b.bufs[i][0]
		b.iov[i].SetLen(size)
		b.in[i].hdr.Iov = &b.iov[i]
		b.in[i].hdr.SetIovlen(1)
		b.in[i].hdr.Name = (*byte)(unsafe.Pointer(&b.names[i]))
	}
	return b
}

// recv reads up to len(b.in) datagrams, waiting in the network poller when
// none is queued.
func (b *batch) recv(rc syscall.RawConn) (int, error) {
	var n int
	var errno syscall.Errno
	err := rc.Read(func(fd uintptr) bool {
		for i := range b.in {
			b.in[i].hdr.Namelen = unix.SizeofSockaddrAny
			b.in[i].hdr.Flags = 0
		}
		r, _, e := unix.RawSyscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&b.in[0])), uintptr(len(b.in)), unix.MSG_DONTWAIT, 0, 0)
		if e == unix.EAGAIN || e == unix.EINTR {
			return false
		}
		n, errno = int(r), e
		return true
	})
	if err != nil {
		return 0, err
	}
	if errno != 0 {
		return 0, errno
	}
	return n, nil
}

// packet returns datagram i: its bytes and its source address.
func (b *batch) packet(i int) ([]byte, netip.AddrPort, bool) {
	pkt := b.bufs[i][:b.in[i].n]
	if b.in[i].hdr.Flags&unix.MSG_TRUNC != 0 {
		return nil, netip.AddrPort{}, false // larger than any query we read
	}
	switch b.names[i].Addr.Family {
	case unix.AF_INET:
		sa := (*unix.RawSockaddrInet4)(unsafe.Pointer(&b.names[i]))
		port := uint16(sa.Port>>8) | uint16(sa.Port<<8)
		return pkt, netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), port), true
	case unix.AF_INET6:
		sa := (*unix.RawSockaddrInet6)(unsafe.Pointer(&b.names[i]))
		port := uint16(sa.Port>>8) | uint16(sa.Port<<8)
		return pkt, netip.AddrPortFrom(netip.AddrFrom16(sa.Addr).Unmap(), port), true
	}
	return nil, netip.AddrPort{}, false
}

// queue adds a reply to datagram i, sent back to where i came from.
func (b *batch) queue(i int, reply []byte) {
	j := len(b.out)
	b.outIov[j].Base = unsafe.SliceData(reply)
	b.outIov[j].SetLen(len(reply))
	b.out = b.out[:j+1]
	b.out[j] = mmsghdr{}
	b.out[j].hdr.Iov = &b.outIov[j]
	b.out[j].hdr.SetIovlen(1)
	b.out[j].hdr.Name = (*byte)(unsafe.Pointer(&b.names[i]))
	b.out[j].hdr.Namelen = b.in[i].hdr.Namelen
}

// flush sends the queued replies; a reply that cannot be sent is dropped,
// as UDP does.
func (b *batch) flush(rc syscall.RawConn) {
	for done := 0; done < len(b.out); {
		var sent int
		rest := b.out[done:]
		err := rc.Write(func(fd uintptr) bool {
			r, _, e := unix.RawSyscall6(unix.SYS_SENDMMSG, fd, uintptr(unsafe.Pointer(&rest[0])), uintptr(len(rest)), unix.MSG_DONTWAIT, 0, 0)
			if e == unix.EAGAIN {
				return false
			}
			if e != 0 {
				sent = 1 // skip the reply that failed
				return true
			}
			sent = int(r)
			return true
		})
		if err != nil || sent <= 0 {
			break
		}
		done += sent
	}
	b.out = b.out[:0]
}
