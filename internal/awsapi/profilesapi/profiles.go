package profilesapi

import (
	"cmp"
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/page"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// Tag is a tag of a request.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// Profile is the model's Profile.
type Profile struct {
	Arn              string  `json:"Arn"`
	ClientToken      string  `json:"ClientToken,omitempty"`
	CreationTime     float64 `json:"CreationTime"`
	Id               string  `json:"Id"`
	ModificationTime float64 `json:"ModificationTime"`
	Name             string  `json:"Name"`
	OwnerId          string  `json:"OwnerId"`
	ShareStatus      string  `json:"ShareStatus"`
	Status           string  `json:"Status"`
	StatusMessage    string  `json:"StatusMessage,omitempty"`
}

// ProfileSummary is an entry of ListProfiles.
type ProfileSummary struct {
	Arn         string `json:"Arn"`
	Id          string `json:"Id"`
	Name        string `json:"Name"`
	ShareStatus string `json:"ShareStatus"`
}

// ProfileAssociation is a Profile's association with a VPC.
type ProfileAssociation struct {
	CreationTime     float64 `json:"CreationTime"`
	Id               string  `json:"Id"`
	ModificationTime float64 `json:"ModificationTime"`
	Name             string  `json:"Name"`
	OwnerId          string  `json:"OwnerId"`
	ProfileId        string  `json:"ProfileId"`
	ResourceId       string  `json:"ResourceId"`
	Status           string  `json:"Status"`
	StatusMessage    string  `json:"StatusMessage,omitempty"`
}

// ProfileResourceAssociation is a resource a Profile carries.
type ProfileResourceAssociation struct {
	CreationTime       float64 `json:"CreationTime"`
	Id                 string  `json:"Id"`
	ModificationTime   float64 `json:"ModificationTime"`
	Name               string  `json:"Name"`
	OwnerId            string  `json:"OwnerId"`
	ProfileId          string  `json:"ProfileId"`
	ResourceArn        string  `json:"ResourceArn"`
	ResourceProperties string  `json:"ResourceProperties,omitempty"`
	ResourceType       string  `json:"ResourceType"`
	Status             string  `json:"Status"`
	StatusMessage      string  `json:"StatusMessage,omitempty"`
}

// Resource types of a Profile's resources, as AWS names them (and as
// vpcdns import reads them).
const (
	TypeRule          = "AWS::Route53Resolver::ResolverRule"
	TypeHostedZone    = "AWS::Route53::HostedZone"
	TypeVPCEndpoint   = "AWS::EC2::VPCEndpoint"
	TypeFirewallGroup = "AWS::Route53Resolver::FirewallRuleGroup"
)

// Statuses (the model's ProfileStatus).
const (
	statusComplete = "COMPLETE"
	statusCreating = "CREATING"
	statusDeleting = "DELETING"
	statusDeleted  = "DELETED"
)

// maxProfiles bounds the Profiles of an account and region (AWS's quota).
const maxProfiles = 1000

// maxResourcesPerProfile bounds what one Profile carries.
const maxResourcesPerProfile = 1000

func unix(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// profileARN is the ARN of a Profile.
func profileARN(region, owner, id string) string {
	return "arn:aws:route53profiles:" + region + ":" + owner + ":profile/" + id
}

// ProfileARN is the ARN of the Profile pf of network n (RAM shares it).
func ProfileARN(n *config.Network, pf *config.ProfileFile) string {
	return profileARN(n.Region, cmp.Or(pf.OwnerAccount, n.AccountID), pf.ID)
}

func profileIndex(f *config.File, id string) int {
	return slices.IndexFunc(f.Profiles, func(p config.ProfileFile) bool { return p.ID == id })
}

func ownerOf(n *config.Network, pf *config.ProfileFile) string {
	return cmp.Or(pf.OwnerAccount, n.AccountID)
}

// visible reports whether caller sees the Profile: it owns it, or the
// Profile is shared with it (a RAM share naming the caller, or a
// share_status of the network file, which names no principals).
func visible(st *store.State, n *config.Network, pf *config.ProfileFile, caller string) bool {
	arn := ProfileARN(n, pf)
	return ownerOf(n, pf) == caller || store.SharedWith(st, arn, caller) ||
		(cmp.Or(pf.ShareStatus, config.NotShared) != config.NotShared && !store.Shared(st, arn))
}

// shareStatus is the Profile's ShareStatus as caller sees it.
func shareStatus(st *store.State, n *config.Network, pf *config.ProfileFile, caller string) string {
	switch {
	case ownerOf(n, pf) != caller:
		return "SHARED_WITH_ME"
	case store.Shared(st, ProfileARN(n, pf)) || pf.ShareStatus == config.SharedByMe:
		return "SHARED_BY_ME"
	}
	return "NOT_SHARED"
}

func profileNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResProfile, "The profile %s doesn't exist.", id)
}

func accessDenied(caller, id string) error {
	return apierr.Coded(apierr.InvalidRequest, "AccessDeniedException", http.StatusForbidden,
		"Account %s is not the owner of profile %s: a Profile shared through AWS RAM can only be associated with VPCs.", caller, id)
}

// lookup finds the Profile id among those caller sees.
func lookup(st *store.State, n *config.Network, id, caller string) (int, error) {
	if id == "" {
		return -1, apierr.Missing("ProfileId")
	}
	i := profileIndex(&st.File, id)
	if i < 0 || !visible(st, n, &st.File.Profiles[i], caller) {
		return -1, profileNotFound(id)
	}
	return i, nil
}

// owned finds the Profile id, which caller must own to change it.
func owned(st *store.State, n *config.Network, id, caller string) (int, error) {
	i, err := lookup(st, n, id, caller)
	if err != nil {
		return -1, err
	}
	if ownerOf(n, &st.File.Profiles[i]) != caller {
		return -1, accessDenied(caller, id)
	}
	return i, nil
}

func profileShape(st *store.State, n *config.Network, pf *config.ProfileFile, caller string) Profile {
	out := Profile{Arn: ProfileARN(n, pf), Id: pf.ID, Name: pf.Name, OwnerId: ownerOf(n, pf),
		ShareStatus: shareStatus(st, n, pf, caller), Status: statusComplete}
	if o := st.Meta.Objects[pf.ID]; o != nil {
		out.ClientToken, out.CreationTime, out.ModificationTime = o.CreatorRequestID, unix(o.Created), unix(o.Modified)
	}
	return out
}

// namePattern is the model's pattern of a Name: not only digits.
var namePattern = regexp.MustCompile(`^([a-zA-Z0-9\-_' ']+)$`)

func checkName(member, name string, required bool) error {
	switch {
	case name == "" && required:
		return apierr.Missing(member)
	case name == "":
		return nil
	case len(name) > 64 || !namePattern.MatchString(name) || strings.Trim(name, "0123456789") == "":
		return &apierr.Error{Kind: apierr.Validation, Field: member,
			Message: "1 validation error detected: Value '" + name + "' at '" + member + "' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9\\-_' ']+)"}
	}
	return nil
}

func tagMap(tags []Tag) (map[string]string, error) {
	if len(tags) == 0 {
		return nil, nil
	}
	if len(tags) > 200 {
		return nil, &apierr.Error{Kind: apierr.Validation, Field: "Tags", Message: "a resource has at most 200 tags"}
	}
	m := map[string]string{}
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return nil, &apierr.Error{Kind: apierr.Validation, Field: "Tags", Message: "a tag key is 1 to 128 characters and its value at most 256"}
		}
		m[t.Key] = t.Value
	}
	return m, nil
}

type createProfileIn struct {
	ClientToken string `json:"ClientToken"`
	Name        string `json:"Name"`
	Tags        []Tag  `json:"Tags"`
}

type profileOut struct {
	Profile Profile `json:"Profile"`
}

func (h *Handler) createProfile(ctx context.Context, in *createProfileIn) (profileOut, error) {
	if in.ClientToken == "" {
		return profileOut{}, apierr.Missing("ClientToken")
	}
	if err := checkName("Name", in.Name, true); err != nil {
		return profileOut{}, err
	}
	tags, err := tagMap(in.Tags)
	if err != nil {
		return profileOut{}, err
	}
	var id string
	st, n, err := h.Store.Update(ctx, nil, func(tx *store.Tx) error {
		caller := op.Caller(ctx, tx.Net.AccountID)
		count := 0
		for i := range tx.File.Profiles {
			pf := &tx.File.Profiles[i]
			if ownerOf(tx.Net, pf) != caller {
				continue
			}
			count++
			// The same client token again: the Profile it made (AWS's
			// idempotency), or a conflict when the request differs.
			if o := tx.Meta.Objects[pf.ID]; o != nil && o.Kind == store.KindProfile && o.CreatorRequestID == in.ClientToken {
				if pf.Name != in.Name {
					return apierr.New(apierr.StateConflict, apierr.ResProfile, "The client token %s was used to create profile %s with another name.", in.ClientToken, pf.ID)
				}
				id = pf.ID
				return nil
			}
		}
		if count >= maxProfiles {
			return apierr.New(apierr.Limit, apierr.ResProfile, "Account %s has %d profiles, the most it can have.", caller, count)
		}
		id = store.NewID(store.PrefixProfile)
		tx.File.Profiles = append(tx.File.Profiles, config.ProfileFile{ID: id, Name: in.Name, OwnerAccount: op.Owner(ctx, tx.Net.AccountID)})
		tx.Meta.Objects[id] = &store.Object{Kind: store.KindProfile, Name: in.Name, CreatorRequestID: in.ClientToken,
			Created: tx.Now, Modified: tx.Now, Tags: tags}
		return nil
	})
	if err != nil {
		return profileOut{}, err
	}
	i := profileIndex(&st.File, id)
	return profileOut{Profile: profileShape(st, n, &st.File.Profiles[i], op.Caller(ctx, n.AccountID))}, nil
}

type profileIDIn struct {
	ProfileId string `json:"-" uri:"ProfileId"`
}

func (h *Handler) getProfile(ctx context.Context, in *profileIDIn) (profileOut, error) {
	st, n := h.Store.Snapshot()
	caller := op.Caller(ctx, n.AccountID)
	i, err := lookup(st, n, in.ProfileId, caller)
	if err != nil {
		return profileOut{}, err
	}
	return profileOut{Profile: profileShape(st, n, &st.File.Profiles[i], caller)}, nil
}

func (h *Handler) deleteProfile(ctx context.Context, in *profileIDIn) (profileOut, error) {
	var gone Profile
	_, _, err := h.Store.Update(ctx, nil, func(tx *store.Tx) error {
		caller := op.Caller(ctx, tx.Net.AccountID)
		i, err := owned(tx.State, tx.Net, in.ProfileId, caller)
		if err != nil {
			return err
		}
		pf := &tx.File.Profiles[i]
		if len(pf.VPCs) > 0 {
			return apierr.New(apierr.StateConflict, apierr.ResProfile,
				"The profile %s is associated with %d VPCs (%s); disassociate it from every VPC before deleting it.", pf.ID, len(pf.VPCs), strings.Join(pf.VPCs, ", "))
		}
		gone = profileShape(tx.State, tx.Net, pf, caller)
		tx.File.Profiles = slices.Delete(tx.File.Profiles, i, i+1)
		return nil
	})
	if err != nil {
		return profileOut{}, err
	}
	gone.Status, gone.StatusMessage = statusDeleted, "Deleted the profile."
	return profileOut{Profile: gone}, nil
}

type listIn struct {
	MaxResults *int   `json:"-" query:"maxResults"`
	NextToken  string `json:"-" query:"nextToken"`
}

// pageOf cuts a page: MaxResults 1..100 [100].
func pageOf[T any](items []T, in listIn) ([]T, string, error) {
	max := 100
	if in.MaxResults != nil {
		max = *in.MaxResults
		if max < 1 || max > 100 {
			return nil, "", &apierr.Error{Kind: apierr.Validation, Field: "MaxResults", Message: "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100"}
		}
	}
	out, next, err := page.Slice(items, in.NextToken, max)
	if out == nil {
		out = []T{}
	}
	return out, next, err
}

type listProfilesOut struct {
	NextToken        string           `json:"NextToken,omitempty"`
	ProfileSummaries []ProfileSummary `json:"ProfileSummaries"`
}

func (h *Handler) listProfiles(ctx context.Context, in *listIn) (listProfilesOut, error) {
	st, n := h.Store.Snapshot()
	caller := op.Caller(ctx, n.AccountID)
	var all []ProfileSummary
	for i := range st.File.Profiles {
		pf := &st.File.Profiles[i]
		if visible(st, n, pf, caller) {
			all = append(all, ProfileSummary{Arn: ProfileARN(n, pf), Id: pf.ID, Name: pf.Name, ShareStatus: shareStatus(st, n, pf, caller)})
		}
	}
	pg, next, err := pageOf(all, *in)
	if err != nil {
		return listProfilesOut{}, err
	}
	return listProfilesOut{ProfileSummaries: pg, NextToken: next}, nil
}

// status is the HTTP status of a response without a body.
type noContent struct{}

func (noContent) status() int { return http.StatusNoContent }
