package ec2api

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// Transit gateways, their VPC attachments, route tables, associations,
// propagations and static routes (hybrid.go says where they land).

type tgwOptions struct {
	AmazonSideAsn                   int64  `xml:"amazonSideAsn"`
	AutoAcceptSharedAttachments     string `xml:"autoAcceptSharedAttachments"`
	DefaultRouteTableAssociation    string `xml:"defaultRouteTableAssociation"`
	AssociationDefaultRouteTableId  string `xml:"associationDefaultRouteTableId,omitempty"`
	DefaultRouteTablePropagation    string `xml:"defaultRouteTablePropagation"`
	PropagationDefaultRouteTableId  string `xml:"propagationDefaultRouteTableId,omitempty"`
	VpnEcmpSupport                  string `xml:"vpnEcmpSupport"`
	DnsSupport                      string `xml:"dnsSupport"`
	SecurityGroupReferencingSupport string `xml:"securityGroupReferencingSupport"`
	MulticastSupport                string `xml:"multicastSupport"`
}

// TransitGateway is EC2's TransitGateway.
type TransitGateway struct {
	TransitGatewayId  string     `xml:"transitGatewayId"`
	TransitGatewayArn string     `xml:"transitGatewayArn"`
	State             string     `xml:"state"`
	OwnerId           string     `xml:"ownerId"`
	Description       string     `xml:"description,omitempty"`
	CreationTime      time.Time  `xml:"creationTime"`
	Options           tgwOptions `xml:"options"`
	Tags              []Tag      `xml:"tagSet>item,omitempty"`
}

func tgwNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResTransitGateway, "The transitGateway ID '%s' does not exist.", id)
}

func tgwAttachNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResTGWAttachment, "The transitGatewayAttachment ID '%s' does not exist.", id)
}

func tgwRTNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResTGWRouteTable, "Transit Gateway Route Table %s was deleted or does not exist.", id)
}

// findTGW returns the transit gateway of the file with that id.
func findTGW(f *config.File, id string) (*config.TGWFile, error) {
	if id == "" {
		return nil, apierr.Missing("TransitGatewayId")
	}
	if t := tgwOf(f, id); t != nil {
		return t, nil
	}
	return nil, tgwNotFound(id)
}

// findAttachment returns an attachment and its transit gateway.
func findAttachment(f *config.File, id string) (*config.TGWFile, *config.TGWAttachmentFile, error) {
	if id == "" {
		return nil, nil, apierr.Missing("TransitGatewayAttachmentId")
	}
	for i := range f.TransitGateways {
		t := &f.TransitGateways[i]
		for j := range t.Attachments {
			if t.Attachments[j].ID == id {
				return t, &t.Attachments[j], nil
			}
		}
	}
	return nil, nil, tgwAttachNotFound(id)
}

// findTGWRouteTable returns a TGW route table and its transit gateway.
func findTGWRouteTable(f *config.File, id string) (*config.TGWFile, *config.TGWRouteTableFile, error) {
	if id == "" {
		return nil, nil, apierr.Missing("TransitGatewayRouteTableId")
	}
	for i := range f.TransitGateways {
		t := &f.TransitGateways[i]
		for j := range t.RouteTables {
			if t.RouteTables[j].ID == id {
				return t, &t.RouteTables[j], nil
			}
		}
	}
	return nil, nil, tgwRTNotFound(id)
}

func created(st *store.State, id string) time.Time {
	if o := st.Meta.Objects[id]; o != nil {
		return o.Created
	}
	return time.Time{}
}

func tgwShape(st *store.State, n *config.Network, t config.TGWFile) TransitGateway {
	out := TransitGateway{TransitGatewayId: t.ID, TransitGatewayArn: ownerArn(n, "transit-gateway", t.ID), State: "available",
		OwnerId: owner(n, t.OwnerAccount), CreationTime: created(st, t.ID), Tags: tagItems(metaTags(st, t.ID)),
		Options: tgwOptions{AmazonSideAsn: 64512, AutoAcceptSharedAttachments: "disable", DefaultRouteTableAssociation: "disable",
			DefaultRouteTablePropagation: "disable", VpnEcmpSupport: "enable", DnsSupport: "enable",
			SecurityGroupReferencingSupport: "disable", MulticastSupport: "disable"}}
	if o := st.Meta.Objects[t.ID]; o != nil && o.Hybrid != nil {
		h := o.Hybrid
		out.Description = o.Description
		out.Options.AmazonSideAsn = h.AmazonSideASN
		out.Options.AutoAcceptSharedAttachments = h.AutoAccept
		out.Options.DefaultRouteTableAssociation = enableStr(h.DefaultAssoc)
		out.Options.DefaultRouteTablePropagation = enableStr(h.DefaultProp)
		out.Options.VpnEcmpSupport = h.VPNECMPSupport
		out.Options.DnsSupport = h.DNSSupport
		if h.DefaultAssoc {
			out.Options.AssociationDefaultRouteTableId = h.DefaultRT
		}
		if h.DefaultProp {
			out.Options.PropagationDefaultRouteTableId = h.DefaultRT
		}
	}
	return out
}

func owner(n *config.Network, acct string) string {
	if acct != "" {
		return acct
	}
	return n.AccountID
}

type tgwOut struct {
	TransitGateway TransitGateway `xml:"transitGateway"`
}

func (h *Handler) createTGW(ctx context.Context, p params) (tgwOut, error) {
	tags, err := tagSpecsAny(p, "transit-gateway")
	if err != nil {
		return tgwOut{}, err
	}
	hy := &store.Hybrid{AmazonSideASN: 64512, DNSSupport: "enable", VPNECMPSupport: "enable", AutoAccept: "disable"}
	if s := p.str("Options.AmazonSideAsn"); s != "" {
		asn, err := strconv.ParseInt(s, 10, 64)
		if err != nil || !(asn >= 64512 && asn <= 65534 || asn >= 4200000000 && asn <= 4294967294) {
			return tgwOut{}, apierr.Param("Options.AmazonSideAsn", "Value (%s) for parameter amazonSideAsn is invalid. Expecting a private ASN (64512-65534 or 4200000000-4294967294).", s)
		}
		hy.AmazonSideASN = asn
	}
	if hy.DefaultAssoc, err = enableOpt(p, "Options.DefaultRouteTableAssociation", true); err != nil {
		return tgwOut{}, err
	}
	if hy.DefaultProp, err = enableOpt(p, "Options.DefaultRouteTablePropagation", true); err != nil {
		return tgwOut{}, err
	}
	for name, dst := range map[string]*string{"Options.DnsSupport": &hy.DNSSupport, "Options.VpnEcmpSupport": &hy.VPNECMPSupport, "Options.AutoAcceptSharedAttachments": &hy.AutoAccept} {
		if p.has(name) {
			on, err := enableOpt(p, name, true)
			if err != nil {
				return tgwOut{}, err
			}
			*dst = enableStr(on)
		}
	}
	id := store.NewID(store.PrefixTGW)
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		t := config.TGWFile{ID: id, OwnerAccount: op.Owner(ctx, tx.Net.AccountID)}
		if hy.DefaultAssoc || hy.DefaultProp {
			// AWS makes the default route table with the gateway.
			hy.DefaultRT = store.NewID(store.PrefixTGWRT)
			t.RouteTables = []config.TGWRouteTableFile{{ID: hy.DefaultRT}}
			ro := object(tx, hy.DefaultRT, store.KindTGWRouteTable)
			ro.Hybrid = &store.Hybrid{TGW: id}
		}
		tx.File.TransitGateways = append(tx.File.TransitGateways, t)
		o := object(tx, id, store.KindTransitGateway)
		o.Tags, o.Description, o.Hybrid = tags, p.str("Description"), hy
		return nil
	})
	if err != nil {
		return tgwOut{}, err
	}
	out := tgwShape(st, n, *tgwOf(&st.File, id))
	out.State = "pending"
	return tgwOut{out}, nil
}

type tgwsOut struct {
	TransitGateways []TransitGateway `xml:"transitGatewaySet>item"`
	NextToken       string           `xml:"nextToken,omitempty"`
}

func (h *Handler) describeTGWs(ctx context.Context, p params) (tgwsOut, error) {
	st, n := h.Store.Snapshot()
	var all []TransitGateway
	for _, t := range st.File.TransitGateways {
		all = append(all, tgwShape(st, n, t))
	}
	items, next, err := describe(p, all, "TransitGatewayIds", func(t TransitGateway) string { return t.TransitGatewayId }, func(t TransitGateway) attrs {
		return attrs{values: map[string][]string{"transit-gateway-id": {t.TransitGatewayId}, "state": {t.State}, "owner-id": {t.OwnerId},
			"options.amazon-side-asn":                    {strconv.FormatInt(t.Options.AmazonSideAsn, 10)},
			"options.association-default-route-table-id": {t.Options.AssociationDefaultRouteTableId},
			"options.propagation-default-route-table-id": {t.Options.PropagationDefaultRouteTableId},
			"options.default-route-table-association":    {t.Options.DefaultRouteTableAssociation},
			"options.default-route-table-propagation":    {t.Options.DefaultRouteTablePropagation},
			"options.dns-support":                        {t.Options.DnsSupport},
			"options.vpn-ecmp-support":                   {t.Options.VpnEcmpSupport},
			"options.auto-accept-shared-attachments":     {t.Options.AutoAcceptSharedAttachments}},
			tags: tagValues(t.Tags)}
	}, tgwNotFound)
	if err != nil {
		return tgwsOut{}, err
	}
	return tgwsOut{items, next}, nil
}

func (h *Handler) deleteTGW(ctx context.Context, p params) (tgwOut, error) {
	id, err := p.required("TransitGatewayId")
	if err != nil {
		return tgwOut{}, err
	}
	var gone TransitGateway
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		t, err := findTGW(&tx.File, id)
		if err != nil {
			return err
		}
		gone = tgwShape(tx.State, tx.Net, *t)
		for _, a := range t.Attachments {
			if normState(a.State) != "deleted" {
				return apierr.New(apierr.InUse, apierr.ResTransitGateway, "%s has non-deleted attachments: %s", id, a.ID)
			}
		}
		for _, x := range hybridObjects(tx.State, store.KindVPNConnection) {
			if tx.Meta.Objects[x].Hybrid.TGW == id {
				return apierr.New(apierr.InUse, apierr.ResTransitGateway, "%s has non-deleted attachments: vpn connection %s", id, x)
			}
		}
		// A VPC route to a deleted transit gateway is a blackhole.
		for i := range tx.File.RouteTables {
			for j := range tx.File.RouteTables[i].Routes {
				if r := &tx.File.RouteTables[i].Routes[j]; r.Target == id {
					r.Target = "blackhole"
				}
			}
		}
		for _, rt := range t.RouteTables {
			delete(tx.Meta.Objects, rt.ID)
		}
		for _, a := range t.Attachments {
			delete(tx.Meta.Objects, a.ID)
		}
		i := slices.IndexFunc(tx.File.TransitGateways, func(x config.TGWFile) bool { return x.ID == id })
		tx.File.TransitGateways = slices.Delete(tx.File.TransitGateways, i, i+1)
		delete(tx.Meta.Objects, id)
		syncHybrid(tx)
		return nil
	})
	if err != nil {
		return tgwOut{}, err
	}
	gone.State = "deleting"
	return tgwOut{gone}, nil
}

// normState is an attachment state as AWS spells it, "available" when
// the file leaves it out.
func normState(s string) string {
	if s == "" {
		return "available"
	}
	return strings.ReplaceAll(s, "_", "")
}

// apiResourceType is an attachment's resource type as the API spells it.
func apiResourceType(t string) string { return strings.ReplaceAll(t, "_", "-") }

type vpcAttachmentOptions struct {
	DnsSupport                      string `xml:"dnsSupport"`
	SecurityGroupReferencingSupport string `xml:"securityGroupReferencingSupport"`
	Ipv6Support                     string `xml:"ipv6Support"`
	ApplianceModeSupport            string `xml:"applianceModeSupport"`
}

// TransitGatewayVpcAttachment is EC2's TransitGatewayVpcAttachment.
type TransitGatewayVpcAttachment struct {
	TransitGatewayAttachmentId string               `xml:"transitGatewayAttachmentId"`
	TransitGatewayId           string               `xml:"transitGatewayId"`
	VpcId                      string               `xml:"vpcId"`
	VpcOwnerId                 string               `xml:"vpcOwnerId"`
	State                      string               `xml:"state"`
	SubnetIds                  []string             `xml:"subnetIds>item"`
	CreationTime               time.Time            `xml:"creationTime"`
	Options                    vpcAttachmentOptions `xml:"options"`
	Tags                       []Tag                `xml:"tagSet>item,omitempty"`
}

func vpcAttachmentShape(st *store.State, n *config.Network, t config.TGWFile, a config.TGWAttachmentFile) TransitGatewayVpcAttachment {
	out := TransitGatewayVpcAttachment{TransitGatewayAttachmentId: a.ID, TransitGatewayId: t.ID, VpcId: a.Resource, VpcOwnerId: n.AccountID,
		State: normState(a.State), CreationTime: created(st, a.ID), Tags: tagItems(metaTags(st, a.ID)),
		Options: vpcAttachmentOptions{DnsSupport: "enable", SecurityGroupReferencingSupport: "disable", Ipv6Support: "disable", ApplianceModeSupport: "disable"}}
	if v := vpcIndex(&st.File, a.Resource); v >= 0 && st.File.VPCs[v].OwnerAccount != "" {
		out.VpcOwnerId = st.File.VPCs[v].OwnerAccount
	}
	if h := hyb(st, a.ID, store.KindTGWAttachment); h != nil {
		out.SubnetIds = h.Subnets
		if h.DNSSupport != "" {
			out.Options.DnsSupport = h.DNSSupport
		}
	}
	return out
}

type vpcAttachmentOut struct {
	Attachment TransitGatewayVpcAttachment `xml:"transitGatewayVpcAttachment"`
}

func (h *Handler) createTGWVpcAttachment(ctx context.Context, p params) (vpcAttachmentOut, error) {
	tgwID, err := p.required("TransitGatewayId")
	if err != nil {
		return vpcAttachmentOut{}, err
	}
	vpcID, err := p.required("VpcId")
	if err != nil {
		return vpcAttachmentOut{}, err
	}
	subnets := p.strings("SubnetIds")
	if len(subnets) == 0 {
		return vpcAttachmentOut{}, apierr.Missing("SubnetIds")
	}
	tags, err := tagSpecsAny(p, "transit-gateway-attachment")
	if err != nil {
		return vpcAttachmentOut{}, err
	}
	dns, err := enableOpt(p, "Options.DnsSupport", true)
	if err != nil {
		return vpcAttachmentOut{}, err
	}
	id := store.NewID(store.PrefixTGWAttach)
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		t, err := findTGW(&tx.File, tgwID)
		if err != nil {
			return err
		}
		v, err := findVPC(&tx.File, vpcID)
		if err != nil {
			return err
		}
		zones := map[string]string{}
		for _, s := range subnets {
			j := slices.IndexFunc(v.Subnets, func(x config.SubnetFile) bool { return x.ID == s })
			if j < 0 {
				if _, other := findSubnet(&tx.File, s); other != nil {
					return apierr.Param("SubnetIds", "The subnet %s does not belong to %s.", s, vpcID)
				}
				return subnetNotFound(s)
			}
			az := v.Subnets[j].AvailabilityZone
			if prev, dup := zones[az]; dup && az != "" {
				return apierr.Param("SubnetIds", "DuplicateSubnetsInSameZone: subnets %s and %s are both in %s: an attachment has one subnet per availability zone.", prev, s, az)
			}
			zones[az] = s
		}
		for _, a := range t.Attachments {
			if a.ResourceType == "vpc" && a.Resource == vpcID && normState(a.State) != "deleted" {
				return apierr.New(apierr.Exists, apierr.ResTGWAttachment, "DuplicateTransitGatewayAttachment: %s is already attached to %s by %s", vpcID, tgwID, a.ID)
			}
		}
		a := config.TGWAttachmentFile{ID: id, ResourceType: "vpc", Resource: vpcID}
		hy := tx.Meta.Objects[tgwID]
		if hy != nil && hy.Hybrid != nil && hy.Hybrid.DefaultRT != "" {
			if hy.Hybrid.DefaultAssoc {
				a.RouteTable = hy.Hybrid.DefaultRT
			}
			if hy.Hybrid.DefaultProp {
				_, rt, err := findTGWRouteTable(&tx.File, hy.Hybrid.DefaultRT)
				if err == nil {
					rt.Propagations = append(rt.Propagations, id)
				}
			}
		}
		t.Attachments = append(t.Attachments, a)
		o := object(tx, id, store.KindTGWAttachment)
		o.Tags, o.Hybrid = tags, &store.Hybrid{TGW: tgwID, VPC: vpcID, Subnets: subnets, DNSSupport: enableStr(dns)}
		return nil
	})
	if err != nil {
		if e, ok := err.(*apierr.Error); ok && e.Kind == apierr.Exists {
			e.Kind = apierr.InvalidParameter
		}
		return vpcAttachmentOut{}, err
	}
	t, a, _ := findAttachment(&st.File, id)
	out := vpcAttachmentShape(st, n, *t, *a)
	out.State = "pending"
	return vpcAttachmentOut{out}, nil
}

type vpcAttachmentsOut struct {
	Attachments []TransitGatewayVpcAttachment `xml:"transitGatewayVpcAttachments>item"`
	NextToken   string                        `xml:"nextToken,omitempty"`
}

func (h *Handler) describeTGWVpcAttachments(ctx context.Context, p params) (vpcAttachmentsOut, error) {
	st, n := h.Store.Snapshot()
	var all []TransitGatewayVpcAttachment
	for _, t := range st.File.TransitGateways {
		for _, a := range t.Attachments {
			if a.ResourceType == "vpc" {
				all = append(all, vpcAttachmentShape(st, n, t, a))
			}
		}
	}
	items, next, err := describe(p, all, "TransitGatewayAttachmentIds", func(a TransitGatewayVpcAttachment) string { return a.TransitGatewayAttachmentId }, func(a TransitGatewayVpcAttachment) attrs {
		return attrs{values: map[string][]string{"transit-gateway-attachment-id": {a.TransitGatewayAttachmentId}, "transit-gateway-id": {a.TransitGatewayId},
			"vpc-id": {a.VpcId}, "state": {a.State}}, tags: tagValues(a.Tags)}
	}, tgwAttachNotFound)
	if err != nil {
		return vpcAttachmentsOut{}, err
	}
	return vpcAttachmentsOut{items, next}, nil
}

type attachmentAssociation struct {
	TransitGatewayRouteTableId string `xml:"transitGatewayRouteTableId"`
	State                      string `xml:"state"`
}

// TransitGatewayAttachment is EC2's TransitGatewayAttachment.
type TransitGatewayAttachment struct {
	TransitGatewayAttachmentId string                 `xml:"transitGatewayAttachmentId"`
	TransitGatewayId           string                 `xml:"transitGatewayId"`
	TransitGatewayOwnerId      string                 `xml:"transitGatewayOwnerId"`
	ResourceOwnerId            string                 `xml:"resourceOwnerId"`
	ResourceType               string                 `xml:"resourceType"`
	ResourceId                 string                 `xml:"resourceId"`
	State                      string                 `xml:"state"`
	Association                *attachmentAssociation `xml:"association,omitempty"`
	CreationTime               time.Time              `xml:"creationTime"`
	Tags                       []Tag                  `xml:"tagSet>item,omitempty"`
}

type attachmentsOut struct {
	Attachments []TransitGatewayAttachment `xml:"transitGatewayAttachments>item"`
	NextToken   string                     `xml:"nextToken,omitempty"`
}

func (h *Handler) describeTGWAttachments(ctx context.Context, p params) (attachmentsOut, error) {
	st, n := h.Store.Snapshot()
	var all []TransitGatewayAttachment
	for _, t := range st.File.TransitGateways {
		for _, a := range t.Attachments {
			x := TransitGatewayAttachment{TransitGatewayAttachmentId: a.ID, TransitGatewayId: t.ID, TransitGatewayOwnerId: owner(n, t.OwnerAccount),
				ResourceOwnerId: ownerOf(st, n, a.Resource), ResourceType: apiResourceType(a.ResourceType), ResourceId: a.Resource, State: normState(a.State),
				CreationTime: created(st, a.ID), Tags: tagItems(metaTags(st, a.ID))}
			if a.RouteTable != "" {
				x.Association = &attachmentAssociation{a.RouteTable, "associated"}
			}
			all = append(all, x)
		}
	}
	items, next, err := describe(p, all, "TransitGatewayAttachmentIds", func(a TransitGatewayAttachment) string { return a.TransitGatewayAttachmentId }, func(a TransitGatewayAttachment) attrs {
		assoc := []string{}
		if a.Association != nil {
			assoc = append(assoc, a.Association.TransitGatewayRouteTableId)
		}
		return attrs{values: map[string][]string{"transit-gateway-attachment-id": {a.TransitGatewayAttachmentId}, "transit-gateway-id": {a.TransitGatewayId},
			"resource-id": {a.ResourceId}, "resource-type": {a.ResourceType}, "state": {a.State}, "resource-owner-id": {a.ResourceOwnerId},
			"transit-gateway-owner-id": {a.TransitGatewayOwnerId}, "association.transit-gateway-route-table-id": assoc}, tags: tagValues(a.Tags)}
	}, tgwAttachNotFound)
	if err != nil {
		return attachmentsOut{}, err
	}
	return attachmentsOut{items, next}, nil
}

// dropAttachment removes attachment id from t's route tables (association,
// propagations, static routes that lead only to it), and from t itself
// unless keep (a VPC route to the gateway still needs the VPC attached:
// the attachment then stays, deleted, and carries nothing).
func dropAttachment(t *config.TGWFile, id string, keep bool) {
	for i := range t.RouteTables {
		rt := &t.RouteTables[i]
		rt.Propagations = slices.DeleteFunc(rt.Propagations, func(x string) bool { return x == id })
		rt.Routes = slices.DeleteFunc(rt.Routes, func(r config.TGWRouteFile) bool {
			return len(r.Attachments) == 1 && r.Attachments[0] == id
		})
		for j := range rt.Routes {
			rt.Routes[j].Attachments = slices.DeleteFunc(rt.Routes[j].Attachments, func(x string) bool { return x == id })
		}
	}
	j := slices.IndexFunc(t.Attachments, func(a config.TGWAttachmentFile) bool { return a.ID == id })
	if j < 0 {
		return
	}
	if keep {
		t.Attachments[j].State, t.Attachments[j].RouteTable = "deleted", ""
		return
	}
	t.Attachments = slices.Delete(t.Attachments, j, j+1)
}

func (h *Handler) deleteTGWVpcAttachment(ctx context.Context, p params) (vpcAttachmentOut, error) {
	id, err := p.required("TransitGatewayAttachmentId")
	if err != nil {
		return vpcAttachmentOut{}, err
	}
	var gone TransitGatewayVpcAttachment
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		t, a, err := findAttachment(&tx.File, id)
		if err != nil {
			return err
		}
		if a.ResourceType != "vpc" {
			return tgwAttachNotFound(id)
		}
		if normState(a.State) == "deleted" {
			return apierr.New(apierr.InvalidRequest, apierr.ResTGWAttachment, "%s is in invalid state: deleted", id)
		}
		gone = vpcAttachmentShape(tx.State, tx.Net, *t, *a)
		keep := false
		for _, rt := range tx.File.RouteTables {
			if rt.VPC == a.Resource && slices.ContainsFunc(rt.Routes, func(r config.RouteFile) bool { return r.Target == t.ID }) {
				keep = true
			}
		}
		dropAttachment(t, id, keep)
		if !keep {
			delete(tx.Meta.Objects, id)
		}
		syncHybrid(tx)
		return nil
	})
	if err != nil {
		return vpcAttachmentOut{}, err
	}
	gone.State = "deleting"
	return vpcAttachmentOut{gone}, nil
}

// TransitGatewayRouteTable is EC2's TransitGatewayRouteTable.
type TransitGatewayRouteTable struct {
	TransitGatewayRouteTableId   string    `xml:"transitGatewayRouteTableId"`
	TransitGatewayId             string    `xml:"transitGatewayId"`
	State                        string    `xml:"state"`
	DefaultAssociationRouteTable bool      `xml:"defaultAssociationRouteTable"`
	DefaultPropagationRouteTable bool      `xml:"defaultPropagationRouteTable"`
	CreationTime                 time.Time `xml:"creationTime"`
	Tags                         []Tag     `xml:"tagSet>item,omitempty"`
}

func tgwRTShape(st *store.State, t config.TGWFile, rt config.TGWRouteTableFile) TransitGatewayRouteTable {
	out := TransitGatewayRouteTable{TransitGatewayRouteTableId: rt.ID, TransitGatewayId: t.ID, State: "available",
		CreationTime: created(st, rt.ID), Tags: tagItems(metaTags(st, rt.ID))}
	if h := hyb(st, t.ID, store.KindTransitGateway); h != nil && h.DefaultRT == rt.ID {
		out.DefaultAssociationRouteTable, out.DefaultPropagationRouteTable = h.DefaultAssoc, h.DefaultProp
	}
	return out
}

type tgwRTOut struct {
	RouteTable TransitGatewayRouteTable `xml:"transitGatewayRouteTable"`
}

func (h *Handler) createTGWRouteTable(ctx context.Context, p params) (tgwRTOut, error) {
	tgwID, err := p.required("TransitGatewayId")
	if err != nil {
		return tgwRTOut{}, err
	}
	tags, err := tagSpecsAny(p, "transit-gateway-route-table")
	if err != nil {
		return tgwRTOut{}, err
	}
	id := store.NewID(store.PrefixTGWRT)
	st, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		t, err := findTGW(&tx.File, tgwID)
		if err != nil {
			return err
		}
		t.RouteTables = append(t.RouteTables, config.TGWRouteTableFile{ID: id})
		o := object(tx, id, store.KindTGWRouteTable)
		o.Tags, o.Hybrid = tags, &store.Hybrid{TGW: tgwID}
		return nil
	})
	if err != nil {
		return tgwRTOut{}, err
	}
	t, rt, _ := findTGWRouteTable(&st.File, id)
	out := tgwRTShape(st, *t, *rt)
	out.State = "pending"
	return tgwRTOut{out}, nil
}

type tgwRTsOut struct {
	RouteTables []TransitGatewayRouteTable `xml:"transitGatewayRouteTables>item"`
	NextToken   string                     `xml:"nextToken,omitempty"`
}

func (h *Handler) describeTGWRouteTables(ctx context.Context, p params) (tgwRTsOut, error) {
	st, _ := h.Store.Snapshot()
	var all []TransitGatewayRouteTable
	for _, t := range st.File.TransitGateways {
		for _, rt := range t.RouteTables {
			all = append(all, tgwRTShape(st, t, rt))
		}
	}
	items, next, err := describe(p, all, "TransitGatewayRouteTableIds", func(r TransitGatewayRouteTable) string { return r.TransitGatewayRouteTableId }, func(r TransitGatewayRouteTable) attrs {
		return attrs{values: map[string][]string{"transit-gateway-route-table-id": {r.TransitGatewayRouteTableId}, "transit-gateway-id": {r.TransitGatewayId},
			"state": {r.State}, "default-association-route-table": {boolStr(r.DefaultAssociationRouteTable)},
			"default-propagation-route-table": {boolStr(r.DefaultPropagationRouteTable)}}, tags: tagValues(r.Tags)}
	}, tgwRTNotFound)
	if err != nil {
		return tgwRTsOut{}, err
	}
	return tgwRTsOut{items, next}, nil
}

func (h *Handler) deleteTGWRouteTable(ctx context.Context, p params) (tgwRTOut, error) {
	id, err := p.required("TransitGatewayRouteTableId")
	if err != nil {
		return tgwRTOut{}, err
	}
	var gone TransitGatewayRouteTable
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		t, rt, err := findTGWRouteTable(&tx.File, id)
		if err != nil {
			return err
		}
		gone = tgwRTShape(tx.State, *t, *rt)
		for _, a := range t.Attachments {
			if a.RouteTable == id {
				return apierr.New(apierr.InUse, apierr.ResTGWRouteTable, "%s has associations: %s", id, a.ID)
			}
		}
		if hy := hyb(tx.State, t.ID, store.KindTransitGateway); hy != nil && hy.DefaultRT == id {
			hy.DefaultRT, hy.DefaultAssoc, hy.DefaultProp = "", false, false
		}
		j := slices.IndexFunc(t.RouteTables, func(x config.TGWRouteTableFile) bool { return x.ID == id })
		t.RouteTables = slices.Delete(t.RouteTables, j, j+1)
		delete(tx.Meta.Objects, id)
		syncHybrid(tx)
		return nil
	})
	if err != nil {
		return tgwRTOut{}, err
	}
	gone.State = "deleting"
	return tgwRTOut{gone}, nil
}

// TransitGatewayAssociation is EC2's TransitGatewayAssociation; the same
// members make TransitGatewayPropagation.
type TransitGatewayAssociation struct {
	TransitGatewayRouteTableId string `xml:"transitGatewayRouteTableId"`
	TransitGatewayAttachmentId string `xml:"transitGatewayAttachmentId"`
	ResourceId                 string `xml:"resourceId"`
	ResourceType               string `xml:"resourceType"`
	State                      string `xml:"state"`
}

type tgwAssocOut struct {
	Association TransitGatewayAssociation `xml:"association"`
}

type tgwPropOut struct {
	Propagation TransitGatewayAssociation `xml:"propagation"`
}

// tgwPair reads the route table and attachment of an association or
// propagation, which must belong to one transit gateway.
func tgwPair(tx *store.Tx, p params) (*config.TGWFile, *config.TGWRouteTableFile, *config.TGWAttachmentFile, error) {
	t, rt, err := findTGWRouteTable(&tx.File, p.str("TransitGatewayRouteTableId"))
	if err != nil {
		return nil, nil, nil, err
	}
	at, a, err := findAttachment(&tx.File, p.str("TransitGatewayAttachmentId"))
	if err != nil {
		return nil, nil, nil, err
	}
	if at != t {
		return nil, nil, nil, apierr.Param("TransitGatewayAttachmentId", "%s is an attachment of %s, not of %s, the transit gateway of %s", a.ID, at.ID, t.ID, rt.ID)
	}
	if normState(a.State) == "deleted" {
		return nil, nil, nil, apierr.New(apierr.InvalidRequest, apierr.ResTGWAttachment, "%s is in invalid state: deleted", a.ID)
	}
	return t, rt, a, nil
}

func (h *Handler) associateTGWRouteTable(ctx context.Context, p params) (tgwAssocOut, error) {
	var out TransitGatewayAssociation
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		_, rt, a, err := tgwPair(tx, p)
		if err != nil {
			return err
		}
		if a.RouteTable != "" {
			return apierr.New(apierr.Exists, apierr.ResTGWAssociation, "Transit Gateway Attachment %s is already associated with a route table (%s).", a.ID, a.RouteTable)
		}
		a.RouteTable = rt.ID
		out = TransitGatewayAssociation{rt.ID, a.ID, a.Resource, apiResourceType(a.ResourceType), "associating"}
		return nil
	})
	if err != nil {
		return tgwAssocOut{}, err
	}
	return tgwAssocOut{out}, nil
}

func (h *Handler) disassociateTGWRouteTable(ctx context.Context, p params) (tgwAssocOut, error) {
	var out TransitGatewayAssociation
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		_, rt, a, err := tgwPair(tx, p)
		if err != nil {
			return err
		}
		if a.RouteTable != rt.ID {
			return apierr.New(apierr.NotFound, apierr.ResTGWAssociation, "Transit Gateway Attachment %s is not associated with %s.", a.ID, rt.ID)
		}
		a.RouteTable = ""
		out = TransitGatewayAssociation{rt.ID, a.ID, a.Resource, apiResourceType(a.ResourceType), "disassociating"}
		return nil
	})
	if err != nil {
		return tgwAssocOut{}, err
	}
	return tgwAssocOut{out}, nil
}

func (h *Handler) enableTGWPropagation(ctx context.Context, p params) (tgwPropOut, error) {
	var out TransitGatewayAssociation
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		_, rt, a, err := tgwPair(tx, p)
		if err != nil {
			return err
		}
		if slices.Contains(rt.Propagations, a.ID) {
			return apierr.New(apierr.Exists, apierr.ResTGWPropagation, "Propagation of %s into %s is already enabled.", a.ID, rt.ID)
		}
		rt.Propagations = append(rt.Propagations, a.ID)
		out = TransitGatewayAssociation{rt.ID, a.ID, a.Resource, apiResourceType(a.ResourceType), "enabled"}
		return nil
	})
	if err != nil {
		return tgwPropOut{}, err
	}
	return tgwPropOut{out}, nil
}

func (h *Handler) disableTGWPropagation(ctx context.Context, p params) (tgwPropOut, error) {
	var out TransitGatewayAssociation
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		_, rt, a, err := tgwPair(tx, p)
		if err != nil {
			return err
		}
		j := slices.Index(rt.Propagations, a.ID)
		if j < 0 {
			return apierr.New(apierr.NotFound, apierr.ResTGWPropagation, "Propagation of %s into %s is not enabled.", a.ID, rt.ID)
		}
		rt.Propagations = slices.Delete(rt.Propagations, j, j+1)
		out = TransitGatewayAssociation{rt.ID, a.ID, a.Resource, apiResourceType(a.ResourceType), "disabled"}
		return nil
	})
	if err != nil {
		return tgwPropOut{}, err
	}
	return tgwPropOut{out}, nil
}

type tgwRouteAttachment struct {
	ResourceId                 string `xml:"resourceId"`
	TransitGatewayAttachmentId string `xml:"transitGatewayAttachmentId"`
	ResourceType               string `xml:"resourceType"`
}

// TransitGatewayRoute is EC2's TransitGatewayRoute.
type TransitGatewayRoute struct {
	DestinationCidrBlock      string               `xml:"destinationCidrBlock,omitempty"`
	PrefixListId              string               `xml:"prefixListId,omitempty"`
	TransitGatewayAttachments []tgwRouteAttachment `xml:"transitGatewayAttachments>item,omitempty"`
	Type                      string               `xml:"type"`
	State                     string               `xml:"state"`
}

func tgwRouteShape(t *config.TGWFile, r config.TGWRouteFile) TransitGatewayRoute {
	out := TransitGatewayRoute{DestinationCidrBlock: r.Destination, PrefixListId: r.DestinationPrefixList, Type: "static", State: "active"}
	if r.Origin == "propagated" {
		out.Type = "propagated"
	}
	if r.Blackhole {
		out.State = "blackhole"
	}
	for _, id := range r.Attachments {
		x := tgwRouteAttachment{TransitGatewayAttachmentId: id}
		for _, a := range t.Attachments {
			if a.ID == id {
				x.ResourceId, x.ResourceType = a.Resource, apiResourceType(a.ResourceType)
			}
		}
		out.TransitGatewayAttachments = append(out.TransitGatewayAttachments, x)
	}
	return out
}

type tgwRouteOut struct {
	Route TransitGatewayRoute `xml:"route"`
}

func (h *Handler) createTGWRoute(ctx context.Context, p params) (tgwRouteOut, error) {
	dest, err := destination(p)
	if err != nil {
		return tgwRouteOut{}, err
	}
	blackhole := p.bool("Blackhole")
	att := p.str("TransitGatewayAttachmentId")
	if !blackhole && att == "" {
		return tgwRouteOut{}, apierr.Missing("TransitGatewayAttachmentId")
	}
	var out TransitGatewayRoute
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		t, rt, err := findTGWRouteTable(&tx.File, p.str("TransitGatewayRouteTableId"))
		if err != nil {
			return err
		}
		r := config.TGWRouteFile{Destination: dest, Blackhole: blackhole}
		if !blackhole {
			at, a, err := findAttachment(&tx.File, att)
			if err != nil {
				return err
			}
			if at != t {
				return apierr.Param("TransitGatewayAttachmentId", "%s is an attachment of %s, not of %s", a.ID, at.ID, t.ID)
			}
			r.Attachments = []string{a.ID}
		}
		if slices.ContainsFunc(rt.Routes, func(x config.TGWRouteFile) bool { return x.Origin != "propagated" && sameDest(x.Destination, dest) }) {
			return apierr.New(apierr.Exists, apierr.ResRoute, "Route %s already exists in Transit Gateway Route Table %s.", dest, rt.ID)
		}
		rt.Routes = append(rt.Routes, r)
		out = tgwRouteShape(t, r)
		syncHybrid(tx)
		return nil
	})
	if err != nil {
		return tgwRouteOut{}, err
	}
	return tgwRouteOut{out}, nil
}

func (h *Handler) deleteTGWRoute(ctx context.Context, p params) (tgwRouteOut, error) {
	dest, err := destination(p)
	if err != nil {
		return tgwRouteOut{}, err
	}
	var out TransitGatewayRoute
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		t, rt, err := findTGWRouteTable(&tx.File, p.str("TransitGatewayRouteTableId"))
		if err != nil {
			return err
		}
		j := slices.IndexFunc(rt.Routes, func(x config.TGWRouteFile) bool { return x.Origin != "propagated" && sameDest(x.Destination, dest) })
		if j < 0 {
			return apierr.New(apierr.NotFound, apierr.ResRoute, "No route with destination-cidr-block %s in Transit Gateway Route Table %s.", dest, rt.ID)
		}
		out = tgwRouteShape(t, rt.Routes[j])
		out.State = "deleted"
		rt.Routes = slices.Delete(rt.Routes, j, j+1)
		syncHybrid(tx)
		return nil
	})
	if err != nil {
		return tgwRouteOut{}, err
	}
	return tgwRouteOut{out}, nil
}

type searchRoutesOut struct {
	Routes                    []TransitGatewayRoute `xml:"routeSet>item"`
	AdditionalRoutesAvailable bool                  `xml:"additionalRoutesAvailable"`
}

// searchTGWRoutes lists a table's routes as the transit gateway routes:
// its static routes, and what its propagations bring (a VPC's CIDRs, a
// VPN's prefixes while it is up), as netpath evaluates them.
func (h *Handler) searchTGWRoutes(ctx context.Context, p params) (searchRoutesOut, error) {
	id, err := p.required("TransitGatewayRouteTableId")
	if err != nil {
		return searchRoutesOut{}, err
	}
	if len(p.filters()) == 0 {
		return searchRoutesOut{}, apierr.Missing("Filters")
	}
	st, n := h.Store.Snapshot()
	t, rt, err := findTGWRouteTable(&st.File, id)
	if err != nil {
		return searchRoutesOut{}, err
	}
	var all []TransitGatewayRoute
	for _, r := range rt.Routes {
		all = append(all, tgwRouteShape(t, r))
	}
	for _, nt := range n.TransitGateways {
		if nt.ID != t.ID {
			continue
		}
		for _, nrt := range nt.RouteTables {
			if nrt.ID != id {
				continue
			}
			for _, a := range nrt.Propagations {
				if !a.Available {
					continue
				}
				var cidrs []string
				switch {
				case a.VPC != nil:
					for _, c := range a.VPC.AllCIDRs() {
						cidrs = append(cidrs, c.String())
					}
				case a.Remote != nil && a.Remote.Up:
					for _, c := range a.Remote.CIDRs {
						cidrs = append(cidrs, c.String())
					}
				}
				for _, c := range cidrs {
					all = append(all, tgwRouteShape(t, config.TGWRouteFile{Destination: c, Attachments: []string{a.ID}, Origin: "propagated"}))
				}
			}
		}
	}
	var out []TransitGatewayRoute
	for _, r := range all {
		a := attrs{values: map[string][]string{"type": {r.Type}, "state": {r.State}, "route-search.exact-match": {r.DestinationCidrBlock},
			"prefix-list-id": {r.PrefixListId}, "attachment.transit-gateway-attachment-id": nil, "attachment.resource-id": nil, "attachment.resource-type": nil,
			"route-search.longest-prefix-match": nil, "route-search.subnet-of-match": nil, "route-search.supernet-of-match": nil}}
		for _, x := range r.TransitGatewayAttachments {
			a.values["attachment.transit-gateway-attachment-id"] = append(a.values["attachment.transit-gateway-attachment-id"], x.TransitGatewayAttachmentId)
			a.values["attachment.resource-id"] = append(a.values["attachment.resource-id"], x.ResourceId)
			a.values["attachment.resource-type"] = append(a.values["attachment.resource-type"], x.ResourceType)
		}
		ok, err := matchFilters(routeSearch(p.filters(), r), a)
		if err != nil {
			return searchRoutesOut{}, err
		}
		if ok {
			out = append(out, r)
		}
	}
	max := 1000
	if m, err := p.optInt("MaxResults"); err != nil {
		return searchRoutesOut{}, err
	} else if m != nil && *m >= 5 && *m < max {
		max = *m
	}
	more := len(out) > max
	if more {
		out = out[:max]
	}
	return searchRoutesOut{Routes: out, AdditionalRoutesAvailable: more}, nil
}

// routeSearch evaluates the route-search.* prefix filters of
// SearchTransitGatewayRoutes on r, leaving the others to matchFilters.
func routeSearch(fs []filter, r TransitGatewayRoute) []filter {
	var out []filter
	for _, f := range fs {
		var rel func(route, want string) bool
		switch f.name {
		case "route-search.subnet-of-match": // the route is inside the value
			rel = func(route, want string) bool { return within(route, want) }
		case "route-search.supernet-of-match", "route-search.longest-prefix-match": // the route contains the value
			rel = func(route, want string) bool { return within(want, route) }
		default:
			out = append(out, f)
			continue
		}
		match := false
		for _, v := range f.values {
			match = match || r.DestinationCidrBlock != "" && rel(r.DestinationCidrBlock, v)
		}
		if !match {
			out = append(out, filter{name: "state", values: nil}) // matches nothing
		}
	}
	return out
}

// within reports whether prefix a lies inside prefix b.
func within(a, b string) bool {
	pa, ea := parsePrefix(a)
	pb, eb := parsePrefix(b)
	return ea == nil && eb == nil && pb.Bits() <= pa.Bits() && pb.Contains(pa.Addr())
}
