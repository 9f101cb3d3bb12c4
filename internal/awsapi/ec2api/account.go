package ec2api

import (
	"context"
	"slices"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
)

type azMessage struct {
	Message string `xml:"message"`
}

// AvailabilityZone is EC2's AvailabilityZone.
type AvailabilityZone struct {
	OptInStatus        string      `xml:"optInStatus"`
	Messages           []azMessage `xml:"messageSet>item"`
	RegionName         string      `xml:"regionName"`
	ZoneName           string      `xml:"zoneName"`
	ZoneId             string      `xml:"zoneId"`
	GroupName          string      `xml:"groupName"`
	NetworkBorderGroup string      `xml:"networkBorderGroup"`
	ZoneType           string      `xml:"zoneType"`
	State              string      `xml:"zoneState"`
}

type azsOut struct {
	Zones []AvailabilityZone `xml:"availabilityZoneInfo>item"`
}

// describeAvailabilityZones lists the zones of the network's regions: a, b
// and c of each, and every other zone a subnet of the region is in.
func (h *Handler) describeAvailabilityZones(ctx context.Context, p params) (azsOut, error) {
	st, n := h.Store.Snapshot()
	names := map[string]bool{}
	var regions []string
	addRegion := func(r string) {
		if r != "" && !slices.Contains(regions, r) {
			regions = append(regions, r)
			for _, l := range "abc" {
				names[r+string(l)] = true
			}
		}
	}
	addRegion(n.Region)
	for i, v := range st.File.VPCs {
		addRegion(n.VPCs[i].Region)
		for _, s := range v.Subnets {
			if s.AvailabilityZone != "" {
				names[s.AvailabilityZone] = true
			}
		}
	}
	var all []AvailabilityZone
	for name := range names {
		region := name[:len(name)-1]
		all = append(all, AvailabilityZone{OptInStatus: "opt-in-not-required", RegionName: region, ZoneName: name, ZoneId: azID(name),
			GroupName: region, NetworkBorderGroup: region, ZoneType: "availability-zone", State: "available"})
	}
	slices.SortFunc(all, func(a, b AvailabilityZone) int { return strings.Compare(a.ZoneName, b.ZoneName) })
	var picked []AvailabilityZone
	for _, z := range all {
		if nm, ids := p.strings("ZoneName"), p.strings("ZoneId"); (len(nm) == 0 && len(ids) == 0) || slices.Contains(nm, z.ZoneName) || slices.Contains(ids, z.ZoneId) {
			picked = append(picked, z)
		}
	}
	for _, want := range p.strings("ZoneName") {
		if !slices.ContainsFunc(all, func(z AvailabilityZone) bool { return z.ZoneName == want }) {
			return azsOut{}, apierr.Param("ZoneName", "Invalid availability zone: [%s]", want)
		}
	}
	for _, want := range p.strings("ZoneId") {
		if !slices.ContainsFunc(all, func(z AvailabilityZone) bool { return z.ZoneId == want }) {
			return azsOut{}, apierr.Param("ZoneId", "Invalid availability zone ID: [%s]", want)
		}
	}
	fs := p.filters()
	var out []AvailabilityZone
	for _, z := range picked {
		ok, err := matchFilters(fs, attrs{values: map[string][]string{"zone-name": {z.ZoneName}, "zone-id": {z.ZoneId},
			"region-name": {z.RegionName}, "state": {z.State}, "zone-type": {z.ZoneType}, "group-name": {z.GroupName},
			"network-border-group": {z.NetworkBorderGroup}, "opt-in-status": {z.OptInStatus}, "message": nil}})
		if err != nil {
			return azsOut{}, err
		}
		if ok {
			out = append(out, z)
		}
	}
	return azsOut{Zones: out}, nil
}

type accountAttrValue struct {
	AttributeValue string `xml:"attributeValue"`
}

type accountAttr struct {
	AttributeName   string             `xml:"attributeName"`
	AttributeValues []accountAttrValue `xml:"attributeValueSet>item"`
}

type accountAttrsOut struct {
	Attributes []accountAttr `xml:"accountAttributeSet>item"`
}

// accountAttributes are the account's EC2 attributes, with AWS's default
// quotas: a VPC-only account without a default VPC.
var accountAttributes = []accountAttr{
	{"supported-platforms", []accountAttrValue{{"VPC"}}},
	{"vpc-max-security-groups-per-interface", []accountAttrValue{{"5"}}},
	{"max-elastic-ips", []accountAttrValue{{"5"}}},
	{"max-instances", []accountAttrValue{{"20"}}},
	{"vpc-max-elastic-ips", []accountAttrValue{{"5"}}},
	{"default-vpc", []accountAttrValue{{"none"}}},
}

func (h *Handler) describeAccountAttributes(ctx context.Context, p params) (accountAttrsOut, error) {
	names := p.strings("AttributeName")
	if len(names) == 0 {
		return accountAttrsOut{Attributes: accountAttributes}, nil
	}
	var out []accountAttr
	for _, name := range names {
		i := slices.IndexFunc(accountAttributes, func(a accountAttr) bool { return a.AttributeName == name })
		if i < 0 {
			return accountAttrsOut{}, apierr.Param("AttributeName", "Value (%s) for parameter attributeName is invalid. Valid values: supported-platforms, default-vpc", name)
		}
		out = append(out, accountAttributes[i])
	}
	return accountAttrsOut{Attributes: out}, nil
}
