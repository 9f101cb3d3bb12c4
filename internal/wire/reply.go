package wire

// AdvertisedUDPSize is the EDNS(0) payload vpcdns advertises (DNS flag day
// 2020).
const AdvertisedUDPSize = 1232

// optRR is the OPT record vpcdns appends to replies of EDNS queries: root
// name, type OPT, payload 1232, extended rcode 0, version 0, no flags (DO
// is never echoed: vpcdns does not validate), no options.
var optRR = [11]byte{0, 0, typeOPT, AdvertisedUDPSize >> 8, AdvertisedUDPSize & 0xff, 0, 0, 0, 0, 0, 0}

// FinishReply turns a stored answer in resp (a packed reply to the same
// question, without OPT, its question at offset 12) into the reply to query:
// the query's ID, RD and exact question spelling; QR and RA set; AA, TC, AD
// and CD clear; the rcode kept; an OPT record appended when the query had
// one. It returns resp extended in place, and false when the reply would not
// fit UDPLimit (the caller then takes the full path, which truncates).
func FinishReply(resp []byte, query []byte, q *Query, tcp bool) ([]byte, bool) {
	if len(resp) < q.QEnd {
		return resp, false
	}
	resp[0], resp[1] = byte(q.ID>>8), byte(q.ID)
	flags := uint16(resp[2])<<8 | uint16(resp[3])
	flags &^= flagAA | flagTC | flagAD | flagCD | flagRD
	flags |= flagQR | flagRA
	if q.RD {
		flags |= flagRD
	}
	resp[2], resp[3] = byte(flags>>8), byte(flags)
	copy(resp[headerLen:q.QEnd], query[headerLen:q.QEnd])
	if q.EDNS {
		ar := uint16(resp[10])<<8 | uint16(resp[11]) + 1
		resp[10], resp[11] = byte(ar>>8), byte(ar)
		resp = append(resp, optRR[:]...)
	}
	if tcp {
		return resp, len(resp) <= 65535
	}
	return resp, len(resp) <= UDPLimit(q)
}

// UDPLimit is the largest UDP reply to q: 512 bytes without EDNS, and with
// it the client's payload, at least 512 and at most AdvertisedUDPSize
// (RFC 6891 §6.2.5; DNS Flag Day 2020).
func UDPLimit(q *Query) int {
	if !q.EDNS {
		return 512
	}
	return min(max(int(q.UDPSize), 512), AdvertisedUDPSize)
}
