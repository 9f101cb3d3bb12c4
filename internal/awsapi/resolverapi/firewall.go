package resolverapi

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/page"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// The DNS Firewall operations of Route 53 Resolver (docs/firewall.md). The
// firewall lives in network.yaml (firewall_domain_lists,
// firewall_rule_groups, firewall_rule_group_associations,
// firewall_configs); these operations change the file through the store,
// so each accepted change is applied to the DNS answers at once.

// AWS's quotas for DNS Firewall.
const (
	maxGroupsPerVPC  = 5
	maxRulesPerGroup = 100
	maxRuleGroups    = 1000
	maxDomainLists   = 1000
)

// Id prefixes of firewall resources.
const (
	prefixFirewallList  = "rslvr-fdl-"
	prefixFirewallGroup = "rslvr-frg-"
	prefixFirewallAssoc = "rslvr-frgassoc-"
	prefixFirewallCfg   = "rslvr-fc-"
)

// FirewallDomainList is the API's FirewallDomainList.
type FirewallDomainList struct {
	Id               string `json:"Id"`
	Arn              string `json:"Arn"`
	Name             string `json:"Name"`
	DomainCount      int    `json:"DomainCount"`
	Status           string `json:"Status"`
	StatusMessage    string `json:"StatusMessage,omitempty"`
	ManagedOwnerName string `json:"ManagedOwnerName,omitempty"`
	CreatorRequestId string `json:"CreatorRequestId,omitempty"`
	CreationTime     string `json:"CreationTime,omitempty"`
	ModificationTime string `json:"ModificationTime,omitempty"`
}

// FirewallDomainListMetadata is a list's entry in ListFirewallDomainLists.
type FirewallDomainListMetadata struct {
	Id               string `json:"Id"`
	Arn              string `json:"Arn"`
	Name             string `json:"Name"`
	CreatorRequestId string `json:"CreatorRequestId,omitempty"`
	ManagedOwnerName string `json:"ManagedOwnerName,omitempty"`
}

// FirewallRuleGroup is the API's FirewallRuleGroup.
type FirewallRuleGroup struct {
	Id               string `json:"Id"`
	Arn              string `json:"Arn"`
	Name             string `json:"Name"`
	RuleCount        int    `json:"RuleCount"`
	Status           string `json:"Status"`
	StatusMessage    string `json:"StatusMessage,omitempty"`
	OwnerId          string `json:"OwnerId"`
	CreatorRequestId string `json:"CreatorRequestId,omitempty"`
	ShareStatus      string `json:"ShareStatus"`
	CreationTime     string `json:"CreationTime,omitempty"`
	ModificationTime string `json:"ModificationTime,omitempty"`
}

// FirewallRuleGroupMetadata is a group's entry in ListFirewallRuleGroups.
type FirewallRuleGroupMetadata struct {
	Id               string `json:"Id"`
	Arn              string `json:"Arn"`
	Name             string `json:"Name"`
	OwnerId          string `json:"OwnerId"`
	CreatorRequestId string `json:"CreatorRequestId,omitempty"`
	ShareStatus      string `json:"ShareStatus"`
}

// FirewallRule is the API's FirewallRule.
type FirewallRule struct {
	FirewallRuleGroupId             string `json:"FirewallRuleGroupId"`
	FirewallDomainListId            string `json:"FirewallDomainListId"`
	Name                            string `json:"Name"`
	Priority                        int    `json:"Priority"`
	Action                          string `json:"Action"`
	BlockResponse                   string `json:"BlockResponse,omitempty"`
	BlockOverrideDomain             string `json:"BlockOverrideDomain,omitempty"`
	BlockOverrideDnsType            string `json:"BlockOverrideDnsType,omitempty"`
	BlockOverrideTtl                *int   `json:"BlockOverrideTtl,omitempty"`
	CreatorRequestId                string `json:"CreatorRequestId,omitempty"`
	CreationTime                    string `json:"CreationTime,omitempty"`
	ModificationTime                string `json:"ModificationTime,omitempty"`
	FirewallDomainRedirectionAction string `json:"FirewallDomainRedirectionAction"`
	Qtype                           string `json:"Qtype,omitempty"`
}

// FirewallRuleGroupAssociation is the API's FirewallRuleGroupAssociation.
type FirewallRuleGroupAssociation struct {
	Id                  string `json:"Id"`
	Arn                 string `json:"Arn"`
	FirewallRuleGroupId string `json:"FirewallRuleGroupId"`
	VpcId               string `json:"VpcId"`
	Name                string `json:"Name"`
	Priority            int    `json:"Priority"`
	MutationProtection  string `json:"MutationProtection"`
	Status              string `json:"Status"`
	StatusMessage       string `json:"StatusMessage,omitempty"`
	CreatorRequestId    string `json:"CreatorRequestId,omitempty"`
	CreationTime        string `json:"CreationTime,omitempty"`
	ModificationTime    string `json:"ModificationTime,omitempty"`
}

// FirewallConfig is the API's FirewallConfig.
type FirewallConfig struct {
	Id               string `json:"Id"`
	ResourceId       string `json:"ResourceId"`
	OwnerId          string `json:"OwnerId"`
	FirewallFailOpen string `json:"FirewallFailOpen"`
}

// firewallFields maps firewall keys of network.yaml to request members.
var firewallFields = map[string]string{
	"domains": "Domains", "domains_file": "DomainFileUrl", "priority": "Priority", "action": "Action",
	"block_response": "BlockResponse", "block_override_domain": "BlockOverrideDomain",
	"block_override_dns_type": "BlockOverrideDnsType", "block_override_ttl": "BlockOverrideTtl",
	"qtype": "Qtype", "redirection_action": "FirewallDomainRedirectionAction",
	"firewall_domain_list": "FirewallDomainListId", "firewall_rule_group": "FirewallRuleGroupId",
	"vpc": "VpcId", "mutation_protection": "MutationProtection", "firewall_fail_open": "FirewallFailOpen",
}

// fwErr gives the firewall operations' error codes: what the other
// operations call InvalidParameterException is a ValidationException here.
func fwErr(err error) error {
	var e *apierr.Error
	if errors.As(err, &e) && (e.Kind == apierr.InvalidParameter || e.Kind == apierr.MissingParameter) {
		c := *e
		c.Kind = apierr.Validation
		return &c
	}
	return err
}

// fwUpdate changes the state as fn says, with the firewall's error codes.
func (h *Handler) fwUpdate(ctx context.Context, fn func(tx *store.Tx) error) (*store.State, *config.Network, error) {
	st, n, err := h.Store.Update(ctx, firewallFields, fn)
	return st, n, fwErr(err)
}

func fwRequired(members ...string) error {
	for i := 0; i+1 < len(members); i += 2 {
		if members[i+1] == "" {
			return &apierr.Error{Kind: apierr.Validation, Field: members[i], Message: "1 validation error detected: Value null at '" + lowerFirst(members[i]) + "' failed to satisfy constraint: Member must not be null"}
		}
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func fwValidation(format string, args ...any) error {
	return &apierr.Error{Kind: apierr.Validation, Message: sprintf(format, args...)}
}

func fwNotFound(res, what, id string) error {
	return apierr.New(apierr.NotFound, res, "%s with ID '%s' does not exist.", what, id)
}

func fwConflict(format string, args ...any) error {
	return &apierr.Error{Kind: apierr.StateConflict, Message: sprintf(format, args...)}
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// existingByCreator returns the id of the resource of kind made with this
// creator request id: a retried create returns it, as on AWS.
func existingByCreator(st *store.State, kind, crid string) string {
	for id, o := range st.Meta.Objects {
		if o.Kind == kind && o.CreatorRequestID == crid {
			return id
		}
	}
	return ""
}

// ---- domain lists ----

func listByID(n *config.Network, id string) *config.FirewallDomainList {
	for _, l := range n.Firewall.DomainLists {
		if l.ID == id {
			return l
		}
	}
	return nil
}

func listFileIndex(f *config.File, id string) int {
	return slices.IndexFunc(f.FirewallDomainLists, func(l config.FirewallDomainListFile) bool { return l.ID == id })
}

func listShape(st *store.State, n *config.Network, l *config.FirewallDomainList) FirewallDomainList {
	out := FirewallDomainList{Id: l.ID, Arn: arn(n, "firewall-domain-list", l.ID), Name: l.Name,
		DomainCount: len(l.Domains), Status: "COMPLETE", StatusMessage: "Created Firewall Domain List"}
	if l.ManagedName != "" {
		out.ManagedOwnerName = config.ManagedListOwner
		out.Name = l.ManagedName
		if l.Builtin {
			out.StatusMessage = "AWS-managed list; AWS does not publish its domains, so vpcdns has none (supply them with managed_name)"
		}
	}
	if o := st.Meta.Objects[l.ID]; o != nil {
		if o.Name != "" {
			out.Name = o.Name
		}
		out.CreatorRequestId = o.CreatorRequestID
		out.CreationTime = timeString(o.Created)
		out.ModificationTime = timeString(o.Modified)
	}
	return out
}

// createRequest is what CreateFirewallDomainList and
// CreateFirewallRuleGroup both take.
type createRequest struct {
	CreatorRequestId, Name string
	Tags                   []Tag
}

// decodeCreate checks a createRequest; its tags come as a map.
func decodeCreate(in *createRequest) (map[string]string, error) {
	if err := fwRequired("CreatorRequestId", in.CreatorRequestId, "Name", in.Name); err != nil {
		return nil, err
	}
	if err := checkName(in.Name); err != nil {
		return nil, fwErr(err)
	}
	tags, err := tagMap(in.Tags)
	if err != nil {
		return nil, fwErr(err)
	}
	return tags, nil
}

func (h *Handler) createFirewallDomainList(ctx context.Context, in *createRequest) (firewallDomainListOut, error) {
	tags, err := decodeCreate(in)
	if err != nil {
		return firewallDomainListOut{}, err
	}
	id := store.NewID(prefixFirewallList)
	st, n, err := h.fwUpdate(ctx, func(tx *store.Tx) error {
		if prev := existingByCreator(tx.State, store.KindFirewallList, in.CreatorRequestId); prev != "" {
			id = prev
			return nil
		}
		if len(tx.File.FirewallDomainLists) >= maxDomainLists {
			return apierr.New(apierr.Limit, apierr.ResFirewallList, "The account has %d firewall domain lists, the most allowed.", maxDomainLists)
		}
		tx.File.FirewallDomainLists = append(tx.File.FirewallDomainLists, config.FirewallDomainListFile{ID: id, Name: in.Name})
		tx.Meta.Objects[id] = &store.Object{Kind: store.KindFirewallList, Name: in.Name, CreatorRequestID: in.CreatorRequestId,
			Created: tx.Now, Modified: tx.Now, Tags: tags}
		return nil
	})
	if err != nil {
		return firewallDomainListOut{}, err
	}
	return firewallDomainListOut{FirewallDomainList: listShape(st, n, listByID(n, id))}, nil
}

func (h *Handler) getFirewallDomainList(ctx context.Context, in *struct{ FirewallDomainListId string }) (firewallDomainListOut, error) {
	if err := fwRequired("FirewallDomainListId", in.FirewallDomainListId); err != nil {
		return firewallDomainListOut{}, err
	}
	st, n := h.Store.Snapshot()
	l := listByID(n, in.FirewallDomainListId)
	if l == nil {
		return firewallDomainListOut{}, fwNotFound(apierr.ResFirewallList, "Firewall domain list", in.FirewallDomainListId)
	}
	return firewallDomainListOut{FirewallDomainList: listShape(st, n, l)}, nil
}

func (h *Handler) deleteFirewallDomainList(ctx context.Context, in *struct{ FirewallDomainListId string }) (firewallDomainListOut, error) {
	if err := fwRequired("FirewallDomainListId", in.FirewallDomainListId); err != nil {
		return firewallDomainListOut{}, err
	}
	var shape FirewallDomainList
	_, _, err := h.fwUpdate(ctx, func(tx *store.Tx) error {
		l := listByID(tx.Net, in.FirewallDomainListId)
		if l == nil {
			return fwNotFound(apierr.ResFirewallList, "Firewall domain list", in.FirewallDomainListId)
		}
		if l.Builtin {
			return fwValidation("The firewall domain list %s is managed by AWS and cannot be deleted.", l.ID)
		}
		for _, g := range tx.File.FirewallRuleGroups {
			for _, r := range g.Rules {
				if r.DomainList == l.ID || (l.ManagedName != "" && r.DomainList == l.ManagedName) {
					return fwConflict("The firewall domain list %s is used by rule %s of rule group %s; delete the rule first.", l.ID, r.Name, g.ID)
				}
			}
		}
		shape = listShape(tx.State, tx.Net, l)
		shape.Status, shape.StatusMessage = "DELETING", "Deleting the Firewall Domain List"
		i := listFileIndex(&tx.File, l.ID)
		tx.File.FirewallDomainLists = slices.Delete(tx.File.FirewallDomainLists, i, i+1)
		return nil
	})
	if err != nil {
		return firewallDomainListOut{}, err
	}
	return firewallDomainListOut{FirewallDomainList: shape}, nil
}

func (h *Handler) listFirewallDomainLists(ctx context.Context, in *pageParams) (firewallDomainListsOut, error) {
	st, n := h.Store.Snapshot()
	var all []FirewallDomainListMetadata
	for _, l := range n.Firewall.DomainLists {
		s := listShape(st, n, l)
		all = append(all, FirewallDomainListMetadata{Id: s.Id, Arn: s.Arn, Name: s.Name, CreatorRequestId: s.CreatorRequestId, ManagedOwnerName: s.ManagedOwnerName})
	}
	pg, next, _, err := paginate(all, *in, 1)
	if err != nil {
		return firewallDomainListsOut{}, fwErr(err)
	}
	return firewallDomainListsOut{FirewallDomainLists: nonNil(pg), NextToken: next}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// setDomains replaces the domains of list id in the file with domains
// (already checked and canonical).
func setDomains(tx *store.Tx, id string, domains []string) error {
	l := listByID(tx.Net, id)
	if l == nil {
		return fwNotFound(apierr.ResFirewallList, "Firewall domain list", id)
	}
	if l.ManagedName != "" {
		return fwValidation("The firewall domain list %s is managed by AWS; its domains cannot be changed through the API.", id)
	}
	i := listFileIndex(&tx.File, id)
	tx.File.FirewallDomainLists[i].Domains = domains
	tx.File.FirewallDomainLists[i].DomainsFile = ""
	if o := tx.Meta.Objects[id]; o != nil {
		o.Modified = tx.Now
	}
	return nil
}

// checkDomains checks request domains and returns them canonical.
func checkDomains(member string, list []string) ([]string, error) {
	out := make([]string, 0, len(list))
	for i, d := range list {
		c, why := config.CanonicalDomain(d)
		if why != "" {
			return nil, &apierr.Error{Kind: apierr.Validation, Field: member,
				Message: sprintf("The domain '%s' (%s[%d]) is not valid: it %s.", d, member, i, why)}
		}
		out = append(out, c)
	}
	return out, nil
}

func (h *Handler) updateFirewallDomains(ctx context.Context, in *struct {
	FirewallDomainListId, Operation string
	Domains                         []string
}) (domainUpdateOut, error) {
	if err := fwRequired("FirewallDomainListId", in.FirewallDomainListId, "Operation", in.Operation); err != nil {
		return domainUpdateOut{}, err
	}
	if in.Domains == nil {
		return domainUpdateOut{}, fwRequired("Domains", "")
	}
	domains, err := checkDomains("Domains", in.Domains)
	if err != nil {
		return domainUpdateOut{}, err
	}
	if !slices.Contains([]string{"ADD", "REMOVE", "REPLACE"}, in.Operation) {
		return domainUpdateOut{}, fwValidation("The operation '%s' is not supported: use ADD, REMOVE or REPLACE.", in.Operation)
	}
	var name string
	_, n, err := h.fwUpdate(ctx, func(tx *store.Tx) error {
		l := listByID(tx.Net, in.FirewallDomainListId)
		if l == nil {
			return fwNotFound(apierr.ResFirewallList, "Firewall domain list", in.FirewallDomainListId)
		}
		name = l.Name
		var next []string
		switch in.Operation {
		case "REPLACE":
			next = dedupe(domains)
		case "ADD":
			next = dedupe(append(slices.Clone(l.Domains), domains...))
		case "REMOVE":
			drop := map[string]bool{}
			for _, d := range domains {
				drop[d] = true
			}
			for _, d := range l.Domains {
				if !drop[d] {
					next = append(next, d)
				}
			}
		}
		return setDomains(tx, l.ID, next)
	})
	if err != nil {
		return domainUpdateOut{}, err
	}
	l := listByID(n, in.FirewallDomainListId)
	return domainUpdateOut{Id: l.ID, Name: name, Status: "COMPLETE",
		StatusMessage: sprintf("%s: %d domains", in.Operation, len(l.Domains))}, nil
}

func dedupe(list []string) []string {
	seen := make(map[string]struct{}, len(list))
	out := list[:0]
	for _, d := range list {
		if _, ok := seen[d]; !ok {
			seen[d] = struct{}{}
			out = append(out, d)
		}
	}
	return out
}

// importPath maps a DomainFileUrl to a file vpcdns can read:
// s3://BUCKET/KEY is DATA_DIR/s3/BUCKET/KEY, file:///PATH is PATH.
func (h *Handler) importPath(url string) (string, error) {
	if p, ok := strings.CutPrefix(url, "file://"); ok && filepath.IsAbs(p) {
		return p, nil
	}
	rest, ok := strings.CutPrefix(url, "s3://")
	bucket, key, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || bucket == "" || key == "" {
		return "", &apierr.Error{Kind: apierr.Validation, Field: "DomainFileUrl",
			Message: sprintf("The DomainFileUrl '%s' is not s3://BUCKET/KEY nor file:///PATH.", url)}
	}
	dir := h.DataDir
	if dir == "" {
		return "", fwValidation("vpcdns reads s3://BUCKET/KEY from DATA_DIR/s3/BUCKET/KEY, and this server has no data directory (serve --data-dir).")
	}
	p := filepath.Join(dir, "s3", bucket, filepath.FromSlash(key))
	if !strings.HasPrefix(p, filepath.Join(dir, "s3")+string(filepath.Separator)) {
		return "", fwValidation("The DomainFileUrl '%s' leaves the bucket.", url)
	}
	return p, nil
}

func (h *Handler) importFirewallDomains(ctx context.Context, in *struct{ FirewallDomainListId, Operation, DomainFileUrl string }) (domainUpdateOut, error) {
	if err := fwRequired("FirewallDomainListId", in.FirewallDomainListId, "Operation", in.Operation, "DomainFileUrl", in.DomainFileUrl); err != nil {
		return domainUpdateOut{}, err
	}
	if in.Operation != "REPLACE" {
		return domainUpdateOut{}, fwValidation("The operation '%s' is not supported: ImportFirewallDomains takes REPLACE.", in.Operation)
	}
	p, err := h.importPath(in.DomainFileUrl)
	if err != nil {
		return domainUpdateOut{}, err
	}
	data, rerr := os.ReadFile(p)
	if rerr != nil {
		return domainUpdateOut{}, fwValidation("The domain file %s cannot be read (%s is read from %s): %v", in.DomainFileUrl, in.DomainFileUrl, p, rerr)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		if d := strings.TrimSpace(sc.Text()); d != "" {
			lines = append(lines, d)
		}
	}
	domains, err := checkDomains("DomainFileUrl", lines)
	if err != nil {
		return domainUpdateOut{}, err
	}
	var name string
	_, _, err = h.fwUpdate(ctx, func(tx *store.Tx) error {
		if l := listByID(tx.Net, in.FirewallDomainListId); l != nil {
			name = l.Name
		}
		return setDomains(tx, in.FirewallDomainListId, dedupe(domains))
	})
	if err != nil {
		return domainUpdateOut{}, err
	}
	return domainUpdateOut{Id: in.FirewallDomainListId, Name: name, Status: "COMPLETE",
		StatusMessage: sprintf("Imported %d domains from %s", len(domains), in.DomainFileUrl)}, nil
}

func (h *Handler) listFirewallDomains(ctx context.Context, in *struct {
	FirewallDomainListId string
	MaxResults           *int
	NextToken            string
}) (domainsOut, error) {
	if err := fwRequired("FirewallDomainListId", in.FirewallDomainListId); err != nil {
		return domainsOut{}, err
	}
	max := 1000
	if in.MaxResults != nil {
		max = *in.MaxResults
		if max < 1 || max > 5000 {
			return domainsOut{}, &apierr.Error{Kind: apierr.Validation, Field: "MaxResults", Message: "MaxResults must be between 1 and 5000"}
		}
	}
	_, n := h.Store.Snapshot()
	l := listByID(n, in.FirewallDomainListId)
	if l == nil {
		return domainsOut{}, fwNotFound(apierr.ResFirewallList, "Firewall domain list", in.FirewallDomainListId)
	}
	pg, next, err := page.Slice(l.Domains, in.NextToken, max)
	if err != nil {
		return domainsOut{}, err
	}
	return domainsOut{Domains: nonNil(pg), NextToken: next}, nil
}

// ---- rule groups ----

func groupFileIndex(f *config.File, id string) int {
	return slices.IndexFunc(f.FirewallRuleGroups, func(g config.FirewallRuleGroupFile) bool { return g.ID == id })
}

func groupShape(st *store.State, n *config.Network, i int) FirewallRuleGroup {
	g := st.File.FirewallRuleGroups[i]
	out := FirewallRuleGroup{Id: g.ID, Arn: arn(n, "firewall-rule-group", g.ID), Name: g.Name, RuleCount: len(g.Rules),
		Status: "COMPLETE", StatusMessage: "Created Firewall Rule Group", OwnerId: n.AccountID, ShareStatus: "NOT_SHARED"}
	if out.Name == "" {
		out.Name = g.ID
	}
	if o := st.Meta.Objects[g.ID]; o != nil {
		out.CreatorRequestId = o.CreatorRequestID
		out.CreationTime = timeString(o.Created)
		out.ModificationTime = timeString(o.Modified)
	}
	return out
}

func (h *Handler) lookupGroup(st *store.State, id string) (int, error) {
	if err := fwRequired("FirewallRuleGroupId", id); err != nil {
		return -1, err
	}
	i := groupFileIndex(&st.File, id)
	if i < 0 {
		return -1, fwNotFound(apierr.ResFirewallGroup, "Firewall rule group", id)
	}
	return i, nil
}

func (h *Handler) createFirewallRuleGroup(ctx context.Context, in *createRequest) (firewallRuleGroupOut, error) {
	tags, err := decodeCreate(in)
	if err != nil {
		return firewallRuleGroupOut{}, err
	}
	id := store.NewID(prefixFirewallGroup)
	st, n, err := h.fwUpdate(ctx, func(tx *store.Tx) error {
		if prev := existingByCreator(tx.State, store.KindFirewallGroup, in.CreatorRequestId); prev != "" {
			id = prev
			return nil
		}
		if len(tx.File.FirewallRuleGroups) >= maxRuleGroups {
			return apierr.New(apierr.Limit, apierr.ResFirewallGroup, "The account has %d rule groups, the most allowed.", maxRuleGroups)
		}
		tx.File.FirewallRuleGroups = append(tx.File.FirewallRuleGroups, config.FirewallRuleGroupFile{ID: id, Name: in.Name})
		tx.Meta.Objects[id] = &store.Object{Kind: store.KindFirewallGroup, CreatorRequestID: in.CreatorRequestId,
			Created: tx.Now, Modified: tx.Now, Tags: tags}
		return nil
	})
	if err != nil {
		return firewallRuleGroupOut{}, err
	}
	return firewallRuleGroupOut{FirewallRuleGroup: groupShape(st, n, groupFileIndex(&st.File, id))}, nil
}

func (h *Handler) getFirewallRuleGroup(ctx context.Context, in *struct{ FirewallRuleGroupId string }) (firewallRuleGroupOut, error) {
	st, n := h.Store.Snapshot()
	i, err := h.lookupGroup(st, in.FirewallRuleGroupId)
	if err != nil {
		return firewallRuleGroupOut{}, err
	}
	return firewallRuleGroupOut{FirewallRuleGroup: groupShape(st, n, i)}, nil
}

func (h *Handler) deleteFirewallRuleGroup(ctx context.Context, in *struct{ FirewallRuleGroupId string }) (firewallRuleGroupOut, error) {
	var shape FirewallRuleGroup
	_, _, err := h.fwUpdate(ctx, func(tx *store.Tx) error {
		i, err := h.lookupGroup(tx.State, in.FirewallRuleGroupId)
		if err != nil {
			return err
		}
		for _, a := range tx.Net.Firewall.Associations {
			if a.Group.ID == in.FirewallRuleGroupId {
				return fwConflict("The rule group %s is associated with %s (%s); disassociate it first.", a.Group.ID, a.VPC.ID, a.ID)
			}
		}
		shape = groupShape(tx.State, tx.Net, i)
		shape.Status, shape.StatusMessage = "DELETING", "Deleting the Firewall Rule Group"
		tx.File.FirewallRuleGroups = slices.Delete(tx.File.FirewallRuleGroups, i, i+1)
		return nil
	})
	if err != nil {
		return firewallRuleGroupOut{}, err
	}
	return firewallRuleGroupOut{FirewallRuleGroup: shape}, nil
}

func (h *Handler) listFirewallRuleGroups(ctx context.Context, in *pageParams) (firewallRuleGroupsOut, error) {
	st, n := h.Store.Snapshot()
	var all []FirewallRuleGroupMetadata
	for i := range st.File.FirewallRuleGroups {
		s := groupShape(st, n, i)
		all = append(all, FirewallRuleGroupMetadata{Id: s.Id, Arn: s.Arn, Name: s.Name, OwnerId: s.OwnerId, CreatorRequestId: s.CreatorRequestId, ShareStatus: s.ShareStatus})
	}
	pg, next, _, err := paginate(all, *in, 1)
	if err != nil {
		return firewallRuleGroupsOut{}, fwErr(err)
	}
	return firewallRuleGroupsOut{FirewallRuleGroups: nonNil(pg), NextToken: next}, nil
}

// groupByArn finds a rule group by its ARN (the policy operations).
func groupByArn(st *store.State, a string) (string, error) {
	if err := fwRequired("Arn", a); err != nil {
		return "", err
	}
	kind, id, ok := parseARN(a)
	if !ok || kind != "firewall-rule-group" || groupFileIndex(&st.File, id) < 0 {
		return "", apierr.New(apierr.NotFound, apierr.ResFirewallGroup, "Firewall rule group with ARN '%s' does not exist.", a)
	}
	return id, nil
}

func (h *Handler) getFirewallRuleGroupPolicy(ctx context.Context, in *struct{ Arn string }) (firewallRuleGroupPolicyOut, error) {
	st, _ := h.Store.Snapshot()
	id, err := groupByArn(st, in.Arn)
	if err != nil {
		return firewallRuleGroupPolicyOut{}, err
	}
	policy := ""
	if o := st.Meta.Objects[id]; o != nil {
		policy = o.Policy
	}
	return firewallRuleGroupPolicyOut{FirewallRuleGroupPolicy: policy}, nil
}

func (h *Handler) putFirewallRuleGroupPolicy(ctx context.Context, in *struct{ Arn, FirewallRuleGroupPolicy string }) (returnValueOut, error) {
	if err := fwRequired("Arn", in.Arn, "FirewallRuleGroupPolicy", in.FirewallRuleGroupPolicy); err != nil {
		return returnValueOut{}, err
	}
	if len(in.FirewallRuleGroupPolicy) > 30000 {
		return returnValueOut{}, fwValidation("The policy is longer than 30000 characters.")
	}
	_, _, err := h.fwUpdate(ctx, func(tx *store.Tx) error {
		id, err := groupByArn(tx.State, in.Arn)
		if err != nil {
			return err
		}
		o := tx.Meta.Objects[id]
		if o == nil {
			o = &store.Object{Kind: store.KindFirewallGroup, Created: tx.Now}
			tx.Meta.Objects[id] = o
		}
		o.Policy = in.FirewallRuleGroupPolicy
		return nil
	})
	if err != nil {
		return returnValueOut{}, err
	}
	return returnValueOut{ReturnValue: true}, nil
}

// ---- rules ----

// ruleInput is what a request says of a firewall rule: the members of
// CreateFirewallRule and UpdateFirewallRule together.
type ruleInput struct {
	CreatorRequestId           string
	FirewallThreatProtectionId string
	ruleFields
}

// createFwRuleIn is CreateFirewallRule's request.
type createFwRuleIn struct {
	CreatorRequestId string
	ruleFields
}

// updateFwRuleIn is UpdateFirewallRule's request.
type updateFwRuleIn struct {
	FirewallThreatProtectionId string
	ruleFields
}

// deleteFwRuleIn is DeleteFirewallRule's request.
type deleteFwRuleIn struct {
	FirewallRuleGroupId, FirewallDomainListId, FirewallThreatProtectionId string
	Qtype                                                                 *string
}

// ruleFields are the members CreateFirewallRule and UpdateFirewallRule
// share.
type ruleFields struct {
	FirewallRuleGroupId             string
	FirewallDomainListId            string
	Priority                        *int
	Action                          string
	BlockResponse                   string
	BlockOverrideDomain             string
	BlockOverrideDnsType            string
	BlockOverrideTtl                *int
	Name                            string
	FirewallDomainRedirectionAction string
	Qtype                           *string
	DnsThreatProtection             string
	ConfidenceThreshold             string
}

func fwRuleShape(st *store.State, n *config.Network, group string, r config.FirewallRuleFile) FirewallRule {
	out := FirewallRule{FirewallRuleGroupId: group, FirewallDomainListId: listIDOf(n, r.DomainList), Name: r.Name, Action: r.Action,
		BlockResponse: r.BlockResponse, BlockOverrideDomain: r.BlockOverrideDomain, BlockOverrideDnsType: r.BlockOverrideType,
		BlockOverrideTtl: r.BlockOverrideTTL, FirewallDomainRedirectionAction: r.Redirection, Qtype: r.Qtype}
	if r.Priority != nil {
		out.Priority = *r.Priority
	}
	if out.FirewallDomainRedirectionAction == "" {
		out.FirewallDomainRedirectionAction = "INSPECT_REDIRECTION_DOMAIN"
	}
	if o := st.Meta.Objects[store.FirewallRuleKey(group, r.DomainList, strings.ToUpper(r.Qtype))]; o != nil {
		out.CreatorRequestId = o.CreatorRequestID
		out.CreationTime = timeString(o.Created)
		out.ModificationTime = timeString(o.Modified)
	}
	return out
}

// listIDOf is the id of the list a rule names: network.yaml may name an
// AWS-managed list by its name, the API always gives the id.
func listIDOf(n *config.Network, ref string) string {
	if n == nil || listByID(n, ref) != nil {
		return ref
	}
	for _, l := range n.Firewall.DomainLists {
		if l.ManagedName == ref {
			return l.ID
		}
	}
	return ref
}

// ruleIndex finds the rule of group g for list (and qtype when given).
func findRule(n *config.Network, g *config.FirewallRuleGroupFile, list string, qtype *string) int {
	for j, r := range g.Rules {
		if listIDOf(n, r.DomainList) == listIDOf(n, list) && (qtype == nil || strings.EqualFold(r.Qtype, *qtype)) {
			return j
		}
	}
	return -1
}

// applyRule sets the members present in in on r.
func applyRule(r *config.FirewallRuleFile, in ruleInput) {
	if in.Name != "" {
		r.Name = in.Name
	}
	if in.Priority != nil {
		p := *in.Priority
		r.Priority = &p
	}
	if in.Action != "" {
		r.Action = in.Action
		if in.Action != "BLOCK" {
			r.BlockResponse, r.BlockOverrideDomain, r.BlockOverrideType, r.BlockOverrideTTL = "", "", "", nil
		}
	}
	if in.BlockResponse != "" {
		r.BlockResponse = in.BlockResponse
		if in.BlockResponse != "OVERRIDE" {
			r.BlockOverrideDomain, r.BlockOverrideType, r.BlockOverrideTTL = "", "", nil
		}
	}
	if in.BlockOverrideDomain != "" {
		r.BlockOverrideDomain = in.BlockOverrideDomain
	}
	if in.BlockOverrideDnsType != "" {
		r.BlockOverrideType = in.BlockOverrideDnsType
	}
	if in.BlockOverrideTtl != nil {
		t := *in.BlockOverrideTtl
		r.BlockOverrideTTL = &t
	}
	if in.FirewallDomainRedirectionAction != "" {
		r.Redirection = in.FirewallDomainRedirectionAction
	}
	if in.Qtype != nil {
		r.Qtype = strings.ToUpper(*in.Qtype)
	}
}

func checkRuleInput(in ruleInput) error {
	if in.DnsThreatProtection != "" || in.FirewallThreatProtectionId != "" || in.ConfidenceThreshold != "" {
		return &apierr.Error{Kind: apierr.Validation, Field: "DnsThreatProtection",
			Message: "DNS Firewall Advanced rules (DnsThreatProtection) are not modeled by vpcdns; use a domain list."}
	}
	if in.BlockOverrideTtl != nil && (*in.BlockOverrideTtl < 0 || *in.BlockOverrideTtl > 604800) {
		return &apierr.Error{Kind: apierr.Validation, Field: "BlockOverrideTtl", Message: "BlockOverrideTtl must be between 0 and 604800"}
	}
	if in.Name != "" {
		if err := checkName(in.Name); err != nil {
			return fwErr(err)
		}
	}
	return nil
}

func (h *Handler) createFirewallRule(ctx context.Context, req *createFwRuleIn) (firewallRuleOut, error) {
	in := &ruleInput{CreatorRequestId: req.CreatorRequestId, ruleFields: req.ruleFields}
	if err := fwRequired("CreatorRequestId", in.CreatorRequestId, "FirewallRuleGroupId", in.FirewallRuleGroupId, "Action", in.Action, "Name", in.Name); err != nil {
		return firewallRuleOut{}, err
	}
	if in.Priority == nil {
		return firewallRuleOut{}, fwRequired("Priority", "")
	}
	if err := checkRuleInput(*in); err != nil {
		return firewallRuleOut{}, err
	}
	if err := fwRequired("FirewallDomainListId", in.FirewallDomainListId); err != nil {
		return firewallRuleOut{}, err
	}
	var out FirewallRule
	_, _, err := h.fwUpdate(ctx, func(tx *store.Tx) error {
		i, err := h.lookupGroup(tx.State, in.FirewallRuleGroupId)
		if err != nil {
			return err
		}
		g := &tx.File.FirewallRuleGroups[i]
		if listByID(tx.Net, in.FirewallDomainListId) == nil {
			return fwNotFound(apierr.ResFirewallList, "Firewall domain list", in.FirewallDomainListId)
		}
		qt := ""
		if in.Qtype != nil {
			qt = strings.ToUpper(*in.Qtype)
		}
		key := store.FirewallRuleKey(g.ID, in.FirewallDomainListId, qt)
		if o := tx.Meta.Objects[key]; o != nil && o.CreatorRequestID == in.CreatorRequestId {
			out = fwRuleShape(tx.State, tx.Net, g.ID, g.Rules[findRule(tx.Net, g, in.FirewallDomainListId, &qt)])
			return nil
		}
		if len(g.Rules) >= maxRulesPerGroup {
			return apierr.New(apierr.Limit, apierr.ResFirewallRule, "The rule group %s has %d rules, the most allowed.", g.ID, maxRulesPerGroup)
		}
		for _, r := range g.Rules {
			if r.Priority != nil && *r.Priority == *in.Priority {
				return fwConflict("The rule group %s already has rule %s with priority %d.", g.ID, r.Name, *in.Priority)
			}
		}
		if findRule(tx.Net, g, in.FirewallDomainListId, &qt) >= 0 {
			return fwConflict("The rule group %s already has a rule for domain list %s and query type %q.", g.ID, in.FirewallDomainListId, qt)
		}
		r := config.FirewallRuleFile{DomainList: in.FirewallDomainListId}
		applyRule(&r, *in)
		g.Rules = append(g.Rules, r)
		tx.Meta.Objects[key] = &store.Object{Kind: store.KindFirewallRule, CreatorRequestID: in.CreatorRequestId, Created: tx.Now, Modified: tx.Now}
		if o := tx.Meta.Objects[g.ID]; o != nil {
			o.Modified = tx.Now
		}
		out = fwRuleShape(tx.State, tx.Net, g.ID, r)
		return nil
	})
	if err != nil {
		return firewallRuleOut{}, err
	}
	return firewallRuleOut{FirewallRule: out}, nil
}

func (h *Handler) updateFirewallRule(ctx context.Context, req *updateFwRuleIn) (firewallRuleOut, error) {
	in := &ruleInput{FirewallThreatProtectionId: req.FirewallThreatProtectionId, ruleFields: req.ruleFields}
	if err := fwRequired("FirewallRuleGroupId", in.FirewallRuleGroupId); err != nil {
		return firewallRuleOut{}, err
	}
	if err := checkRuleInput(*in); err != nil {
		return firewallRuleOut{}, err
	}
	if err := fwRequired("FirewallDomainListId", in.FirewallDomainListId); err != nil {
		return firewallRuleOut{}, err
	}
	var out FirewallRule
	_, _, err := h.fwUpdate(ctx, func(tx *store.Tx) error {
		i, err := h.lookupGroup(tx.State, in.FirewallRuleGroupId)
		if err != nil {
			return err
		}
		g := &tx.File.FirewallRuleGroups[i]
		j := findRule(tx.Net, g, in.FirewallDomainListId, in.Qtype)
		if j < 0 {
			j = findRule(tx.Net, g, in.FirewallDomainListId, nil) // Qtype is the new value
		}
		if j < 0 {
			return fwNotFound(apierr.ResFirewallRule, "Firewall rule for domain list", in.FirewallDomainListId)
		}
		if in.Priority != nil {
			for k, r := range g.Rules {
				if k != j && r.Priority != nil && *r.Priority == *in.Priority {
					return fwConflict("The rule group %s already has rule %s with priority %d.", g.ID, r.Name, *in.Priority)
				}
			}
		}
		oldKey := store.FirewallRuleKey(g.ID, g.Rules[j].DomainList, strings.ToUpper(g.Rules[j].Qtype))
		applyRule(&g.Rules[j], *in)
		newKey := store.FirewallRuleKey(g.ID, g.Rules[j].DomainList, strings.ToUpper(g.Rules[j].Qtype))
		if o := tx.Meta.Objects[oldKey]; o != nil {
			o.Modified = tx.Now
			if newKey != oldKey {
				delete(tx.Meta.Objects, oldKey)
				tx.Meta.Objects[newKey] = o
			}
		}
		out = fwRuleShape(tx.State, tx.Net, g.ID, g.Rules[j])
		return nil
	})
	if err != nil {
		return firewallRuleOut{}, err
	}
	return firewallRuleOut{FirewallRule: out}, nil
}

func (h *Handler) deleteFirewallRule(ctx context.Context, in *deleteFwRuleIn) (firewallRuleOut, error) {
	if err := fwRequired("FirewallRuleGroupId", in.FirewallRuleGroupId); err != nil {
		return firewallRuleOut{}, err
	}
	if err := checkRuleInput(ruleInput{FirewallThreatProtectionId: in.FirewallThreatProtectionId}); err != nil {
		return firewallRuleOut{}, err
	}
	if err := fwRequired("FirewallDomainListId", in.FirewallDomainListId); err != nil {
		return firewallRuleOut{}, err
	}
	var out FirewallRule
	_, _, err := h.fwUpdate(ctx, func(tx *store.Tx) error {
		i, err := h.lookupGroup(tx.State, in.FirewallRuleGroupId)
		if err != nil {
			return err
		}
		g := &tx.File.FirewallRuleGroups[i]
		j := findRule(tx.Net, g, in.FirewallDomainListId, in.Qtype)
		if j < 0 {
			return fwNotFound(apierr.ResFirewallRule, "Firewall rule for domain list", in.FirewallDomainListId)
		}
		out = fwRuleShape(tx.State, tx.Net, g.ID, g.Rules[j])
		g.Rules = slices.Delete(g.Rules, j, j+1)
		return nil
	})
	if err != nil {
		return firewallRuleOut{}, err
	}
	return firewallRuleOut{FirewallRule: out}, nil
}

func (h *Handler) listFirewallRules(ctx context.Context, in *struct {
	FirewallRuleGroupId string
	Priority            *int
	Action              string
	pageParams
}) (firewallRulesOut, error) {
	st, n := h.Store.Snapshot()
	i, err := h.lookupGroup(st, in.FirewallRuleGroupId)
	if err != nil {
		return firewallRulesOut{}, err
	}
	g := st.File.FirewallRuleGroups[i]
	var all []FirewallRule
	for _, r := range g.Rules {
		s := fwRuleShape(st, n, g.ID, r)
		if (in.Priority != nil && s.Priority != *in.Priority) || (in.Action != "" && s.Action != in.Action) {
			continue
		}
		all = append(all, s)
	}
	slices.SortStableFunc(all, func(a, b FirewallRule) int { return cmp.Compare(a.Priority, b.Priority) })
	pg, next, _, err := paginate(all, in.pageParams, 1)
	if err != nil {
		return firewallRulesOut{}, fwErr(err)
	}
	return firewallRulesOut{FirewallRules: nonNil(pg), NextToken: next}, nil
}

// ---- associations ----

func assocFileIndex(f *config.File, n *config.Network, id string) int {
	for i, a := range f.FirewallAssocs {
		aid := a.ID
		if aid == "" {
			aid = config.DerivedFirewallID("rslvr-frgassoc-", a.RuleGroup+"|"+a.VPC)
		}
		if aid == id {
			return i
		}
	}
	return -1
}

func fwAssocShape(st *store.State, n *config.Network, a *config.FirewallAssociation) FirewallRuleGroupAssociation {
	mp := "DISABLED"
	if a.MutationProtection {
		mp = "ENABLED"
	}
	out := FirewallRuleGroupAssociation{Id: a.ID, Arn: arn(n, "firewall-rule-group-association", a.ID), FirewallRuleGroupId: a.Group.ID,
		VpcId: a.VPC.ID, Name: a.Name, Priority: a.Priority, MutationProtection: mp, Status: "COMPLETE",
		StatusMessage: "Finished rule group association update"}
	if o := st.Meta.Objects[a.ID]; o != nil {
		out.CreatorRequestId = o.CreatorRequestID
		out.CreationTime = timeString(o.Created)
		out.ModificationTime = timeString(o.Modified)
	}
	return out
}

func assocByID(n *config.Network, id string) *config.FirewallAssociation {
	for _, a := range n.Firewall.Associations {
		if a.ID == id {
			return a
		}
	}
	return nil
}

func (h *Handler) associateFirewallRuleGroup(ctx context.Context, in *struct {
	CreatorRequestId, FirewallRuleGroupId, VpcId, Name, MutationProtection string
	Priority                                                               *int
	Tags                                                                   []Tag
}) (firewallRuleGroupAssociationOut, error) {
	if err := fwRequired("CreatorRequestId", in.CreatorRequestId, "FirewallRuleGroupId", in.FirewallRuleGroupId, "VpcId", in.VpcId, "Name", in.Name); err != nil {
		return firewallRuleGroupAssociationOut{}, err
	}
	if in.Priority == nil {
		return firewallRuleGroupAssociationOut{}, fwRequired("Priority", "")
	}
	if err := checkName(in.Name); err != nil {
		return firewallRuleGroupAssociationOut{}, fwErr(err)
	}
	tags, err := tagMap(in.Tags)
	if err != nil {
		return firewallRuleGroupAssociationOut{}, fwErr(err)
	}
	id := store.NewID(prefixFirewallAssoc)
	st, n, err := h.fwUpdate(ctx, func(tx *store.Tx) error {
		if prev := existingByCreator(tx.State, store.KindFirewallAssoc, in.CreatorRequestId); prev != "" {
			id = prev
			return nil
		}
		if _, err := h.lookupGroup(tx.State, in.FirewallRuleGroupId); err != nil {
			return err
		}
		v := tx.Net.VPCByID(in.VpcId)
		if v == nil {
			return fwNotFound(apierr.ResVPC, "VPC", in.VpcId)
		}
		count := 0
		for _, a := range tx.Net.Firewall.Associations {
			if a.VPC != v {
				continue
			}
			count++
			if a.Priority == *in.Priority {
				return fwConflict("The VPC %s already has rule group %s at priority %d (association %s); priorities are unique per VPC.", v.ID, a.Group.ID, a.Priority, a.ID)
			}
			if a.Group.ID == in.FirewallRuleGroupId {
				return fwConflict("The rule group %s is already associated with %s (%s).", a.Group.ID, v.ID, a.ID)
			}
		}
		if count >= maxGroupsPerVPC {
			return apierr.New(apierr.Limit, apierr.ResFirewallAssoc, "The VPC %s has %d rule groups associated, the most allowed.", v.ID, maxGroupsPerVPC)
		}
		p := *in.Priority
		tx.File.FirewallAssocs = append(tx.File.FirewallAssocs, config.FirewallAssociationFile{ID: id, Name: in.Name,
			RuleGroup: in.FirewallRuleGroupId, VPC: in.VpcId, Priority: &p, MutationProtection: in.MutationProtection})
		tx.Meta.Objects[id] = &store.Object{Kind: store.KindFirewallAssoc, Name: in.Name, CreatorRequestID: in.CreatorRequestId,
			Created: tx.Now, Modified: tx.Now, Tags: tags}
		return nil
	})
	if err != nil {
		return firewallRuleGroupAssociationOut{}, err
	}
	return firewallRuleGroupAssociationOut{FirewallRuleGroupAssociation: fwAssocShape(st, n, assocByID(n, id))}, nil
}

func (h *Handler) lookupAssoc(n *config.Network, id string) (*config.FirewallAssociation, error) {
	if err := fwRequired("FirewallRuleGroupAssociationId", id); err != nil {
		return nil, err
	}
	a := assocByID(n, id)
	if a == nil {
		return nil, fwNotFound(apierr.ResFirewallAssoc, "Firewall rule group association", id)
	}
	return a, nil
}

func (h *Handler) getFirewallRuleGroupAssociation(ctx context.Context, in *struct{ FirewallRuleGroupAssociationId string }) (firewallRuleGroupAssociationOut, error) {
	st, n := h.Store.Snapshot()
	a, err := h.lookupAssoc(n, in.FirewallRuleGroupAssociationId)
	if err != nil {
		return firewallRuleGroupAssociationOut{}, err
	}
	return firewallRuleGroupAssociationOut{FirewallRuleGroupAssociation: fwAssocShape(st, n, a)}, nil
}

func (h *Handler) disassociateFirewallRuleGroup(ctx context.Context, in *struct{ FirewallRuleGroupAssociationId string }) (firewallRuleGroupAssociationOut, error) {
	var out FirewallRuleGroupAssociation
	_, _, err := h.fwUpdate(ctx, func(tx *store.Tx) error {
		a, err := h.lookupAssoc(tx.Net, in.FirewallRuleGroupAssociationId)
		if err != nil {
			return err
		}
		if a.MutationProtection {
			return fwConflict("The association %s has mutation protection enabled; disable it with UpdateFirewallRuleGroupAssociation first.", a.ID)
		}
		out = fwAssocShape(tx.State, tx.Net, a)
		out.Status, out.StatusMessage = "DELETING", "Deleting the Firewall Rule Group Association"
		i := assocFileIndex(&tx.File, tx.Net, a.ID)
		tx.File.FirewallAssocs = slices.Delete(tx.File.FirewallAssocs, i, i+1)
		return nil
	})
	if err != nil {
		return firewallRuleGroupAssociationOut{}, err
	}
	return firewallRuleGroupAssociationOut{FirewallRuleGroupAssociation: out}, nil
}

func (h *Handler) updateFirewallRuleGroupAssociation(ctx context.Context, in *struct {
	FirewallRuleGroupAssociationId, MutationProtection, Name string
	Priority                                                 *int
}) (firewallRuleGroupAssociationOut, error) {
	if in.Name != "" {
		if err := checkName(in.Name); err != nil {
			return firewallRuleGroupAssociationOut{}, fwErr(err)
		}
	}
	if in.MutationProtection != "" && in.MutationProtection != "ENABLED" && in.MutationProtection != "DISABLED" {
		return firewallRuleGroupAssociationOut{}, &apierr.Error{Kind: apierr.Validation, Field: "MutationProtection", Message: "MutationProtection must be ENABLED or DISABLED"}
	}
	var id string
	st, n, err := h.fwUpdate(ctx, func(tx *store.Tx) error {
		a, err := h.lookupAssoc(tx.Net, in.FirewallRuleGroupAssociationId)
		if err != nil {
			return err
		}
		id = a.ID
		changes := (in.Priority != nil && *in.Priority != a.Priority) || (in.Name != "" && in.Name != a.Name)
		if a.MutationProtection && changes && in.MutationProtection != "DISABLED" {
			return fwConflict("The association %s has mutation protection enabled; only MutationProtection can be changed.", a.ID)
		}
		if in.Priority != nil {
			for _, b := range tx.Net.Firewall.Associations {
				if b != a && b.VPC == a.VPC && b.Priority == *in.Priority {
					return fwConflict("The VPC %s already has rule group %s at priority %d (association %s); priorities are unique per VPC.", b.VPC.ID, b.Group.ID, b.Priority, b.ID)
				}
			}
		}
		af := &tx.File.FirewallAssocs[assocFileIndex(&tx.File, tx.Net, a.ID)]
		af.ID = a.ID
		if in.Priority != nil {
			p := *in.Priority
			af.Priority = &p
		}
		if in.Name != "" {
			af.Name = in.Name
		}
		if in.MutationProtection != "" {
			af.MutationProtection = in.MutationProtection
		}
		if o := tx.Meta.Objects[a.ID]; o != nil {
			o.Modified = tx.Now
		}
		return nil
	})
	if err != nil {
		return firewallRuleGroupAssociationOut{}, err
	}
	return firewallRuleGroupAssociationOut{FirewallRuleGroupAssociation: fwAssocShape(st, n, assocByID(n, id))}, nil
}

func (h *Handler) listFirewallRuleGroupAssociations(ctx context.Context, in *struct {
	FirewallRuleGroupId, VpcId, Status string
	Priority                           *int
	pageParams
}) (firewallRuleGroupAssociationsOut, error) {
	st, n := h.Store.Snapshot()
	var all []FirewallRuleGroupAssociation
	for _, a := range n.Firewall.Associations {
		s := fwAssocShape(st, n, a)
		if (in.FirewallRuleGroupId != "" && s.FirewallRuleGroupId != in.FirewallRuleGroupId) ||
			(in.VpcId != "" && s.VpcId != in.VpcId) || (in.Status != "" && s.Status != in.Status) ||
			(in.Priority != nil && s.Priority != *in.Priority) {
			continue
		}
		all = append(all, s)
	}
	pg, next, _, err := paginate(all, in.pageParams, 1)
	if err != nil {
		return firewallRuleGroupAssociationsOut{}, fwErr(err)
	}
	return firewallRuleGroupAssociationsOut{FirewallRuleGroupAssociations: nonNil(pg), NextToken: next}, nil
}

// ---- configs ----

func fwConfigShape(n *config.Network, v *config.VPC) FirewallConfig {
	out := FirewallConfig{Id: config.DerivedFirewallID(prefixFirewallCfg, v.ID), ResourceId: v.ID, OwnerId: n.AccountID, FirewallFailOpen: "DISABLED"}
	if c := n.Firewall.ConfigFor(v); c != nil {
		out.Id, out.FirewallFailOpen = c.ID, c.FailOpen
	}
	return out
}

func (h *Handler) getFirewallConfig(ctx context.Context, in *struct{ ResourceId string }) (firewallConfigOut, error) {
	if err := fwRequired("ResourceId", in.ResourceId); err != nil {
		return firewallConfigOut{}, err
	}
	n := h.Store.Network()
	v := n.VPCByID(in.ResourceId)
	if v == nil {
		return firewallConfigOut{}, fwNotFound(apierr.ResVPC, "VPC", in.ResourceId)
	}
	return firewallConfigOut{FirewallConfig: fwConfigShape(n, v)}, nil
}

func (h *Handler) listFirewallConfigs(ctx context.Context, in *pageParams) (firewallConfigsOut, error) {
	max := 10
	if in.MaxResults != nil {
		max = *in.MaxResults
		if max < 5 || max > 10 {
			return firewallConfigsOut{}, &apierr.Error{Kind: apierr.Validation, Field: "MaxResults", Message: "MaxResults must be between 5 and 10"}
		}
	}
	n := h.Store.Network()
	var all []FirewallConfig
	for _, v := range n.VPCs {
		all = append(all, fwConfigShape(n, v))
	}
	pg, next, err := page.Slice(all, in.NextToken, max)
	if err != nil {
		return firewallConfigsOut{}, err
	}
	return firewallConfigsOut{FirewallConfigs: nonNil(pg), NextToken: next}, nil
}

func (h *Handler) updateFirewallConfig(ctx context.Context, in *struct{ ResourceId, FirewallFailOpen string }) (firewallConfigOut, error) {
	if err := fwRequired("ResourceId", in.ResourceId, "FirewallFailOpen", in.FirewallFailOpen); err != nil {
		return firewallConfigOut{}, err
	}
	_, n, err := h.fwUpdate(ctx, func(tx *store.Tx) error {
		if tx.Net.VPCByID(in.ResourceId) == nil {
			return fwNotFound(apierr.ResVPC, "VPC", in.ResourceId)
		}
		for i := range tx.File.FirewallConfigs {
			if tx.File.FirewallConfigs[i].VPC == in.ResourceId {
				tx.File.FirewallConfigs[i].FailOpen = in.FirewallFailOpen
				return nil
			}
		}
		tx.File.FirewallConfigs = append(tx.File.FirewallConfigs, config.FirewallConfigFile{VPC: in.ResourceId, FailOpen: in.FirewallFailOpen})
		return nil
	})
	if err != nil {
		return firewallConfigOut{}, err
	}
	return firewallConfigOut{FirewallConfig: fwConfigShape(n, n.VPCByID(in.ResourceId))}, nil
}
