package metrics

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vpcdns/vpcdns/internal/cache"
)

func TestCounters(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.now = func() time.Time { return time.Unix(1795766400, 500_000_000) }
	m.Query("vpc-0a1b", "forward-rule", "NOERROR")
	m.Query("vpc-0a1b", "forward-rule", "NOERROR")
	m.Query("vpc-0a1b", "private-hosted-zone", "NXDOMAIN")
	m.ForwardAttempt("rslvr-rr-1", "10.10.0.2:53", "timeout", time.Second, true)
	m.ForwardAttempt("rslvr-rr-1", "10.10.0.4:53", "blocked", time.Second, true)
	m.ForwardAttempt("rslvr-rr-1", "10.10.0.3:53", "ok", 3*time.Millisecond, false)
	m.Failovers("rslvr-rr-1", 2)
	m.Reload(false)
	m.Reload(true)

	const want = `
# HELP vpcdns_queries_total Queries answered, by VPC, answer source and rcode.
# TYPE vpcdns_queries_total counter
vpcdns_queries_total{rcode="NOERROR",source="forward-rule",vpc="vpc-0a1b"} 2
vpcdns_queries_total{rcode="NXDOMAIN",source="private-hosted-zone",vpc="vpc-0a1b"} 1
# HELP vpcdns_forwarded_queries_total Forwarding attempts, by rule, target and outcome.
# TYPE vpcdns_forwarded_queries_total counter
vpcdns_forwarded_queries_total{outcome="blocked",rule="rslvr-rr-1",target="10.10.0.4:53"} 1
vpcdns_forwarded_queries_total{outcome="ok",rule="rslvr-rr-1",target="10.10.0.3:53"} 1
vpcdns_forwarded_queries_total{outcome="timeout",rule="rslvr-rr-1",target="10.10.0.2:53"} 1
# HELP vpcdns_forward_timeouts_total Forwarding attempts that timed out, by rule and target.
# TYPE vpcdns_forward_timeouts_total counter
vpcdns_forward_timeouts_total{rule="rslvr-rr-1",target="10.10.0.2:53"} 1
vpcdns_forward_timeouts_total{rule="rslvr-rr-1",target="10.10.0.4:53"} 1
# HELP vpcdns_forward_failovers_total Moves to another target after a failed attempt, by rule.
# TYPE vpcdns_forward_failovers_total counter
vpcdns_forward_failovers_total{rule="rslvr-rr-1"} 2
# HELP vpcdns_reloads_total Configuration reloads, by result.
# TYPE vpcdns_reloads_total counter
vpcdns_reloads_total{result="failure"} 1
vpcdns_reloads_total{result="success"} 1
# HELP vpcdns_config_last_reload_success_timestamp_seconds Unix time of the last successful configuration load.
# TYPE vpcdns_config_last_reload_success_timestamp_seconds gauge
vpcdns_config_last_reload_success_timestamp_seconds 1.7957664005e+09
`
	err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"vpcdns_queries_total", "vpcdns_forwarded_queries_total", "vpcdns_forward_timeouts_total",
		"vpcdns_forward_failovers_total", "vpcdns_reloads_total",
		"vpcdns_config_last_reload_success_timestamp_seconds")
	if err != nil {
		t.Error(err)
	}
}

func TestForwardDuration(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.ForwardAttempt("rslvr-rr-1", "10.10.0.2:53", "ok", 1500*time.Microsecond, false)
	m.ForwardAttempt("rslvr-rr-1", "10.10.0.2:53", "ok", 4*time.Second, false)

	const want = `
# HELP vpcdns_forward_duration_seconds Round-trip time of forwarding attempts, by rule and target.
# TYPE vpcdns_forward_duration_seconds histogram
vpcdns_forward_duration_seconds_bucket{rule="rslvr-rr-1",target="10.10.0.2:53",le="0.001"} 0
vpcdns_forward_duration_seconds_bucket{rule="rslvr-rr-1",target="10.10.0.2:53",le="0.002"} 1
vpcdns_forward_duration_seconds_bucket{rule="rslvr-rr-1",target="10.10.0.2:53",le="0.005"} 1
vpcdns_forward_duration_seconds_bucket{rule="rslvr-rr-1",target="10.10.0.2:53",le="0.01"} 1
vpcdns_forward_duration_seconds_bucket{rule="rslvr-rr-1",target="10.10.0.2:53",le="0.025"} 1
vpcdns_forward_duration_seconds_bucket{rule="rslvr-rr-1",target="10.10.0.2:53",le="0.05"} 1
vpcdns_forward_duration_seconds_bucket{rule="rslvr-rr-1",target="10.10.0.2:53",le="0.1"} 1
vpcdns_forward_duration_seconds_bucket{rule="rslvr-rr-1",target="10.10.0.2:53",le="0.25"} 1
vpcdns_forward_duration_seconds_bucket{rule="rslvr-rr-1",target="10.10.0.2:53",le="0.5"} 1
vpcdns_forward_duration_seconds_bucket{rule="rslvr-rr-1",target="10.10.0.2:53",le="1"} 1
vpcdns_forward_duration_seconds_bucket{rule="rslvr-rr-1",target="10.10.0.2:53",le="2"} 1
vpcdns_forward_duration_seconds_bucket{rule="rslvr-rr-1",target="10.10.0.2:53",le="3"} 1
vpcdns_forward_duration_seconds_bucket{rule="rslvr-rr-1",target="10.10.0.2:53",le="5"} 2
vpcdns_forward_duration_seconds_bucket{rule="rslvr-rr-1",target="10.10.0.2:53",le="+Inf"} 2
vpcdns_forward_duration_seconds_sum{rule="rslvr-rr-1",target="10.10.0.2:53"} 4.0015
vpcdns_forward_duration_seconds_count{rule="rslvr-rr-1",target="10.10.0.2:53"} 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "vpcdns_forward_duration_seconds"); err != nil {
		t.Error(err)
	}
}

func TestSources(t *testing.T) {
	const want = `
# HELP vpcdns_cache_hits_total Cache lookups answered with a live entry.
# TYPE vpcdns_cache_hits_total counter
vpcdns_cache_hits_total %d
# HELP vpcdns_cache_misses_total Cache lookups without a live entry (stale ones included).
# TYPE vpcdns_cache_misses_total counter
vpcdns_cache_misses_total %d
# HELP vpcdns_cache_evictions_total Live cache entries removed to make room.
# TYPE vpcdns_cache_evictions_total counter
vpcdns_cache_evictions_total %d
# HELP vpcdns_cache_entries Entries held by the cache, expired ones not yet removed included.
# TYPE vpcdns_cache_entries gauge
vpcdns_cache_entries %d
# HELP vpcdns_querylog_dropped_total Query-log records dropped because a destination's queue was full.
# TYPE vpcdns_querylog_dropped_total counter
vpcdns_querylog_dropped_total %d
`
	names := []string{"vpcdns_cache_hits_total", "vpcdns_cache_misses_total", "vpcdns_cache_evictions_total",
		"vpcdns_cache_entries", "vpcdns_querylog_dropped_total"}
	tests := []struct {
		name    string
		stats   func() CacheStats
		dropped func() uint64
		want    [5]int
	}{
		{name: "no sources yet", want: [5]int{0, 0, 0, 0, 0}},
		{
			name:    "sources set",
			stats:   func() CacheStats { return CacheStats{Hits: 7, Misses: 3, Evictions: 2, Entries: 40} },
			dropped: func() uint64 { return 5 },
			want:    [5]int{7, 3, 2, 40, 5},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			m := New(reg)
			if tc.stats != nil {
				m.ObserveCache(tc.stats)
			}
			if tc.dropped != nil {
				m.ObserveQueryLogDrops(tc.dropped)
			}
			exp := fmt.Sprintf(want, tc.want[0], tc.want[1], tc.want[2], tc.want[3], tc.want[4])
			if err := testutil.GatherAndCompare(reg, strings.NewReader(exp), names...); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestRealCacheSource(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	c := cache.New(cache.Options{})
	m.ObserveCache(func() CacheStats {
		st := c.Stats()
		return CacheStats{Hits: st.Hits, Misses: st.Misses, Evictions: st.Evictions, Entries: st.Entries}
	})
	c.Get(cache.Key{Scope: "internet", Name: "example.com.", Type: 1, Class: 1}, 1, nil)
	const want = `
# HELP vpcdns_cache_misses_total Cache lookups without a live entry (stale ones included).
# TYPE vpcdns_cache_misses_total counter
vpcdns_cache_misses_total 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "vpcdns_cache_misses_total"); err != nil {
		t.Error(err)
	}
}

func TestLint(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.Query("vpc-1", "internet", "SERVFAIL")
	m.ForwardAttempt("rslvr-rr-1", "192.0.2.53:53", "timeout", time.Second, true)
	m.Failovers("rslvr-rr-1", 1)
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint %s: %s", p.Metric, p.Text)
	}
}

func TestRegistriesIndependent(t *testing.T) {
	a, b := prometheus.NewRegistry(), prometheus.NewRegistry()
	ma, mb := New(a), New(b)
	ma.Failovers("r", 1)
	if got := testutil.ToFloat64(mb.ForwardFailovers.WithLabelValues("r")); got != 0 {
		t.Errorf("failovers on the other registry = %v; want 0", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("New twice on one registry did not panic; want a duplicate-registration panic")
		}
	}()
	New(a)
}

func TestHandler(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.Query("vpc-0a1b", "autodefined-reverse", "NOERROR")
	srv := httptest.NewServer(Handler(reg))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("status = %d; want 200", resp.StatusCode)
	}
	for _, want := range []string{
		`vpcdns_queries_total{rcode="NOERROR",source="autodefined-reverse",vpc="vpc-0a1b"} 1`,
		"vpcdns_cache_entries 0",
		"vpcdns_querylog_dropped_total 0",
		`vpcdns_reloads_total{result="success"} 0`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("body lacks %q", want)
		}
	}
}

// The limit counters say which AWS limit they count; the ENI one names
// the ENA driver's counter that shows the same drops on an instance.
func TestLimitDropCounters(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.ENIDropCounter("eni-0aaaaaaaaaaaaaaaa").Add(3)
	m.EndpointIPDropCounter("rslvr-out", "10.0.1.10", "outbound").Inc()
	const want = `
# HELP vpcdns_eni_resolver_pps_limit_drops_total Packets to the VPC resolver dropped because their ENI sent more than the limit per second (AWS: 1024 packets per second per network interface to link-local services; on an instance, the ENA driver counts these drops as linklocal_allowance_exceeded), by ENI.
# TYPE vpcdns_eni_resolver_pps_limit_drops_total counter
vpcdns_eni_resolver_pps_limit_drops_total{eni="eni-0aaaaaaaaaaaaaaaa"} 3
# HELP vpcdns_endpoint_ip_qps_limit_drops_total Queries dropped because one IP address of a Resolver endpoint carried more than its limit per second (AWS: about 10,000, as low as 1,500 when security groups track the connections), by endpoint, ip and direction.
# TYPE vpcdns_endpoint_ip_qps_limit_drops_total counter
vpcdns_endpoint_ip_qps_limit_drops_total{direction="outbound",endpoint="rslvr-out",ip="10.0.1.10"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"vpcdns_eni_resolver_pps_limit_drops_total", "vpcdns_endpoint_ip_qps_limit_drops_total"); err != nil {
		t.Error(err)
	}
}
