package awsapi_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	"github.com/aws/smithy-go"

	"github.com/vpcdns/vpcdns/internal/awsapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/sigv4"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/awsapi/store/boltstore"
	"github.com/vpcdns/vpcdns/internal/config"
)

// env is an API server on 127.0.0.1 and SDK clients pointed at it.
type env struct {
	t        *testing.T
	store    *store.Store
	dir      string // the data directory, "" in memory
	srv      *httptest.Server
	resolver *route53resolver.Client
	ec2      *ec2.Client
	r53      *route53.Client
	applied  atomic.Int64
}

type envOpts struct {
	dir     string
	initial *config.File
	keys    sigv4.Keys
	accts   sigv4.Accounts
	key     string // access key id the clients sign with ["test"]
	secret  string // ["test"]
}

func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	var backend store.Backend
	if o.dir != "" {
		db, err := boltstore.Open(o.dir)
		if err != nil {
			t.Fatalf("open store: %v", err)
		}
		backend = db
	}
	st, err := store.Open(store.Options{Backend: backend, LegacyDir: o.dir, Initial: o.initial, BaseDir: ".", Verify: true})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	e := &env{t: t, store: st, dir: o.dir}
	t.Cleanup(func() { st.Close() })
	st.SetApply(func(*config.Network) error { e.applied.Add(1); return nil })
	e.srv = httptest.NewServer(awsapi.New(awsapi.Options{Store: st, DataDir: o.dir, Keys: o.keys, Accounts: o.accts}))
	t.Cleanup(e.srv.Close)
	e.connect(o.key, o.secret)
	return e
}

// connect makes the clients sign with an access key.
func (e *env) connect(key, secret string) {
	if key == "" {
		key, secret = "test", "test"
	}
	cfg := aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(key, secret, ""),
		RetryMaxAttempts: 1,
	}
	url := e.srv.URL
	e.resolver = route53resolver.NewFromConfig(cfg, func(o *route53resolver.Options) { o.BaseEndpoint = &url })
	e.ec2 = ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.BaseEndpoint = &url })
	e.r53 = route53.NewFromConfig(cfg, func(o *route53.Options) { o.BaseEndpoint = &url })
}

var ctx = context.Background()

// apiCode returns the AWS error code of err, or "" for nil.
func apiCode(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an API error", err)
	}
	return ae.ErrorCode()
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%v", err)
		}
		return v
	}
}

func asError[T any](err error, target *T) bool { return errors.As(err, target) }

// synced waits until DNS answers from every change the API acknowledged.
func (e *env) synced() {
	e.t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := e.store.Synced(c); err != nil {
		e.t.Fatalf("DNS did not take the changes: %v", err)
	}
}
