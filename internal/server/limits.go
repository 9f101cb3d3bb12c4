package server

import (
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/metrics"
	"github.com/vpcdns/vpcdns/internal/ratelimit"
)

// TCP packets counted against an ENI's limit (docs/limits.md): a
// connection costs its handshake (SYN, ACK) when accepted, and each query
// its segment and the ACK of its answer. AWS counts packets, not queries,
// which is why DNS over TCP reaches the limit at far fewer queries.
const (
	tcpConnectPackets = 2
	tcpQueryPackets   = 2
)

// socketKind says which rate limit applies to the queries of a socket.
type socketKind uint8

const (
	otherSocket    socketKind = iota // an emulated authoritative server: none
	resolverSocket                   // a VPC resolver: the source ENI's packets per second
	inboundSocket                    // an inbound endpoint: its addresses' queries per second
)

func kindOf(owner string) socketKind {
	switch {
	case owner == sharedOwner || strings.HasPrefix(owner, "vpc:"):
		return resolverSocket
	case strings.HasPrefix(owner, "endpoint:"):
		return inboundSocket
	}
	return otherSocket
}

// limiter applies AWS's DNS rate limits (config.Limits) to one
// configuration's traffic. Its buckets are fixed when the configuration is
// built: one per mapped ENI and one per endpoint address. A nil map means
// that limit has nothing to do, and costs one nil check.
type limiter struct {
	// eniOf maps a mapped source address to its ENI's bucket in eni.
	eniOf map[netip.Addr]int
	// eniLast has a bit set for the last byte of every mapped address:
	// most unmapped sources are turned away by it without the map probe.
	eniLast  [4]uint64
	eni      *ratelimit.Set
	eniIDs   []string
	eniDrops []prometheus.Counter // nil entries without metrics

	// ep holds a bucket per address of every endpoint whose limit is on.
	ep      *ratelimit.Set
	epDrops []prometheus.Counter
	// inbound maps an inbound endpoint's configured listen address to
	// the buckets of the endpoint's addresses it stands for.
	inbound map[netip.AddrPort]*inboundSlots
	// outbound maps an outbound endpoint's id and address to its bucket.
	outbound map[endpointAddr]int
}

type endpointAddr struct {
	endpoint string
	ip       netip.Addr
}

// inboundSlots are the endpoint addresses one listen socket stands for.
// When an endpoint has as many listen sockets as addresses, the i-th
// socket is the i-th address; otherwise queries go round the addresses in
// turn, as clients that spread their queries over them would.
type inboundSlots struct {
	first, n int
	next     atomic.Uint32
}

func newLimiter(n *config.Network, m *metrics.Metrics) *limiter {
	l := &limiter{}
	lim := n.Emulation.Limits
	if lim.ENIPacketsPerSecond > 0 && len(n.Emulation.SourceMap) > 0 {
		l.eniOf = make(map[netip.Addr]int, len(n.Emulation.SourceMap))
		index := map[string]int{}
		var limits []int
		for a, eni := range n.Emulation.SourceMap {
			i, ok := index[eni]
			if !ok {
				i = len(l.eniIDs)
				index[eni] = i
				l.eniIDs = append(l.eniIDs, eni)
				limits = append(limits, lim.ENIPacketsPerSecond)
				var c prometheus.Counter
				if m != nil {
					c = m.ENIDropCounter(eni)
				}
				l.eniDrops = append(l.eniDrops, c)
			}
			l.eniOf[a] = i
			last := a.As16()[15]
			l.eniLast[last>>6] |= 1 << (last & 63)
		}
		l.eni = ratelimit.New(limits)
	}
	var limits []int
	for _, e := range n.Endpoints {
		perIP := lim.EndpointIPLimit(n, e)
		if perIP <= 0 || len(e.Addresses) == 0 {
			continue
		}
		first := len(limits)
		dir := "inbound"
		if e.Outbound {
			dir = "outbound"
		}
		for _, a := range e.Addresses {
			limits = append(limits, perIP)
			var c prometheus.Counter
			if m != nil {
				c = m.EndpointIPDropCounter(e.ID, a.IP.String(), dir)
			}
			l.epDrops = append(l.epDrops, c)
		}
		if e.Outbound {
			if l.outbound == nil {
				l.outbound = map[endpointAddr]int{}
			}
			for i, a := range e.Addresses {
				l.outbound[endpointAddr{e.ID, a.IP}] = first + i
			}
			continue
		}
		if l.inbound == nil {
			l.inbound = map[netip.AddrPort]*inboundSlots{}
		}
		for i, ap := range e.Listen {
			slots := &inboundSlots{first: first, n: len(e.Addresses)}
			if len(e.Listen) == len(e.Addresses) {
				slots.first, slots.n = first+i, 1
			}
			l.inbound[ap] = slots
		}
	}
	if len(limits) > 0 {
		l.ep = ratelimit.New(limits)
	}
	return l
}

// admitENI takes packets from the ENI that src stands for and reports
// whether they reach the VPC resolver. Unmapped sources are never limited.
func (l *limiter) admitENI(src netip.Addr, packets int, now time.Time) bool {
	if l.eniOf == nil {
		return true
	}
	if last := src.As16()[15]; l.eniLast[last>>6]&(1<<(last&63)) == 0 {
		return true
	}
	i, ok := l.eniOf[src.Unmap()]
	if !ok || l.eni.Take(i, packets, now) {
		return true
	}
	if c := l.eniDrops[i]; c != nil {
		c.Add(float64(packets))
	}
	return false
}

// checks reports whether a socket of kind has a limit to apply at all, so
// that the reader tests it once per batch rather than once per packet.
func (l *limiter) checks(kind socketKind) bool {
	switch kind {
	case resolverSocket:
		return l.eniOf != nil
	case inboundSocket:
		return l.inbound != nil
	}
	return false
}

// admitInbound takes one query from the endpoint address that the socket
// configured at listen stands for.
func (l *limiter) admitInbound(listen netip.AddrPort, now time.Time) bool {
	if l.inbound == nil {
		return true
	}
	s, ok := l.inbound[listen]
	if !ok {
		return true
	}
	i := s.first
	if s.n > 1 {
		i += int(s.next.Add(1) % uint32(s.n))
	}
	return l.takeEndpoint(i, now)
}

// admitOutbound takes one query sent from address ip of outbound endpoint.
func (l *limiter) admitOutbound(endpoint string, ip netip.Addr, now time.Time) bool {
	if l.outbound == nil {
		return true
	}
	i, ok := l.outbound[endpointAddr{endpoint, ip}]
	if !ok {
		return true
	}
	return l.takeEndpoint(i, now)
}

func (l *limiter) takeEndpoint(i int, now time.Time) bool {
	if l.ep.Take(i, 1, now) {
		return true
	}
	if c := l.epDrops[i]; c != nil {
		c.Inc()
	}
	return false
}
