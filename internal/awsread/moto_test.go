package awsread_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/awsread"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/explain"
	"github.com/vpcdns/vpcdns/internal/lint"
	"github.com/vpcdns/vpcdns/internal/mototest"
	"github.com/vpcdns/vpcdns/internal/view"
)

const roleB = "arn:aws:iam::222222222222:role/vpcdns-import"

// fastRetries keeps the operations moto does not serve (it answers them
// with HTTP 500, which the SDK retries) from slowing the tests down.
func options(endpoint string) awsread.Options {
	return awsread.Options{EndpointURL: endpoint, RoleARNs: []string{roleB}, MaxAttempts: 10, MaxBackoff: 20 * time.Millisecond}
}

// motoNetwork starts moto, builds the hub-and-spoke network in it and
// returns the endpoint and the ids.
func motoNetwork(t *testing.T) (string, map[string]string) {
	t.Helper()
	mototest.Env(t)
	srv := mototest.Start(t)
	return srv.URL, mototest.Build(t, srv.URL)
}

func compile(t *testing.T, f *config.File) *view.View {
	t.Helper()
	data, err := config.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	n, _, err := config.Parse(data, "imported.yaml", t.TempDir())
	if err != nil {
		t.Fatalf("the imported network does not pass check: %v\n%s", err, data)
	}
	v, err := view.Compile(n)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

const internetRule = "rslvr-autodefined-rr-internet-resolver"

type decision struct {
	name   string
	vpc    string // a key of the ids
	query  string // a name, or -x IP
	source string
	id     string // a key of the ids, or ""
	domain string
	rcode  string // expected rcode, "" for any
	why    string // a key of the ids the reason names, or ""
}

func decisions() []decision {
	return []decision{
		{"rule over the autodefined reverse zone", "hub", "-x 10.0.1.5", "forward-rule", "rule_hub-reverse", "0.10.in-addr.arpa.", "NOERROR", ""},
		{"hub's secondary /20 gets /24 reverse zones", "hub", "-x 10.100.1.5", "autodefined-reverse", "", "1.100.10.in-addr.arpa.", "", ""},
		{"peered /20: first hidden reverse zone", "hub", "-x 10.2.0.9", "autodefined-reverse", "", "0.2.10.in-addr.arpa.", "", ""},
		{"peered /20: a middle hidden reverse zone", "hub", "-x 10.2.1.5", "autodefined-reverse", "", "1.2.10.in-addr.arpa.", "", ""},
		{"peered /20: last hidden reverse zone", "hub", "-x 10.2.15.7", "autodefined-reverse", "", "15.2.10.in-addr.arpa.", "", ""},
		{"outside the peered /20", "hub", "-x 10.2.16.1", "autodefined-reverse", "", "10.in-addr.arpa.", "", ""},
		{"spoke1 is not peered with spoke2", "spoke1", "-x 10.2.1.5", "internet", internetRule, ".", "", ""},
		{"spoke2 sees the reverse zone of its peer hub", "spoke2", "-x 10.0.1.5", "autodefined-reverse", "", "0.10.in-addr.arpa.", "", ""},
		{"spoke2's own reverse zone", "spoke2", "-x 10.2.1.5", "autodefined-reverse", "", "1.2.10.in-addr.arpa.", "", ""},
		{"forward rule, open path", "hub", "db.corp.example", "forward-rule", "rule_corp", "corp.example.", "NOERROR", ""},
		{"system rule beats the forward rule of its parent", "hub", "x.aws.corp.example", "internet", internetRule, ".", "", "rule_sys-corp"},
		{"forward rule from another VPC's endpoint", "spoke1", "db.corp.example", "forward-rule", "rule_corp", "corp.example.", "NOERROR", ""},
		{"no rule in spoke2", "spoke2", "db.corp.example", "internet", internetRule, ".", "", ""},
		{"blocked path: the endpoint's group allows no DNS to 10.99.0.0/16", "hub", "host.lab.example", "forward-rule", "rule_blocked", "lab.example.", "SERVFAIL", ""},
		{"private hosted zone", "hub", "www.internal.example", "private-hosted-zone", "zone_internal.example", "internal.example.", "NOERROR", ""},
		{"rule over zone of the same domain", "spoke1", "www.internal.example", "forward-rule", "rule_internal-spoke1", "internal.example.", "NOERROR", ""},
		{"alias record of a zone", "hub", "api.internal.example", "private-hosted-zone", "zone_internal.example", "internal.example.", "NOERROR", ""},
		{"wildcard record", "hub", "x.apps.internal.example", "private-hosted-zone", "zone_internal.example", "internal.example.", "NOERROR", ""},
		{"name missing in a zone", "hub", "nope.internal.example", "private-hosted-zone", "zone_internal.example", "internal.example.", "NXDOMAIN", ""},
		{"second zone", "spoke2", "app.spoke2.example", "private-hosted-zone", "zone_spoke2.example", "spoke2.example.", "NOERROR", ""},
		{"zone not associated with hub", "hub", "app.spoke2.example", "internet", internetRule, ".", "", ""},
		{"second account's zone is not used: its VPC has DNS hostnames off", "work", "svc.work.example", "internet", internetRule, ".", "", ""},
		{"second account: no rule", "work", "db.corp.example", "internet", internetRule, ".", "", ""},
		{"EC2 name of the hub instance", "hub", "ip-10-0-1-5.ec2.internal", "autodefined-ec2", "", "ec2.internal.", "NOERROR", ""},
	}
}

// checkDecisions asserts each decision of the list in v.
func checkDecisions(t *testing.T, v *view.View, ids map[string]string) int {
	t.Helper()
	n := 0
	for _, d := range decisions() {
		t.Run(d.name, func(t *testing.T) {
			var qname dnsname.Name
			qtype := dns.TypeA
			if ip, ok := strings.CutPrefix(d.query, "-x "); ok {
				qname, qtype = dnsname.ReverseAddr(netip.MustParseAddr(ip)), dns.TypePTR
			} else {
				qname = dnsname.Name(dns.Fqdn(d.query))
			}
			r, err := explain.Build(v, ids[d.vpc], qname, qtype)
			if err != nil {
				t.Fatal(err)
			}
			want, ok := ids[d.id]
			if !ok {
				want = d.id // a literal id
			}
			if d.source != r.Decision.Source || want != r.Decision.ID || (d.domain != "" && d.domain != r.Decision.Domain) {
				t.Errorf("decision = %s %s %s, want %s %s %s", r.Decision.Source, r.Decision.ID, r.Decision.Domain, d.source, want, d.domain)
			}
			if d.why != "" && !strings.Contains(r.Decision.Reason, ids[d.why]) {
				t.Errorf("reason %q does not name %s", r.Decision.Reason, ids[d.why])
			}
			if d.rcode != "" && d.rcode != r.ExpectedRcode {
				t.Errorf("expected rcode = %s, want %s", r.ExpectedRcode, d.rcode)
			}
			n++
		})
	}
	return n
}

// The operations moto 5.2 does not serve (it answers HTTP 500).
var notInMoto = []string{"directconnect:DescribeDirectConnectGateways", "route53profiles:ListProfileAssociations",
	"route53profiles:ListProfiles", "route53resolver:ListResolverConfigs"}

func TestImportFromMoto(t *testing.T) {
	endpoint, ids := motoNetwork(t)
	var mu sync.Mutex
	called := map[string]bool{}
	o := options(endpoint)
	o.OnCall = func(service, op string) {
		mu.Lock()
		defer mu.Unlock()
		called[service+"|"+op] = true
	}
	r, err := awsread.Read(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if p := os.Getenv("VPCDNS_IMPORT_DUMP"); p != "" {
		os.WriteFile(p, []byte(marshal(t, r.File)), 0o644)
	}
	v := compile(t, r.File)
	if got := checkDecisions(t, v, ids); got < 20 {
		t.Errorf("%d decisions checked, want 20 or more", got)
	}
	// Everything import called is in docs/import-iam-policy.json.
	policy := map[string]bool{}
	for _, a := range awsread.Actions() {
		policy[strings.ToLower(a)] = true
	}
	prefix := map[string]string{"EC2": "ec2", "Route 53": "route53", "Route53Resolver": "route53resolver", "Route53Profiles": "route53profiles",
		"Direct Connect": "directconnect", "STS": "sts"}
	for c := range called {
		svc, op, _ := strings.Cut(c, "|")
		p, ok := prefix[svc]
		if !ok || !policy[strings.ToLower(p+":"+op)] {
			t.Errorf("import called %s, which is not in the IAM policy", c)
		}
	}
	if !called["STS|AssumeRole"] {
		t.Error("the second account was not read through sts:AssumeRole")
	}
	// The second account and the owners.
	if !slices.Equal(r.Accounts, []string{"123456789012", "222222222222"}) {
		t.Errorf("accounts = %v", r.Accounts)
	}
	for _, vf := range r.File.VPCs {
		want := "123456789012"
		if vf.ID == ids["work"] {
			want = "222222222222"
		}
		if vf.OwnerAccount != want && (vf.Tags["Name"] != "" || vf.ID == ids["work"]) {
			t.Errorf("vpc %s owner = %s, want %s", vf.ID, vf.OwnerAccount, want)
		}
	}
	// The keys whose meaning the model gives (DHCP bypass, per-side peering
	// DNS): imported as AWS says, and explain and lint say that spoke1's
	// instances never ask the resolver whose decision is shown.
	var spoke1 *config.VPCFile
	for i := range r.File.VPCs {
		if r.File.VPCs[i].ID == ids["spoke1"] {
			spoke1 = &r.File.VPCs[i]
		}
	}
	if spoke1 == nil || spoke1.DHCPOptions != ids["dhcp"] {
		t.Fatalf("spoke1's dhcp_options = %v, want %s", spoke1, ids["dhcp"])
	}
	found := false
	for _, d := range r.File.DHCPOptionSets {
		if d.ID == ids["dhcp"] {
			found = slices.Equal(d.DomainNameServers, []string{"10.0.0.53", "192.168.10.53"}) && d.DomainName == "corp.example"
		}
	}
	if !found {
		t.Errorf("dhcp option set %s not imported with its servers: %+v", ids["dhcp"], r.File.DHCPOptionSets)
	}
	rep, err := explain.Build(v, ids["spoke1"], "db.corp.example.", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if rep.DHCP == nil || rep.DHCP.OptionSet != ids["dhcp"] || !rep.DHCP.BypassesResolver {
		t.Errorf("explain in spoke1: dhcp = %+v, want option set %s that bypasses the resolver", rep.DHCP, ids["dhcp"])
	}
	bypass := false
	for _, fd := range lint.Run(v).Findings {
		if fd.ID != lint.DHCPBypassesResolver {
			continue
		}
		names := map[string]bool{}
		for _, res := range fd.Resources {
			names[res.ID] = true
		}
		bypass = bypass || names[ids["dhcp"]] && names[ids["spoke1"]]
	}
	if !bypass {
		t.Errorf("lint: no %s finding names %s and %s", lint.DHCPBypassesResolver, ids["dhcp"], ids["spoke1"])
	}
	// Partial: only the calls moto does not serve failed, and the internet
	// gateway route is unmodeled.
	var failed []string
	for _, f := range r.Failures {
		if f.Denied {
			t.Errorf("denied: %v", f)
		}
		failed = append(failed, f.Call)
	}
	slices.Sort(failed)
	failed = slices.Compact(failed)
	if !slices.Equal(failed, notInMoto) {
		t.Errorf("failed calls = %v, want %v", failed, notInMoto)
	}
}

// proxy sits in front of moto and refuses some calls: deny answers the
// operation with AccessDenied, throttle refuses that share of all calls with
// the service's throttling error.
type proxy struct {
	target   *url.URL
	deny     string // operation name
	throttle float64
	mu       sync.Mutex
	rnd      *rand.Rand
	refused  int
}

// operation names the AWS operation of a request and its protocol: query
// (EC2, STS: Action=), json (X-Amz-Target) or rest (Route 53 and others).
func operation(r *http.Request, body []byte) (op, protocol string) {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		return t[strings.LastIndexByte(t, '.')+1:], "json"
	}
	if v, err := url.ParseQuery(string(body)); err == nil && v.Get("Action") != "" {
		return v.Get("Action"), "query"
	}
	return r.URL.Path, "rest"
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	op, proto := operation(r, body)
	p.mu.Lock()
	refuse := p.rnd.Float64() < p.throttle
	if refuse {
		p.refused++
	}
	p.mu.Unlock()
	switch {
	case p.deny != "" && op == p.deny:
		awsError(w, proto, 403, "UnauthorizedOperation", "AccessDeniedException", "You are not authorized to perform this operation.")
	case refuse:
		awsError(w, proto, 400, "RequestLimitExceeded", "ThrottlingException", "Rate exceeded")
	default:
		httputil.NewSingleHostReverseProxy(p.target).ServeHTTP(w, r)
	}
}

func awsError(w http.ResponseWriter, proto string, status int, queryCode, jsonCode, msg string) {
	switch proto {
	case "json":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-ErrorType", jsonCode)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"__type":%q,"message":%q}`, jsonCode, msg)
	case "query":
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>1</RequestID></Response>`, queryCode, msg)
	default:
		code := "Throttling"
		if status == 403 {
			code = "AccessDenied"
		}
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("X-Amzn-ErrorType", code)
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0"?><ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>1</RequestId></ErrorResponse>`, code, msg)
	}
}

func startProxy(t *testing.T, endpoint string, p *proxy) string {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	p.target, p.rnd = u, rand.New(rand.NewPCG(1, 2))
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return srv.URL
}

func marshal(t *testing.T, f *config.File) string {
	t.Helper()
	g := *f
	// The last error of a call moto does not serve may be a throttle or
	// its HTTP 500: the network is what is compared.
	g.Unmodeled = nil
	for _, u := range f.Unmodeled {
		if u.Kind == "api-call" {
			u.Reason = ""
		}
		g.Unmodeled = append(g.Unmodeled, u)
	}
	b, err := config.Marshal(&g)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestImportThrottledAndDenied: an endpoint that refuses 30% of the calls
// with throttling errors gives the same network; one that denies one
// operation names its IAM action, reads the rest and is partial.
func TestImportThrottledAndDenied(t *testing.T) {
	endpoint, _ := motoNetwork(t)
	ref, err := awsread.Read(context.Background(), options(endpoint))
	if err != nil {
		t.Fatal(err)
	}
	want := marshal(t, ref.File)

	p := &proxy{throttle: 0.3}
	got, err := awsread.Read(context.Background(), options(startProxy(t, endpoint, p)))
	if err != nil {
		t.Fatal(err)
	}
	if p.refused == 0 {
		t.Fatal("the proxy refused nothing")
	}
	if g := marshal(t, got.File); g != want {
		gl, wl := strings.Split(g, "\n"), strings.Split(want, "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Errorf("throttled import (%d calls refused) differs at line %d: %q, want %q", p.refused, i+1, gl[i], wl[i])
				break
			}
		}
		t.Errorf("throttled import: %d lines, want %d; failures %v", len(gl), len(wl), got.Failures)
	}

	d := &proxy{deny: "DescribeVpnConnections"}
	denied, err := awsread.Read(context.Background(), options(startProxy(t, endpoint, d)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range denied.Failures {
		if f.Denied {
			names = append(names, f.Action+" "+f.Account)
		}
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"ec2:DescribeVpnConnections 123456789012", "ec2:DescribeVpnConnections 222222222222"}) {
		t.Errorf("denied = %v, want ec2:DescribeVpnConnections in both accounts", names)
	}
	if len(denied.File.VPCs) != len(ref.File.VPCs) || len(denied.File.Rules) != len(ref.File.Rules) {
		t.Errorf("a denied call stopped the import: %d vpcs, %d rules", len(denied.File.VPCs), len(denied.File.Rules))
	}
	if len(denied.File.RemoteNetworks) != 0 {
		t.Errorf("remote networks = %v without DescribeVpnConnections", denied.File.RemoteNetworks)
	}
	compile(t, denied.File)
}

func TestImportUnusable(t *testing.T) {
	mototest.Env(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	closed := srv.URL
	srv.Close()
	o := awsread.Options{EndpointURL: closed, MaxAttempts: 1}
	_, err := awsread.Read(context.Background(), o)
	if err == nil || !awsread.IsUnusable(err) {
		t.Errorf("unreachable endpoint: err = %v, want an unusable import", err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	_, err = awsread.Read(context.Background(), awsread.Options{EndpointURL: closed, MaxAttempts: 1})
	if err == nil || !awsread.IsUnusable(err) {
		t.Errorf("no credentials: err = %v, want an unusable import", err)
	}
}

// TestOfflineFromTheAWSCLIIsTheLiveNetwork: the commands of
// --print-commands, run by the AWS CLI itself against moto, save files from
// which --from reads the network that a live import of the same account
// reads: one decoder, the same result whether the JSON is the CLI's or the
// SDK's.
func TestOfflineFromTheAWSCLIIsTheLiveNetwork(t *testing.T) {
	// Some 80 runs of the AWS CLI, a Python program: a minute of CPU, too
	// much for every local run on a shared machine.
	if os.Getenv("CI") != "true" && os.Getenv("VPCDNS_AWSCLI_TEST") == "" {
		t.Skip("runs the AWS CLI some 80 times: set VPCDNS_AWSCLI_TEST=1 (CI=true runs it)")
	}
	if _, err := exec.LookPath("aws"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the AWS CLI (aws) is not installed")
		}
		t.Skip("the AWS CLI (aws) is not installed")
	}
	endpoint, _ := motoNetwork(t)
	o := options(endpoint)
	o.RoleARNs = nil // one account: the CLI reads with the base credentials
	live, err := awsread.Read(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	var cmds bytes.Buffer
	if err := awsread.PrintCommands(&cmds, "us-east-1"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// Each line writes its own files: they run side by side. The
	// operations moto does not serve fail fast (one retry, no more).
	env := append(os.Environ(), "AWS_ENDPOINT_URL="+endpoint, "AWS_MAX_ATTEMPTS=2", "AWS_RETRY_MODE=standard", "AWS_PAGER=")
	var wg sync.WaitGroup
	sem := make(chan struct{}, 6)
	lines := strings.Split(strings.TrimSpace(cmds.String()), "\n")
	errs := make([]error, len(lines))
	for i, line := range lines {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			sh := exec.CommandContext(ctx, "sh", "-c", line)
			sh.Dir, sh.Env = dir, env
			// A call that fails leaves its NAME.err, as the user's would.
			if out, err := sh.CombinedOutput(); err != nil && (ctx.Err() != nil || len(out) > 0) {
				errs[i] = fmt.Errorf("%s: %w\n%s", line, err, out)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	offline, err := awsread.ReadDir(context.Background(), dir, "us-east-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(offline.File.VPCs) < 3 || len(offline.File.Rules) == 0 || len(offline.File.HostedZones) < 2 {
		t.Fatalf("offline import read %d vpcs, %d rules, %d zones", len(offline.File.VPCs), len(offline.File.Rules), len(offline.File.HostedZones))
	}
	if g, w := marshal(t, offline.File), marshal(t, live.File); g != w {
		gl, wl := strings.Split(g, "\n"), strings.Split(w, "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Errorf("offline import differs from the live one at line %d: %q, want %q", i+1, gl[i], wl[i])
				break
			}
		}
		t.Errorf("offline import: %d lines, the live one %d; offline failures %v", len(gl), len(wl), offline.Failures)
	}
}
