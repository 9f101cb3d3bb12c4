package config

import (
	"bytes"
	"net/netip"
	"testing"
)

func TestExampleValidates(t *testing.T) {
	n, f, err := Example()
	if err != nil {
		t.Fatalf("got %v; want the example valid", err)
	}
	if f == nil || len(f.VPCs) != 2 {
		t.Fatalf("got File %+v; want the example's", f)
	}
	app := n.VPCByID("vpc-app")
	if app == nil || !app.DNSHostnames || app.ResolverListen[0] != netip.MustParseAddrPort("127.0.0.1:5353") {
		t.Fatalf("got vpc-app %+v; want hostnames on and listening on 127.0.0.1:5353", app)
	}
	if got := app.Instances[0].PrivateIPs[0]; got != netip.MustParseAddr("10.0.1.5") {
		t.Errorf("got instance address %s; want 10.0.1.5", got)
	}
	rules := map[string]string{}
	for _, r := range n.Rules {
		rules[r.ID] = r.Domain.String()
		if r.Endpoint == nil || r.Endpoint.ID != "rslvr-out-onprem" || !r.Endpoint.Outbound {
			t.Errorf("rule %s: got endpoint %+v; want rslvr-out-onprem", r.ID, r.Endpoint)
		}
	}
	wantRules := map[string]string{"rslvr-rr-onprem-reverse": "0.10.in-addr.arpa.", "rslvr-rr-corp": "corp.example."}
	if !equal(rules, wantRules) {
		t.Errorf("got rules %v; want %v", rules, wantRules)
	}
	if got := len(n.Emulation.AuthServers); got != 2 {
		t.Fatalf("got %d authoritative servers; want 2", got)
	}
	// Every modeled target is mapped to an emulated server on loopback.
	listening := map[netip.AddrPort]bool{}
	for _, s := range n.Emulation.AuthServers {
		for _, l := range s.Listen {
			listening[l] = true
		}
	}
	for _, r := range n.Rules {
		for _, tgt := range r.Targets {
			real, ok := n.Emulation.AddressMap[tgt]
			if !ok || !real.Addr().IsLoopback() || !listening[real] {
				t.Errorf("target %s of %s: got address map %s (%v); want a loopback emulated server", tgt, r.ID, real, ok)
			}
		}
	}
	// The emulated servers answer the reverse name the rule forwards.
	found := false
	for _, z := range n.Emulation.AuthServers[0].Zones {
		for _, rr := range z.Records {
			if rr.String() == "5.1.0.10.in-addr.arpa.\t300\tIN\tPTR\tapp1.corp.example." {
				found = true
			}
		}
	}
	if !found {
		t.Error("got no PTR 5.1.0.10.in-addr.arpa. → app1.corp.example. on onprem-dns-1")
	}
}

func TestExampleYAMLIsACopy(t *testing.T) {
	a := ExampleYAML()
	a[0] = 'X'
	if b := ExampleYAML(); bytes.Equal(a, b) {
		t.Error("got the embedded bytes themselves; want a copy")
	}
}
