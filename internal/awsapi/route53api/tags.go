package route53api

import (
	"context"
	"encoding/xml"
	"maps"
	"slices"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// Tag is Route 53's Tag.
type Tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// ResourceTagSet is Route 53's ResourceTagSet.
type ResourceTagSet struct {
	ResourceType string `xml:"ResourceType"`
	ResourceId   string `xml:"ResourceId"`
	Tags         []Tag  `xml:"Tags>Tag"`
}

// The limits of botocore's route53 model: TagList and TagKeyList hold 1 to
// 10, keys are at most 128 characters and values 256; AWS allows 50 tags
// on a resource.
const (
	maxTagsPerCall     = 10
	maxTagsPerResource = 50
	maxTagKey          = 128
	maxTagValue        = 256
)

// tagResource checks the resource of a tag request: a hosted zone of the
// network. vpcdns keeps no health checks, so every health check id is
// unknown, as AWS answers for one that does not exist.
func tagResource(n *config.Network, typ, id string) error {
	switch typ {
	case "hostedzone":
		if zoneIndex(n, id) < 0 {
			return zoneNotFound(id)
		}
		return nil
	case "healthcheck":
		return apierr.New(apierr.NotFound, apierr.ResHealthCheck, "A health check with id %s does not exist.", id)
	}
	return apierr.Param("ResourceType", "Value '%s' at 'resourceType' failed to satisfy constraint: Member must satisfy enum value set: [healthcheck, hostedzone]", typ)
}

func tagSet(st *store.State, typ, id string) ResourceTagSet {
	out := ResourceTagSet{ResourceType: typ, ResourceId: id}
	if o := st.Meta.Objects[id]; o != nil {
		for _, k := range slices.Sorted(maps.Keys(o.Tags)) {
			out.Tags = append(out.Tags, Tag{k, o.Tags[k]})
		}
	}
	return out
}

type listTagsOut struct {
	XMLName        xml.Name       `xml:"ListTagsForResourceResponse"`
	Xmlns          string         `xml:"xmlns,attr"`
	ResourceTagSet ResourceTagSet `xml:"ResourceTagSet"`
}

func (h *Handler) listTags(ctx context.Context, r request) (listTagsOut, error) {
	typ, id := r.parts[1], r.parts[2]
	st, n := h.Store.Snapshot()
	if err := tagResource(n, typ, id); err != nil {
		return listTagsOut{}, err
	}
	return listTagsOut{Xmlns: xmlns, ResourceTagSet: tagSet(st, typ, id)}, nil
}

type listTagsManyOut struct {
	XMLName         xml.Name         `xml:"ListTagsForResourcesResponse"`
	Xmlns           string           `xml:"xmlns,attr"`
	ResourceTagSets []ResourceTagSet `xml:"ResourceTagSets>ResourceTagSet"`
}

func (h *Handler) listTagsMany(ctx context.Context, b body[struct {
	ResourceIds []string `xml:"ResourceIds>ResourceId"`
}]) (listTagsManyOut, error) {
	r, in := b.request, &b.in
	if len(in.ResourceIds) == 0 || len(in.ResourceIds) > maxTagsPerCall {
		return listTagsManyOut{}, apierr.Param("ResourceIds", "ResourceIds must hold 1 to %d ids (%d given)", maxTagsPerCall, len(in.ResourceIds))
	}
	typ := r.parts[1]
	st, n := h.Store.Snapshot()
	out := listTagsManyOut{Xmlns: xmlns}
	for _, id := range in.ResourceIds {
		if err := tagResource(n, typ, id); err != nil {
			return listTagsManyOut{}, err
		}
		if typ == "hostedzone" && !mine(ctx, n, id) {
			return listTagsManyOut{}, zoneNotFound(id) // another account's (accounts.go)
		}
		out.ResourceTagSets = append(out.ResourceTagSets, tagSet(st, typ, id))
	}
	return out, nil
}

type changeTagsOut struct {
	XMLName xml.Name `xml:"ChangeTagsForResourceResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
}

// changeTags adds and removes the tags of a hosted zone; they are kept in
// its side record (network.yaml has no tags for zones).
func (h *Handler) changeTags(ctx context.Context, b body[struct {
	AddTags       []Tag    `xml:"AddTags>Tag"`
	RemoveTagKeys []string `xml:"RemoveTagKeys>Key"`
}]) (changeTagsOut, error) {
	r, in := b.request, &b.in
	if len(in.AddTags) > maxTagsPerCall || len(in.RemoveTagKeys) > maxTagsPerCall {
		return changeTagsOut{}, apierr.Param("AddTags", "AddTags and RemoveTagKeys hold at most %d entries each", maxTagsPerCall)
	}
	for _, t := range in.AddTags {
		if t.Key == "" || len(t.Key) > maxTagKey || len(t.Value) > maxTagValue {
			return changeTagsOut{}, apierr.Param("AddTags", "Tag key must be 1 to %d characters and value at most %d (key %q)", maxTagKey, maxTagValue, t.Key)
		}
	}
	typ, id := r.parts[1], r.parts[2]
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if err := tagResource(tx.Net, typ, id); err != nil {
			return err
		}
		o := tx.Meta.Objects[id]
		if o == nil {
			o = &store.Object{Kind: store.KindHostedZone, Created: tx.Now}
			tx.Meta.Objects[id] = o
		}
		tags := maps.Clone(o.Tags)
		if tags == nil {
			tags = map[string]string{}
		}
		for _, k := range in.RemoveTagKeys {
			delete(tags, k)
		}
		for _, t := range in.AddTags {
			tags[t.Key] = t.Value
		}
		if len(tags) > maxTagsPerResource {
			return apierr.Param("AddTags", "a resource holds at most %d tags (%d after this change)", maxTagsPerResource, len(tags))
		}
		if len(tags) == 0 {
			tags = nil
		}
		o.Tags, o.Modified = tags, tx.Now
		return nil
	})
	if err != nil {
		return changeTagsOut{}, err
	}
	return changeTagsOut{Xmlns: xmlns}, nil
}
