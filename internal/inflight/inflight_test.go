package inflight

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// TestMerges: callers that arrive while a call is in progress wait for it
// and share its result; fn runs once.
func TestMerges(t *testing.T) {
	var g Group[string, int]
	var runs atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{})
	const n = 50
	var wg sync.WaitGroup
	results := make([]int, n)
	waited := make([]bool, n)
	wg.Add(1)
	go func() {
		defer wg.Done()
		results[0], _, waited[0] = g.Do("a", func() (int, error) {
			close(started)
			<-release
			return int(runs.Add(1)), nil
		})
	}()
	<-started
	for i := 1; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _, waited[i] = g.Do("a", func() (int, error) { return int(runs.Add(1)) + 100, nil })
		}()
	}
	for g.Waiting("a") != n-1 {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if r := runs.Load(); r != 1 {
		t.Errorf("fn ran %d times for %d callers, want once", r, n)
	}
	for i := range n {
		if results[i] != 1 || waited[i] != (i > 0) {
			t.Errorf("caller %d: result %d waited %v", i, results[i], waited[i])
		}
	}
}

// TestSequential: a key is merged only while in progress; the next call
// runs fn again.
func TestSequential(t *testing.T) {
	var g Group[int, int]
	for i := range 3 {
		v, err, waited := g.Do(7, func() (int, error) { return i, nil })
		if v != i || err != nil || waited {
			t.Errorf("call %d: %d %v %v", i, v, err, waited)
		}
	}
	if g.Len() != 0 {
		t.Errorf("%d calls left in progress", g.Len())
	}
}

// TestErrorShared: the error of the call is what its waiters get.
func TestErrorShared(t *testing.T) {
	var g Group[string, int]
	boom := errors.New("boom")
	release := make(chan struct{})
	started := make(chan struct{})
	done := make(chan error)
	go func() {
		_, err, _ := g.Do("k", func() (int, error) { close(started); <-release; return 0, boom })
		done <- err
	}()
	<-started
	go func() {
		_, err, _ := g.Do("k", func() (int, error) { return 0, nil })
		done <- err
	}()
	for g.Waiting("k") != 1 {
		runtime.Gosched()
	}
	close(release)
	e1, e2 := <-done, <-done
	if !errors.Is(e1, boom) {
		t.Errorf("first caller: %v", e1)
	}
	if !errors.Is(e2, boom) {
		t.Errorf("second caller: %v, want the first call's error", e2)
	}
}

// TestPanic: a panicking fn does not leave its waiters blocked, and the
// key is free again.
func TestPanic(t *testing.T) {
	var g Group[string, int]
	release := make(chan struct{})
	started := make(chan struct{})
	waiter := make(chan error)
	go func() {
		defer func() { recover() }()
		g.Do("k", func() (int, error) { close(started); <-release; panic("bad") })
	}()
	<-started
	go func() {
		_, err, _ := g.Do("k", func() (int, error) { return 1, nil })
		waiter <- err
	}()
	for g.Waiting("k") != 1 {
		runtime.Gosched()
	}
	close(release)
	if err := <-waiter; !errors.Is(err, ErrPanicked) {
		t.Errorf("waiter got %v", err)
	}
	if v, err, _ := g.Do("k", func() (int, error) { return 2, nil }); v != 2 || err != nil {
		t.Errorf("after the panic: %d %v", v, err)
	}
}
