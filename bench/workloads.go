package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/miekg/dns"
)

// The data behind the workloads. Every server is configured with all of it
// (see configs.go), so the workloads differ only in the queries sent.
const (
	vpcCIDR       = "10.0.0.0/16" // the VPC; W2 asks PTRs of random addresses in it
	ec2Domain     = "ec2.internal."
	phzName       = "bench.internal" // W1: the private hosted zone
	phzNames      = 1000             // W1: A records h0000 … h0999
	onpremReverse = "168.192.in-addr.arpa"
	onpremPTRs    = 100 // W3: PTRs of 192.168.1.1 … 192.168.1.100 on BIND
	missZone      = "miss.example"
	missWildcard  = "192.0.2.1" // W4: BIND's *.miss.example answer
	rulesZone     = "fwd.example"
	ruleCount     = 100_000 // W5: forward rules zNNNNNN.fwd.example
	recordTTL     = 3600    // of the W1 and BIND records: nothing expires during a run
	autodefTTL    = 60      // of vpcdns's autodefined PTRs (behaviour.md §5), copied for Unbound
)

// query is one question of a workload.
type query struct {
	name  string // without the trailing dot
	qtype uint16
}

func (q query) String() string { return q.name + " " + dns.TypeToString[q.qtype] }

// workload is one of W1…W5.
type workload struct {
	id, title string
	// rules is how many forward rules the servers load besides the
	// common data (W5: 100,000).
	rules int
	// needsBIND: the queries are forwarded to the on-premises BIND.
	needsBIND bool
	// unique: every query asks a name never asked before (W4), so the
	// query file is written per measurement and sent once (dnsperf -n 1).
	unique bool
	// tcp: dnsperf sends over TCP (-m tcp), one connection per client
	// (W6).
	tcp bool
	// gen writes the queries: at least n for unique workloads; a fixed
	// shuffled set that dnsperf loops over otherwise. tag makes the
	// names of a unique workload differ between measurements.
	gen func(r *rand.Rand, n int, tag string) []query
}

var workloads = []workload{
	{id: "W1", title: "private hosted zone answers (1,000 names, random order)", gen: genPHZ},
	{id: "W2", title: "autodefined PTR answers (random addresses of a /16)", gen: genPTR},
	{id: "W3", title: "forwarded reverse lookups answered from cache", needsBIND: true, gen: genCachedReverse},
	{id: "W4", title: "forwarded lookups that miss the cache (a unique name per query)", needsBIND: true, unique: true, gen: genMiss},
	{id: "W5", title: "W1 with 100,000 forward rules loaded", rules: ruleCount, gen: genPHZ},
	{id: "W6", title: "W1 over TCP (dnsperf -m tcp, one connection per client)", tcp: true, gen: genPHZ},
	{id: "W7", title: fmt.Sprintf("cold names asked by %d clients at once (each new name sent %d times in a row)", herdSize, herdSize),
		needsBIND: true, unique: true, gen: genHerd},
}

// herdSize is how many queries in a row of W7 ask the same new name: with
// dnsperf's clients taking them in turn, that many clients ask it at once.
const herdSize = 16

func workloadByID(id string) workload {
	for _, w := range workloads {
		if w.id == id {
			return w
		}
	}
	panic("unknown workload " + id)
}

func phzHost(i int) string { return fmt.Sprintf("h%04d.%s", i, phzName) }

// phzAddr is the address of phzHost(i), inside the VPC.
func phzAddr(i int) string { return fmt.Sprintf("10.0.%d.%d", 100+i/250, 1+i%250) }

func onpremPTRName(i int) string { return fmt.Sprintf("%d.1.%s", i, onpremReverse) }

func onpremHost(i int) string { return fmt.Sprintf("host%d.corp.example.", i) }

func ruleDomain(i int) string { return fmt.Sprintf("z%06d.%s", i, rulesZone) }

// genPHZ: 20 shuffled rounds of the 1,000 names.
func genPHZ(r *rand.Rand, _ int, _ string) []query {
	qs := make([]query, 0, 20*phzNames)
	for range 20 {
		for _, i := range r.Perm(phzNames) {
			qs = append(qs, query{phzHost(i), dns.TypeA})
		}
	}
	return qs
}

// genPTR: 100,000 addresses drawn at random from the VPC's /16.
func genPTR(r *rand.Rand, _ int, _ string) []query {
	qs := make([]query, 100_000)
	for i := range qs {
		a := r.IntN(1 << 16)
		qs[i] = query{fmt.Sprintf("%d.%d.0.10.in-addr.arpa", a&0xff, a>>8), dns.TypePTR}
	}
	return qs
}

// genCachedReverse: 100 shuffled rounds of the 100 on-premises PTR names,
// so all but the first 100 queries are cache hits.
func genCachedReverse(r *rand.Rand, _ int, _ string) []query {
	qs := make([]query, 0, 100*onpremPTRs)
	for range 100 {
		for _, i := range r.Perm(onpremPTRs) {
			qs = append(qs, query{onpremPTRName(i + 1), dns.TypePTR})
		}
	}
	return qs
}

// genMiss: n names under miss.example never asked before.
func genMiss(_ *rand.Rand, n int, tag string) []query {
	qs := make([]query, n)
	for i := range qs {
		qs[i] = query{fmt.Sprintf("q%d.%s.%s", i, tag, missZone), dns.TypeA}
	}
	return qs
}

// genHerd: at least n queries, each new name under miss.example asked
// herdSize times in a row.
func genHerd(_ *rand.Rand, n int, tag string) []query {
	qs := make([]query, 0, n+herdSize)
	for i := 0; len(qs) < n; i++ {
		q := query{fmt.Sprintf("h%d.%s.%s", i, tag, missZone), dns.TypeA}
		for range herdSize {
			qs = append(qs, q)
		}
	}
	return qs
}

// probeQuery is the question that says a server is up and has loaded its
// data: a W1 name.
var probeQuery = query{phzHost(0), dns.TypeA}

// writeQueries writes a dnsperf data file: one "name TYPE" per line.
func writeQueries(path string, qs []query) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for _, q := range qs {
		w.WriteString(q.name)
		w.WriteByte(' ')
		w.WriteString(dns.TypeToString[q.qtype])
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
