package querylog

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
)

// DefaultQueue is the default capacity of a destination's queue.
const DefaultQueue = 4096

// Destination is where records go: Writer if set (the caller keeps owning
// it), else the file at Path, opened for appending and created 0644.
type Destination struct {
	// Name identifies the destination in errors and logs, e.g. the id of
	// the query-log configuration.
	Name   string
	Writer io.Writer
	Path   string
	// VPCs limits the destination to records of these VPC ids; empty
	// means every VPC.
	VPCs []string
	// CacheHits asks for records of queries answered from the cache too.
	CacheHits bool
}

// Options tune a Logger. The zero value is usable.
type Options struct {
	// Queue is the capacity of each destination's queue; 0 means
	// DefaultQueue. A record that finds its queue full is dropped.
	Queue int
	// Log receives write errors, once per run of failures; nil discards.
	Log *slog.Logger
}

// Logger writes records to its destinations, each through its own bounded
// queue and writer goroutine. It is safe for concurrent use.
type Logger struct {
	sinks   []*sink
	dropped atomic.Uint64
	closed  atomic.Bool
	once    sync.Once
}

type sink struct {
	name      string
	vpcs      map[string]struct{} // nil: every VPC
	cacheHits bool
	queue     chan Record
	stop      chan struct{}
	done      chan struct{}
	out       io.Writer
	w         *bufio.Writer // buffers out
	file      *os.File      // out when the logger opened it
	log       *slog.Logger
	err       error // the last write error; read after done is closed
}

// New opens the destinations and starts their writers. On error no
// goroutine is left running and no file open.
func New(dests []Destination, o Options) (*Logger, error) {
	if o.Queue <= 0 {
		o.Queue = DefaultQueue
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	l := &Logger{}
	for _, d := range dests {
		s := &sink{
			name:      d.Name,
			cacheHits: d.CacheHits,
			queue:     make(chan Record, o.Queue),
			stop:      make(chan struct{}),
			done:      make(chan struct{}),
			log:       o.Log.With("destination", d.Name),
		}
		if len(d.VPCs) > 0 {
			s.vpcs = make(map[string]struct{}, len(d.VPCs))
			for _, v := range d.VPCs {
				s.vpcs[v] = struct{}{}
			}
		}
		w := d.Writer
		if w == nil {
			f, err := os.OpenFile(d.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
			if err != nil {
				for _, s := range l.sinks {
					if s.file != nil {
						s.file.Close()
					}
				}
				return nil, fmt.Errorf("open query log %s: %w", d.Name, err)
			}
			s.file, w = f, f
		}
		s.out, s.w = w, bufio.NewWriterSize(w, 64<<10)
		l.sinks = append(l.sinks, s)
	}
	for _, s := range l.sinks {
		go s.run()
	}
	return l, nil
}

// Log queues rec for every destination that takes it and returns at once: a
// destination whose queue is full drops it, and Dropped counts it. Log
// encodes nothing; rec's slices must not be changed afterwards. After Close,
// Log drops silently.
func (l *Logger) Log(rec Record) {
	if l.closed.Load() {
		return
	}
	for _, s := range l.sinks {
		if rec.CacheHit && !s.cacheHits {
			continue
		}
		if s.vpcs != nil {
			if _, ok := s.vpcs[rec.VPCID]; !ok {
				continue
			}
		}
		select {
		case s.queue <- rec:
		default:
			l.dropped.Add(1)
		}
	}
}

// Dropped returns how many records were dropped on full queues, counting
// one per destination that missed it.
func (l *Logger) Dropped() uint64 { return l.dropped.Load() }

// Close stops taking records, writes what is queued, flushes and closes the
// files it opened. It returns early with ctx's error when ctx ends first; the
// writers then finish in the background. Calls after the first return nil.
func (l *Logger) Close(ctx context.Context) error {
	first := false
	l.once.Do(func() {
		first = true
		l.closed.Store(true)
		for _, s := range l.sinks {
			close(s.stop)
		}
	})
	if !first {
		return nil
	}
	var errs []error
	for _, s := range l.sinks {
		select {
		case <-s.done:
			if s.err != nil {
				errs = append(errs, fmt.Errorf("close query log %s: %w", s.name, s.err))
			}
		case <-ctx.Done():
			return fmt.Errorf("close query logs: %w", ctx.Err())
		}
	}
	return errors.Join(errs...)
}

// run is the writer goroutine: it encodes each record, and flushes whenever
// the queue runs empty, so a quiet log is never left sitting in the buffer.
func (s *sink) run() {
	defer close(s.done)
	buf := make([]byte, 0, 1024)
	for {
		select {
		case rec := <-s.queue:
			buf = s.write(buf, &rec)
			if len(s.queue) == 0 {
				s.flush()
			}
		case <-s.stop:
			for {
				select {
				case rec := <-s.queue:
					buf = s.write(buf, &rec)
				default:
					s.flush()
					if s.file != nil {
						if err := s.file.Close(); err != nil {
							s.fail(err)
						}
					}
					return
				}
			}
		}
	}
}

func (s *sink) write(buf []byte, rec *Record) []byte {
	buf = append(rec.AppendJSON(buf[:0]), '\n')
	if _, err := s.w.Write(buf); err != nil {
		s.fail(err)
	}
	if cap(buf) > 64<<10 { // one huge record should not pin its buffer
		buf = make([]byte, 0, 1024)
	}
	return buf
}

// flush writes out what is buffered; a flush that reaches the destination
// ends a run of failures.
func (s *sink) flush() {
	if s.w.Buffered() == 0 {
		return
	}
	if err := s.w.Flush(); err != nil {
		s.fail(err)
		return
	}
	if s.err != nil {
		s.log.Info("query log writes recovered")
		s.err = nil
	}
}

// fail logs the first error of a run of failures and remembers the last. A
// failed buffered writer keeps failing, so it is reset: what it held is
// lost, and the next record tries the destination afresh.
func (s *sink) fail(err error) {
	s.w.Reset(s.out)
	if s.err == nil {
		s.log.Error("query log write failed", "err", err)
	}
	s.err = err
}
