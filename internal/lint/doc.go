// Package lint finds, in a whole network, everything that would make
// queries fail or surprise (vpcdns lint, cli.md): each finding with a stable
// id, a severity, the resources involved, the evidence, what happens to
// queries, and the fix. It reads the compiled view (the same choice and the
// same path checks that serve and explain use) and sends nothing.
//
// Severities: error — queries fail (SERVFAIL, no answer, a loop); warning —
// some queries fail, intermittently or for part of the names, or an answer
// comes from somewhere the configuration did not mean; info — worth
// knowing, nothing fails. vpcdns lint exits 2 with any error, 1 with
// warnings only, 0 otherwise.
//
// # Catalogue
//
// The ids are stable: a kind of finding keeps its id forever, and a
// retired id is never reused.
//
//	id           severity  name                               meaning / fix
//	VPCDNS-L001  error     forward-all-paths-blocked          Every path from the rule's outbound endpoint to every
//	                                                          target is blocked (security group, network ACL, route,
//	                                                          gateway): every query of the rule gets SERVFAIL.
//	                                                          Fix: change the resource the failing check names.
//	VPCDNS-L002  warning   forward-some-paths-blocked         Some endpoint-address-to-target paths are blocked, others
//	                                                          open: attempts pick at random, so queries are slow or
//	                                                          fail intermittently. Fix: open the blocked paths (check
//	                                                          and resource named) or remove the unreachable target.
//	VPCDNS-L003  warning   udp-without-tcp                    A security group or network ACL passes DNS over UDP but
//	                                                          not TCP (outbound paths, or an inbound endpoint's
//	                                                          ingress): truncated answers fail on the TCP retry.
//	                                                          Fix: allow tcp 53 (and tcp 1024-65535 back) as for udp.
//	VPCDNS-L004  warning   nacl-ephemeral-partial             A network ACL lets replies back on only part of
//	                                                          1024-65535: replies to other source ports are dropped.
//	                                                          Fix: allow inbound udp and tcp 1024-65535 from targets.
//	VPCDNS-L005  warning   reverse-rule-shadowed              A forward rule for a reverse domain (10.in-addr.arpa) is
//	                                                          less specific than autodefined reverse zones of an
//	                                                          associated VPC (0.10.in-addr.arpa): those addresses never
//	                                                          reach the rule. Names the zones and prefixes. Fix: a
//	                                                          rule for each exact zone, or autodefined_reverse: disable.
//	VPCDNS-L006  warning   zone-hidden-by-rule                A forward rule of the same VPC has a private hosted
//	                                                          zone's domain (hides all of it) or a domain inside it
//	                                                          (hides the names below). Fix: disassociate the rule or
//	                                                          the zone, or move the records.
//	VPCDNS-L007  error     rule-on-vpc-without-dns-support    A rule is associated with a VPC whose DNS support is
//	                                                          off: its resolver answers nothing. Fix: turn DNS
//	                                                          support on, or disassociate the rule.
//	VPCDNS-L008  error     zone-on-vpc-without-dns-hostnames  A private hosted zone is associated with a VPC with DNS
//	                                                          hostnames (or support) off: the zone never answers
//	                                                          there. Fix: turn DNS hostnames (and support) on.
//	VPCDNS-L009  error     forwarding-loop                    A rule targets an inbound endpoint (or the resolver) of a
//	                                                          VPC whose rules send the same names back, directly
//	                                                          (RSLVR-00804) or through other VPCs: SERVFAIL after the
//	                                                          budget. Fix: disassociate, or target the owning servers.
//	VPCDNS-L010  warning   endpoint-single-az                 Every address of an endpoint is in one availability
//	                                                          zone. Fix: an address in another zone.
//	VPCDNS-L011  warning   target-inside-vpc                  A rule targets an address inside an associated VPC's
//	                                                          CIDR that is no inbound endpoint (the VPC resolver, a
//	                                                          typo, or a DNS server on EC2 — info when a declared
//	                                                          instance has it). Fix: target the inbound endpoint, or
//	                                                          make sure that server does not forward back.
//	VPCDNS-L012  error     remote-network-down                A target is reached only through a VPN or Direct Connect
//	                                                          network that is down. Fix: bring it up, or add targets
//	                                                          reached another way.
//	VPCDNS-L013  warning   peering-without-dns-resolution     A VPC routes to a peer over a peering without
//	                                                          allow_dns_resolution: the peer's PTR and EC2 names do not
//	                                                          resolve from it (see below). Fix: allow_dns_resolution.
//	VPCDNS-L014  warning   inbound-endpoint-closed            The security groups of an inbound endpoint let no udp 53
//	                                                          in: on AWS its clients time out. Fix: ingress udp and
//	                                                          tcp 53 from the clients' networks.
//	VPCDNS-L015  info      rule-not-associated                A rule is associated with no VPC: no effect. Fix:
//	                                                          associate or delete it.
//	VPCDNS-L016  info      broad-forward-without-system-rule  A forward rule for . or com. takes amazonaws.com names
//	                                                          from a VPC without a system rule for amazonaws.com. Fix:
//	                                                          add that system rule, as AWS recommends.
//	VPCDNS-L017  warning   dhcp-bypasses-resolver             A VPC's DHCP option set has no AmazonProvidedDNS among
//	                                                          its domain-name-servers: its instances never ask the VPC
//	                                                          resolver. Names the option set, the VPC and what each
//	                                                          server is. Fix: add AmazonProvidedDNS, or forward the
//	                                                          custom servers to an inbound endpoint.
//	VPCDNS-L018  warning   path-unknown                       A rule's path to a target crosses what vpcdns does not
//	                                                          model (unmodeled:, an unreadable prefix list, a NAT
//	                                                          gateway's onward route): its verdict is unknown, never
//	                                                          ok. Fix: check that resource by hand, or import again.
//	VPCDNS-L019  warning   firewall-rule-shadowed             A DNS Firewall rule never acts: an ALLOW or BLOCK rule
//	                                                          evaluated before it covers every name of its list (and
//	                                                          its query type). Fix: reorder, narrow, or delete.
//	VPCDNS-L020  warning   firewall-override-blocked          A BLOCK OVERRIDE rule's CNAME target is itself blocked.
//	                                                          Fix: allow the target first, or override elsewhere.
//	VPCDNS-L021  warning   firewall-on-vpc-without-dns-support
//	                                                          A rule group is associated with a VPC whose DNS support
//	                                                          is off: it filters nothing. Fix: DNS support, or
//	                                                          disassociate.
//	VPCDNS-L022  info      firewall-list-unused               A firewall domain list is used by no rule. Fix: add a
//	                                                          rule for it, or delete it.
//	VPCDNS-L023  warning   endpoint-capacity-exceeded         A resolver endpoint's expected_qps is more than its
//	                                                          addresses carry (10,000/s each, 1,500/s when tracked).
//	                                                          Fix: more addresses, or untracked security group rules.
//	VPCDNS-L024  warning   eni-resolver-limit-exceeded        An instance's expected_qps is above the 1,024 packets/s
//	                                                          one ENI may send to the VPC resolver. Fix: a node-local
//	                                                          cache, more ENIs, UDP rather than TCP.
//
// # Definitions
//
// A path is one endpoint address to one target over one protocol, checked
// as explain shows it (behaviour.md §7). L001/L002 count UDP paths (the
// first attempt is UDP); a path blocked only because a remote network is
// down is L012's, and one blocked only by a partial ephemeral range is
// L004's, so each cause is reported once.
//
// L005 compares each forward rule under in-addr.arpa with the autodefined
// reverse zones of every VPC it is associated with (the VPC's CIDRs, its
// connected VPCs' CIDRs and the RFC 1918 ranges, behaviour.md §2, §4); a
// zone counts when it is strictly below the rule's domain and still wins
// the choice in that VPC (no rule or zone of its exact domain overrides it).
//
// L009 follows a query for each forward rule's domain from every VPC: when
// the rule that decides the domain there targets an address of an inbound
// endpoint (port 53) or a VPC resolver (base + 2), the query continues in
// that endpoint's VPC; coming back to a VPC already on the way is a loop.
// Loops through servers outside the model (an on-premises forwarder that
// sends the names back) cannot be seen.
//
// L013: the names of a peer are expected to resolve from a VPC when the
// VPC routes to the peer over the peering (a route whose target is the
// peering), the VPC has DNS support and hostnames on, the two are not
// joined for DNS another way (a transit gateway), and no forward rule or
// private hosted zone of the VPC answers the peer's reverse zone instead.
// Private hosted zones are never shared over a peering, with or without
// DNS resolution, so a zone associated only with the peer is not a
// finding of this kind.
//
// L019 compares each firewall rule of a VPC with every ALLOW or BLOCK rule
// evaluated before it there (docs/firewall.md): the earlier rule covers the
// later one when its query type is none or the same, it does not trust
// redirection chains that the later rule inspects, and every entry of the
// later list is in the earlier list, under one of its wildcards, or under
// "*". Rules with an empty list are left out (they never match anything).
// L020 evaluates each OVERRIDE rule's domain with the VPC's firewall, as a
// query of type A (or the rule's query type).
package lint
