package server

import (
	"errors"
	"net"
	"net/netip"
	"runtime"
	"testing"
	"time"
)

func TestUDPSocketsShareOnePort(t *testing.T) {
	t.Parallel()
	socks, err := openUDP(netip.MustParseAddrPort("127.0.0.1:0"), 3)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, s := range socks {
			s.close()
		}
	}()
	if len(socks) != 3 {
		t.Fatalf("%d sockets, want 3", len(socks))
	}
	for _, s := range socks[1:] {
		if s.local != socks[0].local || s.local.Port() == 0 {
			t.Errorf("socket bound to %v, the first to %v; want one free port for all", s.local, socks[0].local)
		}
	}
	// A port already taken without SO_REUSEPORT is refused, not shared.
	taken, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	if _, err := openUDP(taken.LocalAddr().(*net.UDPAddr).AddrPort(), 2); err == nil {
		t.Error("openUDP on a port in use succeeded")
	}
}

// A reader blocked in recvmmsg returns when the socket is stopped, and
// nothing is written through a closed socket.
func TestUDPSocketStopWakesReader(t *testing.T) {
	t.Parallel()
	socks, err := openUDP(netip.MustParseAddrPort("127.0.0.1:0"), 1)
	if err != nil {
		t.Fatal(err)
	}
	s := socks[0]
	b := newBatch(4, 512)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !s.stopping.Load() {
			b.recvWait(s.fd)
		}
	}()
	time.Sleep(50 * time.Millisecond) // let it block
	s.stop()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("the reader still blocks 2 s after stop")
	}
	if err := s.close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if err := s.writeTo([]byte{0}, netip.MustParseAddrPort("127.0.0.1:9")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("writeTo after close: %v, want net.ErrClosed", err)
	}
}

// Datagrams reach the batch with their source, over IPv4 and IPv6.
func TestUDPSocketReceives(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		t.Run(addr, func(t *testing.T) {
			socks, err := openUDP(netip.MustParseAddrPort(addr), 1)
			if err != nil {
				if addr[0] == '[' {
					t.Skipf("no IPv6 loopback: %v", err)
				}
				t.Fatal(err)
			}
			s := socks[0]
			defer s.close()
			c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(s.local))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			for _, m := range []string{"one", "two"} {
				if _, err := c.Write([]byte(m)); err != nil {
					t.Fatal(err)
				}
			}
			b := newBatch(4, 512)
			got := 0
			for got < 2 {
				n, err := b.recvWait(s.fd)
				if err != nil {
					t.Fatal(err)
				}
				for i := 0; i < n; i++ {
					pkt, src, ok := b.packet(i)
					want := c.LocalAddr().(*net.UDPAddr).AddrPort()
					if !ok || src != netip.AddrPortFrom(want.Addr().Unmap(), want.Port()) || string(pkt) != []string{"one", "two"}[got] {
						t.Errorf("datagram %d: %q from %v (ok %v); want %q from %v", got, pkt, src, ok, []string{"one", "two"}[got], want)
					}
					b.queue(i, pkt)
					got++
				}
				b.send(s.fd) // echo
			}
			buf := make([]byte, 16)
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			if n, err := c.Read(buf); err != nil || string(buf[:n]) != "one" {
				t.Errorf("echo: %q, %v; want \"one\"", buf[:n], err)
			}
		})
	}
}

// ReserveProcs gives each UDP reader a P of its own (at most two per P at
// New) while the sockets are open, and hands them back at Shutdown. Not
// parallel: GOMAXPROCS is the process's.
func TestReserveProcs(t *testing.T) {
	base := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(base)
	s := newFastServer(t)
	s.opts.ReserveProcs = true
	s.opts.Shared = []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:0")}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if got, want := runtime.GOMAXPROCS(0), base+min(udpSockets(), 2*base); got != want {
		t.Errorf("GOMAXPROCS %d with %d readers; want %d", got, udpSockets(), want)
	}
	if err := s.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := runtime.GOMAXPROCS(0); got != base {
		t.Errorf("GOMAXPROCS %d after Shutdown; want %d", got, base)
	}
}
