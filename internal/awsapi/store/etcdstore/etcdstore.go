// Package etcdstore is the shared Backend of the store: the records of a
// State as etcd keys, PREFIX/BUCKET/KEY, so that any number of vpcdns
// serve instances share one state.
//
// A commit is one etcd transaction. Beside the records it writes the key
// PREFIX/head, and it only succeeds if PREFIX/head still has the mod
// revision this instance last loaded or wrote: a change was validated
// against the whole state, so it is only written over that same state.
// Two instances therefore never lose an update; the loser gets
// store.ErrConflict, catches up with the winner's change (Await, then
// Changes; a reload if it does not come in time) and runs its change once
// more. Every
// instance watches the prefix and applies the records another one wrote
// (store.ChangeWatcher); it reloads the whole state only when etcd has
// compacted away revisions the watch did not deliver.
package etcdstore

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/vpcdns/vpcdns/internal/awsapi/store"
)

// Config configures Open.
type Config struct {
	// Endpoints are the etcd members, HOST:PORT.
	Endpoints []string
	// Prefix is the key prefix of the state, without a trailing slash.
	Prefix string
	// TLS is the client TLS configuration; nil dials in plain text.
	TLS *tls.Config
	// Username and Password authenticate to etcd when Username is set.
	Username, Password string
	// Timeout bounds every request (5 s when zero): a commit or ping
	// that takes longer means etcd cannot be reached.
	Timeout time.Duration
}

// ParseURL splits etcd://HOST:PORT[,HOST:PORT...]/PREFIX.
func ParseURL(u string) (endpoints []string, prefix string, err error) {
	rest, ok := strings.CutPrefix(u, "etcd://")
	if !ok {
		return nil, "", fmt.Errorf("store %q: want etcd://HOST:PORT[,HOST:PORT...]/PREFIX", u)
	}
	hosts, prefix, ok := strings.Cut(rest, "/")
	prefix = strings.Trim(prefix, "/")
	if !ok || prefix == "" {
		return nil, "", fmt.Errorf("store %q: no /PREFIX after the endpoints", u)
	}
	for _, h := range strings.Split(hosts, ",") {
		if _, port, err := net.SplitHostPort(h); err != nil || port == "" {
			return nil, "", fmt.Errorf("store %q: endpoint %q is not HOST:PORT", u, h)
		}
		endpoints = append(endpoints, h)
	}
	return endpoints, prefix, nil
}

// Store is an etcd Backend.
type Store struct {
	c       *clientv3.Client
	prefix  string // with the trailing slash
	head    string
	timeout time.Duration
	writer  string

	// mu guards the revisions and the watch's queue: headRev is the mod
	// revision of PREFIX/head in the state last loaded, written or taken
	// from the watch (0: none), rev the revision that state is at; seen
	// is the last revision the watch delivered, pend the other writers'
	// changes it delivered that Changes has not returned yet, and full
	// is set when the watch was compacted past what the state holds.
	mu      sync.Mutex
	headRev int64
	rev     int64
	seen    int64
	pend    []change
	full    bool
	// conflict is the mod revision of head that refused the last commit;
	// progress is closed (and replaced) whenever seen moves.
	conflict int64
	progress chan struct{}
}

// change is one put or delete the watch delivered: a record, or the
// revision guard (head).
type change struct {
	rev  int64
	head bool
	rec  store.Record
}

// Open connects to etcd. It does not wait for etcd: an unreachable etcd
// fails the first Load.
func Open(cfg Config) (*Store, error) {
	if len(cfg.Endpoints) == 0 || cfg.Prefix == "" {
		return nil, errors.New("open etcd store: no endpoints or no prefix")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	c, err := clientv3.New(clientv3.Config{
		Endpoints:   cfg.Endpoints,
		DialTimeout: cfg.Timeout,
		TLS:         cfg.TLS,
		Username:    cfg.Username,
		Password:    cfg.Password,
		Logger:      zap.NewNop(),
		// Without keepalives a watch on a member that died silently
		// would wait for TCP to notice.
		DialKeepAliveTime:    5 * time.Second,
		DialKeepAliveTimeout: 2 * time.Second,
		// The client's own bound on a request (2 MiB by default) would
		// refuse a large starting network before etcd sees it; etcd's
		// --max-request-bytes is the one limit (docs/fleet.md).
		MaxCallSendMsgSize: 1 << 30,
	})
	if err != nil {
		return nil, fmt.Errorf("open etcd store %s/%s: %w", strings.Join(cfg.Endpoints, ","), cfg.Prefix, err)
	}
	host, _ := os.Hostname()
	return &Store{c: c, prefix: cfg.Prefix + "/", head: cfg.Prefix + "/head", timeout: cfg.Timeout,
		writer: host + ":" + strconv.Itoa(os.Getpid()), progress: make(chan struct{})}, nil
}

// Load reads every record at one revision (a linearizable read).
func (s *Store) Load(ctx context.Context) ([]store.Record, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	resp, err := s.c.Get(ctx, s.prefix, clientv3.WithPrefix())
	if err != nil {
		return nil, false, s.wrap("load", err)
	}
	var out []store.Record
	var headRev int64
	for _, kv := range resp.Kvs {
		k := string(kv.Key)
		if k == s.head {
			headRev = kv.ModRevision
			continue
		}
		bucket, key, ok := strings.Cut(strings.TrimPrefix(k, s.prefix), "/")
		if !ok || bucket == "" {
			continue // not a record
		}
		out = append(out, store.Record{Bucket: bucket, Key: key, Value: kv.Value})
	}
	s.mu.Lock()
	s.headRev, s.rev = headRev, resp.Header.Revision
	s.full = false
	s.pend = slices.DeleteFunc(s.pend, func(c change) bool { return c.rev <= s.rev })
	s.mu.Unlock()
	return out, len(resp.Kvs) > 0, nil
}

// Commit writes the records and PREFIX/head in one transaction, if no
// other writer committed since this one last loaded or wrote.
func (s *Store) Commit(ctx context.Context, recs []store.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ops := make([]clientv3.Op, 0, len(recs)+1)
	for _, r := range recs {
		k := s.prefix + r.Bucket + "/" + r.Key
		if r.Value == nil {
			ops = append(ops, clientv3.OpDelete(k))
		} else {
			ops = append(ops, clientv3.OpPut(k, string(r.Value)))
		}
	}
	ops = append(ops, clientv3.OpPut(s.head, s.writer))
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	resp, err := s.c.Txn(ctx).If(clientv3.Compare(clientv3.ModRevision(s.head), "=", s.headRev)).Then(ops...).Else(clientv3.OpGet(s.head)).Commit()
	if err != nil {
		return s.wrap("commit", err)
	}
	if !resp.Succeeded {
		s.conflict = 0
		if rs := resp.Responses; len(rs) == 1 && rs[0].GetResponseRange() != nil && len(rs[0].GetResponseRange().Kvs) == 1 {
			s.conflict = rs[0].GetResponseRange().Kvs[0].ModRevision
		}
		return fmt.Errorf("commit etcd store %s: %w", s.head, store.ErrConflict)
	}
	// The guard held: no other writer committed since the state this
	// one was made on, so the state is at this revision.
	s.headRev, s.rev = resp.Header.Revision, resp.Header.Revision
	return nil
}

// Ping reads PREFIX/head linearizably: it fails when the etcd cluster
// has no quorum, not only when no member answers.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if _, err := s.c.Get(ctx, s.head); err != nil {
		return s.wrap("ping", err)
	}
	return nil
}

// Close closes the client.
func (s *Store) Close() error { return s.c.Close() }

// wrap names the operation and marks errors that mean etcd cannot be
// reached (every error but a request etcd refuses as such) as
// store.ErrUnavailable.
func (s *Store) wrap(op string, err error) error {
	switch {
	case errors.Is(err, rpctypes.ErrTooManyOps), errors.Is(err, rpctypes.ErrRequestTooLarge),
		errors.Is(err, rpctypes.ErrGRPCTooManyOps), errors.Is(err, rpctypes.ErrGRPCRequestTooLarge):
		return fmt.Errorf("%s etcd store %s: %w (raise etcd's --max-txn-ops / --max-request-bytes)", op, s.prefix, err)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("%s etcd store %s: %w", op, s.prefix, err)
	}
	return fmt.Errorf("%s etcd store %s: %w: %w", op, s.prefix, store.ErrUnavailable, err)
}

// Watch watches the prefix from the last revision it delivered (or the
// state's) and calls changed when another writer's change arrives
// (Changes then returns its records), or when the watch was compacted
// past that revision (Changes then asks for a full reload, and the watch
// resumes from the reload). A watch that ends (a member lost, no leader)
// resumes from the next revision: it misses nothing, and only if etcd
// has compacted that revision away meanwhile is the state reloaded
// whole. Responses that arrive while changed runs are coalesced into one
// more call.
func (s *Store) Watch(ctx context.Context, changed func(context.Context) error) {
	// changed runs in its own goroutine: it takes the store's write lock,
	// which a change waiting in Await for this watch may hold, so the
	// watch must keep reading meanwhile.
	notify := make(chan struct{}, 1)
	var wg sync.WaitGroup
	defer wg.Wait()
	call := changed
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-notify:
				_ = call(ctx)
			}
		}
	})
	changed = func(context.Context) error {
		select {
		case notify <- struct{}{}:
		default:
		}
		return nil
	}
	for ctx.Err() == nil {
		s.mu.Lock()
		from := max(s.rev, s.seen) + 1
		s.mu.Unlock()
		wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
		wch := s.c.Watch(wctx, s.prefix, clientv3.WithPrefix(), clientv3.WithRev(from))
		s.follow(ctx, wch, changed)
		cancel()
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// follow reads one watch until it ends.
func (s *Store) follow(ctx context.Context, wch clientv3.WatchChan, changed func(context.Context) error) {
	for {
		resp, ok := <-wch
		if !ok {
			return
		}
		call, restart := s.take(resp)
		for more := !restart; more; {
			select {
			case r, ok := <-wch:
				if !ok {
					more, restart = false, true
					break
				}
				c, rs := s.take(r)
				call, restart = call || c, restart || rs
				more = !rs
			default:
				more = false
			}
		}
		if call {
			_ = changed(ctx)
		}
		if restart {
			return
		}
	}
}

// take queues a watch response's changes that the state does not hold
// yet (not this instance's own commits, not what a Load read): whether
// there is something for Changes (call), and whether the watch ended.
func (s *Store) take(resp clientv3.WatchResponse) (call, restart bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if resp.CompactRevision != 0 {
		s.full = true
		close(s.progress)
		s.progress = make(chan struct{})
		return true, true
	}
	if resp.Err() != nil || resp.Canceled {
		return false, true
	}
	if n := len(resp.Events); n > 0 && resp.Events[n-1].Kv.ModRevision > s.seen {
		close(s.progress)
		s.progress = make(chan struct{})
	}
	for _, ev := range resp.Events {
		r := ev.Kv.ModRevision
		s.seen = max(s.seen, r)
		if r <= s.rev {
			continue // loaded, or this instance's own commit
		}
		k := string(ev.Kv.Key)
		if k == s.head {
			s.pend = append(s.pend, change{rev: r, head: true})
			call = true
			continue
		}
		bucket, key, ok := strings.Cut(strings.TrimPrefix(k, s.prefix), "/")
		if !ok || bucket == "" {
			continue // not a record
		}
		rec := store.Record{Bucket: bucket, Key: key}
		if ev.Type == clientv3.EventTypePut {
			rec.Value = ev.Kv.Value
			if rec.Value == nil {
				rec.Value = []byte{}
			}
		}
		s.pend = append(s.pend, change{rev: r, rec: rec})
		call = true
	}
	return call, false
}

// Changes returns the records of the changes the watch delivered that
// the state does not hold yet, and takes the state to their revision (the
// next commit is guarded by the head they wrote); full when the watch was
// compacted past the state's revision.
func (s *Store) Changes() ([]store.Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.full {
		return nil, true
	}
	var out []store.Record
	for _, c := range s.pend {
		if c.rev <= s.rev {
			continue
		}
		if c.head {
			s.headRev = c.rev
		} else {
			out = append(out, c.rec)
		}
	}
	if n := len(s.pend); n > 0 {
		s.rev = max(s.rev, s.pend[n-1].rev)
	}
	s.pend = s.pend[:0]
	return out, false
}

// Await waits (at most the request timeout) until the watch delivered
// the head that refused the last commit, or was compacted.
func (s *Store) Await(ctx context.Context) bool {
	timer := time.NewTimer(s.timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		want, ok := s.conflict, s.seen >= s.conflict || s.full
		ch := s.progress
		s.mu.Unlock()
		switch {
		case want == 0:
			return false
		case ok:
			return true
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return false
		case <-timer.C:
			return false
		}
	}
}
