// Package profilesapi serves the Route 53 Profiles API (REST-JSON, signed
// for route53profiles): Profiles, the resources they carry (resolver
// rules, private hosted zones, interface VPC endpoints), their VPC
// associations and their tags. A Profile is an entry of network.yaml's
// route53_profiles, so that a rule, zone or endpoint reaching a VPC
// through a Profile decides as if associated directly and explain names
// the Profile; its client token, tags and the ids of its associations
// are side records of the store. Shapes, member names and error codes are
// those of botocore's route53profiles service-2.json.
package profilesapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
)

// SigningName is the service name the requests are signed for.
const SigningName = "route53profiles"

// Handler answers Route 53 Profiles requests.
type Handler struct {
	Store *store.Store
}

type route struct {
	method string
	path   []string // "*" matches one segment (an id or an escaped ARN)
	name   string
	op     op.Operation[Handler]
}

// routes are the operations served, by method and path (the model's
// requestUri, its labels as "*").
var routes = []route{
	{"POST", []string{"profile"}, "CreateProfile", op.Of((*Handler).createProfile)},
	{"GET", []string{"profile", "*"}, "GetProfile", op.Of((*Handler).getProfile)},
	{"DELETE", []string{"profile", "*"}, "DeleteProfile", op.Of((*Handler).deleteProfile)},
	{"GET", []string{"profiles"}, "ListProfiles", op.Of((*Handler).listProfiles)},
	{"POST", []string{"profileassociation"}, "AssociateProfile", op.Of((*Handler).associateProfile)},
	{"DELETE", []string{"profileassociation", "Profileid", "*", "resourceid", "*"}, "DisassociateProfile", op.Of((*Handler).disassociateProfile)},
	{"GET", []string{"profileassociation", "*"}, "GetProfileAssociation", op.Of((*Handler).getProfileAssociation)},
	{"GET", []string{"profileassociations"}, "ListProfileAssociations", op.Of((*Handler).listProfileAssociations)},
	{"POST", []string{"profileresourceassociation"}, "AssociateResourceToProfile", op.Of((*Handler).associateResource)},
	{"DELETE", []string{"profileresourceassociation", "profileid", "*", "resourcearn", "*"}, "DisassociateResourceFromProfile", op.Of((*Handler).disassociateResource)},
	{"GET", []string{"profileresourceassociation", "*"}, "GetProfileResourceAssociation", op.Of((*Handler).getResourceAssociation)},
	{"PATCH", []string{"profileresourceassociation", "*"}, "UpdateProfileResourceAssociation", op.Of((*Handler).updateResourceAssociation)},
	{"GET", []string{"profileresourceassociations", "profileid", "*"}, "ListProfileResourceAssociations", op.Of((*Handler).listResourceAssociations)},
	{"POST", []string{"tags", "*"}, "TagResource", op.Of((*Handler).tagResource)},
	{"DELETE", []string{"tags", "*"}, "UntagResource", op.Of((*Handler).untagResource)},
	{"GET", []string{"tags", "*"}, "ListTagsForResource", op.Of((*Handler).listTags)},
}

// Operations lists the operations served, sorted.
func Operations() []string {
	var out []string
	for _, r := range routes {
		out = append(out, r.name)
	}
	slices.Sort(out)
	return out
}

// Operation returns the operation served under name and its route
// (METHOD and path, "*" for a label).
func Operation(name string) (op.Operation[Handler], string, bool) {
	for _, r := range routes {
		if r.name == name {
			return r.op, r.method + " /" + strings.Join(r.path, "/"), true
		}
	}
	return nil, "", false
}

// Is reports whether a request path is one of the service's (for a
// request that is not signed).
func Is(path string) bool {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	for _, r := range routes {
		if r.path[0] == first {
			return true
		}
	}
	return false
}

// match finds the route of a request and the values of its labels, in
// order; the path's segments are unescaped one by one, so that an ARN
// label keeps its slashes.
func match(method, escapedPath string) (*route, []string, bool) {
	segs := strings.Split(strings.Trim(escapedPath, "/"), "/")
	for i, s := range segs {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, nil, false
		}
		segs[i] = u
	}
	pathFound := false
	for i := range routes {
		r := &routes[i]
		if len(r.path) != len(segs) {
			continue
		}
		var labels []string
		ok := true
		for j, p := range r.path {
			switch {
			case p == "*":
				labels = append(labels, segs[j])
			case !strings.EqualFold(p, segs[j]):
				ok = false
			}
		}
		if !ok {
			continue
		}
		pathFound = true
		if r.method == method {
			return r, labels, true
		}
	}
	return nil, nil, pathFound
}

// Serve answers one request whose body has been read.
func (h *Handler) Serve(ctx context.Context, w http.ResponseWriter, r *op.Request) {
	rt, labels, _ := match(r.HTTP.Method, r.HTTP.URL.EscapedPath())
	if rt == nil {
		WriteError(w, &apierr.Error{Kind: apierr.UnknownOperation, Message: "vpcdns does not serve " + r.HTTP.Method + " " + r.HTTP.URL.Path})
		return
	}
	r.Operation = rt.name
	ctx = op.WithRequest(ctx, r)
	out, err := rt.op.Call(h, ctx, func(in any) error {
		if len(r.Body) > 0 {
			if err := op.DecodeJSON(r.Body, in); err != nil {
				return err
			}
		}
		return fillLocations(in, labels, r.HTTP.URL.Query())
	})
	if err != nil {
		WriteError(w, apierr.As(err, nil))
		return
	}
	status := http.StatusOK
	if s, ok := out.(interface{ status() int }); ok {
		status = s.status()
	}
	data, merr := json.Marshal(out)
	if merr != nil {
		WriteError(w, apierr.As(merr, nil))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if status != http.StatusNoContent {
		w.Write(data)
	}
}

// fillLocations sets the members of in that are not in the body: a field
// tagged uri:"Name" takes the next path label (in field order), one
// tagged query:"name" the query parameter (a string, an *int or a list).
func fillLocations(in any, labels []string, q url.Values) error {
	next := 0
	return fillValue(reflect.ValueOf(in).Elem(), labels, &next, q)
}

func fillValue(v reflect.Value, labels []string, next *int, q url.Values) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			if err := fillValue(v.Field(i), labels, next, q); err != nil {
				return err
			}
			continue
		}
		if _, ok := f.Tag.Lookup("uri"); ok {
			if *next < len(labels) {
				v.Field(i).SetString(labels[*next])
				*next++
			}
			continue
		}
		name, ok := f.Tag.Lookup("query")
		if !ok || !q.Has(name) {
			continue
		}
		switch fv := v.Field(i); fv.Kind() {
		case reflect.String:
			fv.SetString(q.Get(name))
		case reflect.Slice:
			fv.Set(reflect.ValueOf(q[name]))
		case reflect.Pointer:
			n, err := strconv.Atoi(q.Get(name))
			if err != nil {
				return &apierr.Error{Kind: apierr.Validation, Field: name, Message: "1 validation error detected: Value '" + q.Get(name) + "' at '" + name + "' failed to satisfy constraint: Member must be a number"}
			}
			fv.Set(reflect.ValueOf(&n))
		}
	}
	return nil
}

// WriteError writes e in the REST-JSON shape: {"Message"} (with
// FieldName or ResourceType where the error shape has them) and the code
// in X-Amzn-ErrorType.
func WriteError(w http.ResponseWriter, e *apierr.Error) {
	code := e.Code(apierr.Profiles)
	body := map[string]string{"Message": e.Message}
	switch code {
	case "InvalidParameterException":
		if e.Field != "" {
			body["FieldName"] = e.Field
		}
	case "ResourceNotFoundException", "ResourceExistsException", "LimitExceededException":
		if e.Resource != "" {
			body["ResourceType"] = e.Resource
		}
	}
	data, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(e.Status(apierr.Profiles))
	w.Write(data)
}
