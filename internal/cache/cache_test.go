package cache

import (
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func rr(t testing.TB, s string) dns.RR {
	t.Helper()
	r, err := dns.NewRR(s)
	if err != nil {
		t.Fatalf("dns.NewRR(%q): %v", s, err)
	}
	return r
}

func rrs(t testing.TB, ss ...string) []dns.RR {
	t.Helper()
	out := make([]dns.RR, 0, len(ss))
	for _, s := range ss {
		out = append(out, rr(t, s))
	}
	return out
}

// reply builds an answer to qname/qtype with the given rcode and sections.
func reply(qname string, qtype uint16, rcode int, answer, ns, extra []dns.RR) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(qname, qtype)
	m.Id = 0xBEEF
	m.Response = true
	m.RecursionAvailable = true
	m.Rcode = rcode
	m.Answer, m.Ns, m.Extra = answer, ns, extra
	return m
}

func key(scope, name string, qtype uint16) Key {
	return Key{Scope: scope, Name: dnsname.MustParse(name), Type: qtype, Class: dns.ClassINET}
}

// ttls returns the TTLs of every record of m, section by section.
func ttls(m *dns.Msg) []uint32 {
	var out []uint32
	for _, sec := range [][]dns.RR{m.Answer, m.Ns, m.Extra} {
		for _, r := range sec {
			out = append(out, r.Header().Ttl)
		}
	}
	return out
}

func equalTTLs(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

const soaMin60 = "example.com. 900 IN SOA ns.example.com. host.example.com. 1 7200 900 1209600 60"

func TestLifetime(t *testing.T) {
	positive := func(t *testing.T) *dns.Msg {
		return reply("www.example.com.", dns.TypeA, dns.RcodeSuccess,
			rrs(t, "www.example.com. 300 IN CNAME web.example.com.", "web.example.com. 120 IN A 192.0.2.1"),
			rrs(t, "example.com. 600 IN NS ns.example.com."),
			rrs(t, "ns.example.com. 50 IN A 192.0.2.53"))
	}
	nxdomain := func(t *testing.T) *dns.Msg {
		return reply("nope.example.com.", dns.TypeA, dns.RcodeNameError, nil, rrs(t, soaMin60), nil)
	}
	tests := []struct {
		name     string
		msg      func(t *testing.T) *dns.Msg
		qname    string
		stale    time.Duration
		age      time.Duration
		wantSt   Status
		wantTTLs []uint32
	}{
		{name: "fresh", msg: positive, qname: "www.example.com.", age: 0, wantSt: Hit, wantTTLs: []uint32{300, 120, 600, 50}},
		{name: "each ttl decremented", msg: positive, qname: "www.example.com.", age: 100*time.Second + 900*time.Millisecond, wantSt: Hit, wantTTLs: []uint32{200, 20, 500, 0}},
		{name: "last live second", msg: positive, qname: "www.example.com.", age: 119 * time.Second, wantSt: Hit, wantTTLs: []uint32{181, 1, 481, 0}},
		{name: "expired at min ttl", msg: positive, qname: "www.example.com.", age: 120 * time.Second, wantSt: Miss},
		{name: "stale inside window", msg: positive, qname: "www.example.com.", stale: time.Hour, age: 130 * time.Second, wantSt: Stale, wantTTLs: []uint32{30, 30, 30, 30}},
		{name: "stale window over", msg: positive, qname: "www.example.com.", stale: time.Hour, age: 120*time.Second + time.Hour, wantSt: Miss},
		{name: "negative uses soa minimum", msg: nxdomain, qname: "nope.example.com.", age: 10 * time.Second, wantSt: Hit, wantTTLs: []uint32{50}},
		{name: "negative expires at soa minimum", msg: nxdomain, qname: "nope.example.com.", age: 60 * time.Second, wantSt: Miss},
		{name: "negative stale", msg: nxdomain, qname: "nope.example.com.", stale: time.Minute, age: 61 * time.Second, wantSt: Stale, wantTTLs: []uint32{30}},
		{
			name: "negative uses soa ttl when smaller",
			msg: func(t *testing.T) *dns.Msg {
				return reply("nope.example.com.", dns.TypeA, dns.RcodeNameError, nil,
					rrs(t, "example.com. 20 IN SOA ns.example.com. host.example.com. 1 7200 900 1209600 3600"), nil)
			},
			qname: "nope.example.com.", age: 5 * time.Second, wantSt: Hit, wantTTLs: []uint32{15},
		},
		{
			name: "nodata with soa",
			msg: func(t *testing.T) *dns.Msg {
				return reply("www.example.com.", dns.TypeAAAA, dns.RcodeSuccess, nil, rrs(t, soaMin60), nil)
			},
			qname: "www.example.com.", age: 0, wantSt: Hit, wantTTLs: []uint32{60},
		},
		{
			name: "cname to nodata counts the soa minimum",
			msg: func(t *testing.T) *dns.Msg {
				return reply("www.example.com.", dns.TypeAAAA, dns.RcodeSuccess,
					rrs(t, "www.example.com. 300 IN CNAME web.example.com."), rrs(t, soaMin60), nil)
			},
			qname: "www.example.com.", age: 60 * time.Second, wantSt: Miss,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			c := New(Options{Now: clk.Now, StaleWindow: tc.stale})
			m := tc.msg(t)
			k := key("internet", tc.qname, m.Question[0].Qtype)
			if !c.Put(k, m) {
				t.Fatalf("Put = false; want true")
			}
			clk.Advance(tc.age)
			got, st := c.GetMsg(k, 7)
			if st != tc.wantSt {
				t.Fatalf("status = %v; want %v", st, tc.wantSt)
			}
			if st == Miss {
				return
			}
			if g := ttls(got); !equalTTLs(g, tc.wantTTLs) {
				t.Errorf("ttls = %v; want %v", g, tc.wantTTLs)
			}
		})
	}
}

func TestPutRefuses(t *testing.T) {
	a := func(t *testing.T) []dns.RR { return rrs(t, "www.example.com. 300 IN A 192.0.2.1") }
	tests := []struct {
		name string
		msg  func(t *testing.T) *dns.Msg
	}{
		{name: "nil", msg: func(t *testing.T) *dns.Msg { return nil }},
		{name: "servfail", msg: func(t *testing.T) *dns.Msg {
			return reply("www.example.com.", dns.TypeA, dns.RcodeServerFailure, nil, nil, nil)
		}},
		{name: "servfail with soa", msg: func(t *testing.T) *dns.Msg {
			return reply("www.example.com.", dns.TypeA, dns.RcodeServerFailure, nil, rrs(t, soaMin60), nil)
		}},
		{name: "refused", msg: func(t *testing.T) *dns.Msg {
			return reply("www.example.com.", dns.TypeA, dns.RcodeRefused, a(t), nil, nil)
		}},
		{name: "truncated", msg: func(t *testing.T) *dns.Msg {
			m := reply("www.example.com.", dns.TypeA, dns.RcodeSuccess, a(t), nil, nil)
			m.Truncated = true
			return m
		}},
		{name: "ttl zero", msg: func(t *testing.T) *dns.Msg {
			return reply("www.example.com.", dns.TypeA, dns.RcodeSuccess, rrs(t, "www.example.com. 0 IN A 192.0.2.1"), nil, nil)
		}},
		{name: "nxdomain without soa", msg: func(t *testing.T) *dns.Msg {
			return reply("www.example.com.", dns.TypeA, dns.RcodeNameError, nil, nil, nil)
		}},
		{name: "nodata without soa", msg: func(t *testing.T) *dns.Msg {
			return reply("www.example.com.", dns.TypeA, dns.RcodeSuccess, nil, rrs(t, "example.com. 300 IN NS ns.example.com."), nil)
		}},
		{name: "empty", msg: func(t *testing.T) *dns.Msg {
			return reply("www.example.com.", dns.TypeA, dns.RcodeSuccess, nil, nil, nil)
		}},
		{name: "question is another name", msg: func(t *testing.T) *dns.Msg {
			return reply("mail.example.com.", dns.TypeA, dns.RcodeSuccess, a(t), nil, nil)
		}},
		{name: "question is another type", msg: func(t *testing.T) *dns.Msg {
			return reply("www.example.com.", dns.TypeAAAA, dns.RcodeSuccess, a(t), nil, nil)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Options{})
			k := key("internet", "www.example.com.", dns.TypeA)
			if got := c.Put(k, tc.msg(t)); got {
				t.Errorf("Put = %v; want false", got)
			}
			if _, st := c.Get(k, 1, nil); st != Miss {
				t.Errorf("Get status = %v; want %v", st, Miss)
			}
		})
	}
}

func TestTTLCaps(t *testing.T) {
	tests := []struct {
		name     string
		msg      func(t *testing.T) *dns.Msg
		qtype    uint16
		wantTTLs []uint32
		expiry   time.Duration
	}{
		{
			name: "positive capped by MaxTTL",
			msg: func(t *testing.T) *dns.Msg {
				return reply("www.example.com.", dns.TypeA, dns.RcodeSuccess,
					rrs(t, "www.example.com. 604800 IN A 192.0.2.1", "www.example.com. 60 IN A 192.0.2.2"), nil, nil)
			},
			qtype: dns.TypeA, wantTTLs: []uint32{3600, 60}, expiry: time.Minute,
		},
		{
			name: "negative capped by MaxNegativeTTL",
			msg: func(t *testing.T) *dns.Msg {
				return reply("www.example.com.", dns.TypeA, dns.RcodeNameError, nil,
					rrs(t, "example.com. 86400 IN SOA ns.example.com. host.example.com. 1 7200 900 1209600 86400"), nil)
			},
			qtype: dns.TypeA, wantTTLs: []uint32{600}, expiry: 10 * time.Minute,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			c := New(Options{Now: clk.Now, MaxTTL: time.Hour, MaxNegativeTTL: 10 * time.Minute})
			k := key("internet", "www.example.com.", tc.qtype)
			if !c.Put(k, tc.msg(t)) {
				t.Fatal("Put = false; want true")
			}
			m, st := c.GetMsg(k, 1)
			if st != Hit {
				t.Fatalf("status = %v; want %v", st, Hit)
			}
			if g := ttls(m); !equalTTLs(g, tc.wantTTLs) {
				t.Errorf("ttls = %v; want %v", g, tc.wantTTLs)
			}
			clk.Advance(tc.expiry - time.Second)
			if _, st := c.Get(k, 1, nil); st != Hit {
				t.Errorf("status a second before expiry = %v; want %v", st, Hit)
			}
			clk.Advance(time.Second)
			if _, st := c.Get(k, 1, nil); st != Miss {
				t.Errorf("status at expiry = %v; want %v", st, Miss)
			}
		})
	}
}

func TestKeyIsolation(t *testing.T) {
	c := New(Options{})
	stored := key("rule:rslvr-rr-a", "www.example.com.", dns.TypeA)
	m := reply("www.example.com.", dns.TypeA, dns.RcodeSuccess, rrs(t, "www.example.com. 300 IN A 192.0.2.1"), nil, nil)
	if !c.Put(stored, m) {
		t.Fatal("Put = false; want true")
	}
	do := stored
	do.DO = true
	chaos := stored
	chaos.Class = dns.ClassCHAOS
	tests := []struct {
		name string
		k    Key
		want Status
	}{
		{name: "same key", k: stored, want: Hit},
		{name: "other scope", k: key("rule:rslvr-rr-b", "www.example.com.", dns.TypeA), want: Miss},
		{name: "internet scope", k: key("internet", "www.example.com.", dns.TypeA), want: Miss},
		{name: "other type", k: key("rule:rslvr-rr-a", "www.example.com.", dns.TypeAAAA), want: Miss},
		{name: "other class", k: chaos, want: Miss},
		{name: "DO set", k: do, want: Miss},
		{name: "parent name", k: key("rule:rslvr-rr-a", "example.com.", dns.TypeA), want: Miss},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, got := c.Get(tc.k, 1, nil); got != tc.want {
				t.Errorf("Get(%+v) status = %v; want %v", tc.k, got, tc.want)
			}
		})
	}
}

func TestWire(t *testing.T) {
	c := New(Options{})
	k := key("internet", "www.example.com.", dns.TypeA)
	m := reply("WwW.Example.COM.", dns.TypeA, dns.RcodeSuccess,
		rrs(t, "WwW.Example.COM. 300 IN A 192.0.2.1"), nil, nil)
	m.SetEdns0(1232, true)
	if !c.Put(k, m) {
		t.Fatal("Put = false; want true")
	}
	prefix := []byte("prefix")
	wire, st := c.Get(k, 0x1234, append(make([]byte, 0, 512), prefix...))
	if st != Hit {
		t.Fatalf("status = %v; want %v", st, Hit)
	}
	if got := string(wire[:len(prefix)]); got != string(prefix) {
		t.Fatalf("dst prefix = %q; want %q", got, prefix)
	}
	wire = wire[len(prefix):]
	var got dns.Msg
	if err := got.Unpack(wire); err != nil {
		t.Fatalf("unpack: %v", err)
	}
	t.Run("id patched", func(t *testing.T) {
		if got.Id != 0x1234 {
			t.Errorf("id = %#x; want %#x", got.Id, 0x1234)
		}
	})
	t.Run("opt removed", func(t *testing.T) {
		if opt := got.IsEdns0(); opt != nil {
			t.Errorf("reply has OPT %v; want none", opt)
		}
	})
	t.Run("question stored in lower case", func(t *testing.T) {
		if q := got.Question[0].Name; q != "www.example.com." {
			t.Errorf("question = %q; want %q", q, "www.example.com.")
		}
	})
	t.Run("case matched to the query", func(t *testing.T) {
		w := append([]byte(nil), wire...)
		if !MatchCase(w, "wWw.EXAMPLE.com.") {
			t.Fatal("MatchCase = false; want true")
		}
		var m dns.Msg
		if err := m.Unpack(w); err != nil {
			t.Fatalf("unpack: %v", err)
		}
		if q := m.Question[0].Name; q != "wWw.EXAMPLE.com." {
			t.Errorf("question = %q; want %q", q, "wWw.EXAMPLE.com.")
		}
		if o := m.Answer[0].Header().Name; o != "wWw.EXAMPLE.com." {
			t.Errorf("answer owner (compressed) = %q; want %q", o, "wWw.EXAMPLE.com.")
		}
	})
	t.Run("another id for another query", func(t *testing.T) {
		w, _ := c.Get(k, 0xFFFF, nil)
		if id := binary.BigEndian.Uint16(w); id != 0xFFFF {
			t.Errorf("id = %#x; want %#x", id, 0xFFFF)
		}
	})
}

func TestMatchCase(t *testing.T) {
	pack := func(t *testing.T, name string) []byte {
		m := new(dns.Msg)
		m.SetQuestion(name, dns.TypeA)
		w, err := m.Pack()
		if err != nil {
			t.Fatalf("pack %q: %v", name, err)
		}
		return w
	}
	tests := []struct {
		name   string
		stored string
		qname  string
		want   bool
		wantQ  string
	}{
		{name: "mixed case", stored: "www.example.com.", qname: "WWW.eXample.Com.", want: true, wantQ: "WWW.eXample.Com."},
		{name: "not fully qualified", stored: "www.example.com.", qname: "WWW.example.COM", want: true, wantQ: "WWW.example.COM."},
		{name: "root", stored: ".", qname: ".", want: true, wantQ: "."},
		{name: "escaped octets", stored: `a\.b.example.com.`, qname: `A\.B.EXAMPLE.com.`, want: true, wantQ: `A\.B.EXAMPLE.com.`},
		// miekg/dns prints the space of the unpacked name as "\ ".
		{name: "decimal escape", stored: `a\032b.example.`, qname: `A\032B.example.`, want: true, wantQ: `A\ B.example.`},
		{name: "other name", stored: "www.example.com.", qname: "www.example.org.", want: false, wantQ: "www.example.com."},
		{name: "shorter name", stored: "www.example.com.", qname: "www.example.", want: false, wantQ: "www.example.com."},
		{name: "longer name", stored: "example.com.", qname: "www.example.com.", want: false, wantQ: "example.com."},
		{name: "label boundary differs", stored: "ab.c.", qname: "a.bc.", want: false, wantQ: "ab.c."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := pack(t, tc.stored)
			if got := MatchCase(w, tc.qname); got != tc.want {
				t.Errorf("MatchCase(%q) = %v; want %v", tc.qname, got, tc.want)
			}
			var m dns.Msg
			if err := m.Unpack(w); err != nil {
				t.Fatalf("unpack: %v", err)
			}
			if q := m.Question[0].Name; q != tc.wantQ {
				t.Errorf("question = %q; want %q", q, tc.wantQ)
			}
		})
	}
}

func TestEviction(t *testing.T) {
	clk := newClock()
	const max = 4
	c := New(Options{MaxEntries: max, Shards: 1, Now: clk.Now})
	put := func(i int, ttl uint32) Key {
		name := fmt.Sprintf("h%d.example.com.", i)
		k := key("internet", name, dns.TypeA)
		m := reply(name, dns.TypeA, dns.RcodeSuccess, rrs(t, fmt.Sprintf("%s %d IN A 192.0.2.%d", name, ttl, i)), nil, nil)
		if !c.Put(k, m) {
			t.Fatalf("Put %s = false; want true", name)
		}
		return k
	}
	keys := make([]Key, 0, 8)
	for i := range max {
		keys = append(keys, put(i, 300))
	}
	// The hand starts at the oldest entry; a referenced one survives its
	// pass (its bit cleared), and the first unreferenced one goes.
	for i, k := range keys {
		if i == 1 {
			continue
		}
		if _, st := c.Get(k, 1, nil); st != Hit {
			t.Fatalf("Get %s = %v; want hit", k.Name, st)
		}
	}
	keys = append(keys, put(max, 300))

	if got := c.Len(); got != max {
		t.Errorf("Len = %d; want %d", got, max)
	}
	for i, k := range keys {
		want := Hit
		if i == 1 {
			want = Miss
		}
		if _, st := c.Get(k, 1, nil); st != want {
			t.Errorf("Get %s = %v; want %v", k.Name, st, want)
		}
	}
	for i := max + 1; i < 3*max; i++ {
		put(i, 300)
		if got := c.Len(); got > max {
			t.Fatalf("Len = %d after %d puts; want at most %d", got, i+1, max)
		}
	}
	st := c.Stats()
	if want := uint64(3*max - max); st.Evictions != want {
		t.Errorf("Evictions = %d; want %d", st.Evictions, want)
	}
	if st.Entries != max {
		t.Errorf("Entries = %d; want %d", st.Entries, max)
	}

	// Entries past their stale window go first, counted as expired.
	clk.Advance(time.Hour)
	put(100, 300)
	if st := c.Stats(); st.Expired != 1 {
		t.Errorf("Expired = %d; want 1", st.Expired)
	}
}

func TestReplace(t *testing.T) {
	clk := newClock()
	c := New(Options{Now: clk.Now})
	k := key("internet", "www.example.com.", dns.TypeA)
	for _, s := range []string{"www.example.com. 300 IN A 192.0.2.1", "www.example.com. 300 IN A 192.0.2.2"} {
		if !c.Put(k, reply("www.example.com.", dns.TypeA, dns.RcodeSuccess, rrs(t, s), nil, nil)) {
			t.Fatal("Put = false; want true")
		}
	}
	m, _ := c.GetMsg(k, 1)
	if got, want := m.Answer[0].(*dns.A).A.String(), "192.0.2.2"; got != want {
		t.Errorf("answer = %s; want %s", got, want)
	}
	if got := c.Len(); got != 1 {
		t.Errorf("Len = %d; want 1", got)
	}
}

func TestStats(t *testing.T) {
	clk := newClock()
	c := New(Options{Now: clk.Now, StaleWindow: time.Hour})
	k := key("internet", "www.example.com.", dns.TypeA)
	c.Get(k, 1, nil) // miss
	c.Put(k, reply("www.example.com.", dns.TypeA, dns.RcodeSuccess, rrs(t, "www.example.com. 60 IN A 192.0.2.1"), nil, nil))
	c.Get(k, 1, nil) // hit
	c.Get(k, 1, nil) // hit
	clk.Advance(2 * time.Minute)
	c.Get(k, 1, nil) // stale
	got := c.Stats()
	want := Stats{Hits: 2, Misses: 2, Stale: 1, Entries: 1}
	if got != want {
		t.Errorf("Stats = %+v; want %+v", got, want)
	}
}

func TestConcurrent(t *testing.T) {
	c := New(Options{MaxEntries: 64, Shards: 8, StaleWindow: time.Minute})
	msgs := make([]*dns.Msg, 100)
	for i := range msgs {
		name := fmt.Sprintf("h%d.example.com.", i)
		msgs[i] = reply(name, dns.TypeA, dns.RcodeSuccess, rrs(t, fmt.Sprintf("%s 300 IN A 192.0.2.%d", name, i)), nil, nil)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			buf := make([]byte, 0, 512)
			for i := range 2000 {
				m := msgs[(i*7+g)%len(msgs)]
				k := key("internet", m.Question[0].Name, dns.TypeA)
				if i%3 == 0 {
					c.Put(k, m)
					continue
				}
				wire, st := c.Get(k, uint16(i), buf[:0])
				if st == Miss {
					continue
				}
				var got dns.Msg
				if err := got.Unpack(wire); err != nil {
					t.Errorf("unpack: %v", err)
					return
				}
				if q := got.Question[0].Name; !strings.EqualFold(q, m.Question[0].Name) {
					t.Errorf("question = %q; want %q", q, m.Question[0].Name)
					return
				}
				if got.Id != uint16(i) {
					t.Errorf("id = %d; want %d", got.Id, uint16(i))
					return
				}
			}
		})
	}
	wg.Wait()
	if got := c.Len(); got > 64 {
		t.Errorf("Len = %d; want at most 64", got)
	}
}

func TestShardsBound(t *testing.T) {
	tests := []struct {
		name       string
		maxEntries int
		shards     int
	}{
		{name: "fewer entries than shards", maxEntries: 3, shards: 16},
		{name: "uneven split", maxEntries: 10, shards: 4},
		{name: "default shards", maxEntries: 1000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Options{MaxEntries: tc.maxEntries, Shards: tc.shards})
			total := 0
			for i := range c.shards {
				total += c.shards[i].max
			}
			if total != tc.maxEntries {
				t.Errorf("sum of shard bounds = %d; want %d", total, tc.maxEntries)
			}
			for i := range 5 * tc.maxEntries {
				name := fmt.Sprintf("h%d.example.", i)
				c.Put(key("s", name, dns.TypeA), reply(name, dns.TypeA, dns.RcodeSuccess,
					rrs(t, name+" 300 IN A 192.0.2.1"), nil, nil))
			}
			if got := c.Len(); got > tc.maxEntries {
				t.Errorf("Len = %d; want at most %d", got, tc.maxEntries)
			}
		})
	}
}

func hitFixture(tb testing.TB) (*Cache, Key, []byte) {
	c := New(Options{})
	k := key("rule:rslvr-rr-0123456789abcdef", "www.example.com.", dns.TypeA)
	m := reply("www.example.com.", dns.TypeA, dns.RcodeSuccess,
		rrs(tb, "www.example.com. 300 IN CNAME web.example.com.",
			"web.example.com. 300 IN A 192.0.2.1", "web.example.com. 300 IN A 192.0.2.2"),
		rrs(tb, "example.com. 300 IN NS ns1.example.com.", "example.com. 300 IN NS ns2.example.com."), nil)
	if !c.Put(k, m) {
		tb.Fatal("Put = false; want true")
	}
	return c, k, make([]byte, 0, 1232)
}

func TestGetHitAllocs(t *testing.T) {
	c, k, buf := hitFixture(t)
	allocs := testing.AllocsPerRun(100, func() {
		w, st := c.Get(k, 42, buf[:0])
		if st != Hit {
			t.Fatalf("status = %v; want hit", st)
		}
		MatchCase(w, "WWW.example.com.")
	})
	if allocs != 0 {
		t.Errorf("allocs per hit = %v; want 0", allocs)
	}
}

func BenchmarkGetHit(b *testing.B) {
	c, k, buf := hitFixture(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, st := c.Get(k, uint16(i), buf[:0]); st != Hit {
			b.Fatalf("status = %v; want hit", st)
		}
	}
}

func BenchmarkGetHitParallel(b *testing.B) {
	c, k, _ := hitFixture(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		buf := make([]byte, 0, 1232)
		for pb.Next() {
			if _, st := c.Get(k, 1, buf[:0]); st != Hit {
				b.Errorf("status = %v; want hit", st)
				return
			}
		}
	})
}

func BenchmarkPut(b *testing.B) {
	c := New(Options{MaxEntries: 10_000})
	msgs := make([]*dns.Msg, 50_000)
	keys := make([]Key, len(msgs))
	for i := range msgs {
		name := fmt.Sprintf("h%d.example.com.", i)
		msgs[i] = reply(name, dns.TypeA, dns.RcodeSuccess, rrs(b, name+" 300 IN A 192.0.2.1"), nil, nil)
		keys[i] = key("internet", name, dns.TypeA)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.Put(keys[i%len(keys)], msgs[i%len(msgs)])
	}
}
