// Package op is the protocol plumbing the three AWS APIs of vpcdns share,
// written once: the Request every operation is served in (its context and
// the caller's account), typed operations (Op) whose request and response
// types a test can reflect over and compare with botocore's models, and
// the decoders of request bodies, which turn what a client sent wrong into
// AWS's errors (SerializationException for a member of the wrong JSON
// type, a missing required member) without showing Go type names.
//
// What each error becomes in each protocol (its code, HTTP status and
// shape) is decided in one place, package apierr.
package op

import (
	"context"
	"net/http"
	"reflect"
)

// Request is one API request being served.
type Request struct {
	// Operation is the operation's name as the API models it
	// ("CreateResolverRule", "CreateVpc", "CreateHostedZone").
	Operation string
	// Account is the AWS account the caller acts as: the network's
	// account today; the account of the caller's credentials once
	// vpcdns models several.
	Account string
	// HTTP is the request as received; its body has been read into Body.
	HTTP *http.Request
	Body []byte
}

type requestKey struct{}

// WithRequest returns ctx carrying r, for the handlers that need more than
// the decoded input (the caller's account).
func WithRequest(ctx context.Context, r *Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestOf returns the Request ctx carries, or an empty one.
func RequestOf(ctx context.Context) *Request {
	if r, ok := ctx.Value(requestKey{}).(*Request); ok {
		return r
	}
	return &Request{}
}

// Operation is one operation an API with handler H serves.
type Operation[H any] interface {
	// Input and Output are the types of the operation's request and
	// response (the response's members are those of Output).
	Input() reflect.Type
	Output() reflect.Type
	// Call decodes the request with decode into a new input and runs the
	// operation on it.
	Call(h *H, ctx context.Context, decode func(in any) error) (any, error)
}

// Op is an operation whose request decodes into In and whose response is
// Out.
type Op[H, In, Out any] func(h *H, ctx context.Context, in *In) (Out, error)

// Of makes an Operation of a handler method: Of((*Handler).createRule).
func Of[H, In, Out any](fn func(h *H, ctx context.Context, in *In) (Out, error)) Operation[H] {
	return Op[H, In, Out](fn)
}

// Input is In.
func (o Op[H, In, Out]) Input() reflect.Type { return reflect.TypeFor[In]() }

// Output is Out.
func (o Op[H, In, Out]) Output() reflect.Type { return reflect.TypeFor[Out]() }

// Call decodes a new In and runs the operation.
func (o Op[H, In, Out]) Call(h *H, ctx context.Context, decode func(in any) error) (any, error) {
	in := new(In)
	if err := decode(in); err != nil {
		return nil, err
	}
	return o(h, ctx, in)
}

// Reader is an operation that reads its request through a parameter
// reader P rather than a decoded struct (EC2's query protocol, whose
// members are "Name.N.Member" keys): Input is P, Call's decode fills it.
type Reader[H, P, Out any] func(h *H, ctx context.Context, p P) (Out, error)

// OfReader makes an Operation of a handler method that reads parameters:
// OfReader((*Handler).createVpc).
func OfReader[H, P, Out any](fn func(h *H, ctx context.Context, p P) (Out, error)) Operation[H] {
	return Reader[H, P, Out](fn)
}

// Input is P.
func (o Reader[H, P, Out]) Input() reflect.Type { return reflect.TypeFor[P]() }

// Output is Out.
func (o Reader[H, P, Out]) Output() reflect.Type { return reflect.TypeFor[Out]() }

// Call fills a P with decode and runs the operation.
func (o Reader[H, P, Out]) Call(h *H, ctx context.Context, decode func(in any) error) (any, error) {
	var p P
	if err := decode(&p); err != nil {
		return nil, err
	}
	return o(h, ctx, p)
}
