package dnsname

import (
	"net/netip"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Name
		wantErr string
	}{
		{name: "adds trailing dot and lowers case", in: "WWW.Example.COM", want: "www.example.com."},
		{name: "root", in: ".", want: "."},
		{name: "reverse zone", in: "0.10.in-addr.arpa", want: "0.10.in-addr.arpa."},
		{name: "underscore allowed", in: "_sip._tcp.example.com.", want: "_sip._tcp.example.com."},
		{name: "empty", in: "", wantErr: "empty name"},
		{name: "empty label", in: "a..b", wantErr: "empty label"},
		{name: "leading dot", in: ".example.com", wantErr: "empty label"},
		{name: "label too long", in: strings.Repeat("a", 64) + ".com", wantErr: "not a valid domain name"},
		{name: "name too long", in: strings.Repeat("abcdefghi.", 26), wantErr: "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) error = %v; want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Parse(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestSubdomainAndParent(t *testing.T) {
	tests := []struct {
		name, child, parent Name
		want                bool
	}{
		{name: "below", child: "a.example.com.", parent: "example.com.", want: true},
		{name: "equal", child: "example.com.", parent: "example.com.", want: true},
		{name: "not on a label boundary", child: "badexample.com.", parent: "example.com.", want: false},
		{name: "root is everyone's parent", child: "a.b.", parent: ".", want: true},
		{name: "shorter", child: "com.", parent: "example.com.", want: false},
		{name: "escaped dot is not a boundary", child: `a\.example.com.`, parent: "example.com.", want: false},
		{name: "escaped dot inside parent label", child: `x.a\.b.`, parent: `b.`, want: false},
	}
	for _, tt := range tests {
		t.Run(string(tt.name), func(t *testing.T) {
			if got := tt.child.IsSubdomainOf(tt.parent); got != tt.want {
				t.Errorf("%s.IsSubdomainOf(%s) = %v; want %v", tt.child, tt.parent, got, tt.want)
			}
		})
	}
	if p, ok := Name("a.b.").Parent(); !ok || p != "b." {
		t.Errorf("Parent(a.b.) = %q, %v; want b.", p, ok)
	}
	if p, ok := Name("b.").Parent(); !ok || p != Root {
		t.Errorf("Parent(b.) = %q, %v; want .", p, ok)
	}
	if _, ok := Root.Parent(); ok {
		t.Errorf("the root has a parent")
	}
	if got := Name(`a\.b.c.`).Labels(); got != 2 {
		t.Errorf(`Labels(a\.b.c.) = %d; want 2`, got)
	}
}

func TestReverse(t *testing.T) {
	tests := []struct {
		addr string
		want Name
	}{
		{"10.0.1.5", "5.1.0.10.in-addr.arpa."},
		{"::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa."},
		{"2001:db8::567:89ab", "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			a := netip.MustParseAddr(tt.addr)
			if got := ReverseAddr(a); got != tt.want {
				t.Fatalf("ReverseAddr(%s) = %s; want %s", a, got, tt.want)
			}
			if a.Is4() {
				if back, ok := ParseReverse(tt.want); !ok || back != a {
					t.Errorf("ParseReverse(%s) = %s, %v; want %s", tt.want, back, ok, a)
				}
			}
		})
	}
	for _, bad := range []Name{"1.0.10.in-addr.arpa.", "256.0.0.10.in-addr.arpa.", "05.0.0.10.in-addr.arpa.", "a.0.0.10.in-addr.arpa.", "5.0.0.10.example."} {
		if a, ok := ParseReverse(bad); ok {
			t.Errorf("ParseReverse(%s) = %s; want no address", bad, a)
		}
	}
}

// FuzzParse checks that every accepted name is canonical and a fixed point,
// and that its parents walk down to the root.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"example.com", ".", "A.b.C.", `a\.b.c`, "0.10.in-addr.arpa", `\065.b`, "a..b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		if !strings.HasSuffix(string(n), ".") || lower(string(n)) != string(n) {
			t.Fatalf("Parse(%q) = %q: not canonical", s, n)
		}
		again, err := Parse(string(n))
		if err != nil || again != n {
			t.Fatalf("Parse(Parse(%q)) = %q, %v; want %q", s, again, err, n)
		}
		steps := 0
		for p, ok := n, true; ok; p, ok = p.Parent() {
			if !n.IsSubdomainOf(p) {
				t.Fatalf("%q is not below its ancestor %q", n, p)
			}
			steps++
		}
		if steps != n.Labels()+1 {
			t.Fatalf("%q: %d ancestors; want %d", n, steps, n.Labels()+1)
		}
	})
}
