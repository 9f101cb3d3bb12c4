package forward

import (
	"net"
	"net/netip"
	"sync"
	"time"
)

// Upstream TCP connections (the retries of truncated replies) are kept open
// and reused per target, as RFC 7766 §6.2.1 recommends of clients, instead
// of a handshake per query. A spoofed TCP answer needs the connection's
// sequence numbers, so reuse takes nothing from RFC 5452's defences, which
// are about UDP.
const (
	// tcpIdleTimeout is how long an idle connection is kept. It is well
	// under the idle timeouts of servers (BIND: 30 s, RFC 7766 §6.2.3: a
	// few seconds to tens of seconds), so a connection taken from the pool
	// has seldom been closed by the target; one that has is replaced.
	tcpIdleTimeout = 5 * time.Second
	// tcpIdlePerTarget is the most idle connections kept per target.
	tcpIdlePerTarget = 8
)

// tcpPool holds the idle connections per target (Dial address). The zero
// value is ready to use.
type tcpPool struct {
	mu   sync.Mutex
	idle map[netip.AddrPort][]idleConn
}

type idleConn struct {
	conn  net.Conn
	since time.Time
}

// take returns an idle connection to addr, most recently used first, or nil.
// Connections idle for longer than tcpIdleTimeout are closed on the way.
func (p *tcpPool) take(addr netip.AddrPort, now time.Time) net.Conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	cs := p.idle[addr]
	for len(cs) > 0 {
		c := cs[len(cs)-1]
		cs = cs[:len(cs)-1]
		if now.Sub(c.since) < tcpIdleTimeout {
			p.idle[addr] = cs
			return c.conn
		}
		_ = c.conn.Close()
	}
	delete(p.idle, addr)
	return nil
}

// put keeps conn as an idle connection to addr, or closes it when addr has
// enough. The oldest idle connections are closed when they have expired.
func (p *tcpPool) put(addr netip.AddrPort, conn net.Conn, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.idle == nil {
		p.idle = make(map[netip.AddrPort][]idleConn)
	}
	cs := p.idle[addr]
	for len(cs) > 0 && now.Sub(cs[0].since) >= tcpIdleTimeout {
		_ = cs[0].conn.Close()
		cs = cs[1:]
	}
	if len(cs) >= tcpIdlePerTarget {
		_ = conn.Close()
	} else {
		cs = append(cs, idleConn{conn, now})
	}
	p.idle[addr] = cs
}

// closeIdle closes every idle connection.
func (p *tcpPool) closeIdle() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for addr, cs := range p.idle {
		for _, c := range cs {
			_ = c.conn.Close()
		}
		delete(p.idle, addr)
	}
}
