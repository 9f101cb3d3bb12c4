// Package diff compares the DNS behaviour of two compiled networks: for every
// VPC of either, and every domain that is a candidate of that VPC in either,
// the decision each network makes (vpcdns diff, cli.md "diff -o json").
//
// Why the candidate domains are enough: a query name is decided by the
// candidates whose domains are its parents, so two names with the same most
// specific candidate domain in the union of both networks' domains walk the
// same candidates in each network and get the same decisions. Comparing the
// decision of every domain of the union therefore compares the decision of
// every possible name.
//
// The decisions are the view's own (view.VPC.Decide); this package only
// compares them. It does no I/O.
package diff

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/netpath"
	"github.com/vpcdns/vpcdns/internal/view"
)

// Kinds of change (cli.md): add, never rename.
const (
	KindDecision   = "decision"    // another candidate wins, or a system rule now or no longer sends it here
	KindTargets    = "targets"     // the same forward, to other targets
	KindPath       = "path"        // the same forward and targets, a path verdict changed
	KindVPCAdded   = "vpc-added"   // the VPC is only in the new network
	KindVPCRemoved = "vpc-removed" // the VPC is only in the old network
)

// Report is the diff -o json object. The keys are a contract: add, never
// rename.
type Report struct {
	Old     string   `json:"old"`
	New     string   `json:"new"`
	Changes []Change `json:"changes"`
	// Compared is what was compared: the VPCs of both networks and the
	// domains of the VPCs present in both.
	Compared Compared `json:"compared"`
}

// Compared counts what a diff looked at.
type Compared struct {
	VPCs    int `json:"vpcs"`
	Domains int `json:"domains"`
}

// Change is one decision that differs between the two networks.
type Change struct {
	VPC    string `json:"vpc"`
	Domain string `json:"domain"` // empty for vpc-added and vpc-removed
	Kind   string `json:"kind"`
	Old    *Side  `json:"old,omitempty"`
	New    *Side  `json:"new,omitempty"`
}

// Side is the decision of one network for the change's VPC and domain.
type Side struct {
	Source string `json:"source"`
	ID     string `json:"id"`
	Domain string `json:"domain"`
	Via    string `json:"via,omitempty"` // the system rule that sent the query here
	// Targets are the forward's targets, for the kinds targets and path.
	Targets []Target `json:"targets,omitempty"`
}

// Target is one target of a forward; Paths only for the kind path.
type Target struct {
	Target string `json:"target"` // ip:port as modeled
	Paths  []Path `json:"paths,omitempty"`
}

// Path is the verdict of one path to a target.
type Path struct {
	EndpointIP string `json:"endpoint_ip"`
	Protocol   string `json:"protocol"`
	Verdict    string `json:"verdict"`
}

// Compare returns the report of the decisions that differ from old to new,
// in a stable order: VPCs by id, domains in DNS order (a parent before its
// children), so two runs on the same files print the same report.
func Compare(old, new *view.View, oldLabel, newLabel string) *Report {
	r := &Report{Old: oldLabel, New: newLabel, Changes: []Change{}}
	ids := vpcIDs(old, new)
	r.Compared.VPCs = len(ids)
	// VPCs are independent: compared at once, one goroutine each (the
	// views are immutable), and reported in id order.
	type result struct {
		changes []Change
		domains int
	}
	results := make([]result, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		ov, nv := old.VPC(id), new.VPC(id)
		switch {
		case ov == nil:
			results[i].changes = []Change{{VPC: id, Kind: KindVPCAdded}}
		case nv == nil:
			results[i].changes = []Change{{VPC: id, Kind: KindVPCRemoved}}
		default:
			wg.Go(func() { results[i].changes, results[i].domains = compareVPC(nil, id, ov, nv) })
		}
	}
	wg.Wait()
	for _, res := range results {
		r.Changes = append(r.Changes, res.changes...)
		r.Compared.Domains += res.domains
	}
	return r
}

// Changed reports whether the two networks behave differently.
func (r *Report) Changed() bool { return len(r.Changes) > 0 }

func vpcIDs(old, new *view.View) []string {
	seen := map[string]bool{}
	var ids []string
	for _, v := range [2]*view.View{old, new} {
		for _, c := range v.Network.VPCs {
			if !seen[c.ID] {
				seen[c.ID] = true
				ids = append(ids, c.ID)
			}
		}
	}
	slices.Sort(ids)
	return ids
}

func compareVPC(out []Change, id string, ov, nv *view.VPC) ([]Change, int) {
	var changed []Change
	n := 0
	check := func(d dnsname.Name) {
		n++
		if c, ok := compareDomain(id, d, ov.Decide(d), nv.Decide(d)); ok {
			changed = append(changed, c)
		}
	}
	// Every domain of the old VPC, then those only the new one has: the
	// union, without building it.
	ov.Domains(check)
	nv.Domains(func(d dnsname.Name) {
		if !ov.HasDomain(d) {
			check(d)
		}
	})
	slices.SortFunc(changed, func(a, b Change) int { return dnsOrder(a.Domain, b.Domain) })
	return append(out, changed...), n
}

// compareDomain compares the two decisions for one domain. The kinds are
// exclusive, checked in order: another winner (or via) is a decision change;
// the same forward with other targets a targets change; otherwise a changed
// path verdict a path change.
func compareDomain(vpc string, d dnsname.Name, o, n view.Decision) (Change, bool) {
	c := Change{VPC: vpc, Domain: d.String()}
	if !sameWinner(o, n) {
		c.Kind = KindDecision
		c.Old, c.New = side(o), side(n)
		return c, true
	}
	if o.Winner == nil || o.Winner.Forward == nil || n.Winner.Forward == nil {
		return c, false
	}
	of, nf := o.Winner.Forward, n.Winner.Forward
	if !sameTargets(of, nf) {
		c.Kind = KindTargets
		c.Old, c.New = side(o), side(n)
		c.Old.Targets, c.New.Targets = targets(of, false), targets(nf, false)
		return c, true
	}
	if !samePaths(of, nf) {
		c.Kind = KindPath
		c.Old, c.New = side(o), side(n)
		c.Old.Targets, c.New.Targets = targets(of, true), targets(nf, true)
		return c, true
	}
	return c, false
}

func sameWinner(o, n view.Decision) bool {
	return sameCandidate(o.Winner, n.Winner) && sameCandidate(o.Via, n.Via)
}

func sameCandidate(a, b *view.Candidate) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Source == b.Source && a.ID == b.ID && a.Domain == b.Domain
}

// sameTargets compares the modeled targets as sets: Route 53 Resolver picks
// among them in random order, so their order in the file is no behaviour.
func sameTargets(o, n *view.Forward) bool {
	if len(o.Targets) != len(n.Targets) {
		return false
	}
	inOrder := true
	for i := range o.Targets {
		if o.Targets[i].Modeled != n.Targets[i].Modeled {
			inOrder = false
			break
		}
	}
	if inOrder {
		return true
	}
	a, b := targetAddrs(o), targetAddrs(n)
	return slices.Equal(a, b)
}

func targetAddrs(f *view.Forward) []netip.AddrPort {
	out := make([]netip.AddrPort, len(f.Targets))
	for i, t := range f.Targets {
		out[i] = t.Modeled
	}
	slices.SortFunc(out, netip.AddrPort.Compare)
	return out
}

// samePaths compares, target by target, the verdict of every path. Called
// only with the same target set.
func samePaths(o, n *view.Forward) bool {
	for i := range o.Targets {
		ot := &o.Targets[i]
		nt := &n.Targets[i]
		if ot.Modeled != nt.Modeled {
			j := slices.IndexFunc(n.Targets, func(t view.Target) bool { return t.Modeled == ot.Modeled })
			nt = &n.Targets[j]
		}
		if !samePathVerdicts(ot.Paths, nt.Paths) {
			return false
		}
	}
	return true
}

// samePathVerdicts compares two targets' paths: the same (endpoint address,
// protocol) pairs with the same verdicts. Paths of one view come in the
// same order for the same endpoint, so the common case allocates nothing.
func samePathVerdicts(a, b []netpath.Path) bool {
	if len(a) != len(b) {
		return false
	}
	inOrder := true
	for i := range a {
		if a[i].EndpointIP != b[i].EndpointIP || a[i].Protocol != b[i].Protocol {
			inOrder = false
			break
		}
		if a[i].Verdict != b[i].Verdict {
			return false
		}
	}
	if inOrder {
		return true
	}
	return slices.Equal(pathsOf(a), pathsOf(b))
}

// pathsOf lists the verdicts of a target's paths in a stable order.
func pathsOf(ps []netpath.Path) []Path {
	out := make([]Path, 0, len(ps))
	for _, p := range ps {
		out = append(out, Path{EndpointIP: p.EndpointIP.String(), Protocol: p.Protocol.String(), Verdict: p.Verdict.String()})
	}
	slices.SortFunc(out, func(a, b Path) int {
		return cmp.Or(cmp.Compare(a.EndpointIP, b.EndpointIP), cmp.Compare(a.Protocol, b.Protocol))
	})
	return out
}

func side(d view.Decision) *Side {
	if d.Winner == nil {
		return &Side{Source: view.SourceNone.String()}
	}
	s := &Side{Source: d.Winner.Source.String(), ID: d.Winner.ID, Domain: d.Winner.Domain.String()}
	if d.Via != nil {
		s.Via = d.Via.ID
	}
	return s
}

func targets(f *view.Forward, withPaths bool) []Target {
	out := make([]Target, 0, len(f.Targets))
	for _, t := range f.Targets {
		tt := Target{Target: t.Modeled.String()}
		if withPaths {
			tt.Paths = pathsOf(t.Paths)
		}
		out = append(out, tt)
	}
	slices.SortFunc(out, func(a, b Target) int { return cmp.Compare(a.Target, b.Target) })
	return out
}

// dnsOrder orders domains label by label from the root, so a parent comes
// before its children and siblings sort together.
func dnsOrder(a, b string) int {
	for a != "" || b != "" {
		var la, lb string
		a, la = lastLabel(a)
		b, lb = lastLabel(b)
		if c := cmp.Compare(la, lb); c != 0 {
			return c
		}
	}
	return 0
}

// lastLabel splits "x.y.z." into "x.y." and "z".
func lastLabel(s string) (rest, label string) {
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return "", ""
	}
	i := strings.LastIndexByte(s, '.')
	return s[:i+1], s[i+1:]
}
