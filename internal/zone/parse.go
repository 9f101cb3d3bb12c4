package zone

import (
	"fmt"
	"io"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// ParseFile reads an RFC 1035 master file whose default origin is origin.
// filename is used in error messages only: $INCLUDE is refused, so a zone
// file can never make vpcdns read another file. $ORIGIN, $TTL and $GENERATE
// work as in BIND. The records are returned as parsed; New checks them.
func ParseFile(r io.Reader, origin dnsname.Name, filename string) ([]dns.RR, error) {
	zp := dns.NewZoneParser(r, origin.String(), filename)
	// Off by default in miekg/dns; said here so it stays off.
	zp.SetIncludeAllowed(false)
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		return nil, fmt.Errorf("parse zone file %s: %w", filename, err)
	}
	return rrs, nil
}
