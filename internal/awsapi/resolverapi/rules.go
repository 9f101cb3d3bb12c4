package resolverapi

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/view"
)

// Built-in Internet Resolver rule and its associations, as AWS lists them.
const (
	internetRuleName  = "Internet Resolver"
	internetOwner     = "Route 53 Resolver"
	autodefAssocName  = "System Rule Association"
	autodefAssocStart = "rslvr-autodefined-assoc-"
	autodefAssocEnd   = "-internet-resolver"
)

// TargetAddress is a target of a forward rule.
type TargetAddress struct {
	Ip                   string `json:"Ip,omitempty"`
	Port                 *int   `json:"Port,omitempty"`
	Ipv6                 string `json:"Ipv6,omitempty"`
	Protocol             string `json:"Protocol,omitempty"`
	ServerNameIndication string `json:"ServerNameIndication,omitempty"`
}

// ResolverRule is the API's ResolverRule.
type ResolverRule struct {
	Id                 string          `json:"Id"`
	CreatorRequestId   string          `json:"CreatorRequestId"`
	Arn                string          `json:"Arn"`
	DomainName         string          `json:"DomainName"`
	Status             string          `json:"Status"`
	StatusMessage      string          `json:"StatusMessage,omitempty"`
	RuleType           string          `json:"RuleType"`
	Name               string          `json:"Name,omitempty"`
	TargetIps          []TargetAddress `json:"TargetIps,omitempty"`
	ResolverEndpointId string          `json:"ResolverEndpointId,omitempty"`
	OwnerId            string          `json:"OwnerId"`
	ShareStatus        string          `json:"ShareStatus"`
	CreationTime       string          `json:"CreationTime,omitempty"`
	ModificationTime   string          `json:"ModificationTime,omitempty"`
}

// ResolverRuleAssociation is the API's ResolverRuleAssociation.
type ResolverRuleAssociation struct {
	Id             string `json:"Id"`
	ResolverRuleId string `json:"ResolverRuleId"`
	Name           string `json:"Name,omitempty"`
	VPCId          string `json:"VPCId"`
	Status         string `json:"Status"`
	StatusMessage  string `json:"StatusMessage"`
}

func builtinRule(n *config.Network) ResolverRule {
	return ResolverRule{
		Id:          view.InternetRuleID,
		Arn:         "arn:aws:route53resolver:" + n.Region + "::autodefined-rule/" + view.InternetRuleID,
		DomainName:  ".",
		Status:      "COMPLETE",
		RuleType:    "RECURSIVE",
		Name:        internetRuleName,
		OwnerId:     internetOwner,
		ShareStatus: "NOT_SHARED",
	}
}

// ruleIndex is the position of rule id in f, or -1. It looks at every
// rule, the last byte of the id first (rule ids end in random hex), so that
// most rules cost no string comparison.
func ruleIndex(f *config.File, id string) int {
	if id == "" {
		return slices.IndexFunc(f.Rules, func(r config.RuleFile) bool { return r.ID == "" })
	}
	last := id[len(id)-1]
	for i := range f.Rules {
		if r := f.Rules[i].ID; len(r) == len(id) && r[len(r)-1] == last && r == id {
			return i
		}
	}
	return -1
}

// RuleARN is the ARN of rule i of n: in its owner's account.
func RuleARN(n *config.Network, i int) string {
	return "arn:aws:route53resolver:" + n.Region + ":" + n.Rules[i].OwnerAccount + ":resolver-rule/" + n.Rules[i].ID
}

// ruleVisible reports whether caller sees rule i: it owns it, or the rule
// is shared with it (a RAM share naming the caller, or a share_status of
// the network file, which names no principals).
func ruleVisible(st *store.State, n *config.Network, i int, caller string) bool {
	r := n.Rules[i]
	return r.OwnerAccount == caller || store.SharedWith(st, RuleARN(n, i), caller) ||
		(r.ShareStatus != config.NotShared && !store.Shared(st, RuleARN(n, i)))
}

// shareStatus is the rule's ShareStatus as caller sees it.
func shareStatus(st *store.State, n *config.Network, i int, caller string) string {
	r := n.Rules[i]
	switch {
	case r.OwnerAccount != caller:
		return "SHARED_WITH_ME"
	case store.Shared(st, RuleARN(n, i)) || r.ShareStatus == config.SharedByMe:
		return "SHARED_BY_ME"
	}
	return "NOT_SHARED"
}

func ruleShape(ctx context.Context, st *store.State, n *config.Network, i int) ResolverRule {
	rf, r := st.File.Rules[i], n.Rules[i]
	caller := op.Caller(ctx, n.AccountID)
	out := ResolverRule{
		Id:            rf.ID,
		Arn:           RuleARN(n, i),
		DomainName:    r.Domain.String(),
		Status:        "COMPLETE",
		StatusMessage: "Successfully created Resolver Rule.",
		RuleType:      strings.ToUpper(rf.RuleType),
		Name:          rf.Name,
		OwnerId:       r.OwnerAccount,
		ShareStatus:   shareStatus(st, n, i, caller),
	}
	if r.Type == config.RuleForward {
		out.ResolverEndpointId = rf.ResolverEndpoint
		for _, t := range r.Targets {
			port := int(t.Port())
			ta := TargetAddress{Port: &port}
			if t.Addr().Is4() {
				ta.Ip = t.Addr().String()
			} else {
				ta.Ipv6 = t.Addr().String()
			}
			out.TargetIps = append(out.TargetIps, ta)
		}
	}
	if o := st.Meta.Objects[rf.ID]; o != nil {
		out.CreatorRequestId = o.CreatorRequestID
		out.CreationTime = timeString(o.Created)
		out.ModificationTime = timeString(o.Modified)
	}
	return out
}

var namePattern = regexp.MustCompile(`^[a-zA-Z0-9\-_' ]*$`)

// checkName checks a Name member: at most 64 of letters, digits, - _ '
// and spaces, and not only digits.
func checkName(name string) error {
	if len(name) > 64 || !namePattern.MatchString(name) || (name != "" && strings.Trim(name, "0123456789") == "") {
		return apierr.Param("Name", "The name '%s' is not valid: up to 64 letters, digits, spaces, '-', '_' or \"'\", not only digits", name)
	}
	return nil
}

// checkTargets turns TargetIps into network.yaml targets.
func checkTargets(list []TargetAddress) ([]config.TargetIPFile, error) {
	var out []config.TargetIPFile
	for _, t := range list {
		if t.Protocol != "" && t.Protocol != "Do53" {
			return nil, &apierr.Error{Kind: apierr.Unsupported, Field: "TargetIps",
				Message: "vpcdns forwards over Do53 only; protocol " + t.Protocol + " is not supported"}
		}
		ip := t.Ip
		if ip == "" {
			ip = t.Ipv6
		}
		if ip == "" {
			return nil, apierr.Param("TargetIps", "Each target needs an Ip or an Ipv6 address")
		}
		tf := config.TargetIPFile{IP: ip}
		if t.Port != nil {
			p := *t.Port
			tf.Port = &p
		}
		out = append(out, tf)
	}
	return out, nil
}

func domainOf(s string) (string, error) {
	d, err := dnsname.Parse(s)
	if err != nil {
		return "", apierr.Param("DomainName", "The domain name '%s' is not valid", s)
	}
	if d.IsRoot() {
		return ".", nil
	}
	return strings.TrimSuffix(d.String(), "."), nil
}

// endpointCheck checks the endpoint of a forward rule: it exists and is
// outbound.
func endpointCheck(f *config.File, id string) error {
	i := endpointIndex(f, id)
	if i < 0 {
		return endpointNotFound(id)
	}
	if f.Endpoints[i].Direction != "outbound" {
		return apierr.New(apierr.InvalidRequest, apierr.ResEndpoint, "Resolver endpoint '%s' is not an OUTBOUND endpoint: a forward rule sends its queries through an outbound endpoint.", id)
	}
	return nil
}

type createRuleIn struct {
	CreatorRequestId   string
	Name               string
	RuleType           string
	DomainName         string
	TargetIps          []TargetAddress
	ResolverEndpointId string
	Tags               []Tag
	DelegationRecord   string
}

func (h *Handler) createRule(ctx context.Context, in *createRuleIn) (resolverRuleOut, error) {
	if err := required("CreatorRequestId", in.CreatorRequestId); err != nil {
		return resolverRuleOut{}, err
	}
	if err := required("RuleType", in.RuleType); err != nil {
		return resolverRuleOut{}, err
	}
	switch in.RuleType {
	case "FORWARD", "SYSTEM":
	case "RECURSIVE":
		return resolverRuleOut{}, apierr.New(apierr.InvalidRequest, apierr.ResRule, "Only Resolver can create rules of type RECURSIVE.")
	case "DELEGATE":
		return resolverRuleOut{}, &apierr.Error{Kind: apierr.Unsupported, Field: "RuleType", Message: "vpcdns does not model DELEGATE rules"}
	default:
		return resolverRuleOut{}, apierr.Param("RuleType", "RuleType must be FORWARD or SYSTEM, not '%s'", in.RuleType)
	}
	if err := required("DomainName", in.DomainName); err != nil {
		return resolverRuleOut{}, err
	}
	domain, err := domainOf(in.DomainName)
	if err != nil {
		return resolverRuleOut{}, err
	}
	if err := checkName(in.Name); err != nil {
		return resolverRuleOut{}, err
	}
	tags, err := tagMap(in.Tags)
	if err != nil {
		return resolverRuleOut{}, err
	}
	targets, err := checkTargets(in.TargetIps)
	if err != nil {
		return resolverRuleOut{}, err
	}
	if in.RuleType == "SYSTEM" && (len(in.TargetIps) > 0 || in.ResolverEndpointId != "") {
		return resolverRuleOut{}, apierr.New(apierr.InvalidRequest, apierr.ResRule, "Cannot specify resolver endpoint ID and target IP for SYSTEM type resolver rule")
	}
	if in.RuleType == "FORWARD" && len(in.TargetIps) == 0 {
		return resolverRuleOut{}, apierr.New(apierr.InvalidRequest, apierr.ResRule, "A FORWARD rule needs TargetIps: the DNS resolvers to forward to")
	}
	if in.RuleType == "FORWARD" && in.ResolverEndpointId == "" {
		return resolverRuleOut{}, apierr.New(apierr.InvalidRequest, apierr.ResRule, "A FORWARD rule needs a ResolverEndpointId: the outbound endpoint its queries leave through")
	}
	id := store.NewID(store.PrefixRule)
	st, n, err := h.Store.UpdateRuleScope(ctx, fields, store.RuleScope{Objects: true}, func(tx *store.Tx) error {
		if tx.CreatorTaken(store.KindRule, in.CreatorRequestId) {
			return apierr.New(apierr.Exists, apierr.ResRule, "Resolver rule with creator request ID '%s' already exists.", in.CreatorRequestId)
		}
		if in.RuleType == "FORWARD" {
			if err := endpointCheck(&tx.File, in.ResolverEndpointId); err != nil {
				return err
			}
		}
		tx.File.Rules = append(tx.File.Rules, config.RuleFile{
			ID: id, Name: in.Name, RuleType: strings.ToLower(in.RuleType), DomainName: domain,
			ResolverEndpoint: in.ResolverEndpointId, TargetIPs: targets, OwnerAccount: op.Owner(ctx, tx.Net.AccountID),
		})
		tx.Meta.Objects[id] = &store.Object{Kind: store.KindRule, CreatorRequestID: in.CreatorRequestId,
			Created: tx.Now, Modified: tx.Now, Tags: tags}
		return nil
	})
	if err != nil {
		return resolverRuleOut{}, err
	}
	return resolverRuleOut{ResolverRule: ruleShape(ctx, st, n, ruleIndex(&st.File, id))}, nil
}

func ruleNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResRule, "Resolver rule with ID '%s' does not exist.", id)
}

func (h *Handler) getRule(ctx context.Context, in *struct{ ResolverRuleId string }) (resolverRuleOut, error) {
	if err := required("ResolverRuleId", in.ResolverRuleId); err != nil {
		return resolverRuleOut{}, err
	}
	st, n := h.Store.Snapshot()
	if in.ResolverRuleId == view.InternetRuleID {
		return resolverRuleOut{ResolverRule: builtinRule(n)}, nil
	}
	i := ruleIndex(&st.File, in.ResolverRuleId)
	if i < 0 || !ruleVisible(st, n, i, op.Caller(ctx, n.AccountID)) {
		return resolverRuleOut{}, ruleNotFound(in.ResolverRuleId)
	}
	return resolverRuleOut{ResolverRule: ruleShape(ctx, st, n, i)}, nil
}

func (h *Handler) listRules(ctx context.Context, in *listParams) (resolverRulesOut, error) {
	st, n := h.Store.Snapshot()
	all := []ResolverRule{builtinRule(n)}
	caller := op.Caller(ctx, n.AccountID)
	for i := range st.File.Rules {
		if ruleVisible(st, n, i, caller) {
			all = append(all, ruleShape(ctx, st, n, i))
		}
	}
	known := []string{"creatorrequestid", "domainname", "name", "resolverendpointid", "status", "type"}
	items, err := filterItems(all, in.Filters, known, func(r ResolverRule) attrs {
		return attrs{"creatorrequestid": {r.CreatorRequestId}, "domainname": {r.DomainName}, "name": {r.Name},
			"resolverendpointid": {r.ResolverEndpointId}, "status": {r.Status}, "type": {r.RuleType}}
	})
	if err != nil {
		return resolverRulesOut{}, err
	}
	pg, next, max, err := paginate(items, in.pageParams, 1)
	if err != nil {
		return resolverRulesOut{}, err
	}
	return resolverRulesOut{ResolverRules: nonNil(pg), NextToken: next, MaxResults: max}, nil
}

func (h *Handler) updateRule(ctx context.Context, in *struct {
	ResolverRuleId string
	Config         *struct {
		Name               *string
		TargetIps          []TargetAddress
		ResolverEndpointId *string
	}
}) (resolverRuleOut, error) {
	if err := required("ResolverRuleId", in.ResolverRuleId); err != nil {
		return resolverRuleOut{}, err
	}
	if in.Config == nil {
		return resolverRuleOut{}, apierr.Missing("Config")
	}
	if in.ResolverRuleId == view.InternetRuleID {
		return resolverRuleOut{}, apierr.New(apierr.InvalidRequest, apierr.ResRule, "Cannot update the autodefined rule '%s'.", in.ResolverRuleId)
	}
	c := in.Config
	if c.Name != nil {
		if err := checkName(*c.Name); err != nil {
			return resolverRuleOut{}, err
		}
	}
	targets, err := checkTargets(c.TargetIps)
	if err != nil {
		return resolverRuleOut{}, err
	}
	st, n, err := h.Store.UpdateRuleScope(ctx, fields, store.RuleScope{IDs: []string{in.ResolverRuleId}, Objects: true}, func(tx *store.Tx) error {
		i := ruleIndex(&tx.File, in.ResolverRuleId)
		if i < 0 || !ruleVisible(tx.State, tx.Net, i, op.Caller(ctx, tx.Net.AccountID)) {
			return ruleNotFound(in.ResolverRuleId)
		}
		if tx.Net.Rules[i].OwnerAccount != op.Caller(ctx, tx.Net.AccountID) {
			return apierr.New(apierr.InvalidRequest, apierr.ResRule, "The resolver rule '%s' is shared with you: only its owner, account %s, can change it.", in.ResolverRuleId, tx.Net.Rules[i].OwnerAccount)
		}
		r := &tx.File.Rules[i]
		if r.RuleType != "forward" && (len(c.TargetIps) > 0 || c.ResolverEndpointId != nil) {
			return apierr.New(apierr.InvalidRequest, apierr.ResRule, "Cannot specify resolver endpoint ID and target IP for SYSTEM type resolver rule")
		}
		if c.Name != nil {
			r.Name = *c.Name
		}
		if len(c.TargetIps) > 0 {
			r.TargetIPs = targets
		}
		if c.ResolverEndpointId != nil {
			if err := endpointCheck(&tx.File, *c.ResolverEndpointId); err != nil {
				return err
			}
			r.ResolverEndpoint = *c.ResolverEndpointId
		}
		touch(tx, r.ID)
		return nil
	})
	if err != nil {
		return resolverRuleOut{}, err
	}
	return resolverRuleOut{ResolverRule: ruleShape(ctx, st, n, ruleIndex(&st.File, in.ResolverRuleId))}, nil
}

// touch records a modification of a resource.
func touch(tx *store.Tx, id string) {
	if o := tx.Meta.Objects[id]; o != nil {
		o.Modified = tx.Now
	}
}

func (h *Handler) deleteRule(ctx context.Context, in *struct{ ResolverRuleId string }) (resolverRuleOut, error) {
	if err := required("ResolverRuleId", in.ResolverRuleId); err != nil {
		return resolverRuleOut{}, err
	}
	if in.ResolverRuleId == view.InternetRuleID {
		return resolverRuleOut{}, apierr.New(apierr.InvalidRequest, apierr.ResRule, "Cannot delete the autodefined rule '%s'.", in.ResolverRuleId)
	}
	var gone ResolverRule
	_, _, err := h.Store.UpdateRuleScope(ctx, fields, store.RuleScope{IDs: []string{in.ResolverRuleId}}, func(tx *store.Tx) error {
		// A rule shared with the caller is not its to delete: DeleteResolverRule
		// models no error but ResourceNotFoundException for that.
		i := ruleIndex(&tx.File, in.ResolverRuleId)
		if i < 0 || tx.Net.Rules[i].OwnerAccount != op.Caller(ctx, tx.Net.AccountID) {
			return ruleNotFound(in.ResolverRuleId)
		}
		if len(tx.File.Rules[i].VPCs) > 0 {
			return apierr.New(apierr.InUse, apierr.ResRule, "Please disassociate this resolver rule from VPC first before deleting")
		}
		for _, p := range tx.File.Profiles {
			if slices.Contains(p.ResolverRules, in.ResolverRuleId) {
				return apierr.New(apierr.InUse, apierr.ResRule, "Please disassociate this resolver rule from Route 53 Profile %s first before deleting", p.ID)
			}
		}
		gone = ruleShape(ctx, tx.State, tx.Net, i)
		tx.File.Rules = slices.Delete(tx.File.Rules, i, i+1)
		return nil
	})
	if err != nil {
		return resolverRuleOut{}, err
	}
	gone.Status, gone.StatusMessage = "DELETING", "Deleting Resolver Rule"
	return resolverRuleOut{ResolverRule: gone}, nil
}

func vpcIndex(f *config.File, id string) int {
	return slices.IndexFunc(f.VPCs, func(v config.VPCFile) bool { return v.ID == id })
}

func vpcNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResVPC, "VPC with ID '%s' does not exist.", id)
}

// assocShape is a rule association. As on AWS, it is CREATING until DNS
// answers with it, then COMPLETE.
func (h *Handler) assocShape(st *store.State, ruleID, vpcID string) ResolverRuleAssociation {
	out := ResolverRuleAssociation{ResolverRuleId: ruleID, VPCId: vpcID, Status: "COMPLETE"}
	if a := st.Meta.Assocs[store.AssocKey(store.AssocRule, ruleID, vpcID)]; a != nil {
		out.Id, out.Name = a.ID, a.Name
		if h.Store.Pending(a.ID) {
			out.Status, out.StatusMessage = "CREATING", "[Trace id: vpcdns] Creating the association."
		}
	}
	return out
}

func autodefAssoc(vpcID string) ResolverRuleAssociation {
	return ResolverRuleAssociation{Id: autodefAssocStart + vpcID + autodefAssocEnd, ResolverRuleId: view.InternetRuleID,
		Name: autodefAssocName, VPCId: vpcID, Status: "COMPLETE"}
}

func (h *Handler) associateRule(ctx context.Context, in *struct{ ResolverRuleId, Name, VPCId string }) (resolverRuleAssociationOut, error) {
	if err := required("ResolverRuleId", in.ResolverRuleId); err != nil {
		return resolverRuleAssociationOut{}, err
	}
	if err := required("VPCId", in.VPCId); err != nil {
		return resolverRuleAssociationOut{}, err
	}
	if err := checkName(in.Name); err != nil {
		return resolverRuleAssociationOut{}, err
	}
	if in.ResolverRuleId == view.InternetRuleID {
		return resolverRuleAssociationOut{}, apierr.New(apierr.InvalidRequest, apierr.ResRule, "The autodefined rule '%s' is associated with every VPC already.", in.ResolverRuleId)
	}
	st, _, err := h.Store.UpdateRuleScope(ctx, fields, store.RuleScope{IDs: []string{in.ResolverRuleId}, Assocs: true}, func(tx *store.Tx) error {
		caller := op.Caller(ctx, tx.Net.AccountID)
		i := ruleIndex(&tx.File, in.ResolverRuleId)
		// As on AWS, another account's rule that is not shared with the
		// caller does not exist for it; nor does another account's VPC.
		if i < 0 || !ruleVisible(tx.State, tx.Net, i, caller) {
			return ruleNotFound(in.ResolverRuleId)
		}
		if j := vpcIndex(&tx.File, in.VPCId); j < 0 || cmp.Or(tx.File.VPCs[j].OwnerAccount, tx.Net.AccountID) != caller {
			return vpcNotFound(in.VPCId)
		}
		r := &tx.File.Rules[i]
		if slices.Contains(r.VPCs, in.VPCId) {
			return apierr.New(apierr.Exists, apierr.ResRuleAssoc, "The resolver rule '%s' is already associated with VPC '%s'.", r.ID, in.VPCId)
		}
		domain := tx.Net.Rules[i].Domain
		for j, other := range tx.Net.Rules {
			if j != i && other.Domain == domain && slices.Contains(tx.File.Rules[j].VPCs, in.VPCId) {
				return apierr.New(apierr.InvalidRequest, apierr.ResRuleAssoc,
					"Cannot associate rules with same domain name with same VPC. Conflict with resolver rule '%s'", other.ID)
			}
		}
		r.VPCs = append(r.VPCs, in.VPCId)
		a := &store.Assoc{ID: store.NewID(store.PrefixRuleAssoc), Name: in.Name, Created: tx.Now}
		tx.Meta.Assocs[store.AssocKey(store.AssocRule, r.ID, in.VPCId)] = a
		tx.MarkPending(a.ID)
		return nil
	})
	if err != nil {
		return resolverRuleAssociationOut{}, err
	}
	return resolverRuleAssociationOut{ResolverRuleAssociation: h.assocShape(st, in.ResolverRuleId, in.VPCId)}, nil
}

func (h *Handler) disassociateRule(ctx context.Context, in *struct{ VPCId, ResolverRuleId string }) (resolverRuleAssociationOut, error) {
	if err := required("VPCId", in.VPCId); err != nil {
		return resolverRuleAssociationOut{}, err
	}
	if err := required("ResolverRuleId", in.ResolverRuleId); err != nil {
		return resolverRuleAssociationOut{}, err
	}
	if in.ResolverRuleId == view.InternetRuleID {
		return resolverRuleAssociationOut{}, apierr.New(apierr.InvalidRequest, apierr.ResRule, "Cannot disassociate the autodefined rule '%s'.", in.ResolverRuleId)
	}
	var gone ResolverRuleAssociation
	_, _, err := h.Store.UpdateRuleScope(ctx, fields, store.RuleScope{IDs: []string{in.ResolverRuleId}}, func(tx *store.Tx) error {
		i := ruleIndex(&tx.File, in.ResolverRuleId)
		if i < 0 {
			return ruleNotFound(in.ResolverRuleId)
		}
		r := &tx.File.Rules[i]
		j := slices.Index(r.VPCs, in.VPCId)
		if j < 0 {
			return apierr.New(apierr.NotFound, apierr.ResRuleAssoc, "Resolver rule with ID '%s' is not associated with VPC '%s'.", r.ID, in.VPCId)
		}
		gone = h.assocShape(tx.State, r.ID, in.VPCId)
		r.VPCs = slices.Delete(r.VPCs, j, j+1)
		return nil
	})
	if err != nil {
		return resolverRuleAssociationOut{}, err
	}
	gone.Status = "DELETING"
	gone.StatusMessage = "[Trace id: vpcdns] Deleting Association"
	return resolverRuleAssociationOut{ResolverRuleAssociation: gone}, nil
}

// allAssocs lists the rule associations: the customer ones in the order of
// the network, then the Internet Resolver's with each VPC.
// An association belongs to the VPC's owner, who alone sees it (accounts.go).
func (h *Handler) allAssocs(st *store.State, n *config.Network, account string) []ResolverRuleAssociation {
	var out []ResolverRuleAssociation
	for _, r := range st.File.Rules {
		for _, v := range r.VPCs {
			if vpcOwnerOf(st, n, v) == account {
				out = append(out, h.assocShape(st, r.ID, v))
			}
		}
	}
	for _, v := range st.File.VPCs {
		if cmp.Or(v.OwnerAccount, n.AccountID) == account {
			out = append(out, autodefAssoc(v.ID))
		}
	}
	return out
}

func (h *Handler) getRuleAssociation(ctx context.Context, in *struct{ ResolverRuleAssociationId string }) (resolverRuleAssociationOut, error) {
	if err := required("ResolverRuleAssociationId", in.ResolverRuleAssociationId); err != nil {
		return resolverRuleAssociationOut{}, err
	}
	st, n := h.Store.Snapshot()
	for _, a := range h.allAssocs(st, n, caller(ctx, n)) {
		if a.Id == in.ResolverRuleAssociationId {
			return resolverRuleAssociationOut{ResolverRuleAssociation: a}, nil
		}
	}
	return resolverRuleAssociationOut{}, apierr.New(apierr.NotFound, apierr.ResRuleAssoc, "ResolverRuleAssociation with ID '%s' does not exist.", in.ResolverRuleAssociationId)
}

func (h *Handler) listRuleAssociations(ctx context.Context, in *listParams) (resolverRuleAssociationsOut, error) {
	st, n := h.Store.Snapshot()
	known := []string{"name", "resolverruleid", "status", "vpcid"}
	items, err := filterItems(h.allAssocs(st, n, caller(ctx, n)), in.Filters, known, func(a ResolverRuleAssociation) attrs {
		return attrs{"name": {a.Name}, "resolverruleid": {a.ResolverRuleId}, "status": {a.Status}, "vpcid": {a.VPCId}}
	})
	if err != nil {
		return resolverRuleAssociationsOut{}, err
	}
	pg, next, max, err := paginate(items, in.pageParams, 1)
	if err != nil {
		return resolverRuleAssociationsOut{}, err
	}
	return resolverRuleAssociationsOut{ResolverRuleAssociations: nonNil(pg), NextToken: next, MaxResults: max}, nil
}
