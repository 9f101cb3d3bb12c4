package profilesapi

import (
	"context"
	"slices"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// assocShape is the association of Profile pf with a VPC. As a rule
// association does, it reads CREATING until DNS answers with it.
func (h *Handler) assocShape(st *store.State, n *config.Network, pf *config.ProfileFile, vpc string) ProfileAssociation {
	out := ProfileAssociation{ProfileId: pf.ID, ResourceId: vpc, Status: statusComplete}
	out.OwnerId, _ = store.VPCOwner(&st.File, n, vpc)
	if a := st.Meta.Assocs[store.AssocKey(store.AssocProfile, pf.ID, vpc)]; a != nil {
		out.Id, out.Name, out.CreationTime, out.ModificationTime = a.ID, a.Name, unix(a.Created), unix(a.Created)
		if h.Store.Pending(a.ID) {
			out.Status, out.StatusMessage = statusCreating, "Creating the association of the profile with the VPC."
		}
	}
	return out
}

type associateProfileIn struct {
	Name       string `json:"Name"`
	ProfileId  string `json:"ProfileId"`
	ResourceId string `json:"ResourceId"`
	Tags       []Tag  `json:"Tags"`
}

type profileAssociationOut struct {
	ProfileAssociation ProfileAssociation `json:"ProfileAssociation"`
}

func (h *Handler) associateProfile(ctx context.Context, in *associateProfileIn) (profileAssociationOut, error) {
	if err := checkName("Name", in.Name, true); err != nil {
		return profileAssociationOut{}, err
	}
	if in.ResourceId == "" {
		return profileAssociationOut{}, apierr.Missing("ResourceId")
	}
	tags, err := tagMap(in.Tags)
	if err != nil {
		return profileAssociationOut{}, err
	}
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		caller := op.Caller(ctx, tx.Net.AccountID)
		// Another account's Profile is found only when it is shared
		// with the caller through AWS RAM.
		i, err := lookup(tx.State, tx.Net, in.ProfileId, caller)
		if err != nil {
			return err
		}
		// As on AWS, another account's VPC does not exist for the caller.
		if owner, ok := store.VPCOwner(&tx.File, tx.Net, in.ResourceId); !ok || owner != caller {
			return apierr.New(apierr.NotFound, "VPC", "The VPC %s doesn't exist.", in.ResourceId)
		}
		for j := range tx.File.Profiles {
			other := &tx.File.Profiles[j]
			if !slices.Contains(other.VPCs, in.ResourceId) {
				continue
			}
			if j == i {
				return apierr.New(apierr.Exists, apierr.ResProfileAssoc, "The profile %s is already associated with VPC %s.", other.ID, in.ResourceId)
			}
			return apierr.New(apierr.StateConflict, apierr.ResProfileAssoc,
				"The VPC %s is associated with profile %s already: a VPC can have only one Profile.", in.ResourceId, other.ID)
		}
		pf := &tx.File.Profiles[i]
		pf.VPCs = append(pf.VPCs, in.ResourceId)
		a := &store.Assoc{ID: store.NewID(store.PrefixProfAssoc), Name: in.Name, Created: tx.Now}
		tx.Meta.Assocs[store.AssocKey(store.AssocProfile, pf.ID, in.ResourceId)] = a
		if tags != nil {
			tx.Meta.Objects[a.ID] = &store.Object{Kind: store.KindProfileAssoc, Created: tx.Now, Modified: tx.Now, Tags: tags}
		}
		tx.MarkPending(a.ID)
		return nil
	})
	if err != nil {
		return profileAssociationOut{}, err
	}
	i := profileIndex(&st.File, in.ProfileId)
	return profileAssociationOut{ProfileAssociation: h.assocShape(st, n, &st.File.Profiles[i], in.ResourceId)}, nil
}

type disassociateProfileIn struct {
	ProfileId  string `json:"-" uri:"ProfileId"`
	ResourceId string `json:"-" uri:"ResourceId"`
}

func (h *Handler) disassociateProfile(ctx context.Context, in *disassociateProfileIn) (profileAssociationOut, error) {
	var gone ProfileAssociation
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		caller := op.Caller(ctx, tx.Net.AccountID)
		i, err := lookup(tx.State, tx.Net, in.ProfileId, caller)
		if err != nil {
			return err
		}
		pf := &tx.File.Profiles[i]
		j := slices.Index(pf.VPCs, in.ResourceId)
		owner, _ := store.VPCOwner(&tx.File, tx.Net, in.ResourceId)
		// The VPC's owner disassociates; so may the Profile's owner.
		if j < 0 || owner != caller && ownerOf(tx.Net, pf) != caller {
			return apierr.New(apierr.NotFound, apierr.ResProfileAssoc, "The profile %s is not associated with VPC %s.", pf.ID, in.ResourceId)
		}
		gone = h.assocShape(tx.State, tx.Net, pf, in.ResourceId)
		pf.VPCs = slices.Delete(pf.VPCs, j, j+1)
		return nil
	})
	if err != nil {
		return profileAssociationOut{}, err
	}
	gone.Status, gone.StatusMessage = statusDeleting, "Deleting the association of the profile with the VPC."
	return profileAssociationOut{ProfileAssociation: gone}, nil
}

// allAssocs lists the VPC associations caller sees: those of its VPCs and
// those of its Profiles, in network order.
func (h *Handler) allAssocs(st *store.State, n *config.Network, caller string) []ProfileAssociation {
	var out []ProfileAssociation
	for i := range st.File.Profiles {
		pf := &st.File.Profiles[i]
		for _, v := range pf.VPCs {
			a := h.assocShape(st, n, pf, v)
			if a.OwnerId == caller || ownerOf(n, pf) == caller {
				out = append(out, a)
			}
		}
	}
	return out
}

type getProfileAssociationIn struct {
	ProfileAssociationId string `json:"-" uri:"ProfileAssociationId"`
}

func (h *Handler) getProfileAssociation(ctx context.Context, in *getProfileAssociationIn) (profileAssociationOut, error) {
	st, n := h.Store.Snapshot()
	for _, a := range h.allAssocs(st, n, op.Caller(ctx, n.AccountID)) {
		if a.Id == in.ProfileAssociationId {
			return profileAssociationOut{ProfileAssociation: a}, nil
		}
	}
	return profileAssociationOut{}, apierr.New(apierr.NotFound, apierr.ResProfileAssoc, "The profile association %s doesn't exist.", in.ProfileAssociationId)
}

type listProfileAssociationsIn struct {
	listIn
	ProfileId  string `json:"-" query:"profileId"`
	ResourceId string `json:"-" query:"resourceId"`
}

type listProfileAssociationsOut struct {
	NextToken           string               `json:"NextToken,omitempty"`
	ProfileAssociations []ProfileAssociation `json:"ProfileAssociations"`
}

func (h *Handler) listProfileAssociations(ctx context.Context, in *listProfileAssociationsIn) (listProfileAssociationsOut, error) {
	st, n := h.Store.Snapshot()
	var all []ProfileAssociation
	for _, a := range h.allAssocs(st, n, op.Caller(ctx, n.AccountID)) {
		if (in.ProfileId == "" || a.ProfileId == in.ProfileId) && (in.ResourceId == "" || a.ResourceId == in.ResourceId) {
			all = append(all, a)
		}
	}
	pg, next, err := pageOf(all, in.listIn)
	if err != nil {
		return listProfileAssociationsOut{}, err
	}
	return listProfileAssociationsOut{ProfileAssociations: pg, NextToken: next}, nil
}
