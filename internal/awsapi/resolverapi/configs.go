package resolverapi

import (
	"cmp"
	"context"
	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// ResolverConfig is the API's ResolverConfig: the autodefined reverse flag
// of one VPC.
type ResolverConfig struct {
	Id                 string `json:"Id"`
	ResourceId         string `json:"ResourceId"`
	OwnerId            string `json:"OwnerId"`
	AutodefinedReverse string `json:"AutodefinedReverse"`
}

// ResolverDnssecConfig is the API's ResolverDnssecConfig. vpcdns keeps the
// flag but does not validate DNSSEC (behaviour.md §5).
type ResolverDnssecConfig struct {
	Id               string `json:"Id"`
	OwnerId          string `json:"OwnerId"`
	ResourceId       string `json:"ResourceId"`
	ValidationStatus string `json:"ValidationStatus"`
}

func configShape(st *store.State, n *config.Network, i int) ResolverConfig {
	v := st.File.VPCs[i]
	out := ResolverConfig{ResourceId: v.ID, OwnerId: cmp.Or(v.OwnerAccount, n.AccountID), AutodefinedReverse: "ENABLED"}
	if !n.VPCs[i].AutodefinedReverse {
		out.AutodefinedReverse = "DISABLED"
	}
	if o := st.Meta.Objects[v.ID]; o != nil {
		out.Id = o.ResolverConfig
	}
	return out
}

func dnssecShape(st *store.State, n *config.Network, i int) ResolverDnssecConfig {
	v := st.File.VPCs[i]
	out := ResolverDnssecConfig{ResourceId: v.ID, OwnerId: cmp.Or(v.OwnerAccount, n.AccountID), ValidationStatus: "DISABLED"}
	if o := st.Meta.Objects[v.ID]; o != nil {
		out.Id = o.DNSSECConfig
		if o.DNSSECValidation {
			out.ValidationStatus = "ENABLED"
		}
	}
	return out
}

// resourceIDIn is a Get request of a per-VPC config.
type resourceIDIn struct{ ResourceId string }

// vpcOf reads the ResourceId of a Get request: a VPC of the current state.
func (h *Handler) vpcOf(in *resourceIDIn) (*store.State, *config.Network, int, error) {
	if err := required("ResourceId", in.ResourceId); err != nil {
		return nil, nil, 0, err
	}
	st, n := h.Store.Snapshot()
	i := vpcIndex(&st.File, in.ResourceId)
	if i < 0 {
		return nil, nil, 0, vpcNotFound(in.ResourceId)
	}
	return st, n, i, nil
}

// perVPC makes one shape for each VPC of the state that account owns.
func perVPC[T any](st *store.State, n *config.Network, account string, shape func(*store.State, *config.Network, int) T) []T {
	var out []T
	for i, v := range st.File.VPCs {
		if cmp.Or(v.OwnerAccount, n.AccountID) == account {
			out = append(out, shape(st, n, i))
		}
	}
	return out
}

// toggle reads an ENABLE or DISABLE member of an Update request.
func toggle(field, value string) (bool, error) {
	switch value {
	case "ENABLE":
		return true, nil
	case "DISABLE":
		return false, nil
	case "":
		return false, apierr.Missing(field)
	case "USE_LOCAL_RESOURCE_SETTING":
		return false, &apierr.Error{Kind: apierr.Unsupported, Field: field, Message: "vpcdns does not model Route 53 Profiles: use ENABLE or DISABLE"}
	}
	return false, apierr.Param(field, "%s must be ENABLE or DISABLE, not '%s'", field, value)
}

func (h *Handler) getConfig(ctx context.Context, in *resourceIDIn) (resolverConfigOut, error) {
	st, n, i, err := h.vpcOf(in)
	if err != nil {
		return resolverConfigOut{}, err
	}
	return resolverConfigOut{ResolverConfig: configShape(st, n, i)}, nil
}

func (h *Handler) listConfigs(ctx context.Context, in *pageParams) (resolverConfigsOut, error) {
	st, n := h.Store.Snapshot()
	pg, next, _, err := paginate(perVPC(st, n, caller(ctx, n), configShape), *in, 5)
	if err != nil {
		return resolverConfigsOut{}, err
	}
	return resolverConfigsOut{ResolverConfigs: nonNil(pg), NextToken: next}, nil
}

func (h *Handler) updateConfig(ctx context.Context, in *struct{ ResourceId, AutodefinedReverseFlag string }) (resolverConfigOut, error) {
	if err := required("ResourceId", in.ResourceId); err != nil {
		return resolverConfigOut{}, err
	}
	on, err := toggle("AutodefinedReverseFlag", in.AutodefinedReverseFlag)
	if err != nil {
		return resolverConfigOut{}, err
	}
	flag := "disable"
	if on {
		flag = "enable"
	}
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		i := vpcIndex(&tx.File, in.ResourceId)
		if i < 0 {
			return vpcNotFound(in.ResourceId)
		}
		tx.File.VPCs[i].AutodefinedReverse = flag
		return nil
	})
	if err != nil {
		return resolverConfigOut{}, err
	}
	return resolverConfigOut{ResolverConfig: configShape(st, n, vpcIndex(&st.File, in.ResourceId))}, nil
}

func (h *Handler) getDNSSEC(ctx context.Context, in *resourceIDIn) (resolverDNSSECConfigOut, error) {
	st, n, i, err := h.vpcOf(in)
	if err != nil {
		return resolverDNSSECConfigOut{}, err
	}
	return resolverDNSSECConfigOut{ResolverDNSSECConfig: dnssecShape(st, n, i)}, nil
}

func (h *Handler) listDNSSEC(ctx context.Context, in *listParams) (resolverDnssecConfigsOut, error) {
	st, n := h.Store.Snapshot()
	items, err := filterItems(perVPC(st, n, caller(ctx, n), dnssecShape), in.Filters, []string{"resourceid", "validationstatus"}, func(d ResolverDnssecConfig) attrs {
		return attrs{"resourceid": {d.ResourceId}, "validationstatus": {d.ValidationStatus}}
	})
	if err != nil {
		return resolverDnssecConfigsOut{}, err
	}
	pg, next, _, err := paginate(items, in.pageParams, 1)
	if err != nil {
		return resolverDnssecConfigsOut{}, err
	}
	return resolverDnssecConfigsOut{ResolverDnssecConfigs: nonNil(pg), NextToken: next}, nil
}

func (h *Handler) updateDNSSEC(ctx context.Context, in *struct{ ResourceId, Validation string }) (resolverDNSSECConfigOut, error) {
	if err := required("ResourceId", in.ResourceId); err != nil {
		return resolverDNSSECConfigOut{}, err
	}
	on, err := toggle("Validation", in.Validation)
	if err != nil {
		return resolverDNSSECConfigOut{}, err
	}
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if vpcIndex(&tx.File, in.ResourceId) < 0 {
			return vpcNotFound(in.ResourceId)
		}
		o := tx.Meta.Objects[in.ResourceId]
		if o == nil {
			o = &store.Object{Kind: store.KindVPC, Created: tx.Now, Modified: tx.Now}
			tx.Meta.Objects[in.ResourceId] = o
		}
		o.DNSSECValidation = on
		return nil
	})
	if err != nil {
		return resolverDNSSECConfigOut{}, err
	}
	return resolverDNSSECConfigOut{ResolverDNSSECConfig: dnssecShape(st, n, vpcIndex(&st.File, in.ResourceId))}, nil
}
