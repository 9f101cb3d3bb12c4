package ec2api

import (
	"cmp"
	"context"
	"slices"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

type peeringOptions struct {
	AllowDnsResolutionFromRemoteVpc            bool `xml:"allowDnsResolutionFromRemoteVpc"`
	AllowEgressFromLocalClassicLinkToRemoteVpc bool `xml:"allowEgressFromLocalClassicLinkToRemoteVpc"`
	AllowEgressFromLocalVpcToRemoteClassicLink bool `xml:"allowEgressFromLocalVpcToRemoteClassicLink"`
}

type cidrItem struct {
	CidrBlock string `xml:"cidrBlock"`
}

type peeringVpcInfo struct {
	CidrBlock      string          `xml:"cidrBlock,omitempty"`
	CidrBlockSet   []cidrItem      `xml:"cidrBlockSet>item,omitempty"`
	OwnerId        string          `xml:"ownerId"`
	PeeringOptions *peeringOptions `xml:"peeringOptions,omitempty"`
	VpcId          string          `xml:"vpcId"`
	Region         string          `xml:"region"`
}

type peeringStatus struct {
	Code    string `xml:"code"`
	Message string `xml:"message"`
}

// VpcPeeringConnection is EC2's VpcPeeringConnection.
type VpcPeeringConnection struct {
	AccepterVpcInfo        peeringVpcInfo `xml:"accepterVpcInfo"`
	RequesterVpcInfo       peeringVpcInfo `xml:"requesterVpcInfo"`
	Status                 peeringStatus  `xml:"status"`
	Tags                   []Tag          `xml:"tagSet>item,omitempty"`
	VpcPeeringConnectionId string         `xml:"vpcPeeringConnectionId"`
}

func peeringNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResPeering, "The vpcPeeringConnection ID '%s' does not exist", id)
}

func vpcInfo(st *store.State, n *config.Network, id string, opts *peeringOptions) peeringVpcInfo {
	info := peeringVpcInfo{OwnerId: cmp.Or(vpcOwner(st, n, id), n.AccountID), VpcId: id, Region: n.Region}
	if i := vpcIndex(&st.File, id); i >= 0 {
		v := n.VPCs[i]
		info.Region = v.Region
		for _, c := range v.CIDRs {
			info.CidrBlockSet = append(info.CidrBlockSet, cidrItem{c.String()})
		}
		if len(v.CIDRs) > 0 {
			info.CidrBlock = v.CIDRs[0].String()
		}
	}
	if opts != nil {
		info.PeeringOptions = opts
	}
	return info
}

func peeringShape(st *store.State, n *config.Network, id string) VpcPeeringConnection {
	o := st.Meta.Objects[id]
	out := VpcPeeringConnection{VpcPeeringConnectionId: id, Tags: tagItems(o.Tags)}
	switch o.Status {
	case "active":
		out.Status = peeringStatus{"active", "Active"}
		out.RequesterVpcInfo = vpcInfo(st, n, o.Requester, &peeringOptions{AllowDnsResolutionFromRemoteVpc: o.RequesterDNS})
		out.AccepterVpcInfo = vpcInfo(st, n, o.Accepter, &peeringOptions{AllowDnsResolutionFromRemoteVpc: o.AccepterDNS})
	default:
		out.Status = peeringStatus{o.Status, "Pending Acceptance by " + n.AccountID}
		out.RequesterVpcInfo = vpcInfo(st, n, o.Requester, &peeringOptions{AllowDnsResolutionFromRemoteVpc: o.RequesterDNS})
		out.AccepterVpcInfo = vpcInfo(st, n, o.Accepter, nil)
		out.AccepterVpcInfo.CidrBlock, out.AccepterVpcInfo.CidrBlockSet = "", nil
	}
	return out
}

type peeringOut struct {
	VpcPeeringConnection VpcPeeringConnection `xml:"vpcPeeringConnection"`
}

func (h *Handler) createPeering(ctx context.Context, p params) (peeringOut, error) {
	vpc, err := p.required("VpcId")
	if err != nil {
		return peeringOut{}, err
	}
	peer, err := p.required("PeerVpcId")
	if err != nil {
		return peeringOut{}, err
	}
	tags, err := tagSpecs(p, "vpc-peering-connection")
	if err != nil {
		return peeringOut{}, err
	}
	id := store.NewID(store.PrefixPeering)
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if owner := p.str("PeerOwnerId"); owner != "" && owner != tx.Net.AccountID {
			return &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns models one account: PeerOwnerId must be " + tx.Net.AccountID}
		}
		if _, err := findVPC(&tx.File, vpc); err != nil {
			return err
		}
		if _, err := findVPC(&tx.File, peer); err != nil {
			return err
		}
		if vpc == peer {
			return apierr.Param("PeerVpcId", "A VPC cannot be peered with itself")
		}
		if region := p.str("PeerRegion"); region != "" && region != tx.Net.VPCs[vpcIndex(&tx.File, peer)].Region {
			return vpcNotFound(peer)
		}
		o := object(tx, id, store.KindPeering)
		o.Requester, o.Accepter, o.Status, o.Tags = vpc, peer, "pending-acceptance", tags
		return nil
	})
	if err != nil {
		return peeringOut{}, err
	}
	return peeringOut{peeringShape(st, n, id)}, nil
}

// findPeering returns the side record of a peering connection.
func findPeering(tx *store.Tx, id string) (*store.Object, error) {
	if id == "" {
		return nil, apierr.Missing("VpcPeeringConnectionId")
	}
	o := tx.Meta.Objects[id]
	if o == nil || o.Kind != store.KindPeering {
		return nil, peeringNotFound(id)
	}
	return o, nil
}

func (h *Handler) acceptPeering(ctx context.Context, p params) (peeringOut, error) {
	id := p.str("VpcPeeringConnectionId")
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		o, err := findPeering(tx, id)
		if err != nil {
			return err
		}
		if o.Status != "pending-acceptance" {
			return apierr.New(apierr.InvalidRequest, apierr.ResPeering, "Invalid state transition for %s, attempted to transition from %s to active", id, o.Status)
		}
		o.Status, o.Modified = "active", tx.Now
		tx.File.VPCPeerings = append(tx.File.VPCPeerings, config.PeeringFile{ID: id, RequesterVPC: o.Requester, AccepterVPC: o.Accepter})
		return nil
	})
	if err != nil {
		return peeringOut{}, err
	}
	return peeringOut{peeringShape(st, n, id)}, nil
}

func (h *Handler) deletePeering(ctx context.Context, p params) (returnOut, error) {
	id := p.str("VpcPeeringConnectionId")
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if _, err := findPeering(tx, id); err != nil {
			return err
		}
		tx.File.VPCPeerings = slices.DeleteFunc(tx.File.VPCPeerings, func(x config.PeeringFile) bool { return x.ID == id })
		// As on AWS, the routes through the peering stay, as blackholes.
		for i := range tx.File.RouteTables {
			for j := range tx.File.RouteTables[i].Routes {
				if r := &tx.File.RouteTables[i].Routes[j]; r.Target == id {
					r.Target = "blackhole"
				}
			}
		}
		delete(tx.Meta.Objects, id)
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

type peeringsOut struct {
	Peerings  []VpcPeeringConnection `xml:"vpcPeeringConnectionSet>item"`
	NextToken string                 `xml:"nextToken,omitempty"`
}

func (h *Handler) describePeerings(ctx context.Context, p params) (peeringsOut, error) {
	st, n := h.Store.Snapshot()
	var all []VpcPeeringConnection
	var ids []string
	for id, o := range st.Meta.Objects {
		if o.Kind == store.KindPeering {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		all = append(all, peeringShape(st, n, id))
	}
	items, next, err := describe(p, all, "VpcPeeringConnectionId", func(x VpcPeeringConnection) string { return x.VpcPeeringConnectionId },
		func(x VpcPeeringConnection) attrs {
			return attrs{values: map[string][]string{"vpc-peering-connection-id": {x.VpcPeeringConnectionId},
				"status-code": {x.Status.Code}, "requester-vpc-info.vpc-id": {x.RequesterVpcInfo.VpcId},
				"accepter-vpc-info.vpc-id": {x.AccepterVpcInfo.VpcId}, "requester-vpc-info.owner-id": {x.RequesterVpcInfo.OwnerId},
				"accepter-vpc-info.owner-id": {x.AccepterVpcInfo.OwnerId}, "requester-vpc-info.cidr-block": {x.RequesterVpcInfo.CidrBlock},
				"accepter-vpc-info.cidr-block": {x.AccepterVpcInfo.CidrBlock}}, tags: tagValues(x.Tags)}
		}, peeringNotFound)
	if err != nil {
		return peeringsOut{}, err
	}
	return peeringsOut{Peerings: items, NextToken: next}, nil
}

type peeringOptionsOut struct {
	Accepter  *peeringOptions `xml:"accepterPeeringConnectionOptions,omitempty"`
	Requester *peeringOptions `xml:"requesterPeeringConnectionOptions,omitempty"`
}

func (h *Handler) modifyPeeringOptions(ctx context.Context, p params) (peeringOptionsOut, error) {
	id := p.str("VpcPeeringConnectionId")
	acc, err := p.optBool("AccepterPeeringConnectionOptions.AllowDnsResolutionFromRemoteVpc")
	if err != nil {
		return peeringOptionsOut{}, err
	}
	req, err := p.optBool("RequesterPeeringConnectionOptions.AllowDnsResolutionFromRemoteVpc")
	if err != nil {
		return peeringOptionsOut{}, err
	}
	if acc == nil && req == nil {
		return peeringOptionsOut{}, apierr.Param("RequesterPeeringConnectionOptions", "Give AllowDnsResolutionFromRemoteVpc in AccepterPeeringConnectionOptions or RequesterPeeringConnectionOptions")
	}
	var out peeringOptionsOut
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		o, err := findPeering(tx, id)
		if err != nil {
			return err
		}
		if o.Status != "active" {
			return apierr.New(apierr.InvalidRequest, apierr.ResPeering, "Peering connection %s is not active: accept it first.", id)
		}
		if acc != nil {
			o.AccepterDNS = *acc
			out.Accepter = &peeringOptions{AllowDnsResolutionFromRemoteVpc: *acc}
		}
		if req != nil {
			o.RequesterDNS = *req
			out.Requester = &peeringOptions{AllowDnsResolutionFromRemoteVpc: *req}
		}
		// network.yaml keeps each side's option (which VPC resolves whose
		// names) and allow_dns_resolution when either side allows it.
		for i := range tx.File.VPCPeerings {
			if p := &tx.File.VPCPeerings[i]; p.ID == id {
				p.AllowDNSResolution = o.AccepterDNS || o.RequesterDNS
				p.RequesterAllowDNSResolution, p.AccepterAllowDNSResolution = nil, nil
				if o.AccepterDNS != o.RequesterDNS {
					req, acc := o.RequesterDNS, o.AccepterDNS
					p.RequesterAllowDNSResolution, p.AccepterAllowDNSResolution = &req, &acc
				}
			}
		}
		return nil
	})
	if err != nil {
		return peeringOptionsOut{}, err
	}
	return out, nil
}
