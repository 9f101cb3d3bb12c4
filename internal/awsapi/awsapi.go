// Package awsapi is vpcdns's AWS-compatible control plane: one HTTP
// listener that serves the parts of the Route 53 Resolver (awsJson1_1), EC2
// (query) and Route 53 (REST-XML) APIs that build a hybrid DNS network, so
// that the AWS CLI, the SDKs and Terraform can build the network that
// vpcdns answers for. Every accepted change is validated as network.yaml is,
// kept in the store and applied to the DNS server at once.
//
// A request is dispatched by its X-Amz-Target header (Route 53 Resolver),
// its path (/2013-04-01/…: Route 53) or its Action parameter (EC2). With
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
	"time"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/ec2api"
	"github.com/vpcdns/vpcdns/internal/awsapi/resolverapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/route53api"
	"github.com/vpcdns/vpcdns/internal/awsapi/sigv4"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/awsapi/store/boltstore"
	"github.com/vpcdns/vpcdns/internal/config"
)

// maxBody bounds a request body.
const maxBody = 16 << 20

// Options configure the API handler.
type Options struct {
	Store *store.Store
	// Keys, when not nil, are the access keys requests must be signed
	// with.
	Keys   sigv4.Keys
	Logger *slog.Logger
	// Now is the clock for signature times [time.Now].
	Now func() time.Time
}

// API is the HTTP handler of the three APIs.
type API struct {
	opts     Options
	log      *slog.Logger
	resolver *resolverapi.Handler
	ec2      *ec2api.Handler
	route53  *route53api.Handler
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
		resolver: &resolverapi.Handler{Store: opts.Store},
		ec2:      &ec2api.Handler{Store: opts.Store},
		route53:  &route53api.Handler{Store: opts.Store},
	}
}

// service is the API a request is for.
func service(r *http.Request) apierr.Protocol {
	switch {
	case strings.HasPrefix(r.Header.Get("X-Amz-Target"), resolverapi.TargetPrefix):
		return apierr.Resolver
	case strings.HasPrefix(r.URL.Path, route53api.PathPrefix):
		return apierr.Route53
	}
	return apierr.EC2
}

func writeError(w http.ResponseWriter, p apierr.Protocol, e *apierr.Error) {
	switch p {
	case apierr.Resolver:
		resolverapi.WriteError(w, e)
	case apierr.Route53:
		route53api.WriteError(w, e)
	default:
		ec2api.WriteError(w, e)
	}
}

// ServeHTTP answers one API request.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := service(r)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		writeError(w, p, &apierr.Error{Kind: apierr.InvalidParameter, Message: "the request body cannot be read or is larger than 16 MiB"})
		return
	}
	if a.opts.Keys != nil {
		if e := a.opts.Keys.Verify(r, body, a.opts.Now()); e != nil {
			a.log.Info("api request refused", "method", r.Method, "path", r.URL.Path, "err", e.Message)
			writeError(w, p, e)
			return
		}
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	switch p {
	case apierr.Resolver:
		a.resolver.Serve(rec, r.Header.Get("X-Amz-Target"), body)
	case apierr.Route53:
		a.route53.Serve(rec, r, body)
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
		a.ec2.Serve(rec, form)
	}
	a.log.Debug("api request", "method", r.Method, "path", r.URL.Path, "target", r.Header.Get("X-Amz-Target"), "status", rec.status)
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
	// Credentials names the access keys file; "" accepts any request.
	Credentials string
	Logger      *slog.Logger
}

// Control is the control plane of a running vpcdns: the store and the API
// server.
type Control struct {
	store *store.Store
	keys  sigv4.Keys
	log   *slog.Logger
}

// Open opens the store (the data directory's state, or the starting
// network) and reads the access keys.
func Open(cfg Config) (*Control, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Control{log: cfg.Logger}
	if cfg.Credentials != "" {
		keys, err := sigv4.LoadKeys(cfg.Credentials)
		if err != nil {
			return nil, err
		}
		c.keys = keys
	}
	var backend store.Backend
	if cfg.DataDir != "" {
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
	c.store = st
	if st.Loaded() {
		cfg.Logger.Info("api state loaded; the network file is not read again while it exists", "data_dir", cfg.DataDir)
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
	hs := &http.Server{Handler: New(Options{Store: c.store, Keys: c.keys, Logger: c.log}), ReadHeaderTimeout: 10 * time.Second}
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
