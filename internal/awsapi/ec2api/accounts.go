package ec2api

import (
	"cmp"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// Accounts (docs/api.md#accounts). Every EC2 resource has an owner: the
// owner_account of network.yaml where the file has one (VPCs, security
// groups, transit gateways, VPN gateways, DHCP option sets, VPC endpoints,
// prefix lists), else the VPC's or the transit gateway's it belongs to
// (subnets, route tables, network ACLs, attachments, transit gateway route
// tables), else the owner kept in its side record (internet and NAT
// gateways, customer gateways, VPN connections), else the network's
// account_id. As on AWS, an account sees only its own resources: a
// Describe action lists no other account's, and an action that names one
// gets the resource's NotFound code, as for an id that does not exist
// (RAM shares no EC2 resource in vpcdns). Two resources join two accounts
// and are seen by both: a peering connection (requester and accepter) and
// a transit gateway attachment (the gateway's owner and the VPC's).

// seers are the accounts that see the resource id: its owner first. nil
// when the network has no such resource (the handler answers its own
// not-found error).
func seers(st *store.State, n *config.Network, id string) []string {
	f := &st.File
	def := n.AccountID
	or := func(a string) []string { return []string{cmp.Or(a, def)} }
	switch {
	case strings.HasPrefix(id, store.PrefixVPC) && !strings.HasPrefix(id, store.PrefixCIDRAssoc) && !strings.HasPrefix(id, prefixVPCE):
		if v := vpcIndex(f, id); v >= 0 {
			return or(f.VPCs[v].OwnerAccount)
		}
	case strings.HasPrefix(id, prefixVPCE):
		if i := vpceIndex(f, id); i >= 0 {
			return or(f.VPCEndpoints[i].OwnerAccount)
		}
	case strings.HasPrefix(id, store.PrefixSubnet):
		if v, _ := findSubnet(f, id); v != nil {
			return or(v.OwnerAccount)
		}
	case strings.HasPrefix(id, store.PrefixSG):
		for _, g := range f.SecurityGroups {
			if g.ID == id {
				return or(cmp.Or(g.OwnerAccount, vpcOwner(st, n, g.VPC)))
			}
		}
	case strings.HasPrefix(id, store.PrefixRouteTable):
		for _, t := range f.RouteTables {
			if t.ID == id {
				return or(vpcOwner(st, n, t.VPC))
			}
		}
		for _, v := range f.VPCs {
			if mainTableOf(st, v) == id {
				return or(v.OwnerAccount)
			}
		}
	case strings.HasPrefix(id, store.PrefixACL) && !strings.HasPrefix(id, store.PrefixACLAssoc):
		for _, a := range f.NetworkACLs {
			if a.ID == id {
				return or(vpcOwner(st, n, a.VPC))
			}
		}
		for _, v := range f.VPCs {
			if defaultACLOf(st, v.ID) == id {
				return or(v.OwnerAccount)
			}
		}
	case strings.HasPrefix(id, store.PrefixPeering):
		if o := st.Meta.Objects[id]; o != nil && o.Kind == store.KindPeering {
			return []string{cmp.Or(vpcOwner(st, n, o.Requester), def), cmp.Or(vpcOwner(st, n, o.Accepter), def)}
		}
	case strings.HasPrefix(id, "tgw-attach-"):
		if t, a, err := findAttachment(f, id); err == nil {
			return []string{cmp.Or(t.OwnerAccount, def), cmp.Or(vpcOwner(st, n, a.Resource), metaOwner(st, a.Resource), def)}
		}
	case strings.HasPrefix(id, "tgw-rtb-"):
		if t, _, err := findTGWRouteTable(f, id); err == nil {
			return or(t.OwnerAccount)
		}
	case strings.HasPrefix(id, "tgw-"):
		if t := tgwOf(f, id); t != nil {
			return or(t.OwnerAccount)
		}
	case strings.HasPrefix(id, "vgw-"):
		if i := vgwIndex(f, id); i >= 0 {
			return or(f.VPNGateways[i].OwnerAccount)
		}
	case strings.HasPrefix(id, "dopt-"):
		for _, d := range f.DHCPOptionSets {
			if d.ID == id {
				return or(d.OwnerAccount)
			}
		}
	case strings.HasPrefix(id, "pl-"):
		for _, p := range f.PrefixLists {
			if p.ID == id {
				if p.OwnerAccount == config.AWSOwner {
					return nil // AWS's lists are everyone's
				}
				return or(p.OwnerAccount)
			}
		}
	case strings.HasPrefix(id, "igw-"), strings.HasPrefix(id, "nat-"), strings.HasPrefix(id, "cgw-"), strings.HasPrefix(id, "vpn-"):
		if o := st.Meta.Objects[id]; o != nil {
			return or(o.Owner)
		}
	}
	return nil
}

// metaOwner is the owner kept in the side record of id ("" for none).
func metaOwner(st *store.State, id string) string {
	if o := st.Meta.Objects[id]; o != nil {
		return o.Owner
	}
	return ""
}

// vpcOwner is the account that owns the VPC id ("" when there is none).
func vpcOwner(st *store.State, n *config.Network, id string) string {
	owner, _ := store.VPCOwner(&st.File, n, id)
	return owner
}

// ownerOf is the account that owns the resource id (the network's
// account_id when it has none).
func ownerOf(st *store.State, n *config.Network, id string) string {
	if s := seers(st, n, id); len(s) > 0 {
		return s[0]
	}
	return n.AccountID
}

// sees reports whether account sees the resource id; a resource the
// network does not have is seen (its handler answers not-found).
func sees(st *store.State, n *config.Network, id, account string) bool {
	s := seers(st, n, id)
	return s == nil || slices.Contains(s, account)
}

// idParam matches the request parameters that name a resource the caller
// must see: VpcId, SubnetId.1, GroupId, RouteTableId, …
var idParam = regexp.MustCompile(`^(VpcId|SubnetId|GroupId|SecurityGroupId|RouteTableId|NetworkAclId|VpcPeeringConnectionId|` +
	`InternetGatewayId|NatGatewayId|DhcpOptionsId|VpcEndpointId|PrefixListId|DestinationPrefixListId|TransitGatewayId|` +
	`TransitGatewayAttachmentId|TransitGatewayRouteTableId|CustomerGatewayId|VpnGatewayId|VpnConnectionId|GatewayId|` +
	`ResourceId|Resource|SubnetIds?|SecurityGroupIds?|RouteTableIds?|GroupIds?|VpcIds?|PrefixListIds?|` +
	`InternetGatewayIds?|NatGatewayIds?|DhcpOptionsIds?|VpcEndpointIds?|TransitGatewayIds?|TransitGatewayAttachmentIds?|` +
	`TransitGatewayRouteTableIds?|CustomerGatewayIds?|VpnGatewayIds?|VpnConnectionIds?|NetworkAclIds?|VpcPeeringConnectionIds?)(\.[0-9]+)?$`)

// unseen returns the first resource named by the parameters of form that
// the caller does not see, or "" when it sees them all. A peer VPC
// (PeerVpcId) may be another account's, as on AWS.
func unseen(st *store.State, n *config.Network, form url.Values, caller string) string {
	for k, vs := range form {
		if !idParam.MatchString(k) {
			continue
		}
		for _, v := range vs {
			if !sees(st, n, v, caller) {
				return v
			}
		}
	}
	return ""
}

// notFoundByPrefix is the NotFound error of the resource id by its prefix.
func notFoundByPrefix(id string) error {
	for _, p := range []struct {
		prefix   string
		notFound func(string) error
	}{
		{prefixVPCE, vpceNotFound}, {"tgw-attach-", tgwAttachNotFound}, {"tgw-rtb-", tgwRTNotFound}, {"tgw-", tgwNotFound},
		{store.PrefixVPC, vpcNotFound}, {store.PrefixSubnet, subnetNotFound}, {store.PrefixSG, sgNotFound},
		{store.PrefixRouteTable, rtNotFound}, {store.PrefixACL, aclNotFound}, {store.PrefixPeering, peeringNotFound},
		{"igw-", igwNotFound}, {"nat-", natNotFound}, {"dopt-", dhcpNotFound}, {"pl-", plNotFound},
		{"cgw-", cgwNotFound}, {"vgw-", vgwNotFound}, {"vpn-", vpnNotFound},
	} {
		if strings.HasPrefix(id, p.prefix) {
			return p.notFound(id)
		}
	}
	return notFoundByID(id)
}

// callerSees is the visibility of the request's caller, for describe: it
// reads the store when first asked, after the handler's own snapshot, so
// every item the handler lists is in it.
func (h *Handler) callerSees(r *op.Request) func(id string) bool {
	var st *store.State
	var n *config.Network
	return func(id string) bool {
		if st == nil {
			st, n = h.Store.Snapshot()
		}
		return sees(st, n, id, cmp.Or(r.Account, n.AccountID))
	}
}
