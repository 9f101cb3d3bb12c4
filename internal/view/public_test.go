package view

import (
	"testing"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
)

const publicNet = `
account_id: "111111111111"
region: us-east-1
vpcs:
  - {id: vpc-plain, cidr_blocks: [10.0.0.0/16]}
  - {id: vpc-phz, cidr_blocks: [10.1.0.0/16], enable_dns_hostnames: true}
  - {id: vpc-rule, cidr_blocks: [10.2.0.0/16], subnets: [{id: subnet-r, cidr_block: 10.2.1.0/24}]}
resolver_endpoints:
  - {id: rslvr-out-1, direction: outbound, vpc: vpc-rule, ip_addresses: [{subnet: subnet-r, ip: 10.2.1.10}, {subnet: subnet-r, ip: 10.2.1.11}]}
resolver_rules:
  - {id: rslvr-rr-1, rule_type: forward, domain_name: example.com, resolver_endpoint: rslvr-out-1, target_ips: [{ip: 192.168.1.53}], vpcs: [vpc-rule]}
private_hosted_zones:
  - name: example.com
    vpcs: [vpc-phz]
    records: [{name: www.example.com, type: A, values: [10.1.0.9]}]
public_hosted_zones:
  - id: ZPUBLIC1
    name: example.com
    records: [{name: www.example.com, type: A, values: [198.51.100.7]}]
  - id: ZPUBLIC2
    name: deep.www.example.com
    records: [{name: deep.www.example.com, type: TXT, values: ['"deep"']}]
`

func TestPublicZonesOnTheInternetPath(t *testing.T) {
	n, _, err := config.Parse([]byte(publicNet), "network.yaml", t.TempDir())
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
		id               string
		rcode            int // local answers only
	}{
		{"no private zone: the public zone answers", "vpc-plain", "www.example.com.", SourceInternet, "ZPUBLIC1", dns.RcodeSuccess},
		{"a name the public zone lacks is NXDOMAIN there", "vpc-plain", "nope.example.com.", SourceInternet, "ZPUBLIC1", dns.RcodeNameError},
		{"the most specific public zone", "vpc-plain", "x.deep.www.example.com.", SourceInternet, "ZPUBLIC2", dns.RcodeNameError},
		{"outside every public zone: the internet forwarders", "vpc-plain", "www.example.org.", SourceInternet, InternetRuleID, -1},
		{"a private zone of the name shadows it", "vpc-phz", "www.example.com.", SourcePrivateZone, "", dns.RcodeSuccess},
		{"a private zone shadows even a more specific public zone", "vpc-phz", "deep.www.example.com.", SourcePrivateZone, "", dns.RcodeNameError},
		{"a rule shadows it", "vpc-rule", "www.example.com.", SourceForwardRule, "rslvr-rr-1", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vpc := v.VPC(tt.vpc)
			d := vpc.Decide(dnsname.MustParse(tt.qname))
			w := d.Winner
			if w.Source != tt.source || (tt.id != "" && w.ID != tt.id) {
				t.Fatalf("winner %s %s, want %s %s", w.Source, w.ID, tt.source, tt.id)
			}
			if tt.rcode < 0 {
				if w.Local() {
					t.Fatalf("winner %s answers locally, want a forward", w.ID)
				}
				return
			}
			if !w.Local() {
				t.Fatalf("winner %s forwards, want a local answer", w.ID)
			}
			a := vpc.Answer(w, dnsname.MustParse(tt.qname), dns.TypeA)
			if a.Rcode != tt.rcode {
				t.Fatalf("rcode %d, want %d", a.Rcode, tt.rcode)
			}
			if tt.source == SourceInternet && tt.rcode == dns.RcodeSuccess {
				if len(a.Answer) != 1 || a.Answer[0].(*dns.A).A.String() != "198.51.100.7" {
					t.Fatalf("answer %v, want the public record", a.Answer)
				}
			}
		})
	}
}

func TestPublicZoneRefusesVPCs(t *testing.T) {
	_, _, err := config.Parse([]byte("vpcs: [{id: vpc-a, cidr_blocks: [10.0.0.0/16]}]\npublic_hosted_zones: [{name: example.com, vpcs: [vpc-a]}]\n"), "network.yaml", t.TempDir())
	if err == nil {
		t.Fatal("a public zone with vpcs was accepted")
	}
}
