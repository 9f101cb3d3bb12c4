package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpcdns/vpcdns/internal/config"
)

const samplePerf = `DNS Performance Testing Tool
Version 2.10.0

[Status] Command line: dnsperf -s 127.0.0.1 -p 5353 -d /tmp/q.txt -n 2 -v
[Status] Sending queries (to 127.0.0.1:5353)
> NOERROR db.internal.example A 0.000295
> NOERROR www.internal.example A 0.000200
> SERVFAIL db.internal.example A 0.000239
> NOERROR www.internal.example A 0.000168
[Status] Testing complete (end of file)

Statistics:

  Queries sent:         5
  Queries completed:    4 (80.00%)
  Queries lost:         1 (20.00%)

  Response codes:       NOERROR 3 (75.00%), SERVFAIL 1 (25.00%)
  Average packet size:  request 37, response 99
  Run time (s):         0.001823
  Queries per second:   2194.185409

  Average Latency (s):  0.000225 (min 0.000168, max 0.000295)
  Latency StdDev (s):   0.000055

`

func TestParsePerf(t *testing.T) {
	res, summary, err := parsePerf(strings.NewReader(samplePerf), true)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 5 || res.Completed != 4 || res.Lost != 1 {
		t.Errorf("sent/completed/lost = %d/%d/%d, want 5/4/1", res.Sent, res.Completed, res.Lost)
	}
	if res.QPS != 2194.185409 || res.RunTime != 0.001823 || res.AvgLatSec != 0.000225 {
		t.Errorf("qps %v run time %v avg latency %v", res.QPS, res.RunTime, res.AvgLatSec)
	}
	if res.Rcodes["NOERROR"] != 3 || res.Rcodes["SERVFAIL"] != 1 {
		t.Errorf("rcodes %v", res.Rcodes)
	}
	if got := res.noerrorShare(); got != 0.75 {
		t.Errorf("NOERROR share %v, want 0.75", got)
	}
	if len(res.latencies) != 4 {
		t.Fatalf("latencies %v", res.latencies)
	}
	p50, p99, p999 := res.latencyPercentiles()
	if p50 != 0.000200 || p99 != 0.000295 || p999 != 0.000295 {
		t.Errorf("p50 %v p99 %v p99.9 %v", p50, p99, p999)
	}
	if !strings.HasPrefix(summary, "Statistics:") {
		t.Errorf("summary %q", summary)
	}
	if _, _, err := parsePerf(strings.NewReader("Error: could not open file\n"), false); err == nil {
		t.Error("output without statistics: want an error")
	}
}

func TestPercentile(t *testing.T) {
	v := make([]float64, 100)
	for i := range v {
		v[i] = float64(i + 1)
	}
	for _, c := range []struct{ p, want float64 }{{50, 50}, {99, 99}, {100, 100}, {1, 1}} {
		if got := percentile(v, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if percentile(nil, 50) != 0 {
		t.Error("percentile of nothing")
	}
}

func TestFlags(t *testing.T) {
	var errs bytes.Buffer
	o, err := parseFlags([]string{"-quick", "-workloads", "w4,W1", "-servers", "unbound,vpcdns"}, &errs)
	if err != nil {
		t.Fatal(err)
	}
	if o.duration != 2*time.Second || o.rate != 5000 {
		t.Errorf("quick: duration %v rate %d", o.duration, o.rate)
	}
	if strings.Join(o.workloads, ",") != "W1,W4" || strings.Join(o.servers, ",") != "vpcdns,unbound" {
		t.Errorf("workloads %v servers %v", o.workloads, o.servers)
	}
	for _, bad := range [][]string{{"-workloads", "W9"}, {"-servers", "bind"}, {"-rate", "1"}, {"extra"}} {
		if _, err := parseFlags(bad, &errs); err == nil {
			t.Errorf("%v: want an error", bad)
		}
	}
}

// The vpcdns configuration must be a valid network.yaml, with and without
// the W5 rules.
func TestVPCDNSConfigLoads(t *testing.T) {
	for _, rules := range []int{0, 1000} {
		dir := t.TempDir()
		path, err := writeVPCDNSConfig(serverConfig{dir: dir, port: 5399, bindPort: 5398, rules: rules})
		if err != nil {
			t.Fatal(err)
		}
		n, _, err := config.Load(path)
		if err != nil {
			t.Fatalf("rules %d: %v", rules, err)
		}
		if got, want := len(n.Rules), rules+2; got < want {
			t.Errorf("rules %d: network has %d rules, want at least %d", rules, got, want)
		}
	}
}

// unbound-checkconf and named-checkconf accept the configurations when they
// are installed.
func TestUnboundAndBINDConfigsCheck(t *testing.T) {
	dir := t.TempDir()
	if bin := lookTool("unbound-checkconf"); bin != "" {
		path, err := writeUnboundConfig(serverConfig{dir: dir, port: 5399, bindPort: 5398, rules: 10})
		if err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(bin, path).CombinedOutput(); err != nil {
			t.Errorf("unbound-checkconf: %v\n%s", err, out)
		}
	} else {
		t.Log("no unbound-checkconf: Unbound's configuration not checked")
	}
	if bin := lookTool("named-checkconf"); bin != "" {
		path, err := writeBINDConfig(dir, 5398)
		if err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(bin, "-z", path).CombinedOutput(); err != nil {
			t.Errorf("named-checkconf -z: %v\n%s", err, out)
		}
	} else {
		t.Log("no named-checkconf: BIND's configuration not checked")
	}
}

// TestQuickRun runs the whole harness on W1 with vpcdns only, 1 s per
// measurement: a smoke test of the command, not a performance check (the
// figures need only be plausible). It needs dnsperf (in CI it must be
// there; .ci/run installs it) and builds vpcdns, so it is skipped with
// -short. It takes about 5 s plus the build.
func TestQuickRun(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not running the benchmark harness")
	}
	if lookTool("dnsperf") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("dnsperf is not installed; in CI it must be (apt-get install dnsperf)")
		}
		t.Skip("dnsperf is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	out := filepath.Join(t.TempDir(), "smoke")
	o, err := parseFlags([]string{"-quick", "-duration", "1s", "-workloads", "W1", "-servers", "vpcdns",
		// A light load: other packages' tests may be running beside this one.
		"-clients", "4", "-threads", "1", "-outstanding", "20", "-rate", "2000",
		"-no-install", "-out", out}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	o.stdout, o.stderr = &stdout, &stderr
	rep, err := run(ctx, o)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "| W1 | vpcdns") {
		t.Errorf("no W1 vpcdns row in the table:\n%s", stdout.String())
	}
	for _, ext := range []string{".md", ".json"} {
		if _, err := os.Stat(out + ext); err != nil {
			t.Error(err)
		}
	}
	if len(rep.Results) != 1 {
		t.Fatalf("results %+v", rep.Results)
	}
	m := rep.Results[0]
	if m.SatQPS <= 0 || m.CPUus <= 0 || m.P50us <= 0 || m.P99us < m.P50us || m.PeakRSS <= 0 || m.Noerror < 0.99 {
		t.Errorf("implausible figures: %+v", m)
	}
}

func TestRatiosAndRender(t *testing.T) {
	r := &report{
		Settings: settings{Rate: 10000, Workloads: []string{"W1"}, Duration: "10s", Repeat: 1},
		Results: []measurement{
			{Workload: "W1", Server: "vpcdns", Rate: 10000, RateAchieved: 10000, SatQPS: 50000, CPUus: 30, Noerror: 1, SatNoerror: 1, Sent: 100000, SatSent: 500000},
			{Workload: "W1", Server: "unbound", Rate: 10000, RateAchieved: 10000, SatQPS: 100000, CPUus: 10, Noerror: 1, SatNoerror: 1, Sent: 100000, SatSent: 900000},
		},
	}
	r.addRatios()
	if v := r.Results[0]; v.CPURatio != 3 || v.QPSRatio != 0.5 {
		t.Errorf("ratios %v %v, want 3 and 0.5", v.CPURatio, v.QPSRatio)
	}
	path := filepath.Join(t.TempDir(), "r")
	if err := r.write(path, r.markdown()); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := render(path+".json", &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "| W1 | vpcdns | 50000 | 0.0 | 30.0 |") || !strings.Contains(out.String(), "| 3.00 | 0.50 |") {
		t.Errorf("table:\n%s", out.String())
	}
	if strings.Contains(out.String(), "[1]") {
		t.Errorf("a note without cause:\n%s", out.String())
	}
}

// TestHerdQueries: W7 asks each new name herdSize times in a row, and no
// name of one file is in another (tags differ).
func TestHerdQueries(t *testing.T) {
	qs := genHerd(nil, 100, "t1")
	if len(qs) < 100 || len(qs)%herdSize != 0 {
		t.Fatalf("%d queries", len(qs))
	}
	for i := 0; i < len(qs); i += herdSize {
		for j := i; j < i+herdSize; j++ {
			if qs[j] != qs[i] {
				t.Fatalf("query %d is %v, want %v", j, qs[j], qs[i])
			}
		}
		if i > 0 && qs[i] == qs[i-1] {
			t.Fatalf("name %v asked more than %d times in a row", qs[i], herdSize)
		}
	}
	if other := genHerd(nil, 100, "t2"); other[0] == qs[0] {
		t.Errorf("two tags, same name %v", qs[0])
	}
}

// TestTCPArgs: a TCP workload makes dnsperf use TCP.
func TestTCPArgs(t *testing.T) {
	a := strings.Join(perfRun{port: 53, file: "f", duration: time.Second, clients: 1, threads: 1, outstanding: 1, tcp: workloadByID("W6").tcp}.args(), " ")
	if !strings.Contains(a, "-m tcp") || !strings.Contains(a, "-s 127.0.0.1") {
		t.Errorf("dnsperf args %q", a)
	}
}
