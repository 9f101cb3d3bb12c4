package awsread

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/smithy-go"
)

// TestInstancesXMLAsTheSDK: the DescribeInstances scanner gives the page
// the SDK's own deserializer gives (as instancesPage reads it, and the
// next token), on moto's answer and on variants of it; what the scanner
// does not cover (CDATA, a comment inside a value, a truncated answer, an
// error status) is the SDK's answer unchanged.
func TestInstancesXMLAsTheSDK(t *testing.T) {
	moto, err := os.ReadFile("testdata/describe-instances.moto.xml")
	if err != nil {
		t.Fatal(err)
	}
	m := string(moto)
	withToken := strings.Replace(m, "</reservationSet>", "</reservationSet><nextToken>tok-2</nextToken>", 1)
	cases := []struct {
		name    string
		status  int
		body    string
		scanned bool // the scanner, not the SDK, decoded it
	}{
		{name: "moto answer", status: 200, body: m, scanned: true},
		{name: "next token", status: 200, body: withToken, scanned: true},
		{name: "comments, whitespace and a namespace prefix", status: 200, scanned: true,
			body: strings.NewReplacer("<reservationSet>", "<!-- page 1 -->\n  <reservationSet>\n", "<instanceId>", "\n\t<ec2:instanceId>", "</instanceId>", "</ec2:instanceId>").Replace(m)},
		{name: "empty answer", status: 200, body: `<?xml version="1.0"?><DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><reservationSet/></DescribeInstancesResponse>`, scanned: true},
		{name: "CDATA goes to the SDK", status: 200, body: strings.Replace(m, "<value>web &amp; &lt;db&gt;</value>", "<value><![CDATA[web & <db>]]></value>", 1)},
		{name: "comment in a value goes to the SDK", status: 200, body: strings.Replace(m, "<name>running</name>", "<name>run<!-- x -->ning</name>", 1)},
		{name: "truncated answer", status: 200, body: m[:len(m)/2]},
		{name: "denied", status: 403, body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>r</RequestID></Response>`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/xml")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			c := ec2.New(ec2.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{},
				RetryMaxAttempts: 1,
				// A client of its own, without kept-alive connections: the two
				// calls must not depend on a connection another case left open.
				HTTPClient: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}})
			ctx := context.Background()
			in := &ec2.DescribeInstancesInput{MaxResults: aws.Int32(1000)}
			want, wantErr := c.DescribeInstances(ctx, in)
			// Under -race the SDK's own decoder of this 40 KB page now and
			// then reads from a connection already closed under it (seen 1
			// run in 10 with -count=30, never without -race). That is the
			// reference failing on transport, not what this test compares:
			// ask again.
			for i := 0; i < 3 && wantErr != nil && errors.Is(wantErr, net.ErrClosed); i++ {
				want, wantErr = c.DescribeInstances(ctx, in)
			}
			got, gotErr := c.DescribeInstances(ctx, in, withInstancesScanner)
			if (wantErr == nil) != (gotErr == nil) {
				t.Fatalf("SDK error %v, with the scanner %v", wantErr, gotErr)
			}
			if wantErr != nil {
				var wa, ga smithy.APIError
				if errors.As(wantErr, &wa) != errors.As(gotErr, &ga) || (wa != nil && (wa.ErrorCode() != ga.ErrorCode() || wa.ErrorMessage() != ga.ErrorMessage())) {
					t.Errorf("SDK error %v, with the scanner %v", wantErr, gotErr)
				}
				return
			}
			if !reflect.DeepEqual(instancesPage(got), instancesPage(want)) || aws.ToString(got.NextToken) != aws.ToString(want.NextToken) {
				t.Errorf("with the scanner:\n%+v %q\nthe SDK:\n%+v %q", instancesPage(got), aws.ToString(got.NextToken), instancesPage(want), aws.ToString(want.NextToken))
			}
			_, err := scanInstances([]byte(tc.body))
			if scanned := err == nil; scanned != tc.scanned {
				t.Errorf("scanned = %v, want %v (%v)", scanned, tc.scanned, err)
			}
			if tc.scanned && tc.body == m {
				n := 0
				for _, r := range want.Reservations {
					n += len(r.Instances)
				}
				if n != 3 || len(instancesPage(want)["Reservations"][0].Instances[0].NetworkInterfaces) == 0 {
					t.Errorf("moto's answer has %d instances, want 3 with interfaces", n)
				}
			}
		})
	}
}

// BenchmarkInstancesPage decodes a page of 1000 of moto's instances with
// the SDK's deserializer and with the scanner, through a real client.
//
//	go test ./internal/awsread -run X -bench InstancesPage -benchmem
func BenchmarkInstancesPage(b *testing.B) {
	moto, err := os.ReadFile("testdata/describe-instances.moto.xml")
	if err != nil {
		b.Fatal(err)
	}
	m := string(moto)
	// One reservation of moto's answer, repeated to 1000 instances.
	start, end := strings.Index(m, "<reservationSet>")+len("<reservationSet>"), strings.LastIndex(m, "</reservationSet>")
	res := m[start:end]
	per := strings.Count(res, "<instanceId>")
	body := m[:start] + strings.Repeat(res, 1000/per) + m[end:]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	c := ec2.New(ec2.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{}})
	for _, bc := range []struct {
		name string
		opts []func(*ec2.Options)
	}{{"sdk", nil}, {"scanner", []func(*ec2.Options){withInstancesScanner}}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := c.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{}, bc.opts...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
