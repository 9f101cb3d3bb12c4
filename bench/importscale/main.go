// Command importscale measures `vpcdns import` on a large account: it
// builds an account of -vpcs VPCs, -rules resolver rules and -instances
// instances in moto server on 127.0.0.1 (scale.py, boto3; moto runs in
// that Python process), runs vpcdns import --endpoint-url against it and
// reports the wall time and vpcdns's own CPU (user + system time of the
// child process). The peer, measured in the same run against the same
// server, is boto3 making the calls whose answers grow with the account
// (peer.py): its wall time is how long moto takes to answer. Opt-in: it is
// not part of go test. See bench/README.md.
//
//	go run ./bench/importscale                       # 500 VPCs, 2,000 rules, 20,000 instances
//	go run ./bench/importscale -vpcs 50 -rules 200 -instances 2000
//	go run ./bench/importscale -cpuprofile cpu.out   # and a pprof profile of the import, run in this process
//	go run ./bench/importscale -also /tmp/vpcdns-old # and the same import with another build, against the same account
package main

import (
	"bufio"
	"context"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/vpcdns/vpcdns/internal/awsread"
)

//go:embed scale.py
var script []byte

//go:embed peer.py
var peerScript []byte

func main() {
	vpcs := flag.Int("vpcs", 500, "VPCs")
	rules := flag.Int("rules", 2000, "forward rules, each associated with one VPC")
	instances := flag.Int("instances", 20000, "instances, spread over the VPCs")
	concurrency := flag.Int("concurrency", 8, "vpcdns import --concurrency")
	profile := flag.String("cpuprofile", "", "also import in this process and write its CPU profile (pprof) here")
	also := flag.String("also", "", "also import with this vpcdns `binary` (an older build), before and after this one, against the same account")
	flag.Parse()
	if err := run(*vpcs, *rules, *instances, *concurrency, *profile, *also); err != nil {
		fmt.Fprintln(os.Stderr, "importscale:", err)
		os.Exit(1)
	}
}

func run(vpcs, rules, instances, concurrency int, profile, also string) error {
	dir, err := os.MkdirTemp("", "importscale-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for name, body := range map[string][]byte{"scale.py": script, "peer.py": peerScript} {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			return err
		}
	}
	bin := filepath.Join(dir, "vpcdns")
	binary := bin
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/vpcdns").CombinedOutput(); err != nil {
		return fmt.Errorf("build vpcdns: %w\n%s", err, out)
	}
	env := append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "none"))

	t0 := time.Now()
	moto := exec.Command("python3", filepath.Join(dir, "scale.py"), strconv.Itoa(vpcs), strconv.Itoa(rules), strconv.Itoa(instances))
	moto.Stderr = os.Stderr
	stdin, err := moto.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := moto.StdoutPipe()
	if err != nil {
		return err
	}
	if err := moto.Start(); err != nil {
		return fmt.Errorf("start python3 scale.py (moto and boto3 installed?): %w", err)
	}
	defer func() { stdin.Close(); _ = moto.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "ready ")
	if err != nil || !ok {
		return fmt.Errorf("scale.py did not serve the account: %q %v", line, err)
	}
	fmt.Printf("account built and served by moto at %s in %.0f s\n", url, time.Since(t0).Seconds())

	// moto answers the operations it does not serve (Direct Connect, Route 53
	// Profiles, ListResolverConfigs) with HTTP 500, which the SDK retries:
	// three attempts keep those from dominating the wall time.
	importWith := func(bin, label string, out io.Writer) (time.Duration, error) {
		file := "network.yaml" // checked below
		if bin != binary {
			file = "other.yaml"
		}
		imp := exec.Command(bin, "import", "--endpoint-url", url, "--concurrency", strconv.Itoa(concurrency), "--max-attempts", "3",
			"-o", filepath.Join(dir, file))
		imp.Env = env
		var summary strings.Builder
		imp.Stderr = &summary
		t1 := time.Now()
		err := imp.Run()
		wall := time.Since(t1)
		if imp.ProcessState == nil {
			return 0, fmt.Errorf("run vpcdns import (%s): %w", label, err)
		}
		user, sys := imp.ProcessState.UserTime(), imp.ProcessState.SystemTime()
		fmt.Fprint(out, summary.String())
		fmt.Printf("vpcdns import (%s): exit %d, wall %.1f s, vpcdns CPU %.2f s (user %.2f s, system %.2f s)\n",
			label, imp.ProcessState.ExitCode(), wall.Seconds(), (user + sys).Seconds(), user.Seconds(), sys.Seconds())
		return wall, nil
	}
	if also != "" {
		if _, err := importWith(also, also, io.Discard); err != nil {
			return err
		}
	}
	wall, err := importWith(bin, "this build", os.Stdout)
	if err != nil {
		return err
	}
	if also != "" {
		if _, err := importWith(also, also, io.Discard); err != nil {
			return err
		}
	}

	peer := exec.Command("python3", filepath.Join(dir, "peer.py"), url)
	peer.Stderr = os.Stderr
	t2 := time.Now()
	out, err := peer.Output()
	pwall := time.Since(t2)
	if err != nil {
		return fmt.Errorf("peer.py: %w", err)
	}
	pcpu := peer.ProcessState.UserTime() + peer.ProcessState.SystemTime()
	fmt.Printf("peer (boto3, %s calls one at a time): wall %.1f s, CPU %.2f s; vpcdns wall / peer wall = %.2f\n",
		strings.TrimSpace(string(out)), pwall.Seconds(), pcpu.Seconds(), wall.Seconds()/pwall.Seconds())

	chk := exec.Command(bin, "check", "-c", filepath.Join(dir, "network.yaml"))
	chk.Stdout, chk.Stderr = os.Stdout, os.Stderr
	if err := chk.Run(); err != nil {
		return fmt.Errorf("check the imported network: %w", err)
	}
	if profile == "" {
		return nil
	}
	for _, kv := range env[len(os.Environ()):] {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	pf, err := os.Create(profile)
	if err != nil {
		return err
	}
	defer pf.Close()
	if err := pprof.StartCPUProfile(pf); err != nil {
		return err
	}
	t3 := time.Now()
	_, err = awsread.Read(context.Background(), awsread.Options{EndpointURL: url, Concurrency: concurrency, MaxAttempts: 3})
	pprof.StopCPUProfile()
	fmt.Printf("profiled import in this process: %.1f s, profile in %s (go tool pprof -top %s)\n", time.Since(t3).Seconds(), profile, profile)
	return err
}
