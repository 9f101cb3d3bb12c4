package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// runner holds what one benchmark run shares between its measurements.
type runner struct {
	o       options
	root    string // the module's root directory
	tmp     string // the run's temporary directory
	dnsperf string // dnsperf's path
	vpcdns  string // the vpcdns binary
	bind    *proc  // the on-premises BIND, when a workload needs it
	rng     *rand.Rand
	files   map[string]queryFile // workload → query file (non-unique workloads)
	procs   []*proc              // every process started, stopped on the way out
	answers map[string]answerOf  // workload#i → the first server's answer to its i-th check query
}

type answerOf struct{ server, data string }

// Timeouts of a server start: 100,000 rules or 65,536 local-data lines take
// a while to load on a slow machine.
const startTimeout = 3 * time.Minute

// run runs the whole benchmark and writes its results.
func run(ctx context.Context, o options) (*report, error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return nil, err
	}
	if err := ensureTools(ctx, o, o.stderr); err != nil {
		return nil, err
	}
	servers := o.servers[:0:0]
	for _, s := range o.servers {
		if s == "coredns" && lookTool("coredns") == "" {
			fmt.Fprintln(o.stderr, "coredns: no coredns binary on PATH; skipping it")
			continue
		}
		servers = append(servers, s)
	}
	if len(servers) == 0 {
		return nil, errors.New("no server to measure")
	}
	o.servers = servers

	tmp, err := os.MkdirTemp("", "vpcdns-bench-")
	if err != nil {
		return nil, err
	}
	r := &runner{
		o: o, root: root, tmp: tmp, dnsperf: lookTool("dnsperf"),
		rng:     rand.New(rand.NewPCG(1, 2)), // the same queries run after run
		files:   map[string]queryFile{},
		answers: map[string]answerOf{},
	}
	defer func() {
		r.stopAll()
		if o.keep {
			fmt.Fprintf(o.stderr, "kept %s\n", tmp)
		} else {
			os.RemoveAll(tmp)
		}
	}()

	started := time.Now()
	if err := r.buildVPCDNS(ctx); err != nil {
		return nil, err
	}
	for _, w := range o.workloads {
		if workloadByID(w).needsBIND {
			if err := r.startBIND(ctx); err != nil {
				return nil, err
			}
			break
		}
	}
	rep := &report{Machine: describeMachine(ctx, root, o), Settings: settingsOf(o), Started: started.UTC()}
	for _, id := range o.workloads {
		w := workloadByID(id)
		var ms []measurement
		for round := 1; round <= o.repeat; round++ {
			for _, s := range o.servers {
				if (s == "coredns" || s == "vpcdns-fw") && w.rules > 0 {
					continue // W5 is not modelled for CoreDNS
				}
				m, err := r.measure(ctx, w, s, round)
				if err != nil {
					if ctx.Err() != nil {
						return nil, fmt.Errorf("interrupted: %w", ctx.Err())
					}
					return nil, fmt.Errorf("%s on %s: %w", s, w.id, err)
				}
				fmt.Fprintf(o.stderr, "  %s %-7s round %d: %s\n", w.id, s, round, m.summary())
				ms = append(ms, m)
				rep.Runs = append(rep.Runs, m)
			}
		}
		for _, s := range o.servers {
			if res, ok := medianOf(ms, w, s); ok {
				rep.Results = append(rep.Results, res)
			}
		}
	}
	rep.addRatios()
	rep.Machine.LoadAvgEnd = loadAvg()
	rep.Finished = time.Now().UTC()

	md := rep.markdown()
	fmt.Fprint(o.stdout, md)
	out := o.out
	if out == "" {
		out = filepath.Join(root, "bench", "results", started.Format("20060102-150405"))
	}
	if err := rep.write(out, md); err != nil {
		return rep, err
	}
	fmt.Fprintf(o.stderr, "wrote %s.md and %s.json\n", out, out)
	return rep, nil
}

// moduleRoot is the directory of vpcdns's go.mod, found from the working
// directory.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	b, err := os.ReadFile(gomod)
	if err != nil || !strings.Contains(string(b), "module github.com/vpcdns/vpcdns\n") {
		return "", fmt.Errorf("run the benchmark inside the vpcdns repository (go run ./bench); go.mod here is %q", gomod)
	}
	return filepath.Dir(gomod), nil
}

// buildVPCDNS builds ./cmd/vpcdns into the temporary directory, unless a
// binary was given.
func (r *runner) buildVPCDNS(ctx context.Context) error {
	if r.o.vpcdnsBin != "" {
		p, err := filepath.Abs(r.o.vpcdnsBin)
		r.vpcdns = p
		return err
	}
	r.vpcdns = filepath.Join(r.tmp, "vpcdns")
	fmt.Fprintf(r.o.stderr, "building vpcdns: go build -o %s ./cmd/vpcdns\n", r.vpcdns)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", r.vpcdns, "./cmd/vpcdns")
	cmd.Dir = r.root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/vpcdns: %w\n%s", err, out)
	}
	return nil
}

// track registers a started process so that it is stopped on the way out.
func (r *runner) track(p *proc) *proc {
	r.procs = append(r.procs, p)
	return p
}

func (r *runner) stopAll() {
	for _, p := range r.procs {
		p.Stop()
	}
}

// startBIND starts the on-premises BIND for W3 and W4.
func (r *runner) startBIND(ctx context.Context) error {
	dir := filepath.Join(r.tmp, "bind")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return retryPort(func() (bool, error) {
		port, err := freePort()
		if err != nil {
			return false, err
		}
		conf, err := writeBINDConfig(dir, port)
		if err != nil {
			return false, err
		}
		// -g: foreground, log to stderr; -4: IPv4 only; -n 2: two worker threads.
		p, err := startProc("named", port, dir, lookTool("named"), "-g", "-4", "-n", "2", "-c", conf)
		if err != nil {
			return false, err
		}
		r.track(p)
		if _, err := p.waitReady(ctx, query{onpremPTRName(1), ptrType}, 30*time.Second); err != nil {
			p.Stop()
			return addrInUse(p), err
		}
		r.bind = p
		fmt.Fprintf(r.o.stderr, "on-premises BIND on 127.0.0.1:%d\n", port)
		return false, nil
	})
}

// retryPort runs start up to three times while it says another port might
// work (another process took the free port first).
func retryPort(start func() (retry bool, err error)) error {
	var err error
	for range 3 {
		var retry bool
		if retry, err = start(); err == nil || !retry {
			return err
		}
	}
	return err
}

func addrInUse(p *proc) bool {
	s := strings.ToLower(p.log.String())
	return strings.Contains(s, "address in use") || strings.Contains(s, "address already in use")
}

// startServer writes the configuration of server for w and starts it.
func (r *runner) startServer(ctx context.Context, w workload, server string, dir string) (*proc, time.Duration, error) {
	var p *proc
	var ready time.Duration
	bindPort := 9 // discard: nothing is sent there when BIND is not running
	if r.bind != nil {
		bindPort = r.bind.port
	}
	err := retryPort(func() (bool, error) {
		port, err := freePort()
		if err != nil {
			return false, err
		}
		c := serverConfig{dir: dir, port: port, bindPort: bindPort, rules: w.rules}
		var bin string
		var args []string
		switch server {
		case "vpcdns", "vpcdns-fw":
			if server == "vpcdns-fw" {
				c.firewall = firewallDomains
			}
			conf, err := writeVPCDNSConfig(c)
			if err != nil {
				return false, err
			}
			bin, args = r.vpcdns, []string{"serve", "-c", conf, "--log-level", "warn"}
		case "unbound":
			conf, err := writeUnboundConfig(c)
			if err != nil {
				return false, err
			}
			bin, args = lookTool("unbound"), []string{"-d", "-c", conf}
		case "coredns":
			conf, err := writeCoreDNSConfig(c)
			if err != nil {
				return false, err
			}
			bin, args = lookTool("coredns"), []string{"-conf", conf, "-quiet"}
		default:
			return false, fmt.Errorf("unknown server %q", server)
		}
		p, err = startProc(server, port, dir, bin, args...)
		if err != nil {
			return false, err
		}
		r.track(p)
		ready, err = p.waitReady(ctx, probeQuery, startTimeout)
		if err != nil {
			p.Stop()
			return addrInUse(p), err
		}
		return false, nil
	})
	return p, ready, err
}

// queryFile returns the dnsperf file of a workload whose queries repeat,
// writing it on first use.
func (r *runner) queryFile(w workload) (string, []query, error) {
	if f, ok := r.files[w.id]; ok {
		return f.path, f.queries, nil
	}
	qs := w.gen(r.rng, 0, "")
	path := filepath.Join(r.tmp, w.id+".queries")
	if err := writeQueries(path, qs); err != nil {
		return "", nil, err
	}
	r.files[w.id] = queryFile{path, qs}
	return path, qs, nil
}

type queryFile struct {
	path    string
	queries []query
}

// uniqueFile writes n never-asked queries of a unique workload.
func (r *runner) uniqueFile(w workload, n int, tag string) (string, []query, error) {
	qs := w.gen(r.rng, n, tag)
	path := filepath.Join(r.tmp, w.id+"-"+tag+".queries")
	return path, qs, writeQueries(path, qs)
}

// Sizes of the unique-name files: a saturation run sends at most
// maxSaturationQPS a second before it runs out of names and stops.
const maxSaturationQPS = 80_000
