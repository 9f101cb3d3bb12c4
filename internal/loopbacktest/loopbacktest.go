// Package loopbacktest holds helpers that tests of several packages share
// for servers on 127.0.0.1.
package loopbacktest

import (
	"bytes"
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
