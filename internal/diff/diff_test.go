package diff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/view"
)

// compile builds the view of the embedded example after the edits, each a
// pair old→new of exact text.
func compile(t *testing.T, edits ...string) *view.View {
	t.Helper()
	y := string(config.ExampleYAML())
	for i := 0; i < len(edits); i += 2 {
		if !strings.Contains(y, edits[i]) {
			t.Fatalf("edit %q: not in the example", edits[i])
		}
		y = strings.Replace(y, edits[i], edits[i+1], 1)
	}
	n, _, err := config.Parse([]byte(y), "network.yaml", ".")
	if err != nil {
		t.Fatal(err)
	}
	v, err := view.Compile(n)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

const newVPC = `vpcs:
  - id: vpc-new
    cidr_blocks: [10.9.0.0/16]
`

// TestCompare covers each kind of change, and edits that change nothing.
func TestCompare(t *testing.T) {
	tests := []struct {
		name     string
		old, new []string // edits of the example
		want     []string // "vpc domain kind old -> new"
		count    int      // when set: the number of changes; want is the first ones
	}{
		{name: "same network"},
		{
			name: "targets reordered is no change",
			new:  []string{"      - {ip: 192.168.10.53, port: 53}\n      - {ip: 192.168.20.53}             # port 53 by default\n", "      - {ip: 192.168.20.53}\n      - {ip: 192.168.10.53}\n"},
		},
		{
			name: "decision: rule no longer associated",
			new:  []string{"      - {ip: 192.168.20.53}             # port 53 by default\n    vpcs: [vpc-app]", "      - {ip: 192.168.20.53}\n    vpcs: []"},
			want: []string{"vpc-app 0.10.in-addr.arpa. decision forward-rule rslvr-rr-onprem-reverse -> autodefined-reverse "},
		},
		{
			name: "decision: rule moved to another domain",
			new:  []string{"domain_name: 0.10.in-addr.arpa", "domain_name: 1.10.in-addr.arpa"},
			want: []string{
				"vpc-app 0.10.in-addr.arpa. decision forward-rule rslvr-rr-onprem-reverse -> autodefined-reverse ",
				"vpc-app 1.10.in-addr.arpa. decision autodefined-reverse  -> forward-rule rslvr-rr-onprem-reverse",
			},
		},
		{
			name: "decision: system rule over a forward",
			new: []string{"private_hosted_zones:\n", `  - id: rslvr-rr-sys
    rule_type: system
    domain_name: db.corp.example
    vpcs: [vpc-app]
private_hosted_zones:
`},
			want: []string{"vpc-app db.corp.example. decision forward-rule rslvr-rr-corp -> internet rslvr-autodefined-rr-internet-resolver via rslvr-rr-sys"},
		},
		{
			name: "decision: dns support off answers nothing",
			new:  []string{"    cidr_blocks: [10.1.0.0/16]\n", "    cidr_blocks: [10.1.0.0/16]\n    enable_dns_support: false\n"},
			// vpc-app loses the reverse zone of its peer (10.1.0.0/16):
			// the peering carries DNS only between VPCs with DNS support.
			want: []string{
				"vpc-app 1.10.in-addr.arpa. decision autodefined-reverse  -> autodefined-reverse ",
				"vpc-shared . decision internet rslvr-autodefined-rr-internet-resolver -> none ",
			},
			count: 30, // and every other candidate domain of vpc-shared
		},
		{
			name: "targets: another server",
			new:  []string{"target_ips: [{ip: 192.168.10.53}]", "target_ips: [{ip: 192.168.20.53}, {ip: 192.168.30.53}]"},
			want: []string{"vpc-app corp.example. targets forward-rule rslvr-rr-corp -> forward-rule rslvr-rr-corp"},
		},
		{
			name: "path: the vpn goes down",
			new:  []string{"state: up", "state: down"},
			want: []string{
				"vpc-app 0.10.in-addr.arpa. path forward-rule rslvr-rr-onprem-reverse -> forward-rule rslvr-rr-onprem-reverse",
				"vpc-app corp.example. path forward-rule rslvr-rr-corp -> forward-rule rslvr-rr-corp",
			},
		},
		{
			name: "vpc added",
			new:  []string{"vpcs:\n", newVPC},
			want: []string{"vpc-new  vpc-added"},
		},
		{
			name: "vpc removed",
			old:  []string{"vpcs:\n", newVPC},
			want: []string{"vpc-new  vpc-removed"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Compare(compile(t, tt.old...), compile(t, tt.new...), "old.yaml", "new.yaml")
			var got []string
			for _, c := range r.Changes {
				got = append(got, summary(c))
			}
			if tt.count > 0 {
				if len(got) != tt.count {
					t.Errorf("%d changes, want %d:\n%s", len(got), tt.count, strings.Join(got, "\n"))
				}
				got = got[:min(len(got), len(tt.want))]
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if r.Changed() != (len(tt.want) > 0) {
				t.Errorf("Changed() = %v with %d changes", r.Changed(), len(tt.want))
			}
		})
	}
}

func summary(c Change) string {
	s := fmt.Sprintf("%s %s %s", c.VPC, c.Domain, c.Kind)
	if c.Old != nil && c.New != nil {
		s += fmt.Sprintf(" %s %s -> %s %s", c.Old.Source, c.Old.ID, c.New.Source, c.New.ID)
		if c.New.Via != "" {
			s += " via " + c.New.Via
		}
	}
	return s
}
