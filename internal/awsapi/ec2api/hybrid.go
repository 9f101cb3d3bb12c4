package ec2api

import (
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// The hybrid network of the API (tgw.go, vpn.go) lands in network.yaml as
// a network read from an account would (docs/network-yaml-accounts.md):
//
//   - a transit gateway is a transit_gateways entry with its attachments
//     and route tables; its options are side records;
//   - a VPN gateway is a vpn_gateways entry (vpc: the VPC it is attached to);
//   - a VPN connection is a remote_networks entry of type vpn, whose
//     cidr_blocks are the prefixes routed to it, as import reads them: its
//     static routes (CreateVpnConnectionRoute) and the static routes of
//     transit gateway route tables that lead to its attachment. While no
//     prefix is routed to it, it is listed under unmodeled (nothing routes
//     to it, so no path crosses it);
//   - a VPC route table into which a VGW propagates holds one route with
//     origin propagated per static route of the VGW's VPN connections;
//   - a customer gateway is a side record only: the on-premises end of a
//     tunnel does not change a DNS path.
//
// syncHybrid rebuilds the derived keys after every change of the hybrid
// resources.

// unmodeledVPNKind is the unmodeled kind of a VPN connection no prefix is
// routed to.
const unmodeledVPNKind = "vpn-connection"

// hybridObjects returns the ids of the side records of kind, sorted.
func hybridObjects(st *store.State, kind string) []string {
	var out []string
	for id, o := range st.Meta.Objects {
		if o.Kind == kind && o.Hybrid != nil {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// hyb returns the hybrid record of id (nil when it is not of kind).
func hyb(st *store.State, id, kind string) *store.Hybrid {
	if o := st.Meta.Objects[id]; o != nil && o.Kind == kind {
		return o.Hybrid
	}
	return nil
}

// vpnCIDRs are the prefixes routed to a VPN connection: its static routes
// and the static, non-blackhole TGW routes to its attachment.
func vpnCIDRs(f *config.File, h *store.Hybrid) []string {
	set := map[string]bool{}
	for _, c := range h.StaticRoutes {
		set[c] = true
	}
	if h.Attachment != "" {
		if t := tgwOf(f, h.TGW); t != nil {
			for _, rt := range t.RouteTables {
				for _, r := range rt.Routes {
					if !r.Blackhole && r.Destination != "" && r.Origin != "propagated" && slices.Contains(r.Attachments, h.Attachment) {
						set[r.Destination] = true
					}
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sortCIDRs(out)
	// Overlapping prefixes: keep the widest (cidr_blocks cannot overlap).
	var kept []string
	for _, c := range out {
		p := netip.MustParsePrefix(c)
		if !slices.ContainsFunc(kept, func(k string) bool { return netip.MustParsePrefix(k).Overlaps(p) }) {
			kept = append(kept, c)
		}
	}
	return kept
}

// sortCIDRs sorts by prefix length, then address: wider first.
func sortCIDRs(cs []string) {
	sort.Slice(cs, func(i, j int) bool {
		a, b := netip.MustParsePrefix(cs[i]), netip.MustParsePrefix(cs[j])
		if a.Bits() != b.Bits() {
			return a.Bits() < b.Bits()
		}
		return a.Addr().Less(b.Addr())
	})
}

// syncHybrid rebuilds what the hybrid side records imply in the file:
// the remote network of every VPN connection and the propagated VGW
// routes of VPC route tables.
func syncHybrid(tx *store.Tx) {
	f := &tx.File
	for _, id := range hybridObjects(tx.State, store.KindVPNConnection) {
		h := tx.Meta.Objects[id].Hybrid
		cidrs := vpnCIDRs(f, h)
		i := slices.IndexFunc(f.RemoteNetworks, func(r config.RemoteFile) bool { return r.ID == id })
		u := slices.IndexFunc(f.Unmodeled, func(x config.UnmodeledFile) bool { return x.ID == id })
		if len(cidrs) == 0 {
			if i >= 0 {
				f.RemoteNetworks = slices.Delete(f.RemoteNetworks, i, i+1)
			}
			if u < 0 {
				f.Unmodeled = append(f.Unmodeled, config.UnmodeledFile{ID: id, Kind: unmodeledVPNKind,
					Reason: "no prefix is routed to this vpn connection yet (no static route, no transit gateway route to its attachment)"})
			}
			continue
		}
		if u >= 0 {
			f.Unmodeled = slices.Delete(f.Unmodeled, u, u+1)
		}
		if i < 0 {
			f.RemoteNetworks = append(f.RemoteNetworks, config.RemoteFile{ID: id, Type: "vpn"})
			i = len(f.RemoteNetworks) - 1
		}
		r := &f.RemoteNetworks[i]
		r.CIDRBlocks = cidrs
		r.OwnerAccount = tx.Meta.Objects[id].Owner
		r.VPNGateway = h.VPNGateway
	}
	for i := range f.RouteTables {
		rt := &f.RouteTables[i]
		o := tx.Meta.Objects[rt.ID]
		rt.Routes = slices.DeleteFunc(rt.Routes, func(r config.RouteFile) bool {
			return r.Origin == "propagated" && strings.HasPrefix(r.Target, store.PrefixVPNGateway)
		})
		if o == nil || o.Hybrid == nil {
			continue
		}
		for _, g := range o.Hybrid.PropagatingVGWs {
			if j := vgwIndex(f, g); j < 0 || f.VPNGateways[j].VPC != rt.VPC {
				continue
			}
			for _, vpn := range hybridObjects(tx.State, store.KindVPNConnection) {
				h := tx.Meta.Objects[vpn].Hybrid
				if h.VPNGateway != g {
					continue
				}
				for _, c := range vpnCIDRs(f, h) {
					if !slices.ContainsFunc(rt.Routes, func(r config.RouteFile) bool { return r.Origin == "propagated" && sameDest(r.Destination, c) }) {
						rt.Routes = append(rt.Routes, config.RouteFile{Destination: c, Target: g, Origin: "propagated"})
					}
				}
			}
		}
	}
}

// tagSpecsAny reads the tags of a Create action whose TagSpecifications
// member is serialized as TagSpecification.N or TagSpecifications.N (the
// model gives some operations no locationName).
func tagSpecsAny(p params, kind string) (map[string]string, error) {
	tags, err := tagSpecs(p, kind)
	if err != nil || len(tags) > 0 {
		return tags, err
	}
	for _, s := range p.list("TagSpecifications") {
		if rt := s.str("ResourceType"); rt != kind {
			return nil, apierr.Param("TagSpecification", "'%s' is not a valid taggable resource type for this operation.", rt)
		}
		t, err := readTags(s, "Tag")
		if err != nil {
			return nil, err
		}
		for k, v := range t {
			if tags == nil {
				tags = map[string]string{}
			}
			tags[k] = v
		}
	}
	return tags, nil
}

// enableOpt reads an enable | disable option.
func enableOpt(p params, name string, def bool) (bool, error) {
	switch v := p.str(name); v {
	case "":
		return def, nil
	case "enable":
		return true, nil
	case "disable":
		return false, nil
	default:
		return false, apierr.Param(name, "Value (%s) for parameter %s is invalid. Valid values: enable, disable.", v, name)
	}
}

func enableStr(b bool) string {
	if b {
		return "enable"
	}
	return "disable"
}

func vgwIndex(f *config.File, id string) int {
	return slices.IndexFunc(f.VPNGateways, func(g config.VGWFile) bool { return g.ID == id })
}

func tgwOf(f *config.File, id string) *config.TGWFile {
	i := slices.IndexFunc(f.TransitGateways, func(t config.TGWFile) bool { return t.ID == id })
	if i < 0 {
		return nil
	}
	return &f.TransitGateways[i]
}

func parsePrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	return p.Masked(), err
}

type propagatingVgw struct {
	GatewayId string `xml:"gatewayId"`
}

// propagatingVgws are the VGWs that propagate into a VPC route table.
func propagatingVgws(st *store.State, rt string) vgwList {
	var out vgwList
	if o := st.Meta.Objects[rt]; o != nil && o.Hybrid != nil {
		for _, g := range o.Hybrid.PropagatingVGWs {
			out.Items = append(out.Items, propagatingVgw{g})
		}
	}
	return out
}

// tgwRouteTarget checks a VPC route to a transit gateway: the gateway
// exists and the route table's VPC is attached to it.
func tgwRouteTarget(f *config.File, id, vpc string) error {
	t := tgwOf(f, id)
	if t == nil {
		return tgwNotFound(id)
	}
	if slices.Contains(t.VPCAttachments, vpc) {
		return nil
	}
	for _, a := range t.Attachments {
		if a.ResourceType == "vpc" && a.Resource == vpc {
			return nil
		}
	}
	return apierr.Param("TransitGatewayId", "route table of %s and transit gateway %s belong to different networks: %s has no attachment to %s", vpc, id, vpc, id)
}

// vgwRouteTarget checks a VPC route to a virtual private gateway: it
// exists and is attached to the route table's VPC.
func vgwRouteTarget(f *config.File, id, vpc string) error {
	i := vgwIndex(f, id)
	if i < 0 {
		return apierr.New(apierr.NotFound, apierr.ResGateway, "The gateway ID '%s' does not exist", id)
	}
	if f.VPNGateways[i].VPC != vpc {
		return apierr.Param("GatewayId", "route table of %s and network gateway %s belong to different networks", vpc, id)
	}
	return nil
}

// hybridTagged lists the hybrid resources for CreateTags, DeleteTags and
// DescribeTags.
func hybridTagged(st *store.State) []taggedResource {
	var out []taggedResource
	for _, t := range st.File.TransitGateways {
		out = append(out, taggedResource{t.ID, "transit-gateway", metaTags(st, t.ID)})
		for _, a := range t.Attachments {
			out = append(out, taggedResource{a.ID, "transit-gateway-attachment", metaTags(st, a.ID)})
		}
		for _, rt := range t.RouteTables {
			out = append(out, taggedResource{rt.ID, "transit-gateway-route-table", metaTags(st, rt.ID)})
		}
	}
	for _, g := range st.File.VPNGateways {
		out = append(out, taggedResource{g.ID, "vpn-gateway", metaTags(st, g.ID)})
	}
	for _, kind := range []string{store.KindCustomerGW, store.KindVPNConnection} {
		for _, id := range hybridObjects(st, kind) {
			out = append(out, taggedResource{id, kind, metaTags(st, id)})
		}
	}
	return out
}
