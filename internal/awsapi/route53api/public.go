package route53api

import (
	"context"
	"net/http"
	"slices"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// Public hosted zones live in network.yaml's public_hosted_zones. The
// handlers index zones as one list: the private zones, then the public
// ones (the same order in the File and the Network).

// zoneCount is the number of hosted zones, private and public.
func zoneCount(n *config.Network) int { return len(n.HostedZones) + len(n.PublicZones) }

// zoneAt returns the zone at a combined index.
func zoneAt(n *config.Network, i int) *config.HostedZone {
	if i < len(n.HostedZones) {
		return n.HostedZones[i]
	}
	return n.PublicZones[i-len(n.HostedZones)]
}

// fileZone returns the network.yaml entry of the zone at a combined index.
func fileZone(f *config.File, n *config.Network, i int) *config.ZoneFile {
	if i < len(n.HostedZones) {
		return &f.HostedZones[i]
	}
	return &f.PublicZones[i-len(n.HostedZones)]
}

// deleteFileZone removes the zone at a combined index from network.yaml.
func deleteFileZone(f *config.File, n *config.Network, i int) {
	if i < len(n.HostedZones) {
		f.HostedZones = slices.Delete(f.HostedZones, i, i+1)
		return
	}
	j := i - len(n.HostedZones)
	f.PublicZones = slices.Delete(f.PublicZones, j, j+1)
}

// publicZoneVPC is Route 53's answer to a VPC change of a public zone.
func publicZoneVPC() error {
	return apierr.Coded(apierr.InvalidRequest, "PublicZoneVPCAssociation", http.StatusBadRequest,
		"You're trying to associate a VPC with a public hosted zone. Amazon Route 53 doesn't support associating a VPC with a public hosted zone.")
}

// notPublic refuses an operation that AWS serves for public zones only.
func notPublic(what string) error {
	return &apierr.Error{Kind: apierr.InvalidParameter, Message: what + " is not supported for private hosted zones."}
}

// DelegationSet is Route 53's DelegationSet.
type DelegationSet struct {
	Id              string   `xml:"Id,omitempty"`
	CallerReference string   `xml:"CallerReference,omitempty"`
	NameServers     []string `xml:"NameServers>NameServer"`
}

// delegationSet is the delegation set of a public zone: its apex NS
// records (Route 53's four unless the records bring others).
func delegationSet(z *config.HostedZone) *DelegationSet {
	ds := &DelegationSet{}
	for _, rr := range z.Records {
		if ns, ok := rr.(*dns.NS); ok && dnsname.FromWire(ns.Hdr.Name) == z.Name {
			ds.NameServers = append(ds.NameServers, ns.Ns)
		}
	}
	return ds
}

// createPublicZone adds a public hosted zone to the network (CreateHostedZone
// without a VPC).
func (h *Handler) createPublicZone(ctx context.Context, name dnsname.Name, callerRef, comment string) (createZoneOut, error) {
	id := store.NewZoneID()
	var change ChangeInfo
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if err := callerRefFree(tx, callerRef); err != nil {
			return err
		}
		tx.File.PublicZones = append(tx.File.PublicZones, config.ZoneFile{ID: id, Name: name.String()})
		tx.Meta.Objects[id] = &store.Object{Kind: store.KindHostedZone, CallerReference: callerRef, Comment: comment,
			Created: tx.Now, Modified: tx.Now}
		change = newChange(tx, "")
		return nil
	})
	if err != nil {
		return createZoneOut{}, err
	}
	i := zoneIndex(n, id)
	return createZoneOut{Xmlns: xmlns, HostedZone: zoneShape(st, n, i), ChangeInfo: change,
		DelegationSet: delegationSet(zoneAt(n, i))}, nil
}

// callerRefFree refuses a caller reference already used by a zone.
func callerRefFree(tx *store.Tx, ref string) error {
	for _, o := range tx.Meta.Objects {
		if o.Kind == store.KindHostedZone && o.CallerReference == ref {
			return apierr.New(apierr.Exists, apierr.ResHostedZone, "A hosted zone has already been created with the specified caller reference.")
		}
	}
	return nil
}
