package awsread

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// call is one read-only AWS API call that import makes. The table of calls
// (Calls) is the single source of what import reads: the live mode calls
// exactly these, --print-commands prints them as AWS CLI commands, the
// offline mode reads the files they write, and docs/import-iam-policy.json
// lists their IAM actions.
type call struct {
	// Service is the SDK/CLI service name: ec2, route53, route53resolver,
	// route53profiles, directconnect, sts.
	Service string
	// Op is the API operation, e.g. DescribeVpcs.
	Op string
	// Args are extra CLI arguments of the call (for a per-resource call,
	// $id stands for the resource id and $rest for the rest of its line).
	Args string
	// Variant tells two calls of one operation apart (the two VPC
	// attributes); it is part of the file name.
	Variant string
	// Global marks a service without regions (Route 53).
	Global bool
	// Each is set for a call made once per resource found by another call.
	Each *each
	// Member is the output member that holds the list (or "" when the
	// whole output is one object).
	Member string
	// Kind names, for the progress line, the resources the call reads
	// (vpcs, instances); empty for the identity call.
	Kind string
	// decode decodes one output page for the resource key: apply adds what
	// it holds to an account (later, in table order), n counts its
	// resources.
	decode func(key string, page []byte, member string) (apply func(a *account), n int, err error)
}

// each says where the resources of a per-resource call come from.
type each struct {
	// Query is the CLI's --query (JMESPath) on the source call's output
	// that prints one resource per line: its id, then further words ($rest).
	Query string
	// Source is the operation whose output holds the resources.
	Source string
	// keys lists, from what was decoded so far, the resources and their
	// rest words.
	keys func(a *account) []key
}

type key struct {
	ID   string
	Rest []string
}

// Action is the IAM action of the call, e.g. ec2:DescribeVpcs.
func (c *call) Action() string { return c.Service + ":" + c.Op }

// CLI is the AWS CLI command of the operation, e.g. describe-vpcs.
func (c *call) CLI() string { return kebab(c.Op) }

// File is the base name (without .json) of the file the call writes for a
// resource id (empty for a list call).
func (c *call) File(id string) string {
	name := c.CLI()
	if c.Variant != "" {
		name += "." + c.Variant
	}
	if id != "" {
		name += "." + id
	}
	return name
}

// Name is how the summary names the call: ec2:DescribeVpcs, or with the
// resource, ec2:DescribeVpcAttribute(vpc-1 enableDnsSupport).
func (c *call) Name(id string) string {
	s := c.Action()
	if c.Variant != "" || id != "" {
		s += "(" + strings.TrimSpace(id+" "+c.Variant) + ")"
	}
	return s
}

func kebab(op string) string {
	var b strings.Builder
	for i, r := range op {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('-')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// items decodes member of one output page into []T, for add. The page is
// decoded once, straight into a struct whose one field is the member
// (matched without case, as encoding/json does): the other members are
// skipped, not copied.
func items[T any](add func(a *account, key string, list []T)) func(key string, page []byte, member string) (func(*account), int, error) {
	return counted(func(l []T) int { return len(l) }, add)
}

// counted is items with the resources of a page counted by count.
func counted[T any](count func([]T) int, add func(a *account, key string, list []T)) func(key string, page []byte, member string) (func(*account), int, error) {
	return func(key string, page []byte, member string) (func(*account), int, error) {
		t := reflect.StructOf([]reflect.StructField{{Name: "List", Type: reflect.TypeFor[[]T](), Tag: reflect.StructTag(`json:"` + member + `"`)}})
		v := reflect.New(t)
		if err := json.Unmarshal(page, v.Interface()); err != nil {
			return nil, 0, err
		}
		l := v.Elem().Field(0).Interface().([]T)
		return func(a *account) { add(a, key, l) }, count(l), nil
	}
}

// object decodes a whole output page into T (one resource).
func object[T any](add func(a *account, key string, v *T)) func(key string, page []byte, member string) (func(*account), int, error) {
	return func(key string, page []byte, _ string) (func(*account), int, error) {
		v := new(T)
		if err := json.Unmarshal(page, v); err != nil {
			return nil, 0, err
		}
		return func(a *account) { add(a, key, v) }, 1, nil
	}
}

// Calls returns the table of calls, in the order they are made (the
// per-resource calls after the calls whose results they need).
func Calls() []*call {
	return []*call{
		{Service: "sts", Op: "GetCallerIdentity", decode: object(func(a *account, _ string, v *callerShape) { a.caller = v })},

		{Service: "ec2", Op: "DescribeVpcs", Kind: "vpcs", Member: "Vpcs", decode: items(func(a *account, _ string, l []vpcShape) { a.vpcs = append(a.vpcs, l...) })},
		{Service: "ec2", Op: "DescribeVpcAttribute", Kind: "vpc dns attributes", Variant: "enableDnsSupport", Args: "--vpc-id $id --attribute enableDnsSupport",
			Each:   &each{Source: "DescribeVpcs", Query: "Vpcs[].VpcId", keys: vpcKeys},
			decode: object(func(a *account, id string, v *vpcAttributeShape) { a.setAttr(id, v) })},
		{Service: "ec2", Op: "DescribeVpcAttribute", Kind: "vpc dns attributes", Variant: "enableDnsHostnames", Args: "--vpc-id $id --attribute enableDnsHostnames",
			Each:   &each{Source: "DescribeVpcs", Query: "Vpcs[].VpcId", keys: vpcKeys},
			decode: object(func(a *account, id string, v *vpcAttributeShape) { a.setAttr(id, v) })},
		{Service: "ec2", Op: "DescribeDhcpOptions", Kind: "dhcp option sets", Member: "DhcpOptions", decode: items(func(a *account, _ string, l []dhcpShape) { a.dhcp = append(a.dhcp, l...) })},
		{Service: "ec2", Op: "DescribeSubnets", Kind: "subnets", Member: "Subnets", decode: items(func(a *account, _ string, l []subnetShape) { a.subnets = append(a.subnets, l...) })},
		{Service: "ec2", Op: "DescribeRouteTables", Kind: "route tables", Member: "RouteTables", decode: items(func(a *account, _ string, l []routeTableShape) { a.routeTables = append(a.routeTables, l...) })},
		{Service: "ec2", Op: "DescribeSecurityGroups", Kind: "security groups", Member: "SecurityGroups", decode: items(func(a *account, _ string, l []sgShape) { a.sgs = append(a.sgs, l...) })},
		{Service: "ec2", Op: "DescribeNetworkAcls", Kind: "network acls", Member: "NetworkAcls", decode: items(func(a *account, _ string, l []aclShape) { a.acls = append(a.acls, l...) })},
		{Service: "ec2", Op: "DescribeVpcPeeringConnections", Kind: "vpc peerings", Member: "VpcPeeringConnections", decode: items(func(a *account, _ string, l []peeringShape) { a.peerings = append(a.peerings, l...) })},
		{Service: "ec2", Op: "DescribeTransitGateways", Kind: "transit gateways", Member: "TransitGateways", decode: items(func(a *account, _ string, l []tgwShape) { a.tgws = append(a.tgws, l...) })},
		{Service: "ec2", Op: "DescribeTransitGatewayAttachments", Kind: "tgw attachments", Member: "TransitGatewayAttachments", decode: items(func(a *account, _ string, l []tgwAttachmentShape) { a.tgwAttachments = append(a.tgwAttachments, l...) })},
		{Service: "ec2", Op: "DescribeTransitGatewayRouteTables", Kind: "tgw route tables", Member: "TransitGatewayRouteTables", decode: items(func(a *account, _ string, l []tgwRouteTableShape) { a.tgwRouteTables = append(a.tgwRouteTables, l...) })},
		{Service: "ec2", Op: "GetTransitGatewayRouteTablePropagations", Kind: "tgw propagations", Member: "TransitGatewayRouteTablePropagations", Args: "--transit-gateway-route-table-id $id",
			Each: &each{Source: "DescribeTransitGatewayRouteTables", Query: "TransitGatewayRouteTables[].TransitGatewayRouteTableId", keys: tgwRouteTableKeys},
			decode: items(func(a *account, id string, l []tgwPropagationShape) {
				a.tgwPropagations[id] = append(a.tgwPropagations[id], l...)
			})},
		{Service: "ec2", Op: "SearchTransitGatewayRoutes", Kind: "tgw routes", Member: "Routes", Args: "--transit-gateway-route-table-id $id --filters Name=state,Values=active,blackhole",
			Each:   &each{Source: "DescribeTransitGatewayRouteTables", Query: "TransitGatewayRouteTables[].TransitGatewayRouteTableId", keys: tgwRouteTableKeys},
			decode: items(func(a *account, id string, l []tgwRouteShape) { a.tgwRoutes[id] = append(a.tgwRoutes[id], l...) })},
		{Service: "ec2", Op: "DescribeVpnConnections", Kind: "vpn connections", Member: "VpnConnections", decode: items(func(a *account, _ string, l []vpnShape) { a.vpns = append(a.vpns, l...) })},
		{Service: "ec2", Op: "DescribeVpnGateways", Kind: "vpn gateways", Member: "VpnGateways", decode: items(func(a *account, _ string, l []vgwShape) { a.vgws = append(a.vgws, l...) })},
		{Service: "ec2", Op: "DescribeInstances", Member: "Reservations", Kind: "instances", decode: counted(func(l []reservation) int {
			n := 0
			for _, r := range l {
				n += len(r.Instances)
			}
			return n
		}, func(a *account, _ string, l []reservation) {
			for _, r := range l {
				a.instances = append(a.instances, r.Instances...)
			}
		})},
		{Service: "ec2", Op: "DescribeManagedPrefixLists", Kind: "prefix lists", Member: "PrefixLists", decode: items(func(a *account, _ string, l []prefixListShape) { a.prefixLists = append(a.prefixLists, l...) })},
		{Service: "ec2", Op: "GetManagedPrefixListEntries", Kind: "prefix list entries", Member: "Entries", Args: "--prefix-list-id $id",
			Each: &each{Source: "DescribeManagedPrefixLists", Query: "PrefixLists[].PrefixListId", keys: prefixListKeys},
			decode: items(func(a *account, id string, l []prefixEntryShape) {
				a.prefixEntries[id] = append(a.prefixEntries[id], l...)
			})},
		{Service: "ec2", Op: "DescribeVpcEndpoints", Kind: "vpc endpoints", Member: "VpcEndpoints", decode: items(func(a *account, _ string, l []vpceShape) { a.vpces = append(a.vpces, l...) })},
		{Service: "ec2", Op: "DescribeNetworkInterfaces", Kind: "endpoint interfaces", Member: "NetworkInterfaces", Args: "--network-interface-ids $rest",
			Each:   &each{Source: "DescribeVpcEndpoints", Query: "VpcEndpoints[?VpcEndpointType=='Interface' && NetworkInterfaceIds[0]].[VpcEndpointId, join(' ', NetworkInterfaceIds)]", keys: vpceKeys},
			decode: items(func(a *account, id string, l []eniShape) { a.vpceENIs[id] = append(a.vpceENIs[id], l...) })},
		{Service: "directconnect", Op: "DescribeDirectConnectGateways", Kind: "direct connect gateways", Member: "directConnectGateways", decode: items(func(a *account, _ string, l []dxGatewayShape) { a.dxGateways = append(a.dxGateways, l...) })},

		{Service: "route53resolver", Op: "ListResolverEndpoints", Kind: "resolver endpoints", Member: "ResolverEndpoints", decode: items(func(a *account, _ string, l []endpointShape) { a.endpoints = append(a.endpoints, l...) })},
		{Service: "route53resolver", Op: "ListResolverEndpointIpAddresses", Kind: "endpoint ips", Member: "IpAddresses", Args: "--resolver-endpoint-id $id",
			Each:   &each{Source: "ListResolverEndpoints", Query: "ResolverEndpoints[].Id", keys: endpointKeys},
			decode: items(func(a *account, id string, l []endpointIPShape) { a.endpointIPs[id] = append(a.endpointIPs[id], l...) })},
		{Service: "route53resolver", Op: "ListResolverRules", Kind: "resolver rules", Member: "ResolverRules", decode: items(func(a *account, _ string, l []ruleShape) { a.rules = append(a.rules, l...) })},
		{Service: "route53resolver", Op: "ListResolverRuleAssociations", Kind: "rule associations", Member: "ResolverRuleAssociations", decode: items(func(a *account, _ string, l []ruleAssocShape) { a.ruleAssocs = append(a.ruleAssocs, l...) })},
		{Service: "route53resolver", Op: "ListResolverConfigs", Kind: "resolver configs", Member: "ResolverConfigs", decode: items(func(a *account, _ string, l []resolverConfigShape) {
			a.resolverConfigs = append(a.resolverConfigs, l...)
		})},
		{Service: "route53resolver", Op: "ListResolverQueryLogConfigs", Kind: "query log configs", Member: "ResolverQueryLogConfigs", decode: items(func(a *account, _ string, l []queryLogConfigShape) { a.queryLogs = append(a.queryLogs, l...) })},
		{Service: "route53resolver", Op: "ListResolverQueryLogConfigAssociations", Kind: "query log associations", Member: "ResolverQueryLogConfigAssociations", decode: items(func(a *account, _ string, l []queryLogAssocShape) { a.queryLogAssocs = append(a.queryLogAssocs, l...) })},

		{Service: "route53", Op: "ListHostedZones", Kind: "hosted zones", Global: true, Member: "HostedZones", decode: items(func(a *account, _ string, l []hostedZoneShape) { a.zones = append(a.zones, l...) })},
		{Service: "route53", Op: "GetHostedZone", Kind: "zone vpc lists", Global: true, Args: "--id $id",
			Each: &each{Source: "ListHostedZones", Query: "HostedZones[?Config.PrivateZone].Id", keys: zoneKeys},
			decode: object(func(a *account, id string, v *struct {
				VPCs []struct {
					VPCRegion string `json:"VPCRegion"`
					VPCId     string `json:"VPCId"`
				} `json:"VPCs"`
			}) {
				for _, x := range v.VPCs {
					a.zoneVPCs[id] = append(a.zoneVPCs[id], zoneVPC{Region: x.VPCRegion, VPC: x.VPCId})
				}
			})},
		{Service: "route53", Op: "ListResourceRecordSets", Kind: "record sets", Global: true, Member: "ResourceRecordSets", Args: "--hosted-zone-id $id",
			Each:   &each{Source: "ListHostedZones", Query: "HostedZones[?Config.PrivateZone].Id", keys: zoneKeys},
			decode: items(func(a *account, id string, l []recordSetShape) { a.records[id] = append(a.records[id], l...) })},

		{Service: "route53profiles", Op: "ListProfiles", Kind: "profiles", Member: "ProfileSummaries", decode: items(func(a *account, _ string, l []profileShape) { a.profiles = append(a.profiles, l...) })},
		{Service: "route53profiles", Op: "ListProfileAssociations", Kind: "profile associations", Member: "ProfileAssociations", decode: items(func(a *account, _ string, l []profileAssocShape) { a.profileAssocs = append(a.profileAssocs, l...) })},
		{Service: "route53profiles", Op: "ListProfileResourceAssociations", Kind: "profile resources", Member: "ProfileResourceAssociations", Args: "--profile-id $id",
			Each: &each{Source: "ListProfiles", Query: "ProfileSummaries[].Id", keys: profileKeys},
			decode: items(func(a *account, id string, l []profileResourceShape) {
				a.profileResources[id] = append(a.profileResources[id], l...)
			})},
	}
}

// reservation is one reservation of a DescribeInstances page.
type reservation struct {
	Instances []instanceShape `json:"Instances"`
}

// decodePage decodes one output page of c (the JSON the CLI prints or the
// SDK's output marshalled) for the resource id into a.
func (c *call) decodePage(a *account, id string, data []byte) error {
	apply, _, err := c.decode(id, data, c.Member)
	if err != nil {
		return fmt.Errorf("decode %s: %w", c.Name(id), err)
	}
	apply(a)
	return nil
}

func vpcKeys(a *account) []key {
	var out []key
	for _, v := range a.vpcs {
		out = append(out, key{ID: v.VpcId})
	}
	return sortedKeys(out)
}

func tgwRouteTableKeys(a *account) []key {
	var out []key
	for _, t := range a.tgwRouteTables {
		out = append(out, key{ID: t.TransitGatewayRouteTableId})
	}
	return sortedKeys(out)
}

func prefixListKeys(a *account) []key {
	var out []key
	for _, p := range a.prefixLists {
		out = append(out, key{ID: p.PrefixListId})
	}
	return sortedKeys(out)
}

func vpceKeys(a *account) []key {
	var out []key
	for _, e := range a.vpces {
		if e.VpcEndpointType == "Interface" && len(e.NetworkInterfaceIds) > 0 {
			out = append(out, key{ID: e.VpcEndpointId, Rest: e.NetworkInterfaceIds})
		}
	}
	return sortedKeys(out)
}

func endpointKeys(a *account) []key {
	var out []key
	for _, e := range a.endpoints {
		out = append(out, key{ID: e.Id})
	}
	return sortedKeys(out)
}

func zoneKeys(a *account) []key {
	var out []key
	for _, z := range a.zones {
		if z.Config != nil && z.Config.PrivateZone {
			out = append(out, key{ID: zoneID(z.Id)})
		}
	}
	return sortedKeys(out)
}

func profileKeys(a *account) []key {
	var out []key
	for _, p := range a.profiles {
		out = append(out, key{ID: p.Id})
	}
	return sortedKeys(out)
}

func sortedKeys(ks []key) []key {
	sort.Slice(ks, func(i, j int) bool { return ks[i].ID < ks[j].ID })
	out := ks[:0]
	for i, k := range ks {
		if i == 0 || k.ID != ks[i-1].ID {
			out = append(out, k)
		}
	}
	return out
}

// zoneID strips the /hostedzone/ prefix of a Route 53 zone id.
func zoneID(id string) string {
	return id[strings.LastIndexByte(id, '/')+1:]
}
