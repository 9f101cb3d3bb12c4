package cache

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The DNS message header is 12 octets (RFC 1035 §4.1.1); the question name
// of the first question starts right after it and is never compressed.
const (
	headerLen = 12
	qnameOff  = headerLen
	typeOPT   = 41
)

var errShort = errors.New("message truncated")

// ttlOffsets walks a packed message and returns the offset of the TTL field
// of every resource record in the answer, authority and additional sections,
// skipping OPT pseudo-records (whose "TTL" holds EDNS flags).
func ttlOffsets(wire []byte) ([]uint16, error) {
	if len(wire) < headerLen {
		return nil, errShort
	}
	if len(wire) > 0xFFFF {
		return nil, fmt.Errorf("message of %d octets is longer than 65535", len(wire))
	}
	qd := int(binary.BigEndian.Uint16(wire[4:]))
	rrs := int(binary.BigEndian.Uint16(wire[6:])) +
		int(binary.BigEndian.Uint16(wire[8:])) +
		int(binary.BigEndian.Uint16(wire[10:]))
	off := headerLen
	var err error
	for range qd {
		if off, err = skipName(wire, off); err != nil {
			return nil, err
		}
		off += 4 // QTYPE, QCLASS
	}
	offs := make([]uint16, 0, rrs)
	for range rrs {
		if off, err = skipName(wire, off); err != nil {
			return nil, err
		}
		// TYPE(2) CLASS(2) TTL(4) RDLENGTH(2)
		if off+10 > len(wire) {
			return nil, errShort
		}
		if binary.BigEndian.Uint16(wire[off:]) != typeOPT {
			offs = append(offs, uint16(off+4))
		}
		off += 10 + int(binary.BigEndian.Uint16(wire[off+8:]))
	}
	if off > len(wire) {
		return nil, errShort
	}
	return offs, nil
}

// skipName returns the offset just past the (possibly compressed) domain
// name that starts at off.
func skipName(wire []byte, off int) (int, error) {
	for {
		if off >= len(wire) {
			return 0, errShort
		}
		b := wire[off]
		switch {
		case b == 0:
			return off + 1, nil
		case b&0xC0 == 0xC0:
			if off+2 > len(wire) {
				return 0, errShort
			}
			return off + 2, nil
		case b&0xC0 != 0:
			return 0, fmt.Errorf("label type %#x at offset %d not supported", b&0xC0, off)
		}
		off += 1 + int(b)
	}
}

// lowerQname rewrites the question name of a packed message in ASCII lower
// case, so that a stored answer does not depend on how the query that filled
// the entry happened to spell its name.
func lowerQname(wire []byte) {
	for off := qnameOff; off < len(wire); {
		n := int(wire[off])
		if n == 0 || n&0xC0 != 0 || off+1+n > len(wire) {
			return
		}
		for i := off + 1; i <= off+n; i++ {
			if c := wire[i]; 'A' <= c && c <= 'Z' {
				wire[i] = c + ('a' - 'A')
			}
		}
		off += 1 + n
	}
}

// MatchCase respells the question name of the packed reply wire with the
// letter case of qname, the name as the client sent it in presentation format
// (a miekg/dns Question.Name). Clients that randomise the case of their
// queries (DNS 0x20) expect the reply to echo it. Compressed owner names that
// point at the question change with it, as they would on a server that
// answered the query afresh. It reports false, and leaves wire unchanged,
// when qname is not the question name of wire ignoring case. It does not
// allocate.
func MatchCase(wire []byte, qname string) bool {
	if !spellQname(wire, qname, false) {
		return false
	}
	spellQname(wire, qname, true)
	return true
}

// spellQname compares the question name of wire with the presentation name
// qname, ignoring ASCII case, and when write is set copies qname's letters
// over those of wire.
func spellQname(wire []byte, qname string, write bool) bool {
	off, i := qnameOff, 0
	if qname == "." {
		qname = ""
	}
	for {
		if off >= len(wire) {
			return false
		}
		n := int(wire[off])
		if n&0xC0 != 0 {
			return false
		}
		if n == 0 {
			return i == len(qname)
		}
		if off+1+n > len(wire) {
			return false
		}
		if i > 0 {
			if i >= len(qname) || qname[i] != '.' {
				return false
			}
			i++
		}
		for k := off + 1; k <= off+n; k++ {
			c, next, ok := presByte(qname, i)
			if !ok || toLower(c) != toLower(wire[k]) {
				return false
			}
			if write {
				wire[k] = c
			}
			i = next
		}
		off += 1 + n
		if i == len(qname)-1 && qname[i] == '.' {
			i++ // trailing dot of a fully qualified name
		}
	}
}

// presByte decodes the octet of a presentation-format name at s[i], honouring
// \X and \DDD escapes, and returns it with the index of the next one. An
// unescaped dot is a label boundary, not an octet.
func presByte(s string, i int) (c byte, next int, ok bool) {
	if i >= len(s) || s[i] == '.' {
		return 0, 0, false
	}
	if s[i] != '\\' {
		return s[i], i + 1, true
	}
	if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
		v := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
		if v > 255 {
			return 0, 0, false
		}
		return byte(v), i + 4, true
	}
	if i+1 < len(s) {
		return s[i+1], i + 2, true
	}
	return 0, 0, false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func toLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// wireInfo is what scanWire reads of a packed answer.
type wireInfo struct {
	rcode     int
	truncated bool
	questions int
	answers   int
	ttl       uint32 // smallest TTL of the answer and authority sections, an SOA's MINIMUM counted
	haveTTL   bool   // some record gave one
	haveSOA   bool   // the authority section has an SOA
	ttlOff    []uint16
}

// scanWire walks a packed answer as entryTTL and ttlOffsets do for a
// dns.Msg: the TTL the entry gets and the offsets of every TTL field but
// an OPT's. offs is appended to.
func scanWire(wire []byte, offs []uint16) (wireInfo, error) {
	var wi wireInfo
	if len(wire) < headerLen {
		return wi, errShort
	}
	if len(wire) > 0xFFFF {
		return wi, fmt.Errorf("message of %d octets is longer than 65535", len(wire))
	}
	wi.rcode = int(wire[3] & 0xf)
	wi.truncated = wire[2]&0x02 != 0
	wi.questions = int(binary.BigEndian.Uint16(wire[4:]))
	an := int(binary.BigEndian.Uint16(wire[6:]))
	ns := int(binary.BigEndian.Uint16(wire[8:]))
	ar := int(binary.BigEndian.Uint16(wire[10:]))
	wi.answers = an
	if offs == nil {
		offs = make([]uint16, 0, an+ns+ar)
	}
	off := headerLen
	var err error
	for range wi.questions {
		if off, err = skipName(wire, off); err != nil {
			return wi, err
		}
		off += 4
	}
	wi.ttl = ^uint32(0)
	for i := range an + ns + ar {
		if off, err = skipName(wire, off); err != nil {
			return wi, err
		}
		if off+10 > len(wire) {
			return wi, errShort
		}
		t := binary.BigEndian.Uint16(wire[off:])
		ttl := binary.BigEndian.Uint32(wire[off+4:])
		end := off + 10 + int(binary.BigEndian.Uint16(wire[off+8:]))
		if end > len(wire) {
			return wi, errShort
		}
		if t != typeOPT {
			offs = append(offs, uint16(off+4))
		}
		if i < an+ns {
			if i >= an && t == typeSOA {
				if end-4 < off+10 {
					return wi, errShort
				}
				ttl = min(ttl, binary.BigEndian.Uint32(wire[end-4:])) // MINIMUM
				wi.haveSOA = true
			}
			wi.ttl = min(wi.ttl, ttl)
			wi.haveTTL = true
		}
		off = end
	}
	wi.ttlOff = offs
	return wi, nil
}

const typeSOA = 6
