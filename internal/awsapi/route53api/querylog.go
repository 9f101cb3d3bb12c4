package route53api

import (
	"context"
	"encoding/xml"
	"net/http"
	"slices"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
)

// Route 53 query logging configurations log the queries that Route 53's
// name servers answer for a public hosted zone, to a CloudWatch Logs log
// group in us-east-1. vpcdns keeps them (Meta, kind KindZoneQueryLog) and
// serves their operations; the internet path's queries are logged by the
// resolver query logging of network.yaml (query_logging).

// QueryLoggingConfig is Route 53's QueryLoggingConfig.
type QueryLoggingConfig struct {
	Id                        string `xml:"Id"`
	HostedZoneId              string `xml:"HostedZoneId"`
	CloudWatchLogsLogGroupArn string `xml:"CloudWatchLogsLogGroupArn"`
}

func noSuchQueryLog(id string) error {
	return apierr.Coded(apierr.NotFound, "NoSuchQueryLoggingConfig", http.StatusNotFound, "There is no DNS query logging configuration with the specified ID: %s", id)
}

func queryLogShape(id string, o *store.Object) QueryLoggingConfig {
	return QueryLoggingConfig{Id: id, HostedZoneId: o.HostedZone, CloudWatchLogsLogGroupArn: o.DestinationArn}
}

type createQueryLogIn struct {
	HostedZoneId              string
	CloudWatchLogsLogGroupArn string
}

type createQueryLogOut struct {
	XMLName            xml.Name           `xml:"CreateQueryLoggingConfigResponse"`
	Xmlns              string             `xml:"xmlns,attr"`
	QueryLoggingConfig QueryLoggingConfig `xml:"QueryLoggingConfig"`
}

// status is CreateQueryLoggingConfig's HTTP status, 201 Created.
func (o createQueryLogOut) status() int { return http.StatusCreated }

func (o createQueryLogOut) location() string {
	return "https://route53.amazonaws.com/2013-04-01/queryloggingconfig/" + o.QueryLoggingConfig.Id
}

type getQueryLogOut struct {
	XMLName            xml.Name           `xml:"GetQueryLoggingConfigResponse"`
	Xmlns              string             `xml:"xmlns,attr"`
	QueryLoggingConfig QueryLoggingConfig `xml:"QueryLoggingConfig"`
}

// checkLogGroup checks a CloudWatch Logs log group ARN: Route 53 writes
// query logs to log groups in us-east-1 only.
func checkLogGroup(arn string) error {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) < 7 || parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group" || parts[6] == "" {
		return &apierr.Error{Kind: apierr.InvalidParameter, Field: "CloudWatchLogsLogGroupArn", Message: "The ARN for the CloudWatch Logs log group is invalid: " + arn}
	}
	if parts[3] != "us-east-1" {
		return apierr.Coded(apierr.NotFound, "NoSuchCloudWatchLogsLogGroup", http.StatusNotFound,
			"There is no CloudWatch Logs log group with the specified ARN: %s (Route 53 query logs go to a log group in us-east-1)", arn)
	}
	return nil
}

func (h *Handler) createQueryLog(ctx context.Context, b body[createQueryLogIn]) (createQueryLogOut, error) {
	in := &b.in
	switch {
	case in.HostedZoneId == "":
		return createQueryLogOut{}, apierr.Missing("HostedZoneId")
	case in.CloudWatchLogsLogGroupArn == "":
		return createQueryLogOut{}, apierr.Missing("CloudWatchLogsLogGroupArn")
	}
	zoneID := in.HostedZoneId[strings.LastIndex(in.HostedZoneId, "/")+1:]
	id := apierr.RequestID()
	var out createQueryLogOut
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		i := zoneIndex(tx.Net, zoneID)
		if i < 0 || !mine(ctx, tx.Net, zoneID) {
			return zoneNotFound(zoneID)
		}
		if !zoneAt(tx.Net, i).Public {
			return notPublic("Query logging")
		}
		if err := checkLogGroup(in.CloudWatchLogsLogGroupArn); err != nil {
			return err
		}
		for _, o := range tx.Meta.Objects {
			if o.Kind == store.KindZoneQueryLog && o.HostedZone == zoneID {
				return apierr.Coded(apierr.Exists, "QueryLoggingConfigAlreadyExists", http.StatusConflict,
					"You can create only one query logging configuration for a hosted zone, and a query logging configuration already exists for this hosted zone.")
			}
		}
		o := &store.Object{Kind: store.KindZoneQueryLog, HostedZone: zoneID, DestinationArn: in.CloudWatchLogsLogGroupArn, Created: tx.Now, Modified: tx.Now}
		tx.Meta.Objects[id] = o
		out = createQueryLogOut{Xmlns: xmlns, QueryLoggingConfig: queryLogShape(id, o)}
		return nil
	})
	if err != nil {
		return createQueryLogOut{}, err
	}
	return out, nil
}

func (h *Handler) getQueryLog(ctx context.Context, r request) (getQueryLogOut, error) {
	id := r.parts[1]
	st, n := h.Store.Snapshot()
	o := st.Meta.Objects[id]
	if o == nil || o.Kind != store.KindZoneQueryLog || !mine(ctx, n, o.HostedZone) {
		return getQueryLogOut{}, noSuchQueryLog(id)
	}
	return getQueryLogOut{Xmlns: xmlns, QueryLoggingConfig: queryLogShape(id, o)}, nil
}

type deleteQueryLogOut struct {
	XMLName xml.Name `xml:"DeleteQueryLoggingConfigResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
}

func (h *Handler) deleteQueryLog(ctx context.Context, r request) (deleteQueryLogOut, error) {
	id := r.parts[1]
	_, _, err := h.Store.Update(ctx, fields, func(tx *store.Tx) error {
		o := tx.Meta.Objects[id]
		if o == nil || o.Kind != store.KindZoneQueryLog || !mine(ctx, tx.Net, o.HostedZone) {
			return noSuchQueryLog(id)
		}
		delete(tx.Meta.Objects, id)
		return nil
	})
	if err != nil {
		return deleteQueryLogOut{}, err
	}
	return deleteQueryLogOut{Xmlns: xmlns}, nil
}

type listQueryLogsOut struct {
	XMLName             xml.Name             `xml:"ListQueryLoggingConfigsResponse"`
	Xmlns               string               `xml:"xmlns,attr"`
	QueryLoggingConfigs []QueryLoggingConfig `xml:"QueryLoggingConfigs>QueryLoggingConfig"`
	NextToken           string               `xml:"NextToken,omitempty"`
}

func (h *Handler) listQueryLogs(ctx context.Context, r request) (listQueryLogsOut, error) {
	st, n := h.Store.Snapshot()
	zoneID := r.query.Get("hostedzoneid")
	if zoneID != "" && (zoneIndex(n, zoneID) < 0 || !mine(ctx, n, zoneID)) {
		return listQueryLogsOut{}, zoneNotFound(zoneID)
	}
	var all []QueryLoggingConfig
	for id, o := range st.Meta.Objects {
		if o.Kind == store.KindZoneQueryLog && (zoneID == "" || o.HostedZone == zoneID) && mine(ctx, n, o.HostedZone) {
			all = append(all, queryLogShape(id, o))
		}
	}
	slices.SortFunc(all, func(a, b QueryLoggingConfig) int { return strings.Compare(a.Id, b.Id) })
	page, next, err := pageOf(r, len(all), 100)
	if err != nil {
		return listQueryLogsOut{}, err
	}
	return listQueryLogsOut{Xmlns: xmlns, QueryLoggingConfigs: append([]QueryLoggingConfig{}, all[page[0]:page[1]]...), NextToken: next}, nil
}
