package resolverapi

import (
	"cmp"
	"context"
	"reflect"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// Accounts (docs/api.md#accounts). Resolver endpoints and query logging
// configurations belong to the account that created them, resolver and
// DNSSEC configs and the associations of a VPC to the VPC's owner. An
// account sees only its own (resolver rules, which RAM shares, are in
// rules.go): List operations leave the others out, and a request that
// names one gets ResourceNotFoundException, as for an id that does not
// exist.

// vpcOwnerOf is the account that owns the VPC id ("" when there is none).
func vpcOwnerOf(st *store.State, n *config.Network, id string) string {
	owner, _ := store.VPCOwner(&st.File, n, id)
	return owner
}

// endpointOwner is the account that owns the endpoint id ("" when there is
// none).
func endpointOwner(st *store.State, n *config.Network, id string) string {
	if i := endpointIndex(&st.File, id); i >= 0 {
		return cmp.Or(st.File.Endpoints[i].OwnerAccount, n.AccountID)
	}
	return ""
}

// queryLogOwner is the account that owns the query logging configuration
// id: kept in its side record (it is in network.yaml only while it has
// VPCs, with the same owner_account).
func queryLogOwner(st *store.State, n *config.Network, id string) string {
	if o := st.Meta.Objects[id]; o != nil && o.Kind == store.KindQueryLog {
		return cmp.Or(o.Owner, n.AccountID)
	}
	return ""
}

// seen reports whether caller sees the resource of owner ("" is no such
// resource: its handler answers not-found).
func seen(owner, caller string) bool { return owner == "" || owner == caller }

// caller is the account of the request of ctx.
func caller(ctx context.Context, n *config.Network) string { return op.Caller(ctx, n.AccountID) }

// checkNamed answers ResourceNotFoundException for a request member that
// names an endpoint, a query logging configuration or a VPC (ResourceId)
// of another account, and InvalidParameterException for its subnets and
// security groups (as for ones that do not exist). in is the decoded
// request.
func (h *Handler) checkNamed(ctx context.Context, in any) error {
	v := reflect.ValueOf(in)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	str := func(name string) string {
		f := v.FieldByName(name)
		if !f.IsValid() || f.Kind() != reflect.String {
			return ""
		}
		return f.String()
	}
	ep, ql, res := str("ResolverEndpointId"), str("ResolverQueryLogConfigId"), str("ResourceId")
	subnets, groups := subnetsOf(v), stringsOf(v.FieldByName("SecurityGroupIds"))
	if ep == "" && ql == "" && !strings.HasPrefix(res, "vpc-") && len(subnets) == 0 && len(groups) == 0 {
		return nil
	}
	st, n := h.Store.Snapshot()
	who := caller(ctx, n)
	for _, s := range subnets {
		if vpc, _ := subnetOf(&st.File, s); vpc != nil && !seen(cmp.Or(vpc.OwnerAccount, n.AccountID), who) {
			return apierr.Param("SubnetId", "Subnet with ID '%s' does not exist.", s)
		}
	}
	for _, g := range groups {
		for _, sg := range st.File.SecurityGroups {
			if sg.ID == g && !seen(cmp.Or(sg.OwnerAccount, vpcOwnerOf(st, n, sg.VPC), n.AccountID), who) {
				return apierr.Param("SecurityGroupIds", "Security group with ID '%s' does not exist.", g)
			}
		}
	}
	switch {
	case ep != "" && !seen(endpointOwner(st, n, ep), who):
		return endpointNotFound(ep)
	case ql != "" && !seen(queryLogOwner(st, n, ql), who):
		return queryLogNotFound(ql)
	case strings.HasPrefix(res, "vpc-") && !seen(vpcOwnerOf(st, n, res), who):
		return vpcNotFound(res)
	}
	return nil
}

// subnetsOf are the SubnetId members of a request's IpAddresses (a list)
// or IpAddress (one).
func subnetsOf(v reflect.Value) []string {
	var out []string
	add := func(x reflect.Value) {
		if x.Kind() == reflect.Pointer && !x.IsNil() {
			x = x.Elem()
		}
		if x.Kind() == reflect.Struct {
			if f := x.FieldByName("SubnetId"); f.IsValid() && f.Kind() == reflect.String && f.String() != "" {
				out = append(out, f.String())
			}
		}
	}
	if l := v.FieldByName("IpAddresses"); l.IsValid() && l.Kind() == reflect.Slice {
		for i := range l.Len() {
			add(l.Index(i))
		}
	}
	if one := v.FieldByName("IpAddress"); one.IsValid() {
		add(one)
	}
	return out
}

// stringsOf is a []string field's value (nil for any other).
func stringsOf(f reflect.Value) []string {
	if !f.IsValid() || f.Kind() != reflect.Slice || f.Type().Elem().Kind() != reflect.String {
		return nil
	}
	out := make([]string, f.Len())
	for i := range out {
		out[i] = f.Index(i).String()
	}
	return out
}
