package resolverapi

import (
	"cmp"
	"context"
	"reflect"
	"strings"

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
	if i := vpcIndex(&st.File, id); i >= 0 {
		return cmp.Or(st.File.VPCs[i].OwnerAccount, n.AccountID)
	}
	return ""
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
// of another account. in is the decoded request.
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
	if ep == "" && ql == "" && !strings.HasPrefix(res, "vpc-") {
		return nil
	}
	st, n := h.Store.Snapshot()
	who := caller(ctx, n)
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
