package zone

import (
	"fmt"
	"io"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/dnsname"
)

// ParseFile reads an RFC 1035 master file whose default origin is origin.
// filename is used in error messages and to resolve $INCLUDE (which is off).
func ParseFile(r io.Reader, origin dnsname.Name, filename string) ([]dns.RR, error) {
	zp := dns.NewZoneParser(r, origin.String(), filename)
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		return nil, fmt.Errorf("parse zone file %s: %w", filename, err)
	}
	return rrs, nil
}
