package server

import (
	"context"
	"errors"

	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/forward"
)

// errPanic stands for a panic recovered while answering a query.
var errPanic = errors.New("panic while answering the query")

// rcodeFor is the one place that maps an internal error to the DNS rcode a
// client sees. Every failure of resolution is SERVFAIL to the client, as on
// errNoForwarders is the internet rule's failure when network.yaml names no
// internet.forwarders.
var errNoForwarders = errors.New("no internet forwarders configured")

// AWS; the cases are spelled out so that a new error kind is a decision.
func rcodeFor(err error) int {
	switch {
	case err == nil:
		return dns.RcodeSuccess
	case errors.Is(err, forward.ErrNoAnswer):
		return dns.RcodeServerFailure // every target timed out, failed or was blocked
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return dns.RcodeServerFailure // shutting down, or the total budget ran out
	case errors.Is(err, errNoForwarders):
		return dns.RcodeServerFailure // the internet rule, with no internet.forwarders (behaviour.md §5)
	case errors.Is(err, errPanic):
		return dns.RcodeServerFailure // a bug: this query fails, the server goes on
	default:
		return dns.RcodeServerFailure
	}
}
