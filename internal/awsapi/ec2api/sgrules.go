package ec2api

import (
	"context"
	"net/netip"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// modifySecurityGroupRules replaces rules of a group by id: the rule
// keeps its id (sgr-…) and takes the new protocol, ports and peer (a
// CIDR, a prefix list or a group), all or nothing.
func (h *Handler) modifySecurityGroupRules(ctx context.Context, p params) (returnOut, error) {
	id, err := p.required("GroupId")
	if err != nil {
		return returnOut{}, err
	}
	updates := p.list("SecurityGroupRule")
	if len(updates) == 0 {
		return returnOut{}, apierr.Missing("SecurityGroupRule")
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		i := sgIndex(&tx.File, id)
		if i < 0 {
			return sgNotFound(id)
		}
		g := &tx.File.SecurityGroups[i]
		o := object(tx, id, store.KindSecurityGroup)
		for _, u := range updates {
			rid, err := u.required("SecurityGroupRuleId")
			if err != nil {
				return err
			}
			list, j := findRuleByID(o, g, rid)
			if j < 0 {
				return sgRuleNotFound(rid)
			}
			egress := list == &g.Egress
			nr, err := ruleRequest(params{v: u.v, prefix: u.prefix + "SecurityGroupRule."})
			if err != nil {
				return err
			}
			if err := checkPeers(&tx.File, []config.SGRuleFile{nr}); err != nil {
				return err
			}
			for k, x := range *list {
				if k != j && sameRule(x, nr) {
					return apierr.New(apierr.Exists, apierr.ResPermission, "the specified rule \"%s\" already exists", ruleText(nr))
				}
			}
			delete(o.RuleIDs, store.RuleKey(egress, (*list)[j]))
			(*list)[j] = nr
			if o.RuleIDs == nil {
				o.RuleIDs = map[string]string{}
			}
			o.RuleIDs[store.RuleKey(egress, nr)] = rid
		}
		o.Modified = tx.Now
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

// findRuleByID returns the rule list of g that holds rule rid, and its
// index (-1 when no rule has that id).
func findRuleByID(o *store.Object, g *config.SGFile, rid string) (*[]config.SGRuleFile, int) {
	for _, pair := range []struct {
		egress bool
		list   *[]config.SGRuleFile
	}{{false, &g.Ingress}, {true, &g.Egress}} {
		for j, r := range *pair.list {
			if o.RuleIDs[store.RuleKey(pair.egress, r)] == rid {
				return pair.list, j
			}
		}
	}
	return nil, -1
}

// ruleRequest reads a SecurityGroupRuleRequest as a network.yaml rule.
func ruleRequest(p params) (config.SGRuleFile, error) {
	proto, err := protocol(p.str("IpProtocol"))
	if err != nil {
		return config.SGRuleFile{}, err
	}
	r := config.SGRuleFile{Protocol: proto, Description: p.str("Description")}
	from, err := p.optInt("FromPort")
	if err != nil {
		return r, err
	}
	to, err := p.optInt("ToPort")
	if err != nil {
		return r, err
	}
	if proto != "all" && !(from != nil && *from == -1 && to != nil && *to == -1) {
		if from == nil || to == nil {
			return r, apierr.Param("SecurityGroupRule", "Invalid value for portRange. Must specify both from and to ports with TCP/UDP.")
		}
		r.FromPort, r.ToPort = from, to
	}
	peers := 0
	for _, k := range []string{"CidrIpv4", "CidrIpv6", "PrefixListId", "ReferencedGroupId"} {
		if p.str(k) != "" {
			peers++
		}
	}
	if peers != 1 {
		return r, apierr.Param("SecurityGroupRule", "Give exactly one of CidrIpv4, CidrIpv6, PrefixListId and ReferencedGroupId")
	}
	switch {
	case p.str("PrefixListId") != "":
		r.PrefixList = p.str("PrefixListId")
	case p.str("ReferencedGroupId") != "":
		r.SecurityGroup = p.str("ReferencedGroupId")
	default:
		c := p.str("CidrIpv4") + p.str("CidrIpv6")
		pfx, err := netip.ParsePrefix(c)
		if err != nil {
			return r, apierr.Param("CidrIpv4", "Value (%s) for parameter cidrIp is invalid. This is not a valid CIDR block.", c)
		}
		r.CIDR = pfx.Masked().String()
	}
	return r, nil
}
