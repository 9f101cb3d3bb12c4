// Command importscale measures `vpcdns import` on a large account: it starts
// moto server on 127.0.0.1, builds an account of -vpcs VPCs, -rules
// resolver rules and -instances instances in it (scale.py, boto3), then
// runs vpcdns import --endpoint-url against it and reports the wall time and
// vpcdns's own CPU (user + system time of the child process). Opt-in: it is
// not part of go test. See bench/README.md.
//
//	go run ./bench/importscale                       # 500 VPCs, 2,000 rules, 20,000 instances
//	go run ./bench/importscale -vpcs 50 -rules 200 -instances 2000
package main

import (
	_ "embed"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

//go:embed scale.py
var script []byte

func main() {
	vpcs := flag.Int("vpcs", 500, "VPCs")
	rules := flag.Int("rules", 2000, "forward rules, each associated with one VPC")
	instances := flag.Int("instances", 20000, "instances, spread over the VPCs")
	concurrency := flag.Int("concurrency", 8, "vpcdns import --concurrency")
	flag.Parse()
	if err := run(*vpcs, *rules, *instances, *concurrency); err != nil {
		fmt.Fprintln(os.Stderr, "importscale:", err)
		os.Exit(1)
	}
}

func run(vpcs, rules, instances, concurrency int) error {
	dir, err := os.MkdirTemp("", "importscale-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	moto := exec.Command("moto_server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	logf, _ := os.Create(filepath.Join(dir, "moto.log"))
	moto.Stdout, moto.Stderr = logf, logf
	if err := moto.Start(); err != nil {
		return fmt.Errorf("start moto_server (is it installed?): %w", err)
	}
	defer func() { _ = moto.Process.Kill(); _ = moto.Wait() }()
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	for i := 0; ; i++ {
		if resp, err := http.Get(url + "/moto-api/"); err == nil {
			resp.Body.Close()
			break
		}
		if i > 300 {
			return fmt.Errorf("moto_server does not answer on %s", url)
		}
		time.Sleep(100 * time.Millisecond)
	}
	py := filepath.Join(dir, "scale.py")
	if err := os.WriteFile(py, script, 0o644); err != nil {
		return err
	}
	t0 := time.Now()
	b := exec.Command("python3", py, url, strconv.Itoa(vpcs), strconv.Itoa(rules), strconv.Itoa(instances))
	b.Stderr = os.Stderr
	out, err := b.Output()
	if err != nil {
		return fmt.Errorf("build the account: %w", err)
	}
	fmt.Printf("%s in %.0f s\n", strings.TrimSpace(string(out)), time.Since(t0).Seconds())
	bin := filepath.Join(dir, "vpcdns")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/vpcdns").CombinedOutput(); err != nil {
		return fmt.Errorf("build vpcdns: %w\n%s", err, out)
	}
	// moto answers the operations it does not serve (Direct Connect, Route 53
	// Profiles, ListResolverConfigs) with HTTP 500, which the SDK retries:
	// three attempts keep those from dominating the wall time.
	imp := exec.Command(bin, "import", "--endpoint-url", url, "--concurrency", strconv.Itoa(concurrency), "--max-attempts", "3",
		"-o", filepath.Join(dir, "network.yaml"))
	imp.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "none"))
	var summary strings.Builder
	imp.Stderr = &summary
	t1 := time.Now()
	err = imp.Run()
	wall := time.Since(t1)
	if imp.ProcessState == nil {
		return fmt.Errorf("run vpcdns import: %w", err)
	}
	user, sys := imp.ProcessState.UserTime(), imp.ProcessState.SystemTime()
	fmt.Print(summary.String())
	fmt.Printf("vpcdns import: exit %d, wall %.1f s, vpcdns CPU %.2f s (user %.2f s, system %.2f s)\n",
		imp.ProcessState.ExitCode(), wall.Seconds(), (user + sys).Seconds(), user.Seconds(), sys.Seconds())
	chk := exec.Command(bin, "check", "-c", filepath.Join(dir, "network.yaml"))
	chk.Stdout, chk.Stderr = os.Stdout, os.Stderr
	return chk.Run()
}
