// Package view holds the compiled view of a network: for every VPC, the
// candidates of behaviour.md §2 in one most-specific-suffix table, and the
// choice of §3. A View is immutable and built once per configuration, so a
// server swaps the whole of it atomically on reload. It does no I/O.
//
// Resolution order, as Route 53 Resolver applies it and as Decide walks it:
//
//  1. Keep the candidates whose domain equals the query name or is a parent
//     of it, label-wise.
//  2. The most specific domain (most labels) wins.
//  3. On the same domain the lowest tier wins: customer rules (tier 0) beat
//     private hosted zones (1), which beat autodefined rules (2), which beat
//     the internet rule "." (3).
//  4. A system rule that wins means "resolve here": choose again among tiers
//     1–3 and act on that.
package view

import (
	"github.com/vpcdns/vpcdns/internal/autodef"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/zone"
)

// Source is where a candidate comes from; its String is the name explain
// uses (cli.md).
type Source uint8

const (
	SourceNone Source = iota
	SourceForwardRule
	SourceSystemRule
	SourcePrivateZone
	SourceAutoReverse
	SourceAutoEC2
	SourceAutoLocal
	SourceInternet
	// SourceVPCEndpoint is the hidden private hosted zone AWS creates for an
	// interface VPC endpoint with private DNS: tier 1, like a zone.
	SourceVPCEndpoint
)

var sourceNames = [...]string{
	SourceNone:        "none",
	SourceForwardRule: "forward-rule",
	SourceSystemRule:  "system-rule",
	SourcePrivateZone: "private-hosted-zone",
	SourceAutoReverse: "autodefined-reverse",
	SourceAutoEC2:     "autodefined-ec2",
	SourceAutoLocal:   "autodefined-local",
	SourceInternet:    "internet",
	SourceVPCEndpoint: "vpc-endpoint",
}

func (s Source) String() string { return sourceNames[s] }

// Tier orders candidates on the same domain: lower wins.
func (s Source) Tier() int {
	switch s {
	case SourceForwardRule, SourceSystemRule:
		return 0
	case SourcePrivateZone, SourceVPCEndpoint:
		return 1
	case SourceAutoReverse, SourceAutoEC2, SourceAutoLocal:
		return 2
	}
	return 3
}

// InternetRuleID is the id of the built-in "Internet Resolver" rule.
const InternetRuleID = "rslvr-autodefined-rr-internet-resolver"

// Candidate is one domain plus an action that a VPC has.
type Candidate struct {
	Source Source
	ID     string // rule or zone id; empty for autodefined candidates
	Domain dnsname.Name

	Forward *Forward           // forward rules and the internet rule
	Zone    *zone.Zone         // private hosted zones (and VPC endpoints' hidden zones)
	HZ      *config.HostedZone // private hosted zones
	Rule    *config.Rule       // forward and system rules
	// VPCEndpoint is the interface endpoint whose hidden private zone this
	// is (source vpc-endpoint).
	VPCEndpoint *config.VPCEndpoint
	// Profile is the Route 53 Profile through which the rule, zone or
	// endpoint reaches the VPC; nil when it is associated directly.
	Profile *config.Profile
}

// OwnerAccount is the account that owns what the candidate comes from
// ("" for autodefined candidates and the internet rule).
func (c *Candidate) OwnerAccount() string {
	switch {
	case c.Rule != nil:
		return c.Rule.OwnerAccount
	case c.HZ != nil:
		return c.HZ.OwnerAccount
	case c.VPCEndpoint != nil:
		return c.VPCEndpoint.OwnerAccount
	}
	return ""
}

// autoKind maps an autodefined source to its autodef family.
func (c *Candidate) autoKind() autodef.Kind {
	switch c.Source {
	case SourceAutoReverse:
		return autodef.Reverse
	case SourceAutoEC2:
		return autodef.EC2
	}
	return autodef.Local
}

// entry holds the candidates of one domain, lowest tier first.
type entry []*Candidate
