package awsapi_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vpcdns/vpcdns/internal/awsapi"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/view"
)

// benchNetwork is bench/apiwrite's network: one VPC, an outbound endpoint
// and n forward rules associated with the VPC.
func benchNetwork(tb testing.TB, n int) *config.File {
	var b strings.Builder
	b.WriteString(`account_id: "111122223333"
region: us-east-1
vpcs:
  - id: vpc-bench
    cidr_blocks: [10.0.0.0/16]
    subnets:
      - {id: subnet-bench-a, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
      - {id: subnet-bench-b, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
security_groups:
  - id: sg-bench
    vpc: vpc-bench
    egress: [{protocol: udp, from_port: 53, to_port: 53, cidr: 192.168.0.0/16}]
    ingress: []
resolver_endpoints:
  - id: rslvr-out-bench
    direction: outbound
    vpc: vpc-bench
    security_groups: [sg-bench]
    ip_addresses:
      - {subnet: subnet-bench-a, ip: 10.0.1.10}
      - {subnet: subnet-bench-b, ip: 10.0.2.10}
resolver_rules:
`)
	if n == 0 {
		b.WriteString("  []\n")
	}
	for i := range n {
		fmt.Fprintf(&b, "  - {id: rslvr-rr-%017x, rule_type: forward, domain_name: r%d.held.example, resolver_endpoint: rslvr-out-bench, target_ips: [{ip: 192.168.10.53}], vpcs: [vpc-bench]}\n", i, i)
	}
	_, f, err := config.Parse([]byte(b.String()), "network.yaml", ".")
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// BenchmarkCreateAssociate is one CreateResolverRule + AssociateResolverRule
// pair through the API handler, with the bbolt store and a DNS apply that
// compiles the view as serve's does, at 0 and 10,000 rules held (profile
// it with -cpuprofile / -memprofile).
func BenchmarkCreateAssociate(b *testing.B) {
	for _, n := range []int{0, 10000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			c, err := awsapi.Open(awsapi.Config{File: benchNetwork(b, n), BaseDir: ".", DataDir: benchDir(b)})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Store().Close()
			// DNS follows as serve's does: a change of rules alone patches
			// the view, anything else compiles it (VPCDNS_BENCH_COMPILE=1:
			// every change compiles, as before view.Patch).
			var mu sync.Mutex
			cur, err := view.Compile(c.Store().Network())
			if err != nil {
				b.Fatal(err)
			}
			c.Store().SetApply(func(n *config.Network) error {
				v, err := view.Compile(n)
				mu.Lock()
				cur = v
				mu.Unlock()
				return err
			})
			if os.Getenv("VPCDNS_BENCH_COMPILE") == "" {
				c.Store().SetPatch(func(n, base *config.Network, changed map[string]*config.Rule) error {
					mu.Lock()
					defer mu.Unlock()
					v, ok := view.Patch(cur, n, changed)
					if !ok {
						var err error
						if v, err = view.Compile(n); err != nil {
							return err
						}
					}
					cur = v
					return nil
				})
			}
			api := awsapi.New(awsapi.Options{Store: c.Store()})
			call := func(op, body string) string {
				req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader([]byte(body)))
				req.Header.Set("X-Amz-Target", "Route53Resolver."+op)
				req.Header.Set("Content-Type", "application/x-amz-json-1.1")
				w := httptest.NewRecorder()
				api.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", op, w.Code, w.Body)
				}
				return w.Body.String()
			}
			i := 0
			cpu0 := processCPU()
			for b.Loop() {
				i++
				out := call("CreateResolverRule", fmt.Sprintf(`{"CreatorRequestId":"bench-%d","RuleType":"FORWARD","DomainName":"b%d.bench.example","ResolverEndpointId":"rslvr-out-bench","TargetIps":[{"Ip":"192.168.10.53"}]}`, i, i))
				_, rest, _ := strings.Cut(out, `"Id":"`)
				id, _, _ := strings.Cut(rest, `"`)
				call("AssociateResolverRule", `{"ResolverRuleId":"`+id+`","VPCId":"vpc-bench"}`)
			}
			if err := c.Store().Synced(context.Background()); err != nil {
				b.Fatal(err)
			}
			// The CPU of the whole process (the handler, the store, the DNS
			// rebuilds and the GC) per pair: on a loaded machine, what the
			// wall clock cannot show.
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// benchDir is the data directory of the benchmark: none with
// VPCDNS_BENCH_MEMORY=1 (the store without fsync).
func benchDir(b *testing.B) string {
	if os.Getenv("VPCDNS_BENCH_MEMORY") != "" {
		return ""
	}
	return b.TempDir()
}

