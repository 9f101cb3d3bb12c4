package capacity

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/vpcdns/vpcdns/internal/config"
)

const vpcdnsRecord = `{"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-app","query_timestamp":"2026-12-03T12:00:01Z","query_name":"db.internal.example.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[],"srcaddr":"127.0.0.11","srcport":"40000","transport":"UDP","srcids":{"instance":"i-0123456789abcdef0"}}`

// awsInbound is a record as AWS writes it for a query through an inbound
// endpoint: it names the endpoint's network interface.
const awsInbound = `{"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-app","query_timestamp":"2026-12-03T12:00:02Z","query_name":"app.internal.example.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"10.0.1.20","Type":"A","Class":"IN"}],"srcaddr":"192.168.1.5","srcport":"53000","transport":"UDP","srcids":{"resolver_endpoint":"rslvr-in-0123456789abcdef","resolver_network_interface":"rni-0123456789abcdef"}}`

func readAll(t *testing.T, data []byte) ([]Entry, int, error) {
	t.Helper()
	var out []Entry
	skipped, err := Read(bytes.NewReader(data), "test.log", func(e Entry) { out = append(out, e) })
	return out, skipped, err
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestRead(t *testing.T) {
	escaped := strings.ReplaceAll(vpcdnsRecord, `"`, `\"`)
	tests := []struct {
		name    string
		data    []byte
		want    int
		skipped int
	}{
		{"vpcdns, one record a line", []byte(vpcdnsRecord + "\n" + awsInbound + "\n"), 2, 0},
		{"blank lines", []byte("\n\n" + vpcdnsRecord + "\n\n"), 1, 0},
		{"gzip (an S3 export)", gz(vpcdnsRecord + "\n" + awsInbound + "\n"), 2, 0},
		{"back to back (Firehose)", []byte(vpcdnsRecord + awsInbound), 2, 0},
		{"aws logs filter-log-events", []byte(`{"events": [{"timestamp": 1, "message": "` + escaped + `"}, {"message": "` + escaped + `"}], "searchedLogStreams": []}`), 2, 0},
		{"CloudWatch events a line", []byte(`{"message": "` + escaped + `"}` + "\n"), 1, 0},
		{"aws logs tail", []byte("2026-12-03T12:00:01.000000+00:00 vpc-app/i-0123 " + vpcdnsRecord + "\nnot a record\n"), 1, 1},
		{"record without a timestamp", []byte(`{"vpc_id":"vpc-app","srcaddr":"10.0.0.5"}` + "\n" + vpcdnsRecord), 1, 1},
		{"empty", nil, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			es, skipped, err := readAll(t, tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != tc.want || skipped != tc.skipped {
				t.Fatalf("read %d, skipped %d; want %d, %d", len(es), skipped, tc.want, tc.skipped)
			}
			if tc.want > 0 {
				e := es[0]
				want := time.Date(2026, 12, 3, 12, 0, 1, 0, time.UTC)
				if e.VPC != "vpc-app" || e.SrcAddr.String() != "127.0.0.11" || e.Instance != "i-0123456789abcdef0" || !e.Time.Equal(want) || e.Transport != "UDP" {
					t.Errorf("entry %+v", e)
				}
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"broken record", vpcdnsRecord[:20] + "\n", "test.log: record 1"},
		{"broken stream", vpcdnsRecord + `{"vpc_id": `, "test.log: record 2"},
		{"broken second line", "x " + vpcdnsRecord + "\nx {\n", "test.log: line 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(t, []byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one naming %q", err, tc.want)
			}
		})
	}
}

func TestRateOf(t *testing.T) {
	per := map[int64]int{}
	for s := range 100 {
		per[int64(s)] = 10
	}
	per[50] = 1024
	r := rateOf(per, 1)
	if r.Peak != 1024 || r.PeakAt.Unix() != 50 || r.P99 != 10 || r.Seconds != 100 {
		t.Errorf("rate %+v", r)
	}
	per[51], per[52] = 900, 800
	if r := rateOf(per, 1); r.P99 != 900 {
		t.Errorf("p99 with three high seconds of 100: %d, want 900", r.P99)
	}
	if r := rateOf(map[int64]int{7: 25001}, 2); r.Peak != 12501 {
		t.Errorf("shared over two: %d, want 12501", r.Peak)
	}
	if r := rateOf(map[int64]int{}, 1); r != (Rate{}) {
		t.Errorf("empty: %+v", r)
	}
}

// entries makes rate queries per second for seconds seconds from src.
func entries(a *Analyzer, src, endpoint, transport string, rate, seconds int) {
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for s := range seconds {
		for range rate {
			e := Entry{Time: t0.Add(time.Duration(s) * time.Second), VPC: "vpc-app", Transport: transport, QueryType: "A", Endpoint: endpoint}
			fmt.Sscan(src, &e.Instance)
			a.Add(e)
		}
	}
}

func TestAnalyzerWithoutNetwork(t *testing.T) {
	a := NewAnalyzer(nil)
	entries(a, "i-hot", "", "UDP", 1024, 5)
	entries(a, "i-warm", "", "UDP", 850, 3)
	entries(a, "i-cool", "", "UDP", 10, 3)
	entries(a, "i-tcp", "", "TCP", 600, 2)
	entries(a, "i-fwd", "rslvr-out-1", "UDP", 25000, 2)
	r := a.Report([]string{"q.log"}, 0)
	got := map[string]string{}
	for _, s := range r.ENIs {
		got[s.ENI] = s.Status
	}
	want := map[string]string{"i-hot": StatusAtLimit, "i-warm": StatusNear, "i-cool": StatusOK, "i-tcp": StatusAtLimit, "i-fwd": StatusAtLimit}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s, want %s", k, got[k], v)
		}
	}
	if r.ENIs[0].ENI != "i-fwd" || r.ENIs[1].ENI != "i-tcp" && r.ENIs[1].ENI != "i-hot" {
		t.Errorf("not hottest first: %+v", r.ENIs)
	}
	if len(r.EndpointAddresses) != 1 {
		t.Fatalf("endpoint addresses %+v", r.EndpointAddresses)
	}
	ad := r.EndpointAddresses[0]
	if !ad.Estimated || ad.Addresses != 2 || ad.Rate.Peak != 12500 || ad.Limit != 10000 || ad.Status != StatusAtLimit {
		t.Errorf("endpoint address %+v", ad)
	}
	if r.ExitCode() != 1 {
		t.Error("exit code 0 with sources at their limit")
	}
}

const capacityNetwork = `
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24}
      - {id: subnet-b, cidr_block: 10.0.2.0/24}
      - {id: subnet-c, cidr_block: 10.0.3.0/24}
    instances:
      - {id: i-0123456789abcdef0, private_ips: [10.0.1.5]}
security_groups:
  - id: sg-narrow
    vpc: vpc-app
    egress: [{protocol: udp, from_port: 53, to_port: 53, cidr: 192.168.0.0/16}]
resolver_endpoints:
  - id: rslvr-out
    direction: outbound
    vpc: vpc-app
    security_groups: [sg-narrow]
    ip_addresses: [{subnet: subnet-a, ip: 10.0.1.10}, {subnet: subnet-b, ip: 10.0.2.10}, {subnet: subnet-c, ip: 10.0.3.10}]
emulation:
  source_map: {"127.0.0.11": eni-0aaaaaaaaaaaaaaaa}
`

func TestAnalyzerWithNetwork(t *testing.T) {
	n, _, err := config.Parse([]byte(capacityNetwork), "network.yaml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := NewAnalyzer(n)
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for i := range 4000 {
		src := "127.0.0.11"
		if i%3 == 0 {
			src = "10.0.1.5"
		}
		e := Entry{Time: t0, VPC: "vpc-app", Transport: "UDP", QueryType: "PTR", Endpoint: "rslvr-out"}
		e.SrcAddr, _ = parseAddr(src)
		a.Add(e)
	}
	r := a.Report([]string{"q.log"}, 0)
	if len(r.ENIs) != 2 || r.ENIs[0].ENI != "eni-0aaaaaaaaaaaaaaaa" || r.ENIs[0].Kind != "eni" || r.ENIs[0].Packets.Peak != 2666 ||
		r.ENIs[1].ENI != "i-0123456789abcdef0" || r.ENIs[1].Kind != "instance" || r.ENIs[1].Status != StatusAtLimit {
		t.Errorf("sources %+v", r.ENIs)
	}
	ad := r.EndpointAddresses[0]
	if ad.Direction != "outbound" || !ad.Tracked || ad.Limit != 1500 || ad.Addresses != 3 || ad.Rate.Peak != 1334 || ad.Status != StatusNear {
		t.Errorf("endpoint %+v", ad)
	}
	if !strings.Contains(ad.Fix, "untracked") {
		t.Errorf("fix of a tracked endpoint %q", ad.Fix)
	}
	var b strings.Builder
	if err := WriteText(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"eni-0aaaaaaaaaaaaaaaa (eni) is over its limit: 2666 packets/s at 2026-12-03T12:00:00Z against the limit of 1024 per ENI to the VPC resolver (AWS's).", "linklocal_allowance_exceeded",
		"reverse lookups (PTR)", "endpoint rslvr-out, each of its 3 addresses", "node-local cache"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}

// An inbound query comes from outside the VPC: it counts for the endpoint's
// address, never for a source ENI.
func TestInboundNotAnENI(t *testing.T) {
	a := NewAnalyzer(nil)
	es, _, err := readAll(t, []byte(awsInbound))
	if err != nil {
		t.Fatal(err)
	}
	a.Add(es[0])
	r := a.Report(nil, 0)
	if len(r.ENIs) != 0 || len(r.EndpointAddresses) != 1 || r.EndpointAddresses[0].Address != "rni-0123456789abcdef" || r.EndpointAddresses[0].Estimated {
		t.Errorf("report %+v", r)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(vpcdnsRecord + "\n" + awsInbound))
	f.Add([]byte(`{"events":[{"message":"{}"}]}`))
	f.Add([]byte("2026 x {\"query_timestamp\":\"2026-12-03T12:00:00Z\"}"))
	f.Add(gz(vpcdnsRecord))
	f.Fuzz(func(t *testing.T, data []byte) {
		a := NewAnalyzer(nil)
		Read(bytes.NewReader(data), "fuzz", a.Add)
		r := a.Report(nil, 0)
		WriteText(&strings.Builder{}, r)
	})
}

func parseAddr(s string) (netip.Addr, error) { return netip.ParseAddr(s) }
