package profilesapi

import (
	"context"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// taggable finds the side record of a Profile ARN (its owner must be the
// caller) or of a Profile association ARN (the VPC's or the Profile's
// owner), creating the association's record on write.
func taggable(st *store.State, n *config.Network, arn, caller string, write bool) (*store.Object, error) {
	if arn == "" {
		return nil, apierr.Missing("ResourceArn")
	}
	notFound := apierr.New(apierr.NotFound, "", "The resource %s doesn't exist.", arn)
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != SigningName {
		return nil, notFound
	}
	kind, id, _ := strings.Cut(parts[5], "/")
	switch kind {
	case "profile":
		i := profileIndex(&st.File, id)
		if i < 0 || ProfileARN(n, &st.File.Profiles[i]) != arn || !visible(st, n, &st.File.Profiles[i], caller) {
			return nil, notFound
		}
		if ownerOf(n, &st.File.Profiles[i]) != caller {
			return nil, accessDenied(caller, id)
		}
		if o := st.Meta.Objects[id]; o != nil {
			return o, nil
		}
	case "profile-association":
		for i := range st.File.Profiles {
			pf := &st.File.Profiles[i]
			for _, v := range pf.VPCs {
				a := st.Meta.Assocs[store.AssocKey(store.AssocProfile, pf.ID, v)]
				if a == nil || a.ID != id {
					continue
				}
				if vo, _ := store.VPCOwner(&st.File, n, v); vo != caller && ownerOf(n, pf) != caller {
					return nil, notFound
				}
				o := st.Meta.Objects[id]
				if o == nil {
					o = &store.Object{Kind: store.KindProfileAssoc, Created: a.Created, Modified: a.Created}
					if write {
						st.Meta.Objects[id] = o
					}
				}
				return o, nil
			}
		}
	}
	return nil, notFound
}

type tagResourceIn struct {
	ResourceArn string            `json:"-" uri:"ResourceArn"`
	Tags        map[string]string `json:"Tags"`
}

type tagResourceOut struct{ noContent }

func (h *Handler) tagResource(ctx context.Context, in *tagResourceIn) (tagResourceOut, error) {
	if in.Tags == nil {
		return tagResourceOut{}, apierr.Missing("Tags")
	}
	var tags []Tag
	for k, v := range in.Tags {
		tags = append(tags, Tag{k, v})
	}
	if _, err := tagMap(tags); err != nil {
		return tagResourceOut{}, err
	}
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		o, err := taggable(tx.State, tx.Net, in.ResourceArn, op.Caller(ctx, tx.Net.AccountID), true)
		if err != nil {
			return err
		}
		if o.Tags == nil {
			o.Tags = map[string]string{}
		}
		if len(o.Tags)+len(in.Tags) > 200 {
			n := 0
			for k := range in.Tags {
				if _, ok := o.Tags[k]; !ok {
					n++
				}
			}
			if len(o.Tags)+n > 200 {
				return &apierr.Error{Kind: apierr.Validation, Field: "Tags", Message: "a resource has at most 200 tags"}
			}
		}
		for k, v := range in.Tags {
			o.Tags[k] = v
		}
		o.Modified = tx.Now
		return nil
	})
	return tagResourceOut{}, err
}

type untagResourceIn struct {
	ResourceArn string   `json:"-" uri:"ResourceArn"`
	TagKeys     []string `json:"-" query:"tagKeys"`
}

type untagResourceOut struct{ noContent }

func (h *Handler) untagResource(ctx context.Context, in *untagResourceIn) (untagResourceOut, error) {
	if in.TagKeys == nil {
		return untagResourceOut{}, apierr.Missing("TagKeys")
	}
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		o, err := taggable(tx.State, tx.Net, in.ResourceArn, op.Caller(ctx, tx.Net.AccountID), false)
		if err != nil {
			return err
		}
		for _, k := range in.TagKeys {
			delete(o.Tags, k)
		}
		if len(o.Tags) == 0 {
			o.Tags = nil
		}
		return nil
	})
	return untagResourceOut{}, err
}

type listTagsIn struct {
	ResourceArn string `json:"-" uri:"ResourceArn"`
}

type listTagsOut struct {
	Tags map[string]string `json:"Tags"`
}

func (h *Handler) listTags(ctx context.Context, in *listTagsIn) (listTagsOut, error) {
	st, n := h.Store.Snapshot()
	o, err := taggable(st, n, in.ResourceArn, op.Caller(ctx, n.AccountID), false)
	if err != nil {
		return listTagsOut{}, err
	}
	out := listTagsOut{Tags: map[string]string{}}
	for k, v := range o.Tags {
		out.Tags[k] = v
	}
	return out, nil
}
