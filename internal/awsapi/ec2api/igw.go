package ec2api

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// Internet and NAT gateways need no entry in network.yaml: a route names
// them by id (igw-…, nat-…), and explain treats such a route as leading
// to the internet, as it does for the same route written in the file.
// vpcdns keeps them in side records only, so that routes can name them
// and Describe lists them; `export` writes the routes. As on AWS, the
// routes to a gateway that is deleted stay, as blackholes.

const (
	prefixIGW = "igw-"
	prefixNAT = "nat-"
)

type igwAttachment struct {
	State string `xml:"state"`
	VpcId string `xml:"vpcId"`
}

// InternetGateway is EC2's InternetGateway.
type InternetGateway struct {
	Attachments       []igwAttachment `xml:"attachmentSet>item"`
	InternetGatewayId string          `xml:"internetGatewayId"`
	OwnerId           string          `xml:"ownerId"`
	Tags              []Tag           `xml:"tagSet>item,omitempty"`
}

func igwNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResInternetGW, "The internetGateway ID '%s' does not exist", id)
}

func natNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResNATGateway, "The Nat Gateway %s was not found", id)
}

// igwTarget checks a route to an internet gateway: it must exist and be
// attached to the table's VPC (a gateway named by a route of the starting
// network.yaml, which has no record, is taken as it is written).
func igwTarget(st *store.State, vpc, id string) (string, error) {
	o := st.Meta.Objects[id]
	if o == nil || o.Kind != store.KindInternetGW {
		if routedTo(&st.File, id) {
			return id, nil
		}
		return "", igwNotFound(id)
	}
	if o.VPC != vpc {
		return "", apierr.Param("GatewayId", "route table and network gateway belong to different networks (%s is not attached to %s)", id, vpc)
	}
	return id, nil
}

// natTarget checks a route to a NAT gateway.
func natTarget(st *store.State, id string) (string, error) {
	o := st.Meta.Objects[id]
	if o == nil || o.Kind != store.KindNATGateway || o.State == "deleted" {
		if o == nil && routedTo(&st.File, id) {
			return id, nil
		}
		return "", natNotFound(id)
	}
	return id, nil
}

func routedTo(f *config.File, id string) bool {
	for _, t := range f.RouteTables {
		for _, r := range t.Routes {
			if r.Target == id {
				return true
			}
		}
	}
	return false
}

// blackholeRoutes turns the routes to a deleted gateway into blackholes.
func blackholeRoutes(f *config.File, id string) {
	for i := range f.RouteTables {
		for j := range f.RouteTables[i].Routes {
			if r := &f.RouteTables[i].Routes[j]; r.Target == id {
				r.Target = "blackhole"
			}
		}
	}
}

// gatewayIDs are the ids of one kind of gateway: the side records, then
// the route targets of the network (gateways of the starting file).
func gatewayIDs(st *store.State, kind, prefix string) []string {
	var ids []string
	for id, o := range st.Meta.Objects {
		if o.Kind == kind {
			ids = append(ids, id)
		}
	}
	for _, t := range st.File.RouteTables {
		for _, r := range t.Routes {
			if strings.HasPrefix(r.Target, prefix) && !slices.Contains(ids, r.Target) {
				ids = append(ids, r.Target)
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// fileGatewayVPC is the VPC of the first table that routes to id.
func fileGatewayVPC(f *config.File, id string) string {
	for _, t := range f.RouteTables {
		for _, r := range t.Routes {
			if r.Target == id {
				return t.VPC
			}
		}
	}
	return ""
}

func igwShape(st *store.State, n *config.Network, id string) InternetGateway {
	out := InternetGateway{InternetGatewayId: id, OwnerId: ownerOf(st, n, id)}
	vpc := fileGatewayVPC(&st.File, id)
	if o := st.Meta.Objects[id]; o != nil {
		out.Tags, vpc = tagItems(o.Tags), o.VPC
	}
	if vpc != "" {
		out.Attachments = []igwAttachment{{State: "available", VpcId: vpc}}
	}
	return out
}

type igwOut struct {
	InternetGateway InternetGateway `xml:"internetGateway"`
}

func (h *Handler) createInternetGateway(ctx context.Context, p params) (igwOut, error) {
	tags, err := tagSpecs(p, "internet-gateway")
	if err != nil {
		return igwOut{}, err
	}
	id := store.NewID(prefixIGW)
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		o := object(tx, id, store.KindInternetGW)
		o.Tags, o.Owner = tags, op.Owner(ctx, tx.Net.AccountID)
		return nil
	})
	if err != nil {
		return igwOut{}, err
	}
	return igwOut{igwShape(st, n, id)}, nil
}

type igwsOut struct {
	InternetGateways []InternetGateway `xml:"internetGatewaySet>item"`
	NextToken        string            `xml:"nextToken,omitempty"`
}

func (h *Handler) describeInternetGateways(ctx context.Context, p params) (igwsOut, error) {
	st, n := h.Store.Snapshot()
	var all []InternetGateway
	for _, id := range gatewayIDs(st, store.KindInternetGW, prefixIGW) {
		all = append(all, igwShape(st, n, id))
	}
	items, next, err := describe(p, all, "InternetGatewayId", func(x InternetGateway) string { return x.InternetGatewayId }, func(x InternetGateway) attrs {
		a := attrs{values: map[string][]string{"internet-gateway-id": {x.InternetGatewayId}, "owner-id": {x.OwnerId},
			"attachment.vpc-id": nil, "attachment.state": nil}, tags: tagValues(x.Tags)}
		for _, at := range x.Attachments {
			a.values["attachment.vpc-id"] = append(a.values["attachment.vpc-id"], at.VpcId)
			a.values["attachment.state"] = append(a.values["attachment.state"], at.State)
		}
		return a
	}, igwNotFound)
	if err != nil {
		return igwsOut{}, err
	}
	return igwsOut{InternetGateways: items, NextToken: next}, nil
}

// findIGW returns the side record of an internet gateway made through the
// API.
func findIGW(tx *store.Tx, id string) (*store.Object, error) {
	if id == "" {
		return nil, apierr.Missing("InternetGatewayId")
	}
	o := tx.Meta.Objects[id]
	if o == nil || o.Kind != store.KindInternetGW {
		return nil, igwNotFound(id)
	}
	return o, nil
}

func (h *Handler) deleteInternetGateway(ctx context.Context, p params) (returnOut, error) {
	id := p.str("InternetGatewayId")
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		o, err := findIGW(tx, id)
		if err != nil {
			return err
		}
		if o.VPC != "" {
			return apierr.New(apierr.InUse, apierr.ResInternetGW, "The internetGateway '%s' has dependencies and cannot be deleted.", id)
		}
		delete(tx.Meta.Objects, id)
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

func (h *Handler) attachInternetGateway(ctx context.Context, p params) (returnOut, error) {
	id := p.str("InternetGatewayId")
	vpc, err := p.required("VpcId")
	if err != nil {
		return returnOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		o, err := findIGW(tx, id)
		if err != nil {
			return err
		}
		if _, err := findVPC(&tx.File, vpc); err != nil {
			return err
		}
		if o.VPC != "" {
			return apierr.New(apierr.Exists, apierr.ResInternetGW, "resource %s is already associated with network %s", id, o.VPC)
		}
		for oid, x := range tx.Meta.Objects {
			if x.Kind == store.KindInternetGW && x.VPC == vpc {
				return apierr.New(apierr.Exists, apierr.ResInternetGW, "Network %s already has an internet gateway attached (%s)", vpc, oid)
			}
		}
		o.VPC, o.Modified = vpc, tx.Now
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

func (h *Handler) detachInternetGateway(ctx context.Context, p params) (returnOut, error) {
	id := p.str("InternetGatewayId")
	vpc, err := p.required("VpcId")
	if err != nil {
		return returnOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		o, err := findIGW(tx, id)
		if err != nil {
			return err
		}
		if o.VPC != vpc {
			return apierr.New(apierr.NotFound, apierr.ResGatewayAttach, "resource %s is not attached to network %s", id, vpc)
		}
		// As on AWS, the VPC's routes to the gateway stay, as blackholes.
		blackholeRoutes(&tx.File, id)
		o.VPC, o.Modified = "", tx.Now
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

type natAddress struct {
	AllocationId       string `xml:"allocationId,omitempty"`
	NetworkInterfaceId string `xml:"networkInterfaceId"`
	PrivateIp          string `xml:"privateIp"`
	IsPrimary          bool   `xml:"isPrimary"`
	Status             string `xml:"status"`
}

// NatGateway is EC2's NatGateway.
type NatGateway struct {
	CreateTime          string       `xml:"createTime,omitempty"`
	DeleteTime          string       `xml:"deleteTime,omitempty"`
	NatGatewayAddresses []natAddress `xml:"natGatewayAddressSet>item"`
	NatGatewayId        string       `xml:"natGatewayId"`
	State               string       `xml:"state"`
	SubnetId            string       `xml:"subnetId"`
	VpcId               string       `xml:"vpcId"`
	Tags                []Tag        `xml:"tagSet>item,omitempty"`
	ConnectivityType    string       `xml:"connectivityType"`
}

func natShape(st *store.State, id string) NatGateway {
	out := NatGateway{NatGatewayId: id, State: "available", ConnectivityType: "public", VpcId: fileGatewayVPC(&st.File, id)}
	if o := st.Meta.Objects[id]; o != nil {
		out.CreateTime, out.SubnetId, out.VpcId, out.Tags = isoTime(o.Created), o.Subnet, o.VPC, tagItems(o.Tags)
		if o.State != "" {
			out.State = o.State
		}
		if o.Description != "" {
			out.ConnectivityType = o.Description
		}
		if o.State == "deleted" {
			out.DeleteTime = isoTime(o.Modified)
		}
		out.NatGatewayAddresses = []natAddress{{NetworkInterfaceId: store.DerivedID("eni-", "nat|"+id), PrivateIp: o.PrivateIP,
			IsPrimary: true, Status: "succeeded"}}
	}
	return out
}

// isoTime is t as EC2 writes timestamps.
func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

type natOut struct {
	ClientToken string     `xml:"clientToken,omitempty"`
	NatGateway  NatGateway `xml:"natGateway"`
}

// createNatGateway makes a NAT gateway in a subnet, with the first free
// address of the subnet as its private address.
func (h *Handler) createNatGateway(ctx context.Context, p params) (natOut, error) {
	subnet, err := p.required("SubnetId")
	if err != nil {
		return natOut{}, err
	}
	conn := p.str("ConnectivityType")
	switch conn {
	case "":
		conn = "public"
	case "public", "private":
	default:
		return natOut{}, apierr.Param("ConnectivityType", "Value (%s) for parameter connectivityType is invalid: want public or private", conn)
	}
	tags, err := tagSpecs(p, "natgateway")
	if err != nil {
		return natOut{}, err
	}
	id := store.NewID(prefixNAT)
	st, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		v, s := findSubnet(&tx.File, subnet)
		if s == nil {
			return subnetNotFound(subnet)
		}
		ip := p.str("PrivateIpAddress")
		if ip == "" {
			a, err := freeAddress(tx, s.CIDRBlock, nil)
			if err != nil {
				return err
			}
			ip = a
		}
		o := object(tx, id, store.KindNATGateway)
		o.VPC, o.Subnet, o.PrivateIP, o.State, o.Description, o.Tags = v.ID, s.ID, ip, "available", conn, tags
		o.Owner = op.Owner(ctx, tx.Net.AccountID)
		return nil
	})
	if err != nil {
		return natOut{}, err
	}
	return natOut{ClientToken: p.str("ClientToken"), NatGateway: natShape(st, id)}, nil
}

// freeAddress is the first address of cidr that AWS does not reserve
// (the first four and the last) and that no endpoint, NAT gateway or
// instance of the network holds, nor one of taken.
func freeAddress(tx *store.Tx, cidr string, taken []string) (string, error) {
	pfx, err := netip.ParsePrefix(cidr)
	if err != nil {
		return "", apierr.Param("SubnetId", "The subnet's CIDR block %s is invalid", cidr)
	}
	used := usedAddresses(tx)
	for _, t := range taken {
		used[t] = true
	}
	a := pfx.Masked().Addr()
	for i := 0; i < 4; i++ {
		a = a.Next()
	}
	for ; pfx.Contains(a) && pfx.Contains(a.Next()); a = a.Next() {
		if !used[a.String()] {
			return a.String(), nil
		}
	}
	return "", apierr.Param("SubnetId", "There are not enough free addresses in subnet %s to satisfy the request.", cidr)
}

// usedAddresses are the addresses that endpoints, NAT gateways and
// instances of the network hold.
func usedAddresses(tx *store.Tx) map[string]bool {
	used := map[string]bool{}
	for _, e := range tx.File.Endpoints {
		for _, a := range e.IPAddresses {
			used[a.IP] = true
		}
	}
	for _, e := range tx.File.VPCEndpoints {
		for _, a := range e.IPAddresses {
			used[a.IP] = true
		}
	}
	for _, v := range tx.File.VPCs {
		for _, in := range v.Instances {
			for _, a := range in.PrivateIPs {
				used[a] = true
			}
		}
	}
	for _, o := range tx.Meta.Objects {
		if o.Kind == store.KindNATGateway && o.PrivateIP != "" && o.State != "deleted" {
			used[o.PrivateIP] = true
		}
	}
	return used
}

type natsOut struct {
	NatGateways []NatGateway `xml:"natGatewaySet>item"`
	NextToken   string       `xml:"nextToken,omitempty"`
}

func (h *Handler) describeNatGateways(ctx context.Context, p params) (natsOut, error) {
	st, _ := h.Store.Snapshot()
	var all []NatGateway
	for _, id := range gatewayIDs(st, store.KindNATGateway, prefixNAT) {
		all = append(all, natShape(st, id))
	}
	items, next, err := describe(p, all, "NatGatewayId", func(x NatGateway) string { return x.NatGatewayId }, func(x NatGateway) attrs {
		return attrs{values: map[string][]string{"nat-gateway-id": {x.NatGatewayId}, "state": {x.State}, "subnet-id": {x.SubnetId},
			"vpc-id": {x.VpcId}}, tags: tagValues(x.Tags)}
	}, natNotFound)
	if err != nil {
		return natsOut{}, err
	}
	return natsOut{NatGateways: items, NextToken: next}, nil
}

type deleteNatOut struct {
	NatGatewayId string `xml:"natGatewayId"`
}

// deleteNatGateway marks the gateway deleted (AWS lists deleted NAT
// gateways for about an hour); its routes become blackholes.
func (h *Handler) deleteNatGateway(ctx context.Context, p params) (deleteNatOut, error) {
	id, err := p.required("NatGatewayId")
	if err != nil {
		return deleteNatOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		o := tx.Meta.Objects[id]
		if o == nil || o.Kind != store.KindNATGateway || o.State == "deleted" {
			return natNotFound(id)
		}
		blackholeRoutes(&tx.File, id)
		o.State, o.Modified = "deleted", tx.Now
		return nil
	})
	if err != nil {
		return deleteNatOut{}, err
	}
	return deleteNatOut{NatGatewayId: id}, nil
}

// edgeDependency names what of the VPC's edge keeps a VPC (vpc) or a
// subnet (subnet) from being deleted: an attached internet gateway, a NAT
// gateway, a VPC endpoint; "" when nothing does.
func edgeDependency(tx *store.Tx, vpc, subnet string) string {
	for _, id := range gatewayIDs(tx.State, store.KindInternetGW, prefixIGW) {
		if o := tx.Meta.Objects[id]; vpc != "" && o != nil && o.VPC == vpc {
			return "internet gateway " + id
		}
	}
	for _, id := range gatewayIDs(tx.State, store.KindNATGateway, prefixNAT) {
		if o := tx.Meta.Objects[id]; o != nil && o.State != "deleted" && ((vpc != "" && o.VPC == vpc) || (subnet != "" && o.Subnet == subnet)) {
			return "nat gateway " + id
		}
	}
	for _, e := range tx.File.VPCEndpoints {
		if vpc != "" && e.VPC == vpc {
			return "vpc endpoint " + e.ID
		}
		for _, a := range e.IPAddresses {
			if subnet != "" && a.Subnet == subnet {
				return "vpc endpoint " + e.ID
			}
		}
	}
	return ""
}
