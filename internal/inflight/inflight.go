// Package inflight merges identical work that is in progress: the first
// caller of a key does it, every caller that arrives with the same key
// before it is done waits and gets the same result.
//
// The resolver uses it for cache misses: N clients that ask the same cold
// name at once cause one upstream query, not N (the "thundering herd" that
// RFC 5452 §5 warns also multiplies the chances of a spoofed answer).
//
// A caller that need not wait can Join instead: its function is called
// with the result, in the goroutine that did the work, and the caller goes
// on at once. A server answers the followers of a cache miss that way
// without holding a goroutine for each.
//
// golang.org/x/sync/singleflight does the same with string keys; this one
// takes any comparable key, so the hot path builds no string per query.
package inflight

import "sync"

// Group holds the calls in progress. The zero value is ready to use.
type Group[K comparable, V any] struct {
	mu    sync.Mutex
	calls map[K]*call[V]
}

type call[V any] struct {
	done    sync.WaitGroup // the waiters of Do wait for the work; no channel to allocate
	waiters int            // callers merged into this one so far
	later   []Waiter[V]
	val     V
	err     error
}

// Do runs fn for key unless a call with key is in progress, in which case
// it waits for that call and returns its result; waited reports which of
// the two happened.
//
// If fn panics, the waiters get ErrPanicked and the panic goes on in the
// caller that ran fn.
func (g *Group[K, V]) Do(key K, fn func() (V, error)) (v V, err error, waited bool) {
	g.mu.Lock()
	if c, ok := g.calls[key]; ok {
		c.waiters++
		g.mu.Unlock()
		c.done.Wait()
		return c.val, c.err, true
	}
	if g.calls == nil {
		g.calls = make(map[K]*call[V])
	}
	c := &call[V]{err: ErrPanicked}
	c.done.Add(1)
	g.calls[key] = c
	g.mu.Unlock()

	defer func() {
		g.mu.Lock()
		delete(g.calls, key)
		later := c.later
		c.later = nil
		g.mu.Unlock()
		c.done.Done()
		for _, w := range later {
			w.Done(c.val, c.err)
		}
	}()
	c.val, c.err = fn()
	return c.val, c.err, false
}

// Waiter is a caller that joined a call (Join): Done gets its result.
type Waiter[V any] interface {
	Done(V, error)
}

// Join registers w for the result of the call with key in progress and
// reports true: w.Done runs once that call is done, in the goroutine that
// made it (so it should be quick and must not panic; after the results of
// the waiters of Do are given). Without a call in progress, or when max
// callers have joined it already, Join reports false and w is never
// called: the caller does the work (Do) or waits for it.
func (g *Group[K, V]) Join(key K, max int, w Waiter[V]) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.calls[key]
	if !ok || len(c.later) >= max {
		return false
	}
	c.waiters++
	c.later = append(c.later, w)
	return true
}

// Waiting is the number of callers waiting for the call with key.
func (g *Group[K, V]) Waiting(key K) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c, ok := g.calls[key]; ok {
		return c.waiters
	}
	return 0
}

// Len is the number of calls in progress.
func (g *Group[K, V]) Len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.calls)
}

// ErrPanicked is what the waiters of a call whose fn panicked get.
const ErrPanicked = panicError("inflight: the call this one waited for panicked")

type panicError string

func (e panicError) Error() string { return string(e) }
