package server

import (
	"context"
	"io"
	"net/netip"

	"github.com/vpcdns/vpcdns/internal/cache"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/forward"
	"github.com/vpcdns/vpcdns/internal/querylog"
	"github.com/vpcdns/vpcdns/internal/suffix"
	"github.com/vpcdns/vpcdns/internal/view"
	"github.com/vpcdns/vpcdns/internal/zone"
)

// state is everything a query needs from one configuration. It is built
// once per (re)load and swapped atomically, so a query sees one
// configuration from start to end.
type state struct {
	view *view.View
	net  *config.Network

	// owners maps the owner of a socket (see listenSpec) to the VPC that
	// answers on it; a socket whose owner is absent here belongs to no VPC.
	owners map[string]*view.VPC
	// endpoints maps inbound endpoint owners to the endpoint id, for srcids.
	endpoints map[string]string
	// bySource lists every VPC CIDR, most specific first, for shared sockets
	// (behaviour.md §1.3).
	bySource []sourceCIDR
	// instances maps a declared instance's VPC and private IP to its id:
	// only an instance of the query's VPC is named in srcids (VPCs may
	// overlap, and a source in one VPC is no instance of another).
	instances map[instanceKey]string
	// targets are the forward targets of each forward, as the forwarder
	// takes them.
	targets map[*view.Forward][]forward.Target
	// paths are the PathFuncs of each forward (Server.pathFunc), nil
	// for a forward without an outbound endpoint.
	paths map[*view.Forward]forward.PathFunc
	// fwdOver holds the forwards of the rules changed by ReloadRules since
	// targets and paths were built (patch.go); read through targetsOf and
	// pathOf.
	fwdOver map[*view.Forward]fwdInfo
	// qlog writes the query logs of this configuration; nil when it has
	// none.
	qlog *querylog.Logger
	// memo remembers, per VPC, what questions resolve to (fast path).
	memo map[*view.VPC]*memoTable
	// logsCacheHits marks the VPCs whose query logs want cache hits too:
	// their forwarded answers take the full path, which logs.
	logsCacheHits map[*view.VPC]bool
	// auth holds the zones of each emulated authoritative server, by id.
	auth map[string]*suffix.Table[*zone.Zone]
	// fwd sends the forwarded queries with this configuration's budgets.
	fwd *forward.Forwarder
	// cache is the answer cache; nil when emulation.cache turns it off. A
	// reload that keeps the cache settings keeps the cache.
	cache *cache.Cache
	// lim applies AWS's DNS rate limits (limits.go).
	lim *limiter
}

type instanceKey struct {
	vpc string
	ip  netip.Addr
}

type sourceCIDR struct {
	prefix netip.Prefix
	vpc    *view.VPC
}

// listenSpec is one socket pair (UDP and TCP) the configuration asks for.
// owner names what it serves: "vpc:ID", "endpoint:ID", or "shared".
type listenSpec struct {
	owner string
	addr  netip.AddrPort
}

const sharedOwner = "shared"

func newState(v *view.View, stdout io.Writer, logOpts querylog.Options) (*state, error) {
	n := v.Network
	st := &state{
		view:          v,
		net:           n,
		owners:        map[string]*view.VPC{},
		endpoints:     map[string]string{},
		instances:     map[instanceKey]string{},
		targets:       map[*view.Forward][]forward.Target{},
		paths:         map[*view.Forward]forward.PathFunc{},
		memo:          map[*view.VPC]*memoTable{},
		logsCacheHits: map[*view.VPC]bool{},
	}
	for _, c := range n.VPCs {
		vpc := v.VPC(c.ID)
		st.owners["vpc:"+c.ID] = vpc
		st.memo[vpc] = &memoTable{m: map[string]*memoEntry{}}
		for _, p := range c.CIDRs {
			st.bySource = append(st.bySource, sourceCIDR{prefix: p, vpc: vpc})
		}
		for _, in := range c.Instances {
			for _, ip := range in.PrivateIPs {
				st.instances[instanceKey{c.ID, ip}] = in.ID
			}
		}
	}
	// A source mapped to an instance (emulation.source_map) is that
	// instance in the query logs, as on AWS.
	for src, id := range n.Emulation.SourceMap {
		for _, c := range n.VPCs {
			for _, in := range c.Instances {
				if in.ID == id {
					st.instances[instanceKey{c.ID, src}] = id
				}
			}
		}
	}
	// Most specific CIDR first, so the first match wins.
	for i := 1; i < len(st.bySource); i++ {
		for j := i; j > 0 && st.bySource[j].prefix.Bits() > st.bySource[j-1].prefix.Bits(); j-- {
			st.bySource[j], st.bySource[j-1] = st.bySource[j-1], st.bySource[j]
		}
	}
	for _, e := range n.Endpoints {
		if !e.Outbound {
			st.owners["endpoint:"+e.ID] = v.VPC(e.VPC.ID)
			st.endpoints["endpoint:"+e.ID] = e.ID
		}
	}
	for _, f := range v.Forwards() {
		st.targets[f] = forwardTargets(f)
	}
	auth, err := authZones(n.Emulation.AuthServers)
	if err != nil {
		return nil, err
	}
	st.auth = auth
	if len(n.QueryLogs) > 0 {
		var dests []querylog.Destination
		for _, ql := range n.QueryLogs {
			d := querylog.Destination{Name: ql.ID, CacheHits: ql.LogCacheHits}
			if ql.Destination == "stdout" {
				d.Writer = stdout
			} else {
				d.Path = ql.Destination
			}
			for _, c := range ql.VPCs {
				d.VPCs = append(d.VPCs, c.ID)
				if ql.LogCacheHits {
					st.logsCacheHits[v.VPC(c.ID)] = true
				}
			}
			dests = append(dests, d)
		}
		lg, err := querylog.New(dests, logOpts)
		if err != nil {
			return nil, err
		}
		st.qlog = lg
	}
	return st, nil
}

// listens returns every socket the configuration asks for.
func (st *state) listens() []listenSpec {
	var out []listenSpec
	for _, c := range st.net.VPCs {
		for _, a := range c.ResolverListen {
			out = append(out, listenSpec{owner: "vpc:" + c.ID, addr: a})
		}
	}
	for _, e := range st.net.Endpoints {
		for _, a := range e.Listen {
			out = append(out, listenSpec{owner: "endpoint:" + e.ID, addr: a})
		}
	}
	return out
}

// vpcFor returns the VPC a query belongs to (behaviour.md §1), or nil.
func (st *state) vpcFor(owner string, src netip.Addr) *view.VPC {
	if owner != sharedOwner {
		return st.owners[owner]
	}
	src = src.Unmap()
	for _, s := range st.bySource {
		if s.prefix.Contains(src) {
			return s.vpc
		}
	}
	return nil
}

// closeLog flushes and closes the query log of st, if it has one.
func (st *state) closeLog(ctx context.Context) error {
	if st.qlog == nil {
		return nil
	}
	return st.qlog.Close(ctx)
}
