package op

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"reflect"
	"strconv"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
)

// DecodeJSON reads an awsJson1_1 request body into v; an empty body is an
// empty request. A body that is not JSON, or a member of the wrong type, is
// a SerializationException that names the member and the JSON value, in
// the words of AWS's own serializer, never a Go type.
func DecodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		msg := jsonValueWords(te.Value) + " can not be converted to " + awsType(te.Type)
		if te.Field != "" {
			msg += " (member " + te.Field + ")"
		}
		return &apierr.Error{Kind: apierr.Serialization, Field: te.Field, Message: msg}
	}
	return &apierr.Error{Kind: apierr.Serialization, Message: "the request body is not valid JSON"}
}

// jsonValueWords names a JSON value kind as AWS's serializer does.
func jsonValueWords(kind string) string {
	switch kind {
	case "string":
		return "STRING_VALUE"
	case "bool":
		return "BOOLEAN_VALUE"
	case "array":
		return "Start of list (a JSON array)"
	case "object":
		return "Start of structure or map (a JSON object)"
	}
	if len(kind) >= 6 && kind[:6] == "number" {
		return "NUMBER_VALUE"
	}
	return "the value"
}

// awsType names the model type a Go type stands for.
func awsType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a String"
	case reflect.Bool:
		return "a Boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an Integer"
	case reflect.Float32, reflect.Float64:
		return "a Double"
	case reflect.Slice, reflect.Array:
		return "a List"
	case reflect.Map:
		return "a Map"
	case reflect.Struct:
		return "a Structure"
	}
	return "the member's type"
}

// DecodeXML reads a REST-XML request body into v. A body that is not XML,
// or that cannot fill v, is an InvalidInput error that shows no Go type.
func DecodeXML(body []byte, v any) error {
	err := xml.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	msg := "the request body cannot be read as this operation's request"
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		msg = "the request body is not well-formed XML (line " + strconv.Itoa(se.Line) + ")"
	}
	return &apierr.Error{Kind: apierr.InvalidParameter, Message: msg}
}
