package querylog

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpcdns/vpcdns/internal/loopbacktest"
)

// splitLines splits what a writer got into its lines.
func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// blockingWriter blocks every Write until release is closed, and tells
// entered when the first one starts.
type blockingWriter struct {
	entered chan struct{}
	release chan struct{}
	once    sync.Once
	loopbacktest.Buffer
}

func newBlockingWriter() *blockingWriter {
	return &blockingWriter{entered: make(chan struct{}), release: make(chan struct{})}
}

func (w *blockingWriter) Write(p []byte) (int, error) {
	w.once.Do(func() { close(w.entered) })
	<-w.release
	return w.Buffer.Write(p)
}

func newLogger(t *testing.T, dests []Destination, o Options) *Logger {
	t.Helper()
	l, err := New(dests, o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return l
}

func closeLogger(t *testing.T, l *Logger) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func TestCloseFlushes(t *testing.T) {
	var out loopbacktest.Buffer
	l := newLogger(t, []Destination{{Name: "stdout", Writer: &out}}, Options{})
	const n = 500
	for i := range n {
		rec := sample()
		rec.SrcPort = uint16(i)
		l.Log(rec)
	}
	closeLogger(t, l)
	lines := splitLines(out.String())
	if len(lines) != n {
		t.Fatalf("lines = %d; want %d", len(lines), n)
	}
	for i, line := range lines {
		var rec Record
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if rec.SrcPort != uint16(i) {
			t.Fatalf("line %d srcport = %d; want %d (order kept)", i, rec.SrcPort, i)
		}
	}
	if got := l.Dropped(); got != 0 {
		t.Errorf("Dropped = %d; want 0", got)
	}

	l.Log(sample()) // after Close: ignored, no panic
	if got := len(splitLines(out.String())); got != n {
		t.Errorf("lines after a Log past Close = %d; want %d", got, n)
	}
	if err := l.Close(context.Background()); err != nil {
		t.Errorf("second Close = %v; want nil", err)
	}
}

func TestSlowWriterNeverBlocksLog(t *testing.T) {
	w := newBlockingWriter()
	const queue = 4
	l := newLogger(t, []Destination{{Name: "slow", Writer: w}}, Options{Queue: queue})

	l.Log(sample()) // taken by the writer goroutine, which then blocks in Write
	select {
	case <-w.entered:
	case <-time.After(5 * time.Second):
		t.Fatal("writer never called")
	}
	const n = 1000
	start := time.Now()
	for range n {
		l.Log(sample())
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("%d Log calls took %v with a blocked writer; want no blocking", n, d)
	}
	if got, want := l.Dropped(), uint64(n-queue); got != want {
		t.Errorf("Dropped = %d; want %d", got, want)
	}

	close(w.release)
	closeLogger(t, l)
	if got, want := len(splitLines(w.String())), 1+queue; got != want {
		t.Errorf("lines written = %d; want %d", got, want)
	}
}

func TestCloseHonoursContext(t *testing.T) {
	w := newBlockingWriter()
	l := newLogger(t, []Destination{{Name: "slow", Writer: w}}, Options{})
	l.Log(sample())
	<-w.entered
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := l.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close = %v; want %v", err, context.DeadlineExceeded)
	}
	close(w.release)
}

func TestFileDestination(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.log")
	const old = `{"old":"line"}` + "\n"
	if err := os.WriteFile(existing, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(dir, "fresh.log")

	l := newLogger(t, []Destination{{Name: "a", Path: existing}, {Name: "b", Path: fresh}}, Options{})
	l.Log(sample())
	l.Log(sample())
	closeLogger(t, l)

	rec := sample()
	want := string(rec.AppendJSON(nil)) + "\n"
	tests := []struct {
		name string
		path string
		want string
	}{
		{name: "appends to an existing file", path: existing, want: old + want + want},
		{name: "creates a new file", path: fresh, want: want + want},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := os.ReadFile(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("file =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	st, err := os.Stat(fresh)
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm&^0o644 != 0 {
		t.Errorf("new file mode = %v; want at most -rw-r--r--", perm)
	}

	// A second logger on the same file appends after the first.
	l = newLogger(t, []Destination{{Name: "b", Path: fresh}}, Options{})
	l.Log(sample())
	closeLogger(t, l)
	if got, _ := os.ReadFile(fresh); string(got) != want+want+want {
		t.Errorf("file after reopen has %d lines; want 3", strings.Count(string(got), "\n"))
	}
}

func TestNewFails(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.log")
	_, err := New([]Destination{
		{Name: "ok", Path: ok},
		{Name: "qlc-broken", Path: filepath.Join(dir, "missing", "q.log")},
	}, Options{})
	if err == nil {
		t.Fatal("New = nil error; want one")
	}
	if !strings.Contains(err.Error(), "qlc-broken") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("New error = %v; want it to name qlc-broken and wrap os.ErrNotExist", err)
	}
}

func TestRouting(t *testing.T) {
	var all, vpcA, hits loopbacktest.Buffer
	l := newLogger(t, []Destination{
		{Name: "all", Writer: &all},
		{Name: "vpc-a", Writer: &vpcA, VPCs: []string{"vpc-a"}},
		{Name: "hits", Writer: &hits, VPCs: []string{"vpc-a", "vpc-b"}, CacheHits: true},
	}, Options{})
	for _, r := range []struct {
		vpc string
		hit bool
	}{{"vpc-a", false}, {"vpc-a", true}, {"vpc-b", false}, {"vpc-c", true}} {
		rec := sample()
		rec.VPCID, rec.CacheHit = r.vpc, r.hit
		l.Log(rec)
	}
	closeLogger(t, l)
	tests := []struct {
		name string
		buf  *loopbacktest.Buffer
		want []string // vpc ids of the lines
	}{
		{name: "every vpc, no cache hits", buf: &all, want: []string{"vpc-a", "vpc-b"}},
		{name: "one vpc", buf: &vpcA, want: []string{"vpc-a"}},
		{name: "cache hits asked for", buf: &hits, want: []string{"vpc-a", "vpc-a", "vpc-b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, line := range splitLines(tc.buf.String()) {
				var rec Record
				if err := json.Unmarshal([]byte(line), &rec); err != nil {
					t.Fatal(err)
				}
				got = append(got, rec.VPCID)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("vpcs = %v; want %v", got, tc.want)
			}
		})
	}
}

// failingWriter fails its first fails writes; it signals each write on
// calls when that is not nil.
type failingWriter struct {
	fails int
	calls chan struct{}
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.calls != nil {
		w.calls <- struct{}{}
	}
	if w.fails > 0 {
		w.fails--
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteErrorRecovers(t *testing.T) {
	w := &failingWriter{fails: 1, calls: make(chan struct{}, 10)}
	l := newLogger(t, []Destination{{Name: "flaky", Writer: w}}, Options{})
	l.Log(sample())
	<-w.calls // the first flush fails; the writer handles it before the next record
	l.Log(sample())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.Close(ctx); err != nil {
		t.Errorf("Close = %v; want nil after the writer recovered", err)
	}
}

func TestCloseReportsWriteError(t *testing.T) {
	w := &failingWriter{fails: 1 << 30}
	l := newLogger(t, []Destination{{Name: "qlc-dead", Writer: w}}, Options{})
	l.Log(sample())
	err := l.Close(context.Background())
	if err == nil || !strings.Contains(err.Error(), "qlc-dead") {
		t.Errorf("Close = %v; want an error naming qlc-dead", err)
	}
}

func TestLogAllocs(t *testing.T) {
	w := newBlockingWriter()
	l := newLogger(t, []Destination{{Name: "slow", Writer: w}}, Options{Queue: 1 << 12})
	rec := sample()
	allocs := testing.AllocsPerRun(1000, func() { l.Log(rec) })
	if allocs != 0 {
		t.Errorf("allocs per Log = %v; want 0", allocs)
	}
	close(w.release)
	closeLogger(t, l)
}

func BenchmarkLog(b *testing.B) {
	l, err := New([]Destination{{Name: "discard", Writer: discard{}}}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	rec := sample()
	b.ReportAllocs()
	for b.Loop() {
		l.Log(rec)
	}
	b.StopTimer()
	if err := l.Close(context.Background()); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkAppendJSON(b *testing.B) {
	rec := sample()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = rec.AppendJSON(buf[:0])
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
