package e2e_test

import (
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vpcdns/vpcdns/internal/etcdtest"
	"github.com/vpcdns/vpcdns/internal/loopbacktest"
)

// Two serve processes on one three-member etcd: a rule created through
// one is listed by the other; with one member down both keep writing;
// with etcd down the API answers ServiceUnavailable, /readyz is not ready,
// vpcdns_store_up is 0 and DNS keeps answering; after a restart they
// converge again.
func TestFleetOnEtcd(t *testing.T) {
	c := etcdtest.Start(t, 3)
	storeURL := "etcd://" + strings.Join(c.Endpoints(), ",") + "/fleet"
	dir := t.TempDir()
	netFile := filepath.Join(dir, "network.yaml")
	// The VPC holds loopback, so that each instance serves it on its own
	// shared --listen socket (a fleet shares its state, sockets included).
	write(t, netFile, "account_id: \"111122223333\"\nvpcs:\n  - id: vpc-app\n    region: us-east-1\n    cidr_blocks: [127.0.0.0/8]\n    enable_dns_hostnames: true\n", nil)
	type inst struct{ api, dns, metrics int }
	var is [2]inst
	for i := range is {
		is[i] = inst{int(loopbacktest.FreePort(t)), int(loopbacktest.FreePort(t)), int(loopbacktest.FreePort(t))}
		p := serve(t, "-c", netFile, "--store", storeURL, "--log-level", "info",
			"--api-listen", "127.0.0.1:"+strconv.Itoa(is[i].api),
			"--listen", "127.0.0.1:"+strconv.Itoa(is[i].dns),
			"--metrics-listen", "127.0.0.1:"+strconv.Itoa(is[i].metrics))
		p.waitLog(t, "serving", 1)
	}
	create := func(port int, name string) (string, error) {
		out, err := resolverCall(http.DefaultClient, port, "CreateResolverRule", map[string]any{
			"CreatorRequestId": name, "RuleType": "SYSTEM", "DomainName": name + ".fleet.example"})
		if err != nil {
			return "", err
		}
		return out["ResolverRule"].(map[string]any)["Id"].(string), nil
	}
	converge := func(what string, port int, id string) time.Duration {
		t.Helper()
		t0 := time.Now()
		for !ruleIDs(t, port)[id] {
			if time.Since(t0) > 10*time.Second {
				t.Fatalf("%s: rule %s not listed after 10 s", what, id)
			}
			time.Sleep(2 * time.Millisecond)
		}
		return time.Since(t0)
	}
	id, err := create(is[0].api, "first")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("convergence A→B (API): %v", converge("B lists A's rule", is[1].api, id))
	id, err = create(is[1].api, "second")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("convergence B→A (API): %v", converge("A lists B's rule", is[0].api, id))

	// B followed A's write record by record, without a full reload.
	if v := metric(t, is[1].metrics, "vpcdns_store_followed_total"); v == "0" {
		t.Errorf("vpcdns_store_followed_total on B after A's write: %s, want > 0", v)
	}
	if v := metric(t, is[1].metrics, "vpcdns_store_reloads_total"); v != "0" {
		t.Errorf("vpcdns_store_reloads_total on B after A's write: %s, want 0", v)
	}

	// DNS follows: turning hostnames off through A's EC2 API makes B stop
	// answering the VPC's EC2 hostnames (SERVFAIL: no internet forwarders).
	name := "ip-127-0-0-5.ec2.internal"
	if got := digShort(t, is[1].dns, name, "A"); got != "127.0.0.5" {
		t.Fatalf("dig %s on B: %q, want 127.0.0.5", name, got)
	}
	form := url.Values{"Action": {"ModifyVpcAttribute"}, "Version": {"2016-11-15"}, "VpcId": {"vpc-app"}, "EnableDnsHostnames.Value": {"false"}}
	resp, err := http.PostForm("http://127.0.0.1:"+strconv.Itoa(is[0].api)+"/", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("ModifyVpcAttribute through A: %d %s", resp.StatusCode, body)
	}
	t0 := time.Now()
	for digShort(t, is[1].dns, name, "A") == "127.0.0.5" {
		if time.Since(t0) > 10*time.Second {
			t.Fatal("B still answers the EC2 hostname 10 s after A turned hostnames off")
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("convergence A→B (DNS, dig on B): %v", time.Since(t0))
	form.Set("EnableDnsHostnames.Value", "true")
	if resp, err = http.PostForm("http://127.0.0.1:"+strconv.Itoa(is[0].api)+"/", form); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for digShort(t, is[1].dns, name, "A") != "127.0.0.5" {
		if time.Since(t0) > 20*time.Second {
			t.Fatal("B does not answer the EC2 hostname again after A turned hostnames on")
		}
		time.Sleep(5 * time.Millisecond)
	}

	c.Stop(0)
	id, err = create(is[1].api, "one-member-down")
	if err != nil {
		t.Fatalf("write with one member of three down: %v", err)
	}
	converge("A lists the rule written with a member down", is[0].api, id)
	for _, in := range is {
		if got := digShort(t, in.dns, name, "A"); got != "127.0.0.5" {
			t.Errorf("dig on :%d with one etcd member down: %q, want 127.0.0.5", in.dns, got)
		}
	}

	c.Stop(1)
	c.Stop(2)
	if _, err := create(is[0].api, "etcd-down"); err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "ServiceUnavailable") {
		t.Errorf("write with etcd down: %v, want 503 ServiceUnavailable", err)
	}
	resp, err = http.Get("http://127.0.0.1:" + strconv.Itoa(is[0].metrics) + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Errorf("/readyz with etcd down: %d %q, want not ready", resp.StatusCode, body)
	}
	if v := metric(t, is[0].metrics, "vpcdns_store_up"); v != "0" {
		t.Errorf("vpcdns_store_up with etcd down: %s, want 0", v)
	}
	for _, in := range is {
		if got := digShort(t, in.dns, "ip-127-0-0-5.ec2.internal", "A"); got != "127.0.0.5" {
			t.Errorf("dig on :%d with etcd down: %q, want 127.0.0.5", in.dns, got)
		}
	}

	c.RestartAll()
	t0 = time.Now()
	for {
		if id, err = create(is[0].api, "after-restart"); err == nil {
			break
		}
		if time.Since(t0) > 20*time.Second {
			t.Fatalf("no write accepted 20 s after etcd restarted: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("first write accepted %v after etcd restarted", time.Since(t0))
	t.Logf("convergence A→B after the restart: %v", converge("B lists the rule written after the restart", is[1].api, id))
	if v := metric(t, is[0].metrics, "vpcdns_store_up"); v != "1" {
		t.Errorf("vpcdns_store_up after the restart: %s, want 1", v)
	}
	resp, err = http.Get("http://127.0.0.1:" + strconv.Itoa(is[0].metrics) + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz after etcd restarted: %d %q, want ready", resp.StatusCode, body)
	}
}
