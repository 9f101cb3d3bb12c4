package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/miekg/dns"
)

const ptrType = dns.TypePTR

// measurement is one server on one workload in one round.
type measurement struct {
	Workload string `json:"workload"`
	Server   string `json:"server"`
	Round    int    `json:"round,omitempty"`

	// ReadySec: from exec to the first good answer (loading the data).
	ReadySec float64 `json:"ready_s"`

	// Saturation: dnsperf as fast as the server answers.
	SatQPS     float64 `json:"saturation_qps"`
	SatCores   float64 `json:"saturation_server_cores"` // server CPU seconds per second
	SatCPUus   float64 `json:"saturation_cpu_us_per_query"`
	SatSent    int64   `json:"saturation_sent"`
	SatLost    int64   `json:"saturation_lost"`
	SatNoerror float64 `json:"saturation_noerror_share"`

	// Fixed rate: dnsperf -Q rate.
	Rate         int     `json:"rate"`
	RateAchieved float64 `json:"rate_achieved"`
	CPUus        float64 `json:"cpu_us_per_query"` // server CPU per answered query
	P50us        float64 `json:"p50_us"`
	P99us        float64 `json:"p99_us"`
	P999us       float64 `json:"p99_9_us"`
	Sent         int64   `json:"sent"`
	Lost         int64   `json:"lost"`
	Noerror      float64 `json:"noerror_share"`
	// BindCPUus: the on-premises BIND's CPU per query at the fixed rate
	// (W3, W4), not counted in CPUus.
	BindCPUus float64 `json:"bind_cpu_us_per_query,omitempty"`

	PeakRSS int64 `json:"peak_rss_bytes"` // VmHWM at the end

	// Ratios against Unbound in the same run (results only).
	CPURatio float64 `json:"cpu_ratio_vs_unbound,omitempty"`
	QPSRatio float64 `json:"qps_ratio_vs_unbound,omitempty"`
	// FirewallCPURatio is vpcdns-fw's CPU per query (at the fixed rate
	// and at saturation) over vpcdns's in the same run.
	FirewallCPURatio    float64 `json:"firewall_cpu_ratio,omitempty"`
	FirewallSatCPURatio float64 `json:"firewall_sat_cpu_ratio,omitempty"`
}

func (m measurement) summary() string {
	return fmt.Sprintf("ready %.2fs, %.0f qps at saturation (%.2f cores), %.2f µs CPU/query at %.0f/s, p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs, peak RSS %.1f MB",
		m.ReadySec, m.SatQPS, m.SatCores, m.CPUus, m.RateAchieved, m.P50us, m.P99us, m.P999us, float64(m.PeakRSS)/(1<<20))
}

// measure starts server for w, checks its answers, warms it, measures the
// saturation rate, then CPU and latency at the fixed rate, and stops it.
func (r *runner) measure(ctx context.Context, w workload, server string, round int) (measurement, error) {
	m := measurement{Workload: w.id, Server: server, Round: round, Rate: r.o.rate}
	dir := filepath.Join(r.tmp, fmt.Sprintf("%s-%s-%d", server, w.id, round))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return m, err
	}
	if !r.o.keep {
		defer os.RemoveAll(dir) // the 100,000-rule configurations are large
	}
	p, ready, err := r.startServer(ctx, w, server, dir)
	if err != nil {
		return m, err
	}
	defer p.Stop()
	m.ReadySec = ready.Seconds()

	// The same answers from every server: a few of the workload's
	// questions must get NOERROR with records, else the figures would
	// measure errors.
	var sample []query
	if w.unique {
		sample = w.gen(r.rng, 3, fmt.Sprintf("check%s%d", server, round))
	} else {
		_, qs, err := r.queryFile(w)
		if err != nil {
			return m, err
		}
		sample = qs[:3]
	}
	for i, q := range sample {
		data, err := askData(ctx, p.port, q)
		if err != nil {
			return m, fmt.Errorf("answer check: %w\n%s", err, p.log.String())
		}
		key := fmt.Sprintf("%s#%d", w.id, i)
		if first, ok := r.answers[key]; !ok {
			r.answers[key] = answerOf{server, data}
		} else if first.data != data {
			fmt.Fprintf(r.o.stderr, "  warning: %s answers %s with %q, %s with %q\n", first.server, q, first.data, server, data)
		}
	}

	perf := func(file string, once bool, duration time.Duration, rate int, verbose bool) (perfResult, time.Duration, time.Duration, error) {
		before, err := p.cpuTime()
		if err != nil {
			return perfResult{}, 0, 0, err
		}
		var bindBefore time.Duration
		if r.bind != nil {
			bindBefore, _ = r.bind.cpuTime()
		}
		res, err := runPerf(ctx, r.dnsperf, perfRun{
			port: p.port, file: file, once: once, duration: duration, rate: rate,
			clients: r.o.clients, threads: r.o.threads, outstanding: r.o.outstanding, verbose: verbose,
			tcp: w.tcp,
		})
		if err != nil {
			return res, 0, 0, err
		}
		if p.exited() {
			return res, 0, 0, fmt.Errorf("%s exited during the measurement:\n%s", server, p.log.String())
		}
		after, err := p.cpuTime()
		if err != nil {
			return res, 0, 0, err
		}
		var bindCPU time.Duration
		if r.bind != nil {
			bindAfter, _ := r.bind.cpuTime()
			bindCPU = bindAfter - bindBefore
		}
		return res, after - before, bindCPU, nil
	}
	file := func(tag string, n int) (string, bool, error) {
		if w.unique {
			f, _, err := r.uniqueFile(w, n, fmt.Sprintf("%s%s%d", tag, server, round))
			return f, true, err
		}
		f, _, err := r.queryFile(w)
		return f, false, err
	}
	secs := r.o.duration.Seconds()

	// Warm-up: the first pass fills the caches (W3) and wakes the server
	// up; it is not measured.
	f, once, err := file("warm", 2000)
	if err != nil {
		return m, err
	}
	if _, _, _, err := perf(f, once, min(time.Second, r.o.duration), min(r.o.rate, 5000), false); err != nil {
		return m, fmt.Errorf("warm-up: %w", err)
	}

	// Saturation.
	if f, once, err = file("sat", int(secs*maxSaturationQPS)); err != nil {
		return m, err
	}
	sat, cpu, _, err := perf(f, once, r.o.duration, 0, false)
	if err != nil {
		return m, fmt.Errorf("saturation: %w", err)
	}
	m.SatQPS = sat.QPS
	m.SatCores = cpu.Seconds() / max(sat.RunTime, 1e-9)
	m.SatCPUus = float64(cpu.Microseconds()) / float64(sat.Completed)
	m.SatSent, m.SatLost = sat.Sent, sat.Lost
	m.SatNoerror = sat.noerrorShare()

	// Fixed rate: CPU per query and latency.
	if f, once, err = file("fixed", int(secs*float64(r.o.rate)*1.2)+1000); err != nil {
		return m, err
	}
	fixed, cpu, bindCPU, err := perf(f, once, r.o.duration, r.o.rate, true)
	if err != nil {
		return m, fmt.Errorf("fixed rate: %w", err)
	}
	m.RateAchieved = float64(fixed.Completed) / max(fixed.RunTime, 1e-9)
	m.CPUus = float64(cpu.Microseconds()) / float64(fixed.Completed)
	if w.needsBIND && bindCPU > 0 {
		m.BindCPUus = float64(bindCPU.Microseconds()) / float64(fixed.Completed)
	}
	p50, p99, p999 := fixed.latencyPercentiles()
	m.P50us, m.P99us, m.P999us = p50*1e6, p99*1e6, p999*1e6
	m.Sent, m.Lost = fixed.Sent, fixed.Lost
	m.Noerror = fixed.noerrorShare()

	if m.PeakRSS, err = p.peakRSS(); err != nil {
		return m, err
	}
	return m, nil
}

// medianOf combines the rounds of server on w: the median of every figure.
func medianOf(ms []measurement, w workload, server string) (measurement, bool) {
	var rs []measurement
	for _, m := range ms {
		if m.Workload == w.id && m.Server == server {
			rs = append(rs, m)
		}
	}
	if len(rs) == 0 {
		return measurement{}, false
	}
	med := func(get func(measurement) float64) float64 {
		v := make([]float64, len(rs))
		for i, m := range rs {
			v[i] = get(m)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	out := measurement{Workload: w.id, Server: server, Rate: rs[0].Rate}
	out.ReadySec = med(func(m measurement) float64 { return m.ReadySec })
	out.SatQPS = med(func(m measurement) float64 { return m.SatQPS })
	out.SatCores = med(func(m measurement) float64 { return m.SatCores })
	out.SatCPUus = med(func(m measurement) float64 { return m.SatCPUus })
	out.SatSent = int64(med(func(m measurement) float64 { return float64(m.SatSent) }))
	out.SatLost = int64(med(func(m measurement) float64 { return float64(m.SatLost) }))
	out.SatNoerror = med(func(m measurement) float64 { return m.SatNoerror })
	out.RateAchieved = med(func(m measurement) float64 { return m.RateAchieved })
	out.CPUus = med(func(m measurement) float64 { return m.CPUus })
	out.P50us = med(func(m measurement) float64 { return m.P50us })
	out.P99us = med(func(m measurement) float64 { return m.P99us })
	out.P999us = med(func(m measurement) float64 { return m.P999us })
	out.Sent = int64(med(func(m measurement) float64 { return float64(m.Sent) }))
	out.Lost = int64(med(func(m measurement) float64 { return float64(m.Lost) }))
	out.Noerror = med(func(m measurement) float64 { return m.Noerror })
	out.BindCPUus = med(func(m measurement) float64 { return m.BindCPUus })
	out.PeakRSS = int64(math.Round(med(func(m measurement) float64 { return float64(m.PeakRSS) })))
	return out, true
}
