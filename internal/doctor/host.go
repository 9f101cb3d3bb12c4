package doctor

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// The addresses at which every VPC's Route 53 Resolver answers, besides
// the VPC CIDR's base + 2: the link-local address (IPv4) and its Nitro IPv6
// counterpart.
var (
	linkLocalResolver = netip.MustParseAddr("169.254.169.253")
	nitroV6Resolver   = netip.MustParseAddr("fd00:ec2::253")
	resolvedStub      = netip.MustParseAddr("127.0.0.53")
)

// vpcResolverAddrs are the addresses at which a host in the VPC asks its
// resolver; with --resolver, that address too.
func (r *run) vpcResolverAddrs() []netip.Addr {
	out := []netip.Addr{r.c.ResolverAddr(), linkLocalResolver, nitroV6Resolver}
	if r.external() && !slices.Contains(out, r.opts.Resolver.Addr()) {
		out = append(out, r.opts.Resolver.Addr())
	}
	return out
}

// isVPCResolver reports whether a is an address of the VPC's resolver.
func (r *run) isVPCResolver(a netip.Addr) bool {
	return slices.Contains(r.vpcResolverAddrs(), a.WithZone("").Unmap())
}

func (r *run) resolverAddrList() string {
	var s []string
	for _, a := range r.vpcResolverAddrs() {
		s = append(s, a.String())
	}
	return strings.Join(s, ", ")
}

// hostStep says whether this host asks the VPC resolver at all, from its
// resolv.conf: the answers above are the VPC resolver's, and a host that
// asks another server gets that server's.
func (r *run) hostStep() Step {
	h := r.opts.Host
	s := Step{Step: 6, Name: "host-resolver", Title: "This host's resolver: " + h.File}
	if h.Config == nil {
		s.Status = Skip
		s.Summary = fmt.Sprintf("cannot read %s: %v", h.File, h.Err)
		return s
	}
	c := h.Config
	for _, p := range c.Problems {
		s.Evidence = append(s.Evidence, "skipped "+p)
	}
	var servers []string
	first := -1
	for i, a := range c.Nameservers {
		servers = append(servers, a.String())
		if first < 0 && r.isVPCResolver(a) {
			first = i
		}
	}
	list := strings.Join(servers, ", ")
	switch {
	case len(c.Nameservers) == 0:
		s.Status = Fail
		s.Summary = fmt.Sprintf("no nameserver line: the C library then asks 127.0.0.1, not %s's resolver (%s)", r.c.ID, r.resolverAddrList())
	case first == 0 && c.Rotate && len(c.Nameservers) > 1:
		s.Status = Warn
		s.Summary = fmt.Sprintf("this host asks %s first, but options rotate spreads its queries over %s: some get other servers' answers", c.Nameservers[0], list)
	case first == 0:
		s.Status = Pass
		s.Summary = fmt.Sprintf("this host asks %s's resolver: %s is its first nameserver", r.c.ID, c.Nameservers[0])
		if len(c.Nameservers) > 1 {
			s.Evidence = append(s.Evidence, fmt.Sprintf("the others (%s) are asked only when %s does not answer within %ds", strings.Join(servers[1:], ", "), c.Nameservers[0], c.Timeout))
		}
	case first > 0:
		s.Status = Warn
		s.Summary = fmt.Sprintf("this host asks %s first; %s's resolver (%s) only when the servers before it do not answer within %ds each", strings.Join(servers[:first], ", "), r.c.ID, c.Nameservers[first], c.Timeout)
	case slices.Contains(c.Nameservers, resolvedStub):
		s.Status = Warn
		s.Summary = fmt.Sprintf("this host asks systemd-resolved (%s), whose upstream servers are not in this file: run again with --resolv-conf /run/systemd/resolve/resolv.conf", resolvedStub)
	default:
		s.Status = Fail
		s.Summary = fmt.Sprintf("this host never asks %s's resolver (%s): its queries go to %s, so the answers above are not the ones it gets", r.c.ID, r.resolverAddrList(), list)
	}
	return s
}
