// Package metrics holds vpcdns's Prometheus collectors. They are registered
// on a registry the caller gives, never the global one, so tests and several
// servers in one process do not collide.
package metrics

import (
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Label values of vpcdns_reloads_total's result.
const (
	ReloadSuccess = "success"
	ReloadFailure = "failure"
)

// Reasons of vpcdns_dropped_total: what the server drops without an answer.
const (
	// DropMalformed: a packet with no DNS header, or a TCP frame that is no
	// query (the connection is closed).
	DropMalformed = "malformed"
	// DropResponse: a message with QR set (never answered: no reflection).
	DropResponse = "response"
	// DropFullPathLimit: a UDP query while the full path already holds its
	// limit of queries (an overloaded resolver drops, as on AWS).
	DropFullPathLimit = "full-path-limit"
	// DropTCPFull: a TCP connection closed at once, every open one being
	// busy at the connection limit.
	DropTCPFull = "tcp-full"
	// DropTCPIdleEvicted: an idle TCP connection closed to make room for a
	// new one (RFC 7766 §6.2.3).
	DropTCPIdleEvicted = "tcp-idle-evicted"
)

// dropReasons are created at start, so a rate over each is defined.
var dropReasons = [...]string{DropMalformed, DropResponse, DropFullPathLimit, DropTCPFull, DropTCPIdleEvicted}

// Metrics are the collectors of one server. The vectors are exported for
// callers that need more than the helpers; label order is as documented.
type Metrics struct {
	// Queries counts answered queries by vpc, source (the winning
	// candidate's source name as explain prints it, also for answers served
	// from the cache, or "refused")
	// and rcode mnemonic.
	Queries *prometheus.CounterVec
	// Forwarded counts forwarding attempts by rule, target (ip:port) and
	// outcome (forward.Outcome's names: "ok", "timeout", "blocked", …).
	Forwarded *prometheus.CounterVec
	// ForwardDuration observes each attempt's round trip by rule and target.
	ForwardDuration *prometheus.HistogramVec
	// ForwardTimeouts counts attempts that timed out, by rule and target.
	ForwardTimeouts *prometheus.CounterVec
	// ForwardFailovers counts moves to another target, by rule.
	ForwardFailovers *prometheus.CounterVec
	// Reloads counts configuration reloads by result.
	Reloads *prometheus.CounterVec
	// LastReloadSuccess is the unix time of the last successful reload.
	LastReloadSuccess prometheus.Gauge
	// ENIResolverDrops counts packets dropped because their ENI passed
	// AWS's limit of packets per second to the VPC resolver, by eni.
	ENIResolverDrops *prometheus.CounterVec
	// EndpointIPDrops counts queries dropped because one address of a
	// Resolver endpoint passed its queries per second, by endpoint, ip and
	// direction (inbound or outbound).
	EndpointIPDrops *prometheus.CounterVec
	// FirewallMatches counts DNS Firewall rule matches by vpc, rule group
	// id and action (ALLOW, BLOCK, ALERT).
	FirewallMatches *prometheus.CounterVec
	// FirewallFailures counts queries the firewall of a VPC could not
	// decide, by vpc and mode (fail_open, fail_closed).
	FirewallFailures *prometheus.CounterVec
	// Dropped counts what the server dropped without an answer, by reason
	// (the Drop* constants).
	Dropped *prometheus.CounterVec

	cacheStats   atomic.Pointer[func() CacheStats]
	queryDropped atomic.Pointer[func() uint64]
	now          func() time.Time // for tests
}

// CacheStats are what the cache collectors report. Hits, Misses and
// Evictions count since the cache was made and must not go down.
type CacheStats struct {
	Hits, Misses, Evictions uint64
	Entries                 int
}

// New makes the collectors and registers them on reg; it panics if one is
// already registered there, as prometheus.MustRegister does. The cache and
// query-log collectors report zero until ObserveCache and
// ObserveQueryLogDrops name their sources.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		now: time.Now,
		Queries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vpcdns_queries_total",
			Help: "Queries answered, by VPC, answer source and rcode.",
		}, []string{"vpc", "source", "rcode"}),
		Forwarded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vpcdns_forwarded_queries_total",
			Help: "Forwarding attempts, by rule, target and outcome.",
		}, []string{"rule", "target", "outcome"}),
		ForwardDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "vpcdns_forward_duration_seconds",
			Help: "Round-trip time of forwarding attempts, by rule and target.",
			// 1 ms to 5 s: a forwarded query inside a region takes a
			// millisecond or two, one over a VPN tens of milliseconds,
			// and vpcdns gives up after 3 s by default (behaviour.md §6).
			Buckets: []float64{.001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 5},
		}, []string{"rule", "target"}),
		ForwardTimeouts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vpcdns_forward_timeouts_total",
			Help: "Forwarding attempts that timed out, by rule and target.",
		}, []string{"rule", "target"}),
		ForwardFailovers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vpcdns_forward_failovers_total",
			Help: "Moves to another target after a failed attempt, by rule.",
		}, []string{"rule"}),
		Reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vpcdns_reloads_total",
			Help: "Configuration reloads, by result.",
		}, []string{"result"}),
		LastReloadSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "vpcdns_config_last_reload_success_timestamp_seconds",
			Help: "Unix time of the last successful configuration load.",
		}),
		ENIResolverDrops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vpcdns_eni_resolver_pps_limit_drops_total",
			Help: "Packets to the VPC resolver dropped because their ENI sent more than the limit per second " +
				"(AWS: 1024 packets per second per network interface to link-local services; " +
				"on an instance, the ENA driver counts these drops as linklocal_allowance_exceeded), by ENI.",
		}, []string{"eni"}),
		EndpointIPDrops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vpcdns_endpoint_ip_qps_limit_drops_total",
			Help: "Queries dropped because one IP address of a Resolver endpoint carried more than its limit per second " +
				"(AWS: about 10,000, as low as 1,500 when security groups track the connections), by endpoint, ip and direction.",
		}, []string{"endpoint", "ip", "direction"}),
		FirewallMatches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vpcdns_firewall_rule_matches_total",
			Help: "DNS Firewall rule matches, by VPC, rule group and action.",
		}, []string{"vpc", "rule_group", "action"}),
		FirewallFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vpcdns_firewall_failures_total",
			Help: "Queries the DNS Firewall could not decide, by VPC and failure mode (fail_open, fail_closed).",
		}, []string{"vpc", "mode"}),
		Dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vpcdns_dropped_total",
			Help: "Packets, queries and TCP connections dropped without an answer, by reason.",
		}, []string{"reason"}),
	}
	reg.MustRegister(
		m.FirewallMatches, m.FirewallFailures,
		m.Queries, m.Forwarded, m.ForwardDuration, m.ForwardTimeouts, m.ForwardFailovers,
		m.Reloads, m.LastReloadSuccess, m.ENIResolverDrops, m.EndpointIPDrops, m.Dropped,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newCacheCollector(&m.cacheStats),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "vpcdns_querylog_dropped_total",
			Help: "Query-log records dropped because a destination's queue was full.",
		}, func() float64 {
			if f := m.queryDropped.Load(); f != nil {
				return float64((*f)())
			}
			return 0
		}),
	)
	// Both results exist from the start, so a rate over them is defined.
	m.Reloads.WithLabelValues(ReloadSuccess)
	m.Reloads.WithLabelValues(ReloadFailure)
	for _, r := range dropReasons {
		m.Dropped.WithLabelValues(r)
	}
	return m
}

// Drop counts one thing dropped for reason (a Drop* constant).
func (m *Metrics) Drop(reason string) {
	m.Dropped.WithLabelValues(reason).Inc()
}

// ObserveCache makes the cache collectors read f at each scrape. Safe to
// call at any time; the last call wins.
func (m *Metrics) ObserveCache(f func() CacheStats) { m.cacheStats.Store(&f) }

// ObserveQueryLogDrops makes vpcdns_querylog_dropped_total read f at each
// scrape; the count it returns must not go down (keep counting across
// reloads). Safe to call at any time; the last call wins.
func (m *Metrics) ObserveQueryLogDrops(f func() uint64) { m.queryDropped.Store(&f) }

// Query counts one answered query: vpc id ("" when it belongs to none), the
// source that answered (explain's candidate source names, or e.g. "refused")
// and the rcode mnemonic.
func (m *Metrics) Query(vpc, source, rcode string) {
	m.Queries.WithLabelValues(vpc, source, rcode).Inc()
}

// QueryCounter is the counter Query increments for these labels, for a
// caller that counts the same labels many times and keeps it.
func (m *Metrics) QueryCounter(vpc, source, rcode string) prometheus.Counter {
	return m.Queries.WithLabelValues(vpc, source, rcode)
}

// ForwardAttempt records one attempt to send a query to target for rule: its
// outcome and duration, and a timeout when timedOut (a blocked network path
// counts as one, behaviour.md §6).
func (m *Metrics) ForwardAttempt(rule, target, outcome string, d time.Duration, timedOut bool) {
	m.Forwarded.WithLabelValues(rule, target, outcome).Inc()
	m.ForwardDuration.WithLabelValues(rule, target).Observe(d.Seconds())
	if timedOut {
		m.ForwardTimeouts.WithLabelValues(rule, target).Inc()
	}
}

// ENIDropCounter is the counter of packets from eni dropped at the VPC
// resolver's limit, for a caller that keeps it.
func (m *Metrics) ENIDropCounter(eni string) prometheus.Counter {
	return m.ENIResolverDrops.WithLabelValues(eni)
}

// EndpointIPDropCounter is the counter of queries dropped at the limit of
// one endpoint address; direction is "inbound" or "outbound".
func (m *Metrics) EndpointIPDropCounter(endpoint, ip, direction string) prometheus.Counter {
	return m.EndpointIPDrops.WithLabelValues(endpoint, ip, direction)
}

// FirewallMatch counts one match of a rule of a rule group.
func (m *Metrics) FirewallMatch(vpc, group, action string) {
	m.FirewallMatches.WithLabelValues(vpc, group, action).Inc()
}

// FirewallMatchCounter is the counter FirewallMatch increments, to keep.
func (m *Metrics) FirewallMatchCounter(vpc, group, action string) prometheus.Counter {
	return m.FirewallMatches.WithLabelValues(vpc, group, action)
}

// FirewallFailure counts a query the firewall could not decide.
func (m *Metrics) FirewallFailure(vpc string, open bool) {
	mode := "fail_closed"
	if open {
		mode = "fail_open"
	}
	m.FirewallFailures.WithLabelValues(vpc, mode).Inc()
}

// Failovers counts n moves to another target of rule.
func (m *Metrics) Failovers(rule string, n int) {
	m.ForwardFailovers.WithLabelValues(rule).Add(float64(n))
}

// Reload counts a configuration reload by result; a successful one also
// sets vpcdns_config_last_reload_success_timestamp_seconds to now.
func (m *Metrics) Reload(ok bool) {
	if !ok {
		m.Reloads.WithLabelValues(ReloadFailure).Inc()
		return
	}
	m.Reloads.WithLabelValues(ReloadSuccess).Inc()
	m.LastReloadSuccess.Set(float64(m.now().UnixNano()) / 1e9)
}

// Handler serves the metrics of g (a *prometheus.Registry) in the
// Prometheus exposition format.
func Handler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{})
}

// cacheCollector reads the cache's counters once per scrape.
type cacheCollector struct {
	stats                            *atomic.Pointer[func() CacheStats]
	hits, misses, evictions, entries *prometheus.Desc
}

func newCacheCollector(stats *atomic.Pointer[func() CacheStats]) *cacheCollector {
	return &cacheCollector{
		stats: stats,
		hits: prometheus.NewDesc("vpcdns_cache_hits_total",
			"Cache lookups answered with a live entry.", nil, nil),
		misses: prometheus.NewDesc("vpcdns_cache_misses_total",
			"Cache lookups without a live entry (stale ones included).", nil, nil),
		evictions: prometheus.NewDesc("vpcdns_cache_evictions_total",
			"Live cache entries removed to make room.", nil, nil),
		entries: prometheus.NewDesc("vpcdns_cache_entries",
			"Entries held by the cache, expired ones not yet removed included.", nil, nil),
	}
}

func (c *cacheCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.hits
	ch <- c.misses
	ch <- c.evictions
	ch <- c.entries
}

func (c *cacheCollector) Collect(ch chan<- prometheus.Metric) {
	var st CacheStats
	if f := c.stats.Load(); f != nil {
		st = (*f)()
	}
	ch <- prometheus.MustNewConstMetric(c.hits, prometheus.CounterValue, float64(st.Hits))
	ch <- prometheus.MustNewConstMetric(c.misses, prometheus.CounterValue, float64(st.Misses))
	ch <- prometheus.MustNewConstMetric(c.evictions, prometheus.CounterValue, float64(st.Evictions))
	ch <- prometheus.MustNewConstMetric(c.entries, prometheus.GaugeValue, float64(st.Entries))
}
