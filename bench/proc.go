package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/miekg/dns"
)

// proc is a server process started by the benchmark: vpcdns, Unbound,
// CoreDNS or the on-premises BIND.
type proc struct {
	name string
	port int
	cmd  *exec.Cmd
	log  *tailBuffer
	done chan struct{} // closed when the process has exited
	stop sync.Once
}

// startProc runs bin in its own process group, with its output kept in a
// bounded buffer. The process gets SIGKILL should the benchmark die without
// cleaning up.
func startProc(name string, port int, dir, bin string, args ...string) (*proc, error) {
	p := &proc{name: name, port: port, log: &tailBuffer{max: 64 << 10}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Dir = dir
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	p.cmd.SysProcAttr = groupAttr()
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Stop sends SIGTERM to the process group, then SIGKILL after 5 seconds,
// and waits for the process to exit. It is idempotent.
func (p *proc) Stop() {
	p.stop.Do(func() {
		if p.exited() {
			return
		}
		signalGroup(p.cmd, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			signalGroup(p.cmd, syscall.SIGKILL)
			<-p.done
		}
	})
}

// waitReady waits until the server answers q with NOERROR and at least one
// answer record over UDP, or fails when it exits or timeout passes.
func (p *proc) waitReady(ctx context.Context, q query, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	deadline := start.Add(timeout)
	var last error
	for {
		if p.exited() {
			return 0, fmt.Errorf("%s exited during start (%v); its output:\n%s", p.name, p.cmd.ProcessState, p.log.String())
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if last = ask(ctx, p.port, q); last == nil {
			return time.Since(start), nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%s did not answer %s within %v (last: %v); its output:\n%s", p.name, q, timeout, last, p.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ask sends q to 127.0.0.1:port over UDP and wants NOERROR with an answer.
func ask(ctx context.Context, port int, q query) error {
	_, err := askData(ctx, port, q)
	return err
}

// askData is ask that also returns the data of the answer records (their
// text without owner name and TTL), to compare servers' answers.
func askData(ctx context.Context, port int, q query) (string, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(q.name), q.qtype)
	c := &dns.Client{Net: "udp", Timeout: 500 * time.Millisecond}
	r, _, err := c.ExchangeContext(ctx, m, net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	switch {
	case err != nil:
		return "", err
	case r.Rcode != dns.RcodeSuccess:
		return "", fmt.Errorf("%s: rcode %s", q, dns.RcodeToString[r.Rcode])
	case len(r.Answer) == 0:
		return "", fmt.Errorf("%s: no answer records", q)
	}
	data := make([]string, len(r.Answer))
	for i, rr := range r.Answer {
		h := rr.Header()
		data[i] = dns.TypeToString[h.Rrtype] + " " + strings.TrimPrefix(rr.String(), h.String())
	}
	return strings.Join(data, "; "), nil
}

// clockTicks is sysconf(_SC_CLK_TCK), the unit of utime and stime in
// /proc/PID/stat: 100 on every Linux this runs on; getconf says otherwise.
var clockTicks = sync.OnceValue(func() float64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err == nil {
		if v, err := strconv.Atoi(strings.TrimSpace(string(out))); err == nil && v > 0 {
			return float64(v)
		}
	}
	return 100
})

// cpuTime is the CPU time the process (all its threads) has used so far.
// It sums the nanosecond run times of the threads alive now
// (/proc/PID/task/*/schedstat); when that is unavailable, or disagrees with
// the tick-based total of /proc/PID/stat by more than a thread that exited
// could explain, it falls back to the ticks (10 ms resolution).
func (p *proc) cpuTime() (time.Duration, error) {
	ticks, err := p.cpuTicks()
	if err != nil {
		return 0, err
	}
	ns, err := p.schedRunTime()
	if err != nil {
		return ticks, nil
	}
	// Tick accounting samples; allow it 5 % and a few ticks of error.
	if d := ns - ticks; d.Abs() > ticks/20+time.Duration(4/clockTicks()*float64(time.Second)) {
		return ticks, nil
	}
	return ns, nil
}

// schedRunTime sums the first field of /proc/PID/task/*/schedstat: the
// nanoseconds each live thread has run.
func (p *proc) schedRunTime() (time.Duration, error) {
	base := "/proc/" + strconv.Itoa(p.pid()) + "/task"
	tasks, err := os.ReadDir(base)
	if err != nil {
		return 0, err
	}
	var sum time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(base + "/" + t.Name() + "/schedstat")
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue // the thread has just exited
			}
			return 0, err
		}
		f := strings.Fields(string(b))
		if len(f) < 1 {
			return 0, fmt.Errorf("schedstat of %s: %q", p.name, b)
		}
		v, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, err
		}
		sum += time.Duration(v)
	}
	return sum, nil
}

// cpuTicks is the user plus system CPU time of the process, dead threads
// included, from /proc/PID/stat, in clock ticks.
func (p *proc) cpuTicks() (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.pid()) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("cpu time of %s: %w", p.name, err)
	}
	// The command name (field 2) is in parentheses and may hold spaces;
	// the fields after the last ')' start at field 3 (state).
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("cpu time of %s: unexpected /proc stat %q", p.name, s)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("cpu time of %s: short /proc stat %q", p.name, s)
	}
	utime, err1 := strconv.ParseUint(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseUint(f[12], 10, 64) // field 15
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("cpu time of %s: %w", p.name, err)
	}
	return time.Duration(float64(utime+stime) / clockTicks() * float64(time.Second)), nil
}

// peakRSS is VmHWM from /proc/PID/status, in bytes: the most resident
// memory the process has had since it started.
func (p *proc) peakRSS() (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.pid()) + "/status")
	if err != nil {
		return 0, fmt.Errorf("peak RSS of %s: %w", p.name, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v) // "123456 kB"
			if len(f) == 2 && f[1] == "kB" {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				if err == nil {
					return kb << 10, nil
				}
			}
		}
	}
	return 0, fmt.Errorf("peak RSS of %s: no VmHWM in /proc status", p.name)
}

// freePort finds a port free on 127.0.0.1 for both UDP and TCP. Another
// process may take it before the server binds it; the caller retries.
func freePort() (int, error) {
	var last error
	for range 20 {
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("find a free port: %w", err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		_ = pc.Close()
		if err != nil {
			last = err
			continue
		}
		_ = ln.Close()
		return port, nil
	}
	return 0, fmt.Errorf("find a port free for UDP and TCP: %w", last)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
