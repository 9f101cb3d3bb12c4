package capacity

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/vpcdns/vpcdns/internal/config"
)

// Status of a source or an address against its limit.
const (
	StatusOK      = "ok"
	StatusNear    = "near"     // the peak is at 80% of the limit or more
	StatusAtLimit = "at-limit" // the peak is at 97% of the limit or more
)

// The share of the limit from which a peak is near or at it. A query log
// holds only what got through, so a source throttled by AWS shows a peak
// at the limit, never above it; log timestamps to the second blur it a
// little.
const (
	nearShare    = 0.80
	atLimitShare = 0.97
)

// Fixes, as the report prints them.
const (
	FixENI = "answer most queries on the host with a node-local cache (NodeLocal DNSCache, a local Unbound); " +
		"spread forwarders such as CoreDNS over more nodes (a DaemonSet), each with its own ENI; " +
		"send UDP, not TCP (TCP costs several packets a query)"
	FixEndpoint = "add IP addresses to the endpoint (each carries its own queries per second)"
	FixTracked  = "; make its security group rules untracked (AWS's recommended 0.0.0.0/0 rules) for 10,000 instead of 1,500 per address"
)

// Report is the capacity report of one or more query logs.
type Report struct {
	Logs    []string  `json:"logs"`
	Network string    `json:"network,omitempty"` // the network file that named the sources
	Records int       `json:"records"`
	Skipped int       `json:"skipped"` // lines or records that are no query-log record
	From    time.Time `json:"from,omitzero"`
	To      time.Time `json:"to,omitzero"`
	// Limits are those the report compares against: the network's, or
	// AWS's without one.
	Limits config.Limits `json:"limits"`
	// ENIs are the sources that sent queries to the VPC resolver, hottest
	// first; EndpointAddresses the addresses of Resolver endpoints.
	ENIs              []Source  `json:"enis"`
	EndpointAddresses []Address `json:"endpoint_addresses"`
}

// Rate is the per-second query (or packet) rate of one source over the
// seconds in which it sent anything.
type Rate struct {
	Peak   int       `json:"peak_per_second"`
	PeakAt time.Time `json:"peak_at,omitzero"`
	P99    int       `json:"p99_per_second"`
	// Seconds is how many seconds had a query from the source.
	Seconds int `json:"active_seconds"`
}

// Source is one ENI (or, when the log cannot say which ENI, one source
// address) that sends queries to the VPC resolver.
type Source struct {
	ENI     string `json:"eni"`                // eni-…, i-… (its primary ENI) or the source address
	Kind    string `json:"kind"`               // eni, instance or address
	VPC     string `json:"vpc,omitempty"`      // as logged
	Queries int    `json:"queries"`            // in the log
	TCP     int    `json:"tcp_queries"`        // of which over TCP
	PTR     int    `json:"ptr_queries"`        // of which reverse lookups
	Packets Rate   `json:"packets_per_second"` // UDP 1, TCP 2 a query
	Limit   int    `json:"limit"`              // packets per second; 0: off
	Status  string `json:"status"`
	Fix     string `json:"fix,omitempty"`
}

// Address is one IP address (ENI) of a Resolver endpoint.
type Address struct {
	Endpoint  string `json:"endpoint"`
	Address   string `json:"address"`             // the IP, the rni- id, or "each of N" when estimated
	Direction string `json:"direction,omitempty"` // inbound, outbound; empty when unknown
	// Estimated: the log does not say which address carried a query, so
	// the endpoint's rate is shared evenly over its Addresses.
	Estimated bool   `json:"estimated"`
	Addresses int    `json:"addresses"`
	Queries   int    `json:"queries"`
	Rate      Rate   `json:"queries_per_second"`
	Tracked   bool   `json:"tracked"`
	Limit     int    `json:"limit"`
	Status    string `json:"status"`
	Fix       string `json:"fix,omitempty"`
}

// ExitCode is 1 when a source or an address is at its limit, 0 otherwise.
func (r *Report) ExitCode() int {
	for _, s := range r.ENIs {
		if s.Status == StatusAtLimit {
			return 1
		}
	}
	for _, a := range r.EndpointAddresses {
		if a.Status == StatusAtLimit {
			return 1
		}
	}
	return 0
}

// Analyzer counts entries per source and per endpoint address. n, when
// not nil, names sources by their ENI (emulation.source_map, instances'
// private IPs) and gives each endpoint its direction, its addresses and its
// limit; without it, AWS's limits apply and an endpoint is assumed to have
// two addresses, untracked.
type Analyzer struct {
	n       *config.Network
	limits  config.Limits
	records int
	from    time.Time
	to      time.Time
	sources map[sourceKey]*counts
	eps     map[addrKey]*counts
	// instanceOf maps a VPC and private IP to the instance.
	instanceOf map[vpcAddr]string
}

type sourceKey struct{ id, kind string }

type addrKey struct{ endpoint, address string }

type vpcAddr struct {
	vpc string
	ip  netip.Addr
}

type counts struct {
	vpc                string
	queries, tcp, ptr  int
	perSecond, packets map[int64]int
}

func newCounts() *counts {
	return &counts{perSecond: map[int64]int{}, packets: map[int64]int{}}
}

// NewAnalyzer returns an empty Analyzer for network n (nil: none).
func NewAnalyzer(n *config.Network) *Analyzer {
	a := &Analyzer{
		n: n,
		limits: config.Limits{
			ENIPacketsPerSecond:               config.DefaultENIPacketsPerSecond,
			EndpointIPQueriesPerSecond:        config.DefaultEndpointIPQueriesPerSecond,
			EndpointIPTrackedQueriesPerSecond: config.DefaultEndpointIPTrackedQueriesPerSecond,
		},
		sources:    map[sourceKey]*counts{},
		eps:        map[addrKey]*counts{},
		instanceOf: map[vpcAddr]string{},
	}
	if n != nil {
		a.limits = n.Emulation.Limits
		for _, v := range n.VPCs {
			for _, in := range v.Instances {
				for _, ip := range in.PrivateIPs {
					a.instanceOf[vpcAddr{v.ID, ip}] = in.ID
				}
			}
		}
	}
	return a
}

func (a *Analyzer) endpoint(id string) *config.Endpoint {
	if a.n == nil {
		return nil
	}
	for _, e := range a.n.Endpoints {
		if e.ID == id {
			return e
		}
	}
	return nil
}

// Add counts one entry.
func (a *Analyzer) Add(e Entry) {
	a.records++
	if a.from.IsZero() || e.Time.Before(a.from) {
		a.from = e.Time
	}
	if e.Time.After(a.to) {
		a.to = e.Time
	}
	sec := e.Time.Unix()
	packets := 1
	if e.Transport == "TCP" {
		packets = tcpPackets
	}
	inbound := e.RNI != "" // AWS names the endpoint's interface for inbound queries
	if e.Endpoint != "" {
		ep := a.endpoint(e.Endpoint)
		if ep != nil {
			inbound = !ep.Outbound
		}
		addr := ""
		if e.RNI != "" {
			addr = e.RNI
		}
		c := a.eps[addrKey{e.Endpoint, addr}]
		if c == nil {
			c = newCounts()
			a.eps[addrKey{e.Endpoint, addr}] = c
		}
		c.add(e, sec, 1)
	}
	if inbound {
		return // from outside the VPC: no ENI of it sent this to the VPC resolver
	}
	k := a.sourceOf(e)
	c := a.sources[k]
	if c == nil {
		c = newCounts()
		c.vpc = e.VPC
		a.sources[k] = c
	}
	c.add(e, sec, packets)
}

// tcpPackets is what a query over TCP costs against the ENI limit at least
// (its segment and the ACK of its answer; the handshake comes on top).
const tcpPackets = 2

func (c *counts) add(e Entry, sec int64, packets int) {
	c.queries++
	if e.Transport == "TCP" {
		c.tcp++
	}
	if e.QueryType == "PTR" {
		c.ptr++
	}
	c.perSecond[sec]++
	c.packets[sec] += packets
}

// sourceOf names the ENI an entry came from.
func (a *Analyzer) sourceOf(e Entry) sourceKey {
	if a.n != nil && e.SrcAddr.IsValid() {
		if id, ok := a.n.Emulation.SourceMap[e.SrcAddr]; ok {
			if eniID(id) {
				return sourceKey{id, "eni"}
			}
			return sourceKey{id, "instance"}
		}
		if id, ok := a.instanceOf[vpcAddr{e.VPC, e.SrcAddr}]; ok {
			return sourceKey{id, "instance"}
		}
	}
	if e.Instance != "" {
		return sourceKey{e.Instance, "instance"}
	}
	if e.SrcAddr.IsValid() {
		return sourceKey{e.SrcAddr.String(), "address"}
	}
	return sourceKey{"unknown", "address"}
}

func eniID(s string) bool { return len(s) > 4 && s[:4] == "eni-" }

// Report is the report of what was added; logs name the inputs.
func (a *Analyzer) Report(logs []string, skipped int) *Report {
	r := &Report{Logs: logs, Records: a.records, Skipped: skipped, From: a.from, To: a.to, Limits: a.limits,
		ENIs: []Source{}, EndpointAddresses: []Address{}}
	for k, c := range a.sources {
		s := Source{ENI: k.id, Kind: k.kind, VPC: c.vpc, Queries: c.queries, TCP: c.tcp, PTR: c.ptr,
			Packets: rateOf(c.packets, 1), Limit: a.limits.ENIPacketsPerSecond}
		s.Status = status(s.Packets.Peak, s.Limit)
		if s.Status != StatusOK {
			s.Fix = FixENI
		}
		r.ENIs = append(r.ENIs, s)
	}
	slices.SortFunc(r.ENIs, func(x, y Source) int {
		return cmp.Or(cmp.Compare(y.Packets.Peak, x.Packets.Peak), cmp.Compare(x.ENI, y.ENI))
	})
	for k, c := range a.eps {
		ad := Address{Endpoint: k.endpoint, Address: k.address, Queries: c.queries, Addresses: 2}
		ad.Limit = a.limits.EndpointIPQueriesPerSecond
		if ep := a.endpoint(k.endpoint); ep != nil {
			ad.Direction = "inbound"
			if ep.Outbound {
				ad.Direction = "outbound"
			}
			ad.Addresses = max(len(ep.Addresses), 1)
			ad.Tracked = config.EndpointTracked(a.n, ep)
			ad.Limit = a.limits.EndpointIPLimit(a.n, ep)
		}
		share := 1
		if k.address == "" {
			ad.Estimated = true
			ad.Address = "each of " + strconv.Itoa(ad.Addresses)
			share = ad.Addresses
		}
		ad.Rate = rateOf(c.perSecond, share)
		ad.Status = status(ad.Rate.Peak, ad.Limit)
		if ad.Status != StatusOK {
			ad.Fix = FixEndpoint
			if ad.Tracked {
				ad.Fix += FixTracked
			}
		}
		r.EndpointAddresses = append(r.EndpointAddresses, ad)
	}
	slices.SortFunc(r.EndpointAddresses, func(x, y Address) int {
		return cmp.Or(cmp.Compare(y.Rate.Peak, x.Rate.Peak), cmp.Compare(x.Endpoint, y.Endpoint), cmp.Compare(x.Address, y.Address))
	})
	return r
}

// rateOf is the peak and p99 of per-second counts, each divided by share
// (rounded up).
func rateOf(perSecond map[int64]int, share int) Rate {
	secs := make([]int64, 0, len(perSecond))
	for s := range perSecond {
		secs = append(secs, s)
	}
	slices.Sort(secs)
	vals := make([]int, len(secs))
	var r Rate
	for i, s := range secs {
		v := (perSecond[s] + share - 1) / share
		vals[i] = v
		if v > r.Peak {
			r.Peak, r.PeakAt = v, time.Unix(s, 0).UTC()
		}
	}
	r.Seconds = len(vals)
	if len(vals) > 0 {
		slices.Sort(vals)
		// Nearest rank: the smallest value with at least 99% at or below it.
		rank := (99*len(vals) + 99) / 100
		r.P99 = vals[min(rank, len(vals))-1]
	}
	return r
}

func status(peak, limit int) string {
	switch {
	case limit <= 0:
		return StatusOK
	case float64(peak) >= atLimitShare*float64(limit):
		return StatusAtLimit
	case float64(peak) >= nearShare*float64(limit):
		return StatusNear
	}
	return StatusOK
}
