package awsread

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcdns/vpcdns/internal/config"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/awsread -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test ./internal/awsread -update rewrites it); got:\n%s", path, got)
	}
}

// TestOfflineGolden reads the files the AWS CLI printed for the hub-and-spoke
// network of testdata/moto_network.py (the subnets split into two pages, the
// query-log configs denied, and the calls moto does not serve written by
// hand in botocore's shapes) and compares the network with the golden file.
func TestOfflineGolden(t *testing.T) {
	r, err := ReadDir(context.Background(), "testdata/offline", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := config.Marshal(r.File)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "offline.golden.yaml", data)
	if _, _, err := config.Parse(data, "offline.golden.yaml", "."); err != nil {
		t.Fatalf("the imported network does not validate: %v", err)
	}
	if len(r.Failures) != 1 || !r.Failures[0].Denied || r.Failures[0].Action != "route53resolver:ListResolverQueryLogConfigs" {
		t.Errorf("failures = %v, want the one denied ListResolverQueryLogConfigs", r.Failures)
	}
	if r.Complete() {
		t.Error("Complete() = true with a denied call")
	}
	var subnets int
	for _, v := range r.File.VPCs {
		subnets += len(v.Subnets)
	}
	if subnets != 10 { // 6 of the default VPC, 2 of hub, 1 each of spoke1 and spoke2: both pages
		t.Errorf("subnets = %d, want 10 (both pages of describe-subnets)", subnets)
	}
	kinds := map[string]bool{}
	for _, u := range r.File.Unmodeled {
		kinds[u.Kind+" "+u.ID] = true
	}
	for _, want := range []string{"api-call route53resolver:ListResolverQueryLogConfigs", "remote-network 5f2a8c1e-0b7d-4c3a-9e61-3d4f5a6b7c8d"} {
		if !kinds[want] {
			t.Errorf("unmodeled has no %q: %v", want, r.File.Unmodeled)
		}
	}
}

// TestOfflineOnePageEqualsPages: the same calls in one file or in pages give
// the same network.
func TestOfflineOnePageEqualsPages(t *testing.T) {
	dir := t.TempDir()
	entries, _ := os.ReadDir("testdata/offline")
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join("testdata/offline", e.Name()))
		os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644)
	}
	// Merge the two pages of describe-subnets into one file.
	p1, _ := os.ReadFile(filepath.Join(dir, "describe-subnets.json"))
	p2, _ := os.ReadFile(filepath.Join(dir, "describe-subnets.2.json"))
	var x, y struct{ Subnets []json.RawMessage }
	if err := json.Unmarshal(p1, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(p2, &y); err != nil {
		t.Fatal(err)
	}
	x.Subnets = append(x.Subnets, y.Subnets...)
	merged, _ := json.Marshal(x)
	os.WriteFile(filepath.Join(dir, "describe-subnets.json"), merged, 0o644)
	os.Remove(filepath.Join(dir, "describe-subnets.2.json"))
	a, err := ReadDir(context.Background(), "testdata/offline", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadDir(context.Background(), dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ya, _ := config.Marshal(a.File)
	yb, _ := config.Marshal(b.File)
	if !bytes.Equal(ya, yb) {
		t.Errorf("one file and two pages give different networks")
	}
}

func TestOfflineMissingFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "describe-vpcs.json"), []byte(`{"Vpcs":[{"VpcId":"vpc-1","OwnerId":"111122223333","CidrBlock":"10.0.0.0/16"}]}`), 0o644)
	r, err := ReadDir(context.Background(), dir, "eu-west-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.File.AccountID != "111122223333" || len(r.File.VPCs) != 1 || r.File.Region != "eu-west-1" {
		t.Errorf("file = %+v", r.File)
	}
	if r.Complete() || len(r.Failures) == 0 {
		t.Errorf("missing files must make the import partial: %v", r.Failures)
	}
	if _, err := ReadDir(context.Background(), t.TempDir(), "", nil); err == nil {
		t.Error("an empty directory must be an error")
	}
}

func TestPolicyFileIsCurrent(t *testing.T) {
	const path = "../../docs/import-iam-policy.json"
	if *update {
		if err := os.WriteFile(path, Policy(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(Policy(), want) {
		t.Errorf("docs/import-iam-policy.json is not Policy() (go test ./internal/awsread -update rewrites it); want:\n%s", Policy())
	}
}

func TestPrintCommandsGolden(t *testing.T) {
	var b bytes.Buffer
	if err := PrintCommands(&b, "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	golden(t, "print-commands.txt", b.Bytes())
	// Every file ReadDir reads is written by one of the commands.
	for _, c := range Calls() {
		if !strings.Contains(b.String(), c.File(map[bool]string{true: "$id", false: ""}[c.Each != nil])+`.json`) {
			t.Errorf("no command writes the file of %s", c.Name(""))
		}
	}
}

// FuzzDecodePage: no output page, however malformed, crashes the decoder or
// the build.
func FuzzDecodePage(f *testing.F) {
	entries, _ := os.ReadDir("testdata/offline")
	for _, e := range entries {
		if b, err := os.ReadFile(filepath.Join("testdata/offline", e.Name())); err == nil && len(b) < 8000 {
			f.Add(uint8(len(e.Name())), b)
		}
	}
	calls := Calls()
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		c := calls[int(which)%len(calls)]
		a := newAccount()
		a.id = "111122223333"
		_ = c.decodePage(a, "x-1", data)
		r := build("us-east-1", []*account{a}, nil, 1)
		if _, err := config.Marshal(r.File); err != nil {
			t.Fatal(err)
		}
	})
}

// TestOfflineAccountsInSubdirectories: several accounts are one
// subdirectory each; a resource read in two of them is written once.
func TestOfflineAccountsInSubdirectories(t *testing.T) {
	dir := t.TempDir()
	entries, _ := os.ReadDir("testdata/offline")
	for _, sub := range []string{"a-network", "b-copy"} {
		os.Mkdir(filepath.Join(dir, sub), 0o755)
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join("testdata/offline", e.Name()))
			os.WriteFile(filepath.Join(dir, sub, e.Name()), b, 0o644)
		}
	}
	one, err := ReadDir(context.Background(), "testdata/offline", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	two, err := ReadDir(context.Background(), dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(two.Accounts) != 2 {
		t.Errorf("accounts = %v, want two", two.Accounts)
	}
	if len(two.File.VPCs) != len(one.File.VPCs) || len(two.File.Rules) != len(one.File.Rules) || len(two.File.HostedZones) != len(one.File.HostedZones) {
		t.Errorf("the same account twice gives %d vpcs, %d rules, %d zones; once %d, %d, %d",
			len(two.File.VPCs), len(two.File.Rules), len(two.File.HostedZones), len(one.File.VPCs), len(one.File.Rules), len(one.File.HostedZones))
	}
	if _, err := config.Validate(two.File, "two", "."); err != nil {
		t.Errorf("two accounts: %v", err)
	}
}
