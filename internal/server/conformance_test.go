package server_test

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/bindtest"
	"github.com/vpcdns/vpcdns/internal/config"
	"github.com/vpcdns/vpcdns/internal/server"
)

// auditZone is the private hosted zone of the protocol audit
// (docs/conformance.md): a CNAME owner, a CNAME loop, an empty non-terminal
// and a 60-record A RRset.
func auditZone() string {
	var b strings.Builder
	b.WriteString(`$ORIGIN internal.example.
$TTL 300
@       IN SOA ns.internal.example. admin.internal.example. 1 7200 900 1209600 60
@       IN NS  ns
ns      IN A   10.0.0.53
db      IN A   10.0.1.20
db      IN AAAA fd00::20
www     IN CNAME db
loop1   IN CNAME loop2
loop2   IN CNAME loop1
x.ent   IN A   10.0.1.30
`)
	for i := range 60 {
		fmt.Fprintf(&b, "big IN A 10.0.2.%d\n", i+1)
	}
	return b.String()
}

// conformanceNetwork is vpc-app with the audit zone and a forward rule for
// corp.example, and vpc-small (10.3.0.64/26): the audit's network.
const conformanceNetwork = `
account_id: "111122223333"
region: us-east-1
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
    subnets:
      - {id: subnet-a, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
      - {id: subnet-b, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
  - id: vpc-small
    cidr_blocks: [10.3.0.64/26, 10.4.0.0/25, 10.4.1.32/27, 10.4.2.16/28]
    enable_dns_hostnames: true
resolver_endpoints:
  - id: rslvr-out
    direction: outbound
    vpc: vpc-app
    ip_addresses:
      - {subnet: subnet-a, ip: 10.0.1.10}
      - {subnet: subnet-b, ip: 10.0.2.10}
resolver_rules:
  - id: rslvr-rr-corp
    rule_type: forward
    domain_name: corp.example
    resolver_endpoint: rslvr-out
    target_ips: [{ip: 192.168.10.53}]
    vpcs: [vpc-app]
private_hosted_zones:
  - name: internal.example
    vpcs: [vpc-app]
    zone_file: internal.example.zone
emulation:
  address_map:
    "192.168.10.53:53": "{{MAP1}}"
  forwarding: {attempt_timeout: 200ms, total_timeout: 600ms}
`

// startConformance starts vpcdns on the audit network, its corp.example
// forwarded to upstream, and returns the addresses of vpc-app and vpc-small.
func startConformance(t testing.TB, upstream string) (app, small string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "internal.example.zone"), []byte(auditZone()), 0o600); err != nil {
		t.Fatal(err)
	}
	text := expand(conformanceNetwork, map[string]string{"MAP1": upstream})
	n, _, err := config.Parse([]byte(text), "network.yaml", dir)
	if err != nil {
		t.Fatalf("network.yaml: %v", err)
	}
	listenOnLoopback(n)
	s := start(t, n, server.Options{})
	return addrOf(t, s, "vpc:vpc-app"), addrOf(t, s, "vpc:vpc-small")
}

// sections is a reply's rcode and sections without TTLs, for comparing.
type sections struct {
	rcode      int
	answer, ns []string
}

func sectionsOf(m *dns.Msg) sections {
	return sections{rcode: m.Rcode, answer: rrStrings(m.Answer), ns: rrStrings(m.Ns)}
}

// The audit's DNS cases as a table (name, type, rcode, sections), over UDP
// and TCP.
func TestConformance(t *testing.T) {
	t.Parallel()
	bind := onPrem(t)
	app, small := startConformance(t, bind.Addr().String())
	soa := "internal.example. IN SOA ns.internal.example. admin.internal.example. 1 7200 900 1209600 60"
	tests := []struct {
		name   string
		addr   string
		qname  string
		qtype  uint16
		rcode  int
		answer []string // nil: none; checked as a set
		ns     []string
	}{
		// RFC 8482 §4.2: ANY on a missing name is NXDOMAIN, on a CNAME owner
		// the CNAME, on an existing name one HINFO.
		{"ANY on a missing name", app, "nx.internal.example.", dns.TypeANY, dns.RcodeNameError, nil, []string{soa}},
		{"ANY on a CNAME owner", app, "www.internal.example.", dns.TypeANY, dns.RcodeSuccess,
			[]string{"www.internal.example. IN CNAME db.internal.example."}, nil},
		{"ANY on an existing name", app, "db.internal.example.", dns.TypeANY, dns.RcodeSuccess,
			[]string{"db.internal.example. IN HINFO \"RFC8482\" \"\""}, nil},
		{"ANY on an empty non-terminal", app, "ent.internal.example.", dns.TypeANY, dns.RcodeSuccess, nil, []string{soa}},
		{"ANY on a missing autodefined name", app, "nope.ec2.internal.", dns.TypeANY, dns.RcodeNameError, nil,
			[]string{"ec2.internal. IN SOA ec2.internal. nobody.invalid. 1 3600 1200 604800 60"}},
		{"ANY forwarded: the target answers", app, "db.corp.example.", dns.TypeANY, dns.RcodeSuccess,
			[]string{"db.corp.example. IN A 192.168.1.20"}, nil},
		// RFC 1034 §3.6.2: a CNAME loop is an error, SERVFAIL as BIND and Unbound.
		{"CNAME loop", app, "loop1.internal.example.", dns.TypeA, dns.RcodeServerFailure, nil, nil},
		{"CNAME chain", app, "www.internal.example.", dns.TypeA, dns.RcodeSuccess,
			[]string{"www.internal.example. IN CNAME db.internal.example.", "db.internal.example. IN A 10.0.1.20"}, nil},
		// behaviour.md §4: every address of a /25–/28 VPC gets its name.
		{"PTR in a /26", small, "100.0.3.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess,
			[]string{"100.0.3.10.in-addr.arpa. IN PTR ip-10-3-0-100.ec2.internal."}, nil},
		{"PTR in a /25", small, "127.0.4.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess,
			[]string{"127.0.4.10.in-addr.arpa. IN PTR ip-10-4-0-127.ec2.internal."}, nil},
		{"PTR in a /27", small, "40.1.4.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess,
			[]string{"40.1.4.10.in-addr.arpa. IN PTR ip-10-4-1-40.ec2.internal."}, nil},
		{"PTR in a /28", small, "16.2.4.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess,
			[]string{"16.2.4.10.in-addr.arpa. IN PTR ip-10-4-2-16.ec2.internal."}, nil},
		{"A of the same /26 address", small, "ip-10-3-0-100.ec2.internal.", dns.TypeA, dns.RcodeSuccess,
			[]string{"ip-10-3-0-100.ec2.internal. IN A 10.3.0.100"}, nil},
		// Types a resolver does not answer (as Unbound): zone transfers
		// REFUSED, meta-types FORMERR.
		{"AXFR of a private zone", app, "internal.example.", dns.TypeAXFR, dns.RcodeRefused, nil, nil},
		{"IXFR of a private zone", app, "internal.example.", dns.TypeIXFR, dns.RcodeRefused, nil, nil},
		{"qtype OPT", app, "db.internal.example.", dns.TypeOPT, dns.RcodeFormatError, nil, nil},
		{"qtype TSIG", app, "db.internal.example.", dns.TypeTSIG, dns.RcodeFormatError, nil, nil},
		// RFC 6303 §3: a synthesized reverse zone has NS at its apex.
		{"NS of a reverse zone", app, "0.10.in-addr.arpa.", dns.TypeNS, dns.RcodeSuccess,
			[]string{"0.10.in-addr.arpa. IN NS 0.10.in-addr.arpa."}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, network := range []string{"udp", "tcp"} {
				r := ask(t, network, tt.addr, tt.qname, tt.qtype)
				got := sectionsOf(r)
				if got.rcode != tt.rcode {
					t.Errorf("%s: rcode %s; want %s\n%v", network, dns.RcodeToString[got.rcode], dns.RcodeToString[tt.rcode], r)
				}
				slices.Sort(got.answer)
				want := slices.Clone(tt.answer)
				slices.Sort(want)
				if !slices.Equal(got.answer, want) {
					t.Errorf("%s: answer %q; want %q", network, got.answer, want)
				}
				if !slices.Equal(got.ns, tt.ns) {
					t.Errorf("%s: authority %q; want %q", network, got.ns, tt.ns)
				}
			}
		})
	}
}

// The same zone data in BIND: vpcdns agrees with it on the cases where the
// audit found them apart (rcode and sections; vpcdns's ANY on an existing
// name stays minimal, which RFC 8482 allows).
func TestConformanceAgainstBIND(t *testing.T) {
	t.Parallel()
	ref := bindtest.Start(t, map[string]string{"internal.example": auditZone()})
	app, _ := startConformance(t, closedPort(t))
	tests := []struct {
		name  string
		qname string
		qtype uint16
		rcode bool // compare the rcode only (BIND-auth adds the loop's CNAMEs to its SERVFAIL)
	}{
		{"ANY on a missing name", "nx.internal.example.", dns.TypeANY, false},
		{"ANY on a CNAME owner", "www.internal.example.", dns.TypeANY, false},
		{"ANY on an empty non-terminal", "ent.internal.example.", dns.TypeANY, false},
		{"CNAME loop", "loop1.internal.example.", dns.TypeA, true},
		{"NXDOMAIN", "nx.internal.example.", dns.TypeA, false},
		{"NODATA", "db.internal.example.", dns.TypeMX, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := sectionsOf(ask(t, "udp", ref.Addr().String(), tt.qname, tt.qtype))
			got := sectionsOf(ask(t, "udp", app, tt.qname, tt.qtype))
			if got.rcode != want.rcode {
				t.Fatalf("rcode %s; BIND says %s", dns.RcodeToString[got.rcode], dns.RcodeToString[want.rcode])
			}
			if tt.rcode {
				return
			}
			if !slices.Equal(got.answer, want.answer) || !slices.Equal(got.ns, want.ns) {
				t.Errorf("vpcdns answer %q authority %q; BIND answer %q authority %q", got.answer, got.ns, want.answer, want.ns)
			}
		})
	}
}

// EDNS on the wire: BADVERS for a version above 0 (RFC 6891 §6.1.3), FORMERR
// for the malformed OPTs of the audit, NOTIMP with RD copied; on local,
// forwarded and cached answers alike (the rcode must not depend on the
// cache).
func TestEDNSEdgeCases(t *testing.T) {
	t.Parallel()
	bind := onPrem(t)
	app, _ := startConformance(t, bind.Addr().String())
	// Each name asked twice: the second is answered from the cache or the
	// fast path.
	names := []string{"db.internal.example.", "db.corp.example."}
	pack := func(t *testing.T, edit func(q *dns.Msg), raw func(b []byte) []byte, qname string) []byte {
		q := new(dns.Msg)
		q.SetQuestion(qname, dns.TypeA)
		q.SetEdns0(1232, false)
		edit(q)
		b, err := q.Pack()
		if err != nil {
			t.Fatal(err)
		}
		if raw != nil {
			b = raw(b)
		}
		return b
	}
	tests := []struct {
		name  string
		edit  func(q *dns.Msg)
		raw   func(b []byte) []byte // applied to the packed query
		rcode int
		opt   bool // the reply carries an OPT
		rd    bool
	}{
		{"version 0", func(q *dns.Msg) {}, nil, dns.RcodeSuccess, true, true},
		{"version 1 is BADVERS", func(q *dns.Msg) { q.IsEdns0().SetVersion(1) }, nil, dns.RcodeBadVers, true, true},
		{"version 1 with an option", func(q *dns.Msg) {
			q.IsEdns0().SetVersion(1)
			q.IsEdns0().Option = []dns.EDNS0{&dns.EDNS0_NSID{Code: dns.EDNS0NSID}}
		}, nil, dns.RcodeBadVers, true, true},
		{"two OPT records", func(q *dns.Msg) { q.Extra = append(q.Extra, dns.Copy(q.IsEdns0())) }, nil, dns.RcodeFormatError, true, true},
		{"OPT not owned by the root", func(q *dns.Msg) { q.IsEdns0().Hdr.Name = "x." }, nil, dns.RcodeFormatError, true, true},
		{"3-byte COOKIE", func(q *dns.Msg) {
			q.IsEdns0().Option = []dns.EDNS0{&dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: "010203"}}
		}, nil, dns.RcodeFormatError, true, true},
		{"8-byte client COOKIE", func(q *dns.Msg) {
			q.IsEdns0().Option = []dns.EDNS0{&dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: "0102030405060708"}}
		}, nil, dns.RcodeSuccess, true, true},
		{"option running past the OPT", func(q *dns.Msg) {}, func(b []byte) []byte {
			// option 10 claiming 20 bytes with 4 present; OPT RDLENGTH 8
			b = append(b, 0, 10, 0, 20, 1, 2, 3, 4)
			b[len(b)-10], b[len(b)-9] = 0, 8
			return b
		}, dns.RcodeFormatError, false, false},
		{"NOTIFY keeps RD", func(q *dns.Msg) { q.Opcode = dns.OpcodeNotify }, nil, dns.RcodeNotImplemented, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, qname := range names {
				for range 2 {
					for _, network := range []string{"udp", "tcp"} {
						b := pack(t, tt.edit, tt.raw, qname)
						r, err := rawBytesExchange(network, app, b)
						if err != nil {
							t.Fatalf("%s %s: %v", network, qname, err)
						}
						if r.Rcode != tt.rcode {
							t.Errorf("%s %s: rcode %s; want %s", network, qname, dns.RcodeToString[r.Rcode], dns.RcodeToString[tt.rcode])
						}
						if got := r.IsEdns0() != nil; got != tt.opt {
							t.Errorf("%s %s: OPT in reply %v; want %v", network, qname, got, tt.opt)
						}
						if opt := r.IsEdns0(); opt != nil && opt.Version() != 0 {
							t.Errorf("%s %s: reply OPT version %d; want 0", network, qname, opt.Version())
						}
						if r.RecursionDesired != tt.rd {
							t.Errorf("%s %s: RD %v; want %v", network, qname, r.RecursionDesired, tt.rd)
						}
						if tt.rcode != dns.RcodeSuccess && len(r.Answer) != 0 {
							t.Errorf("%s %s: %s with answers %v", network, qname, dns.RcodeToString[r.Rcode], r.Answer)
						}
					}
				}
			}
		})
	}
}

// rawBytesExchange sends b as it is and unpacks one reply.
func rawBytesExchange(network, addr string, b []byte) (*dns.Msg, error) {
	raw, err := rawWireBytes(network, addr, b)
	if err != nil {
		return nil, err
	}
	r := new(dns.Msg)
	if err := r.Unpack(raw); err != nil {
		return nil, err
	}
	return r, nil
}

// rawWireBytes sends b as it is and returns one reply's bytes.
func rawWireBytes(network, addr string, b []byte) ([]byte, error) {
	conn, err := net.DialTimeout(network, addr, clientTimeout)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(clientTimeout))
	if network == "tcp" {
		b = append(binary.BigEndian.AppendUint16(nil, uint16(len(b))), b...)
	}
	if _, err := conn.Write(b); err != nil {
		return nil, err
	}
	if network == "tcp" {
		var l [2]byte
		if _, err := io.ReadFull(conn, l[:]); err != nil {
			return nil, err
		}
		buf := make([]byte, binary.BigEndian.Uint16(l[:]))
		_, err := io.ReadFull(conn, buf)
		return buf, err
	}
	buf := make([]byte, 65535)
	n, err := conn.Read(buf)
	return buf[:n], err
}

// Replies are compressed and fit the client's payload, capped at 1232
// (RFC 1035 §4.1.4, RFC 6891 §6.2.5, RFC 9715); TC when they do not fit.
func TestReplySize(t *testing.T) {
	t.Parallel()
	bind := onPrem(t)
	app, _ := startConformance(t, bind.Addr().String())
	tests := []struct {
		name    string
		qname   string
		qtype   uint16
		payload uint16 // 0: no OPT
		limit   int
		tc      bool
	}{
		{"60 A, payload 4096: compressed, all of it", "big.internal.example.", dns.TypeA, 4096, 1232, false},
		{"60 A, payload 65535", "big.internal.example.", dns.TypeA, 65535, 1232, false},
		{"60 A, payload 1232", "big.internal.example.", dns.TypeA, 1232, 1232, false},
		{"60 A, payload 700: TC", "big.internal.example.", dns.TypeA, 700, 700, true},
		{"60 A, no EDNS: TC", "big.internal.example.", dns.TypeA, 0, 512, true},
		{"6 KB TXT forwarded, payload 4096: TC at 1232", "big.corp.example.", dns.TypeTXT, 4096, 1232, true},
		{"small answer compressed", "www.internal.example.", dns.TypeA, 1232, 1232, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 2 { // full path, then the fast path or the cache
				q := new(dns.Msg)
				q.SetQuestion(tt.qname, tt.qtype)
				if tt.payload != 0 {
					q.SetEdns0(tt.payload, false)
				}
				b, err := q.Pack()
				if err != nil {
					t.Fatal(err)
				}
				raw, err := rawWireBytes("udp", app, b)
				if err != nil {
					t.Fatal(err)
				}
				var r dns.Msg
				if err := r.Unpack(raw); err != nil {
					t.Fatal(err)
				}
				if len(raw) > tt.limit {
					t.Errorf("reply of %d bytes; limit %d", len(raw), tt.limit)
				}
				if r.Truncated != tt.tc {
					t.Errorf("TC %v; want %v", r.Truncated, tt.tc)
				}
				r.Compress = true
				if packed, _ := r.Pack(); len(packed) < len(raw) {
					t.Errorf("reply of %d bytes; compressed it is %d", len(raw), len(packed))
				}
			}
		})
	}
	// Over TCP the whole RRset comes, compressed.
	r := ask(t, "tcp", app, "big.internal.example.", dns.TypeA)
	if len(r.Answer) != 60 || r.Truncated {
		t.Errorf("tcp: %d records TC %v; want 60, no TC", len(r.Answer), r.Truncated)
	}
}

// The on-premises target sees vpcdns's own query: none of the client's DO,
// CD, COOKIE or client subnet, whatever the client sends.
func TestUpstreamSeesNoClientOptions(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		seen []*dns.Msg
	)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	up := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		mu.Lock()
		seen = append(seen, r.Copy())
		mu.Unlock()
		m := new(dns.Msg).SetReply(r)
		m.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.IPv4(192, 0, 2, 1)}}
		w.WriteMsg(m)
	})}
	go up.ActivateAndServe()
	t.Cleanup(func() { up.Shutdown() })
	app, _ := startConformance(t, pc.LocalAddr().String())

	q := new(dns.Msg)
	q.SetQuestion("logged.corp.example.", dns.TypeA)
	q.CheckingDisabled = true
	q.SetEdns0(4096, true)
	q.IsEdns0().Option = []dns.EDNS0{
		&dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: "0102030405060708"},
		&dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: net.IPv4(10, 0, 1, 0).To4()},
	}
	r := exchange(t, "udp", app, q)
	wantRcode(t, r, dns.RcodeSuccess)
	if r.CheckingDisabled || r.AuthenticatedData {
		t.Errorf("reply CD %v AD %v; want both clear", r.CheckingDisabled, r.AuthenticatedData)
	}
	if opt := r.IsEdns0(); opt == nil || opt.Do() || len(opt.Option) != 0 {
		t.Errorf("reply OPT %v; want vpcdns's own: no DO, no options", opt)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatal("the upstream saw no query")
	}
	for _, m := range seen {
		opt := m.IsEdns0()
		if m.CheckingDisabled {
			t.Errorf("upstream saw CD")
		}
		if opt == nil {
			t.Fatalf("upstream saw no OPT; want vpcdns's")
		}
		if opt.Do() || len(opt.Option) != 0 || opt.UDPSize() != 1232 {
			t.Errorf("upstream saw DO %v options %v size %d; want no DO, no options, 1232", opt.Do(), opt.Option, opt.UDPSize())
		}
	}
}
