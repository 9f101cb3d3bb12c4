package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/vpcdns/vpcdns/internal/config"
)

// Resources that come from network.yaml get the same ids on every start.
func TestDerivedIDsAreStable(t *testing.T) {
	_, f, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	a, err := Open(Options{Initial: f})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(Options{Initial: f})
	if err != nil {
		t.Fatal(err)
	}
	sa, _ := a.Snapshot()
	sb, _ := b.Snapshot()
	if len(sa.Meta.Assocs) == 0 {
		t.Fatal("no associations recorded for the example")
	}
	for k, x := range sa.Meta.Assocs {
		if y := sb.Meta.Assocs[k]; y == nil || y.ID != x.ID {
			t.Errorf("association %s: %v then %v", k, x, y)
		}
	}
	for id, x := range sa.Meta.Objects {
		y := sb.Meta.Objects[id]
		if y == nil || y.ResolverConfig != x.ResolverConfig || y.MainRouteTable != x.MainRouteTable {
			t.Errorf("object %s: %+v then %+v", id, x, y)
		}
	}
}

func TestUpdateRejectsInvalidNetwork(t *testing.T) {
	s, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Update(context.Background(), map[string]string{"cidr_blocks": "CidrBlock"}, func(tx *Tx) error {
		tx.File.VPCs = append(tx.File.VPCs, config.VPCFile{ID: "vpc-1", CIDRBlocks: []string{"10.0.0.0/33"}})
		return nil
	})
	if err == nil {
		t.Fatal("an invalid network was accepted")
	}
	if n := s.Network(); len(n.VPCs) != 0 {
		t.Errorf("the invalid change was kept: %d VPCs", len(n.VPCs))
	}
}

// Temporary state files that a kill -9 of an earlier version left between
// write and rename are removed when the store opens on that directory; the
// state and other files stay.
func TestOpenRemovesTempFiles(t *testing.T) {
	_, f, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	left := []string{".state.json.1545114851", ".state.json.3422192625"}
	for _, name := range left {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	other := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(other, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Options{LegacyDir: dir, Initial: f}); err != nil {
		t.Fatal(err)
	}
	for _, name := range left {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s is still there after Open: %v", name, err)
		}
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("Open removed a file that is not its own: %v", err)
	}
}
