package route53api

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// recordSet is one name and type of a zone with its values.
type recordSet struct {
	name   dnsname.Name
	typ    string
	ttl    int
	values []string
}

// rdata is the zone-file text of a record's data.
func rdata(rr dns.RR) string {
	return strings.TrimPrefix(rr.String(), rr.Header().String())
}

// recordSets groups the records of a validated zone into record sets, in
// Route 53's order: names with labels reversed, then types.
func recordSets(z *config.HostedZone) []recordSet {
	var out []recordSet
	for _, rr := range z.Records {
		h := rr.Header()
		name := dnsname.FromWire(h.Name)
		typ := dns.TypeToString[h.Rrtype]
		i := slices.IndexFunc(out, func(s recordSet) bool { return s.name == name && s.typ == typ })
		if i < 0 {
			out = append(out, recordSet{name: name, typ: typ, ttl: int(h.Ttl)})
			i = len(out) - 1
		}
		out[i].values = append(out[i].values, rdata(rr))
	}
	slices.SortStableFunc(out, func(a, b recordSet) int {
		if c := strings.Compare(reversedName(a.name.String()), reversedName(b.name.String())); c != 0 {
			return c
		}
		return strings.Compare(a.typ, b.typ)
	})
	return out
}

type resourceRecord struct {
	Value string `xml:"Value"`
}

// ResourceRecordSet is Route 53's ResourceRecordSet (simple routing).
type ResourceRecordSet struct {
	Name            string           `xml:"Name"`
	Type            string           `xml:"Type"`
	TTL             int              `xml:"TTL"`
	ResourceRecords []resourceRecord `xml:"ResourceRecords>ResourceRecord"`
}

func setShape(s recordSet) ResourceRecordSet {
	out := ResourceRecordSet{Name: escapeName(s.name.String()), Type: s.typ, TTL: s.ttl}
	for _, v := range s.values {
		out.ResourceRecords = append(out.ResourceRecords, resourceRecord{v})
	}
	return out
}

type listRecordsOut struct {
	XMLName            xml.Name            `xml:"ListResourceRecordSetsResponse"`
	Xmlns              string              `xml:"xmlns,attr"`
	ResourceRecordSets []ResourceRecordSet `xml:"ResourceRecordSets>ResourceRecordSet"`
	IsTruncated        bool                `xml:"IsTruncated"`
	NextRecordName     string              `xml:"NextRecordName,omitempty"`
	NextRecordType     string              `xml:"NextRecordType,omitempty"`
	MaxItems           string              `xml:"MaxItems"`
}

func (h *Handler) listRecords(ctx context.Context, r request) (listRecordsOut, error) {
	max, err := maxItems(r, 300)
	if err != nil {
		return listRecordsOut{}, err
	}
	_, n := h.Store.Snapshot()
	i := zoneIndex(n, r.parts[1])
	if i < 0 {
		return listRecordsOut{}, zoneNotFound(r.parts[1])
	}
	sets := recordSets(zoneAt(n, i))
	start := 0
	if s := r.query.Get("name"); s != "" {
		name, err := parseName(s)
		if err != nil {
			return listRecordsOut{}, apierr.Param("StartRecordName", "%s is not a valid domain name", s)
		}
		typ := strings.ToUpper(r.query.Get("type"))
		key := reversedName(name.String())
		start = len(sets)
		for k, set := range sets {
			c := strings.Compare(reversedName(set.name.String()), key)
			if c > 0 || (c == 0 && strings.Compare(set.typ, typ) >= 0) {
				start = k
				break
			}
		}
	} else if r.query.Get("type") != "" {
		return listRecordsOut{}, apierr.Param("StartRecordType", "StartRecordType requires StartRecordName")
	}
	out := listRecordsOut{Xmlns: xmlns, MaxItems: strconv.Itoa(max), ResourceRecordSets: []ResourceRecordSet{}}
	for k := start; k < len(sets); k++ {
		if len(out.ResourceRecordSets) == max {
			out.IsTruncated, out.NextRecordName, out.NextRecordType = true, escapeName(sets[k].name.String()), sets[k].typ
			break
		}
		out.ResourceRecordSets = append(out.ResourceRecordSets, setShape(sets[k]))
	}
	return out, nil
}

type rrsetIn struct {
	Name                    string
	Type                    string
	TTL                     *int
	ResourceRecords         []string `xml:"ResourceRecords>ResourceRecord>Value"`
	SetIdentifier           string
	Weight                  *int
	Region                  string
	Failover                string
	MultiValueAnswer        *bool
	HealthCheckId           string
	TrafficPolicyInstanceId string
	AliasTarget             *struct{ DNSName string }
	GeoLocation             *struct{ CountryCode string }
	CidrRoutingConfig       *struct{ CollectionId string }
}

type changeBatchIn struct {
	ChangeBatch struct {
		Comment string
		Changes []struct {
			Action            string
			ResourceRecordSet rrsetIn
		} `xml:"Changes>Change"`
	}
}

// canonicalValue writes a value in the form vpcdns answers it, so that a
// DELETE matches values written differently (case, spacing).
func canonicalValue(name, typ, value string) string {
	rr, err := dns.NewRR(name + " 300 IN " + typ + " " + value)
	if err != nil || rr == nil {
		return value
	}
	switch rr.(type) {
	case *dns.CNAME, *dns.NS, *dns.PTR, *dns.MX, *dns.SRV:
		return strings.ToLower(rdata(rr)) // names compare without case
	}
	return rdata(rr)
}

func sameValues(name, typ string, a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	ca, cb := make([]string, len(a)), make([]string, len(b))
	for i := range a {
		ca[i], cb[i] = canonicalValue(name, typ, a[i]), canonicalValue(name, typ, b[i])
	}
	slices.Sort(ca)
	slices.Sort(cb)
	return slices.Equal(ca, cb)
}

// workingSets returns the record sets of a zone of the file, one per name
// and type, inlining its zone file when it has one.
func workingSets(zf *config.ZoneFile, z *config.HostedZone) []config.RecordFile {
	if zf.ZoneFile != "" {
		var out []config.RecordFile
		for _, s := range recordSets(z) {
			ttl := s.ttl
			out = append(out, config.RecordFile{Name: s.name.String(), Type: s.typ, TTL: &ttl, Values: s.values})
		}
		zf.ZoneFile = ""
		return out
	}
	var out []config.RecordFile
	for _, r := range zf.Records {
		name, err := dnsname.Parse(r.Name)
		key := r.Name
		if err == nil {
			key = name.String()
		}
		typ := strings.ToUpper(r.Type)
		i := slices.IndexFunc(out, func(x config.RecordFile) bool { return x.Name == key && x.Type == typ })
		if i < 0 {
			out = append(out, config.RecordFile{Name: key, Type: typ, TTL: r.TTL, Values: slices.Clone(r.Values)})
			continue
		}
		out[i].Values = append(out[i].Values, r.Values...)
	}
	return out
}

func (h *Handler) changeRecords(ctx context.Context, b body[changeBatchIn]) (changeOut, error) {
	r, in := b.request, &b.in
	if len(in.ChangeBatch.Changes) == 0 {
		return changeOut{}, apierr.Missing("ChangeBatch")
	}
	id := r.parts[1]
	var change ChangeInfo
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		i := zoneIndex(tx.Net, id)
		if i < 0 {
			return zoneNotFound(id)
		}
		z := zoneAt(tx.Net, i)
		zf := fileZone(&tx.File, tx.Net, i)
		sets := workingSets(zf, z)
		// The apex SOA and NS sets that Route 53 made are in the zone
		// without being in the file.
		apex := map[string]recordSet{}
		for _, s := range recordSets(z) {
			if s.name == z.Name && (s.typ == "SOA" || s.typ == "NS") {
				apex[s.typ] = s
			}
		}
		var msgs []string
		for _, c := range in.ChangeBatch.Changes {
			if msg := applyChange(&sets, apex, z.Name, c.Action, c.ResourceRecordSet); msg != "" {
				msgs = append(msgs, msg)
			}
		}
		if len(msgs) > 0 {
			return &apierr.Error{Kind: apierr.InvalidChangeBatch, Message: "[" + strings.Join(msgs, ", ") + "]"}
		}
		zf.Records = sets
		change = newChange(tx, in.ChangeBatch.Comment)
		return nil
	})
	var ae *apierr.Error
	if errors.As(err, &ae) && ae.Kind == apierr.InvalidParameter {
		ae.Kind = apierr.InvalidChangeBatch
	}
	if err != nil {
		return changeOut{}, err
	}
	return changeResponse("ChangeResourceRecordSets", change), nil
}

// applyChange applies one change to the working sets; it returns the
// message of a change that cannot be made.
func applyChange(sets *[]config.RecordFile, apex map[string]recordSet, zone dnsname.Name, action string, rs rrsetIn) string {
	if rs.SetIdentifier != "" || rs.AliasTarget != nil || rs.GeoLocation != nil || rs.Failover != "" || rs.Weight != nil ||
		rs.Region != "" || rs.MultiValueAnswer != nil || rs.HealthCheckId != "" || rs.TrafficPolicyInstanceId != "" || rs.CidrRoutingConfig != nil {
		return "vpcdns serves simple record sets only: no alias, set identifier, routing policy or health check"
	}
	name, err := parseName(rs.Name)
	if err != nil {
		return fmt.Sprintf("Invalid Resource Record Set name: %s", rs.Name)
	}
	typ := strings.ToUpper(rs.Type)
	desc := fmt.Sprintf("resource record set [name='%s', type='%s']", escapeName(name.String()), typ)
	if name != zone && !name.IsSubdomainOf(zone) {
		return fmt.Sprintf("RRSet with DNS name %s is not permitted in zone %s", escapeName(name.String()), zone)
	}
	if _, ok := dns.StringToType[typ]; !ok || typ == "" {
		return fmt.Sprintf("Invalid type %s for %s", rs.Type, desc)
	}
	if rs.TTL == nil || len(rs.ResourceRecords) == 0 {
		return "Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change"
	}
	isApex := name == zone && (typ == "SOA" || typ == "NS")
	i := slices.IndexFunc(*sets, func(x config.RecordFile) bool { return x.Name == name.String() && x.Type == typ })
	var current *recordSet
	if i >= 0 {
		x := (*sets)[i]
		ttl := config.DefaultRecordTTL
		if x.TTL != nil {
			ttl = *x.TTL
		}
		current = &recordSet{name: name, typ: typ, ttl: ttl, values: x.Values}
	} else if s, ok := apex[typ]; ok && isApex {
		current = &s
	}
	ttl := *rs.TTL
	next := config.RecordFile{Name: name.String(), Type: typ, TTL: &ttl, Values: slices.Clone(rs.ResourceRecords)}
	switch action {
	case "CREATE":
		if current != nil {
			return "Tried to create " + desc + " but it already exists"
		}
		*sets = append(*sets, next)
	case "UPSERT":
		if i >= 0 {
			(*sets)[i] = next
		} else {
			*sets = append(*sets, next)
		}
	case "DELETE":
		switch {
		case current == nil:
			return "Tried to delete " + desc + " but it was not found"
		case isApex:
			return fmt.Sprintf("A HostedZone must contain at least one NS record and exactly one SOA record for the zone itself: cannot delete %s", desc)
		case current.ttl != ttl || !sameValues(name.String(), typ, current.values, rs.ResourceRecords):
			return "Tried to delete " + desc + " but the values provided do not match the current values"
		}
		*sets = slices.Delete(*sets, i, i+1)
	default:
		return fmt.Sprintf("Invalid action %s: want CREATE, DELETE or UPSERT", action)
	}
	return ""
}
