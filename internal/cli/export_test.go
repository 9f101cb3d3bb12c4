package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/awsapi/store/boltstore"
	"github.com/vpcdns/vpcdns/internal/config"
)

func TestExport(t *testing.T) {
	// From a data directory: the network the API keeps.
	dir := t.TempDir()
	db, err := boltstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(store.Options{Backend: db, Initial: &config.File{AccountID: "111122223333"}})
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
	if code := Run(context.Background(), []string{"export", "--data-dir", dir}, IO{Stdout: &out, Stderr: &errOut}); code != exitOK {
		t.Fatalf("export: exit %d: %s", code, errOut.String())
	}
	n, _, err := config.Parse(out.Bytes(), "exported.yaml", ".")
	if err != nil {
		t.Fatalf("exported network is invalid: %v\n%s", err, out.String())
	}
	if n.AccountID != "111122223333" || len(n.VPCs) != 1 || n.VPCs[0].ID != "vpc-0123456789abcdef0" {
		t.Errorf("exported network %+v", n)
	}

	// Without state: the embedded example as written, with its comments.
	out.Reset()
	if code := Run(context.Background(), []string{"export", "--data-dir", t.TempDir()}, IO{Stdout: &out, Stderr: &errOut}); code != exitOK {
		t.Fatalf("export example: exit %d: %s", code, errOut.String())
	}
	if out.String() != string(config.ExampleYAML()) {
		t.Errorf("export of the example differs from the embedded file")
	}
	if !strings.Contains(out.String(), "\n# The transit gateway joins vpc-app") {
		t.Errorf("export of the example lost its comments")
	}
	// With -c FILE: the network as Marshal writes it.
	out.Reset()
	if code := Run(context.Background(), []string{"export", "-c", "../config/testdata/base.yaml"}, IO{Stdout: &out, Stderr: &errOut}); code != exitOK {
		t.Fatalf("export -c: exit %d: %s", code, errOut.String())
	}
	_, f, err := config.Load("../config/testdata/base.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := config.Marshal(f)
	if out.String() != string(want) {
		t.Errorf("export -c differs from Marshal of the file")
	}
	if code := Run(context.Background(), []string{"export", "extra"}, IO{Stdout: &out, Stderr: &errOut}); code != exitInvalid {
		t.Errorf("export with an argument: exit %d", code)
	}
	if !strings.Contains(errOut.String(), "export takes no arguments") {
		t.Errorf("stderr %q", errOut.String())
	}
}

// TestExportFormats: -o is a format (yaml, json), --output the file; both
// forms load back to the same network.
func TestExportFormats(t *testing.T) {
	dir := t.TempDir()
	yamlFile, jsonFile := dir+"/n.yaml", dir+"/n.json"
	if code, _, stderr := run(t, "export", "--output", yamlFile); code != 0 {
		t.Fatalf("export --output: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "export", "-o", "json", "--output", jsonFile); code != 0 {
		t.Fatalf("export -o json: exit %d: %s", code, stderr)
	}
	if code, stdout, _ := run(t, "diff", yamlFile, jsonFile); code != 0 {
		t.Errorf("the yaml and json exports behave differently (exit %d):\n%s", code, stdout)
	}
	code, _, stderr := run(t, "export", "-o", yamlFile)
	if code != 2 || !strings.Contains(stderr, "-o is a format; write to a file with --output FILE") {
		t.Errorf("export -o FILE: exit %d, %q; want 2 and a pointer to --output", code, stderr)
	}
}

// A data directory that a serve of an earlier version left (state.json,
// not yet migrated) still exports.
func TestExportLegacyStateJSON(t *testing.T) {
	dir := t.TempDir()
	legacy := `{"format": 1, "network": "account_id: \"111122223333\"\nvpcs:\n  - id: vpc-0123456789abcdef0\n    cidr_blocks: [10.0.0.0/16]\n", "meta": {}}`
	if err := os.WriteFile(filepath.Join(dir, store.FileName), []byte(legacy), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"export", "--data-dir", dir}, IO{Stdout: &out, Stderr: &errOut}); code != exitOK {
		t.Fatalf("export: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "vpc-0123456789abcdef0") {
		t.Errorf("export of a state.json:\n%s", out.String())
	}
}
