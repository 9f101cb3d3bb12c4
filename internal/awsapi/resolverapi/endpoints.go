package resolverapi

import (
	"cmp"
	"context"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// ListenTag is the tag of an inbound endpoint that names the sockets
// (space-separated ip:port) vpcdns serves it on: its network.yaml listen.
const ListenTag = "vpcdns:listen"

// ResolverEndpoint is the API's ResolverEndpoint.
type ResolverEndpoint struct {
	Id                   string   `json:"Id"`
	CreatorRequestId     string   `json:"CreatorRequestId"`
	Arn                  string   `json:"Arn"`
	Name                 string   `json:"Name,omitempty"`
	SecurityGroupIds     []string `json:"SecurityGroupIds"`
	Direction            string   `json:"Direction"`
	IpAddressCount       int      `json:"IpAddressCount"`
	HostVPCId            string   `json:"HostVPCId"`
	Status               string   `json:"Status"`
	StatusMessage        string   `json:"StatusMessage"`
	CreationTime         string   `json:"CreationTime,omitempty"`
	ModificationTime     string   `json:"ModificationTime,omitempty"`
	ResolverEndpointType string   `json:"ResolverEndpointType"`
	Protocols            []string `json:"Protocols"`
}

// IpAddressResponse is one address of an endpoint.
type IpAddressResponse struct {
	IpId             string `json:"IpId"`
	SubnetId         string `json:"SubnetId"`
	Ip               string `json:"Ip"`
	Status           string `json:"Status"`
	StatusMessage    string `json:"StatusMessage"`
	CreationTime     string `json:"CreationTime,omitempty"`
	ModificationTime string `json:"ModificationTime,omitempty"`
}

// ipAddressRequest is an address of CreateResolverEndpoint.
type ipAddressRequest struct{ SubnetId, Ip, Ipv6 string }

// ipAddressIn is an address of Associate/DisassociateResolverEndpointIpAddress.
type ipAddressIn struct {
	IpId     string
	SubnetId string
	Ip       string
	Ipv6     string
}

func endpointIndex(f *config.File, id string) int {
	return slices.IndexFunc(f.Endpoints, func(e config.EndpointFile) bool { return e.ID == id })
}

func endpointNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResEndpoint, "Resolver endpoint with ID '%s' does not exist.", id)
}

func endpointShape(st *store.State, n *config.Network, i int) ResolverEndpoint {
	ef := st.File.Endpoints[i]
	out := ResolverEndpoint{
		Id: ef.ID, Arn: ownerARN(n, ef.OwnerAccount, "resolver-endpoint", ef.ID), Name: ef.Name,
		SecurityGroupIds: append([]string{}, ef.SecurityGroups...),
		Direction:        strings.ToUpper(ef.Direction), IpAddressCount: len(ef.IPAddresses), HostVPCId: ef.VPC,
		Status: "OPERATIONAL", StatusMessage: "This Resolver Endpoint is operational.",
		ResolverEndpointType: "IPV4", Protocols: []string{"Do53"},
	}
	if o := st.Meta.Objects[ef.ID]; o != nil {
		out.CreatorRequestId = o.CreatorRequestID
		out.CreationTime = timeString(o.Created)
		out.ModificationTime = timeString(o.Modified)
	}
	return out
}

// subnetOf finds a subnet and its VPC.
func subnetOf(f *config.File, id string) (*config.VPCFile, *config.SubnetFile) {
	for i := range f.VPCs {
		for j := range f.VPCs[i].Subnets {
			if f.VPCs[i].Subnets[j].ID == id {
				return &f.VPCs[i], &f.VPCs[i].Subnets[j]
			}
		}
	}
	return nil, nil
}

// usedAddrs lists the private addresses taken in the network: instances'
// and endpoints'.
func usedAddrs(f *config.File) map[string]bool {
	used := map[string]bool{}
	for _, v := range f.VPCs {
		for _, in := range v.Instances {
			for _, ip := range in.PrivateIPs {
				used[ip] = true
			}
		}
	}
	for _, e := range f.Endpoints {
		for _, a := range e.IPAddresses {
			used[a.IP] = true
		}
	}
	return used
}

// pickAddr returns the first address of a subnet that AWS does not reserve
// (the first four and the last) and nothing uses.
func pickAddr(s *config.SubnetFile, used map[string]bool) (string, error) {
	p, err := netip.ParsePrefix(s.CIDRBlock)
	if err != nil || !p.Addr().Is4() {
		return "", apierr.Param("SubnetId", "Subnet '%s' has no IPv4 CIDR block to take an address from", s.ID)
	}
	p = p.Masked()
	a := p.Addr()
	for range 4 {
		a = a.Next()
	}
	for ; p.Contains(a) && p.Contains(a.Next()); a = a.Next() {
		if !used[a.String()] {
			return a.String(), nil
		}
	}
	return "", apierr.New(apierr.InvalidRequest, apierr.ResSubnet, "Subnet '%s' has no free IP address left", s.ID)
}

// addIP adds one address request to an endpoint of the file.
func addIP(f *config.File, e *config.EndpointFile, in ipAddressIn) (string, error) {
	if in.Ipv6 != "" && in.Ip == "" {
		return "", &apierr.Error{Kind: apierr.Unsupported, Field: "Ipv6", Message: "vpcdns models IPv4 endpoint addresses only"}
	}
	if in.SubnetId == "" {
		return "", apierr.Missing("SubnetId")
	}
	vpc, sub := subnetOf(f, in.SubnetId)
	if sub == nil {
		return "", apierr.Param("SubnetId", "Subnet with ID '%s' does not exist.", in.SubnetId)
	}
	if e.VPC == "" {
		e.VPC = vpc.ID
	} else if vpc.ID != e.VPC {
		return "", apierr.New(apierr.InvalidRequest, apierr.ResEndpoint, "All the subnets of a resolver endpoint must be in one VPC: '%s' is in '%s', not '%s'.", in.SubnetId, vpc.ID, e.VPC)
	}
	ip := in.Ip
	if ip == "" {
		var err error
		if ip, err = pickAddr(sub, usedAddrs(f)); err != nil {
			return "", err
		}
	} else if slices.ContainsFunc(e.IPAddresses, func(a config.EndpointIPFile) bool { return a.IP == ip }) {
		return "", apierr.New(apierr.Exists, apierr.ResEndpointIP, "The IP address '%s' is already an address of resolver endpoint '%s'.", ip, e.ID)
	}
	e.IPAddresses = append(e.IPAddresses, config.EndpointIPFile{Subnet: in.SubnetId, IP: ip})
	return ip, nil
}

// splitListen reads the value of a listen tag: ip:port sockets separated
// by spaces (AWS tag values cannot hold commas; commas are accepted too).
func splitListen(v string) []string {
	return strings.Fields(strings.ReplaceAll(v, ",", " "))
}

func checkEndpointKind(typ string, protocols []string) error {
	if typ != "" && typ != "IPV4" {
		return &apierr.Error{Kind: apierr.Unsupported, Field: "ResolverEndpointType", Message: "vpcdns models IPV4 endpoints only"}
	}
	for _, p := range protocols {
		if p != "Do53" {
			return &apierr.Error{Kind: apierr.Unsupported, Field: "Protocols", Message: "vpcdns serves and forwards over Do53 only"}
		}
	}
	return nil
}

func (h *Handler) createEndpoint(ctx context.Context, in *struct {
	CreatorRequestId     string
	Name                 string
	SecurityGroupIds     []string
	Direction            string
	IpAddresses          []ipAddressRequest
	Tags                 []Tag
	ResolverEndpointType string
	Protocols            []string
	OutpostArn           string
}) (resolverEndpointOut, error) {
	if err := required("CreatorRequestId", in.CreatorRequestId); err != nil {
		return resolverEndpointOut{}, err
	}
	if err := required("Direction", in.Direction); err != nil {
		return resolverEndpointOut{}, err
	}
	if len(in.SecurityGroupIds) == 0 {
		return resolverEndpointOut{}, apierr.Missing("SecurityGroupIds")
	}
	if len(in.IpAddresses) == 0 {
		return resolverEndpointOut{}, apierr.Missing("IpAddresses")
	}
	if len(in.IpAddresses) < 2 || len(in.IpAddresses) > 20 {
		return resolverEndpointOut{}, apierr.New(apierr.InvalidRequest, apierr.ResEndpoint, "A resolver endpoint has 2 to 20 IP addresses, not %d.", len(in.IpAddresses))
	}
	prefix := ""
	switch in.Direction {
	case "OUTBOUND":
		prefix = store.PrefixOutbound
	case "INBOUND":
		prefix = store.PrefixInbound
	case "INBOUND_DELEGATION":
		return resolverEndpointOut{}, &apierr.Error{Kind: apierr.Unsupported, Field: "Direction", Message: "vpcdns does not model INBOUND_DELEGATION endpoints"}
	default:
		return resolverEndpointOut{}, apierr.Param("Direction", "Direction must be INBOUND or OUTBOUND, not '%s'", in.Direction)
	}
	if in.OutpostArn != "" {
		return resolverEndpointOut{}, &apierr.Error{Kind: apierr.Unsupported, Field: "OutpostArn", Message: "vpcdns does not model Outposts"}
	}
	if err := checkEndpointKind(in.ResolverEndpointType, in.Protocols); err != nil {
		return resolverEndpointOut{}, err
	}
	if err := checkName(in.Name); err != nil {
		return resolverEndpointOut{}, err
	}
	tags, err := tagMap(in.Tags)
	if err != nil {
		return resolverEndpointOut{}, err
	}
	var listen []string
	if v, ok := tags[ListenTag]; ok {
		listen = splitListen(v)
		delete(tags, ListenTag)
	}
	id := store.NewID(prefix)
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if creatorTaken(tx.State, store.KindEndpoint, in.CreatorRequestId) {
			return apierr.New(apierr.Exists, apierr.ResEndpoint, "Resolver endpoint with creator request ID '%s' already exists.", in.CreatorRequestId)
		}
		e := config.EndpointFile{ID: id, Name: in.Name, Direction: strings.ToLower(in.Direction),
			SecurityGroups: in.SecurityGroupIds, Listen: listen, OwnerAccount: op.Owner(ctx, tx.Net.AccountID)}
		for _, sg := range in.SecurityGroupIds {
			if !slices.ContainsFunc(tx.File.SecurityGroups, func(s config.SGFile) bool { return s.ID == sg }) {
				return apierr.Param("SecurityGroupIds", "Security group with ID '%s' does not exist.", sg)
			}
		}
		// The endpoint is added first, so that the addresses it takes are
		// seen as used by the next ones.
		tx.File.Endpoints = append(tx.File.Endpoints, e)
		ep := &tx.File.Endpoints[len(tx.File.Endpoints)-1]
		for _, a := range in.IpAddresses {
			if _, err := addIP(&tx.File, ep, ipAddressIn{SubnetId: a.SubnetId, Ip: a.Ip, Ipv6: a.Ipv6}); err != nil {
				return err
			}
		}
		tx.Meta.Objects[id] = &store.Object{Kind: store.KindEndpoint, CreatorRequestID: in.CreatorRequestId,
			Created: tx.Now, Modified: tx.Now, Tags: tags}
		return nil
	})
	if err != nil {
		return resolverEndpointOut{}, err
	}
	return resolverEndpointOut{ResolverEndpoint: endpointShape(st, n, endpointIndex(&st.File, id))}, nil
}

func (h *Handler) getEndpoint(ctx context.Context, in *struct{ ResolverEndpointId string }) (resolverEndpointOut, error) {
	if err := required("ResolverEndpointId", in.ResolverEndpointId); err != nil {
		return resolverEndpointOut{}, err
	}
	st, n := h.Store.Snapshot()
	i := endpointIndex(&st.File, in.ResolverEndpointId)
	if i < 0 {
		return resolverEndpointOut{}, endpointNotFound(in.ResolverEndpointId)
	}
	return resolverEndpointOut{ResolverEndpoint: endpointShape(st, n, i)}, nil
}

func (h *Handler) listEndpoints(ctx context.Context, in *listParams) (resolverEndpointsOut, error) {
	st, n := h.Store.Snapshot()
	var all []ResolverEndpoint
	for i, e := range st.File.Endpoints {
		if cmp.Or(e.OwnerAccount, n.AccountID) == caller(ctx, n) {
			all = append(all, endpointShape(st, n, i))
		}
	}
	known := []string{"creatorrequestid", "direction", "hostvpcid", "ipaddresscount", "name", "securitygroupids", "status", "resolverendpointtype"}
	items, err := filterItems(all, in.Filters, known, func(e ResolverEndpoint) attrs {
		return attrs{"creatorrequestid": {e.CreatorRequestId}, "direction": {e.Direction}, "hostvpcid": {e.HostVPCId},
			"ipaddresscount": {strconv.Itoa(e.IpAddressCount)}, "name": {e.Name}, "securitygroupids": e.SecurityGroupIds,
			"status": {e.Status}, "resolverendpointtype": {e.ResolverEndpointType}}
	})
	if err != nil {
		return resolverEndpointsOut{}, err
	}
	pg, next, max, err := paginate(items, in.pageParams, 1)
	if err != nil {
		return resolverEndpointsOut{}, err
	}
	return resolverEndpointsOut{ResolverEndpoints: nonNil(pg), NextToken: next, MaxResults: max}, nil
}

func (h *Handler) updateEndpoint(ctx context.Context, in *struct {
	ResolverEndpointId   string
	Name                 *string
	ResolverEndpointType string
	Protocols            []string
	UpdateIpAddresses    []struct{ IpId, Ipv6 string }
}) (resolverEndpointOut, error) {
	if err := required("ResolverEndpointId", in.ResolverEndpointId); err != nil {
		return resolverEndpointOut{}, err
	}
	if err := checkEndpointKind(in.ResolverEndpointType, in.Protocols); err != nil {
		return resolverEndpointOut{}, err
	}
	if len(in.UpdateIpAddresses) > 0 {
		return resolverEndpointOut{}, &apierr.Error{Kind: apierr.Unsupported, Field: "UpdateIpAddresses", Message: "vpcdns models IPv4 endpoint addresses only"}
	}
	if in.Name != nil {
		if err := checkName(*in.Name); err != nil {
			return resolverEndpointOut{}, err
		}
	}
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		i := endpointIndex(&tx.File, in.ResolverEndpointId)
		if i < 0 {
			return endpointNotFound(in.ResolverEndpointId)
		}
		if in.Name != nil {
			tx.File.Endpoints[i].Name = *in.Name
		}
		touch(tx, in.ResolverEndpointId)
		return nil
	})
	if err != nil {
		return resolverEndpointOut{}, err
	}
	return resolverEndpointOut{ResolverEndpoint: endpointShape(st, n, endpointIndex(&st.File, in.ResolverEndpointId))}, nil
}

func (h *Handler) deleteEndpoint(ctx context.Context, in *struct{ ResolverEndpointId string }) (resolverEndpointOut, error) {
	if err := required("ResolverEndpointId", in.ResolverEndpointId); err != nil {
		return resolverEndpointOut{}, err
	}
	var gone ResolverEndpoint
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		i := endpointIndex(&tx.File, in.ResolverEndpointId)
		if i < 0 {
			return endpointNotFound(in.ResolverEndpointId)
		}
		for _, r := range tx.File.Rules {
			if r.ResolverEndpoint == in.ResolverEndpointId {
				return apierr.New(apierr.InvalidRequest, apierr.ResEndpoint, "Cannot delete resolver endpoint unless its related resolver rules are deleted.")
			}
		}
		gone = endpointShape(tx.State, tx.Net, i)
		tx.File.Endpoints = slices.Delete(tx.File.Endpoints, i, i+1)
		return nil
	})
	if err != nil {
		return resolverEndpointOut{}, err
	}
	gone.Status, gone.StatusMessage = "DELETING", "Deleting the Resolver Endpoint"
	return resolverEndpointOut{ResolverEndpoint: gone}, nil
}

func (h *Handler) associateEndpointIP(ctx context.Context, in *struct {
	ResolverEndpointId string
	IpAddress          *ipAddressIn
}) (resolverEndpointOut, error) {
	if err := required("ResolverEndpointId", in.ResolverEndpointId); err != nil {
		return resolverEndpointOut{}, err
	}
	if in.IpAddress == nil {
		return resolverEndpointOut{}, apierr.Missing("IpAddress")
	}
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		i := endpointIndex(&tx.File, in.ResolverEndpointId)
		if i < 0 {
			return endpointNotFound(in.ResolverEndpointId)
		}
		ip, err := addIP(&tx.File, &tx.File.Endpoints[i], *in.IpAddress)
		if err != nil {
			return err
		}
		tx.Meta.Assocs[store.AssocKey(store.AssocEndpointIP, in.ResolverEndpointId, ip)] = &store.Assoc{ID: store.NewID(store.PrefixENI), Created: tx.Now}
		touch(tx, in.ResolverEndpointId)
		return nil
	})
	if err != nil {
		return resolverEndpointOut{}, err
	}
	return resolverEndpointOut{ResolverEndpoint: endpointShape(st, n, endpointIndex(&st.File, in.ResolverEndpointId))}, nil
}

func (h *Handler) disassociateEndpointIP(ctx context.Context, in *struct {
	ResolverEndpointId string
	IpAddress          *ipAddressIn
}) (resolverEndpointOut, error) {
	if err := required("ResolverEndpointId", in.ResolverEndpointId); err != nil {
		return resolverEndpointOut{}, err
	}
	if in.IpAddress == nil {
		return resolverEndpointOut{}, apierr.Missing("IpAddress")
	}
	a := *in.IpAddress
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		i := endpointIndex(&tx.File, in.ResolverEndpointId)
		if i < 0 {
			return endpointNotFound(in.ResolverEndpointId)
		}
		e := &tx.File.Endpoints[i]
		j := slices.IndexFunc(e.IPAddresses, func(x config.EndpointIPFile) bool {
			if a.IpId != "" {
				as := tx.Meta.Assocs[store.AssocKey(store.AssocEndpointIP, e.ID, x.IP)]
				return as != nil && as.ID == a.IpId
			}
			return x.IP == a.Ip && (a.SubnetId == "" || x.Subnet == a.SubnetId)
		})
		if j < 0 {
			return apierr.New(apierr.NotFound, apierr.ResEndpointIP, "The IP address is not an address of resolver endpoint '%s'.", e.ID)
		}
		if len(e.IPAddresses) <= 2 {
			return apierr.New(apierr.InvalidRequest, apierr.ResEndpoint, "A resolver endpoint needs at least two IP addresses; add one before removing '%s'.", e.IPAddresses[j].IP)
		}
		e.IPAddresses = slices.Delete(e.IPAddresses, j, j+1)
		touch(tx, e.ID)
		return nil
	})
	if err != nil {
		return resolverEndpointOut{}, err
	}
	return resolverEndpointOut{ResolverEndpoint: endpointShape(st, n, endpointIndex(&st.File, in.ResolverEndpointId))}, nil
}

func (h *Handler) listEndpointIPs(ctx context.Context, in *struct {
	ResolverEndpointId string
	pageParams
}) (ipAddressesOut, error) {
	if err := required("ResolverEndpointId", in.ResolverEndpointId); err != nil {
		return ipAddressesOut{}, err
	}
	st, _ := h.Store.Snapshot()
	i := endpointIndex(&st.File, in.ResolverEndpointId)
	if i < 0 {
		return ipAddressesOut{}, endpointNotFound(in.ResolverEndpointId)
	}
	e := st.File.Endpoints[i]
	var all []IpAddressResponse
	for _, a := range e.IPAddresses {
		r := IpAddressResponse{SubnetId: a.Subnet, Ip: a.IP, Status: "ATTACHED", StatusMessage: "This IP address is operational."}
		if as := st.Meta.Assocs[store.AssocKey(store.AssocEndpointIP, e.ID, a.IP)]; as != nil {
			r.IpId = as.ID
			r.CreationTime, r.ModificationTime = timeString(as.Created), timeString(as.Created)
		}
		all = append(all, r)
	}
	pg, next, max, err := paginate(all, in.pageParams, 1)
	if err != nil {
		return ipAddressesOut{}, err
	}
	return ipAddressesOut{IpAddresses: nonNil(pg), NextToken: next, MaxResults: max}, nil
}
