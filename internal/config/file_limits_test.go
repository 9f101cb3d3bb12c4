package config

import (
	"net/netip"
	"testing"
)

func TestLimitsDefaults(t *testing.T) {
	n, err := Validate(decodeBase(t), "base.yaml", "testdata")
	if err != nil {
		t.Fatal(err)
	}
	want := Limits{ENIPacketsPerSecond: 1024, EndpointIPQueriesPerSecond: 10000, EndpointIPTrackedQueriesPerSecond: 1500}
	if n.Emulation.Limits != want {
		t.Errorf("limits %+v, want AWS's %+v", n.Emulation.Limits, want)
	}
	if n.Emulation.SourceMap != nil {
		t.Errorf("source map %v without the key", n.Emulation.SourceMap)
	}
}

func TestLimitsParsed(t *testing.T) {
	f := decodeBase(t)
	f.Emulation = &EmulationFile{
		SourceMap: map[string]string{"127.0.0.11": "i-1", "::ffff:127.0.0.12": "eni-0123456789abcdef0"},
		Limits:    &LimitsFile{ENIPacketsPerSecond: intp(0), EndpointIPTrackedQueriesPerSecond: intp(3000)},
	}
	f.VPCs[0].Instances[0].ExpectedQPS = intp(2500)
	f.Endpoints[0].ExpectedQPS = intp(25000)
	n, err := Validate(f, "base.yaml", "testdata")
	if err != nil {
		t.Fatal(err)
	}
	want := Limits{ENIPacketsPerSecond: 0, EndpointIPQueriesPerSecond: 10000, EndpointIPTrackedQueriesPerSecond: 3000}
	if n.Emulation.Limits != want {
		t.Errorf("limits %+v, want %+v", n.Emulation.Limits, want)
	}
	wantMap := map[netip.Addr]string{
		netip.MustParseAddr("127.0.0.11"): "i-1",
		netip.MustParseAddr("127.0.0.12"): "eni-0123456789abcdef0",
	}
	if !equal(n.Emulation.SourceMap, wantMap) {
		t.Errorf("source map %v, want %v", n.Emulation.SourceMap, wantMap)
	}
	if got := n.VPCs[0].Instances[0].ExpectedQPS; got != 2500 {
		t.Errorf("instance expected_qps %d", got)
	}
	if got := n.Endpoints[0].ExpectedQPS; got != 25000 {
		t.Errorf("endpoint expected_qps %d", got)
	}
}

func TestLimitsRejects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(f *File)
		path   string
		reason string
	}{
		{"source key not an address", func(f *File) { f.Emulation.SourceMap = map[string]string{"localhost": "i-1"} },
			`emulation.source_map["localhost"]`, "the key is not an IP address"},
		{"source value empty", func(f *File) { f.Emulation.SourceMap = map[string]string{"127.0.0.11": ""} },
			`emulation.source_map["127.0.0.11"]`, "is required"},
		{"source value unknown", func(f *File) { f.Emulation.SourceMap = map[string]string{"127.0.0.11": "i-nope"} },
			`emulation.source_map["127.0.0.11"]`, "is neither an ENI id"},
		{"source value a bad eni id", func(f *File) { f.Emulation.SourceMap = map[string]string{"127.0.0.11": "eni-xyz"} },
			`emulation.source_map["127.0.0.11"]`, "is neither an ENI id"},
		{"source value of another kind", func(f *File) { f.Emulation.SourceMap = map[string]string{"127.0.0.11": "subnet-a"} },
			`emulation.source_map["127.0.0.11"]`, "is a subnet, not an instance or an ENI"},
		{"source mapped twice", func(f *File) {
			f.Emulation.SourceMap = map[string]string{"127.0.0.11": "i-1", "::ffff:127.0.0.11": "i-1"}
		}, `emulation.source_map["::ffff:127.0.0.11"]`, "is mapped twice"},
		{"negative limit", func(f *File) { f.Emulation.Limits = &LimitsFile{ENIPacketsPerSecond: intp(-1)} },
			"emulation.limits.eni_packets_per_second", "must not be negative"},
		{"limit too large", func(f *File) { f.Emulation.Limits = &LimitsFile{EndpointIPQueriesPerSecond: intp(20_000_000)} },
			"emulation.limits.endpoint_ip_queries_per_second", "is above 10000000"},
		{"instance expected zero", func(f *File) { f.VPCs[0].Instances[0].ExpectedQPS = intp(0) },
			"vpcs[0].instances[0].expected_qps", "must be positive"},
		{"endpoint expected negative", func(f *File) { f.Endpoints[1].ExpectedQPS = intp(-3) },
			"resolver_endpoints[1].expected_qps", "must not be negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := decodeBase(t)
			f.Emulation = &EmulationFile{}
			tc.mutate(f)
			_, err := Validate(f, "base.yaml", "testdata")
			wantProblem(t, problemsOf(t, err), tc.path, tc.reason, 0)
		})
	}
}

func TestLimitsDecodeStrict(t *testing.T) {
	_, err := Decode([]byte("emulation:\n  limits:\n    eni_pps: 5\n"), "n.yaml")
	if err == nil {
		t.Fatal("an unknown key under emulation.limits decoded")
	}
	f, err := Decode([]byte("emulation:\n  source_map: {\"127.0.0.11\": i-1}\n  limits: {eni_packets_per_second: 0}\n"), "n.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if f.Emulation.SourceMap["127.0.0.11"] != "i-1" || *f.Emulation.Limits.ENIPacketsPerSecond != 0 {
		t.Errorf("decoded %+v", f.Emulation)
	}
}

func TestEndpointTracked(t *testing.T) {
	all := []SGRule{{Protocol: ProtoAll, Ports: AllPorts, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}
	udp53 := []SGRule{{Protocol: ProtoUDP, Ports: PortRange{53, 53}, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}
	udpAll := []SGRule{{Protocol: ProtoUDP, Ports: AllPorts, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}
	narrow := []SGRule{{Protocol: ProtoUDP, Ports: PortRange{53, 53}, CIDR: netip.MustParsePrefix("192.168.0.0/16")}}
	tests := []struct {
		name            string
		outbound        bool
		ingress, egress []SGRule
		targetPort      uint16
		want            bool
	}{
		{"inbound, AWS's recommended rules", false, udp53, udpAll, 53, false},
		{"inbound, everything allowed", false, all, all, 53, false},
		{"inbound, egress not to every port", false, udp53, udp53, 53, true},
		{"inbound, ingress from a narrow range", false, narrow, all, 53, true},
		{"inbound, no security group rules", false, nil, nil, 53, true},
		{"outbound, AWS's recommended rules", true, udpAll, udp53, 53, false},
		{"outbound, egress to a narrow range", true, udpAll, narrow, 53, true},
		{"outbound, ingress not on every port", true, udp53, udp53, 53, true},
		{"outbound, target on another port", true, udpAll, udp53, 5300, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vpc := &VPC{ID: "vpc-1"}
			e := &Endpoint{ID: "e", Outbound: tc.outbound, VPC: vpc,
				SecurityGroups: []*SecurityGroup{{ID: "sg", VPC: vpc, Ingress: tc.ingress, Egress: tc.egress}}}
			n := &Network{Endpoints: []*Endpoint{e}, Rules: []*Rule{{ID: "r", Endpoint: e,
				Targets: []netip.AddrPort{netip.AddrPortFrom(netip.MustParseAddr("192.168.10.53"), tc.targetPort)}}}}
			if got := EndpointTracked(n, e); got != tc.want {
				t.Errorf("tracked = %v, want %v", got, tc.want)
			}
			l := Limits{EndpointIPQueriesPerSecond: 10000, EndpointIPTrackedQueriesPerSecond: 1500}
			wantLimit := 10000
			if tc.want {
				wantLimit = 1500
			}
			if got := l.EndpointIPLimit(n, e); got != wantLimit {
				t.Errorf("limit %d, want %d", got, wantLimit)
			}
		})
	}
}
