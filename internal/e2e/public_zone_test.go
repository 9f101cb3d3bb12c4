package e2e_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/vpcdns/vpcdns/internal/loopbacktest"
)

// A public hosted zone created through `serve --api-listen` (Go SDK)
// answers dig on the VPC's socket, the same as TestDNSAnswer says; a
// private zone of the same name, associated with the VPC, then shadows it.
func TestServePublicZone(t *testing.T) {
	dir := t.TempDir()
	netFile := filepath.Join(dir, "network.yaml")
	write(t, netFile, "account_id: \"111122223333\"\nvpcs:\n  - id: vpc-app\n    region: us-east-1\n    cidr_blocks: [127.0.0.0/8]\n    enable_dns_hostnames: true\n", nil)
	api, dnsPort := int(loopbacktest.FreePort(t)), int(loopbacktest.FreePort(t))
	p := serve(t, "-c", netFile, "--data-dir", filepath.Join(dir, "state"), "--log-level", "info",
		"--api-listen", "127.0.0.1:"+strconv.Itoa(api), "--listen", "127.0.0.1:"+strconv.Itoa(dnsPort))
	p.waitLog(t, "serving", 1)
	url := "http://127.0.0.1:" + strconv.Itoa(api)
	r53 := route53.NewFromConfig(aws.Config{Region: "us-east-1", RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}, func(o *route53.Options) { o.BaseEndpoint = &url })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	upsert := func(zone, value string) {
		t.Helper()
		_, err := r53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: &zone,
			ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{{Action: r53types.ChangeActionUpsert,
				ResourceRecordSet: &r53types.ResourceRecordSet{Name: aws.String("www.example.com"), Type: r53types.RRTypeA, TTL: aws.Int64(60),
					ResourceRecords: []r53types.ResourceRecord{{Value: aws.String(value)}}}}}}})
		if err != nil {
			t.Fatalf("upsert %s in %s: %v", value, zone, err)
		}
	}
	// eventually waits for dig to give want (a change is PENDING for the
	// milliseconds until DNS answers from it).
	eventually := func(what, want string) {
		t.Helper()
		var got string
		for t0 := time.Now(); time.Since(t0) < 10*time.Second; time.Sleep(20 * time.Millisecond) {
			if got = digShort(t, dnsPort, "www.example.com", "A"); got == want {
				return
			}
		}
		t.Fatalf("%s: dig www.example.com gives %q, want %q", what, got, want)
	}

	pub, err := r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("example.com"), CallerReference: aws.String("pub")})
	if err != nil {
		t.Fatal(err)
	}
	pubID := strings.TrimPrefix(*pub.HostedZone.Id, "/hostedzone/")
	upsert(pubID, "198.51.100.7")
	eventually("the public zone", "198.51.100.7")
	ans, err := r53.TestDNSAnswer(ctx, &route53.TestDNSAnswerInput{HostedZoneId: &pubID, RecordName: aws.String("www.example.com"), RecordType: r53types.RRTypeA})
	if err != nil {
		t.Fatal(err)
	}
	if *ans.ResponseCode != "NOERROR" || len(ans.RecordData) != 1 || ans.RecordData[0] != "198.51.100.7" {
		t.Errorf("TestDNSAnswer: %s %v, dig gave NOERROR 198.51.100.7", *ans.ResponseCode, ans.RecordData)
	}

	priv, err := r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("example.com"), CallerReference: aws.String("priv"),
		VPC: &r53types.VPC{VPCId: aws.String("vpc-app"), VPCRegion: r53types.VPCRegionUsEast1}})
	if err != nil {
		t.Fatal(err)
	}
	upsert(strings.TrimPrefix(*priv.HostedZone.Id, "/hostedzone/"), "127.0.0.9")
	eventually("shadowed by the private zone", "127.0.0.9")
}
