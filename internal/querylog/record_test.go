package querylog

import (
	"encoding/json"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func sample() Record {
	return Record{
		AccountID:      "111122223333",
		Region:         "us-east-1",
		VPCID:          "vpc-0a1b2c3d",
		QueryTimestamp: time.Date(2026, 11, 27, 9, 0, 0, 123456789, time.FixedZone("CET", 3600)),
		QueryName:      "5.0.0.10.in-addr.arpa.",
		QueryType:      "PTR",
		QueryClass:     "IN",
		Rcode:          "NOERROR",
		Answers:        []Answer{{Rdata: "ip-10-0-0-5.ec2.internal.", Type: "PTR", Class: "IN"}},
		SrcAddr:        netip.MustParseAddr("10.0.1.20"),
		SrcPort:        56067,
		Transport:      "UDP",
		SrcIDs:         SrcIDs{Instance: "i-0d15cd0d3example"},
	}
}

func TestRecordJSON(t *testing.T) {
	tests := []struct {
		name string
		rec  func() Record
		want string
	}{
		{
			name: "instance source",
			rec:  sample,
			want: `{"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-0a1b2c3d",` +
				`"query_timestamp":"2026-11-27T08:00:00Z","query_name":"5.0.0.10.in-addr.arpa.","query_type":"PTR",` +
				`"query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"ip-10-0-0-5.ec2.internal.","Type":"PTR","Class":"IN"}],` +
				`"srcaddr":"10.0.1.20","srcport":"56067","transport":"UDP","srcids":{"instance":"i-0d15cd0d3example"}}`,
		},
		{
			name: "inbound endpoint, no answers",
			rec: func() Record {
				r := sample()
				r.Rcode, r.Answers, r.Transport = "NXDOMAIN", nil, "TCP"
				r.SrcIDs = SrcIDs{ResolverEndpoint: "rslvr-in-0123456789abcdef", ResolverNetworkInterface: "rni-0123456789abcdef"}
				return r
			},
			want: `{"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-0a1b2c3d",` +
				`"query_timestamp":"2026-11-27T08:00:00Z","query_name":"5.0.0.10.in-addr.arpa.","query_type":"PTR",` +
				`"query_class":"IN","rcode":"NXDOMAIN","answers":[],` +
				`"srcaddr":"10.0.1.20","srcport":"56067","transport":"TCP",` +
				`"srcids":{"resolver_endpoint":"rslvr-in-0123456789abcdef","resolver_network_interface":"rni-0123456789abcdef"}}`,
		},
		{
			name: "no source ids",
			rec: func() Record {
				r := sample()
				r.SrcIDs, r.Version = SrcIDs{}, "1.1"
				r.Answers = []Answer{{Rdata: "a.example.", Type: "CNAME", Class: "IN"}, {Rdata: "192.0.2.1", Type: "A", Class: "IN"}}
				return r
			},
			want: `{"version":"1.1","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-0a1b2c3d",` +
				`"query_timestamp":"2026-11-27T08:00:00Z","query_name":"5.0.0.10.in-addr.arpa.","query_type":"PTR",` +
				`"query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"a.example.","Type":"CNAME","Class":"IN"},{"Rdata":"192.0.2.1","Type":"A","Class":"IN"}],` +
				`"srcaddr":"10.0.1.20","srcport":"56067","transport":"UDP"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := tc.rec()
			got, err := json.Marshal(rec)
			if err != nil {
				t.Fatalf("json.Marshal: %v", err)
			}
			if string(got) != tc.want {
				t.Errorf("json =\n%s\nwant\n%s", got, tc.want)
			}

			var back Record
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatalf("json.Unmarshal: %v", err)
			}
			want := rec
			if want.Version == "" {
				want.Version = Version
			}
			want.QueryTimestamp = want.QueryTimestamp.UTC().Truncate(time.Second)
			if want.Answers == nil {
				want.Answers = []Answer{}
			}
			if !reflect.DeepEqual(back, want) {
				t.Errorf("round trip = %+v; want %+v", back, want)
			}
		})
	}
}

func TestAppendStringEscapes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // what encoding/json decodes it to
	}{
		{name: "plain", in: "www.example.com.", want: "www.example.com."},
		{name: "presentation escapes", in: `a\"b\\c\032d.`, want: `a\"b\\c\032d.`},
		{name: "control octets", in: "a\x00b\tc\nd\re\x1f", want: "a\x00b\tc\nd\re\x1f"},
		{name: "utf-8 kept", in: "bücher.example.", want: "bücher.example."},
		{name: "invalid utf-8 replaced", in: "a\xffb", want: "a\uFFFDb"},
		{name: "line separators", in: "a\u2028b\u2029c", want: "a\u2028b\u2029c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := appendString(nil, tc.in)
			if !json.Valid(b) {
				t.Fatalf("appendString(%q) = %s; not valid JSON", tc.in, b)
			}
			if strings.ContainsAny(string(b), "\n\r\u2028\u2029") {
				t.Errorf("appendString(%q) = %s; want it on one line", tc.in, b)
			}
			var got string
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("json.Unmarshal(%s): %v", b, err)
			}
			if got != tc.want {
				t.Errorf("decoded = %q; want %q", got, tc.want)
			}
		})
	}
}

func TestAnswers(t *testing.T) {
	rr := func(s string) dns.RR {
		r, err := dns.NewRR(s)
		if err != nil {
			t.Fatalf("dns.NewRR(%q): %v", s, err)
		}
		return r
	}
	tests := []struct {
		name string
		msg  *dns.Msg
		want []Answer
	}{
		{name: "nil message", msg: nil, want: []Answer{}},
		{name: "no answers", msg: new(dns.Msg), want: []Answer{}},
		{
			name: "A",
			msg:  &dns.Msg{Answer: []dns.RR{rr("ip-10-0-0-5.ec2.internal. 60 IN A 10.0.0.5")}},
			want: []Answer{{Rdata: "10.0.0.5", Type: "A", Class: "IN"}},
		},
		{
			name: "PTR",
			msg:  &dns.Msg{Answer: []dns.RR{rr("5.0.0.10.in-addr.arpa. 60 IN PTR ip-10-0-0-5.ec2.internal.")}},
			want: []Answer{{Rdata: "ip-10-0-0-5.ec2.internal.", Type: "PTR", Class: "IN"}},
		},
		{
			name: "CNAME chain",
			msg: &dns.Msg{Answer: []dns.RR{
				rr("www.example.com. 300 IN CNAME web.example.com."),
				rr("web.example.com. 300 IN AAAA 2001:db8::1"),
			}},
			want: []Answer{
				{Rdata: "web.example.com.", Type: "CNAME", Class: "IN"},
				{Rdata: "2001:db8::1", Type: "AAAA", Class: "IN"},
			},
		},
		{
			name: "several fields",
			msg:  &dns.Msg{Answer: []dns.RR{rr("example.com. 300 IN MX 10 mail.example.com.")}},
			want: []Answer{{Rdata: "10 mail.example.com.", Type: "MX", Class: "IN"}},
		},
		{
			name: "TXT",
			msg:  &dns.Msg{Answer: []dns.RR{rr(`example.com. 300 IN TXT "v=spf1 -all"`)}},
			want: []Answer{{Rdata: `"v=spf1 -all"`, Type: "TXT", Class: "IN"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Answers(tc.msg)
			if got == nil {
				t.Fatal("Answers = nil; want non-nil")
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Answers = %+v; want %+v", got, tc.want)
			}
		})
	}
}

func TestMnemonics(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{name: "type", got: TypeString(dns.TypePTR), want: "PTR"},
		{name: "unknown type", got: TypeString(65280), want: "TYPE65280"},
		{name: "class", got: ClassString(dns.ClassINET), want: "IN"},
		{name: "unknown class", got: ClassString(999), want: "CLASS999"},
		{name: "rcode", got: RcodeString(dns.RcodeNameError), want: "NXDOMAIN"},
		{name: "servfail", got: RcodeString(dns.RcodeServerFailure), want: "SERVFAIL"},
		{name: "unknown rcode", got: RcodeString(4000), want: "RCODE4000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q; want %q", tc.got, tc.want)
			}
		})
	}
}
