package ec2api

import (
	"context"
	"crypto/sha256"
	"fmt"
	"github.com/vpcdns/vpcdns/internal/autodef"
	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
	"slices"
	"strings"
)

type groupIdentifier struct {
	GroupId   string `xml:"groupId"`
	GroupName string `xml:"groupName"`
}

type eniPrivateIP struct {
	Primary          bool   `xml:"primary"`
	PrivateDnsName   string `xml:"privateDnsName,omitempty"`
	PrivateIpAddress string `xml:"privateIpAddress"`
}

// NetworkInterface is EC2's NetworkInterface.
type NetworkInterface struct {
	AvailabilityZone   string            `xml:"availabilityZone"`
	AvailabilityZoneId string            `xml:"availabilityZoneId"`
	Description        string            `xml:"description"`
	Groups             []groupIdentifier `xml:"groupSet>item"`
	InterfaceType      string            `xml:"interfaceType"`
	MacAddress         string            `xml:"macAddress"`
	NetworkInterfaceId string            `xml:"networkInterfaceId"`
	OwnerId            string            `xml:"ownerId"`
	PrivateDnsName     string            `xml:"privateDnsName"`
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
				OwnerId: n.AccountID, PrivateIpAddress: a.IP, PrivateIpAddresses: []eniPrivateIP{{Primary: true, PrivateIpAddress: a.IP}},
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
	out = append(out, edgeInterfaces(st, n)...)
	for i := range out {
		x := &out[i]
		if o := vpcOwner(st, n, x.VpcId); o != "" {
			x.OwnerId = o
		}
		x.MacAddress = macAddress(x.NetworkInterfaceId)
		x.PrivateDnsName = privateDNSName(n.Region, x.PrivateIpAddress)
		for j := range x.PrivateIpAddresses {
			x.PrivateIpAddresses[j].PrivateDnsName = privateDNSName(n.Region, x.PrivateIpAddresses[j].PrivateIpAddress)
		}
	}
	return out
}

// macAddress is the MAC address of a network interface, derived from its id
// (AWS gives every interface one; 02: is a locally administered address).
func macAddress(id string) string {
	sum := sha256.Sum256([]byte(id))
	return fmt.Sprintf("02:%02x:%02x:%02x:%02x:%02x", sum[0], sum[1], sum[2], sum[3], sum[4])
}

// privateDNSName is the EC2 name of a private address in a region, as the
// VPC resolver answers it (ip-10-0-1-4.ec2.internal).
func privateDNSName(region, ip string) string {
	if ip == "" {
		return ""
	}
	return strings.TrimSuffix("ip-"+strings.ReplaceAll(ip, ".", "-")+"."+autodef.HostDomain(region).String(), ".")
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
	all := slices.DeleteFunc(networkInterfaces(st, n), func(x NetworkInterface) bool { return !sees(st, n, x.VpcId, op.Caller(ctx, n.AccountID)) })
	items, next, err := describe(p, all, "NetworkInterfaceId", func(x NetworkInterface) string { return x.NetworkInterfaceId },
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
