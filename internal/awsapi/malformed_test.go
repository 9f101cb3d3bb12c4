package awsapi_test

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vpcdns/vpcdns/internal/awsapi/ec2api"
	"github.com/vpcdns/vpcdns/internal/awsapi/profilesapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/resolverapi"
)

// TestResolverBadBodies sends every Route 53 Resolver operation an empty
// object and a body that is not JSON: each answers 400 with a client error
// (a missing required member, or a body it cannot read), never a server
// error, and changes nothing.
func TestResolverBadBodies(t *testing.T) {
	e := newEnv(t, envOpts{})
	before := e.applied.Load()
	serverSide := map[string]bool{"InternalServiceErrorException": true, "ServiceUnavailableException": true, "": true}
	for _, op := range resolverapi.Operations() {
		for _, body := range []struct{ name, text string }{{"empty", `{}`}, {"not JSON", `{"Name":`}, {"wrong types", `{"Name":7,"ResourceId":[],"Filters":"x","MaxResults":"many"}`}} {
			t.Run(op+"/"+body.name, func(t *testing.T) {
				req, _ := http.NewRequest("POST", e.srv.URL+"/", strings.NewReader(body.text))
				req.Header.Set("Content-Type", "application/x-amz-json-1.1")
				req.Header.Set("X-Amz-Target", "Route53Resolver."+op)
				resp, b := do(t, req)
				var je struct {
					Type string `json:"__type"`
				}
				json.Unmarshal(b, &je)
				switch {
				case resp.StatusCode == 200 && body.name == "empty" && strings.HasPrefix(op, "List"):
					// A list has no required member.
				case resp.StatusCode != 400 || serverSide[je.Type]:
					t.Errorf("%d %s", resp.StatusCode, b)
				}
			})
		}
	}
	if got := e.applied.Load(); got != before {
		t.Errorf("bad requests applied %d changes", got-before)
	}
}

// TestEC2MissingParameters calls every EC2 action with no parameter: a
// Describe answers, any other action answers 400 with a client error.
func TestEC2MissingParameters(t *testing.T) {
	e := newEnv(t, envOpts{})
	buildNetwork(t, e)
	e.synced() // buildNetwork's last change may still be applying
	before := e.applied.Load()
	for _, act := range ec2api.Actions() {
		if act == "CreateInternetGateway" || act == "CreateTransitGateway" {
			continue // no required parameter, on AWS too: a gateway with AWS's defaults
		}
		t.Run(act, func(t *testing.T) {
			form := url.Values{"Action": {act}, "Version": {"2016-11-15"}}
			req, _ := http.NewRequest("POST", e.srv.URL+"/", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			resp, b := do(t, req)
			var ee struct {
				Errors []struct{ Code, Message string } `xml:"Errors>Error"`
			}
			xml.Unmarshal(b, &ee)
			switch {
			case strings.HasPrefix(act, "Describe") && resp.StatusCode == 200:
			case resp.StatusCode != 400 || len(ee.Errors) != 1 || ee.Errors[0].Code == "InternalError" || ee.Errors[0].Code == "":
				t.Errorf("%d %s", resp.StatusCode, b)
			}
		})
	}
	if got := e.applied.Load(); got != before {
		t.Errorf("requests without parameters applied %d changes", got-before)
	}
}

// TestRoute53BadBodies posts a body that is not XML to every Route 53
// operation that reads one, and one without the required members to those
// that have some: each answers 400, a sender error, and changes nothing.
func TestRoute53BadBodies(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	zone := createZoneRaw(t, e, n.vpc)
	e.synced() // the zone reaches DNS in the background: count from after it
	before := e.applied.Load()
	for _, path := range []string{"hostedzone", "hostedzone/" + zone, "hostedzone/" + zone + "/associatevpc", "hostedzone/" + zone + "/disassociatevpc",
		"hostedzone/" + zone + "/rrset", "tags/hostedzone/" + zone, "tags/hostedzone"} {
		bodies := []string{"<not xml", "<A><B></A>"}
		if !strings.HasPrefix(path, "tags/hostedzone/") && path != "hostedzone/"+zone {
			// Well-formed, but without the members the operation requires.
			// (UpdateHostedZoneComment and ChangeTagsForResource have none.)
			bodies = append(bodies, "<Wrong><Root/></Wrong>")
		}
		for _, body := range bodies {
			t.Run(path+"/"+body, func(t *testing.T) {
				req, _ := http.NewRequest("POST", e.srv.URL+"/2013-04-01/"+path, strings.NewReader(body))
				resp, b := do(t, req)
				var re struct {
					Error struct{ Type, Code string }
				}
				xml.Unmarshal(b, &re)
				if resp.StatusCode != 400 || re.Error.Type != "Sender" || re.Error.Code == "" {
					t.Errorf("%d %s", resp.StatusCode, b)
				}
			})
		}
	}
	if got := e.applied.Load(); got != before {
		t.Errorf("bad bodies applied %d changes", got-before)
	}
}

func createZoneRaw(t *testing.T, e *env, vpc string) string {
	t.Helper()
	body := `<CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Name>raw.example</Name><CallerReference>raw</CallerReference>` +
		`<VPC><VPCRegion>us-east-1</VPCRegion><VPCId>` + vpc + `</VPCId></VPC></CreateHostedZoneRequest>`
	req, _ := http.NewRequest("POST", e.srv.URL+"/2013-04-01/hostedzone", strings.NewReader(body))
	resp, b := do(t, req)
	var out struct {
		HostedZone struct{ Id string }
	}
	if err := xml.Unmarshal(b, &out); err != nil || resp.StatusCode != 201 || out.HostedZone.Id == "" {
		t.Fatalf("create zone: %d %s", resp.StatusCode, b)
	}
	return strings.TrimPrefix(out.HostedZone.Id, "/hostedzone/")
}

// TestRoute53CreatedStatus: the operations AWS answers with 201 Created
// (CreateHostedZone, public or private, and CreateQueryLoggingConfig) do
// so with a Location; a public zone's response carries its DelegationSet.
func TestRoute53CreatedStatus(t *testing.T) {
	e := newEnv(t, envOpts{})
	post := func(path, body string) (*http.Response, []byte) {
		req, _ := http.NewRequest("POST", e.srv.URL+"/2013-04-01/"+path, strings.NewReader(body))
		return do(t, req)
	}
	resp, b := post("hostedzone", `<CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Name>public.example</Name><CallerReference>pub</CallerReference></CreateHostedZoneRequest>`)
	var zone struct {
		HostedZone    struct{ Id string }
		DelegationSet struct {
			NameServers []string `xml:"NameServers>NameServer"`
		}
	}
	if err := xml.Unmarshal(b, &zone); err != nil || resp.StatusCode != 201 || len(zone.DelegationSet.NameServers) == 0 ||
		resp.Header.Get("Location") != "https://route53.amazonaws.com/2013-04-01"+zone.HostedZone.Id {
		t.Fatalf("public CreateHostedZone: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), b)
	}
	resp, b = post("queryloggingconfig", `<CreateQueryLoggingConfigRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><HostedZoneId>`+zone.HostedZone.Id+
		`</HostedZoneId><CloudWatchLogsLogGroupArn>arn:aws:logs:us-east-1:111111111111:log-group:/aws/route53/public.example</CloudWatchLogsLogGroupArn></CreateQueryLoggingConfigRequest>`)
	var qlc struct {
		QueryLoggingConfig struct{ Id string }
	}
	if err := xml.Unmarshal(b, &qlc); err != nil || resp.StatusCode != 201 || qlc.QueryLoggingConfig.Id == "" ||
		resp.Header.Get("Location") != "https://route53.amazonaws.com/2013-04-01/queryloggingconfig/"+qlc.QueryLoggingConfig.Id {
		t.Fatalf("CreateQueryLoggingConfig: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), b)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/2013-04-01/queryloggingconfig/"+qlc.QueryLoggingConfig.Id, nil)
	if resp, b := do(t, req); resp.StatusCode != 200 || !strings.Contains(string(b), "<GetQueryLoggingConfigResponse") {
		t.Errorf("GetQueryLoggingConfig: %d %s", resp.StatusCode, b)
	}
	req, _ = http.NewRequest("GET", e.srv.URL+"/2013-04-01/hostedzone/"+strings.TrimPrefix(zone.HostedZone.Id, "/hostedzone/")+"/dnssec", nil)
	if resp, b := do(t, req); resp.StatusCode != 200 || !strings.Contains(string(b), "<KeySigningKeys></KeySigningKeys>") {
		t.Errorf("GetDNSSEC: %d %s", resp.StatusCode, b)
	}
}

// TestProfilesBadBodies sends every Route 53 Profiles operation, unsigned
// (so routed by its path), an empty object, a body that is not JSON and
// members of the wrong JSON types: each answers a client error (a missing
// member, an unknown id, a body it cannot read), never a server error, and
// changes nothing; a list of everything answers.
func TestProfilesBadBodies(t *testing.T) {
	e := newEnv(t, envOpts{})
	before := e.applied.Load()
	for _, op := range profilesapi.Operations() {
		_, route, _ := profilesapi.Operation(op)
		method, path, _ := strings.Cut(route, " ")
		path = strings.ReplaceAll(path, "*", "x")
		for _, body := range []struct{ name, text string }{{"empty", `{}`}, {"not JSON", `{"Name":`}, {"wrong types", `{"Name":7,"ProfileId":[],"Tags":"x"}`}} {
			t.Run(op+"/"+body.name, func(t *testing.T) {
				req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body.text))
				req.Header.Set("Content-Type", "application/json")
				resp, b := do(t, req)
				code := resp.Header.Get("X-Amzn-ErrorType")
				switch {
				case resp.StatusCode == 200 && body.name != "not JSON" && (op == "ListProfiles" || op == "ListProfileAssociations"):
					// A list of everything has no required member, and no
					// member in the body.
				case resp.StatusCode < 400 || resp.StatusCode >= 500 || code == "" || code == "InternalServiceErrorException":
					t.Errorf("%d %s %s", resp.StatusCode, code, b)
				}
			})
		}
	}
	req, _ := http.NewRequest("PUT", e.srv.URL+"/profile", strings.NewReader(`{}`))
	if resp, b := do(t, req); resp.StatusCode != 400 || resp.Header.Get("X-Amzn-ErrorType") != "UnknownOperationException" {
		t.Errorf("PUT /profile: %d %s", resp.StatusCode, b)
	}
	if got := e.applied.Load(); got != before {
		t.Errorf("bad requests applied %d changes", got-before)
	}
}
