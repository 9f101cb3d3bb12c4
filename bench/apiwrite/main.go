// Command apiwrite measures the write path of vpcdns's AWS API: the latency
// of one CreateResolverRule + AssociateResolverRule pair against
// `vpcdns serve --api-listen --data-dir` holding 0, 1,000 and 10,000 rules
// (in one run, so the ratios compare like with like), the memory of the
// server at the largest size, and optionally the time to build N rules
// through the API from an empty network.
//
// Everything stays on 127.0.0.1. Run it from the repository root:
//
//	go run ./bench/apiwrite                       # sizes 0,1000,10000; 200 pairs each
//	go run ./bench/apiwrite -build 10000          # and build 10,000 rules through the API
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	sizes := flag.String("sizes", "0,1000,10000", "numbers of rules (each associated with the VPC) the server holds before measuring")
	pairs := flag.Int("pairs", 200, "create+associate pairs measured at each size")
	build := flag.Int("build", 0, "also build this many rules through the API from an empty network, and time it")
	bin := flag.String("vpcdns-bin", "", "the vpcdns binary to measure [go build ./cmd/vpcdns]")
	keep := flag.Bool("keep", false, "keep the temporary directory")
	flag.Parse()
	if err := run(*sizes, *pairs, *build, *bin, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "apiwrite:", err)
		os.Exit(1)
	}
}

func run(sizeList string, pairs, build int, bin string, keep bool) error {
	tmp, err := os.MkdirTemp("", "vpcdns-apiwrite-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Fprintln(os.Stderr, "keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	if bin == "" {
		bin = filepath.Join(tmp, "vpcdns")
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/vpcdns")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build: %w", err)
		}
	}
	var sizes []int
	for _, s := range strings.Split(sizeList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("-sizes: %q is not a number", s)
		}
		sizes = append(sizes, n)
	}
	fmt.Printf("| rules held | pairs | p50 | p99 | max | server CPU per pair | server RSS after |\n|---:|---:|---:|---:|---:|---:|---:|\n")
	var p50s []time.Duration
	for _, n := range sizes {
		r, err := measure(tmp, bin, n, pairs)
		if err != nil {
			return fmt.Errorf("%d rules: %w", n, err)
		}
		p50s = append(p50s, r.p50)
		fmt.Printf("| %d | %d | %s | %s | %s | %s | %.1f MiB |\n", n, pairs, ms(r.p50), ms(r.p99), ms(r.max), ms(r.cpu/time.Duration(pairs)), float64(r.rss)/(1<<20))
	}
	if len(p50s) > 1 && p50s[0] > 0 {
		fmt.Printf("\np50 at %d rules / p50 at %d rules: %.2f\n", sizes[len(sizes)-1], sizes[0], float64(p50s[len(p50s)-1])/float64(p50s[0]))
	}
	if build > 0 {
		d, rss, err := buildThrough(tmp, bin, build)
		if err != nil {
			return fmt.Errorf("build %d: %w", build, err)
		}
		fmt.Printf("\nbuilt %d rules (create + associate each) through the API in %s (%.0f pairs/s); server RSS %.1f MiB\n",
			build, d.Round(time.Millisecond), float64(build)/d.Seconds(), float64(rss)/(1<<20))
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }

type result struct {
	p50, p99, max time.Duration
	// cpu is the server's user and system CPU over the measured pairs
	// (what a loaded machine does not inflate as it does the latency).
	cpu time.Duration
	rss int64
}

// server is one `vpcdns serve` process.
type server struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}
}

func start(bin, dir string, n int) (*server, error) {
	apiPort, err := freePort()
	if err != nil {
		return nil, err
	}
	dnsPort, err := freePort()
	if err != nil {
		return nil, err
	}
	netFile := filepath.Join(dir, "network.yaml")
	if err := os.WriteFile(netFile, networkYAML(n, dnsPort), 0o644); err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	cmd := exec.Command(bin, "serve", "-c", netFile, "--api-listen", "127.0.0.1:"+strconv.Itoa(apiPort), "--data-dir", data, "--log-level", "warn")
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, url: "http://127.0.0.1:" + strconv.Itoa(apiPort) + "/", done: make(chan struct{})}
	go func() { cmd.Wait(); logf.Close(); close(s.done) }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := s.call("ListResolverRules", map[string]any{"MaxResults": 1}); err == nil {
			return s, nil
		}
		select {
		case <-s.done:
			log, _ := os.ReadFile(filepath.Join(dir, "serve.log"))
			return nil, fmt.Errorf("serve exited: %s", log)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, errors.New("serve did not answer the API within 2 minutes")
		}
	}
}

func (s *server) stop() {
	killGroup(s.cmd.Process)
	<-s.done
}

// rss is the resident set of the server, from /proc.
func (s *server) rss() int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cpu is the user and system CPU time of the server so far, from /proc
// (0 where there is none).
func (s *server) cpu() time.Duration {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/stat")
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses: utime
	// and stime are the 12th and 13th, in clock ticks (100 per second).
	_, rest, _ := strings.Cut(string(data), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

var client = &http.Client{Timeout: 5 * time.Minute}

func (s *server) call(op string, in any) (map[string]any, error) {
	body, _ := json.Marshal(in)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, s.url, bytes.NewReader(body))
	req.Header.Set("X-Amz-Target", "Route53Resolver."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %d %s", op, resp.StatusCode, data)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// pair creates a forward rule and associates it with the VPC.
func (s *server) pair(tag string) error {
	out, err := s.call("CreateResolverRule", map[string]any{
		"CreatorRequestId": "bench-" + tag, "RuleType": "FORWARD", "DomainName": "b" + tag + ".bench.example",
		"ResolverEndpointId": endpointID, "TargetIps": []map[string]any{{"Ip": "192.168.10.53"}},
	})
	if err != nil {
		return err
	}
	id, _ := out["ResolverRule"].(map[string]any)["Id"].(string)
	_, err = s.call("AssociateResolverRule", map[string]any{"ResolverRuleId": id, "VPCId": vpcID})
	return err
}

func measure(tmp, bin string, n, pairs int) (result, error) {
	dir := filepath.Join(tmp, "size-"+strconv.Itoa(n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return result{}, err
	}
	s, err := start(bin, dir, n)
	if err != nil {
		return result{}, err
	}
	defer s.stop()
	for i := range 5 { // warm up
		if err := s.pair("warm" + strconv.Itoa(i)); err != nil {
			return result{}, err
		}
	}
	lat := make([]time.Duration, 0, pairs)
	cpu0 := s.cpu()
	for i := range pairs {
		t0 := time.Now()
		if err := s.pair(strconv.Itoa(i)); err != nil {
			return result{}, err
		}
		lat = append(lat, time.Since(t0))
	}
	cpu := s.cpu() - cpu0
	slices.Sort(lat)
	return result{p50: lat[len(lat)/2], p99: lat[len(lat)*99/100], max: lat[len(lat)-1], cpu: cpu, rss: s.rss()}, nil
}

func buildThrough(tmp, bin string, n int) (time.Duration, int64, error) {
	dir := filepath.Join(tmp, "build")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, err
	}
	s, err := start(bin, dir, 0)
	if err != nil {
		return 0, 0, err
	}
	defer s.stop()
	t0, cpu0 := time.Now(), s.cpu()
	for i := range n {
		if err := s.pair("build" + strconv.Itoa(i)); err != nil {
			return 0, 0, err
		}
	}
	d := time.Since(t0)
	fmt.Printf("\nserver CPU during the build: %s\n", (s.cpu() - cpu0).Round(time.Millisecond))
	return d, s.rss(), nil
}

const (
	vpcID      = "vpc-bench"
	endpointID = "rslvr-out-bench"
)

// networkYAML is one VPC with an outbound endpoint and n forward rules,
// each associated with the VPC.
func networkYAML(n, dnsPort int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `account_id: "111122223333"
region: us-east-1
vpcs:
  - id: %s
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
    resolver_listen: ["127.0.0.1:%d"]
    subnets:
      - {id: subnet-bench-a, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
      - {id: subnet-bench-b, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
security_groups:
  - id: sg-bench
    vpc: %s
    egress: [{protocol: udp, from_port: 53, to_port: 53, cidr: 192.168.0.0/16}]
    ingress: []
resolver_endpoints:
  - id: %s
    direction: outbound
    vpc: %s
    security_groups: [sg-bench]
    ip_addresses:
      - {subnet: subnet-bench-a, ip: 10.0.1.10}
      - {subnet: subnet-bench-b, ip: 10.0.2.10}
resolver_rules:
`, vpcID, dnsPort, vpcID, endpointID, vpcID)
	if n == 0 {
		b.WriteString("  []\n")
	}
	for i := range n {
		fmt.Fprintf(&b, "  - {id: rslvr-rr-%017x, rule_type: forward, domain_name: r%d.held.example, resolver_endpoint: %s, target_ips: [{ip: 192.168.10.53}], vpcs: [%s]}\n",
			i, i, endpointID, vpcID)
	}
	return []byte(b.String())
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
