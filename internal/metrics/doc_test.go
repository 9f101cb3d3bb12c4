package metrics

import (
	"os"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestEveryMetricDocumented checks that docs/metrics.md has a row for
// every metric vpcdns registers, with its labels, so the page cannot fall
// behind the code.
func TestEveryMetricDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/metrics.md")
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	m := New(reg)
	// A vector shows up once it has a child.
	m.Query("vpc-a", "internet", "NOERROR")
	m.ForwardAttempt("r", "192.0.2.1:53", "timeout", 0, true)
	m.ForwardFailovers.WithLabelValues("r").Inc()
	m.Drop(DropMalformed)
	m.ENIDropCounter("eni-a").Inc()
	m.EndpointIPDropCounter("rslvr-out", "10.0.1.10", "outbound").Inc()
	m.FirewallMatch("vpc-a", "rslvr-frg-1", "BLOCK")
	m.FirewallFailure("vpc-a", true)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if len(families) < 12 {
		t.Fatalf("gathered %d metric families; want every one", len(families))
	}
	for _, f := range families {
		if strings.HasPrefix(f.GetName(), "go_") || strings.HasPrefix(f.GetName(), "process_") {
			continue // the runtime's and the process's, documented as a group
		}
		row := ""
		for _, line := range strings.Split(string(doc), "\n") {
			if strings.HasPrefix(line, "| `"+f.GetName()+"` |") {
				row = line
			}
		}
		if row == "" {
			t.Errorf("docs/metrics.md has no row for %s", f.GetName())
			continue
		}
		for _, l := range f.GetMetric()[0].GetLabel() {
			if !strings.Contains(row, "`"+l.GetName()+"`") {
				t.Errorf("docs/metrics.md: the row of %s does not name its label %s", f.GetName(), l.GetName())
			}
		}
	}
}
