// Package netpath checks the modeled network path of a forwarded query
// (behaviour.md §7): from one address of an outbound endpoint to one target,
// over one protocol, through the endpoint's security groups, its subnet's
// network ACL (both ways: the ACL is stateless) and its subnet's route table
// to the gateway behind it. It sends nothing and changes nothing; it reads a
// validated *config.Network.
//
// Every evaluation runs all five checks, so that explain can show each one
// and lint can name each problem; the path is blocked when any check fails.
//
// Network policy is opt-in (behaviour.md §7): a VPC that declares no
// security groups has no security-group check to fail, a VPC that declares
// no route tables has no route or gateway check to fail, and a subnet with no
// network ACL uses the default ACL, which allows everything.
package netpath

import (
	"encoding/json"
	"fmt"
	"net/netip"

	"github.com/vpcdns/vpcdns/internal/config"
)

// The check names, as explain shows them (behaviour.md §7, cli.md).
const (
	CheckSecurityGroupEgress = "security-group-egress"
	CheckNACLOutbound        = "nacl-outbound"
	CheckNACLInboundReturn   = "nacl-inbound-return"
	CheckRoute               = "route"
	CheckGateway             = "gateway"
)

// Verdict is the outcome of one check. Its zero value is Fail, so a check
// that never said pass does not let a packet through.
type Verdict uint8

const (
	Fail Verdict = iota
	Pass
	// Unknown is the verdict of a check that crosses something the model
	// does not hold (an unmodeled route target, a prefix list that could not
	// be read): never a pass.
	Unknown
)

func (v Verdict) String() string {
	switch v {
	case Pass:
		return "pass"
	case Unknown:
		return "unknown"
	}
	return "fail"
}

// MarshalText writes "pass" or "fail".
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText reads "pass" or "fail".
func (v *Verdict) UnmarshalText(b []byte) error {
	switch string(b) {
	case "pass":
		*v = Pass
	case "fail":
		*v = Fail
	case "unknown":
		*v = Unknown
	default:
		return fmt.Errorf("check verdict %q: want pass, fail or unknown", b)
	}
	return nil
}

// PathVerdict is the outcome of a whole path. Its zero value is Blocked.
type PathVerdict uint8

const (
	Blocked PathVerdict = iota
	OK
	// UnknownPath: no check fails but some check is Unknown, so the model
	// cannot say whether the path is open (cli.md: "unknown", never "ok").
	UnknownPath
)

func (v PathVerdict) String() string {
	switch v {
	case OK:
		return "ok"
	case UnknownPath:
		return "unknown"
	}
	return "blocked"
}

// MarshalText writes "ok" or "blocked".
func (v PathVerdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText reads "ok" or "blocked".
func (v *PathVerdict) UnmarshalText(b []byte) error {
	switch string(b) {
	case "ok":
		*v = OK
	case "blocked":
		*v = Blocked
	case "unknown":
		*v = UnknownPath
	default:
		return fmt.Errorf("path verdict %q: want ok, blocked or unknown", b)
	}
	return nil
}

// Check is the result of one check of a path.
type Check struct {
	// Name is one of the Check* constants.
	Name    string  `json:"check"`
	Verdict Verdict `json:"verdict"`
	// Partial is set on a failed nacl-inbound-return check when the ACL
	// lets back replies on some ephemeral ports but not all: the query
	// fails intermittently, depending on the source port the endpoint
	// picks. The verdict stays Fail.
	Partial bool `json:"partial,omitempty"`
	// Detail says, like an engineer's note, which rule decided and how.
	Detail string `json:"detail"`
	// Resource is the id of what decided: a security group, a network ACL,
	// a route table, a gateway (peering, transit gateway, remote network)
	// or a VPC (local route, implicit main route table). Empty when nothing
	// declared decided (the default ACL). When several security groups
	// together allow nothing, it is their ids joined with ",". When a
	// remote network behind a transit gateway is down, it is that remote
	// network (the thing to fix), not the transit gateway.
	Resource string `json:"resource"`
	// Unmodeled is the id of the unmodeled resource (network.yaml
	// unmodeled:) that makes an Unknown verdict.
	Unmodeled string `json:"unmodeled,omitempty"`
}

// Path is the result of all checks from one endpoint address to one target
// over one protocol. Its JSON form is the paths[] element of explain
// (cli.md): {"endpoint_ip", "protocol" ("udp"/"tcp"), "verdict"
// ("ok"/"blocked"), "checks"}.
type Path struct {
	EndpointIP netip.Addr
	Protocol   config.Protocol
	Verdict    PathVerdict
	// Checks are always the five checks, in the order of behaviour.md §7.
	Checks []Check
}

type pathJSON struct {
	EndpointIP netip.Addr  `json:"endpoint_ip"`
	Protocol   string      `json:"protocol"`
	Verdict    PathVerdict `json:"verdict"`
	Checks     []Check     `json:"checks"`
}

// MarshalJSON writes the explain form of the path.
func (p Path) MarshalJSON() ([]byte, error) {
	checks := p.Checks
	if checks == nil {
		checks = []Check{}
	}
	return json.Marshal(pathJSON{p.EndpointIP, p.Protocol.String(), p.Verdict, checks})
}

// UnmarshalJSON reads the explain form of the path.
func (p *Path) UnmarshalJSON(b []byte) error {
	var w pathJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	var proto config.Protocol
	switch w.Protocol {
	case "udp":
		proto = config.ProtoUDP
	case "tcp":
		proto = config.ProtoTCP
	default:
		return fmt.Errorf("path protocol %q: want udp or tcp", w.Protocol)
	}
	*p = Path{EndpointIP: w.EndpointIP, Protocol: proto, Verdict: w.Verdict, Checks: w.Checks}
	return nil
}

// Failed returns the checks that failed, in order.
func (p Path) Failed() []Check {
	var out []Check
	for _, c := range p.Checks {
		if c.Verdict == Fail {
			out = append(out, c)
		}
	}
	return out
}

// Unknowns returns the checks whose verdict is Unknown, in order.
func (p Path) Unknowns() []Check {
	var out []Check
	for _, c := range p.Checks {
		if c.Verdict == Unknown {
			out = append(out, c)
		}
	}
	return out
}

// Evaluator evaluates paths knowing the whole network. It is what a caller
// that holds the *config.Network should use: only the whole network says
// whether a VPC declares security groups or route tables that no endpoint
// or subnet of it uses, and that decides two corner cases:
//
//   - an endpoint with no security groups passes security-group-egress only
//     when its VPC declares no security groups at all; in a VPC that
//     declares some, an endpoint with none attached fails (nothing allows
//     its egress);
//   - a subnet with no route table (and no main one) passes route and
//     gateway only when its VPC declares no route tables at all; otherwise
//     it uses the VPC's implicit main route table, which holds only the
//     local routes of the VPC's CIDRs.
//
// A nil *Evaluator is valid: it sees only what the endpoint reaches (its
// VPC's main route table and its subnets' tables), so it takes an endpoint
// with no security groups to be in a VPC that declares none. The
// package-level Evaluate and Paths use a nil Evaluator. An Evaluator is
// immutable and safe for concurrent use.
type Evaluator struct {
	sgVPCs   map[*config.VPC]bool // VPCs that declare at least one security group
	rtVPCs   map[*config.VPC]bool // VPCs that declare at least one route table
	enis     map[netip.Addr]eni   // endpoint addresses and their security groups
	peerings []*config.Peering
}

// NewEvaluator indexes n for path checks.
func NewEvaluator(n *config.Network) *Evaluator {
	e := &Evaluator{sgVPCs: map[*config.VPC]bool{}, rtVPCs: map[*config.VPC]bool{}, enis: indexENIs(n), peerings: n.Peerings}
	for _, sg := range n.SecurityGroups {
		e.sgVPCs[sg.VPC] = true
	}
	for _, rt := range n.RouteTables {
		e.rtVPCs[rt.VPC] = true
	}
	return e
}

// Evaluate runs the five checks of behaviour.md §7 for the path from addr (an
// address of ep) to target over proto (config.ProtoUDP or config.ProtoTCP),
// without knowledge of the whole network (see Evaluator).
func Evaluate(ep *config.Endpoint, addr config.EndpointAddr, target netip.AddrPort, proto config.Protocol) Path {
	var e *Evaluator
	return e.Evaluate(ep, addr, target, proto)
}

// Paths evaluates every address of ep to target, over UDP and then TCP, in
// the order of ep.Addresses, without knowledge of the whole network (see
// Evaluator).
func Paths(ep *config.Endpoint, target netip.AddrPort) []Path {
	var e *Evaluator
	return e.Paths(ep, target)
}

// Paths evaluates every address of ep to target, over UDP and then TCP, in
// the order of ep.Addresses.
func (e *Evaluator) Paths(ep *config.Endpoint, target netip.AddrPort) []Path {
	out := make([]Path, 0, 2*len(ep.Addresses))
	for _, a := range ep.Addresses {
		out = append(out,
			e.Evaluate(ep, a, target, config.ProtoUDP),
			e.Evaluate(ep, a, target, config.ProtoTCP))
	}
	return out
}

// Evaluate runs the five checks of behaviour.md §7 for the path from addr (an
// address of ep) to target over proto (config.ProtoUDP or config.ProtoTCP).
// The path is OK when every check passes.
func (e *Evaluator) Evaluate(ep *config.Endpoint, addr config.EndpointAddr, target netip.AddrPort, proto config.Protocol) Path {
	in := input{
		ep:     ep,
		vpc:    ep.VPC,
		subnet: addr.Subnet,
		src:    addr.IP.Unmap(),
		dst:    target.Addr().Unmap(),
		port:   target.Port(),
		proto:  proto,
	}
	if in.vpc == nil && in.subnet != nil {
		in.vpc = in.subnet.VPC
	}
	route, rc := e.route(in)
	p := Path{
		EndpointIP: addr.IP,
		Protocol:   proto,
		Checks: []Check{
			e.securityGroupEgress(in),
			naclOutbound(in),
			naclInboundReturn(in),
			rc,
			gateway(in, route, rc),
		},
	}
	p.Verdict = OK
	for _, c := range p.Checks {
		switch {
		case c.Verdict == Fail:
			p.Verdict = Blocked
		case c.Verdict == Unknown && p.Verdict == OK:
			p.Verdict = UnknownPath
		}
	}
	return p
}

func (e *Evaluator) declaresSecurityGroups(v *config.VPC) bool {
	return e != nil && e.sgVPCs[v]
}

func (e *Evaluator) declaresRouteTables(v *config.VPC) bool {
	if v == nil {
		return false
	}
	if e != nil && e.rtVPCs[v] {
		return true
	}
	if v.MainRouteTable != nil {
		return true
	}
	for _, s := range v.Subnets {
		if s.RouteTable != nil {
			return true
		}
	}
	return false
}
