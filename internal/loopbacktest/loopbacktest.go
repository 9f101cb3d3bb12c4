// Package loopbacktest holds helpers that tests of several packages share
// for servers on 127.0.0.1.
package loopbacktest

import (
	"bytes"
	"encoding/binary"
	"net"
	"strconv"
	"sync"
	"testing"
)

// FreePort returns a port of 127.0.0.1 that is free for both UDP and TCP
// when it returns, for a configuration that must name a port (port 0 will
// not do). Another process may take it before the caller listens on it.
func FreePort(tb testing.TB) uint16 {
	tb.Helper()
	for range 20 {
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		pc.Close()
		if err != nil {
			continue
		}
		ln.Close()
		return uint16(port)
	}
	tb.Fatal("no port of 127.0.0.1 free for both UDP and TCP")
	return 0
}

// Buffer is a bytes.Buffer that one goroutine (a logger, a child process's
// output) may write while the test reads it. The zero value is empty and
// ready to use.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p to the buffer.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// RawAnswerer answers every UDP query on 127.0.0.1 with one A record,
// building the reply in place from the query's bytes, so that it allocates
// nothing itself and testing.AllocsPerRun counts the caller's allocations only
// (a forwarder's, a server's).
func RawAnswerer(t testing.TB) *net.UDPConn {
	t.Helper()
	pc, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatalf("listen udp: %v", err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	go func() {
		var buf [1500]byte
		for {
			n, from, err := pc.ReadFromUDPAddrPort(buf[:])
			if err != nil {
				return
			}
			end := 12
			for end < n && buf[end] != 0 {
				end += int(buf[end]) + 1
			}
			end += 5 // the root label, type and class
			if end > n {
				continue
			}
			buf[2] |= 0x80                          // QR
			binary.BigEndian.PutUint16(buf[6:], 1)  // ANCOUNT
			binary.BigEndian.PutUint16(buf[10:], 0) // ARCOUNT: the OPT goes
			rr := append(buf[end:end], 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1)
			_, _ = pc.WriteToUDPAddrPort(buf[:end+len(rr)], from)
		}
	}()
	return pc
}
