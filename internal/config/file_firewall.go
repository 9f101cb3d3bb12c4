package config

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// The network.yaml keys of Route 53 Resolver DNS Firewall, their
// validation, and the typed Firewall of a Network. The meaning of each key
// is in docs/firewall.md.

// FirewallDomainListFile is one entry of firewall_domain_lists.
type FirewallDomainListFile struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// Domains are the list's entries: a name, "*." and a name (every name
	// below it), or "*" (every name).
	Domains []string `yaml:"domains,omitempty" json:"domains,omitempty"`
	// DomainsFile is a file of entries, one per line (blank lines are
	// skipped), relative to the network file; read with Domains.
	DomainsFile string `yaml:"domains_file,omitempty" json:"domains_file,omitempty"`
	// ManagedName makes the entry the contents of an AWS-managed list
	// (AWSManagedDomainsMalwareDomainList, …), which AWS does not publish.
	ManagedName string `yaml:"managed_name,omitempty" json:"managed_name,omitempty"`
}

// FirewallRuleGroupFile is one entry of firewall_rule_groups.
type FirewallRuleGroupFile struct {
	ID    string             `yaml:"id" json:"id"`
	Name  string             `yaml:"name,omitempty" json:"name,omitempty"`
	Rules []FirewallRuleFile `yaml:"rules,omitempty" json:"rules,omitempty"`
}

// FirewallRuleFile is one rule of a rule group.
type FirewallRuleFile struct {
	Name     string `yaml:"name" json:"name"`
	Priority *int   `yaml:"priority" json:"priority"`
	// DomainList is the id of a firewall_domain_lists entry, or the name of
	// an AWS-managed list.
	DomainList          string `yaml:"firewall_domain_list" json:"firewall_domain_list"`
	Action              string `yaml:"action" json:"action"`                                     // ALLOW | BLOCK | ALERT
	BlockResponse       string `yaml:"block_response,omitempty" json:"block_response,omitempty"` // NODATA | NXDOMAIN | OVERRIDE
	BlockOverrideDomain string `yaml:"block_override_domain,omitempty" json:"block_override_domain,omitempty"`
	BlockOverrideType   string `yaml:"block_override_dns_type,omitempty" json:"block_override_dns_type,omitempty"` // CNAME
	BlockOverrideTTL    *int   `yaml:"block_override_ttl,omitempty" json:"block_override_ttl,omitempty"`
	Qtype               string `yaml:"qtype,omitempty" json:"qtype,omitempty"`
	// Redirection is INSPECT_REDIRECTION_DOMAIN [default] or TRUST_REDIRECTION_DOMAIN.
	Redirection string `yaml:"redirection_action,omitempty" json:"redirection_action,omitempty"`
}

// FirewallAssociationFile is one entry of firewall_rule_group_associations.
type FirewallAssociationFile struct {
	ID        string `yaml:"id,omitempty" json:"id,omitempty"` // [derived from the group and the vpc]
	Name      string `yaml:"name,omitempty" json:"name,omitempty"`
	RuleGroup string `yaml:"firewall_rule_group" json:"firewall_rule_group"`
	VPC       string `yaml:"vpc" json:"vpc"`
	Priority  *int   `yaml:"priority" json:"priority"`
	// MutationProtection is ENABLED or DISABLED [DISABLED].
	MutationProtection string `yaml:"mutation_protection,omitempty" json:"mutation_protection,omitempty"`
}

// FirewallConfigFile is one entry of firewall_configs: the firewall
// behaviour of one VPC.
type FirewallConfigFile struct {
	ID  string `yaml:"id,omitempty" json:"id,omitempty"` // [derived from the vpc]
	VPC string `yaml:"vpc" json:"vpc"`
	// FailOpen is ENABLED, DISABLED or USE_LOCAL_RESOURCE_SETTING [DISABLED].
	FailOpen string `yaml:"firewall_fail_open,omitempty" json:"firewall_fail_open,omitempty"`
	// EmulateFailure (vpcdns only) makes the firewall of the VPC fail, so
	// that fail open and fail closed can be tried.
	EmulateFailure bool `yaml:"emulate_failure,omitempty" json:"emulate_failure,omitempty"`
}

// Firewall is the validated DNS Firewall of a network.
type Firewall struct {
	// DomainLists are the file's lists in file order, then the AWS-managed
	// lists the file does not supply (empty).
	DomainLists  []*FirewallDomainList
	RuleGroups   []*FirewallRuleGroup
	Associations []*FirewallAssociation
	Configs      []*FirewallConfig
}

// FirewallDomainList is a domain list. Domains are canonical: lower case,
// a trailing dot, wildcards as "*." + name or "*".
type FirewallDomainList struct {
	ID          string
	Name        string
	ManagedName string // the AWS-managed list this is, or ""
	Builtin     bool   // an AWS-managed list the file does not supply
	Domains     []string
}

// FirewallRuleGroup is a rule group with its rules, by priority.
type FirewallRuleGroup struct {
	ID    string
	Name  string
	Rules []*FirewallRule
}

// FirewallRule is one rule of a rule group.
type FirewallRule struct {
	Group          *FirewallRuleGroup
	Name           string
	Priority       int
	List           *FirewallDomainList
	Action         string // ALLOW | BLOCK | ALERT
	BlockResponse  string // NODATA | NXDOMAIN | OVERRIDE, for BLOCK
	OverrideDomain dnsname.Name
	OverrideTTL    uint32
	Qtype          uint16 // 0: every type
	QtypeText      string // as written, "" for every type
	TrustRedirect  bool   // TRUST_REDIRECTION_DOMAIN
}

// FirewallAssociation associates a rule group with a VPC.
type FirewallAssociation struct {
	ID                 string
	Name               string
	Group              *FirewallRuleGroup
	VPC                *VPC
	Priority           int
	MutationProtection bool
}

// FirewallConfig is the firewall behaviour of one VPC.
type FirewallConfig struct {
	ID             string
	VPC            *VPC
	FailOpen       string // ENABLED | DISABLED | USE_LOCAL_RESOURCE_SETTING
	EmulateFailure bool
}

// ManagedDomainLists are the names of the AWS-managed domain lists. AWS
// does not publish their contents: vpcdns has them empty unless the file
// supplies them (managed_name).
var ManagedDomainLists = []string{
	"AWSManagedDomainsAggregateThreatList",
	"AWSManagedDomainsAmazonGuardDutyThreatList",
	"AWSManagedDomainsBotnetCommandandControl",
	"AWSManagedDomainsMalwareDomainList",
}

// ManagedListOwner is the ManagedOwnerName of the AWS-managed lists.
const ManagedListOwner = "Route 53 Resolver DNS Firewall"

// ManagedListID is the id of a built-in AWS-managed list.
func ManagedListID(name string) string { return DerivedFirewallID("rslvr-fdl-", name) }

// DerivedFirewallID is prefix and 17 hex digits of the SHA-256 of key: the
// id of a firewall resource written without one.
func DerivedFirewallID(prefix, key string) string {
	sum := sha256.Sum256([]byte(key))
	return prefix + hex.EncodeToString(sum[:])[:17]
}

// ConfigFor returns the firewall config of a VPC, or nil (the defaults).
func (f *Firewall) ConfigFor(v *VPC) *FirewallConfig {
	for _, c := range f.Configs {
		if c.VPC == v {
			return c
		}
	}
	return nil
}

// CanonicalDomain checks a domain list entry and returns its canonical
// form, or a reason it is invalid. AWS allows 1 to 255 characters of
// A-Z a-z 0-9 - and ., optionally starting with *.
func CanonicalDomain(s string) (string, string) {
	if s == "" || len(s) > 255 {
		return "", "must be 1 to 255 characters"
	}
	if s == "*" || s == "*." {
		return "*", ""
	}
	rest := s
	if strings.HasPrefix(s, "*") {
		if !strings.HasPrefix(s, "*.") {
			return "", "a wildcard is * alone or *. followed by a domain"
		}
		rest = s[2:]
	}
	if strings.HasSuffix(rest, ".") {
		rest = rest[:len(rest)-1]
	}
	if rest == "" {
		return "", "has no domain"
	}
	upper := false
	label := 0
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch {
		case c == '.':
			if label == 0 {
				return "", "has an empty label"
			}
			label = 0
			continue
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return "", "may hold only letters, digits, - and . (and a leading *)"
		}
		label++
		if label > 63 {
			return "", "has a label longer than 63 characters"
		}
	}
	if label == 0 {
		return "", "has an empty label"
	}
	out := s
	if upper {
		out = strings.ToLower(out)
	}
	if !strings.HasSuffix(out, ".") {
		out += "."
	}
	return out, ""
}

// ParseQtype reads a Qtype member: a type mnemonic (A, AAAA, MX, …) or
// TYPEnnn.
func ParseQtype(s string) (uint16, bool) {
	u := strings.ToUpper(s)
	if t, ok := dns.StringToType[u]; ok && t != dns.TypeNone && t != dns.TypeANY {
		return t, true
	}
	if n, ok := strings.CutPrefix(u, "TYPE"); ok {
		v, err := strconv.ParseUint(n, 10, 16)
		if err == nil && v > 0 {
			return uint16(v), true
		}
	}
	return 0, false
}

func (b *builder) firewall() {
	fw := &b.n.Firewall
	lists := map[string]*FirewallDomainList{} // by id and by managed name
	for i, lf := range b.f.FirewallDomainLists {
		at := index("firewall_domain_lists", i)
		l := &FirewallDomainList{ID: lf.ID, Name: lf.Name}
		if l.Name == "" {
			l.Name = lf.ID
		}
		b.register(field(at, "id"), lf.ID, l)
		if lf.ManagedName != "" {
			if !slices.Contains(ManagedDomainLists, lf.ManagedName) {
				b.c.add(field(at, "managed_name"), lf.ManagedName, "is not an AWS-managed domain list ("+orList(ManagedDomainLists)+")")
			} else if prev, dup := lists[lf.ManagedName]; dup {
				b.c.add(field(at, "managed_name"), lf.ManagedName, "is already supplied by "+prev.ID)
			} else {
				l.ManagedName = lf.ManagedName
				lists[lf.ManagedName] = l
			}
		}
		var entries []string
		for j, d := range lf.Domains {
			c, why := CanonicalDomain(d)
			if why != "" {
				b.c.add(index(field(at, "domains"), j), d, why)
				continue
			}
			entries = append(entries, c)
		}
		if lf.DomainsFile != "" {
			p := field(at, "domains_file")
			data, err := os.ReadFile(b.absPath(lf.DomainsFile))
			if err != nil {
				b.c.add(p, lf.DomainsFile, "cannot be read: "+err.Error())
			} else {
				entries = append(entries, b.domainsFile(p, data)...)
			}
		}
		l.Domains = dedupeDomains(entries)
		if lf.ID != "" {
			lists[lf.ID] = l
		}
		fw.DomainLists = append(fw.DomainLists, l)
	}
	for _, name := range ManagedDomainLists {
		if lists[name] == nil {
			l := &FirewallDomainList{ID: ManagedListID(name), Name: name, ManagedName: name, Builtin: true}
			lists[name], lists[l.ID] = l, l
			fw.DomainLists = append(fw.DomainLists, l)
		}
	}
	for i, gf := range b.f.FirewallRuleGroups {
		at := index("firewall_rule_groups", i)
		g := &FirewallRuleGroup{ID: gf.ID, Name: gf.Name}
		if g.Name == "" {
			g.Name = gf.ID
		}
		b.register(field(at, "id"), gf.ID, g)
		prios := map[int]int{}
		keys := map[string]int{}
		for j, rf := range gf.Rules {
			rat := index(field(at, "rules"), j)
			r := b.firewallRule(rat, rf, lists)
			if r == nil {
				continue
			}
			r.Group = g
			if k, dup := prios[r.Priority]; dup {
				b.c.add(field(rat, "priority"), strconv.Itoa(r.Priority), sprintf("is already the priority of %s: priorities are unique in a rule group", index(field(at, "rules"), k)))
				continue
			}
			key := r.List.ID + "|" + r.QtypeText
			if k, dup := keys[key]; dup {
				b.c.add(field(rat, "firewall_domain_list"), rf.DomainList, sprintf("already has a rule with this query type in the group (%s)", index(field(at, "rules"), k)))
				continue
			}
			prios[r.Priority], keys[key] = j, j
			g.Rules = append(g.Rules, r)
		}
		slices.SortStableFunc(g.Rules, func(x, y *FirewallRule) int { return x.Priority - y.Priority })
		fw.RuleGroups = append(fw.RuleGroups, g)
	}
	type vpcPrio struct {
		vpc  *VPC
		prio int
	}
	type vpcGroup struct {
		vpc   *VPC
		group *FirewallRuleGroup
	}
	usedPrio := map[vpcPrio]string{}
	usedGroup := map[vpcGroup]string{}
	for i, af := range b.f.FirewallAssocs {
		at := index("firewall_rule_group_associations", i)
		a := &FirewallAssociation{ID: af.ID, Name: af.Name}
		if a.ID == "" {
			a.ID = DerivedFirewallID("rslvr-frgassoc-", af.RuleGroup+"|"+af.VPC)
		}
		if a.Name == "" {
			a.Name = a.ID
		}
		b.register(field(at, "id"), a.ID, a)
		g, gok := ref[*FirewallRuleGroup](b, field(at, "firewall_rule_group"), af.RuleGroup, "firewall rule group")
		v, vok := ref[*VPC](b, field(at, "vpc"), af.VPC, "vpc")
		a.Group, a.VPC = g, v
		pat := field(at, "priority")
		pok := false
		switch {
		case af.Priority == nil:
			b.c.add(pat, "", "is required (101 to 9899, unique per vpc)")
		case *af.Priority <= 100 || *af.Priority >= 9900:
			b.c.add(pat, strconv.Itoa(*af.Priority), "must be between 100 and 9900 (exclusive)")
		default:
			a.Priority, pok = *af.Priority, true
		}
		mp, _ := b.enum(field(at, "mutation_protection"), af.MutationProtection, "DISABLED", "ENABLED", "DISABLED")
		a.MutationProtection = mp == "ENABLED"
		if !gok || !vok || !pok {
			continue
		}
		if prev, dup := usedPrio[vpcPrio{v, a.Priority}]; dup {
			b.c.add(pat, strconv.Itoa(a.Priority), "is already the priority of association "+prev+" of "+v.ID+": priorities are unique per vpc")
			continue
		}
		if prev, dup := usedGroup[vpcGroup{v, g}]; dup {
			b.c.add(field(at, "firewall_rule_group"), g.ID, "is already associated with "+v.ID+" by "+prev)
			continue
		}
		usedPrio[vpcPrio{v, a.Priority}], usedGroup[vpcGroup{v, g}] = a.ID, a.ID
		fw.Associations = append(fw.Associations, a)
	}
	seenVPC := map[*VPC]string{}
	for i, cf := range b.f.FirewallConfigs {
		at := index("firewall_configs", i)
		c := &FirewallConfig{ID: cf.ID, EmulateFailure: cf.EmulateFailure}
		if c.ID == "" {
			c.ID = DerivedFirewallID("rslvr-fc-", cf.VPC)
		}
		b.register(field(at, "id"), c.ID, c)
		c.FailOpen, _ = b.enum(field(at, "firewall_fail_open"), cf.FailOpen, "DISABLED", "ENABLED", "DISABLED", "USE_LOCAL_RESOURCE_SETTING")
		v, ok := ref[*VPC](b, field(at, "vpc"), cf.VPC, "vpc")
		if !ok {
			continue
		}
		if prev, dup := seenVPC[v]; dup {
			b.c.add(field(at, "vpc"), v.ID, "already has firewall config "+prev)
			continue
		}
		seenVPC[v] = c.ID
		c.VPC = v
		fw.Configs = append(fw.Configs, c)
	}
}

// domainsFile reads the entries of a domains_file, one per line (blank
// lines skipped), reporting a bad line as PATH:LINE. The canonical entries
// share one string, so a list of a million domains costs a million string
// headers rather than a million allocations.
func (b *builder) domainsFile(at string, data []byte) []string {
	buf := make([]byte, 0, len(data)+bytes.Count(data, []byte{'\n'})+1)
	var ends []int
	line := 0
	for rest := data; len(rest) > 0; {
		line++
		var raw []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			raw, rest = rest[:i], rest[i+1:]
		} else {
			raw, rest = rest, nil
		}
		d := strings.TrimSpace(string(raw)) // no copy: converted in place for the call
		if d == "" {
			continue
		}
		c, why := CanonicalDomain(d)
		if why != "" {
			b.c.add(at+":"+strconv.Itoa(line), d, why)
			continue
		}
		buf = append(buf, c...)
		ends = append(ends, len(buf))
	}
	all := string(buf)
	out := make([]string, len(ends))
	start := 0
	for i, e := range ends {
		out[i], start = all[start:e], e
	}
	return out
}

// dedupeDomains keeps the first of each entry, in order.
func dedupeDomains(list []string) []string {
	seen := make(map[string]struct{}, len(list))
	out := list[:0]
	for _, d := range list {
		if _, dup := seen[d]; !dup {
			seen[d] = struct{}{}
			out = append(out, d)
		}
	}
	return out
}

// firewallRule checks one rule; nil when it is invalid.
func (b *builder) firewallRule(at string, rf FirewallRuleFile, lists map[string]*FirewallDomainList) *FirewallRule {
	before := len(b.c.list)
	r := &FirewallRule{Name: rf.Name}
	if b.required(field(at, "name"), rf.Name) && (len(rf.Name) > 64 || strings.Trim(rf.Name, "0123456789") == "") {
		b.c.add(field(at, "name"), rf.Name, "must be up to 64 characters, not only digits")
	}
	if rf.Priority == nil {
		b.c.add(field(at, "priority"), "", "is required (unique in the rule group)")
	} else if *rf.Priority < 0 {
		b.c.add(field(at, "priority"), strconv.Itoa(*rf.Priority), "must not be negative")
	} else {
		r.Priority = *rf.Priority
	}
	if b.required(field(at, "firewall_domain_list"), rf.DomainList) {
		if l := lists[rf.DomainList]; l != nil {
			r.List = l
		} else {
			b.c.add(field(at, "firewall_domain_list"), rf.DomainList, "is not the id of any firewall domain list nor an AWS-managed list name")
		}
	}
	r.Action, _ = b.enum(field(at, "action"), rf.Action, "", "ALLOW", "BLOCK", "ALERT")
	if r.Action == "BLOCK" {
		r.BlockResponse, _ = b.enum(field(at, "block_response"), rf.BlockResponse, "", "NODATA", "NXDOMAIN", "OVERRIDE")
	} else if rf.BlockResponse != "" {
		b.c.add(field(at, "block_response"), rf.BlockResponse, "is only for action BLOCK")
	}
	if r.BlockResponse == "OVERRIDE" {
		if d, ok := b.domain(field(at, "block_override_domain"), rf.BlockOverrideDomain); ok {
			r.OverrideDomain = d
		}
		b.enum(field(at, "block_override_dns_type"), rf.BlockOverrideType, "", "CNAME")
		switch t := rf.BlockOverrideTTL; {
		case t == nil:
			b.c.add(field(at, "block_override_ttl"), "", "is required for OVERRIDE (0 to 604800)")
		case *t < 0 || *t > 604800:
			b.c.add(field(at, "block_override_ttl"), strconv.Itoa(*t), "must be 0 to 604800")
		default:
			r.OverrideTTL = uint32(*t)
		}
	} else if rf.BlockOverrideDomain != "" || rf.BlockOverrideType != "" || rf.BlockOverrideTTL != nil {
		b.c.add(field(at, "block_override_domain"), rf.BlockOverrideDomain, "is only for block_response OVERRIDE")
	}
	if rf.Qtype != "" {
		t, ok := ParseQtype(rf.Qtype)
		if !ok {
			b.c.add(field(at, "qtype"), rf.Qtype, "is not a query type (A, AAAA, MX, … or TYPEnnn)")
		}
		r.Qtype, r.QtypeText = t, strings.ToUpper(rf.Qtype)
	}
	red, _ := b.enum(field(at, "redirection_action"), rf.Redirection, "INSPECT_REDIRECTION_DOMAIN", "INSPECT_REDIRECTION_DOMAIN", "TRUST_REDIRECTION_DOMAIN")
	r.TrustRedirect = red == "TRUST_REDIRECTION_DOMAIN"
	if len(b.c.list) > before || r.List == nil {
		return nil
	}
	return r
}
