// Package ec2api serves the subset of the EC2 API (query protocol, version
// 2016-11-15) that a hybrid DNS network needs: VPCs and their DNS
// attributes, subnets, security groups, VPC peering, route tables, network
// ACLs and tags; and the hybrid network (hybrid.go, tgw.go, vpn.go):
// transit gateways with their attachments and route tables, customer
// gateways, virtual private gateways and Site-to-Site VPN connections,
// which land in network.yaml as an import writes them; and instances
// (instances.go), which are vpcs[].instances. Every resource lands in the store's network.yaml; what the
// file cannot hold (names, descriptions, association ids, tags of
// resources other than VPCs) is kept in the store's side records.
//
// AWS creates a main route table, a default network ACL and a default
// security group with every VPC; CreateVpc puts all three in the network,
// so routing is modeled for a VPC made through the API. A VPC of the
// starting network.yaml that declares none keeps what the file says
// (routing not modeled, allow all): vpcdns describes its main table and
// default ACL under their ids, and they join the network with their AWS
// defaults when a request changes them.
package ec2api

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/page"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// Version is the EC2 API version served.
const Version = "2016-11-15"

const xmlns = "http://ec2.amazonaws.com/doc/" + Version + "/"

// Handler answers EC2 actions.
type Handler struct {
	Store *store.Store
}

// actions are the actions served, by name: each reads its parameters and
// answers its response type, which TestEC2Shapes compares with botocore's
// model.
var actions = map[string]op.Operation[Handler]{
	"CreateVpc":                         op.OfReader((*Handler).createVpc),
	"DescribeVpcs":                      op.OfReader((*Handler).describeVpcs),
	"DeleteVpc":                         op.OfReader((*Handler).deleteVpc),
	"ModifyVpcAttribute":                op.OfReader((*Handler).modifyVpcAttribute),
	"DescribeVpcAttribute":              op.OfReader((*Handler).describeVpcAttribute),
	"AssociateVpcCidrBlock":             op.OfReader((*Handler).associateVpcCidrBlock),
	"DisassociateVpcCidrBlock":          op.OfReader((*Handler).disassociateVpcCidrBlock),
	"CreateSubnet":                      op.OfReader((*Handler).createSubnet),
	"DescribeSubnets":                   op.OfReader((*Handler).describeSubnets),
	"DeleteSubnet":                      op.OfReader((*Handler).deleteSubnet),
	"CreateSecurityGroup":               op.OfReader((*Handler).createSecurityGroup),
	"DescribeSecurityGroups":            op.OfReader((*Handler).describeSecurityGroups),
	"DeleteSecurityGroup":               op.OfReader((*Handler).deleteSecurityGroup),
	"AuthorizeSecurityGroupEgress":      op.OfReader((*Handler).authorizeEgress),
	"AuthorizeSecurityGroupIngress":     op.OfReader((*Handler).authorizeIngress),
	"RevokeSecurityGroupEgress":         op.OfReader((*Handler).revokeEgress),
	"RevokeSecurityGroupIngress":        op.OfReader((*Handler).revokeIngress),
	"CreateVpcPeeringConnection":        op.OfReader((*Handler).createPeering),
	"AcceptVpcPeeringConnection":        op.OfReader((*Handler).acceptPeering),
	"DeleteVpcPeeringConnection":        op.OfReader((*Handler).deletePeering),
	"DescribeVpcPeeringConnections":     op.OfReader((*Handler).describePeerings),
	"ModifyVpcPeeringConnectionOptions": op.OfReader((*Handler).modifyPeeringOptions),
	// The edge of a VPC: igw.go, dhcp.go, endpoints.go, prefixlists.go, sgrules.go.
	"CreateInternetGateway":        op.OfReader((*Handler).createInternetGateway),
	"DescribeInternetGateways":     op.OfReader((*Handler).describeInternetGateways),
	"DeleteInternetGateway":        op.OfReader((*Handler).deleteInternetGateway),
	"AttachInternetGateway":        op.OfReader((*Handler).attachInternetGateway),
	"DetachInternetGateway":        op.OfReader((*Handler).detachInternetGateway),
	"CreateNatGateway":             op.OfReader((*Handler).createNatGateway),
	"DescribeNatGateways":          op.OfReader((*Handler).describeNatGateways),
	"DeleteNatGateway":             op.OfReader((*Handler).deleteNatGateway),
	"CreateDhcpOptions":            op.OfReader((*Handler).createDhcpOptions),
	"DescribeDhcpOptions":          op.OfReader((*Handler).describeDhcpOptions),
	"DeleteDhcpOptions":            op.OfReader((*Handler).deleteDhcpOptions),
	"AssociateDhcpOptions":         op.OfReader((*Handler).associateDhcpOptions),
	"CreateVpcEndpoint":            op.OfReader((*Handler).createVpcEndpoint),
	"DescribeVpcEndpoints":         op.OfReader((*Handler).describeVpcEndpoints),
	"DeleteVpcEndpoints":           op.OfReader((*Handler).deleteVpcEndpoints),
	"CreateManagedPrefixList":      op.OfReader((*Handler).createManagedPrefixList),
	"DescribeManagedPrefixLists":   op.OfReader((*Handler).describeManagedPrefixLists),
	"ModifyManagedPrefixList":      op.OfReader((*Handler).modifyManagedPrefixList),
	"DeleteManagedPrefixList":      op.OfReader((*Handler).deleteManagedPrefixList),
	"GetManagedPrefixListEntries":  op.OfReader((*Handler).getManagedPrefixListEntries),
	"ModifySecurityGroupRules":     op.OfReader((*Handler).modifySecurityGroupRules),
	"CreateRouteTable":             op.OfReader((*Handler).createRouteTable),
	"DescribeRouteTables":          op.OfReader((*Handler).describeRouteTables),
	"DeleteRouteTable":             op.OfReader((*Handler).deleteRouteTable),
	"CreateRoute":                  op.OfReader((*Handler).createRoute),
	"ReplaceRoute":                 op.OfReader((*Handler).replaceRoute),
	"DeleteRoute":                  op.OfReader((*Handler).deleteRoute),
	"AssociateRouteTable":          op.OfReader((*Handler).associateRouteTable),
	"DisassociateRouteTable":       op.OfReader((*Handler).disassociateRouteTable),
	"CreateNetworkAcl":             op.OfReader((*Handler).createNetworkACL),
	"DescribeNetworkAcls":          op.OfReader((*Handler).describeNetworkACLs),
	"DeleteNetworkAcl":             op.OfReader((*Handler).deleteNetworkACL),
	"CreateNetworkAclEntry":        op.OfReader((*Handler).createNetworkACLEntry),
	"ReplaceNetworkAclEntry":       op.OfReader((*Handler).replaceNetworkACLEntry),
	"DeleteNetworkAclEntry":        op.OfReader((*Handler).deleteNetworkACLEntry),
	"ReplaceNetworkAclAssociation": op.OfReader((*Handler).replaceNetworkACLAssociation),
	"CreateTags":                   op.OfReader((*Handler).createTags),
	"DeleteTags":                   op.OfReader((*Handler).deleteTags),
	"DescribeTags":                 op.OfReader((*Handler).describeTags),
	"DescribeSecurityGroupRules":   op.OfReader((*Handler).describeSecurityGroupRules),
	"ModifySubnetAttribute":        op.OfReader((*Handler).modifySubnetAttribute),
	"DescribeAvailabilityZones":    op.OfReader((*Handler).describeAvailabilityZones),
	"DescribeAccountAttributes":    op.OfReader((*Handler).describeAccountAttributes),
	"DescribeNetworkInterfaces":    op.OfReader((*Handler).describeNetworkInterfaces),
	// The hybrid network: transit gateways and VPNs (tgw.go, vpn.go).
	"CreateTransitGateway":                       op.OfReader((*Handler).createTGW),
	"DescribeTransitGateways":                    op.OfReader((*Handler).describeTGWs),
	"DeleteTransitGateway":                       op.OfReader((*Handler).deleteTGW),
	"CreateTransitGatewayVpcAttachment":          op.OfReader((*Handler).createTGWVpcAttachment),
	"DescribeTransitGatewayVpcAttachments":       op.OfReader((*Handler).describeTGWVpcAttachments),
	"DescribeTransitGatewayAttachments":          op.OfReader((*Handler).describeTGWAttachments),
	"DeleteTransitGatewayVpcAttachment":          op.OfReader((*Handler).deleteTGWVpcAttachment),
	"CreateTransitGatewayRouteTable":             op.OfReader((*Handler).createTGWRouteTable),
	"DescribeTransitGatewayRouteTables":          op.OfReader((*Handler).describeTGWRouteTables),
	"DeleteTransitGatewayRouteTable":             op.OfReader((*Handler).deleteTGWRouteTable),
	"AssociateTransitGatewayRouteTable":          op.OfReader((*Handler).associateTGWRouteTable),
	"DisassociateTransitGatewayRouteTable":       op.OfReader((*Handler).disassociateTGWRouteTable),
	"EnableTransitGatewayRouteTablePropagation":  op.OfReader((*Handler).enableTGWPropagation),
	"DisableTransitGatewayRouteTablePropagation": op.OfReader((*Handler).disableTGWPropagation),
	"CreateTransitGatewayRoute":                  op.OfReader((*Handler).createTGWRoute),
	"DeleteTransitGatewayRoute":                  op.OfReader((*Handler).deleteTGWRoute),
	"SearchTransitGatewayRoutes":                 op.OfReader((*Handler).searchTGWRoutes),
	"CreateCustomerGateway":                      op.OfReader((*Handler).createCustomerGateway),
	"DescribeCustomerGateways":                   op.OfReader((*Handler).describeCustomerGateways),
	"DeleteCustomerGateway":                      op.OfReader((*Handler).deleteCustomerGateway),
	"CreateVpnGateway":                           op.OfReader((*Handler).createVPNGateway),
	"DescribeVpnGateways":                        op.OfReader((*Handler).describeVPNGateways),
	"DeleteVpnGateway":                           op.OfReader((*Handler).deleteVPNGateway),
	"AttachVpnGateway":                           op.OfReader((*Handler).attachVPNGateway),
	"DetachVpnGateway":                           op.OfReader((*Handler).detachVPNGateway),
	"CreateVpnConnection":                        op.OfReader((*Handler).createVPNConnection),
	"DescribeVpnConnections":                     op.OfReader((*Handler).describeVPNConnections),
	"DeleteVpnConnection":                        op.OfReader((*Handler).deleteVPNConnection),
	"CreateVpnConnectionRoute":                   op.OfReader((*Handler).createVPNConnectionRoute),
	"DeleteVpnConnectionRoute":                   op.OfReader((*Handler).deleteVPNConnectionRoute),
	"EnableVgwRoutePropagation":                  op.OfReader((*Handler).enableVGWPropagation),
	"DisableVgwRoutePropagation":                 op.OfReader((*Handler).disableVGWPropagation),
	// Instances (instances.go): the vpcs[].instances of network.yaml.
	"RunInstances":       op.OfReader((*Handler).runInstances),
	"DescribeInstances":  op.OfReader((*Handler).describeInstances),
	"TerminateInstances": op.OfReader((*Handler).terminateInstances),
}

// Action returns the action served under name.
func Action(name string) (op.Operation[Handler], bool) {
	a, ok := actions[name]
	return a, ok
}

// Actions lists the actions served, sorted.
func Actions() []string {
	var out []string
	for k := range actions {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Serve answers one request; form holds the query and body parameters.
func (h *Handler) Serve(ctx context.Context, w http.ResponseWriter, r *op.Request, form url.Values) {
	name := form.Get("Action")
	act, ok := actions[name]
	if !ok {
		msg := "The action " + name + " is not valid for this web service."
		if name == "" {
			msg = "The request must contain the parameter Action"
		}
		WriteError(w, &apierr.Error{Kind: apierr.UnknownOperation, Message: msg})
		return
	}
	r.Operation = name
	ctx = op.WithRequest(ctx, r)
	p := params{v: form, sees: h.callerSees(r)}
	// A resource of another account is one that does not exist.
	st, n := h.Store.Snapshot()
	if id := unseen(st, n, form, op.Caller(ctx, n.AccountID)); id != "" {
		WriteError(w, apierr.As(notFoundByPrefix(id), fields))
		return
	}
	if p.bool("DryRun") {
		WriteError(w, &apierr.Error{Kind: apierr.DryRun, Message: "Request would have succeeded, but DryRun flag is set."})
		return
	}
	out, err := act.Call(h, ctx, func(in any) error { *in.(*params) = p; return nil })
	if err != nil {
		WriteError(w, apierr.As(err, fields))
		return
	}
	// out is marshalled as <R>…</R>; its content goes inside the response
	// element.
	var body bytes.Buffer
	if merr := xml.NewEncoder(&body).EncodeElement(out, xml.StartElement{Name: xml.Name{Local: "R"}}); merr != nil {
		WriteError(w, apierr.As(merr, nil))
		return
	}
	data := bytes.TrimSuffix(bytes.TrimPrefix(body.Bytes(), []byte("<R>")), []byte("</R>"))
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<" + name + "Response xmlns=\"" + xmlns + "\"><requestId>" + apierr.RequestID() + "</requestId>")
	b.Write(data)
	b.WriteString("</" + name + "Response>")
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
}

// WriteError writes e in EC2's error shape.
func WriteError(w http.ResponseWriter, e *apierr.Error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<Response><Errors><Error><Code>")
	xml.EscapeText(&b, []byte(e.Code(apierr.EC2)))
	b.WriteString("</Code><Message>")
	xml.EscapeText(&b, []byte(e.Message))
	b.WriteString("</Message></Error></Errors><RequestID>" + apierr.RequestID() + "</RequestID></Response>")
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(e.Status(apierr.EC2))
	w.Write(b.Bytes())
}

// fields maps network.yaml keys to EC2 request parameters, for messages.
var fields = map[string]string{
	"cidr_blocks":          "CidrBlock",
	"cidr_block":           "CidrBlock",
	"availability_zone":    "AvailabilityZone",
	"resolver_listen":      "Tag",
	"egress":               "IpPermissions",
	"ingress":              "IpPermissions",
	"routes":               "DestinationCidrBlock",
	"entries":              "RuleNumber",
	"enable_dns_hostnames": "EnableDnsHostnames",
	"enable_dns_support":   "EnableDnsSupport",
	// The edge of a VPC (dhcp.go, endpoints.go, prefixlists.go).
	"dhcp_options":            "DhcpOptionsId",
	"domain_name":             "DhcpConfiguration",
	"domain_name_servers":     "DhcpConfiguration",
	"service_name":            "ServiceName",
	"private_dns_enabled":     "PrivateDnsEnabled",
	"ip_addresses":            "SubnetId",
	"security_groups":         "SecurityGroupId",
	"destination_prefix_list": "DestinationPrefixListId",
	"prefix_list":             "PrefixListIds",
	"security_group":          "Groups",
}

// params reads the parameters of the query protocol: "Name",
// "Name.N", "Name.N.Member".
type params struct {
	v      url.Values
	prefix string
	// sees reports whether the caller sees a resource (accounts.go); nil
	// sees everything.
	sees func(id string) bool
}

// visible reports whether the caller sees the resource id.
func (p params) visible(id string) bool { return p.sees == nil || p.sees(id) }

func (p params) str(name string) string { return p.v.Get(p.prefix + name) }

func (p params) has(name string) bool { return p.v.Has(p.prefix + name) }

func (p params) bool(name string) bool {
	b, _ := strconv.ParseBool(p.str(name))
	return b
}

// optBool reads a boolean that may be absent.
func (p params) optBool(name string) (*bool, error) {
	if !p.has(name) {
		return nil, nil
	}
	b, err := strconv.ParseBool(p.str(name))
	if err != nil {
		return nil, apierr.Param(name, "Invalid value '%s' for %s: want true or false", p.str(name), name)
	}
	return &b, nil
}

// optInt reads an integer that may be absent.
func (p params) optInt(name string) (*int, error) {
	if !p.has(name) {
		return nil, nil
	}
	i, err := strconv.Atoi(p.str(name))
	if err != nil {
		return nil, apierr.Param(name, "Invalid value '%s' for %s: want an integer", p.str(name), name)
	}
	return &i, nil
}

// indexes returns the N of every "Name.N…" parameter, in order.
func (p params) indexes(name string) []int {
	pre := p.prefix + name + "."
	seen := map[int]bool{}
	var out []int
	for k := range p.v {
		rest, ok := strings.CutPrefix(k, pre)
		if !ok {
			continue
		}
		num, _, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if err == nil && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out
}

// list returns the members of "Name.N.…".
func (p params) list(name string) []params {
	var out []params
	for _, n := range p.indexes(name) {
		out = append(out, params{v: p.v, prefix: p.prefix + name + "." + strconv.Itoa(n) + "."})
	}
	return out
}

// strings returns the values of "Name.N".
func (p params) strings(name string) []string {
	var out []string
	for _, n := range p.indexes(name) {
		if v := p.v.Get(p.prefix + name + "." + strconv.Itoa(n)); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// cidrParam parses the CIDR block s of parameter name. A value that is no
// CIDR block at all is InvalidParameterValue, as on EC2; whether the block
// fits (its size, its VPC) is for the caller to say.
func cidrParam(name, s string) (netip.Prefix, error) {
	pfx, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, apierr.Param(name, "Value (%s) for parameter %s is invalid. This is not a valid CIDR block.", s, lowerFirst(name))
	}
	return pfx, nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func (p params) required(name string) (string, error) {
	v := p.str(name)
	if v == "" {
		return "", apierr.Missing(name)
	}
	return v, nil
}

// filter is a Filter.N of a Describe action.
type filter struct {
	name   string
	values []string
}

func (p params) filters() []filter {
	var out []filter
	for _, f := range p.list("Filter") {
		out = append(out, filter{name: f.str("Name"), values: f.strings("Value")})
	}
	return out
}

// attrs are the filterable values of one item, by filter name; tags are
// matched with tag:KEY, tag-key and tag-value.
type attrs struct {
	values map[string][]string
	tags   map[string]string
}

// matchFilters reports whether an item passes every filter. An unknown
// filter name is an error.
func matchFilters(fs []filter, a attrs) (bool, error) {
	for _, f := range fs {
		var have []string
		switch {
		case strings.HasPrefix(f.name, "tag:"):
			if v, ok := a.tags[strings.TrimPrefix(f.name, "tag:")]; ok {
				have = []string{v}
			}
		case f.name == "tag-key":
			for k := range a.tags {
				have = append(have, k)
			}
		case f.name == "tag-value":
			for _, v := range a.tags {
				have = append(have, v)
			}
		default:
			vals, ok := a.values[f.name]
			if !ok {
				return false, apierr.Param("Filter", "The filter '%s' is invalid", f.name)
			}
			have = vals
		}
		if !anyMatch(f.values, have) {
			return false, nil
		}
	}
	return true, nil
}

// anyMatch reports whether one of the patterns (with * and ? wildcards)
// matches one of the values.
func anyMatch(patterns, values []string) bool {
	for _, p := range patterns {
		for _, v := range values {
			if ok, _ := path.Match(p, v); ok || p == v {
				return true
			}
		}
	}
	return false
}

// describe filters items (by ids when given, else all), then pages them.
// notFound builds the error of an unknown id.
func describe[T any](p params, items []T, idParam string, id func(T) string, get func(T) attrs, notFound func(string) error) ([]T, string, error) {
	// Another account's resources are not there (accounts.go).
	items = slices.DeleteFunc(slices.Clone(items), func(it T) bool { return !p.visible(id(it)) })
	ids := p.strings(idParam)
	if len(ids) > 0 {
		var picked []T
		for _, want := range ids {
			i := slices.IndexFunc(items, func(it T) bool { return id(it) == want })
			if i < 0 {
				return nil, "", notFound(want)
			}
			picked = append(picked, items[i])
		}
		items = picked
	}
	fs := p.filters()
	var out []T
	for _, it := range items {
		ok, err := matchFilters(fs, get(it))
		if err != nil {
			return nil, "", err
		}
		if ok {
			out = append(out, it)
		}
	}
	max := 0
	if p.has("MaxResults") {
		m, err := strconv.Atoi(p.str("MaxResults"))
		if err != nil || m < 5 || m > 1000 {
			return nil, "", apierr.Param("MaxResults", "Value (%s) for parameter maxResults is invalid. Expecting a value between 5 and 1000.", p.str("MaxResults"))
		}
		max = m
	}
	return page.Slice(out, p.str("NextToken"), max)
}

// Tag is an EC2 tag in responses.
type Tag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

func tagItems(m map[string]string) []Tag {
	var out []Tag
	for k, v := range m {
		out = append(out, Tag{k, v})
	}
	slices.SortFunc(out, func(a, b Tag) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// tagValues are the tags of a response as Describe filters match them.
func tagValues(tags []Tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// tagSpecs reads TagSpecification.N of a Create action: the tags for
// resources of type kind. The tags of a resource type in dropped (one the
// call creates alongside but vpcdns does not model) are accepted and dropped.
func tagSpecs(p params, kind string, dropped ...string) (map[string]string, error) {
	var out map[string]string
	for _, s := range p.list("TagSpecification") {
		rt := s.str("ResourceType")
		if slices.Contains(dropped, rt) {
			continue
		}
		if rt != kind {
			return nil, apierr.Param("TagSpecification", "'%s' is not a valid taggable resource type for this operation.", rt)
		}
		tags, err := readTags(s, "Tag")
		if err != nil {
			return nil, err
		}
		for k, v := range tags {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out, nil
}

func readTags(p params, name string) (map[string]string, error) {
	var out map[string]string
	for _, t := range p.list(name) {
		k := t.str("Key")
		if k == "" {
			return nil, apierr.Param("Tag", "Tag keys must be 1 to 128 characters")
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = t.str("Value")
	}
	return out, nil
}

func ownerArn(n *config.Network, kind, id string) string {
	return "arn:aws:ec2:" + n.Region + ":" + n.AccountID + ":" + kind + "/" + id
}

func vpcIndex(f *config.File, id string) int {
	return slices.IndexFunc(f.VPCs, func(v config.VPCFile) bool { return v.ID == id })
}

func vpcNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResVPC, "The vpc ID '%s' does not exist", id)
}

// findVPC returns the VPC of the file with that id.
func findVPC(f *config.File, id string) (*config.VPCFile, error) {
	if id == "" {
		return nil, apierr.Missing("VpcId")
	}
	i := vpcIndex(f, id)
	if i < 0 {
		return nil, vpcNotFound(id)
	}
	return &f.VPCs[i], nil
}

// object returns the side record of id, making one of kind when absent.
func object(tx *store.Tx, id, kind string) *store.Object {
	o := tx.Meta.Objects[id]
	if o == nil {
		o = &store.Object{Kind: kind, Created: tx.Now, Modified: tx.Now}
		tx.Meta.Objects[id] = o
	}
	return o
}

// metaTags returns the tags kept in the side record of id.
func metaTags(st *store.State, id string) map[string]string {
	if o := st.Meta.Objects[id]; o != nil {
		return o.Tags
	}
	return nil
}

type returnOut struct {
	Return bool `xml:"return"`
}

var ok = returnOut{Return: true}

func boolStr(b bool) string { return strconv.FormatBool(b) }
