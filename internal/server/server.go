// Package server is the DNS data plane of vpcdns: it opens the UDP and TCP
// sockets of every VPC resolver, inbound endpoint and emulated authoritative
// server, works out which VPC a query belongs to, and answers it through the
// compiled view, the cache and the forwarder, logging and counting as it
// goes. A reload swaps the whole configuration at once.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/cache"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/forward"
	"github.com/vpcdns/vpcdns/internal/inflight"
	"github.com/vpcdns/vpcdns/internal/metrics"
	"github.com/vpcdns/vpcdns/internal/querylog"
	"github.com/vpcdns/vpcdns/internal/view"
)

// Options configure a Server. Zero values take the defaults.
type Options struct {
	Logger  *slog.Logger     // [discard]
	Metrics *metrics.Metrics // nil: no metrics
	// Dialer makes the forwarder's connections (tests inject one); nil
	// means a net.Dialer.
	Dialer forward.Dialer
	// Stdout is where the "stdout" query-log destination writes [os.Stdout].
	Stdout io.Writer
	// Shared are sockets whose queries belong to the VPC whose CIDR holds
	// the source address (behaviour.md §1.3).
	Shared []netip.AddrPort
	// TCPIdleTimeout closes a TCP connection with no query for this long [10s].
	TCPIdleTimeout time.Duration
	// MaxTCPConns bounds the open TCP connections of each socket [256].
	MaxTCPConns int
	// MaxTCPConnsPerClient bounds those of one source address [64].
	MaxTCPConnsPerClient int
	// QueryLogQueue is the bound of each query-log queue [4096].
	QueryLogQueue int
	// Now is the clock [time.Now].
	Now func() time.Time
	// StaleAnswerAfter is how long a query whose cache entry is stale
	// waits for the targets before the stale answer goes out [1.8s]
	// (RFC 8767 §5, the client response timer).
	StaleAnswerAfter time.Duration
	// StaleRecheck is how long after a failed refresh a stale answer is
	// given without asking the targets [30s] (RFC 8767 §5, the failure
	// recheck timer).
	StaleRecheck time.Duration
	// ReserveProcs raises GOMAXPROCS above its value at New by one per UDP
	// reader (at most two per P), whenever the sockets change. A reader
	// holds its P while it blocks in recvmmsg (udpsock_linux.go), so
	// without spare Ps the rest of the server waits for the runtime to take
	// them back. GOMAXPROCS is the process's, so only a process that runs a
	// single Server (the serve command) should set this.
	ReserveProcs bool
}

// Server serves DNS for one network at a time.
type Server struct {
	opts      Options
	log       *slog.Logger
	state     atomic.Pointer[state]
	baseProcs int // GOMAXPROCS at New

	stale  staleTracker    // refreshes of stale cache entries (RFC 8767)
	ctx    context.Context // cancelled on Shutdown; parent of every forward
	cancel context.CancelFunc

	mu        sync.Mutex // guards listeners, closed, retiring, dropped and cacheBase
	listeners map[listenSpec]*listener
	closed    bool
	// retiring holds the replaced configurations whose query logs are not
	// closed yet.
	retiring map[*state]struct{}
	dropped  uint64 // query-log records dropped by loggers already closed
	// cacheBase holds the counters of the caches that reloads replaced, so
	// that the cache metrics never go down.
	cacheBase metrics.CacheStats

	// inflight merges the cache misses that are on their way upstream.
	// Their answers are packed, shared by the clients of one query.
	inflight inflight.Group[flightKey, []byte]
	// traces are the forward.Traces of the upstream queries, reused;
	// outBufs the buffers of the replies the wire route writes.
	traces  sync.Pool // *forward.Trace
	outBufs sync.Pool // *[]byte
	// pending are the questions being answered that UDP readers attach
	// followers to (follow.go).
	pending pendingTable
}

// New compiles the network and returns a server that is not yet listening.
func New(n *config.Network, opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.TCPIdleTimeout == 0 {
		opts.TCPIdleTimeout = 10 * time.Second
	}
	if opts.MaxTCPConns == 0 {
		opts.MaxTCPConns = 256
	}
	if opts.MaxTCPConnsPerClient == 0 {
		opts.MaxTCPConnsPerClient = min(64, opts.MaxTCPConns)
	}
	if opts.QueryLogQueue == 0 {
		opts.QueryLogQueue = 4096
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.StaleAnswerAfter == 0 {
		opts.StaleAnswerAfter = 1800 * time.Millisecond
	}
	if opts.StaleRecheck == 0 {
		opts.StaleRecheck = 30 * time.Second
	}
	v, err := view.Compile(n)
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:      opts,
		log:       opts.Logger,
		listeners: map[listenSpec]*listener{},
		retiring:  map[*state]struct{}{},
		baseProcs: runtime.GOMAXPROCS(0),
	}
	s.traces.New = func() any { return new(forward.Trace) }
	s.outBufs.New = func() any {
		b := make([]byte, 0, 1024)
		return &b
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	st, err := s.newState(v, nil)
	if err != nil {
		return nil, err
	}
	s.state.Store(st)
	if m := opts.Metrics; m != nil {
		m.ObserveCache(s.cacheStats)
		m.ObserveQueryLogDrops(s.droppedLogs)
	}
	return s, nil
}

// cacheFor returns the answer cache of a configuration: the previous one
// while emulation.cache is unchanged (cache keys name the forward and its
// targets, so answers of changed rules are never served), a new one when it
// changed, and nil when max_entries is 0: the cache is off.
func (s *Server) cacheFor(e config.Emulation, prev *state) *cache.Cache {
	if e.CacheEntries <= 0 {
		return nil
	}
	if prev != nil && prev.cache != nil &&
		prev.net.Emulation.CacheEntries == e.CacheEntries && prev.net.Emulation.ServeStale == e.ServeStale {
		return prev.cache
	}
	return cache.New(cache.Options{MaxEntries: e.CacheEntries, StaleWindow: e.ServeStale, Now: s.opts.Now})
}

// cacheStats are the cache counters for metrics: the current cache's plus
// those of the caches it replaced.
func (s *Server) cacheStats() metrics.CacheStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.cacheBase
	if c := s.state.Load().cache; c != nil {
		cs := c.Stats()
		out.Hits += cs.Hits
		out.Misses += cs.Misses
		out.Evictions += cs.Evictions
		out.Entries = cs.Entries
	}
	return out
}

// forwarderFor returns the forwarder of a configuration: the previous one
// while the time budgets are unchanged, so that it keeps its memory of the
// targets that keep failing (they are tried last until they answer again),
// and a new one otherwise.
func (s *Server) forwarderFor(e config.Emulation, prev *state) *forward.Forwarder {
	if prev != nil && prev.net.Emulation.AttemptTimeout == e.AttemptTimeout && prev.net.Emulation.TotalTimeout == e.TotalTimeout {
		return prev.fwd
	}
	return forward.New(forward.Options{
		AttemptTimeout: e.AttemptTimeout,
		TotalTimeout:   e.TotalTimeout,
		Dialer:         s.opts.Dialer,
		Logger:         s.log,
	})
}

// Start opens every socket of the network. On error, the sockets opened so
// far are closed.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.openNew(s.state.Load()); err != nil {
		s.closeListeners()
		return err
	}
	s.reserveProcs()
	return nil
}

// Reload validates nothing itself (the caller passes a validated network):
// it compiles n, opens the sockets it adds, closes those it drops, and swaps
// the whole configuration at once. On error the old configuration keeps
// answering.
func (s *Server) Reload(n *config.Network) error {
	v, err := view.Compile(n)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("reload: server is shut down")
	}
	old := s.state.Load()
	st, err := s.newState(v, old)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	if err := s.openNew(st); err != nil {
		st.closeLog(context.Background())
		return fmt.Errorf("reload: %w", err)
	}
	s.state.Store(st)
	if old.cache != nil && old.cache != st.cache {
		cs := old.cache.Stats()
		s.cacheBase.Hits += cs.Hits
		s.cacheBase.Misses += cs.Misses
		s.cacheBase.Evictions += cs.Evictions
	}
	s.closeStale(st)
	s.reserveProcs()
	// Queries in flight under the old configuration may still log; close
	// its logger once they are done (or at Shutdown, whichever is first).
	s.retiring[old] = struct{}{}
	time.AfterFunc(old.net.Emulation.TotalTimeout+time.Second, func() { s.retire(old) })
	return nil
}

// newState builds the state of v; prev is the state it replaces (nil at
// start), whose cache it keeps when it can.
func (s *Server) newState(v *view.View, prev *state) (*state, error) {
	st, err := newState(v, s.opts.Stdout, querylog.Options{Queue: s.opts.QueryLogQueue, Log: s.log})
	if err != nil {
		return nil, err
	}
	st.cache = s.cacheFor(v.Network.Emulation, prev)
	st.fwd = s.forwarderFor(v.Network.Emulation, prev)
	st.lim = newLimiter(v.Network, s.opts.Metrics)
	// The path of each forward, built once (not two closures per cache miss).
	for f := range st.targets {
		st.paths[f] = s.pathFunc(st, f)
	}
	return st, nil
}

// retire closes the query log of a configuration that no longer answers,
// once, keeping the count of what it dropped.
func (s *Server) retire(st *state) {
	s.mu.Lock()
	_, pending := s.retiring[st]
	delete(s.retiring, st)
	s.mu.Unlock()
	if cur := s.state.Load(); pending && (cur == nil || cur.fwd != st.fwd) {
		st.fwd.CloseIdle() // its kept upstream TCP connections
	}
	if !pending || st.qlog == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st.closeLog(ctx)
	s.mu.Lock()
	s.dropped += st.qlog.Dropped()
	s.mu.Unlock()
}

// Addrs returns the bound addresses of the sockets of one owner ("vpc:ID",
// "endpoint:ID", "auth:ID" or "shared"), UDP and TCP sharing each port.
func (s *Server) Addrs(owner string) []netip.AddrPort {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []netip.AddrPort
	for spec, l := range s.listeners {
		if spec.owner == owner {
			out = append(out, l.addr)
		}
	}
	return out
}

// Shutdown stops every socket, waits for the queries in flight (until ctx
// ends) and flushes the query logs.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	ls := s.listeners
	s.listeners = map[listenSpec]*listener{}
	s.mu.Unlock()
	var errs []error
	for _, l := range ls {
		errs = append(errs, l.shutdown(ctx))
	}
	s.mu.Lock()
	s.reserveProcs() // back to the value at New, once the readers are gone
	s.mu.Unlock()
	s.cancel()
	s.mu.Lock()
	old := make([]*state, 0, len(s.retiring))
	for st := range s.retiring {
		old = append(old, st)
	}
	s.mu.Unlock()
	for _, st := range old {
		s.retire(st) // their queued records are written, not lost
	}
	cur := s.state.Load()
	cur.fwd.CloseIdle()
	errs = append(errs, cur.closeLog(ctx))
	return errors.Join(errs...)
}

// droppedLogs counts the query-log records dropped for a full queue.
func (s *Server) droppedLogs() uint64 {
	s.mu.Lock()
	n := s.dropped
	s.mu.Unlock()
	if lg := s.state.Load().qlog; lg != nil {
		n += lg.Dropped()
	}
	return n
}

func (s *Server) specs(st *state) []listenSpec {
	specs := st.listens()
	for _, a := range s.opts.Shared {
		specs = append(specs, listenSpec{owner: sharedOwner, addr: a})
	}
	for _, as := range st.net.Emulation.AuthServers {
		for _, a := range as.Listen {
			specs = append(specs, listenSpec{owner: "auth:" + as.ID, addr: a})
		}
	}
	return specs
}

// openNew opens the sockets of st that are not open yet; on error it closes
// the ones it opened.
func (s *Server) openNew(st *state) error {
	var opened []listenSpec
	for _, spec := range s.specs(st) {
		if _, ok := s.listeners[spec]; ok {
			continue
		}
		l, err := s.listen(spec)
		if err != nil {
			for _, o := range opened {
				s.listeners[o].shutdown(context.Background())
				delete(s.listeners, o)
			}
			return err
		}
		s.listeners[spec] = l
		opened = append(opened, spec)
		s.log.Info("listening", "owner", spec.owner, "addr", l.addr)
	}
	return nil
}

// closeStale closes the sockets that st no longer asks for.
func (s *Server) closeStale(st *state) {
	want := map[listenSpec]bool{}
	for _, spec := range s.specs(st) {
		want[spec] = true
	}
	for spec, l := range s.listeners {
		if !want[spec] {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			l.shutdown(ctx)
			cancel()
			delete(s.listeners, spec)
			s.log.Info("stopped listening", "owner", spec.owner, "addr", l.addr)
		}
	}
}

// reserveProcs sets GOMAXPROCS for the UDP readers now open, when
// Options.ReserveProcs asks for it. Called with s.mu held.
func (s *Server) reserveProcs() {
	if !s.opts.ReserveProcs {
		return
	}
	readers := 0
	for _, l := range s.listeners {
		readers += len(l.udp.socks)
	}
	runtime.GOMAXPROCS(s.baseProcs + min(readers, 2*s.baseProcs))
}

func (s *Server) closeListeners() {
	for spec, l := range s.listeners {
		l.shutdown(context.Background())
		delete(s.listeners, spec)
	}
}

// handlerFor returns the DNS handler of a socket's owner.
func (s *Server) handlerFor(owner string) dns.Handler {
	if id, ok := strings.CutPrefix(owner, "auth:"); ok {
		return authHandler{s: s, id: id}
	}
	return queryHandler{s: s, owner: owner}
}
