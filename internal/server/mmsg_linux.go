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
// one sendmmsg. Nothing here allocates.
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

// recvWait reads up to len(b.in) datagrams, blocking until the first
// arrives (MSG_WAITFORONE). It goes through the runtime's blocking-call
// path, so the thread's P can serve other goroutines while it waits.
func (b *batch) recvWait(fd int) (int, error) {
	for i := range b.in {
		b.in[i].hdr.Namelen = unix.SizeofSockaddrAny
		b.in[i].hdr.Flags = 0
	}
	r, _, e := syscall.Syscall6(unix.SYS_RECVMMSG, uintptr(fd), uintptr(unsafe.Pointer(&b.in[0])), uintptr(len(b.in)), unix.MSG_WAITFORONE, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// send writes the queued replies without blocking; a reply that cannot be
// sent is dropped, as UDP does.
func (b *batch) send(fd int) {
	for done := 0; done < len(b.out); {
		rest := b.out[done:]
		r, _, e := unix.RawSyscall6(unix.SYS_SENDMMSG, uintptr(fd), uintptr(unsafe.Pointer(&rest[0])), uintptr(len(rest)), unix.MSG_DONTWAIT, 0, 0)
		if e != 0 {
			if e == unix.EAGAIN {
				break // the send buffer is full: drop the rest
			}
			done++ // skip the reply that failed
			continue
		}
		done += int(r)
	}
	b.out = b.out[:0]
}
