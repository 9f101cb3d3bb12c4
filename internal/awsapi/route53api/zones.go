package route53api

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
)

type zoneConfig struct {
	Comment     string `xml:"Comment,omitempty"`
	PrivateZone bool   `xml:"PrivateZone"`
}

// HostedZone is Route 53's HostedZone.
type HostedZone struct {
	Id                     string     `xml:"Id"`
	Name                   string     `xml:"Name"`
	CallerReference        string     `xml:"CallerReference"`
	Config                 zoneConfig `xml:"Config"`
	ResourceRecordSetCount int        `xml:"ResourceRecordSetCount"`
}

// VPC is Route 53's VPC.
type VPC struct {
	VPCRegion string `xml:"VPCRegion,omitempty"`
	VPCId     string `xml:"VPCId"`
}

func zoneIndex(n *config.Network, id string) int {
	if i := slices.IndexFunc(n.HostedZones, func(z *config.HostedZone) bool { return z.ID == id }); i >= 0 {
		return i
	}
	if i := slices.IndexFunc(n.PublicZones, func(z *config.HostedZone) bool { return z.ID == id }); i >= 0 {
		return len(n.HostedZones) + i
	}
	return -1
}

func zoneNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResHostedZone, "No hosted zone found with ID: %s", id)
}

// escapeName writes a name as Route 53 returns it: a leading wildcard
// label as \052.
func escapeName(n string) string {
	if n == "*." || strings.HasPrefix(n, "*.") {
		return `\052` + n[1:]
	}
	return n
}

// parseName reads a name as Route 53 takes it: its escapes are octal
// (\052 is "*"), where the zone-file form's are decimal.
func parseName(s string) (dnsname.Name, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			c := (s[i+1]-'0')*64 + (s[i+2]-'0')*8 + (s[i+3] - '0')
			switch {
			case c == '*' || c == '-' || c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9'):
				b.WriteByte(c)
			default:
				b.WriteString(fmt.Sprintf("\\%03d", c))
			}
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return dnsname.Parse(b.String())
}

func isOctal(c byte) bool { return '0' <= c && c <= '7' }

func zoneShape(st *store.State, n *config.Network, i int) HostedZone {
	z := zoneAt(n, i)
	out := HostedZone{Id: "/hostedzone/" + z.ID, Name: escapeName(z.Name.String()), Config: zoneConfig{PrivateZone: !z.Public},
		ResourceRecordSetCount: len(recordSets(z))}
	if o := st.Meta.Objects[z.ID]; o != nil {
		out.CallerReference, out.Config.Comment = o.CallerReference, o.Comment
	}
	if out.CallerReference == "" {
		out.CallerReference = "vpcdns:" + z.ID
	}
	return out
}

// vpcRegion returns the region of a VPC of the network.
func vpcRegion(n *config.Network, id string) (string, bool) {
	if v := n.VPCByID(id); v != nil {
		return v.Region, true
	}
	return "", false
}

// checkVPC checks the VPC of a request: it exists, in the region given.
func checkVPC(n *config.Network, v *VPC) error {
	if v == nil || v.VPCId == "" {
		return apierr.Missing("VPC")
	}
	region, ok := vpcRegion(n, v.VPCId)
	if !ok || (v.VPCRegion != "" && v.VPCRegion != region) {
		return apierr.New(apierr.NotFound, apierr.ResVPC, "The VPC ID '%s' is not valid: no such VPC in region %s.", v.VPCId, v.VPCRegion)
	}
	return nil
}

// conflict reports a zone of the same name already associated with vpc.
func conflict(n *config.Network, name dnsname.Name, vpc string) error {
	for _, z := range n.HostedZones {
		if z.Name != name {
			continue
		}
		for _, v := range z.VPCs {
			if v.ID == vpc {
				return apierr.New(apierr.Conflict, apierr.ResHostedZone, "The VPC %s in %s region has already been associated with the hosted zone %s with the same domain name.", vpc, v.Region, z.ID)
			}
		}
	}
	return nil
}

type createZoneIn struct {
	Name             string
	VPC              *VPC
	CallerReference  string
	HostedZoneConfig *struct {
		Comment     string
		PrivateZone *bool
	}
	DelegationSetId string
}

type createZoneOut struct {
	XMLName       xml.Name       `xml:"CreateHostedZoneResponse"`
	Xmlns         string         `xml:"xmlns,attr"`
	HostedZone    HostedZone     `xml:"HostedZone"`
	ChangeInfo    ChangeInfo     `xml:"ChangeInfo"`
	DelegationSet *DelegationSet `xml:"DelegationSet,omitempty"`
	VPC           *VPC           `xml:"VPC,omitempty"`
}

// status is CreateHostedZone's HTTP status, 201 Created.
func (o createZoneOut) status() int { return http.StatusCreated }

func (o createZoneOut) location() string {
	return "https://route53.amazonaws.com/2013-04-01" + o.HostedZone.Id
}

func (h *Handler) createZone(ctx context.Context, b body[createZoneIn]) (createZoneOut, error) {
	in := &b.in
	if in.Name == "" {
		return createZoneOut{}, apierr.Missing("Name")
	}
	name, err := parseName(in.Name)
	if err != nil || name.IsRoot() {
		return createZoneOut{}, &apierr.Error{Kind: apierr.InvalidParameter, Resource: apierr.ResHostedZone, Field: "Name", Message: in.Name + " is not a valid domain name."}
	}
	if in.CallerReference == "" {
		return createZoneOut{}, apierr.Missing("CallerReference")
	}
	if in.DelegationSetId != "" {
		return createZoneOut{}, apierr.Coded(apierr.InvalidParameter, "NoSuchDelegationSet", http.StatusBadRequest,
			"A reusable delegation set with the specified ID does not exist: %s (vpcdns gives each public zone Route 53's default name servers)", in.DelegationSetId)
	}
	comment := ""
	if in.HostedZoneConfig != nil {
		comment = in.HostedZoneConfig.Comment
		if p := in.HostedZoneConfig.PrivateZone; p != nil && *p && in.VPC == nil {
			return createZoneOut{}, &apierr.Error{Kind: apierr.InvalidParameter, Message: "When you're creating a private hosted zone (when you specify true for PrivateZone), you must also specify values for VPCId and VPCRegion."}
		}
		if p := in.HostedZoneConfig.PrivateZone; p != nil && !*p && in.VPC != nil {
			return createZoneOut{}, &apierr.Error{Kind: apierr.InvalidParameter, Message: "When you're creating a public hosted zone (when you specify false for PrivateZone), you can't specify a VPC."}
		}
	}
	if in.VPC == nil {
		return h.createPublicZone(ctx, name, in.CallerReference, comment)
	}
	id := store.NewZoneID()
	var change ChangeInfo
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if err := callerRefFree(tx, in.CallerReference); err != nil {
			return err
		}
		if err := checkVPC(tx.Net, in.VPC); err != nil {
			return err
		}
		if err := conflict(tx.Net, name, in.VPC.VPCId); err != nil {
			return err
		}
		tx.File.HostedZones = append(tx.File.HostedZones, config.ZoneFile{ID: id, Name: name.String(), VPCs: []string{in.VPC.VPCId},
			OwnerAccount: op.Owner(ctx, tx.Net.AccountID)})
		tx.Meta.Objects[id] = &store.Object{Kind: store.KindHostedZone, CallerReference: in.CallerReference, Comment: comment,
			Created: tx.Now, Modified: tx.Now}
		change = newChange(tx, "")
		return nil
	})
	if err != nil {
		return createZoneOut{}, err
	}
	i := zoneIndex(n, id)
	region, _ := vpcRegion(n, in.VPC.VPCId)
	return createZoneOut{Xmlns: xmlns, HostedZone: zoneShape(st, n, i), ChangeInfo: change,
		VPC: &VPC{VPCRegion: region, VPCId: in.VPC.VPCId}}, nil
}

type getZoneOut struct {
	XMLName       xml.Name       `xml:"GetHostedZoneResponse"`
	Xmlns         string         `xml:"xmlns,attr"`
	HostedZone    HostedZone     `xml:"HostedZone"`
	DelegationSet *DelegationSet `xml:"DelegationSet,omitempty"`
	VPCs          []VPC          `xml:"VPCs>VPC"`
}

func (h *Handler) getZone(ctx context.Context, r request) (getZoneOut, error) {
	st, n := h.Store.Snapshot()
	i := zoneIndex(n, r.parts[1])
	if i < 0 {
		return getZoneOut{}, zoneNotFound(r.parts[1])
	}
	out := getZoneOut{Xmlns: xmlns, HostedZone: zoneShape(st, n, i)}
	if z := zoneAt(n, i); z.Public {
		out.DelegationSet = delegationSet(z)
	}
	for _, v := range zoneAt(n, i).VPCs {
		out.VPCs = append(out.VPCs, VPC{VPCRegion: v.Region, VPCId: v.ID})
	}
	return out, nil
}

type updateCommentOut struct {
	XMLName    xml.Name   `xml:"UpdateHostedZoneCommentResponse"`
	Xmlns      string     `xml:"xmlns,attr"`
	HostedZone HostedZone `xml:"HostedZone"`
}

func (h *Handler) updateComment(ctx context.Context, b body[struct{ Comment string }]) (updateCommentOut, error) {
	r, in := b.request, &b.in
	id := r.parts[1]
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if zoneIndex(tx.Net, id) < 0 {
			return zoneNotFound(id)
		}
		o := tx.Meta.Objects[id]
		if o == nil {
			o = &store.Object{Kind: store.KindHostedZone, Created: tx.Now}
			tx.Meta.Objects[id] = o
		}
		o.Comment, o.Modified = in.Comment, tx.Now
		return nil
	})
	if err != nil {
		return updateCommentOut{}, err
	}
	return updateCommentOut{Xmlns: xmlns, HostedZone: zoneShape(st, n, zoneIndex(n, id))}, nil
}

type changeOut struct {
	XMLName    xml.Name
	Xmlns      string     `xml:"xmlns,attr"`
	ChangeInfo ChangeInfo `xml:"ChangeInfo"`
}

func changeResponse(op string, c ChangeInfo) changeOut {
	return changeOut{XMLName: xml.Name{Local: op + "Response"}, Xmlns: xmlns, ChangeInfo: c}
}

func (h *Handler) deleteZone(ctx context.Context, r request) (changeOut, error) {
	id := r.parts[1]
	var change ChangeInfo
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		i := zoneIndex(tx.Net, id)
		if i < 0 {
			return zoneNotFound(id)
		}
		z := zoneAt(tx.Net, i)
		for _, p := range tx.File.Profiles {
			if slices.Contains(p.PrivateHostedZones, z.ID) {
				return apierr.New(apierr.InvalidRequest, apierr.ResHostedZone, "The hosted zone %s is associated with Route 53 Profile %s; disassociate it from the profile before deleting it.", z.ID, p.ID)
			}
		}
		for _, set := range recordSets(z) {
			if !(set.name == z.Name && (set.typ == "SOA" || set.typ == "NS")) {
				return apierr.New(apierr.InUse, apierr.ResHostedZone, "The specified hosted zone contains non-required resource record sets and so cannot be deleted.")
			}
		}
		deleteFileZone(&tx.File, tx.Net, i)
		delete(tx.Meta.Objects, id)
		change = newChange(tx, "")
		return nil
	})
	if err != nil {
		return changeOut{}, err
	}
	return changeResponse("DeleteHostedZone", change), nil
}

type vpcChangeIn struct {
	VPC     *VPC
	Comment string
}

func (h *Handler) associateVPC(ctx context.Context, b body[vpcChangeIn]) (changeOut, error) {
	r, in := b.request, &b.in
	id := r.parts[1]
	var change ChangeInfo
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		i := zoneIndex(tx.Net, id)
		if i < 0 {
			return zoneNotFound(id)
		}
		if zoneAt(tx.Net, i).Public {
			return publicZoneVPC()
		}
		if err := checkVPC(tx.Net, in.VPC); err != nil {
			return err
		}
		if err := authorized(tx, tx.Net.HostedZones[i], in.VPC.VPCId); err != nil {
			return err
		}
		if err := conflict(tx.Net, tx.Net.HostedZones[i].Name, in.VPC.VPCId); err != nil {
			return err
		}
		tx.File.HostedZones[i].VPCs = append(tx.File.HostedZones[i].VPCs, in.VPC.VPCId)
		change = newChange(tx, in.Comment)
		return nil
	})
	if err != nil {
		return changeOut{}, err
	}
	return changeResponse("AssociateVPCWithHostedZone", change), nil
}

func (h *Handler) disassociateVPC(ctx context.Context, b body[vpcChangeIn]) (changeOut, error) {
	r, in := b.request, &b.in
	if in.VPC == nil || in.VPC.VPCId == "" {
		return changeOut{}, apierr.Missing("VPC")
	}
	id := r.parts[1]
	var change ChangeInfo
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		i := zoneIndex(tx.Net, id)
		if i < 0 {
			return zoneNotFound(id)
		}
		if zoneAt(tx.Net, i).Public {
			return publicZoneVPC()
		}
		z := &tx.File.HostedZones[i]
		j := slices.Index(z.VPCs, in.VPC.VPCId)
		if j < 0 {
			return apierr.New(apierr.AssociationNotFound, apierr.ResHostedZone, "The specified VPC and hosted zone are not currently associated.")
		}
		if len(z.VPCs) == 1 {
			return apierr.New(apierr.LastAssociation, apierr.ResHostedZone, "The VPC that you're trying to disassociate from the private hosted zone is the last VPC that is associated with the hosted zone. Amazon Route 53 doesn't support disassociating the last VPC from a hosted zone.")
		}
		z.VPCs = slices.Delete(z.VPCs, j, j+1)
		change = newChange(tx, in.Comment)
		return nil
	})
	if err != nil {
		return changeOut{}, err
	}
	return changeResponse("DisassociateVPCFromHostedZone", change), nil
}

// reversedName orders names as Route 53 lists them: by labels from the
// root.
func reversedName(n string) string {
	labels := strings.Split(strings.TrimSuffix(n, "."), ".")
	slices.Reverse(labels)
	return strings.Join(labels, ".")
}

// sortedZones returns the zone indexes sorted by name, labels reversed.
func sortedZones(n *config.Network, account string) []int {
	var idx []int
	for i := range zoneCount(n) {
		if account == "" || owner(n, i) == account {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		return strings.Compare(reversedName(zoneAt(n, a).Name.String()), reversedName(zoneAt(n, b).Name.String()))
	})
	return idx
}

func maxItems(r request, def int) (int, error) {
	s := r.query.Get("maxitems")
	if s == "" {
		return def, nil
	}
	m, err := strconv.Atoi(s)
	if err != nil || m < 1 {
		return 0, apierr.Param("MaxItems", "Invalid value for MaxItems: %s", s)
	}
	return min(m, def), nil
}

type listZonesOut struct {
	XMLName     xml.Name     `xml:"ListHostedZonesResponse"`
	Xmlns       string       `xml:"xmlns,attr"`
	HostedZones []HostedZone `xml:"HostedZones>HostedZone"`
	Marker      string       `xml:"Marker,omitempty"`
	IsTruncated bool         `xml:"IsTruncated"`
	NextMarker  string       `xml:"NextMarker,omitempty"`
	MaxItems    string       `xml:"MaxItems"`
}

func (h *Handler) listZones(ctx context.Context, r request) (listZonesOut, error) {
	if d := r.query.Get("delegationsetid"); d != "" {
		return listZonesOut{}, apierr.Coded(apierr.InvalidParameter, "NoSuchDelegationSet", http.StatusBadRequest, "A reusable delegation set with the specified ID does not exist: %s", d)
	}
	max, err := maxItems(r, 100)
	if err != nil {
		return listZonesOut{}, err
	}
	st, n := h.Store.Snapshot()
	order := sortedZones(n, op.Caller(ctx, n.AccountID))
	start := 0
	if m := r.query.Get("marker"); m != "" {
		start = slices.IndexFunc(order, func(i int) bool { return zoneAt(n, i).ID == m })
		if start < 0 {
			return listZonesOut{}, apierr.Param("Marker", "The marker %s is not a hosted zone id", m)
		}
	}
	out := listZonesOut{Xmlns: xmlns, Marker: r.query.Get("marker"), MaxItems: strconv.Itoa(max), HostedZones: []HostedZone{}}
	for k := start; k < len(order); k++ {
		if len(out.HostedZones) == max {
			out.IsTruncated, out.NextMarker = true, zoneAt(n, order[k]).ID
			break
		}
		out.HostedZones = append(out.HostedZones, zoneShape(st, n, order[k]))
	}
	return out, nil
}

type listZonesByNameOut struct {
	XMLName          xml.Name     `xml:"ListHostedZonesByNameResponse"`
	Xmlns            string       `xml:"xmlns,attr"`
	HostedZones      []HostedZone `xml:"HostedZones>HostedZone"`
	DNSName          string       `xml:"DNSName,omitempty"`
	HostedZoneId     string       `xml:"HostedZoneId,omitempty"`
	IsTruncated      bool         `xml:"IsTruncated"`
	NextDNSName      string       `xml:"NextDNSName,omitempty"`
	NextHostedZoneId string       `xml:"NextHostedZoneId,omitempty"`
	MaxItems         string       `xml:"MaxItems"`
}

func (h *Handler) listZonesByName(ctx context.Context, r request) (listZonesByNameOut, error) {
	max, err := maxItems(r, 100)
	if err != nil {
		return listZonesByNameOut{}, err
	}
	st, n := h.Store.Snapshot()
	order := sortedZones(n, op.Caller(ctx, n.AccountID))
	start := 0
	if d := r.query.Get("dnsname"); d != "" {
		name, err := parseName(d)
		if err != nil {
			return listZonesByNameOut{}, &apierr.Error{Kind: apierr.InvalidParameter, Resource: apierr.ResHostedZone, Field: "Name", Message: d + " is not a valid domain name."}
		}
		key := reversedName(name.String())
		start = len(order)
		for k, i := range order {
			z := zoneAt(n, i)
			c := strings.Compare(reversedName(z.Name.String()), key)
			if c > 0 || (c == 0 && (r.query.Get("hostedzoneid") == "" || z.ID >= r.query.Get("hostedzoneid"))) {
				start = k
				break
			}
		}
	}
	out := listZonesByNameOut{Xmlns: xmlns, DNSName: r.query.Get("dnsname"), HostedZoneId: r.query.Get("hostedzoneid"),
		MaxItems: strconv.Itoa(max), HostedZones: []HostedZone{}}
	for k := start; k < len(order); k++ {
		z := zoneAt(n, order[k])
		if len(out.HostedZones) == max {
			out.IsTruncated, out.NextDNSName, out.NextHostedZoneId = true, z.Name.String(), z.ID
			break
		}
		out.HostedZones = append(out.HostedZones, zoneShape(st, n, order[k]))
	}
	return out, nil
}

type zoneOwner struct {
	OwningAccount string `xml:"OwningAccount"`
}

type zoneSummary struct {
	HostedZoneId string    `xml:"HostedZoneId"`
	Name         string    `xml:"Name"`
	Owner        zoneOwner `xml:"Owner"`
}

type listByVPCOut struct {
	XMLName             xml.Name      `xml:"ListHostedZonesByVPCResponse"`
	Xmlns               string        `xml:"xmlns,attr"`
	HostedZoneSummaries []zoneSummary `xml:"HostedZoneSummaries>HostedZoneSummary"`
	MaxItems            string        `xml:"MaxItems"`
	NextToken           string        `xml:"NextToken,omitempty"`
}

func (h *Handler) listZonesByVPC(ctx context.Context, r request) (listByVPCOut, error) {
	vpc, region := r.query.Get("vpcid"), r.query.Get("vpcregion")
	if vpc == "" {
		return listByVPCOut{}, apierr.Missing("VPCId")
	}
	if region == "" {
		return listByVPCOut{}, apierr.Missing("VPCRegion")
	}
	max, err := maxItems(r, 100)
	if err != nil {
		return listByVPCOut{}, err
	}
	_, n := h.Store.Snapshot()
	var all []zoneSummary
	for _, i := range sortedZones(n, "") {
		z := zoneAt(n, i)
		if slices.ContainsFunc(z.VPCs, func(v *config.VPC) bool { return v.ID == vpc && v.Region == region }) {
			all = append(all, zoneSummary{HostedZoneId: z.ID, Name: escapeName(z.Name.String()), Owner: zoneOwner{owner(n, i)}})
		}
	}
	start := 0
	if t := r.query.Get("nexttoken"); t != "" {
		k, err := strconv.Atoi(t)
		if err != nil || k < 0 || k > len(all) {
			return listByVPCOut{}, &apierr.Error{Kind: apierr.InvalidNextToken, Message: "The value that you specified for NextToken is not valid."}
		}
		start = k
	}
	out := listByVPCOut{Xmlns: xmlns, MaxItems: strconv.Itoa(max), HostedZoneSummaries: []zoneSummary{}}
	end := min(start+max, len(all))
	out.HostedZoneSummaries = append(out.HostedZoneSummaries, all[start:end]...)
	if end < len(all) {
		out.NextToken = strconv.Itoa(end)
	}
	return out, nil
}

type zoneCountOut struct {
	XMLName         xml.Name `xml:"GetHostedZoneCountResponse"`
	Xmlns           string   `xml:"xmlns,attr"`
	HostedZoneCount int      `xml:"HostedZoneCount"`
}

func (h *Handler) zoneCount(ctx context.Context, _ request) (zoneCountOut, error) {
	_, n := h.Store.Snapshot()
	return zoneCountOut{Xmlns: xmlns, HostedZoneCount: len(sortedZones(n, op.Caller(ctx, n.AccountID)))}, nil
}
