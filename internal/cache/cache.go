// Package cache is the answer cache in front of forwarding: positive answers
// and negative ones (RFC 2308) kept for their TTL and served with decremented
// TTLs, expired answers kept a while longer for serve-stale (RFC 8767), the
// number of entries bounded, and CLOCK eviction in independent shards.
//
// It knows nothing of VPCs: the caller puts a scope in every key, and an
// answer is only ever given back under the scope it was stored with.
//
// An entry holds the answer packed (without OPT) and the offsets of its TTL
// fields, so a hit is the stored bytes appended to the caller's buffer with
// the ID and the TTLs patched: no unpacking and no allocation.
package cache

import (
	"encoding/binary"
	"hash/maphash"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// Defaults of Options.
const (
	DefaultMaxEntries = 100_000
	// DefaultMaxTTL caps the TTL of a positive answer (a vpcdns choice, as
	// common resolvers do: Unbound's cache-max-ttl is one day).
	DefaultMaxTTL = 24 * time.Hour
	// DefaultMaxNegativeTTL caps the TTL of a negative answer: RFC 2308 §5
	// suggests one to three hours.
	DefaultMaxNegativeTTL = 3 * time.Hour
)

// StaleTTL is the TTL, in seconds, of the records of a stale answer
// (RFC 8767 §4: "30 seconds is RECOMMENDED").
const StaleTTL = 30

// Key identifies a cached answer. Scope is chosen by the caller so that an
// answer computed under one set of rules is never served under another (for
// example "rule:rslvr-rr-0123" or "internet"). Name is canonical.
type Key struct {
	Scope       string
	Name        dnsname.Name
	Type, Class uint16
	DO          bool
}

// Status says what Get found.
type Status uint8

const (
	// Miss: no entry, or one expired past the serve-stale window.
	Miss Status = iota
	// Hit: a live entry; TTLs decremented by its age.
	Hit
	// Stale: an expired entry still inside the serve-stale window; every
	// TTL is StaleTTL. Use it only when every upstream has failed.
	Stale
)

func (s Status) String() string {
	switch s {
	case Hit:
		return "hit"
	case Stale:
		return "stale"
	}
	return "miss"
}

// Options configure a Cache. The zero value is usable.
type Options struct {
	// MaxEntries bounds the number of entries; 0 means DefaultMaxEntries.
	MaxEntries int
	// Shards is the number of independently locked parts; 0 picks a power
	// of two from GOMAXPROCS. It is lowered to MaxEntries when larger.
	Shards int
	// MaxTTL caps positive answers; 0 means DefaultMaxTTL.
	MaxTTL time.Duration
	// MaxNegativeTTL caps negative answers; 0 means DefaultMaxNegativeTTL.
	MaxNegativeTTL time.Duration
	// StaleWindow is how long past expiry an entry may still be returned
	// as Stale; 0 (or less) turns serve-stale off.
	StaleWindow time.Duration
	// Now is the clock; nil means time.Now. For tests.
	Now func() time.Time
}

// Stats are the cache's counters since it was made.
type Stats struct {
	Hits      uint64 // Get returned Hit
	Misses    uint64 // Get returned Miss or Stale
	Stale     uint64 // Get returned Stale (also counted in Misses)
	Evictions uint64 // live entries removed to make room
	Expired   uint64 // entries past the stale window removed to make room
	Entries   int    // entries held now, including expired ones not yet removed
}

// Cache is a bounded, sharded answer cache, safe for concurrent use.
type Cache struct {
	shards   []shard
	mask     uint64
	seed     maphash.Seed
	maxTTL   uint32 // seconds
	maxNeg   uint32 // seconds
	staleWin int64  // nanoseconds
	now      func() time.Time
}

type shard struct {
	mu    sync.RWMutex
	items map[Key]*entry
	ring  []*entry // CLOCK ring; grows to max, then slots are reused
	max   int
	hand  int

	hits, misses, stale, evictions, expired atomic.Uint64

	_ [64]byte // keep neighbouring shards' locks off one cache line
}

// entry is immutable once stored, except for its reference bit.
type entry struct {
	key    Key
	wire   []byte   // packed answer, no OPT, question name in lower case
	ttlOff []uint16 // offsets of the TTL fields in wire
	stored int64    // unix nanoseconds when stored
	ttl    uint32   // seconds the entry is live
	slot   int      // index in the shard's ring
	ref    atomic.Bool
}

// New returns an empty cache.
func New(o Options) *Cache {
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	if o.MaxTTL <= 0 {
		o.MaxTTL = DefaultMaxTTL
	}
	if o.MaxNegativeTTL <= 0 {
		o.MaxNegativeTTL = DefaultMaxNegativeTTL
	}
	if o.StaleWindow < 0 {
		o.StaleWindow = 0
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	n := o.Shards
	if n <= 0 {
		n = 4 * runtime.GOMAXPROCS(0)
	}
	n = min(n, o.MaxEntries, 1024)
	p := 1 // round down to a power of two, so a mask picks the shard
	for p*2 <= n {
		p *= 2
	}
	c := &Cache{
		shards:   make([]shard, p),
		mask:     uint64(p - 1),
		seed:     maphash.MakeSeed(),
		maxTTL:   seconds(o.MaxTTL),
		maxNeg:   seconds(o.MaxNegativeTTL),
		staleWin: int64(o.StaleWindow),
		now:      o.Now,
	}
	for i := range c.shards {
		s := &c.shards[i]
		s.max = o.MaxEntries / p
		if i < o.MaxEntries%p {
			s.max++
		}
		s.items = make(map[Key]*entry)
	}
	return c
}

func seconds(d time.Duration) uint32 {
	return uint32(min(d/time.Second, 1<<31-1))
}

func (c *Cache) shard(k *Key) *shard {
	h := maphash.String(c.seed, string(k.Name))
	h ^= maphash.String(c.seed, k.Scope) * 0x9E3779B97F4A7C15
	h ^= uint64(k.Type)<<17 | uint64(k.Class)<<1
	if k.DO {
		h ^= 1
	}
	h ^= h >> 29
	return &c.shards[h&c.mask]
}

// Put stores m, the answer to the question of k, and reports whether it did.
// m is packed at once; the caller may reuse it afterwards. Only NOERROR and
// NXDOMAIN answers that are not truncated, with one question equal to k's,
// are kept. The entry lives for the smallest TTL of the answer and authority
// sections, where an SOA counts as min(its TTL, its MINIMUM field) (RFC 2308
// §5), capped by MaxTTL or MaxNegativeTTL. A negative answer (NXDOMAIN, or
// NOERROR with an empty answer section) without an SOA, and an answer whose
// TTL comes to zero, are not kept.
//
// SERVFAIL (and every other rcode) is never kept: RFC 2308 §7.1 allows
// caching it for up to five minutes, but an upstream that recovers should be
// asked again at once, and serve-stale covers failing upstreams.
func (c *Cache) Put(k Key, m *dns.Msg) bool {
	if m == nil || m.Truncated || (m.Rcode != dns.RcodeSuccess && m.Rcode != dns.RcodeNameError) {
		return false
	}
	if len(m.Question) != 1 || !answers(m.Question[0], &k) {
		return false
	}
	ttl, ceiling, ok := c.limits(m)
	if !ok || ttl == 0 {
		return false
	}

	cp := *m // shallow: only the sections' slice headers change
	cp.Compress = true
	cp.Extra = withoutOPT(m.Extra)
	wire, err := cp.Pack()
	if err != nil {
		return false
	}
	offs, err := ttlOffsets(wire)
	if err != nil {
		return false
	}
	lowerQname(wire)
	for _, o := range offs {
		if v := binary.BigEndian.Uint32(wire[o:]); v > ceiling {
			binary.BigEndian.PutUint32(wire[o:], ceiling)
		}
	}

	e := &entry{key: k, wire: wire, ttlOff: offs, stored: c.now().UnixNano(), ttl: ttl}
	c.shard(&k).put(e, e.stored, c.staleWin)
	return true
}

// limits returns the TTL of an entry for m and the ceiling of its records'
// TTLs: MaxTTL for a positive answer; for a negative one the entry's own
// TTL, at most MaxNegativeTTL (RFC 2308 §5). ok is false when m gives no TTL.
func (c *Cache) limits(m *dns.Msg) (ttl, ceiling uint32, ok bool) {
	maxTTL, maxNeg := seconds(DefaultMaxTTL), seconds(DefaultMaxNegativeTTL)
	if c != nil {
		maxTTL, maxNeg = c.maxTTL, c.maxNeg
	}
	negative := m.Rcode == dns.RcodeNameError || len(m.Answer) == 0
	ttl, ok = entryTTL(m, negative)
	if !ok {
		return 0, 0, false
	}
	ceiling = maxTTL
	if negative {
		ceiling = maxNeg
	}
	ttl = min(ttl, ceiling)
	if negative {
		// A negative answer's records are served with the negative TTL
		// at most (RFC 2308 §5), so ceiling and entry TTL are the same.
		ceiling = ttl
	}
	return ttl, ceiling, true
}

// Clamp lowers the TTLs of m's records to the ceiling Put gives them, so
// that the first answer (straight from a target) carries the TTLs every
// answer from the cache will. A nil Cache (the cache off) clamps to the
// default limits. m is changed in place.
func (c *Cache) Clamp(m *dns.Msg) {
	if m == nil || (m.Rcode != dns.RcodeSuccess && m.Rcode != dns.RcodeNameError) {
		return
	}
	_, ceiling, ok := c.limits(m)
	if !ok {
		return
	}
	for _, sec := range [][]dns.RR{m.Answer, m.Ns, m.Extra} {
		for _, rr := range sec {
			if h := rr.Header(); h.Rrtype != dns.TypeOPT && h.Ttl > ceiling {
				h.Ttl = ceiling
			}
		}
	}
}

// answers reports whether q is the question of k, names compared ignoring
// case, so that a caller's mix-up never stores an answer under the wrong key.
func answers(q dns.Question, k *Key) bool {
	return q.Qtype == k.Type && q.Qclass == k.Class && strings.EqualFold(dns.Fqdn(q.Name), string(k.Name))
}

// entryTTL is the smallest TTL over the answer and authority sections, an SOA
// counting as min(TTL, MINIMUM). ok is false when there is nothing to take a
// TTL from, or when a negative answer has no SOA.
func entryTTL(m *dns.Msg, negative bool) (ttl uint32, ok bool) {
	ttl = ^uint32(0)
	haveSOA := false
	for _, rr := range m.Answer {
		ttl = min(ttl, rr.Header().Ttl)
		ok = true
	}
	for _, rr := range m.Ns {
		t := rr.Header().Ttl
		if soa, isSOA := rr.(*dns.SOA); isSOA {
			t = min(t, soa.Minttl)
			haveSOA = true
		}
		ttl = min(ttl, t)
		ok = true
	}
	if negative && !haveSOA {
		return 0, false
	}
	return ttl, ok
}

func withoutOPT(rrs []dns.RR) []dns.RR {
	n := 0
	for _, rr := range rrs {
		if rr.Header().Rrtype != dns.TypeOPT {
			n++
		}
	}
	if n == len(rrs) {
		return rrs
	}
	out := make([]dns.RR, 0, n)
	for _, rr := range rrs {
		if rr.Header().Rrtype != dns.TypeOPT {
			out = append(out, rr)
		}
	}
	return out
}

// Get appends the cached answer for k to dst, with the message ID set to id
// and every TTL decremented by the entry's age (Hit) or set to StaleTTL
// (Stale), and returns the extended slice. On Miss it returns dst unchanged.
// The question name is in lower case; MatchCase respells it as the client
// did. The header flags are those of the stored answer; the reply has no OPT
// record. With enough capacity in dst, Get does not allocate.
func (c *Cache) Get(k Key, id uint16, dst []byte) ([]byte, Status) {
	return c.GetAt(k, id, dst, c.now())
}

// GetAt is Get at the time now, for a caller that reads the clock once for
// many lookups; now comes from the clock the cache was made with.
func (c *Cache) GetAt(k Key, id uint16, dst []byte, now time.Time) ([]byte, Status) {
	s := c.shard(&k)
	s.mu.RLock()
	e := s.items[k]
	s.mu.RUnlock()
	if e == nil {
		s.misses.Add(1)
		return dst, Miss
	}
	age := now.UnixNano() - e.stored
	status := Hit
	switch {
	case age < int64(e.ttl)*int64(time.Second):
	case age < int64(e.ttl)*int64(time.Second)+c.staleWin:
		status = Stale
	default:
		s.misses.Add(1)
		return dst, Miss
	}
	if !e.ref.Load() { // a load keeps a hot entry's cache line shared
		e.ref.Store(true)
	}

	base := len(dst)
	dst = append(dst, e.wire...)
	out := dst[base:]
	binary.BigEndian.PutUint16(out, id)
	elapsed := uint32(max(age, 0) / int64(time.Second))
	for _, o := range e.ttlOff {
		v := uint32(StaleTTL)
		if status == Hit {
			v = binary.BigEndian.Uint32(e.wire[o:])
			v -= min(v, elapsed)
		}
		binary.BigEndian.PutUint32(out[o:], v)
	}
	if status == Hit {
		s.hits.Add(1)
	} else {
		s.misses.Add(1)
		s.stale.Add(1)
	}
	return dst, status
}

// GetMsg is Get for callers that want a *dns.Msg; it allocates.
func (c *Cache) GetMsg(k Key, id uint16) (*dns.Msg, Status) {
	wire, st := c.Get(k, id, nil)
	if st == Miss {
		return nil, Miss
	}
	m := new(dns.Msg)
	if err := m.Unpack(wire); err != nil {
		// Only packed messages are stored; this cannot happen.
		return nil, Miss
	}
	return m, st
}

// Len returns the number of entries held, expired ones not yet removed
// included.
func (c *Cache) Len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.items)
		s.mu.RUnlock()
	}
	return n
}

// Stats returns the counters, summed over the shards.
func (c *Cache) Stats() Stats {
	var st Stats
	for i := range c.shards {
		s := &c.shards[i]
		st.Hits += s.hits.Load()
		st.Misses += s.misses.Load()
		st.Stale += s.stale.Load()
		st.Evictions += s.evictions.Load()
		st.Expired += s.expired.Load()
	}
	st.Entries = c.Len()
	return st
}

// put stores e, replacing an entry with the same key, or taking the slot of
// the entry the CLOCK hand picks when the shard is full: the first one past
// its stale window, or else the first one not referenced since the hand last
// passed (clearing reference bits on the way).
func (s *shard) put(e *entry, now, staleWin int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.items[e.key]; old != nil {
		e.slot = old.slot
		s.ring[e.slot] = e
		s.items[e.key] = e
		return
	}
	if len(s.ring) < s.max {
		e.slot = len(s.ring)
		s.ring = append(s.ring, e)
		s.items[e.key] = e
		return
	}
	for {
		victim := s.ring[s.hand]
		dead := now-victim.stored >= int64(victim.ttl)*int64(time.Second)+staleWin
		if dead || !victim.ref.Load() {
			if dead {
				s.expired.Add(1)
			} else {
				s.evictions.Add(1)
			}
			delete(s.items, victim.key)
			e.slot = s.hand
			s.ring[s.hand] = e
			s.items[e.key] = e
			s.hand = (s.hand + 1) % len(s.ring)
			return
		}
		victim.ref.Store(false)
		s.hand = (s.hand + 1) % len(s.ring)
	}
}

// PutWire is Put for an answer already packed (without OPT, as
// forward.ExchangeWire gives it): the same rules, no unpacking. The bytes
// are copied; the caller keeps wire. It reports whether it stored them.
func (c *Cache) PutWire(k Key, wire []byte) bool {
	wi, err := scanWire(wire, nil)
	if err != nil || wi.truncated || (wi.rcode != dns.RcodeSuccess && wi.rcode != dns.RcodeNameError) {
		return false
	}
	if wi.questions != 1 || !spellQname(wire, string(k.Name), false) {
		return false
	}
	if qEnd := questionEnd(wire); qEnd < 0 || binary.BigEndian.Uint16(wire[qEnd-4:]) != k.Type || binary.BigEndian.Uint16(wire[qEnd-2:]) != k.Class {
		return false
	}
	ttl, ceiling, ok := c.wireLimits(&wi)
	if !ok || ttl == 0 {
		return false
	}
	b := make([]byte, len(wire))
	copy(b, wire)
	lowerQname(b)
	for _, o := range wi.ttlOff {
		if v := binary.BigEndian.Uint32(b[o:]); v > ceiling {
			binary.BigEndian.PutUint32(b[o:], ceiling)
		}
	}
	e := &entry{key: k, wire: b, ttlOff: wi.ttlOff, stored: c.now().UnixNano(), ttl: ttl}
	c.shard(&k).put(e, e.stored, c.staleWin)
	return true
}

// ClampWire is Clamp for a packed answer: its TTLs lowered in place to the
// ceiling PutWire gives them.
func (c *Cache) ClampWire(wire []byte) {
	var buf [32]uint16
	wi, err := scanWire(wire, buf[:0])
	if err != nil || (wi.rcode != dns.RcodeSuccess && wi.rcode != dns.RcodeNameError) {
		return
	}
	_, ceiling, ok := c.wireLimits(&wi)
	if !ok {
		return
	}
	for _, o := range wi.ttlOff {
		if v := binary.BigEndian.Uint32(wire[o:]); v > ceiling {
			binary.BigEndian.PutUint32(wire[o:], ceiling)
		}
	}
}

// wireLimits is limits for a scanned answer.
func (c *Cache) wireLimits(wi *wireInfo) (ttl, ceiling uint32, ok bool) {
	maxTTL, maxNeg := seconds(DefaultMaxTTL), seconds(DefaultMaxNegativeTTL)
	if c != nil {
		maxTTL, maxNeg = c.maxTTL, c.maxNeg
	}
	negative := wi.rcode == dns.RcodeNameError || wi.answers == 0
	if !wi.haveTTL || (negative && !wi.haveSOA) {
		return 0, 0, false
	}
	ceiling = maxTTL
	if negative {
		ceiling = maxNeg
	}
	ttl = min(wi.ttl, ceiling)
	if negative {
		ceiling = ttl
	}
	return ttl, ceiling, true
}

// questionEnd is the offset just past the first question of a packed
// message, or -1.
func questionEnd(wire []byte) int {
	off, err := skipName(wire, qnameOff)
	if err != nil || off+4 > len(wire) {
		return -1
	}
	return off + 4
}
