// Package bindtest starts BIND (named) on 127.0.0.1 for tests: a real,
// independent DNS implementation to forward to and to compare answers with.
//
// Start writes the zones a test gives it and a named.conf into tb.TempDir(),
// runs named in the foreground on a free port (the same one for UDP and TCP)
// and waits until it answers. named is authoritative only (recursion no) and
// sends no packets of its own (notify no, DNSSEC validation off), so a test
// that uses it still only talks to loopback.
//
// When named is not installed, Start skips the test, unless the environment
// variable CI is "true": there a missing named is a failure.
package bindtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// startAttempts is how many free ports Start tries when named cannot listen on
// the one it picked (another process took it in between).
const startAttempts = 3

// lookNamed returns the path of the named binary, or "" when there is none.
func lookNamed() string {
	if p, err := exec.LookPath("named"); err == nil {
		return p
	}
	// Debian installs named in /usr/sbin, which is not on every user's $PATH.
	for _, p := range []string{"/usr/sbin/named", "/usr/local/sbin/named"} {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// Available reports whether named is installed on this machine.
func Available() bool { return lookNamed() != "" }

// Option changes how Start configures named.
type Option func(*config)

type config struct {
	options      []string
	topLevel     []string
	refuse       bool
	startTimeout time.Duration
}

// WithOptions adds raw statements (each ending in ";") inside named.conf's
// options block, e.g. `minimal-responses yes;`.
func WithOptions(stmts string) Option {
	return func(c *config) { c.options = append(c.options, stmts) }
}

// WithConfig adds raw top-level statements to named.conf (e.g. an acl or a
// further zone with its own options).
func WithConfig(stmts string) Option {
	return func(c *config) { c.topLevel = append(c.topLevel, stmts) }
}

// Refusing makes named answer every query REFUSED (allow-query { none; }),
// a target that is up but will not answer.
func Refusing() Option {
	return func(c *config) { c.refuse = true }
}

// WithStartTimeout sets how long Start waits for named to answer [10s].
func WithStartTimeout(d time.Duration) Option {
	return func(c *config) { c.startTimeout = d }
}

// Server is a running named.
type Server struct {
	addr netip.AddrPort
	dir  string
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{} // closed when named has exited
	stop sync.Once
}

// Addr is where named listens, for UDP and TCP.
func (s *Server) Addr() netip.AddrPort { return s.addr }

// Dir is the directory of named.conf, the zone files and named's own files.
func (s *Server) Dir() string { return s.dir }

// Log is what named has logged so far.
func (s *Server) Log() string { return s.log.String() }

// Stop stops named and waits for it to exit. Afterwards nothing listens on
// Addr (a target that is down). Stop is idempotent; Start registers it with
// tb.Cleanup.
func (s *Server) Stop() {
	s.stop.Do(func() {
		select {
		case <-s.done:
			return
		default:
		}
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
}

// Start starts named on 127.0.0.1 serving zones (origin → zone file text, as
// type primary) and waits until it answers over UDP and TCP. Failures end the
// test with named's log attached.
func Start(tb testing.TB, zones map[string]string, opts ...Option) *Server {
	tb.Helper()
	bin := lookNamed()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("bindtest: named (BIND 9) is not installed; in CI it must be (apt-get install bind9)")
		}
		tb.Skip("bindtest: named (BIND 9) is not installed")
	}
	cfg := config{startTimeout: 10 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	var lastErr error
	for attempt := 0; attempt < startAttempts; attempt++ {
		s, retry, err := start(tb, bin, zones, cfg)
		if err == nil {
			tb.Cleanup(s.Stop)
			return s
		}
		lastErr = err
		if !retry {
			break
		}
	}
	tb.Fatalf("bindtest: %v", lastErr)
	return nil
}

// start makes one attempt to run named. retry says whether another port might
// work.
func start(tb testing.TB, bin string, zones map[string]string, cfg config) (s *Server, retry bool, err error) {
	dir := tb.TempDir()
	port, err := freePort()
	if err != nil {
		return nil, false, err
	}
	addr := netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), port)
	origins, err := writeFiles(dir, addr, zones, cfg)
	if err != nil {
		return nil, false, err
	}

	s = &Server{addr: addr, dir: dir, log: &syncBuffer{}, done: make(chan struct{})}
	// -g: foreground, log to stderr; -4: IPv4 only; -n 1: one worker thread.
	s.cmd = exec.Command(bin, "-g", "-4", "-n", "1", "-c", filepath.Join(dir, "named.conf"))
	s.cmd.Dir = dir
	s.cmd.Stdout = s.log
	s.cmd.Stderr = s.log
	s.cmd.SysProcAttr = sysProcAttr()
	if err := s.cmd.Start(); err != nil {
		return nil, false, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		_ = s.cmd.Wait()
		close(s.done)
	}()

	if err := s.waitReady(origins, cfg); err != nil {
		s.Stop()
		retry = strings.Contains(s.Log(), "address in use")
		return nil, retry, fmt.Errorf("named on %s: %w\n--- named.conf ---\n%s\n--- named log ---\n%s",
			addr, err, readFile(filepath.Join(dir, "named.conf")), s.Log())
	}
	return s, false, nil
}

// freePort finds a port that is free on 127.0.0.1 for both UDP and TCP.
func freePort() (uint16, error) {
	var lastErr error
	for range 20 {
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("find free port: %w", err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		_ = pc.Close()
		if err != nil {
			lastErr = err
			continue
		}
		_ = ln.Close()
		return uint16(port), nil
	}
	return 0, fmt.Errorf("find free port for UDP and TCP: %w", lastErr)
}

// writeFiles writes the zone files and named.conf into dir and returns the
// zones' origins, sorted, in canonical form (lower case, trailing dot).
func writeFiles(dir string, addr netip.AddrPort, zones map[string]string, cfg config) ([]string, error) {
	origins := make([]string, 0, len(zones))
	for o := range zones {
		origins = append(origins, o)
	}
	slices.Sort(origins)

	var conf strings.Builder
	fmt.Fprintf(&conf, `options {
	directory %[1]q;
	pid-file %[2]q;
	session-keyfile %[3]q;
	managed-keys-directory %[1]q;
	listen-on port %[4]d { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
	notify no;
	dnssec-validation no;
	allow-transfer { none; };
	automatic-interface-scan no;
`, dir, filepath.Join(dir, "named.pid"), filepath.Join(dir, "session.key"), addr.Port())
	if cfg.refuse {
		conf.WriteString("\tallow-query { none; };\n")
	}
	for _, s := range cfg.options {
		fmt.Fprintf(&conf, "\t%s\n", s)
	}
	conf.WriteString("};\ncontrols { };\n")

	canon := make([]string, 0, len(origins))
	for i, o := range origins {
		name := dns.CanonicalName(o)
		if _, ok := dns.IsDomainName(name); !ok {
			return nil, fmt.Errorf("zone %q: not a domain name", o)
		}
		file := filepath.Join(dir, "zone"+strconv.Itoa(i)+".db")
		if err := os.WriteFile(file, []byte(zones[o]), 0o644); err != nil {
			return nil, fmt.Errorf("write zone %s: %w", o, err)
		}
		fmt.Fprintf(&conf, "zone %q { type primary; file %q; };\n", name, file)
		canon = append(canon, name)
	}
	for _, s := range cfg.topLevel {
		conf.WriteString(s)
		conf.WriteString("\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "named.conf"), []byte(conf.String()), 0o644); err != nil {
		return nil, fmt.Errorf("write named.conf: %w", err)
	}
	return canon, nil
}

// waitReady waits until named has loaded its zones and answers over UDP and
// TCP, or fails early when named exits, cannot listen or rejects a zone.
func (s *Server) waitReady(origins []string, cfg config) error {
	deadline := time.Now().Add(cfg.startTimeout)
	probe := "."
	if len(origins) > 0 {
		probe = origins[0]
	}
	for {
		select {
		case <-s.done:
			return fmt.Errorf("named exited during start: %v", s.cmd.ProcessState)
		default:
		}
		log := s.Log()
		if strings.Contains(log, "address in use") {
			return errors.New("named could not listen: address in use")
		}
		if loaded(log) {
			for _, o := range origins {
				if !zoneLoaded(log, o) {
					return fmt.Errorf("zone %s was not loaded", o)
				}
			}
			if s.answers("udp", probe) && s.answers("tcp", probe) {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer within %v", cfg.startTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// loaded reports whether named has logged that it finished loading
// ("all zones loaded", then "running").
func loaded(log string) bool {
	for line := range strings.Lines(log) {
		if strings.HasSuffix(strings.TrimRight(line, "\r\n"), " running") {
			return true
		}
	}
	return false
}

// zoneLoaded reports whether named's log says zone origin was loaded:
// "zone example.test/IN: loaded serial 1".
func zoneLoaded(log, origin string) bool {
	name := strings.TrimSuffix(origin, ".")
	if name == "" {
		name = "."
	}
	return strings.Contains(strings.ToLower(log), "zone "+name+"/in: loaded serial")
}

// answers reports whether named answers an SOA query for name over network.
func (s *Server) answers(network, name string) bool {
	c := &dns.Client{Net: network, Timeout: 500 * time.Millisecond}
	q := new(dns.Msg)
	q.SetQuestion(name, dns.TypeSOA)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, _, err := c.ExchangeContext(ctx, q, s.addr.String())
	return err == nil
}

func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// syncBuffer is a bytes.Buffer safe for named's output goroutines and readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
