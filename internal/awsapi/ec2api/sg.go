package ec2api

import (
	"cmp"
	"context"
	"net/netip"
	"slices"
	"strconv"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

type ipRange struct {
	CidrIp string `xml:"cidrIp"`
}

type ipv6Range struct {
	CidrIpv6 string `xml:"cidrIpv6"`
}

type userIDGroupPair struct {
	GroupId string `xml:"groupId"`
	UserId  string `xml:"userId"`
}

type prefixListID struct {
	PrefixListId string `xml:"prefixListId"`
}

// IpPermission is EC2's IpPermission.
type IpPermission struct {
	IpProtocol    string         `xml:"ipProtocol"`
	FromPort      *int           `xml:"fromPort,omitempty"`
	ToPort        *int           `xml:"toPort,omitempty"`
	Groups        groupPairs     `xml:"groups"`
	IpRanges      []ipRange      `xml:"ipRanges>item,omitempty"`
	Ipv6Ranges    []ipv6Range    `xml:"ipv6Ranges>item,omitempty"`
	PrefixListIds []prefixListID `xml:"prefixListIds>item,omitempty"`
}

// SecurityGroup is EC2's SecurityGroup.
type SecurityGroup struct {
	OwnerId             string         `xml:"ownerId"`
	GroupId             string         `xml:"groupId"`
	GroupName           string         `xml:"groupName"`
	Description         string         `xml:"groupDescription"`
	VpcId               string         `xml:"vpcId"`
	IpPermissions       []IpPermission `xml:"ipPermissions>item"`
	IpPermissionsEgress []IpPermission `xml:"ipPermissionsEgress>item"`
	Tags                []Tag          `xml:"tagSet>item,omitempty"`
	SecurityGroupArn    string         `xml:"securityGroupArn"`
}

// SecurityGroupRule is EC2's SecurityGroupRule.
type SecurityGroupRule struct {
	SecurityGroupRuleId  string           `xml:"securityGroupRuleId"`
	GroupId              string           `xml:"groupId"`
	GroupOwnerId         string           `xml:"groupOwnerId"`
	IsEgress             bool             `xml:"isEgress"`
	IpProtocol           string           `xml:"ipProtocol"`
	FromPort             int              `xml:"fromPort"`
	ToPort               int              `xml:"toPort"`
	CidrIpv4             string           `xml:"cidrIpv4,omitempty"`
	CidrIpv6             string           `xml:"cidrIpv6,omitempty"`
	PrefixListId         string           `xml:"prefixListId,omitempty"`
	ReferencedGroupInfo  *referencedGroup `xml:"referencedGroupInfo,omitempty"`
	Description          string           `xml:"description,omitempty"`
	Tags                 []Tag            `xml:"tagSet>item,omitempty"`
	SecurityGroupRuleArn string           `xml:"securityGroupRuleArn,omitempty"`
}

type referencedGroup struct {
	GroupId string `xml:"groupId"`
	UserId  string `xml:"userId"`
}

// ruleShape is one rule of group id as EC2's SecurityGroupRule, under the
// id the side records keep for it.
func ruleShape(n *config.Network, o *store.Object, id string, egress bool, r config.SGRuleFile) SecurityGroupRule {
	sr := SecurityGroupRule{GroupId: id, GroupOwnerId: n.AccountID, IsEgress: egress, IpProtocol: apiProtocol(r.Protocol), FromPort: -1, ToPort: -1}
	if o != nil {
		sr.SecurityGroupRuleId = o.RuleIDs[store.RuleKey(egress, r)]
	}
	if sr.SecurityGroupRuleId != "" {
		sr.SecurityGroupRuleArn = ownerArn(n, "security-group-rule", sr.SecurityGroupRuleId)
	}
	if r.FromPort != nil {
		sr.FromPort, sr.ToPort = *r.FromPort, *r.ToPort
	}
	sr.Description = r.Description
	switch {
	case r.PrefixList != "":
		sr.PrefixListId = r.PrefixList
	case r.SecurityGroup != "":
		sr.ReferencedGroupInfo = &referencedGroup{GroupId: r.SecurityGroup, UserId: n.AccountID}
	default:
		if pfx, err := netip.ParsePrefix(r.CIDR); err == nil && pfx.Addr().Is6() {
			sr.CidrIpv6 = r.CIDR
		} else {
			sr.CidrIpv4 = r.CIDR
		}
	}
	return sr
}

func sgRuleNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResSGRule, "The security group rule ID '%s' does not exist", id)
}

type sgRulesOut struct {
	Rules     []SecurityGroupRule `xml:"securityGroupRuleSet>item"`
	NextToken string              `xml:"nextToken,omitempty"`
}

// describeSecurityGroupRules lists every rule of every group, ingress then
// egress, in the groups' network order.
func (h *Handler) describeSecurityGroupRules(ctx context.Context, p params) (sgRulesOut, error) {
	st, n := h.Store.Snapshot()
	var all []SecurityGroupRule
	for _, g := range st.File.SecurityGroups {
		if !sees(st, n, g.ID, op.Caller(ctx, n.AccountID)) {
			continue
		}
		o := st.Meta.Objects[g.ID]
		for _, r := range g.Ingress {
			all = append(all, ruleShape(n, o, g.ID, false, r))
		}
		for _, r := range g.Egress {
			all = append(all, ruleShape(n, o, g.ID, true, r))
		}
	}
	items, next, err := describe(p, all, "SecurityGroupRuleId", func(r SecurityGroupRule) string { return r.SecurityGroupRuleId },
		func(r SecurityGroupRule) attrs {
			return attrs{values: map[string][]string{"group-id": {r.GroupId}, "security-group-rule-id": {r.SecurityGroupRuleId}}, tags: tagValues(r.Tags)}
		}, sgRuleNotFound)
	if err != nil {
		return sgRulesOut{}, err
	}
	return sgRulesOut{Rules: items, NextToken: next}, nil
}

func sgIndex(f *config.File, id string) int {
	return slices.IndexFunc(f.SecurityGroups, func(s config.SGFile) bool { return s.ID == id })
}

func sgNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResSecurityGroup, "The security group '%s' does not exist", id)
}

func apiProtocol(p string) string {
	if p == "all" {
		return "-1"
	}
	return p
}

// permissions groups a security group's rules as EC2 shows them: one
// permission per protocol and port range, with its address ranges.
func permissions(rules []config.SGRuleFile, account string) []IpPermission {
	var out []IpPermission
	for _, r := range rules {
		proto := apiProtocol(r.Protocol)
		from, to := r.FromPort, r.ToPort
		if proto != "-1" && from == nil {
			a, b := 0, 65535
			from, to = &a, &b
		}
		i := slices.IndexFunc(out, func(p IpPermission) bool {
			return p.IpProtocol == proto && eqInt(p.FromPort, from) && eqInt(p.ToPort, to)
		})
		if i < 0 {
			out = append(out, IpPermission{IpProtocol: proto, FromPort: from, ToPort: to})
			i = len(out) - 1
		}
		switch pfx, err := netip.ParsePrefix(r.CIDR); {
		case r.PrefixList != "":
			out[i].PrefixListIds = append(out[i].PrefixListIds, prefixListID{r.PrefixList})
		case r.SecurityGroup != "":
			out[i].Groups.Items = append(out[i].Groups.Items, userIDGroupPair{GroupId: r.SecurityGroup, UserId: account})
		case err == nil && pfx.Addr().Is6():
			out[i].Ipv6Ranges = append(out[i].Ipv6Ranges, ipv6Range{r.CIDR})
		default:
			out[i].IpRanges = append(out[i].IpRanges, ipRange{r.CIDR})
		}
	}
	return out
}

func eqInt(a, b *int) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func sgShape(st *store.State, n *config.Network, s config.SGFile) SecurityGroup {
	out := SecurityGroup{OwnerId: cmp.Or(s.OwnerAccount, n.AccountID), GroupId: s.ID, GroupName: s.ID, VpcId: s.VPC,
		IpPermissions: permissions(s.Ingress, n.AccountID), IpPermissionsEgress: permissions(s.Egress, n.AccountID),
		SecurityGroupArn: ownerArn(n, "security-group", s.ID)}
	if o := st.Meta.Objects[s.ID]; o != nil {
		if o.Name != "" {
			out.GroupName = o.Name
		}
		out.Description = o.Description
		out.Tags = tagItems(o.Tags)
	}
	return out
}

type createSGOut struct {
	GroupId          string `xml:"groupId"`
	Tags             []Tag  `xml:"tagSet>item,omitempty"`
	SecurityGroupArn string `xml:"securityGroupArn"`
}

func (h *Handler) createSecurityGroup(ctx context.Context, p params) (createSGOut, error) {
	name, err := p.required("GroupName")
	if err != nil {
		return createSGOut{}, err
	}
	desc, err := p.required("GroupDescription")
	if err != nil {
		return createSGOut{}, err
	}
	vpcID := p.str("VpcId")
	if vpcID == "" {
		return createSGOut{}, apierr.New(apierr.MissingParameter, "", "No default VPC for this user: give VpcId")
	}
	if name == "default" {
		return createSGOut{}, apierr.Param("GroupName", "Cannot use reserved security group name: default")
	}
	if len(name) > 255 || len(desc) > 255 {
		return createSGOut{}, apierr.Param("GroupName", "Group names and descriptions are at most 255 characters")
	}
	tags, err := tagSpecs(p, "security-group")
	if err != nil {
		return createSGOut{}, err
	}
	id := store.NewID(store.PrefixSG)
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if _, err := findVPC(&tx.File, vpcID); err != nil {
			return err
		}
		for _, s := range tx.File.SecurityGroups {
			if o := tx.Meta.Objects[s.ID]; s.VPC == vpcID && o != nil && o.Name == name {
				return apierr.New(apierr.Exists, apierr.ResSecurityGroup, "The security group '%s' already exists for VPC '%s'", name, vpcID)
			}
		}
		// Like AWS, a new group lets everything out and nothing in.
		tx.File.SecurityGroups = append(tx.File.SecurityGroups, config.SGFile{ID: id, VPC: vpcID, OwnerAccount: op.Owner(ctx, tx.Net.AccountID),
			Egress: []config.SGRuleFile{{Protocol: "all", CIDR: "0.0.0.0/0"}}})
		o := object(tx, id, store.KindSecurityGroup)
		o.Name, o.Description, o.Tags = name, desc, tags
		return nil
	})
	if err != nil {
		return createSGOut{}, err
	}
	return createSGOut{GroupId: id, Tags: tagItems(metaTags(st, id)), SecurityGroupArn: ownerArn(n, "security-group", id)}, nil
}

type sgsOut struct {
	SecurityGroups []SecurityGroup `xml:"securityGroupInfo>item"`
	NextToken      string          `xml:"nextToken,omitempty"`
}

func (h *Handler) describeSecurityGroups(ctx context.Context, p params) (sgsOut, error) {
	st, n := h.Store.Snapshot()
	var all []SecurityGroup
	for _, s := range st.File.SecurityGroups {
		all = append(all, sgShape(st, n, s))
	}
	if names := p.strings("GroupName"); len(names) > 0 {
		var picked []SecurityGroup
		for _, name := range names {
			i := slices.IndexFunc(all, func(g SecurityGroup) bool { return g.GroupName == name })
			if i < 0 {
				return sgsOut{}, apierr.New(apierr.NotFound, apierr.ResSecurityGroup, "The security group '%s' does not exist", name)
			}
			picked = append(picked, all[i])
		}
		all = picked
	}
	items, next, err := describe(p, all, "GroupId", func(g SecurityGroup) string { return g.GroupId }, func(g SecurityGroup) attrs {
		a := attrs{values: map[string][]string{"group-id": {g.GroupId}, "group-name": {g.GroupName}, "vpc-id": {g.VpcId},
			"description": {g.Description}, "owner-id": {g.OwnerId}}, tags: tagValues(g.Tags)}
		for _, pair := range []struct {
			key   string
			perms []IpPermission
		}{{"ip-permission", g.IpPermissions}, {"egress.ip-permission", g.IpPermissionsEgress}} {
			for _, perm := range pair.perms {
				a.values[pair.key+".protocol"] = append(a.values[pair.key+".protocol"], perm.IpProtocol)
				for _, r := range perm.IpRanges {
					a.values[pair.key+".cidr"] = append(a.values[pair.key+".cidr"], r.CidrIp)
				}
				if perm.FromPort != nil {
					a.values[pair.key+".from-port"] = append(a.values[pair.key+".from-port"], strconv.Itoa(*perm.FromPort))
					a.values[pair.key+".to-port"] = append(a.values[pair.key+".to-port"], strconv.Itoa(*perm.ToPort))
				}
			}
			for _, k := range []string{".protocol", ".cidr", ".from-port", ".to-port"} {
				if _, ok := a.values[pair.key+k]; !ok {
					a.values[pair.key+k] = nil
				}
			}
		}
		return a
	}, sgNotFound)
	if err != nil {
		return sgsOut{}, err
	}
	return sgsOut{SecurityGroups: items, NextToken: next}, nil
}

type deleteSGOut struct {
	Return  bool   `xml:"return"`
	GroupId string `xml:"groupId"`
}

func (h *Handler) deleteSecurityGroup(ctx context.Context, p params) (deleteSGOut, error) {
	id, name := p.str("GroupId"), p.str("GroupName")
	if id == "" && name == "" {
		return deleteSGOut{}, apierr.Missing("GroupId")
	}
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if id == "" {
			for _, s := range tx.File.SecurityGroups {
				if o := tx.Meta.Objects[s.ID]; o != nil && o.Name == name {
					id = s.ID
				}
			}
			if id == "" {
				return apierr.New(apierr.NotFound, apierr.ResSecurityGroup, "The security group '%s' does not exist", name)
			}
		}
		i := sgIndex(&tx.File, id)
		if i < 0 {
			return sgNotFound(id)
		}
		if vo := tx.Meta.Objects[tx.File.SecurityGroups[i].VPC]; vo != nil && vo.DefaultSG == id {
			return apierr.New(apierr.InUse, apierr.ResSecurityGroup, "the specified group: \"%s\" name: \"default\" cannot be deleted by a user", id)
		}
		for _, e := range tx.File.Endpoints {
			if slices.Contains(e.SecurityGroups, id) {
				return apierr.New(apierr.InUse, apierr.ResSecurityGroup, "resource %s has a dependent object (resolver endpoint %s)", id, e.ID)
			}
		}
		tx.File.SecurityGroups = slices.Delete(tx.File.SecurityGroups, i, i+1)
		return nil
	})
	if err != nil {
		return deleteSGOut{}, err
	}
	return deleteSGOut{Return: true, GroupId: id}, nil
}

// readPermissions reads IpPermissions.N (or the older top-level
// IpProtocol, FromPort, ToPort, CidrIp) as network.yaml rules.
func readPermissions(p params, account string) ([]config.SGRuleFile, error) {
	perms := p.list("IpPermissions")
	if len(perms) == 0 && p.has("IpProtocol") {
		perms = []params{p}
	}
	var out []config.SGRuleFile
	for _, ip := range perms {
		proto, err := protocol(ip.str("IpProtocol"))
		if err != nil {
			return nil, err
		}
		if p.str("SourceSecurityGroupName") != "" {
			return nil, &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns takes the groups of a permission by id (IpPermissions.N.Groups.N.GroupId), not by name"}
		}
		from, err := ip.optInt("FromPort")
		if err != nil {
			return nil, err
		}
		to, err := ip.optInt("ToPort")
		if err != nil {
			return nil, err
		}
		if proto == "all" || (from != nil && *from == -1 && to != nil && *to == -1) {
			from, to = nil, nil
		} else if from == nil || to == nil {
			return nil, apierr.Param("IpPermissions", "Invalid value for portRange. Must specify both from and to ports with TCP/UDP.")
		}
		n := len(out)
		for _, g := range ip.list("Groups") {
			if g.str("GroupId") == "" {
				return nil, apierr.Param("IpPermissions", "Give the GroupId of each group of a permission")
			}
			if u := g.str("UserId"); u != "" && u != account {
				return nil, &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns models groups of one account: UserId must be " + account}
			}
			out = append(out, config.SGRuleFile{Protocol: proto, FromPort: from, ToPort: to, SecurityGroup: g.str("GroupId"), Description: g.str("Description")})
		}
		for _, pl := range ip.list("PrefixListIds") {
			if pl.str("PrefixListId") == "" {
				return nil, apierr.Param("IpPermissions", "Give the PrefixListId of each prefix list of a permission")
			}
			out = append(out, config.SGRuleFile{Protocol: proto, FromPort: from, ToPort: to, PrefixList: pl.str("PrefixListId"), Description: pl.str("Description")})
		}
		var cidrs []string
		for _, r := range ip.list("IpRanges") {
			cidrs = append(cidrs, r.str("CidrIp"))
		}
		for _, r := range ip.list("Ipv6Ranges") {
			cidrs = append(cidrs, r.str("CidrIpv6"))
		}
		if c := ip.str("CidrIp"); c != "" {
			cidrs = append(cidrs, c)
		}
		if len(cidrs) == 0 && len(out) == n {
			return nil, apierr.Param("IpPermissions", "Each permission needs IpRanges, Ipv6Ranges, Groups or PrefixListIds")
		}
		for _, c := range cidrs {
			pfx, err := netip.ParsePrefix(c)
			if err != nil {
				return nil, apierr.Param("CidrIp", "Value (%s) for parameter cidrIp is invalid. This is not a valid CIDR block.", c)
			}
			out = append(out, config.SGRuleFile{Protocol: proto, FromPort: from, ToPort: to, CIDR: pfx.Masked().String()})
		}
	}
	if len(out) == 0 {
		return nil, apierr.Missing("IpPermissions")
	}
	return out, nil
}

// protocol maps an EC2 protocol to network.yaml's.
func protocol(s string) (string, error) {
	switch s {
	case "-1", "all":
		return "all", nil
	case "tcp", "6":
		return "tcp", nil
	case "udp", "17":
		return "udp", nil
	case "":
		return "", apierr.Missing("IpProtocol")
	}
	return "", &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns models tcp, udp and all-traffic (-1) permissions, not " + s}
}

func sameRule(a, b config.SGRuleFile) bool {
	return a.Protocol == b.Protocol && eqInt(a.FromPort, b.FromPort) && eqInt(a.ToPort, b.ToPort) && a.CIDR == b.CIDR &&
		a.PrefixList == b.PrefixList && a.SecurityGroup == b.SecurityGroup
}

// checkPeers checks that the prefix lists and groups the rules name exist.
func checkPeers(f *config.File, rules []config.SGRuleFile) error {
	for _, r := range rules {
		if r.PrefixList != "" && plIndex(f, r.PrefixList) < 0 {
			return plNotFound(r.PrefixList)
		}
		if r.SecurityGroup != "" && sgIndex(f, r.SecurityGroup) < 0 {
			return sgNotFound(r.SecurityGroup)
		}
	}
	return nil
}

func ruleText(r config.SGRuleFile) string {
	peer := r.CIDR
	if r.PrefixList != "" {
		peer = r.PrefixList
	} else if r.SecurityGroup != "" {
		peer = r.SecurityGroup
	}
	s := "peer: " + peer + ", " + apiProtocol(r.Protocol)
	if r.FromPort != nil {
		s += ", from port: " + strconv.Itoa(*r.FromPort) + ", to port: " + strconv.Itoa(*r.ToPort)
	}
	return s + ", ALLOW"
}

type authorizeOut struct {
	Return bool                `xml:"return"`
	Rules  []SecurityGroupRule `xml:"securityGroupRuleSet>item"`
}

func (h *Handler) authorize(ctx context.Context, p params, egress bool) (authorizeOut, error) {
	id, err := p.required("GroupId")
	if err != nil {
		return authorizeOut{}, err
	}
	var rules []config.SGRuleFile
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		var err error
		if rules, err = readPermissions(p, tx.Net.AccountID); err != nil {
			return err
		}
		i := sgIndex(&tx.File, id)
		if i < 0 {
			return sgNotFound(id)
		}
		if err := checkPeers(&tx.File, rules); err != nil {
			return err
		}
		g := &tx.File.SecurityGroups[i]
		list := &g.Ingress
		if egress {
			list = &g.Egress
		}
		for _, r := range rules {
			if slices.ContainsFunc(*list, func(x config.SGRuleFile) bool { return sameRule(x, r) }) {
				return apierr.New(apierr.Exists, apierr.ResPermission, "the specified rule \"%s\" already exists", ruleText(r))
			}
			*list = append(*list, r)
		}
		return nil
	})
	if err != nil {
		return authorizeOut{}, err
	}
	out := authorizeOut{Return: true}
	o := st.Meta.Objects[id]
	for _, r := range rules {
		out.Rules = append(out.Rules, ruleShape(n, o, id, egress, r))
	}
	return out, nil
}

func (h *Handler) revoke(ctx context.Context, p params, egress bool) (returnOut, error) {
	id, err := p.required("GroupId")
	if err != nil {
		return returnOut{}, err
	}
	ruleIDs := p.strings("SecurityGroupRuleId")
	var rules []config.SGRuleFile
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		rules = nil
		if len(ruleIDs) == 0 {
			var err error
			if rules, err = readPermissions(p, tx.Net.AccountID); err != nil {
				return err
			}
		}
		i := sgIndex(&tx.File, id)
		if i < 0 {
			return sgNotFound(id)
		}
		g := &tx.File.SecurityGroups[i]
		list := &g.Ingress
		if egress {
			list = &g.Egress
		}
		for _, rid := range ruleIDs {
			found := false
			if o := tx.Meta.Objects[id]; o != nil {
				for _, r := range *list {
					if o.RuleIDs[store.RuleKey(egress, r)] == rid {
						rules, found = append(rules, r), true
					}
				}
			}
			if !found {
				return apierr.New(apierr.NotFound, apierr.ResPermission, "The security group rule ID '%s' does not exist", rid)
			}
		}
		for _, r := range rules {
			j := slices.IndexFunc(*list, func(x config.SGRuleFile) bool { return sameRule(x, r) })
			if j < 0 {
				return apierr.New(apierr.NotFound, apierr.ResPermission, "The specified rule does not exist in this security group.")
			}
			*list = slices.Delete(*list, j, j+1)
		}
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

func (h *Handler) authorizeEgress(ctx context.Context, p params) (authorizeOut, error) {
	return h.authorize(ctx, p, true)
}
func (h *Handler) authorizeIngress(ctx context.Context, p params) (authorizeOut, error) {
	return h.authorize(ctx, p, false)
}
func (h *Handler) revokeEgress(ctx context.Context, p params) (returnOut, error) {
	return h.revoke(ctx, p, true)
}
func (h *Handler) revokeIngress(ctx context.Context, p params) (returnOut, error) {
	return h.revoke(ctx, p, false)
}

// groupPairs is a permission's groups: written even when empty, as EC2
// does; vpcdns's rules name CIDR blocks, not other groups.
type groupPairs struct {
	Items []userIDGroupPair `xml:"item"`
}
