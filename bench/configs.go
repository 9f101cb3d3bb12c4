package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
)

// The configurations below give every server the same data:
//
//   - W1: the private hosted zone bench.internal, 1,000 A records;
//   - W2: the PTRs of every address of 10.0.0.0/16, ip-10-0-X-Y.ec2.internal.
//     vpcdns makes them up itself (autodefined reverse zone of the VPC CIDR);
//     Unbound and CoreDNS have no such thing, so they get all 65,536 as
//     local data, with vpcdns's TTL;
//   - W3: 168.192.in-addr.arpa forwarded to the on-premises BIND;
//   - W4: miss.example forwarded to the same BIND, which answers a wildcard;
//   - W5: with rules > 0, that many more forward zones (zNNNNNN.fwd.example)
//     to the same BIND, never asked.
//
// Every address a server may send to is 127.0.0.1: the on-premises server is
// BIND on a loopback port, and Unbound forwards "." there too, so it never
// iterates to the root servers.

// serverConfig is what one server start needs to write its configuration.
type serverConfig struct {
	dir      string // a fresh directory for this start
	port     int    // where the server listens, UDP and TCP, on 127.0.0.1
	bindPort int    // the on-premises BIND (a closed port when BIND is not running)
	rules    int    // extra forward rules (W5)
	firewall int    // domains of a DNS Firewall block list (vpcdns-fw), 0 for none
}

// firewallDomains is the size of vpcdns-fw's block list: names the
// workloads never ask, a tenth of them wildcards.
const firewallDomains = 100_000

// blockedDomain is the i-th entry of vpcdns-fw's block list.
func blockedDomain(i int) string {
	if i%10 == 0 {
		return fmt.Sprintf("*.w%06d.blocked.example", i)
	}
	return fmt.Sprintf("b%06d.blocked.example", i)
}

// writeFile writes a file through a buffered writer filled by fill.
func writeFile(path string, fill func(w *bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fill(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// writeVPCDNSConfig writes network.yaml for vpcdns: one VPC answered on
// 127.0.0.1:port, an outbound endpoint, a VPN to the on-premises network
// where BIND plays 192.168.10.53, and no query logging.
func writeVPCDNSConfig(c serverConfig) (string, error) {
	path := filepath.Join(c.dir, "network.yaml")
	err := writeFile(path, func(w *bufio.Writer) {
		fmt.Fprintf(w, `# vpcdns bench: one VPC with the data of W1-W5 (see bench/README.md).
account_id: "111122223333"
region: us-east-1
vpcs:
  - id: vpc-bench
    cidr_blocks: [%s]
    enable_dns_support: true
    enable_dns_hostnames: true
    autodefined_reverse: enable
    ptr_records: all
    resolver_listen: ["127.0.0.1:%d"]
    main_route_table: rtb-bench
    subnets:
      - {id: subnet-bench-a, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
      - {id: subnet-bench-b, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
transit_gateways:
  - {id: tgw-bench, vpc_attachments: [vpc-bench], remote_networks: [vpn-onprem]}
remote_networks:
  - {id: vpn-onprem, type: vpn, cidr_blocks: [192.168.0.0/16], state: up}
security_groups:
  - id: sg-resolver-out
    vpc: vpc-bench
    egress:
      - {protocol: udp, from_port: 53, to_port: 53, cidr: 192.168.0.0/16}
      - {protocol: tcp, from_port: 53, to_port: 53, cidr: 192.168.0.0/16}
route_tables:
  - id: rtb-bench
    vpc: vpc-bench
    routes:
      - {destination: 192.168.0.0/16, target: tgw-bench}
resolver_endpoints:
  - id: rslvr-out-bench
    direction: outbound
    vpc: vpc-bench
    security_groups: [sg-resolver-out]
    ip_addresses:
      - {subnet: subnet-bench-a, ip: 10.0.1.10}
      - {subnet: subnet-bench-b, ip: 10.0.2.10}
resolver_rules:
`, vpcCIDR, c.port)
		rule := func(id, domain string) {
			fmt.Fprintf(w, "  - {id: %s, rule_type: forward, domain_name: %s, resolver_endpoint: rslvr-out-bench, target_ips: [{ip: 192.168.10.53}], vpcs: [vpc-bench]}\n", id, domain)
		}
		rule("rslvr-rr-onprem-reverse", onpremReverse)
		rule("rslvr-rr-miss", missZone)
		for i := range c.rules {
			rule(fmt.Sprintf("rslvr-rr-%06d", i), ruleDomain(i))
		}
		fmt.Fprintf(w, "private_hosted_zones:\n  - name: %s\n    vpcs: [vpc-bench]\n    records:\n", phzName)
		for i := range phzNames {
			fmt.Fprintf(w, "      - {name: %s, type: A, ttl: %d, values: [%s]}\n", phzHost(i), recordTTL, phzAddr(i))
		}
		if c.firewall > 0 {
			fmt.Fprintf(w, `firewall_domain_lists:
  - {id: rslvr-fdl-bench, name: blocked, domains_file: blocked.txt}
firewall_rule_groups:
  - id: rslvr-frg-bench
    rules:
      - {name: block, priority: 100, firewall_domain_list: rslvr-fdl-bench, action: BLOCK, block_response: NXDOMAIN}
firewall_rule_group_associations:
  - {firewall_rule_group: rslvr-frg-bench, vpc: vpc-bench, priority: 101}
`)
		}
		fmt.Fprintf(w, `emulation:
  address_map:
    "192.168.10.53:53": "127.0.0.1:%d"
  cache:
    max_entries: 100000
  # W3/W4 measure vpcdns, not AWS: the outbound endpoint's queries per
  # second (docs/limits.md) would cap W4 at 2 x 1,500 (tracked connections).
  limits:
    endpoint_ip_queries_per_second: 0
    endpoint_ip_tracked_queries_per_second: 0
`, c.bindPort)
	})
	if err == nil && c.firewall > 0 {
		err = writeFile(filepath.Join(c.dir, "blocked.txt"), func(w *bufio.Writer) {
			for i := range c.firewall {
				fmt.Fprintln(w, blockedDomain(i))
			}
		})
	}
	if err != nil || c.rules == 0 {
		return path, err
	}
	return asJSON(path)
}

// asJSON rewrites a network file as network.json: a generated network with
// 100,000 rules is what a program writes, and vpcdns reads JSON with
// encoding/json, several times faster than YAML (README, network.yaml).
func asJSON(yamlPath string) (string, error) {
	data, err := os.ReadFile(yamlPath)
	if err != nil {
		return "", err
	}
	f, err := config.Decode(data, yamlPath)
	if err != nil {
		return "", err
	}
	out, err := json.Marshal(f)
	if err != nil {
		return "", err
	}
	path := strings.TrimSuffix(yamlPath, ".yaml") + ".json"
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return path, nil
}

// unboundThreads matches the cores vpcdns uses: GOMAXPROCS is the number of
// CPUs, 2 on the machine this was written for.
func unboundThreads() int { return max(1, min(numCPU(), 8)) }

// writeUnboundConfig writes unbound.conf with the same data as vpcdns:
// local-zone/local-data for W1 and W2, forward-zone for W3, W4 and W5.
func writeUnboundConfig(c serverConfig) (string, error) {
	path := filepath.Join(c.dir, "unbound.conf")
	err := writeFile(path, func(w *bufio.Writer) {
		fmt.Fprintf(w, `# vpcdns bench: Unbound with the data of W1-W5 (see bench/README.md).
server:
  verbosity: 0
  interface: 127.0.0.1@%[1]d
  port: %[1]d
  do-ip4: yes
  do-ip6: no
  do-udp: yes
  do-tcp: yes
  access-control: 127.0.0.0/8 allow
  do-daemonize: no
  use-syslog: no
  logfile: ""
  chroot: ""
  username: ""
  directory: %[2]q
  pidfile: %[3]q
  num-threads: %[4]d
  so-reuseport: yes
  # Only loopback: forwards go to BIND on 127.0.0.1, and "." too (below).
  outgoing-interface: 127.0.0.1
  do-not-query-localhost: no
  # No DNSSEC validation (vpcdns does none), no trust anchor to fetch.
  module-config: "iterator"
  # About 100,000 answers, like vpcdns's cache (max_entries: 100000).
  msg-cache-size: 50m
  rrset-cache-size: 100m
  hide-identity: yes
  hide-version: yes
`, c.port, c.dir, filepath.Join(c.dir, "unbound.pid"), unboundThreads())
		fmt.Fprintf(w, "  local-zone: \"%s.\" static\n", phzName)
		for i := range phzNames {
			fmt.Fprintf(w, "  local-data: \"%s. %d IN A %s\"\n", phzHost(i), recordTTL, phzAddr(i))
		}
		// 0.10.in-addr.arpa is inside Unbound's default static 10.in-addr.arpa;
		// the more specific zone wins.
		w.WriteString("  local-zone: \"0.10.in-addr.arpa.\" static\n")
		for a := range 1 << 16 {
			x, y := a>>8, a&0xff
			fmt.Fprintf(w, "  local-data: \"%d.%d.0.10.in-addr.arpa. %d IN PTR ip-10-0-%d-%d.%s\"\n", y, x, autodefTTL, x, y, ec2Domain)
		}
		// Unbound answers the RFC 1918 reverse zones itself (NXDOMAIN) unless told not to.
		fmt.Fprintf(w, "  local-zone: \"%s.\" nodefault\n", onpremReverse)
		fmt.Fprintf(w, "remote-control:\n  control-enable: no\n")
		zone := func(name string) {
			fmt.Fprintf(w, "forward-zone:\n  name: \"%s.\"\n  forward-addr: 127.0.0.1@%d\n", name, c.bindPort)
		}
		zone(onpremReverse)
		zone(missZone)
		for i := range c.rules {
			zone(ruleDomain(i))
		}
		w.WriteString("# Anything else goes to BIND too (which refuses it), never to the internet.\n")
		fmt.Fprintf(w, "forward-zone:\n  name: \".\"\n  forward-addr: 127.0.0.1@%d\n", c.bindPort)
	})
	return path, err
}

// writeZoneFile writes an RFC 1035 zone file with an SOA and an NS, then
// the records fill writes.
func writeZoneFile(path, origin string, fill func(w io.Writer)) error {
	return writeFile(path, func(w *bufio.Writer) {
		fmt.Fprintf(w, "$ORIGIN %s.\n$TTL %d\n@ IN SOA ns.%s. hostmaster.%s. 1 3600 600 86400 60\n@ IN NS ns.%s.\n",
			origin, recordTTL, origin, origin, origin)
		fmt.Fprintf(w, "ns IN A 127.0.0.1\n") // BIND wants an address for an in-zone NS
		fill(w)
	})
}

// writeCoreDNSConfig writes a Corefile with the same data: the file plugin
// for W1 and W2 (the 65,536 PTRs written out), forward plus cache for W3 and
// W4. W5 is not modelled for CoreDNS (100,000 server blocks).
func writeCoreDNSConfig(c serverConfig) (string, error) {
	phz := filepath.Join(c.dir, phzName+".zone")
	if err := writeZoneFile(phz, phzName, func(w io.Writer) {
		for i := range phzNames {
			fmt.Fprintf(w, "%s. %d IN A %s\n", phzHost(i), recordTTL, phzAddr(i))
		}
	}); err != nil {
		return "", err
	}
	rev := filepath.Join(c.dir, "0.10.in-addr.arpa.zone")
	if err := writeZoneFile(rev, "0.10.in-addr.arpa", func(w io.Writer) {
		for a := range 1 << 16 {
			x, y := a>>8, a&0xff
			fmt.Fprintf(w, "%d.%d %d IN PTR ip-10-0-%d-%d.%s\n", y, x, autodefTTL, x, y, ec2Domain)
		}
	}); err != nil {
		return "", err
	}
	path := filepath.Join(c.dir, "Corefile")
	err := writeFile(path, func(w *bufio.Writer) {
		fmt.Fprintf(w, `%[1]s:%[2]d {
    bind 127.0.0.1
    file %[3]s
}
0.10.in-addr.arpa:%[2]d {
    bind 127.0.0.1
    file %[4]s
}
%[5]s:%[2]d %[6]s:%[2]d {
    bind 127.0.0.1
    cache {
        success 100000
        denial 10000
    }
    forward . 127.0.0.1:%[7]d
}
.:%[2]d {
    bind 127.0.0.1
    forward . 127.0.0.1:%[7]d
}
`, phzName, c.port, phz, rev, onpremReverse, missZone, c.bindPort)
	})
	return path, err
}

// writeBINDConfig writes named.conf and the zones of the on-premises server:
// 168.192.in-addr.arpa with the W3 PTRs and miss.example with a wildcard.
// named is authoritative only and sends nothing of its own.
func writeBINDConfig(dir string, port int) (string, error) {
	rev := filepath.Join(dir, onpremReverse+".zone")
	if err := writeZoneFile(rev, onpremReverse, func(w io.Writer) {
		for i := 1; i <= onpremPTRs; i++ {
			fmt.Fprintf(w, "%s. IN PTR %s\n", onpremPTRName(i), onpremHost(i))
		}
	}); err != nil {
		return "", err
	}
	miss := filepath.Join(dir, missZone+".zone")
	if err := writeZoneFile(miss, missZone, func(w io.Writer) {
		fmt.Fprintf(w, "*.%s. 300 IN A %s\n", missZone, missWildcard)
	}); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "named.conf")
	err := writeFile(path, func(w *bufio.Writer) {
		fmt.Fprintf(w, `options {
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
	minimal-responses yes;
};
controls { };
zone "%[5]s" { type primary; file %[6]q; };
zone "%[7]s" { type primary; file %[8]q; };
`, dir, filepath.Join(dir, "named.pid"), filepath.Join(dir, "session.key"), port,
			onpremReverse, rev, missZone, miss)
	})
	return path, err
}
