// Package resolvconf reads a host's stub-resolver configuration, resolv.conf(5):
// the name servers it asks, in order, and the options that change how. It
// reads as the C library does: unknown keywords and malformed lines are
// skipped, not fatal, but each one is reported, so that doctor can say why a
// server the user wrote is not asked.
package resolvconf

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
)

// MaxNameservers is how many nameserver lines the C library uses (glibc's
// MAXNS); later ones are ignored.
const MaxNameservers = 3

// Config is what a resolv.conf says.
type Config struct {
	// Nameservers are the servers asked, in order, at most MaxNameservers.
	Nameservers []netip.Addr
	// Ignored are nameserver lines past MaxNameservers.
	Ignored []netip.Addr
	Search  []string
	// Options as written: ndots:N, timeout:N, attempts:N, rotate, ...
	Options []string
	// Rotate is the rotate option: queries spread over the servers
	// instead of asking them in order.
	Rotate bool
	// Timeout and Attempts are the per-server wait in seconds and the
	// rounds over the servers [5, 2].
	Timeout, Attempts int
	// Problems are lines skipped, "line N: reason".
	Problems []string
}

// Parse reads a resolv.conf. It fails only when r does.
func Parse(r io.Reader) (*Config, error) {
	c := &Config{Timeout: 5, Attempts: 2}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for line := 1; sc.Scan(); line++ {
		c.parseLine(line, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read resolv.conf: %w", err)
	}
	return c, nil
}

func (c *Config) parseLine(line int, text string) {
	if i := strings.IndexAny(text, "#;"); i >= 0 {
		text = text[:i]
	}
	f := strings.Fields(text)
	if len(f) == 0 {
		return
	}
	bad := func(format string, a ...any) {
		c.Problems = append(c.Problems, fmt.Sprintf("line %d: %s", line, fmt.Sprintf(format, a...)))
	}
	switch f[0] {
	case "nameserver":
		if len(f) < 2 {
			bad("nameserver without an address")
			return
		}
		a, err := netip.ParseAddr(f[1])
		if err != nil {
			bad("nameserver %q: not an IP address", f[1])
			return
		}
		if len(c.Nameservers) == MaxNameservers {
			c.Ignored = append(c.Ignored, a)
			bad("nameserver %s: ignored, only the first %d are used", a, MaxNameservers)
			return
		}
		c.Nameservers = append(c.Nameservers, a)
	case "search", "domain":
		// The last search or domain line wins.
		c.Search = append([]string(nil), f[1:]...)
	case "options":
		for _, o := range f[1:] {
			c.Options = append(c.Options, o)
			name, val, hasVal := strings.Cut(o, ":")
			switch name {
			case "rotate":
				c.Rotate = true
			case "timeout", "attempts":
				n, err := strconv.Atoi(val)
				if !hasVal || err != nil || n < 0 {
					bad("option %q: want %s:N", o, name)
					continue
				}
				if name == "timeout" {
					c.Timeout = min(n, 30) // glibc's RES_MAXRETRANS
				} else {
					c.Attempts = min(n, 5) // glibc's RES_MAXRETRY
				}
			}
		}
	case "sortlist", "lookup", "family":
	default:
		bad("unknown keyword %q", f[0])
	}
}
