package cli

import (
	"strings"
	"testing"
)

// The store flags are checked before anything opens: each mistake exits
// 2 with a message that names it.
func TestServeStoreFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"store without api", []string{"serve", "--store", "etcd://127.0.0.1:1/p"}, "need --api-listen"},
		{"store and data dir", []string{"serve", "--api-listen", "127.0.0.1:0", "--store", "etcd://127.0.0.1:1/p", "--data-dir", t.TempDir()}, "--store and --data-dir"},
		{"etcd flags without store", []string{"serve", "--api-listen", "127.0.0.1:0", "--etcd-user", "u"}, "need --store"},
		{"no prefix", []string{"serve", "--api-listen", "127.0.0.1:0", "--store", "etcd://127.0.0.1:1"}, "no /PREFIX"},
		{"not etcd", []string{"serve", "--api-listen", "127.0.0.1:0", "--store", "bolt:///tmp/x"}, "want etcd://"},
		{"cert without key", []string{"serve", "--api-listen", "127.0.0.1:0", "--store", "etcd://127.0.0.1:1/p", "--etcd-cert", "c.pem"}, "--etcd-cert and --etcd-key go together"},
		{"password twice", []string{"serve", "--api-listen", "127.0.0.1:0", "--store", "etcd://127.0.0.1:1/p", "--etcd-user", "u:pw", "--etcd-password", "pw"}, "in --etcd-user and in --etcd-password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, tc.args...)
			if code != exitInvalid || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d with %q", code, stderr, exitInvalid, tc.want)
			}
		})
	}
}
