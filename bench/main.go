// Command bench measures vpcdns side by side with Unbound (and CoreDNS when a
// coredns binary is on PATH) on the same machine, in the same run, with
// dnsperf as the load. See bench/README.md.
//
//	go run ./bench                       # every workload, vpcdns and Unbound, 10 s per measurement
//	go run ./bench -quick -workloads W1  # a smoke run
//	go run ./bench -limits               # AWS's 1,024 packets/s per ENI, with dnsperf -a
//
// Every packet goes to 127.0.0.1: the servers, the on-premises BIND behind
// them and dnsperf all listen and send on loopback only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Exit codes.
const (
	exitOK      = 0
	exitFail    = 1
	exitMissing = 2 // a tool is missing and cannot be installed here, or bad flags
)

// options are the flags of one run.
type options struct {
	duration    time.Duration // per measurement (saturation, then fixed rate)
	rate        int           // queries per second of the fixed-rate measurement
	workloads   []string      // W1…W5
	servers     []string      // vpcdns, unbound, coredns
	repeat      int           // rounds; the median of each figure is reported
	clients     int           // dnsperf -c
	threads     int           // dnsperf -T
	outstanding int           // dnsperf -q
	out         string        // path prefix of the .md and .json results ("" = bench/results/TIMESTAMP)
	install     bool          // apt-get install what is missing
	keep        bool          // keep the temporary directory (configs, logs)
	vpcdnsBin   string        // a built vpcdns to use instead of building one
	quick       bool
	render      string // re-render the Markdown of this results JSON, run nothing
	limits      bool   // run the rate-limit proof (limits.go) instead of W1…W5

	stdout, stderr io.Writer
}

var allWorkloads = []string{"W1", "W2", "W3", "W4", "W5", "W6", "W7"}

// vpcdns-fw is vpcdns with a DNS Firewall of firewallDomains blocked
// domains associated with the VPC (none of them asked).
var allServers = []string{"vpcdns", "vpcdns-fw", "unbound", "coredns"}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runMain(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// runMain parses the flags and runs the benchmark; it returns the exit code.
func runMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return exitMissing
	}
	o.stdout, o.stderr = stdout, stderr
	if o.render != "" {
		if err := render(o.render, stdout); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return exitFail
		}
		return exitOK
	}
	if o.limits {
		if err := runLimits(ctx, o); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return exitFail
		}
		return exitOK
	}
	if _, err := run(ctx, o); err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		var m *missingError
		if errors.As(err, &m) {
			return exitMissing
		}
		return exitFail
	}
	return exitOK
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of each measurement (saturation, then fixed rate)")
	fs.IntVar(&o.rate, "rate", 10000, "queries per second of the fixed-rate measurement (CPU per query, latency)")
	wl := fs.String("workloads", strings.Join(allWorkloads, ","), "comma-separated workloads: W1,W2,W3,W4,W5,W6,W7")
	sv := fs.String("servers", "vpcdns,unbound,coredns", "comma-separated servers; coredns is skipped when no coredns binary is on PATH")
	fs.IntVar(&o.repeat, "repeat", 1, "rounds of every measurement (servers interleaved); the median is reported")
	fs.IntVar(&o.clients, "clients", 16, "dnsperf -c: client sockets (source ports), so SO_REUSEPORT can spread them")
	fs.IntVar(&o.threads, "threads", 2, "dnsperf -T: load generator threads")
	fs.IntVar(&o.outstanding, "outstanding", 200, "dnsperf -q: queries in flight at saturation")
	fs.StringVar(&o.out, "out", "", "path prefix of the results, without extension [bench/results/YYYYMMDD-HHMMSS]")
	noInstall := fs.Bool("no-install", false, "do not apt-get install missing tools; fail instead")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory with the configurations and server logs")
	fs.StringVar(&o.vpcdnsBin, "vpcdns-bin", "", "use this vpcdns binary instead of building ./cmd/vpcdns")
	fs.BoolVar(&o.quick, "quick", false, "smoke run: 2s measurements, fixed rate at most 5000/s")
	fs.BoolVar(&o.limits, "limits", false, "prove AWS's per-ENI limit with dnsperf -a (docs/limits.md) instead of measuring W1-W5")
	fs.StringVar(&o.render, "render", "", "rewrite `FILE.json`'s Markdown table (FILE.md) and print it; runs nothing")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run ./bench [flags]\n\nBenchmarks vpcdns against Unbound (and CoreDNS) with dnsperf on 127.0.0.1.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	o.install = !*noInstall
	durationSet := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "duration" {
			durationSet = true
		}
	})
	if o.quick {
		if !durationSet {
			o.duration = 2 * time.Second
		}
		o.rate = min(o.rate, 5000)
	}
	var err error
	if o.workloads, err = listFlag("workloads", *wl, allWorkloads); err != nil {
		return o, err
	}
	if o.servers, err = listFlag("servers", *sv, allServers); err != nil {
		return o, err
	}
	switch {
	case o.duration < time.Second || o.duration > 10*time.Minute:
		return o, fmt.Errorf("-duration %v: want 1s to 10m", o.duration)
	case o.rate < 100 || o.rate > 1_000_000:
		return o, fmt.Errorf("-rate %d: want 100 to 1000000", o.rate)
	case o.repeat < 1 || o.repeat > 20:
		return o, fmt.Errorf("-repeat %d: want 1 to 20", o.repeat)
	case o.clients < 1 || o.clients > 256, o.threads < 1 || o.threads > 64, o.outstanding < 1 || o.outstanding > 65535:
		return o, errors.New("-clients (1-256), -threads (1-64) or -outstanding (1-65535) out of range")
	}
	return o, nil
}

// listFlag splits a comma-separated flag and checks each item (case-insensitively).
func listFlag(name, v string, known []string) ([]string, error) {
	var out []string
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		i := slices.IndexFunc(known, func(k string) bool { return strings.EqualFold(k, s) })
		if i < 0 {
			return nil, fmt.Errorf("-%s: unknown %q (want some of %s)", name, s, strings.Join(known, ","))
		}
		if !slices.Contains(out, known[i]) {
			out = append(out, known[i])
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-%s: empty", name)
	}
	// Keep the canonical order so tables read the same run after run.
	slices.SortFunc(out, func(a, b string) int { return slices.Index(known, a) - slices.Index(known, b) })
	return out, nil
}
