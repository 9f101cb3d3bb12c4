package doctor

import (
	"fmt"
	"net/netip"

	"github.com/vpcdns/vpcdns/internal/config"
)

// The rate limits of AWS are the other cause of timeouts and of SERVFAIL
// when the targets answer and the paths are open (docs/limits.md): AWS,
// and vpcdns serve, drop what goes past them without an answer.

// eniLimit names the ENI limit when doctor's own query to the VPC
// resolver counts against it: the resolver is on loopback, so doctor asks
// from 127.0.0.1 (or ::1), and emulation.source_map maps that address to
// an ENI. It returns the conclusion and the change, or "" when the limit
// cannot be the cause.
func (r *run) eniLimit() (string, string) {
	lim := r.n.Emulation.Limits.ENIPacketsPerSecond
	if lim <= 0 || !r.resolver.IsValid() {
		return "", ""
	}
	src := netip.AddrFrom4([4]byte{127, 0, 0, 1})
	if r.resolver.Addr().Is6() && !r.resolver.Addr().Is4In6() {
		src = netip.IPv6Loopback()
	}
	eni, ok := r.n.Emulation.SourceMap[src]
	if !ok {
		return "", ""
	}
	return fmt.Sprintf("Send fewer queries from %s, or cache them on the host: the VPC resolver of %s did not answer, and doctor asks from %s, which emulation.source_map maps to %s. "+
		"Past %d packets per second from one ENI, AWS drops what goes to the VPC resolver without an answer or a query-log record, and vpcdns serve does the same "+
		"(vpcdns_eni_resolver_pps_limit_drops_total{eni=%q}; on an instance, the ENA counter linklocal_allowance_exceeded). "+
		"Fix: a node-local cache, more ENIs for the forwarders, UDP rather than TCP (vpcdns capacity reads the query logs).",
		eni, r.c.ID, src, eni, lim, eni), eni
}

// endpointLimit names the outbound endpoint's capacity when the forward
// goes through one and the resolver answered SERVFAIL though the targets
// answer: definite when the endpoint's expected_qps is more than its
// addresses carry, otherwise a cause to rule out with the drop counter.
func (r *run) endpointLimit() (string, string) {
	f := r.forward()
	if f == nil || f.Endpoint == nil {
		return "", ""
	}
	e := f.Endpoint
	perIP := r.n.Emulation.Limits.EndpointIPLimit(r.n, e)
	if perIP <= 0 {
		return "", ""
	}
	tracked := "untracked"
	if config.EndpointTracked(r.n, e) {
		tracked = "tracked by its security groups"
	}
	carry := perIP * len(e.Addresses)
	if e.ExpectedQPS > carry {
		need := (e.ExpectedQPS + perIP - 1) / perIP
		return fmt.Sprintf("Give %s %d IP addresses or more: it is expected to carry %d queries/s, and its %d address(es) carry %d (%d per address, connections %s). "+
			"AWS drops the queries past that, the forward times out and the resolver answers SERVFAIL, which is what happened while the targets answer directly "+
			"(vpcdns serve counts them in vpcdns_endpoint_ip_qps_limit_drops_total{endpoint=%q}).",
			e.ID, need, e.ExpectedQPS, len(e.Addresses), carry, perIP, tracked, e.ID), e.ID
	}
	return "", ""
}

// endpointHint is the sentence added to a SERVFAIL conclusion when the
// forward goes through an endpoint: its capacity is a cause to rule out.
func (r *run) endpointHint() string {
	f := r.forward()
	if f == nil || f.Endpoint == nil {
		return ""
	}
	perIP := r.n.Emulation.Limits.EndpointIPLimit(r.n, f.Endpoint)
	if perIP <= 0 {
		return ""
	}
	return fmt.Sprintf(" If vpcdns_endpoint_ip_qps_limit_drops_total{endpoint=%q} rises, the forwards go past %s's capacity of %d queries/s per address (AWS's limit): add addresses to it.",
		f.Endpoint.ID, f.Endpoint.ID, perIP)
}
