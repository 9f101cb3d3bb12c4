package awsapi

import (
	"context"
	"crypto/tls"
	"fmt"
	"strings"

	"go.etcd.io/etcd/client/pkg/v3/transport"

	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/awsapi/store/etcdstore"
	"github.com/vpcdns/vpcdns/internal/config"
)

// EtcdAuth are the TLS files and credentials of an etcd store, as etcdctl
// names them: --cacert, --cert, --key, --user (NAME or NAME:PASSWORD),
// --password.
type EtcdAuth struct {
	CACert, Cert, Key string
	User, Password    string
}

// openEtcd opens the etcd backend of an etcd:// store URL.
func openEtcd(u string, a EtcdAuth) (*etcdstore.Store, error) {
	eps, prefix, err := etcdstore.ParseURL(u)
	if err != nil {
		return nil, err
	}
	cfg := etcdstore.Config{Endpoints: eps, Prefix: prefix}
	if a.CACert != "" || a.Cert != "" || a.Key != "" {
		if (a.Cert == "") != (a.Key == "") {
			return nil, fmt.Errorf("store %s: --etcd-cert and --etcd-key go together", u)
		}
		info := transport.TLSInfo{CertFile: a.Cert, KeyFile: a.Key, TrustedCAFile: a.CACert}
		var tc *tls.Config
		if tc, err = info.ClientConfig(); err != nil {
			return nil, fmt.Errorf("store %s: tls: %w", u, err)
		}
		cfg.TLS = tc
	}
	if a.User != "" {
		name, pw, ok := strings.Cut(a.User, ":")
		if ok && a.Password != "" {
			return nil, fmt.Errorf("store %s: the password is in --etcd-user and in --etcd-password", u)
		}
		if !ok {
			pw = a.Password
		}
		cfg.Username, cfg.Password = name, pw
	} else if a.Password != "" {
		return nil, fmt.Errorf("store %s: --etcd-password needs --etcd-user", u)
	}
	return etcdstore.Open(cfg)
}

// ReadStore returns the network file kept in the etcd store of an
// etcd:// URL (what `vpcdns export --store` prints), and whether the
// store holds a state at all.
func ReadStore(ctx context.Context, u string, a EtcdAuth) (*config.File, bool, error) {
	b, err := openEtcd(u, a)
	if err != nil {
		return nil, false, err
	}
	defer b.Close()
	recs, found, err := b.Load(ctx)
	if err != nil || !found {
		return nil, false, err
	}
	f, err := store.Decode(recs)
	if err != nil {
		return nil, false, fmt.Errorf("read store %s: %w", u, err)
	}
	return f, true, nil
}
