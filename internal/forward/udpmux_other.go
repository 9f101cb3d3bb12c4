//go:build !linux

package forward

import (
	"context"
	"errors"
	"net/netip"
	"time"
)

// udpMux is Linux's (udpmux_linux.go); elsewhere every attempt waits on a
// socket of its own in Go's poller (dialUDP).
type udpMux struct{}

type muxSock struct{}

var errNoMux = errors.New("no udp mux on this platform")

func (*udpMux) ready() bool { return false }

func (*udpMux) dial(netip.AddrPort) (*muxSock, error) { return nil, errNoMux }

func (*muxSock) SendRead(context.Context, time.Time, []byte, []byte) (int, error) {
	return 0, errNoMux
}
func (*muxSock) Read(context.Context, time.Time, []byte) (int, error) { return 0, errNoMux }
func (*muxSock) Close() error                                         { return nil }

// muxAvailable reports whether attempts use the mux.
const muxAvailable = false
