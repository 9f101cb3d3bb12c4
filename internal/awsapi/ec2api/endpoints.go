package ec2api

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// VPC endpoints are vpc_endpoints of network.yaml. An interface endpoint
// gets one address in each of its subnets; with private DNS (the default
// for an interface endpoint, as on AWS) the VPC resolver answers the
// service's name (com.amazonaws.REGION.ssm → ssm.REGION.amazonaws.com)
// with those addresses, through the hidden private hosted zone the view
// builds for it, exactly as for the same endpoint written in the file.

const prefixVPCE = "vpce-"

type secGroupIdentifier struct {
	GroupId   string `xml:"groupId"`
	GroupName string `xml:"groupName"`
}

type dnsEntry struct {
	DnsName      string `xml:"dnsName"`
	HostedZoneId string `xml:"hostedZoneId"`
}

type vpceDNSOptions struct {
	DnsRecordIpType string `xml:"dnsRecordIpType"`
}

// VpcEndpoint is EC2's VpcEndpoint.
type VpcEndpoint struct {
	VpcEndpointId       string               `xml:"vpcEndpointId"`
	VpcEndpointType     string               `xml:"vpcEndpointType"`
	VpcId               string               `xml:"vpcId"`
	ServiceName         string               `xml:"serviceName"`
	State               string               `xml:"state"`
	PolicyDocument      string               `xml:"policyDocument,omitempty"`
	RouteTableIds       []string             `xml:"routeTableIdSet>item"`
	SubnetIds           []string             `xml:"subnetIdSet>item"`
	Groups              []secGroupIdentifier `xml:"groupSet>item"`
	IpAddressType       string               `xml:"ipAddressType"`
	DnsOptions          *vpceDNSOptions      `xml:"dnsOptions,omitempty"`
	PrivateDnsEnabled   bool                 `xml:"privateDnsEnabled"`
	RequesterManaged    bool                 `xml:"requesterManaged"`
	NetworkInterfaceIds []string             `xml:"networkInterfaceIdSet>item"`
	DnsEntries          []dnsEntry           `xml:"dnsEntrySet>item"`
	CreationTimestamp   string               `xml:"creationTimestamp,omitempty"`
	Tags                []Tag                `xml:"tagSet>item,omitempty"`
	OwnerId             string               `xml:"ownerId"`
}

// fullAccessPolicy is the policy AWS gives an endpoint made without one:
// full access to the service (AWS PrivateLink guide, "Control access to VPC
// endpoints using endpoint policies").
const fullAccessPolicy = `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`

func vpceNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResVPCEndpoint, "The Vpc Endpoint Id '%s' does not exist", id)
}

func vpceIndex(f *config.File, id string) int {
	return slices.IndexFunc(f.VPCEndpoints, func(x config.VPCEndpointFile) bool { return x.ID == id })
}

// vpceENI is the id of the network interface of one address of a VPC
// endpoint, derived so it is the same on every listing.
func vpceENI(endpoint, ip string) string {
	return store.DerivedID("eni-", "vpc-endpoint|"+endpoint+"|"+ip)
}

// servicePrivateName is the private DNS name AWS gives an AWS service:
// com.amazonaws.REGION.SERVICE → SERVICE.REGION.amazonaws.com.
func servicePrivateName(service string) (string, bool) {
	rest, ok := strings.CutPrefix(service, "com.amazonaws.")
	if !ok {
		return "", false
	}
	region, svc, ok := strings.Cut(rest, ".")
	if !ok || region == "" || svc == "" {
		return "", false
	}
	return svc + "." + region + ".amazonaws.com", true
}

var vpceTypes = map[string]string{"interface": "Interface", "gateway": "Gateway", "gateway_load_balancer": "GatewayLoadBalancer"}

func vpceShape(st *store.State, n *config.Network, x config.VPCEndpointFile) VpcEndpoint {
	typ := x.Type
	if typ == "" {
		typ = "interface"
	}
	out := VpcEndpoint{VpcEndpointId: x.ID, VpcEndpointType: vpceTypes[typ], VpcId: x.VPC, ServiceName: x.ServiceName,
		State: "available", IpAddressType: "ipv4", PrivateDnsEnabled: x.PrivateDNSEnabled, OwnerId: n.AccountID}
	if x.State != "" {
		out.State = x.State
	}
	if x.OwnerAccount != "" {
		out.OwnerId = x.OwnerAccount
	}
	if o := st.Meta.Objects[x.ID]; o != nil {
		out.CreationTimestamp, out.Tags, out.PolicyDocument = isoTime(o.Created), tagItems(o.Tags), cmp.Or(o.Policy, fullAccessPolicy)
		if typ == "gateway" {
			out.RouteTableIds = strings.Fields(o.Description)
		}
	}
	for _, g := range x.SecurityGroups {
		gi := secGroupIdentifier{GroupId: g, GroupName: g}
		if o := st.Meta.Objects[g]; o != nil && o.Name != "" {
			gi.GroupName = o.Name
		}
		out.Groups = append(out.Groups, gi)
	}
	for _, a := range x.IPAddresses {
		if !slices.Contains(out.SubnetIds, a.Subnet) {
			out.SubnetIds = append(out.SubnetIds, a.Subnet)
		}
		out.NetworkInterfaceIds = append(out.NetworkInterfaceIds, vpceENI(x.ID, a.IP))
	}
	if typ == "interface" {
		out.DnsOptions = &vpceDNSOptions{DnsRecordIpType: "ipv4"}
		zone := store.DerivedID("Z", "vpce-zone|"+x.ID)
		if svc, ok := strings.CutPrefix(x.ServiceName, "com.amazonaws."); ok {
			if region, name, ok := strings.Cut(svc, "."); ok {
				out.DnsEntries = append(out.DnsEntries, dnsEntry{DnsName: x.ID + "." + name + "." + region + ".vpce.amazonaws.com", HostedZoneId: strings.ToUpper(zone)})
			}
		}
		if x.PrivateDNSEnabled {
			names := x.PrivateDNSNames
			if len(names) == 0 {
				if d, ok := servicePrivateName(x.ServiceName); ok {
					names = []string{d}
				}
			}
			for _, d := range names {
				out.DnsEntries = append(out.DnsEntries, dnsEntry{DnsName: d, HostedZoneId: strings.ToUpper(zone)})
			}
		}
	}
	return out
}

type vpceOut struct {
	VpcEndpoint VpcEndpoint `xml:"vpcEndpoint"`
	ClientToken string      `xml:"clientToken,omitempty"`
}

func (h *Handler) createVpcEndpoint(ctx context.Context, p params) (vpceOut, error) {
	vpcID, err := p.required("VpcId")
	if err != nil {
		return vpceOut{}, err
	}
	service, err := p.required("ServiceName")
	if err != nil {
		return vpceOut{}, err
	}
	typ := "gateway" // AWS's default
	switch t := p.str("VpcEndpointType"); t {
	case "", "Gateway":
	case "Interface":
		typ = "interface"
	case "GatewayLoadBalancer":
		typ = "gateway_load_balancer"
	default:
		return vpceOut{}, apierr.Param("VpcEndpointType", "Value (%s) for parameter vpcEndpointType is invalid: want Interface, Gateway or GatewayLoadBalancer", t)
	}
	privDNS, err := p.optBool("PrivateDnsEnabled")
	if err != nil {
		return vpceOut{}, err
	}
	private := typ == "interface" // AWS turns private DNS on by default for an interface endpoint
	if privDNS != nil {
		private = *privDNS
	}
	if private && typ != "interface" {
		return vpceOut{}, apierr.Param("PrivateDnsEnabled", "Private DNS can only be enabled for an interface endpoint")
	}
	if private {
		if _, ok := servicePrivateName(service); !ok {
			return vpceOut{}, apierr.Param("PrivateDnsEnabled", "vpcdns knows the private DNS name of AWS services (com.amazonaws.REGION.SERVICE) only, not of %s: create the endpoint with PrivateDnsEnabled false", service)
		}
	}
	subnets, groups, tables := p.strings("SubnetId"), p.strings("SecurityGroupId"), p.strings("RouteTableId")
	if typ != "interface" && (len(subnets) > 0 || len(groups) > 0) && typ == "gateway" {
		return vpceOut{}, apierr.Param("SubnetId", "Subnets and security groups are for interface endpoints; a gateway endpoint takes RouteTableId")
	}
	if typ == "interface" && len(tables) > 0 {
		return vpceOut{}, apierr.Param("RouteTableId", "Route tables are for gateway endpoints; an interface endpoint takes SubnetId")
	}
	tags, err := tagSpecs(p, "vpc-endpoint")
	if err != nil {
		return vpceOut{}, err
	}
	x := config.VPCEndpointFile{ID: store.NewID(prefixVPCE), VPC: vpcID, ServiceName: service, Type: typ, PrivateDNSEnabled: private, SecurityGroups: groups}
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		v, err := findVPC(&tx.File, vpcID)
		if err != nil {
			return err
		}
		if private && !(deref(v.EnableDNSSupport, true) && deref(v.EnableDNSHostnames, false)) {
			return apierr.Param("PrivateDnsEnabled", "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for %s", vpcID)
		}
		for _, e := range tx.File.VPCEndpoints {
			if private && e.VPC == vpcID && e.PrivateDNSEnabled && e.ServiceName == service {
				return apierr.Param("PrivateDnsEnabled", "private-dns-enabled cannot be set because there is already a conflicting DNS domain for %s in the VPC %s", service, vpcID)
			}
		}
		var taken []string
		for _, s := range subnets {
			sv, sf := findSubnet(&tx.File, s)
			if sf == nil {
				return subnetNotFound(s)
			}
			if sv.ID != vpcID {
				return apierr.Param("SubnetId", "The subnet %s is in vpc %s, not in %s", s, sv.ID, vpcID)
			}
			if slices.ContainsFunc(x.IPAddresses, func(a config.EndpointIPFile) bool { return a.Subnet == s }) {
				return apierr.Param("SubnetId", "The subnet %s is given twice", s)
			}
			ip, err := freeAddress(tx, sf.CIDRBlock, taken)
			if err != nil {
				return err
			}
			taken = append(taken, ip)
			x.IPAddresses = append(x.IPAddresses, config.EndpointIPFile{Subnet: s, IP: ip})
		}
		if typ == "interface" && len(x.SecurityGroups) == 0 {
			if o := tx.Meta.Objects[vpcID]; o != nil && o.DefaultSG != "" && sgIndex(&tx.File, o.DefaultSG) >= 0 {
				x.SecurityGroups = []string{o.DefaultSG}
			}
		}
		for _, g := range x.SecurityGroups {
			if sgIndex(&tx.File, g) < 0 {
				return sgNotFound(g)
			}
		}
		for _, t := range tables {
			if rtIndex(&tx.File, t) < 0 && !slices.ContainsFunc(tx.File.VPCs, func(v config.VPCFile) bool { return mainTableOf(tx.State, v) == t }) {
				return rtNotFound(t)
			}
		}
		x.OwnerAccount = op.Owner(ctx, tx.Net.AccountID)
		tx.File.VPCEndpoints = append(tx.File.VPCEndpoints, x)
		o := object(tx, x.ID, store.KindVPCEndpoint)
		o.Tags, o.Policy, o.Description = tags, p.str("PolicyDocument"), strings.Join(tables, " ")
		return nil
	})
	if err != nil {
		return vpceOut{}, err
	}
	return vpceOut{VpcEndpoint: vpceShape(st, n, x), ClientToken: p.str("ClientToken")}, nil
}

func deref(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

type vpcesOut struct {
	VpcEndpoints []VpcEndpoint `xml:"vpcEndpointSet>item"`
	NextToken    string        `xml:"nextToken,omitempty"`
}

func (h *Handler) describeVpcEndpoints(ctx context.Context, p params) (vpcesOut, error) {
	st, n := h.Store.Snapshot()
	var all []VpcEndpoint
	for _, x := range st.File.VPCEndpoints {
		all = append(all, vpceShape(st, n, x))
	}
	items, next, err := describe(p, all, "VpcEndpointId", func(x VpcEndpoint) string { return x.VpcEndpointId }, func(x VpcEndpoint) attrs {
		return attrs{values: map[string][]string{"vpc-endpoint-id": {x.VpcEndpointId}, "vpc-id": {x.VpcId}, "service-name": {x.ServiceName},
			"vpc-endpoint-state": {x.State}, "vpc-endpoint-type": {x.VpcEndpointType}, "ip-address-type": {x.IpAddressType}},
			tags: tagValues(x.Tags)}
	}, vpceNotFound)
	if err != nil {
		return vpcesOut{}, err
	}
	return vpcesOut{VpcEndpoints: items, NextToken: next}, nil
}

type unsuccessfulErr struct {
	Code    string `xml:"code"`
	Message string `xml:"message"`
}

type unsuccessfulItem struct {
	Error      unsuccessfulErr `xml:"error"`
	ResourceId string          `xml:"resourceId"`
}

type deleteVpcesOut struct {
	Unsuccessful []unsuccessfulItem `xml:"unsuccessful>item"`
}

// deleteVpcEndpoints deletes the endpoints it knows; an unknown id is
// listed as unsuccessful, as on AWS, and does not stop the others.
func (h *Handler) deleteVpcEndpoints(ctx context.Context, p params) (deleteVpcesOut, error) {
	ids := p.strings("VpcEndpointId")
	if len(ids) == 0 {
		return deleteVpcesOut{}, apierr.Missing("VpcEndpointId")
	}
	var out deleteVpcesOut
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		out.Unsuccessful = nil
		for _, id := range ids {
			i := vpceIndex(&tx.File, id)
			if i < 0 {
				out.Unsuccessful = append(out.Unsuccessful, unsuccessfulItem{ResourceId: id,
					Error: unsuccessfulErr{Code: "InvalidVpcEndpointId.NotFound", Message: "The Vpc Endpoint Id '" + id + "' does not exist"}})
				continue
			}
			for _, pr := range tx.File.Profiles {
				if slices.Contains(pr.VPCEndpoints, id) {
					return apierr.New(apierr.InUse, apierr.ResVPCEndpoint, "The vpc endpoint %s is in Route 53 profile %s", id, pr.ID)
				}
			}
			tx.File.VPCEndpoints = slices.Delete(tx.File.VPCEndpoints, i, i+1)
		}
		return nil
	})
	if err != nil {
		return deleteVpcesOut{}, err
	}
	return out, nil
}

// edgeInterfaces are the network interfaces AWS makes for interface VPC
// endpoints (one per address) and NAT gateways, requester-managed and in
// use, as DescribeNetworkInterfaces lists them.
func edgeInterfaces(st *store.State, n *config.Network) []NetworkInterface {
	var out []NetworkInterface
	az := func(subnet string) (string, string) {
		if _, s := findSubnet(&st.File, subnet); s != nil {
			return s.AvailabilityZone, azID(s.AvailabilityZone)
		}
		return "", ""
	}
	for _, e := range st.File.VPCEndpoints {
		var groups []groupIdentifier
		for _, g := range e.SecurityGroups {
			gi := groupIdentifier{GroupId: g, GroupName: g}
			if o := st.Meta.Objects[g]; o != nil && o.Name != "" {
				gi.GroupName = o.Name
			}
			groups = append(groups, gi)
		}
		for _, a := range e.IPAddresses {
			ni := NetworkInterface{Groups: groups, InterfaceType: "vpc_endpoint", NetworkInterfaceId: vpceENI(e.ID, a.IP),
				OwnerId: n.AccountID, PrivateIpAddress: a.IP, PrivateIpAddresses: []eniPrivateIP{{Primary: true, PrivateIpAddress: a.IP}},
				RequesterManaged: true, SourceDestCheck: true, Status: "in-use", SubnetId: a.Subnet, VpcId: e.VPC,
				Description: "VPC Endpoint Interface " + e.ID}
			ni.AvailabilityZone, ni.AvailabilityZoneId = az(a.Subnet)
			out = append(out, ni)
		}
	}
	for _, id := range gatewayIDs(st, store.KindNATGateway, prefixNAT) {
		o := st.Meta.Objects[id]
		if o == nil || o.State == "deleted" || o.PrivateIP == "" {
			continue
		}
		ni := NetworkInterface{InterfaceType: "nat_gateway", NetworkInterfaceId: store.DerivedID("eni-", "nat|"+id),
			OwnerId: n.AccountID, PrivateIpAddress: o.PrivateIP, PrivateIpAddresses: []eniPrivateIP{{Primary: true, PrivateIpAddress: o.PrivateIP}},
			RequesterManaged: true, SourceDestCheck: false, Status: "in-use", SubnetId: o.Subnet, VpcId: o.VPC,
			Description: "Interface for NAT Gateway " + id}
		ni.AvailabilityZone, ni.AvailabilityZoneId = az(o.Subnet)
		out = append(out, ni)
	}
	return out
}
