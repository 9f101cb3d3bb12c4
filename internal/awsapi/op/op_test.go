package op

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
)

type in struct {
	Name    string
	Max     *int
	On      bool
	Ids     []string
	Nested  struct{ Ip string }
	Weights map[string]float64
}

func TestDecodeJSON(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		kind       apierr.Kind // 0 (Internal) for no error
		msg        string
	}{
		{"empty", "", 0, ""},
		{"blank", " \n", 0, ""},
		{"members", `{"Name":"a","Max":3,"Ids":["x"],"Unknown":1}`, 0, ""},
		{"not JSON", `{"Name":`, apierr.Serialization, "the request body is not valid JSON"},
		{"number for a string", `{"Name":7}`, apierr.Serialization, "NUMBER_VALUE can not be converted to a String (member Name)"},
		{"string for an integer", `{"Max":"x"}`, apierr.Serialization, "STRING_VALUE can not be converted to an Integer (member Max)"},
		{"string for a boolean", `{"On":"yes"}`, apierr.Serialization, "STRING_VALUE can not be converted to a Boolean (member On)"},
		{"object for a list", `{"Ids":{}}`, apierr.Serialization, "Start of structure or map (a JSON object) can not be converted to a List (member Ids)"},
		{"list for a structure", `{"Nested":[]}`, apierr.Serialization, "Start of list (a JSON array) can not be converted to a Structure (member Nested)"},
		{"bool in a nested member", `{"Nested":{"Ip":true}}`, apierr.Serialization, "BOOLEAN_VALUE can not be converted to a String (member Nested.Ip)"},
		{"string for a double", `{"Weights":{"a":"b"}}`, apierr.Serialization, "STRING_VALUE can not be converted to a Double"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var v in
			err := DecodeJSON([]byte(tt.body), &v)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				return
			}
			var e *apierr.Error
			if !errors.As(err, &e) || e.Kind != tt.kind || !strings.HasPrefix(e.Message, tt.msg) {
				t.Fatalf("error %#v, want kind %v message %q", err, tt.kind, tt.msg)
			}
			if e.Code(apierr.Resolver) != "SerializationException" {
				t.Errorf("code %s", e.Code(apierr.Resolver))
			}
		})
	}
}

func TestDecodeXML(t *testing.T) {
	for _, tt := range []struct{ name, body, msg string }{
		{"well-formed", "<A><Name>x</Name></A>", ""},
		{"not XML", "<A><Name>", "the request body is not well-formed XML (line 1)"},
		{"mismatched", "<A><B></A>", "the request body is not well-formed XML (line 1)"},
		{"cannot fill", "<A><Max>many</Max></A>", "the request body cannot be read as this operation's request"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var v struct{ Name, Max string }
			var n struct{ Max int }
			target := any(&v)
			if tt.name == "cannot fill" {
				target = &n
			}
			err := DecodeXML([]byte(tt.body), target)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				return
			}
			var e *apierr.Error
			if !errors.As(err, &e) || e.Kind != apierr.InvalidParameter || e.Message != tt.msg {
				t.Fatalf("error %v, want %q", err, tt.msg)
			}
		})
	}
}

type handler struct{ calls int }

type out struct{ Greeting string }

func (h *handler) greet(ctx context.Context, in *in) (out, error) {
	h.calls++
	return out{Greeting: "hello " + in.Name + " from " + RequestOf(ctx).Account}, nil
}

func (h *handler) read(ctx context.Context, p string) (out, error) {
	return out{Greeting: p}, nil
}

// TestOperations: an Op decodes its input and reports its types; a
// failed decode does not run it; a Reader is handed its parameters.
func TestOperations(t *testing.T) {
	h := &handler{}
	o := Of((*handler).greet)
	if o.Input() != reflect.TypeFor[in]() || o.Output() != reflect.TypeFor[out]() {
		t.Errorf("types %v %v", o.Input(), o.Output())
	}
	ctx := WithRequest(context.Background(), &Request{Account: "111122223333"})
	got, err := o.Call(h, ctx, func(v any) error { return DecodeJSON([]byte(`{"Name":"ann"}`), v) })
	if err != nil || got.(out).Greeting != "hello ann from 111122223333" {
		t.Errorf("call: %v %v", got, err)
	}
	if _, err := o.Call(h, ctx, func(v any) error { return DecodeJSON([]byte(`{"Name":1}`), v) }); err == nil || h.calls != 1 {
		t.Errorf("a bad body ran the operation (calls %d, err %v)", h.calls, err)
	}
	if RequestOf(context.Background()).Account != "" {
		t.Error("a context without a request has an account")
	}
	r := OfReader((*handler).read)
	if r.Input() != reflect.TypeFor[string]() || r.Output() != reflect.TypeFor[out]() {
		t.Errorf("reader types %v %v", r.Input(), r.Output())
	}
	got, err = r.Call(h, ctx, func(v any) error { *v.(*string) = "params"; return nil })
	if err != nil || got.(out).Greeting != "params" {
		t.Errorf("reader call: %v %v", got, err)
	}
	if _, err := r.Call(h, ctx, func(any) error { return errors.New("no") }); err == nil {
		t.Error("a failed read ran the reader")
	}
}
