package diff

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/view"
)

var writeDir = flag.String("write", "", "write the large networks of the benchmarks to `DIR` as old.json and new.json (to time vpcdns diff on them)")

// largeNetwork is the example network with a third VPC and rules forward
// rules zNNNNNN.fwd.example, each associated with the three VPCs. With
// changed, every 100th rule has another target and every 1,000th is no
// longer associated with vpc-dev: rules/100 targets and rules/1000
// decisions change.
func largeNetwork(tb testing.TB, rules int, changed bool) []byte {
	tb.Helper()
	f, err := config.Decode(config.ExampleYAML(), "example")
	if err != nil {
		tb.Fatal(err)
	}
	yes := true
	f.VPCs = append(f.VPCs, config.VPCFile{ID: "vpc-dev", CIDRBlocks: []string{"10.2.0.0/16"}, EnableDNSHostnames: &yes})
	for i := range rules {
		r := config.RuleFile{
			ID: fmt.Sprintf("rslvr-rr-%06d", i), RuleType: "forward", DomainName: fmt.Sprintf("z%06d.fwd.example", i),
			ResolverEndpoint: "rslvr-out-onprem",
			TargetIPs:        []config.TargetIPFile{{IP: "192.168.10.53"}},
			VPCs:             []string{"vpc-app", "vpc-shared", "vpc-dev"},
		}
		if changed && i%100 == 0 {
			r.TargetIPs[0].IP = "192.168.20.53"
		}
		if changed && i%1000 == 1 {
			r.VPCs = r.VPCs[:2]
		}
		f.Rules = append(f.Rules, r)
	}
	data, err := json.Marshal(f)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func compileData(tb testing.TB, data []byte) *view.View {
	tb.Helper()
	n, _, err := config.Parse(data, "network.json", ".")
	if err != nil {
		tb.Fatal(err)
	}
	v, err := view.Compile(n)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// TestLargeNetwork checks the generator's promise on a small scale, so the
// benchmark measures the diff it claims to.
func TestLargeNetwork(t *testing.T) {
	r := Compare(compileData(t, largeNetwork(t, 2000, false)), compileData(t, largeNetwork(t, 2000, true)), "old", "new")
	count := map[string]int{}
	for _, c := range r.Changes {
		count[c.Kind]++
	}
	if count[KindTargets] != 3*20 || count[KindDecision] != 2 || len(r.Changes) != 62 {
		t.Errorf("changes by kind %v, %d in all; want 60 targets (20 rules × 3 VPCs), 2 decisions", count, len(r.Changes))
	}
}

// BenchmarkCompare compares two compiled networks of 100,000 rules × 3
// VPCs (300,000 decisions on each side); the load and the compile, which
// vpcdns diff also pays, are outside the timer.
func BenchmarkCompare(b *testing.B) {
	const rules = 100_000
	oldData, newData := largeNetwork(b, rules, false), largeNetwork(b, rules, true)
	if *writeDir != "" {
		for name, d := range map[string][]byte{"old.json": oldData, "new.json": newData} {
			if err := os.WriteFile(filepath.Join(*writeDir, name), d, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	old, new := compileData(b, oldData), compileData(b, newData)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := Compare(old, new, "old", "new")
		if len(r.Changes) != 3*rules/100+rules/1000 {
			b.Fatalf("%d changes", len(r.Changes))
		}
	}
}
