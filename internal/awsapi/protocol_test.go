package awsapi_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
)

func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// The wire shapes of the three protocols, errors included.
func TestProtocolShapes(t *testing.T) {
	e := newEnv(t, envOpts{})

	// Route 53 Resolver: awsJson1_1.
	req, _ := http.NewRequest("POST", e.srv.URL+"/", strings.NewReader(`{"ResolverRuleId":"rslvr-rr-00000000000000000"}`))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "Route53Resolver.GetResolverRule")
	resp, body := do(t, req)
	var je map[string]string
	json.Unmarshal(body, &je)
	if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-ErrorType") != "ResourceNotFoundException" ||
		je["__type"] != "ResourceNotFoundException" || !strings.Contains(je["message"], "does not exist") {
		t.Errorf("resolver error: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	req, _ = http.NewRequest("POST", e.srv.URL+"/", strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Target", "Route53Resolver.CreateOutpostResolver")
	if resp, body = do(t, req); resp.StatusCode != 400 || !strings.Contains(string(body), "UnknownOperationException") {
		t.Errorf("unknown operation: %d %s", resp.StatusCode, body)
	}

	// EC2: query protocol, XML in the 2016-11-15 namespace.
	req, _ = http.NewRequest("POST", e.srv.URL+"/", strings.NewReader("Action=DescribeVpcs&Version=2016-11-15"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	resp, body = do(t, req)
	var root struct {
		XMLName   xml.Name
		RequestID string `xml:"requestId"`
	}
	xml.Unmarshal(body, &root)
	if resp.StatusCode != 200 || root.XMLName.Local != "DescribeVpcsResponse" || root.XMLName.Space != "http://ec2.amazonaws.com/doc/2016-11-15/" || root.RequestID == "" {
		t.Errorf("ec2 response: %d %s", resp.StatusCode, body)
	}
	req, _ = http.NewRequest("GET", e.srv.URL+"/?Action=DeleteVpc&Version=2016-11-15&VpcId=vpc-0", nil)
	resp, body = do(t, req)
	var ee struct {
		Errors []struct{ Code, Message string } `xml:"Errors>Error"`
	}
	xml.Unmarshal(body, &ee)
	if resp.StatusCode != 400 || len(ee.Errors) != 1 || ee.Errors[0].Code != "InvalidVpcID.NotFound" {
		t.Errorf("ec2 error: %d %s", resp.StatusCode, body)
	}

	// Route 53: REST-XML.
	req, _ = http.NewRequest("GET", e.srv.URL+"/2013-04-01/hostedzone/ZNOPE", nil)
	resp, body = do(t, req)
	var re struct {
		XMLName xml.Name
		Error   struct{ Type, Code, Message string }
	}
	xml.Unmarshal(body, &re)
	if resp.StatusCode != 404 || re.XMLName.Local != "ErrorResponse" || re.Error.Code != "NoSuchHostedZone" || re.Error.Type != "Sender" {
		t.Errorf("route53 error: %d %s", resp.StatusCode, body)
	}
}
