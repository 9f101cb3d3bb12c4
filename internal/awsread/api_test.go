package awsread_test

import (
	"context"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/awsapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/awsread"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/diff"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/explain"
	"github.com/vpcdns/vpcdns/internal/mototest"
	"github.com/vpcdns/vpcdns/internal/view"
)

// questions are the names to compare two networks on: for every VPC, the
// reverse name of an address in each of its blocks and of its peers, a
// name under every rule's and every zone's domain, every record, and a
// public name.
func questions(n *config.Network) []struct {
	name  dnsname.Name
	qtype uint16
} {
	type q = struct {
		name  dnsname.Name
		qtype uint16
	}
	out := []q{{"www.example.com.", dns.TypeA}}
	for _, v := range n.VPCs {
		for _, c := range v.CIDRs {
			a := c.Addr().Next().Next().Next().Next().Next()
			out = append(out, q{dnsname.ReverseAddr(a), dns.TypePTR})
		}
		for _, in := range v.Instances {
			for _, ip := range in.PrivateIPs {
				out = append(out, q{dnsname.ReverseAddr(ip), dns.TypePTR})
			}
		}
	}
	for _, r := range n.Rules {
		out = append(out, q{dnsname.Name("x." + string(r.Domain)), dns.TypeA})
	}
	for _, z := range n.HostedZones {
		out = append(out, q{dnsname.Name("nope." + string(z.Name)), dns.TypeA})
		for _, rr := range z.Records {
			out = append(out, q{dnsname.Name(dns.Fqdn(rr.Header().Name)), rr.Header().Rrtype})
		}
	}
	out = append(out, q{dnsname.ReverseAddr(netip.MustParseAddr("192.168.10.53")), dns.TypePTR})
	return out
}

// TestImportFromVpcdnsAPI builds the example network in vpcdns's own API
// (serve --api-listen), imports it from there, and compares the decision
// and the targets of every VPC for every question, and the expected answer
// of every local one.
func TestImportFromVpcdnsAPI(t *testing.T) {
	mototest.Env(t)
	_, file, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(store.Options{Initial: file, BaseDir: "."})
	if err != nil {
		t.Fatal(err)
	}
	st.SetApply(func(*config.Network) error { return nil })
	srv := httptest.NewServer(awsapi.New(awsapi.Options{Store: st}))
	t.Cleanup(srv.Close)

	r, err := awsread.Read(context.Background(), awsread.Options{EndpointURL: srv.URL, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Failures {
		t.Logf("not served by the API: %v", f)
	}
	served := st.Network()
	want, err := view.Compile(served)
	if err != nil {
		t.Fatal(err)
	}
	got := compile(t, r.File)
	n := 0
	for _, v := range served.VPCs {
		for _, q := range questions(served) {
			a, errA := explain.Build(want, v.ID, q.name, q.qtype)
			b, errB := explain.Build(got, v.ID, q.name, q.qtype)
			if errA != nil || errB != nil {
				t.Fatalf("%s %s: %v / %v", v.ID, q.name, errA, errB)
			}
			n++
			if a.Decision.Source != b.Decision.Source || a.Decision.ID != b.Decision.ID || a.Decision.Domain != b.Decision.Domain {
				t.Errorf("%s %s: imported decision %s %s %s, served %s %s %s", v.ID, q.name,
					b.Decision.Source, b.Decision.ID, b.Decision.Domain, a.Decision.Source, a.Decision.ID, a.Decision.Domain)
				continue
			}
			// The API serves no transit gateways, VPNs or instances
			// (docs/api.md): a forwarded query's path through them is not
			// comparable, its decision and targets are.
			if a.Forwarding == nil && a.ExpectedRcode != b.ExpectedRcode {
				t.Errorf("%s %s: imported expects %s, served %s", v.ID, q.name, b.ExpectedRcode, a.ExpectedRcode)
			}
			if (a.Forwarding == nil) != (b.Forwarding == nil) || a.Forwarding != nil && len(a.Forwarding.Targets) != len(b.Forwarding.Targets) {
				t.Errorf("%s %s: imported targets %+v, served %+v", v.ID, q.name, b.Forwarding, a.Forwarding)
			}
		}
	}
	if n < 20 {
		t.Errorf("%d decisions compared, want 20 or more", n)
	}
	t.Logf("%d decisions compared", n)
	// vpcdns diff, served against imported: no decision or target moves.
	// Path verdicts through what the API does not serve may.
	d := diff.Compare(want, got, "served", "imported")
	if d.Compared.VPCs != len(served.VPCs) || d.Compared.Domains == 0 {
		t.Errorf("diff compared %+v, want the %d vpcs and their domains", d.Compared, len(served.VPCs))
	}
	for _, c := range d.Changes {
		if c.Kind == diff.KindPath {
			t.Logf("path verdict differs (not served by the API): %+v", c)
			continue
		}
		t.Errorf("diff served imported: %s %s %s: %+v -> %+v", c.VPC, c.Domain, c.Kind, c.Old, c.New)
	}
}

// TestImportProfiles: --profile reads an account with a shared-config
// profile (its credentials and its region), one account per profile.
func TestImportProfiles(t *testing.T) {
	mototest.Env(t)
	_, file, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(store.Options{Initial: file, BaseDir: "."})
	if err != nil {
		t.Fatal(err)
	}
	st.SetApply(func(*config.Network) error { return nil })
	srv := httptest.NewServer(awsapi.New(awsapi.Options{Store: st}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	if err := os.WriteFile(cfg, []byte("[profile net]\nregion = eu-west-1\naws_access_key_id = net\naws_secret_access_key = net\n\n[profile work]\nregion = eu-west-1\naws_access_key_id = work\naws_secret_access_key = work\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cfg)
	os.Unsetenv("AWS_REGION")
	os.Unsetenv("AWS_DEFAULT_REGION")
	os.Unsetenv("AWS_ACCESS_KEY_ID")
	os.Unsetenv("AWS_SECRET_ACCESS_KEY")

	r, err := awsread.Read(context.Background(), awsread.Options{EndpointURL: srv.URL, Profiles: []string{"net", "work"}, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.File.Region != "eu-west-1" {
		t.Errorf("region = %q, want the profile's eu-west-1", r.File.Region)
	}
	if len(r.Accounts) != 2 {
		t.Errorf("accounts = %v, want one per profile", r.Accounts)
	}
	if len(r.File.VPCs) == 0 {
		t.Error("no vpc read through the profiles")
	}
	_, err = awsread.Read(context.Background(), awsread.Options{EndpointURL: srv.URL, Profiles: []string{"nosuch"}, MaxAttempts: 1})
	if err == nil || !awsread.IsUnusable(err) {
		t.Errorf("unknown profile: err = %v, want an unusable import", err)
	}
}
