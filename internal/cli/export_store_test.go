package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/vpcdns/vpcdns/internal/awsapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/awsapi/store/etcdstore"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/etcdtest"
)

// TestExportStore: export --store prints the network a fleet keeps in
// etcd; a prefix with no state prints the example; the flag errors.
func TestExportStore(t *testing.T) {
	c := etcdtest.Start(t, 1)
	url := "etcd://" + strings.Join(c.Endpoints(), ",") + "/fleet"
	b, err := etcdstore.Open(etcdstore.Config{Endpoints: c.Endpoints(), Prefix: "fleet"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(store.Options{Backend: b, Initial: &config.File{AccountID: "111122223333"}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, err := st.Update(context.Background(), nil, func(tx *store.Tx) error {
		tx.File.VPCs = append(tx.File.VPCs, config.VPCFile{ID: "vpc-0123456789abcdef0", CIDRBlocks: []string{"10.0.0.0/16"}})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"export", "--store", url}, IO{Stdout: &out, Stderr: &errOut}); code != exitOK {
		t.Fatalf("export --store: exit %d: %s", code, errOut.String())
	}
	n, _, err := config.Parse(out.Bytes(), "exported.yaml", ".")
	if err != nil {
		t.Fatalf("exported network is invalid: %v\n%s", err, out.String())
	}
	if len(n.VPCs) != 1 || n.VPCs[0].ID != "vpc-0123456789abcdef0" {
		t.Errorf("exported network %+v", n)
	}

	out.Reset()
	if code := Run(context.Background(), []string{"export", "--store", "etcd://" + c.Endpoints()[0] + "/empty"}, IO{Stdout: &out, Stderr: &errOut}); code != exitOK {
		t.Fatalf("export of an empty prefix: exit %d: %s", code, errOut.String())
	}
	if out.String() != string(config.ExampleYAML()) {
		t.Errorf("export of a prefix without state is not the example")
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"store and data dir", []string{"--store", url, "--data-dir", t.TempDir()}, exitInvalid, "kept in one of them"},
		{"etcd flags without store", []string{"--etcd-user", "root"}, exitInvalid, "need --store"},
		{"not an etcd url", []string{"--store", "http://127.0.0.1:1/x"}, exitFail, "etcd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := Run(context.Background(), append([]string{"export"}, tc.args...), IO{Stdout: &out, Stderr: &errOut}); code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, errOut.String())
			}
			if !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("stderr %q, want %q", errOut.String(), tc.want)
			}
		})
	}
}

// The etcdctl-named flags reach etcd: export --store with --etcd-cacert,
// --etcd-cert, --etcd-key, --etcd-user and --etcd-password reads a
// cluster that requires TLS client certificates and a password; without
// the password it fails.
func TestExportStoreTLSAndAuth(t *testing.T) {
	c, sec := etcdtest.StartSecure(t)
	url := "etcd://" + strings.Join(c.Endpoints(), ",") + "/secure"
	ctl, err := awsapi.Open(awsapi.Config{File: &config.File{AccountID: "111122223333", VPCs: []config.VPCFile{{ID: "vpc-0123456789abcdef0", CIDRBlocks: []string{"10.0.0.0/16"}}}},
		Store: url, Etcd: awsapi.EtcdAuth{CACert: sec.CACert, Cert: sec.Cert, Key: sec.Key, User: sec.User, Password: sec.Password}})
	if err != nil {
		t.Fatal(err)
	}
	ctl.Store().Close()
	tlsArgs := []string{"export", "--store", url, "--etcd-cacert", sec.CACert, "--etcd-cert", sec.Cert, "--etcd-key", sec.Key}
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), append(tlsArgs, "--etcd-user", sec.User, "--etcd-password", sec.Password), IO{Stdout: &out, Stderr: &errOut}); code != exitOK {
		t.Fatalf("export over TLS with a user: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "vpc-0123456789abcdef0") {
		t.Errorf("export over TLS:\n%s", out.String())
	}
	out.Reset()
	errOut.Reset()
	if code := Run(context.Background(), append(tlsArgs, "--etcd-user", sec.User+":wrong"), IO{Stdout: &out, Stderr: &errOut}); code == exitOK {
		t.Errorf("export with a wrong password: exit 0:\n%s", out.String())
	}
}
