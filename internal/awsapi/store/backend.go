package store

import (
	"context"
	"errors"
)

// A Backend keeps the records of a State: the embedded bbolt file of
// --data-dir (package boltstore), or memory; a shared store for a fleet
// would be another. It knows nothing of what the records mean.
type Backend interface {
	// Load returns every record, and whether there was any state at all.
	Load(ctx context.Context) ([]Record, bool, error)
	// Commit applies the records (puts, and deletes for nil values) in one
	// durable transaction: all of them or none.
	Commit(ctx context.Context, recs []Record) error
	// Ping reports whether the backend can be reached.
	Ping(ctx context.Context) error
	Close() error
}

// ErrUnavailable wraps a backend error that means the store cannot be
// reached at the moment (the API answers ServiceUnavailable).
var ErrUnavailable = errors.New("store unavailable")

// ErrConflict is what Commit returns when another writer changed the
// backend since this one loaded it (a shared backend, etcd): nothing was
// written. The store reloads and runs the change once more.
var ErrConflict = errors.New("store changed by another writer")

// A Watcher is a Backend that other processes write too (etcd). Watch
// calls changed, from one goroutine, after another writer committed, and
// after it may have missed a change (a compacted watch); changed reloads
// the whole state. Watch returns when ctx ends.
type Watcher interface {
	Watch(ctx context.Context, changed func(context.Context) error)
}

// memory is the Backend of a store without a data directory.
type memory struct{}

func (memory) Load(context.Context) ([]Record, bool, error) { return nil, false, nil }
func (memory) Commit(context.Context, []Record) error       { return nil }
func (memory) Ping(context.Context) error                   { return nil }
func (memory) Close() error                                 { return nil }
