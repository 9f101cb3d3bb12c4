package config

import "testing"

func TestProblemError(t *testing.T) {
	tests := []struct {
		name string
		p    Problem
		want string
	}{
		{"full", Problem{File: "network.yaml", Path: "resolver_rules[3].target_ips[0].ip", Value: "192.168.1.300", Reason: "is not an IPv4 address"},
			`network.yaml: resolver_rules[3].target_ips[0].ip: "192.168.1.300" is not an IPv4 address`},
		{"no value", Problem{File: "network.yaml", Path: "vpcs[0].foo", Reason: "unknown field"},
			"network.yaml: vpcs[0].foo: unknown field"},
		{"no path", Problem{File: "network.yaml", Reason: "did not find expected key", Line: 3, Column: 5},
			"network.yaml: line 3: did not find expected key"},
		{"no file", Problem{Path: "vpcs[0].id", Reason: "is required"}, "vpcs[0].id: is required"},
		{"quoted value", Problem{File: "f", Path: "p", Value: "a\"b", Reason: "r"}, `f: p: "a\"b" r`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Error(); got != tt.want {
				t.Errorf("got %s; want %s", got, tt.want)
			}
		})
	}
}

func TestProblemLocated(t *testing.T) {
	tests := []struct {
		name string
		p    Problem
		want string
	}{
		{"full", Problem{File: "network.yaml", Path: "resolver_rules[3].target_ips[0].ip", Value: "192.168.1.300",
			Reason: "is not an IPv4 address", Line: 31, Column: 15, Resource: "rr-2"},
			`network.yaml:31:15: resolver_rules[3].target_ips[0].ip (rr-2): "192.168.1.300" is not an IPv4 address`},
		{"no column", Problem{File: "n.yaml", Path: "vpcs[0].foo", Reason: "unknown field", Line: 4},
			"n.yaml:4: vpcs[0].foo: unknown field"},
		{"no line", Problem{File: "n.yaml", Path: "vpcs[0].id", Reason: "is required"}, "n.yaml: vpcs[0].id: is required"},
		{"syntax", Problem{File: "n.yaml", Reason: "a tab character", Line: 2, Column: 1}, "n.yaml:2:1: a tab character"},
		{"no file", Problem{Reason: "a tab character", Line: 2, Column: 1}, "line 2: a tab character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Located(); got != tt.want {
				t.Errorf("got %s; want %s", got, tt.want)
			}
		})
	}
}

func TestProblemsErrorOnePerLine(t *testing.T) {
	ps := Problems{
		{File: "n.yaml", Path: "a", Reason: "is required"},
		{File: "n.yaml", Path: "b", Value: "x", Reason: "is wrong"},
	}
	want := "n.yaml: a: is required\nn.yaml: b: \"x\" is wrong"
	if got := ps.Error(); got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}

func TestParentPath(t *testing.T) {
	tests := map[string]string{
		"vpcs[0].subnets[1].cidr_block":         "vpcs[0].subnets[1]",
		"vpcs[0].subnets[1]":                    "vpcs[0].subnets",
		"vpcs":                                  "",
		`emulation.address_map["10.0.0.1:53"]`:  "emulation.address_map",
		`vpcs[0].tags["a.b[c"]`:                 "vpcs[0].tags",
		"emulation.authoritative_servers[0].id": "emulation.authoritative_servers[0]",
	}
	for in, want := range tests {
		if got := parentPath(in); got != want {
			t.Errorf("parentPath(%q): got %q; want %q", in, got, want)
		}
	}
}
