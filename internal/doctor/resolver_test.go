package doctor_test

import (
	"context"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
	"github.com/vpcdns/vpcdns/internal/doctor"
	"github.com/vpcdns/vpcdns/internal/loopbacktest"
	"github.com/vpcdns/vpcdns/internal/resolvconf"
)

// fakeResolver plays a real VPC resolver on 127.0.0.1 over UDP: it answers
// every query with rcode and, for NOERROR, the PTR of 10.0.1.5.
func fakeResolver(t *testing.T, rcode int) netip.AddrPort {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.RecursionAvailable = true
		m.Rcode = rcode
		if rcode == dns.RcodeSuccess {
			rr, _ := dns.NewRR(r.Question[0].Name + " 300 IN PTR app1.corp.example.")
			m.Answer = []dns.RR{rr}
		}
		w.WriteMsg(m)
	})}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go srv.ActivateAndServe()
	<-started
	t.Cleanup(func() { srv.Shutdown() })
	return pc.LocalAddr().(*net.UDPAddr).AddrPort()
}

func host(t *testing.T, resolvConf string) *doctor.Host {
	t.Helper()
	c, err := resolvconf.Parse(strings.NewReader(resolvConf))
	if err != nil {
		t.Fatal(err)
	}
	return &doctor.Host{File: "/etc/resolv.conf", Config: c}
}

func runWith(t *testing.T, opts doctor.Options) *doctor.Report {
	t.Helper()
	v := setup(t, netVars{DNSSupport: true}, true) // no vpcdns serve: the "real" resolver answers
	opts.Dialer = &loopbackDialer{t: t}
	opts.Timeout, opts.ResolverTimeout = time.Second, time.Second
	rep, err := doctor.Run(context.Background(), v, "vpc-app", dnsname.ReverseAddr(netip.MustParseAddr("10.0.1.5")), dns.TypePTR, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestExternalResolver: --resolver asks another server as the VPC's
// resolver and compares its answer with the model, the targets being out of
// reach (on-premises, no address map): what doctor sees on an instance.
func TestExternalResolver(t *testing.T) {
	tests := []struct {
		name     string
		rcode    int
		dead     bool // nothing listens at --resolver
		want     check
		step2    string
		evidence string
	}{
		{
			name: "answers as the model predicts", rcode: dns.RcodeSuccess,
			want: check{ok: true, statuses: "sppppp",
				compare:  "answers NOERROR: 5.1.0.10.in-addr.arpa. PTR app1.corp.example., as the model predicts (NOERROR); no target could be asked from here",
				conclude: "Nothing to change: vpc-app resolves PTR 5.1.0.10.in-addr.arpa. as rule rr-reverse (0.10.in-addr.arpa.) answers it."},
			step2:    "NOERROR: 5.1.0.10.in-addr.arpa. PTR app1.corp.example.",
			evidence: "is not an address of vpc-app's resolver (10.0.0.2, or 169.254.169.253 and fd00:ec2::253 from any VPC)",
		},
		{
			name: "nxdomain is the target's to give", rcode: dns.RcodeNameError,
			want: check{ok: true, statuses: "sppppp", compare: "answers NXDOMAIN, as the model predicts (NOERROR)", conclude: "NXDOMAIN is the valid answer"},
		},
		{
			name: "refused is not what the model predicts", rcode: dns.RcodeRefused,
			want: check{ok: false, statuses: "spfppf", compare: "answers REFUSED, the model predicts NOERROR: the network file does not describe vpc-app as it is",
				conclude: "Re-import vpc-app (vpcdns import) and compare with vpcdns diff", change: "vpc-app"},
		},
		{
			name: "nothing answers", dead: true,
			want: check{ok: false, statuses: "sffppf", compare: "nothing to compare",
				conclude: "Run doctor on an instance in vpc-app with --resolver 10.0.0.2 (or 169.254.169.253)", change: "vpc-app"},
			step2: "run doctor on an instance in vpc-app, where this is its resolver",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var addr netip.AddrPort
			if tt.dead {
				addr = netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), loopbacktest.FreePort(t))
			} else {
				addr = fakeResolver(t, tt.rcode)
			}
			rep := runWith(t, doctor.Options{Resolver: addr})
			verify(t, rep, tt.want)
			if rep.Resolver != addr.String() {
				t.Errorf("resolver %q, want %s", rep.Resolver, addr)
			}
			if !strings.Contains(rep.Steps[1].Title, addr.String()+" as vpc-app's resolver (--resolver)") {
				t.Errorf("step 2 title %q", rep.Steps[1].Title)
			}
			if !strings.Contains(rep.Steps[1].Summary, tt.step2) {
				t.Errorf("step 2 summary %q, want %q", rep.Steps[1].Summary, tt.step2)
			}
			if !strings.Contains(strings.Join(rep.Steps[1].Evidence, "\n"), tt.evidence) {
				t.Errorf("step 2 evidence %q, want %q", rep.Steps[1].Evidence, tt.evidence)
			}
		})
	}
}

// TestHostResolver: the host step reads resolv.conf and says whether this
// host asks the VPC resolver at all.
func TestHostResolver(t *testing.T) {
	tests := []struct {
		name       string
		resolvConf string
		unreadable bool
		status     doctor.Status
		summary    string
		ok         bool
		conclusion doctor.Status
	}{
		{name: "vpc+2 first", resolvConf: "search ec2.internal\nnameserver 10.0.0.2\nnameserver 8.8.8.8\n", status: doctor.Pass, ok: true, conclusion: doctor.Pass,
			summary: "this host asks vpc-app's resolver: 10.0.0.2 is its first nameserver"},
		{name: "link-local address", resolvConf: "nameserver 169.254.169.253\n", status: doctor.Pass, ok: true, conclusion: doctor.Pass,
			summary: "169.254.169.253 is its first nameserver"},
		{name: "ipv6 nitro address", resolvConf: "nameserver fd00:ec2::253\n", status: doctor.Pass, ok: true, conclusion: doctor.Pass,
			summary: "fd00:ec2::253 is its first nameserver"},
		{name: "vpc resolver second", resolvConf: "nameserver 192.168.10.53\nnameserver 10.0.0.2\noptions timeout:2\n", status: doctor.Warn, ok: true, conclusion: doctor.Warn,
			summary: "this host asks 192.168.10.53 first; vpc-app's resolver (10.0.0.2) only when the servers before it do not answer within 2s each"},
		{name: "rotate", resolvConf: "nameserver 10.0.0.2\nnameserver 1.1.1.1\noptions rotate\n", status: doctor.Warn, ok: true, conclusion: doctor.Warn,
			summary: "options rotate spreads its queries over 10.0.0.2, 1.1.1.1"},
		{name: "systemd-resolved", resolvConf: "nameserver 127.0.0.53\noptions edns0 trust-ad\n", status: doctor.Warn, ok: true, conclusion: doctor.Warn,
			summary: "--resolv-conf /run/systemd/resolve/resolv.conf"},
		{name: "another server only", resolvConf: "nameserver 8.8.8.8\nnameserver 1.1.1.1\n", status: doctor.Fail, ok: false, conclusion: doctor.Fail,
			summary: "this host never asks vpc-app's resolver (10.0.0.2, 169.254.169.253, fd00:ec2::253, 127.0.0.1): its queries go to 8.8.8.8, 1.1.1.1"},
		{name: "no nameserver", resolvConf: "search example.com\n", status: doctor.Fail, ok: false, conclusion: doctor.Fail,
			summary: "no nameserver line"},
		{name: "unreadable", unreadable: true, status: doctor.Skip, ok: true, conclusion: doctor.Pass,
			summary: "cannot read /etc/resolv.conf: file does not exist"},
	}
	addr := fakeResolver(t, dns.RcodeSuccess)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &doctor.Host{File: "/etc/resolv.conf", Err: os.ErrNotExist}
			if !tt.unreadable {
				h = host(t, tt.resolvConf)
			}
			rep := runWith(t, doctor.Options{Resolver: addr, Host: h})
			if len(rep.Steps) != 7 {
				t.Fatalf("%d steps, want 7\n%s", len(rep.Steps), text(t, rep))
			}
			s := rep.Steps[5]
			if s.Name != "host-resolver" || s.Status != tt.status || !strings.Contains(s.Summary, tt.summary) {
				t.Errorf("step 6 %s %s %q; want host-resolver %s containing %q", s.Name, s.Status, s.Summary, tt.status, tt.summary)
			}
			if rep.OK != tt.ok || rep.Steps[6].Status != tt.conclusion {
				t.Errorf("ok %v, conclusion %s; want %v, %s\n%s", rep.OK, rep.Steps[6].Status, tt.ok, tt.conclusion, text(t, rep))
			}
			if tt.status == doctor.Fail && !strings.HasPrefix(rep.Conclusion, "Point this host at vpc-app's resolver") {
				t.Errorf("conclusion %q", rep.Conclusion)
			}
		})
	}
}
