package ec2api

import (
	"context"
	"net/netip"
	"slices"
	"strconv"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/page"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// Managed prefix lists are prefix_lists of network.yaml. A route to a
// prefix list (DestinationPrefixListId) is a destination_prefix_list
// route, a permission with PrefixListIds a prefix_list rule: explain
// expands them to the list's CIDRs, as for the file. The version, the
// maximum size and the entries' descriptions are kept in side records.

// ManagedPrefixList is EC2's ManagedPrefixList.
type ManagedPrefixList struct {
	PrefixListId   string `xml:"prefixListId"`
	AddressFamily  string `xml:"addressFamily"`
	State          string `xml:"state"`
	PrefixListArn  string `xml:"prefixListArn"`
	PrefixListName string `xml:"prefixListName"`
	MaxEntries     int    `xml:"maxEntries"`
	Version        int64  `xml:"version"`
	Tags           []Tag  `xml:"tagSet>item,omitempty"`
	OwnerId        string `xml:"ownerId"`
}

type prefixListEntry struct {
	Cidr        string `xml:"cidr"`
	Description string `xml:"description,omitempty"`
}

const prefixPL = "pl-"

func plNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResPrefixList, "The prefix list ID '%s' does not exist", id)
}

func plIndex(f *config.File, id string) int {
	return slices.IndexFunc(f.PrefixLists, func(x config.PrefixListFile) bool { return x.ID == id })
}

func plShape(st *store.State, n *config.Network, x config.PrefixListFile, state string) ManagedPrefixList {
	out := ManagedPrefixList{PrefixListId: x.ID, AddressFamily: "IPv4", State: state, PrefixListName: x.Name,
		PrefixListArn: ownerArn(n, "prefix-list", x.ID), OwnerId: n.AccountID, Version: 1, MaxEntries: len(x.CIDRBlocks)}
	if x.OwnerAccount != "" {
		out.OwnerId = x.OwnerAccount
	}
	if o := st.Meta.Objects[x.ID]; o != nil {
		out.Tags = tagItems(o.Tags)
		if o.Version > 0 {
			out.Version = o.Version
		}
		if o.MaxEntries > 0 {
			out.MaxEntries = o.MaxEntries
		}
		if o.AddressFamily != "" {
			out.AddressFamily = o.AddressFamily
		}
	}
	return out
}

type plOut struct {
	PrefixList ManagedPrefixList `xml:"prefixList"`
}

// readEntries reads Name.N.Cidr (and .Description) of a prefix list
// request, masked, for the family.
func readEntries(p params, name, family string) ([]string, map[string]string, error) {
	var cidrs []string
	desc := map[string]string{}
	for _, e := range p.list(name) {
		c := e.str("Cidr")
		pfx, err := netip.ParsePrefix(c)
		if err != nil || pfx.Addr().Is4() != (family == "IPv4") {
			return nil, nil, apierr.Param("Cidr", "The CIDR '%s' is invalid for an %s prefix list.", c, family)
		}
		c = pfx.Masked().String()
		if slices.Contains(cidrs, c) {
			return nil, nil, apierr.Param("Cidr", "The request contains duplicate entries for CIDR %s.", c)
		}
		cidrs = append(cidrs, c)
		if d := e.str("Description"); d != "" {
			desc[c] = d
		}
	}
	return cidrs, desc, nil
}

func (h *Handler) createManagedPrefixList(ctx context.Context, p params) (plOut, error) {
	name, err := p.required("PrefixListName")
	if err != nil {
		return plOut{}, err
	}
	family, err := p.required("AddressFamily")
	if err != nil {
		return plOut{}, err
	}
	if family != "IPv4" && family != "IPv6" {
		return plOut{}, apierr.Param("AddressFamily", "The address family '%s' is invalid: want IPv4 or IPv6.", family)
	}
	maxp, err := p.optInt("MaxEntries")
	if err != nil {
		return plOut{}, err
	}
	if maxp == nil {
		return plOut{}, apierr.Missing("MaxEntries")
	}
	if *maxp < 1 || *maxp > 1000 {
		return plOut{}, apierr.Param("MaxEntries", "The maximum number of entries (%d) must be between 1 and 1000.", *maxp)
	}
	cidrs, desc, err := readEntries(p, "Entry", family)
	if err != nil {
		return plOut{}, err
	}
	if len(cidrs) > *maxp {
		return plOut{}, apierr.Param("Entry", "The prefix list has %d entries, more than its maximum of %d.", len(cidrs), *maxp)
	}
	tags, err := tagSpecs(p, "prefix-list")
	if err != nil {
		return plOut{}, err
	}
	x := config.PrefixListFile{ID: store.NewID(prefixPL), Name: name, CIDRBlocks: cidrs}
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		x.OwnerAccount = op.Owner(ctx, tx.Net.AccountID)
		tx.File.PrefixLists = append(tx.File.PrefixLists, x)
		o := object(tx, x.ID, store.KindPrefixList)
		o.Tags, o.Version, o.MaxEntries, o.AddressFamily, o.EntryDescriptions = tags, 1, *maxp, family, desc
		return nil
	})
	if err != nil {
		return plOut{}, err
	}
	return plOut{plShape(st, n, x, "create-complete")}, nil
}

type plsOut struct {
	PrefixLists []ManagedPrefixList `xml:"prefixListSet>item"`
	NextToken   string              `xml:"nextToken,omitempty"`
}

func (h *Handler) describeManagedPrefixLists(ctx context.Context, p params) (plsOut, error) {
	st, n := h.Store.Snapshot()
	var all []ManagedPrefixList
	for _, x := range st.File.PrefixLists {
		all = append(all, plShape(st, n, x, "create-complete"))
	}
	items, next, err := describe(p, all, "PrefixListId", func(x ManagedPrefixList) string { return x.PrefixListId }, func(x ManagedPrefixList) attrs {
		return attrs{values: map[string][]string{"prefix-list-id": {x.PrefixListId}, "prefix-list-name": {x.PrefixListName},
			"owner-id": {x.OwnerId}}, tags: tagValues(x.Tags)}
	}, plNotFound)
	if err != nil {
		return plsOut{}, err
	}
	return plsOut{PrefixLists: items, NextToken: next}, nil
}

func (h *Handler) modifyManagedPrefixList(ctx context.Context, p params) (plOut, error) {
	id, err := p.required("PrefixListId")
	if err != nil {
		return plOut{}, err
	}
	cur, err := p.optInt("CurrentVersion")
	if err != nil {
		return plOut{}, err
	}
	maxp, err := p.optInt("MaxEntries")
	if err != nil {
		return plOut{}, err
	}
	var x config.PrefixListFile
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		i := plIndex(&tx.File, id)
		if i < 0 {
			return plNotFound(id)
		}
		pl := &tx.File.PrefixLists[i]
		o := object(tx, id, store.KindPrefixList)
		if o.Version == 0 {
			o.Version = 1
		}
		family := o.AddressFamily
		if family == "" {
			family = "IPv4"
		}
		add, desc, err := readEntries(p, "AddEntry", family)
		if err != nil {
			return err
		}
		remove, _, err := readEntries(p, "RemoveEntry", family)
		if err != nil {
			return err
		}
		if (len(add) > 0 || len(remove) > 0) && cur == nil {
			return apierr.Missing("CurrentVersion")
		}
		if cur != nil && int64(*cur) != o.Version {
			return apierr.New(apierr.Conflict, apierr.ResPrefixList, "The prefix list %s has version %d, not %d.", id, o.Version, *cur)
		}
		for _, c := range remove {
			j := slices.Index(pl.CIDRBlocks, c)
			if j < 0 {
				return apierr.Param("RemoveEntry", "The prefix list %s has no entry %s.", id, c)
			}
			pl.CIDRBlocks = slices.Delete(pl.CIDRBlocks, j, j+1)
			delete(o.EntryDescriptions, c)
		}
		for _, c := range add {
			if slices.Contains(pl.CIDRBlocks, c) {
				return apierr.Param("AddEntry", "The prefix list %s already has the entry %s.", id, c)
			}
			pl.CIDRBlocks = append(pl.CIDRBlocks, c)
		}
		for c, d := range desc {
			if o.EntryDescriptions == nil {
				o.EntryDescriptions = map[string]string{}
			}
			o.EntryDescriptions[c] = d
		}
		if name := p.str("PrefixListName"); name != "" {
			pl.Name = name
		}
		if o.MaxEntries == 0 {
			o.MaxEntries = len(pl.CIDRBlocks)
		}
		if maxp != nil {
			o.MaxEntries = *maxp
		}
		if len(pl.CIDRBlocks) > o.MaxEntries {
			return apierr.Param("AddEntry", "The prefix list %s would have %d entries, more than its maximum of %d.", id, len(pl.CIDRBlocks), o.MaxEntries)
		}
		if len(add) > 0 || len(remove) > 0 {
			o.Version++
		}
		o.Modified = tx.Now
		x = *pl
		return nil
	})
	if err != nil {
		return plOut{}, err
	}
	return plOut{plShape(st, n, x, "modify-complete")}, nil
}

func (h *Handler) deleteManagedPrefixList(ctx context.Context, p params) (plOut, error) {
	id, err := p.required("PrefixListId")
	if err != nil {
		return plOut{}, err
	}
	var x config.PrefixListFile
	var shape ManagedPrefixList
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		i := plIndex(&tx.File, id)
		if i < 0 {
			return plNotFound(id)
		}
		for _, t := range tx.File.RouteTables {
			for _, r := range t.Routes {
				if r.DestinationPrefixList == id {
					return apierr.New(apierr.InUse, apierr.ResPrefixList, "The prefix list %s is referenced by route table %s and cannot be deleted.", id, t.ID)
				}
			}
		}
		for _, g := range tx.File.SecurityGroups {
			for _, r := range slices.Concat(g.Egress, g.Ingress) {
				if r.PrefixList == id {
					return apierr.New(apierr.InUse, apierr.ResPrefixList, "The prefix list %s is referenced by security group %s and cannot be deleted.", id, g.ID)
				}
			}
		}
		x = tx.File.PrefixLists[i]
		shape = plShape(tx.State, tx.Net, x, "delete-complete")
		tx.File.PrefixLists = slices.Delete(tx.File.PrefixLists, i, i+1)
		return nil
	})
	if err != nil {
		return plOut{}, err
	}
	return plOut{shape}, nil
}

type plEntriesOut struct {
	Entries   []prefixListEntry `xml:"entrySet>item"`
	NextToken string            `xml:"nextToken,omitempty"`
}

func (h *Handler) getManagedPrefixListEntries(ctx context.Context, p params) (plEntriesOut, error) {
	id, err := p.required("PrefixListId")
	if err != nil {
		return plEntriesOut{}, err
	}
	st, _ := h.Store.Snapshot()
	i := plIndex(&st.File, id)
	if i < 0 {
		return plEntriesOut{}, plNotFound(id)
	}
	o := st.Meta.Objects[id]
	if tv := p.str("TargetVersion"); tv != "" {
		v, err := strconv.ParseInt(tv, 10, 64)
		if err != nil || o == nil || v != max(o.Version, 1) {
			return plEntriesOut{}, apierr.Param("TargetVersion", "vpcdns keeps the current version of a prefix list only: %s is not it", tv)
		}
	}
	var all []prefixListEntry
	for _, c := range st.File.PrefixLists[i].CIDRBlocks {
		e := prefixListEntry{Cidr: c}
		if o != nil {
			e.Description = o.EntryDescriptions[c]
		}
		all = append(all, e)
	}
	maxr := 0
	if p.has("MaxResults") {
		m, err := strconv.Atoi(p.str("MaxResults"))
		if err != nil || m < 1 || m > 100 {
			return plEntriesOut{}, apierr.Param("MaxResults", "Value (%s) for parameter maxResults is invalid. Expecting a value between 1 and 100.", p.str("MaxResults"))
		}
		maxr = m
	}
	items, next, err := page.Slice(all, p.str("NextToken"), maxr)
	if err != nil {
		return plEntriesOut{}, err
	}
	return plEntriesOut{Entries: items, NextToken: next}, nil
}
