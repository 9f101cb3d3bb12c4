package route53api

import (
	"context"
	"encoding/xml"
	"strings"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/zone"
)

// dnssecStatus is Route 53's DNSSECStatus.
type dnssecStatus struct {
	ServeSignature string `xml:"ServeSignature"`
	StatusMessage  string `xml:"StatusMessage,omitempty"`
}

type getDNSSECOut struct {
	XMLName        xml.Name       `xml:"GetDNSSECResponse"`
	Xmlns          string         `xml:"xmlns,attr"`
	Status         dnssecStatus   `xml:"Status"`
	KeySigningKeys keySigningKeys `xml:"KeySigningKeys"`
}

// keySigningKey is Route 53's KeySigningKey; vpcdns has none to show.
type keySigningKey struct{}

// keySigningKeys is Route 53's KeySigningKeys list, whose element is
// written even when the list is empty, as AWS does.
type keySigningKeys []keySigningKey

func (k keySigningKeys) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(struct {
		Keys []keySigningKey `xml:"member"`
	}{k}, start)
}

// getDNSSEC answers that the zone is not signed: vpcdns signs nothing
// (and answers with no DNSSEC records, docs/conformance.md).
func (h *Handler) getDNSSEC(ctx context.Context, r request) (getDNSSECOut, error) {
	_, n := h.Store.Snapshot()
	if zoneIndex(n, r.parts[1]) < 0 {
		return getDNSSECOut{}, zoneNotFound(r.parts[1])
	}
	return getDNSSECOut{Xmlns: xmlns, Status: dnssecStatus{ServeSignature: "NOT_SIGNING"}}, nil
}

type testAnswerOut struct {
	XMLName      xml.Name `xml:"TestDNSAnswerResponse"`
	Xmlns        string   `xml:"xmlns,attr"`
	Nameserver   string   `xml:"Nameserver"`
	RecordName   string   `xml:"RecordName"`
	RecordType   string   `xml:"RecordType"`
	RecordData   []string `xml:"RecordData>RecordDataEntry"`
	ResponseCode string   `xml:"ResponseCode"`
	Protocol     string   `xml:"Protocol"`
}

// testAnswer answers as the zone's name servers would: from the zone's
// records in the model, the same records a VPC's query on the internet
// path gets from the zone. As on AWS, public zones only.
func (h *Handler) testAnswer(ctx context.Context, r request) (testAnswerOut, error) {
	q := r.query
	id, rname, rtype := q.Get("hostedzoneid"), q.Get("recordname"), q.Get("recordtype")
	switch {
	case id == "":
		return testAnswerOut{}, apierr.Missing("HostedZoneId")
	case rname == "":
		return testAnswerOut{}, apierr.Missing("RecordName")
	case rtype == "":
		return testAnswerOut{}, apierr.Missing("RecordType")
	}
	typ, ok := dns.StringToType[strings.ToUpper(rtype)]
	if !ok || !strings.Contains(" "+r53Types+" ", " "+strings.ToUpper(rtype)+" ") {
		return testAnswerOut{}, apierr.Param("RecordType", "Invalid value for RecordType: %s", rtype)
	}
	_, n := h.Store.Snapshot()
	i := zoneIndex(n, id[strings.LastIndex(id, "/")+1:])
	if i < 0 {
		return testAnswerOut{}, zoneNotFound(id)
	}
	hz := zoneAt(n, i)
	if !hz.Public {
		return testAnswerOut{}, notPublic("TestDNSAnswer")
	}
	name, err := parseName(rname)
	if err != nil {
		return testAnswerOut{}, apierr.Param("RecordName", "%s is not a valid domain name.", rname)
	}
	z, err := zone.New(hz.Name, hz.Records)
	if err != nil {
		return testAnswerOut{}, err
	}
	out := testAnswerOut{Xmlns: xmlns, Nameserver: "ns-0.awsdns-00.com", RecordName: rname, RecordType: strings.ToUpper(rtype),
		Protocol: "UDP", RecordData: []string{}}
	if ds := delegationSet(hz); len(ds.NameServers) > 0 {
		out.Nameserver = strings.TrimSuffix(ds.NameServers[0], ".")
	}
	a := zone.Answer{Rcode: dns.RcodeNameError}
	if name.IsSubdomainOf(hz.Name) {
		a = z.Lookup(name, typ)
	}
	out.ResponseCode = dns.RcodeToString[a.Rcode]
	for _, rr := range a.Answer {
		if rr.Header().Rrtype == typ {
			out.RecordData = append(out.RecordData, strings.TrimPrefix(rr.String(), rr.Header().String()))
		}
	}
	return out, nil
}

// r53Types are the RRType values of TestDNSAnswer.
const r53Types = "SOA A TXT NS CNAME MX NAPTR PTR SRV SPF AAAA CAA DS TLSA SSHFP SVCB HTTPS"
