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

// TestJoin: a joined caller gets the result of the call in progress once
// it is done, without waiting itself; past max joiners, and with no call
// in progress, Join refuses; a panic gives the joined ErrPanicked.
func TestJoin(t *testing.T) {
	tests := []struct {
		name  string
		fn    func() (int, error)
		joins int
		max   int
		want  int // joined callers
		err   error
	}{
		{name: "result shared", fn: func() (int, error) { return 7, nil }, joins: 5, max: 10, want: 5},
		{name: "error shared", fn: func() (int, error) { return 0, errors.New("boom") }, joins: 3, max: 10, want: 3},
		{name: "at most max", fn: func() (int, error) { return 7, nil }, joins: 5, max: 2, want: 2},
		{name: "panic", fn: func() (int, error) { panic("boom") }, joins: 2, max: 10, want: 2, err: ErrPanicked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g Group[string, int]
			if g.Join("k", tt.max, waiterFunc(func(int, error) { t.Error("joined a call not in progress") })) {
				t.Fatal("Join with no call in progress reported true")
			}
			started, release := make(chan struct{}), make(chan struct{})
			type result struct {
				v   int
				err error
			}
			got := make(chan result, tt.joins)
			done := make(chan struct{})
			go func() {
				defer close(done)
				defer func() { _ = recover() }()
				g.Do("k", func() (int, error) {
					close(started)
					<-release
					return tt.fn()
				})
			}()
			<-started
			joined := 0
			for range tt.joins {
				if g.Join("k", tt.max, waiterFunc(func(v int, err error) { got <- result{v, err} })) {
					joined++
				}
			}
			if joined != tt.want {
				t.Errorf("joined %d of %d, want %d", joined, tt.joins, tt.want)
			}
			if w := g.Waiting("k"); w != tt.want {
				t.Errorf("Waiting = %d, want %d", w, tt.want)
			}
			close(release)
			<-done
			want, wantErr := tt.fn, tt.err
			for range joined {
				r := <-got
				if wantErr != nil {
					if !errors.Is(r.err, wantErr) {
						t.Errorf("joined got error %v, want %v", r.err, wantErr)
					}
					continue
				}
				v, err := want()
				if r.v != v || (r.err == nil) != (err == nil) {
					t.Errorf("joined got (%d, %v), want (%d, %v)", r.v, r.err, v, err)
				}
			}
			if g.Len() != 0 {
				t.Errorf("Len = %d after the call, want 0", g.Len())
			}
		})
	}
}

// waiterFunc is a Waiter made of a function.
type waiterFunc func(int, error)

func (f waiterFunc) Done(v int, err error) { f(v, err) }
