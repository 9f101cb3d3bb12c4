package server

import (
	"net/netip"
	"sync"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vpcdns/vpcdns/internal/cache"
	"github.com/vpcdns/vpcdns/internal/querylog"
	"github.com/vpcdns/vpcdns/internal/view"
	"github.com/vpcdns/vpcdns/internal/wire"
)

// memoLimit bounds the questions remembered per VPC; past it, new
// questions take the full path every time (still correct, only slower).
const memoLimit = 1 << 17

// memoEntry is what one question of one VPC resolves to, remembered so the
// fast path can answer the next identical question from bytes.
type memoEntry struct {
	// local is the packed reply vpcdns made itself (private hosted zone or
	// autodefined), without OPT, its question in lower case; nil for a
	// forward. A view never changes, so neither does this reply.
	local   []byte
	answers []querylog.Answer // the local reply's answers, for the query log

	// key is the cache key of a forwarded question.
	key    cache.Key
	source string // the winning candidate's source, for metrics
	// rcode and counted are the rcode of the reply when it was remembered
	// and its query counter (nil without metrics): the labels of a hit are
	// almost always the same, and looking the counter up costs more than
	// the rest of the hit.
	rcode   int
	counted prometheus.Counter
	qname   string // as logged: lower case, trailing dot
	qtype   string
	qclass  string

	// The DNS Firewall's part: the matches counted on each hit, the
	// rule the query log names, and inspect, set for a forwarded answer
	// whose CNAME/DNAME chain the firewall must see (a cached reply with
	// one takes the full path).
	fwCounted []prometheus.Counter
	fwGroup   string
	fwAction  string
	fwList    string
	inspect   bool
}

// memoTable holds the entries of one VPC.
type memoTable struct {
	mu sync.RWMutex
	m  map[string]*memoEntry
}

func (t *memoTable) get(key []byte) *memoEntry {
	t.mu.RLock()
	e := t.m[string(key)] // no allocation: the compiler converts in place
	t.mu.RUnlock()
	return e
}

func (t *memoTable) put(key []byte, e *memoEntry) {
	t.mu.Lock()
	if len(t.m) >= memoLimit {
		t.m = make(map[string]*memoEntry) // start over rather than keep stale favourites
	}
	t.m[string(key)] = e
	t.mu.Unlock()
}

// remember records what x resolved to, so that the next identical question
// from the same VPC takes the fast path. Called with the reply before OPT
// and truncation are applied.
func (s *Server) remember(x *exchange, resp *dns.Msg) {
	s.rememberRcode(x, resp.Rcode, resp)
}

// rememberRcode is remember for a reply with rcode; resp may be nil for a
// forwarded answer (only a local one is packed from it).
func (s *Server) rememberRcode(x *exchange, rcode int, resp *dns.Msg) {
	q := x.wq
	if q == nil || x.volatile || x.vpc == nil || x.decision.Winner == nil || x.q.Qtype == dns.TypeANY || x.q.Qclass != dns.ClassINET {
		return // not a question the fast path reads, or one it never answers
	}
	t := x.st.memo[x.vpc]
	if t == nil || t.get(q.QKey()) != nil {
		return
	}
	w := x.decision.Winner
	local := w.Local() || x.fw.made
	if x.fw.failed && !x.fw.made {
		return // failed open: every query asks the firewall again
	}
	if local && resp == nil {
		return
	}
	if !local && !x.cached && !x.popular {
		// A forwarded question is remembered the second time it is asked,
		// when the cache answered it, or when other clients asked it while
		// it was answered (popular): a stream of names asked once (a
		// cache-missing workload) then costs the fast path nothing.
		return
	}
	e := &memoEntry{
		source:  w.Source.String(),
		inspect: x.vpc.Firewall != nil && !x.fw.trusted,
		qname:   x.qname.String(),
		qtype:   querylog.TypeString(x.q.Qtype),
		qclass:  querylog.ClassString(x.q.Qclass),
	}
	if x.fw.made {
		e.source = "firewall"
	}
	if r := x.fw.d.Logged(); r != nil {
		e.fwGroup, e.fwAction, e.fwList = r.GroupID, r.Action.String(), r.ListID
	}
	e.rcode = rcode
	if m := s.opts.Metrics; m != nil {
		e.counted = m.QueryCounter(x.vpc.Config.ID, e.source, dns.RcodeToString[rcode])
		for _, r := range x.fw.d.Alerts() {
			e.fwCounted = append(e.fwCounted, m.FirewallMatchCounter(x.vpc.Config.ID, r.GroupID, "ALERT"))
		}
		if r := x.fw.d.Acted; r != nil {
			e.fwCounted = append(e.fwCounted, m.FirewallMatchCounter(x.vpc.Config.ID, r.GroupID, r.Action.String()))
		}
		if x.fw.failed { // failed closed: the SERVFAIL is remembered
			e.fwCounted = append(e.fwCounted, m.FirewallFailures.WithLabelValues(x.vpc.Config.ID, "fail_closed"))
		}
	}
	if local {
		m := resp.Copy()
		m.Id = 0
		m.Question[0].Name = x.qname.String()
		m.Extra = nil
		m.Compress = true // as finish packs every reply
		b, err := m.Pack()
		if err != nil || len(b) > 4096 {
			return
		}
		e.local = b
		if x.st.qlog != nil {
			e.answers = querylog.Answers(resp) // only the query log reads them
		}
	} else {
		e.key = cache.Key{Scope: w.Forward.Scope, Name: x.qname, Type: x.q.Qtype, Class: x.q.Qclass}
	}
	t.put(q.QKey(), e)
}

// fast answers query, which the caller parsed into q, from remembered bytes
// when it can: a local answer, or a forwarded one the cache holds. It
// appends the reply to out and reports false when the query needs the full
// path. now is the server's clock, read once per batch of datagrams; tcp
// says the query came over TCP (no UDP size limit; logged as TCP). It
// allocates nothing on a hit (the query log, when on, takes one record).
func (s *Server) fast(owner string, query []byte, src netip.AddrPort, now time.Time, out []byte, q *wire.Query, tcp bool) ([]byte, bool) {
	st := s.state.Load()
	vpc := st.vpcFor(owner, src.Addr())
	if vpc == nil || !vpc.Config.DNSSupport {
		return out, false
	}
	t := st.memo[vpc]
	if t == nil {
		return out, false
	}
	e := t.get(q.QKey())
	if e == nil {
		return out, false
	}
	var resp []byte
	if e.local != nil {
		resp = append(out, e.local...)
	} else {
		if st.cache == nil || st.logsCacheHits[vpc] {
			return out, false
		}
		k := e.key
		var status cache.Status
		resp, status = st.cache.GetAt(k, q.ID, out, now)
		if status != cache.Hit {
			return out, false
		}
		if e.inspect && hasRedirect(resp[len(out):]) {
			return out, false
		}
	}
	resp, ok := wire.FinishReply(resp, query, q, tcp)
	if !ok {
		return out, false
	}
	s.recordFast(st, owner, vpc, e, resp, src, now, tcp)
	return resp, true
}

// recordFast counts a fast-path answer and logs it when the VPC logs
// queries (local answers only: AWS does not log cache hits).
func (s *Server) recordFast(st *state, owner string, vpc *view.VPC, e *memoEntry, resp []byte, src netip.AddrPort, now time.Time, tcp bool) {
	rcode := int(resp[3] & 0xf)
	if e.counted != nil && rcode == e.rcode {
		e.counted.Inc()
	} else if m := s.opts.Metrics; m != nil {
		m.Query(vpc.Config.ID, e.source, dns.RcodeToString[rcode])
	}
	for _, c := range e.fwCounted {
		c.Inc()
	}
	if st.qlog == nil || e.local == nil {
		return
	}
	endpoint := st.endpoints[owner] // local answers: the inbound endpoint asked, if any
	transport := "UDP"
	if tcp {
		transport = "TCP"
	}
	st.qlog.Log(querylog.Record{
		AccountID:      st.net.AccountID,
		Region:         vpc.Config.Region,
		VPCID:          vpc.Config.ID,
		QueryTimestamp: now.UTC(),
		QueryName:      e.qname,
		QueryType:      e.qtype,
		QueryClass:     e.qclass,
		Rcode:          querylog.RcodeString(rcode),
		Answers:        e.answers,
		SrcAddr:        src.Addr(),
		SrcPort:        src.Port(),
		Transport:      transport,
		SrcIDs:         querylog.SrcIDs{Instance: st.instances[instanceKey{vpc.Config.ID, src.Addr()}], ResolverEndpoint: endpoint},

		FirewallRuleGroupID:  e.fwGroup,
		FirewallRuleAction:   e.fwAction,
		FirewallDomainListID: e.fwList,
	})
}
