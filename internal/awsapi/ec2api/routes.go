package ec2api

import (
	"cmp"
	"context"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// Route is EC2's Route.
type Route struct {
	DestinationCidrBlock    string `xml:"destinationCidrBlock,omitempty"`
	DestinationPrefixListId string `xml:"destinationPrefixListId,omitempty"`
	GatewayId               string `xml:"gatewayId,omitempty"`
	NatGatewayId            string `xml:"natGatewayId,omitempty"`
	TransitGatewayId        string `xml:"transitGatewayId,omitempty"`
	VpcPeeringConnectionId  string `xml:"vpcPeeringConnectionId,omitempty"`
	State                   string `xml:"state"`
	Origin                  string `xml:"origin"`
}

type assocState struct {
	State string `xml:"state"`
}

type rtAssoc struct {
	Main                    bool       `xml:"main"`
	RouteTableAssociationId string     `xml:"routeTableAssociationId"`
	RouteTableId            string     `xml:"routeTableId"`
	SubnetId                string     `xml:"subnetId,omitempty"`
	AssociationState        assocState `xml:"associationState"`
}

// RouteTable is EC2's RouteTable.
type RouteTable struct {
	RouteTableId    string    `xml:"routeTableId"`
	VpcId           string    `xml:"vpcId"`
	OwnerId         string    `xml:"ownerId"`
	Routes          []Route   `xml:"routeSet>item"`
	Associations    []rtAssoc `xml:"associationSet>item"`
	PropagatingVgws vgwList   `xml:"propagatingVgwSet"`
	Tags            []Tag     `xml:"tagSet>item,omitempty"`
}

func rtNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResRouteTable, "The routeTable ID '%s' does not exist", id)
}

func rtIndex(f *config.File, id string) int {
	return slices.IndexFunc(f.RouteTables, func(r config.RouteTblFile) bool { return r.ID == id })
}

// mainTableOf returns the id of a VPC's main route table.
func mainTableOf(st *store.State, v config.VPCFile) string {
	if v.MainRouteTable != "" {
		return v.MainRouteTable
	}
	if o := st.Meta.Objects[v.ID]; o != nil {
		return o.MainRouteTable
	}
	return ""
}

func routeShape(r config.Route) Route {
	out := Route{DestinationCidrBlock: r.Destination.String(), State: "active", Origin: "CreateRoute"}
	switch r.Kind {
	case config.TargetLocal:
		out.GatewayId, out.Origin = "local", "CreateRouteTable"
	case config.TargetPeering:
		out.VpcPeeringConnectionId = r.TargetID
	case config.TargetTransitGateway:
		out.TransitGatewayId = r.TargetID
	case config.TargetRemoteNetwork, config.TargetInternetGateway, config.TargetVPNGateway:
		out.GatewayId = r.TargetID
	case config.TargetNATGateway:
		out.NatGatewayId = r.TargetID
	case config.TargetBlackhole:
		out.State = "blackhole"
	}
	if r.PrefixList != nil {
		out.DestinationCidrBlock, out.DestinationPrefixListId = "", r.PrefixList.ID
	}
	if r.Propagated {
		out.Origin = "EnableVgwRoutePropagation"
	}
	return out
}

// routeTables lists every route table: those of the network, then the main
// tables AWS made with VPCs that the network does not hold.
func routeTables(st *store.State, n *config.Network) []RouteTable {
	var out []RouteTable
	mainOf := map[string]string{}
	for _, v := range st.File.VPCs {
		mainOf[mainTableOf(st, v)] = v.ID
	}
	assocs := func(id string) []rtAssoc {
		var as []rtAssoc
		if vpc, ok := mainOf[id]; ok {
			a := rtAssoc{Main: true, RouteTableId: id, AssociationState: assocState{"associated"}}
			if x := st.Meta.Assocs[store.AssocKey(store.AssocMainRoute, vpc)]; x != nil {
				a.RouteTableAssociationId = x.ID
			}
			as = append(as, a)
		}
		for _, v := range st.File.VPCs {
			for _, s := range v.Subnets {
				if s.RouteTable == id {
					a := rtAssoc{RouteTableId: id, SubnetId: s.ID, AssociationState: assocState{"associated"}}
					if x := st.Meta.Assocs[store.AssocKey(store.AssocRouteTable, s.ID)]; x != nil {
						a.RouteTableAssociationId = x.ID
					}
					as = append(as, a)
				}
			}
		}
		return as
	}
	for i, t := range st.File.RouteTables {
		rt := RouteTable{RouteTableId: t.ID, VpcId: t.VPC, OwnerId: cmp.Or(vpcOwner(st, n, t.VPC), n.AccountID), Associations: assocs(t.ID), Tags: tagItems(metaTags(st, t.ID)),
			PropagatingVgws: propagatingVgws(st, t.ID)}
		seenPL := map[string]bool{}
		for _, r := range n.RouteTables[i].Routes {
			if r.PrefixList != nil {
				// One route per prefix list, not per CIDR of it.
				if seenPL[r.PrefixList.ID] {
					continue
				}
				seenPL[r.PrefixList.ID] = true
			}
			rt.Routes = append(rt.Routes, routeShape(r))
		}
		out = append(out, rt)
	}
	for i, v := range st.File.VPCs {
		id := mainTableOf(st, v)
		if id == "" || rtIndex(&st.File, id) >= 0 {
			continue
		}
		rt := RouteTable{RouteTableId: id, VpcId: v.ID, OwnerId: cmp.Or(v.OwnerAccount, n.AccountID), Associations: assocs(id), Tags: tagItems(metaTags(st, id))}
		for _, c := range n.VPCs[i].CIDRs {
			rt.Routes = append(rt.Routes, routeShape(config.Route{Destination: c, Kind: config.TargetLocal}))
		}
		out = append(out, rt)
	}
	return out
}

// findTable returns a route table of the network; a VPC's main table that
// the network does not hold yet joins it (with only its local routes).
func findTable(tx *store.Tx, id string) (*config.RouteTblFile, error) {
	if id == "" {
		return nil, apierr.Missing("RouteTableId")
	}
	if i := rtIndex(&tx.File, id); i >= 0 {
		return &tx.File.RouteTables[i], nil
	}
	for i := range tx.File.VPCs {
		v := &tx.File.VPCs[i]
		if mainTableOf(tx.State, *v) == id {
			v.MainRouteTable = id
			tx.File.RouteTables = append(tx.File.RouteTables, config.RouteTblFile{ID: id, VPC: v.ID})
			return &tx.File.RouteTables[len(tx.File.RouteTables)-1], nil
		}
	}
	return nil, rtNotFound(id)
}

type routeTableOut struct {
	RouteTable RouteTable `xml:"routeTable"`
}

func (h *Handler) createRouteTable(ctx context.Context, p params) (routeTableOut, error) {
	vpcID, err := p.required("VpcId")
	if err != nil {
		return routeTableOut{}, err
	}
	tags, err := tagSpecs(p, "route-table")
	if err != nil {
		return routeTableOut{}, err
	}
	id := store.NewID(store.PrefixRouteTable)
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if _, err := findVPC(&tx.File, vpcID); err != nil {
			return err
		}
		tx.File.RouteTables = append(tx.File.RouteTables, config.RouteTblFile{ID: id, VPC: vpcID})
		object(tx, id, store.KindRouteTable).Tags = tags
		return nil
	})
	if err != nil {
		return routeTableOut{}, err
	}
	for _, rt := range routeTables(st, n) {
		if rt.RouteTableId == id {
			return routeTableOut{rt}, nil
		}
	}
	return routeTableOut{}, rtNotFound(id)
}

type routeTablesOut struct {
	RouteTables []RouteTable `xml:"routeTableSet>item"`
	NextToken   string       `xml:"nextToken,omitempty"`
}

func (h *Handler) describeRouteTables(ctx context.Context, p params) (routeTablesOut, error) {
	st, n := h.Store.Snapshot()
	items, next, err := describe(p, routeTables(st, n), "RouteTableId", func(r RouteTable) string { return r.RouteTableId }, func(r RouteTable) attrs {
		a := attrs{values: map[string][]string{"route-table-id": {r.RouteTableId}, "vpc-id": {r.VpcId}, "owner-id": {r.OwnerId},
			"association.main": nil, "association.subnet-id": nil, "association.route-table-association-id": nil,
			"association.route-table-id": nil, "route.destination-cidr-block": nil, "route.gateway-id": nil,
			"route.transit-gateway-id": nil, "route.nat-gateway-id": nil, "route.destination-prefix-list-id": nil, "route.vpc-peering-connection-id": nil, "route.state": nil, "route.origin": nil},
			tags: tagValues(r.Tags)}
		add := func(k, v string) {
			if v != "" {
				a.values[k] = append(a.values[k], v)
			}
		}
		for _, as := range r.Associations {
			add("association.main", boolStr(as.Main))
			add("association.subnet-id", as.SubnetId)
			add("association.route-table-association-id", as.RouteTableAssociationId)
			add("association.route-table-id", as.RouteTableId)
		}
		for _, rt := range r.Routes {
			add("route.destination-cidr-block", rt.DestinationCidrBlock)
			add("route.gateway-id", rt.GatewayId)
			add("route.transit-gateway-id", rt.TransitGatewayId)
			add("route.nat-gateway-id", rt.NatGatewayId)
			add("route.destination-prefix-list-id", rt.DestinationPrefixListId)
			add("route.vpc-peering-connection-id", rt.VpcPeeringConnectionId)
			add("route.state", rt.State)
			add("route.origin", rt.Origin)
		}
		return a
	}, rtNotFound)
	if err != nil {
		return routeTablesOut{}, err
	}
	return routeTablesOut{RouteTables: items, NextToken: next}, nil
}

func (h *Handler) deleteRouteTable(ctx context.Context, p params) (returnOut, error) {
	id, err := p.required("RouteTableId")
	if err != nil {
		return returnOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		for _, v := range tx.File.VPCs {
			if mainTableOf(tx.State, v) == id {
				return apierr.New(apierr.InUse, apierr.ResRouteTable, "The routeTable '%s' has dependencies and cannot be deleted (it is the main route table of %s).", id, v.ID)
			}
			for _, s := range v.Subnets {
				if s.RouteTable == id {
					return apierr.New(apierr.InUse, apierr.ResRouteTable, "The routeTable '%s' has dependencies and cannot be deleted (subnet %s).", id, s.ID)
				}
			}
		}
		i := rtIndex(&tx.File, id)
		if i < 0 {
			return rtNotFound(id)
		}
		tx.File.RouteTables = slices.Delete(tx.File.RouteTables, i, i+1)
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

// routeTarget reads the target of CreateRoute or ReplaceRoute as a
// network.yaml route target.
func routeTarget(p params, st *store.State, vpc string) (string, error) {
	f := &st.File
	for _, k := range []string{"InstanceId", "NetworkInterfaceId", "EgressOnlyInternetGatewayId",
		"LocalGatewayId", "CarrierGatewayId", "VpcEndpointId", "CoreNetworkArn", "DestinationIpv6CidrBlock"} {
		if p.str(k) != "" {
			return "", &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns models routes to VPC peerings, transit gateways and remote networks, not " + k}
		}
	}
	if t := p.str("VpcPeeringConnectionId"); t != "" {
		return t, nil
	}
	if t := p.str("TransitGatewayId"); t != "" {
		return t, tgwRouteTarget(f, t, vpc)
	}
	if t := p.str("NatGatewayId"); t != "" {
		return natTarget(st, t)
	}
	if t := p.str("GatewayId"); t != "" {
		if slices.ContainsFunc(f.RemoteNetworks, func(r config.RemoteFile) bool { return r.ID == t }) {
			return t, nil
		}
		if strings.HasPrefix(t, prefixIGW) {
			return igwTarget(st, vpc, t)
		}
		if strings.HasPrefix(t, store.PrefixVPNGateway) {
			return t, vgwRouteTarget(f, t, vpc)
		}
		return "", &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns models routes to VPC peerings, transit gateways and remote networks (remote_networks in network.yaml); gateway " + t + " is none of them"}
	}
	return "", apierr.Param("GatewayId", "The request must contain a route target: VpcPeeringConnectionId, TransitGatewayId, NatGatewayId or GatewayId")
}

// routeDest reads the destination of a route: a CIDR block or a managed
// prefix list (network.yaml destination_prefix_list).
func routeDest(p params, f *config.File) (config.RouteFile, error) {
	if pl := p.str("DestinationPrefixListId"); pl != "" {
		if p.str("DestinationCidrBlock") != "" {
			return config.RouteFile{}, apierr.Param("DestinationPrefixListId", "Give one of DestinationCidrBlock and DestinationPrefixListId")
		}
		if plIndex(f, pl) < 0 {
			return config.RouteFile{}, plNotFound(pl)
		}
		return config.RouteFile{DestinationPrefixList: pl}, nil
	}
	d, err := destination(p)
	return config.RouteFile{Destination: d}, err
}

func (r routeKey) matches(x config.RouteFile) bool {
	if r.DestinationPrefixList != "" {
		return x.DestinationPrefixList == r.DestinationPrefixList
	}
	return x.DestinationPrefixList == "" && sameDest(x.Destination, r.Destination)
}

type routeKey config.RouteFile

func (r routeKey) String() string {
	if r.DestinationPrefixList != "" {
		return r.DestinationPrefixList
	}
	return r.Destination
}

func destination(p params) (string, error) {
	d, err := p.required("DestinationCidrBlock")
	if err != nil {
		return "", err
	}
	pfx, perr := netip.ParsePrefix(d)
	if perr != nil || !pfx.Addr().Is4() {
		return "", apierr.Param("DestinationCidrBlock", "Value (%s) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.", d)
	}
	return pfx.Masked().String(), nil
}

func (h *Handler) createRoute(ctx context.Context, p params) (returnOut, error) {
	return h.putRoute(ctx, p, false)
}
func (h *Handler) replaceRoute(ctx context.Context, p params) (returnOut, error) {
	return h.putRoute(ctx, p, true)
}

func (h *Handler) putRoute(ctx context.Context, p params, replace bool) (returnOut, error) {
	if p.str("DestinationPrefixListId") == "" {
		if _, err := destination(p); err != nil {
			return returnOut{}, err
		}
	}
	id := p.str("RouteTableId")
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		rf, err := routeDest(p, &tx.File)
		if err != nil {
			return err
		}
		dest := routeKey(rf)
		t, err := findTable(tx, id)
		if err != nil {
			return err
		}
		target, err := routeTarget(p, tx.State, t.VPC)
		if err != nil {
			return err
		}
		j := slices.IndexFunc(t.Routes, dest.matches)
		switch {
		case j >= 0 && !replace:
			return apierr.New(apierr.Exists, apierr.ResRoute, "The route identified by %s already exists.", dest)
		case j < 0 && replace:
			return apierr.New(apierr.NotFound, apierr.ResRoute, "There is no route defined for '%s' in the route table. Use CreateRoute instead.", dest)
		case j >= 0:
			t.Routes[j].Target = target
		default:
			rf.Target = target
			t.Routes = append(t.Routes, rf)
		}
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

func sameDest(a, b string) bool {
	pa, ea := netip.ParsePrefix(a)
	pb, eb := netip.ParsePrefix(b)
	if ea != nil || eb != nil {
		return a == b
	}
	return pa.Masked() == pb.Masked()
}

func (h *Handler) deleteRoute(ctx context.Context, p params) (returnOut, error) {
	if p.str("DestinationPrefixListId") == "" {
		if _, err := destination(p); err != nil {
			return returnOut{}, err
		}
	}
	id := p.str("RouteTableId")
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		rf, err := routeDest(p, &tx.File)
		if err != nil {
			return err
		}
		dest := routeKey(rf)
		t, err := findTable(tx, id)
		if err != nil {
			return err
		}
		j := slices.IndexFunc(t.Routes, dest.matches)
		if j < 0 {
			return apierr.New(apierr.NotFound, apierr.ResRoute, "no route with destination-cidr-block %s in route table %s", dest, id)
		}
		t.Routes = slices.Delete(t.Routes, j, j+1)
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

type associateRTOut struct {
	AssociationId    string     `xml:"associationId"`
	AssociationState assocState `xml:"associationState"`
}

func (h *Handler) associateRouteTable(ctx context.Context, p params) (associateRTOut, error) {
	id := p.str("RouteTableId")
	if p.str("GatewayId") != "" {
		return associateRTOut{}, &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns models route table associations with subnets only"}
	}
	subnet, err := p.required("SubnetId")
	if err != nil {
		return associateRTOut{}, err
	}
	assoc := store.NewID(store.PrefixRTBAssoc)
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		_, s := findSubnet(&tx.File, subnet)
		if s == nil {
			return subnetNotFound(subnet)
		}
		if s.RouteTable != "" {
			return apierr.New(apierr.Exists, apierr.ResAssociation, "the specified association for route table %s conflicts with an existing association", id)
		}
		t, err := findTable(tx, id)
		if err != nil {
			return err
		}
		_, s = findSubnet(&tx.File, subnet) // findTable may have grown the file
		s.RouteTable = t.ID
		tx.Meta.Assocs[store.AssocKey(store.AssocRouteTable, subnet)] = &store.Assoc{ID: assoc, Created: tx.Now}
		return nil
	})
	if err != nil {
		return associateRTOut{}, err
	}
	return associateRTOut{AssociationId: assoc, AssociationState: assocState{"associated"}}, nil
}

func (h *Handler) disassociateRouteTable(ctx context.Context, p params) (returnOut, error) {
	assoc, err := p.required("AssociationId")
	if err != nil {
		return returnOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		for k, a := range tx.Meta.Assocs {
			if a.ID != assoc {
				continue
			}
			kind, subnet, _ := strings.Cut(k, "|")
			if kind == store.AssocMainRoute {
				return apierr.Param("AssociationId", "The association %s is the main route table association and cannot be disassociated", assoc)
			}
			if kind != store.AssocRouteTable {
				continue
			}
			if _, s := findSubnet(&tx.File, subnet); s != nil {
				s.RouteTable = ""
				return nil
			}
		}
		return apierr.New(apierr.NotFound, apierr.ResAssociation, "The association ID '%s' does not exist", assoc)
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

// vgwList is a route table's propagatingVgwSet: written even when empty,
// as EC2 does (EnableVgwRoutePropagation fills it, vpn.go).
type vgwList struct {
	Items []propagatingVgw `xml:"item"`
}
