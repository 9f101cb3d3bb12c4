package doctor

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/explain"
	"github.com/vpcdns/vpcdns/internal/netpath"
	"github.com/vpcdns/vpcdns/internal/view"
)

// step1 is the expected answer.
func (r *run) step1() Step {
	s := Step{Step: 1, Name: "expected-answer"}
	w := r.dec.Winner
	switch {
	case w == nil:
		s.Title = "Expected answer"
		s.Status = Fail
		s.Summary = fmt.Sprintf("none: DNS support is off for %s, so its resolver answers nothing and the client times out", r.c.ID)
		return s
	case r.forward() == nil:
		s.Title = "Expected answer: computed by " + r.c.ID + "'s resolver itself"
		s.Status = Pass
		s.Summary = fmt.Sprintf("%s answers %s", name(w), describe(*r.local))
		return s
	}
	f := r.forward()
	if f.Rule == nil {
		s.Title = "Expected answer: ask the internet forwarders directly, as dig @server would"
		if len(f.Targets) == 0 {
			s.Status = Fail
			s.Summary = "nobody to ask: the internet rule has no forwarders (internet.forwarders), so vpcdns answers SERVFAIL for names no rule or zone takes"
			return s
		}
	} else {
		s.Title = fmt.Sprintf("Expected answer: ask the targets of rule %s directly, as dig @target would", f.Rule.ID)
	}
	if r.shadowed {
		s.Evidence = append(s.Evidence, fmt.Sprintf("%s is the rule that matches %s; %s answers from %s instead (step 4)", name(r.exp), r.qname, r.c.ID, name(w)))
	}
	probed, goodBoth := 0, 0
	var bad []string
	for _, tp := range r.targets {
		s.Probes = append(s.Probes, tp.udp, tp.tcp)
		label := r.targetLabel(tp.t)
		if !tp.probed {
			s.Evidence = append(s.Evidence, fmt.Sprintf("%s: %s", label, tp.note))
			continue
		}
		probed++
		s.Evidence = append(s.Evidence, fmt.Sprintf("%s: udp %s; tcp %s", label, tp.udp.short(), tp.tcp.short()))
		switch {
		case tp.udp.good() && tp.tcp.good():
			goodBoth++
		case tp.udp.good():
			bad = append(bad, fmt.Sprintf("%s answers over udp but not over tcp", tp.t.Modeled))
		case tp.tcp.good():
			bad = append(bad, fmt.Sprintf("%s answers over tcp but not over udp", tp.t.Modeled))
		default:
			bad = append(bad, fmt.Sprintf("%s does not answer", tp.t.Modeled))
		}
	}
	exp, found, agree := r.expected()
	switch {
	case probed == 0:
		s.Status = Skip
		s.Summary = "no target could be asked from this machine"
	case !found:
		s.Status = Fail
		s.Summary = fmt.Sprintf("no target answers, over udp or tcp (%d asked)", probed)
	default:
		s.Summary = fmt.Sprintf("%s (udp and tcp answers from %d of %d %s)", describe(exp), goodBoth, len(r.targets), plural(len(r.targets), "target"))
		s.Status = Pass
		if len(bad) > 0 {
			// The query still gets its answer, from the targets that
			// give it: a warning that names the others, not a failure.
			s.Status = Warn
			s.Summary += "; but " + strings.Join(bad, "; ")
		}
		if !agree {
			s.Status = Fail
			s.Summary += "; the targets do not agree (each query gets the answer of whichever target it picks)"
		}
	}
	return s
}

// describe says what an answer holds: "NOERROR: x PTR y." or "NXDOMAIN
// (SOA 0.10.in-addr.arpa., authoritative)".
func describe(p Probe) string {
	switch {
	case !p.answered():
		return p.short()
	case len(p.Answer) > 0:
		return p.Rcode + ": " + strings.Join(p.Answer, "; ")
	case p.SOA != "":
		s := p.Rcode + " (SOA " + p.SOA
		if p.AA {
			s += ", authoritative"
		}
		if p.Rcode == "NOERROR" {
			s += ", no records of that type"
		}
		return s + ")"
	}
	return p.Rcode
}

// step2 is the actual answer of the VPC resolver.
func (r *run) step2() Step {
	s := Step{Step: 2, Name: "actual-answer"}
	if !r.resolver.IsValid() {
		s.Title = "Actual answer: ask " + r.c.ID + "'s resolver"
		s.Status = Fail
		s.Summary = fmt.Sprintf("%s has no resolver_listen: there is no socket to ask; give it one and run vpcdns serve", r.c.ID)
		return s
	}
	s.Title = fmt.Sprintf("Actual answer: ask %s's resolver at %s", r.c.ID, r.resolver)
	if r.external() {
		s.Title = fmt.Sprintf("Actual answer: ask %s as %s's resolver (--resolver)", r.resolver, r.c.ID)
		if a := r.resolver.Addr().Unmap(); a != r.c.ResolverAddr() && a != linkLocalResolver && a != nitroV6Resolver {
			s.Evidence = append(s.Evidence, fmt.Sprintf("%s is not an address of %s's resolver (%s, or %s and %s from any VPC)", r.resolver.Addr(), r.c.ID, r.c.ResolverAddr(), linkLocalResolver, nitroV6Resolver))
		}
	}
	s.Probes = r.actual
	p, ok := r.actualAnswer()
	switch {
	case ok && p.good() && r.cachedOnly() && !p.Stale:
		s.Status = Warn
		s.Summary = describe(p) + fmt.Sprintf(", but from the cache: every path to the targets is blocked (step 5), so this answer is one kept from before, for %ds more", p.TTL)
	case ok && p.Stale:
		s.Status = Warn
		s.Summary = describe(p) + fmt.Sprintf(" from the stale cache (Extended DNS Error 3, Stale Answer; TTL %ds): the resolver could not resolve it now", p.TTL)
	case ok:
		s.Status = Pass
		s.Summary = describe(p)
	case r.dec.Winner == nil && p.Outcome == OutcomeTimeout:
		s.Status = Fail
		s.Summary = fmt.Sprintf("no answer (%s), as AWS gives with DNS support off", p.short())
	case r.external():
		s.Status = Fail
		s.Summary = fmt.Sprintf("no answer from %s (%s): run doctor on an instance in %s, where this is its resolver", r.resolver, p.short(), r.c.ID)
	case p.Outcome == OutcomeUnreachable:
		s.Status = Fail
		s.Summary = fmt.Sprintf("nothing listens on %s (connection refused): is vpcdns serve running?", r.resolver)
	default:
		s.Status = Fail
		s.Summary = fmt.Sprintf("no answer from %s (%s): is vpcdns serve running with this network?", r.resolver, p.short())
	}
	return s
}

// step3 compares, in the guide's terms.
func (r *run) step3() Step {
	s := Step{Step: 3, Name: "compare", Title: "Compare"}
	act, ok := r.actualAnswer()
	exp, found, _ := r.expected()
	w := r.dec.Winner
	switch {
	case w == nil:
		s.Status = Fail
		s.Summary = "the query gets no answer at all: DNS support is off"
		return s
	case !ok:
		s.Status = Fail
		s.Summary = "nothing to compare: the resolver did not answer (step 2)"
		return s
	}
	if fw, ok := r.firewallAnswered(act); ok {
		s.Status = Fail
		s.Summary = fmt.Sprintf("a different answer = the DNS Firewall answered %s before any rule: %s", act.Rcode, fw.Outcome)
		return s
	}
	f := r.forward()
	if act.good() && (act.Stale || r.cachedOnly()) {
		// The resolver answered, but it cannot have resolved the name
		// now: the answer is one it kept. Not the same as "resolves".
		s.Status = Fail
		switch {
		case act.Stale:
			s.Summary = fmt.Sprintf("answered from the stale cache, not resolved: the resolver kept %s past its TTL (RFC 8767) because it cannot reach a target now; it answers SERVFAIL once the serve-stale window ends", describe(act))
		default:
			s.Summary = fmt.Sprintf("answered from the cache, not resolved: every path from %s to the targets is blocked (step 5), so %s is a copy cached before, served for %ds more (then SERVFAIL)", f.Endpoint.ID, describe(act), act.TTL)
		}
		return s
	}
	if act.Rcode == "SERVFAIL" {
		s.Status = Fail
		open, blocked := r.udpPaths()
		switch {
		case r.shadowed:
			s.Summary = fmt.Sprintf("SERVFAIL, but %s answers this itself: the running resolver is not serving this network", name(w))
		case f != nil && f.Rule == nil && len(f.Targets) == 0:
			s.Summary = "SERVFAIL, as this network predicts: the internet rule has no forwarders"
		case blocked > 0 && open == 0:
			s.Summary = fmt.Sprintf("SERVFAIL = a problem on the path: every path from %s to the targets is blocked (step 5), though %s", f.Endpoint.ID, targetsState(found))
		case !found:
			s.Summary = "SERVFAIL = a timeout: no target answers (step 1)"
		case exp.Rcode == "SERVFAIL":
			s.Summary = "SERVFAIL from the targets themselves (step 1)"
		default:
			s.Summary = "SERVFAIL although targets answer and paths are open: the resolver ran out of time or a target failed when it was asked"
		}
		return s
	}
	if !found && r.external() {
		return r.compareWithModel(s, act)
	}
	if !found {
		s.Status = Fail
		s.Summary = fmt.Sprintf("the resolver answers %s, but no target could be asked to compare", describe(act))
		return s
	}
	if act.answerSig() == exp.answerSig() {
		s.Status = Pass
		switch {
		case act.Rcode == "NXDOMAIN" && f != nil:
			s.Summary = fmt.Sprintf("the same answer: a valid NXDOMAIN from the server that owns the zone (%s answers it%s, SOA %s)", exp.Server, authoritative(exp), orUnknown(exp.SOA))
		case act.Rcode == "NXDOMAIN":
			s.Summary = fmt.Sprintf("the same answer: a valid NXDOMAIN from %s, which owns the name", name(w))
		case len(act.Answer) == 0:
			s.Summary = "the same answer: NOERROR with no records (the name exists without that type)"
		default:
			s.Summary = fmt.Sprintf("the same answer: %s, %d %s", act.Rcode, len(act.Answer), plural(len(act.Answer), "record"))
		}
		if r.shadowed {
			s.Summary += fmt.Sprintf(" (%s answers it, and %s would give the same)", name(w), name(r.exp))
		}
		return s
	}
	s.Status = Fail
	if r.shadowed && r.local != nil && act.answerSig() == r.local.answerSig() {
		s.Summary = fmt.Sprintf("a different answer = a different rule matched: %s answered (%s), not %s (%s)", name(w), describe(act), name(r.exp), describe(exp))
		return s
	}
	for _, c := range r.vpc.Candidates(r.qname) {
		if !c.Local() || c == w {
			continue
		}
		p := Probe{}
		a := r.vpc.Answer(c, r.qname, r.qtype)
		fill(&p, msg(a.Rcode, a.Answer, a.Ns))
		if p.answerSig() == act.answerSig() {
			s.Summary = fmt.Sprintf("a different answer = a different rule matched: the answer is %s's, not %s's (the running resolver is not serving this network?)", name(c), name(r.exp))
			return s
		}
	}
	s.Summary = fmt.Sprintf("a different answer: the resolver says %s, the expected answer is %s; no candidate of this network gives it (is vpcdns serve running with another network file, or a cached answer?)", describe(act), describe(exp))
	if r.external() {
		s.Summary = fmt.Sprintf("a different answer: %s says %s, the model predicts %s; no candidate of this network gives it: the network file does not describe %s as it is", r.resolver, describe(act), describe(exp), r.c.ID)
	}
	return s
}

// compareWithModel compares the answer of an external resolver with what
// the configuration alone predicts, when no target could be asked from
// here (the usual case on an instance: the targets are on-premises).
func (r *run) compareWithModel(s Step, act Probe) Step {
	want := r.ex.ExpectedRcode
	f := r.forward()
	consistent := act.Rcode == want
	if f != nil && want == "NOERROR" {
		// Paths are open: the target decides, and NXDOMAIN is its to give.
		consistent = act.Rcode == "NOERROR" || act.Rcode == "NXDOMAIN"
	}
	if consistent {
		s.Status = Pass
		s.Summary = fmt.Sprintf("%s answers %s, as the model predicts (%s); no target could be asked from here to compare the records", r.resolver, describe(act), want)
		return s
	}
	s.Status = Fail
	s.Summary = fmt.Sprintf("%s answers %s, the model predicts %s: the network file does not describe %s as it is", r.resolver, describe(act), want, r.c.ID)
	return s
}

func targetsState(found bool) string {
	if found {
		return "the targets answer when asked directly (step 1)"
	}
	return "no target answers when asked directly either (step 1)"
}

func authoritative(p Probe) string {
	if p.AA {
		return " authoritatively"
	}
	return ""
}

func orUnknown(s string) string {
	if s == "" {
		return "not given"
	}
	return s
}

// step4 is the decision, as explain shows it.
func (r *run) step4() Step {
	s := Step{Step: 4, Name: "decision", Title: "Decision (vpcdns explain)"}
	for _, c := range r.ex.Candidates {
		mark := " "
		if c.Winner {
			mark = "*"
		}
		id := c.ID
		if id == "" {
			id = "(autodefined, not shown by AWS)"
		}
		s.Evidence = append(s.Evidence, fmt.Sprintf("%s %s %s %s", mark, c.Source, c.Domain, id))
	}
	if fw := r.ex.Firewall; fw != nil {
		s.Evidence = append(s.Evidence, "DNS Firewall, before the rules: "+fw.Outcome)
	}
	d := r.ex.Decision
	w := r.dec.Winner
	switch {
	case w == nil:
		s.Status = Fail
		s.Summary = d.Reason
	case r.shadowed:
		s.Status = Fail
		s.Summary = fmt.Sprintf("%s wins: it is more specific than %s, which therefore never sees %s", name(w), name(r.exp), r.qname)
		if r.sameAnswer() {
			s.Status = Pass
			s.Summary += " (both give the same answer here)"
		}
	default:
		s.Status = Pass
		s.Summary = fmt.Sprintf("%s wins: %s", name(w), d.Reason)
		if d.Via != "" {
			s.Summary += " (via system rule " + d.Via + ")"
		}
	}
	if dh := r.vpc.DHCP(); dh != nil && dh.Bypass && w != nil {
		s.Status = Fail
		s.Summary += "; but " + dh.Warning(r.c.ID)
		for _, n := range dh.Notes {
			s.Evidence = append(s.Evidence, "DHCP option set "+dh.OptionSet+" domain-name-server "+n)
		}
	}
	return s
}

// step5 is the network path of the expected forward.
func (r *run) step5() Step {
	s := Step{Step: 5, Name: "network-path"}
	f := r.forward()
	switch {
	case r.dec.Winner == nil:
		s.Title = "Network path"
		s.Status = Skip
		s.Summary = "none: the query gets no answer, nothing is sent"
		return s
	case f == nil:
		s.Title = "Network path"
		s.Status = Skip
		s.Summary = "none: the answer is made by the VPC resolver itself, no packet leaves the VPC"
		return s
	case f.Endpoint == nil:
		s.Title = "Network path"
		s.Status = Skip
		s.Summary = "none modeled: the internet rule sends through no endpoint"
		return s
	}
	s.Title = fmt.Sprintf("Network path: from outbound endpoint %s to each target (security group, network ACL, route, gateway)", f.Endpoint.ID)
	total, bad, unknown := 0, 0, 0
	for _, t := range f.Targets {
		var lines []string
		open := map[config.Protocol][]string{}
		for _, p := range t.Paths {
			total++
			if p.Verdict == netpath.OK {
				open[p.Protocol] = append(open[p.Protocol], p.EndpointIP.String())
				continue
			}
			if p.Verdict == netpath.UnknownPath {
				unknown++
				for _, c := range p.Unknowns() {
					lines = append(lines, fmt.Sprintf("%s: from %s over %s unknown: %s (%s): %s", t.Modeled, p.EndpointIP, p.Protocol, c.Name, orNone(c.Resource), c.Detail))
				}
				continue
			}
			bad++
			for _, c := range failed(p) {
				lines = append(lines, fmt.Sprintf("%s: from %s over %s blocked: %s (%s): %s", t.Modeled, p.EndpointIP, p.Protocol, c.Name, orNone(c.Resource), c.Detail))
			}
		}
		udp, tcp := strings.Join(open[config.ProtoUDP], ", "), strings.Join(open[config.ProtoTCP], ", ")
		switch {
		case udp != "" && udp == tcp:
			s.Evidence = append(s.Evidence, fmt.Sprintf("%s: udp and tcp open from %s", t.Modeled, udp))
		default:
			if udp != "" {
				s.Evidence = append(s.Evidence, fmt.Sprintf("%s: udp open from %s", t.Modeled, udp))
			}
			if tcp != "" {
				s.Evidence = append(s.Evidence, fmt.Sprintf("%s: tcp open from %s", t.Modeled, tcp))
			}
		}
		s.Evidence = append(s.Evidence, lines...)
	}
	switch {
	case bad == 0 && unknown > 0:
		s.Status = Unknown
		s.Summary = fmt.Sprintf("%d of %d paths unknown: they cross what vpcdns does not model, the rest are open", unknown, total)
		if unknown == total {
			s.Summary = fmt.Sprintf("all %d paths unknown: they cross what vpcdns does not model", total)
		}
	case bad == 0:
		s.Status = Pass
		s.Summary = fmt.Sprintf("all %d paths open (udp and tcp from each endpoint address to each target)", total)
	case bad == total:
		s.Status = Fail
		s.Summary = fmt.Sprintf("all %d paths blocked", total)
	case r.udpOpen() == 0:
		s.Status = Fail
		s.Summary = fmt.Sprintf("%d of %d paths blocked, every udp path among them: the first attempt of every query times out", bad, total)
	default:
		// Some paths are open: the query gets through on a retry, so this
		// is a warning for the paths that are not.
		s.Status = Warn
		s.Summary = fmt.Sprintf("%d of %d paths blocked: attempts that take them time out and fail over", bad, total)
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "default"
	}
	return s
}

// failed returns the failed checks of p, without a gateway failure that
// only follows from a failed route.
func failed(p netpath.Path) []netpath.Check {
	fs := p.Failed()
	route := false
	for _, c := range fs {
		route = route || c.Name == netpath.CheckRoute
	}
	var out []netpath.Check
	for _, c := range fs {
		if !(route && c.Name == netpath.CheckGateway) {
			out = append(out, c)
		}
	}
	return out
}

// conclude says in one sentence where the query is lost and what to change.
func (r *run) conclude() (string, string) {
	w := r.dec.Winner
	f := r.forward()
	act, actOK := r.actualAnswer()
	exp, found, agree := r.expected()
	if w == nil {
		return fmt.Sprintf("Set enable_dns_support: true on %s: with DNS support off its resolver answers nothing, so every query from it times out.", r.c.ID), r.c.ID
	}
	if dh := r.vpc.DHCP(); dh != nil && dh.Bypass {
		return fmt.Sprintf("Add AmazonProvidedDNS to the domain-name-servers of DHCP option set %s (or make %s forward to an inbound endpoint of %s): instances of %s that use it ask those servers and never this resolver, so the decision shown is not what they get.",
			dh.OptionSet, strings.Join(dh.Servers, ", "), r.c.ID, r.c.ID), dh.OptionSet
	}
	if r.host.Status == Fail {
		return fmt.Sprintf("Point this host at %s's resolver: %s; set the resolver of %s to %s (or give the VPC a DHCP option set with AmazonProvidedDNS).", r.c.ID, r.host.Summary, r.opts.Host.File, r.c.ResolverAddr()), r.opts.Host.File
	}
	if fw, ok := r.firewallAnswered(act); ok && actOK {
		return firewallConclusion(r.c.ID, r.qname.String(), fw)
	}
	if r.shadowed && !r.sameAnswer() {
		fix := fmt.Sprintf("create a forward rule for %s with the targets of %s", w.Domain, r.exp.ID)
		change := r.exp.ID
		if w.Source == view.SourceAutoReverse {
			fix += fmt.Sprintf(", or set autodefined_reverse: disable on %s", r.c.ID)
		}
		return fmt.Sprintf("%s never sees %s from %s because %s is more specific: %s.", capital(name(r.exp)), r.qname, r.c.ID, name(w), fix), change
	}
	if f != nil && f.Rule == nil && len(f.Targets) == 0 {
		return fmt.Sprintf("Add internet.forwarders, or a rule or private hosted zone for %s: the internet rule has no forwarders, so vpcdns answers SERVFAIL.", r.qname), "internet.forwarders"
	}
	if f != nil && f.Endpoint != nil {
		open, blocked := r.udpPaths()
		if blocked > 0 && open == 0 {
			c, t := r.firstFailure()
			msg := fmt.Sprintf("Change %s: %s blocks every path from %s to the targets of %s (%s).", c.Resource, c.Name, f.Endpoint.ID, r.exp.ID, c.Detail)
			if actOK && act.good() {
				msg += fmt.Sprintf(" The %s answer of step 2 comes from the cache and ends with it.", act.Rcode)
			}
			return msg, change(c, t)
		}
	}
	if !actOK && r.external() {
		return fmt.Sprintf("Run doctor on an instance in %s with --resolver %s (or %s): nothing answers at %s from this host.", r.c.ID, r.c.ResolverAddr(), linkLocalResolver, r.resolver), r.c.ID
	}
	if actOK && r.external() && !found && r.ex.ExpectedRcode != act.Rcode && !(f != nil && r.ex.ExpectedRcode == "NOERROR" && act.Rcode == "NXDOMAIN") {
		return fmt.Sprintf("Re-import %s (vpcdns import) and compare with vpcdns diff: its resolver at %s answers %s, the network file predicts %s.", r.c.ID, r.resolver, act.Rcode, r.ex.ExpectedRcode), r.c.ID
	}
	if f != nil && f.Endpoint != nil && f.Unknown() {
		causes := f.UnknownCauses()
		return fmt.Sprintf("Check by hand what the paths from %s to the targets of %s cross: vpcdns does not model it, so the verdict is unknown (%s).", f.Endpoint.ID, r.exp.ID, strings.Join(causes, "; ")), unknownResource(f)
	}
	if !actOK && r.resolver.IsValid() && len(r.actual) > 0 && r.actual[0].Outcome == OutcomeUnreachable {
		return fmt.Sprintf("Start vpcdns serve with this network: nothing listens at %s, the resolver_listen of %s%s.", r.resolver, r.c.ID, r.emulatedNote()), r.c.ID
	}
	if f != nil && !found && len(r.targets) > 0 && r.anyProbed() {
		var down []string
		for _, tp := range r.targets {
			if tp.probed {
				down = append(down, fmt.Sprintf("%s (%s)", r.targetLabel(tp.t), tp.udp.short()))
			}
		}
		return fmt.Sprintf("Fix the DNS %s at %s or change the target_ips of %s: no target answers, so the resolver can only answer SERVFAIL.", plural(len(down), "server"), strings.Join(down, ", "), r.exp.ID), r.targets[0].t.Modeled.String()
	}
	if !actOK {
		if msg, change := r.eniLimit(); msg != "" {
			return msg, change
		}
		if !r.resolver.IsValid() {
			return fmt.Sprintf("Give %s a resolver_listen socket and run vpcdns serve: there is no resolver to ask.", r.c.ID), r.c.ID
		}
		return fmt.Sprintf("Start vpcdns serve with this network: nothing answers at %s, the resolver_listen of %s.", r.resolver, r.c.ID), r.c.ID
	}
	if act.Stale {
		who := "its targets"
		if r.exp != nil && r.exp.Forward != nil && r.exp.Forward.Rule != nil {
			who = "the targets of " + r.exp.ID
		}
		return fmt.Sprintf("Make %s reachable from %s's resolver: it cannot resolve %s now and answers from its stale cache, which ends with the serve-stale window.", who, r.c.ID, r.qname), r.exp.ID
	}
	if act.Rcode == "SERVFAIL" && found {
		if msg, change := r.endpointLimit(); msg != "" {
			return msg, change
		}
		return fmt.Sprintf("The targets answer when asked directly but %s's resolver answers SERVFAIL: check that vpcdns serve runs with this network and that %s's attempt and total timeouts leave the targets time to answer.%s", r.c.ID, "emulation.forwarding", r.endpointHint()), "emulation.forwarding"
	}
	if found && act.answerSig() != exp.answerSig() && r.external() {
		return fmt.Sprintf("Re-import %s (vpcdns import) and compare with vpcdns diff: its resolver at %s answers %s, which this network file does not give.", r.c.ID, r.resolver, describe(act)), r.c.ID
	}
	if found && act.answerSig() != exp.answerSig() {
		return fmt.Sprintf("Restart vpcdns serve with this network: %s's resolver at %s answers %s, which this network does not give.", r.c.ID, r.resolver, describe(act)), r.c.ID
	}
	for _, tp := range r.targets {
		if tp.probed && tp.udp.good() && !tp.tcp.good() {
			return fmt.Sprintf("This query resolves, but let TCP 53 through to %s (a target of %s): it answers over udp but not over tcp (%s), so answers too large for udp will fail.", tp.t.Modeled, r.exp.ID, tp.tcp.short()), tp.t.Modeled.String()
		}
	}
	for _, tp := range r.targets {
		if tp.probed && !tp.udp.good() {
			return fmt.Sprintf("This query resolves, but fix the DNS server at %s or remove it from the target_ips of %s: it does not answer (%s), so queries that try it first wait and fail over.", tp.t.Modeled, r.exp.ID, tp.udp.short()), tp.t.Modeled.String()
		}
	}
	if f != nil && f.Endpoint != nil {
		if _, blocked := r.udpPaths(); blocked > 0 || r.anyBlocked() {
			c, t := r.firstFailure()
			return fmt.Sprintf("This query resolves, but change %s: %s blocks some paths from %s to %s (%s), so attempts that take them time out.", c.Resource, c.Name, f.Endpoint.ID, t, c.Detail), change(c, t)
		}
	}
	if !agree {
		return fmt.Sprintf("Make the targets of %s agree: they give different answers, so the answer depends on which target a query picks.", r.exp.ID), r.exp.ID
	}
	if act.Rcode == "NXDOMAIN" {
		owner := name(w)
		if f != nil {
			owner = "the server that owns " + orUnknown(exp.SOA)
		}
		return fmt.Sprintf("Nothing to change in the network: NXDOMAIN is the valid answer of %s; add the record there if the name should exist.", owner), ""
	}
	if r.shadowed {
		return fmt.Sprintf("Nothing to change for this name: %s answers %s %s itself, the same as %s would; other names may differ (vpcdns lint).", name(w), r.ex.Query.Type, r.qname, name(r.exp)), ""
	}
	return fmt.Sprintf("Nothing to change: %s resolves %s %s as %s answers it.", r.c.ID, r.ex.Query.Type, r.qname, name(r.exp)), ""
}

// sameAnswer reports whether the resolver answered and gave the expected
// answer.
func (r *run) sameAnswer() bool {
	act, ok := r.actualAnswer()
	exp, found, _ := r.expected()
	return ok && found && act.answerSig() == exp.answerSig()
}

// targetLabel names a target with where it really answers: "192.168.10.53:53
// (at 127.0.0.1:5300, played by vpcdns serve as onprem-dns-1)".
func (r *run) targetLabel(t view.Target) string {
	label := t.Modeled.String()
	if t.Dial == t.Modeled {
		return label
	}
	label += " (at " + t.Dial.String()
	if id := r.authServer(t.Dial); id != "" {
		label += ", played by vpcdns serve as " + id
	}
	return label + ")"
}

// authServer returns the emulated authoritative server listening at a.
func (r *run) authServer(a netip.AddrPort) string {
	for _, as := range r.n.Emulation.AuthServers {
		for _, l := range as.Listen {
			if l == a || askable(l) == a {
				return as.ID
			}
		}
	}
	return ""
}

// emulatedNote says that the targets, too, are played by vpcdns serve.
func (r *run) emulatedNote() string {
	for _, tp := range r.targets {
		if r.authServer(tp.t.Dial) != "" {
			return " (it plays the targets too: emulation.authoritative_servers)"
		}
	}
	return ""
}

func (r *run) anyProbed() bool {
	for _, tp := range r.targets {
		if tp.probed {
			return true
		}
	}
	return false
}

func (r *run) anyBlocked() bool {
	f := r.forward()
	if f == nil {
		return false
	}
	for _, t := range f.Targets {
		for _, p := range t.Paths {
			if p.Verdict != netpath.OK {
				return true
			}
		}
	}
	return false
}

// cachedOnly reports whether an answer of the resolver can only come from
// its cache: the winner is a forward, and every UDP path of it is blocked.
func (r *run) cachedOnly() bool {
	w := r.dec.Winner
	if w == nil || w.Forward == nil || r.shadowed {
		return false
	}
	open, blocked := r.udpPaths()
	return blocked > 0 && open == 0
}

// udpOpen counts the open UDP paths of the expected forward.
func (r *run) udpOpen() int {
	open, _ := r.udpPaths()
	return open
}

// firstFailure is the first failed check of the expected forward's paths,
// UDP first, and its target.
func (r *run) firstFailure() (netpath.Check, string) {
	f := r.forward()
	for _, proto := range []config.Protocol{config.ProtoUDP, config.ProtoTCP} {
		for _, t := range f.Targets {
			for _, p := range t.Paths {
				if p.Protocol != proto || p.Verdict == netpath.OK {
					continue
				}
				if fs := failed(p); len(fs) > 0 {
					return fs[0], t.Modeled.String()
				}
			}
		}
	}
	return netpath.Check{}, ""
}

// change is the resource a failed check names; the default ACL has none,
// so then it is the target.
func change(c netpath.Check, target string) string {
	if c.Resource != "" {
		return c.Resource
	}
	return target
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// firewallAnswered reports the firewall's explanation when the DNS
// Firewall answers the query itself and the resolver's answer is the
// firewall's.
func (r *run) firewallAnswered(act Probe) (*explain.Firewall, bool) {
	fw := r.ex.Firewall
	if fw == nil || fw.Rcode == "" || act.Rcode != fw.Rcode {
		return nil, false
	}
	if fw.Acted != nil && fw.Acted.BlockResponse == "OVERRIDE" {
		return fw, true
	}
	// NXDOMAIN, NODATA or a failure: the firewall's answer has no records.
	return fw, len(act.Answer) == 0
}

// firewallConclusion names the firewall rule that answered.
func firewallConclusion(vpc, qname string, fw *explain.Firewall) (string, string) {
	if fw.Acted == nil {
		return fmt.Sprintf("Turn off emulate_failure in the firewall_configs entry of %s, or set firewall_fail_open: ENABLED: its DNS Firewall fails and fails closed, so every query gets SERVFAIL.", vpc), vpc
	}
	a := fw.Acted
	return fmt.Sprintf("DNS Firewall rule %s (priority %d) of rule group %s blocks %s from %s (%s, domain list %s) before any resolver rule is used: if the name should resolve, remove it from %s, allow it with an ALLOW rule evaluated earlier, or disassociate %s from %s.",
		a.Name, a.Priority, a.RuleGroup, qname, vpc, a.BlockResponse, a.DomainList, a.DomainList, a.RuleGroup, vpc), a.RuleGroup
}

// unknownResource is the unmodeled resource (or the resource of the check)
// that makes the first unknown path of f unknown.
func unknownResource(f *view.Forward) string {
	for _, t := range f.Targets {
		for _, p := range t.Paths {
			for _, c := range p.Unknowns() {
				if c.Unmodeled != "" {
					return c.Unmodeled
				}
				return c.Resource
			}
		}
	}
	return ""
}
