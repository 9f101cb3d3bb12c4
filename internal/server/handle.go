package server

import (
	"context"
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
	"github.com/vpcdns/vpcdns/internal/netpath"
	"github.com/vpcdns/vpcdns/internal/querylog"
	"github.com/vpcdns/vpcdns/internal/view"
	"github.com/vpcdns/vpcdns/internal/wire"
)

// queryHandler answers the queries of one socket owner ("vpc:ID",
// "endpoint:ID" or "shared").
type queryHandler struct {
	s     *Server
	owner string
}

// exchange is one query on its way through the pipeline.
type exchange struct {
	st       *state
	vpc      *view.VPC
	req      *dns.Msg
	src      netip.AddrPort
	tcp      bool
	qname    dnsname.Name
	q        dns.Question
	decision view.Decision
	cached   bool
	// volatile marks a reply that is not fixed by the view (a local CNAME
	// chased through a forward): the fast path must not remember it.
	volatile bool
	endpoint string // srcids.resolver_endpoint
	// wq is the query as the fast path parsed it (UDP only); nil when it
	// could not, and then nothing is remembered for the fast path.
	wq *wire.Query
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
	x := &exchange{st: st, req: req, src: addrPort(w.RemoteAddr()), wq: wq}
	_, x.tcp = w.RemoteAddr().(*net.TCPAddr)
	x.vpc = st.vpcFor(h.owner, x.src.Addr())
	x.endpoint = st.endpoints[h.owner]

	resp := s.answer(x)
	if resp == nil {
		written = true // DNS support off: no answer at all, as on AWS
		return
	}
	s.remember(x, resp)
	fitEDNS(req, resp, x.tcp)
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
	resp := new(dns.Msg)
	resp.SetRcode(req, rcodeFor(errPanic))
	resp.RecursionAvailable = true
	fitEDNS(req, resp, w.RemoteAddr().Network() == "tcp")
	_ = w.WriteMsg(resp)
}

// answer builds the reply to x.req, or nil when the query gets none.
func (s *Server) answer(x *exchange) *dns.Msg {
	req := x.req
	resp := new(dns.Msg)
	resp.SetReply(req)
	resp.RecursionAvailable = true
	resp.CheckingDisabled = false
	if x.vpc == nil {
		resp.Rcode = dns.RcodeRefused // never an open resolver (§1.4)
		return resp
	}
	if !x.vpc.Config.DNSSupport {
		return nil
	}
	if req.Opcode != dns.OpcodeQuery {
		resp.Rcode = dns.RcodeNotImplemented
		return resp
	}
	if len(req.Question) != 1 {
		resp.Rcode = dns.RcodeFormatError
		return resp
	}
	x.q = req.Question[0]
	x.qname = dnsname.FromWire(x.q.Name)
	if x.q.Qclass != dns.ClassINET {
		resp.Rcode = dns.RcodeRefused
		return resp
	}
	x.decision = x.vpc.Decide(x.qname)
	w := x.decision.Winner
	if x.q.Qtype == dns.TypeANY {
		// RFC 8482 §4.2: a minimal answer instead of everything.
		resp.Answer = []dns.RR{&dns.HINFO{
			Hdr: dns.RR_Header{Name: x.q.Name, Rrtype: dns.TypeHINFO, Class: dns.ClassINET, Ttl: 3600},
			Cpu: "RFC8482",
		}}
		return resp
	}
	if w.Local() {
		a := x.vpc.Answer(w, x.qname, x.q.Qtype)
		resp.Rcode, resp.Answer, resp.Ns = a.Rcode, a.Answer, a.Ns
		s.chase(x, resp)
		return resp
	}
	return s.forward(x, resp, w.Forward)
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
		if resp.Rcode != dns.RcodeSuccess || len(resp.Answer) == 0 || x.q.Qtype == dns.TypeCNAME {
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
				return // a loop
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
		if opt := x.req.IsEdns0(); opt != nil {
			q.SetEdns0(opt.UDPSize(), opt.Do())
		}
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
// through f's targets; a stale answer is used only when every target failed
// (RFC 8767).
func (s *Server) lookupForward(x *exchange, req *dns.Msg, qname dnsname.Name, f *view.Forward) (*dns.Msg, error) {
	q := req.Question[0]
	c := x.st.cache // nil: the cache is off
	key := cache.Key{Scope: f.Scope, Name: qname, Type: q.Qtype, Class: q.Qclass, DO: doBit(req)}
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
	targets := x.st.targets[f]
	if len(targets) == 0 {
		return nil, errNoForwarders
	}
	ctx, cancel := context.WithTimeout(s.ctx, x.st.net.Emulation.TotalTimeout+100*time.Millisecond)
	defer cancel()
	m, trace, err := x.st.fwd.Exchange(ctx, req, targets, s.pathFunc(x.st, f))
	s.observeForward(f, trace)
	if err != nil {
		if status == cache.Stale {
			x.cached = true
			return cached, nil
		}
		return nil, err
	}
	if c != nil {
		c.Put(key, m)
	}
	return m, nil
}

// reply copies an upstream or cached answer into resp, which already has
// the client's ID, question and flags. AA and AD are never set (§5).
func reply(resp, m *dns.Msg) *dns.Msg {
	resp.Rcode = m.Rcode
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

// fitEDNS echoes OPT when the query had one and truncates a UDP answer to
// what the client accepts (RFC 6891); the full answer is there over TCP.
func fitEDNS(req, resp *dns.Msg, tcp bool) {
	size := dns.MinMsgSize
	if opt := req.IsEdns0(); opt != nil {
		if s := int(opt.UDPSize()); s > size {
			size = s
		}
		resp.SetEdns0(wire.AdvertisedUDPSize, false)
	}
	if tcp {
		size = dns.MaxMsgSize
	}
	resp.Truncate(size)
}

func doBit(m *dns.Msg) bool {
	opt := m.IsEdns0()
	return opt != nil && opt.Do()
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

// record writes the query log and the metrics of one answered query.
func (s *Server) record(x *exchange, resp *dns.Msg) {
	source := "refused"
	if x.decision.Winner != nil {
		source = x.decision.Winner.Source.String()
	}
	vpcID := ""
	if x.vpc != nil {
		vpcID = x.vpc.Config.ID
	}
	if m := s.opts.Metrics; m != nil {
		m.Query(vpcID, source, dns.RcodeToString[resp.Rcode])
	}
	if x.st.qlog == nil || x.vpc == nil || x.q.Name == "" {
		return
	}
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
	x.st.qlog.Log(rec)
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
