package awsread

import (
	"sort"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
)

// recordTypes are the record types network.yaml holds.
func recordTypes() map[string]bool {
	m := map[string]bool{}
	for _, t := range strings.Fields("A AAAA CAA CNAME DS HTTPS MX NAPTR NS PTR SOA SPF SRV SSHFP SVCB TLSA TXT") {
		m[t] = true
	}
	return m
}

func canon(name string) string {
	return strings.ToLower(strings.TrimSuffix(unescapeName(name), ".")) + "."
}

func (b *builder) buildZones() {
	types := recordTypes()
	type zoneRead struct {
		a    *account
		z    hostedZoneShape
		id   string
		sets []recordSetShape
	}
	var read []zoneRead
	seen := map[string]bool{}
	// Every record of every private zone read, for alias targets: name+type
	// -> values.
	plain := map[string][]string{}
	aliasOf := map[string]string{} // name+type -> target name, for chains
	for _, a := range b.accts {
		for _, z := range a.zones {
			if z.Config == nil || !z.Config.PrivateZone {
				continue // public zones answer on the internet, not in a VPC
			}
			id := zoneID(z.Id)
			if seen[id] {
				continue
			}
			seen[id] = true
			sets := a.records[id]
			read = append(read, zoneRead{a, z, id, sets})
			for _, rs := range sets {
				k := canon(rs.Name) + " " + rs.Type
				if rs.AliasTarget != nil {
					aliasOf[k] = canon(rs.AliasTarget.DNSName)
				} else if _, dup := plain[k]; !dup {
					for _, v := range rs.ResourceRecords {
						plain[k] = append(plain[k], v.Value)
					}
				}
			}
		}
	}
	resolve := func(name, typ string) []string {
		for range 8 {
			k := name + " " + typ
			if v, ok := plain[k]; ok {
				return v
			}
			next, ok := aliasOf[k]
			if !ok {
				return nil
			}
			name = next
		}
		return nil
	}
	for _, zr := range read {
		zf := &config.ZoneFile{ID: zr.id, Name: strings.TrimSuffix(unescapeName(zr.z.Name), "."), OwnerAccount: zr.a.id}
		for _, zv := range zr.a.zoneVPCs[zr.id] {
			if b.vpcs[zv.VPC] != nil && (zv.Region == "" || zv.Region == b.region) {
				zf.VPCs = appendUnique(zf.VPCs, zv.VPC)
			}
		}
		// Associations made by other accounts are listed by the zone's
		// owner (GetHostedZone lists every VPC); nothing more to merge.
		if len(zf.VPCs) == 0 {
			b.unmodel("private-hosted-zone", zr.id, zf.OwnerAccount, "zone "+zf.Name+" is associated with no vpc that import read")
			continue
		}
		sort.Strings(zf.VPCs)
		sets := append([]recordSetShape(nil), zr.sets...)
		sort.SliceStable(sets, func(i, j int) bool {
			x, y := sets[i], sets[j]
			if canon(x.Name) != canon(y.Name) {
				return canon(x.Name) < canon(y.Name)
			}
			if x.Type != y.Type {
				return x.Type < y.Type
			}
			return x.SetIdentifier < y.SetIdentifier
		})
		kept := map[string]string{}
		for _, rs := range sets {
			name := canon(rs.Name)
			k := name + " " + rs.Type
			rid := zr.id + ":" + strings.TrimSuffix(name, ".") + ":" + rs.Type
			if (rs.Type == "SOA" || rs.Type == "NS") && name == canon(zr.z.Name) {
				continue // the zone's own SOA and NS: vpcdns makes them up for every zone
			}
			if !types[rs.Type] {
				b.unmodel("record", rid, zf.OwnerAccount, "type "+rs.Type+" is not one vpcdns serves")
				continue
			}
			if prev, dup := kept[k]; dup {
				b.unmodel("record", rid+":"+rs.SetIdentifier, zf.OwnerAccount, "a routing policy record set; vpcdns answers with one set per name and type (set "+prev+")")
				continue
			}
			rf := config.RecordFile{Name: name, Type: rs.Type, TTL: rs.TTL, SetIdentifier: rs.SetIdentifier}
			if rs.AliasTarget != nil {
				target := canon(rs.AliasTarget.DNSName)
				rf.Alias = &config.AliasFile{DNSName: target, HostedZoneID: rs.AliasTarget.HostedZoneId}
				rf.Values = resolve(target, rs.Type)
				if len(rf.Values) == 0 {
					b.unmodel("record", rid, zf.OwnerAccount, "alias to "+target+", whose addresses import cannot know (not a record of a zone it read)")
					continue
				}
				rf.Alias.Values, rf.Values = rf.Values, nil // an alias's values are its target's
				if rf.TTL == nil {
					ttl := 60 // an alias answers with its target's TTL; Route 53's default for AWS targets is 60
					rf.TTL = &ttl
				}
			} else {
				for _, v := range rs.ResourceRecords {
					rf.Values = append(rf.Values, v.Value)
				}
			}
			if len(rf.Values) == 0 && rf.Alias == nil {
				continue
			}
			kept[k] = rs.SetIdentifier
			zf.Records = append(zf.Records, rf)
		}
		b.zones[zf.ID] = zf
	}
}
