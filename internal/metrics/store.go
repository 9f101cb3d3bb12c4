package metrics

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// StoreStats are what the store collectors report: whether the state store
// answered its last use, the changes committed since start, and how many
// of them DNS does not answer from yet.
type StoreStats struct {
	Up               bool
	Commits, Refused uint64 // refused: the store could not be reached
	PendingChanges   uint64
	Rebuilds         uint64
	RebuildFailures  uint64
	// Reloads are full reloads of a shared store's state (another
	// instance's change, a compacted watch); Conflicts are changes that
	// found the shared store changed under them (and were run again).
	Reloads, Conflicts uint64
	// Followed are other instances' changes applied record by record
	// from the watch, without a reload.
	Followed uint64
}

// StoreMetrics are the collectors of the API's state store. They report
// zero until ObserveStore names their source.
type StoreMetrics struct {
	stats atomic.Pointer[func() StoreStats]
}

// NewStore registers the store collectors on reg.
func NewStore(reg prometheus.Registerer) *StoreMetrics {
	m := &StoreMetrics{}
	get := func() StoreStats {
		if f := m.stats.Load(); f != nil {
			return (*f)()
		}
		return StoreStats{}
	}
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "vpcdns_store_up",
			Help: "1 when the state store answered its last use, else 0; DNS keeps answering either way.",
		}, func() float64 {
			if get().Up {
				return 1
			}
			return 0
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "vpcdns_store_commits_total",
			Help: "API changes committed to the state store.",
		}, func() float64 { return float64(get().Commits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "vpcdns_store_unavailable_total",
			Help: "API changes refused with ServiceUnavailable because the state store could not be reached.",
		}, func() float64 { return float64(get().Refused) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "vpcdns_dns_pending_changes",
			Help: "Committed changes that DNS does not answer from yet (the background rebuild is behind by this many).",
		}, func() float64 { return float64(get().PendingChanges) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "vpcdns_dns_rebuilds_total",
			Help: "Background rebuilds of the DNS view after API changes.",
		}, func() float64 { return float64(get().Rebuilds) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "vpcdns_dns_rebuild_failures_total",
			Help: "Background rebuilds that failed; DNS answered from the previous network.",
		}, func() float64 { return float64(get().RebuildFailures) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "vpcdns_store_reloads_total",
			Help: "Full reloads of the shared (etcd) state: after a compacted watch, or a change of this instance that found another's under it.",
		}, func() float64 { return float64(get().Reloads) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "vpcdns_store_followed_total",
			Help: "Other instances' changes to the shared (etcd) state applied from the watch, record by record, without a full reload.",
		}, func() float64 { return float64(get().Followed) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "vpcdns_store_conflicts_total",
			Help: "API changes that found the shared (etcd) state changed by another instance and were run again on the fresh state.",
		}, func() float64 { return float64(get().Conflicts) }),
	)
	return m
}

// ObserveStore makes the store collectors read f at each scrape.
func (m *StoreMetrics) ObserveStore(f func() StoreStats) { m.stats.Store(&f) }
