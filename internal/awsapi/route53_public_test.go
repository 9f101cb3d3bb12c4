package awsapi_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/loopbacktest"
	"github.com/vpcdns/vpcdns/internal/server"
)

// publicNetwork has two VPCs with their own resolver sockets: vpc-home of
// the network's account, vpc-other of another account.
const publicNetwork = `
account_id: "111111111111"
region: us-east-1
vpcs:
  - {id: vpc-home, cidr_blocks: [10.0.0.0/16], enable_dns_hostnames: true, resolver_listen: ["HOME"]}
  - {id: vpc-other, cidr_blocks: [10.1.0.0/16], enable_dns_hostnames: true, resolver_listen: ["OTHER"], owner_account: "222222222222"}
`

// publicEnv is an API server and a DNS server on 127.0.0.1 serving
// publicNetwork; it returns the two VPCs' resolver addresses.
func publicEnv(t *testing.T) (e *env, home, other string) {
	t.Helper()
	home = "127.0.0.1:" + strconv.Itoa(int(loopbacktest.FreePort(t)))
	other = "127.0.0.1:" + strconv.Itoa(int(loopbacktest.FreePort(t)))
	initial, err := config.Decode([]byte(strings.NewReplacer("HOME", home, "OTHER", other).Replace(publicNetwork)), "network.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e = newEnv(t, envOpts{initial: initial})
	srv, err := server.New(e.store.Network(), server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(t.Context()) })
	e.store.SetApply(srv.Reload)
	return e, home, other
}

// ask asks the resolver at addr and returns the rcode and the answer's
// values (the records' data, as TestDNSAnswer's RecordData).
func ask(t *testing.T, e *env, addr, name string, qtype uint16) (string, []string) {
	t.Helper()
	e.synced()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	r, _, err := (&dns.Client{Timeout: 5 * time.Second}).Exchange(m, addr)
	if err != nil {
		t.Fatalf("query %s %s: %v", addr, name, err)
	}
	var values []string
	for _, rr := range r.Answer {
		if rr.Header().Rrtype == qtype {
			values = append(values, strings.TrimPrefix(rr.String(), rr.Header().String()))
		}
	}
	return dns.RcodeToString[r.Rcode], values
}

func upsertA(t *testing.T, e *env, zone, name, value string) {
	t.Helper()
	must[*route53.ChangeResourceRecordSetsOutput](t)(e.r53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{
		HostedZoneId: &zone, ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{{Action: r53types.ChangeActionUpsert,
			ResourceRecordSet: &r53types.ResourceRecordSet{Name: aws.String(name), Type: r53types.RRTypeA, TTL: aws.Int64(300),
				ResourceRecords: []r53types.ResourceRecord{{Value: aws.String(value)}}}}}}}))
}

// A public zone made through the API answers in every VPC that has no
// private zone or rule for the name, as Route 53's name servers do on the
// internet; a private zone of the same name shadows it; TestDNSAnswer
// gives what the VPC resolver gives.
func TestPublicZoneAnswersOnTheInternetPath(t *testing.T) {
	e, home, other := publicEnv(t)
	out := must[*route53.CreateHostedZoneOutput](t)(e.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{
		Name: aws.String("example.com"), CallerReference: aws.String("pub-1")}))
	pub := strings.TrimPrefix(*out.HostedZone.Id, "/hostedzone/")
	if out.HostedZone.Config.PrivateZone || out.VPC != nil {
		t.Errorf("CreateHostedZone without a VPC: private %v, VPC %v; want a public zone", out.HostedZone.Config.PrivateZone, out.VPC)
	}
	if out.DelegationSet == nil || len(out.DelegationSet.NameServers) != 4 {
		t.Fatalf("delegation set %+v, want Route 53's four name servers", out.DelegationSet)
	}
	got := must[*route53.GetHostedZoneOutput](t)(e.r53.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: &pub}))
	if got.DelegationSet == nil || !slices.Equal(got.DelegationSet.NameServers, out.DelegationSet.NameServers) || len(got.VPCs) != 0 {
		t.Errorf("GetHostedZone: delegation set %+v, VPCs %v", got.DelegationSet, got.VPCs)
	}
	upsertA(t, e, pub, "www.example.com", "198.51.100.7")

	tests := []struct {
		name, qname string
		rcode       string
		values      []string
	}{
		{"a record of the public zone", "www.example.com", "NOERROR", []string{"198.51.100.7"}},
		{"a name the public zone lacks", "nope.example.com", "NXDOMAIN", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, addr := range []string{home, other} {
				rcode, values := ask(t, e, addr, tt.qname, dns.TypeA)
				if rcode != tt.rcode || !slices.Equal(values, tt.values) {
					t.Errorf("dig @%s %s: %s %v, want %s %v", addr, tt.qname, rcode, values, tt.rcode, tt.values)
				}
			}
			ans := must[*route53.TestDNSAnswerOutput](t)(e.r53.TestDNSAnswer(ctx, &route53.TestDNSAnswerInput{
				HostedZoneId: &pub, RecordName: aws.String(tt.qname), RecordType: r53types.RRTypeA}))
			rcode, values := ask(t, e, home, tt.qname, dns.TypeA)
			if *ans.ResponseCode != rcode || !slices.Equal(ans.RecordData, values) && !(len(ans.RecordData) == 0 && len(values) == 0) {
				t.Errorf("TestDNSAnswer %s %v, the VPC resolver %s %v", *ans.ResponseCode, ans.RecordData, rcode, values)
			}
			if *ans.Protocol != "UDP" || *ans.Nameserver == "" || ans.RecordType != r53types.RRTypeA {
				t.Errorf("TestDNSAnswer shape: %+v", ans)
			}
		})
	}

	// A private zone of the same name, associated with vpc-home, shadows
	// the public zone there and only there.
	priv := must[*route53.CreateHostedZoneOutput](t)(e.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{
		Name: aws.String("example.com"), CallerReference: aws.String("priv-1"),
		VPC: &r53types.VPC{VPCId: aws.String("vpc-home"), VPCRegion: r53types.VPCRegionUsEast1}}))
	privID := strings.TrimPrefix(*priv.HostedZone.Id, "/hostedzone/")
	upsertA(t, e, privID, "www.example.com", "10.0.0.9")
	if _, v := ask(t, e, home, "www.example.com", dns.TypeA); !slices.Equal(v, []string{"10.0.0.9"}) {
		t.Errorf("vpc-home with the private zone: %v, want the private record", v)
	}
	if _, v := ask(t, e, other, "www.example.com", dns.TypeA); !slices.Equal(v, []string{"198.51.100.7"}) {
		t.Errorf("vpc-other without it: %v, want the public record", v)
	}

	// export writes the public zone: the exported file, read again, has it.
	st, _ := e.store.Snapshot()
	data, err := config.Marshal(&st.File)
	if err != nil {
		t.Fatal(err)
	}
	n, _, err := config.Parse(data, "network.yaml", t.TempDir())
	if err != nil {
		t.Fatalf("exported network: %v", err)
	}
	if len(n.PublicZones) != 1 || n.PublicZones[0].ID != pub || !strings.Contains(string(data), "198.51.100.7") {
		t.Errorf("exported network: public zones %v", n.PublicZones)
	}

	// A public zone has no VPCs, DNSSEC signing is off, and deleting it
	// (once empty) sends the names back to the internet forwarders.
	_, err = e.r53.AssociateVPCWithHostedZone(ctx, &route53.AssociateVPCWithHostedZoneInput{HostedZoneId: &pub,
		VPC: &r53types.VPC{VPCId: aws.String("vpc-other"), VPCRegion: r53types.VPCRegionUsEast1}})
	if code := apiCode(t, err); code != "PublicZoneVPCAssociation" {
		t.Errorf("associating a VPC with a public zone: %q, want PublicZoneVPCAssociation", code)
	}
	dnssec := must[*route53.GetDNSSECOutput](t)(e.r53.GetDNSSEC(ctx, &route53.GetDNSSECInput{HostedZoneId: &pub}))
	if *dnssec.Status.ServeSignature != "NOT_SIGNING" || len(dnssec.KeySigningKeys) != 0 {
		t.Errorf("GetDNSSEC: %+v", dnssec.Status)
	}
	_, err = e.r53.TestDNSAnswer(ctx, &route53.TestDNSAnswerInput{HostedZoneId: &privID, RecordName: aws.String("www.example.com"), RecordType: r53types.RRTypeA})
	if code := apiCode(t, err); code != "InvalidInput" {
		t.Errorf("TestDNSAnswer on a private zone: %q, want InvalidInput (public zones only, as AWS)", code)
	}
}

// AssociateVPCWithHostedZone across accounts needs the zone owner's
// authorization, as on AWS; with it the other account's VPC gets the
// zone's answers.
func TestCrossAccountAssociationNeedsAuthorization(t *testing.T) {
	e, _, other := publicEnv(t)
	priv := must[*route53.CreateHostedZoneOutput](t)(e.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{
		Name: aws.String("corp.internal"), CallerReference: aws.String("priv-1"),
		VPC: &r53types.VPC{VPCId: aws.String("vpc-home"), VPCRegion: r53types.VPCRegionUsEast1}}))
	zone := strings.TrimPrefix(*priv.HostedZone.Id, "/hostedzone/")
	upsertA(t, e, zone, "db.corp.internal", "10.0.0.20")
	vpc := &r53types.VPC{VPCId: aws.String("vpc-other"), VPCRegion: r53types.VPCRegionUsEast1}
	associate := func() error {
		_, err := e.r53.AssociateVPCWithHostedZone(ctx, &route53.AssociateVPCWithHostedZoneInput{HostedZoneId: &zone, VPC: vpc})
		return err
	}

	err := associate()
	if code := apiCode(t, err); code != "NotAuthorizedException" {
		t.Fatalf("without an authorization: %q, want NotAuthorizedException", code)
	}
	var re *smithyhttp.ResponseError
	if asError(err, &re) && re.HTTPStatusCode() != http.StatusUnauthorized {
		t.Errorf("NotAuthorizedException status %d, want 401", re.HTTPStatusCode())
	}
	if rcode, _ := ask(t, e, other, "db.corp.internal", dns.TypeA); rcode != "SERVFAIL" {
		t.Errorf("refused association: vpc-other gets %s, want the internet rule's SERVFAIL (no forwarders)", rcode)
	}

	auth := must[*route53.CreateVPCAssociationAuthorizationOutput](t)(e.r53.CreateVPCAssociationAuthorization(ctx,
		&route53.CreateVPCAssociationAuthorizationInput{HostedZoneId: &zone, VPC: vpc}))
	if *auth.HostedZoneId != zone || *auth.VPC.VPCId != "vpc-other" {
		t.Errorf("CreateVPCAssociationAuthorization: %+v", auth)
	}
	list := must[*route53.ListVPCAssociationAuthorizationsOutput](t)(e.r53.ListVPCAssociationAuthorizations(ctx,
		&route53.ListVPCAssociationAuthorizationsInput{HostedZoneId: &zone}))
	if len(list.VPCs) != 1 || *list.VPCs[0].VPCId != "vpc-other" || list.VPCs[0].VPCRegion != r53types.VPCRegionUsEast1 {
		t.Errorf("ListVPCAssociationAuthorizations: %+v", list.VPCs)
	}
	if err := associate(); err != nil {
		t.Fatalf("with the authorization: %v", err)
	}
	if _, v := ask(t, e, other, "db.corp.internal", dns.TypeA); !slices.Equal(v, []string{"10.0.0.20"}) {
		t.Errorf("after the association: vpc-other gets %v, want the zone's record", v)
	}
	must[*route53.DeleteVPCAssociationAuthorizationOutput](t)(e.r53.DeleteVPCAssociationAuthorization(ctx,
		&route53.DeleteVPCAssociationAuthorizationInput{HostedZoneId: &zone, VPC: vpc}))
	_, err = e.r53.DeleteVPCAssociationAuthorization(ctx, &route53.DeleteVPCAssociationAuthorizationInput{HostedZoneId: &zone, VPC: vpc})
	if code := apiCode(t, err); code != "VPCAssociationAuthorizationNotFound" {
		t.Errorf("deleting it twice: %q, want VPCAssociationAuthorizationNotFound", code)
	}
	// Deleting the authorization keeps the association (as on AWS).
	if _, v := ask(t, e, other, "db.corp.internal", dns.TypeA); !slices.Equal(v, []string{"10.0.0.20"}) {
		t.Errorf("after deleting the authorization: %v", v)
	}
	_, err = e.r53.ListVPCAssociationAuthorizations(ctx, &route53.ListVPCAssociationAuthorizationsInput{HostedZoneId: aws.String("ZNOSUCHZONE")})
	if code := apiCode(t, err); code != "NoSuchHostedZone" {
		t.Errorf("authorizations of a missing zone: %q", code)
	}
}

// Query logging configs are for public zones only, one per zone, to a log
// group in us-east-1, with Route 53's modelled errors.
func TestZoneQueryLoggingConfigs(t *testing.T) {
	e, _, _ := publicEnv(t)
	pub := strings.TrimPrefix(*must[*route53.CreateHostedZoneOutput](t)(e.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{
		Name: aws.String("example.com"), CallerReference: aws.String("pub")})).HostedZone.Id, "/hostedzone/")
	priv := strings.TrimPrefix(*must[*route53.CreateHostedZoneOutput](t)(e.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{
		Name: aws.String("corp.internal"), CallerReference: aws.String("priv"),
		VPC: &r53types.VPC{VPCId: aws.String("vpc-home"), VPCRegion: r53types.VPCRegionUsEast1}})).HostedZone.Id, "/hostedzone/")
	arn := "arn:aws:logs:us-east-1:111111111111:log-group:/aws/route53/example.com"
	refused := []struct {
		name, zone, arn, code string
	}{
		{"a private zone", priv, arn, "InvalidInput"},
		{"a log group outside us-east-1", pub, "arn:aws:logs:eu-west-1:111111111111:log-group:x", "NoSuchCloudWatchLogsLogGroup"},
		{"not a log group ARN", pub, "arn:aws:s3:::bucket", "InvalidInput"},
		{"a missing zone", "ZNOSUCHZONE", arn, "NoSuchHostedZone"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.r53.CreateQueryLoggingConfig(ctx, &route53.CreateQueryLoggingConfigInput{HostedZoneId: &tt.zone, CloudWatchLogsLogGroupArn: &tt.arn})
			if code := apiCode(t, err); code != tt.code {
				t.Errorf("code %q, want %q", code, tt.code)
			}
		})
	}
	created := must[*route53.CreateQueryLoggingConfigOutput](t)(e.r53.CreateQueryLoggingConfig(ctx,
		&route53.CreateQueryLoggingConfigInput{HostedZoneId: &pub, CloudWatchLogsLogGroupArn: &arn}))
	id := *created.QueryLoggingConfig.Id
	if *created.QueryLoggingConfig.HostedZoneId != pub || *created.QueryLoggingConfig.CloudWatchLogsLogGroupArn != arn || !strings.HasSuffix(*created.Location, "/queryloggingconfig/"+id) {
		t.Errorf("CreateQueryLoggingConfig: %+v, location %s", created.QueryLoggingConfig, *created.Location)
	}
	_, err := e.r53.CreateQueryLoggingConfig(ctx, &route53.CreateQueryLoggingConfigInput{HostedZoneId: &pub, CloudWatchLogsLogGroupArn: &arn})
	if code := apiCode(t, err); code != "QueryLoggingConfigAlreadyExists" {
		t.Errorf("a second config: %q", code)
	}
	got := must[*route53.GetQueryLoggingConfigOutput](t)(e.r53.GetQueryLoggingConfig(ctx, &route53.GetQueryLoggingConfigInput{Id: &id}))
	if *got.QueryLoggingConfig.Id != id {
		t.Errorf("GetQueryLoggingConfig: %+v", got.QueryLoggingConfig)
	}
	for _, tt := range []struct {
		zone *string
		n    int
	}{{nil, 1}, {&pub, 1}, {&priv, 0}} {
		l := must[*route53.ListQueryLoggingConfigsOutput](t)(e.r53.ListQueryLoggingConfigs(ctx, &route53.ListQueryLoggingConfigsInput{HostedZoneId: tt.zone}))
		if len(l.QueryLoggingConfigs) != tt.n {
			t.Errorf("ListQueryLoggingConfigs(%v): %d configs, want %d", aws.ToString(tt.zone), len(l.QueryLoggingConfigs), tt.n)
		}
	}
	must[*route53.DeleteQueryLoggingConfigOutput](t)(e.r53.DeleteQueryLoggingConfig(ctx, &route53.DeleteQueryLoggingConfigInput{Id: &id}))
	_, err = e.r53.GetQueryLoggingConfig(ctx, &route53.GetQueryLoggingConfigInput{Id: &id})
	var ae smithy.APIError
	if !asError(err, &ae) || ae.ErrorCode() != "NoSuchQueryLoggingConfig" {
		t.Errorf("after delete: %v", err)
	}
}
