package zone

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

func TestParseFile(t *testing.T) {
	const text = `$TTL 120
@      IN SOA ns admin 1 7200 900 1209600 60
www    IN A   192.0.2.1
$ORIGIN sub.example.com.
host   IN A   192.0.2.2
`
	rrs, err := ParseFile(strings.NewReader(text), "example.com.", "example.zone")
	if err != nil {
		t.Fatalf("ParseFile: %v", err)
	}
	got := showAll(rrs)
	want := []string{
		"example.com. 120 SOA ns.example.com. admin.example.com. 1 7200 900 1209600 60",
		"www.example.com. 120 A 192.0.2.1",
		"host.sub.example.com. 120 A 192.0.2.2",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ParseFile = %q; want %q", got, want)
	}
}

func TestParseFileErrors(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.zone")
	if err := os.WriteFile(secret, []byte("leak IN TXT \"secret\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		text    string
		wantErr string
	}{
		{"$INCLUDE refused", "@ IN SOA ns admin 1 2 3 4 5\n$INCLUDE " + secret + "\n", "$INCLUDE directive not allowed"},
		{"$INCLUDE with origin refused", "$INCLUDE " + secret + " example.com.\n", "$INCLUDE directive not allowed"},
		{"syntax error", "www IN A not-an-address\n", "bad A"},
		{"unknown type", "www IN NOSUCHTYPE x\n", "example.zone"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rrs, err := ParseFile(strings.NewReader(tc.text), "example.com.", "example.zone")
			if err == nil {
				t.Fatalf("ParseFile = %q, no error; want %q", showAll(rrs), tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "parse zone file example.zone") {
				t.Errorf("ParseFile: %v; want it to name the file and contain %q", err, tc.wantErr)
			}
			if rrs != nil {
				t.Errorf("ParseFile records = %q; want none on error", showAll(rrs))
			}
		})
	}
}

// FuzzParseFile checks that no zone file panics the parser, and that any zone
// that parses and builds answers every owner name (and a name below and a
// sibling of each) without panic and within the Lookup contract.
func FuzzParseFile(f *testing.F) {
	f.Add(testZone)
	f.Add("@ IN SOA ns admin 1 2 3 4 5\n*.a IN CNAME b\nb IN CNAME x.a\n")
	f.Add("@ IN SOA ns admin 1 2 3 4 5\n$GENERATE 1-20 h$ IN A 192.0.2.$\n")
	f.Add("$INCLUDE /etc/passwd\n")
	f.Add("$ORIGIN other.\n@ IN SOA ns admin 1 2 3 4 5\n")
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 4096 {
			return
		}
		rrs, err := ParseFile(strings.NewReader(text), "example.com.", "fuzz.zone")
		if err != nil || len(rrs) > 2000 {
			return
		}
		z, err := New("example.com.", rrs)
		if err != nil {
			return
		}
		types := []uint16{dns.TypeA, dns.TypeAAAA, dns.TypeCNAME, dns.TypeTXT, dns.TypeNS, dns.TypeSOA, dns.TypeANY}
		for _, rr := range rrs {
			owner, err := dnsname.Parse(rr.Header().Name)
			if err != nil {
				t.Fatalf("owner of a record New accepted: %v", err)
			}
			names := []dnsname.Name{owner}
			if owner.Labels() < 120 {
				names = append(names, owner.Child("zz"))
			}
			if parent, ok := owner.Parent(); ok && parent.IsSubdomainOf(z.Origin()) && parent.Labels() < 120 {
				names = append(names, parent.Child("zz"))
			}
			for _, qname := range names {
				for _, qtype := range append(types, rr.Header().Rrtype) {
					checkAnswer(t, z, qname, qtype, z.Lookup(qname, qtype))
				}
			}
		}
	})
}
