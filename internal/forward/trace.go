package forward

import (
	"fmt"
	"net/netip"
	"time"
)

// Proto is the transport of an attempt.
type Proto uint8

// The transports. The zero Proto is not valid.
const (
	UDP Proto = iota + 1
	TCP
)

// String returns "UDP" or "TCP", as the query log writes transports.
func (p Proto) String() string {
	switch p {
	case UDP:
		return "UDP"
	case TCP:
		return "TCP"
	}
	return fmt.Sprintf("Proto(%d)", uint8(p))
}

// Outcome is how one attempt ended.
type Outcome uint8

// The outcomes of an attempt. Only OK ends the exchange; Truncated is followed
// by a TCP attempt to the same target; every other outcome moves on to another
// target.
const (
	// OK: a matching reply whose rcode is passed back to the client (NOERROR,
	// NXDOMAIN and every rcode other than SERVFAIL and REFUSED).
	OK Outcome = iota + 1
	// Timeout: no matching reply before the attempt's deadline.
	Timeout
	// Blocked: the modeled network path is closed; nothing was sent and the
	// attempt waited out its deadline like a dropped packet (a kind of timeout).
	Blocked
	// NetworkError: dialing, sending or receiving failed (e.g. connection
	// refused, ICMP port unreachable).
	NetworkError
	// ServFail: the target answered SERVFAIL.
	ServFail
	// Refused: the target answered REFUSED.
	Refused
	// Truncated: the UDP reply had TC set; the next attempt is TCP to the same
	// target.
	Truncated
	// Canceled: the caller's context was canceled during the attempt (not the
	// target's fault; it does not count against the target).
	Canceled
)

// String returns the outcome's name: ok, timeout, blocked, network-error,
// servfail, refused, truncated, canceled.
func (o Outcome) String() string {
	switch o {
	case OK:
		return "ok"
	case Timeout:
		return "timeout"
	case Blocked:
		return "blocked"
	case NetworkError:
		return "network-error"
	case ServFail:
		return "servfail"
	case Refused:
		return "refused"
	case Truncated:
		return "truncated"
	case Canceled:
		return "canceled"
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// TimedOut reports whether the outcome is a timeout as the network sees it
// (Timeout or Blocked), for timeout metrics.
func (o Outcome) TimedOut() bool { return o == Timeout || o == Blocked }

// failed reports whether the outcome counts as a failure of the target.
func (o Outcome) failed() bool {
	switch o {
	case Timeout, Blocked, NetworkError, ServFail, Refused:
		return true
	}
	return false
}

// Attempt is one try of one target over one transport.
type Attempt struct {
	Target   Target
	Endpoint netip.Addr // the endpoint address the path function chose; zero when there is none
	Proto    Proto
	Outcome  Outcome
	// Rcode of the matching reply; -1 when there was none.
	Rcode int
	// Start is when the attempt began; Duration how long it took, until the
	// reply, the error or the deadline.
	Start    time.Time
	Duration time.Duration
	// Ignored counts the packets received that were not the reply: garbled,
	// a wrong ID or a wrong question.
	Ignored int
	// Err is the I/O error of a Timeout, NetworkError or Canceled attempt.
	Err error
}

// Trace is every attempt of one Exchange, in order.
type Trace struct {
	Attempts []Attempt
}

// Answered returns the attempt whose reply was passed back, if any.
func (t Trace) Answered() (Attempt, bool) {
	if n := len(t.Attempts); n > 0 && t.Attempts[n-1].Outcome == OK {
		return t.Attempts[n-1], true
	}
	return Attempt{}, false
}

// Failovers counts the attempts made because an earlier one failed: every
// attempt after the first except the TCP retries of truncated replies.
func (t Trace) Failovers() int {
	n := 0
	for i := 1; i < len(t.Attempts); i++ {
		if t.Attempts[i-1].Outcome != Truncated {
			n++
		}
	}
	return n
}
