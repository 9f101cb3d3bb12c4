package server

import (
	"net/netip"
	"sync"
	"sync/atomic"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/view"
	"github.com/vpcdns/vpcdns/internal/wire"
)

// Clients that ask a question already on its way upstream are followers:
// they get the leader's answer (inflight). A follower over UDP is found by
// the socket's reader itself, from the bytes of its query, in the table of
// questions in flight: it joins the upstream query there and then, with no
// unpacking, no worker and no goroutine of its own, and the leader's
// goroutine writes its reply when the answer comes (bench's W7: many
// clients asking one cold name at once).

// pendingKey is a question in flight as a VPC's clients ask it: the VPC of
// the compiled view (a reload makes new ones), and the lower-cased
// question bytes (wire.Query.QKey).
type pendingKey struct {
	vpc *view.VPC
	q   string
}

// pendingFlight is what the reader needs to join a question in flight.
type pendingFlight struct {
	fk     flightKey
	source string // the winning candidate's, for metrics
	n      int    // leaders that registered it and have not finished
}

// pendingTable holds the questions in flight over the wire route.
type pendingTable struct {
	mu   sync.Mutex
	m    map[pendingKey]pendingFlight
	live atomic.Int64 // len(m), for a reader to skip the lock when empty
}

// add registers the question of x, on its way upstream through fk.
func (t *pendingTable) add(x *exchange, fk flightKey) {
	k := pendingKey{x.vpc, string(x.wq.QKey())}
	t.mu.Lock()
	if t.m == nil {
		t.m = make(map[pendingKey]pendingFlight)
	}
	p := t.m[k]
	p.fk, p.source = fk, x.decision.Winner.Source.String()
	p.n++
	t.m[k] = p
	t.live.Store(int64(len(t.m)))
	t.mu.Unlock()
}

// remove undoes add once the upstream query is done.
func (t *pendingTable) remove(x *exchange) {
	t.mu.Lock()
	k := pendingKey{x.vpc, string(x.wq.QKey())} // no allocation: a lookup
	if p, ok := t.m[k]; ok {
		if p.n--; p.n <= 0 {
			delete(t.m, k)
		} else {
			t.m[k] = p
		}
	}
	t.live.Store(int64(len(t.m)))
	t.mu.Unlock()
}

func (t *pendingTable) get(vpc *view.VPC, qkey []byte) (pendingFlight, bool) {
	t.mu.Lock()
	p, ok := t.m[pendingKey{vpc, string(qkey)}]
	t.mu.Unlock()
	return p, ok
}

// follower is a UDP client that joined a question in flight from the
// reader: its query's bytes and parse, where to answer it.
type follower struct {
	u      *udpServer
	sock   *udpSocket
	src    netip.AddrPort
	vpcID  string
	source string
	q      wire.Query
	pkt    []byte
}

// follow makes the UDP query pkt (parsed into q) from src a follower of
// the same question in flight, if there is one and nothing else about the
// query needs the full path. It reports whether it did; then the reply is
// written when the leader's answer comes.
func (u *udpServer) follow(c *udpSocket, pkt []byte, src netip.AddrPort, q *wire.Query) bool {
	s := u.s
	st := s.state.Load()
	if st.qlog != nil || s.pending.live.Load() == 0 {
		return false
	}
	vpc := st.vpcFor(u.owner, src.Addr())
	if vpc == nil || !vpc.Config.DNSSupport || vpc.Firewall != nil || q.Class != dns.ClassINET {
		return false
	}
	p, ok := s.pending.get(vpc, q.QKey())
	if !ok {
		return false
	}
	f := &follower{u: u, sock: c, src: src, vpcID: vpc.Config.ID, source: p.source, q: *q}
	f.pkt = append(make([]byte, 0, len(pkt)), pkt...)
	return s.inflight.Join(p.fk, maxFollowers, f)
}

// Done answers the follower with the leader's answer b (packed, without
// OPT, not to be changed) or, when the forward failed, its rcode; in the
// leader's goroutine (inflight.Waiter).
func (f *follower) Done(b []byte, err error) {
	s := f.u.s
	bp := s.outBufs.Get().(*[]byte)
	defer s.outBufs.Put(bp)
	var out []byte
	if err != nil {
		// The header and question of the query, no records: the rcode is
		// all there is to say.
		out = append((*bp)[:0], f.pkt[:f.q.QEnd]...)
		clear(out[4:12])
		out[5] = 1 // QDCOUNT
		out[3] = out[3]&^0xf | byte(rcodeFor(err))
	} else {
		out = append((*bp)[:0], b...)
	}
	out, ok := wire.FinishReply(out, f.pkt, &f.q, false)
	*bp = out[:0]
	if !ok || len(out) < 12 {
		// Too large for the client's UDP size: the full path truncates
		// (the answer is in the cache by now).
		f.u.full(f.sock, f.pkt, f.src, &f.q)
		return
	}
	if err := f.sock.writeTo(out, f.src); err != nil {
		s.log.Debug("write reply", "src", f.src, "err", err)
	}
	if m := s.opts.Metrics; m != nil {
		m.Query(f.vpcID, f.source, dns.RcodeToString[int(out[3]&0xf)])
	}
}
