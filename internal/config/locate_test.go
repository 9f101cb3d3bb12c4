package config

import (
	"fmt"
	"strings"
	"testing"
)

// TestSyntaxProblems checks that a yaml syntax error names the line the
// user must edit (not where the parser's mapping or list began), its
// column, and says what is wrong in plain words.
func TestSyntaxProblems(t *testing.T) {
	var long strings.Builder
	long.WriteString("vpcs:\n")
	for i := range 300 {
		long.WriteString(fmt.Sprintf("  - id: vpc-%d\n    cidr_blocks: [10.%d.0.0/16]\n", i, i%250))
		if i == 200 {
			long.WriteString(" enable_dns_support: true\n") // line 404
		}
	}
	tests := []struct {
		name      string
		yaml      string
		line, col int
		reason    string
	}{
		{"dedented key", "vpcs:\n  - id: v\n    subnets:\n      - id: s\n        cidr_block: 10.0.1.0/24\n      availability_zone: us-east-1a\n",
			6, 7, "this line is indented by 6 spaces, but the keys it can line up with are at 8 spaces (line 5) or 4 spaces (line 3)"},
		{"key indented too deep", "vpcs:\n  - id: v\n    cidr_blocks: [10.0.0.0/16]\n      enable_dns_support: true\n",
			4, 7, "this line is indented by 6 spaces, but the keys it can line up with are at 4 spaces (line 3):"},
		{"dedented list item", "vpcs:\n  - id: v\n    subnets:\n      - id: s\n     - id: t\n", 5, 6, "this line is indented by 5 spaces (line 4 is indented by 6 spaces)"},
		{"tab", "vpcs:\n  - id: v\n\tcidr_blocks: []\n", 3, 1, "a tab character"},
		{"unclosed quote", "region: \"us-east-1\nvpcs: []\n", 1, 9,
			"a quote opened on this line is never closed"},
		{"unclosed quote further down", "region: us-east-1\nvpcs:\n  - id: 'v\n    cidr_blocks: []\n", 3, 9, "a quote opened on this line is never closed"},
		{"unclosed list", "vpcs:\n  - id: v\n    cidr_blocks: [10.0.0.0/16\n    enable_dns_support: true\n", 3, 18, "a [ ] list opened on this line is not closed"},
		{"unclosed mapping", "vpcs:\n  - {id: v, cidr_blocks: []\n", 2, 5, "a { } mapping opened on this line is not closed"},
		{"unknown anchor", "region: us-east-1\nvpcs: *nope\n", 2, 7, "an alias (*name) of an anchor (&name) that is not defined"},
		{"second document broken", "region: us-east-1\n---\nregion: [\n", 3, 1, ""},
		{"far from the start of its list", long.String(), 404, 2, "this line is indented by 1 space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.yaml), "network.yaml")
			ps := problemsOf(t, err)
			if len(ps) != 1 {
				t.Fatalf("got %d problems\n%v\nwant 1", len(ps), ps)
			}
			p := ps[0]
			if p.Line != tt.line || p.Column != tt.col || !strings.Contains(p.Reason, tt.reason) || !strings.Contains(p.Reason, "(yaml: ") {
				t.Errorf("got %s\nwant line %d column %d, reason containing %q and the parser's words", p.Located(), tt.line, tt.col, tt.reason)
			}
		})
	}
}

// TestParseOneMistakeOneProblem checks that one mistake is reported once,
// at its line, and not again by every check that follows from it.
func TestParseOneMistakeOneProblem(t *testing.T) {
	example := string(ExampleYAML())
	tests := []struct {
		name, old, new string
		want           []string // Located() of each problem, in order
	}{
		{"duplicate id", "  - id: vpc-app\n", "  - id: vpc-app\n    id: vpc-x\n",
			[]string{"n.yaml:35:5: vpcs[0].id (vpc-app): duplicate key (first at line 34)"}},
		{"typo of id", "  - id: vpc-app\n", "  - idd: vpc-app\n",
			[]string{`n.yaml:34:5: vpcs[0].idd: unknown field (did you mean "id"?)`}},
		{"typo of a required field", "        cidr_block: 10.0.1.0/24\n", "        cidr_blok: 10.0.1.0/24\n",
			[]string{`n.yaml:44:9: vpcs[0].subnets[0].cidr_blok (subnet-app-a): unknown field (did you mean "cidr_block"?)`}},
		{"id of the wrong type", "  - id: vpc-app\n", "  - id: [vpc-app]\n",
			[]string{"n.yaml:34:9: vpcs[0].id: must be a string, not a list"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := strings.Replace(example, tt.old, tt.new, 1)
			if data == example {
				t.Fatalf("%q is not in the example", tt.old)
			}
			_, _, err := Parse([]byte(data), "n.yaml", "example")
			ps := problemsOf(t, err)
			var got []string
			for _, p := range ps {
				got = append(got, p.Located())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestParseRealCauseFirst checks that a missing field of a mapping with an
// unknown key comes after the unknown key, though the mapping starts
// earlier.
func TestParseRealCauseFirst(t *testing.T) {
	data := "vpcs:\n  - id: v\n    cidr_blocks: [10.0.0.0/16]\nresolver_endpoints:\n  - id: e\n    direction: outbound\n    ip_adresses: []\n"
	_, _, err := Parse([]byte(data), "n.yaml", ".")
	ps := problemsOf(t, err)
	if len(ps) != 2 || ps[0].Path != "resolver_endpoints[0].ip_adresses" || ps[1].Path != "resolver_endpoints[0].vpc" {
		t.Fatalf("got\n%v\nwant the unknown field, then the missing vpc (and nothing about ip_addresses)", ps)
	}
	if ps[1].Line != 7 || ps[1].Resource != "e" {
		t.Errorf("got %s; want line 7 and resource e", ps[1].Located())
	}
}

// TestParseResourceAndColumn checks the position and resource of value
// problems: the column of the value, the id of the nearest list item that
// has one (a zone's or record's name otherwise), none for the id itself.
func TestParseResourceAndColumn(t *testing.T) {
	data := `vpcs:
  - id: v
    cidr_blocks: [10.0.0.0/16]
    subnets:
      - {id: s, cidr_block: 10.0.1.0/33}
private_hosted_zones:
  - name: internal.example
    vpcs: [v]
    records:
      - {name: www.internal.example, type: A, values: [10.0.1.300]}
resolver_rules:
  - {id: v, rule_type: system, domain_name: x.example}
`
	_, _, err := Parse([]byte(data), "n.yaml", ".")
	ps := problemsOf(t, err)
	want := map[string]string{
		"vpcs[0].subnets[0].cidr_block":                `n.yaml:5:29: vpcs[0].subnets[0].cidr_block (s): "10.0.1.0/33"`,
		"private_hosted_zones[0].records[0].values[0]": `n.yaml:10:56: private_hosted_zones[0].records[0].values[0] (www.internal.example): "10.0.1.300"`,
		"resolver_rules[0].id":                         `n.yaml:12:10: resolver_rules[0].id: "v"`,
	}
	for _, p := range ps {
		w, ok := want[p.Path]
		if !ok {
			continue
		}
		delete(want, p.Path)
		if !strings.HasPrefix(p.Located(), w) {
			t.Errorf("got %s; want it to start with %s", p.Located(), w)
		}
	}
	for path := range want {
		t.Errorf("no problem at %s in\n%v", path, ps)
	}
}
