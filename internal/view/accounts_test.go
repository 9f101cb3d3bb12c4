package view

import (
	"testing"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// profileNet has a Route 53 Profile with a rule, a zone and an interface
// endpoint; vpc-a also has a rule and a zone of its own for the same
// domains, vpc-b only the profile, vpc-c nothing.
const profileNet = `
vpcs:
  - id: vpc-a
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
    subnets: [{id: subnet-a, cidr_block: 10.0.1.0/24}]
  - {id: vpc-b, cidr_blocks: [10.1.0.0/16], enable_dns_hostnames: true}
  - {id: vpc-c, cidr_blocks: [10.2.0.0/16], enable_dns_hostnames: true}
  - {id: vpc-d, cidr_blocks: [10.3.0.0/16], enable_dns_hostnames: true}
  - {id: vpc-e, cidr_blocks: [10.4.0.0/16], enable_dns_hostnames: true}
vpc_peerings:
  - {id: pcx-de, requester_vpc: vpc-d, accepter_vpc: vpc-e, requester_allow_dns_resolution: true}
  - {id: pcx-ce, requester_vpc: vpc-c, accepter_vpc: vpc-e, allow_dns_resolution: true, status: deleted}
resolver_endpoints:
  - {id: out, direction: outbound, vpc: vpc-a, ip_addresses: [{subnet: subnet-a, ip: 10.0.1.10}, {subnet: subnet-a, ip: 10.0.1.11}]}
resolver_rules:
  - {id: rr-local, rule_type: forward, domain_name: corp.example, resolver_endpoint: out, target_ips: [{ip: 192.168.1.53}], vpcs: [vpc-a]}
  - {id: rr-profile, rule_type: forward, domain_name: corp.example, resolver_endpoint: out, target_ips: [{ip: 192.168.2.53}]}
private_hosted_zones:
  - {id: Z-LOCAL, name: internal.example, vpcs: [vpc-a], records: [{name: a.internal.example, type: A, values: [10.0.0.1]}]}
  - {id: Z-PROFILE, name: internal.example, records: [{name: a.internal.example, type: A, values: [10.0.0.2]}]}
vpc_endpoints:
  - {id: vpce-ssm, vpc: vpc-a, service_name: com.amazonaws.us-east-1.ssm, private_dns_enabled: true, ip_addresses: [{subnet: subnet-a, ip: 10.0.1.30}]}
  - {id: vpce-off, vpc: vpc-a, service_name: com.amazonaws.us-east-1.sts, ip_addresses: [{subnet: subnet-a, ip: 10.0.1.31}]}
route53_profiles:
  - {id: rp-1, resolver_rules: [rr-profile], private_hosted_zones: [Z-PROFILE], vpc_endpoints: [vpce-ssm], vpcs: [vpc-a, vpc-b]}
`

func TestAccountDecisions(t *testing.T) {
	n, _, err := config.Parse([]byte(profileNet), "net.yaml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	v, err := Compile(n)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, vpc, qname string
		source           Source
		id, profile      string
		answer           string // the first answer record's data, for local answers
	}{
		{"a direct rule beats the profile's rule of its domain", "vpc-a", "db.corp.example", SourceForwardRule, "rr-local", "", ""},
		{"the profile's rule decides as if associated", "vpc-b", "db.corp.example", SourceForwardRule, "rr-profile", "rp-1", ""},
		{"a direct zone beats the profile's zone of its name", "vpc-a", "a.internal.example", SourcePrivateZone, "Z-LOCAL", "", "10.0.0.1"},
		{"the profile's zone answers", "vpc-b", "a.internal.example", SourcePrivateZone, "Z-PROFILE", "rp-1", "10.0.0.2"},
		{"endpoint private DNS in its own vpc", "vpc-a", "ssm.us-east-1.amazonaws.com", SourceVPCEndpoint, "vpce-ssm", "", "10.0.1.30"},
		{"endpoint private DNS through the profile", "vpc-b", "ssm.us-east-1.amazonaws.com", SourceVPCEndpoint, "vpce-ssm", "rp-1", "10.0.1.30"},
		{"no private DNS elsewhere", "vpc-c", "ssm.us-east-1.amazonaws.com", SourceInternet, InternetRuleID, "", ""},
		{"private DNS off: the public name", "vpc-a", "sts.us-east-1.amazonaws.com", SourceInternet, InternetRuleID, "", ""},
		{"a name below a non-wildcard endpoint name is the hidden zone's", "vpc-a", "x.ssm.us-east-1.amazonaws.com", SourceVPCEndpoint, "vpce-ssm", "", ""},
		{"the accepter resolves the requester's names", "vpc-e", "5.0.3.10.in-addr.arpa", SourceAutoReverse, "", "", "ip-10-3-0-5.ec2.internal."},
		{"the requester does not resolve the accepter's", "vpc-d", "5.0.4.10.in-addr.arpa", SourceAutoReverse, "", "", ""},
		{"a deleted peering joins nothing", "vpc-e", "5.0.2.10.in-addr.arpa", SourceAutoReverse, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vpc := v.VPC(tt.vpc)
			q := dnsname.MustParse(tt.qname)
			d := vpc.Decide(q)
			w := d.Winner
			if w == nil || w.Source != tt.source || w.ID != tt.id {
				t.Fatalf("winner %+v; want %s %s", w, tt.source, tt.id)
			}
			prof := ""
			if w.Profile != nil {
				prof = w.Profile.ID
			}
			if prof != tt.profile {
				t.Errorf("via profile %q; want %q", prof, tt.profile)
			}
			if !w.Local() {
				return
			}
			qtype := dns.TypeA
			if tt.source == SourceAutoReverse {
				qtype = dns.TypePTR
			}
			a := vpc.Answer(w, q, qtype)
			got := ""
			if len(a.Answer) > 0 {
				switch rr := a.Answer[0].(type) {
				case *dns.A:
					got = rr.A.String()
				case *dns.PTR:
					got = rr.Ptr
				}
			}
			if got != tt.answer {
				t.Errorf("answer %q (rcode %d); want %q", got, a.Rcode, tt.answer)
			}
		})
	}
}
