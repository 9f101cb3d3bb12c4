package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// perfRun is one dnsperf invocation.
type perfRun struct {
	port        int
	file        string
	duration    time.Duration
	once        bool // -n 1: stop at the end of the file (unique names)
	rate        int  // -Q; 0 = as fast as the server answers
	clients     int
	threads     int
	outstanding int
	verbose     bool   // -v: one line per answer with its latency
	tcp         bool   // -m tcp
	local       string // -a: the local address to send from ("" = the kernel's choice)
	timeout     int    // -t in seconds [2]
}

// perfResult is what dnsperf reported.
type perfResult struct {
	Sent      int64            `json:"sent"`
	Completed int64            `json:"completed"`
	Lost      int64            `json:"lost"`
	Rcodes    map[string]int64 `json:"rcodes"`
	RunTime   float64          `json:"run_time_s"`
	QPS       float64          `json:"qps"`
	AvgLatSec float64          `json:"avg_latency_s"`
	// latencies of the answered queries, in seconds (verbose runs only).
	latencies []float64
}

// args are dnsperf's command line for r. Queries go to 127.0.0.1 only.
func (r perfRun) args() []string {
	a := []string{
		"-s", "127.0.0.1", "-p", strconv.Itoa(r.port),
		"-d", r.file,
		"-l", strconv.FormatFloat(r.duration.Seconds(), 'f', 3, 64),
		"-c", strconv.Itoa(r.clients),
		"-T", strconv.Itoa(r.threads),
		"-q", strconv.Itoa(r.outstanding),
		"-t", strconv.Itoa(max(r.timeout, 2)),
	}
	if r.local != "" {
		a = append(a, "-a", r.local)
	}
	if r.once {
		a = append(a, "-n", "1")
	}
	if r.rate > 0 {
		a = append(a, "-Q", strconv.Itoa(r.rate))
	}
	if r.verbose {
		a = append(a, "-v")
	}
	if r.tcp {
		a = append(a, "-m", "tcp")
	}
	return a
}

// maxLatencies bounds the latencies kept from one run (8 bytes each).
const maxLatencies = 10_000_000

// runPerf runs dnsperf and parses its summary (and, verbose, every answer's
// latency). It is bounded by the run's duration plus a grace period.
func runPerf(ctx context.Context, bin string, r perfRun) (perfResult, error) {
	ctx, cancel := context.WithTimeout(ctx, r.duration+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, r.args()...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return perfResult{}, err
	}
	stderr := &tailBuffer{max: 16 << 10}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return perfResult{}, fmt.Errorf("start dnsperf: %w", err)
	}
	res, summary, perr := parsePerf(stdout, r.verbose)
	_, _ = io.Copy(io.Discard, stdout)
	werr := cmd.Wait()
	if werr != nil || perr != nil {
		return res, fmt.Errorf("dnsperf %s: %v %v\n%s\n%s", strings.Join(r.args(), " "), werr, perr, summary, stderr.String())
	}
	if res.Completed == 0 {
		return res, fmt.Errorf("dnsperf %s: no query completed\n%s\n%s", strings.Join(r.args(), " "), summary, stderr.String())
	}
	return res, nil
}

// parsePerf reads dnsperf's output: with verbose, lines like
// "> NOERROR h0001.bench.internal A 0.000123"; then the statistics block.
// It returns the figures and the text of the statistics block.
func parsePerf(rd io.Reader, verbose bool) (perfResult, string, error) {
	res := perfResult{Rcodes: map[string]int64{}}
	var summary strings.Builder
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	inStats := false
	for sc.Scan() {
		line := sc.Text()
		if verbose && strings.HasPrefix(line, "> ") {
			f := strings.Fields(line)
			if len(f) >= 5 && len(res.latencies) < maxLatencies {
				if v, err := strconv.ParseFloat(f[len(f)-1], 64); err == nil {
					res.latencies = append(res.latencies, v)
				}
			}
			continue
		}
		if strings.HasPrefix(line, "Statistics:") {
			inStats = true
		}
		if !inStats {
			continue
		}
		summary.WriteString(line)
		summary.WriteByte('\n')
		key, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		first := val
		if i := strings.IndexByte(val, ' '); i >= 0 {
			first = val[:i]
		}
		switch key {
		case "Queries sent":
			res.Sent, _ = strconv.ParseInt(first, 10, 64)
		case "Queries completed":
			res.Completed, _ = strconv.ParseInt(first, 10, 64)
		case "Queries lost":
			res.Lost, _ = strconv.ParseInt(first, 10, 64)
		case "Run time (s)":
			res.RunTime, _ = strconv.ParseFloat(first, 64)
		case "Queries per second":
			res.QPS, _ = strconv.ParseFloat(first, 64)
		case "Average Latency (s)":
			res.AvgLatSec, _ = strconv.ParseFloat(first, 64)
		case "Response codes":
			// "NOERROR 4 (66.67%), SERVFAIL 2 (33.33%)"
			for _, part := range strings.Split(val, ",") {
				f := strings.Fields(part)
				if len(f) >= 2 {
					n, _ := strconv.ParseInt(f[1], 10, 64)
					res.Rcodes[f[0]] += n
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return res, summary.String(), err
	}
	if !inStats {
		return res, summary.String(), fmt.Errorf("no statistics in dnsperf's output")
	}
	return res, summary.String(), nil
}

// percentile returns the p-th percentile (0 < p ≤ 100) of sorted values,
// nearest rank.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// latencyPercentiles returns p50, p99 and p99.9 of the run's latencies, in
// seconds.
func (r perfResult) latencyPercentiles() (p50, p99, p999 float64) {
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	return percentile(s, 50), percentile(s, 99), percentile(s, 99.9)
}

// noerrorShare is the share of completed queries answered NOERROR.
func (r perfResult) noerrorShare() float64 {
	if r.Completed == 0 {
		return 0
	}
	return float64(r.Rcodes["NOERROR"]) / float64(r.Completed)
}
