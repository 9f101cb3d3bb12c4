package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestZoneFileLoads(t *testing.T) {
	n, _, err := Load("testdata/zone-file.yaml")
	if err != nil {
		t.Fatal(err)
	}
	z := n.HostedZones[0]
	want := []string{
		"internal.example.\t900\tIN\tSOA\tns1.internal.example. hostmaster.internal.example. 2024010101 7200 900 1209600 86400",
		"internal.example.\t300\tIN\tNS\tns1.internal.example.",
		"ns1.internal.example.\t300\tIN\tA\t10.0.1.53",
		"db.internal.example.\t300\tIN\tA\t10.0.1.20",
		"www.internal.example.\t300\tIN\tCNAME\tdb.internal.example.",
		"*.apps.internal.example.\t300\tIN\tA\t10.0.1.30",
	}
	if got := rrStrings(z.Records); z.ID != "Z0123456789ABCDEFGHIJ" || !equal(got, want) {
		t.Errorf("got %s\n%v\nwant Z0123456789ABCDEFGHIJ\n%v", z.ID, got, want)
	}
	if got := rrStrings(n.Emulation.AuthServers[0].Zones[0].Records); !equal(got, want) {
		t.Errorf("authoritative zone: got\n%v\nwant\n%v", got, want)
	}
}

func TestZoneFileRejects(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "a-directory.zone"), 0o755); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs("testdata/zones/no-soa.zone")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, baseDir, file, reason string
		count                       int
	}{
		{"no soa", "testdata", "zones/no-soa.zone", "has no SOA record at the zone apex internal.example.", 1},
		{"no soa, absolute path", dir, abs, "has no SOA record", 1},
		{"record outside the zone", "testdata", "zones/outside.zone", "holds db.other.example. A, which is outside zone internal.example.", 1},
		{"does not parse", "testdata", "zones/broken.zone", "cannot be parsed", 1},
		{"missing", "testdata", "zones/missing.zone", "does not exist", 1},
		{"not a regular file", dir, "a-directory.zone", "is not a regular file", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, auth := range []bool{false, true} {
				f := decodeBase(t)
				path := "private_hosted_zones[0].zone_file"
				if auth {
					f.Emulation.AuthServers[0].Zones[0] = AuthZoneFile{Name: "internal.example", ZoneFile: tt.file}
					path = "emulation.authoritative_servers[0].zones[0].zone_file"
				} else {
					f.HostedZones[0].Records = nil
					f.HostedZones[0].ZoneFile = tt.file
				}
				_, err := Validate(f, "network.yaml", tt.baseDir)
				wantProblem(t, problemsOf(t, err), path, tt.reason, tt.count)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, _, err := Load("testdata/no-such-network.yaml")
	if err == nil || !strings.Contains(err.Error(), "load network testdata/no-such-network.yaml") {
		t.Errorf("got %v; want an error naming the path", err)
	}
}

func TestLoadLabelsProblemsWithThePath(t *testing.T) {
	_, f, err := Load("testdata/five-mistakes.yaml")
	ps := problemsOf(t, err)
	if f == nil {
		t.Error("got no File; want the decoded File alongside the problems")
	}
	for _, p := range ps {
		if p.File != "testdata/five-mistakes.yaml" {
			t.Errorf("got File %q; want testdata/five-mistakes.yaml", p.File)
		}
	}
}
