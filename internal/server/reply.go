package server

import (
	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/wire"
)

// This file is the one place that sets the header flags, the EDNS and the
// size of every reply the server writes (the fast path's wire.FinishReply
// does the same to stored bytes, by the same rules). docs/conformance.md
// lists the cases and the RFCs behind them.

// newReply starts the reply to req: its ID, opcode and first question; QR
// set; RD copied whatever the opcode (RFC 1035 §4.1.1; miekg's SetReply
// copies it for QUERY only); AA, TC, AD and CD clear. recursive sets RA (a
// VPC resolver, behaviour.md §5); an emulated authoritative server clears
// it.
func newReply(req *dns.Msg, recursive bool) *dns.Msg {
	resp := new(dns.Msg)
	resp.Id = req.Id
	resp.Response = true
	resp.Opcode = req.Opcode
	resp.RecursionDesired = req.RecursionDesired
	resp.RecursionAvailable = recursive
	if len(req.Question) > 0 {
		resp.Question = []dns.Question{req.Question[0]}
	}
	return resp
}

// Cookie lengths (RFC 7873 §4): a client cookie alone is 8 bytes, with a
// server cookie 16 to 40.
const (
	clientCookieLen = 8
	minCookieLen    = 16
	maxCookieLen    = 40
)

// ednsRcode is the rcode a query earns by its OPT record alone, and 0 when
// its EDNS is fine (or absent): FORMERR for more than one OPT (RFC 6891
// §6.1.1), an OPT not owned by the root (§6.1.2) or a COOKIE option of a
// length RFC 7873 §5.2.2 rejects; BADVERS for an EDNS version above 0
// (§6.1.3). An option running past the OPT never gets here: the message
// does not unpack, and the reader answers FORMERR.
func ednsRcode(req *dns.Msg) int {
	var opt *dns.OPT
	for _, rr := range req.Extra {
		o, ok := rr.(*dns.OPT)
		if !ok {
			continue
		}
		if opt != nil {
			return dns.RcodeFormatError
		}
		opt = o
	}
	if opt == nil {
		return dns.RcodeSuccess
	}
	if opt.Hdr.Name != "." {
		return dns.RcodeFormatError
	}
	for _, o := range opt.Option {
		if c, ok := o.(*dns.EDNS0_COOKIE); ok {
			n := len(c.Cookie) / 2 // hex
			if n != clientCookieLen && (n < minCookieLen || n > maxCookieLen) {
				return dns.RcodeFormatError
			}
		}
	}
	if opt.Version() != 0 {
		return dns.RcodeBadVers
	}
	return dns.RcodeSuccess
}

// replyLimit is the largest reply, in bytes, a client gets (RFC 6891 §6.2.5,
// RFC 9715): over TCP a whole message; over UDP 512 without OPT, and with
// one the client's payload, at least 512 and at most the 1232 vpcdns
// advertises (DNS Flag Day 2020: no fragmented datagrams, whatever the client
// claims).
func replyLimit(req *dns.Msg, tcp bool) int {
	if tcp {
		return dns.MaxMsgSize
	}
	opt := req.IsEdns0()
	if opt == nil {
		return dns.MinMsgSize
	}
	return min(max(int(opt.UDPSize()), dns.MinMsgSize), wire.AdvertisedUDPSize)
}

// finish gives resp its EDNS and its size: an OPT (payload 1232, version 0,
// no DO, no options) when the query had one, and only then; the reply
// compressed always (RFC 1035 §4.1.4) and cut to replyLimit with TC set when
// it does not fit, the whole answer being there over TCP (RFC 7766). An
// extended rcode (BADVERS) travels in the OPT; without one it becomes
// SERVFAIL, which a client without EDNS can read.
func finish(req, resp *dns.Msg, tcp bool, options ...dns.EDNS0) {
	n := 0
	for _, rr := range resp.Extra {
		if rr.Header().Rrtype != dns.TypeOPT {
			resp.Extra[n] = rr
			n++
		}
	}
	resp.Extra = resp.Extra[:n]
	if req.IsEdns0() != nil {
		resp.SetEdns0(wire.AdvertisedUDPSize, false)
		if len(options) > 0 {
			opt := resp.IsEdns0()
			opt.Option = append(opt.Option, options...)
		}
	} else if resp.Rcode > 0xF {
		resp.Rcode = dns.RcodeServerFailure
	}
	resp.Truncate(replyLimit(req, tcp))
	resp.Compress = true // Truncate turns it off for a reply that fits without
}

// qtypeRcode is the rcode of a question whose type a resolver does not
// answer, and 0 for every other type, as Unbound decides: zone transfers
// (AXFR, IXFR) are REFUSED; meta-types that are no question at all (OPT,
// TSIG, TKEY, MAILA, MAILB and the rest of 128–254, RFC 6895 §3.1) are
// FORMERR. ANY (255) is a question (RFC 8482).
func qtypeRcode(qtype uint16) int {
	switch {
	case qtype == dns.TypeAXFR, qtype == dns.TypeIXFR:
		return dns.RcodeRefused
	case qtype == dns.TypeOPT, qtype >= 128 && qtype <= 254 && qtype != dns.TypeANY:
		return dns.RcodeFormatError
	}
	return dns.RcodeSuccess
}
