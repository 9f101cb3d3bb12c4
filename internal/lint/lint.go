package lint

import (
	"cmp"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/view"
)

// Severity says how bad a finding is.
type Severity uint8

// The severities, mildest first.
const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// MarshalText writes "error", "warning" or "info".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads "error", "warning" or "info".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	case "info":
		*s = Info
	default:
		return fmt.Errorf("severity %q: want error, warning or info", b)
	}
	return nil
}

// Resource is one resource a finding involves.
type Resource struct {
	// Kind is vpc, subnet, instance, vpc-peering, transit-gateway,
	// remote-network, security-group, network-acl, route-table,
	// resolver-endpoint, resolver-rule, private-hosted-zone or target (an
	// ip:port a rule forwards to).
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

func (r Resource) String() string { return r.Kind + " " + r.ID }

// Finding is one problem of the network. The JSON keys are a contract for
// tools: add, never rename.
type Finding struct {
	// ID is the stable id of the kind of problem, VPCDNS-L001 …; see
	// Catalogue.
	ID string `json:"id"`
	// Name is a short slug of the kind, e.g. forward-all-paths-blocked.
	Name     string   `json:"name"`
	Severity Severity `json:"severity"`
	// Title says the problem in one line, naming the main resource.
	Title string `json:"title"`
	// Resources are every resource involved, the one to change first.
	Resources []Resource `json:"resources"`
	// Evidence are the facts of the configuration that show the problem.
	Evidence []string `json:"evidence,omitempty"`
	// Impact says what will happen to queries.
	Impact string `json:"impact"`
	// Fix says what to change.
	Fix string `json:"fix"`
}

// Report is every finding of one network, errors first.
type Report struct {
	// Network names the file linted (set by the caller).
	Network  string    `json:"network,omitempty"`
	Findings []Finding `json:"findings"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
	Infos    int       `json:"info"`
}

// ExitCode is the exit status of vpcdns lint (cli.md): 0 with no errors
// and no warnings, 1 with warnings only, 2 with errors.
func (r *Report) ExitCode() int {
	switch {
	case r.Errors > 0:
		return 2
	case r.Warnings > 0:
		return 1
	}
	return 0
}

// Run lints the compiled network: every check of the catalogue, over every
// VPC, rule, zone and endpoint. It sends nothing.
func Run(v *view.View) *Report {
	l := newLinter(v)
	l.paths()         // L001–L004, L012
	l.reverseShadow() // L005
	l.zoneHidden()    // L006
	l.dnsSettings()   // L007, L008
	loops := l.loops()
	l.targetsInside(loops) // L011
	l.singleAZ()           // L010
	l.peeringDNS()         // L013
	l.inboundClosed()      // L014
	l.unassociated()       // L015
	l.broadForward()       // L016
	l.dhcpBypass()         // L017
	l.pathUnknown()        // L018
	l.capacity()           // L023, L024
	l.firewall()           // L019–L022

	r := &Report{Findings: l.out}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	// Errors first, then by id; within one id, in the order of the file.
	slices.SortStableFunc(r.Findings, func(a, b Finding) int {
		if c := cmp.Compare(b.Severity, a.Severity); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for _, f := range r.Findings {
		switch f.Severity {
		case Error:
			r.Errors++
		case Warning:
			r.Warnings++
		default:
			r.Infos++
		}
	}
	return r
}

// linter holds what the checks share.
type linter struct {
	v     *view.View
	n     *config.Network
	kinds map[string]string // resource id → kind
	out   []Finding

	revZones map[*config.VPC][]reverseZone // reverseZones, per VPC
	hops     map[netip.Addr]hop            // inbound endpoint and VPC resolver addresses
}

func newLinter(v *view.View) *linter {
	n := v.Network
	l := &linter{v: v, n: n, kinds: map[string]string{}, revZones: map[*config.VPC][]reverseZone{}, hops: map[netip.Addr]hop{}}
	for _, c := range n.VPCs {
		l.kinds[c.ID] = "vpc"
		for _, s := range c.Subnets {
			l.kinds[s.ID] = "subnet"
		}
		for _, in := range c.Instances {
			l.kinds[in.ID] = "instance"
		}
	}
	for _, p := range n.Peerings {
		l.kinds[p.ID] = "vpc-peering"
	}
	for _, t := range n.TransitGateways {
		l.kinds[t.ID] = "transit-gateway"
	}
	for _, rn := range n.RemoteNetworks {
		l.kinds[rn.ID] = "remote-network"
	}
	for _, sg := range n.SecurityGroups {
		l.kinds[sg.ID] = "security-group"
	}
	for _, a := range n.NetworkACLs {
		l.kinds[a.ID] = "network-acl"
	}
	for _, rt := range n.RouteTables {
		l.kinds[rt.ID] = "route-table"
	}
	for _, c := range n.VPCs {
		l.hops[c.ResolverAddr()] = hop{vpc: c, what: fmt.Sprintf("the resolver of %s (CIDR base + 2)", c.ID)}
	}
	for _, e := range n.Endpoints {
		l.kinds[e.ID] = "resolver-endpoint"
		if e.Outbound {
			continue
		}
		for _, ea := range e.Addresses {
			l.hops[ea.IP.Unmap()] = hop{vpc: e.VPC, endpoint: e.ID, what: fmt.Sprintf("inbound endpoint %s of %s", e.ID, e.VPC.ID)}
		}
	}
	for _, r := range n.Rules {
		l.kinds[r.ID] = "resolver-rule"
	}
	for _, z := range n.HostedZones {
		l.kinds[z.ID] = "private-hosted-zone"
	}
	l.accountKinds()
	return l
}

// resources names ids as resources, in order, without repeats; an id that
// holds several joined with "," (netpath's security groups) is split, and
// an ip:port is a target.
func (l *linter) resources(ids ...string) []Resource {
	var out []Resource
	seen := map[string]bool{}
	for _, joined := range ids {
		for _, id := range strings.Split(joined, ",") {
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			kind, ok := l.kinds[id]
			if !ok {
				kind = "target"
			}
			out = append(out, Resource{Kind: kind, ID: id})
		}
	}
	return out
}

// add records a finding of catalogue entry id; f.Severity is taken from the
// catalogue unless sev is given.
func (l *linter) add(id string, f Finding, sev ...Severity) {
	e := entry(id)
	f.ID, f.Name, f.Severity = e.ID, e.Name, e.Severity
	if len(sev) > 0 {
		f.Severity = sev[0]
	}
	if f.Resources == nil {
		f.Resources = []Resource{}
	}
	// A sentence that ends with a domain name ends with its dot.
	f.Fix = doubleDot.ReplaceAllString(f.Fix, "$1.$2")
	l.out = append(l.out, f)
}

// doubleDot is a domain name's dot followed by a sentence's ("ip-..." is
// not one).
var doubleDot = regexp.MustCompile(`([^.])\.\.(\s|$)`)

// vpcIDs lists the ids of vpcs.
func vpcIDs(vpcs []*config.VPC) []string {
	out := make([]string, len(vpcs))
	for i, c := range vpcs {
		out[i] = c.ID
	}
	return out
}

// list joins words as people write them: "a", "a and b", "a, b and c".
func list(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// plural returns word, with an s unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// uniq returns xs without repeats, in order.
func uniq(xs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
