package view

import (
	"fmt"
	"slices"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/zone"
)

// endpointTTL is the TTL of the answers of a VPC endpoint's hidden zone:
// the endpoint's regional DNS names answer with 60 seconds.
const endpointTTL = 60

// endpointZone is one hidden private hosted zone of an interface VPC
// endpoint with private DNS: its apex is a private DNS name of the service
// (ssm.us-east-1.amazonaws.com); it answers the apex (and, for a name
// written "*.name", every name below it) with the endpoint's addresses.
type endpointZone struct {
	ep   *config.VPCEndpoint
	apex dnsname.Name
	zone *zone.Zone
}

// endpointZones builds the hidden zones of every endpoint that answers
// private DNS, one per apex and endpoint.
func endpointZones(n *config.Network) ([]endpointZone, error) {
	var out []endpointZone
	for _, e := range n.VPCEndpoints {
		if !e.AnswersPrivateDNS() {
			continue
		}
		var apexes []dnsname.Name
		owners := map[dnsname.Name][]dnsname.Name{}
		for i, name := range e.Names {
			owner := name
			if e.Wildcard[i] {
				owner = name.Child("*")
			}
			if !slices.Contains(apexes, name) {
				apexes = append(apexes, name)
			}
			owners[name] = append(owners[name], owner)
		}
		for _, apex := range apexes {
			soa, ns := config.Route53Apex(apex)
			rrs := append([]dns.RR{soa}, ns...)
			for _, owner := range owners[apex] {
				for _, a := range e.Addresses {
					rrs = append(rrs, &dns.A{Hdr: dns.RR_Header{Name: owner.String(), Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: endpointTTL}, A: a.IP.AsSlice()})
				}
				for _, a := range e.IPv6 {
					rrs = append(rrs, &dns.AAAA{Hdr: dns.RR_Header{Name: owner.String(), Rrtype: dns.TypeAAAA, Class: dns.ClassINET, Ttl: endpointTTL}, AAAA: a.AsSlice()})
				}
			}
			z, err := zone.New(apex, rrs)
			if err != nil {
				return nil, fmt.Errorf("compile vpc endpoint %s: %w", e.ID, err)
			}
			out = append(out, endpointZone{ep: e, apex: apex, zone: z})
		}
	}
	return out, nil
}
