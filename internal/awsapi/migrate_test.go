package awsapi_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vpcdns/vpcdns/internal/awsapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// A data directory that an earlier version left (one state.json) is
// migrated into vpcdns.db by the first Open, as serve --data-dir opens
// it: the state is there, state.json is kept as state.json.bak, byte for
// byte, and the next Open reads vpcdns.db, not the backup.
func TestMigratesStateJSONToBolt(t *testing.T) {
	dir := t.TempDir()
	legacy := `{"format": 1, "network": "account_id: \"111122223333\"\nvpcs:\n  - id: vpc-0123456789abcdef0\n    cidr_blocks: [10.0.0.0/16]\n", "meta": {"objects": {"vpc-0123456789abcdef0": {"kind": "vpc", "name": "app", "created": "2025-01-02T03:04:05Z", "modified": "2025-01-02T03:04:05Z"}}}}`
	if err := os.WriteFile(filepath.Join(dir, store.FileName), []byte(legacy), 0o644); err != nil {
		t.Fatal(err)
	}
	starting := &config.File{Region: "eu-west-1"} // not used: the state.json is
	for i := range 2 {
		ctl, err := awsapi.Open(awsapi.Config{File: starting, BaseDir: ".", DataDir: dir})
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		st, n := ctl.Store().Snapshot()
		if !ctl.Store().Loaded() || len(n.VPCs) != 1 || n.VPCs[0].ID != "vpc-0123456789abcdef0" || st.Meta.Objects["vpc-0123456789abcdef0"].Name != "app" {
			t.Errorf("open %d: state %+v %+v, want the state.json's", i, st.File, st.Meta)
		}
		ctl.Store().Close()
		if _, err := os.Stat(filepath.Join(dir, "vpcdns.db")); err != nil {
			t.Errorf("open %d: no vpcdns.db: %v", i, err)
		}
		if _, err := os.Stat(filepath.Join(dir, store.FileName)); !os.IsNotExist(err) {
			t.Errorf("open %d: state.json is still there: %v", i, err)
		}
		if data, err := os.ReadFile(filepath.Join(dir, store.BackupName)); err != nil || string(data) != legacy {
			t.Errorf("open %d: backup %s: %v %q", i, store.BackupName, err, data)
		}
	}
}
