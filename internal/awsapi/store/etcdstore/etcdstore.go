// Package etcdstore is the shared Backend of the store: the records of a
// State as etcd keys, PREFIX/BUCKET/KEY, so that any number of vpcdns
// serve instances share one state.
//
// A commit is one etcd transaction. Beside the records it writes the key
// PREFIX/head, and it only succeeds if PREFIX/head still has the mod
// revision this instance last loaded or wrote: a change was validated
// against the whole state, so it is only written over that same state.
// Two instances therefore never lose an update; the loser gets
// store.ErrConflict, reloads and runs its change once more. Every
// instance watches the prefix and reloads when another one wrote.
package etcdstore

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
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

	// mu guards the revisions: headRev is the mod revision of
	// PREFIX/head in the state last loaded or written (0: none), rev the
	// revision that state was read or written at, loaded the revision
	// of the last Load, mine the revisions of this instance's commits
	// that the watch has not seen yet.
	mu      sync.Mutex
	headRev int64
	rev     int64
	loaded  int64
	mine    map[int64]bool
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
	})
	if err != nil {
		return nil, fmt.Errorf("open etcd store %s/%s: %w", strings.Join(cfg.Endpoints, ","), cfg.Prefix, err)
	}
	host, _ := os.Hostname()
	return &Store{c: c, prefix: cfg.Prefix + "/", head: cfg.Prefix + "/head", timeout: cfg.Timeout,
		writer: host + ":" + strconv.Itoa(os.Getpid()), mine: map[int64]bool{}}, nil
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
	s.headRev, s.rev, s.loaded = headRev, resp.Header.Revision, resp.Header.Revision
	for r := range s.mine {
		if r <= s.loaded {
			delete(s.mine, r)
		}
	}
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
	resp, err := s.c.Txn(ctx).If(clientv3.Compare(clientv3.ModRevision(s.head), "=", s.headRev)).Then(ops...).Commit()
	if err != nil {
		return s.wrap("commit", err)
	}
	if !resp.Succeeded {
		return fmt.Errorf("commit etcd store %s: %w", s.head, store.ErrConflict)
	}
	s.headRev, s.rev = resp.Header.Revision, resp.Header.Revision
	s.mine[resp.Header.Revision] = true
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

// Watch watches the prefix from the revision last loaded or written and
// calls changed when a change that is not this instance's arrives, or
// when the watch was compacted past that revision (changed then reloads
// everything, and the watch resumes from the reload). Responses that
// arrive while changed runs are coalesced into one more call.
func (s *Store) Watch(ctx context.Context, changed func(context.Context) error) {
	for ctx.Err() == nil {
		s.mu.Lock()
		from := s.rev + 1
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
		reload, restart := s.take(resp)
		for more := !restart; more; {
			select {
			case r, ok := <-wch:
				if !ok {
					more, restart = false, true
					break
				}
				rl, rs := s.take(r)
				reload, restart = reload || rl, restart || rs
				more = !rs
			default:
				more = false
			}
		}
		if reload {
			_ = changed(ctx)
		}
		if restart {
			return
		}
	}
}

// take reads a watch response: whether it holds another writer's change
// or the watch was compacted (reload), and whether the watch ended.
func (s *Store) take(resp clientv3.WatchResponse) (reload, restart bool) {
	if resp.CompactRevision != 0 {
		return true, true
	}
	if resp.Err() != nil || resp.Canceled {
		return false, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ev := range resp.Events {
		switch r := ev.Kv.ModRevision; {
		case s.mine[r]:
			delete(s.mine, r)
		case r > s.loaded:
			reload = true
		}
	}
	return reload, false
}
