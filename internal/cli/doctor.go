package cli

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/vpcdns/vpcdns/internal/doctor"
	"github.com/vpcdns/vpcdns/internal/resolvconf"
)

func runDoctor(ctx context.Context, args []string, std IO) int {
	fs := flagSet("doctor", "[-c FILE] --vpc ID (-x IP | NAME [TYPE]) [-o text|json] [--timeout D] [--resolver ADDR[:PORT]] [--resolv-conf FILE]", std)
	file := fs.String("c", "", "network `FILE` (network.yaml); the embedded example when absent")
	vpcID := fs.String("vpc", "", "the `ID` of the VPC the query comes from (required)")
	rev := fs.String("x", "", "reverse lookup of `IP` (type PTR), as dig -x")
	out := fs.String("o", "text", "output `format`: text or json")
	timeout := fs.Duration("timeout", 2*time.Second, "how long to wait for each target's answer (`duration`)")
	resolver := fs.String("resolver", "", "ask `ADDR[:PORT]` as the VPC's resolver instead of its resolver_listen (the real VPC+2 or 169.254.169.253, on an instance in the VPC)")
	resolvConf := fs.String("resolv-conf", "", "read this host's resolver configuration from `FILE` and say whether it asks the VPC resolver [/etc/resolv.conf with --resolver]")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if err := outputFormat(*out); err != nil {
		return usageError(std, fs, err)
	}
	if *vpcID == "" {
		return usageError(std, fs, fmt.Errorf("--vpc is required"))
	}
	if *timeout <= 0 {
		return usageError(std, fs, fmt.Errorf("--timeout %v: want a positive duration", *timeout))
	}
	qname, qtype, err := query(*rev, pos)
	if err != nil {
		return usageError(std, fs, err)
	}
	opts := doctor.Options{Timeout: *timeout}
	if *resolver != "" {
		if opts.Resolver, err = resolverAddr(*resolver); err != nil {
			return usageError(std, fs, err)
		}
		if *resolvConf == "" {
			*resolvConf = "/etc/resolv.conf"
		}
	}
	if *resolvConf != "" {
		opts.Host = readHost(*resolvConf)
	}
	v, code := compile(std, *file)
	if v == nil {
		return code
	}
	r, err := doctor.Run(ctx, v, *vpcID, qname, qtype, opts)
	if err != nil {
		fmt.Fprintf(std.Stderr, "vpcdns doctor: %v\n", err)
		return exitInvalid
	}
	if code := writeReport(std, *out, r, doctor.WriteText); code != exitOK {
		return code
	}
	if !r.OK {
		return exitFail
	}
	return exitOK
}

// resolverAddr reads --resolver: an IP address, with a port or not [53].
func resolverAddr(s string) (netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap, nil
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("--resolver %q: want ADDR or ADDR:PORT, with an IP address", s)
	}
	return netip.AddrPortFrom(a, 53), nil
}

// readHost reads the host's resolv.conf; a file that cannot be read is a
// skipped step, not an error: doctor still checks the resolver.
func readHost(file string) *doctor.Host {
	h := &doctor.Host{File: file}
	f, err := os.Open(file)
	if err != nil {
		h.Err = err
		return h
	}
	defer f.Close()
	h.Config, h.Err = resolvconf.Parse(f)
	return h
}
