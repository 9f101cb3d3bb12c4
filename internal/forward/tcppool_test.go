package forward_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/forward"
)

// countingDialer counts the connections made, and can close them all.
type countingDialer struct {
	net.Dialer
	dials []net.Conn
}

func (d *countingDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	c, err := d.Dialer.DialContext(ctx, network, address)
	if err == nil && network == "tcp" {
		d.dials = append(d.dials, c)
	}
	return c, err
}

// Truncated replies are retried over TCP on one connection per target,
// kept open between exchanges (RFC 7766 §6.2.1); a connection closed while
// idle is replaced by a fresh one and the exchange still answers.
func TestTCPConnectionReused(t *testing.T) {
	tests := []struct {
		name      string
		closeIdle bool // close the kept connections between the exchanges
		wantDials int
	}{
		{"reused", false, 1},
		{"closed while idle, dialed again", true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t, truncatedOverUDP("10.0.0.1"))
			d := &countingDialer{}
			f := forward.New(forward.Options{Dialer: d})
			t.Cleanup(f.CloseIdle)
			targets := []forward.Target{target("192.168.10.53:53", srv.addr)}
			for i := range 3 {
				if tt.closeIdle && i > 0 {
					for _, c := range d.dials {
						_ = c.(*net.TCPConn).CloseWrite() // the target sees the end; ours still looks open
					}
					time.Sleep(50 * time.Millisecond)
				}
				r, _, err := f.Exchange(ctxTimeout(t, 5*time.Second), query("www.example.com.", dns.TypeA), targets, nil)
				if err != nil {
					t.Fatalf("exchange %d: %v", i, err)
				}
				if got := firstA(t, r); got != "10.0.0.1" {
					t.Fatalf("exchange %d: answer %s", i, got)
				}
			}
			if tt.closeIdle {
				if len(d.dials) < tt.wantDials {
					t.Errorf("%d TCP dials, want at least %d", len(d.dials), tt.wantDials)
				}
			} else if len(d.dials) != tt.wantDials {
				t.Errorf("%d TCP dials for 3 exchanges, want %d", len(d.dials), tt.wantDials)
			}
			if got := srv.tcp.Load(); got != 3 {
				t.Errorf("target saw %d TCP queries, want 3", got)
			}
		})
	}
}
