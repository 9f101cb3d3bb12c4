package server

import (
	"sync"
	"time"

	"github.com/vpcdns/vpcdns/internal/cache"
)

// staleLimit bounds the keys staleTracker remembers; past it, it starts
// over (a stale answer then costs one more refresh, nothing else).
const staleLimit = 1 << 16

// staleTracker remembers, per cache key, a refresh of a stale entry in
// flight and the time of the last failed one (RFC 8767 §5).
type staleTracker struct {
	mu sync.Mutex
	m  map[cache.Key]staleState
}

type staleState struct {
	refreshing bool
	failed     time.Time // zero: the last refresh did not fail
}

// begin reports whether the stale entry of k should be refreshed now: not
// while a refresh is in flight, and not within recheck of a failed one.
// When it says yes, the caller refreshes and then calls end.
func (t *staleTracker) begin(k cache.Key, now time.Time, recheck time.Duration) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.m[k]
	if st.refreshing || (!st.failed.IsZero() && now.Sub(st.failed) < recheck) {
		return false
	}
	if t.m == nil || len(t.m) >= staleLimit {
		t.m = make(map[cache.Key]staleState)
	}
	t.m[k] = staleState{refreshing: true}
	return true
}

// end records the outcome of a refresh begin allowed.
func (t *staleTracker) end(k cache.Key, ok bool, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if ok {
		delete(t.m, k)
		return
	}
	t.m[k] = staleState{failed: now}
}
