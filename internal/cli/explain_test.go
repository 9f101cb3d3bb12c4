package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
)

// workedNetwork is the network of behaviour.md §3's worked cases: one VPC,
// 10.0.0.0/16, DNS hostnames on, and an outbound endpoint for the rules.
const workedNetwork = `
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
    autodefined_reverse: {{if .DisableReverse}}disable{{else}}enable{{end}}
    enable_dns_support: {{if .NoDNSSupport}}false{{else}}true{{end}}
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
      - {id: subnet-b, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
  - id: vpc-peer
    cidr_blocks: [10.1.0.0/16]
    region: eu-west-1
    enable_dns_hostnames: true
vpc_peerings:
  - {id: pcx-1, requester_vpc: vpc-app, accepter_vpc: vpc-peer, allow_dns_resolution: true}
resolver_endpoints:
  - id: rslvr-out
    direction: outbound
    vpc: vpc-app
    ip_addresses:
      - {subnet: subnet-a, ip: 10.0.1.10}
      - {subnet: subnet-b, ip: 10.0.2.10}
{{if .Rules}}resolver_rules:
{{range .Rules}}  - id: {{.ID}}
    rule_type: {{.Type}}
    domain_name: "{{.Domain}}"
{{if eq .Type "forward"}}    resolver_endpoint: rslvr-out
    target_ips: [{ip: 192.168.10.53}]
{{end}}    vpcs: [vpc-app]
{{end}}{{end}}{{if .Zones}}private_hosted_zones:
{{range .Zones}}  - name: {{.}}
    vpcs: [vpc-app]
    records:
      - {name: db.{{.}}, type: A, values: [10.0.1.20]}
{{end}}{{end}}`

type rule struct{ ID, Type, Domain string }

type network struct {
	Rules          []rule
	Zones          []string
	DisableReverse bool
	NoDNSSupport   bool
}

// writeNetwork renders the worked-case network into a temporary file.
func writeNetwork(t *testing.T, n network) string {
	t.Helper()
	var b bytes.Buffer
	if err := template.Must(template.New("net").Parse(workedNetwork)).Execute(&b, n); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "network.yaml")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// run runs the CLI in-process and returns its exit status and outputs.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), args, IO{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr})
	return code, stdout.String(), stderr.String()
}

type explainJSON struct {
	Decision struct {
		Source, ID, Domain, Reason, Via string
	}
	Candidates []struct {
		Source, ID, Domain string
		Matches            bool
	}
	Answer *struct {
		Rcode   string
		Records []string
	}
	Forwarding *struct {
		Endpoint string
	}
	ExpectedRcode string `json:"expected_rcode"`
}

// TestExplainWorkedCases checks every worked case of behaviour.md §3 (and the
// connected-VPC and DNS-support cases of §1–2) through `explain -o json`,
// reading only the JSON.
func TestExplainWorkedCases(t *testing.T) {
	fwd := func(id, domain string) rule { return rule{ID: id, Type: "forward", Domain: domain} }
	tests := []struct {
		name      string
		net       network
		query     []string
		source    string
		id        string
		domain    string
		via       string
		rcode     string
		answerHas string
	}{
		{name: "nothing: autodefined reverse answers",
			query: []string{"-x", "10.0.0.5"}, source: "autodefined-reverse", domain: "0.10.in-addr.arpa.",
			rcode: "NOERROR", answerHas: "ip-10-0-0-5.ec2.internal."},
		{name: "forward for the same reverse zone beats autodefined",
			net:   network{Rules: []rule{fwd("rr-rev", "0.10.in-addr.arpa")}},
			query: []string{"-x", "10.0.0.5"}, source: "forward-rule", id: "rr-rev", domain: "0.10.in-addr.arpa.", rcode: "NOERROR"},
		{name: "forward for 10.in-addr.arpa loses to the more specific autodefined zone",
			net:   network{Rules: []rule{fwd("rr-10", "10.in-addr.arpa")}},
			query: []string{"-x", "10.0.0.5"}, source: "autodefined-reverse", domain: "0.10.in-addr.arpa.", rcode: "NOERROR"},
		{name: "forward for 10.in-addr.arpa takes addresses outside every CIDR",
			net:   network{Rules: []rule{fwd("rr-10", "10.in-addr.arpa")}},
			query: []string{"-x", "10.9.0.5"}, source: "forward-rule", id: "rr-10", domain: "10.in-addr.arpa.", rcode: "NOERROR"},
		{name: "autodefined reverse disabled: the forward takes the VPC's own addresses",
			net:   network{Rules: []rule{fwd("rr-10", "10.in-addr.arpa")}, DisableReverse: true},
			query: []string{"-x", "10.0.0.5"}, source: "forward-rule", id: "rr-10", domain: "10.in-addr.arpa.", rcode: "NOERROR"},
		{name: "rule beats zone of the same domain",
			net:   network{Rules: []rule{fwd("rr-ex", "example.com")}, Zones: []string{"example.com"}},
			query: []string{"db.example.com"}, source: "forward-rule", id: "rr-ex", domain: "example.com.", rcode: "NOERROR"},
		{name: "more specific zone beats the rule",
			net:   network{Rules: []rule{fwd("rr-ex", "example.com")}, Zones: []string{"sub.example.com"}},
			query: []string{"a.sub.example.com"}, source: "private-hosted-zone", id: "*", domain: "sub.example.com.", rcode: "NXDOMAIN"},
		{name: "zone without the name: NXDOMAIN, never the internet",
			net:   network{Zones: []string{"example.com"}},
			query: []string{"www.example.com"}, source: "private-hosted-zone", id: "*", domain: "example.com.", rcode: "NXDOMAIN"},
		{name: "zone with the name answers",
			net:   network{Zones: []string{"example.com"}},
			query: []string{"db.example.com"}, source: "private-hosted-zone", id: "*", domain: "example.com.", rcode: "NOERROR", answerHas: "10.0.1.20"},
		{name: "system rule under a forward: resolved here",
			net:   network{Rules: []rule{fwd("rr-ex", "example.com"), {ID: "rr-sys", Type: "system", Domain: "sub.example.com"}}},
			query: []string{"x.sub.example.com"}, source: "internet", id: "rslvr-autodefined-rr-internet-resolver", domain: ".", via: "rr-sys", rcode: "SERVFAIL"},
		{name: "system rule under a forward, zone below: the zone answers",
			net:   network{Rules: []rule{fwd("rr-ex", "example.com"), {ID: "rr-sys", Type: "system", Domain: "sub.example.com"}}, Zones: []string{"sub.example.com"}},
			query: []string{"db.sub.example.com"}, source: "private-hosted-zone", id: "*", domain: "sub.example.com.", via: "rr-sys", rcode: "NOERROR"},
		{name: "forward dot: EC2 names stay local",
			net:   network{Rules: []rule{fwd("rr-dot", ".")}},
			query: []string{"ip-10-0-0-5.ec2.internal"}, source: "autodefined-ec2", domain: "ec2.internal.", rcode: "NOERROR", answerHas: "10.0.0.5"},
		{name: "forward dot: public names are forwarded",
			net:   network{Rules: []rule{fwd("rr-dot", ".")}},
			query: []string{"www.example.org"}, source: "forward-rule", id: "rr-dot", domain: ".", rcode: "NOERROR"},
		{name: "nothing: public names go to the internet rule, none configured",
			query: []string{"www.example.org"}, source: "internet", id: "rslvr-autodefined-rr-internet-resolver", domain: ".", rcode: "SERVFAIL"},
		{name: "peered VPC in another region: its reverse zone and region name",
			query: []string{"-x", "10.1.0.5"}, source: "autodefined-reverse", domain: "1.10.in-addr.arpa.",
			rcode: "NOERROR", answerHas: "ip-10-1-0-5.eu-west-1.compute.internal."},
		{name: "peered VPC's region domain is autodefined",
			query: []string{"ip-10-1-0-5.eu-west-1.compute.internal"}, source: "autodefined-ec2", domain: "eu-west-1.compute.internal.", rcode: "NOERROR"},
		{name: "localhost",
			query: []string{"localhost"}, source: "autodefined-local", domain: "localhost.", rcode: "NOERROR", answerHas: "127.0.0.1"},
		{name: "DNS support off: no answer",
			net:   network{NoDNSSupport: true},
			query: []string{"-x", "10.0.0.5"}, source: "none", rcode: "NONE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeNetwork(t, tt.net)
			args := append([]string{"explain", "-c", file, "--vpc", "vpc-app", "-o", "json"}, tt.query...)
			code, stdout, stderr := run(t, args...)
			if code != 0 {
				t.Fatalf("explain exit %d; want 0\nstderr: %s", code, stderr)
			}
			var got explainJSON
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("explain -o json is not JSON: %v\n%s", err, stdout)
			}
			d := got.Decision
			if tt.id == "*" && d.ID != "" {
				tt.id = d.ID // a zone's id is derived from its name; any is fine
			}
			if d.Source != tt.source || d.ID != tt.id || d.Domain != tt.domain || d.Via != tt.via {
				t.Errorf("decision = %s %q %q via %q; want %s %q %q via %q", d.Source, d.ID, d.Domain, d.Via, tt.source, tt.id, tt.domain, tt.via)
			}
			if got.ExpectedRcode != tt.rcode {
				t.Errorf("expected_rcode = %s; want %s", got.ExpectedRcode, tt.rcode)
			}
			if (got.Forwarding != nil) != (tt.source == "forward-rule" || (tt.source == "internet")) {
				t.Errorf("forwarding present = %v for a %s decision", got.Forwarding != nil, tt.source)
			}
			if tt.answerHas != "" && (got.Answer == nil || !strings.Contains(strings.Join(got.Answer.Records, "\n"), tt.answerHas)) {
				t.Errorf("answer = %+v; want a record with %q", got.Answer, tt.answerHas)
			}
			for i, c := range got.Candidates {
				if !c.Matches {
					t.Errorf("candidate %d %+v does not match but is listed", i, c)
				}
			}
		})
	}
}

func TestExplainUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no vpc", args: []string{"explain", "www.example.com"}, want: "--vpc is required"},
		{name: "unknown vpc", args: []string{"explain", "--vpc", "vpc-nope", "www.example.com"}, want: `vpc "vpc-nope" is not in the network`},
		{name: "bad address", args: []string{"explain", "--vpc", "vpc-app", "-x", "10.0.0.300"}, want: "not an IP address"},
		{name: "bad type", args: []string{"explain", "--vpc", "vpc-app", "www.example.com", "BOGUS"}, want: "not a DNS record type"},
		{name: "bad format", args: []string{"explain", "--vpc", "vpc-app", "-o", "xml", "www.example.com"}, want: "want text or json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
}
