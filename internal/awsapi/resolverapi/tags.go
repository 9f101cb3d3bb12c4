package resolverapi

import (
	"context"
	"maps"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
)

// taggable finds the object of a Route 53 Resolver ARN in a state.
func taggable(st *store.State, resourceArn string) (string, *store.Object, error) {
	if resourceArn == "" {
		return "", nil, apierr.Missing("ResourceArn")
	}
	kind, id, ok := parseARN(resourceArn)
	if !ok {
		return "", nil, apierr.Param("ResourceArn", "'%s' is not a Route 53 Resolver ARN", resourceArn)
	}
	want := map[string]string{"resolver-rule": store.KindRule, "resolver-endpoint": store.KindEndpoint,
		"resolver-query-log-config": store.KindQueryLog, "firewall-domain-list": store.KindFirewallList,
		"firewall-rule-group": store.KindFirewallGroup, "firewall-rule-group-association": store.KindFirewallAssoc}[kind]
	o := st.Meta.Objects[id]
	if want == "" || o == nil || o.Kind != want {
		return "", nil, apierr.New(apierr.NotFound, "", "Resource with ARN '%s' does not exist.", resourceArn)
	}
	return id, o, nil
}

func (h *Handler) tagResource(ctx context.Context, in *struct {
	ResourceArn string
	Tags        []Tag
}) (emptyOut, error) {
	if len(in.Tags) == 0 {
		return emptyOut{}, apierr.Missing("Tags")
	}
	tags, err := tagMap(in.Tags)
	if err != nil {
		return emptyOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		id, o, err := taggable(tx.State, in.ResourceArn)
		if err != nil {
			return err
		}
		for k, v := range tags {
			if err := h.specialTag(tx, id, o, k, &v); err != nil {
				return err
			}
			if k == ListenTag && o.Kind == store.KindEndpoint {
				continue
			}
			if o.Tags == nil {
				o.Tags = map[string]string{}
			}
			o.Tags[k] = v
		}
		return nil
	})
	if err != nil {
		return emptyOut{}, err
	}
	return emptyOut{}, nil
}

// specialTag applies the tags that set network.yaml fields: an inbound
// endpoint's listen sockets, a query logging configuration's destination.
// value nil removes the tag.
func (h *Handler) specialTag(tx *store.Tx, id string, o *store.Object, key string, value *string) error {
	switch {
	case key == ListenTag && o.Kind == store.KindEndpoint:
		i := endpointIndex(&tx.File, id)
		if value == nil {
			tx.File.Endpoints[i].Listen = nil
		} else {
			tx.File.Endpoints[i].Listen = splitListen(*value)
		}
	case key == DestinationTag && o.Kind == store.KindQueryLog:
		d := "stdout"
		if value != nil {
			if err := checkDestination(*value); err != nil {
				return err
			}
			d = *value
		}
		o.Destination = d
		if i := queryLogIndex(&tx.File, id); i >= 0 {
			tx.File.QueryLogging[i].Destination = d
		}
	}
	return nil
}

func (h *Handler) untagResource(ctx context.Context, in *struct {
	ResourceArn string
	TagKeys     []string
}) (emptyOut, error) {
	if len(in.TagKeys) == 0 {
		return emptyOut{}, apierr.Missing("TagKeys")
	}
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		id, o, err := taggable(tx.State, in.ResourceArn)
		if err != nil {
			return err
		}
		for _, k := range in.TagKeys {
			if err := h.specialTag(tx, id, o, k, nil); err != nil {
				return err
			}
			delete(o.Tags, k)
		}
		return nil
	})
	if err != nil {
		return emptyOut{}, err
	}
	return emptyOut{}, nil
}

func (h *Handler) listTags(ctx context.Context, in *struct {
	ResourceArn string
	pageParams
}) (tagsOut, error) {
	st, _ := h.Store.Snapshot()
	id, o, err := taggable(st, in.ResourceArn)
	if err != nil {
		return tagsOut{}, err
	}
	tags := maps.Clone(o.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	if o.Kind == store.KindEndpoint {
		if i := endpointIndex(&st.File, id); i >= 0 && len(st.File.Endpoints[i].Listen) > 0 {
			tags[ListenTag] = strings.Join(st.File.Endpoints[i].Listen, " ")
		}
	}
	pg, next, _, err := paginate(tagList(tags), in.pageParams, 1)
	if err != nil {
		return tagsOut{}, err
	}
	return tagsOut{Tags: pg, NextToken: next}, nil
}
