// Package ramapi serves the part of AWS Resource Access Manager (REST-JSON,
// POST /createresourceshare …) that shares Route 53 Resolver rules and
// Route 53 Profiles with other accounts: resource shares, their resources
// and their principals. A share is a side record of the store (it has no network.yaml key); what
// it means for DNS is written into network.yaml: a rule that a share
// shares with at least one account has share_status shared_by_me (or
// shared_with_me when the network's account does not own it), and so has a
// Profile, so explain, lint and DNS treat them as the same file would.
// Which accounts may associate the rule (the Profile) with their VPCs is
// checked by AssociateResolverRule (AssociateProfile).
package ramapi

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/page"
	"github.com/vpcdns/vpcdns/internal/awsapi/sigv4"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// Handler answers RAM requests.
type Handler struct {
	Store *store.Store
}

// operations are the operations served, by request path.
var operations = map[string]struct {
	method string
	name   string
	op     op.Operation[Handler]
}{
	"/createresourceshare":          {"POST", "CreateResourceShare", op.Of((*Handler).create)},
	"/associateresourceshare":       {"POST", "AssociateResourceShare", op.Of((*Handler).associate)},
	"/disassociateresourceshare":    {"POST", "DisassociateResourceShare", op.Of((*Handler).disassociate)},
	"/getresourceshares":            {"POST", "GetResourceShares", op.Of((*Handler).getShares)},
	"/getresourceshareassociations": {"POST", "GetResourceShareAssociations", op.Of((*Handler).getAssociations)},
	"/deleteresourceshare":          {"DELETE", "DeleteResourceShare", op.Of((*Handler).delete)},
}

// Is reports whether a request path is a RAM operation's.
func Is(path string) bool {
	_, ok := operations[path]
	return ok
}

// Operations lists the operations served.
func Operations() []string {
	var out []string
	for _, o := range operations {
		out = append(out, o.name)
	}
	slices.Sort(out)
	return out
}

// Serve answers one request whose body has been read.
func (h *Handler) Serve(ctx context.Context, w http.ResponseWriter, r *op.Request) {
	o, ok := operations[r.HTTP.URL.Path]
	if !ok || o.method != r.HTTP.Method {
		WriteError(w, &apierr.Error{Kind: apierr.UnknownOperation, Message: "vpcdns does not serve " + r.HTTP.Method + " " + r.HTTP.URL.Path})
		return
	}
	r.Operation = o.name
	ctx = op.WithRequest(ctx, r)
	out, err := o.op.Call(h, ctx, func(in any) error {
		if r.HTTP.Method == http.MethodDelete {
			// DeleteResourceShare: its members are in the query string.
			q := r.HTTP.URL.Query()
			d := in.(*deleteIn)
			d.ResourceShareArn, d.ClientToken = q.Get("resourceShareArn"), q.Get("clientToken")
			return nil
		}
		if len(r.Body) == 0 {
			return nil
		}
		return op.DecodeJSON(r.Body, in)
	})
	if err != nil {
		WriteError(w, apierr.As(err, nil))
		return
	}
	data, merr := json.Marshal(out)
	if merr != nil {
		WriteError(w, apierr.As(merr, nil))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

// WriteError writes e in the REST-JSON shape: {"message"} with the code in
// X-Amzn-ErrorType.
func WriteError(w http.ResponseWriter, e *apierr.Error) {
	code := e.Code(apierr.RAM)
	data, _ := json.Marshal(map[string]string{"message": e.Message})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(e.Status(apierr.RAM))
	w.Write(data)
}

// Tag is RAM's Tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ResourceShare is RAM's ResourceShare.
type ResourceShare struct {
	ResourceShareArn        string  `json:"resourceShareArn"`
	Name                    string  `json:"name"`
	OwningAccountId         string  `json:"owningAccountId"`
	AllowExternalPrincipals bool    `json:"allowExternalPrincipals"`
	Status                  string  `json:"status"`
	Tags                    []Tag   `json:"tags,omitempty"`
	CreationTime            float64 `json:"creationTime"`
	LastUpdatedTime         float64 `json:"lastUpdatedTime"`
	FeatureSet              string  `json:"featureSet"`
}

// ResourceShareAssociation is RAM's ResourceShareAssociation.
type ResourceShareAssociation struct {
	ResourceShareArn  string  `json:"resourceShareArn"`
	ResourceShareName string  `json:"resourceShareName"`
	AssociatedEntity  string  `json:"associatedEntity"`
	AssociationType   string  `json:"associationType"`
	Status            string  `json:"status"`
	CreationTime      float64 `json:"creationTime"`
	LastUpdatedTime   float64 `json:"lastUpdatedTime"`
	External          bool    `json:"external"`
}

type createIn struct {
	Name                    string   `json:"name"`
	ResourceArns            []string `json:"resourceArns"`
	Principals              []string `json:"principals"`
	Tags                    []Tag    `json:"tags"`
	AllowExternalPrincipals *bool    `json:"allowExternalPrincipals"`
	ClientToken             string   `json:"clientToken"`
	PermissionArns          []string `json:"permissionArns"`
	Sources                 []string `json:"sources"`
}

type createOut struct {
	ResourceShare ResourceShare `json:"resourceShare"`
	ClientToken   string        `json:"clientToken,omitempty"`
}

type associateIn struct {
	ResourceShareArn string   `json:"resourceShareArn"`
	ResourceArns     []string `json:"resourceArns"`
	Principals       []string `json:"principals"`
	ClientToken      string   `json:"clientToken"`
	Sources          []string `json:"sources"`
}

type associateOut struct {
	ResourceShareAssociations []ResourceShareAssociation `json:"resourceShareAssociations"`
	ClientToken               string                     `json:"clientToken,omitempty"`
}

type getSharesIn struct {
	ResourceShareArns   []string `json:"resourceShareArns"`
	ResourceShareStatus string   `json:"resourceShareStatus"`
	ResourceOwner       string   `json:"resourceOwner"`
	Name                string   `json:"name"`
	NextToken           string   `json:"nextToken"`
	MaxResults          *int     `json:"maxResults"`
	PermissionArn       string   `json:"permissionArn"`
	PermissionVersion   *int     `json:"permissionVersion"`
}

type getSharesOut struct {
	ResourceShares []ResourceShare `json:"resourceShares"`
	NextToken      string          `json:"nextToken,omitempty"`
}

type getAssocsIn struct {
	AssociationType   string   `json:"associationType"`
	ResourceShareArns []string `json:"resourceShareArns"`
	ResourceArn       string   `json:"resourceArn"`
	Principal         string   `json:"principal"`
	AssociationStatus string   `json:"associationStatus"`
	NextToken         string   `json:"nextToken"`
	MaxResults        *int     `json:"maxResults"`
}

type deleteIn struct {
	ResourceShareArn string
	ClientToken      string
}

type deleteOut struct {
	ReturnValue bool   `json:"returnValue"`
	ClientToken string `json:"clientToken,omitempty"`
}

func notFound(arn string) error {
	return apierr.New(apierr.NotFound, "", "ResourceShare %s could not be found.", arn)
}

// resourceOf returns what an ARN names: a resolver rule or a Route 53
// Profile (the index in its list of network n, and true for a Profile),
// or an error: vpcdns shares these only.
func resourceOf(n *config.Network, arn string) (i int, profile bool, err error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return -1, false, apierr.New(apierr.InvalidParameter, apierr.ResARN, "The specified resource ARN %s is not valid.", arn)
	}
	if id, ok := strings.CutPrefix(parts[5], "profile/"); ok && parts[2] == "route53profiles" {
		for i, p := range n.Profiles {
			if p.ID == id && p.OwnerAccount == parts[4] {
				return i, true, nil
			}
		}
		return -1, false, apierr.New(apierr.NotFound, "", "The resource %s could not be found.", arn)
	}
	id, ok := strings.CutPrefix(parts[5], "resolver-rule/")
	if parts[2] != "route53resolver" || !ok {
		return -1, false, &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns shares Route 53 Resolver rules and Route 53 Profiles only, not " + arn}
	}
	for i, r := range n.Rules {
		if r.ID == id && r.OwnerAccount == parts[4] {
			return i, false, nil
		}
	}
	return -1, false, apierr.New(apierr.NotFound, "", "The resource %s could not be found.", arn)
}

// ownerOf is the account that owns resource i of resourceOf.
func ownerOf(n *config.Network, i int, profile bool) string {
	if profile {
		return n.Profiles[i].OwnerAccount
	}
	return n.Rules[i].OwnerAccount
}

// checkPrincipals accepts account ids (the principals a share of resolver
// rules has in vpcdns: there are no organizations).
func checkPrincipals(ps []string, owner string) error {
	for _, p := range ps {
		if !sigv4.IsAccountID(p) {
			return &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns shares with account ids only, not " + p}
		}
		if p == owner {
			return apierr.New(apierr.InvalidRequest, "", "The resource share owner %s cannot be a principal of its own share.", p)
		}
	}
	return nil
}

// add puts resources and principals in the share o, checking them, and
// returns the associations made.
func add(tx *store.Tx, arn string, o *store.Object, resources, principals []string) ([]ResourceShareAssociation, error) {
	if err := checkPrincipals(principals, o.Owner); err != nil {
		return nil, err
	}
	var out []ResourceShareAssociation
	for _, r := range resources {
		i, profile, err := resourceOf(tx.Net, r)
		if err != nil {
			return nil, err
		}
		if ownerOf(tx.Net, i, profile) != o.Owner {
			return nil, apierr.New(apierr.InvalidRequest, "", "The resource %s does not belong to account %s.", r, o.Owner)
		}
		if !slices.Contains(o.Resources, r) {
			o.Resources = append(o.Resources, r)
		}
		out = append(out, assocShape(arn, o, r, "RESOURCE"))
	}
	for _, p := range principals {
		if !slices.Contains(o.Principals, p) {
			o.Principals = append(o.Principals, p)
		}
		out = append(out, assocShape(arn, o, p, "PRINCIPAL"))
	}
	o.Modified = tx.Now
	return out, nil
}

// sync writes the sharing of the rules and Profiles of arns into
// network.yaml: one that a share shares with an account is shared_by_me
// (shared_with_me when another account than the network's owns it),
// otherwise not_shared.
func sync(tx *store.Tx, arns []string) error {
	for _, a := range arns {
		i, profile, err := resourceOf(tx.Net, a)
		if err != nil {
			continue // the resource is gone
		}
		status := ""
		if store.Shared(tx.State, a) {
			status = config.SharedByMe
			if ownerOf(tx.Net, i, profile) != tx.Net.AccountID {
				status = config.SharedWithMe
			}
		}
		if profile {
			for j := range tx.File.Profiles {
				if tx.File.Profiles[j].ID == tx.Net.Profiles[i].ID {
					tx.File.Profiles[j].ShareStatus = status
				}
			}
			continue
		}
		for j := range tx.File.Rules {
			if tx.File.Rules[j].ID == tx.Net.Rules[i].ID {
				tx.File.Rules[j].ShareStatus = status
			}
		}
	}
	return nil
}

func unix(t interface{ UnixMilli() int64 }) float64 { return float64(t.UnixMilli()) / 1000 }

func shareShape(arn string, o *store.Object) ResourceShare {
	s := ResourceShare{ResourceShareArn: arn, Name: o.Name, OwningAccountId: o.Owner, AllowExternalPrincipals: o.Status != "internal",
		Status: "ACTIVE", CreationTime: unix(o.Created), LastUpdatedTime: unix(o.Modified), FeatureSet: "STANDARD"}
	for k, v := range o.Tags {
		s.Tags = append(s.Tags, Tag{k, v})
	}
	slices.SortFunc(s.Tags, func(a, b Tag) int { return strings.Compare(a.Key, b.Key) })
	return s
}

func assocShape(arn string, o *store.Object, entity, kind string) ResourceShareAssociation {
	return ResourceShareAssociation{ResourceShareArn: arn, ResourceShareName: o.Name, AssociatedEntity: entity,
		AssociationType: kind, Status: "ASSOCIATED", CreationTime: unix(o.Created), LastUpdatedTime: unix(o.Modified), External: kind == "PRINCIPAL"}
}

func (h *Handler) create(ctx context.Context, in *createIn) (createOut, error) {
	if in.Name == "" {
		return createOut{}, apierr.Missing("name")
	}
	if len(in.PermissionArns) > 0 || len(in.Sources) > 0 {
		return createOut{}, &apierr.Error{Kind: apierr.Unsupported, Message: "vpcdns does not model RAM permissions or sources"}
	}
	var arn string
	var o *store.Object
	_, _, err := h.Store.Update(ctx, nil, func(tx *store.Tx) error {
		owner := op.Caller(ctx, tx.Net.AccountID)
		arn = "arn:aws:ram:" + tx.Net.Region + ":" + owner + ":resource-share/" + store.NewID("")
		o = &store.Object{Kind: store.KindResourceShare, Name: in.Name, Owner: owner, Created: tx.Now, Modified: tx.Now,
			CreatorRequestID: in.ClientToken}
		if in.AllowExternalPrincipals != nil && !*in.AllowExternalPrincipals {
			o.Status = "internal"
		}
		if len(in.Tags) > 0 {
			o.Tags = map[string]string{}
			for _, t := range in.Tags {
				o.Tags[t.Key] = t.Value
			}
		}
		tx.Meta.Objects[arn] = o
		if _, err := add(tx, arn, o, in.ResourceArns, in.Principals); err != nil {
			return err
		}
		return sync(tx, o.Resources)
	})
	if err != nil {
		return createOut{}, err
	}
	return createOut{ResourceShare: shareShape(arn, o), ClientToken: in.ClientToken}, nil
}

// share returns the share arn of the caller, for a change.
func share(ctx context.Context, tx *store.Tx, arn string) (*store.Object, error) {
	o := tx.Meta.Objects[arn]
	if o == nil || o.Kind != store.KindResourceShare {
		return nil, notFound(arn)
	}
	if o.Owner != op.Caller(ctx, tx.Net.AccountID) {
		return nil, apierr.New(apierr.InvalidRequest, "", "Account %s is not the owner of resource share %s.", op.Caller(ctx, tx.Net.AccountID), arn)
	}
	return o, nil
}

func (h *Handler) associate(ctx context.Context, in *associateIn) (associateOut, error) {
	if in.ResourceShareArn == "" {
		return associateOut{}, apierr.Missing("resourceShareArn")
	}
	var out []ResourceShareAssociation
	_, _, err := h.Store.Update(ctx, nil, func(tx *store.Tx) error {
		o, err := share(ctx, tx, in.ResourceShareArn)
		if err != nil {
			return err
		}
		if out, err = add(tx, in.ResourceShareArn, o, in.ResourceArns, in.Principals); err != nil {
			return err
		}
		return sync(tx, o.Resources)
	})
	return associateOut{ResourceShareAssociations: nonNil(out), ClientToken: in.ClientToken}, err
}

func (h *Handler) disassociate(ctx context.Context, in *associateIn) (associateOut, error) {
	if in.ResourceShareArn == "" {
		return associateOut{}, apierr.Missing("resourceShareArn")
	}
	var out []ResourceShareAssociation
	_, _, err := h.Store.Update(ctx, nil, func(tx *store.Tx) error {
		o, err := share(ctx, tx, in.ResourceShareArn)
		if err != nil {
			return err
		}
		touched := slices.Clone(o.Resources)
		for _, r := range in.ResourceArns {
			if !slices.Contains(o.Resources, r) {
				return apierr.New(apierr.NotFound, "", "The resource %s is not associated with resource share %s.", r, in.ResourceShareArn)
			}
			o.Resources = slices.DeleteFunc(o.Resources, func(x string) bool { return x == r })
			a := assocShape(in.ResourceShareArn, o, r, "RESOURCE")
			a.Status = "DISASSOCIATED"
			out = append(out, a)
		}
		for _, p := range in.Principals {
			if !slices.Contains(o.Principals, p) {
				return apierr.New(apierr.NotFound, "", "The principal %s is not associated with resource share %s.", p, in.ResourceShareArn)
			}
			o.Principals = slices.DeleteFunc(o.Principals, func(x string) bool { return x == p })
			a := assocShape(in.ResourceShareArn, o, p, "PRINCIPAL")
			a.Status = "DISASSOCIATED"
			out = append(out, a)
		}
		o.Modified = tx.Now
		return sync(tx, touched)
	})
	return associateOut{ResourceShareAssociations: nonNil(out), ClientToken: in.ClientToken}, err
}

func (h *Handler) delete(ctx context.Context, in *deleteIn) (deleteOut, error) {
	if in.ResourceShareArn == "" {
		return deleteOut{}, apierr.Missing("resourceShareArn")
	}
	_, _, err := h.Store.Update(ctx, nil, func(tx *store.Tx) error {
		o, err := share(ctx, tx, in.ResourceShareArn)
		if err != nil {
			return err
		}
		delete(tx.Meta.Objects, in.ResourceShareArn)
		return sync(tx, o.Resources)
	})
	if err != nil {
		return deleteOut{}, err
	}
	return deleteOut{ReturnValue: true, ClientToken: in.ClientToken}, nil
}

// visible returns the shares the caller sees as owner (SELF) or as a
// principal (OTHER-ACCOUNTS), in ARN order.
func visible(st *store.State, caller, owner string) ([]string, error) {
	var arns []string
	for arn, o := range st.Meta.Objects {
		if o.Kind != store.KindResourceShare {
			continue
		}
		switch owner {
		case "SELF":
			if o.Owner == caller {
				arns = append(arns, arn)
			}
		case "OTHER-ACCOUNTS":
			if o.Owner != caller && slices.Contains(o.Principals, caller) {
				arns = append(arns, arn)
			}
		default:
			return nil, apierr.Param("resourceOwner", "resourceOwner must be SELF or OTHER-ACCOUNTS, not '%s'", owner)
		}
	}
	slices.Sort(arns)
	return arns, nil
}

func (h *Handler) getShares(ctx context.Context, in *getSharesIn) (getSharesOut, error) {
	if in.ResourceOwner == "" {
		return getSharesOut{}, apierr.Missing("resourceOwner")
	}
	st, n := h.Store.Snapshot()
	arns, err := visible(st, op.Caller(ctx, n.AccountID), in.ResourceOwner)
	if err != nil {
		return getSharesOut{}, err
	}
	var all []ResourceShare
	for _, a := range arns {
		o := st.Meta.Objects[a]
		if len(in.ResourceShareArns) > 0 && !slices.Contains(in.ResourceShareArns, a) ||
			in.Name != "" && o.Name != in.Name ||
			in.ResourceShareStatus != "" && in.ResourceShareStatus != "ACTIVE" {
			continue
		}
		all = append(all, shareShape(a, o))
	}
	pg, next, err := page.Slice(all, in.NextToken, maxOf(in.MaxResults))
	if err != nil {
		return getSharesOut{}, err
	}
	return getSharesOut{ResourceShares: nonNil(pg), NextToken: next}, nil
}

type getAssocsOut struct {
	ResourceShareAssociations []ResourceShareAssociation `json:"resourceShareAssociations"`
	NextToken                 string                     `json:"nextToken,omitempty"`
}

func (h *Handler) getAssociations(ctx context.Context, in *getAssocsIn) (getAssocsOut, error) {
	if in.AssociationType != "PRINCIPAL" && in.AssociationType != "RESOURCE" {
		return getAssocsOut{}, apierr.Param("associationType", "associationType must be PRINCIPAL or RESOURCE, not '%s'", in.AssociationType)
	}
	st, n := h.Store.Snapshot()
	caller := op.Caller(ctx, n.AccountID)
	self, _ := visible(st, caller, "SELF")
	others, _ := visible(st, caller, "OTHER-ACCOUNTS")
	var all []ResourceShareAssociation
	for _, a := range append(self, others...) {
		o := st.Meta.Objects[a]
		if len(in.ResourceShareArns) > 0 && !slices.Contains(in.ResourceShareArns, a) {
			continue
		}
		entities := o.Resources
		if in.AssociationType == "PRINCIPAL" {
			entities = o.Principals
		}
		for _, e := range entities {
			if in.ResourceArn != "" && (in.AssociationType != "RESOURCE" || e != in.ResourceArn) ||
				in.Principal != "" && (in.AssociationType != "PRINCIPAL" || e != in.Principal) ||
				in.AssociationStatus != "" && in.AssociationStatus != "ASSOCIATED" {
				continue
			}
			all = append(all, assocShape(a, o, e, in.AssociationType))
		}
	}
	pg, next, err := page.Slice(all, in.NextToken, maxOf(in.MaxResults))
	if err != nil {
		return getAssocsOut{}, err
	}
	return getAssocsOut{ResourceShareAssociations: nonNil(pg), NextToken: next}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// maxOf is a page size: MaxResults, at most 500 [500].
func maxOf(p *int) int {
	if p == nil || *p <= 0 || *p > 500 {
		return 500
	}
	return *p
}

// Operation returns the operation named name (for the shape test).
func Operation(name string) (op.Operation[Handler], bool) {
	for _, o := range operations {
		if o.name == name {
			return o.op, true
		}
	}
	return nil, false
}
