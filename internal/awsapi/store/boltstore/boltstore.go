// Package boltstore is the embedded Backend of the store: one bbolt file,
// DIR/vpcdns.db, with a bucket per kind of resource and a key per
// resource. A commit is one bbolt transaction, synced to disk before it
// returns, so an acknowledged API write survives kill -9 and a power cut.
package boltstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// FileName is the name of the database inside the data directory.
const FileName = "vpcdns.db"

// DB is a bbolt Backend.
type DB struct {
	db   *bolt.DB
	path string
}

// Open opens (creating) DIR/vpcdns.db for reading and writing. Only one
// process may hold it: a second serve on the same directory fails after
// one second.
func Open(dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: in use by another vpcdns serve", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return &DB{db: db, path: path}, nil
}

// Exists reports whether dir holds a database.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, FileName))
	return err == nil
}

// ReadOnly reads every record of DIR/vpcdns.db without taking it from a
// serve that holds it: when the file is locked, a copy is read.
func ReadOnly(dir string) ([]store.Record, error) {
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o444, &bolt.Options{ReadOnly: true, Timeout: 200 * time.Millisecond})
	if errors.Is(err, bolt.ErrTimeout) {
		return readCopy(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read store %s: %w", path, err)
	}
	defer db.Close()
	d := &DB{db: db, path: path}
	recs, _, err := d.Load(context.Background())
	return recs, err
}

// readCopy reads a copy of a database that a running serve holds. bbolt
// writes a transaction's pages before the meta page that makes it
// current, so the copy holds the last transaction that was complete when
// its meta page was copied; a torn copy fails its checksums and is taken
// again.
func readCopy(path string) ([]store.Record, error) {
	var lastErr error
	for range 3 {
		tmp, err := os.CreateTemp("", "vpcdns-export-*.db")
		if err != nil {
			return nil, err
		}
		name := tmp.Name()
		src, err := os.Open(path)
		if err == nil {
			_, err = io.Copy(tmp, src)
			src.Close()
		}
		tmp.Close()
		if err != nil {
			os.Remove(name)
			return nil, fmt.Errorf("read store %s: %w", path, err)
		}
		db, err := bolt.Open(name, 0o444, &bolt.Options{ReadOnly: true})
		if err == nil {
			recs, _, lerr := (&DB{db: db, path: path}).Load(context.Background())
			db.Close()
			os.Remove(name)
			if lerr == nil {
				return recs, nil
			}
			lastErr = lerr
			continue
		}
		os.Remove(name)
		lastErr = err
	}
	return nil, fmt.Errorf("read store %s while it is in use: %w", path, lastErr)
}

// Load returns every record.
func (d *DB) Load(ctx context.Context) ([]store.Record, bool, error) {
	var out []store.Record
	found := false
	err := d.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			found = true
			return b.ForEach(func(k, v []byte) error {
				if v == nil {
					return nil // a nested bucket: none are written
				}
				out = append(out, store.Record{Bucket: string(name), Key: string(k), Value: append([]byte(nil), v...)})
				return nil
			})
		})
	})
	if err != nil {
		return nil, false, fmt.Errorf("load store %s: %w", d.path, err)
	}
	return out, found, ctx.Err()
}

// Commit writes the records in one transaction.
func (d *DB) Commit(ctx context.Context, recs []store.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := d.db.Update(func(tx *bolt.Tx) error {
		for _, r := range recs {
			b, err := tx.CreateBucketIfNotExists([]byte(r.Bucket))
			if err != nil {
				return fmt.Errorf("bucket %s: %w", r.Bucket, err)
			}
			if r.Value == nil {
				err = b.Delete([]byte(r.Key))
			} else {
				err = b.Put([]byte(r.Key), r.Value)
			}
			if err != nil {
				return fmt.Errorf("%s %s: %w", r.Bucket, r.Key, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("commit store %s: %w", d.path, err)
	}
	return nil
}

// Ping checks the database is open.
func (d *DB) Ping(context.Context) error {
	return d.db.View(func(*bolt.Tx) error { return nil })
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// ReadFile returns the network kept in a data directory, and whether there
// is one: DIR/vpcdns.db, or the state.json of an earlier version that no
// serve has migrated yet.
func ReadFile(dir string) (*config.File, bool, error) {
	if !Exists(dir) {
		return store.ReadFile(dir)
	}
	recs, err := ReadOnly(dir)
	if err != nil {
		return nil, false, err
	}
	f, err := store.Decode(recs)
	if err != nil {
		return nil, false, fmt.Errorf("read store %s: %w", filepath.Join(dir, FileName), err)
	}
	return f, true, nil
}
