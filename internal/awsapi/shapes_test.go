package awsapi_test

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpcdns/vpcdns/internal/awsapi/ec2api"
	"github.com/vpcdns/vpcdns/internal/awsapi/profilesapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/ramapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/resolverapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/route53api"
)

// model is the part of a botocore service-2.json the shape test reads.
type model struct {
	Operations map[string]struct {
		Input  *struct{ Shape string } `json:"input"`
		Output *struct{ Shape string } `json:"output"`
		HTTP   struct {
			Method     string `json:"method"`
			RequestURI string `json:"requestUri"`
		} `json:"http"`
	} `json:"operations"`
	Shapes map[string]*modelShape `json:"shapes"`
}

type modelShape struct {
	Type     string                 `json:"type"`
	Members  map[string]modelMember `json:"members"`
	Member   *modelMember           `json:"member"`
	Value    *modelMember           `json:"value"`
	Required []string               `json:"required"`
}

type modelMember struct {
	Shape        string `json:"shape"`
	Location     string `json:"location"`
	LocationName string `json:"locationName"`
}

// botocoreModel reads botocore's model of a service on this machine. It
// skips the test when botocore is not installed, and fails when CI=true.
func botocoreModel(t *testing.T, service, version string) *model {
	t.Helper()
	missing := func(why string) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("botocore is needed in CI: %s", why)
		}
		t.Skipf("botocore not found: %s", why)
	}
	out, err := exec.Command("python3", "-c", "import botocore,os;print(os.path.dirname(botocore.__file__))").Output()
	if err != nil {
		missing(err.Error())
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "data", service, version)
	var r io.Reader
	if f, err := os.Open(filepath.Join(dir, "service-2.json")); err == nil {
		defer f.Close()
		r = f
	} else if f, err := os.Open(filepath.Join(dir, "service-2.json.gz")); err == nil {
		defer f.Close()
		z, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = z
	} else {
		missing(dir + " has no service-2.json")
	}
	var m model
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		t.Fatalf("read %s model: %v", service, err)
	}
	return &m
}

// wireName gives a Go field's member name in the protocol, "" for a field
// that is not on the wire; nest is an XML path's inner element
// ("tagSet>item": "item").
type wireName func(f reflect.StructField) (name string, ok bool)

func jsonName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, true
}

// goMembers are the wire members of a Go struct, embedded structs
// flattened.
func goMembers(t reflect.Type, name wireName) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			for k, v := range goMembers(f.Type, name) {
				out[k] = v
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if n, ok := name(f); ok {
			out[n] = f
		}
	}
	return out
}

// omitted are required members of the model that vpcdns leaves out, as
// AWS does in the case vpcdns serves.
var omitted = map[string]bool{
	// A private hosted zone has no delegation set (name servers): AWS's
	// response to CreateHostedZone with a VPC carries none. A public
	// zone's response does (createZoneOut.DelegationSet).
	"CreateHostedZoneResponse.DelegationSet": true,
}

// shapeChecker compares Go types with a model's shapes.
type shapeChecker struct {
	t    *testing.T
	m    *model
	name wireName
	// member gives a model member's name on the wire.
	member func(name string, mm modelMember) string
	seen   map[string]bool
	// response is set for a response: every required member must be
	// written. (A request may leave members the model requires unread:
	// vpcdns refuses the features it does not model.)
	response bool
}

// check compares Go type gt with model shape sn at path: every member the
// Go type has is a member of the shape, of a matching type.
func (c *shapeChecker) check(path string, gt reflect.Type, sn string) {
	for gt.Kind() == reflect.Pointer {
		gt = gt.Elem()
	}
	key := gt.String() + "|" + sn
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	s := c.m.Shapes[sn]
	if s == nil {
		c.t.Errorf("%s: the model has no shape %s", path, sn)
		return
	}
	switch s.Type {
	case "structure":
		if gt.Kind() != reflect.Struct {
			c.t.Errorf("%s: %s, the model has structure %s", path, gt.Kind(), sn)
			return
		}
		members := map[string]modelMember{}
		for n, mm := range s.Members {
			if mm.Location == "" || mm.Location == "body" {
				members[c.member(n, mm)] = mm
			}
		}
		have := goMembers(gt, c.name)
		for _, r := range s.Required {
			if _, ok := have[c.member(r, s.Members[r])]; !ok && c.response && (s.Members[r].Location == "" || s.Members[r].Location == "body") && !omitted[sn+"."+r] {
				c.t.Errorf("%s: %s lacks %s, a required member of %s", path, gt, r, sn)
			}
		}
		for n, f := range have {
			mm, ok := members[n]
			if !ok {
				c.t.Errorf("%s.%s: not a member of %s (it has %s)", path, n, sn, strings.Join(sortedKeys(members), ", "))
				continue
			}
			if parts := strings.Split(strings.Split(f.Tag.Get("xml"), ",")[0], ">"); len(parts) == 3 {
				// "ResourceRecords>ResourceRecord>Value": a list of
				// structures of which vpcdns reads one member.
				c.checkItemMember(path+"."+n, f.Type, mm.Shape, parts[2])
				continue
			}
			c.check(path+"."+n, f.Type, mm.Shape)
		}
	case "list":
		if gt.Kind() == reflect.Struct && s.Member.LocationName != "" {
			// A list element written even when empty (EC2): a struct
			// whose one member is the list of items.
			if f, ok := goMembers(gt, c.name)[s.Member.LocationName]; ok && len(goMembers(gt, c.name)) == 1 && f.Type.Kind() == reflect.Slice {
				c.check(path+"[]", f.Type.Elem(), s.Member.Shape)
				return
			}
		}
		if gt.Kind() != reflect.Slice {
			c.t.Errorf("%s: %s, the model has list %s", path, gt.Kind(), sn)
			return
		}
		c.check(path+"[]", gt.Elem(), s.Member.Shape)
	case "map":
		if gt.Kind() != reflect.Map {
			c.t.Errorf("%s: %s, the model has map %s", path, gt.Kind(), sn)
			return
		}
		c.check(path+"{}", gt.Elem(), s.Value.Shape)
	case "string", "timestamp":
		// Timestamps are written as the protocol's strings (a time.Time
		// marshals itself as RFC 3339 text), or (REST-JSON, AWS RAM) as
		// epoch seconds.
		timestamp := s.Type == "timestamp" && (gt.Kind() == reflect.Float64 || gt == reflect.TypeFor[time.Time]())
		if gt.Kind() != reflect.String && !timestamp {
			c.t.Errorf("%s: %s, the model has %s %s", path, gt.Kind(), s.Type, sn)
		}
	case "integer", "long":
		switch gt.Kind() {
		case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint16, reflect.Uint32, reflect.Uint8:
		default:
			c.t.Errorf("%s: %s, the model has %s %s", path, gt.Kind(), s.Type, sn)
		}
	case "boolean":
		if gt.Kind() != reflect.Bool {
			c.t.Errorf("%s: %s, the model has boolean %s", path, gt.Kind(), sn)
		}
	case "double", "float":
		if gt.Kind() != reflect.Float64 && gt.Kind() != reflect.Float32 {
			c.t.Errorf("%s: %s, the model has %s %s", path, gt.Kind(), s.Type, sn)
		}
	default:
		c.t.Errorf("%s: model type %s of %s not checked", path, s.Type, sn)
	}
}

// checkItemMember checks a Go slice whose elements are one member (name)
// of the items of model list sn.
func (c *shapeChecker) checkItemMember(path string, gt reflect.Type, sn, name string) {
	l := c.m.Shapes[sn]
	if l == nil || l.Type != "list" || gt.Kind() != reflect.Slice {
		c.t.Errorf("%s: %s, the model has %s %s", path, gt.Kind(), l.Type, sn)
		return
	}
	item := c.m.Shapes[l.Member.Shape]
	mm, ok := item.Members[name]
	if item.Type != "structure" || !ok {
		c.t.Errorf("%s: %s is not a member of %s", path, name, l.Member.Shape)
		return
	}
	c.check(path+"[]."+name, gt.Elem(), mm.Shape)
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestResolverShapes compares the request and response type of every
// Route 53 Resolver operation served with botocore's model: every member
// vpcdns reads or writes is one the model has, of the model's type.
func TestResolverShapes(t *testing.T) {
	m := botocoreModel(t, "route53resolver", "2018-04-01")
	for _, name := range resolverapi.Operations() {
		t.Run(name, func(t *testing.T) {
			mo, ok := m.Operations[name]
			if !ok {
				t.Fatalf("botocore's route53resolver has no operation %s", name)
			}
			o, _ := resolverapi.Operation(name)
			c := &shapeChecker{t: t, m: m, name: jsonName, member: func(n string, _ modelMember) string { return n }, seen: map[string]bool{}}
			if mo.Input != nil {
				c.check(name+"Request", o.Input(), mo.Input.Shape)
			} else if n := o.Input().NumField(); n > 0 {
				t.Errorf("the model's %s takes no input; vpcdns reads %d members", name, n)
			}
			if mo.Output != nil {
				c.response = true
				c.check(name+"Response", o.Output(), mo.Output.Shape)
			}
		})
	}
}

// xmlName is a Go field's element name: the first element of its tag path
// ("tagSet>item": tagSet); attributes, XMLName and character data are not
// members.
func xmlName(f reflect.StructField) (string, bool) {
	if f.Name == "XMLName" {
		return "", false
	}
	tag := f.Tag.Get("xml")
	if tag == "-" {
		return "", false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if strings.Contains(opts, "attr") || strings.Contains(opts, "chardata") || strings.Contains(opts, "innerxml") {
		return "", false
	}
	name, _, _ = strings.Cut(name, ">")
	if name == "" {
		name = f.Name
	}
	return name, true
}

// locationName is a model member's element name.
func locationName(n string, mm modelMember) string {
	if mm.LocationName != "" {
		return mm.LocationName
	}
	return n
}

// TestEC2Shapes compares the response type of every EC2 action served
// with botocore's model: every element vpcdns writes is one the model
// has, of the model's type. (Parameters are read by name, and checked by
// the SDK calls of the other tests.)
func TestEC2Shapes(t *testing.T) {
	m := botocoreModel(t, "ec2", "2016-11-15")
	for _, name := range ec2api.Actions() {
		t.Run(name, func(t *testing.T) {
			mo, ok := m.Operations[name]
			if !ok {
				t.Fatalf("botocore's ec2 has no operation %s", name)
			}
			a, _ := ec2api.Action(name)
			c := &shapeChecker{t: t, m: m, name: xmlName, member: locationName, seen: map[string]bool{}}
			if mo.Output != nil {
				c.response = true
				c.check(name+"Result", a.Output(), mo.Output.Shape)
			} else if got := sortedKeys(goMembers(a.Output(), xmlName)); len(got) > 0 && !slices.Equal(got, []string{"return"}) {
				// The model lists no output, but EC2 answers
				// <return>true</return>; nothing else.
				t.Errorf("the model's %s answers nothing but return; vpcdns writes %s", name, strings.Join(got, ", "))
			}
		})
	}
}

// uriLabel is a label of a model's requestUri ("{Id}", "{ResourceId+}").
var uriLabel = regexp.MustCompile(`\{[^}]+\}`)

// TestRoute53Shapes compares every Route 53 operation served with
// botocore's model: its method and path, and every element of its
// response.
func TestRoute53Shapes(t *testing.T) {
	m := botocoreModel(t, "route53", "2013-04-01")
	for _, name := range route53api.Operations() {
		t.Run(name, func(t *testing.T) {
			mo, ok := m.Operations[name]
			if !ok {
				t.Fatalf("botocore's route53 has no operation %s", name)
			}
			o, route, _ := route53api.Operation(name)
			uri, _, _ := strings.Cut(mo.HTTP.RequestURI, "?")
			want := mo.HTTP.Method + " " + uriLabel.ReplaceAllString(strings.Trim(strings.TrimPrefix(uri, "/2013-04-01/"), "/"), "*")
			if route != want {
				t.Errorf("served at %s, the model has %s (%s %s)", route, want, mo.HTTP.Method, mo.HTTP.RequestURI)
			}
			c := &shapeChecker{t: t, m: m, name: xmlName, member: locationName, seen: map[string]bool{}}
			// An operation that reads a body takes a body[B]: its field
			// "in" is the body's type.
			if f, ok := o.Input().FieldByName("in"); ok {
				if mo.Input == nil {
					t.Fatalf("vpcdns reads a body for %s, the model's takes none", name)
				}
				c.check(name+"Request", f.Type, mo.Input.Shape)
			} else if mo.Input != nil && hasBody(m.Shapes[mo.Input.Shape]) {
				t.Errorf("%s's request has body members; vpcdns reads none", name)
			}
			if mo.Output != nil {
				c.response = true
				c.check(name+"Response", o.Output(), mo.Output.Shape)
			}
		})
	}
}

// hasBody reports whether a REST request shape has members in its body.
func hasBody(s *modelShape) bool {
	for _, mm := range s.Members {
		if mm.Location == "" {
			return true
		}
	}
	return false
}

// TestRAMShapes compares the request and response type of every AWS RAM
// operation served with botocore's model.
func TestRAMShapes(t *testing.T) {
	m := botocoreModel(t, "ram", "2018-01-04")
	for _, name := range ramapi.Operations() {
		t.Run(name, func(t *testing.T) {
			mo, ok := m.Operations[name]
			if !ok {
				t.Fatalf("botocore's ram has no operation %s", name)
			}
			o, _ := ramapi.Operation(name)
			c := &shapeChecker{t: t, m: m, name: jsonName, member: func(n string, _ modelMember) string { return n }, seen: map[string]bool{}}
			if name != "DeleteResourceShare" { // its members are in the query string
				c.check(name+"Request", o.Input(), mo.Input.Shape)
			}
			c.check(name+"Response", o.Output(), mo.Output.Shape)
		})
	}
}

// TestProfilesShapes compares every Route 53 Profiles operation served
// with botocore's model: its method and path, the members read from the
// body, the path and the query string (each where the model puts it, of
// the model's type), and every member of its response.
func TestProfilesShapes(t *testing.T) {
	m := botocoreModel(t, "route53profiles", "2018-05-10")
	for _, name := range profilesapi.Operations() {
		t.Run(name, func(t *testing.T) {
			mo, ok := m.Operations[name]
			if !ok {
				t.Fatalf("botocore's route53profiles has no operation %s", name)
			}
			o, route, _ := profilesapi.Operation(name)
			uri, _, _ := strings.Cut(mo.HTTP.RequestURI, "?")
			if want := mo.HTTP.Method + " " + uriLabel.ReplaceAllString(uri, "*"); route != want {
				t.Errorf("served at %s, the model has %s (%s %s)", route, want, mo.HTTP.Method, mo.HTTP.RequestURI)
			}
			c := &shapeChecker{t: t, m: m, name: jsonName, member: func(n string, _ modelMember) string { return n }, seen: map[string]bool{}}
			if mo.Input == nil {
				t.Fatalf("the model's %s takes no input", name)
			}
			in := m.Shapes[mo.Input.Shape]
			c.check(name+"Request", o.Input(), mo.Input.Shape)
			// The members outside the body: a uri:"Name" field is the
			// label Name, a query:"name" field the parameter name.
			located := map[string]bool{}
			for _, f := range allFields(o.Input()) {
				loc, where := f.Tag.Get("uri"), "uri"
				if loc == "" {
					loc, where = f.Tag.Get("query"), "querystring"
				}
				if loc == "" {
					continue
				}
				found := false
				for mn, mm := range in.Members {
					if mm.Location == where && mm.LocationName == loc {
						found, located[mn] = true, true
						c.check(name+"Request."+mn, f.Type, mm.Shape)
					}
				}
				if !found {
					t.Errorf("%s: %s %s %q is not a member of %s", name, f.Name, where, loc, mo.Input.Shape)
				}
			}
			// Every label of the path is read.
			for mn, mm := range in.Members {
				if mm.Location == "uri" && !located[mn] {
					t.Errorf("%s: the path label %s is not read", name, mn)
				}
			}
			if mo.Output != nil {
				c.response = true
				c.check(name+"Response", o.Output(), mo.Output.Shape)
			}
		})
	}
}

// allFields lists a struct's fields, embedded structs flattened.
func allFields(t reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, allFields(f.Type)...)
			continue
		}
		out = append(out, f)
	}
	return out
}
