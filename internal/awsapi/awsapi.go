// Package awsapi is vpcdns's AWS-compatible control plane: one HTTP
// listener that serves the parts of the Route 53 Resolver (awsJson1_1), EC2
// (query) and Route 53 (REST-XML) APIs that build a hybrid DNS network, so
// that the AWS CLI, the SDKs and Terraform can build the network that
// vpcdns answers for. Every accepted change is validated as network.yaml is,
// kept in the store and applied to the DNS server at once.
//
// A request is dispatched by the service its signature names (Route 53
// Profiles), its X-Amz-Target header (Route 53 Resolver), its path
// (/2013-04-01/…: Route 53; /createresourceshare…: AWS RAM) or its Action
// parameter (EC2). With
// access keys, every request must carry a valid SigV4 signature; without,
// any signature or none is accepted, as local emulators do.
package awsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/ec2api"
	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/awsapi/profilesapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/ramapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/resolverapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/route53api"
	"github.com/vpcdns/vpcdns/internal/awsapi/sigv4"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/awsapi/store/boltstore"
	"github.com/vpcdns/vpcdns/internal/config"
)

// maxBody bounds a request body. The largest request of the three APIs is a
// Route 53 ChangeResourceRecordSets at its limits (100 changes, 1,000
// records, 32,000 characters of values): a few hundred KB of XML.
const maxBody = 1 << 20

// maxBodies bounds the request bodies being read at once, so that many
// large bodies cost at most maxBodies × maxBody of memory.
const maxBodies = 32

// Limits bound what the API's HTTP server gives one client.
type Limits struct {
	ReadHeaderTimeout time.Duration // headers [10s]
	ReadTimeout       time.Duration // the whole request, body included [30s]
	WriteTimeout      time.Duration // the reply [30s]
	IdleTimeout       time.Duration // a kept-alive connection between requests [60s]
	MaxConns          int           // open connections; more are closed at once [256]
}

// DefaultLimits are the limits of serve --api-listen.
func DefaultLimits() Limits {
	return Limits{
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxConns:          256,
	}
}

// NewHTTPServer returns the HTTP server of handler with limits, and wraps ln
// so that at most limits.MaxConns connections are open: one more is closed
// as soon as it is accepted (the client sees the connection end, and never
// waits in the kernel's backlog for a slot).
func NewHTTPServer(handler http.Handler, ln net.Listener, limits Limits) (*http.Server, net.Listener) {
	hs := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: limits.ReadHeaderTimeout,
		ReadTimeout:       limits.ReadTimeout,
		WriteTimeout:      limits.WriteTimeout,
		IdleTimeout:       limits.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
	if limits.MaxConns > 0 {
		ln = &capListener{Listener: ln, slots: make(chan struct{}, limits.MaxConns)}
	}
	return hs, ln
}

// capListener closes connections beyond its slots at once.
type capListener struct {
	net.Listener
	slots chan struct{}
}

func (l *capListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
			return &slotConn{Conn: c, free: func() { <-l.slots }}, nil
		default:
			c.Close()
		}
	}
}

// slotConn gives its slot back once, when closed.
type slotConn struct {
	net.Conn
	once sync.Once
	free func()
}

func (c *slotConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.free)
	return err
}

// Options configure the API handler.
type Options struct {
	Store *store.Store
	// DataDir is the data directory, "" when the state is in memory only:
	// ImportFirewallDomains reads s3://BUCKET/KEY from DataDir/s3/BUCKET/KEY.
	DataDir string
	// Keys, when not nil, are the access keys requests must be signed
	// with.
	Keys sigv4.Keys
	// Accounts are the accounts of the access keys that name one (the
	// third column of the credentials file).
	Accounts sigv4.Accounts
	Logger   *slog.Logger
	// Now is the clock for signature times [time.Now].
	Now func() time.Time
}

// API is the HTTP handler of the three APIs.
type API struct {
	opts     Options
	log      *slog.Logger
	bodies   chan struct{} // one token per body being read
	resolver *resolverapi.Handler
	ec2      *ec2api.Handler
	route53  *route53api.Handler
	ram      *ramapi.Handler
	profiles *profilesapi.Handler
}

// New returns the handler of the APIs on a store.
func New(opts Options) *API {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &API{
		opts:     opts,
		log:      opts.Logger,
		bodies:   make(chan struct{}, maxBodies),
		resolver: &resolverapi.Handler{Store: opts.Store, DataDir: opts.DataDir},
		ec2:      &ec2api.Handler{Store: opts.Store},
		route53:  &route53api.Handler{Store: opts.Store},
		ram:      &ramapi.Handler{Store: opts.Store},
		profiles: &profilesapi.Handler{Store: opts.Store},
	}
}

// service is the API a request is for: by the service its signature
// names (Route 53 Profiles), its X-Amz-Target header (Route 53 Resolver),
// its path (Route 53, AWS RAM; an unsigned Route 53 Profiles request) or
// else EC2.
func service(r *http.Request) apierr.Protocol {
	switch {
	case sigv4.SigningName(r) == profilesapi.SigningName:
		return apierr.Profiles
	case strings.HasPrefix(r.Header.Get("X-Amz-Target"), resolverapi.TargetPrefix):
		return apierr.Resolver
	case strings.HasPrefix(r.URL.Path, route53api.PathPrefix):
		return apierr.Route53
	case ramapi.Is(r.URL.Path):
		return apierr.RAM
	case r.Header.Get("X-Amz-Target") == "" && profilesapi.Is(r.URL.Path):
		return apierr.Profiles
	}
	return apierr.EC2
}

func writeError(w http.ResponseWriter, p apierr.Protocol, e *apierr.Error) {
	switch p {
	case apierr.Resolver:
		resolverapi.WriteError(w, e)
	case apierr.Route53:
		route53api.WriteError(w, e)
	case apierr.RAM:
		ramapi.WriteError(w, e)
	case apierr.Profiles:
		profilesapi.WriteError(w, e)
	default:
		ec2api.WriteError(w, e)
	}
}

// ServeHTTP answers one API request.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := service(r)
	now := a.opts.Now()
	if a.opts.Keys != nil {
		// Headers first: an unsigned request is refused before a byte of
		// its body is read.
		if e := a.opts.Keys.CheckHeaders(r, now); e != nil {
			a.refuse(w, r, p, e)
			return
		}
	}
	if r.ContentLength > maxBody {
		w.Header().Set("Connection", "close")
		writeError(w, p, &apierr.Error{Kind: apierr.InvalidParameter, Message: "the request body is larger than 1 MiB"})
		return
	}
	select {
	case a.bodies <- struct{}{}:
	case <-r.Context().Done():
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	<-a.bodies
	if err != nil {
		writeError(w, p, &apierr.Error{Kind: apierr.InvalidParameter, Message: "the request body cannot be read or is larger than 1 MiB"})
		return
	}
	if a.opts.Keys != nil {
		if e := a.opts.Keys.Verify(r, body, now); e != nil {
			a.log.Info("api request refused", "method", r.Method, "path", r.URL.Path, "err", e.Message)
			writeError(w, p, e)
			return
		}
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	ctx := r.Context()
	req := &op.Request{HTTP: r, Body: body, Account: a.account(r)}
	switch p {
	case apierr.Resolver:
		a.resolver.Serve(ctx, rec, req, r.Header.Get("X-Amz-Target"))
	case apierr.Route53:
		a.route53.Serve(ctx, rec, req)
	case apierr.RAM:
		a.ram.Serve(ctx, rec, req)
	case apierr.Profiles:
		a.profiles.Serve(ctx, rec, req)
	default:
		form := r.URL.Query()
		if len(body) > 0 {
			bf, err := url.ParseQuery(string(body))
			if err != nil {
				writeError(w, p, &apierr.Error{Kind: apierr.InvalidParameter, Message: "the request body is not form-encoded"})
				return
			}
			for k, v := range bf {
				form[k] = append(form[k], v...)
			}
		}
		a.ec2.Serve(ctx, rec, req, form)
	}
	a.log.Debug("api request", "method", r.Method, "path", r.URL.Path, "target", r.Header.Get("X-Amz-Target"), "status", rec.status)
}

// account is the account a request acts as: the account its access key
// is given in the credentials file; without a credentials file, a 12-digit
// access key id names the account (as moto does); otherwise the network's
// account_id.
func (a *API) account(r *http.Request) string {
	id := sigv4.AccessKeyID(r)
	if acct, ok := a.opts.Accounts[id]; ok {
		return acct
	}
	if a.opts.Keys == nil && sigv4.IsAccountID(id) {
		return id
	}
	return a.opts.Store.Network().AccountID
}

// refuse answers a request whose signature headers fail, without reading
// its body; the connection is closed after the reply.
func (a *API) refuse(w http.ResponseWriter, r *http.Request, p apierr.Protocol, e *apierr.Error) {
	a.log.Info("api request refused", "method", r.Method, "path", r.URL.Path, "err", e.Message)
	w.Header().Set("Connection", "close")
	writeError(w, p, e)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Config configures Open.
type Config struct {
	// File is the starting network (network.yaml) when DataDir holds no
	// state; BaseDir is where its relative paths are read from.
	File    *config.File
	BaseDir string
	// DataDir keeps the state across restarts; "" keeps it in memory.
	DataDir string
	// Store, when set, is a shared store instead of DataDir:
	// etcd://HOST:PORT[,HOST:PORT...]/PREFIX, with Etcd's TLS and auth.
	Store string
	Etcd  EtcdAuth
	// Credentials names the access keys file; "" accepts any request.
	Credentials string
	Logger      *slog.Logger
}

// Control is the control plane of a running vpcdns: the store and the API
// server.
type Control struct {
	store   *store.Store
	dataDir string
	keys    sigv4.Keys
	accts   sigv4.Accounts
	log     *slog.Logger
}

// Open opens the store (the data directory's state, or the starting
// network) and reads the access keys.
func Open(cfg Config) (*Control, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Control{log: cfg.Logger}
	if cfg.Credentials != "" {
		keys, accts, err := sigv4.LoadKeys(cfg.Credentials)
		if err != nil {
			return nil, err
		}
		c.keys, c.accts = keys, accts
	}
	var backend store.Backend
	if cfg.Store != "" {
		b, err := openEtcd(cfg.Store, cfg.Etcd)
		if err != nil {
			return nil, err
		}
		backend = b
	} else if cfg.DataDir != "" {
		db, err := boltstore.Open(cfg.DataDir)
		if err != nil {
			return nil, err
		}
		backend = db
	}
	st, err := store.Open(store.Options{Backend: backend, LegacyDir: cfg.DataDir, Initial: cfg.File, BaseDir: cfg.BaseDir, Logger: cfg.Logger})
	if err != nil {
		if backend != nil {
			backend.Close()
		}
		return nil, err
	}
	c.store, c.dataDir = st, cfg.DataDir
	if st.Loaded() {
		where := cfg.DataDir
		if cfg.Store != "" {
			where = cfg.Store
		}
		cfg.Logger.Info("api state loaded; the network file is not read again while it exists", "store", where)
	}
	return c, nil
}

// Network returns the current network.
func (c *Control) Network() *config.Network { return c.store.Network() }

// Store returns the store.
func (c *Control) Store() *store.Store { return c.store }

// Serve applies every accepted change with apply (the DNS server's
// Reload) and serves the APIs on addr until stop is called.
func (c *Control) Serve(addr string, apply func(*config.Network) error) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("api listen %s: %w", addr, err)
	}
	c.store.SetApply(apply)
	hs, ln := NewHTTPServer(New(Options{Store: c.store, DataDir: c.dataDir, Keys: c.keys, Accounts: c.accts, Logger: c.log}), ln, DefaultLimits())
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			c.log.Error("api server stopped", "err", err)
		}
	}()
	signed := "any signature accepted"
	if c.keys != nil {
		signed = "SigV4 required"
	}
	c.log.Info("aws api", "endpoint_url", "http://"+ln.Addr().String(), "auth", signed)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		hs.Shutdown(ctx)
		if err := c.store.Close(); err != nil {
			c.log.Warn("close store", "err", err)
		}
	}, nil
}
