package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/netutil"
)

// listener is one UDP and one TCP socket on the same address and port.
type listener struct {
	addr     netip.AddrPort
	udp, tcp *dns.Server
}

// listen opens the UDP and TCP sockets of spec. Port 0 picks one free port
// for both.
func (s *Server) listen(spec listenSpec) (*listener, error) {
	var lastErr error
	for try := 0; try < 8; try++ {
		pc, err := net.ListenPacket("udp", spec.addr.String())
		if err != nil {
			return nil, fmt.Errorf("listen udp %s for %s: %w", spec.addr, spec.owner, err)
		}
		bound := pc.LocalAddr().(*net.UDPAddr).AddrPort()
		ln, err := net.Listen("tcp", bound.String())
		if err != nil {
			pc.Close()
			lastErr = fmt.Errorf("listen tcp %s for %s: %w", bound, spec.owner, err)
			if spec.addr.Port() == 0 && errors.Is(err, syscall.EADDRINUSE) {
				continue // the kernel gave UDP a port TCP has; draw again
			}
			return nil, lastErr
		}
		return s.serve(spec, bound, pc, ln), nil
	}
	return nil, lastErr
}

func (s *Server) serve(spec listenSpec, bound netip.AddrPort, pc net.PacketConn, ln net.Listener) *listener {
	h := s.handlerFor(spec.owner)
	idle := s.opts.TCPIdleTimeout
	l := &listener{
		addr: netip.AddrPortFrom(bound.Addr().Unmap(), bound.Port()),
		udp: &dns.Server{
			PacketConn: pc,
			Handler:    h,
			UDPSize:    dns.DefaultMsgSize,
		},
		tcp: &dns.Server{
			Listener:      netutil.LimitListener(ln, s.opts.MaxTCPConns),
			Handler:       h,
			ReadTimeout:   idle,
			WriteTimeout:  idle,
			IdleTimeout:   func() time.Duration { return idle },
			MaxTCPQueries: -1,
		},
	}
	started := make(chan struct{}, 2)
	for _, srv := range []*dns.Server{l.udp, l.tcp} {
		srv.NotifyStartedFunc = func() { started <- struct{}{} }
		go func() {
			if err := srv.ActivateAndServe(); err != nil {
				s.log.Error("socket stopped", "owner", spec.owner, "addr", bound, "err", err)
			}
		}()
	}
	<-started
	<-started
	return l
}

// shutdown closes both sockets and waits for their handlers until ctx ends.
func (l *listener) shutdown(ctx context.Context) error {
	return errors.Join(l.udp.ShutdownContext(ctx), l.tcp.ShutdownContext(ctx))
}
