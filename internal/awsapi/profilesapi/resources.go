package profilesapi

import (
	"context"
	"strings"

	"slices"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// resource is a resource a Profile carries: its type and id.
type resource struct {
	typ, id string
}

// list is the list of Profile pf that holds resources of type typ.
func list(pf *config.ProfileFile, typ string) *[]string {
	switch typ {
	case TypeRule:
		return &pf.ResolverRules
	case TypeHostedZone:
		return &pf.PrivateHostedZones
	case TypeVPCEndpoint:
		return &pf.VPCEndpoints
	}
	return &pf.FirewallRuleGroups
}

// resources lists what pf carries, in the order of its lists.
func resources(pf *config.ProfileFile) []resource {
	var out []resource
	for _, typ := range []string{TypeRule, TypeHostedZone, TypeVPCEndpoint, TypeFirewallGroup} {
		for _, id := range *list(pf, typ) {
			out = append(out, resource{typ, id})
		}
	}
	return out
}

// arnOf is the ARN of a resource of network n.
func arnOf(n *config.Network, r resource) string {
	switch r.typ {
	case TypeRule:
		owner := n.AccountID
		for _, x := range n.Rules {
			if x.ID == r.id {
				owner = x.OwnerAccount
			}
		}
		return "arn:aws:route53resolver:" + n.Region + ":" + owner + ":resolver-rule/" + r.id
	case TypeHostedZone:
		return "arn:aws:route53:::hostedzone/" + r.id
	case TypeVPCEndpoint:
		owner := n.AccountID
		for _, x := range n.VPCEndpoints {
			if x.ID == r.id {
				owner = x.OwnerAccount
			}
		}
		return "arn:aws:ec2:" + n.Region + ":" + owner + ":vpc-endpoint/" + r.id
	}
	return "arn:aws:route53resolver:" + n.Region + ":" + n.AccountID + ":firewall-rule-group/" + r.id
}

func badARN(arn, why string) error {
	return apierr.Param("ResourceArn", "The resource ARN %s %s.", arn, why)
}

// resourceOf finds the resource an ARN names among those caller may put
// in a Profile: its resolver rules and those shared with it, its private
// hosted zones, its interface VPC endpoints.
func resourceOf(st *store.State, n *config.Network, arn, caller string) (resource, error) {
	if arn == "" {
		return resource{}, apierr.Missing("ResourceArn")
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return resource{}, badARN(arn, "is not valid")
	}
	kind, id, _ := strings.Cut(parts[5], "/")
	notFound := apierr.New(apierr.NotFound, "", "The resource %s doesn't exist.", arn)
	switch parts[2] + " " + kind {
	case "route53resolver resolver-rule":
		for _, r := range n.Rules {
			if r.ID == id && (r.OwnerAccount == caller || store.SharedWith(st, arn, caller)) {
				return resource{TypeRule, id}, nil
			}
		}
		return resource{}, notFound
	case "route53 hostedzone":
		for _, z := range n.HostedZones {
			if z.ID == id && z.OwnerAccount == caller {
				return resource{TypeHostedZone, id}, nil
			}
		}
		for _, z := range n.PublicZones {
			if z.ID == id {
				return resource{}, badARN(arn, "is a public hosted zone: a Profile carries private hosted zones")
			}
		}
		return resource{}, notFound
	case "ec2 vpc-endpoint":
		for _, e := range n.VPCEndpoints {
			if e.ID == id && e.OwnerAccount == caller {
				if e.Type != "interface" {
					return resource{}, badARN(arn, "is a "+e.Type+" endpoint: a Profile carries interface VPC endpoints")
				}
				return resource{TypeVPCEndpoint, id}, nil
			}
		}
		return resource{}, notFound
	case "route53resolver firewall-rule-group":
		return resource{}, &apierr.Error{Kind: apierr.Unsupported, Field: "ResourceArn",
			Message: "vpcdns does not model DNS Firewall rule groups in Route 53 Profiles: " + arn}
	}
	return resource{}, badARN(arn, "names no resource a Profile can carry (a resolver rule, a private hosted zone or an interface VPC endpoint)")
}

func (h *Handler) resourceShape(st *store.State, n *config.Network, pf *config.ProfileFile, r resource) ProfileResourceAssociation {
	out := ProfileResourceAssociation{OwnerId: ownerOf(n, pf), ProfileId: pf.ID, ResourceArn: arnOf(n, r), ResourceType: r.typ, Status: statusComplete}
	if a := st.Meta.Assocs[store.AssocKey(store.AssocProfileRes, pf.ID, r.id)]; a != nil {
		out.Id, out.Name, out.CreationTime, out.ModificationTime = a.ID, a.Name, unix(a.Created), unix(a.Created)
		if h.Store.Pending(a.ID) {
			out.Status, out.StatusMessage = statusCreating, "Creating the association of the resource with the profile."
		}
	}
	return out
}

type associateResourceIn struct {
	Name               string `json:"Name"`
	ProfileId          string `json:"ProfileId"`
	ResourceArn        string `json:"ResourceArn"`
	ResourceProperties string `json:"ResourceProperties"`
}

type resourceAssociationOut struct {
	ProfileResourceAssociation ProfileResourceAssociation `json:"ProfileResourceAssociation"`
}

func noProperties(p string) error {
	if p != "" {
		return apierr.Param("ResourceProperties", "Only a DNS Firewall rule group has resource properties (its priority).")
	}
	return nil
}

func (h *Handler) associateResource(ctx context.Context, in *associateResourceIn) (resourceAssociationOut, error) {
	if err := checkName("Name", in.Name, true); err != nil {
		return resourceAssociationOut{}, err
	}
	var res resource
	st, n, err := h.Store.Update(ctx, nil, func(tx *store.Tx) error {
		caller := op.Caller(ctx, tx.Net.AccountID)
		i, err := owned(tx.State, tx.Net, in.ProfileId, caller)
		if err != nil {
			return err
		}
		if res, err = resourceOf(tx.State, tx.Net, in.ResourceArn, caller); err != nil {
			return err
		}
		if err := noProperties(in.ResourceProperties); err != nil {
			return err
		}
		pf := &tx.File.Profiles[i]
		if len(resources(pf)) >= maxResourcesPerProfile {
			return apierr.New(apierr.Limit, apierr.ResProfileRes, "The profile %s carries %d resources, the most it can.", pf.ID, maxResourcesPerProfile)
		}
		l := list(pf, res.typ)
		if slices.Contains(*l, res.id) {
			return apierr.New(apierr.StateConflict, apierr.ResProfileRes, "The resource %s is associated with profile %s already.", in.ResourceArn, pf.ID)
		}
		*l = append(*l, res.id)
		a := &store.Assoc{ID: store.NewID(store.PrefixProfRes), Name: in.Name, Created: tx.Now}
		tx.Meta.Assocs[store.AssocKey(store.AssocProfileRes, pf.ID, res.id)] = a
		tx.MarkPending(a.ID)
		return nil
	})
	if err != nil {
		return resourceAssociationOut{}, err
	}
	i := profileIndex(&st.File, in.ProfileId)
	return resourceAssociationOut{ProfileResourceAssociation: h.resourceShape(st, n, &st.File.Profiles[i], res)}, nil
}

type disassociateResourceIn struct {
	ProfileId   string `json:"-" uri:"ProfileId"`
	ResourceArn string `json:"-" uri:"ResourceArn"`
}

// carried finds the resource arn among those of pf.
func carried(n *config.Network, pf *config.ProfileFile, arn string) (resource, bool) {
	for _, r := range resources(pf) {
		if arnOf(n, r) == arn {
			return r, true
		}
	}
	return resource{}, false
}

func (h *Handler) disassociateResource(ctx context.Context, in *disassociateResourceIn) (resourceAssociationOut, error) {
	var gone ProfileResourceAssociation
	_, _, err := h.Store.Update(ctx, nil, func(tx *store.Tx) error {
		caller := op.Caller(ctx, tx.Net.AccountID)
		i, err := owned(tx.State, tx.Net, in.ProfileId, caller)
		if err != nil {
			return err
		}
		pf := &tx.File.Profiles[i]
		r, ok := carried(tx.Net, pf, in.ResourceArn)
		if !ok {
			return apierr.New(apierr.NotFound, apierr.ResProfileRes, "The resource %s is not associated with profile %s.", in.ResourceArn, pf.ID)
		}
		gone = h.resourceShape(tx.State, tx.Net, pf, r)
		l := list(pf, r.typ)
		*l = slices.DeleteFunc(*l, func(id string) bool { return id == r.id })
		return nil
	})
	if err != nil {
		return resourceAssociationOut{}, err
	}
	gone.Status, gone.StatusMessage = statusDeleting, "Deleting the association of the resource with the profile."
	return resourceAssociationOut{ProfileResourceAssociation: gone}, nil
}

// findResourceAssoc finds a resource association by id among the
// Profiles caller sees.
func (h *Handler) findResourceAssoc(st *store.State, n *config.Network, id, caller string) (int, resource, error) {
	if id == "" {
		return -1, resource{}, apierr.Missing("ProfileResourceAssociationId")
	}
	for i := range st.File.Profiles {
		pf := &st.File.Profiles[i]
		if !visible(st, n, pf, caller) {
			continue
		}
		for _, r := range resources(pf) {
			if a := st.Meta.Assocs[store.AssocKey(store.AssocProfileRes, pf.ID, r.id)]; a != nil && a.ID == id {
				return i, r, nil
			}
		}
	}
	return -1, resource{}, apierr.New(apierr.NotFound, apierr.ResProfileRes, "The profile resource association %s doesn't exist.", id)
}

type resourceAssocIDIn struct {
	ProfileResourceAssociationId string `json:"-" uri:"ProfileResourceAssociationId"`
}

func (h *Handler) getResourceAssociation(ctx context.Context, in *resourceAssocIDIn) (resourceAssociationOut, error) {
	st, n := h.Store.Snapshot()
	i, r, err := h.findResourceAssoc(st, n, in.ProfileResourceAssociationId, op.Caller(ctx, n.AccountID))
	if err != nil {
		return resourceAssociationOut{}, err
	}
	return resourceAssociationOut{ProfileResourceAssociation: h.resourceShape(st, n, &st.File.Profiles[i], r)}, nil
}

type updateResourceIn struct {
	Name                         *string `json:"Name"`
	ProfileResourceAssociationId string  `json:"-" uri:"ProfileResourceAssociationId"`
	ResourceProperties           string  `json:"ResourceProperties"`
}

// updateResourceAssociation renames a resource association: the
// resources vpcdns carries in Profiles have no properties.
func (h *Handler) updateResourceAssociation(ctx context.Context, in *updateResourceIn) (resourceAssociationOut, error) {
	if in.Name != nil {
		if err := checkName("Name", *in.Name, false); err != nil {
			return resourceAssociationOut{}, err
		}
	}
	var id string
	var res resource
	st, n, err := h.Store.Update(ctx, nil, func(tx *store.Tx) error {
		caller := op.Caller(ctx, tx.Net.AccountID)
		i, r, err := h.findResourceAssoc(tx.State, tx.Net, in.ProfileResourceAssociationId, caller)
		if err != nil {
			return err
		}
		pf := &tx.File.Profiles[i]
		if ownerOf(tx.Net, pf) != caller {
			return accessDenied(caller, pf.ID)
		}
		if err := noProperties(in.ResourceProperties); err != nil {
			return err
		}
		id, res = pf.ID, r
		k := store.AssocKey(store.AssocProfileRes, pf.ID, r.id)
		if in.Name != nil {
			a := *tx.Meta.Assocs[k]
			a.Name = *in.Name
			tx.Meta.Assocs[k] = &a
		}
		return nil
	})
	if err != nil {
		return resourceAssociationOut{}, err
	}
	i := profileIndex(&st.File, id)
	return resourceAssociationOut{ProfileResourceAssociation: h.resourceShape(st, n, &st.File.Profiles[i], res)}, nil
}

type listResourcesIn struct {
	listIn
	ProfileId    string `json:"-" uri:"ProfileId"`
	ResourceType string `json:"-" query:"resourceType"`
}

type listResourcesOut struct {
	NextToken                   string                       `json:"NextToken,omitempty"`
	ProfileResourceAssociations []ProfileResourceAssociation `json:"ProfileResourceAssociations"`
}

func (h *Handler) listResourceAssociations(ctx context.Context, in *listResourcesIn) (listResourcesOut, error) {
	st, n := h.Store.Snapshot()
	i, err := lookup(st, n, in.ProfileId, op.Caller(ctx, n.AccountID))
	if err != nil {
		return listResourcesOut{}, err
	}
	pf := &st.File.Profiles[i]
	var all []ProfileResourceAssociation
	for _, r := range resources(pf) {
		if in.ResourceType == "" || strings.EqualFold(in.ResourceType, r.typ) {
			all = append(all, h.resourceShape(st, n, pf, r))
		}
	}
	pg, next, err := pageOf(all, in.listIn)
	if err != nil {
		return listResourcesOut{}, err
	}
	return listResourcesOut{ProfileResourceAssociations: pg, NextToken: next}, nil
}
