package forward

import (
	"encoding/binary"

	"github.com/miekg/dns"
)

// A target's reply is read in wire form: the header and question are matched
// against the query's bytes, the records walked once to see whether the
// reply is already what clean would leave of it (the common case: records
// of the question's name only, an SOA or NS of its zone in the authority
// section, an OPT in the additional section), and the reply passed on as
// the bytes it came in, cut before its additional section, with the
// client's ID and question spelling. Only a reply that is not (a CNAME
// chain, records of other names, DNSSEC records, additional records) is
// unpacked into a dns.Msg, cleaned and packed again. Unpacking every reply
// was eight of the fourteen allocations of a cache-miss forward.

// DNS header offsets and sizes (RFC 1035 §4.1.1).
const (
	hdrLen   = 12
	flagQR   = 0x80 // in byte 2
	flagTC   = 0x02 // in byte 2
	typeOPT  = 41
	typeSOA  = 6
	typeNS   = 2
	typeCNAM = 5
	typeDNAM = 39
)

// verdict is what reading one datagram found.
type verdict uint8

const (
	notOurs verdict = iota // garbled, another ID, another question: ignored
	plain                  // the reply, already clean: pass the bytes on
	messy                  // the reply, to be cleaned through a dns.Msg
)

// replyInfo is what judge read of a matching reply.
type replyInfo struct {
	rcode     int  // with the OPT's extended bits
	truncated bool // TC set
	// cut is where the additional section starts: a plain reply is
	// b[:cut] with ARCOUNT 0.
	cut int
}

// judge reads b, a datagram or TCP message that may be the reply to query
// (the packed upstream query, whose ID is id).
func judge(b, query []byte, id uint16) (verdict, replyInfo) {
	var ri replyInfo
	if len(b) < hdrLen || binary.BigEndian.Uint16(b) != id || b[2]&flagQR == 0 {
		return notOurs, ri
	}
	// The query's question: its name from offset 12, then type and class.
	qEnd := questionEnd(query)
	if qEnd < 0 || binary.BigEndian.Uint16(b[4:]) != 1 || len(b) < qEnd || !equalFoldASCII(b[hdrLen:qEnd], query[hdrLen:qEnd]) {
		return messyOrNot(b, query, id)
	}
	ri.truncated = b[2]&flagTC != 0
	ri.cut = -1
	ri.rcode = int(b[3] & 0xf)
	qname := query[hdrLen : qEnd-4]
	qtype := binary.BigEndian.Uint16(query[qEnd-4:])
	an := int(binary.BigEndian.Uint16(b[6:]))
	ns := int(binary.BigEndian.Uint16(b[8:]))
	ar := int(binary.BigEndian.Uint16(b[10:]))
	off := qEnd
	var nameBuf [255]byte
	for i := 0; i < an+ns+ar; i++ {
		if i == an+ns {
			ri.cut = off
		}
		owner, next, ok := readName(b, off, nameBuf[:0])
		if !ok || next+10 > len(b) {
			return cutShort(b, query, id, ri)
		}
		t := binary.BigEndian.Uint16(b[next:])
		rdlen := int(binary.BigEndian.Uint16(b[next+8:]))
		end := next + 10 + rdlen
		if end > len(b) {
			return cutShort(b, query, id, ri)
		}
		switch {
		case i < an:
			// The answer: only records of the question's name, none that
			// clean would drop or follow.
			if t == typeCNAM || t == typeDNAM || (dnssecTypes[t] && t != qtype) || !equalFoldASCII(owner, qname) {
				return messy, ri
			}
		case i < an+ns:
			// The authority: an SOA or NS of the question's name or an
			// ancestor, nothing else.
			if (t != typeSOA && t != typeNS) || !isAncestorWire(owner, qname) {
				return messy, ri
			}
		default:
			// The additional section goes; an OPT's extended rcode counts.
			if t == typeOPT {
				ttl := binary.BigEndian.Uint32(b[next+4:])
				ri.rcode |= int(ttl>>24) << 4
			}
		}
		off = end
	}
	if ar == 0 {
		ri.cut = off
	}
	return plain, ri
}

// cutShort judges a reply whose records run past its end. A truncated one
// is the truncated reply it says it is: its header and question are what
// count (the TCP retry gets the whole answer); cut 0 says there is
// nothing to pass on. Any other is garbled, unless a dns.Msg reads it.
func cutShort(b, query []byte, id uint16, ri replyInfo) (verdict, replyInfo) {
	if ri.truncated {
		ri.cut = 0
		return plain, ri
	}
	return messyOrNot(b, query, id)
}

// messyOrNot decides, through a dns.Msg, whether b is the reply after all
// (a compressed or oddly spelt question): messy when it is.
func messyOrNot(b, query []byte, id uint16) (verdict, replyInfo) {
	var q dns.Msg
	if q.Unpack(query) != nil || len(q.Question) != 1 {
		return notOurs, replyInfo{}
	}
	m := match(b, id, q.Question[0])
	if m == nil {
		return notOurs, replyInfo{}
	}
	return messy, replyInfo{rcode: m.Rcode, truncated: m.Truncated}
}

// questionEnd returns the offset just past the question of the packed
// query (uncompressed: appendQuery and Pack write the first name in full),
// or -1.
func questionEnd(query []byte) int {
	off := hdrLen
	for off < len(query) {
		l := int(query[off])
		if l == 0 {
			if off+5 > len(query) {
				return -1
			}
			return off + 5
		}
		if l&0xc0 != 0 {
			return -1
		}
		off += 1 + l
	}
	return -1
}

// readName decompresses the name at off in b into buf (wire form) and
// returns it with the offset just past the name where it started.
func readName(b []byte, off int, buf []byte) (name []byte, next int, ok bool) {
	next = -1
	for hops := 0; hops < 64; {
		if off >= len(b) {
			return nil, 0, false
		}
		l := int(b[off])
		switch {
		case l == 0:
			buf = append(buf, 0)
			if next < 0 {
				next = off + 1
			}
			return buf, next, len(buf) <= 255
		case l&0xc0 == 0xc0:
			if off+1 >= len(b) {
				return nil, 0, false
			}
			if next < 0 {
				next = off + 2
			}
			ptr := int(binary.BigEndian.Uint16(b[off:]) & 0x3fff)
			if ptr >= off {
				return nil, 0, false // only backwards (RFC 1035 §4.1.4)
			}
			off = ptr
			hops++
		case l&0xc0 != 0:
			return nil, 0, false
		default:
			if off+1+l > len(b) || len(buf)+1+l > 255 {
				return nil, 0, false
			}
			buf = append(buf, b[off:off+1+l]...)
			off += 1 + l
		}
	}
	return nil, 0, false
}

// isAncestorWire reports whether the wire name zone is name or one of its
// ancestors (ignoring case).
func isAncestorWire(zone, name []byte) bool {
	for off := 0; off < len(name); {
		if len(name)-off == len(zone) && equalFoldASCII(name[off:], zone) {
			return true
		}
		if name[off] == 0 {
			return false
		}
		off += 1 + int(name[off])
	}
	return false
}

// passOn appends to dst the reply b that judge found plain: cut before its
// additional section, with ID id and the question spelt as in query. An
// extended rcode, which answered the target's EDNS and goes with the OPT,
// becomes SERVFAIL: the target failed.
func passOn(dst, b, query []byte, ri replyInfo, id uint16) []byte {
	base := len(dst)
	dst = append(dst, b[:ri.cut]...)
	out := dst[base:]
	binary.BigEndian.PutUint16(out, id)
	binary.BigEndian.PutUint16(out[10:], 0)
	if ri.rcode > 0xf {
		out[3] = out[3]&^0xf | dns.RcodeServerFailure
	}
	qEnd := questionEnd(query)
	copy(out[hdrLen:qEnd], query[hdrLen:qEnd])
	return dst
}
