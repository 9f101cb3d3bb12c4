// Package mototest starts moto server (an AWS implementation no one here
// wrote) on 127.0.0.1 for tests, and builds the hub-and-spoke network of the
// import tests in it (network.py, with boto3).
//
// When moto_server or python3 with boto3 is missing, Start skips the test,
// unless the environment variable CI is "true": there it is a failure.
package mototest

import (
	"context"
	_ "embed"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

//go:embed network.py
var networkScript []byte

// Server is a running moto server.
type Server struct {
	URL string
}

func missing(tb testing.TB, what string) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("mototest: %s is not installed; in CI it must be", what)
	}
	tb.Skipf("mototest: %s is not installed", what)
}

// Start starts moto_server on a free loopback port and waits until it
// answers; tb.Cleanup stops it.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		missing(tb, "moto_server")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	logf, err := os.Create(filepath.Join(tb.TempDir(), "moto.log"))
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		cancel()
		tb.Fatalf("mototest: start moto_server: %v", err)
	}
	tb.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		logf.Close()
	})
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("mototest: moto_server did not answer on %s: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return &Server{URL: url}
}

// Build creates the hub-and-spoke network (network.py) in the endpoint url
// and returns its ids by name (hub, spoke1, rule_corp, zone_internal.example…).
func Build(tb testing.TB, url string) map[string]string {
	tb.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		missing(tb, "python3")
	}
	if exec.Command(py, "-c", "import boto3").Run() != nil {
		missing(tb, "boto3 (python3)")
	}
	script := filepath.Join(tb.TempDir(), "network.py")
	if err := os.WriteFile(script, networkScript, 0o644); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(py, script, url).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		tb.Fatalf("mototest: build the network: %v\n%s", err, msg)
	}
	ids := map[string]string{}
	if err := json.Unmarshal(out, &ids); err != nil {
		tb.Fatalf("mototest: ids: %v: %s", err, out)
	}
	return ids
}

// Env sets the environment of an SDK client talking to moto: fixed test
// credentials, the region, and no shared configuration or instance
// metadata of this machine.
func Env(tb testing.TB) {
	tb.Helper()
	dir := tb.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "",
		"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED": "true",
	} {
		tb.Setenv(k, v) // restored after the test
		if v == "" {
			os.Unsetenv(k)
		}
	}
}

// Python returns python3 when it can import boto3; otherwise it skips the
// test (fails it when CI is "true").
func Python(tb testing.TB) string {
	tb.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		missing(tb, "python3")
	}
	if exec.Command(py, "-c", "import boto3").Run() != nil {
		missing(tb, "boto3 (python3)")
	}
	return py
}
