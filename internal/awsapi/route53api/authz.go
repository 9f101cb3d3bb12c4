package route53api

import (
	"context"
	"encoding/xml"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// VPC association authorizations: a private zone's owner lets a VPC of
// another account associate with the zone (AssociateVPCWithHostedZone).
// The owners are the accounts of network.yaml (owner_account, the
// top-level account_id by default). An authorization lives in Meta only.

// maxAuthorizations is Route 53's quota of authorizations per zone.
const maxAuthorizations = 100

// authorized checks that vpc may associate with zone: the same owner, or
// an authorization of the zone's owner.
func authorized(tx *store.Tx, z *config.HostedZone, vpc string) error {
	v := tx.Net.VPCByID(vpc)
	if v == nil || v.OwnerAccount == z.OwnerAccount {
		return nil
	}
	if o := tx.Meta.Objects[store.VPCAuthKey(z.ID, vpc)]; o != nil && o.Kind == store.KindVPCAuth {
		return nil
	}
	return apierr.Coded(apierr.InvalidRequest, "NotAuthorizedException", http.StatusUnauthorized,
		"The VPC %s (account %s) is not authorized to associate with hosted zone %s (account %s): the zone's owner must call CreateVPCAssociationAuthorization first.",
		vpc, v.OwnerAccount, z.ID, z.OwnerAccount)
}

// privateZone finds a private zone for an authorization request.
func privateZone(n *config.Network, id string) (*config.HostedZone, error) {
	i := zoneIndex(n, id)
	if i < 0 {
		return nil, zoneNotFound(id)
	}
	z := zoneAt(n, i)
	if z.Public {
		return nil, &apierr.Error{Kind: apierr.InvalidParameter, Message: "A VPC association authorization applies to a private hosted zone; " + id + " is public."}
	}
	return z, nil
}

type authIn struct {
	VPC *VPC
}

type createAuthOut struct {
	XMLName      xml.Name `xml:"CreateVPCAssociationAuthorizationResponse"`
	Xmlns        string   `xml:"xmlns,attr"`
	HostedZoneId string   `xml:"HostedZoneId"`
	VPC          VPC      `xml:"VPC"`
}

func (h *Handler) createAuthorization(ctx context.Context, b body[authIn]) (createAuthOut, error) {
	r, in := b.request, &b.in
	id := r.parts[1]
	var out createAuthOut
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		z, err := privateZone(tx.Net, id)
		if err != nil {
			return err
		}
		if err := checkVPC(tx.Net, in.VPC); err != nil {
			return err
		}
		key := store.VPCAuthKey(z.ID, in.VPC.VPCId)
		region, _ := vpcRegion(tx.Net, in.VPC.VPCId)
		out = createAuthOut{Xmlns: xmlns, HostedZoneId: z.ID, VPC: VPC{VPCRegion: region, VPCId: in.VPC.VPCId}}
		if tx.Meta.Objects[key] != nil {
			return nil // authorizing again changes nothing, as on AWS
		}
		if len(authorizations(tx.Meta, z.ID)) >= maxAuthorizations {
			return apierr.Coded(apierr.Limit, "TooManyVPCAssociationAuthorizations", http.StatusBadRequest,
				"You've created the maximum number of authorizations (%d) that can be created for the specified hosted zone.", maxAuthorizations)
		}
		tx.Meta.Objects[key] = &store.Object{Kind: store.KindVPCAuth, HostedZone: z.ID, VPC: in.VPC.VPCId, VPCRegion: region, Created: tx.Now, Modified: tx.Now}
		return nil
	})
	if err != nil {
		return createAuthOut{}, err
	}
	return out, nil
}

type deleteAuthOut struct {
	XMLName xml.Name `xml:"DeleteVPCAssociationAuthorizationResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
}

func (h *Handler) deleteAuthorization(ctx context.Context, b body[authIn]) (deleteAuthOut, error) {
	r, in := b.request, &b.in
	if in.VPC == nil || in.VPC.VPCId == "" {
		return deleteAuthOut{}, apierr.Missing("VPC")
	}
	id := r.parts[1]
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		z, err := privateZone(tx.Net, id)
		if err != nil {
			return err
		}
		key := store.VPCAuthKey(z.ID, in.VPC.VPCId)
		if tx.Meta.Objects[key] == nil {
			return apierr.Coded(apierr.NotFound, "VPCAssociationAuthorizationNotFound", http.StatusNotFound,
				"The VPC %s is not authorized to be associated with hosted zone %s.", in.VPC.VPCId, z.ID)
		}
		delete(tx.Meta.Objects, key)
		return nil
	})
	if err != nil {
		return deleteAuthOut{}, err
	}
	return deleteAuthOut{Xmlns: xmlns}, nil
}

// authorizations lists a zone's authorizations, by VPC id.
func authorizations(m store.Meta, zone string) []VPC {
	var out []VPC
	for _, o := range m.Objects {
		if o.Kind == store.KindVPCAuth && o.HostedZone == zone {
			out = append(out, VPC{VPCRegion: o.VPCRegion, VPCId: o.VPC})
		}
	}
	slices.SortFunc(out, func(a, b VPC) int { return strings.Compare(a.VPCId, b.VPCId) })
	return out
}

type listAuthOut struct {
	XMLName      xml.Name `xml:"ListVPCAssociationAuthorizationsResponse"`
	Xmlns        string   `xml:"xmlns,attr"`
	HostedZoneId string   `xml:"HostedZoneId"`
	NextToken    string   `xml:"NextToken,omitempty"`
	VPCs         []VPC    `xml:"VPCs>VPC"`
}

func (h *Handler) listAuthorizations(ctx context.Context, r request) (listAuthOut, error) {
	st, n := h.Store.Snapshot()
	z, err := privateZone(n, r.parts[1])
	if err != nil {
		return listAuthOut{}, err
	}
	all := authorizations(st.Meta, z.ID)
	page, next, err := pageOf(r, len(all), 50)
	if err != nil {
		return listAuthOut{}, err
	}
	return listAuthOut{Xmlns: xmlns, HostedZoneId: z.ID, VPCs: append([]VPC{}, all[page[0]:page[1]]...), NextToken: next}, nil
}

// pageOf reads maxresults and nexttoken (an index this server issued) and
// returns the [start, end) of the page and the next token.
func pageOf(r request, total, def int) ([2]int, string, error) {
	max := def
	if s := r.query.Get("maxresults"); s != "" {
		m, err := strconv.Atoi(s)
		if err != nil || m < 1 {
			return [2]int{}, "", apierr.Param("MaxResults", "Invalid value for MaxResults: %s", s)
		}
		max = min(m, def)
	}
	start := 0
	if t := r.query.Get("nexttoken"); t != "" {
		k, err := strconv.Atoi(t)
		if err != nil || k < 0 || k > total {
			return [2]int{}, "", &apierr.Error{Kind: apierr.InvalidNextToken, Message: "The value that you specified for NextToken is not valid."}
		}
		start = k
	}
	end := min(start+max, total)
	next := ""
	if end < total {
		next = strconv.Itoa(end)
	}
	return [2]int{start, end}, next, nil
}
