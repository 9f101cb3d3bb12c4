package ec2api

import (
	"context"
	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

type groupIdentifier struct {
	GroupId   string `xml:"groupId"`
	GroupName string `xml:"groupName"`
}

type eniPrivateIP struct {
	Primary          bool   `xml:"primary"`
	PrivateIpAddress string `xml:"privateIpAddress"`
}

// NetworkInterface is EC2's NetworkInterface.
type NetworkInterface struct {
	AvailabilityZone   string            `xml:"availabilityZone"`
	AvailabilityZoneId string            `xml:"availabilityZoneId"`
	Description        string            `xml:"description"`
	Groups             []groupIdentifier `xml:"groupSet>item"`
	InterfaceType      string            `xml:"interfaceType"`
	NetworkInterfaceId string            `xml:"networkInterfaceId"`
	OwnerId            string            `xml:"ownerId"`
	PrivateIpAddress   string            `xml:"privateIpAddress"`
	PrivateIpAddresses []eniPrivateIP    `xml:"privateIpAddressesSet>item"`
	RequesterManaged   bool              `xml:"requesterManaged"`
	SourceDestCheck    bool              `xml:"sourceDestCheck"`
	Status             string            `xml:"status"`
	SubnetId           string            `xml:"subnetId"`
	VpcId              string            `xml:"vpcId"`
	Tags               []Tag             `xml:"tagSet>item,omitempty"`
}

// endpointENI is the id of the network interface of one address of a
// resolver endpoint: derived from the endpoint and the address, so it is
// the same on every listing and across restarts.
func endpointENI(endpoint, ip string) string {
	return store.DerivedID("eni-", "resolver-endpoint|"+endpoint+"|"+ip)
}

// networkInterfaces lists the network interfaces AWS makes for the
// addresses of resolver endpoints: one per address, requester-managed, in
// use, with the endpoint's security groups and the description AWS gives
// them ("Route 53 Resolver: ENDPOINT:IP-ID").
func networkInterfaces(st *store.State, n *config.Network) []NetworkInterface {
	var out []NetworkInterface
	for _, e := range st.File.Endpoints {
		var groups []groupIdentifier
		for _, g := range e.SecurityGroups {
			gi := groupIdentifier{GroupId: g, GroupName: g}
			if o := st.Meta.Objects[g]; o != nil && o.Name != "" {
				gi.GroupName = o.Name
			}
			groups = append(groups, gi)
		}
		for _, a := range e.IPAddresses {
			ni := NetworkInterface{Groups: groups, InterfaceType: "interface", NetworkInterfaceId: endpointENI(e.ID, a.IP),
				OwnerId: n.AccountID, PrivateIpAddress: a.IP, PrivateIpAddresses: []eniPrivateIP{{true, a.IP}},
				RequesterManaged: true, SourceDestCheck: true, Status: "in-use", SubnetId: a.Subnet, VpcId: e.VPC,
				Description: "Route 53 Resolver: " + e.ID}
			if as := st.Meta.Assocs[store.AssocKey(store.AssocEndpointIP, e.ID, a.IP)]; as != nil {
				ni.Description += ":" + as.ID
			}
			if _, s := findSubnet(&st.File, a.Subnet); s != nil {
				ni.AvailabilityZone, ni.AvailabilityZoneId = s.AvailabilityZone, azID(s.AvailabilityZone)
			}
			out = append(out, ni)
		}
	}
	return append(out, edgeInterfaces(st, n)...)
}

func eniNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResENI, "The networkInterface ID '%s' does not exist", id)
}

type enisOut struct {
	NetworkInterfaces []NetworkInterface `xml:"networkInterfaceSet>item"`
	NextToken         string             `xml:"nextToken,omitempty"`
}

func (h *Handler) describeNetworkInterfaces(ctx context.Context, p params) (enisOut, error) {
	st, n := h.Store.Snapshot()
	items, next, err := describe(p, networkInterfaces(st, n), "NetworkInterfaceId", func(x NetworkInterface) string { return x.NetworkInterfaceId },
		func(x NetworkInterface) attrs {
			a := attrs{values: map[string][]string{"network-interface-id": {x.NetworkInterfaceId}, "subnet-id": {x.SubnetId},
				"vpc-id": {x.VpcId}, "description": {x.Description}, "private-ip-address": {x.PrivateIpAddress},
				"addresses.private-ip-address": {x.PrivateIpAddress}, "availability-zone": {x.AvailabilityZone},
				"owner-id": {x.OwnerId}, "requester-managed": {boolStr(x.RequesterManaged)}, "status": {x.Status},
				"interface-type": {x.InterfaceType}, "group-id": nil, "group-name": nil}, tags: tagValues(x.Tags)}
			for _, g := range x.Groups {
				a.values["group-id"] = append(a.values["group-id"], g.GroupId)
				a.values["group-name"] = append(a.values["group-name"], g.GroupName)
			}
			return a
		}, eniNotFound)
	if err != nil {
		return enisOut{}, err
	}
	return enisOut{NetworkInterfaces: items, NextToken: next}, nil
}
