// Package wire reads and patches DNS messages in wire format for the hot
// path of the server: it parses the header and question of a query without
// building a dns.Msg, and patches a stored answer (ID, flags, question
// spelling, TTLs, OPT) in place. Everything else about DNS messages is
// github.com/miekg/dns's job; this package exists because the numbers said
// so (see bench/README.md).
package wire

import "errors"

// Header flag bits (RFC 1035 §4.1.1).
const (
	flagQR = 1 << 15
	flagAA = 1 << 10
	flagTC = 1 << 9
	flagRD = 1 << 8
	flagRA = 1 << 7
	flagAD = 1 << 5
	flagCD = 1 << 4

	opcodeMask = 0xf << 11
	headerLen  = 12
	typeOPT    = 41
)

// ErrNotFast means the message is valid enough to be answered but needs the
// full path (a dns.Msg): more than one question, an opcode other than
// QUERY, compression in the question, records other than one OPT in the
// additional section, and the like.
var ErrNotFast = errors.New("query needs the full path")

// errMalformed means the bytes are not a DNS query at all.
var errMalformed = errors.New("malformed query")

// Query is the parsed header and question of a query. Key holds the
// question name lower-cased in wire form, then type and class: the same
// bytes for every spelling of the same question.
type Query struct {
	ID          uint16
	RD          bool
	Type, Class uint16
	// QEnd is the offset just past the question.
	QEnd int
	// EDNS reports an OPT record; UDPSize and DO are read from it.
	EDNS    bool
	UDPSize uint16
	DO      bool
	// Key is the lower-cased question (name, type, class), at most 259 bytes.
	Key    [259]byte
	KeyLen int
}

// QKey returns the lower-cased question bytes.
func (q *Query) QKey() []byte { return q.Key[:q.KeyLen] }

// IsMalformed reports whether err means the packet is not a DNS query and
// should be dropped (or answered FORMERR when a header can be read).
func IsMalformed(err error) bool { return errors.Is(err, errMalformed) }

// ParseQuery reads the header and question of msg into q. It allocates
// nothing. A message that is a response, or too short for a header, is
// malformed; one that is a query but not of the simple kind returns
// ErrNotFast.
func ParseQuery(msg []byte, q *Query) error {
	if len(msg) < headerLen {
		return errMalformed
	}
	flags := uint16(msg[2])<<8 | uint16(msg[3])
	if flags&flagQR != 0 {
		return errMalformed // a response: never answer it (amplification)
	}
	q.ID = uint16(msg[0])<<8 | uint16(msg[1])
	q.RD = flags&flagRD != 0
	qd := uint16(msg[4])<<8 | uint16(msg[5])
	an := uint16(msg[6])<<8 | uint16(msg[7])
	ns := uint16(msg[8])<<8 | uint16(msg[9])
	ar := uint16(msg[10])<<8 | uint16(msg[11])
	if flags&opcodeMask != 0 || qd != 1 || an != 0 || ns != 0 || ar > 1 {
		return ErrNotFast
	}
	off := headerLen
	k := 0
	for {
		if off >= len(msg) {
			return errMalformed
		}
		l := int(msg[off])
		if l&0xc0 != 0 {
			return ErrNotFast // a pointer (or reserved bits) in a question
		}
		if off+1+l > len(msg) || k+1+l > 255 {
			return errMalformed
		}
		q.Key[k] = byte(l)
		k++
		off++
		for i := 0; i < l; i++ {
			c := msg[off+i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			q.Key[k] = c
			k++
		}
		off += l
		if l == 0 {
			break
		}
	}
	if off+4 > len(msg) {
		return errMalformed
	}
	copy(q.Key[k:], msg[off:off+4])
	q.KeyLen = k + 4
	q.Type = uint16(msg[off])<<8 | uint16(msg[off+1])
	q.Class = uint16(msg[off+2])<<8 | uint16(msg[off+3])
	off += 4
	q.QEnd = off
	q.EDNS, q.UDPSize, q.DO = false, 0, false
	if ar == 1 {
		// Only a root-named OPT record is taken on the fast path.
		if off+11 > len(msg) || msg[off] != 0 {
			return ErrNotFast
		}
		if uint16(msg[off+1])<<8|uint16(msg[off+2]) != typeOPT {
			return ErrNotFast
		}
		rdlen := int(msg[off+9])<<8 | int(msg[off+10])
		if off+11+rdlen != len(msg) {
			return ErrNotFast
		}
		q.EDNS = true
		q.UDPSize = uint16(msg[off+3])<<8 | uint16(msg[off+4])
		q.DO = msg[off+7]&0x80 != 0
		if msg[off+6] != 0 {
			return ErrNotFast // EDNS version other than 0: BADVERS on the full path
		}
		if !plainOptions(msg[off+11:]) {
			return ErrNotFast // FORMERR on the full path
		}
	} else if off != len(msg) {
		return ErrNotFast // trailing bytes: let the full path judge
	}
	return nil
}

// EDNS option codes the fast path reads: NSID (RFC 5001), COOKIE (RFC
// 7873), PADDING (RFC 7830).
const (
	optNSID    = 3
	optCookie  = 10
	optPadding = 12
)

// plainOptions reports whether the options of an OPT record's data are
// ones the fast path may answer: each one inside the data, a COOKIE of a
// length RFC 7873 §5.2.2 accepts (8, or 16 to 40), and no option whose
// content the full path checks (client subnet, keepalive, expire, …: codes
// up to 19 other than NSID and PADDING). Anything else is the
// full path's to judge.
func plainOptions(data []byte) bool {
	for len(data) > 0 {
		if len(data) < 4 {
			return false
		}
		code := int(data[0])<<8 | int(data[1])
		n := int(data[2])<<8 | int(data[3])
		if 4+n > len(data) {
			return false
		}
		switch {
		case code == optCookie:
			if n != 8 && (n < 16 || n > 40) {
				return false
			}
		case code == optNSID, code == optPadding:
		case code <= 0x13:
			return false
		}
		data = data[4+n:]
	}
	return true
}
