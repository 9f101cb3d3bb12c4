package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vpcdns/vpcdns/internal/etcdtest"
	"github.com/vpcdns/vpcdns/internal/loopbacktest"
)

// resolverCall sends one Route 53 Resolver request (awsJson1_1, unsigned:
// serve runs without --api-credentials).
func resolverCall(client *http.Client, port int, op string, in any) (map[string]any, error) {
	body, _ := json.Marshal(in)
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:"+strconv.Itoa(port)+"/", bytes.NewReader(body))
	req.Header.Set("X-Amz-Target", "Route53Resolver."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %d %s", op, resp.StatusCode, data)
	}
	var out map[string]any
	return out, json.Unmarshal(data, &out)
}

// ruleIDs lists every rule the API holds.
func ruleIDs(t *testing.T, port int) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	next := ""
	for {
		in := map[string]any{"MaxResults": 100}
		if next != "" {
			in["NextToken"] = next
		}
		page, err := resolverCall(http.DefaultClient, port, "ListResolverRules", in)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page["ResolverRules"].([]any) {
			out[r.(map[string]any)["Id"].(string)] = true
		}
		next, _ = page["NextToken"].(string)
		if next == "" {
			return out
		}
	}
}

// Kill -9 at random moments while four clients write: every write the API
// acknowledged is there after the restart, and the store opens every time;
// with the bbolt store of --data-dir and with the etcd store of --store.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	t.Run("bbolt", func(t *testing.T) {
		data := filepath.Join(t.TempDir(), "data")
		crashWrites(t, []string{"--data-dir", data}, []string{"--data-dir", data})
		if _, err := os.Stat(filepath.Join(data, "vpcdns.db")); err != nil {
			t.Errorf("no vpcdns.db: %v", err)
		}
	})
	t.Run("etcd", func(t *testing.T) {
		c := etcdtest.Start(t, 1)
		url := "etcd://" + strings.Join(c.Endpoints(), ",") + "/crash"
		crashWrites(t, []string{"--store", url}, []string{"--store", url})
	})
}

// crashWrites is the kill -9 test of serve with the store flags of
// storeArgs; exportArgs are export's flags for the same store.
func crashWrites(t *testing.T, storeArgs, exportArgs []string) {
	dir := t.TempDir()
	dnsPort := int(loopbacktest.FreePort(t))
	netFile := filepath.Join(dir, "network.yaml")
	write(t, netFile, "account_id: \"111122223333\"\nvpcs:\n  - id: vpc-app\n    cidr_blocks: [10.0.0.0/16]\n    resolver_listen: [\"127.0.0.1:{{PORT}}\"]\n",
		map[string]string{"PORT": strconv.Itoa(dnsPort)})
	acked := map[string]bool{}
	var mu sync.Mutex
	const rounds = 4
	for round := range rounds {
		apiPort := int(loopbacktest.FreePort(t))
		cmd := exec.Command(binary, append([]string{"serve", "-c", netFile, "--api-listen", "127.0.0.1:" + strconv.Itoa(apiPort), "--log-level", "warn"}, storeArgs...)...)
		var stderr loopbacktest.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		deadline := time.Now().Add(20 * time.Second)
		for {
			if _, err := resolverCall(http.DefaultClient, apiPort, "ListResolverRules", map[string]any{}); err == nil {
				break
			}
			select {
			case <-done:
				t.Fatalf("round %d: serve exited: the store did not open after kill -9:\n%s", round, stderr.String())
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("round %d: the API did not come up:\n%s", round, stderr.String())
			}
		}
		have := ruleIDs(t, apiPort)
		mu.Lock()
		for id := range acked {
			if !have[id] {
				t.Errorf("round %d: acknowledged rule %s is gone after kill -9", round, id)
			}
		}
		mu.Unlock()
		if round == rounds-1 {
			cmd.Process.Signal(syscall.SIGTERM)
			<-done
			break
		}
		var wg sync.WaitGroup
		client := &http.Client{Timeout: 10 * time.Second}
		for w := range 4 {
			wg.Go(func() {
				for i := 0; ; i++ {
					crid := fmt.Sprintf("r%d-w%d-%d", round, w, i)
					out, err := resolverCall(client, apiPort, "CreateResolverRule", map[string]any{
						"CreatorRequestId": crid, "RuleType": "SYSTEM", "DomainName": crid + ".crash.example"})
					if err != nil {
						return // killed
					}
					mu.Lock()
					acked[out["ResolverRule"].(map[string]any)["Id"].(string)] = true
					mu.Unlock()
				}
			})
		}
		time.Sleep(time.Duration(150+rand.IntN(500)) * time.Millisecond)
		cmd.Process.Kill()
		<-done
		wg.Wait()
	}
	mu.Lock()
	n := len(acked)
	mu.Unlock()
	if n == 0 {
		t.Fatal("no write was acknowledged: the test proved nothing")
	}
	t.Logf("%d acknowledged writes survived %d kills", n, rounds-1)

	// export reads the store.
	out, err := exec.Command(binary, append([]string{"export"}, exportArgs...)...).Output()
	if err != nil || !bytes.Contains(out, []byte("crash.example")) {
		t.Errorf("export %v: %v\n%s", exportArgs, err, out)
	}
}

// /healthz and /readyz answer on the metrics listener; with the API, the
// store is one of the readiness checks.
func TestHealthProbes(t *testing.T) {
	dir := t.TempDir()
	metricsPort := int(loopbacktest.FreePort(t))
	apiPort := int(loopbacktest.FreePort(t))
	netFile := filepath.Join(dir, "network.yaml")
	write(t, netFile, "vpcs:\n  - id: vpc-app\n    cidr_blocks: [10.0.0.0/16]\n    resolver_listen: [\"127.0.0.1:{{PORT}}\"]\n",
		map[string]string{"PORT": strconv.Itoa(int(loopbacktest.FreePort(t)))})
	p := serve(t, "-c", netFile, "--metrics-listen", "127.0.0.1:"+strconv.Itoa(metricsPort),
		"--api-listen", "127.0.0.1:"+strconv.Itoa(apiPort), "--data-dir", filepath.Join(dir, "data"))
	p.waitLog(t, "serving", 1)
	for _, c := range []struct{ path, want string }{
		{"/healthz", "ok"},
		{"/readyz", "ok: store"},
	} {
		resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(metricsPort) + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(c.want)) {
			t.Errorf("GET %s: %d %q, want 200 with %q", c.path, resp.StatusCode, body, c.want)
		}
	}
	if v := metric(t, metricsPort, "vpcdns_store_up"); v != "1" {
		t.Errorf("vpcdns_store_up %s, want 1", v)
	}
	// export reads the store while serve holds it.
	out, err := exec.Command(binary, "export", "--data-dir", filepath.Join(dir, "data")).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("vpc-app")) {
		t.Errorf("export --data-dir while serving: %v\n%s", err, out)
	}
}
