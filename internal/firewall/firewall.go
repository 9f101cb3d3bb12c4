// Package firewall is the compiled Route 53 Resolver DNS Firewall of one
// network: every domain list in one hash table that costs one probe per
// label of a query name, and, per VPC, the rules of its associated rule
// groups in the order DNS Firewall evaluates them (association priority,
// then rule priority). It decides; the server builds the answers.
// docs/firewall.md says what it follows and where AWS is silent.
package firewall

import (
	"slices"
	"strconv"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// Action is what a rule does with a query it matches.
type Action uint8

const (
	Allow Action = iota
	Block
	Alert
)

func (a Action) String() string {
	switch a {
	case Block:
		return "BLOCK"
	case Alert:
		return "ALERT"
	}
	return "ALLOW"
}

// Response is the answer of a BLOCK rule.
type Response uint8

const (
	NoData Response = iota
	NXDomain
	Override
)

func (r Response) String() string {
	switch r {
	case NXDomain:
		return "NXDOMAIN"
	case Override:
		return "OVERRIDE"
	}
	return "NODATA"
}

// Rule is one rule as a VPC evaluates it.
type Rule struct {
	Config      *config.FirewallRule
	Association *config.FirewallAssociation
	GroupID     string
	ListID      string
	Action      Action
	Response    Response
	list        int32 // index of the list in the engine
}

// String names the rule for messages: "rule block-bad (priority 100) of
// rule group rslvr-frg-1".
func (r *Rule) String() string {
	return "rule " + r.Config.Name + " (priority " + strconv.Itoa(r.Config.Priority) + ") of rule group " + r.GroupID
}

// entry is what the table holds for one name: the set of lists that hold
// the name itself, and the set that hold "*." + the name.
type entry struct {
	exact, wild uint32 // indices into Engine.sets; 0 is the empty set
}

// Engine is the compiled firewall of a network. It is immutable.
type Engine struct {
	table map[string]entry
	sets  [][]int32
	lists []*config.FirewallDomainList
	vpcs  map[*config.VPC]*VPC
	// Domains is the number of entries in the table.
	Domains int
}

// VPC is the firewall of one VPC: its rules in evaluation order.
type VPC struct {
	e        *Engine
	Rules    []*Rule
	FailOpen bool // FirewallFailOpen ENABLED
	// Failing makes every decision fail (firewall_configs emulate_failure).
	Failing bool
}

// Compile builds the firewall of a validated network. Only lists that a
// rule of an associated group uses go into the table.
func Compile(n *config.Network) *Engine {
	fw := &n.Firewall
	e := &Engine{vpcs: map[*config.VPC]*VPC{}, sets: [][]int32{nil}}
	index := map[*config.FirewallDomainList]int32{}
	for _, a := range fw.Associations {
		for _, r := range a.Group.Rules {
			if _, ok := index[r.List]; !ok {
				index[r.List] = int32(len(e.lists))
				e.lists = append(e.lists, r.List)
			}
		}
	}
	total := 0
	for _, l := range e.lists {
		total += len(l.Domains)
	}
	e.table = make(map[string]entry, total)
	b := &setBuilder{e: e, union: map[[2]uint32]uint32{}, single: make([]uint32, len(e.lists))}
	for li, l := range e.lists {
		for _, d := range l.Domains {
			key, wild := d, false
			switch {
			case d == "*":
				key, wild = ".", true
			case strings.HasPrefix(d, "*."):
				key, wild = d[2:], true
			}
			en := e.table[key]
			if wild {
				en.wild = b.add(en.wild, int32(li))
			} else {
				en.exact = b.add(en.exact, int32(li))
			}
			e.table[key] = en
		}
	}
	e.Domains = len(e.table)
	assocs := slices.Clone(fw.Associations)
	slices.SortStableFunc(assocs, func(x, y *config.FirewallAssociation) int { return x.Priority - y.Priority })
	for _, a := range assocs {
		v := e.vpcs[a.VPC]
		if v == nil {
			v = &VPC{e: e}
			if c := fw.ConfigFor(a.VPC); c != nil {
				v.FailOpen = c.FailOpen == "ENABLED"
				v.Failing = c.EmulateFailure
			}
			e.vpcs[a.VPC] = v
		}
		for _, r := range a.Group.Rules {
			cr := &Rule{Config: r, Association: a, GroupID: a.Group.ID, ListID: r.List.ID, list: index[r.List]}
			switch r.Action {
			case "BLOCK":
				cr.Action = Block
			case "ALERT":
				cr.Action = Alert
			}
			switch r.BlockResponse {
			case "NXDOMAIN":
				cr.Response = NXDomain
			case "OVERRIDE":
				cr.Response = Override
			}
			v.Rules = append(v.Rules, cr)
		}
	}
	return e
}

// setBuilder interns the sets of list indices of the table's entries.
type setBuilder struct {
	e      *Engine
	union  map[[2]uint32]uint32 // (set, list) → set ∪ {list}
	byKey  map[string]uint32
	single []uint32 // {list}, once made: the usual case costs no hashing
}

func (b *setBuilder) add(set uint32, li int32) uint32 {
	if set == 0 && b.single[li] != 0 {
		return b.single[li]
	}
	k := [2]uint32{set, uint32(li)}
	if s, ok := b.union[k]; ok {
		return s
	}
	old := b.e.sets[set]
	if slices.Contains(old, li) {
		b.union[k] = set
		return set
	}
	next := append(slices.Clone(old), li)
	slices.Sort(next)
	var key strings.Builder
	for _, x := range next {
		key.WriteString(strconv.Itoa(int(x)))
		key.WriteByte(',')
	}
	if b.byKey == nil {
		b.byKey = map[string]uint32{}
	}
	s, ok := b.byKey[key.String()]
	if !ok {
		s = uint32(len(b.e.sets))
		b.e.sets = append(b.e.sets, next)
		b.byKey[key.String()] = s
	}
	b.union[k] = s
	if set == 0 {
		b.single[li] = s
	}
	return s
}

// VPC returns the firewall of a VPC, or nil when no rule group is
// associated with it.
func (e *Engine) VPC(v *config.VPC) *VPC {
	if e == nil {
		return nil
	}
	return e.vpcs[v]
}

// matches are the lists a name is in, collected without allocating for
// the usual few.
type matches struct {
	n     int
	small [8]int32
	more  []int32
}

func (m *matches) add(set []int32) {
	for _, li := range set {
		if m.n < len(m.small) {
			m.small[m.n] = li
		} else {
			m.more = append(m.more, li)
		}
		m.n++
	}
}

func (m *matches) has(li int32) bool {
	for i := 0; i < m.n && i < len(m.small); i++ {
		if m.small[i] == li {
			return true
		}
	}
	return slices.Contains(m.more, li)
}

// lookup finds the lists that hold name: the name itself, or "*." and one
// of its ancestors (so *.example.com. holds www.example.com. and
// a.b.example.com., not example.com.), or "*". One table probe per label.
func (e *Engine) lookup(name dnsname.Name, m *matches) {
	s := string(name)
	if en, ok := e.table[s]; ok && en.exact != 0 {
		m.add(e.sets[en.exact])
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '.' {
			continue
		}
		anc := s[i+1:]
		if anc == "" {
			if s == "." {
				break
			}
			anc = "."
		}
		if en, ok := e.table[anc]; ok && en.wild != 0 {
			m.add(e.sets[en.wild])
		}
	}
}

// Decision is the outcome of the firewall for one name.
type Decision struct {
	// Acted is the first ALLOW or BLOCK rule that matched, or nil.
	Acted *Rule
	// Alerts are the ALERT rules that matched before it, in order (at
	// most len(alerts); more are counted in NAlerts).
	alerts  [4]*Rule
	NAlerts int
	// Failed is a firewall that could not decide (emulated failure).
	Failed bool
}

// Alerts returns the ALERT rules that matched.
func (d *Decision) Alerts() []*Rule { return d.alerts[:min(d.NAlerts, len(d.alerts))] }

// Blocked reports whether a BLOCK rule acted.
func (d *Decision) Blocked() bool { return d.Acted != nil && d.Acted.Action == Block }

// Logged is the rule the query log names: the acting BLOCK rule, else the
// first ALERT rule (AWS fills the firewall fields for alert and block
// only), else nil.
func (d *Decision) Logged() *Rule {
	if d.Blocked() {
		return d.Acted
	}
	if d.NAlerts > 0 {
		return d.alerts[0]
	}
	return nil
}

// Evaluate runs the VPC's rules on name (asked with qtype): rule groups by
// association priority, rules by priority; the first ALLOW or BLOCK ends
// it, ALERT is noted and evaluation goes on. redirect marks a name of the
// CNAME/DNAME chain of an answer rather than the query name: only rules
// that inspect redirection domains see it.
func (v *VPC) Evaluate(name dnsname.Name, qtype uint16, redirect bool) Decision {
	var d Decision
	if v == nil {
		return d
	}
	if v.Failing {
		d.Failed = true
		return d
	}
	var m matches
	v.e.lookup(name, &m)
	if m.n == 0 {
		return d
	}
	for _, r := range v.Rules {
		if !r.applies(qtype, redirect) || !m.has(r.list) {
			continue
		}
		if r.Action == Alert {
			if d.NAlerts < len(d.alerts) {
				d.alerts[d.NAlerts] = r
			}
			d.NAlerts++
			continue
		}
		d.Acted = r
		return d
	}
	return d
}

func (r *Rule) applies(qtype uint16, redirect bool) bool {
	if redirect && r.Config.TrustRedirect {
		return false
	}
	return r.Config.Qtype == 0 || r.Config.Qtype == qtype
}

// Step is one rule as Trace saw it.
type Step struct {
	Rule *Rule
	// Entry is the list entry that matched ("bad.example." or
	// "*.example."), "" when the name is not in the rule's list.
	Entry string
	// Skipped says why a rule that holds the name did not apply ("query
	// type A, the rule is for AAAA"), "" otherwise.
	Skipped string
	// Result is "ALLOW", "BLOCK" or "ALERT" for a rule that matched, "".
	Result string
}

// Trace returns every rule of the VPC as evaluated for name, up to and
// including the one that acted, and the decision (explain).
func (v *VPC) Trace(name dnsname.Name, qtype uint16, redirect bool) ([]Step, Decision) {
	d := v.Evaluate(name, qtype, redirect)
	if v == nil {
		return nil, d
	}
	var steps []Step
	for _, r := range v.Rules {
		st := Step{Rule: r, Entry: entryFor(v.e.lists[r.list], name)}
		if st.Entry != "" {
			switch {
			case redirect && r.Config.TrustRedirect:
				st.Skipped = "the rule trusts redirection domains (TRUST_REDIRECTION_DOMAIN)"
			case r.Config.Qtype != 0 && r.Config.Qtype != qtype:
				st.Skipped = "the rule is for query type " + r.Config.QtypeText
			default:
				st.Result = r.Action.String()
			}
		}
		steps = append(steps, st)
		if r == d.Acted {
			break
		}
	}
	return steps, d
}

// entryFor returns the entry of l that holds name, or "" (explain only: it
// scans the list).
func entryFor(l *config.FirewallDomainList, name dnsname.Name) string {
	s := string(name)
	for _, d := range l.Domains {
		switch {
		case d == s:
			return d
		case d == "*":
			if s != "." {
				return d
			}
		case strings.HasPrefix(d, "*.") && len(s) > len(d)-2 && strings.HasSuffix(s, d[1:]):
			return d
		}
	}
	return ""
}
