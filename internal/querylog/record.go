// Package querylog writes Route 53 Resolver query logs (behaviour.md §8): one
// JSON object per line per query, in the field order of AWS's records,
// through a bounded queue so that logging never blocks or slows the query
// path.
package querylog

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/miekg/dns"
)

// Version is the query-log format version real Route 53 Resolver records
// carry (the documentation says "1.1").
const Version = "1.100000"

// Record is one query-log entry. The json tags give the field names for
// decoding; encoding goes through AppendJSON, which fixes the order and the
// formats (timestamp in UTC to the second, srcport as a string, answers
// never null, srcids omitted when empty).
type Record struct {
	Version        string     `json:"version"` // Version when empty
	AccountID      string     `json:"account_id"`
	Region         string     `json:"region"`
	VPCID          string     `json:"vpc_id"`
	QueryTimestamp time.Time  `json:"query_timestamp"`
	QueryName      string     `json:"query_name"` // with its trailing dot
	QueryType      string     `json:"query_type"` // mnemonic: "A", "PTR", "TYPE65280"
	QueryClass     string     `json:"query_class"`
	Rcode          string     `json:"rcode"` // mnemonic: "NOERROR", "NXDOMAIN", "SERVFAIL"
	Answers        []Answer   `json:"answers"`
	SrcAddr        netip.Addr `json:"srcaddr"`
	SrcPort        uint16     `json:"srcport,string"`
	Transport      string     `json:"transport"` // "UDP" or "TCP"
	SrcIDs         SrcIDs     `json:"srcids,omitzero"`
	// The DNS Firewall fields, present only when a BLOCK or ALERT rule
	// matched (AWS: "populated only if DNS Firewall found a match for a
	// rule with action set to alert or block").
	FirewallRuleGroupID  string `json:"firewall_rule_group_id,omitempty"`
	FirewallRuleAction   string `json:"firewall_rule_action,omitempty"`
	FirewallDomainListID string `json:"firewall_domain_list_id,omitempty"`

	// CacheHit marks a query answered from the cache; only destinations
	// that ask for cache hits write it (AWS logs unique queries only).
	CacheHit bool `json:"-"`
}

// Answer is one record of the answer section.
type Answer struct {
	Rdata string `json:"Rdata"`
	Type  string `json:"Type"`
	Class string `json:"Class"`
}

// SrcIDs names where the query came from or passed through.
type SrcIDs struct {
	Instance                 string `json:"instance,omitempty"`                   // i-… when the source is a declared instance
	ResolverEndpoint         string `json:"resolver_endpoint,omitempty"`          // rslvr-in-… or rslvr-out-…
	ResolverNetworkInterface string `json:"resolver_network_interface,omitempty"` // rni-…
}

// Answers returns the answer section of m as query-log answers: Rdata is the
// record's text after its header ("10.0.0.5", "ip-10-0-0-5.ec2.internal.",
// "10 mail.example.com."). It returns an empty, non-nil slice for a message
// without answers.
func Answers(m *dns.Msg) []Answer {
	if m == nil {
		return []Answer{}
	}
	out := make([]Answer, 0, len(m.Answer))
	for _, rr := range m.Answer {
		h := rr.Header()
		s, hs := rr.String(), h.String()
		rdata := strings.TrimPrefix(s, hs)
		if len(rdata) == len(s) { // not the expected layout: fall back to the fields
			fields := make([]string, 0, dns.NumField(rr))
			for i := 1; i <= dns.NumField(rr); i++ {
				fields = append(fields, dns.Field(rr, i))
			}
			rdata = strings.Join(fields, " ")
		}
		out = append(out, Answer{Rdata: rdata, Type: TypeString(h.Rrtype), Class: ClassString(h.Class)})
	}
	return out
}

// TypeString is the mnemonic of an RR type, "TYPEnnn" for unknown ones; it
// allocates only for those.
func TypeString(t uint16) string {
	if s, ok := dns.TypeToString[t]; ok {
		return s
	}
	return "TYPE" + strconv.Itoa(int(t))
}

// ClassString is the mnemonic of a class, "CLASSnnn" for unknown ones.
func ClassString(c uint16) string {
	if s, ok := dns.ClassToString[c]; ok {
		return s
	}
	return "CLASS" + strconv.Itoa(int(c))
}

// RcodeString is the mnemonic of an rcode, "RCODEnnn" for unknown ones.
func RcodeString(rc int) string {
	if s, ok := dns.RcodeToString[rc]; ok {
		return s
	}
	return "RCODE" + strconv.Itoa(rc)
}

// MarshalJSON encodes r as AppendJSON does.
func (r Record) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil), nil }

// AppendJSON appends r as one JSON object (no newline) in the field order of
// Route 53 Resolver records.
func (r *Record) AppendJSON(b []byte) []byte {
	v := r.Version
	if v == "" {
		v = Version
	}
	b = append(b, `{"version":`...)
	b = appendString(b, v)
	b = appendField(b, "account_id", r.AccountID)
	b = appendField(b, "region", r.Region)
	b = appendField(b, "vpc_id", r.VPCID)
	b = append(b, `,"query_timestamp":"`...)
	b = r.QueryTimestamp.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, '"')
	b = appendField(b, "query_name", r.QueryName)
	b = appendField(b, "query_type", r.QueryType)
	b = appendField(b, "query_class", r.QueryClass)
	b = appendField(b, "rcode", r.Rcode)
	b = append(b, `,"answers":[`...)
	for i, a := range r.Answers {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"Rdata":`...)
		b = appendString(b, a.Rdata)
		b = appendField(b, "Type", a.Type)
		b = appendField(b, "Class", a.Class)
		b = append(b, '}')
	}
	b = append(b, `],"srcaddr":"`...)
	if r.SrcAddr.IsValid() {
		b = r.SrcAddr.AppendTo(b)
	}
	b = append(b, `","srcport":"`...)
	b = strconv.AppendUint(b, uint64(r.SrcPort), 10)
	b = append(b, '"')
	b = appendField(b, "transport", r.Transport)
	if ids := r.SrcIDs; ids != (SrcIDs{}) {
		b = append(b, `,"srcids":{`...)
		sep := false
		for _, f := range [...]struct{ k, v string }{
			{"instance", ids.Instance},
			{"resolver_endpoint", ids.ResolverEndpoint},
			{"resolver_network_interface", ids.ResolverNetworkInterface},
		} {
			if f.v == "" {
				continue
			}
			if sep {
				b = append(b, ',')
			}
			sep = true
			b = appendString(b, f.k)
			b = append(b, ':')
			b = appendString(b, f.v)
		}
		b = append(b, '}')
	}
	if r.FirewallRuleAction != "" {
		b = appendField(b, "firewall_rule_group_id", r.FirewallRuleGroupID)
		b = appendField(b, "firewall_rule_action", r.FirewallRuleAction)
		b = appendField(b, "firewall_domain_list_id", r.FirewallDomainListID)
	}
	return append(b, '}')
}

func appendField(b []byte, k, v string) []byte {
	b = append(b, ',', '"')
	b = append(b, k...)
	b = append(b, '"', ':')
	return appendString(b, v)
}

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD, as
// encoding/json does; U+2028 and U+2029 are escaped so the line stays one
// line for every reader.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
