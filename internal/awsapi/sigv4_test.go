package awsapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"

	"github.com/vpcdns/vpcdns/internal/awsapi/sigv4"
)

func TestSignatures(t *testing.T) {
	keys, err := sigv4.ParseKeys([]byte("# vpcdns API keys\nAKIDVPCDNS0000000001 s3cr3t/with+chars\n\n[ci]\naws_access_key_id = AKIDCI\naws_secret_access_key = other\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, envOpts{keys: keys, key: "AKIDVPCDNS0000000001", secret: "s3cr3t/with+chars"})
	call := func() (resolverErr, ec2Err, r53Err error) {
		_, resolverErr = e.resolver.ListResolverRules(ctx, &route53resolver.ListResolverRulesInput{})
		_, ec2Err = e.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
		_, r53Err = e.r53.ListHostedZones(ctx, &route53.ListHostedZonesInput{})
		return
	}
	for _, tt := range []struct {
		name, key, secret string
		want              [3]string
	}{
		{"right key", "AKIDVPCDNS0000000001", "s3cr3t/with+chars", [3]string{}},
		{"shared credentials key", "AKIDCI", "other", [3]string{}},
		{"wrong secret", "AKIDVPCDNS0000000001", "wrong", [3]string{"InvalidSignatureException", "SignatureDoesNotMatch", "SignatureDoesNotMatch"}},
		{"unknown key", "AKIDNOBODY", "s3cr3t", [3]string{"UnrecognizedClientException", "AuthFailure", "InvalidClientTokenId"}},
	} {
		e.connect(tt.key, tt.secret)
		a, b, c := call()
		got := [3]string{apiCode(t, a), apiCode(t, b), apiCode(t, c)}
		if got != tt.want {
			t.Errorf("%s: errors %v, want %v (%v / %v / %v)", tt.name, got, tt.want, a, b, c)
		}
	}
	// No signature at all.
	url := e.srv.URL
	anon := route53resolver.New(route53resolver.Options{Region: "us-east-1", BaseEndpoint: &url, Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	_, err = anon.ListResolverRules(ctx, &route53resolver.ListResolverRulesInput{})
	if code := apiCode(t, err); code != "MissingAuthenticationTokenException" {
		t.Errorf("unsigned request: %v", err)
	}
}

func TestAnySignatureWithoutKeys(t *testing.T) {
	e := newEnv(t, envOpts{key: "whatever", secret: "anything"})
	if _, err := e.resolver.ListResolverRules(ctx, &route53resolver.ListResolverRulesInput{}); err != nil {
		t.Errorf("without keys: %v", err)
	}
	url := e.srv.URL
	anon := ec2.New(ec2.Options{Region: "us-east-1", BaseEndpoint: &url, Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	if _, err := anon.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
		t.Errorf("unsigned, without keys: %v", err)
	}
}
