package awsapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/mototest"
)

// TestSameSequenceAsMoto runs one boto3 sequence of EC2, Route 53 and Route
// 53 Resolver calls (testdata/motodiff.py: VPCs, subnets, security groups
// and their rules, network ACLs, route tables and routes, peering, a transit
// gateway, a VPN, internet and NAT gateways, DHCP options, endpoints, prefix
// lists, hosted zones and records, resolver endpoints, rules, query logging,
// configs, and the errors of bad calls) against moto server and against
// vpcdns, and compares the shapes of their answers (member names and types)
// and their error codes.
//
// Every difference must be in testdata/motodiff.allow under a tag that
// docs/api.md's "Differences from moto" explains, with the AWS
// documentation that shows what vpcdns does is what AWS does (or, for the
// few where vpcdns cannot, why). A new difference fails the test.
func TestSameSequenceAsMoto(t *testing.T) {
	py := mototest.Python(t)
	mototest.Env(t)
	moto := mototest.Start(t)
	e := newEnv(t, envOpts{initial: &config.File{AccountID: "123456789012", Region: "us-east-1"}})

	c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(c, py, "testdata/motodiff.py", moto.URL, e.srv.URL)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("motodiff.py: %v\n%s", err, stderr.String())
	}
	var got struct {
		Calls       int      `json:"calls"`
		Skipped     []string `json:"skipped"`
		Differences []string `json:"differences"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("motodiff.py output: %v: %s", err, out)
	}
	if got.Calls < 150 {
		t.Errorf("the sequence made %d calls, want at least 150", got.Calls)
	}
	if len(got.Skipped) > 0 {
		t.Errorf("steps skipped because an earlier call failed on one side (the sequence should be one both can run): %v", got.Skipped)
	}

	allowed := readAllowList(t, "testdata/motodiff.allow")
	explained := motoSection(t)
	for d, tag := range allowed {
		if _, ok := explained[tag]; !ok {
			t.Errorf("testdata/motodiff.allow: %q is listed under %s, which docs/api.md's \"Differences from moto\" does not explain", d, tag)
		}
	}
	seen := map[string]bool{}
	for _, d := range got.Differences {
		seen[d] = true
		if _, ok := allowed[d]; !ok {
			t.Errorf("new difference from moto: %s\n\tfix vpcdns where it differs from AWS, or list it in testdata/motodiff.allow under a tag of docs/api.md's \"Differences from moto\"", d)
		}
	}
	var stale []string
	for d := range allowed {
		if !seen[d] {
			stale = append(stale, d)
		}
	}
	slices.Sort(stale)
	for _, d := range stale {
		t.Logf("testdata/motodiff.allow: %q no longer differs (remove it)", d)
	}
	t.Logf("%d calls, %d differences, all listed", got.Calls, len(got.Differences))
}

// readAllowList reads "TAG DIFFERENCE" lines (# comments, blank lines).
func readAllowList(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		tag, diff, ok := strings.Cut(line, " ")
		if !ok {
			t.Fatalf("%s:%d: want TAG DIFFERENCE", path, n)
		}
		out[strings.TrimSpace(diff)] = tag
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var motoBullet = regexp.MustCompile("(?m)^- `(m[0-9]+)`")

// motoSection returns the explanations of docs/api.md's "Differences from
// moto" by tag; each must link to AWS's documentation.
func motoSection(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n## Differences from moto\n")
	if !ok {
		t.Fatal(`docs/api.md has no "## Differences from moto" section`)
	}
	if i := strings.Index(sec, "\n## "); i >= 0 {
		sec = sec[:i]
	}
	out := map[string]string{}
	locs := motoBullet.FindAllStringSubmatchIndex(sec, -1)
	for i, l := range locs {
		end := len(sec)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		tag, text := sec[l[2]:l[3]], sec[l[0]:end]
		if !strings.Contains(text, "https://docs.aws.amazon.com/") {
			t.Errorf("docs/api.md, Differences from moto: %s links to no AWS documentation", tag)
		}
		out[tag] = text
	}
	return out
}
