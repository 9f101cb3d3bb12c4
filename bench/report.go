package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// report is one run: the machine, the settings, the median result of each
// server on each workload, and every round.
type report struct {
	Machine  machine       `json:"machine"`
	Settings settings      `json:"settings"`
	Started  time.Time     `json:"started"`
	Finished time.Time     `json:"finished"`
	Results  []measurement `json:"results"` // medians over rounds, with ratios
	Runs     []measurement `json:"runs"`    // every round
}

type machine struct {
	NProc       int    `json:"nproc"`
	CPUModel    string `json:"cpu_model"`
	Kernel      string `json:"kernel"`
	MemTotal    string `json:"mem_total"`
	LoadAvg     string `json:"loadavg_start"`
	LoadAvgEnd  string `json:"loadavg_end"`
	Go          string `json:"go"`
	VPCDNS      string `json:"vpcdns_commit"`
	DNSPerf     string `json:"dnsperf"`
	Unbound     string `json:"unbound,omitempty"`
	BIND        string `json:"bind,omitempty"`
	CoreDNS     string `json:"coredns,omitempty"`
	UnboundThds int    `json:"unbound_threads"`
}

type settings struct {
	Duration    string   `json:"duration"`
	Rate        int      `json:"rate"`
	Workloads   []string `json:"workloads"`
	Servers     []string `json:"servers"`
	Repeat      int      `json:"repeat"`
	Clients     int      `json:"dnsperf_clients"`
	Threads     int      `json:"dnsperf_threads"`
	Outstanding int      `json:"dnsperf_outstanding"`
	Command     string   `json:"command"`
}

func numCPU() int { return runtime.NumCPU() }

func settingsOf(o options) settings {
	return settings{
		Duration: o.duration.String(), Rate: o.rate, Workloads: o.workloads, Servers: o.servers,
		Repeat: o.repeat, Clients: o.clients, Threads: o.threads, Outstanding: o.outstanding,
		Command: "go run ./bench " + strings.Join(os.Args[1:], " "),
	}
}

func describeMachine(ctx context.Context, root string, o options) machine {
	m := machine{
		NProc:       numCPU(),
		CPUModel:    cpuModel(),
		Kernel:      readTrim("/proc/sys/kernel/osrelease"),
		MemTotal:    memTotal(),
		LoadAvg:     loadAvg(),
		Go:          runtime.Version(),
		VPCDNS:      vpcdnsVersion(ctx, root, o.vpcdnsBin),
		DNSPerf:     "dnsperf " + strings.TrimPrefix(toolVersion(ctx, "dnsperf", "-h"), "Version "),
		UnboundThds: unboundThreads(),
	}
	for _, s := range o.servers {
		switch s {
		case "unbound":
			m.Unbound = strings.TrimPrefix(toolVersion(ctx, "unbound", "-V"), "Version ")
		case "coredns":
			m.CoreDNS = toolVersion(ctx, "coredns", "-version")
		}
	}
	if lookTool("named") != "" {
		m.BIND, _, _ = strings.Cut(toolVersion(ctx, "named", "-v"), " (")
	}
	return m
}

func readTrim(path string) string {
	b, _ := os.ReadFile(path)
	return strings.TrimSpace(string(b))
}

func cpuModel() string {
	for _, line := range strings.Split(readTrim("/proc/cpuinfo"), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func memTotal() string {
	for _, line := range strings.Split(readTrim("/proc/meminfo"), "\n") {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func loadAvg() string {
	f := strings.Fields(readTrim("/proc/loadavg"))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// vpcdnsVersion says which vpcdns was measured: the commit of the working
// tree it was built from, or, for a given binary, the commit stamped in it
// (go build -buildvcs=true).
func vpcdnsVersion(ctx context.Context, root, bin string) string {
	if bin == "" {
		return gitCommit(ctx, root)
	}
	out, err := exec.CommandContext(ctx, "go", "version", "-m", bin).Output()
	if err != nil {
		return "binary " + bin
	}
	var rev, modified string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "build" {
			if v, ok := strings.CutPrefix(f[1], "vcs.revision="); ok {
				rev = v[:min(len(v), 7)]
			}
			if v, ok := strings.CutPrefix(f[1], "vcs.modified="); ok {
				modified = v
			}
		}
	}
	if rev == "" {
		return "binary " + bin
	}
	if modified == "true" {
		rev += "+dirty"
	}
	return rev
}

func gitCommit(ctx context.Context, root string) string {
	out, err := exec.CommandContext(ctx, "git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.CommandContext(ctx, "git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
		c += "+dirty"
	}
	return c
}

// addRatios sets, for every server but Unbound, its CPU per query and its
// saturation QPS as ratios of Unbound's on the same workload.
func (r *report) addRatios() {
	for i := range r.Results {
		m := &r.Results[i]
		if m.Server == "unbound" {
			continue
		}
		for _, u := range r.Results {
			if m.Server == "vpcdns-fw" && u.Server == "vpcdns" && u.Workload == m.Workload {
				if u.CPUus > 0 {
					m.FirewallCPURatio = m.CPUus / u.CPUus
				}
				if u.SatCPUus > 0 {
					m.FirewallSatCPURatio = m.SatCPUus / u.SatCPUus
				}
			}
			if u.Server == "unbound" && u.Workload == m.Workload {
				if u.CPUus > 0 {
					m.CPURatio = m.CPUus / u.CPUus
				}
				if u.SatQPS > 0 {
					m.QPSRatio = m.SatQPS / u.SatQPS
				}
			}
		}
	}
}

// markdown renders the results as the table of bench/README.md.
func (r *report) markdown() string {
	var b strings.Builder
	m := r.Machine
	fmt.Fprintf(&b, "### vpcdns bench, %s\n\n", r.Started.Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "Machine: %d × %s, Linux %s, %s RAM; load average %s at the start, %s at the end.  \n",
		m.NProc, m.CPUModel, m.Kernel, m.MemTotal, m.LoadAvg, m.LoadAvgEnd)
	fmt.Fprintf(&b, "vpcdns %s (%s); %s", m.VPCDNS, m.Go, m.DNSPerf)
	if m.Unbound != "" {
		fmt.Fprintf(&b, "; Unbound %s (%d threads)", m.Unbound, m.UnboundThds)
	}
	if m.CoreDNS != "" {
		fmt.Fprintf(&b, "; %s", m.CoreDNS)
	}
	if m.BIND != "" {
		fmt.Fprintf(&b, "; on-premises %s", m.BIND)
	}
	s := r.Settings
	fmt.Fprintf(&b, ".  \nEach measurement %s, %d round(s) (median); dnsperf -c %d -T %d, -q %d at saturation; fixed rate %d queries/s.\n\n",
		s.Duration, s.Repeat, s.Clients, s.Threads, s.Outstanding, s.Rate)

	fmt.Fprintf(&b, "| workload | server | saturation QPS | CPU µs/query at saturation | CPU µs/query at %d/s | p50 µs | p99 µs | p99.9 µs | peak RSS MB | ready s | CPU ×Unbound | QPS ×Unbound |\n", s.Rate)
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	var notes []string
	note := func(n string) string {
		for i, x := range notes {
			if x == n {
				return fmt.Sprintf(" [%d]", i+1)
			}
		}
		notes = append(notes, n)
		return fmt.Sprintf(" [%d]", len(notes))
	}
	for _, x := range r.Results {
		flag := ""
		if x.RateAchieved < 0.95*float64(x.Rate) {
			flag += note(fmt.Sprintf("%s %s answered %.0f/s of the %d/s asked at the fixed rate: its CPU and latency figures are at overload.", x.Workload, x.Server, x.RateAchieved, x.Rate))
		}
		if x.Noerror < 0.99 || x.SatNoerror < 0.99 {
			flag += note(fmt.Sprintf("%s %s: only %.1f%% (saturation %.1f%%) of the answers were NOERROR.", x.Workload, x.Server, 100*x.Noerror, 100*x.SatNoerror))
		}
		// A few lost at saturation are UDP drops in full socket buffers; say
		// so from one in a thousand.
		if 1000*x.SatLost > x.SatSent || 1000*x.Lost > x.Sent {
			flag += note(fmt.Sprintf("%s %s: %d of %d queries lost at saturation, %d of %d at the fixed rate (no answer within 2 s).",
				x.Workload, x.Server, x.SatLost, x.SatSent, x.Lost, x.Sent))
		}
		ratio := func(v float64) string {
			if v == 0 {
				return ""
			}
			return fmt.Sprintf("%.2f", v)
		}
		fmt.Fprintf(&b, "| %s | %s%s | %.0f | %.1f | %.1f | %.0f | %.0f | %.0f | %.1f | %.2f | %s | %s |\n",
			x.Workload, x.Server, flag, x.SatQPS, x.SatCPUus, x.CPUus, x.P50us, x.P99us, x.P999us, float64(x.PeakRSS)/(1<<20), x.ReadySec,
			ratio(x.CPURatio), ratio(x.QPSRatio))
	}
	b.WriteString("\n")
	for _, x := range r.Results {
		if x.FirewallCPURatio > 0 {
			fmt.Fprintf(&b, "%s: vpcdns-fw (a DNS Firewall with a %d-domain block list associated) uses %.2f× the CPU per query of vpcdns at the fixed rate, %.2f× at saturation.  \n",
				x.Workload, firewallDomains, x.FirewallCPURatio, x.FirewallSatCPURatio)
		}
	}
	for _, w := range r.Settings.Workloads {
		fmt.Fprintf(&b, "%s: %s.  \n", w, workloadByID(w).title)
	}
	if len(notes) > 0 {
		b.WriteString("\n")
		for i, n := range notes {
			fmt.Fprintf(&b, "[%d] %s  \n", i+1, n)
		}
	}
	for _, x := range r.Results {
		if x.BindCPUus > 0 {
			fmt.Fprintf(&b, "\nThe on-premises BIND spent, per query at the fixed rate:")
			for _, y := range r.Results {
				if y.BindCPUus > 0 {
					fmt.Fprintf(&b, " %s %s %.1f µs;", y.Workload, y.Server, y.BindCPUus)
				}
			}
			b.WriteString(" not counted above.\n")
			break
		}
	}
	return b.String()
}

// write writes out.md and out.json.
func (r *report) write(out, md string) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(out+".md", []byte(md), 0o644); err != nil {
		return err
	}
	j, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(out+".json", append(j, '\n'), 0o644)
}

// render rewrites the Markdown of a results JSON (after a change of the
// table's format): FILE.json → FILE.md, also printed.
func render(path string, stdout io.Writer) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	md := r.markdown()
	fmt.Fprint(stdout, md)
	return os.WriteFile(strings.TrimSuffix(path, ".json")+".md", []byte(md), 0o644)
}
