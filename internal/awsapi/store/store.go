// Package store keeps the state behind vpcdns's AWS APIs: the network as a
// config.File (the network.yaml schema) and, beside it, the Meta that the
// file cannot hold. Every change is made on a copy, validated as a whole
// network file is, written to the Backend in one transaction that holds
// only the resources it changed, and only then made current: a rejected
// change leaves nothing behind.
//
// A Backend stores one record per resource (records.go): the bbolt file
// DIR/vpcdns.db (package boltstore). The state.json of earlier
// versions, one JSON file for everything, is read once and migrated.
//
// The DNS server takes a change in one of two ways. A change that can fail
// to apply (a VPC or endpoint whose sockets open or close, the emulated
// servers) is applied before it is acknowledged. Every other change (rules
// and their associations, zones and records, policy) is compiled in the
// background: one rebuild at a time, coalesced, and the API reports what
// is not yet answered in DNS as AWS does (a rule association CREATING, a
// Route 53 change PENDING).
package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/config"
)

// FileName is the name of the state file of earlier versions inside the
// data directory (see Options.LegacyDir).
const FileName = "state.json"

// format is the version of the state.json file.
const format = 1

// State is the network and its side records. A State that a Store has made
// current is never modified again; changes work on a Clone.
type State struct {
	File config.File
	Meta Meta
	// shares are the keys of the resource shares in Meta.Objects, kept by
	// the store for the states it makes current; nil (a copy, a state made
	// elsewhere): Shared and SharedWith look at every object.
	shares *shareIndex
}

// Clone returns a deep copy of st.
func (st *State) Clone() *State {
	c := deepCopy(*st)
	return &c
}

// Options configure Open.
type Options struct {
	// Backend keeps the state; nil keeps it in memory only.
	Backend Backend
	// LegacyDir is a data directory that may hold a state.json of an
	// earlier version: when the backend holds no state, it is migrated and
	// renamed to state.json.bak.
	LegacyDir string
	// Initial is the starting network when the backend holds no state yet
	// (nil: an empty network). Its relative paths (zone files, query log
	// files) are read from BaseDir.
	Initial *config.File
	BaseDir string
	// Now is the clock [time.Now].
	Now func() time.Time
	// Logger receives the errors of background rebuilds.
	Logger *slog.Logger
	// Verify checks every scoped change (UpdateRules) against a
	// whole-state one: for tests, it costs what the scoped change saves.
	Verify bool
}

// restFactor is how many times as long as a background rebuild took the
// rebuilder waits before the next one.
const restFactor = 3

// BackupName is what a migrated state.json is renamed to.
const BackupName = FileName + ".bak"

// Store holds the current state. It is safe for concurrent use.
type Store struct {
	// wmu serializes changes; applyMu serializes applying networks, so
	// that DNS never goes back to an older one; mu guards the fields
	// below. They are taken in that order.
	wmu     sync.Mutex
	applyMu sync.Mutex
	mu      sync.RWMutex
	backend Backend
	now     func() time.Time
	log     *slog.Logger
	st      *State
	net     *config.Network
	ord     *order
	// creators indexes the current state's creator request ids; changes
	// (under wmu) read and update it.
	creators map[creatorKey]int
	// loaded is true when the state came from the backend rather than
	// Initial.
	loaded bool

	// The DNS side: apply makes a network take effect; version counts
	// the committed changes and applied is the version DNS answers from.
	// pending holds the ids of resources and changes written after
	// applied, with the version that wrote them.
	apply func(*config.Network) error
	// patch, when set, applies a change of rules alone (see SetPatch);
	// dirty are the rules changed since appliedNet, the network DNS last
	// took, and they are all that changed up to version dirtyVersion: a
	// change that bumps version without adding its rules (anything but a
	// change of rules alone: a whole-state change, a reload) leaves
	// dirtyVersion behind, and the next rebuild is a whole one.
	patch        PatchFunc
	dirty        map[string]*config.Rule
	dirtyVersion uint64
	appliedNet   *config.Network
	version      uint64
	applied      uint64
	pending      map[string]uint64
	kick         chan struct{}
	stop         chan struct{}
	done         chan struct{}
	waiters      []chan struct{}
	stats        Stats
	verify       bool
	// watchStop ends the watch of a shared backend; watchDone is
	// closed when it has.
	watchStop context.CancelFunc
	watchDone chan struct{}
}

// Stats are the store's counters (see metrics.StoreStats).
type Stats struct {
	// Up is false when the last use of the backend failed to reach it.
	Up                        bool
	Commits, Unavailable      uint64
	Version, Applied          uint64
	Rebuilds, RebuildFailures uint64
	// Reloads counts the full reloads of a shared backend's state
	// (a compacted watch, a change of another instance that did not
	// apply, or found under a change of this one); Conflicts the
	// changes that found the backend changed under them.
	Reloads, Conflicts uint64
	// Followed counts the changes of other instances applied record by
	// record, without a reload (a ChangeWatcher's).
	Followed uint64
}

// Stats returns the store's counters.
func (s *Store) Stats() Stats {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.stats
	st.Version, st.Applied = s.version, s.applied
	return st
}

func (s *Store) count(f func(*Stats)) {
	s.mu.Lock()
	f(&s.stats)
	s.mu.Unlock()
}

// Open loads the backend's state, or migrates LegacyDir/state.json, or
// starts from opts.Initial (writing it to the backend at once).
func Open(opts Options) (*Store, error) {
	ctx := context.Background()
	s := &Store{backend: opts.Backend, now: opts.Now, log: opts.Logger, pending: map[string]uint64{}, stats: Stats{Up: true}, verify: opts.Verify}
	if s.backend == nil {
		s.backend = memory{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if err := s.open(ctx, opts); err != nil {
		return nil, err
	}
	if w, ok := s.backend.(Watcher); ok {
		wctx, cancel := context.WithCancel(context.Background())
		s.watchStop, s.watchDone = cancel, make(chan struct{})
		go func() {
			defer close(s.watchDone)
			changed := s.Reload
			if _, ok := w.(ChangeWatcher); ok {
				changed = s.follow
			}
			w.Watch(wctx, changed)
		}()
	}
	return s, nil
}

// open loads the state, or writes the starting one. When another writer
// of a shared backend wrote its own starting state first, that one is
// loaded.
func (s *Store) open(ctx context.Context, opts Options) error {
	for attempt := 0; ; attempt++ {
		recs, found, err := s.backend.Load(ctx)
		if err != nil {
			return err
		}
		if found {
			st, ord, n, err := decodeValid(recs)
			if err != nil {
				return fmt.Errorf("open store: %w", err)
			}
			indexShares(st)
			s.st, s.net, s.ord, s.loaded = st, n, ord, true
			s.creators = creatorIndex(st)
			return nil
		}
		err = s.start(ctx, opts)
		if errors.Is(err, ErrConflict) && attempt == 0 {
			continue
		}
		return err
	}
}

// decodeValid decodes stored records and validates their network.
func decodeValid(recs []Record) (*State, *order, *config.Network, error) {
	st, ord, err := decodeState(recs)
	if err != nil {
		return nil, nil, nil, err
	}
	n, err := config.Validate(&st.File, "network", "/")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("stored network: %w", err)
	}
	return st, ord, n, nil
}

// start writes the starting state: a migrated state.json, or
// opts.Initial.
func (s *Store) start(ctx context.Context, opts Options) error {
	var err error
	var st *State
	var n *config.Network
	legacy := ""
	if opts.LegacyDir != "" {
		removeTemps(opts.LegacyDir)
		legacy = filepath.Join(opts.LegacyDir, FileName)
		st, n, err = load(legacy)
		switch {
		case err == nil:
			s.loaded = true
		case errors.Is(err, fs.ErrNotExist):
			legacy = ""
		default:
			return err
		}
	}
	if st == nil {
		st = &State{}
		if opts.Initial != nil {
			st = &State{File: deepCopy(*opts.Initial)}
			absolutize(&st.File, opts.BaseDir)
		}
		n, err = config.Validate(&st.File, "network", "/")
		if err != nil {
			return fmt.Errorf("open store: starting network: %w", err)
		}
		Reconcile(st, n, s.now().UTC())
	}
	s.ord = newOrder()
	all, err := diff(nil, st, s.ord)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	s.ord.commit()
	all = append(all, formatRecord())
	if err := s.backend.Commit(ctx, all); err != nil {
		return err
	}
	if legacy != "" {
		if err := os.Rename(legacy, filepath.Join(opts.LegacyDir, BackupName)); err != nil {
			return fmt.Errorf("open store: keep %s as a backup: %w", legacy, err)
		}
	}
	indexShares(st)
	s.st, s.net = st, n
	s.creators = creatorIndex(st)
	return nil
}

// Reload replaces the current state with the backend's: what a shared
// backend's Watcher calls when another instance changed it. DNS follows
// through the background rebuild. A state that does not decode or
// validate is refused and the current one kept.
func (s *Store) Reload(ctx context.Context) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.reload(ctx)
}

// reload is Reload; the caller holds wmu.
func (s *Store) reload(ctx context.Context) error {
	recs, found, err := s.backend.Load(ctx)
	if err != nil {
		if errors.Is(err, ErrUnavailable) {
			s.count(func(st *Stats) { st.Up = false })
		}
		return fmt.Errorf("reload store: %w", err)
	}
	if !found {
		return errors.New("reload store: the backend holds no state any more; keeping the last one")
	}
	st, ord, n, err := decodeValid(recs)
	if err != nil {
		return fmt.Errorf("reload store: %w", err)
	}
	s.ord = ord
	s.creators = creatorIndex(st)
	indexShares(st)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st, s.net = st, n
	s.version++ // not in dirtyVersion: DNS takes the whole network
	s.stats.Reloads++
	s.stats.Up = true
	if s.kick == nil {
		// Not serving DNS yet: SetApply applies it, since DNS may have
		// been started with the network before this reload.
		return nil
	}
	select {
	case s.kick <- struct{}{}:
	default:
	}
	return nil
}

// formatRecord marks a stored state (so that an empty network is still a
// state) and the version of its records.
func formatRecord() Record {
	v, _ := value(0, recordFormat)
	return Record{Bucket: bucketNetwork, Key: formatKey, Value: v}
}

const (
	formatKey    = "format"
	recordFormat = 2
)

// Loaded reports whether the state was read from the backend or migrated
// from a state.json, rather than started from the initial network.
func (s *Store) Loaded() bool { return s.loaded }

// Close stops the watch and the background rebuilds and closes the
// backend.
func (s *Store) Close() error {
	if s.watchStop != nil {
		s.watchStop()
		<-s.watchDone
		s.watchStop = nil
	}
	s.mu.Lock()
	stop, done := s.stop, s.done
	s.stop = nil
	s.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
	return s.backend.Close()
}

// Ping reports whether the backend can be reached.
func (s *Store) Ping(ctx context.Context) error {
	err := s.backend.Ping(ctx)
	s.count(func(st *Stats) { st.Up = err == nil })
	return err
}

// SetApply sets what makes a changed network take effect (the DNS
// server's Reload) and starts the background rebuilds. An error from it
// rejects a change that is applied before it is acknowledged.
func (s *Store) SetApply(apply func(*config.Network) error) {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apply = apply
	if s.appliedNet == nil && s.version == s.applied {
		// DNS was started with the current network (serve does): a
		// change of rules can be patched into it from the first.
		s.appliedNet = s.net
	}
	if s.kick == nil {
		s.kick, s.stop, s.done = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
		go s.rebuild(s.kick, s.stop, s.done)
		if s.version > s.applied {
			// A shared backend was reloaded before DNS was applied.
			s.kick <- struct{}{}
		}
	}
}

// PatchFunc makes a network that differs from base, the one DNS answers
// from, only in the rules of changed (by id; nil for a deleted rule) take
// effect (the DNS server's ReloadRules). It must answer as apply(n) would.
type PatchFunc func(n, base *config.Network, changed map[string]*config.Rule) error

// SetPatch sets what applies a change of rules alone, in place of the
// apply of SetApply, so that DNS follows a rule change at the cost of the
// change. Changes of anything else, and a rebuild after a failed one, are
// applied with apply.
func (s *Store) SetPatch(patch PatchFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.patch = patch
}

// rebuild applies the newest network whenever a change was committed,
// one at a time: changes that arrive during a rebuild are coalesced into
// the next.
func (s *Store) rebuild(kick, stop, done chan struct{}) {
	defer close(done)
	for {
		select {
		case <-stop:
			return
		case <-kick:
		}
		s.applyMu.Lock()
		s.mu.Lock()
		n, v, applied, apply, patch := s.net, s.version, s.applied, s.apply, s.patch
		base, dirty, complete := s.appliedNet, s.dirty, s.dirtyVersion == v
		s.dirty, s.dirtyVersion = nil, v
		s.mu.Unlock()
		var took time.Duration
		if v > applied {
			t0 := time.Now()
			var err error
			if patch != nil && complete && base != nil {
				err = patch(n, base, dirty)
			} else {
				err = apply(n)
			}
			took = time.Since(t0)
			s.count(func(st *Stats) {
				st.Rebuilds++
				if err != nil {
					st.RebuildFailures++
				}
			})
			if err != nil {
				s.log.Error("dns rebuild failed; DNS answers from the previous network", "version", v, "err", err)
				s.mu.Lock()
				s.dirtyVersion = 0 // the next rebuild is a whole one
				s.mu.Unlock()
			} else {
				s.markApplied(v, n)
			}
		}
		s.applyMu.Unlock()
		// Rest three times as long as the rebuild took before the next
		// one: on a large network under a stream of writes, rebuilding
		// uses at most a quarter of a CPU and the writes coalesce into
		// fewer rebuilds (DNS follows 10,000 rules within about 100 ms);
		// on a small network the pause is a few milliseconds.
		if took > 0 {
			select {
			case <-stop:
				return
			case <-time.After(restFactor * took):
			}
		}
	}
}

func (s *Store) markApplied(v uint64, n *config.Network) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v <= s.applied {
		return
	}
	s.applied, s.appliedNet = v, n
	for id, pv := range s.pending {
		if pv <= v {
			delete(s.pending, id)
		}
	}
	if s.applied == s.version {
		for _, w := range s.waiters {
			close(w)
		}
		s.waiters = nil
	}
}

// Pending reports whether the resource or change id was written by a
// change that DNS does not answer from yet.
func (s *Store) Pending(id string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.pending[id]
	return ok
}

// Synced waits until DNS answers from every committed change.
func (s *Store) Synced(ctx context.Context) error {
	s.mu.Lock()
	if s.applied == s.version || s.apply == nil {
		s.mu.Unlock()
		return nil
	}
	w := make(chan struct{})
	s.waiters = append(s.waiters, w)
	s.mu.Unlock()
	select {
	case <-w:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Snapshot returns the current state and its validated network. Neither
// may be modified.
func (s *Store) Snapshot() (*State, *config.Network) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st, s.net
}

// Network returns the current validated network.
func (s *Store) Network() *config.Network {
	_, n := s.Snapshot()
	return n
}

// Tx is a change in progress: a copy of the state that fn may modify.
type Tx struct {
	*State
	// Now is the time of the change, in UTC.
	Now time.Time
	// Net is the network before the change.
	Net *config.Network
	// pending are the ids the change marks as not yet answered in DNS.
	pending []string
	// creators counts the creator request ids of the state before the
	// change (see CreatorTaken).
	creators map[creatorKey]int
}

// CreatorTaken reports whether a resource of kind had been created with
// the creator request id crid before this change: one map probe, where a
// scan of Meta.Objects costs as much as the network is large.
func (tx *Tx) CreatorTaken(kind, crid string) bool {
	return tx.creators[creatorKey{kind, crid}] > 0
}

type creatorKey struct{ kind, crid string }

// creatorIndex counts the creator request ids of st's objects.
func creatorIndex(st *State) map[creatorKey]int {
	m := make(map[creatorKey]int, len(st.Meta.Objects))
	for _, o := range st.Meta.Objects {
		m[creatorKey{o.Kind, o.CreatorRequestID}]++
	}
	return m
}

// indexCreators brings the creator index from cur to next, through the
// object records a change wrote: O(change). The caller holds wmu.
func (s *Store) indexCreators(cur, next *State, recs []Record) {
	for _, r := range recs {
		if r.Bucket != bucketObjects {
			continue
		}
		if o := cur.Meta.Objects[r.Key]; o != nil {
			k := creatorKey{o.Kind, o.CreatorRequestID}
			if s.creators[k]--; s.creators[k] <= 0 {
				delete(s.creators, k)
			}
		}
		if o := next.Meta.Objects[r.Key]; o != nil {
			s.creators[creatorKey{o.Kind, o.CreatorRequestID}]++
		}
	}
}

// MarkPending records that id (an association, a Route 53 change) is
// not answered in DNS until the change is applied.
func (tx *Tx) MarkPending(id string) { tx.pending = append(tx.pending, id) }

// syncBuckets are the parts of the network whose changes open or close
// sockets, or can otherwise fail to apply: they are applied before the
// change is acknowledged.
var syncBuckets = map[string]bool{
	sectionPrefix + "vpcs":               true,
	sectionPrefix + "resolver_endpoints": true,
	bucketNetwork:                        true,
}

// Update runs fn on a copy of the state, validates the result as a network
// file, writes the resources it changed to the backend in one transaction
// and makes it current, returning the new state and network. fields maps
// network.yaml keys to the request members that set them, for the
// FieldName of a validation error. Any error leaves the current state as
// it was; it is an *apierr.Error.
func (s *Store) Update(ctx context.Context, fields map[string]string, fn func(tx *Tx) error) (*State, *config.Network, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.retry(ctx, func() (*State, *config.Network, error) { return s.update(ctx, fields, fn) })
}

// retry runs a change; when it found a shared backend changed under it
// (another instance wrote since this one loaded), it catches up (the
// other change's records, or a reload) and runs the change once more on
// the fresh state. A second conflict is answered
// ServiceUnavailable, which AWS SDKs retry. The caller holds wmu.
func (s *Store) retry(ctx context.Context, change func() (*State, *config.Network, error)) (*State, *config.Network, error) {
	st, n, err := change()
	if !errors.Is(err, errConflict) {
		return st, n, err
	}
	if rerr := s.catchUp(ctx); rerr != nil {
		return nil, nil, unavailable(rerr)
	}
	st, n, err = change()
	if errors.Is(err, errConflict) {
		return nil, nil, &apierr.Error{Kind: apierr.Unavailable, Message: "the state was changed by another vpcdns instance during this change; retry"}
	}
	return st, n, err
}

// errConflict is what commit returns for a backend's ErrConflict.
var errConflict = errors.New("store changed by another writer")

func unavailable(err error) error {
	return &apierr.Error{Kind: apierr.Unavailable, Message: "the state store cannot be reached; DNS keeps answering from the last state: " + err.Error()}
}

func (s *Store) update(ctx context.Context, fields map[string]string, fn func(tx *Tx) error) (*State, *config.Network, error) {
	cur, curNet := s.Snapshot()
	tx := &Tx{State: deepCopy(cur), Now: s.now().UTC().Truncate(time.Millisecond), Net: curNet, creators: s.creators}
	if tx.Meta.Objects == nil {
		tx.Meta.Objects = map[string]*Object{}
	}
	if tx.Meta.Assocs == nil {
		tx.Meta.Assocs = map[string]*Assoc{}
	}
	if err := fn(tx); err != nil {
		return nil, nil, apierr.As(err, fields)
	}
	n, err := config.Validate(&tx.File, "network", "/")
	if err != nil {
		return nil, nil, apierr.As(err, fields)
	}
	Reconcile(tx.State, n, tx.Now)
	ord := s.ord
	defer ord.discard()
	recs, err := diff(cur, tx.State, ord)
	if err != nil {
		return nil, nil, apierr.As(err, nil)
	}
	if len(recs) == 0 {
		return cur, curNet, nil
	}
	sync := false
	for _, r := range recs {
		sync = sync || syncBuckets[r.Bucket]
	}
	return s.commit(ctx, cur, curNet, tx, n, recs, sync, nil)
}

// commit applies a change that needs it, writes its records, and makes it
// current. The caller holds wmu. A change that got this far is finished
// even when its caller goes away: the backend write keeps ctx's values but
// not its cancellation, so that what DNS answers and what is stored never
// part. rules are the rules a change of rules alone changed (by id, nil
// for a deleted one), nil for any other change: what DNS is patched with.
func (s *Store) commit(ctx context.Context, cur *State, curNet *config.Network, tx *Tx, n *config.Network, recs []Record, sync bool, rules map[string]*config.Rule) (*State, *config.Network, error) {
	ctx = context.WithoutCancel(ctx)
	s.mu.RLock()
	apply := s.apply
	s.mu.RUnlock()
	if sync && apply != nil {
		// Hold applyMu until the change is current, so that no
		// background rebuild applies the older network after it.
		s.applyMu.Lock()
		defer s.applyMu.Unlock()
		if err := apply(n); err != nil {
			return nil, nil, &apierr.Error{Kind: apierr.InvalidRequest,
				Message: "the change is valid but could not be applied: " + err.Error()}
		}
	}
	if err := s.backend.Commit(ctx, recs); err != nil {
		if sync && apply != nil {
			_ = apply(curNet) // back to what is stored
		}
		if errors.Is(err, ErrConflict) {
			s.count(func(st *Stats) { st.Conflicts++ })
			return nil, nil, errConflict
		}
		if errors.Is(err, ErrUnavailable) {
			s.count(func(st *Stats) { st.Up = false; st.Unavailable++ })
			return nil, nil, unavailable(err)
		}
		return nil, nil, apierr.As(err, nil)
	}
	s.ord.commit()
	s.indexCreators(cur, tx.State, recs)
	nextShares(cur, tx.State, recs)
	if s.verify && !maps.Equal(s.creators, creatorIndex(tx.State)) {
		s.log.Error("verify: the creator index differs from the state's")
		panic("store: verify: the creator index differs from the state's")
	}
	if s.verify {
		fresh := &State{Meta: tx.Meta}
		indexShares(fresh)
		if !slices.Equal(slices.Sorted(slices.Values(fresh.shares.keys)), slices.Sorted(slices.Values(tx.shares.keys))) {
			panic("store: verify: the index of resource shares differs from the state's")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st, s.net = tx.State, n
	s.version++
	s.stats.Commits++
	s.stats.Up = true
	switch {
	case apply == nil || sync:
		s.applied, s.appliedNet = s.version, n
		s.dirty, s.dirtyVersion = nil, s.version
		clear(s.pending)
		for _, w := range s.waiters {
			close(w)
		}
		s.waiters = nil
	default:
		if rules != nil && s.dirtyVersion == s.version-1 {
			if s.dirty == nil {
				s.dirty = map[string]*config.Rule{}
			}
			maps.Copy(s.dirty, rules)
			s.dirtyVersion = s.version
		}
		for _, id := range tx.pending {
			s.pending[id] = s.version
		}
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
	return s.st, s.net, nil
}

// stored is the JSON form of the state file.
type stored struct {
	Format  int    `json:"format"`
	Network string `json:"network"`
	Meta    Meta   `json:"meta"`
}

// load reads a state file and validates its network.
func load(path string) (*State, *config.Network, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var sf stored
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sf); err != nil {
		return nil, nil, fmt.Errorf("load state %s: %w", path, err)
	}
	if sf.Format != format {
		return nil, nil, fmt.Errorf("load state %s: format %d, want %d", path, sf.Format, format)
	}
	n, f, err := config.Parse([]byte(sf.Network), path, "/")
	if err != nil {
		return nil, nil, fmt.Errorf("load state %s: %w", path, err)
	}
	st := &State{File: *f, Meta: sf.Meta}
	if st.Meta.Objects == nil {
		st.Meta.Objects = map[string]*Object{}
	}
	if st.Meta.Assocs == nil {
		st.Meta.Assocs = map[string]*Assoc{}
	}
	return st, n, nil
}

// ReadFile returns the network file kept in a state.json (of an earlier
// version, or its backup) in a data directory, and whether there is one.
func ReadFile(dir string) (*config.File, bool, error) {
	st, _, err := load(filepath.Join(dir, FileName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return &st.File, true, nil
}

// removeTemps removes the temporary files writeTemp leaves when the process
// is killed between writing one and renaming it: they are never the state
// (only a rename makes a state file), so they are garbage at start-up.
func removeTemps(dir string) {
	temps, _ := filepath.Glob(filepath.Join(dir, "."+FileName+".*"))
	for _, p := range temps {
		if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() {
			os.Remove(p)
		}
	}
}

// absolutize makes the relative paths of a network file absolute, so that
// the stored network does not depend on where it was first read from.
func absolutize(f *config.File, baseDir string) {
	if baseDir == "" {
		baseDir = "."
	}
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		if a, err := filepath.Abs(filepath.Join(baseDir, p)); err == nil {
			return a
		}
		return p
	}
	for i := range f.HostedZones {
		f.HostedZones[i].ZoneFile = abs(f.HostedZones[i].ZoneFile)
	}
	for i := range f.PublicZones {
		f.PublicZones[i].ZoneFile = abs(f.PublicZones[i].ZoneFile)
	}
	for i := range f.FirewallDomainLists {
		f.FirewallDomainLists[i].DomainsFile = abs(f.FirewallDomainLists[i].DomainsFile)
	}
	for i := range f.QueryLogging {
		if p, ok := strings.CutPrefix(f.QueryLogging[i].Destination, "file:"); ok && p != "" {
			f.QueryLogging[i].Destination = "file:" + abs(p)
		}
	}
	if f.Emulation != nil {
		for i := range f.Emulation.AuthServers {
			for j := range f.Emulation.AuthServers[i].Zones {
				z := &f.Emulation.AuthServers[i].Zones[j]
				z.ZoneFile = abs(z.ZoneFile)
			}
		}
	}
}
