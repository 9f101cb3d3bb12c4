package resolverapi

import (
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
	out := ResolverConfig{ResourceId: v.ID, OwnerId: n.AccountID, AutodefinedReverse: "ENABLED"}
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
	out := ResolverDnssecConfig{ResourceId: v.ID, OwnerId: n.AccountID, ValidationStatus: "DISABLED"}
	if o := st.Meta.Objects[v.ID]; o != nil {
		out.Id = o.DNSSECConfig
		if o.DNSSECValidation {
			out.ValidationStatus = "ENABLED"
		}
	}
	return out
}

func (h *Handler) vpcOf(resourceID string) (*store.State, *config.Network, int, error) {
	if err := required("ResourceId", resourceID); err != nil {
		return nil, nil, 0, err
	}
	st, n := h.Store.Snapshot()
	i := vpcIndex(&st.File, resourceID)
	if i < 0 {
		return nil, nil, 0, vpcNotFound(resourceID)
	}
	return st, n, i, nil
}

func (h *Handler) getConfig(body []byte) (any, error) {
	var in struct{ ResourceId string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	st, n, i, err := h.vpcOf(in.ResourceId)
	if err != nil {
		return nil, err
	}
	return map[string]any{"ResolverConfig": configShape(st, n, i)}, nil
}

func (h *Handler) listConfigs(body []byte) (any, error) {
	var in listParams
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	st, n := h.Store.Snapshot()
	var all []ResolverConfig
	for i := range st.File.VPCs {
		all = append(all, configShape(st, n, i))
	}
	pg, next, _, err := paginate(all, in, 5)
	if err != nil {
		return nil, err
	}
	return listOut("ResolverConfigs", pg, next, nil), nil
}

func (h *Handler) updateConfig(body []byte) (any, error) {
	var in struct{ ResourceId, AutodefinedReverseFlag string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("ResourceId", in.ResourceId); err != nil {
		return nil, err
	}
	var flag string
	switch in.AutodefinedReverseFlag {
	case "ENABLE":
		flag = "enable"
	case "DISABLE":
		flag = "disable"
	case "":
		return nil, apierr.Missing("AutodefinedReverseFlag")
	case "USE_LOCAL_RESOURCE_SETTING":
		return nil, &apierr.Error{Kind: apierr.Unsupported, Field: "AutodefinedReverseFlag", Message: "vpcdns does not model Route 53 Profiles: use ENABLE or DISABLE"}
	default:
		return nil, apierr.Param("AutodefinedReverseFlag", "AutodefinedReverseFlag must be ENABLE or DISABLE, not '%s'", in.AutodefinedReverseFlag)
	}
	st, n, err := h.Store.Update(fields, func(tx *store.Tx) error {
		i := vpcIndex(&tx.File, in.ResourceId)
		if i < 0 {
			return vpcNotFound(in.ResourceId)
		}
		tx.File.VPCs[i].AutodefinedReverse = flag
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"ResolverConfig": configShape(st, n, vpcIndex(&st.File, in.ResourceId))}, nil
}

func (h *Handler) getDNSSEC(body []byte) (any, error) {
	var in struct{ ResourceId string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	st, n, i, err := h.vpcOf(in.ResourceId)
	if err != nil {
		return nil, err
	}
	return map[string]any{"ResolverDNSSECConfig": dnssecShape(st, n, i)}, nil
}

func (h *Handler) listDNSSEC(body []byte) (any, error) {
	var in listParams
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	st, n := h.Store.Snapshot()
	var all []ResolverDnssecConfig
	for i := range st.File.VPCs {
		all = append(all, dnssecShape(st, n, i))
	}
	items, err := filterItems(all, in.Filters, []string{"resourceid", "validationstatus"}, func(d ResolverDnssecConfig) attrs {
		return attrs{"resourceid": {d.ResourceId}, "validationstatus": {d.ValidationStatus}}
	})
	if err != nil {
		return nil, err
	}
	pg, next, _, err := paginate(items, in, 1)
	if err != nil {
		return nil, err
	}
	return listOut("ResolverDnssecConfigs", pg, next, nil), nil
}

func (h *Handler) updateDNSSEC(body []byte) (any, error) {
	var in struct{ ResourceId, Validation string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("ResourceId", in.ResourceId); err != nil {
		return nil, err
	}
	var on bool
	switch in.Validation {
	case "ENABLE":
		on = true
	case "DISABLE":
	case "":
		return nil, apierr.Missing("Validation")
	case "USE_LOCAL_RESOURCE_SETTING":
		return nil, &apierr.Error{Kind: apierr.Unsupported, Field: "Validation", Message: "vpcdns does not model Route 53 Profiles: use ENABLE or DISABLE"}
	default:
		return nil, apierr.Param("Validation", "Validation must be ENABLE or DISABLE, not '%s'", in.Validation)
	}
	st, n, err := h.Store.Update(fields, func(tx *store.Tx) error {
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
		return nil, err
	}
	return map[string]any{"ResolverDNSSECConfig": dnssecShape(st, n, vpcIndex(&st.File, in.ResourceId))}, nil
}
