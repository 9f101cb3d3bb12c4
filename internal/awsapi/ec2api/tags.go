package ec2api

import (
	"context"
	"slices"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// taggedResource is one EC2 resource and its tags.
type taggedResource struct {
	id, typ string
	tags    map[string]string
}

// taggedResources lists every EC2 resource of the state with its tags.
func taggedResources(st *store.State, n *config.Network) []taggedResource {
	var out []taggedResource
	for _, v := range st.File.VPCs {
		out = append(out, taggedResource{v.ID, "vpc", vpcTags(v)})
		for _, s := range v.Subnets {
			out = append(out, taggedResource{s.ID, "subnet", metaTags(st, s.ID)})
		}
	}
	for _, s := range st.File.SecurityGroups {
		out = append(out, taggedResource{s.ID, "security-group", metaTags(st, s.ID)})
	}
	for _, r := range routeTables(st, n) {
		out = append(out, taggedResource{r.RouteTableId, "route-table", metaTags(st, r.RouteTableId)})
	}
	for _, a := range networkACLs(st, n) {
		out = append(out, taggedResource{a.NetworkAclId, "network-acl", metaTags(st, a.NetworkAclId)})
	}
	var pcx []string
	for id, o := range st.Meta.Objects {
		if o.Kind == store.KindPeering {
			pcx = append(pcx, id)
		}
	}
	slices.Sort(pcx)
	for _, id := range pcx {
		out = append(out, taggedResource{id, "vpc-peering-connection", metaTags(st, id)})
	}
	return out
}

var kindOfType = map[string]string{
	"subnet": store.KindSubnet, "security-group": store.KindSecurityGroup, "route-table": store.KindRouteTable,
	"network-acl": store.KindNetworkACL, "vpc-peering-connection": store.KindPeering,
}

// notFoundByID is the error for an unknown id, after its prefix.
func notFoundByID(id string) error {
	for prefix, f := range map[string]func(string) error{
		store.PrefixVPC: vpcNotFound, store.PrefixSubnet: subnetNotFound, store.PrefixSG: sgNotFound,
		store.PrefixRouteTable: rtNotFound, store.PrefixACL: aclNotFound, store.PrefixPeering: peeringNotFound,
	} {
		if strings.HasPrefix(id, prefix) {
			return f(id)
		}
	}
	return apierr.Param("ResourceId", "The ID '%s' is not valid", id)
}

// retag changes the tags of resources: set adds or replaces tags, and
// with remove set, deletes them (a tag given with a value is deleted only
// when the value matches).
func (h *Handler) retag(ctx context.Context, p params, remove bool) error {
	ids := p.strings("ResourceId")
	if len(ids) == 0 {
		return apierr.Missing("ResourceId")
	}
	type kv struct {
		key   string
		value *string
	}
	var tags []kv
	for _, t := range p.list("Tag") {
		k := t.str("Key")
		if k == "" {
			return apierr.Param("Tag", "Tag keys must be 1 to 128 characters")
		}
		var v *string
		if t.has("Value") {
			s := t.str("Value")
			v = &s
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return apierr.Param("Tag", "Tag keys starting with 'aws:' are reserved for internal use")
		}
		tags = append(tags, kv{k, v})
	}
	if !remove && len(tags) == 0 {
		return apierr.Missing("Tag")
	}
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		known := map[string]string{}
		for _, r := range taggedResources(tx.State, tx.Net) {
			known[r.id] = r.typ
		}
		for _, id := range ids {
			typ, ok := known[id]
			if !ok {
				return notFoundByID(id)
			}
			var m map[string]string
			var vpc *config.VPCFile
			if typ == "vpc" {
				vpc = &tx.File.VPCs[vpcIndex(&tx.File, id)]
				if vpc.Tags == nil {
					vpc.Tags = map[string]string{}
				}
				m = vpc.Tags
			} else {
				o := object(tx, id, kindOfType[typ])
				if o.Tags == nil {
					o.Tags = map[string]string{}
				}
				m = o.Tags
			}
			for _, t := range tags {
				if vpc != nil && t.key == ResolverListenTag {
					if remove {
						setListenTag(vpc, nil)
					} else {
						setListenTag(vpc, t.value)
					}
					continue
				}
				switch {
				case !remove:
					v := ""
					if t.value != nil {
						v = *t.value
					}
					m[t.key] = v
				case t.value == nil || m[t.key] == *t.value:
					delete(m, t.key)
				}
			}
			if remove && len(tags) == 0 {
				clear(m)
				if vpc != nil {
					setListenTag(vpc, nil)
				}
			}
			if vpc != nil && len(vpc.Tags) == 0 {
				vpc.Tags = nil
			}
		}
		return nil
	})
	return err
}

func (h *Handler) createTags(ctx context.Context, p params) (returnOut, error) {
	if err := h.retag(ctx, p, false); err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

func (h *Handler) deleteTags(ctx context.Context, p params) (returnOut, error) {
	if err := h.retag(ctx, p, true); err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

// TagDescription is EC2's TagDescription.
type TagDescription struct {
	ResourceId   string `xml:"resourceId"`
	ResourceType string `xml:"resourceType"`
	Key          string `xml:"key"`
	Value        string `xml:"value"`
}

type tagsOut struct {
	Tags      []TagDescription `xml:"tagSet>item"`
	NextToken string           `xml:"nextToken,omitempty"`
}

func (h *Handler) describeTags(ctx context.Context, p params) (tagsOut, error) {
	st, n := h.Store.Snapshot()
	var all []TagDescription
	for _, r := range taggedResources(st, n) {
		for _, t := range tagItems(r.tags) {
			all = append(all, TagDescription{ResourceId: r.id, ResourceType: r.typ, Key: t.Key, Value: t.Value})
		}
	}
	items, next, err := describe(p, all, "-", func(t TagDescription) string { return t.ResourceId }, func(t TagDescription) attrs {
		return attrs{values: map[string][]string{"resource-id": {t.ResourceId}, "resource-type": {t.ResourceType},
			"key": {t.Key}, "value": {t.Value}}}
	}, notFoundByID)
	if err != nil {
		return tagsOut{}, err
	}
	return tagsOut{Tags: items, NextToken: next}, nil
}
