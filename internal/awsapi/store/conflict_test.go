package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
)

// shared is one backend that several stores write, as instances of a
// fleet write one etcd prefix; guarded is one store's view of it, which
// refuses a commit over a state it did not load (as etcdstore does).
type shared struct {
	*recorder
	mu  sync.Mutex
	ver int
}

type guarded struct {
	sh   *shared
	seen int
	// always makes every commit conflict.
	always bool
}

func (g *guarded) Load(ctx context.Context) ([]Record, bool, error) {
	g.sh.mu.Lock()
	g.seen = g.sh.ver
	g.sh.mu.Unlock()
	return g.sh.recorder.Load(ctx)
}

func (g *guarded) Commit(ctx context.Context, recs []Record) error {
	g.sh.mu.Lock()
	defer g.sh.mu.Unlock()
	if g.always || g.sh.ver != g.seen {
		return fmt.Errorf("commit: %w", ErrConflict)
	}
	if err := g.sh.recorder.Commit(ctx, recs); err != nil {
		return err
	}
	g.sh.ver++
	g.seen = g.sh.ver
	return nil
}

func (g *guarded) Ping(context.Context) error { return nil }
func (g *guarded) Close() error               { return nil }

// A change that finds the shared state changed under it is run again on
// the fresh state: neither instance's change is lost. One that conflicts
// twice is refused as ServiceUnavailable and changes nothing.
func TestConflictRetriesOnFreshState(t *testing.T) {
	sh := &shared{recorder: newRecorder()}
	ga, gb := &guarded{sh: sh}, &guarded{sh: sh}
	a, err := Open(Options{Backend: ga, Initial: example(t), BaseDir: "/"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(Options{Backend: gb, BaseDir: "/"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		s      *Store
		update func(*Store, string) error
	}{
		{"whole-state change", a, func(s *Store, v string) error {
			_, _, err := s.Update(context.Background(), nil, func(tx *Tx) error { tx.File.Rules[0].Name = v; return nil })
			return err
		}},
		{"scoped change", b, func(s *Store, v string) error {
			_, _, err := s.UpdateRules(context.Background(), nil, []string{tx1(s)}, func(tx *Tx) error { tx.File.Rules[1].Name = v; return nil })
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.update(c.s, "first-"+c.name); err != nil {
				t.Fatal(err)
			}
			stale := b
			if c.s == b {
				stale = a
			}
			// stale has not seen c.s's change: its own is retried.
			before := stale.Stats().Conflicts
			if err := c.update(stale, "second-"+c.name); err != nil {
				t.Fatalf("change on a stale instance: %v", err)
			}
			if stale.Stats().Conflicts != before+1 {
				t.Errorf("conflicts %d, want %d", stale.Stats().Conflicts, before+1)
			}
			fresh, err := Open(Options{Backend: &guarded{sh: sh}, BaseDir: "/"})
			if err != nil {
				t.Fatal(err)
			}
			st, _ := fresh.Snapshot()
			got := st.File.Rules[0].Name + "," + st.File.Rules[1].Name
			if c.s == a && st.File.Rules[0].Name != "second-"+c.name {
				t.Errorf("stored rules %s: the retried change is missing", got)
			}
		})
	}
	// Both instances' changes to different rules are stored.
	fresh, _ := Open(Options{Backend: &guarded{sh: sh}, BaseDir: "/"})
	st, _ := fresh.Snapshot()
	if st.File.Rules[0].Name != "second-whole-state change" || st.File.Rules[1].Name != "second-scoped change" {
		t.Errorf("stored rule names %q %q", st.File.Rules[0].Name, st.File.Rules[1].Name)
	}

	a.backend = &guarded{sh: sh, always: true}
	cur, _ := a.Snapshot()
	_, _, err = a.Update(context.Background(), nil, func(tx *Tx) error { tx.File.Rules[0].Name = "never"; return nil })
	var ae *apierr.Error
	if !errors.As(err, &ae) || ae.Kind != apierr.Unavailable {
		t.Fatalf("a change that conflicts twice: %v, want Unavailable", err)
	}
	if now, _ := a.Snapshot(); now.File.Rules[0].Name == "never" || cur.File.Rules[0].Name == "never" {
		t.Error("the refused change was made current")
	}
}

// tx1 is the id of the second rule.
func tx1(s *Store) string {
	st, _ := s.Snapshot()
	return st.File.Rules[1].ID
}
