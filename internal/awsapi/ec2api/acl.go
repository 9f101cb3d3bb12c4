package ec2api

import (
	"cmp"
	"context"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

type portRange struct {
	From int `xml:"from"`
	To   int `xml:"to"`
}

type aclEntry struct {
	RuleNumber int        `xml:"ruleNumber"`
	Protocol   string     `xml:"protocol"`
	RuleAction string     `xml:"ruleAction"`
	Egress     bool       `xml:"egress"`
	CidrBlock  string     `xml:"cidrBlock,omitempty"`
	Ipv6Cidr   string     `xml:"ipv6CidrBlock,omitempty"`
	PortRange  *portRange `xml:"portRange,omitempty"`
}

type aclAssoc struct {
	NetworkAclAssociationId string `xml:"networkAclAssociationId"`
	NetworkAclId            string `xml:"networkAclId"`
	SubnetId                string `xml:"subnetId"`
}

// NetworkAcl is EC2's NetworkAcl.
type NetworkAcl struct {
	NetworkAclId string     `xml:"networkAclId"`
	VpcId        string     `xml:"vpcId"`
	IsDefault    bool       `xml:"default"`
	Entries      []aclEntry `xml:"entrySet>item"`
	Associations []aclAssoc `xml:"associationSet>item"`
	Tags         []Tag      `xml:"tagSet>item,omitempty"`
	OwnerId      string     `xml:"ownerId"`
}

const lastRule = 32767

func aclNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResNetworkACL, "The networkAcl ID '%s' does not exist", id)
}

func aclIndex(f *config.File, id string) int {
	return slices.IndexFunc(f.NetworkACLs, func(a config.ACLFile) bool { return a.ID == id })
}

func defaultACLOf(st *store.State, vpc string) string {
	if o := st.Meta.Objects[vpc]; o != nil {
		return o.DefaultACL
	}
	return ""
}

// defaultEntries are the entries of a VPC's default network ACL.
func defaultEntries() []config.ACLEntryFile {
	return []config.ACLEntryFile{
		{RuleNumber: 100, Egress: true, Protocol: "all", CIDR: "0.0.0.0/0", Action: "allow"},
		{RuleNumber: 100, Egress: false, Protocol: "all", CIDR: "0.0.0.0/0", Action: "allow"},
	}
}

func apiACLProtocol(p string) string {
	switch p {
	case "tcp":
		return "6"
	case "udp":
		return "17"
	}
	return "-1"
}

func entryShape(e config.ACLEntryFile) aclEntry {
	out := aclEntry{RuleNumber: e.RuleNumber, Protocol: apiACLProtocol(e.Protocol), RuleAction: e.Action, Egress: e.Egress}
	if pfx, err := netip.ParsePrefix(e.CIDR); err == nil && pfx.Addr().Is6() {
		out.Ipv6Cidr = e.CIDR
	} else {
		out.CidrBlock = e.CIDR
	}
	if e.FromPort != nil && e.ToPort != nil {
		out.PortRange = &portRange{*e.FromPort, *e.ToPort}
	}
	return out
}

func networkACLs(st *store.State, n *config.Network) []NetworkAcl {
	shape := func(id, vpc string, entries []config.ACLEntryFile) NetworkAcl {
		a := NetworkAcl{NetworkAclId: id, VpcId: vpc, IsDefault: id == defaultACLOf(st, vpc), OwnerId: cmp.Or(vpcOwner(st, n, vpc), n.AccountID),
			Tags: tagItems(metaTags(st, id))}
		sorted := slices.Clone(entries)
		slices.SortStableFunc(sorted, func(x, y config.ACLEntryFile) int { return x.RuleNumber - y.RuleNumber })
		for _, e := range sorted {
			a.Entries = append(a.Entries, entryShape(e))
		}
		for _, egress := range []bool{true, false} {
			a.Entries = append(a.Entries, aclEntry{RuleNumber: lastRule, Protocol: "-1", RuleAction: "deny", Egress: egress, CidrBlock: "0.0.0.0/0"})
		}
		if i := vpcIndex(&st.File, vpc); i >= 0 {
			for _, s := range st.File.VPCs[i].Subnets {
				if s.NetworkACL == id || (s.NetworkACL == "" && a.IsDefault) {
					as := aclAssoc{NetworkAclId: id, SubnetId: s.ID}
					if x := st.Meta.Assocs[store.AssocKey(store.AssocACL, s.ID)]; x != nil {
						as.NetworkAclAssociationId = x.ID
					}
					a.Associations = append(a.Associations, as)
				}
			}
		}
		return a
	}
	var out []NetworkAcl
	for _, a := range st.File.NetworkACLs {
		out = append(out, shape(a.ID, a.VPC, a.Entries))
	}
	for _, v := range st.File.VPCs {
		if id := defaultACLOf(st, v.ID); id != "" && aclIndex(&st.File, id) < 0 {
			out = append(out, shape(id, v.ID, defaultEntries()))
		}
	}
	return out
}

// findACL returns a network ACL of the network; a VPC's default ACL that
// the network does not hold yet joins it, with its default entries, and
// the subnets that use it say so.
func findACL(tx *store.Tx, id string) (*config.ACLFile, error) {
	if id == "" {
		return nil, apierr.Missing("NetworkAclId")
	}
	if i := aclIndex(&tx.File, id); i >= 0 {
		return &tx.File.NetworkACLs[i], nil
	}
	for i := range tx.File.VPCs {
		v := &tx.File.VPCs[i]
		if defaultACLOf(tx.State, v.ID) != id {
			continue
		}
		for j := range v.Subnets {
			if v.Subnets[j].NetworkACL == "" {
				v.Subnets[j].NetworkACL = id
			}
		}
		tx.File.NetworkACLs = append(tx.File.NetworkACLs, config.ACLFile{ID: id, VPC: v.ID, Entries: defaultEntries()})
		return &tx.File.NetworkACLs[len(tx.File.NetworkACLs)-1], nil
	}
	return nil, aclNotFound(id)
}

type networkACLOut struct {
	NetworkAcl NetworkAcl `xml:"networkAcl"`
}

func (h *Handler) createNetworkACL(ctx context.Context, p params) (networkACLOut, error) {
	vpcID, err := p.required("VpcId")
	if err != nil {
		return networkACLOut{}, err
	}
	tags, err := tagSpecs(p, "network-acl")
	if err != nil {
		return networkACLOut{}, err
	}
	id := store.NewID(store.PrefixACL)
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if _, err := findVPC(&tx.File, vpcID); err != nil {
			return err
		}
		tx.File.NetworkACLs = append(tx.File.NetworkACLs, config.ACLFile{ID: id, VPC: vpcID})
		object(tx, id, store.KindNetworkACL).Tags = tags
		return nil
	})
	if err != nil {
		return networkACLOut{}, err
	}
	for _, a := range networkACLs(st, n) {
		if a.NetworkAclId == id {
			return networkACLOut{a}, nil
		}
	}
	return networkACLOut{}, aclNotFound(id)
}

type networkACLsOut struct {
	NetworkAcls []NetworkAcl `xml:"networkAclSet>item"`
	NextToken   string       `xml:"nextToken,omitempty"`
}

func (h *Handler) describeNetworkACLs(ctx context.Context, p params) (networkACLsOut, error) {
	st, n := h.Store.Snapshot()
	items, next, err := describe(p, networkACLs(st, n), "NetworkAclId", func(a NetworkAcl) string { return a.NetworkAclId }, func(a NetworkAcl) attrs {
		x := attrs{values: map[string][]string{"network-acl-id": {a.NetworkAclId}, "vpc-id": {a.VpcId}, "default": {boolStr(a.IsDefault)},
			"owner-id": {a.OwnerId}, "association.subnet-id": nil, "association.association-id": nil, "association.network-acl-id": nil,
			"entry.rule-number": nil, "entry.protocol": nil, "entry.rule-action": nil, "entry.egress": nil, "entry.cidr": nil},
			tags: tagValues(a.Tags)}
		for _, as := range a.Associations {
			x.values["association.subnet-id"] = append(x.values["association.subnet-id"], as.SubnetId)
			x.values["association.association-id"] = append(x.values["association.association-id"], as.NetworkAclAssociationId)
			x.values["association.network-acl-id"] = append(x.values["association.network-acl-id"], as.NetworkAclId)
		}
		for _, e := range a.Entries {
			x.values["entry.rule-number"] = append(x.values["entry.rule-number"], strconv.Itoa(e.RuleNumber))
			x.values["entry.protocol"] = append(x.values["entry.protocol"], e.Protocol)
			x.values["entry.rule-action"] = append(x.values["entry.rule-action"], e.RuleAction)
			x.values["entry.egress"] = append(x.values["entry.egress"], boolStr(e.Egress))
			x.values["entry.cidr"] = append(x.values["entry.cidr"], e.CidrBlock)
		}
		return x
	}, aclNotFound)
	if err != nil {
		return networkACLsOut{}, err
	}
	return networkACLsOut{NetworkAcls: items, NextToken: next}, nil
}

func (h *Handler) deleteNetworkACL(ctx context.Context, p params) (returnOut, error) {
	id, err := p.required("NetworkAclId")
	if err != nil {
		return returnOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		for _, v := range tx.File.VPCs {
			if defaultACLOf(tx.State, v.ID) == id {
				return apierr.Param("NetworkAclId", "cannot delete default network ACL %s", id)
			}
			for _, s := range v.Subnets {
				if s.NetworkACL == id {
					return apierr.New(apierr.InUse, apierr.ResNetworkACL, "The networkAcl '%s' has dependencies and cannot be deleted (subnet %s).", id, s.ID)
				}
			}
		}
		i := aclIndex(&tx.File, id)
		if i < 0 {
			return aclNotFound(id)
		}
		tx.File.NetworkACLs = slices.Delete(tx.File.NetworkACLs, i, i+1)
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

// readEntry reads the entry of CreateNetworkAclEntry or
// ReplaceNetworkAclEntry.
func readEntry(p params) (config.ACLEntryFile, error) {
	var e config.ACLEntryFile
	num, err := p.optInt("RuleNumber")
	if err != nil {
		return e, err
	}
	if num == nil {
		return e, apierr.Missing("RuleNumber")
	}
	if *num < 1 || *num > 32766 {
		return e, apierr.Param("RuleNumber", "Value (%d) for parameter ruleNumber is invalid. Rule number must be between 1 and 32766.", *num)
	}
	e.RuleNumber = *num
	e.Egress = p.bool("Egress")
	switch proto := strings.ToLower(p.str("Protocol")); proto {
	case "-1", "all":
		e.Protocol = "all"
	case "6", "tcp":
		e.Protocol = "tcp"
	case "17", "udp":
		e.Protocol = "udp"
	case "":
		return e, apierr.Missing("Protocol")
	default:
		return e, &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns models tcp (6), udp (17) and all (-1) network ACL entries, not " + proto}
	}
	switch a := strings.ToLower(p.str("RuleAction")); a {
	case "allow", "deny":
		e.Action = a
	case "":
		return e, apierr.Missing("RuleAction")
	default:
		return e, apierr.Param("RuleAction", "Value (%s) for parameter ruleAction is invalid.", a)
	}
	e.CIDR = p.str("CidrBlock")
	if e.CIDR == "" {
		e.CIDR = p.str("Ipv6CidrBlock")
	}
	if e.CIDR == "" {
		return e, apierr.Missing("CidrBlock")
	}
	if _, err := cidrParam("CidrBlock", e.CIDR); err != nil {
		return e, err
	}
	if e.Protocol != "all" {
		from, err := p.optInt("PortRange.From")
		if err != nil {
			return e, err
		}
		to, err := p.optInt("PortRange.To")
		if err != nil {
			return e, err
		}
		if from == nil || to == nil {
			return e, apierr.Missing("PortRange")
		}
		e.FromPort, e.ToPort = from, to
	}
	return e, nil
}

func (h *Handler) createNetworkACLEntry(ctx context.Context, p params) (returnOut, error) {
	return h.putEntry(ctx, p, false)
}
func (h *Handler) replaceNetworkACLEntry(ctx context.Context, p params) (returnOut, error) {
	return h.putEntry(ctx, p, true)
}

func (h *Handler) putEntry(ctx context.Context, p params, replace bool) (returnOut, error) {
	e, err := readEntry(p)
	if err != nil {
		return returnOut{}, err
	}
	id := p.str("NetworkAclId")
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		a, err := findACL(tx, id)
		if err != nil {
			return err
		}
		j := slices.IndexFunc(a.Entries, func(x config.ACLEntryFile) bool { return x.RuleNumber == e.RuleNumber && x.Egress == e.Egress })
		switch {
		case j >= 0 && !replace:
			return apierr.New(apierr.Exists, apierr.ResACLEntry, "The network acl entry identified by %d already exists.", e.RuleNumber)
		case j < 0 && replace:
			return apierr.New(apierr.NotFound, apierr.ResACLEntry, "The network acl entry identified by %d does not exist.", e.RuleNumber)
		case j >= 0:
			a.Entries[j] = e
		default:
			a.Entries = append(a.Entries, e)
		}
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

func (h *Handler) deleteNetworkACLEntry(ctx context.Context, p params) (returnOut, error) {
	num, err := p.optInt("RuleNumber")
	if err != nil {
		return returnOut{}, err
	}
	if num == nil {
		return returnOut{}, apierr.Missing("RuleNumber")
	}
	egress := p.bool("Egress")
	id := p.str("NetworkAclId")
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		a, err := findACL(tx, id)
		if err != nil {
			return err
		}
		j := slices.IndexFunc(a.Entries, func(x config.ACLEntryFile) bool { return x.RuleNumber == *num && x.Egress == egress })
		if j < 0 {
			return apierr.New(apierr.NotFound, apierr.ResACLEntry, "The network acl entry identified by %d does not exist.", *num)
		}
		a.Entries = slices.Delete(a.Entries, j, j+1)
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

type replaceACLAssocOut struct {
	NewAssociationId string `xml:"newAssociationId"`
}

func (h *Handler) replaceNetworkACLAssociation(ctx context.Context, p params) (replaceACLAssocOut, error) {
	assoc, err := p.required("AssociationId")
	if err != nil {
		return replaceACLAssocOut{}, err
	}
	aclID, err := p.required("NetworkAclId")
	if err != nil {
		return replaceACLAssocOut{}, err
	}
	next := store.NewID(store.PrefixACLAssoc)
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		subnet := ""
		for k, a := range tx.Meta.Assocs {
			if kind, s, _ := strings.Cut(k, "|"); kind == store.AssocACL && a.ID == assoc {
				subnet = s
			}
		}
		if subnet == "" {
			return apierr.New(apierr.NotFound, apierr.ResAssociation, "The association ID '%s' does not exist", assoc)
		}
		v, s := findSubnet(&tx.File, subnet)
		if s == nil {
			return subnetNotFound(subnet)
		}
		target := aclID
		if aclID == defaultACLOf(tx.State, v.ID) && aclIndex(&tx.File, aclID) < 0 {
			target = "" // the default ACL, not in the network: allow all
		} else if aclIndex(&tx.File, aclID) < 0 {
			return aclNotFound(aclID)
		}
		s.NetworkACL = target
		tx.Meta.Assocs[store.AssocKey(store.AssocACL, subnet)] = &store.Assoc{ID: next, Created: tx.Now}
		return nil
	})
	if err != nil {
		return replaceACLAssocOut{}, err
	}
	return replaceACLAssocOut{NewAssociationId: next}, nil
}
