// Package doctor runs AWS's troubleshooting procedure for DNS through Route
// 53 Resolver rules and outbound endpoints on one query, live, in one go
// (vpcdns doctor, cli.md):
//
//  1. the expected answer: each target of the rule that should answer is
//     asked directly over UDP and TCP, as `dig @target` would (for an
//     answer the VPC resolver makes itself, the answer it computes);
//  2. the actual answer: the VPC's own resolver socket (resolver_listen) is
//     asked; doctor starts no server, it asks the running one;
//  3. the comparison, in the guide's terms: NXDOMAIN from the server that
//     owns the zone is a valid answer; SERVFAIL means a timeout or a
//     problem on the path; a different answer means a different rule
//     matched, and doctor says which;
//  4. the decision (the explain trace);
//  5. the network path checks;
//  6. a conclusion that names the resource to change.
//
// Doctor sends packets only where the network points: to the targets'
// dial addresses (emulation.address_map applied) and to the VPC's
// resolver_listen socket. A target with no address map entry whose modeled
// address is not on this machine is not asked.
package doctor

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/explain"
	"github.com/vpcdns/vpcdns/internal/netpath"
	"github.com/vpcdns/vpcdns/internal/resolvconf"
	"github.com/vpcdns/vpcdns/internal/view"
)

// Options configure a run. Zero values take the defaults.
type Options struct {
	// Dialer makes every connection [&net.Dialer{}].
	Dialer Dialer
	// Timeout bounds one query to a target [2s].
	Timeout time.Duration
	// ResolverTimeout bounds the query to the VPC resolver [the network's
	// forward total_timeout + 2s, so a forward that fails still answers
	// SERVFAIL in time].
	ResolverTimeout time.Duration
	// Local reports whether an address is on this machine [loopback or an
	// address of a local interface]. A target without an address map entry
	// is asked only when its address is.
	Local func(netip.Addr) bool
	// Resolver, when valid, is asked as the VPC's resolver instead of its
	// resolver_listen socket: the real VPC+2 or 169.254.169.253 resolver,
	// when doctor runs on an instance in the VPC (--resolver).
	Resolver netip.AddrPort
	// Host, when set, is this host's resolv.conf: doctor then says whether
	// this host asks the VPC resolver at all (--resolv-conf).
	Host *Host
}

// Host is the stub-resolver configuration of the machine doctor runs on.
type Host struct {
	File string // where it was read, for messages
	// Config is the parsed file; nil when it could not be read (Err).
	Config *resolvconf.Config
	Err    error
}

// Status is the outcome of a step.
type Status string

// The statuses of a step.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Skip Status = "skip" // nothing to check at this step for this query
	// Warn: the query resolves as expected, but something on its way is
	// wrong and will fail other queries (a dead target of several, a
	// blocked path of several). It does not change the exit status.
	Warn Status = "warn"
	// Unknown: what the step checks crosses something vpcdns does not
	// model; the run is not OK then.
	Unknown Status = "unknown"
)

// Step is one numbered step of the procedure.
type Step struct {
	Step int `json:"step"`
	// Name is expected-answer, actual-answer, compare, decision,
	// network-path, host-resolver (with Options.Host) or conclusion.
	Name     string   `json:"name"`
	Title    string   `json:"title"`
	Status   Status   `json:"status"`
	Summary  string   `json:"summary"`
	Evidence []string `json:"evidence,omitempty"`
	Probes   []Probe  `json:"probes,omitempty"`
}

// Report is the outcome of a doctor run. The JSON keys are a contract for
// tools: add, never rename.
type Report struct {
	VPC   string        `json:"vpc"`
	Query explain.Query `json:"query"`
	// Resolver is the socket of the VPC resolver that was asked.
	Resolver string `json:"resolver,omitempty"`
	// OK is true when the query resolves as expected and nothing on its
	// way failed: the exit status of vpcdns doctor is 0 then, 1 otherwise.
	OK    bool   `json:"ok"`
	Steps []Step `json:"steps"`
	// Conclusion is step 6's sentence; Change is the resource it names
	// (an id, a target ip:port or a setting), empty when nothing is to
	// change.
	Conclusion string          `json:"conclusion"`
	Change     string          `json:"change,omitempty"`
	Explain    *explain.Report `json:"explain"`
	// Warnings are explain's: a DHCP option set that bypasses the
	// resolver, paths whose verdict is unknown.
	Warnings []string `json:"warnings,omitempty"`
}

// Run runs the procedure for qname/qtype asked from the VPC vpcID.
func Run(ctx context.Context, v *view.View, vpcID string, qname dnsname.Name, qtype uint16, opts Options) (*Report, error) {
	vpc := v.VPC(vpcID)
	if vpc == nil {
		return nil, fmt.Errorf("doctor: vpc %q is not in the network", vpcID)
	}
	ex, err := explain.Build(v, vpcID, qname, qtype)
	if err != nil {
		return nil, fmt.Errorf("doctor: %w", err)
	}
	if opts.Dialer == nil {
		opts.Dialer = &net.Dialer{}
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Second
	}
	if opts.ResolverTimeout <= 0 {
		opts.ResolverTimeout = v.Network.Emulation.TotalTimeout + 2*time.Second
	}
	if opts.Local == nil {
		opts.Local = onThisMachine
	}
	r := &run{
		opts:  opts,
		n:     v.Network,
		vpc:   vpc,
		c:     vpc.Config,
		qname: qname,
		qtype: qtype,
		q:     dns.Question{Name: qname.String(), Qtype: qtype, Qclass: dns.ClassINET},
		dec:   vpc.Decide(qname),
		ex:    ex,
	}
	r.plan()
	r.probe(ctx)
	rep := &Report{VPC: vpcID, Query: ex.Query, Explain: ex, Warnings: ex.Warnings}
	if r.resolver.IsValid() {
		rep.Resolver = r.resolver.String()
	}
	rep.Steps = []Step{r.step1(), r.step2(), r.step3(), r.step4(), r.step5()}
	if opts.Host != nil {
		r.host = r.hostStep()
		rep.Steps = append(rep.Steps, r.host)
	}
	rep.Conclusion, rep.Change = r.conclude()
	rep.OK = true
	warned := false
	for _, s := range rep.Steps {
		switch s.Status {
		case Fail, Unknown:
			rep.OK = false
		case Warn:
			warned = true
		}
	}
	last := Step{Step: len(rep.Steps) + 1, Name: "conclusion", Title: "Conclusion", Status: Pass, Summary: rep.Conclusion}
	switch {
	case !rep.OK:
		last.Status = Fail
	case warned:
		last.Status = Warn
	}
	rep.Steps = append(rep.Steps, last)
	return rep, nil
}

// run is the state of one doctor run.
type run struct {
	opts  Options
	n     *config.Network
	vpc   *view.VPC
	c     *config.VPC
	qname dnsname.Name
	qtype uint16
	q     dns.Question
	dec   view.Decision
	ex    *explain.Report

	// exp is the candidate that should answer: the winner, or, when an
	// autodefined rule wins over a less specific forward rule the user
	// made, that forward rule (the one the guide's "expected server" is).
	exp      *view.Candidate
	shadowed bool
	// local is the answer the VPC resolver makes itself when the winner
	// is local.
	local *Probe

	targets []targetProbe
	// resolver is the socket asked in step 2; invalid when the VPC has no
	// resolver_listen.
	resolver netip.AddrPort
	actual   []Probe // udp, then tcp when the udp answer was truncated
	host     Step    // the host-resolver step, with Options.Host
}

// external reports whether the resolver asked is one given with
// Options.Resolver rather than the VPC's resolver_listen.
func (r *run) external() bool { return r.opts.Resolver.IsValid() }

type targetProbe struct {
	t        view.Target
	probed   bool
	note     string
	udp, tcp Probe
}

// final is the answer a dig user would see from the probes: tcp after a
// truncated udp answer.
func final(udp, tcp Probe) Probe {
	if udp.answered() && udp.TC && tcp.Outcome != "" {
		return tcp
	}
	return udp
}

func (r *run) plan() {
	w := r.dec.Winner
	r.exp = w
	if w == nil {
		return
	}
	if w.Local() {
		a := r.vpc.Answer(w, r.qname, r.qtype)
		p := Probe{Server: r.c.ID + "'s resolver itself", Proto: "local"}
		fill(&p, msg(a.Rcode, a.Answer, a.Ns))
		r.local = &p
	}
	switch w.Source {
	case view.SourceAutoReverse, view.SourceAutoEC2, view.SourceAutoLocal:
		if r.dec.Via != nil {
			return // a system rule said "resolve here" on purpose
		}
		for _, c := range r.vpc.Candidates(r.qname) {
			if c.Source == view.SourceForwardRule {
				r.exp, r.shadowed = c, true
				return
			}
		}
	}
}

// probe asks every target of the expected forward and the VPC resolver,
// all at once.
func (r *run) probe(ctx context.Context) {
	var wg sync.WaitGroup
	if f := r.exp; f != nil && f.Forward != nil {
		r.targets = make([]targetProbe, len(f.Forward.Targets))
		for i, t := range f.Forward.Targets {
			tp := &r.targets[i]
			tp.t = t
			mapped := t.Dial != t.Modeled
			if !mapped && !r.opts.Local(t.Modeled.Addr()) {
				tp.note = "not probed: no emulation.address_map entry and the modeled address is not on this machine"
				tp.udp = Probe{Server: t.Modeled.String(), Proto: "udp", Outcome: OutcomeNotProbed, Note: tp.note}
				tp.tcp = Probe{Server: t.Modeled.String(), Proto: "tcp", Outcome: OutcomeNotProbed, Note: tp.note}
				continue
			}
			tp.probed = true
			for _, proto := range []string{"udp", "tcp"} {
				wg.Go(func() {
					p := ask(ctx, r.opts.Dialer, t.Dial, proto, r.q, r.opts.Timeout)
					p.Server = t.Modeled.String()
					if mapped {
						p.Dial = t.Dial.String()
					}
					if proto == "udp" {
						tp.udp = p
					} else {
						tp.tcp = p
					}
				})
			}
		}
	}
	if r.external() || len(r.c.ResolverListen) > 0 {
		if r.external() {
			r.resolver = r.opts.Resolver
		} else {
			r.resolver = askable(r.c.ResolverListen[0])
		}
		timeout := r.opts.ResolverTimeout
		if r.dec.Winner == nil {
			// DNS support off: no answer will come; wait as for a target.
			timeout = min(timeout, r.opts.Timeout)
		}
		wg.Go(func() {
			udp := ask(ctx, r.opts.Dialer, r.resolver, "udp", r.q, timeout)
			r.actual = []Probe{udp}
			if udp.answered() && udp.TC {
				r.actual = append(r.actual, ask(ctx, r.opts.Dialer, r.resolver, "tcp", r.q, timeout))
			}
		})
	}
	wg.Wait()
}

// askable turns a listening address into one to send to: an unspecified
// address is asked on loopback.
func askable(a netip.AddrPort) netip.AddrPort {
	switch {
	case a.Addr().Is4() && a.Addr().IsUnspecified():
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), a.Port())
	case a.Addr().IsUnspecified():
		return netip.AddrPortFrom(netip.IPv6Loopback(), a.Port())
	}
	return a
}

// forward is the forward rule (or internet rule) that should answer, or
// nil when the answer is local.
func (r *run) forward() *view.Forward {
	if r.exp == nil {
		return nil
	}
	return r.exp.Forward
}

// name says what a candidate is in a sentence.
func name(c *view.Candidate) string {
	switch c.Source {
	case view.SourceForwardRule:
		return fmt.Sprintf("rule %s (%s)", c.ID, c.Domain)
	case view.SourceSystemRule:
		return fmt.Sprintf("system rule %s (%s)", c.ID, c.Domain)
	case view.SourcePrivateZone:
		return fmt.Sprintf("private hosted zone %s (%s)", c.ID, c.Domain)
	case view.SourceVPCEndpoint:
		return fmt.Sprintf("the private DNS of VPC endpoint %s (%s)", c.ID, c.Domain)
	case view.SourceInternet:
		if c.PublicZone() {
			return fmt.Sprintf("public hosted zone %s (%s), on the internet path", c.ID, c.Domain)
		}
		return "the internet rule (.)"
	}
	return fmt.Sprintf("the %s zone %s", strings.ReplaceAll(c.Source.String(), "-", " "), c.Domain)
}

// expected returns the answer the targets give (the first target with a
// good answer, in the rule's order), and whether the targets that answered
// agree.
func (r *run) expected() (Probe, bool, bool) {
	if r.forward() == nil {
		if r.local != nil {
			return *r.local, true, true
		}
		return Probe{}, false, true
	}
	var first Probe
	found, agree := false, true
	for _, tp := range r.targets {
		p := final(tp.udp, tp.tcp)
		if !p.good() {
			p = tp.tcp
		}
		if !p.good() {
			continue
		}
		if !found {
			first, found = p, true
		} else if p.answerSig() != first.answerSig() {
			agree = false
		}
	}
	return first, found, agree
}

// actualAnswer is what the VPC resolver answered, if anything.
func (r *run) actualAnswer() (Probe, bool) {
	if len(r.actual) == 0 {
		return Probe{}, false
	}
	p := r.actual[len(r.actual)-1]
	return p, p.answered()
}

// udpPaths counts the paths of the expected forward, open and blocked,
// over UDP (the protocol of the first attempt).
func (r *run) udpPaths() (open, blocked int) {
	f := r.forward()
	if f == nil || f.Endpoint == nil {
		return 0, 0
	}
	for _, t := range f.Targets {
		for _, p := range t.Paths {
			if p.Protocol != config.ProtoUDP {
				continue
			}
			switch p.Verdict {
			case netpath.OK:
				open++
			case netpath.Blocked:
				blocked++
			}
		}
	}
	return open, blocked
}

// msg wraps a locally made answer in a message, as the resolver sends it.
func msg(rcode int, answer, ns []dns.RR) *dns.Msg {
	return &dns.Msg{MsgHdr: dns.MsgHdr{Rcode: rcode, Response: true, RecursionAvailable: true}, Answer: answer, Ns: ns}
}
