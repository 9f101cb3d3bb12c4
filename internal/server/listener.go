package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// listener is the UDP sockets and the TCP socket of one address and port.
type listener struct {
	addr netip.AddrPort
	udp  *udpServer
	tcp  *tcpServer
}

// listen opens the UDP and TCP sockets of spec. Port 0 picks one free port
// for both.
func (s *Server) listen(spec listenSpec) (*listener, error) {
	var lastErr error
	for try := 0; try < 8; try++ {
		socks, err := openUDP(spec.addr, udpSockets())
		if err != nil {
			return nil, fmt.Errorf("listen udp %s for %s: %w", spec.addr, spec.owner, err)
		}
		bound := socks[0].local
		ln, err := net.Listen("tcp", bound.String())
		if err != nil {
			for _, c := range socks {
				c.close()
			}
			lastErr = fmt.Errorf("listen tcp %s for %s: %w", bound, spec.owner, err)
			if spec.addr.Port() == 0 && errors.Is(err, syscall.EADDRINUSE) {
				continue // the kernel gave UDP a port TCP has; draw again
			}
			return nil, lastErr
		}
		return s.serve(spec, bound, socks, ln), nil
	}
	return nil, lastErr
}

func (s *Server) serve(spec listenSpec, bound netip.AddrPort, socks []*udpSocket, ln net.Listener) *listener {
	return &listener{
		addr: netip.AddrPortFrom(bound.Addr().Unmap(), bound.Port()),
		udp:  s.newUDPServer(spec, socks),
		tcp:  s.newTCPServer(spec, ln),
	}
}

// shutdown closes the sockets and waits for their queries until ctx ends.
func (l *listener) shutdown(ctx context.Context) error {
	return errors.Join(l.udp.shutdown(ctx), l.tcp.shutdown(ctx))
}
