// Package resolverapi serves the Route 53 Resolver API (awsJson1_1,
// X-Amz-Target: Route53Resolver.<Operation>) on top of the store: rules and
// their associations, endpoints and their addresses, resolver and DNSSEC
// configs, query logging configs and their associations, and tags. Shapes,
// member names and error codes are those of botocore's route53resolver
// service-2.json.
package resolverapi

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/page"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// TargetPrefix is the X-Amz-Target prefix of the service.
const TargetPrefix = "Route53Resolver."

// Handler answers Route 53 Resolver operations.
type Handler struct {
	Store *store.Store
	// DataDir is the data directory ("" when the state is in memory):
	// where ImportFirewallDomains finds s3:// objects.
	DataDir string
}

// operations are the operations served, by name: each decodes its request
// into its input type, which TestShapes compares with botocore's model.
var operations = map[string]op.Operation[Handler]{
	"CreateResolverRule":                     op.Of((*Handler).createRule),
	"GetResolverRule":                        op.Of((*Handler).getRule),
	"ListResolverRules":                      op.Of((*Handler).listRules),
	"UpdateResolverRule":                     op.Of((*Handler).updateRule),
	"DeleteResolverRule":                     op.Of((*Handler).deleteRule),
	"AssociateResolverRule":                  op.Of((*Handler).associateRule),
	"DisassociateResolverRule":               op.Of((*Handler).disassociateRule),
	"GetResolverRuleAssociation":             op.Of((*Handler).getRuleAssociation),
	"ListResolverRuleAssociations":           op.Of((*Handler).listRuleAssociations),
	"CreateResolverEndpoint":                 op.Of((*Handler).createEndpoint),
	"GetResolverEndpoint":                    op.Of((*Handler).getEndpoint),
	"ListResolverEndpoints":                  op.Of((*Handler).listEndpoints),
	"UpdateResolverEndpoint":                 op.Of((*Handler).updateEndpoint),
	"DeleteResolverEndpoint":                 op.Of((*Handler).deleteEndpoint),
	"AssociateResolverEndpointIpAddress":     op.Of((*Handler).associateEndpointIP),
	"DisassociateResolverEndpointIpAddress":  op.Of((*Handler).disassociateEndpointIP),
	"ListResolverEndpointIpAddresses":        op.Of((*Handler).listEndpointIPs),
	"GetResolverConfig":                      op.Of((*Handler).getConfig),
	"ListResolverConfigs":                    op.Of((*Handler).listConfigs),
	"UpdateResolverConfig":                   op.Of((*Handler).updateConfig),
	"GetResolverDnssecConfig":                op.Of((*Handler).getDNSSEC),
	"ListResolverDnssecConfigs":              op.Of((*Handler).listDNSSEC),
	"UpdateResolverDnssecConfig":             op.Of((*Handler).updateDNSSEC),
	"CreateResolverQueryLogConfig":           op.Of((*Handler).createQueryLog),
	"GetResolverQueryLogConfig":              op.Of((*Handler).getQueryLog),
	"ListResolverQueryLogConfigs":            op.Of((*Handler).listQueryLogs),
	"DeleteResolverQueryLogConfig":           op.Of((*Handler).deleteQueryLog),
	"AssociateResolverQueryLogConfig":        op.Of((*Handler).associateQueryLog),
	"DisassociateResolverQueryLogConfig":     op.Of((*Handler).disassociateQueryLog),
	"GetResolverQueryLogConfigAssociation":   op.Of((*Handler).getQueryLogAssoc),
	"ListResolverQueryLogConfigAssociations": op.Of((*Handler).listQueryLogAssocs),
	"CreateFirewallDomainList":               op.Of((*Handler).createFirewallDomainList),
	"GetFirewallDomainList":                  op.Of((*Handler).getFirewallDomainList),
	"DeleteFirewallDomainList":               op.Of((*Handler).deleteFirewallDomainList),
	"ListFirewallDomainLists":                op.Of((*Handler).listFirewallDomainLists),
	"UpdateFirewallDomains":                  op.Of((*Handler).updateFirewallDomains),
	"ImportFirewallDomains":                  op.Of((*Handler).importFirewallDomains),
	"ListFirewallDomains":                    op.Of((*Handler).listFirewallDomains),
	"CreateFirewallRuleGroup":                op.Of((*Handler).createFirewallRuleGroup),
	"GetFirewallRuleGroup":                   op.Of((*Handler).getFirewallRuleGroup),
	"DeleteFirewallRuleGroup":                op.Of((*Handler).deleteFirewallRuleGroup),
	"ListFirewallRuleGroups":                 op.Of((*Handler).listFirewallRuleGroups),
	"GetFirewallRuleGroupPolicy":             op.Of((*Handler).getFirewallRuleGroupPolicy),
	"PutFirewallRuleGroupPolicy":             op.Of((*Handler).putFirewallRuleGroupPolicy),
	"CreateFirewallRule":                     op.Of((*Handler).createFirewallRule),
	"UpdateFirewallRule":                     op.Of((*Handler).updateFirewallRule),
	"DeleteFirewallRule":                     op.Of((*Handler).deleteFirewallRule),
	"ListFirewallRules":                      op.Of((*Handler).listFirewallRules),
	"AssociateFirewallRuleGroup":             op.Of((*Handler).associateFirewallRuleGroup),
	"GetFirewallRuleGroupAssociation":        op.Of((*Handler).getFirewallRuleGroupAssociation),
	"DisassociateFirewallRuleGroup":          op.Of((*Handler).disassociateFirewallRuleGroup),
	"UpdateFirewallRuleGroupAssociation":     op.Of((*Handler).updateFirewallRuleGroupAssociation),
	"ListFirewallRuleGroupAssociations":      op.Of((*Handler).listFirewallRuleGroupAssociations),
	"GetFirewallConfig":                      op.Of((*Handler).getFirewallConfig),
	"ListFirewallConfigs":                    op.Of((*Handler).listFirewallConfigs),
	"UpdateFirewallConfig":                   op.Of((*Handler).updateFirewallConfig),
	"TagResource":                            op.Of((*Handler).tagResource),
	"UntagResource":                          op.Of((*Handler).untagResource),
	"ListTagsForResource":                    op.Of((*Handler).listTags),
}

// Operations lists the operations served, sorted.
func Operations() []string {
	var out []string
	for k := range operations {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Operation returns the operation served under name.
func Operation(name string) (op.Operation[Handler], bool) {
	o, ok := operations[name]
	return o, ok
}

// Serve answers one request whose body has been read; target is the
// X-Amz-Target header.
func (h *Handler) Serve(ctx context.Context, w http.ResponseWriter, r *op.Request, target string) {
	name, _ := strings.CutPrefix(target, TargetPrefix)
	o, ok := operations[name]
	if !ok {
		WriteError(w, &apierr.Error{Kind: apierr.UnknownOperation, Message: "Unknown operation " + target})
		return
	}
	r.Operation = name
	ctx = op.WithRequest(ctx, r)
	out, err := o.Call(h, ctx, func(in any) error {
		if err := op.DecodeJSON(r.Body, in); err != nil {
			return err
		}
		return h.checkNamed(ctx, in) // another account's resource is not there (accounts.go)
	})
	if err != nil {
		WriteError(w, apierr.As(err, fields))
		return
	}
	data, merr := json.Marshal(out)
	if merr != nil {
		WriteError(w, apierr.As(merr, nil))
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

// WriteError writes e in the awsJson1_1 shape: {"__type", "message"} with
// FieldName or ResourceType where the error shape has them, and the code in
// X-Amzn-ErrorType.
func WriteError(w http.ResponseWriter, e *apierr.Error) {
	code := e.Code(apierr.Resolver)
	body := map[string]string{"__type": code, "message": e.Message}
	switch code {
	case "InvalidParameterException":
		if e.Field != "" {
			body["FieldName"] = e.Field
		}
	case "ResourceNotFoundException", "ResourceExistsException", "ResourceInUseException",
		"ResourceUnavailableException", "LimitExceededException":
		if e.Resource != "" {
			body["ResourceType"] = e.Resource
		}
	}
	data, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(e.Status(apierr.Resolver))
	w.Write(data)
}

// fields maps network.yaml keys to Route 53 Resolver request members, for
// the FieldName of validation errors.
var fields = map[string]string{
	"domain_name":       "DomainName",
	"target_ips":        "TargetIps",
	"ip":                "Ip",
	"port":              "Port",
	"resolver_endpoint": "ResolverEndpointId",
	"vpcs":              "VPCId",
	"rule_type":         "RuleType",
	"name":              "Name",
	"ip_addresses":      "IpAddresses",
	"subnet":            "SubnetId",
	"security_groups":   "SecurityGroupIds",
	"direction":         "Direction",
	"listen":            "Tags",
	"resolver_listen":   "Tags",
	"destination":       "DestinationArn",
}

// timeString is the Rfc3339TimeString of the API.
func timeString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func arn(n *config.Network, kind, id string) string {
	return ownerARN(n, "", kind, id)
}

// ownerARN is the ARN of a resource of account owner ("" is the network's).
func ownerARN(n *config.Network, owner, kind, id string) string {
	return "arn:aws:route53resolver:" + n.Region + ":" + cmp.Or(owner, n.AccountID) + ":" + kind + "/" + id
}

// parseARN returns the resource type and id of a Route 53 Resolver ARN.
func parseARN(s string) (kind, id string, ok bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "route53resolver" {
		return "", "", false
	}
	kind, id, ok = strings.Cut(parts[5], "/")
	return kind, id, ok && id != ""
}

// Filter is a list filter of the API.
type Filter struct {
	Name   string   `json:"Name"`
	Values []string `json:"Values"`
}

// pageParams are the pagination members of List operations.
type pageParams struct {
	MaxResults *int   `json:"MaxResults"`
	NextToken  string `json:"NextToken"`
}

// listParams are the members of List operations that filter.
type listParams struct {
	pageParams
	Filters []Filter `json:"Filters"`
}

// attrs are the values of an item's filterable attributes, by normalized
// filter name (lower case, no underscores).
type attrs map[string][]string

func normFilter(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, "_", ""))
}

// filterItems keeps the items every filter matches (one of its values).
// known lists the accepted filter names, normalized.
func filterItems[T any](items []T, filters []Filter, known []string, get func(T) attrs) ([]T, error) {
	for _, f := range filters {
		if !slices.Contains(known, normFilter(f.Name)) {
			return nil, apierr.Param("Filters", "The filter '%s' is not supported; use one of %s", f.Name, strings.Join(known, ", "))
		}
	}
	var out []T
	for _, it := range items {
		a := get(it)
		ok := true
		for _, f := range filters {
			vals := a[normFilter(f.Name)]
			match := false
			for _, want := range f.Values {
				for _, have := range vals {
					if have == want || strings.EqualFold(strings.TrimSuffix(have, "."), strings.TrimSuffix(want, ".")) {
						match = true
					}
				}
			}
			ok = ok && match
		}
		if ok {
			out = append(out, it)
		}
	}
	return out, nil
}

// paginate checks MaxResults (lo..100, default 100) and cuts the page.
func paginate[T any](items []T, p pageParams, lo int) ([]T, string, *int, error) {
	max := 100
	if p.MaxResults != nil {
		max = *p.MaxResults
		if max < lo || max > 100 {
			return nil, "", nil, apierr.Param("MaxResults", "MaxResults must be between %d and 100", lo)
		}
	}
	out, next, err := page.Slice(items, p.NextToken, max)
	return out, next, &max, err
}

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

func tagList(m map[string]string) []Tag {
	out := []Tag{}
	for k, v := range m {
		out = append(out, Tag{k, v})
	}
	slices.SortFunc(out, func(a, b Tag) int { return strings.Compare(a.Key, b.Key) })
	return out
}

func tagMap(tags []Tag) (map[string]string, error) {
	if len(tags) == 0 {
		return nil, nil
	}
	m := map[string]string{}
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return nil, &apierr.Error{Kind: apierr.InvalidParameter, Field: "Tags", Message: "a tag key is 1 to 128 characters and its value at most 256"}
		}
		m[t.Key] = t.Value
	}
	return m, nil
}

// required reports a missing required member.
func required(field, value string) error {
	if value == "" {
		return apierr.Missing(field)
	}
	return nil
}

// creatorTaken reports whether a resource of kind already has this creator
// request id.
func creatorTaken(st *store.State, kind, crid string) bool {
	for _, o := range st.Meta.Objects {
		if o.Kind == kind && o.CreatorRequestID == crid {
			return true
		}
	}
	return false
}
