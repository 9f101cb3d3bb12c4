// Package etcdtest runs a real etcd cluster inside a test process
// (go.etcd.io/etcd/server/v3/embed), its members on 127.0.0.1 ports
// chosen by the kernel, for the tests of the etcd store and of serve.
package etcdtest

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.etcd.io/etcd/client/pkg/v3/transport"
	"go.etcd.io/etcd/server/v3/embed"
)

// Cluster is a running etcd cluster.
type Cluster struct {
	t       testing.TB
	mu      sync.Mutex
	members []*member
	initial string
	tls     *transport.TLSInfo // the client TLS of the members, nil: plain
}

type member struct {
	name         string
	dir          string
	client, peer url.URL
	etcd         *embed.Etcd
}

// Start starts an n-member cluster and waits until it has a leader. It
// is stopped when the test ends.
func Start(t testing.TB, n int) *Cluster {
	t.Helper()
	return start(t, n, nil)
}

func start(t testing.TB, n int, tls *transport.TLSInfo) *Cluster {
	t.Helper()
	c := &Cluster{t: t, tls: tls}
	var initial []string
	base := t.TempDir()
	var held []net.Listener
	for i := range n {
		m := &member{name: fmt.Sprintf("m%d", i), dir: filepath.Join(base, fmt.Sprintf("m%d", i)),
			client: freeURL(t, &held), peer: freeURL(t, &held)}
		if tls != nil {
			m.client.Scheme = "https"
		}
		c.members = append(c.members, m)
		initial = append(initial, m.name+"="+m.peer.String())
	}
	c.initial = strings.Join(initial, ",")
	for _, ln := range held {
		ln.Close()
	}
	errs := make(chan error, n)
	for _, m := range c.members {
		go func() { errs <- c.start(m, embed.ClusterStateFlagNew) }()
	}
	t.Cleanup(func() {
		for i := range c.members {
			c.Stop(i)
		}
	})
	var first error
	for range n {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		t.Fatal(first)
	}
	return c
}

// freeURL returns http://127.0.0.1:PORT with a port that is free; its
// listener is held until every port of the cluster is chosen.
func freeURL(t testing.TB, held *[]net.Listener) url.URL {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	*held = append(*held, ln)
	return url.URL{Scheme: "http", Host: ln.Addr().String()}
}

func (c *Cluster) start(m *member, state string) error {
	cfg := embed.NewConfig()
	cfg.Name = m.name
	cfg.Dir = m.dir
	cfg.ListenClientUrls = []url.URL{m.client}
	cfg.AdvertiseClientUrls = []url.URL{m.client}
	cfg.ListenPeerUrls = []url.URL{m.peer}
	cfg.AdvertisePeerUrls = []url.URL{m.peer}
	cfg.InitialCluster = c.initial
	cfg.InitialClusterToken = "vpcdns-test"
	cfg.ClusterState = state
	cfg.LogLevel = "error"
	cfg.Logger = "zap"
	// Room for a starting network of 10,000 rules (a record each, and
	// their side records) in one transaction, as docs/fleet.md says to
	// configure etcd for one.
	if c.tls != nil {
		cfg.ClientTLSInfo = *c.tls
		// The cheapest password hashing: every authentication compares
		// a bcrypt hash, which at the default cost takes seconds on a
		// loaded machine under the race detector.
		cfg.BcryptCost = 4
	}
	cfg.MaxTxnOps = 100000
	cfg.MaxRequestBytes = 64 << 20
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return fmt.Errorf("start etcd %s: %w", m.name, err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		e.Close()
		return fmt.Errorf("start etcd %s: not ready after 60 s", m.name)
	}
	c.mu.Lock()
	m.etcd = e
	c.mu.Unlock()
	return nil
}

// Endpoints are the members' client addresses, HOST:PORT.
func (c *Cluster) Endpoints() []string {
	var out []string
	for _, m := range c.members {
		out = append(out, m.client.Host)
	}
	return out
}

// Stop stops member i (nothing if it is stopped).
func (c *Cluster) Stop(i int) {
	c.mu.Lock()
	e := c.members[i].etcd
	c.members[i].etcd = nil
	c.mu.Unlock()
	if e != nil {
		e.Close()
	}
}

// RestartAll starts every stopped member again, together, so that the
// first has a quorum to wait for.
func (c *Cluster) RestartAll() {
	c.t.Helper()
	errs := make(chan error, len(c.members))
	n := 0
	for _, m := range c.members {
		c.mu.Lock()
		up := m.etcd != nil
		c.mu.Unlock()
		if up {
			continue
		}
		n++
		go func() { errs <- c.start(m, embed.ClusterStateFlagExisting) }()
	}
	var first error
	for range n {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		c.t.Fatal(first)
	}
}
