package firewall_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/firewall"
	"github.com/vpcdns/vpcdns/internal/view"
)

// millionNetwork writes four domain lists of 250,000 entries each (a tenth
// wildcards) and a network that blocks them all in one VPC.
func millionNetwork(tb testing.TB, total int) (string, string) {
	tb.Helper()
	dir := tb.TempDir()
	const lists = 4
	text := "vpcs: [{id: vpc-a, cidr_blocks: [10.0.0.0/16]}]\nfirewall_domain_lists:\n"
	rules := ""
	for l := range lists {
		name := fmt.Sprintf("list%d.txt", l)
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			tb.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		for i := range total / lists {
			if i%10 == 0 {
				fmt.Fprintf(w, "*.w%d.l%d.blocked.example\n", i, l)
			} else {
				fmt.Fprintf(w, "d%d.l%d.blocked.example\n", i, l)
			}
		}
		if err := w.Flush(); err != nil {
			tb.Fatal(err)
		}
		f.Close()
		text += fmt.Sprintf("  - {id: fdl-%d, domains_file: %s}\n", l, name)
		rules += fmt.Sprintf("      - {name: r%d, priority: %d, firewall_domain_list: fdl-%d, action: BLOCK, block_response: NXDOMAIN}\n", l, l+1, l)
	}
	text += "firewall_rule_groups:\n  - id: frg\n    rules:\n" + rules +
		"firewall_rule_group_associations:\n  - {firewall_rule_group: frg, vpc: vpc-a, priority: 101}\n"
	return text, dir
}

// BenchmarkLoadMillion is the load of a network whose domain lists hold
// 1,000,000 domains in total: parse, validate, compile the view.
//
//	go test -run '^$' -bench LoadMillion -benchtime 3x ./internal/firewall
func BenchmarkLoadMillion(b *testing.B) {
	text, dir := millionNetwork(b, 1_000_000)
	cpu0 := cpuTime()
	for b.Loop() {
		n, _, err := config.Parse([]byte(text), "network.yaml", dir)
		if err != nil {
			b.Fatal(err)
		}
		v, err := view.Compile(n)
		if err != nil {
			b.Fatal(err)
		}
		if v.Firewall.Domains != 1_000_000 {
			b.Fatalf("%d domains in the table", v.Firewall.Domains)
		}
	}
	// CPU time of the process (GC included) per load: the wall time of a
	// loaded machine says more about its other tenants.
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkEvaluate is the firewall's cost for one query name with a
// 100,000-domain list: a name in no list (the usual query), a name in the
// list, and one under a wildcard.
//
//	go test -run '^$' -bench Evaluate ./internal/firewall
func BenchmarkEvaluate(b *testing.B) {
	text, dir := millionNetwork(b, 100_000)
	n, _, err := config.Parse([]byte(text), "network.yaml", dir)
	if err != nil {
		b.Fatal(err)
	}
	v := firewall.Compile(n).VPC(n.VPCByID("vpc-a"))
	for _, tt := range []struct{ name, qname, acted string }{
		{"miss", "www.example.com.", ""},
		{"exact", "d5.l2.blocked.example.", "r2"},
		{"wildcard", "a.b.w10.l3.blocked.example.", "r3"},
	} {
		q := dnsname.MustParse(tt.qname)
		d := v.Evaluate(q, dns.TypeA, false)
		if (d.Acted == nil) != (tt.acted == "") || (d.Acted != nil && d.Acted.Config.Name != tt.acted) {
			b.Fatalf("%s: acted %v, want %q", tt.qname, d.Acted, tt.acted)
		}
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				v.Evaluate(q, dns.TypeA, false)
			}
		})
	}
}
