// Package store keeps the state behind vpcdns's AWS APIs: the network as a
// config.File (the network.yaml schema) and, beside it, the Meta that the
// file cannot hold. Every change is made on a copy, validated as a whole
// network file is, applied to the DNS server, written to disk atomically and
// only then made current: a rejected change leaves nothing behind.
//
// On disk the state is one JSON file, DIR/state.json:
//
//	{"format": 1, "network": "<network.yaml text>", "meta": {...}}
//
// (the network text is JSON, which is YAML too, when it holds more than
// bigNetwork firewall domains).
//
// written to a temporary file in DIR and renamed over the old one.
package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/config"
)

// FileName is the name of the state file inside the data directory.
const FileName = "state.json"

// format is the version of the state file.
const format = 1

// State is the network and its side records. A State that a Store has made
// current is never modified again; changes work on a Clone.
type State struct {
	File config.File
	Meta Meta
}

// Clone returns a deep copy of st.
func (st *State) Clone() *State {
	data, err := json.Marshal(st)
	if err != nil {
		panic(fmt.Sprintf("store: clone state: %v", err)) // plain data: cannot fail
	}
	var c State
	if err := json.Unmarshal(data, &c); err != nil {
		panic(fmt.Sprintf("store: clone state: %v", err))
	}
	return &c
}

// Options configure Open.
type Options struct {
	// Dir is the data directory; "" keeps the state in memory only.
	Dir string
	// Initial is the starting network when Dir holds no state yet (nil:
	// an empty network). Its relative paths (zone files, query log files)
	// are read from BaseDir.
	Initial *config.File
	BaseDir string
	// Now is the clock [time.Now].
	Now func() time.Time
}

// Store holds the current state. It is safe for concurrent use.
type Store struct {
	mu    sync.RWMutex
	dir   string
	now   func() time.Time
	st    *State
	net   *config.Network
	apply func(*config.Network) error
	// loaded is true when the state came from Dir rather than Initial.
	loaded bool
}

// Open loads DIR/state.json when it exists, or starts from opts.Initial
// (writing it to DIR at once when DIR is set).
func Open(opts Options) (*Store, error) {
	s := &Store{dir: opts.Dir, now: opts.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if s.dir != "" {
		st, n, err := load(filepath.Join(s.dir, FileName))
		switch {
		case err == nil:
			s.st, s.net, s.loaded = st, n, true
			return s, nil
		case !errors.Is(err, fs.ErrNotExist):
			return nil, err
		}
	}
	st := &State{}
	if opts.Initial != nil {
		st = (&State{File: *opts.Initial}).Clone()
		absolutize(&st.File, opts.BaseDir)
	}
	n, err := config.Validate(&st.File, "network", "/")
	if err != nil {
		return nil, fmt.Errorf("open store: starting network: %w", err)
	}
	Reconcile(st, n, s.now().UTC())
	if s.dir != "" {
		if err := os.MkdirAll(s.dir, 0o755); err != nil {
			return nil, fmt.Errorf("open store %s: %w", s.dir, err)
		}
		tmp, err := s.writeTemp(st)
		if err != nil {
			return nil, err
		}
		if err := s.commitFile(tmp); err != nil {
			return nil, err
		}
	}
	s.st, s.net = st, n
	return s, nil
}

// Dir is the data directory, "" when the state is in memory only.
func (s *Store) Dir() string { return s.dir }

// Loaded reports whether the state was read from the data directory.
func (s *Store) Loaded() bool { return s.loaded }

// SetApply sets what makes a changed network take effect (the DNS
// server's Reload). An error from it rejects the change.
func (s *Store) SetApply(apply func(*config.Network) error) {
	s.mu.Lock()
	s.apply = apply
	s.mu.Unlock()
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
}

// Update runs fn on a copy of the state, validates the result as a network
// file, applies it, writes it to disk and makes it current, returning the
// new state and network. fields maps network.yaml keys to the request
// members that set them, for the FieldName of a validation error. Any
// error leaves the current state as it was; it is an *apierr.Error.
func (s *Store) Update(fields map[string]string, fn func(tx *Tx) error) (*State, *config.Network, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := &Tx{State: s.st.Clone(), Now: s.now().UTC().Truncate(time.Millisecond), Net: s.net}
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
	var tmp string
	if s.dir != "" {
		if tmp, err = s.writeTemp(tx.State); err != nil {
			return nil, nil, apierr.As(err, nil)
		}
	}
	if s.apply != nil {
		if err := s.apply(n); err != nil {
			if tmp != "" {
				os.Remove(tmp)
			}
			return nil, nil, &apierr.Error{Kind: apierr.InvalidRequest,
				Message: "the change is valid but could not be applied: " + err.Error()}
		}
	}
	if tmp != "" {
		if err := s.commitFile(tmp); err != nil {
			if s.apply != nil {
				_ = s.apply(s.net) // back to what is on disk
			}
			return nil, nil, apierr.As(err, nil)
		}
	}
	s.st, s.net = tx.State, n
	return s.st, s.net, nil
}

// stored is the JSON form of the state file.
type stored struct {
	Format  int    `json:"format"`
	Network string `json:"network"`
	Meta    Meta   `json:"meta"`
}

// bigNetwork is the number of DNS Firewall domains above which the
// network is kept as JSON text rather than YAML: YAML's encoder takes
// about a second for 100,000 domains, encoding/json a few milliseconds,
// and Parse reads both.
const bigNetwork = 10_000

func encode(st *State) ([]byte, error) {
	domains := 0
	for _, l := range st.File.FirewallDomainLists {
		domains += len(l.Domains)
	}
	var y []byte
	var err error
	if domains > bigNetwork {
		y, err = json.Marshal(&st.File)
	} else {
		y, err = config.Marshal(&st.File)
	}
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(stored{Format: format, Network: string(y), Meta: st.Meta}, "", "  ")
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

// ReadFile returns the network file kept in a data directory, and whether
// there is one.
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

// writeTemp writes st to a temporary file next to the state file.
func (s *Store) writeTemp(st *State) (string, error) {
	data, err := encode(st)
	if err != nil {
		return "", fmt.Errorf("write state: %w", err)
	}
	f, err := os.CreateTemp(s.dir, "."+FileName+".*")
	if err != nil {
		return "", fmt.Errorf("write state: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write state %s: %w", f.Name(), err)
	}
	return f.Name(), nil
}

// commitFile renames a temporary file over the state file.
func (s *Store) commitFile(tmp string) error {
	final := filepath.Join(s.dir, FileName)
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write state %s: %w", final, err)
	}
	if d, err := os.Open(s.dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
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
