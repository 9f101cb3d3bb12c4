package server

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"runtime/debug"
	"slices"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/cache"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/forward"
	"github.com/vpcdns/vpcdns/internal/metrics"
	"github.com/vpcdns/vpcdns/internal/netpath"
	"github.com/vpcdns/vpcdns/internal/querylog"
	"github.com/vpcdns/vpcdns/internal/view"
	"github.com/vpcdns/vpcdns/internal/wire"
	"github.com/vpcdns/vpcdns/internal/zone"
)

// queryHandler answers the queries of one socket owner ("vpc:ID",
// "endpoint:ID" or "shared").
type queryHandler struct {
	s     *Server
	owner string
}

// exchange is one query on its way through the pipeline.
type exchange struct {
	srv      *Server
	st       *state
	vpc      *view.VPC
	req      *dns.Msg
	src      netip.AddrPort
	tcp      bool
	qname    dnsname.Name
	q        dns.Question
	decision view.Decision
	cached   bool
	// stale marks an answer served from the cache past its TTL (RFC
	// 8767): the reply says so with Extended DNS Error 3 (RFC 8914).
	stale bool
	// volatile marks a reply that is not fixed by the view (a local CNAME
	// chased through a forward): the fast path must not remember it.
	volatile bool
	endpoint string // srcids.resolver_endpoint
	// wq is the query as the fast path parsed it (UDP only); nil when it
	// could not, and then nothing is remembered for the fast path.
	wq *wire.Query
	// fw is what the DNS Firewall did with the query (firewall.go).
	fw fwState

	// The wire route of a forward (wireForward): w writes the reply;
	// deferred says a follower of a cache miss in flight, answered when
	// the leader's answer comes; answered that the reply went out already;
	// fwdErr is a failed forward's, answered through a dns.Msg.
	w        dns.ResponseWriter
	deferred bool
	answered bool
	fwdErr   error
	// fallback is the answer that the wire route could not send as it is
	// (too large for the client's UDP size): the dns.Msg route cuts it.
	fallback *dns.Msg
	// lead is the placeholder whose followers get this query's answer
	// (follow.go): finished with the answer on the wire route, released
	// to the full path on every other.
	lead *pending
	// popular marks a forwarded question that others asked while it was
	// answered: remembered for the fast path at once.
	popular bool
}

func (h queryHandler) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	h.serve(w, req, nil)
}

// serve answers req; wq is its fast-path parse when it came over UDP and
// could be read that way.
func (h queryHandler) serve(w dns.ResponseWriter, req *dns.Msg, wq *wire.Query) {
	s := h.s
	written := false
	defer s.recoverQuery(w, req, &written)
	st := s.state.Load()
	x := &exchange{srv: s, st: st, req: req, wq: wq, w: w}
	if uw, ok := w.(*udpWriter); ok {
		x.src, _ = uw.RemoteAddrPort()
		x.lead = uw.lead
		defer func() {
			if !x.deferred {
				s.release(x.lead) // nothing when finished: the followers have their answer
			}
		}()
	} else if ap, ok := w.(addrPorter); ok {
		x.src, x.tcp = ap.RemoteAddrPort()
	} else {
		ra := w.RemoteAddr()
		x.src = addrPort(ra)
		_, x.tcp = ra.(*net.TCPAddr)
	}
	x.vpc = st.vpcFor(h.owner, x.src.Addr())
	x.endpoint = st.endpoints[h.owner]

	resp := s.answer(x)
	if x.deferred || x.answered {
		written = true // a follower answered later, or the wire route's reply sent
		return
	}
	if resp == nil {
		written = true // DNS support off (no answer at all, as on AWS), or a response
		return
	}
	s.remember(x, resp)
	if x.stale {
		// RFC 8914 Extended DNS Error 3, Stale Answer: dig shows it, and doctor
		// tells a stale answer from a resolved one.
		finish(req, resp, x.tcp, &dns.EDNS0_EDE{InfoCode: dns.ExtendedErrorCodeStaleAnswer})
	} else {
		finish(req, resp, x.tcp)
	}
	written = true
	if err := w.WriteMsg(resp); err != nil {
		s.log.Debug("write reply", "src", x.src, "err", err)
	}
	s.record(x, resp)
}

// recoverQuery, deferred by a handler, turns a panic while answering one
// query into an error log and, unless a reply was already written, that
// query's SERVFAIL: one bad query never stops the server (a panic in a
// query's goroutine would otherwise end the process).
func (s *Server) recoverQuery(w dns.ResponseWriter, req *dns.Msg, written *bool) {
	p := recover()
	if p == nil {
		return
	}
	s.log.Error("panic while answering a query", "src", w.RemoteAddr().String(),
		"question", fmt.Sprint(req.Question), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	if *written {
		return
	}
	resp := newReply(req, true)
	resp.Rcode = rcodeFor(errPanic)
	finish(req, resp, w.RemoteAddr().Network() == "tcp")
	_ = w.WriteMsg(resp)
}

// answer builds the reply to x.req, or nil when the query gets none (or
// the wire route answered it: x.answered, x.deferred).
func (s *Server) answer(x *exchange) *dns.Msg {
	req := x.req
	if req.Response {
		s.drop(metrics.DropResponse)
		return nil // a response: never answered (no reflection), on TCP as on UDP
	}
	if x.vpc != nil && !x.vpc.Config.DNSSupport {
		return nil
	}
	if rc := ednsRcode(req); rc != dns.RcodeSuccess {
		return rcodeReply(req, rc) // FORMERR or BADVERS, before anything else (RFC 6891 §6.1.3)
	}
	if x.vpc == nil {
		return rcodeReply(req, dns.RcodeRefused) // never an open resolver (§1.4)
	}
	if req.Opcode != dns.OpcodeQuery {
		return rcodeReply(req, dns.RcodeNotImplemented)
	}
	if len(req.Question) != 1 {
		return rcodeReply(req, dns.RcodeFormatError)
	}
	x.q = req.Question[0]
	x.qname = dnsname.FromWire(x.q.Name)
	if x.q.Qclass != dns.ClassINET {
		return rcodeReply(req, dns.RcodeRefused)
	}
	if rc := qtypeRcode(x.q.Qtype); rc != dns.RcodeSuccess {
		return rcodeReply(req, rc)
	}
	x.decision = x.vpc.Decide(x.qname)
	w := x.decision.Winner
	fw := x.vpc.Firewall != nil
	if !fw && !w.Local() && x.wq != nil && x.st.qlog == nil {
		// The wire route: no dns.Msg for the answer unless it needs one.
		if s.wireForward(x, w.Forward) {
			return nil // answered, or to be answered (a follower)
		}
		resp := newReply(req, true)
		if x.fwdErr != nil {
			resp.Rcode = rcodeFor(x.fwdErr)
			return resp
		}
		if x.fallback != nil {
			return reply(resp, x.fallback)
		}
		return s.forward(x, resp, w.Forward)
	}
	resp := newReply(req, true)
	if fw && s.firewallQuery(x, resp) {
		return resp
	}
	if w.Local() {
		a := x.vpc.Answer(w, x.qname, x.q.Qtype)
		if x.q.Qtype == dns.TypeANY {
			a = minimalANY(x.q.Name, a)
		}
		resp.Rcode, resp.Answer, resp.Ns = a.Rcode, a.Answer, a.Ns
		s.chase(x, resp)
		if fw {
			s.firewallChain(x, resp)
		}
		return resp
	}
	resp = s.forward(x, resp, w.Forward)
	if fw {
		s.firewallChain(x, resp)
	}
	return resp
}

// rcodeReply is the reply to req with rcode and no records.
func rcodeReply(req *dns.Msg, rcode int) *dns.Msg {
	resp := newReply(req, true)
	resp.Rcode = rcode
	return resp
}

// minimalANY answers ANY for a name vpcdns holds as RFC 8482 §4.1–4.2 lets
// it: a name that does not exist, or exists without records (an empty
// non-terminal), keeps its NXDOMAIN or NODATA with the SOA; a CNAME owner
// gets its CNAME (a synthesized HINFO is allowed only "if there is no CNAME
// present at the owner name"); any other name one HINFO "RFC8482" instead
// of everything it has. A forwarded ANY is the target's to answer.
func minimalANY(qname string, a zone.Answer) zone.Answer {
	if a.Rcode != dns.RcodeSuccess || len(a.Answer) == 0 {
		return a
	}
	for _, rr := range a.Answer {
		if rr.Header().Rrtype == dns.TypeCNAME {
			return zone.Answer{Rcode: dns.RcodeSuccess, Answer: []dns.RR{rr}}
		}
	}
	return zone.Answer{Rcode: dns.RcodeSuccess, Answer: []dns.RR{&dns.HINFO{
		Hdr: dns.RR_Header{Name: qname, Rrtype: dns.TypeHINFO, Class: dns.ClassINET, Ttl: 3600},
		Cpu: "RFC8482",
	}}}
}

// maxChase bounds the CNAME targets followed out of local zones for one
// query.
const maxChase = 8

// chase follows a CNAME that leaves the zone which answered, as Route 53
// Resolver does for a private hosted zone's CNAME to another domain: the
// target is resolved for the same VPC by the same rules (another zone, an
// autodefined name, or a forward) and its records are appended; the rcode
// is the last name's (RFC 6604).
func (s *Server) chase(x *exchange, resp *dns.Msg) {
	for range maxChase {
		if resp.Rcode != dns.RcodeSuccess || len(resp.Answer) == 0 || x.q.Qtype == dns.TypeCNAME || x.q.Qtype == dns.TypeANY {
			return
		}
		cn, ok := resp.Answer[len(resp.Answer)-1].(*dns.CNAME)
		if !ok {
			return
		}
		target, err := dnsname.Parse(cn.Target)
		if err != nil {
			return
		}
		for _, rr := range resp.Answer {
			if dnsname.FromWire(rr.Header().Name) == target {
				// A loop across zones: SERVFAIL, as inside one (zone.Lookup).
				resp.Rcode, resp.Answer, resp.Ns = dns.RcodeServerFailure, nil, nil
				return
			}
		}
		d := x.vpc.Decide(target)
		if d.Winner == nil {
			return
		}
		if d.Winner.Local() {
			a := x.vpc.Answer(d.Winner, target, x.q.Qtype)
			resp.Answer = slices.Concat(resp.Answer, a.Answer)
			resp.Rcode, resp.Ns = a.Rcode, a.Ns
			continue
		}
		// The rest of the chain is the forward target's to answer: the
		// reply is no longer fixed by the view, so it is not remembered.
		x.volatile = true
		q := new(dns.Msg).SetQuestion(target.String(), x.q.Qtype)
		m, err := s.lookupForward(x, q, target, d.Winner.Forward)
		if err != nil {
			resp.Rcode, resp.Ns = rcodeFor(err), nil
			return
		}
		resp.Answer = slices.Concat(resp.Answer, m.Answer)
		resp.Rcode, resp.Ns = m.Rcode, m.Ns
		return
	}
}

// forward answers from the cache or through the forwarder (behaviour.md §6).
func (s *Server) forward(x *exchange, resp *dns.Msg, f *view.Forward) *dns.Msg {
	if f.Endpoint != nil {
		x.endpoint = f.Endpoint.ID
	}
	m, err := s.lookupForward(x, x.req, x.qname, f)
	if err != nil {
		resp.Rcode = rcodeFor(err)
		return resp
	}
	return reply(resp, m)
}

// lookupForward answers req, whose question is qname, from the cache or
// through f's targets. An expired entry still in the serve-stale window is
// used as RFC 8767 §5 suggests: the targets are asked, and when they have
// not answered after Options.StaleAnswerAfter (1.8 s) the stale answer goes
// out while the refresh goes on; once a refresh has failed, the stale
// answer is given at once, without asking, for Options.StaleRecheck (30 s).
func (s *Server) lookupForward(x *exchange, req *dns.Msg, qname dnsname.Name, f *view.Forward) (*dns.Msg, error) {
	q := req.Question[0]
	c := x.st.cache // nil: the cache is off
	// No DO in the key: no client option ever goes upstream (forward's
	// upstream query), so every client gets the same answer.
	key := cache.Key{Scope: f.Scope, Name: qname, Type: q.Qtype, Class: q.Qclass}
	var (
		cached *dns.Msg
		status = cache.Miss
	)
	if c != nil {
		cached, status = c.GetMsg(key, req.Id)
	}
	if status == cache.Hit {
		x.cached = true
		return cached, nil
	}
	targets := x.st.targetsOf(f)
	if len(targets) == 0 {
		if status == cache.Stale {
			x.cached, x.stale = true, true
			return cached, nil
		}
		return nil, errNoForwarders
	}
	if status != cache.Stale {
		return s.fetch(x.st, req, key, targets, f)
	}
	x.cached, x.stale = true, true
	if !s.stale.begin(key, s.opts.Now(), s.opts.StaleRecheck) {
		return cached, nil // failed lately, or being refreshed: stale at once
	}
	done := make(chan *dns.Msg, 1)
	go func() {
		m, err := s.fetch(x.st, req, key, targets, f)
		s.stale.end(key, err == nil, s.opts.Now())
		done <- m
	}()
	timer := time.NewTimer(s.opts.StaleAnswerAfter)
	defer timer.Stop()
	select {
	case m := <-done:
		if m != nil {
			x.cached, x.stale = false, false
			return m, nil
		}
	case <-timer.C:
	}
	return cached, nil
}

// fetch asks f's targets and caches their answer, its TTLs clamped as the
// cache clamps them (so the first answer agrees with every later one).
func (s *Server) fetch(st *state, req *dns.Msg, key cache.Key, targets []forward.Target, f *view.Forward) (*dns.Msg, error) {
	b, err := s.fetchWire(st, req.Question[0], key, targets, f)
	if err != nil {
		return nil, err
	}
	m := new(dns.Msg)
	if err := m.Unpack(b); err != nil {
		return nil, fmt.Errorf("forward %s: unpack answer: %w", key.Name, err)
	}
	m.Id = req.Id
	m.Question[0] = req.Question[0]
	return m, nil
}

// fetchWire is fetch in wire form: the answer packed (no OPT, TTLs
// clamped), shared with the other clients of the same question in flight:
// the caller must not change it. The cache keeps a copy of its own.
func (s *Server) fetchWire(st *state, q dns.Question, key cache.Key, targets []forward.Target, f *view.Forward) ([]byte, error) {
	// Clients asking the same question through the same forward while it
	// is on its way share its one upstream query (and its outcome).
	b, err, _ := s.inflight.Do(flightKey{key, f}, func() ([]byte, error) {
		tr := s.traces.Get().(*forward.Trace)
		defer s.traces.Put(tr)
		tr.Attempts = tr.Attempts[:0]
		// No context with a timeout of its own (a timer per cache miss):
		// the forwarder keeps to emulation.forwarding's total budget.
		b, err := st.fwd.ExchangeWire(s.ctx, q, 0, targets, st.pathOf(f), tr, nil)
		s.observeForward(f, *tr)
		if err != nil {
			return nil, err
		}
		st.cache.ClampWire(b)
		if st.cache != nil {
			st.cache.PutWire(key, b)
		}
		return b, nil
	})
	return b, err
}

// maxFollowers bounds the clients answered later (Join) per question in
// flight; past it, they wait in their goroutines.
const maxFollowers = 1024

// wireForward answers x, a forwarded question of a UDP or TCP query the
// fast parser read, in wire form: from the cache or the forwarder's bytes,
// patched for the client, with no dns.Msg. It reports false when the
// dns.Msg route must answer (stale answers, no targets, a reply too large
// for the client, a failed forward: x.fwdErr); true when the reply went
// out, or will when the leader's answer comes (x.deferred: a follower
// over UDP, with no goroutine waiting).
func (s *Server) wireForward(x *exchange, f *view.Forward) bool {
	if f.Endpoint != nil {
		x.endpoint = f.Endpoint.ID
	}
	targets := x.st.targetsOf(f)
	if len(targets) == 0 {
		return false
	}
	key := cache.Key{Scope: f.Scope, Name: x.qname, Type: x.q.Qtype, Class: x.q.Qclass}
	if c := x.st.cache; c != nil {
		bp := s.outBufs.Get().(*[]byte)
		b, status := c.Get(key, x.req.Id, (*bp)[:0])
		switch status {
		case cache.Hit:
			x.cached = true
			s.finish(x.lead, b, nil, x.decision.Winner.Source.String())
			ok := s.deliverWire(x, b)
			*bp = b[:0]
			s.outBufs.Put(bp)
			return ok
		case cache.Stale:
			s.outBufs.Put(bp)
			return false
		}
		s.outBufs.Put(bp)
	}
	fk := flightKey{key, f}
	if !x.tcp && s.inflight.Join(fk, maxFollowers, x) {
		x.deferred = true
		return true
	}
	b, err := s.fetchWire(x.st, x.q, key, targets, f)
	// A question that had followers is asked again soon: remembered for
	// the fast path now, not at the next cache hit.
	x.popular = s.finish(x.lead, b, err, x.decision.Winner.Source.String()) > 0
	if err != nil {
		x.fwdErr = err
		return false
	}
	return s.deliverWire(x, b)
}

// Done answers x, a follower of a question in flight, with the leader's
// answer b (or its error), in the leader's goroutine (inflight.Waiter).
func (x *exchange) Done(b []byte, err error) {
	s := x.srv
	s.finish(x.lead, b, err, x.decision.Winner.Source.String())
	written := false
	defer s.recoverQuery(x.w, x.req, &written)
	if err == nil && s.deliverWire(x, b) {
		written = true
		return
	}
	resp := newReply(x.req, true)
	if err != nil {
		resp.Rcode = rcodeFor(err)
	} else {
		resp = reply(resp, x.fallback)
	}
	finish(x.req, resp, x.tcp)
	written = true
	if err := x.w.WriteMsg(resp); err != nil {
		s.log.Debug("write reply", "src", x.src, "err", err)
	}
	s.record(x, resp)
}

// deliverWire sends x's client the answer b (packed, without OPT; not
// changed): copied, with the client's ID, flags, question spelling and
// EDNS. It reports false, with the answer unpacked in x.fallback, when the
// reply does not fit the client's UDP size (the dns.Msg route truncates).
func (s *Server) deliverWire(x *exchange, b []byte) bool {
	bp := s.outBufs.Get().(*[]byte)
	defer s.outBufs.Put(bp)
	out := append((*bp)[:0], b...)
	ok := len(out) >= 12 && cache.MatchCase(out, x.q.Name)
	if ok {
		out[0], out[1] = byte(x.req.Id>>8), byte(x.req.Id)
		// The question is the client's now, so the reply's own bytes
		// stand for the query's.
		out, ok = wire.FinishReply(out, out, x.wq, x.tcp)
	}
	*bp = out[:0]
	if !ok {
		m := new(dns.Msg)
		if err := m.Unpack(b); err != nil {
			m.Rcode = dns.RcodeServerFailure
			m.Answer, m.Ns, m.Extra = nil, nil, nil
		}
		x.fallback = m
		return false
	}
	rcode := int(out[3] & 0xf)
	s.rememberRcode(x, rcode, nil)
	x.answered = true
	if _, err := x.w.Write(out); err != nil {
		s.log.Debug("write reply", "src", x.src, "err", err)
	}
	s.count(x, rcode)
	return true
}

// reply copies an upstream or cached answer into resp, which already has
// the client's ID, question and flags. AA and AD are never set (§5); the
// forwarder has already removed what the target had no business sending.
func reply(resp, m *dns.Msg) *dns.Msg {
	resp.Rcode = m.Rcode
	if m.Rcode > 0xF {
		// An extended rcode answers the target's EDNS, never the client's
		// (the upstream query is vpcdns's own): the target failed.
		resp.Rcode = dns.RcodeServerFailure
	}
	resp.Answer, resp.Ns = m.Answer, m.Ns
	resp.Extra = resp.Extra[:0]
	for _, rr := range m.Extra {
		if rr.Header().Rrtype != dns.TypeOPT {
			resp.Extra = append(resp.Extra, rr)
		}
	}
	return resp
}

// pathFunc picks, for each attempt, an endpoint address at random and says
// whether the modeled path from it to the target is open (§6.2, §7) and
// the address is within its queries per second (docs/limits.md): a query
// past the limit is dropped like one on a blocked path.
func (s *Server) pathFunc(st *state, f *view.Forward) forward.PathFunc {
	if f.Endpoint == nil {
		return nil
	}
	pick := pathPicker(f)
	lim, id := st.lim, f.Endpoint.ID
	if lim.outbound == nil {
		return pick // no endpoint limit in force
	}
	return func(t forward.Target, p forward.Proto) (netip.Addr, bool) {
		ip, open := pick(t, p)
		if open && ip.IsValid() && !lim.admitOutbound(id, ip, s.opts.Now()) {
			return ip, false
		}
		return ip, open
	}
}

// pathPicker picks, for each attempt, an endpoint address at random and says
// whether the modeled path from it to the target is open.
func pathPicker(f *view.Forward) forward.PathFunc {
	return func(t forward.Target, p forward.Proto) (netip.Addr, bool) {
		proto := config.ProtoUDP
		if p == forward.TCP {
			proto = config.ProtoTCP
		}
		for i := range f.Targets {
			vt := &f.Targets[i]
			if vt.Modeled != t.Modeled {
				continue
			}
			n := 0
			for _, path := range vt.Paths {
				if path.Protocol == proto {
					n++
				}
			}
			pick := rand.IntN(max(n, 1))
			for _, path := range vt.Paths {
				if path.Protocol != proto {
					continue
				}
				if pick == 0 {
					return path.EndpointIP, path.Verdict == netpath.OK
				}
				pick--
			}
		}
		return netip.Addr{}, true
	}
}

// addrPorter is a dns.ResponseWriter that gives its client's address
// without making a net.Addr (two allocations): tcp says the query came
// over TCP.
type addrPorter interface {
	RemoteAddrPort() (ap netip.AddrPort, tcp bool)
}

func addrPort(a net.Addr) netip.AddrPort {
	switch a := a.(type) {
	case *net.UDPAddr:
		ap := a.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	case *net.TCPAddr:
		ap := a.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	return netip.AddrPort{}
}

// drop counts something dropped without an answer (metrics.Drop*).
func (s *Server) drop(reason string) {
	if m := s.opts.Metrics; m != nil {
		m.Drop(reason)
	}
}

// formErr counts a FORMERR sent for a message that does not unpack: it
// belongs to no VPC and no answer source.
func (s *Server) formErr() {
	if m := s.opts.Metrics; m != nil {
		m.Query("", "malformed", dns.RcodeToString[dns.RcodeFormatError])
	}
}

// record writes the query log and the metrics of one answered query.
func (s *Server) record(x *exchange, resp *dns.Msg) {
	s.count(x, resp.Rcode)
	if x.st.qlog == nil || x.vpc == nil || x.q.Name == "" {
		return
	}
	vpcID := x.vpc.Config.ID
	transport := "UDP"
	if x.tcp {
		transport = "TCP"
	}
	rec := querylog.Record{
		AccountID:      x.st.net.AccountID,
		Region:         x.vpc.Config.Region,
		VPCID:          vpcID,
		QueryTimestamp: s.opts.Now().UTC(),
		QueryName:      dns.Fqdn(x.q.Name),
		QueryType:      querylog.TypeString(x.q.Qtype),
		QueryClass:     querylog.ClassString(x.q.Qclass),
		Rcode:          querylog.RcodeString(resp.Rcode),
		Answers:        querylog.Answers(resp),
		SrcAddr:        x.src.Addr(),
		SrcPort:        x.src.Port(),
		Transport:      transport,
		SrcIDs:         querylog.SrcIDs{Instance: x.st.instances[instanceKey{vpcID, x.src.Addr()}], ResolverEndpoint: x.endpoint},
		CacheHit:       x.cached,
	}
	logFirewall(&rec, &x.fw.d)
	x.st.qlog.Log(rec)
}

// count counts one answered query in the metrics (and the firewall's).
func (s *Server) count(x *exchange, rcode int) {
	source := "refused"
	if x.decision.Winner != nil {
		source = x.decision.Winner.Source.String()
	}
	if x.fw.made {
		source = "firewall"
	}
	s.countFirewall(x)
	if m := s.opts.Metrics; m != nil {
		vpcID := ""
		if x.vpc != nil {
			vpcID = x.vpc.Config.ID
		}
		m.Query(vpcID, source, dns.RcodeToString[rcode])
	}
}

// observeForward counts the attempts of one forward.
func (s *Server) observeForward(f *view.Forward, tr forward.Trace) {
	m := s.opts.Metrics
	if m == nil {
		return
	}
	for _, a := range tr.Attempts {
		m.ForwardAttempt(f.ID, a.Target.Modeled.String(), a.Outcome.String(), a.Duration, a.Outcome.TimedOut())
	}
	if n := tr.Failovers(); n > 0 {
		m.Failovers(f.ID, n)
	}
}

// flightKey identifies an upstream query that clients can share: the
// question as cached, and the forward of one compiled view (a reload makes
// new forwards, so nothing is shared across configurations).
type flightKey struct {
	cache.Key
	f *view.Forward
}
