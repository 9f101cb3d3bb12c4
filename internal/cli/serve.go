package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vpcdns/vpcdns/internal/awsapi"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/health"
	"github.com/vpcdns/vpcdns/internal/metrics"
	"github.com/vpcdns/vpcdns/internal/server"
)

// addrList is a repeatable ip:port flag.
type addrList []netip.AddrPort

func (l *addrList) String() string {
	s := make([]string, len(*l))
	for i, a := range *l {
		s[i] = a.String()
	}
	return strings.Join(s, ",")
}

func (l *addrList) Set(v string) error {
	a, err := netip.ParseAddrPort(v)
	if err != nil {
		return fmt.Errorf("%q is not an ip:port", v)
	}
	*l = append(*l, a)
	return nil
}

func runServe(ctx context.Context, args []string, std IO) int {
	fs := flagSet("serve", "[-c FILE] [--metrics-listen ADDR] [--listen ADDR]... [--log-level LEVEL] [--api-listen ADDR [--data-dir DIR | --store etcd://HOST:PORT[,...]/PREFIX] [--api-credentials FILE]]", std)
	file := fs.String("c", "", "network `FILE` (network.yaml); the embedded example when absent")
	metricsAddr := fs.String("metrics-listen", "", "serve Prometheus metrics on http://`ADDR`/metrics (e.g. 127.0.0.1:9153)")
	level := fs.String("log-level", "info", "log `level`: debug, info, warn or error")
	logFormat := fs.String("log-format", "text", "log `format`: text or json")
	var shared addrList
	fs.Var(&shared, "listen", "a shared resolver socket `ADDR` (ip:port); a query on it belongs to the VPC whose CIDR holds its source (repeatable)")
	apiAddr := fs.String("api-listen", "", "serve the AWS APIs (Route 53 Resolver, EC2, Route 53) on http://`ADDR`; see docs/api.md")
	dataDir := fs.String("data-dir", "", "keep the network built through the API in `DIR` across restarts (with --api-listen)")
	storeURL := fs.String("store", "", "keep the API's state in etcd, shared by every serve on the same `URL` etcd://HOST:PORT[,HOST:PORT...]/PREFIX (with --api-listen; instead of --data-dir); see docs/fleet.md")
	var etcd awsapi.EtcdAuth
	fs.StringVar(&etcd.CACert, "etcd-cacert", "", "verify the etcd members with the CA bundle `FILE` (etcdctl --cacert)")
	fs.StringVar(&etcd.Cert, "etcd-cert", "", "TLS client certificate `FILE` for etcd (etcdctl --cert)")
	fs.StringVar(&etcd.Key, "etcd-key", "", "TLS client key `FILE` for etcd (etcdctl --key)")
	fs.StringVar(&etcd.User, "etcd-user", "", "etcd user `NAME[:PASSWORD]` (etcdctl --user)")
	fs.StringVar(&etcd.Password, "etcd-password", "", "etcd `PASSWORD` of --etcd-user (etcdctl --password)")
	apiCreds := fs.String("api-credentials", "", "require SigV4-signed API requests with the access keys of `FILE` (lines \"ACCESS_KEY_ID SECRET_ACCESS_KEY [ACCOUNT_ID]\")")
	allowEmpty := fs.Bool("allow-empty", false, "apply a SIGHUP reload that removes every socket or every resolver rule (refused otherwise: a truncated file looks like that)")
	if _, err := parse(fs, args); err != nil {
		return exitInvalid
	}
	logger, err := newLogger(std, *level, *logFormat)
	if err != nil {
		return usageError(std, fs, err)
	}
	if *apiAddr == "" && (*dataDir != "" || *apiCreds != "" || *storeURL != "") {
		return usageError(std, fs, errors.New("--data-dir, --store and --api-credentials need --api-listen"))
	}
	if *storeURL != "" && *dataDir != "" {
		return usageError(std, fs, errors.New("--store and --data-dir: the state is kept in one of them"))
	}
	if *storeURL == "" && etcd != (awsapi.EtcdAuth{}) {
		return usageError(std, fs, errors.New("the --etcd-* flags need --store etcd://..."))
	}
	n, f, err := loadNetwork(*file)
	if err != nil {
		printProblems(std.Stderr, err)
		return exitInvalid
	}
	var ctl *awsapi.Control
	if *apiAddr != "" {
		ctl, err = awsapi.Open(awsapi.Config{File: f, BaseDir: baseDir(*file), DataDir: *dataDir, Store: *storeURL, Etcd: etcd, Credentials: *apiCreds, Logger: logger})
		if err != nil {
			printProblems(std.Stderr, err)
			return exitInvalid
		}
		n = ctl.Network()
	}
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	probes := &health.Probes{}
	var serving atomic.Bool
	probes.Add("dns", func(context.Context) error {
		if !serving.Load() {
			return errors.New("the DNS sockets are not open yet")
		}
		return nil
	})
	if ctl != nil {
		observeStore(reg, ctl, probes)
	}
	srv, err := server.New(n, server.Options{Logger: logger, Metrics: m, Stdout: std.Stdout, Shared: shared, ReserveProcs: true})
	if err != nil {
		fmt.Fprintf(std.Stderr, "vpcdns serve: %v\n", err)
		return exitInvalid
	}
	// Catch SIGHUP before the sockets open: its default action would end
	// the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	if err := srv.Start(); err != nil {
		fmt.Fprintf(std.Stderr, "vpcdns serve: %v\n", err)
		return exitFail
	}
	serving.Store(true)
	if *metricsAddr != "" {
		stop, err := serveMetrics(*metricsAddr, reg, probes, logger)
		if err != nil {
			fmt.Fprintf(std.Stderr, "vpcdns serve: %v\n", err)
			srv.Shutdown(context.Background())
			return exitFail
		}
		defer stop()
	}
	if ctl != nil {
		// A change of rules alone patches the view (O(change)); anything
		// else recompiles it.
		ctl.Store().SetPatch(srv.ReloadRules)
		stop, err := ctl.Serve(*apiAddr, srv.Reload)
		if err != nil {
			fmt.Fprintf(std.Stderr, "vpcdns serve: %v\n", err)
			srv.Shutdown(context.Background())
			return exitFail
		}
		defer stop()
	}
	for _, c := range n.VPCs {
		logger.Info("vpc resolver", "vpc", c.ID, "resolver", c.ResolverAddr(), "listen", srv.Addrs("vpc:"+c.ID), "dns_support", c.DNSSupport)
	}
	if l := n.Emulation.Limits; len(n.Emulation.SourceMap) > 0 || l.EndpointIPQueriesPerSecond > 0 || l.EndpointIPTrackedQueriesPerSecond > 0 {
		// Say which AWS rate limits drop queries (docs/limits.md), so that
		// drops are never a surprise.
		logger.Info("rate limits", "eni_packets_per_second", l.ENIPacketsPerSecond, "mapped_sources", len(n.Emulation.SourceMap),
			"endpoint_ip_queries_per_second", l.EndpointIPQueriesPerSecond, "endpoint_ip_tracked_queries_per_second", l.EndpointIPTrackedQueriesPerSecond)
	}
	logger.Info("serving", "network", fileLabel(*file))
	current := n // the network answering now, for the reload guard
	for {
		select {
		case <-ctx.Done():
			logger.Info("stopping: draining queries in flight")
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err := srv.Shutdown(sctx)
			cancel()
			if err != nil {
				logger.Warn("shutdown", "err", err)
			}
			return exitOK
		case <-hup:
			if ctl != nil {
				logger.Warn("SIGHUP ignored: the network is managed through the API (--api-listen)")
				continue
			}
			if next := reload(srv, current, *file, *allowEmpty, logger, m); next != nil {
				current = next
			}
		}
	}
}

// reload re-reads the network file and returns the network now answering,
// or nil when it refused: an invalid file is refused with every problem
// logged, and so is one that would take every socket or every resolver rule
// of current away unless allowEmpty (an editor, a config-management tool or
// "vpcdns export > network.yaml" truncating the file as SIGHUP arrives). The
// old configuration keeps answering.
func reload(srv *server.Server, current *config.Network, file string, allowEmpty bool, logger *slog.Logger, m *metrics.Metrics) *config.Network {
	n, _, err := loadNetwork(file)
	if err == nil && !allowEmpty {
		err = emptied(current, n)
	}
	if err == nil {
		err = srv.Reload(n)
	}
	if err != nil {
		var ps config.Problems
		if errors.As(err, &ps) {
			for _, p := range ps {
				logger.Error("reload refused: invalid network", "problem", p.Located())
			}
		}
		logger.Error("reload refused; the previous configuration keeps answering", "network", fileLabel(file), "err", err)
		m.Reload(false)
		return nil
	}
	m.Reload(true)
	logger.Info("reloaded", "network", fileLabel(file))
	return n
}

// emptied says why replacing old with n looks like a truncated file: it
// has no socket (resolver_listen, inbound endpoint or emulated server)
// where old had some, or no resolver rule where old had some.
func emptied(old, n *config.Network) error {
	if sockets(old) > 0 && sockets(n) == 0 {
		return fmt.Errorf("the new file would close all %d sockets (an empty or truncated file?); write it whole and rename it into place, or start serve with --allow-empty", sockets(old))
	}
	if len(old.Rules) > 0 && len(n.Rules) == 0 {
		return fmt.Errorf("the new file would remove all %d resolver rules (a truncated file?); write it whole and rename it into place, or start serve with --allow-empty", len(old.Rules))
	}
	return nil
}

// sockets counts the addresses a network asks vpcdns to listen on.
func sockets(n *config.Network) int {
	c := 0
	for _, v := range n.VPCs {
		c += len(v.ResolverListen)
	}
	for _, e := range n.Endpoints {
		c += len(e.Listen)
	}
	for _, a := range n.Emulation.AuthServers {
		c += len(a.Listen)
	}
	return c
}

func newLogger(std IO, level, format string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(std.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(std.Stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

// serveMetrics serves /metrics, /healthz and /readyz on addr until stop
// is called.
func serveMetrics(addr string, reg *prometheus.Registry, probes *health.Probes, logger *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics listen %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", metrics.Handler(reg))
	probes.Register(mux)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics server stopped", "err", err)
		}
	}()
	logger.Info("metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		hs.Shutdown(ctx)
	}, nil
}

// observeStore reports the API's state store in the metrics and in /readyz.
func observeStore(reg prometheus.Registerer, ctl *awsapi.Control, probes *health.Probes) {
	st := ctl.Store()
	metrics.NewStore(reg).ObserveStore(func() metrics.StoreStats {
		x := st.Stats()
		return metrics.StoreStats{Up: x.Up, Commits: x.Commits, Refused: x.Unavailable,
			PendingChanges: x.Version - x.Applied, Rebuilds: x.Rebuilds, RebuildFailures: x.RebuildFailures,
			Reloads: x.Reloads, Conflicts: x.Conflicts, Followed: x.Followed}
	})
	probes.Add("store", st.Ping)
}
