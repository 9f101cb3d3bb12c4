package server

import (
	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/firewall"
	"github.com/vpcdns/vpcdns/internal/querylog"
)

// The DNS Firewall hook of the query pipeline (docs/firewall.md): the query
// name is filtered before the rule/zone/forward decision, and the names of
// the CNAME and DNAME chain of the answer after it.

// fwState is what the firewall did with one query.
type fwState struct {
	d firewall.Decision
	// made marks a reply the firewall made itself (a block, or a firewall
	// that failed closed): fixed by the view, like a local answer.
	made bool
	// failed marks a firewall that could not decide.
	failed bool
	// trusted marks a query name allowed by a rule that trusts the
	// redirection chain: the chain is not inspected.
	trusted bool
}

// firewallQuery filters the query name. It reports true when the reply in
// resp is final (blocked, or the firewall failed closed).
func (s *Server) firewallQuery(x *exchange, resp *dns.Msg) bool {
	fw := x.vpc.Firewall
	d := fw.Evaluate(x.qname, x.q.Qtype, false)
	x.fw.d = d
	if d.Failed {
		x.fw.failed = true
		if m := s.opts.Metrics; m != nil {
			m.FirewallFailure(x.vpc.Config.ID, fw.FailOpen)
		}
		if fw.FailOpen {
			return false
		}
		// "Resolver blocks any queries for which it doesn't receive a
		// reply from DNS Firewall and sends a SERVFAIL DNS response."
		resp.Rcode = dns.RcodeServerFailure
		x.fw.made = true
		return true
	}
	if d.Acted != nil && d.Acted.Action == firewall.Allow && d.Acted.Config.TrustRedirect {
		x.fw.trusted = true
	}
	if !d.Blocked() {
		return false
	}
	x.fw.made = true
	s.blockReply(x, resp, d.Acted)
	return true
}

// blockReply makes the reply of a BLOCK rule for the query.
func (s *Server) blockReply(x *exchange, resp *dns.Msg, r *firewall.Rule) {
	resp.Answer, resp.Ns, resp.Extra = nil, nil, nil
	switch r.Response {
	case firewall.NXDomain:
		resp.Rcode = dns.RcodeNameError
	case firewall.NoData:
		resp.Rcode = dns.RcodeSuccess
	case firewall.Override:
		resp.Rcode = dns.RcodeSuccess
		target := r.Config.OverrideDomain
		resp.Answer = []dns.RR{&dns.CNAME{
			Hdr:    dns.RR_Header{Name: x.q.Name, Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: r.Config.OverrideTTL},
			Target: target.String(),
		}}
		if x.q.Qtype == dns.TypeCNAME {
			return
		}
		// The override domain is resolved as a query for it would be,
		// firewall included: a blocked target ends the chain with the
		// target's block (NXDOMAIN, or no data).
		if d := x.vpc.Firewall.Evaluate(target, x.q.Qtype, false); d.Blocked() || d.Failed {
			if d.Blocked() && d.Acted.Response == firewall.NXDomain {
				resp.Rcode = dns.RcodeNameError
			}
			return
		}
		s.chase(x, resp)
	}
}

// firewallChain inspects the CNAME and DNAME targets of an answer, in
// order, with the rules that inspect redirection domains; a blocked name
// turns the whole reply into that rule's block reply.
func (s *Server) firewallChain(x *exchange, resp *dns.Msg) {
	if x.fw.trusted || x.fw.made || x.fw.failed {
		return
	}
	fw := x.vpc.Firewall
	for _, rr := range resp.Answer {
		var target string
		switch rr := rr.(type) {
		case *dns.CNAME:
			target = rr.Target
		case *dns.DNAME:
			target = rr.Target
		default:
			continue
		}
		name := dnsname.FromWire(target)
		d := fw.Evaluate(name, x.q.Qtype, true)
		if d.NAlerts > 0 && x.fw.d.Logged() == nil {
			x.fw.d = d
		}
		if d.Blocked() {
			x.fw.d = d
			x.fw.made = true
			x.volatile = true // depends on the answer, not only on the view
			s.blockReply(x, resp, d.Acted)
			return
		}
	}
}

// countFirewall counts the rule matches of one query.
func (s *Server) countFirewall(x *exchange) {
	m := s.opts.Metrics
	if m == nil || x.vpc == nil {
		return
	}
	for _, r := range x.fw.d.Alerts() {
		m.FirewallMatch(x.vpc.Config.ID, r.GroupID, "ALERT")
	}
	if r := x.fw.d.Acted; r != nil {
		m.FirewallMatch(x.vpc.Config.ID, r.GroupID, r.Action.String())
	}
}

// logFirewall fills the firewall fields of a query-log record.
func logFirewall(rec *querylog.Record, d *firewall.Decision) {
	if r := d.Logged(); r != nil {
		rec.FirewallRuleGroupID = r.GroupID
		rec.FirewallRuleAction = r.Action.String()
		rec.FirewallDomainListID = r.ListID
	}
}

// hasRedirect reports whether the answer section of a packed reply holds
// a CNAME or DNAME record (or cannot be read): such a cached answer needs
// the firewall's chain inspection, which only the full path does.
func hasRedirect(msg []byte) bool {
	if len(msg) < 12 {
		return true
	}
	qd := int(msg[4])<<8 | int(msg[5])
	an := int(msg[6])<<8 | int(msg[7])
	off := 12
	for range qd {
		off = skipName(msg, off)
		if off < 0 || off+4 > len(msg) {
			return true
		}
		off += 4
	}
	for range an {
		off = skipName(msg, off)
		if off < 0 || off+10 > len(msg) {
			return true
		}
		t := uint16(msg[off])<<8 | uint16(msg[off+1])
		if t == dns.TypeCNAME || t == dns.TypeDNAME {
			return true
		}
		rdlen := int(msg[off+8])<<8 | int(msg[off+9])
		off += 10 + rdlen
		if off > len(msg) {
			return true
		}
	}
	return false
}

// skipName returns the offset after the name at off, or -1.
func skipName(msg []byte, off int) int {
	for off < len(msg) {
		c := int(msg[off])
		switch {
		case c == 0:
			return off + 1
		case c&0xc0 == 0xc0:
			return off + 2
		case c&0xc0 != 0:
			return -1
		}
		off += c + 1
	}
	return -1
}
