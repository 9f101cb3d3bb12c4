package lint

import "fmt"

// Entry is one kind of finding of the catalogue.
type Entry struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Severity is the usual severity; L011 is info for a declared instance.
	Severity Severity `json:"severity"`
	Meaning  string   `json:"meaning"`
	Fix      string   `json:"fix"`
}

var catalogue = []Entry{
	{"VPCDNS-L001", "forward-all-paths-blocked", Error,
		"Every network path from the rule's outbound endpoint to every target is blocked (security group, network ACL, route or gateway): every query the rule takes gets SERVFAIL after the forward time budget.",
		"Change the resource the failing check names: egress udp and tcp 53 in the security group, outbound 53 and inbound 1024-65535 in the network ACL, a route to the targets through a gateway that reaches them."},
	{"VPCDNS-L002", "forward-some-paths-blocked", Warning,
		"Some endpoint-address-to-target paths of a rule are blocked and others open: each attempt picks a target and an endpoint address at random, so queries are slow or fail intermittently.",
		"Open the blocked paths (the failing check and its resource are named), or remove the target that cannot be reached."},
	{"VPCDNS-L003", "udp-without-tcp", Warning,
		"A security group or network ACL lets DNS through over UDP but not over TCP: answers too large for UDP come back truncated, the TCP retry fails, and those queries get SERVFAIL.",
		"Allow tcp 53 (and, in network ACLs, tcp 1024-65535 back) wherever udp is allowed."},
	{"VPCDNS-L004", "nacl-ephemeral-partial", Warning,
		"A network ACL lets replies back on only part of the ephemeral ports 1024-65535: a reply to a source port outside that part is dropped, so queries time out at random (vpcdns serve treats the path as blocked).",
		"Allow inbound udp and tcp 1024-65535 from the targets."},
	{"VPCDNS-L005", "reverse-rule-shadowed", Warning,
		"A forward rule for a reverse domain is less specific than autodefined reverse zones of a VPC it is associated with (its CIDRs, connected VPCs' CIDRs, the RFC 1918 ranges): PTR queries for those addresses are answered by the VPC resolver itself and never reach the rule.",
		"Create a forward rule for each exact autodefined zone (a rule beats the autodefined rule of the same domain), or set autodefined_reverse: disable on the VPC."},
	{"VPCDNS-L006", "zone-hidden-by-rule", Warning,
		"A forward rule associated with the same VPC as a private hosted zone has the zone's domain (the rule wins for every name) or a domain inside it (the rule wins for the names below it): those names are never answered from the zone.",
		"Disassociate the rule from the VPC (or the zone from the VPC), or move the records to the servers the rule forwards to."},
	{"VPCDNS-L007", "rule-on-vpc-without-dns-support", Error,
		"A resolver rule is associated with a VPC whose DNS support is off: that VPC's resolver answers nothing, so the rule never applies and every query from the VPC times out.",
		"Set enable_dns_support: true on the VPC, or disassociate the rule."},
	{"VPCDNS-L008", "zone-on-vpc-without-dns-hostnames", Error,
		"A private hosted zone is associated with a VPC that has DNS hostnames (or DNS support) off: the VPC's resolver does not answer from the zone, and its names go to the next candidate (usually the internet rule).",
		"Set enable_dns_hostnames: true (and enable_dns_support: true) on the VPC."},
	{"VPCDNS-L009", "forwarding-loop", Error,
		"A forward rule sends queries to an inbound endpoint (or the resolver) of a VPC where the same names are forwarded again, back where they came from: directly (AWS refuses that association, RSLVR-00804) or through other VPCs' rules. The query goes round until the time budget ends: SERVFAIL.",
		"Disassociate the rule from the VPC whose inbound endpoint it targets, or point the targets at the servers that own the domain."},
	{"VPCDNS-L010", "endpoint-single-az", Warning,
		"Every address of a resolver endpoint is in one availability zone: if that zone fails, the endpoint stops (outbound: every forward through it fails; inbound: on-premises clients lose the VPC's names).",
		"Put at least one address in a subnet of another availability zone."},
	{"VPCDNS-L011", "target-inside-vpc", Warning,
		"A forward rule targets an address inside the CIDR of a VPC it is associated with, and no inbound endpoint has that address: the query leaves through the outbound endpoint only to come back into the VPC; a server there that forwards to the VPC resolver makes a loop, and a mistyped address times out. Info when a declared instance has the address (a DNS server on EC2).",
		"Target the inbound endpoint's addresses if that was meant; for your own DNS server on an instance, make sure it does not forward the domain back to the VPC resolver."},
	{"VPCDNS-L012", "remote-network-down", Error,
		"A rule's target is reached only through a VPN or Direct Connect network whose state is down: attempts to it time out, and when every target is behind it every query gets SERVFAIL.",
		"Bring the remote network up (state: up), or add targets that are reached another way."},
	{"VPCDNS-L013", "peering-without-dns-resolution", Warning,
		"Two VPCs route to each other over a peering with allow_dns_resolution off: PTR queries for the peer's addresses are not answered with the peer's EC2 names (the RFC 1918 autodefined zone answers NXDOMAIN, or the internet rule takes them), and the peer's instance names and regional EC2 names do not resolve.",
		"Set allow_dns_resolution: true on the peering (DNS support must be on in both VPCs)."},
	{"VPCDNS-L014", "inbound-endpoint-closed", Warning,
		"The security groups of an inbound endpoint let no DNS query in (udp 53): on AWS every client outside times out. vpcdns serve does not model inbound security groups and answers anyway.",
		"Add ingress rules allowing udp and tcp 53 from the clients' networks."},
	{"VPCDNS-L015", "rule-not-associated", Info,
		"A resolver rule is associated with no VPC: it has no effect.",
		"Associate it with the VPCs that need it (vpcs:), or delete it."},
	{"VPCDNS-L016", "broad-forward-without-system-rule", Info,
		"A forward rule for . or com. takes the names of AWS services (amazonaws.com) from a VPC that has no system rule for amazonaws.com: they go to your servers instead of being resolved by AWS.",
		"Add a system rule for amazonaws.com associated with the VPC, as AWS recommends."},
	{"VPCDNS-L017", "dhcp-bypasses-resolver", Warning,
		"A VPC's DHCP option set lists domain-name-servers without AmazonProvidedDNS (or the VPC resolver's address): its instances send their queries to those servers and never ask the VPC resolver, so none of the VPC's rules, private hosted zones, VPC endpoint names or autodefined names apply to them unless those servers forward to an inbound endpoint.",
		"Add AmazonProvidedDNS to the option set's domain-name-servers (or associate the VPC with an option set that has it), or make the custom servers forward to an inbound endpoint of the VPC."},
	{"VPCDNS-L018", "path-unknown", Warning,
		"A forward rule's path to a target crosses something vpcdns does not model (a resource listed under unmodeled:, such as a Gateway Load Balancer endpoint or Network Firewall in a route, a prefix list that could not be read, a NAT gateway's onward route, a security group an instance may carry): the verdict of that path is unknown, never ok, and whether the rule's queries are answered cannot be told from the configuration.",
		"Check the named resource by hand (or grant the import the permission it lacked and import again); vpcdns serve tries such targets as if open."},
	{"VPCDNS-L019", "firewall-rule-shadowed", Warning,
		"A DNS Firewall rule can never act: a rule evaluated before it in a VPC (an earlier rule group by association priority, or a lower priority number in the same group) ALLOWs or BLOCKs every name its domain list holds, for every query type it applies to.",
		"Reorder the rules or associations, narrow the earlier rule's list, or delete the rule that never acts."},
	{"VPCDNS-L020", "firewall-override-blocked", Warning,
		"A BLOCK OVERRIDE rule answers with a CNAME to a domain that the VPC's firewall itself blocks: clients get the CNAME and then no address.",
		"Allow the override domain with an earlier ALLOW rule, or override with a domain that is not blocked."},
	{"VPCDNS-L021", "firewall-on-vpc-without-dns-support", Warning,
		"A DNS Firewall rule group is associated with a VPC whose DNS support is off: the VPC resolver answers nothing, so the rule group filters nothing there.",
		"Set enable_dns_support: true on the VPC, or disassociate the rule group."},
	{"VPCDNS-L022", "firewall-list-unused", Info,
		"A firewall domain list is used by no rule of any rule group: its domains are not filtered.",
		"Add a rule for the list to a rule group associated with the VPCs, or delete the list."},
	{"VPCDNS-L023", "endpoint-capacity-exceeded", Warning,
		"A resolver endpoint's expected_qps is more than its addresses carry: AWS documents about 10,000 queries per second per endpoint address, as low as 1,500 when security groups track the connections. Past that, queries are dropped and time out.",
		"Add IP addresses to the endpoint (each carries its own queries per second), or make its security group rules the untracked kind (0.0.0.0/0 both ways) to get the higher figure per address."},
	{"VPCDNS-L024", "eni-resolver-limit-exceeded", Warning,
		"An instance's expected_qps is above the 1,024 packets per second one network interface may send to the VPC resolver: AWS drops the rest silently (only the ENA counter linklocal_allowance_exceeded shows it), typically at a central forwarder (CoreDNS, Unbound) or during a PTR storm.",
		"Cache answers on each host (NodeLocal DNSCache, a local Unbound), spread forwarders over more ENIs (one per node), and use UDP rather than TCP towards the VPC resolver."},
}

// Catalogue returns every kind of finding, in id order.
func Catalogue() []Entry { return append([]Entry(nil), catalogue...) }

func entry(id string) Entry {
	for _, e := range catalogue {
		if e.ID == id {
			return e
		}
	}
	panic(fmt.Sprintf("lint: %s is not in the catalogue", id))
}

// The ids, for the checks and the tests.
const (
	AllPathsBlocked       = "VPCDNS-L001"
	SomePathsBlocked      = "VPCDNS-L002"
	UDPWithoutTCP         = "VPCDNS-L003"
	EphemeralPartial      = "VPCDNS-L004"
	ReverseRuleShadowed   = "VPCDNS-L005"
	ZoneHiddenByRule      = "VPCDNS-L006"
	RuleOnVPCWithoutDNS   = "VPCDNS-L007"
	ZoneOnVPCWithoutNames = "VPCDNS-L008"
	ForwardingLoop        = "VPCDNS-L009"
	EndpointSingleAZ      = "VPCDNS-L010"
	TargetInsideVPC       = "VPCDNS-L011"
	RemoteNetworkDown     = "VPCDNS-L012"
	PeeringWithoutDNS     = "VPCDNS-L013"
	InboundClosed         = "VPCDNS-L014"
	RuleNotAssociated     = "VPCDNS-L015"
	BroadForward          = "VPCDNS-L016"
	DHCPBypassesResolver  = "VPCDNS-L017"
	PathUnknown           = "VPCDNS-L018"
	// DNS Firewall.
	FirewallRuleShadowed    = "VPCDNS-L019"
	FirewallOverrideBlocked = "VPCDNS-L020"
	FirewallOnVPCWithoutDNS = "VPCDNS-L021"
	FirewallListUnused      = "VPCDNS-L022"
	EndpointCapacity        = "VPCDNS-L023"
	ENIResolverLimit        = "VPCDNS-L024"
)
