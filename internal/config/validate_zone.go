package config

import (
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/zone"
)

// route53Types are the record types Route 53 accepts in a record set.
const route53Types = "A AAAA CAA CNAME DS HTTPS MX NAPTR NS PTR SOA SPF SRV SSHFP SVCB TLSA TXT"

// maxZoneFileSize bounds a zone file read by Validate.
const maxZoneFileSize = 64 << 20

// maxOutsideReports bounds the "outside the zone" problems of one zone file.
const maxOutsideReports = 10

// zoneDefaults are the apex SOA and NS records a zone built from records
// gets unless its records bring their own.
type zoneDefaults func(apex dnsname.Name) (soa dns.RR, ns []dns.RR)

// Route53Apex returns the SOA and NS records Route 53 creates for a new
// hosted zone (behaviour.md §5); view uses them for the hidden zones of
// VPC endpoints.
func Route53Apex(apex dnsname.Name) (dns.RR, []dns.RR) { return route53Apex(apex) }

// route53Apex is what Route 53 creates for a new hosted zone (behaviour.md §5).
func route53Apex(apex dnsname.Name) (dns.RR, []dns.RR) {
	soa := &dns.SOA{
		Hdr: dns.RR_Header{Name: apex.String(), Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 900},
		Ns:  "ns-1536.awsdns-00.co.uk.", Mbox: "awsdns-hostmaster.amazon.com.",
		Serial: 1, Refresh: 7200, Retry: 900, Expire: 1209600, Minttl: 86400,
	}
	var ns []dns.RR
	for _, host := range []string{"ns-0.awsdns-00.com.", "ns-512.awsdns-00.net.", "ns-1024.awsdns-00.org.", "ns-1536.awsdns-00.co.uk."} {
		ns = append(ns, &dns.NS{Hdr: dns.RR_Header{Name: apex.String(), Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: 172800}, Ns: host})
	}
	return soa, ns
}

// emulatedApex is the apex of a zone of an emulated authoritative server:
// SOA "ns1.<zone> hostmaster.<zone> 1 3600 600 86400 60" and NS ns1.<zone>,
// TTL 3600.
func emulatedApex(apex dnsname.Name) (dns.RR, []dns.RR) {
	soa := &dns.SOA{
		Hdr: dns.RR_Header{Name: apex.String(), Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 3600},
		Ns:  apex.Child("ns1").String(), Mbox: apex.Child("hostmaster").String(),
		Serial: 1, Refresh: 3600, Retry: 600, Expire: 86400, Minttl: 60,
	}
	ns := &dns.NS{Hdr: dns.RR_Header{Name: apex.String(), Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: 3600}, Ns: apex.Child("ns1").String()}
	return soa, []dns.RR{ns}
}

func (b *builder) hostedZones() {
	type assoc struct {
		vpc  *VPC
		name dnsname.Name
	}
	seen := make(map[assoc]string)
	for i, zf := range b.f.HostedZones {
		at := index("private_hosted_zones", i)
		z := b.n.HostedZones[i]
		name, nameOK := b.zoneName(field(at, "name"), zf.Name)
		z.Name = name
		vat := field(at, "vpcs")
		if len(zf.VPCs) == 0 && !b.inProfile(zf.ID) {
			b.c.add(vat, "", "is required: a private hosted zone is associated with one vpc or more (or listed in a route53_profiles entry)")
		}
		for j, id := range zf.VPCs {
			p := index(vat, j)
			v, ok := ref[*VPC](b, p, id, "vpc")
			if !ok {
				continue
			}
			if nameOK {
				k := assoc{v, name}
				if prev, dup := seen[k]; dup {
					if prev == at {
						b.c.add(p, id, "is listed twice")
					} else {
						b.c.add(p, id, "is already associated with "+prev+", a zone of the same name")
					}
					continue
				}
				seen[k] = at
			}
			z.VPCs = append(z.VPCs, v)
		}
		z.Records = b.zoneContent(at, name, nameOK, zf.ZoneFile, zf.Records, route53Apex)
		z.Sets, b.zoneSets = b.zoneSets, nil
	}
	b.zoneIDs(b.n.HostedZones, "private_hosted_zones")
}

// zoneName parses the name of a zone, which cannot be the root.
func (b *builder) zoneName(at, s string) (dnsname.Name, bool) {
	name, ok := b.domain(at, s)
	if ok && name.IsRoot() {
		b.c.add(at, s, "is the root: a zone is a domain below it")
		return "", false
	}
	return name, ok
}

// zoneContent builds the records of a zone from its zone_file or its
// records (not both; neither gives the apex records only).
func (b *builder) zoneContent(at string, name dnsname.Name, nameOK bool, zoneFile string, records []RecordFile, apex zoneDefaults) []dns.RR {
	switch {
	case zoneFile != "" && len(records) > 0:
		b.c.add(field(at, "zone_file"), zoneFile, "cannot be used with records: a zone has one or the other")
		return nil
	case !nameOK:
		return nil
	case zoneFile != "":
		return b.zoneFile(field(at, "zone_file"), zoneFile, name)
	}
	return b.records(field(at, "records"), name, records, apex)
}

// zoneIDs gives each hosted zone without an id one derived from its name:
// "Z" and the first 20 characters of the base32 of SHA-256(canonical name),
// like Route 53's ids in form, stable across runs. A zone whose derived id
// is taken (a zone of the same name earlier in the file, or any id of the
// file) hashes "name#2", "name#3"… instead.
func (b *builder) zoneIDs(list []*HostedZone, section string) {
	for i, z := range list {
		if z.ID != "" {
			continue
		}
		seed := string(z.Name)
		for n := 2; ; n++ {
			sum := sha256.Sum256([]byte(seed))
			id := "Z" + base32.StdEncoding.EncodeToString(sum[:])[:20]
			if _, taken := b.ids[id]; !taken {
				z.ID = id
				b.ids[id] = registered{obj: z, path: index(section, i)}
				break
			}
			seed = string(z.Name) + "#" + strconv.Itoa(n)
		}
	}
}

// records builds the record sets of a zone: SOA first, then the apex NS
// set, then the rest in file order. Route 53's own SOA and NS (or those of
// apex) are used unless the records hold an apex SOA or NS set.
func (b *builder) records(at string, apex dnsname.Name, list []RecordFile, defaults zoneDefaults) []dns.RR {
	type set = recordSetKey
	sets := make(map[set]int)
	cnames := make(map[dnsname.Name]int) // name → index of its CNAME set
	others := make(map[dnsname.Name]int) // name → index of its first other set
	var soa, ns, rest []dns.RR
	var aliases []pendingAlias
	apexSets := map[set]*RecordSetChoice{}
	var setOrder []set
	for j, rf := range list {
		rat := index(at, j)
		name, nameOK := b.domain(field(rat, "name"), rf.Name)
		if nameOK && !name.IsSubdomainOf(apex) {
			b.c.add(field(rat, "name"), rf.Name, "is outside zone "+apex.String())
			nameOK = false
		}
		typ, typeOK := b.recordType(field(rat, "type"), rf.Type)
		ttl := DefaultRecordTTL
		if rf.TTL != nil {
			if *rf.TTL < 0 || *rf.TTL > 2147483647 {
				b.c.add(field(rat, "ttl"), strconv.Itoa(*rf.TTL), "is not a TTL (0–2147483647 seconds)")
			} else {
				ttl = *rf.TTL
			}
		}
		vat := field(rat, "values")
		values := rf.Values
		switch {
		case rf.Alias != nil && len(rf.Values) > 0:
			b.c.add(vat, "", "cannot be used with alias: an alias record's values are its target's (alias.values)")
		case rf.Alias != nil:
			values = rf.Alias.Values
			vat = field(rat, "alias.values")
			if !b.aliasRules(field(rat, "alias"), rf.Alias, typ, typeOK) {
				typeOK = false
			}
		case len(rf.Values) == 0:
			b.c.add(vat, "", "is required (one value or more)")
		}
		if !nameOK || !typeOK {
			continue
		}
		k := set{name, typ}
		if prev, dup := sets[k]; dup {
			// Another set of a routing policy: the first is answered.
			b.routingSet(rat, at, prev, list, name, typ, apexSets)
			continue
		}
		sets[k] = j
		if rf.SetIdentifier != "" {
			apexSets[k] = &RecordSetChoice{Name: name, Type: typ, Answered: rf.SetIdentifier}
			setOrder = append(setOrder, k)
		}
		if !b.recordSetRules(rat, apex, name, typ, len(values)) {
			continue
		}
		if typ == dns.TypeCNAME {
			if o, ok := others[name]; ok {
				b.c.add(field(rat, "type"), rf.Type, sprintf("is not allowed: %s has other records (%s) and a CNAME must be alone at its name", name, index(at, o)))
				continue
			}
			cnames[name] = j
		} else {
			if c, ok := cnames[name]; ok {
				b.c.add(field(rat, "type"), rf.Type, sprintf("is not allowed: %s has a CNAME (%s), which must be alone at its name", name, index(at, c)))
				continue
			}
			if _, ok := others[name]; !ok {
				others[name] = j
			}
		}
		if rf.Alias != nil && len(values) == 0 {
			if target, ok := dnsname.Parse(rf.Alias.DNSName); ok == nil && target.IsSubdomainOf(apex) {
				aliases = append(aliases, pendingAlias{name: name, typ: typ, target: target})
			}
		}
		if rf.Alias != nil && len(values) > 0 && rf.TTL == nil {
			ttl = aliasTTL
		}
		for v, value := range values {
			rr, ok := b.rr(index(vat, v), name, ttl, typ, value)
			if !ok {
				continue
			}
			switch {
			case typ == dns.TypeSOA:
				soa = append(soa, rr)
			case typ == dns.TypeNS && name == apex:
				ns = append(ns, rr)
			default:
				rest = append(rest, rr)
			}
		}
	}
	for _, a := range aliases {
		for _, rr := range rest {
			if rr.Header().Rrtype == a.typ && dnsname.FromWire(rr.Header().Name) == a.target {
				c := dns.Copy(rr)
				c.Header().Name = a.name.String()
				rest = append(rest, c)
			}
		}
	}
	for _, k := range setOrder {
		b.zoneSets = append(b.zoneSets, *apexSets[k])
	}
	defSOA, defNS := defaults(apex)
	if len(soa) == 0 {
		soa = []dns.RR{defSOA}
	}
	if len(ns) == 0 {
		ns = defNS
	}
	out := make([]dns.RR, 0, len(soa)+len(ns)+len(rest))
	return append(append(append(out, soa...), ns...), rest...)
}

// recordSetKey is the name and type of a record set.
type recordSetKey struct {
	name dnsname.Name
	typ  uint16
}

// aliasTTL is the TTL of an alias answer whose values are given: Route 53
// answers with the target's TTL, 60 seconds for AWS resources.
const aliasTTL = 60

// pendingAlias is an alias record without values whose target is a name of
// the same zone: it answers with the target's records of its type.
type pendingAlias struct {
	name, target dnsname.Name
	typ          uint16
}

// aliasTypes are the record types Route 53 allows an alias record to have.
const aliasTypes = "A AAAA CAA CNAME DS MX NAPTR PTR SPF SRV TXT"

// aliasRules checks an alias target.
func (b *builder) aliasRules(at string, a *AliasFile, typ uint16, typeOK bool) bool {
	ok := true
	if _, good := b.domain(field(at, "dns_name"), a.DNSName); !good {
		ok = false
	}
	if typeOK && !strings.Contains(" "+aliasTypes+" ", " "+dns.TypeToString[typ]+" ") {
		b.c.add(at, "", "is not allowed for type "+dns.TypeToString[typ]+": an alias record is one of "+strings.ReplaceAll(aliasTypes, " ", ", "))
		ok = false
	}
	return ok
}

// routingSet checks a record set that repeats the name and type of an
// earlier one (index prev): allowed when both have a set_identifier and
// the identifiers differ (weighted, failover, latency… routing). It
// records the identifier and reports whether the set is fine.
func (b *builder) routingSet(rat, at string, prev int, list []RecordFile, name dnsname.Name, typ uint16, choices map[recordSetKey]*RecordSetChoice) bool {
	tname := dns.TypeToString[typ]
	first, this := list[prev], list[rat2index(rat)]
	switch {
	case first.SetIdentifier == "" || this.SetIdentifier == "":
		b.c.add(rat, "", sprintf("repeats the record set %s %s of %s: put every value in one set (several sets of one name and type need a set_identifier each)", name, tname, index(at, prev)))
		return false
	}
	c := choices[recordSetKey{name, typ}]
	if this.SetIdentifier == c.Answered || slices.Contains(c.Others, this.SetIdentifier) {
		b.c.add(field(rat, "set_identifier"), this.SetIdentifier, sprintf("is already the set_identifier of a record set %s %s", name, tname))
		return false
	}
	c.Others = append(c.Others, this.SetIdentifier)
	return true
}

// rat2index returns the index of the last [i] of a field path.
func rat2index(rat string) int {
	i := strings.LastIndexByte(rat, '[')
	n, _ := strconv.Atoi(strings.TrimSuffix(rat[i+1:], "]"))
	return n
}

// recordSetRules checks what Route 53 allows of a record set's place and
// size: no CNAME at the apex, one CNAME value, one SOA at the apex only.
func (b *builder) recordSetRules(rat string, apex, name dnsname.Name, typ uint16, values int) bool {
	switch typ {
	case dns.TypeCNAME:
		if name == apex {
			b.c.add(field(rat, "name"), name.String(), "is the zone apex, which cannot have a CNAME")
			return false
		}
		if values > 1 {
			b.c.add(field(rat, "values"), "", "has more than one value: a CNAME record set has one")
			return false
		}
	case dns.TypeSOA:
		if name != apex {
			b.c.add(field(rat, "name"), name.String(), "is not the zone apex "+apex.String()+": an SOA record is only at the apex")
			return false
		}
		if values > 1 {
			b.c.add(field(rat, "values"), "", "has more than one value: a zone has one SOA record")
			return false
		}
	}
	return true
}

// recordType parses a record type Route 53 supports.
func (b *builder) recordType(at, s string) (uint16, bool) {
	if !b.required(at, s) {
		return 0, false
	}
	up := strings.ToUpper(s)
	t, ok := dns.StringToType[up]
	if !ok || !strings.Contains(" "+route53Types+" ", " "+up+" ") {
		b.c.add(at, s, "is not a record type Route 53 supports ("+strings.ReplaceAll(route53Types, " ", ", ")+")")
		return 0, false
	}
	return t, true
}

// valueExamples shows the form of a value of common record types.
func valueExample(typ uint16) string {
	switch typ {
	case dns.TypeA:
		return "10.0.0.1"
	case dns.TypeAAAA:
		return "2001:db8::1"
	case dns.TypeCNAME, dns.TypeNS, dns.TypePTR:
		return "host.example.com"
	case dns.TypeMX:
		return "10 mail.example.com"
	case dns.TypeTXT, dns.TypeSPF:
		return `"some text"`
	case dns.TypeSRV:
		return "1 10 443 host.example.com"
	case dns.TypeCAA:
		return `0 issue "amazon.com"`
	case dns.TypeSOA:
		return "ns1.example.com hostmaster.example.com 1 7200 900 1209600 86400"
	}
	return ""
}

// rr builds one record from "name ttl IN TYPE value" with miekg/dns.
func (b *builder) rr(at string, name dnsname.Name, ttl int, typ uint16, value string) (dns.RR, bool) {
	tname := dns.TypeToString[typ]
	reason := "is not a valid " + tname + " value"
	if ex := valueExample(typ); ex != "" {
		reason += " (e.g. " + ex + ")"
	}
	if strings.TrimSpace(value) == "" {
		b.c.add(at, "", "is empty")
		return nil, false
	}
	if strings.ContainsAny(value, "\n\r") {
		b.c.add(at, value, reason+": a value is one line")
		return nil, false
	}
	rr, err := dns.NewRR(fmt.Sprintf("%s %d IN %s %s", name, ttl, tname, value))
	if err != nil || rr == nil || rr.Header().Rrtype != typ || dnsname.FromWire(rr.Header().Name) != name {
		b.c.add(at, value, reason)
		return nil, false
	}
	rr.Header().Name = name.String()
	return rr, true
}

// zoneFile reads an RFC 1035 zone file (relative to baseDir) for zone apex:
// it must hold one SOA, at the apex, and nothing outside the zone.
func (b *builder) zoneFile(at, p string, apex dnsname.Name) []dns.RR {
	full := p
	if !filepath.IsAbs(full) {
		full = filepath.Join(b.baseDir, p)
	}
	fi, err := os.Stat(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		b.c.add(at, p, "does not exist ("+full+")")
		return nil
	case err != nil:
		b.c.add(at, p, "cannot be read: "+err.Error())
		return nil
	case !fi.Mode().IsRegular():
		b.c.add(at, p, "is not a regular file")
		return nil
	case fi.Size() > maxZoneFileSize:
		b.c.add(at, p, sprintf("is larger than %d MiB", maxZoneFileSize>>20))
		return nil
	}
	fh, err := os.Open(full)
	if err != nil {
		b.c.add(at, p, "cannot be read: "+err.Error())
		return nil
	}
	defer fh.Close()
	rrs, err := zone.ParseFile(io.LimitReader(fh, maxZoneFileSize), apex, full)
	if err != nil {
		b.c.add(at, p, "cannot be parsed: "+err.Error())
		return nil
	}
	var soa dns.RR
	var rest []dns.RR
	outside := 0
	for _, rr := range rrs {
		n := dnsname.FromWire(rr.Header().Name)
		tname := dns.TypeToString[rr.Header().Rrtype]
		switch {
		case !n.IsSubdomainOf(apex):
			if outside++; outside <= maxOutsideReports {
				b.c.add(at, p, sprintf("holds %s %s, which is outside zone %s", n, tname, apex))
			}
		case rr.Header().Rrtype == dns.TypeSOA && n != apex:
			b.c.add(at, p, sprintf("holds an SOA record for %s, which is not the zone apex %s", n, apex))
		case rr.Header().Rrtype == dns.TypeSOA && soa != nil:
			b.c.add(at, p, "holds more than one SOA record")
		case rr.Header().Rrtype == dns.TypeSOA:
			soa = rr
		default:
			rest = append(rest, rr)
		}
	}
	if outside > maxOutsideReports {
		b.c.add(at, p, sprintf("holds %d more records outside zone %s", outside-maxOutsideReports, apex))
	}
	if soa == nil {
		b.c.add(at, p, "has no SOA record at the zone apex "+apex.String())
		return nil
	}
	return append([]dns.RR{soa}, rest...)
}
