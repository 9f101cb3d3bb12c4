package ec2api

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// ResolverListenTag is the tag of a VPC that names the sockets
// (space-separated ip:port) vpcdns serves the VPC's resolver on: its
// network.yaml resolver_listen. It is read from and shown as that field.
const ResolverListenTag = "vpcdns:resolver-listen"

type cidrState struct {
	State string `xml:"state"`
}

type cidrAssoc struct {
	AssociationId string    `xml:"associationId"`
	CidrBlock     string    `xml:"cidrBlock"`
	State         cidrState `xml:"cidrBlockState"`
}

// Vpc is EC2's Vpc.
type Vpc struct {
	VpcId                   string      `xml:"vpcId"`
	OwnerId                 string      `xml:"ownerId"`
	State                   string      `xml:"state"`
	CidrBlock               string      `xml:"cidrBlock"`
	CidrBlockAssociationSet []cidrAssoc `xml:"cidrBlockAssociationSet>item"`
	DhcpOptionsId           string      `xml:"dhcpOptionsId"`
	InstanceTenancy         string      `xml:"instanceTenancy"`
	IsDefault               bool        `xml:"isDefault"`
	Tags                    []Tag       `xml:"tagSet>item,omitempty"`
}

// vpcTags are the tags of a VPC: those of network.yaml and the resolver
// listen tag made from resolver_listen.
func vpcTags(v config.VPCFile) map[string]string {
	tags := maps.Clone(v.Tags)
	if len(v.ResolverListen) > 0 {
		if tags == nil {
			tags = map[string]string{}
		}
		tags[ResolverListenTag] = strings.Join(v.ResolverListen, " ")
	}
	return tags
}

func vpcShape(st *store.State, n *config.Network, i int) Vpc {
	v := st.File.VPCs[i]
	out := Vpc{VpcId: v.ID, OwnerId: n.AccountID, State: "available", DhcpOptionsId: store.DerivedID("dopt-", "dhcp-options|"+v.ID),
		InstanceTenancy: "default", Tags: tagItems(vpcTags(v))}
	if v.DHCPOptions != "" {
		out.DhcpOptionsId = v.DHCPOptions // AssociateDhcpOptions (dhcp.go)
	}
	if len(n.VPCs[i].CIDRs) > 0 {
		out.CidrBlock = n.VPCs[i].CIDRs[0].String()
	}
	for _, c := range v.CIDRBlocks {
		a := cidrAssoc{CidrBlock: c, State: cidrState{"associated"}}
		if as := st.Meta.Assocs[store.AssocKey(store.AssocCIDR, v.ID, c)]; as != nil {
			a.AssociationId = as.ID
		}
		out.CidrBlockAssociationSet = append(out.CidrBlockAssociationSet, a)
	}
	return out
}

// vpcCIDR checks a VPC block: IPv4, /16 to /28.
func vpcCIDR(s string) (string, error) {
	if s == "" {
		return "", apierr.Missing("CidrBlock")
	}
	p, err := cidrParam("CidrBlock", s)
	if err != nil {
		return "", err
	}
	if !p.Addr().Is4() || p.Bits() < 16 || p.Bits() > 28 {
		return "", apierr.New(apierr.InvalidParameter, apierr.ResVPC, "The CIDR '%s' is invalid.", s)
	}
	return p.Masked().String(), nil
}

// setListenTag applies the resolver listen tag to a VPC (nil removes it).
func setListenTag(v *config.VPCFile, value *string) {
	if value == nil {
		v.ResolverListen = nil
		return
	}
	v.ResolverListen = strings.Fields(strings.ReplaceAll(*value, ",", " "))
}

type vpcOut struct {
	Vpc Vpc `xml:"vpc"`
}

func (h *Handler) createVpc(ctx context.Context, p params) (vpcOut, error) {
	if p.str("Ipv4IpamPoolId") != "" || p.bool("AmazonProvidedIpv6CidrBlock") || p.str("Ipv6CidrBlock") != "" {
		return vpcOut{}, &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns models IPv4 VPC CIDR blocks given as CidrBlock only"}
	}
	cidr, err := vpcCIDR(p.str("CidrBlock"))
	if err != nil {
		return vpcOut{}, err
	}
	tags, err := tagSpecs(p, "vpc")
	if err != nil {
		return vpcOut{}, err
	}
	id := store.NewID(store.PrefixVPC)
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		v := config.VPCFile{ID: id, CIDRBlocks: []string{cidr}}
		if l, ok := tags[ResolverListenTag]; ok {
			setListenTag(&v, &l)
			delete(tags, ResolverListenTag)
		}
		if len(tags) > 0 {
			v.Tags = tags
		}
		// What AWS makes with every VPC joins the network at once: the
		// main route table (its local routes are implicit), the default
		// network ACL (rule 100 allows all both ways; the * deny is
		// implicit) and the default security group. The VPC's routing is
		// thus modeled from the start: a forward with no route to its
		// target is blocked, as on AWS.
		rtb, acl := store.NewID(store.PrefixRouteTable), store.NewID(store.PrefixACL)
		v.MainRouteTable = rtb
		tx.File.VPCs = append(tx.File.VPCs, v)
		tx.File.RouteTables = append(tx.File.RouteTables, config.RouteTblFile{ID: rtb, VPC: id})
		tx.File.NetworkACLs = append(tx.File.NetworkACLs, config.ACLFile{ID: acl, VPC: id, Entries: defaultEntries()})
		sg := store.NewID(store.PrefixSG)
		tx.File.SecurityGroups = append(tx.File.SecurityGroups, config.SGFile{ID: sg, VPC: id,
			Egress: []config.SGRuleFile{{Protocol: "all", CIDR: "0.0.0.0/0"}}})
		tx.Meta.Objects[sg] = &store.Object{Kind: store.KindSecurityGroup, Name: "default",
			Description: "default VPC security group", Created: tx.Now, Modified: tx.Now}
		tx.Meta.Objects[id] = &store.Object{Kind: store.KindVPC, Created: tx.Now, Modified: tx.Now, DefaultSG: sg,
			MainRouteTable: rtb, DefaultACL: acl}
		tx.Meta.Assocs[store.AssocKey(store.AssocCIDR, id, cidr)] = &store.Assoc{ID: store.NewID(store.PrefixCIDRAssoc), Created: tx.Now}
		return nil
	})
	if err != nil {
		return vpcOut{}, err
	}
	return vpcOut{vpcShape(st, n, vpcIndex(&st.File, id))}, nil
}

type vpcsOut struct {
	Vpcs      []Vpc  `xml:"vpcSet>item"`
	NextToken string `xml:"nextToken,omitempty"`
}

func (h *Handler) describeVpcs(ctx context.Context, p params) (vpcsOut, error) {
	st, n := h.Store.Snapshot()
	var all []Vpc
	for i := range st.File.VPCs {
		all = append(all, vpcShape(st, n, i))
	}
	items, next, err := describe(p, all, "VpcId", func(v Vpc) string { return v.VpcId }, func(v Vpc) attrs {
		a := attrs{values: map[string][]string{"vpc-id": {v.VpcId}, "cidr": {v.CidrBlock}, "state": {v.State},
			"owner-id": {v.OwnerId}, "is-default": {"false"}, "dhcp-options-id": {v.DhcpOptionsId}, "instance-tenancy": {v.InstanceTenancy}},
			tags: tagValues(v.Tags)}
		for _, c := range v.CidrBlockAssociationSet {
			a.values["cidr-block-association.cidr-block"] = append(a.values["cidr-block-association.cidr-block"], c.CidrBlock)
			a.values["cidr-block-association.association-id"] = append(a.values["cidr-block-association.association-id"], c.AssociationId)
			a.values["cidr-block-association.state"] = append(a.values["cidr-block-association.state"], c.State.State)
		}
		return a
	}, vpcNotFound)
	if err != nil {
		return vpcsOut{}, err
	}
	return vpcsOut{Vpcs: items, NextToken: next}, nil
}

func (h *Handler) deleteVpc(ctx context.Context, p params) (returnOut, error) {
	id, err := p.required("VpcId")
	if err != nil {
		return returnOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		v, err := findVPC(&tx.File, id)
		if err != nil {
			return err
		}
		if dep := vpcDependency(tx, v); dep != "" {
			return apierr.New(apierr.InUse, apierr.ResVPC, "The vpc '%s' has dependencies and cannot be deleted (%s).", id, dep)
		}
		o := tx.Meta.Objects[id]
		f := &tx.File
		f.SecurityGroups = slices.DeleteFunc(f.SecurityGroups, func(s config.SGFile) bool { return s.VPC == id })
		f.RouteTables = slices.DeleteFunc(f.RouteTables, func(r config.RouteTblFile) bool { return r.VPC == id })
		f.NetworkACLs = slices.DeleteFunc(f.NetworkACLs, func(a config.ACLFile) bool { return a.VPC == id })
		f.VPCs = slices.DeleteFunc(f.VPCs, func(x config.VPCFile) bool { return x.ID == id })
		// The VPC's DNS Firewall config goes with it.
		f.FirewallConfigs = slices.DeleteFunc(f.FirewallConfigs, func(c config.FirewallConfigFile) bool { return c.VPC == id })
		if o != nil {
			delete(tx.Meta.Objects, o.MainRouteTable)
			delete(tx.Meta.Objects, o.DefaultACL)
		}
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

// vpcDependency names what keeps a VPC from being deleted, or "". The
// default security group, the main route table and the default network
// ACL go with the VPC.
func vpcDependency(tx *store.Tx, v *config.VPCFile) string {
	f := &tx.File
	o := tx.Meta.Objects[v.ID]
	var dflt store.Object
	if o != nil {
		dflt = *o
	}
	switch {
	case len(v.Subnets) > 0:
		return "subnet " + v.Subnets[0].ID
	case len(v.Instances) > 0:
		return "instance " + v.Instances[0].ID
	}
	if dep := edgeDependency(tx, v.ID, ""); dep != "" {
		return dep
	}
	for _, s := range f.SecurityGroups {
		if s.VPC == v.ID && s.ID != dflt.DefaultSG {
			return "security group " + s.ID
		}
	}
	for _, r := range f.RouteTables {
		if r.VPC == v.ID && r.ID != v.MainRouteTable {
			return "route table " + r.ID
		}
	}
	for _, a := range f.NetworkACLs {
		if a.VPC == v.ID && a.ID != dflt.DefaultACL {
			return "network acl " + a.ID
		}
	}
	for _, x := range f.VPCPeerings {
		if x.RequesterVPC == v.ID || x.AccepterVPC == v.ID {
			return "vpc peering connection " + x.ID
		}
	}
	for id, x := range tx.Meta.Objects {
		if x.Kind == store.KindPeering && x.Status != "active" && (x.Requester == v.ID || x.Accepter == v.ID) {
			return "vpc peering connection " + id
		}
	}
	for _, t := range f.TransitGateways {
		if slices.Contains(t.VPCAttachments, v.ID) {
			return "transit gateway attachment " + t.ID
		}
	}
	for _, e := range f.Endpoints {
		if e.VPC == v.ID {
			return "resolver endpoint " + e.ID
		}
	}
	for _, r := range f.Rules {
		if slices.Contains(r.VPCs, v.ID) {
			return "resolver rule association " + r.ID
		}
	}
	for i, z := range f.HostedZones {
		if slices.Contains(z.VPCs, v.ID) {
			return "private hosted zone " + tx.Net.HostedZones[i].ID
		}
	}
	for _, q := range f.QueryLogging {
		if slices.Contains(q.VPCs, v.ID) {
			return "query logging configuration " + q.ID
		}
	}
	for _, a := range tx.Net.Firewall.Associations {
		if a.VPC.ID == v.ID {
			return "firewall rule group association " + a.ID
		}
	}
	return ""
}

type boolValue struct {
	Value bool `xml:"value"`
}

func (h *Handler) modifyVpcAttribute(ctx context.Context, p params) (returnOut, error) {
	id, err := p.required("VpcId")
	if err != nil {
		return returnOut{}, err
	}
	support, err := p.optBool("EnableDnsSupport.Value")
	if err != nil {
		return returnOut{}, err
	}
	hostnames, err := p.optBool("EnableDnsHostnames.Value")
	if err != nil {
		return returnOut{}, err
	}
	if p.has("EnableNetworkAddressUsageMetrics.Value") {
		return returnOut{}, &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns does not model network address usage metrics"}
	}
	if (support == nil) == (hostnames == nil) {
		return returnOut{}, apierr.Param("EnableDnsSupport", "Specify exactly one attribute: EnableDnsSupport or EnableDnsHostnames")
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		v, err := findVPC(&tx.File, id)
		if err != nil {
			return err
		}
		if support != nil {
			v.EnableDNSSupport = support
		}
		if hostnames != nil {
			v.EnableDNSHostnames = hostnames
		}
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

type vpcAttrOut struct {
	VpcId                            string     `xml:"vpcId"`
	EnableDnsSupport                 *boolValue `xml:"enableDnsSupport,omitempty"`
	EnableDnsHostnames               *boolValue `xml:"enableDnsHostnames,omitempty"`
	EnableNetworkAddressUsageMetrics *boolValue `xml:"enableNetworkAddressUsageMetrics,omitempty"`
}

func (h *Handler) describeVpcAttribute(ctx context.Context, p params) (vpcAttrOut, error) {
	id, err := p.required("VpcId")
	if err != nil {
		return vpcAttrOut{}, err
	}
	attr, err := p.required("Attribute")
	if err != nil {
		return vpcAttrOut{}, err
	}
	st, n := h.Store.Snapshot()
	i := vpcIndex(&st.File, id)
	if i < 0 {
		return vpcAttrOut{}, vpcNotFound(id)
	}
	out := vpcAttrOut{VpcId: id}
	switch attr {
	case "enableDnsSupport":
		out.EnableDnsSupport = &boolValue{n.VPCs[i].DNSSupport}
	case "enableDnsHostnames":
		out.EnableDnsHostnames = &boolValue{n.VPCs[i].DNSHostnames}
	case "enableNetworkAddressUsageMetrics":
		out.EnableNetworkAddressUsageMetrics = &boolValue{false}
	default:
		return vpcAttrOut{}, apierr.Param("Attribute", "Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
	}
	return out, nil
}

type cidrAssocOut struct {
	VpcId                string    `xml:"vpcId"`
	CidrBlockAssociation cidrAssoc `xml:"cidrBlockAssociation"`
}

func (h *Handler) associateVpcCidrBlock(ctx context.Context, p params) (cidrAssocOut, error) {
	id, err := p.required("VpcId")
	if err != nil {
		return cidrAssocOut{}, err
	}
	if p.bool("AmazonProvidedIpv6CidrBlock") || p.str("Ipv6CidrBlock") != "" || p.str("Ipv4IpamPoolId") != "" {
		return cidrAssocOut{}, &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns models IPv4 VPC CIDR blocks given as CidrBlock only"}
	}
	cidr, err := vpcCIDR(p.str("CidrBlock"))
	if err != nil {
		return cidrAssocOut{}, err
	}
	var assoc string
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		v, err := findVPC(&tx.File, id)
		if err != nil {
			return err
		}
		if slices.Contains(v.CIDRBlocks, cidr) {
			return apierr.New(apierr.Exists, apierr.ResCIDR, "The CIDR '%s' is already associated with %s.", cidr, id)
		}
		v.CIDRBlocks = append(v.CIDRBlocks, cidr)
		assoc = store.NewID(store.PrefixCIDRAssoc)
		tx.Meta.Assocs[store.AssocKey(store.AssocCIDR, id, cidr)] = &store.Assoc{ID: assoc, Created: tx.Now}
		return nil
	})
	if err != nil {
		return cidrAssocOut{}, err
	}
	return cidrAssocOut{VpcId: id, CidrBlockAssociation: cidrAssoc{AssociationId: assoc, CidrBlock: cidr, State: cidrState{"associated"}}}, nil
}

func (h *Handler) disassociateVpcCidrBlock(ctx context.Context, p params) (cidrAssocOut, error) {
	assocID, err := p.required("AssociationId")
	if err != nil {
		return cidrAssocOut{}, err
	}
	var out cidrAssocOut
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		for k, a := range tx.Meta.Assocs {
			parts := strings.Split(k, "|")
			if parts[0] != store.AssocCIDR || a.ID != assocID || len(parts) != 3 {
				continue
			}
			v, err := findVPC(&tx.File, parts[1])
			if err != nil {
				return err
			}
			j := slices.Index(v.CIDRBlocks, parts[2])
			if j == 0 {
				return apierr.New(apierr.InvalidRequest, apierr.ResCIDR, "The vpc %s has a primary CIDR block %s that cannot be disassociated.", v.ID, parts[2])
			}
			if j > 0 {
				v.CIDRBlocks = slices.Delete(v.CIDRBlocks, j, j+1)
			}
			out = cidrAssocOut{VpcId: v.ID, CidrBlockAssociation: cidrAssoc{AssociationId: assocID, CidrBlock: parts[2], State: cidrState{"disassociated"}}}
			return nil
		}
		return apierr.New(apierr.NotFound, apierr.ResAssociation, "The association ID '%s' does not exist", assocID)
	})
	if err != nil {
		return cidrAssocOut{}, err
	}
	return out, nil
}
