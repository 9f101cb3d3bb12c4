package ec2api

import (
	"cmp"
	"context"
	"net/netip"
	"slices"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// DHCP option sets are dhcp_option_sets of network.yaml, and a VPC's
// association is its dhcp_options key: an option set without
// AmazonProvidedDNS sends the VPC's instances elsewhere (lint L017), as
// the same set written in the file does. The options vpcdns does not model
// (ntp-servers, netbios-…) are refused rather than dropped.

type attrValue struct {
	Value string `xml:"value"`
}

type dhcpConfiguration struct {
	Key    string      `xml:"key"`
	Values []attrValue `xml:"valueSet>item"`
}

// DhcpOptions is EC2's DhcpOptions.
type DhcpOptions struct {
	OwnerId            string              `xml:"ownerId"`
	Tags               []Tag               `xml:"tagSet>item,omitempty"`
	DhcpOptionsId      string              `xml:"dhcpOptionsId"`
	DhcpConfigurations []dhcpConfiguration `xml:"dhcpConfigurationSet>item"`
}

const prefixDHCP = "dopt-"

func dhcpNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResDHCPOptions, "The dhcpOption ID '%s' does not exist", id)
}

func dhcpIndex(f *config.File, id string) int {
	return slices.IndexFunc(f.DHCPOptionSets, func(d config.DHCPOptionsFile) bool { return d.ID == id })
}

func dhcpShape(st *store.State, n *config.Network, d config.DHCPOptionsFile) DhcpOptions {
	out := DhcpOptions{OwnerId: cmp.Or(d.OwnerAccount, n.AccountID), DhcpOptionsId: d.ID, Tags: tagItems(metaTags(st, d.ID))}
	if d.DomainName != "" {
		out.DhcpConfigurations = append(out.DhcpConfigurations, dhcpConfiguration{Key: "domain-name", Values: []attrValue{{d.DomainName}}})
	}
	servers := d.DomainNameServers
	if len(servers) > 0 {
		c := dhcpConfiguration{Key: "domain-name-servers"}
		for _, s := range servers {
			c.Values = append(c.Values, attrValue{s})
		}
		out.DhcpConfigurations = append(out.DhcpConfigurations, c)
	}
	return out
}

type dhcpOut struct {
	DhcpOptions DhcpOptions `xml:"dhcpOptions"`
}

func (h *Handler) createDhcpOptions(ctx context.Context, p params) (dhcpOut, error) {
	confs := p.list("DhcpConfiguration")
	if len(confs) == 0 {
		return dhcpOut{}, apierr.Missing("DhcpConfiguration")
	}
	tags, err := tagSpecs(p, "dhcp-options")
	if err != nil {
		return dhcpOut{}, err
	}
	d := config.DHCPOptionsFile{ID: store.NewID(prefixDHCP)}
	for _, c := range confs {
		key, vals := c.str("Key"), c.strings("Value")
		if len(vals) == 0 {
			return dhcpOut{}, apierr.Param("DhcpConfiguration", "Value for parameter %s is required", key)
		}
		switch key {
		case "domain-name":
			if len(vals) != 1 {
				return dhcpOut{}, apierr.Param("DhcpConfiguration", "Invalid value: domain-name takes one value (separate several domains with spaces)")
			}
			d.DomainName = vals[0]
		case "domain-name-servers":
			if len(vals) > 4 {
				return dhcpOut{}, apierr.Param("DhcpConfiguration", "Invalid value: domain-name-servers takes at most 4 values")
			}
			for _, v := range vals {
				if v != config.AmazonProvidedDNS {
					if a, err := netip.ParseAddr(v); err != nil || !a.Is4() {
						return dhcpOut{}, apierr.Param("DhcpConfiguration", "Value (%s) for parameter value is invalid. Invalid IP address.", v)
					}
				}
			}
			d.DomainNameServers = vals
		case "ntp-servers", "netbios-name-servers", "netbios-node-type", "ipv6-address-preferred-lease-time":
			return dhcpOut{}, &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns models the DNS options of a DHCP option set (domain-name, domain-name-servers), not " + key}
		default:
			return dhcpOut{}, apierr.Param("DhcpConfiguration", "Invalid value '%s' for dhcp configuration key", key)
		}
	}
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		d.OwnerAccount = op.Owner(ctx, tx.Net.AccountID)
		tx.File.DHCPOptionSets = append(tx.File.DHCPOptionSets, d)
		object(tx, d.ID, store.KindDHCPOptions).Tags = tags
		return nil
	})
	if err != nil {
		return dhcpOut{}, err
	}
	return dhcpOut{dhcpShape(st, n, d)}, nil
}

type dhcpsOut struct {
	DhcpOptions []DhcpOptions `xml:"dhcpOptionsSet>item"`
	NextToken   string        `xml:"nextToken,omitempty"`
}

func (h *Handler) describeDhcpOptions(ctx context.Context, p params) (dhcpsOut, error) {
	st, n := h.Store.Snapshot()
	var all []DhcpOptions
	for _, d := range st.File.DHCPOptionSets {
		all = append(all, dhcpShape(st, n, d))
	}
	items, next, err := describe(p, all, "DhcpOptionsId", func(d DhcpOptions) string { return d.DhcpOptionsId }, func(d DhcpOptions) attrs {
		a := attrs{values: map[string][]string{"dhcp-options-id": {d.DhcpOptionsId}, "owner-id": {d.OwnerId}, "key": nil, "value": nil},
			tags: tagValues(d.Tags)}
		for _, c := range d.DhcpConfigurations {
			a.values["key"] = append(a.values["key"], c.Key)
			for _, v := range c.Values {
				a.values["value"] = append(a.values["value"], v.Value)
			}
		}
		return a
	}, dhcpNotFound)
	if err != nil {
		return dhcpsOut{}, err
	}
	return dhcpsOut{DhcpOptions: items, NextToken: next}, nil
}

func (h *Handler) deleteDhcpOptions(ctx context.Context, p params) (returnOut, error) {
	id, err := p.required("DhcpOptionsId")
	if err != nil {
		return returnOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		i := dhcpIndex(&tx.File, id)
		if i < 0 {
			return dhcpNotFound(id)
		}
		for _, v := range tx.File.VPCs {
			if v.DHCPOptions == id {
				return apierr.New(apierr.InUse, apierr.ResDHCPOptions, "The dhcpOptions '%s' has dependencies and cannot be deleted.", id)
			}
		}
		tx.File.DHCPOptionSets = slices.Delete(tx.File.DHCPOptionSets, i, i+1)
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

// associateDhcpOptions sets a VPC's option set; "default" leaves the VPC
// without one (its instances use AmazonProvidedDNS), as on AWS.
func (h *Handler) associateDhcpOptions(ctx context.Context, p params) (returnOut, error) {
	id, err := p.required("DhcpOptionsId")
	if err != nil {
		return returnOut{}, err
	}
	vpcID, err := p.required("VpcId")
	if err != nil {
		return returnOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		v, err := findVPC(&tx.File, vpcID)
		if err != nil {
			return err
		}
		if id == "default" {
			v.DHCPOptions = ""
			return nil
		}
		if dhcpIndex(&tx.File, id) < 0 {
			return dhcpNotFound(id)
		}
		v.DHCPOptions = id
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}
