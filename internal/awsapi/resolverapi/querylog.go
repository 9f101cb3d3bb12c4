package resolverapi

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// DestinationTag is the tag of a query logging configuration that says
// where vpcdns writes its records: "stdout" (the default) or "file:PATH".
// The DestinationArn is kept as given.
const DestinationTag = "vpcdns:destination"

// ResolverQueryLogConfig is the API's ResolverQueryLogConfig.
type ResolverQueryLogConfig struct {
	Id               string `json:"Id"`
	OwnerId          string `json:"OwnerId"`
	Status           string `json:"Status"`
	ShareStatus      string `json:"ShareStatus"`
	AssociationCount int    `json:"AssociationCount"`
	Arn              string `json:"Arn"`
	Name             string `json:"Name"`
	DestinationArn   string `json:"DestinationArn"`
	CreatorRequestId string `json:"CreatorRequestId"`
	CreationTime     string `json:"CreationTime,omitempty"`
}

// ResolverQueryLogConfigAssociation is the API's association of a query
// logging configuration with a VPC.
type ResolverQueryLogConfigAssociation struct {
	Id                       string `json:"Id"`
	ResolverQueryLogConfigId string `json:"ResolverQueryLogConfigId"`
	ResourceId               string `json:"ResourceId"`
	Status                   string `json:"Status"`
	Error                    string `json:"Error"`
	ErrorMessage             string `json:"ErrorMessage"`
	CreationTime             string `json:"CreationTime,omitempty"`
}

func queryLogIndex(f *config.File, id string) int {
	return slices.IndexFunc(f.QueryLogging, func(q config.QueryLogFile) bool { return q.ID == id })
}

func queryLogShape(st *store.State, n *config.Network, id string) ResolverQueryLogConfig {
	o := st.Meta.Objects[id]
	out := ResolverQueryLogConfig{Id: id, OwnerId: cmp.Or(o.Owner, n.AccountID), Status: "CREATED", ShareStatus: "NOT_SHARED",
		Arn: ownerARN(n, o.Owner, "resolver-query-log-config", id), Name: o.Name, DestinationArn: o.DestinationArn,
		CreatorRequestId: o.CreatorRequestID, CreationTime: timeString(o.Created)}
	if out.Name == "" {
		out.Name = id
	}
	if i := queryLogIndex(&st.File, id); i >= 0 {
		out.AssociationCount = len(st.File.QueryLogging[i].VPCs)
	}
	return out
}

// queryLogIDs lists the query logging configurations, oldest first.
func queryLogIDs(st *store.State) []string {
	var ids []string
	for id, o := range st.Meta.Objects {
		if o.Kind == store.KindQueryLog {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b string) int {
		return cmp.Or(st.Meta.Objects[a].Created.Compare(st.Meta.Objects[b].Created), strings.Compare(a, b))
	})
	return ids
}

func queryLogNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResQueryLog, "Resolver query logging configuration with ID '%s' does not exist.", id)
}

func checkDestination(d string) error {
	if d == "stdout" {
		return nil
	}
	if p, ok := strings.CutPrefix(d, "file:"); ok && p != "" {
		return nil
	}
	return apierr.Param("Tags", "The %s tag must be stdout or file:PATH, not '%s'", DestinationTag, d)
}

func (h *Handler) createQueryLog(ctx context.Context, in *struct {
	Name, DestinationArn, CreatorRequestId string
	Tags                                   []Tag
}) (resolverQueryLogConfigOut, error) {
	for _, r := range [][2]string{{"Name", in.Name}, {"DestinationArn", in.DestinationArn}, {"CreatorRequestId", in.CreatorRequestId}} {
		if err := required(r[0], r[1]); err != nil {
			return resolverQueryLogConfigOut{}, err
		}
	}
	if err := checkName(in.Name); err != nil {
		return resolverQueryLogConfigOut{}, err
	}
	if !strings.HasPrefix(in.DestinationArn, "arn:") {
		return resolverQueryLogConfigOut{}, apierr.Param("DestinationArn", "The destination '%s' is not an ARN (a CloudWatch Logs log group, an S3 bucket or a Firehose stream)", in.DestinationArn)
	}
	tags, err := tagMap(in.Tags)
	if err != nil {
		return resolverQueryLogConfigOut{}, err
	}
	dest := "stdout"
	if v, ok := tags[DestinationTag]; ok {
		if err := checkDestination(v); err != nil {
			return resolverQueryLogConfigOut{}, err
		}
		dest = v
	}
	id := store.NewID(store.PrefixQueryLog)
	st, n, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if creatorTaken(tx.State, store.KindQueryLog, in.CreatorRequestId) {
			return apierr.New(apierr.Exists, apierr.ResQueryLog, "Resolver query logging configuration with creator request ID '%s' already exists.", in.CreatorRequestId)
		}
		tx.Meta.Objects[id] = &store.Object{Kind: store.KindQueryLog, Name: in.Name, DestinationArn: in.DestinationArn,
			Owner: op.Owner(ctx, tx.Net.AccountID), Destination: dest, CreatorRequestID: in.CreatorRequestId, Created: tx.Now, Modified: tx.Now, Tags: tags}
		return nil
	})
	if err != nil {
		return resolverQueryLogConfigOut{}, err
	}
	return resolverQueryLogConfigOut{ResolverQueryLogConfig: queryLogShape(st, n, id)}, nil
}

func (h *Handler) lookupQueryLog(id string) (*store.State, *config.Network, error) {
	if err := required("ResolverQueryLogConfigId", id); err != nil {
		return nil, nil, err
	}
	st, n := h.Store.Snapshot()
	if o := st.Meta.Objects[id]; o == nil || o.Kind != store.KindQueryLog {
		return nil, nil, queryLogNotFound(id)
	}
	return st, n, nil
}

func (h *Handler) getQueryLog(ctx context.Context, in *struct{ ResolverQueryLogConfigId string }) (resolverQueryLogConfigOut, error) {
	st, n, err := h.lookupQueryLog(in.ResolverQueryLogConfigId)
	if err != nil {
		return resolverQueryLogConfigOut{}, err
	}
	return resolverQueryLogConfigOut{ResolverQueryLogConfig: queryLogShape(st, n, in.ResolverQueryLogConfigId)}, nil
}

type sortedList struct {
	listParams
	SortBy    string
	SortOrder string
}

// sortItems orders items by one attribute when SortBy names one.
func sortItems[T any](items []T, by, order string, get func(T) attrs) error {
	if by == "" {
		return nil
	}
	key := normFilter(by)
	if len(items) > 0 {
		if _, ok := get(items[0])[key]; !ok {
			return apierr.Param("SortBy", "The items cannot be sorted by '%s'", by)
		}
	}
	slices.SortStableFunc(items, func(a, b T) int {
		c := strings.Compare(strings.Join(get(a)[key], ","), strings.Join(get(b)[key], ","))
		if order == "DESCENDING" {
			return -c
		}
		return c
	})
	return nil
}

func qlAttrs(q ResolverQueryLogConfig) attrs {
	return attrs{"creationtime": {q.CreationTime}, "creatorrequestid": {q.CreatorRequestId}, "destinationarn": {q.DestinationArn},
		"id": {q.Id}, "name": {q.Name}, "ownerid": {q.OwnerId}, "sharestatus": {q.ShareStatus}, "status": {q.Status},
		"associationcount": {strconv.Itoa(q.AssociationCount)}, "arn": {q.Arn}}
}

func (h *Handler) listQueryLogs(ctx context.Context, in *sortedList) (resolverQueryLogConfigsOut, error) {
	st, n := h.Store.Snapshot()
	var all []ResolverQueryLogConfig
	for _, id := range queryLogIDs(st) {
		if queryLogOwner(st, n, id) == caller(ctx, n) {
			all = append(all, queryLogShape(st, n, id))
		}
	}
	known := []string{"creationtime", "creatorrequestid", "destinationarn", "id", "name", "ownerid", "sharestatus", "status"}
	items, err := filterItems(all, in.Filters, known, qlAttrs)
	if err != nil {
		return resolverQueryLogConfigsOut{}, err
	}
	if err := sortItems(items, in.SortBy, in.SortOrder, qlAttrs); err != nil {
		return resolverQueryLogConfigsOut{}, err
	}
	pg, next, _, err := paginate(items, in.pageParams, 1)
	if err != nil {
		return resolverQueryLogConfigsOut{}, err
	}
	return resolverQueryLogConfigsOut{ResolverQueryLogConfigs: nonNil(pg), NextToken: next, TotalCount: len(all), TotalFilteredCount: len(items)}, nil
}

func (h *Handler) deleteQueryLog(ctx context.Context, in *struct{ ResolverQueryLogConfigId string }) (resolverQueryLogConfigOut, error) {
	id := in.ResolverQueryLogConfigId
	if _, _, err := h.lookupQueryLog(id); err != nil {
		return resolverQueryLogConfigOut{}, err
	}
	var gone ResolverQueryLogConfig
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if o := tx.Meta.Objects[id]; o == nil || o.Kind != store.KindQueryLog {
			return queryLogNotFound(id)
		}
		if queryLogIndex(&tx.File, id) >= 0 {
			return apierr.New(apierr.InvalidRequest, apierr.ResQueryLog, "Cannot delete a query logging configuration that is associated with VPCs: disassociate them first.")
		}
		gone = queryLogShape(tx.State, tx.Net, id)
		delete(tx.Meta.Objects, id)
		return nil
	})
	if err != nil {
		return resolverQueryLogConfigOut{}, err
	}
	gone.Status = "DELETING"
	return resolverQueryLogConfigOut{ResolverQueryLogConfig: gone}, nil
}

func qlAssocShape(st *store.State, cfg, vpc string) ResolverQueryLogConfigAssociation {
	out := ResolverQueryLogConfigAssociation{ResolverQueryLogConfigId: cfg, ResourceId: vpc, Status: "ACTIVE", Error: "NONE"}
	if a := st.Meta.Assocs[store.AssocKey(store.AssocQueryLog, cfg, vpc)]; a != nil {
		out.Id, out.CreationTime = a.ID, timeString(a.Created)
	}
	return out
}

func (h *Handler) associateQueryLog(ctx context.Context, in *struct{ ResolverQueryLogConfigId, ResourceId string }) (resolverQueryLogConfigAssociationOut, error) {
	if err := required("ResolverQueryLogConfigId", in.ResolverQueryLogConfigId); err != nil {
		return resolverQueryLogConfigAssociationOut{}, err
	}
	if err := required("ResourceId", in.ResourceId); err != nil {
		return resolverQueryLogConfigAssociationOut{}, err
	}
	id, vpc := in.ResolverQueryLogConfigId, in.ResourceId
	st, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		o := tx.Meta.Objects[id]
		if o == nil || o.Kind != store.KindQueryLog {
			return queryLogNotFound(id)
		}
		if vpcIndex(&tx.File, vpc) < 0 {
			return vpcNotFound(vpc)
		}
		i := queryLogIndex(&tx.File, id)
		if i < 0 {
			tx.File.QueryLogging = append(tx.File.QueryLogging, config.QueryLogFile{ID: id, Destination: o.Destination, OwnerAccount: o.Owner})
			i = len(tx.File.QueryLogging) - 1
		}
		q := &tx.File.QueryLogging[i]
		if slices.Contains(q.VPCs, vpc) {
			return apierr.New(apierr.Exists, apierr.ResQueryLogAssoc, "The query logging configuration '%s' is already associated with '%s'.", id, vpc)
		}
		q.VPCs = append(q.VPCs, vpc)
		tx.Meta.Assocs[store.AssocKey(store.AssocQueryLog, id, vpc)] = &store.Assoc{ID: store.NewID(store.PrefixQLAssoc), Created: tx.Now}
		return nil
	})
	if err != nil {
		return resolverQueryLogConfigAssociationOut{}, err
	}
	return resolverQueryLogConfigAssociationOut{ResolverQueryLogConfigAssociation: qlAssocShape(st, id, vpc)}, nil
}

func (h *Handler) disassociateQueryLog(ctx context.Context, in *struct{ ResolverQueryLogConfigId, ResourceId string }) (resolverQueryLogConfigAssociationOut, error) {
	if err := required("ResolverQueryLogConfigId", in.ResolverQueryLogConfigId); err != nil {
		return resolverQueryLogConfigAssociationOut{}, err
	}
	if err := required("ResourceId", in.ResourceId); err != nil {
		return resolverQueryLogConfigAssociationOut{}, err
	}
	id, vpc := in.ResolverQueryLogConfigId, in.ResourceId
	var gone ResolverQueryLogConfigAssociation
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		if o := tx.Meta.Objects[id]; o == nil || o.Kind != store.KindQueryLog {
			return queryLogNotFound(id)
		}
		i := queryLogIndex(&tx.File, id)
		j := -1
		if i >= 0 {
			j = slices.Index(tx.File.QueryLogging[i].VPCs, vpc)
		}
		if j < 0 {
			return apierr.New(apierr.NotFound, apierr.ResQueryLogAssoc, "The query logging configuration '%s' is not associated with '%s'.", id, vpc)
		}
		gone = qlAssocShape(tx.State, id, vpc)
		q := &tx.File.QueryLogging[i]
		q.VPCs = slices.Delete(q.VPCs, j, j+1)
		if len(q.VPCs) == 0 {
			tx.File.QueryLogging = slices.Delete(tx.File.QueryLogging, i, i+1)
		}
		return nil
	})
	if err != nil {
		return resolverQueryLogConfigAssociationOut{}, err
	}
	gone.Status = "DELETING"
	return resolverQueryLogConfigAssociationOut{ResolverQueryLogConfigAssociation: gone}, nil
}

// allQLAssocs lists the query logging associations account sees: those
// of its VPCs and of its configurations.
func allQLAssocs(st *store.State, n *config.Network, account string) []ResolverQueryLogConfigAssociation {
	var out []ResolverQueryLogConfigAssociation
	for _, q := range st.File.QueryLogging {
		mine := queryLogOwner(st, n, q.ID) == account
		for _, v := range q.VPCs {
			if mine || vpcOwnerOf(st, n, v) == account {
				out = append(out, qlAssocShape(st, q.ID, v))
			}
		}
	}
	return out
}

func (h *Handler) getQueryLogAssoc(ctx context.Context, in *struct{ ResolverQueryLogConfigAssociationId string }) (resolverQueryLogConfigAssociationOut, error) {
	if err := required("ResolverQueryLogConfigAssociationId", in.ResolverQueryLogConfigAssociationId); err != nil {
		return resolverQueryLogConfigAssociationOut{}, err
	}
	st, n := h.Store.Snapshot()
	for _, a := range allQLAssocs(st, n, caller(ctx, n)) {
		if a.Id == in.ResolverQueryLogConfigAssociationId {
			return resolverQueryLogConfigAssociationOut{ResolverQueryLogConfigAssociation: a}, nil
		}
	}
	return resolverQueryLogConfigAssociationOut{}, apierr.New(apierr.NotFound, apierr.ResQueryLogAssoc, "Resolver query logging configuration association with ID '%s' does not exist.", in.ResolverQueryLogConfigAssociationId)
}

func qlaAttrs(a ResolverQueryLogConfigAssociation) attrs {
	return attrs{"creationtime": {a.CreationTime}, "error": {a.Error}, "id": {a.Id},
		"resolverquerylogconfigid": {a.ResolverQueryLogConfigId}, "resourceid": {a.ResourceId}, "status": {a.Status}}
}

func (h *Handler) listQueryLogAssocs(ctx context.Context, in *sortedList) (resolverQueryLogConfigAssociationsOut, error) {
	st, n := h.Store.Snapshot()
	all := allQLAssocs(st, n, caller(ctx, n))
	known := []string{"creationtime", "error", "id", "resolverquerylogconfigid", "resourceid", "status"}
	items, err := filterItems(all, in.Filters, known, qlaAttrs)
	if err != nil {
		return resolverQueryLogConfigAssociationsOut{}, err
	}
	if err := sortItems(items, in.SortBy, in.SortOrder, qlaAttrs); err != nil {
		return resolverQueryLogConfigAssociationsOut{}, err
	}
	pg, next, _, err := paginate(items, in.pageParams, 1)
	if err != nil {
		return resolverQueryLogConfigAssociationsOut{}, err
	}
	return resolverQueryLogConfigAssociationsOut{ResolverQueryLogConfigAssociations: nonNil(pg), NextToken: next, TotalCount: len(all), TotalFilteredCount: len(items)}, nil
}
