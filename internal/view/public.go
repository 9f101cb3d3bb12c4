package view

import (
	"fmt"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/suffix"
	"github.com/vpcdns/vpcdns/internal/zone"
)

// publicZones compiles the public hosted zones of a network into one table
// that every VPC shares: the most specific zone holding a name answers it
// when the VPC's choice is the internet rule (behaviour.md §3, tier 3). Of
// two public zones with one name, the first in the file answers. It returns
// nil when the network has none, so Decide pays one nil check.
func publicZones(n *config.Network) (*suffix.Table[*Candidate], error) {
	if len(n.PublicZones) == 0 {
		return nil, nil
	}
	t := suffix.New[*Candidate](len(n.PublicZones))
	for _, hz := range n.PublicZones {
		if _, taken := t.Get(hz.Name); taken {
			continue
		}
		z, err := zone.New(hz.Name, hz.Records)
		if err != nil {
			return nil, fmt.Errorf("compile public hosted zone %s: %w", hz.ID, err)
		}
		t.Set(hz.Name, &Candidate{Source: SourceInternet, ID: hz.ID, Domain: hz.Name, Zone: z, HZ: hz})
	}
	return t, nil
}

// PublicZone reports whether the candidate is the internet rule answered
// by a public hosted zone.
func (c *Candidate) PublicZone() bool { return c.Source == SourceInternet && c.Zone != nil }
