package ec2api

import (
	"cmp"
	"context"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

type dnsNameOptions struct {
	HostnameType                    string `xml:"hostnameType"`
	EnableResourceNameDnsARecord    bool   `xml:"enableResourceNameDnsARecord"`
	EnableResourceNameDnsAAAARecord bool   `xml:"enableResourceNameDnsAAAARecord"`
}

// Subnet is EC2's Subnet.
type Subnet struct {
	SubnetId                      string         `xml:"subnetId"`
	SubnetArn                     string         `xml:"subnetArn"`
	State                         string         `xml:"state"`
	VpcId                         string         `xml:"vpcId"`
	CidrBlock                     string         `xml:"cidrBlock"`
	AvailableIpAddressCount       int            `xml:"availableIpAddressCount"`
	AvailabilityZone              string         `xml:"availabilityZone"`
	AvailabilityZoneId            string         `xml:"availabilityZoneId"`
	DefaultForAz                  bool           `xml:"defaultForAz"`
	MapPublicIpOnLaunch           bool           `xml:"mapPublicIpOnLaunch"`
	OwnerId                       string         `xml:"ownerId"`
	AssignIpv6AddressOnCreation   bool           `xml:"assignIpv6AddressOnCreation"`
	Ipv6Native                    bool           `xml:"ipv6Native"`
	EnableDns64                   bool           `xml:"enableDns64"`
	PrivateDnsNameOptionsOnLaunch dnsNameOptions `xml:"privateDnsNameOptionsOnLaunch"`
	Tags                          []Tag          `xml:"tagSet>item,omitempty"`
}

// azID makes the zone id of an availability zone: us-east-1a → use1-az1.
func azID(az string) string {
	if az == "" {
		return ""
	}
	region, letter := az[:len(az)-1], az[len(az)-1]
	parts := strings.Split(region, "-")
	short := parts[0]
	for i := 1; i < len(parts); i++ {
		if i < len(parts)-1 && parts[i] != "" {
			short += parts[i][:1]
		} else {
			short += parts[i]
		}
	}
	return short + "-az" + strconv.Itoa(int(letter-'a')+1)
}

// findSubnet returns a subnet of the file and its VPC.
func findSubnet(f *config.File, id string) (*config.VPCFile, *config.SubnetFile) {
	for i := range f.VPCs {
		for j := range f.VPCs[i].Subnets {
			if f.VPCs[i].Subnets[j].ID == id {
				return &f.VPCs[i], &f.VPCs[i].Subnets[j]
			}
		}
	}
	return nil, nil
}

func subnetNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResSubnet, "The subnet ID '%s' does not exist", id)
}

func subnetShape(st *store.State, n *config.Network, v config.VPCFile, s config.SubnetFile) Subnet {
	out := Subnet{SubnetId: s.ID, SubnetArn: ownerArn(n, "subnet", s.ID), State: "available", VpcId: v.ID,
		CidrBlock: s.CIDRBlock, AvailabilityZone: s.AvailabilityZone, AvailabilityZoneId: azID(s.AvailabilityZone),
		OwnerId: cmp.Or(v.OwnerAccount, n.AccountID), PrivateDnsNameOptionsOnLaunch: dnsNameOptions{HostnameType: "ip-name"},
		Tags: tagItems(metaTags(st, s.ID))}
	if o := st.Meta.Objects[s.ID]; o != nil {
		a := o.SubnetAttrs
		out.MapPublicIpOnLaunch = a["MapPublicIpOnLaunch"] == "true"
		out.AssignIpv6AddressOnCreation = a["AssignIpv6AddressOnCreation"] == "true"
		out.EnableDns64 = a["EnableDns64"] == "true"
		if t := a["PrivateDnsHostnameTypeOnLaunch"]; t != "" {
			out.PrivateDnsNameOptionsOnLaunch.HostnameType = t
		}
		out.PrivateDnsNameOptionsOnLaunch.EnableResourceNameDnsARecord = a["EnableResourceNameDnsARecordOnLaunch"] == "true"
		out.PrivateDnsNameOptionsOnLaunch.EnableResourceNameDnsAAAARecord = a["EnableResourceNameDnsAAAARecordOnLaunch"] == "true"
	}
	if p, err := netip.ParsePrefix(s.CIDRBlock); err == nil && p.Addr().Is4() {
		used := 0
		for _, e := range st.File.Endpoints {
			for _, a := range e.IPAddresses {
				if a.Subnet == s.ID {
					used++
				}
			}
		}
		for _, in := range v.Instances {
			for _, ip := range in.PrivateIPs {
				if a, err := netip.ParseAddr(ip); err == nil && p.Contains(a) {
					used++
				}
			}
		}
		out.AvailableIpAddressCount = (1 << (32 - p.Bits())) - 5 - used
	}
	return out
}

type subnetOut struct {
	Subnet Subnet `xml:"subnet"`
}

func (h *Handler) createSubnet(ctx context.Context, p params) (subnetOut, error) {
	vpcID, err := p.required("VpcId")
	if err != nil {
		return subnetOut{}, err
	}
	if p.str("Ipv6CidrBlock") != "" || p.bool("Ipv6Native") || p.str("Ipv4IpamPoolId") != "" {
		return subnetOut{}, &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns models IPv4 subnets given as CidrBlock only"}
	}
	cidrText, err := p.required("CidrBlock")
	if err != nil {
		return subnetOut{}, err
	}
	cidr, err := cidrParam("CidrBlock", cidrText)
	if err != nil {
		return subnetOut{}, err
	}
	if !cidr.Addr().Is4() || cidr.Bits() < 16 || cidr.Bits() > 28 {
		return subnetOut{}, apierr.New(apierr.InvalidParameter, apierr.ResSubnet, "The CIDR '%s' is invalid.", cidrText)
	}
	cidr = cidr.Masked()
	tags, err := tagSpecs(p, "subnet")
	if err != nil {
		return subnetOut{}, err
	}
	id := store.NewID(store.PrefixSubnet)
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		v, err := findVPC(&tx.File, vpcID)
		if err != nil {
			return err
		}
		vi := vpcIndex(&tx.File, vpcID)
		inside := false
		for _, c := range tx.Net.VPCs[vi].CIDRs {
			inside = inside || (c.Bits() <= cidr.Bits() && c.Contains(cidr.Addr()))
		}
		if !inside {
			return apierr.New(apierr.InvalidParameter, apierr.ResSubnet, "The CIDR '%s' is invalid.", cidr)
		}
		for _, s := range tx.Net.VPCs[vi].Subnets {
			if s.CIDR.Overlaps(cidr) {
				return apierr.New(apierr.Conflict, apierr.ResSubnet, "The CIDR '%s' conflicts with another subnet", cidr)
			}
		}
		region := tx.Net.VPCs[vi].Region
		az := p.str("AvailabilityZone")
		if az == "" && p.str("AvailabilityZoneId") != "" {
			idText := p.str("AvailabilityZoneId")
			k := strings.LastIndex(idText, "-az")
			num, aerr := strconv.Atoi(idText[k+3:])
			if k < 0 || aerr != nil || num < 1 || num > 26 {
				return apierr.Param("AvailabilityZoneId", "Value (%s) for parameter availabilityZoneId is invalid.", idText)
			}
			az = region + string(rune('a'+num-1))
		}
		if az == "" {
			az = region + "a"
		}
		if !strings.HasPrefix(az, region) || len(az) != len(region)+1 || az[len(az)-1] < 'a' || az[len(az)-1] > 'z' {
			return apierr.Param("AvailabilityZone", "Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the availability zones of %s.", az, region)
		}
		s := config.SubnetFile{ID: id, CIDRBlock: cidr.String(), AvailabilityZone: az}
		// A subnet is associated with the VPC's default network ACL; once
		// that ACL is in the network, say so.
		if o := tx.Meta.Objects[vpcID]; o != nil && slices.ContainsFunc(tx.File.NetworkACLs, func(a config.ACLFile) bool { return a.ID == o.DefaultACL }) {
			s.NetworkACL = o.DefaultACL
		}
		v.Subnets = append(v.Subnets, s)
		o := object(tx, id, store.KindSubnet)
		o.Tags = tags
		tx.Meta.Assocs[store.AssocKey(store.AssocACL, id)] = &store.Assoc{ID: store.NewID(store.PrefixACLAssoc), Created: tx.Now}
		return nil
	})
	if err != nil {
		return subnetOut{}, err
	}
	v, s := findSubnet(&st.File, id)
	return subnetOut{subnetShape(st, n, *v, *s)}, nil
}

type subnetsOut struct {
	Subnets   []Subnet `xml:"subnetSet>item"`
	NextToken string   `xml:"nextToken,omitempty"`
}

func (h *Handler) describeSubnets(ctx context.Context, p params) (subnetsOut, error) {
	st, n := h.Store.Snapshot()
	var all []Subnet
	for _, v := range st.File.VPCs {
		for _, s := range v.Subnets {
			all = append(all, subnetShape(st, n, v, s))
		}
	}
	items, next, err := describe(p, all, "SubnetId", func(s Subnet) string { return s.SubnetId }, func(s Subnet) attrs {
		return attrs{values: map[string][]string{"subnet-id": {s.SubnetId}, "vpc-id": {s.VpcId}, "cidr-block": {s.CidrBlock},
			"cidr": {s.CidrBlock}, "cidrBlock": {s.CidrBlock}, "availability-zone": {s.AvailabilityZone},
			"availability-zone-id": {s.AvailabilityZoneId}, "state": {s.State}, "default-for-az": {"false"},
			"owner-id": {s.OwnerId}, "subnet-arn": {s.SubnetArn},
			"available-ip-address-count": {strconv.Itoa(s.AvailableIpAddressCount)}}, tags: tagValues(s.Tags)}
	}, subnetNotFound)
	if err != nil {
		return subnetsOut{}, err
	}
	return subnetsOut{Subnets: items, NextToken: next}, nil
}

func (h *Handler) deleteSubnet(ctx context.Context, p params) (returnOut, error) {
	id, err := p.required("SubnetId")
	if err != nil {
		return returnOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		v, s := findSubnet(&tx.File, id)
		if s == nil {
			return subnetNotFound(id)
		}
		if dep := edgeDependency(tx, "", id); dep != "" {
			return apierr.New(apierr.InUse, apierr.ResSubnet, "The subnet '%s' has dependencies and cannot be deleted (%s).", id, dep)
		}
		for _, e := range tx.File.Endpoints {
			for _, a := range e.IPAddresses {
				if a.Subnet == id {
					return apierr.New(apierr.InUse, apierr.ResSubnet, "The subnet '%s' has dependencies and cannot be deleted (resolver endpoint %s).", id, e.ID)
				}
			}
		}
		if p, perr := netip.ParsePrefix(s.CIDRBlock); perr == nil {
			for _, in := range v.Instances {
				for _, ip := range in.PrivateIPs {
					if a, aerr := netip.ParseAddr(ip); aerr == nil && p.Contains(a) {
						return apierr.New(apierr.InUse, apierr.ResSubnet, "The subnet '%s' has dependencies and cannot be deleted (instance %s).", id, in.ID)
					}
				}
			}
		}
		v.Subnets = slices.DeleteFunc(v.Subnets, func(x config.SubnetFile) bool { return x.ID == id })
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

// modifySubnetAttribute sets one launch attribute of a subnet. They apply
// to instances launched later, as on AWS, so no modeled instance changes;
// they are kept and described.
func (h *Handler) modifySubnetAttribute(ctx context.Context, p params) (returnOut, error) {
	id, err := p.required("SubnetId")
	if err != nil {
		return returnOut{}, err
	}
	for _, k := range []string{"MapCustomerOwnedIpOnLaunch.Value", "CustomerOwnedIpv4Pool", "EnableLniAtDeviceIndex", "DisableLniAtDeviceIndex.Value"} {
		if p.has(k) {
			return returnOut{}, &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns does not model Outposts subnet attributes (" + strings.TrimSuffix(k, ".Value") + ")"}
		}
	}
	set := map[string]string{}
	for _, k := range []string{"MapPublicIpOnLaunch", "AssignIpv6AddressOnCreation", "EnableDns64",
		"EnableResourceNameDnsARecordOnLaunch", "EnableResourceNameDnsAAAARecordOnLaunch"} {
		b, err := p.optBool(k + ".Value")
		if err != nil {
			return returnOut{}, err
		}
		if b != nil {
			set[k] = strconv.FormatBool(*b)
		}
	}
	if t := p.str("PrivateDnsHostnameTypeOnLaunch"); t != "" {
		if t != "ip-name" && t != "resource-name" {
			return returnOut{}, apierr.Param("PrivateDnsHostnameTypeOnLaunch", "Value (%s) for parameter PrivateDnsHostnameTypeOnLaunch is invalid. Valid values: ip-name, resource-name", t)
		}
		set["PrivateDnsHostnameTypeOnLaunch"] = t
	}
	if len(set) != 1 {
		return returnOut{}, apierr.Param("SubnetId", "Specify exactly one attribute to modify (%d given)", len(set))
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if _, s := findSubnet(&tx.File, id); s == nil {
			return subnetNotFound(id)
		}
		o := object(tx, id, store.KindSubnet)
		if o.SubnetAttrs == nil {
			o.SubnetAttrs = map[string]string{}
		}
		for k, v := range set {
			o.SubnetAttrs[k] = v
		}
		o.Modified = tx.Now
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}
