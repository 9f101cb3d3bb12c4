package etcdstore_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/awsapi/store/etcdstore"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/etcdtest"
)

func open(t *testing.T, c *etcdtest.Cluster, prefix string) *store.Store {
	t.Helper()
	b, err := etcdstore.Open(etcdstore.Config{Endpoints: c.Endpoints(), Prefix: prefix, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(store.Options{Backend: b, BaseDir: "."})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func addVPC(s *store.Store, id, cidr string) error {
	_, _, err := s.Update(context.Background(), nil, func(tx *store.Tx) error {
		tx.File.VPCs = append(tx.File.VPCs, config.VPCFile{ID: id, Region: "us-east-1", CIDRBlocks: []string{cidr}})
		return nil
	})
	return err
}

func vpcs(s *store.Store) map[string]bool {
	out := map[string]bool{}
	for _, v := range s.Network().VPCs {
		out[v.ID] = true
	}
	return out
}

// until polls cond for up to 10 s and returns how long it took.
func until(t *testing.T, what string, cond func() bool) time.Duration {
	t.Helper()
	t0 := time.Now()
	for !cond() {
		if time.Since(t0) > 10*time.Second {
			t.Fatalf("%s: not after 10 s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
	return time.Since(t0)
}

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		name, in, prefix string
		eps              []string
		bad              bool
	}{
		{name: "one", in: "etcd://127.0.0.1:2379/vpcdns", eps: []string{"127.0.0.1:2379"}, prefix: "vpcdns"},
		{name: "three", in: "etcd://a:1,b:2,c:3/lab/dns/", eps: []string{"a:1", "b:2", "c:3"}, prefix: "lab/dns"},
		{name: "no prefix", in: "etcd://a:1", bad: true},
		{name: "empty prefix", in: "etcd://a:1/", bad: true},
		{name: "no port", in: "etcd://a/p", bad: true},
		{name: "other scheme", in: "http://a:1/p", bad: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eps, prefix, err := etcdstore.ParseURL(tc.in)
			if tc.bad {
				if err == nil {
					t.Fatalf("ParseURL(%q) = %v %q, want an error", tc.in, eps, prefix)
				}
				return
			}
			if err != nil || prefix != tc.prefix || fmt.Sprint(eps) != fmt.Sprint(tc.eps) {
				t.Fatalf("ParseURL(%q) = %v %q %v, want %v %q", tc.in, eps, prefix, err, tc.eps, tc.prefix)
			}
		})
	}
}

// Two backends on one prefix: the one that writes second over a state
// it did not load is refused with ErrConflict and writes nothing.
func TestCommitConflict(t *testing.T) {
	c := etcdtest.Start(t, 1)
	ctx := context.Background()
	var bs [2]*etcdstore.Store
	for i := range bs {
		b, err := etcdstore.Open(etcdstore.Config{Endpoints: c.Endpoints(), Prefix: "p"})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		bs[i] = b
		if _, _, err := b.Load(ctx); err != nil {
			t.Fatal(err)
		}
	}
	rec := func(k, v string) []store.Record { return []store.Record{{Bucket: "b", Key: k, Value: []byte(v)}} }
	if err := bs[0].Commit(ctx, rec("x", "1")); err != nil {
		t.Fatal(err)
	}
	if err := bs[1].Commit(ctx, rec("y", "2")); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("commit over a changed state: %v, want ErrConflict", err)
	}
	recs, _, err := bs[1].Load(ctx)
	if err != nil || len(recs) != 1 || recs[0].Key != "x" {
		t.Fatalf("after the conflict the prefix holds %v (%v), want only x", recs, err)
	}
	if err := bs[1].Commit(ctx, rec("y", "2")); err != nil {
		t.Fatalf("commit after a reload: %v", err)
	}
}

// Two stores on a three-member cluster: a write through one is in the
// other's state soon after; concurrent writers lose no update; with one
// member down both keep writing; with etcd down the API answers
// ServiceUnavailable and the state stays; after a restart they converge.
func TestTwoInstances(t *testing.T) {
	c := etcdtest.Start(t, 3)
	a, b := open(t, c, "fleet"), open(t, c, "fleet")

	if err := addVPC(a, "vpc-0a", "10.0.0.0/16"); err != nil {
		t.Fatal(err)
	}
	took := until(t, "b sees a's VPC", func() bool { return vpcs(b)["vpc-0a"] })
	t.Logf("convergence a→b: %v", took)

	var wg sync.WaitGroup
	const n = 10
	type result struct {
		id  string
		err error
	}
	results := make(chan result, 2*n)
	for i, s := range []*store.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range n {
				id := fmt.Sprintf("vpc-%d%02d", i+1, j)
				results <- result{id, addVPC(s, id, fmt.Sprintf("10.%d.%d.0/24", i+1, j))}
			}
		}()
	}
	wg.Wait()
	close(results)
	var acked []string
	for r := range results {
		if err := r.err; err == nil {
			acked = append(acked, r.id)
		} else {
			// A second conflict in a row is answered retryable.
			var ae *apierr.Error
			if !errors.As(err, &ae) || ae.Kind != apierr.Unavailable {
				t.Fatalf("concurrent write: %v", err)
			}
		}
	}
	until(t, "a and b agree", func() bool { return fmt.Sprint(vpcs(b)) == fmt.Sprint(vpcs(a)) })
	want := vpcs(a)
	for _, id := range acked {
		if !want[id] {
			t.Errorf("acknowledged write %s was lost", id)
		}
	}
	t.Logf("after %d concurrent writes on each: %d acknowledged, %d VPCs, conflicts a=%d b=%d", n, len(acked), len(want), a.Stats().Conflicts, b.Stats().Conflicts)
	// Every acknowledged write is there: count them from a fresh reader.
	fresh := open(t, c, "fleet")
	if fmt.Sprint(vpcs(fresh)) != fmt.Sprint(want) {
		t.Fatalf("a fresh instance loads %v, the instances hold %v", vpcs(fresh), want)
	}

	c.Stop(2)
	if err := addVPC(b, "vpc-0b", "10.9.0.0/16"); err != nil {
		t.Fatalf("write with one member of three down: %v", err)
	}
	until(t, "a sees b's VPC with a member down", func() bool { return vpcs(a)["vpc-0b"] })

	c.Stop(0)
	c.Stop(1)
	before := vpcs(a)
	err := addVPC(a, "vpc-0c", "10.8.0.0/16")
	var ae *apierr.Error
	if !errors.As(err, &ae) || ae.Kind != apierr.Unavailable {
		t.Fatalf("write with etcd down: %v, want Unavailable", err)
	}
	if fmt.Sprint(vpcs(a)) != fmt.Sprint(before) {
		t.Fatal("a refused write changed the state")
	}
	if err := a.Ping(context.Background()); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("ping with etcd down: %v", err)
	}
	if a.Stats().Up {
		t.Fatal("stats say the store is up with etcd down")
	}

	c.RestartAll()
	until(t, "write after restart", func() bool { return addVPC(a, "vpc-0c", "10.8.0.0/16") == nil })
	took = until(t, "b sees the write after the restart", func() bool { return vpcs(b)["vpc-0c"] })
	t.Logf("convergence a→b after an etcd restart: %v", took)
	if err := a.Ping(context.Background()); err != nil || !a.Stats().Up {
		t.Fatalf("ping after the restart: %v up=%v", err, a.Stats().Up)
	}
}

// A watch that resumes from a revision etcd has compacted away reloads
// the whole state.
func TestWatchAfterCompaction(t *testing.T) {
	c := etcdtest.Start(t, 1)
	ctx := context.Background()
	r, err := etcdstore.Open(etcdstore.Config{Endpoints: c.Endpoints(), Prefix: "p"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, _, err := r.Load(ctx); err != nil {
		t.Fatal(err)
	}
	cli, err := clientv3.New(clientv3.Config{Endpoints: c.Endpoints()})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	var last int64
	for i := range 3 {
		resp, err := cli.Put(ctx, fmt.Sprintf("p/b/k%d", i), "v")
		if err != nil {
			t.Fatal(err)
		}
		last = resp.Header.Revision
	}
	if _, err := cli.Compact(ctx, last); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	reloaded := make(chan int, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Watch(wctx, func(ctx context.Context) error {
			recs, _, err := r.Load(ctx)
			if err == nil {
				select {
				case reloaded <- len(recs):
				default:
				}
			}
			return err
		})
	}()
	select {
	case got := <-reloaded:
		if got != 3 {
			t.Errorf("reload after compaction read %d records, want 3", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no reload after the watch was compacted")
	}
	cancel()
	<-done
}

// ParseURL never panics, and what it accepts is usable: a prefix without
// surrounding slashes and HOST:PORT endpoints.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"etcd://127.0.0.1:2379/vpcdns", "etcd://a:1,b:2/x/y/", "etcd://[::1]:2379/p", "etcd://", "etcd://a:1,/p"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		eps, prefix, err := etcdstore.ParseURL(s)
		if err != nil {
			return
		}
		if prefix == "" || strings.HasPrefix(prefix, "/") || strings.HasSuffix(prefix, "/") {
			t.Fatalf("ParseURL(%q): prefix %q", s, prefix)
		}
		if len(eps) == 0 {
			t.Fatalf("ParseURL(%q): no endpoints", s)
		}
		for _, e := range eps {
			if _, port, err := net.SplitHostPort(e); err != nil || port == "" {
				t.Fatalf("ParseURL(%q): endpoint %q", s, e)
			}
		}
	})
}
