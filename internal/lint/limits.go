package lint

import (
	"fmt"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
)

// capacity finds L023 (an endpoint's addresses cannot carry its
// expected_qps) and L024 (an instance's expected_qps is above the per-ENI
// limit to the VPC resolver), against the network's limits (docs/limits.md).
func (l *linter) capacity() {
	lim := l.n.Emulation.Limits
	for _, e := range l.n.Endpoints {
		perIP := lim.EndpointIPLimit(l.n, e)
		if e.ExpectedQPS == 0 || perIP <= 0 || len(e.Addresses) == 0 {
			continue
		}
		carry := perIP * len(e.Addresses)
		if e.ExpectedQPS <= carry {
			continue
		}
		tracked := config.EndpointTracked(l.n, e)
		need := (e.ExpectedQPS + perIP - 1) / perIP
		conn := "untracked"
		if tracked {
			conn = "tracked (its security group rules are not the 0.0.0.0/0 kind AWS leaves untracked)"
		}
		dir := "inbound"
		if e.Outbound {
			dir = "outbound"
		}
		fix := fmt.Sprintf("Give %s %d IP addresses or more (one per subnet, AWS allows up to 6 per endpoint)", e.ID, need)
		if tracked && lim.EndpointIPQueriesPerSecond > 0 {
			untracked := (e.ExpectedQPS + lim.EndpointIPQueriesPerSecond - 1) / lim.EndpointIPQueriesPerSecond
			fix += fmt.Sprintf(", or make its connections untracked (%s) so that %d address(es) carry it", untrackedRules(e), max(untracked, 2))
		}
		ids := []string{e.ID}
		for _, sg := range e.SecurityGroups {
			ids = append(ids, sg.ID)
		}
		l.add(EndpointCapacity, Finding{
			Title:     fmt.Sprintf("%s endpoint %s is expected to carry %d queries/s; its %d address(es) carry %d", dir, e.ID, e.ExpectedQPS, len(e.Addresses), carry),
			Resources: l.resources(ids...),
			Evidence: []string{
				fmt.Sprintf("expected_qps: %d", e.ExpectedQPS),
				fmt.Sprintf("%d address(es) × %d queries/s per address (connections %s)", len(e.Addresses), perIP, conn),
			},
			Impact: fmt.Sprintf("at the expected rate AWS drops about %d queries/s at %s's addresses: those queries time out (SERVFAIL from a forwarder); vpcdns serve drops them too and counts them in vpcdns_endpoint_ip_qps_limit_drops_total", e.ExpectedQPS-carry, e.ID),
			Fix:    fix + ".",
		})
	}
	if lim.ENIPacketsPerSecond <= 0 {
		return
	}
	for _, v := range l.n.VPCs {
		for _, in := range v.Instances {
			if in.ExpectedQPS <= lim.ENIPacketsPerSecond {
				continue
			}
			enis := (in.ExpectedQPS + lim.ENIPacketsPerSecond - 1) / lim.ENIPacketsPerSecond
			l.add(ENIResolverLimit, Finding{
				Title:     fmt.Sprintf("instance %s is expected to send %d queries/s to the VPC resolver; one ENI may send %d packets/s", in.ID, in.ExpectedQPS, lim.ENIPacketsPerSecond),
				Resources: l.resources(in.ID, v.ID),
				Evidence: []string{
					fmt.Sprintf("expected_qps: %d", in.ExpectedQPS),
					fmt.Sprintf("limit: %d packets/s per ENI to the VPC resolver (one UDP query is one packet; over TCP a query costs several)", lim.ENIPacketsPerSecond),
				},
				Impact: fmt.Sprintf("AWS drops about %d packets/s from %s's ENI without an answer, and neither query logs nor flow logs show it (the ENA counter linklocal_allowance_exceeded does); vpcdns serve drops them for a source mapped to %s in emulation.source_map", in.ExpectedQPS-lim.ENIPacketsPerSecond, in.ID, in.ID),
				Fix:    fmt.Sprintf("Cache answers on the host (NodeLocal DNSCache, a local Unbound) so most queries never leave it, or spread the forwarding over %d ENIs or more (more nodes or instances), and use UDP rather than TCP.", enis),
			})
		}
	}
}

// untrackedRules says which rules make e's DNS connections untracked.
func untrackedRules(e *config.Endpoint) string {
	var b strings.Builder
	if e.Outbound {
		b.WriteString("egress udp to 0.0.0.0/0 on the target port and ingress udp from 0.0.0.0/0 on all ports")
	} else {
		b.WriteString("ingress udp 53 from 0.0.0.0/0 and egress udp to 0.0.0.0/0 on all ports")
	}
	return b.String()
}
