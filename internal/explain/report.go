// Package explain builds the explain report of cli.md: for one query from
// one VPC, every candidate that matches (the autodefined ones too, which AWS
// never shows), the winner and why, and for a forward the endpoint, each
// target and each network path check. It renders the report as JSON for
// tools and as text that reads like the troubleshooting procedure it
// replaces. It sends nothing.
package explain

import (
	"fmt"
	"strings"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/netpath"
	"github.com/vpcdns/vpcdns/internal/view"
)

// Report is the explain -o json object. The keys are a contract (cli.md):
// add, never rename.
type Report struct {
	VPC             string `json:"vpc"`
	Query           Query  `json:"query"`
	DNSSupport      bool   `json:"dns_support"`
	DNSHostnames    bool   `json:"dns_hostnames"`
	ResolverAddress string `json:"resolver_address"`
	// Firewall is what DNS Firewall does first, when the VPC has one.
	Firewall   *Firewall   `json:"firewall,omitempty"`
	Candidates []Candidate `json:"candidates"`
	Decision   Decision    `json:"decision"`
	Forwarding *Forwarding `json:"forwarding,omitempty"`
	// Answer is the answer vpcdns gives itself, for a local decision.
	Answer        *Answer `json:"answer,omitempty"`
	ExpectedRcode string  `json:"expected_rcode"`
	// DHCP is the VPC's DHCP option set, when it names one.
	DHCP *DHCP `json:"dhcp,omitempty"`
	// Warnings are facts that change what the decision means for
	// clients: a DHCP option set that bypasses the resolver, paths whose
	// verdict is unknown.
	Warnings []string `json:"warnings,omitempty"`
	// OwnerAccount is the account that owns the VPC, shown when the
	// network spans several accounts.
	OwnerAccount string `json:"owner_account,omitempty"`
}

// DHCP is the DHCP option set of the VPC and whether its instances ask the
// resolver whose decision is shown.
type DHCP struct {
	OptionSet         string   `json:"option_set"`
	DomainName        string   `json:"domain_name,omitempty"`
	DomainNameServers []string `json:"domain_name_servers"`
	// BypassesResolver is true when no server is AmazonProvidedDNS or the
	// VPC resolver: instances using the option set never ask it.
	BypassesResolver bool     `json:"bypasses_resolver"`
	Servers          []string `json:"servers"`
}

// Query is the question explained.
type Query struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Candidate is one candidate of the VPC whose domain matches the query.
type Candidate struct {
	Source  string `json:"source"`
	ID      string `json:"id"`
	Domain  string `json:"domain"`
	Matches bool   `json:"matches"`
	Winner  bool   `json:"winner,omitempty"`
	// OwnerAccount (several accounts only) and ViaProfile (a Route 53
	// Profile that brings the candidate to the VPC) are added keys.
	OwnerAccount string `json:"owner_account,omitempty"`
	ViaProfile   string `json:"via_profile,omitempty"`
}

// Decision is the candidate that acts, and why.
type Decision struct {
	Source string `json:"source"`
	ID     string `json:"id"`
	Domain string `json:"domain"`
	Reason string `json:"reason"`
	Via    string `json:"via,omitempty"`
	// OwnerAccount is the account that owns the winning rule, zone or
	// endpoint, and ShareStatus the rule's RAM share status, when the
	// network spans several accounts.
	OwnerAccount string `json:"owner_account,omitempty"`
	ShareStatus  string `json:"share_status,omitempty"`
	// ViaProfile is the Route 53 Profile through which the winner reaches
	// the VPC, when it is not associated directly.
	ViaProfile string `json:"via_profile,omitempty"`
}

// Forwarding is where a forward goes and whether the network lets it.
type Forwarding struct {
	Endpoint string   `json:"endpoint,omitempty"`
	Targets  []Target `json:"targets"`
}

// Target is one target of a forward with every path to it.
type Target struct {
	IP    string         `json:"ip"`
	Port  uint16         `json:"port"`
	Dial  string         `json:"dial,omitempty"`
	Paths []netpath.Path `json:"paths"`
}

// Answer is a locally made answer.
type Answer struct {
	Rcode     string   `json:"rcode"`
	Records   []string `json:"records"`
	Authority []string `json:"authority,omitempty"`
}

// Build explains the query qname/qtype from the VPC vpcID.
func Build(v *view.View, vpcID string, qname dnsname.Name, qtype uint16) (*Report, error) {
	vpc := v.VPC(vpcID)
	if vpc == nil {
		return nil, fmt.Errorf("explain: vpc %q is not in the network", vpcID)
	}
	c := vpc.Config
	r := &Report{
		VPC:             c.ID,
		Query:           Query{Name: qname.String(), Type: typeString(qtype)},
		DNSSupport:      c.DNSSupport,
		DNSHostnames:    c.DNSHostnames,
		ResolverAddress: c.ResolverAddr().String(),
		Candidates:      []Candidate{},
	}
	if dh := vpc.DHCP(); dh != nil {
		servers := dh.Servers
		if servers == nil {
			servers = []string{}
		}
		r.DHCP = &DHCP{OptionSet: dh.OptionSet, DomainName: dh.DomainName, DomainNameServers: servers, BypassesResolver: dh.Bypass, Servers: dh.Notes}
		if w := dh.Warning(c.ID); w != "" {
			r.Warnings = append(r.Warnings, w)
		}
	}
	if c.DNSSupport {
		r.Firewall = buildFirewall(vpc, qname, qtype)
	}
	multi := v.Network.MultiAccount()
	if multi {
		r.OwnerAccount = c.OwnerAccount
	}
	d := vpc.Decide(qname)
	for _, cand := range vpc.Candidates(qname) {
		rc := Candidate{
			Source:  cand.Source.String(),
			ID:      cand.ID,
			Domain:  cand.Domain.String(),
			Matches: true,
			Winner:  cand == d.Winner,
		}
		if multi {
			rc.OwnerAccount = cand.OwnerAccount()
		}
		if cand.Profile != nil {
			rc.ViaProfile = cand.Profile.ID
		}
		r.Candidates = append(r.Candidates, rc)
	}
	if d.Winner == nil {
		r.Decision = Decision{
			Source: view.SourceNone.String(),
			Reason: fmt.Sprintf("DNS support is off for %s: its resolver does not answer and the client times out", c.ID),
		}
		r.ExpectedRcode = "NONE"
		return r, nil
	}
	w := d.Winner
	r.Decision = Decision{Source: w.Source.String(), ID: w.ID, Domain: w.Domain.String(), Reason: reason(vpc, qname, d)}
	if d.Via != nil {
		r.Decision.Via = d.Via.ID
	}
	if multi {
		r.Decision.OwnerAccount = w.OwnerAccount()
		if w.Rule != nil {
			r.Decision.ShareStatus = w.Rule.ShareStatus
		}
	}
	if w.Profile != nil {
		r.Decision.ViaProfile = w.Profile.ID
	}
	switch {
	case w.Forward != nil:
		r.Forwarding = forwarding(w.Forward)
		r.ExpectedRcode = "NOERROR"
		switch {
		case len(w.Forward.Targets) == 0 || w.Forward.AllBlocked():
			r.ExpectedRcode = "SERVFAIL"
		case w.Forward.Unknown():
			r.ExpectedRcode = "UNKNOWN"
		}
		if causes := w.Forward.UnknownCauses(); len(causes) > 0 {
			r.Warnings = append(r.Warnings, fmt.Sprintf("the verdict of some paths is unknown: they cross what vpcdns does not model (%s)", strings.Join(causes, "; ")))
		}
	default:
		if w.HZ != nil {
			for _, set := range w.HZ.Sets {
				if set.Name == qname && (set.Type == qtype || qtype == dns.TypeANY) {
					r.Warnings = append(r.Warnings, fmt.Sprintf("%s %s has %d record sets (set_identifier %s, %s): vpcdns answers the first, %s; Route 53 chooses by the sets' routing policy (weight, failover health, latency, location), which is not modeled",
						set.Name, typeString(set.Type), 1+len(set.Others), set.Answered, strings.Join(set.Others, ", "), set.Answered))
				}
			}
		}
		a := vpc.Answer(w, qname, qtype)
		r.Answer = &Answer{Rcode: dns.RcodeToString[a.Rcode], Records: rrStrings(a.Answer), Authority: rrStrings(a.Ns)}
		r.ExpectedRcode = dns.RcodeToString[a.Rcode]
	}
	if r.Firewall != nil && r.Firewall.Rcode != "" {
		r.ExpectedRcode = r.Firewall.Rcode
	}
	return r, nil
}

func forwarding(f *view.Forward) *Forwarding {
	out := &Forwarding{Targets: []Target{}}
	if f.Endpoint != nil {
		out.Endpoint = f.Endpoint.ID
	}
	for _, t := range f.Targets {
		tt := Target{IP: t.Modeled.Addr().String(), Port: t.Modeled.Port(), Paths: t.Paths}
		if t.Dial != t.Modeled {
			tt.Dial = t.Dial.String()
		}
		if tt.Paths == nil {
			tt.Paths = []netpath.Path{}
		}
		out.Targets = append(out.Targets, tt)
	}
	return out
}

var tierNoun = [...]string{"a customer rule", "a private hosted zone", "an autodefined rule", "the internet rule"}

// reason says in words why the winner won.
func reason(vpc *view.VPC, qname dnsname.Name, d view.Decision) string {
	w := d.Winner
	var beaten []string
	seen := map[int]bool{w.Source.Tier(): true}
	for _, c := range vpc.Candidates(qname) {
		if c.Domain == w.Domain && c != w && c.Source.Tier() > w.Source.Tier() && !seen[c.Source.Tier()] {
			seen[c.Source.Tier()] = true
			beaten = append(beaten, tierNoun[c.Source.Tier()])
		}
	}
	var b strings.Builder
	if d.Via != nil {
		fmt.Fprintf(&b, "system rule %s (%s) says resolve here, not on your network; among private hosted zones, autodefined rules and the internet rule, ", d.Via.ID, d.Via.Domain)
	}
	switch {
	case w.PublicZone():
		fmt.Fprintf(&b, "no more specific candidate; the internet rule matches every name and public hosted zone %s (%s) holds it", w.ID, w.Domain)
	case w.Source == view.SourceInternet:
		b.WriteString("no more specific candidate; the internet rule matches every name")
	default:
		b.WriteString("most specific match")
	}
	if len(beaten) > 0 {
		fmt.Fprintf(&b, "; %s beats %s for the same domain", tierNoun[w.Source.Tier()], strings.Join(beaten, " and "))
	}
	return b.String()
}

func typeString(t uint16) string {
	if s, ok := dns.TypeToString[t]; ok {
		return s
	}
	return fmt.Sprintf("TYPE%d", t)
}

func rrStrings(rrs []dns.RR) []string {
	out := []string{}
	for _, rr := range rrs {
		out = append(out, rr.String())
	}
	return out
}
