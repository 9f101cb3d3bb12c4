package server

import (
	"net/netip"
	"sync"
	"sync/atomic"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/view"
	"github.com/vpcdns/vpcdns/internal/wire"
)

// Clients that ask a question already being answered are followers: they
// get the leader's answer. Over UDP the socket's reader finds them itself,
// from the bytes of the query, in the table of questions being answered:
// the first UDP query of a question that the fast path cannot answer
// leaves a placeholder there on its way to the full path, and every query
// of the same question (same VPC, same lower-cased question bytes) that
// the reader reads before that one is answered attaches to it, with no
// unpacking, no worker and no goroutine of its own. When the leader's
// answer is there (from the forwarder or the cache, over the wire route),
// the leader's goroutine writes every follower's reply; when the leader
// took another route, its followers go to the full path one by one.
// bench's W7 (many clients asking one cold name at once) is this case:
// the queries of one name often come in one batch of the reader, before
// the first of them has left the full path's queue.

// pendingKey is a question being answered as a VPC's clients ask it: the
// VPC of the compiled view (a reload makes new ones), and the lower-cased
// question bytes (wire.Query.QKey).
type pendingKey struct {
	vpc *view.VPC
	q   string
}

// pending is the placeholder of one question being answered.
type pending struct {
	key       pendingKey
	done      bool        // finished or released; under the table's lock
	followers []*follower // under the table's lock
}

// pendingTable holds the placeholders.
type pendingTable struct {
	mu   sync.Mutex
	m    map[pendingKey]*pending
	live atomic.Int64 // len(m)
}

// follower is a UDP client waiting on a placeholder: its query's bytes and
// parse, where to answer it.
type follower struct {
	u      *udpServer
	sock   *udpSocket
	src    netip.AddrPort
	vpcID  string
	source string
	q      wire.Query
	pkt    []byte
}

// follow looks the UDP query pkt (parsed into q) from src up among the
// questions being answered. A follower is attached and follow reports
// true: its reply is written with the leader's. Otherwise the query goes
// to the full path; p is the placeholder it leads (nil when the query
// cannot have followers: query log on, a firewall, another class).
func (u *udpServer) follow(c *udpSocket, pkt []byte, src netip.AddrPort, q *wire.Query) (p *pending, followed bool) {
	s := u.s
	st := s.state.Load()
	if st.qlog != nil || q.Class != dns.ClassINET {
		return nil, false
	}
	vpc := st.vpcFor(u.owner, src.Addr())
	if vpc == nil || !vpc.Config.DNSSupport || vpc.Firewall != nil {
		return nil, false
	}
	t := &s.pending
	t.mu.Lock()
	defer t.mu.Unlock()
	p = t.m[pendingKey{vpc, string(q.QKey())}] // no allocation: a lookup
	if p == nil {
		if t.m == nil {
			t.m = make(map[pendingKey]*pending)
		}
		p = &pending{key: pendingKey{vpc, string(q.QKey())}}
		t.m[p.key] = p
		t.live.Store(int64(len(t.m)))
		return p, false
	}
	if len(p.followers) >= maxFollowers {
		return nil, false
	}
	f := &follower{u: u, sock: c, src: src, vpcID: vpc.Config.ID, q: *q}
	f.pkt = append(make([]byte, 0, len(pkt)), pkt...)
	p.followers = append(p.followers, f)
	return nil, true
}

// take ends p and returns its followers; nil when p had ended already.
func (t *pendingTable) take(p *pending) []*follower {
	t.mu.Lock()
	defer t.mu.Unlock()
	if p.done {
		return nil
	}
	p.done = true
	if t.m[p.key] == p {
		delete(t.m, p.key)
		t.live.Store(int64(len(t.m)))
	}
	fs := p.followers
	p.followers = nil
	return fs
}

// finish answers p's followers with the leader's answer b (packed,
// without OPT, not changed), or the rcode of its error; source is the
// answer's source for metrics. In the leader's goroutine. It returns the
// number of followers answered.
func (s *Server) finish(p *pending, b []byte, err error, source string) int {
	if p == nil {
		return 0
	}
	fs := s.pending.take(p)
	for _, f := range fs {
		f.source = source
		f.answer(b, err)
	}
	return len(fs)
}

// release sends p's followers to the full path: the leader took a route
// that has no answer to share. Nothing happens when p was finished.
func (s *Server) release(p *pending) {
	if p == nil {
		return
	}
	for _, f := range s.pending.take(p) {
		f.u.full(f.sock, f.pkt, f.src, &f.q)
	}
}

// answer writes the follower's reply: the leader's answer b patched for
// its query, or the rcode of err.
func (f *follower) answer(b []byte, err error) {
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
