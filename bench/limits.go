package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The ENIs of the limit proof: two mapped source addresses, and one that is
// not mapped (not limited).
const (
	hotENI   = "eni-0aaaaaaaaaaaaaaaa"
	otherENI = "eni-0bbbbbbbbbbbbbbbb"
)

// runLimits proves vpcdns's emulation of AWS's 1,024 packets per second
// per ENI to the VPC resolver (docs/limits.md) with dnsperf sending from
// mapped loopback addresses (-a): one ENI at 2,000 q/s gets about 1,024
// answers a second and the drop counter equals dnsperf's lost queries;
// two ENIs at 900 q/s each and an unmapped source at 2,000 q/s lose nothing.
func runLimits(ctx context.Context, o options) error {
	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	if err := ensureTools(ctx, options{servers: []string{"vpcdns"}, install: o.install}, o.stderr); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "vpcdns-limits-")
	if err != nil {
		return err
	}
	r := &runner{o: o, root: root, tmp: tmp, dnsperf: lookTool("dnsperf")}
	defer func() {
		r.stopAll()
		if o.keep {
			fmt.Fprintf(o.stderr, "kept %s\n", tmp)
		} else {
			os.RemoveAll(tmp)
		}
	}()
	if err := r.buildVPCDNS(ctx); err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	mport, err := freePort()
	if err != nil {
		return err
	}
	netPath := filepath.Join(tmp, "network.yaml")
	if err := os.WriteFile(netPath, []byte(limitsNetwork(port)), 0o644); err != nil {
		return err
	}
	queries := filepath.Join(tmp, "queries.txt")
	if err := writeFile(queries, func(w *bufio.Writer) {
		for i := range phzNames {
			fmt.Fprintf(w, "%s A\n", phzHost(i))
		}
	}); err != nil {
		return err
	}
	metricsAddr := "127.0.0.1:" + strconv.Itoa(mport)
	p, err := startProc("vpcdns", port, tmp, r.vpcdns, "serve", "-c", netPath, "--metrics-listen", metricsAddr)
	if err != nil {
		return err
	}
	r.track(p)
	if _, err := p.waitReady(ctx, query{name: phzHost(0), qtype: 1}, 10*time.Second); err != nil {
		return err
	}
	d := o.duration
	perf := func(local string, rate int) perfRun {
		return perfRun{port: port, file: queries, duration: d, rate: rate, clients: 4, threads: 1,
			outstanding: 3 * rate, local: local, timeout: 2}
	}
	w := o.stdout
	fmt.Fprintf(w, "## AWS's per-ENI limit, emulated (dnsperf -a, %v per run, limit %d packets/s)\n\n", d, 1024)

	// 1. One mapped ENI at 2,000 q/s.
	before, err := dropsByENI(ctx, metricsAddr)
	if err != nil {
		return err
	}
	res, err := runPerf(ctx, r.dnsperf, perf("127.0.0.11", 2000))
	if err != nil {
		return err
	}
	after, err := dropsByENI(ctx, metricsAddr)
	if err != nil {
		return err
	}
	drops := after[hotENI] - before[hotENI]
	answered := float64(res.Completed) / res.RunTime
	fmt.Fprintf(w, "1. `dnsperf -a 127.0.0.11 -Q 2000` (%s): sent %d, answered %d (%.0f/s), lost %d; "+
		"vpcdns_eni_resolver_pps_limit_drops_total{eni=%q} rose by %.0f (%.2f%% of the lost)\n",
		hotENI, res.Sent, res.Completed, answered, res.Lost, hotENI, drops, 100*drops/float64(max(res.Lost, 1)))
	var problems []string
	if answered < 1024*0.95 || answered > 1024*1.10 {
		problems = append(problems, fmt.Sprintf("answered %.0f/s, want about 1024", answered))
	}
	if lost := float64(res.Lost); drops < lost*0.98 || drops > lost*1.02 {
		problems = append(problems, fmt.Sprintf("counter %.0f is not the %d lost ±2%%", drops, res.Lost))
	}

	// 2. Two ENIs at 900 q/s each and an unmapped source at 2,000 q/s, at once.
	time.Sleep(time.Second)
	before, err = dropsByENI(ctx, metricsAddr)
	if err != nil {
		return err
	}
	runs := []struct {
		label string
		run   perfRun
	}{
		{"127.0.0.11 (" + hotENI + ") -Q 900", perf("127.0.0.11", 900)},
		{"127.0.0.12 (" + otherENI + ") -Q 900", perf("127.0.0.12", 900)},
		{"127.0.0.1 (unmapped) -Q 2000", perf("127.0.0.1", 2000)},
	}
	results := make([]perfResult, len(runs))
	errs := make([]error, len(runs))
	var wg sync.WaitGroup
	for i := range runs {
		wg.Go(func() { results[i], errs[i] = runPerf(ctx, r.dnsperf, runs[i].run) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	after, err = dropsByENI(ctx, metricsAddr)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "2. at once:\n")
	for i, x := range runs {
		res := results[i]
		fmt.Fprintf(w, "   - `dnsperf -a %s`: sent %d, answered %d (%.0f/s), lost %d\n", x.label, res.Sent, res.Completed, float64(res.Completed)/res.RunTime, res.Lost)
		if res.Lost > 0 {
			problems = append(problems, fmt.Sprintf("%s lost %d", x.label, res.Lost))
		}
	}
	var dropped float64
	for eni, v := range after {
		dropped += v - before[eni]
	}
	fmt.Fprintf(w, "   - drops counted: %.0f\n\n", dropped)
	if dropped != 0 {
		problems = append(problems, fmt.Sprintf("%.0f drops under the limit", dropped))
	}
	if len(problems) > 0 {
		return fmt.Errorf("the limit proof failed: %s", strings.Join(problems, "; "))
	}
	fmt.Fprintln(w, "The limit holds: one ENI over it gets the limit, the counter equals the drops, ENIs under it and unmapped sources lose nothing.")
	return nil
}

// limitsNetwork is the bench VPC's private hosted zone answered on
// 127.0.0.1:port, with two mapped ENIs.
func limitsNetwork(port int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `# vpcdns bench -limits: AWS's per-ENI limit (docs/limits.md).
vpcs:
  - id: vpc-bench
    cidr_blocks: [%s]
    enable_dns_hostnames: true
    resolver_listen: ["127.0.0.1:%d"]
private_hosted_zones:
  - name: %s
    vpcs: [vpc-bench]
    records:
`, vpcCIDR, port, phzName)
	for i := range phzNames {
		fmt.Fprintf(&b, "      - {name: %s, type: A, ttl: %d, values: [%s]}\n", phzHost(i), recordTTL, phzAddr(i))
	}
	fmt.Fprintf(&b, `emulation:
  source_map:
    "127.0.0.11": %s
    "127.0.0.12": %s
`, hotENI, otherENI)
	return b.String()
}

// dropsByENI reads vpcdns_eni_resolver_pps_limit_drops_total per eni from
// the metrics endpoint.
func dropsByENI(ctx context.Context, addr string) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read metrics: %w", err)
	}
	defer resp.Body.Close()
	return parseDrops(resp.Body)
}

func parseDrops(r io.Reader) (map[string]float64, error) {
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	const prefix = `vpcdns_eni_resolver_pps_limit_drops_total{eni="`
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, prefix)
		if !ok {
			continue
		}
		eni, val, ok := strings.Cut(rest, `"} `)
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			return nil, fmt.Errorf("metrics line %q: %w", line, err)
		}
		out[eni] = v
	}
	return out, sc.Err()
}
