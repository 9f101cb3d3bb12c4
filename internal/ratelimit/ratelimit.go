// Package ratelimit holds fixed sets of per-second token buckets, one per
// key, for the AWS limits vpcdns emulates (docs/limits.md). The keys are
// known when a configuration is built (the modeled ENIs and endpoint
// addresses), so memory is bounded by the configuration, and taking a token
// is one atomic compare-and-swap: no lock, no allocation, no clock read (the
// caller passes the time it already has).
package ratelimit

import (
	"sync/atomic"
	"time"
)

// MaxPerSecond is the largest limit a bucket holds; a larger one is
// clamped. It is far above any AWS limit vpcdns models.
const MaxPerSecond = 1<<countBits - 1

const (
	countBits = 24
	countMask = 1<<countBits - 1
	secMask   = 1<<(64-countBits) - 1
)

// bucket holds its second and the tokens taken in it in one word. It has a
// cache line of its own, so buckets taken from different cores do not
// slow each other down.
type bucket struct {
	state atomic.Uint64 // second<<countBits | taken
	limit uint64        // tokens per second; 0: unlimited
	_     [48]byte
}

// Set is a fixed set of buckets, indexed 0…Len()-1. Each bucket holds its
// limit of tokens per second of the clock: it is full again at the start of
// every second, as AWS describes its limits ("packets per second",
// "queries per second"), so a steady stream above the limit gets exactly
// the limit through each second. A Set is safe for concurrent use.
type Set struct {
	b []bucket
}

// New returns a Set with one bucket per limit, in order. A limit of 0
// never refuses.
func New(limits []int) *Set {
	s := &Set{b: make([]bucket, len(limits))}
	for i, l := range limits {
		s.b[i].limit = uint64(min(max(l, 0), MaxPerSecond))
	}
	return s
}

// Len is the number of buckets.
func (s *Set) Len() int { return len(s.b) }

// Limit is bucket i's tokens per second (0: unlimited).
func (s *Set) Limit(i int) int { return int(s.b[i].limit) }

// Take takes n tokens from bucket i at time now and reports whether it had
// them; a refused take takes nothing. Clocks that go back are treated as
// the second they name.
func (s *Set) Take(i int, n int, now time.Time) bool {
	b := &s.b[i]
	if b.limit == 0 {
		return true
	}
	need := uint64(max(n, 0))
	sec := uint64(now.Unix()) & secMask
	for {
		old := b.state.Load()
		taken := old & countMask
		if old>>countBits != sec {
			taken = 0 // a new second: the bucket is full again
		}
		if taken+need > b.limit {
			return false
		}
		if b.state.CompareAndSwap(old, sec<<countBits|(taken+need)) {
			return true
		}
	}
}

// Taken is how many tokens bucket i gave out in the second of now.
func (s *Set) Taken(i int, now time.Time) int {
	old := s.b[i].state.Load()
	if old>>countBits != uint64(now.Unix())&secMask {
		return 0
	}
	return int(old & countMask)
}
