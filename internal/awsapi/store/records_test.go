package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/config"
)

// recorder is a Backend in memory that keeps what each commit wrote.
type recorder struct {
	mu      sync.Mutex
	recs    map[[2]string][]byte
	commits [][]Record
}

func newRecorder() *recorder { return &recorder{recs: map[[2]string][]byte{}} }

func (r *recorder) Load(context.Context) ([]Record, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Record
	for k, v := range r.recs {
		out = append(out, Record{Bucket: k[0], Key: k[1], Value: v})
	}
	return out, len(out) > 0, nil
}

func (r *recorder) Commit(_ context.Context, recs []Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range recs {
		if x.Value == nil {
			delete(r.recs, [2]string{x.Bucket, x.Key})
		} else {
			r.recs[[2]string{x.Bucket, x.Key}] = x.Value
		}
	}
	r.commits = append(r.commits, recs)
	return nil
}

func (r *recorder) Ping(context.Context) error { return nil }
func (r *recorder) Close() error               { return nil }

func (r *recorder) last() []Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.commits[len(r.commits)-1]
}

func example(t *testing.T) *config.File {
	t.Helper()
	_, f, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// What a store wrote is what it reads back, in the same order.
func TestRecordsRoundTrip(t *testing.T) {
	b := newRecorder()
	s, err := Open(Options{Backend: b, Initial: example(t), BaseDir: "/"})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := s.Snapshot()
	s2, err := Open(Options{Backend: b})
	if err != nil {
		t.Fatal(err)
	}
	if !s2.Loaded() {
		t.Fatal("the second store did not load the first one's records")
	}
	got, _ := s2.Snapshot()
	if !reflect.DeepEqual(jsonOf(t, got), jsonOf(t, want)) {
		t.Errorf("state after a round trip differs:\n%s\nwant\n%s", jsonOf(t, got), jsonOf(t, want))
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	data, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// A change writes the records of the resources it changed, and no other.
func TestUpdateWritesOnlyTheChange(t *testing.T) {
	b := newRecorder()
	s, err := Open(Options{Backend: b, Initial: example(t), BaseDir: "/"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		fn   func(tx *Tx)
		want []string // bucket/key, sorted; "" key: any
	}{
		{"rename a rule", func(tx *Tx) { tx.File.Rules[1].Name = "corp-2" }, []string{"network.resolver_rules/rslvr-rr-corp"}},
		{"add a rule", func(tx *Tx) {
			tx.File.Rules = append(tx.File.Rules, config.RuleFile{ID: "rslvr-rr-new", RuleType: "system", DomainName: "new.example"})
			tx.Meta.Objects["rslvr-rr-new"] = &Object{Kind: KindRule, Created: tx.Now}
		}, []string{"meta.objects/rslvr-rr-new", "network.resolver_rules/rslvr-rr-new"}},
		{"delete a rule", func(tx *Tx) {
			tx.File.Rules = slices.DeleteFunc(tx.File.Rules, func(r config.RuleFile) bool { return r.ID == "rslvr-rr-new" })
		}, []string{"meta.objects/rslvr-rr-new", "network.resolver_rules/rslvr-rr-new"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, _, err := s.Update(context.Background(), nil, func(tx *Tx) error { c.fn(tx); return nil }); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range b.last() {
				got = append(got, r.Bucket+"/"+r.Key)
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("records written %v, want %v", got, c.want)
			}
		})
	}
	// The order of the rules survives: the one added last is last.
	s2, err := Open(Options{Backend: b})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := s2.Snapshot()
	var ids []string
	for _, r := range st.File.Rules {
		ids = append(ids, r.ID)
	}
	if want := []string{"rslvr-rr-onprem-reverse", "rslvr-rr-corp"}; !slices.Equal(ids, want) {
		t.Errorf("rules after reopening %v, want %v", ids, want)
	}
}

// A state.json of an earlier version is migrated once and kept as a
// backup.
func TestMigratesStateJSON(t *testing.T) {
	dir := t.TempDir()
	legacy := `{"format": 1, "network": "account_id: \"111122223333\"\nvpcs:\n  - id: vpc-0123456789abcdef0\n    cidr_blocks: [10.0.0.0/16]\n", "meta": {"objects": {"vpc-0123456789abcdef0": {"kind": "vpc", "name": "app", "created": "2025-01-02T03:04:05Z", "modified": "2025-01-02T03:04:05Z"}}}}`
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(legacy), 0o644); err != nil {
		t.Fatal(err)
	}
	b := newRecorder()
	s, err := Open(Options{Backend: b, LegacyDir: dir, Initial: &config.File{Region: "eu-west-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Loaded() {
		t.Error("a migrated state does not count as loaded")
	}
	st, n := s.Snapshot()
	if n.AccountID != "111122223333" || len(n.VPCs) != 1 || st.Meta.Objects["vpc-0123456789abcdef0"].Name != "app" {
		t.Errorf("migrated state %+v %+v", st.File, st.Meta)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); !os.IsNotExist(err) {
		t.Errorf("state.json is still there: %v", err)
	}
	if data, err := os.ReadFile(filepath.Join(dir, BackupName)); err != nil || string(data) != legacy {
		t.Errorf("backup %s: %v %q", BackupName, err, data)
	}
	// The next start reads the records, not the backup.
	s2, err := Open(Options{Backend: b, LegacyDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if n := s2.Network(); len(n.VPCs) != 1 {
		t.Errorf("after the migration: %d VPCs", len(n.VPCs))
	}
}

// A copy shares nothing mutable with its original.
func TestDeepCopy(t *testing.T) {
	f := example(t)
	st := &State{File: *f, Meta: Meta{Objects: map[string]*Object{"x": {Tags: map[string]string{"a": "b"}}}}}
	before := jsonOf(t, st)
	c := st.Clone()
	c.File.Rules[0].VPCs[0] = "changed"
	c.File.VPCs[0].Subnets[0].ID = "changed"
	*c.File.VPCs[0].EnableDNSHostnames = false
	c.Meta.Objects["x"].Tags["a"] = "changed"
	if after := jsonOf(t, st); after != before {
		t.Errorf("changing the copy changed the original")
	}
	if !reflect.DeepEqual(jsonOf(t, st.Clone()), before) {
		t.Errorf("the copy differs from the original")
	}
}

// down is a backend that cannot be reached.
type down struct{ *recorder }

func (down) Commit(context.Context, []Record) error {
	return fmt.Errorf("commit: dial 127.0.0.1:2379: %w", ErrUnavailable)
}

// A store that cannot be reached refuses the change as ServiceUnavailable,
// keeps the state it had and says so in its stats.
func TestUnavailableBackend(t *testing.T) {
	b := newRecorder()
	s, err := Open(Options{Backend: b, Initial: example(t), BaseDir: "/"})
	if err != nil {
		t.Fatal(err)
	}
	s.backend = down{b}
	before, _ := s.Snapshot()
	for _, c := range []struct {
		name   string
		update func() error
	}{
		{"whole-state change", func() error {
			_, _, err := s.Update(context.Background(), nil, func(tx *Tx) error { tx.File.Rules[0].Name = "x"; return nil })
			return err
		}},
		{"scoped change", func() error {
			_, _, err := s.UpdateRules(context.Background(), nil, []string{"rslvr-rr-corp"}, func(tx *Tx) error { tx.File.Rules[1].Name = "x"; return nil })
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ae *apierr.Error
			if err := c.update(); !errors.As(err, &ae) || ae.Kind != apierr.Unavailable {
				t.Fatalf("error %v, want Unavailable", err)
			}
			if after, _ := s.Snapshot(); after != before {
				t.Error("the refused change was made current")
			}
			if st := s.Stats(); st.Up || st.Unavailable == 0 {
				t.Errorf("stats %+v, want down with a refusal counted", st)
			}
		})
	}
}
