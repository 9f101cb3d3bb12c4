// Package route53api serves the hosted zone subset of the Route 53 API
// (REST-XML, /2013-04-01/…): private and public hosted zones, their VPCs
// and VPC association authorizations, record sets, changes, the zones'
// tags, query logging configurations, GetDNSSEC and TestDNSAnswer. Zones
// live in the store's network.yaml (private_hosted_zones, created with a
// VPC and keeping one at least; public_hosted_zones, created without);
// their caller references, comments, change ids, authorizations and query
// logging configurations in its side records.
package route53api

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
)

// PathPrefix starts the path of every Route 53 request.
const PathPrefix = "/2013-04-01/"

const xmlns = "https://route53.amazonaws.com/doc/2013-04-01/"

// maxChanges bounds the change ids kept for GetChange.
const maxChanges = 1000

// Handler answers Route 53 requests.
type Handler struct {
	Store *store.Store
}

// request is one REST request: method, the path after /2013-04-01/ split
// on "/", the query and the body.
type request struct {
	method string
	parts  []string
	query  url.Values
	body   []byte
}

// body is a request whose XML body is decoded into B before the handler
// runs: TestRoute53Shapes compares B with the model's request shape.
type body[B any] struct {
	request
	in B
}

func (b *body[B]) decodeFrom(r request) error {
	b.request = r
	return decode(r.body, &b.in)
}

// decodeRequest fills a handler's input: a body[B] decodes the XML body,
// a request is the request as is.
func decodeRequest(r request) func(in any) error {
	return func(in any) error {
		if b, ok := in.(interface{ decodeFrom(request) error }); ok {
			return b.decodeFrom(r)
		}
		*in.(*request) = r
		return nil
	}
}

type route struct {
	method string
	path   []string // "*" matches one segment (the id)
	op     op.Operation[Handler]
	name   string
}

var routes = []route{
	{"POST", []string{"hostedzone"}, op.OfReader((*Handler).createZone), "CreateHostedZone"},
	{"GET", []string{"hostedzone"}, op.OfReader((*Handler).listZones), "ListHostedZones"},
	{"GET", []string{"hostedzonesbyname"}, op.OfReader((*Handler).listZonesByName), "ListHostedZonesByName"},
	{"GET", []string{"hostedzonesbyvpc"}, op.OfReader((*Handler).listZonesByVPC), "ListHostedZonesByVPC"},
	{"GET", []string{"hostedzonecount"}, op.OfReader((*Handler).zoneCount), "GetHostedZoneCount"},
	{"GET", []string{"hostedzone", "*"}, op.OfReader((*Handler).getZone), "GetHostedZone"},
	{"POST", []string{"hostedzone", "*"}, op.OfReader((*Handler).updateComment), "UpdateHostedZoneComment"},
	{"DELETE", []string{"hostedzone", "*"}, op.OfReader((*Handler).deleteZone), "DeleteHostedZone"},
	{"POST", []string{"hostedzone", "*", "associatevpc"}, op.OfReader((*Handler).associateVPC), "AssociateVPCWithHostedZone"},
	{"POST", []string{"hostedzone", "*", "disassociatevpc"}, op.OfReader((*Handler).disassociateVPC), "DisassociateVPCFromHostedZone"},
	{"POST", []string{"hostedzone", "*", "rrset"}, op.OfReader((*Handler).changeRecords), "ChangeResourceRecordSets"},
	{"GET", []string{"hostedzone", "*", "rrset"}, op.OfReader((*Handler).listRecords), "ListResourceRecordSets"},
	{"GET", []string{"change", "*"}, op.OfReader((*Handler).getChange), "GetChange"},
	{"GET", []string{"tags", "*", "*"}, op.OfReader((*Handler).listTags), "ListTagsForResource"},
	{"POST", []string{"tags", "*", "*"}, op.OfReader((*Handler).changeTags), "ChangeTagsForResource"},
	{"POST", []string{"tags", "*"}, op.OfReader((*Handler).listTagsMany), "ListTagsForResources"},
	{"POST", []string{"hostedzone", "*", "authorizevpcassociation"}, op.OfReader((*Handler).createAuthorization), "CreateVPCAssociationAuthorization"},
	{"POST", []string{"hostedzone", "*", "deauthorizevpcassociation"}, op.OfReader((*Handler).deleteAuthorization), "DeleteVPCAssociationAuthorization"},
	{"GET", []string{"hostedzone", "*", "authorizevpcassociation"}, op.OfReader((*Handler).listAuthorizations), "ListVPCAssociationAuthorizations"},
	{"POST", []string{"queryloggingconfig"}, op.OfReader((*Handler).createQueryLog), "CreateQueryLoggingConfig"},
	{"GET", []string{"queryloggingconfig"}, op.OfReader((*Handler).listQueryLogs), "ListQueryLoggingConfigs"},
	{"GET", []string{"queryloggingconfig", "*"}, op.OfReader((*Handler).getQueryLog), "GetQueryLoggingConfig"},
	{"DELETE", []string{"queryloggingconfig", "*"}, op.OfReader((*Handler).deleteQueryLog), "DeleteQueryLoggingConfig"},
	{"GET", []string{"hostedzone", "*", "dnssec"}, op.OfReader((*Handler).getDNSSEC), "GetDNSSEC"},
	{"GET", []string{"testdnsanswer"}, op.OfReader((*Handler).testAnswer), "TestDNSAnswer"},
}

// Operation returns the operation served under name, and its route
// (METHOD and path below /2013-04-01/, "*" for an id).
func Operation(name string) (op.Operation[Handler], string, bool) {
	for _, r := range routes {
		if r.name == name {
			return r.op, r.method + " " + strings.Join(r.path, "/"), true
		}
	}
	return nil, "", false
}

// Operations lists the operations served.
func Operations() []string {
	var out []string
	for _, r := range routes {
		out = append(out, r.name)
	}
	return out
}

// Serve answers one request whose body has been read.
func (h *Handler) Serve(ctx context.Context, w http.ResponseWriter, ar *op.Request) {
	r, body := ar.HTTP, ar.Body
	rest := strings.TrimPrefix(r.URL.EscapedPath(), "/2013-04-01")
	rest = strings.Trim(rest, "/")
	parts := strings.Split(rest, "/")
	// An id may arrive whole and escaped ("%2Fhostedzone%2FZ…"): keep its
	// last part.
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
		if j := strings.LastIndex(parts[i], "/"); j >= 0 {
			parts[i] = parts[i][j+1:]
		}
	}
	req := request{method: r.Method, parts: parts, query: r.URL.Query(), body: body}
	for _, rt := range routes {
		if rt.method != r.Method || len(rt.path) != len(parts) {
			continue
		}
		match := true
		for i, seg := range rt.path {
			if seg != "*" && seg != parts[i] {
				match = false
			}
		}
		if !match {
			continue
		}
		ar.Operation = rt.name
		ctx := op.WithRequest(ctx, ar)
		if z := zoneOfPath(parts); z != "" && !acrossAccounts[rt.name] {
			if _, n := h.Store.Snapshot(); !mine(ctx, n, z) {
				WriteError(w, apierr.As(zoneNotFound(z), fields)) // another account's zone is not there (accounts.go)
				return
			}
		}
		out, err := rt.op.Call(h, ctx, decodeRequest(req))
		if err != nil {
			WriteError(w, apierr.As(err, fields))
			return
		}
		status := http.StatusOK
		if s, ok := out.(interface{ status() int }); ok {
			status = s.status()
		}
		write(w, status, out)
		return
	}
	WriteError(w, &apierr.Error{Kind: apierr.UnknownOperation, Message: "vpcdns does not serve " + r.Method + " " + r.URL.Path})
}

func write(w http.ResponseWriter, status int, out any) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	if err := enc.Encode(out); err != nil {
		WriteError(w, apierr.As(err, nil))
		return
	}
	if l, ok := out.(interface{ location() string }); ok {
		w.Header().Set("Location", l.location())
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// WriteError writes e in Route 53's error shape.
func WriteError(w http.ResponseWriter, e *apierr.Error) {
	var b bytes.Buffer
	typ := "Sender"
	if e.Kind == apierr.Internal {
		typ = "Receiver"
	}
	b.WriteString(xml.Header)
	b.WriteString(`<ErrorResponse xmlns="` + xmlns + `"><Error><Type>` + typ + `</Type><Code>`)
	xml.EscapeText(&b, []byte(e.Code(apierr.Route53)))
	b.WriteString("</Code><Message>")
	xml.EscapeText(&b, []byte(e.Message))
	b.WriteString("</Message></Error><RequestId>" + apierr.RequestID() + "</RequestId></ErrorResponse>")
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.Status(apierr.Route53))
	w.Write(b.Bytes())
}

// fields maps network.yaml keys to Route 53 request members.
var fields = map[string]string{
	"name":    "Name",
	"vpcs":    "VPC",
	"records": "ChangeBatch",
}

func decode(body []byte, v any) error { return op.DecodeXML(body, v) }

func timeString(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// ChangeInfo is Route 53's ChangeInfo.
type ChangeInfo struct {
	Id          string `xml:"Id"`
	Status      string `xml:"Status"`
	SubmittedAt string `xml:"SubmittedAt"`
	Comment     string `xml:"Comment,omitempty"`
}

// newChange records a change in the transaction and returns its info. As
// on AWS, a change is PENDING when it is accepted, and INSYNC (GetChange)
// once DNS answers from it.
func newChange(tx *store.Tx, comment string) ChangeInfo {
	c := store.Change{ID: store.NewChangeID(), Submitted: tx.Now, Comment: comment}
	tx.Meta.Changes = append(tx.Meta.Changes, c)
	if n := len(tx.Meta.Changes); n > maxChanges {
		tx.Meta.Changes = append([]store.Change(nil), tx.Meta.Changes[n-maxChanges:]...)
	}
	tx.MarkPending(c.ID)
	return changeInfo(c, true)
}

func changeInfo(c store.Change, pending bool) ChangeInfo {
	status := "INSYNC"
	if pending {
		status = "PENDING"
	}
	return ChangeInfo{Id: "/change/" + c.ID, Status: status, SubmittedAt: timeString(c.Submitted), Comment: c.Comment}
}

type getChangeOut struct {
	XMLName    xml.Name   `xml:"GetChangeResponse"`
	Xmlns      string     `xml:"xmlns,attr"`
	ChangeInfo ChangeInfo `xml:"ChangeInfo"`
}

func (h *Handler) getChange(ctx context.Context, r request) (getChangeOut, error) {
	id := r.parts[1]
	st, _ := h.Store.Snapshot()
	for _, c := range st.Meta.Changes {
		if c.ID == id {
			return getChangeOut{Xmlns: xmlns, ChangeInfo: changeInfo(c, h.Store.Pending(c.ID))}, nil
		}
	}
	return getChangeOut{}, apierr.New(apierr.NotFound, apierr.ResChange, "A change with the specified change ID does not exist.")
}
