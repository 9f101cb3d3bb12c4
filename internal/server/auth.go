package server

import (
	"fmt"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/suffix"
	"github.com/vpcdns/vpcdns/internal/zone"
)

// authHandler answers as one emulated authoritative server (emulation.
// authoritative_servers): AA set, RA clear, REFUSED outside its zones. It
// stands in for an on-premises DNS server so the quick start needs nothing
// else installed; tests of forwarding use BIND.
type authHandler struct {
	s  *Server
	id string
}

func (h authHandler) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	if req.Response {
		return // never answer a response (no reflection)
	}
	written := false
	defer h.s.recoverQuery(w, req, &written)
	zones := h.s.state.Load().auth[h.id]
	resp := newReply(req, false)
	switch rc := ednsRcode(req); {
	case rc != dns.RcodeSuccess:
		resp.Rcode = rc
	case req.Opcode != dns.OpcodeQuery:
		resp.Rcode = dns.RcodeNotImplemented
	case len(req.Question) != 1:
		resp.Rcode = dns.RcodeFormatError
	default:
		q := req.Question[0]
		qname := dnsname.FromWire(q.Name)
		if zones == nil {
			resp.Rcode = dns.RcodeRefused
			break
		}
		_, z, ok := zones.Longest(qname)
		if !ok {
			resp.Rcode = dns.RcodeRefused
			break
		}
		a := z.Lookup(qname, q.Qtype)
		resp.Authoritative = true
		resp.Rcode, resp.Answer, resp.Ns = a.Rcode, a.Answer, a.Ns
	}
	finish(req, resp, w.RemoteAddr().Network() == "tcp")
	written = true
	if err := w.WriteMsg(resp); err != nil {
		h.s.log.Debug("write reply", "server", h.id, "err", err)
	}
}

// authZones builds the zones of every emulated authoritative server.
func authZones(servers []*config.AuthServer) (map[string]*suffix.Table[*zone.Zone], error) {
	out := make(map[string]*suffix.Table[*zone.Zone], len(servers))
	for _, as := range servers {
		t := suffix.New[*zone.Zone](len(as.Zones))
		for _, az := range as.Zones {
			z, err := zone.New(az.Name, az.Records)
			if err != nil {
				return nil, fmt.Errorf("emulated server %s: %w", as.ID, err)
			}
			t.Set(az.Name, z)
		}
		out[as.ID] = t
	}
	return out, nil
}
