package config

import (
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

func (b *builder) emulation() {
	em := &b.n.Emulation
	em.AddressMap = make(map[netip.AddrPort]netip.AddrPort)
	em.CacheEntries = DefaultCacheEntries
	attempt, _ := time.ParseDuration(DefaultAttemptTimeout)
	total, _ := time.ParseDuration(DefaultTotalTimeout)
	stale, _ := time.ParseDuration(DefaultServeStale)
	em.AttemptTimeout, em.TotalTimeout, em.ServeStale = attempt, total, stale
	ef := b.f.Emulation
	if ef == nil {
		return
	}
	b.addressMap(ef.AddressMap)
	if fw := ef.Forwarding; fw != nil {
		em.AttemptTimeout = b.duration("emulation.forwarding.attempt_timeout", fw.AttemptTimeout, attempt, true)
		em.TotalTimeout = b.duration("emulation.forwarding.total_timeout", fw.TotalTimeout, total, true)
		if em.AttemptTimeout > em.TotalTimeout {
			b.c.add("emulation.forwarding.attempt_timeout", em.AttemptTimeout.String(), "is longer than total_timeout ("+em.TotalTimeout.String()+")")
		}
	}
	if c := ef.Cache; c != nil {
		if c.MaxEntries != nil {
			if *c.MaxEntries < 0 {
				b.c.add("emulation.cache.max_entries", strconv.Itoa(*c.MaxEntries), "must not be negative (0 turns the cache off)")
			} else {
				em.CacheEntries = *c.MaxEntries
			}
		}
		em.ServeStale = b.duration("emulation.cache.serve_stale", c.ServeStale, stale, false)
	}
	b.authServers(ef.AuthServers)
}

// addressMap parses emulation.address_map: modeled ip:port → real ip:port.
func (b *builder) addressMap(m map[string]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		at := mapKey("emulation.address_map", k)
		from, reason := parseAddrPort(k)
		if reason != "" {
			b.c.add(at, "", "the key "+reason)
			continue
		}
		to, ok := b.addrPort(at, m[k])
		if !ok {
			continue
		}
		if _, dup := b.n.Emulation.AddressMap[from]; dup {
			b.c.add(at, k, "is mapped twice (written another way)")
			continue
		}
		b.n.Emulation.AddressMap[from] = to
	}
}

// authServers builds the authoritative servers vpcdns plays itself.
func (b *builder) authServers(list []AuthServerFile) {
	for i, sf := range list {
		at := index("emulation.authoritative_servers", i)
		s := b.n.Emulation.AuthServers[i]
		if len(sf.Listen) == 0 {
			b.c.add(field(at, "listen"), "", "is required (one ip:port or more)")
		}
		s.Listen = b.listen(field(at, "listen"), sf.Listen, "authoritative server "+s.ID, false)
		zat := field(at, "zones")
		if len(sf.Zones) == 0 {
			b.c.add(zat, "", "is required (one zone or more)")
		}
		names := make(map[dnsname.Name]int)
		for j, zf := range sf.Zones {
			p := index(zat, j)
			name, ok := b.zoneName(field(p, "name"), zf.Name)
			if ok {
				if k, dup := names[name]; dup {
					b.c.add(field(p, "name"), zf.Name, "is already the name of "+index(zat, k))
					ok = false
				} else {
					names[name] = j
				}
			}
			rrs := b.zoneContent(p, name, ok, zf.ZoneFile, zf.Records, emulatedApex)
			if ok {
				s.Zones = append(s.Zones, &AuthZone{Name: name, Records: rrs})
			}
		}
	}
}
