//go:build !linux

package forward

import (
	"net"
	"net/netip"
	"sync"
)

// udpConn is a connected UDP socket from net.DialUDP. On Linux the forwarder
// makes its sockets with raw system calls (udpconn_linux.go); elsewhere the
// portable path is fast enough. Each dial gets a fresh random source port,
// as behaviour.md §6 asks of every attempt.
type udpConn struct{ *net.UDPConn }

func dialUDP(_ *sync.Pool, addr netip.AddrPort) (*udpConn, error) {
	c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(addr))
	if err != nil {
		return nil, err
	}
	return &udpConn{c}, nil
}

// socket is the connection itself (nothing is pooled here).
func (c *udpConn) socket() conn { return c.UDPConn }
