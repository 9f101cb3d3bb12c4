package awsread

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// DescribeInstances is the largest answer of an account by far (an
// instance is some 4 KB of XML, of which import reads a dozen members),
// and the SDK's deserializer, which builds every member of every instance
// through encoding/xml, was half of a live import's CPU. For that one
// operation the SDK's deserializer is wrapped by one that scans the XML for
// the members instancesPage reads (the same element names as the API
// model's, located as the SDK locates them) into the SDK's own output
// types; everything downstream is unchanged. Any answer it does not
// recognise (an error status, CDATA, anything not well formed) is handed,
// untouched, to the SDK's deserializer, so the result is the SDK's in every
// case the scanner does not cover. TestInstancesXMLAsTheSDK proves both
// give the same page on moto's answer.

// withInstancesScanner is an ec2 API option that installs the scanner in
// front of the SDK's DescribeInstances deserializer.
func withInstancesScanner(o *ec2.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		sdk, ok := s.Deserialize.Get("OperationDeserializer")
		if !ok {
			return nil
		}
		_, err := s.Deserialize.Swap("OperationDeserializer", &instancesDeserializer{sdk: sdk})
		return err
	})
}

type instancesDeserializer struct {
	sdk middleware.DeserializeMiddleware
}

func (*instancesDeserializer) ID() string { return "OperationDeserializer" }

func (d *instancesDeserializer) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleDeserialize(ctx, in)
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if err != nil || !ok || resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return d.sdk.HandleDeserialize(ctx, in, answered{out, md, err})
	}
	// A page of 1000 instances is some 4 MB: read it into a buffer of its
	// length rather than growing one (a fifth of the scanner's CPU).
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n < maxOfflineFile {
		buf.Grow(int(n) + bytes.MinRead)
	}
	_, rerr := buf.ReadFrom(resp.Body)
	body := buf.Bytes()
	resp.Body.Close()
	if rerr != nil {
		return out, md, &smithy.DeserializationError{Err: fmt.Errorf("read DescribeInstances answer: %w", rerr)}
	}
	if res, perr := scanInstances(body); perr == nil {
		out.Result = res
		return out, md, nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return d.sdk.HandleDeserialize(ctx, in, answered{out, md, nil})
}

// answered is the rest of the stack for the SDK's deserializer: the answer
// already received.
type answered struct {
	out middleware.DeserializeOutput
	md  middleware.Metadata
	err error
}

func (a answered) HandleDeserialize(context.Context, middleware.DeserializeInput) (middleware.DeserializeOutput, middleware.Metadata, error) {
	return a.out, a.md, a.err
}

var errNotScanned = errors.New("not a plain DescribeInstances answer")

// scanInstances reads a DescribeInstancesResponse: the members of each
// instance that instancesPage reads, and nextToken.
func scanInstances(b []byte) (*ec2.DescribeInstancesOutput, error) {
	x := &xmlScan{b: b}
	name, end, empty, err := x.tag()
	if err != nil || end || string(name) != "DescribeInstancesResponse" {
		return nil, errNotScanned
	}
	out := &ec2.DescribeInstancesOutput{}
	err = x.children(empty, func(name []byte, empty bool) error {
		switch string(name) {
		case "nextToken":
			s, err := x.text(empty)
			if s != "" {
				out.NextToken = aws.String(s)
			}
			return err
		case "reservationSet":
			return x.children(empty, func(_ []byte, empty bool) error {
				var r ec2types.Reservation
				err := x.children(empty, func(name []byte, empty bool) error {
					if string(name) != "instancesSet" {
						return x.skip(empty)
					}
					return x.children(empty, func(_ []byte, empty bool) error {
						in, err := x.instance(empty)
						r.Instances = append(r.Instances, in)
						return err
					})
				})
				out.Reservations = append(out.Reservations, r)
				return err
			})
		}
		return x.skip(empty)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (x *xmlScan) instance(empty bool) (ec2types.Instance, error) {
	var in ec2types.Instance
	err := x.children(empty, func(name []byte, empty bool) error {
		switch string(name) {
		case "instanceId":
			return x.str(empty, &in.InstanceId)
		case "vpcId":
			return x.str(empty, &in.VpcId)
		case "privateIpAddress":
			return x.str(empty, &in.PrivateIpAddress)
		case "instanceState":
			in.State = &ec2types.InstanceState{}
			return x.children(empty, func(name []byte, empty bool) error {
				if string(name) != "name" {
					return x.skip(empty)
				}
				s, err := x.text(empty)
				in.State.Name = ec2types.InstanceStateName(s)
				return err
			})
		case "tagSet":
			return x.children(empty, func(_ []byte, empty bool) error {
				var t ec2types.Tag
				err := x.children(empty, func(name []byte, empty bool) error {
					switch string(name) {
					case "key":
						return x.str(empty, &t.Key)
					case "value":
						return x.str(empty, &t.Value)
					}
					return x.skip(empty)
				})
				in.Tags = append(in.Tags, t)
				return err
			})
		case "networkInterfaceSet":
			return x.children(empty, func(_ []byte, empty bool) error {
				n, err := x.networkInterface(empty)
				in.NetworkInterfaces = append(in.NetworkInterfaces, n)
				return err
			})
		}
		return x.skip(empty)
	})
	return in, err
}

func (x *xmlScan) networkInterface(empty bool) (ec2types.InstanceNetworkInterface, error) {
	var n ec2types.InstanceNetworkInterface
	err := x.children(empty, func(name []byte, empty bool) error {
		switch string(name) {
		case "networkInterfaceId":
			return x.str(empty, &n.NetworkInterfaceId)
		case "subnetId":
			return x.str(empty, &n.SubnetId)
		case "vpcId":
			return x.str(empty, &n.VpcId)
		case "privateIpAddress":
			return x.str(empty, &n.PrivateIpAddress)
		case "privateIpAddressesSet":
			return x.children(empty, func(_ []byte, empty bool) error {
				var a ec2types.InstancePrivateIpAddress
				err := x.children(empty, func(name []byte, empty bool) error {
					switch string(name) {
					case "privateIpAddress":
						return x.str(empty, &a.PrivateIpAddress)
					case "primary":
						s, err := x.text(empty)
						if err != nil || s == "" {
							return err
						}
						v, err := strconv.ParseBool(s)
						a.Primary = aws.Bool(v)
						return err
					}
					return x.skip(empty)
				})
				n.PrivateIpAddresses = append(n.PrivateIpAddresses, a)
				return err
			})
		case "groupSet":
			return x.children(empty, func(_ []byte, empty bool) error {
				var g ec2types.GroupIdentifier
				err := x.children(empty, func(name []byte, empty bool) error {
					if string(name) == "groupId" {
						return x.str(empty, &g.GroupId)
					}
					return x.skip(empty)
				})
				n.Groups = append(n.Groups, g)
				return err
			})
		case "attachment":
			n.Attachment = &ec2types.InstanceNetworkInterfaceAttachment{}
			return x.children(empty, func(name []byte, empty bool) error {
				if string(name) != "deviceIndex" {
					return x.skip(empty)
				}
				s, err := x.text(empty)
				if err != nil || s == "" {
					return err
				}
				v, err := strconv.ParseInt(s, 10, 32)
				n.Attachment.DeviceIndex = aws.Int32(int32(v))
				return err
			})
		}
		return x.skip(empty)
	})
	return n, err
}

// xmlScan walks the elements of a well-formed XML document without
// attributes of interest: tags, text, comments, the XML declaration. CDATA
// sections and a document that is not well formed are errors (the caller
// then leaves the answer to the SDK).
type xmlScan struct {
	b []byte
	i int
}

// tag reads up to and including the next start or end tag and returns its
// local name; text, comments and declarations before it are skipped.
func (x *xmlScan) tag() (name []byte, end, empty bool, err error) {
	for {
		j := bytes.IndexByte(x.b[x.i:], '<')
		if j < 0 || x.i+j+1 >= len(x.b) {
			return nil, false, false, errNotScanned
		}
		x.i += j + 1
		switch x.b[x.i] {
		case '?':
			k := bytes.Index(x.b[x.i:], []byte("?>"))
			if k < 0 {
				return nil, false, false, errNotScanned
			}
			x.i += k + 2
			continue
		case '!':
			if !bytes.HasPrefix(x.b[x.i:], []byte("!--")) {
				return nil, false, false, errNotScanned // CDATA, DOCTYPE
			}
			k := bytes.Index(x.b[x.i:], []byte("-->"))
			if k < 0 {
				return nil, false, false, errNotScanned
			}
			x.i += k + 3
			continue
		case '/':
			end = true
			x.i++
		}
		start := x.i
		for x.i < len(x.b) && !isNameEnd(x.b[x.i]) {
			x.i++
		}
		name = x.b[start:x.i]
		if k := bytes.IndexByte(name, ':'); k >= 0 {
			name = name[k+1:]
		}
		// The rest of the tag: attributes, whose quoted values may hold '>'.
		var quote byte
		for ; x.i < len(x.b); x.i++ {
			c := x.b[x.i]
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '>':
				empty = x.b[x.i-1] == '/' && !end
				x.i++
				if len(name) == 0 {
					return nil, false, false, errNotScanned
				}
				return name, end, empty, nil
			}
		}
		return nil, false, false, errNotScanned
	}
}

func isNameEnd(c byte) bool {
	return c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\n' || c == '\r'
}

// children calls f with each child element of the element whose start tag
// was just read, up to its end tag; f consumes the child (children, text
// or skip).
func (x *xmlScan) children(empty bool, f func(name []byte, empty bool) error) error {
	if empty {
		return nil
	}
	for {
		name, end, childEmpty, err := x.tag()
		if err != nil {
			return err
		}
		if end {
			return nil
		}
		if err := f(name, childEmpty); err != nil {
			return err
		}
	}
}

// skip consumes the element whose start tag was just read.
func (x *xmlScan) skip(empty bool) error {
	return x.children(empty, func(_ []byte, empty bool) error { return x.skip(empty) })
}

// text reads the text of an element without child elements (a comment
// or CDATA inside it is left to the SDK).
func (x *xmlScan) text(empty bool) (string, error) {
	if empty {
		return "", nil
	}
	j := bytes.IndexByte(x.b[x.i:], '<')
	if j < 0 || x.i+j+1 >= len(x.b) || x.b[x.i+j+1] != '/' {
		return "", errNotScanned
	}
	raw := x.b[x.i : x.i+j]
	x.i += j
	if _, end, _, err := x.tag(); err != nil || !end {
		return "", errNotScanned
	}
	if bytes.IndexByte(raw, '&') < 0 {
		return string(raw), nil
	}
	return html.UnescapeString(string(raw)), nil
}

// str reads the text of an element into dst; an element without text
// leaves dst nil, as the SDK does.
func (x *xmlScan) str(empty bool, dst **string) error {
	s, err := x.text(empty)
	if s != "" {
		*dst = aws.String(s)
	}
	return err
}
