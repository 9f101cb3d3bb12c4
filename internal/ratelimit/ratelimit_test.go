package ratelimit

import (
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

func TestTake(t *testing.T) {
	tests := []struct {
		name    string
		limit   int
		rate    int // arrivals per second, evenly spaced
		seconds int
		n       int // tokens per arrival
		want    int // arrivals let through in all
	}{
		{"under the limit passes everything", 1024, 900, 3, 1, 2700},
		{"at the limit passes everything", 1024, 1024, 3, 1, 3072},
		{"over the limit passes the limit per second", 1024, 2000, 5, 1, 5 * 1024},
		{"unlimited passes everything", 0, 50000, 2, 1, 100000},
		{"several tokens per arrival", 10, 10, 2, 2, 10},
		{"endpoint address over capacity", 10000, 12500, 4, 1, 40000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := New([]int{tc.limit})
			got := 0
			for k := range tc.rate * tc.seconds {
				at := t0.Add(time.Duration(int64(k) * int64(time.Second) / int64(tc.rate)))
				if s.Take(0, tc.n, at) {
					got++
				}
			}
			if got != tc.want {
				t.Errorf("passed %d, want %d", got, tc.want)
			}
		})
	}
}

func TestBucketsAreIndependent(t *testing.T) {
	s := New([]int{2, 3})
	for range 5 {
		s.Take(0, 1, t0)
	}
	if got := s.Taken(0, t0); got != 2 {
		t.Errorf("bucket 0 gave %d, want 2", got)
	}
	if !s.Take(1, 3, t0) || s.Take(1, 1, t0) {
		t.Error("bucket 1 should give exactly its own 3 tokens")
	}
	if !s.Take(0, 2, t0.Add(time.Second)) {
		t.Error("bucket 0 should be full again in the next second")
	}
	if s.Taken(1, t0.Add(time.Second)) != 0 {
		t.Error("Taken of a past second should be 0")
	}
}

func TestClockBackwards(t *testing.T) {
	s := New([]int{1})
	if !s.Take(0, 1, t0.Add(time.Second)) || !s.Take(0, 1, t0) || s.Take(0, 1, t0) {
		t.Error("each second the clock names has its own tokens")
	}
}

func TestClamp(t *testing.T) {
	if got := New([]int{-5, MaxPerSecond + 10}); got.Limit(0) != 0 || got.Limit(1) != MaxPerSecond {
		t.Errorf("limits %d, %d", got.Limit(0), got.Limit(1))
	}
}

func TestConcurrentTakesNeverExceedTheLimit(t *testing.T) {
	s := New([]int{1000})
	var wg sync.WaitGroup
	var mu sync.Mutex
	passed := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			for range 500 {
				if s.Take(0, 1, t0) {
					n++
				}
			}
			mu.Lock()
			passed += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if passed != 1000 {
		t.Errorf("passed %d of 4000 concurrent takes, want exactly 1000", passed)
	}
}

func TestTakeAllocatesNothing(t *testing.T) {
	s := New([]int{1 << 20})
	if a := testing.AllocsPerRun(1000, func() { s.Take(0, 1, t0) }); a != 0 {
		t.Errorf("Take allocates %v times", a)
	}
}

func BenchmarkTake(b *testing.B) {
	s := New([]int{MaxPerSecond})
	for i := 0; b.Loop(); i++ {
		s.Take(0, 1, t0.Add(time.Duration(i)))
	}
}
