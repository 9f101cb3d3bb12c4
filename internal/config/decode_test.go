package config

import (
	"strings"
	"testing"
)

func TestDecodeProblems(t *testing.T) {
	type want struct {
		path, value, reason string
		line                int
	}
	tests := []struct {
		name string
		yaml string
		want []want
	}{
		{"unknown top-level field", "vpcz: []\n",
			[]want{{"vpcz", "", `unknown field (did you mean "vpcs"?)`, 1}}},
		{"unknown nested field", `
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    subnets:
      - {id: a, cidr_block: 10.0.1.0/24}
      - {id: b, cidr_blok: 10.0.2.0/24}
`, []want{{"vpcs[0].subnets[1].cidr_blok", "", `unknown field (did you mean "cidr_block"?)`, 7}}},
		{"unknown field without a likely key", "vpcs: [{id: v, colour: blue}]\n",
			[]want{{"vpcs[0].colour", "", "unknown field", 1}}},
		{"same unknown key twice on one line", "vpcs: [{id: a, foo: 1}, {id: b, foo: 2}]\n",
			[]want{{"vpcs[0].foo", "", "unknown field", 1}, {"vpcs[1].foo", "", "unknown field", 1}}},
		{"scalar for a list", "vpcs:\n  - id: v\n    cidr_blocks: 10.0.0.0/16\n",
			[]want{{"vpcs[0].cidr_blocks", "10.0.0.0/16", "must be a list", 3}}},
		{"text for an integer", "network_acls:\n  - id: a\n    entries:\n      - rule_number: one hundred\n",
			[]want{{"network_acls[0].entries[0].rule_number", "one hundred", "must be an integer", 4}}},
		{"text for a bool", "vpcs:\n  - id: v\n    enable_dns_support: maybe\n",
			[]want{{"vpcs[0].enable_dns_support", "maybe", "must be true or false", 3}}},
		{"mapping for a string", "region: {name: us-east-1}\n",
			[]want{{"region", "", "must be a string, not a mapping", 1}}},
		{"list for a mapping", "emulation: [a]\n",
			[]want{{"emulation", "", "must be a mapping, not a list", 1}}},
		{"top level not a mapping", "- a\n- b\n",
			[]want{{"", "", "must be a mapping, not a list", 1}}},
		{"duplicate key", "region: us-east-1\naccount_id: \"111122223333\"\nregion: us-west-2\n",
			[]want{{"region", "", "duplicate key (first at line 1)", 3}}},
		{"several problems at once", "vpcs:\n  - id: v\n    cidr_blocks: x\n    foo: 1\nresolver_rules:\n  - id: r\n    target_ips: [{ip: 1.2.3.4, port: fifty-three}]\n",
			[]want{
				{"vpcs[0].cidr_blocks", "x", "must be a list", 3},
				{"vpcs[0].foo", "", "unknown field", 4},
				{"resolver_rules[0].target_ips[0].port", "fifty-three", "must be an integer", 7},
			}},
		{"map key of a map field", "emulation:\n  address_map:\n    \"1.2.3.4:53\": [x]\n",
			[]want{{`emulation.address_map["1.2.3.4:53"]`, "", "must be a string, not a list", 3}}},
		{"syntax error", "vpcs:\n  - id: v\n   cidr_blocks: [\n",
			[]want{{"", "", "this line is indented by 3 spaces", 3}}},
		{"two documents", "region: us-east-1\n---\nregion: us-west-2\n",
			[]want{{"", "", "one yaml document", 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.yaml), "network.yaml")
			ps := problemsOf(t, err)
			if len(ps) != len(tt.want) {
				t.Fatalf("got %d problems\n%v\nwant %d", len(ps), ps, len(tt.want))
			}
			for i, w := range tt.want {
				p := ps[i]
				if p.Path != w.path || p.Value != w.value || !strings.Contains(p.Reason, w.reason) || p.Line != w.line {
					t.Errorf("problem %d: got %q %q %q line %d; want %q %q containing %q line %d",
						i, p.Path, p.Value, p.Reason, p.Line, w.path, w.value, w.reason, w.line)
				}
				if p.File != "network.yaml" {
					t.Errorf("problem %d: got File %q; want network.yaml", i, p.File)
				}
			}
		})
	}
}

func TestDecodeAccepts(t *testing.T) {
	tests := []struct {
		name string
		yaml string
	}{
		{"empty", ""},
		{"comment only", "# nothing yet\n"},
		{"null document", "~\n"},
		{"leading separator", "---\nregion: us-east-1\n"},
		{"trailing separator", "region: us-east-1\n---\n"},
		{"yaml 1.1 bool", "vpcs: [{id: v, cidr_blocks: [10.0.0.0/16], enable_dns_hostnames: yes}]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Decode([]byte(tt.yaml), "network.yaml")
			if err != nil || f == nil {
				t.Fatalf("got %v, %v; want a File", f, err)
			}
		})
	}
}

// TestDecodeKeepsWhatItCould checks that a file with type problems still
// comes back with its other values, for Parse to go on with.
func TestDecodeKeepsWhatItCould(t *testing.T) {
	f, err := Decode([]byte("region: eu-west-1\nvpcs: [{id: v, cidr_blocks: x}]\n"), "network.yaml")
	problemsOf(t, err)
	if f == nil || f.Region != "eu-west-1" || len(f.VPCs) != 1 || f.VPCs[0].ID != "v" {
		t.Fatalf("got %+v; want region and vpc id decoded", f)
	}
}

// TestParseFiveMistakes checks the testdata file used by the CLI test too:
// five different mistakes, five problems, in file order, with lines.
func TestParseFiveMistakes(t *testing.T) {
	_, _, err := Parse(readTestdata(t, "five-mistakes.yaml"), "five-mistakes.yaml", "testdata")
	ps := problemsOf(t, err)
	want := []struct {
		path, reason string
	}{
		{"vpcs[0].enable_dns_hostname", "unknown field"},
		{"vpcs[0].subnets[1].cidr_block", "is not a CIDR block"},
		{"resolver_rules[0].id", "is already the id of resolver endpoint resolver_endpoints[0]"},
		{"resolver_rules[0].target_ips[1].ip", "is not an IPv4 address"},
		{"resolver_rules[0].vpcs[1]", "is not the id of any vpc"},
	}
	if len(ps) != len(want) {
		t.Fatalf("got %d problems\n%v\nwant %d", len(ps), ps, len(want))
	}
	last := 0
	for i, w := range want {
		if ps[i].Path != w.path || !strings.Contains(ps[i].Reason, w.reason) {
			t.Errorf("problem %d: got %s; want %s: …%s", i, ps[i].Error(), w.path, w.reason)
		}
		if ps[i].Line <= last {
			t.Errorf("problem %d: got line %d; want a line after %d", i, ps[i].Line, last)
		}
		last = ps[i].Line
	}
	if !strings.HasPrefix(ps.Error(), "five-mistakes.yaml: vpcs[0].enable_dns_hostname: unknown field") {
		t.Errorf("got %s; want it to start with the file and the first path", ps.Error())
	}
}

// TestParseLeavesOutFollowOnProblems checks that a value of the wrong type
// is reported once, not again as missing by Validate.
func TestParseLeavesOutFollowOnProblems(t *testing.T) {
	tests := []struct {
		name, yaml, path string
	}{
		{"wrong type", "vpcs:\n  - id: v\n    cidr_blocks: 10.0.0.0/16\n", "vpcs[0].cidr_blocks"},
		{"duplicate key", "vpcs:\n  - id: v\n    id: w\n    cidr_blocks: [10.0.0.0/16]\n", "vpcs[0].id"},
		{"wrong integer", "network_acls:\n  - id: a\n    vpc: v\n    entries:\n      - {rule_number: x, egress: true, protocol: all, cidr: 0.0.0.0/0, action: allow}\nvpcs: [{id: v, cidr_blocks: [10.0.0.0/16]}]\n",
			"network_acls[0].entries[0].rule_number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse([]byte(tt.yaml), "network.yaml", ".")
			ps := problemsOf(t, err)
			if len(ps) != 1 || ps[0].Path != tt.path {
				t.Errorf("got\n%v\nwant one problem at %s", ps, tt.path)
			}
		})
	}
}

// TestParseLines checks that validation problems get the line of their path
// (or of the mapping that lacks the field).
func TestParseLines(t *testing.T) {
	data := "vpcs:\n  - id: v\n    cidr_blocks: [10.0.0.0/16]\n  - id: w\n    region: moon\n"
	_, _, err := Parse([]byte(data), "network.yaml", ".")
	ps := problemsOf(t, err)
	want := map[string]int{"vpcs[1].cidr_blocks": 4, "vpcs[1].region": 5}
	if len(ps) != len(want) {
		t.Fatalf("got\n%v\nwant %d problems", ps, len(want))
	}
	for _, p := range ps {
		if p.Line != want[p.Path] {
			t.Errorf("%s: got line %d; want %d", p.Path, p.Line, want[p.Path])
		}
	}
}
