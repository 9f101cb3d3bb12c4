package forward

import (
	"encoding/binary"
	"strings"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// upstreamQuery is the one query vpcdns sends to a target for question: RD
// set, and an OPT of its own (payload UpstreamUDPSize, version 0, no DO, no
// options). Nothing of the client's query goes upstream but the question:
// not its DO or CD bits (AWS: the VPC resolver ignores them and returns no
// DNSSEC records), not its COOKIE or client subnet (ECS would leak the
// client's network and would need to be part of the cache key), not its
// EDNS version or payload size (the answer must not depend on which client
// filled the cache).
func upstreamQuery(question dns.Question) *dns.Msg {
	m := new(dns.Msg)
	m.Opcode = dns.OpcodeQuery
	m.RecursionDesired = true
	m.Question = []dns.Question{question}
	m.Compress = true
	m.SetEdns0(UpstreamUDPSize, false)
	return m
}

// appendQuery appends to b the wire form of upstreamQuery(question) with ID
// 0, as (*dns.Msg).Pack writes it, without building the message: it was 7
// of the 31 allocations of a cache-miss forward. A name with escapes (\.,
// \DDD), an empty or over-long label or a name that is not fully
// qualified goes through dns.Msg.Pack, which knows all of those.
func appendQuery(b []byte, question dns.Question) ([]byte, error) {
	name := question.Name
	if strings.IndexByte(name, '\\') >= 0 || !dns.IsFqdn(name) || len(name) > 255 {
		return packQuery(b, question)
	}
	b = append(b, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1) // ID 0, RD, 1 question, 1 additional (the OPT)
	if name != "." {
		for start := 0; start < len(name); {
			end := start + strings.IndexByte(name[start:], '.')
			if n := end - start; n == 0 || n > 63 {
				return packQuery(b[:0], question)
			}
			b = append(b, byte(end-start))
			b = append(b, name[start:end]...)
			start = end + 1
		}
	}
	b = append(b, 0)
	b = binary.BigEndian.AppendUint16(b, question.Qtype)
	b = binary.BigEndian.AppendUint16(b, question.Qclass)
	// The OPT: root owner, type 41, class = UDP payload size, TTL 0
	// (extended rcode, version 0, no DO), no options.
	b = append(b, 0, 0, 41)
	b = binary.BigEndian.AppendUint16(b, UpstreamUDPSize)
	return append(b, 0, 0, 0, 0, 0, 0), nil
}

// packQuery is appendQuery through dns.Msg.Pack.
func packQuery(b []byte, question dns.Question) ([]byte, error) {
	wire, err := upstreamQuery(question).Pack()
	if err != nil {
		return b, err
	}
	return append(b, wire...), nil
}

// dnssecTypes are the records a target sends for DNSSEC, which vpcdns (as
// AWS's resolver) never passes on unless they are what was asked for.
var dnssecTypes = map[uint16]bool{
	dns.TypeRRSIG: true, dns.TypeNSEC: true, dns.TypeNSEC3: true,
}

// clean keeps, of a target's reply to question, only what a resolver may pass
// on (RFC 5452 §6, the bailiwick rule):
//
//   - the answer: the records owned by the question's name or by a name its
//     CNAME chain leads to (DNAMEs above such a name included), all others
//     dropped: a target has no say about names it was not asked for;
//   - the authority: SOA and NS records owned by one of those names or an
//     ancestor of one (the zone that answered);
//   - the additional section: nothing (the OPT is vpcdns's own to set);
//   - in every section, no RRSIG, NSEC or NSEC3 unless the question asks
//     for that type.
func clean(m *dns.Msg, question dns.Question) {
	chain := map[dnsname.Name]bool{dnsname.FromWire(question.Name): true}
	for grew := true; grew; {
		grew = false
		for _, rr := range m.Answer {
			cn, ok := rr.(*dns.CNAME)
			if !ok || !chain[dnsname.FromWire(cn.Hdr.Name)] {
				continue
			}
			if t := dnsname.FromWire(cn.Target); !chain[t] {
				chain[t] = true
				grew = true
			}
		}
	}
	keep := func(rr dns.RR) bool {
		t := rr.Header().Rrtype
		return !dnssecTypes[t] || t == question.Qtype
	}
	answer := m.Answer[:0]
	for _, rr := range m.Answer {
		owner := dnsname.FromWire(rr.Header().Name)
		ok := chain[owner]
		if d, isDNAME := rr.(*dns.DNAME); isDNAME {
			ok = below(chain, dnsname.FromWire(d.Hdr.Name))
		}
		if ok && keep(rr) {
			answer = append(answer, rr)
		}
	}
	m.Answer = answer
	ns := m.Ns[:0]
	for _, rr := range m.Ns {
		t := rr.Header().Rrtype
		if (t == dns.TypeSOA || t == dns.TypeNS) && below(chain, dnsname.FromWire(rr.Header().Name)) {
			ns = append(ns, rr)
		}
	}
	m.Ns = ns
	m.Extra = nil
}

// below reports whether one of the names of chain is zone or lies under it.
func below(chain map[dnsname.Name]bool, zone dnsname.Name) bool {
	for n := range chain {
		if n.IsSubdomainOf(zone) {
			return true
		}
	}
	return false
}
