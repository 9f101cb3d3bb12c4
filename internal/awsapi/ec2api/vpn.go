package ec2api

import (
	"context"
	"crypto/sha256"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// Customer gateways, virtual private gateways, Site-to-Site VPN
// connections and their static routes, VGW route propagation (hybrid.go
// says where they land).

// CustomerGateway is EC2's CustomerGateway.
type CustomerGateway struct {
	CustomerGatewayId string `xml:"customerGatewayId"`
	State             string `xml:"state"`
	Type              string `xml:"type"`
	IpAddress         string `xml:"ipAddress"`
	BgpAsn            string `xml:"bgpAsn"`
	DeviceName        string `xml:"deviceName,omitempty"`
	Tags              []Tag  `xml:"tagSet>item,omitempty"`
}

func cgwNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResCustomerGW, "The customerGateway ID '%s' does not exist", id)
}

func vgwNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResVPNGateway, "The virtual private gateway ID '%s' does not exist", id)
}

func vpnNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResVPNConnection, "The vpnConnection ID '%s' does not exist", id)
}

func cgwShape(st *store.State, id string) CustomerGateway {
	o := st.Meta.Objects[id]
	h := o.Hybrid
	return CustomerGateway{CustomerGatewayId: id, State: "available", Type: h.Type, IpAddress: h.IPAddress, BgpAsn: h.BGPASN,
		DeviceName: h.DeviceName, Tags: tagItems(o.Tags)}
}

type cgwOut struct {
	CustomerGateway CustomerGateway `xml:"customerGateway"`
}

func ipsecType(p params) (string, error) {
	t, err := p.required("Type")
	if err != nil {
		return "", err
	}
	if t != "ipsec.1" {
		return "", apierr.Param("Type", "Value (%s) for parameter type is invalid. Valid value: ipsec.1", t)
	}
	return t, nil
}

func (h *Handler) createCustomerGateway(ctx context.Context, p params) (cgwOut, error) {
	typ, err := ipsecType(p)
	if err != nil {
		return cgwOut{}, err
	}
	ip := p.str("IpAddress")
	if ip == "" {
		ip = p.str("PublicIp")
	}
	if ip == "" {
		return cgwOut{}, apierr.Missing("IpAddress")
	}
	if a, err := netip.ParseAddr(ip); err != nil || !a.Is4() {
		return cgwOut{}, apierr.Param("IpAddress", "Value (%s) for parameter ipAddress is invalid. Expecting an IPv4 address.", ip)
	}
	asn := p.str("BgpAsn")
	if asn == "" {
		asn = p.str("BgpAsnExtended")
	}
	if asn == "" {
		asn = "65000"
	}
	if n, err := strconv.ParseInt(asn, 10, 64); err != nil || n < 1 || n > 4294967294 {
		return cgwOut{}, apierr.Param("BgpAsn", "Value (%s) for parameter bgpAsn is invalid.", asn)
	}
	tags, err := tagSpecsAny(p, "customer-gateway")
	if err != nil {
		return cgwOut{}, err
	}
	id := store.NewID(store.PrefixCustomerGW)
	st, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		// AWS answers the same gateway for the same address and ASN.
		for _, x := range hybridObjects(tx.State, store.KindCustomerGW) {
			if hy := tx.Meta.Objects[x].Hybrid; hy.IPAddress == ip && hy.BGPASN == asn {
				id = x
				return nil
			}
		}
		o := object(tx, id, store.KindCustomerGW)
		o.Tags, o.Hybrid = tags, &store.Hybrid{Type: typ, IPAddress: ip, BGPASN: asn, DeviceName: p.str("DeviceName")}
		o.Owner = op.Owner(ctx, tx.Net.AccountID)
		return nil
	})
	if err != nil {
		return cgwOut{}, err
	}
	return cgwOut{cgwShape(st, id)}, nil
}

type cgwsOut struct {
	CustomerGateways []CustomerGateway `xml:"customerGatewaySet>item"`
}

func (h *Handler) describeCustomerGateways(ctx context.Context, p params) (cgwsOut, error) {
	st, _ := h.Store.Snapshot()
	var all []CustomerGateway
	for _, id := range hybridObjects(st, store.KindCustomerGW) {
		all = append(all, cgwShape(st, id))
	}
	items, _, err := describe(p, all, "CustomerGatewayId", func(c CustomerGateway) string { return c.CustomerGatewayId }, func(c CustomerGateway) attrs {
		return attrs{values: map[string][]string{"customer-gateway-id": {c.CustomerGatewayId}, "state": {c.State}, "type": {c.Type},
			"ip-address": {c.IpAddress}, "bgp-asn": {c.BgpAsn}}, tags: tagValues(c.Tags)}
	}, cgwNotFound)
	if err != nil {
		return cgwsOut{}, err
	}
	return cgwsOut{items}, nil
}

func (h *Handler) deleteCustomerGateway(ctx context.Context, p params) (returnOut, error) {
	id, err := p.required("CustomerGatewayId")
	if err != nil {
		return returnOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if hyb(tx.State, id, store.KindCustomerGW) == nil {
			return cgwNotFound(id)
		}
		for _, v := range hybridObjects(tx.State, store.KindVPNConnection) {
			if tx.Meta.Objects[v].Hybrid.CustomerGateway == id {
				return apierr.New(apierr.InUse, apierr.ResCustomerGW, "The customer gateway %s is in use by %s.", id, v)
			}
		}
		delete(tx.Meta.Objects, id)
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

type vgwAttachment struct {
	VpcId string `xml:"vpcId"`
	State string `xml:"state"`
}

// VpnGateway is EC2's VpnGateway.
type VpnGateway struct {
	VpnGatewayId     string          `xml:"vpnGatewayId"`
	State            string          `xml:"state"`
	Type             string          `xml:"type"`
	AvailabilityZone string          `xml:"availabilityZone,omitempty"`
	VpcAttachments   []vgwAttachment `xml:"attachments>item"`
	AmazonSideAsn    int64           `xml:"amazonSideAsn"`
	Tags             []Tag           `xml:"tagSet>item,omitempty"`
}

func vgwShape(st *store.State, g config.VGWFile) VpnGateway {
	out := VpnGateway{VpnGatewayId: g.ID, State: "available", Type: "ipsec.1", AmazonSideAsn: 64512, Tags: tagItems(metaTags(st, g.ID))}
	if h := hyb(st, g.ID, store.KindVPNGateway); h != nil {
		out.AvailabilityZone, out.AmazonSideAsn = h.AvailabilityZone, h.AmazonSideASN
	}
	if g.VPC != "" {
		out.VpcAttachments = []vgwAttachment{{g.VPC, "attached"}}
	}
	return out
}

type vgwOut struct {
	VpnGateway VpnGateway `xml:"vpnGateway"`
}

func (h *Handler) createVPNGateway(ctx context.Context, p params) (vgwOut, error) {
	typ, err := ipsecType(p)
	if err != nil {
		return vgwOut{}, err
	}
	asn := int64(64512)
	if s := p.str("AmazonSideAsn"); s != "" {
		asn, err = strconv.ParseInt(s, 10, 64)
		if err != nil || !(asn >= 64512 && asn <= 65534 || asn >= 4200000000 && asn <= 4294967294 || asn == 7224 || asn == 9059 || asn == 10124 || asn == 17493) {
			return vgwOut{}, apierr.Param("AmazonSideAsn", "Value (%s) for parameter amazonSideAsn is invalid. Expecting a private ASN.", s)
		}
	}
	tags, err := tagSpecsAny(p, "vpn-gateway")
	if err != nil {
		return vgwOut{}, err
	}
	id := store.NewID(store.PrefixVPNGateway)
	st, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		tx.File.VPNGateways = append(tx.File.VPNGateways, config.VGWFile{ID: id, OwnerAccount: op.Owner(ctx, tx.Net.AccountID)})
		o := object(tx, id, store.KindVPNGateway)
		o.Tags, o.Hybrid = tags, &store.Hybrid{Type: typ, AmazonSideASN: asn, AvailabilityZone: p.str("AvailabilityZone")}
		return nil
	})
	if err != nil {
		return vgwOut{}, err
	}
	out := vgwShape(st, st.File.VPNGateways[vgwIndex(&st.File, id)])
	out.State = "pending"
	return vgwOut{out}, nil
}

type vgwsOut struct {
	VpnGateways []VpnGateway `xml:"vpnGatewaySet>item"`
}

func (h *Handler) describeVPNGateways(ctx context.Context, p params) (vgwsOut, error) {
	st, _ := h.Store.Snapshot()
	var all []VpnGateway
	for _, g := range st.File.VPNGateways {
		all = append(all, vgwShape(st, g))
	}
	items, _, err := describe(p, all, "VpnGatewayId", func(g VpnGateway) string { return g.VpnGatewayId }, func(g VpnGateway) attrs {
		a := attrs{values: map[string][]string{"vpn-gateway-id": {g.VpnGatewayId}, "state": {g.State}, "type": {g.Type},
			"availability-zone": {g.AvailabilityZone}, "amazon-side-asn": {strconv.FormatInt(g.AmazonSideAsn, 10)},
			"attachment.vpc-id": nil, "attachment.state": nil}, tags: tagValues(g.Tags)}
		for _, x := range g.VpcAttachments {
			a.values["attachment.vpc-id"] = append(a.values["attachment.vpc-id"], x.VpcId)
			a.values["attachment.state"] = append(a.values["attachment.state"], x.State)
		}
		return a
	}, vgwNotFound)
	if err != nil {
		return vgwsOut{}, err
	}
	return vgwsOut{items}, nil
}

func findVGW(f *config.File, id string) (*config.VGWFile, error) {
	if id == "" {
		return nil, apierr.Missing("VpnGatewayId")
	}
	i := vgwIndex(f, id)
	if i < 0 {
		return nil, vgwNotFound(id)
	}
	return &f.VPNGateways[i], nil
}

func (h *Handler) deleteVPNGateway(ctx context.Context, p params) (returnOut, error) {
	id, err := p.required("VpnGatewayId")
	if err != nil {
		return returnOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		g, err := findVGW(&tx.File, id)
		if err != nil {
			return err
		}
		if g.VPC != "" {
			return apierr.New(apierr.InUse, apierr.ResVPNGateway, "The vpn gateway %s is attached to %s: detach it first.", id, g.VPC)
		}
		for _, v := range hybridObjects(tx.State, store.KindVPNConnection) {
			if tx.Meta.Objects[v].Hybrid.VPNGateway == id {
				return apierr.New(apierr.InUse, apierr.ResVPNGateway, "The vpn gateway %s is in use by %s.", id, v)
			}
		}
		for _, rt := range tx.File.RouteTables {
			if slices.ContainsFunc(rt.Routes, func(r config.RouteFile) bool { return r.Target == id }) {
				return apierr.New(apierr.InUse, apierr.ResVPNGateway, "The vpn gateway %s is the target of a route in %s.", id, rt.ID)
			}
		}
		tx.File.VPNGateways = slices.Delete(tx.File.VPNGateways, vgwIndex(&tx.File, id), vgwIndex(&tx.File, id)+1)
		delete(tx.Meta.Objects, id)
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

type vgwAttachOut struct {
	Attachment vgwAttachment `xml:"attachment"`
}

func (h *Handler) attachVPNGateway(ctx context.Context, p params) (vgwAttachOut, error) {
	vpc, err := p.required("VpcId")
	if err != nil {
		return vgwAttachOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		g, err := findVGW(&tx.File, p.str("VpnGatewayId"))
		if err != nil {
			return err
		}
		if _, err := findVPC(&tx.File, vpc); err != nil {
			return err
		}
		if g.VPC != "" {
			return apierr.New(apierr.Exists, apierr.ResVGWAttachment, "The vpn gateway %s is already attached to %s.", g.ID, g.VPC)
		}
		for _, x := range tx.File.VPNGateways {
			if x.VPC == vpc {
				return apierr.New(apierr.Exists, apierr.ResVGWAttachment, "%s already has a vpn gateway attached: %s.", vpc, x.ID)
			}
		}
		g.VPC = vpc
		syncHybrid(tx)
		return nil
	})
	if err != nil {
		return vgwAttachOut{}, err
	}
	return vgwAttachOut{vgwAttachment{vpc, "attached"}}, nil
}

func (h *Handler) detachVPNGateway(ctx context.Context, p params) (returnOut, error) {
	vpc, err := p.required("VpcId")
	if err != nil {
		return returnOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		g, err := findVGW(&tx.File, p.str("VpnGatewayId"))
		if err != nil {
			return err
		}
		if g.VPC != vpc {
			return apierr.New(apierr.NotFound, apierr.ResVGWAttachment, "The attachment with vpn gateway ID '%s' and vpc ID '%s' does not exist", g.ID, vpc)
		}
		// A route to a detached gateway is a blackhole, as AWS shows it.
		for i := range tx.File.RouteTables {
			rt := &tx.File.RouteTables[i]
			for j := range rt.Routes {
				if rt.VPC == vpc && rt.Routes[j].Target == g.ID && rt.Routes[j].Origin != "propagated" {
					rt.Routes[j].Target = "blackhole"
				}
			}
		}
		g.VPC = ""
		syncHybrid(tx)
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

type vpnOptions struct {
	EnableAcceleration    bool   `xml:"enableAcceleration"`
	StaticRoutesOnly      bool   `xml:"staticRoutesOnly"`
	LocalIpv4NetworkCidr  string `xml:"localIpv4NetworkCidr"`
	RemoteIpv4NetworkCidr string `xml:"remoteIpv4NetworkCidr"`
	OutsideIpAddressType  string `xml:"outsideIpAddressType"`
	TunnelInsideIpVersion string `xml:"tunnelInsideIpVersion"`
}

type vpnStaticRoute struct {
	DestinationCidrBlock string `xml:"destinationCidrBlock"`
	Source               string `xml:"source"`
	State                string `xml:"state"`
}

type vgwTelemetry struct {
	AcceptedRouteCount int       `xml:"acceptedRouteCount"`
	LastStatusChange   time.Time `xml:"lastStatusChange"`
	OutsideIpAddress   string    `xml:"outsideIpAddress"`
	Status             string    `xml:"status"`
	StatusMessage      string    `xml:"statusMessage"`
}

// VpnConnection is EC2's VpnConnection.
type VpnConnection struct {
	VpnConnectionId   string     `xml:"vpnConnectionId"`
	State             string     `xml:"state"`
	Type              string     `xml:"type"`
	Category          string     `xml:"category"`
	CustomerGatewayId string     `xml:"customerGatewayId"`
	VpnGatewayId      string     `xml:"vpnGatewayId,omitempty"`
	TransitGatewayId  string     `xml:"transitGatewayId,omitempty"`
	Options           vpnOptions `xml:"options"`
	// CustomerGatewayConfiguration is always in CreateVpnConnection's
	// answer and in DescribeVpnConnections' while the connection is
	// pending or available (AWS API Reference, VpnConnection).
	CustomerGatewayConfiguration string           `xml:"customerGatewayConfiguration,omitempty"`
	Routes                       []vpnStaticRoute `xml:"routes>item,omitempty"`
	VgwTelemetry                 []vgwTelemetry   `xml:"vgwTelemetry>item"`
	Tags                         []Tag            `xml:"tagSet>item,omitempty"`
}

// tunnelIPs are the two outside addresses of a VPN's tunnels, made from
// its id in the documentation range 203.0.113.0/24 (text only: nothing is
// sent to them).
func tunnelIPs(id string) [2]string {
	sum := sha256.Sum256([]byte(id))
	a := 1 + int(sum[0])%126
	return [2]string{"203.0.113." + strconv.Itoa(a), "203.0.113." + strconv.Itoa(a+128)}
}

func vpnShape(st *store.State, id string) VpnConnection {
	o := st.Meta.Objects[id]
	h := o.Hybrid
	out := VpnConnection{VpnConnectionId: id, State: "available", Type: h.Type, Category: "VPN", CustomerGatewayId: h.CustomerGateway,
		VpnGatewayId: h.VPNGateway, TransitGatewayId: h.TGW, Tags: tagItems(o.Tags),
		Options: vpnOptions{StaticRoutesOnly: h.StaticRoutesOnly, LocalIpv4NetworkCidr: h.LocalIPv4CIDR, RemoteIpv4NetworkCidr: h.RemoteIPv4CIDR,
			OutsideIpAddressType: "PublicIpv4", TunnelInsideIpVersion: "ipv4"}}
	for _, r := range h.StaticRoutes {
		out.Routes = append(out.Routes, vpnStaticRoute{r, "Static", "available"})
	}
	out.CustomerGatewayConfiguration = customerGatewayConfig(id, h, tunnelIPs(id))
	for _, ip := range tunnelIPs(id) {
		out.VgwTelemetry = append(out.VgwTelemetry, vgwTelemetry{AcceptedRouteCount: len(h.StaticRoutes), LastStatusChange: o.Modified,
			OutsideIpAddress: ip, Status: "UP", StatusMessage: ""})
	}
	return out
}

type vpnOut struct {
	VpnConnection VpnConnection `xml:"vpnConnection"`
}

func optCIDR(p params, name string) (string, error) {
	s := p.str(name)
	if s == "" {
		return "0.0.0.0/0", nil
	}
	pfx, err := netip.ParsePrefix(s)
	if err != nil || !pfx.Addr().Is4() {
		return "", apierr.Param(name, "Value (%s) for parameter %s is invalid. This is not a valid CIDR block.", s, name)
	}
	return pfx.Masked().String(), nil
}

func (h *Handler) createVPNConnection(ctx context.Context, p params) (vpnOut, error) {
	typ, err := ipsecType(p)
	if err != nil {
		return vpnOut{}, err
	}
	cgw, err := p.required("CustomerGatewayId")
	if err != nil {
		return vpnOut{}, err
	}
	vgw, tgw := p.str("VpnGatewayId"), p.str("TransitGatewayId")
	switch {
	case vgw == "" && tgw == "":
		return vpnOut{}, apierr.Param("VpnGatewayId", "The request must contain either a VpnGatewayId or a TransitGatewayId")
	case vgw != "" && tgw != "":
		return vpnOut{}, apierr.Param("TransitGatewayId", "The request must contain either a VpnGatewayId or a TransitGatewayId, not both")
	}
	for _, k := range []string{"VpnConcentratorId", "Options.TransportTransitGatewayAttachmentId"} {
		if p.str(k) != "" {
			return vpnOut{}, &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns models VPN connections to virtual private gateways and transit gateways, not " + k}
		}
	}
	hy := &store.Hybrid{Type: typ, CustomerGateway: cgw, VPNGateway: vgw, TGW: tgw}
	if hy.LocalIPv4CIDR, err = optCIDR(p, "Options.LocalIpv4NetworkCidr"); err != nil {
		return vpnOut{}, err
	}
	if hy.RemoteIPv4CIDR, err = optCIDR(p, "Options.RemoteIpv4NetworkCidr"); err != nil {
		return vpnOut{}, err
	}
	only, err := p.optBool("Options.StaticRoutesOnly")
	if err != nil {
		return vpnOut{}, err
	}
	hy.StaticRoutesOnly = only != nil && *only
	tags, err := tagSpecsAny(p, "vpn-connection")
	if err != nil {
		return vpnOut{}, err
	}
	id := store.NewID(store.PrefixVPN)
	st, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if hyb(tx.State, cgw, store.KindCustomerGW) == nil {
			return cgwNotFound(cgw)
		}
		if vgw != "" {
			if _, err := findVGW(&tx.File, vgw); err != nil {
				return err
			}
		}
		if tgw != "" {
			t, err := findTGW(&tx.File, tgw)
			if err != nil {
				return err
			}
			hy.Attachment = store.NewID(store.PrefixTGWAttach)
			a := config.TGWAttachmentFile{ID: hy.Attachment, ResourceType: "vpn", Resource: id}
			if th := hyb(tx.State, tgw, store.KindTransitGateway); th != nil && th.DefaultRT != "" {
				if th.DefaultAssoc {
					a.RouteTable = th.DefaultRT
				}
				if th.DefaultProp {
					if _, rt, err := findTGWRouteTable(&tx.File, th.DefaultRT); err == nil {
						rt.Propagations = append(rt.Propagations, a.ID)
					}
				}
			}
			t.Attachments = append(t.Attachments, a)
			ao := object(tx, a.ID, store.KindTGWAttachment)
			ao.Hybrid = &store.Hybrid{TGW: tgw}
		}
		o := object(tx, id, store.KindVPNConnection)
		o.Tags, o.Hybrid, o.Owner = tags, hy, op.Owner(ctx, tx.Net.AccountID)
		syncHybrid(tx)
		return nil
	})
	if err != nil {
		return vpnOut{}, err
	}
	out := vpnShape(st, id)
	out.State = "pending"
	return vpnOut{out}, nil
}

type vpnsOut struct {
	VpnConnections []VpnConnection `xml:"vpnConnectionSet>item"`
}

func (h *Handler) describeVPNConnections(ctx context.Context, p params) (vpnsOut, error) {
	st, _ := h.Store.Snapshot()
	var all []VpnConnection
	for _, id := range hybridObjects(st, store.KindVPNConnection) {
		all = append(all, vpnShape(st, id))
	}
	items, _, err := describe(p, all, "VpnConnectionId", func(v VpnConnection) string { return v.VpnConnectionId }, func(v VpnConnection) attrs {
		a := attrs{values: map[string][]string{"vpn-connection-id": {v.VpnConnectionId}, "state": {v.State}, "type": {v.Type},
			"customer-gateway-id": {v.CustomerGatewayId}, "vpn-gateway-id": {v.VpnGatewayId}, "transit-gateway-id": {v.TransitGatewayId},
			"option.static-routes-only": {boolStr(v.Options.StaticRoutesOnly)}, "route.destination-cidr-block": nil, "category": {v.Category}},
			tags: tagValues(v.Tags)}
		for _, r := range v.Routes {
			a.values["route.destination-cidr-block"] = append(a.values["route.destination-cidr-block"], r.DestinationCidrBlock)
		}
		return a
	}, vpnNotFound)
	if err != nil {
		return vpnsOut{}, err
	}
	return vpnsOut{items}, nil
}

func (h *Handler) deleteVPNConnection(ctx context.Context, p params) (returnOut, error) {
	id, err := p.required("VpnConnectionId")
	if err != nil {
		return returnOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		hy := hyb(tx.State, id, store.KindVPNConnection)
		if hy == nil {
			return vpnNotFound(id)
		}
		if hy.Attachment != "" {
			if t := tgwOf(&tx.File, hy.TGW); t != nil {
				dropAttachment(t, hy.Attachment, false)
			}
			delete(tx.Meta.Objects, hy.Attachment)
		}
		delete(tx.Meta.Objects, id)
		if i := slices.IndexFunc(tx.File.RemoteNetworks, func(r config.RemoteFile) bool { return r.ID == id }); i >= 0 {
			tx.File.RemoteNetworks = slices.Delete(tx.File.RemoteNetworks, i, i+1)
		}
		if i := slices.IndexFunc(tx.File.Unmodeled, func(u config.UnmodeledFile) bool { return u.ID == id }); i >= 0 {
			tx.File.Unmodeled = slices.Delete(tx.File.Unmodeled, i, i+1)
		}
		// A VPC route to the remote network itself goes too.
		for i := range tx.File.RouteTables {
			tx.File.RouteTables[i].Routes = slices.DeleteFunc(tx.File.RouteTables[i].Routes, func(r config.RouteFile) bool { return r.Target == id })
		}
		syncHybrid(tx)
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

func (h *Handler) vpnRoute(ctx context.Context, p params, add bool) (returnOut, error) {
	id, err := p.required("VpnConnectionId")
	if err != nil {
		return returnOut{}, err
	}
	dest, err := destination(p)
	if err != nil {
		return returnOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		hy := hyb(tx.State, id, store.KindVPNConnection)
		if hy == nil {
			return vpnNotFound(id)
		}
		j := slices.IndexFunc(hy.StaticRoutes, func(c string) bool { return sameDest(c, dest) })
		switch {
		case add && j >= 0:
			return apierr.New(apierr.Exists, apierr.ResRoute, "The route identified by %s already exists in %s.", dest, id)
		case !add && j < 0:
			return apierr.New(apierr.NotFound, apierr.ResRoute, "The route identified by %s does not exist in %s.", dest, id)
		case add:
			hy.StaticRoutes = append(hy.StaticRoutes, dest)
		default:
			hy.StaticRoutes = slices.Delete(hy.StaticRoutes, j, j+1)
		}
		tx.Meta.Objects[id].Modified = tx.Now
		syncHybrid(tx)
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

func (h *Handler) createVPNConnectionRoute(ctx context.Context, p params) (returnOut, error) {
	return h.vpnRoute(ctx, p, true)
}
func (h *Handler) deleteVPNConnectionRoute(ctx context.Context, p params) (returnOut, error) {
	return h.vpnRoute(ctx, p, false)
}

func (h *Handler) vgwPropagation(ctx context.Context, p params, enable bool) (returnOut, error) {
	g, err := p.required("GatewayId")
	if err != nil {
		return returnOut{}, err
	}
	rtID, err := p.required("RouteTableId")
	if err != nil {
		return returnOut{}, err
	}
	_, _, err = h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if vgwIndex(&tx.File, g) < 0 {
			return apierr.New(apierr.NotFound, apierr.ResGateway, "The gateway ID '%s' does not exist", g)
		}
		t, err := findTable(tx, rtID)
		if err != nil {
			return err
		}
		o := object(tx, t.ID, store.KindRouteTable)
		if o.Hybrid == nil {
			o.Hybrid = &store.Hybrid{}
		}
		j := slices.Index(o.Hybrid.PropagatingVGWs, g)
		switch {
		case enable && j < 0:
			o.Hybrid.PropagatingVGWs = append(o.Hybrid.PropagatingVGWs, g)
		case !enable && j >= 0:
			o.Hybrid.PropagatingVGWs = slices.Delete(o.Hybrid.PropagatingVGWs, j, j+1)
		}
		syncHybrid(tx)
		return nil
	})
	if err != nil {
		return returnOut{}, err
	}
	return ok, nil
}

func (h *Handler) enableVGWPropagation(ctx context.Context, p params) (returnOut, error) {
	return h.vgwPropagation(ctx, p, true)
}
func (h *Handler) disableVGWPropagation(ctx context.Context, p params) (returnOut, error) {
	return h.vgwPropagation(ctx, p, false)
}

// customerGatewayConfig is the configuration AWS gives the customer
// gateway's administrator, in AWS's native XML format: the tunnels' outside
// addresses and the routing. vpcdns models no IPsec, so it holds no keys.
func customerGatewayConfig(id string, h *store.Hybrid, tunnels [2]string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<vpn_connection id="` + id + `"><customer_gateway_id>` + h.CustomerGateway + `</customer_gateway_id>`)
	b.WriteString(`<vpn_connection_type>` + h.Type + `</vpn_connection_type>`)
	for _, ip := range tunnels {
		b.WriteString(`<ipsec_tunnel><vpn_gateway><tunnel_outside_address><ip_address>` + ip + `</ip_address></tunnel_outside_address></vpn_gateway></ipsec_tunnel>`)
	}
	b.WriteString(`</vpn_connection>`)
	return b.String()
}
