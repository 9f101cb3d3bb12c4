package awsapi_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/vpcdns/vpcdns/internal/awsapi"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/etcdtest"
)

// fleetEnv is one vpcdns instance of a fleet: the API on the etcd store
// of url, as serve --store opens it.
func fleetEnv(t *testing.T, url string, auth awsapi.EtcdAuth, initial string) *env {
	t.Helper()
	var f *config.File
	if initial != "" {
		var err error
		if f, err = config.Decode([]byte(initial), "network.yaml"); err != nil {
			t.Fatal(err)
		}
	}
	ctl, err := awsapi.Open(awsapi.Config{File: f, BaseDir: ".", Store: url, Etcd: auth, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	st := ctl.Store()
	t.Cleanup(func() { st.Close() })
	e := &env{t: t, store: st}
	st.SetApply(func(*config.Network) error { e.applied.Add(1); return nil })
	e.srv = httptest.NewServer(awsapi.New(awsapi.Options{Store: st}))
	t.Cleanup(e.srv.Close)
	e.connect("", "")
	return e
}

const fleetNetwork = "account_id: \"111122223333\"\nregion: us-east-1\nvpcs:\n  - {id: vpc-fleet, cidr_blocks: [10.0.0.0/16]}\n"

// unavailable reports whether err is AWS's ServiceUnavailable, HTTP 503.
func unavailable(err error) bool {
	var ae smithy.APIError
	var re *smithyhttp.ResponseError
	return errors.As(err, &ae) && ae.ErrorCode() == "ServiceUnavailable" &&
		errors.As(err, &re) && re.HTTPStatusCode() == http.StatusServiceUnavailable
}

// retrying calls f until it returns anything but ServiceUnavailable (a
// second conflict in a row), as the SDKs' retries do.
func retrying(t *testing.T, f func() error) error {
	t.Helper()
	for i := 0; ; i++ {
		err := f()
		if !unavailable(err) || i == 20 {
			return err
		}
		time.Sleep(time.Duration(i+1) * 5 * time.Millisecond)
	}
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for t0 := time.Now(); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Since(t0) > 10*time.Second {
			t.Fatalf("%s: not after 10 s", what)
		}
	}
}

// Two instances write one resource at once through their APIs: tags
// added to one rule concurrently through both are all kept (a change is
// only written over the state it was made on: no lost update), and of
// two rules for one domain associated at once with one VPC through the
// two instances exactly one association is accepted (validation holds
// across the fleet).
func TestFleetConcurrentConflictingWrites(t *testing.T) {
	c := etcdtest.Start(t, 3)
	url := "etcd://" + strings.Join(c.Endpoints(), ",") + "/conflicts"
	a := fleetEnv(t, url, awsapi.EtcdAuth{}, fleetNetwork)
	b := fleetEnv(t, url, awsapi.EtcdAuth{}, "")
	es := []*env{a, b}

	rule := must[*route53resolver.CreateResolverRuleOutput](t)(a.resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{
		CreatorRequestId: aws.String("tagged"), RuleType: r53types.RuleTypeOptionSystem, DomainName: aws.String("tagged.fleet.example")}))
	arn := rule.ResolverRule.Arn
	waitFor(t, "b holds a's rule", func() bool {
		_, err := b.resolver.GetResolverRule(ctx, &route53resolver.GetResolverRuleInput{ResolverRuleId: rule.ResolverRule.Id})
		return err == nil
	})
	const n = 8
	var wg sync.WaitGroup
	for i, e := range es {
		wg.Go(func() {
			for j := range n {
				err := retrying(t, func() error {
					_, err := e.resolver.TagResource(ctx, &route53resolver.TagResourceInput{ResourceArn: arn,
						Tags: []r53types.Tag{{Key: aws.String(fmt.Sprintf("i%d-%d", i, j)), Value: aws.String("v")}}})
					return err
				})
				if err != nil {
					t.Errorf("tag through instance %d: %v", i, err)
				}
			}
		})
	}
	wg.Wait()
	for i, e := range es {
		waitFor(t, fmt.Sprintf("instance %d lists every tag", i), func() bool {
			out, err := e.resolver.ListTagsForResource(ctx, &route53resolver.ListTagsForResourceInput{ResourceArn: arn})
			return err == nil && len(out.Tags) == 2*n
		})
	}
	t.Logf("conflicts: a %d, b %d; full reloads: a %d, b %d", a.store.Stats().Conflicts, b.store.Stats().Conflicts, a.store.Stats().Reloads, b.store.Stats().Reloads)
	// The loser of a race catches up with the winner's records from the
	// watch: no full reload.
	for i, e := range es {
		if got := e.store.Stats().Reloads; got != 0 {
			t.Errorf("instance %d reloaded its whole state %d times; want 0", i, got)
		}
	}

	// The creator request ids follow too: B refuses one that A used.
	if _, err := b.resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{
		CreatorRequestId: aws.String("tagged"), RuleType: r53types.RuleTypeOptionSystem, DomainName: aws.String("again.fleet.example")}); apiCode(t, err) != "ResourceExistsException" {
		t.Errorf("a creator request id used through A, again through B: %v, want ResourceExistsException", err)
	}

	for round := range 4 {
		domain := fmt.Sprintf("same%d.fleet.example", round)
		var ids [2]string
		for i, e := range es {
			out := must[*route53resolver.CreateResolverRuleOutput](t)(e.resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{
				CreatorRequestId: aws.String(fmt.Sprintf("same%d-%d", round, i)), RuleType: r53types.RuleTypeOptionSystem, DomainName: aws.String(domain)}))
			ids[i] = *out.ResolverRule.Id
		}
		waitFor(t, "both instances hold both rules", func() bool {
			for _, e := range es {
				for _, id := range ids {
					if _, err := e.resolver.GetResolverRule(ctx, &route53resolver.GetResolverRuleInput{ResolverRuleId: aws.String(id)}); err != nil {
						return false
					}
				}
			}
			return true
		})
		var errs [2]error
		start := make(chan struct{})
		for i, e := range es {
			wg.Go(func() {
				<-start
				errs[i] = retrying(t, func() error {
					_, err := e.resolver.AssociateResolverRule(ctx, &route53resolver.AssociateResolverRuleInput{ResolverRuleId: aws.String(ids[i]), VPCId: aws.String("vpc-fleet")})
					return err
				})
			})
		}
		close(start)
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("round %d: associations of two rules for %s with one VPC through two instances: %v, %v; want exactly one accepted", round, domain, errs[0], errs[1])
		}
		for _, err := range errs {
			if err != nil && apiCode(t, err) != "InvalidRequestException" {
				t.Errorf("round %d: the refused association: %v, want InvalidRequestException", round, err)
			}
		}
		for i, e := range es {
			waitFor(t, fmt.Sprintf("instance %d lists one association for %s", i, domain), func() bool {
				count := 0
				for _, id := range ids {
					out, err := e.resolver.ListResolverRuleAssociations(ctx, &route53resolver.ListResolverRuleAssociationsInput{
						Filters: []r53types.Filter{{Name: aws.String("ResolverRuleId"), Values: []string{id}}}})
					if err != nil {
						return false
					}
					count += len(out.ResolverRuleAssociations)
				}
				return count == 1
			})
		}
	}
}

// With etcd down, every API answers a change with AWS's ServiceUnavailable
// (HTTP 503) in its own protocol's shape and changes nothing, reads answer
// from the last state, and after etcd is back changes are accepted.
func TestFleetUnavailable(t *testing.T) {
	c := etcdtest.Start(t, 1)
	url := "etcd://" + strings.Join(c.Endpoints(), ",") + "/down"
	e := fleetEnv(t, url, awsapi.EtcdAuth{}, fleetNetwork)
	c.Stop(0)
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"resolver (awsJson1_1)", func() error {
			_, err := e.resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{
				CreatorRequestId: aws.String("down"), RuleType: r53types.RuleTypeOptionSystem, DomainName: aws.String("down.example")})
			return err
		}},
		{"ec2 (query)", func() error {
			_, err := e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")})
			return err
		}},
		{"route53 (rest-xml)", func() error {
			_, err := e.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("down.example"), CallerReference: aws.String("down")})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !unavailable(err) {
				t.Fatalf("a change with etcd down: %v, want ServiceUnavailable 503", err)
			}
		})
	}
	out, err := e.resolver.ListResolverRules(ctx, &route53resolver.ListResolverRulesInput{})
	if err != nil || len(out.ResolverRules) != 1 { // the built-in internet rule
		t.Fatalf("a read with etcd down: %v, %d rules", err, len(out.ResolverRules))
	}
	if e.store.Stats().Up {
		t.Error("the store says it is up with etcd down")
	}
	c.RestartAll()
	waitFor(t, "a change accepted after etcd restarted", func() bool {
		_, err := e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")})
		return err == nil
	})
}

// The etcd store over TLS with a client certificate and a user: with the
// CA, the certificate, the key and the password (serve's --etcd-cacert,
// --etcd-cert, --etcd-key, --etcd-user, --etcd-password) an instance
// writes and another reads; without the password, or without the CA, it
// does not open.
func TestEtcdTLSAndAuth(t *testing.T) {
	c, sec := etcdtest.StartSecure(t)
	url := "etcd://" + strings.Join(c.Endpoints(), ",") + "/secure"
	auth := awsapi.EtcdAuth{CACert: sec.CACert, Cert: sec.Cert, Key: sec.Key, User: sec.User, Password: sec.Password}
	e := fleetEnv(t, url, auth, fleetNetwork)
	must[*route53resolver.CreateResolverRuleOutput](t)(e.resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{
		CreatorRequestId: aws.String("tls"), RuleType: r53types.RuleTypeOptionSystem, DomainName: aws.String("tls.fleet.example")}))
	inline := auth
	inline.User, inline.Password = sec.User+":"+sec.Password, ""
	f, found, err := awsapi.ReadStore(ctx, url, inline)
	if err != nil || !found || len(f.Rules) != 1 || f.Rules[0].DomainName != "tls.fleet.example" {
		t.Fatalf("read over TLS with --etcd-user NAME:PASSWORD: %v found=%v", err, found)
	}
	for _, tc := range []struct {
		name string
		auth awsapi.EtcdAuth
	}{
		{"wrong password", awsapi.EtcdAuth{CACert: sec.CACert, Cert: sec.Cert, Key: sec.Key, User: sec.User, Password: "wrong"}},
		{"no user", awsapi.EtcdAuth{CACert: sec.CACert, Cert: sec.Cert, Key: sec.Key}},
		{"no client certificate", awsapi.EtcdAuth{CACert: sec.CACert, User: sec.User, Password: sec.Password}},
		{"plain text", awsapi.EtcdAuth{User: sec.User, Password: sec.Password}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := awsapi.ReadStore(ctx, url, tc.auth); err == nil {
				t.Fatal("read the store")
			}
		})
	}
}
