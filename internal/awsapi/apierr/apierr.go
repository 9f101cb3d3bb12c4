// Package apierr is the one place where the errors of vpcdns's AWS API
// become AWS error codes. Handlers say what went wrong (a Kind, the kind of
// resource, a message, the request field at fault); Code and Status give the
// code and HTTP status each protocol uses for it: Route 53 Resolver's
// InvalidParameterException, EC2's InvalidVpcID.NotFound, Route 53's
// NoSuchHostedZone and so on.
package apierr

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
)

// Kind says what went wrong, independent of the protocol.
type Kind uint8

const (
	// Internal is a failure of vpcdns itself (the store cannot be written).
	Internal Kind = iota
	// InvalidParameter is a value that is not acceptable: malformed, out of
	// range, or rejected by the validation of the network.
	InvalidParameter
	// MissingParameter is a required parameter that is absent.
	MissingParameter
	// NotFound is a resource that does not exist.
	NotFound
	// Exists is a resource that already exists (a duplicate).
	Exists
	// InUse is a resource that cannot be deleted while something uses it.
	InUse
	// InvalidRequest is a request that conflicts with the current state.
	InvalidRequest
	// Conflict is a name that clashes with another resource's (two rules
	// or zones for one domain in one VPC).
	Conflict
	// LastAssociation is the removal of the last VPC of a private hosted zone.
	LastAssociation
	// AssociationNotFound is a VPC that is not associated with the resource.
	AssociationNotFound
	// InvalidNextToken is a pagination token vpcdns did not issue.
	InvalidNextToken
	// UnknownOperation is an operation vpcdns does not implement.
	UnknownOperation
	// Unsupported is a valid AWS request for something vpcdns does not model.
	Unsupported
	// MissingAuth is a request without a signature when keys are required.
	MissingAuth
	// UnknownKey is a signature made with an access key vpcdns does not know.
	UnknownKey
	// BadSignature is a signature that does not match the request.
	BadSignature
	// InvalidChangeBatch is a Route 53 change batch that cannot be applied.
	InvalidChangeBatch
	// DryRun is EC2's answer to a DryRun request that would have succeeded.
	DryRun
	// Validation is an invalid request to an operation whose model names
	// ValidationException rather than InvalidParameterException (the DNS
	// Firewall operations).
	Validation
	// StateConflict is a request the resource's state does not allow
	// (ConflictException: deleting a domain list a rule uses, a change
	// under mutation protection).
	StateConflict
	// Limit is a request that would exceed a quota (LimitExceededException).
	Limit
	// Unavailable is a store that cannot be reached (etcd down): AWS's
	// common ServiceUnavailable, HTTP 503, which the SDKs retry.
	Unavailable
	// Serialization is a request body the protocol cannot read: not JSON,
	// or a member of the wrong type (SerializationException).
	Serialization
)

// serviceUnavailable is the common AWS error code of Unavailable.
const serviceUnavailable = "ServiceUnavailable"

// Protocol is one of the three AWS APIs vpcdns serves.
type Protocol uint8

const (
	Resolver Protocol = iota // Route 53 Resolver, awsJson1_1
	EC2                      // EC2 query protocol
	Route53                  // Route 53 REST-XML
	RAM                      // AWS Resource Access Manager, REST-JSON
	Profiles                 // Route 53 Profiles, REST-JSON
)

// Resource types, as handlers name them. They pick EC2's per-resource codes
// and fill ResourceType in Route 53 Resolver errors.
const (
	ResVPC           = "vpc"
	ResSubnet        = "subnet"
	ResSecurityGroup = "security-group"
	ResRouteTable    = "route-table"
	ResNetworkACL    = "network-acl"
	ResPeering       = "vpc-peering-connection"
	ResAssociation   = "association"
	ResPermission    = "permission"
	ResRoute         = "route"
	ResACLEntry      = "network-acl-entry"
	ResCIDR          = "cidr"
	ResSGRule        = "security-group-rule"
	ResENI           = "network-interface"
	ResInternetGW    = "internet-gateway"
	ResNATGateway    = "nat-gateway"
	ResDHCPOptions   = "dhcp-options"
	ResVPCEndpoint   = "vpc-endpoint"
	ResPrefixList    = "prefix-list"
	ResGatewayAttach = "gateway-attachment" // Gateway.NotAttached
	ResInstance      = "instance"
	ResHostedZone    = "hosted-zone"
	ResHealthCheck   = "health-check"
	ResChange        = "change"
	ResRecordSet     = "resource-record-set"
	ResRule          = "ResolverRule"
	ResRuleAssoc     = "ResolverRuleAssociation"
	ResEndpoint      = "ResolverEndpoint"
	ResEndpointIP    = "ResolverEndpointIpAddress"
	ResQueryLog      = "ResolverQueryLogConfig"
	ResQueryLogAssoc = "ResolverQueryLogConfigAssociation"
	ResConfig        = "ResolverConfig"
	ResDNSSEC        = "ResolverDnssecConfig"
	ResTag           = "tag"
	ResFirewallList  = "FirewallDomainList"
	ResFirewallGroup = "FirewallRuleGroup"
	ResFirewallRule  = "FirewallRule"
	ResFirewallAssoc = "FirewallRuleGroupAssociation"
	ResFirewallCfg   = "FirewallConfig"
	ResARN           = "arn" // a malformed ARN (RAM's MalformedArnException)
	ResProfile       = "Profile"
	ResProfileAssoc  = "ProfileAssociation"
	ResProfileRes    = "ProfileResourceAssociation"
)

// Error is an API error before it is put in a protocol's shape.
type Error struct {
	Kind Kind
	// Resource is the kind of resource the error is about (Res*), or "".
	Resource string
	// Message is what the caller reads.
	Message string
	// Field is the request member at fault (Route 53 Resolver's FieldName).
	Field string
	// AWSCode, when set, is the modelled error code of an operation whose
	// code no Kind gives (Route 53's NotAuthorizedException,
	// NoSuchQueryLoggingConfig…), with HTTPStatus its status (0: the
	// Kind's).
	AWSCode    string
	HTTPStatus int
}

// Coded returns an error with an explicit modelled code and HTTP status.
func Coded(k Kind, code string, status int, format string, args ...any) *Error {
	return &Error{Kind: k, AWSCode: code, HTTPStatus: status, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return e.Message }

// New returns an error of kind k about a resource type.
func New(k Kind, resource, format string, args ...any) *Error {
	return &Error{Kind: k, Resource: resource, Message: fmt.Sprintf(format, args...)}
}

// Param returns an InvalidParameter error about one request field.
func Param(field, format string, args ...any) *Error {
	return &Error{Kind: InvalidParameter, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Missing returns a MissingParameter error about one request field.
func Missing(field string) *Error {
	return &Error{Kind: MissingParameter, Field: field, Message: fmt.Sprintf("The request must contain the parameter %s", field)}
}

// RequestID returns a new request id, in the UUID form that AWS's
// responses and errors carry.
func RequestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	s := hex.EncodeToString(b)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// As returns err as an *Error: an *Error is returned as is, config.Problems
// become an InvalidParameter error (fields names the request member of a
// network.yaml key, e.g. "target_ips" → "TargetIps"), anything else is
// Internal.
func As(err error, fields map[string]string) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var ps config.Problems
	if errors.As(err, &ps) && len(ps) > 0 {
		return FromProblems(ps, fields)
	}
	return &Error{Kind: Internal, Message: "vpcdns could not complete the request: " + internalCause(err)}
}

// internalCause is what the caller reads of an internal failure: the
// error's text without the Go package paths and type names that some
// library errors carry.
func internalCause(err error) string {
	msg := err.Error()
	if goType.MatchString(msg) {
		return "internal error"
	}
	return msg
}

// goType matches a Go type or package-qualified name ("*config.File",
// "json: cannot unmarshal", "[]string").
var goType = regexp.MustCompile(`\*?\b[a-z][a-z0-9]*\.[A-Z]\w*|\[\][a-z]|\bjson: |\bxml: |\bmap\[`)

// FromProblems turns the validation problems of a changed network into one
// InvalidParameter error. The message says, for every problem, the
// resource and request member at fault and what is wrong, in the words of
// the API: never a network.yaml path, which the caller did not write. The
// field is the request member of the first problem's key when fields
// (network.yaml key → request member) knows it.
func FromProblems(ps config.Problems, fields map[string]string) *Error {
	msgs := make([]string, 0, len(ps))
	field := ""
	for _, p := range ps {
		member := fieldOf(p.Path, fields)
		if field == "" {
			field = member
		}
		var b strings.Builder
		if p.Resource != "" {
			b.WriteString(p.Resource + ": ")
		}
		if member != "" {
			b.WriteString(member + " ")
		}
		if p.Value != "" {
			b.WriteString(fmt.Sprintf("%q ", p.Value))
		}
		b.WriteString(yamlPath.ReplaceAllString(p.Reason, " in the network"))
		msgs = append(msgs, b.String())
	}
	return &Error{Kind: InvalidParameter, Field: field,
		Message: "the change makes the network invalid: " + strings.Join(msgs, "; ")}
}

var pathKey = regexp.MustCompile(`[a-z_]+`)

// yamlPath is a network.yaml path inside a problem's reason ("is already
// the id of vpc vpcs[0]"), which an API caller did not write.
var yamlPath = regexp.MustCompile(`\s*\b[a-z_]+\[\d+\](?:\.[a-z_]+(?:\[\d+\])?)*`)

// fieldOf finds the request member of the first key of path below its
// section ("resolver_rules[3].target_ips[0].ip" → target_ips) that fields
// knows.
func fieldOf(path string, fields map[string]string) string {
	keys := pathKey.FindAllString(path, -1)
	for i := 1; i < len(keys); i++ {
		if f, ok := fields[keys[i]]; ok {
			return f
		}
	}
	return ""
}

// Code is the AWS error code of e in protocol p.
func (e *Error) Code(p Protocol) string {
	if e.Kind == Unavailable {
		return serviceUnavailable
	}
	if e.AWSCode != "" {
		return e.AWSCode
	}
	switch p {
	case EC2:
		return e.ec2Code()
	case Route53:
		return e.route53Code()
	case RAM:
		return e.ramCode()
	case Profiles:
		return e.profilesCode()
	}
	return e.resolverCode()
}

// profilesCode is the code of e in Route 53 Profiles, whose model names
// no InvalidRequestException nor ResourceInUseException: a request the
// state does not allow is a ConflictException, a malformed one a
// ValidationException.
func (e *Error) profilesCode() string {
	switch e.Kind {
	case InvalidParameter, MissingParameter, Unsupported:
		return "InvalidParameterException"
	case Serialization, Validation:
		return "ValidationException"
	case NotFound, AssociationNotFound:
		return "ResourceNotFoundException"
	case Exists:
		return "ResourceExistsException"
	case InUse, InvalidRequest, Conflict, StateConflict, LastAssociation:
		return "ConflictException"
	}
	return e.resolverCode()
}

// ramCode is the code of e in AWS RAM, whose model names its own
// exceptions; the signature errors are those every JSON service shares.
func (e *Error) ramCode() string {
	switch e.Kind {
	case MissingParameter:
		return "MissingRequiredParameterException"
	case InvalidParameter, Serialization, Validation:
		if e.Resource == ResARN {
			return "MalformedArnException"
		}
		return "InvalidParameterException"
	case NotFound, AssociationNotFound:
		return "UnknownResourceException"
	case InvalidRequest, Unsupported, Conflict, StateConflict, InUse, Exists:
		return "OperationNotPermittedException"
	case InvalidNextToken:
		return "InvalidNextTokenException"
	case Limit:
		return "ResourceShareLimitExceededException"
	case Internal:
		return "ServerInternalException"
	}
	return e.resolverCode()
}

func (e *Error) resolverCode() string {
	switch e.Kind {
	case InvalidParameter, MissingParameter:
		return "InvalidParameterException"
	case Serialization:
		return "SerializationException"
	case NotFound, AssociationNotFound:
		return "ResourceNotFoundException"
	case Exists:
		return "ResourceExistsException"
	case InUse:
		return "ResourceInUseException"
	case InvalidRequest, Conflict, LastAssociation, Unsupported:
		return "InvalidRequestException"
	case InvalidNextToken:
		return "InvalidNextTokenException"
	case Validation:
		return "ValidationException"
	case StateConflict:
		return "ConflictException"
	case Limit:
		return "LimitExceededException"
	case UnknownOperation:
		return "UnknownOperationException"
	case MissingAuth:
		return "MissingAuthenticationTokenException"
	case UnknownKey:
		return "UnrecognizedClientException"
	case BadSignature:
		return "InvalidSignatureException"
	}
	return "InternalServiceErrorException"
}

// ec2NotFound are EC2's "does not exist" codes by resource type.
var ec2NotFound = map[string]string{
	ResVPC:           "InvalidVpcID.NotFound",
	ResSubnet:        "InvalidSubnetID.NotFound",
	ResSecurityGroup: "InvalidGroup.NotFound",
	ResRouteTable:    "InvalidRouteTableID.NotFound",
	ResNetworkACL:    "InvalidNetworkAclID.NotFound",
	ResPeering:       "InvalidVpcPeeringConnectionID.NotFound",
	ResAssociation:   "InvalidAssociationID.NotFound",
	ResPermission:    "InvalidPermission.NotFound",
	ResRoute:         "InvalidRoute.NotFound",
	ResACLEntry:      "InvalidNetworkAclEntry.NotFound",
	ResCIDR:          "InvalidCidrBlock.NotFound",
	ResSGRule:        "InvalidSecurityGroupRuleId.NotFound",
	ResENI:           "InvalidNetworkInterfaceID.NotFound",
	ResInternetGW:    "InvalidInternetGatewayID.NotFound",
	ResNATGateway:    "NatGatewayNotFound",
	ResDHCPOptions:   "InvalidDhcpOptionID.NotFound",
	ResVPCEndpoint:   "InvalidVpcEndpointId.NotFound",
	ResPrefixList:    "InvalidPrefixListID.NotFound",
	ResGatewayAttach: "Gateway.NotAttached",
	ResInstance:      "InvalidInstanceID.NotFound",
}

// ec2Duplicate are EC2's "already exists" codes by resource type.
var ec2Duplicate = map[string]string{
	ResSecurityGroup: "InvalidGroup.Duplicate",
	ResPermission:    "InvalidPermission.Duplicate",
	ResRoute:         "RouteAlreadyExists",
	ResACLEntry:      "NetworkAclEntryAlreadyExists",
	ResSubnet:        "InvalidSubnet.Conflict",
	ResCIDR:          "InvalidVpc.Range",
	ResAssociation:   "Resource.AlreadyAssociated",
	ResPeering:       "VpcPeeringConnectionAlreadyExists",
	ResInternetGW:    "Resource.AlreadyAssociated",
	ResPrefixList:    "PrefixListVersionMismatch",
}

func (e *Error) ec2Code() string {
	if c, ok := ec2HybridCodes[kindRes{e.Kind, e.Resource}]; ok {
		return c
	}
	switch e.Kind {
	case NotFound, AssociationNotFound:
		if c, ok := ec2NotFound[e.Resource]; ok {
			return c
		}
		return "InvalidID"
	case Exists, Conflict:
		if c, ok := ec2Duplicate[e.Resource]; ok {
			return c
		}
		return "InvalidParameterValue"
	case InvalidParameter, Serialization:
		switch e.Resource {
		case ResSubnet:
			return "InvalidSubnet.Range"
		case ResVPC, ResCIDR:
			return "InvalidVpc.Range"
		}
		return "InvalidParameterValue"
	case MissingParameter:
		return "MissingParameter"
	case InUse:
		if e.Resource == ResSecurityGroup && strings.Contains(e.Message, "cannot be deleted by a user") {
			return "CannotDelete"
		}
		return "DependencyViolation"
	case InvalidRequest, LastAssociation:
		if e.Resource == ResPeering {
			return "InvalidStateTransition"
		}
		return "OperationNotPermitted"
	case Unsupported:
		return "UnsupportedOperation"
	case InvalidNextToken:
		return "InvalidNextToken"
	case UnknownOperation:
		return "InvalidAction"
	case DryRun:
		return "DryRunOperation"
	case MissingAuth:
		return "MissingAuthenticationToken"
	case UnknownKey:
		return "AuthFailure"
	case BadSignature:
		return "SignatureDoesNotMatch"
	}
	return "InternalError"
}

func (e *Error) route53Code() string {
	switch e.Kind {
	case NotFound:
		switch e.Resource {
		case ResHostedZone:
			return "NoSuchHostedZone"
		case ResChange:
			return "NoSuchChange"
		case ResHealthCheck:
			return "NoSuchHealthCheck"
		case ResVPC:
			return "InvalidVPCId"
		}
		return "InvalidInput"
	case AssociationNotFound:
		return "VPCAssociationNotFound"
	case Exists:
		return "HostedZoneAlreadyExists"
	case Conflict:
		return "ConflictingDomainExists"
	case LastAssociation:
		return "LastVPCAssociation"
	case InUse:
		return "HostedZoneNotEmpty"
	case InvalidChangeBatch:
		return "InvalidChangeBatch"
	case InvalidParameter, MissingParameter, InvalidRequest, Unsupported, Serialization:
		if e.Resource == ResHostedZone && e.Field == "Name" {
			return "InvalidDomainName"
		}
		return "InvalidInput"
	case InvalidNextToken:
		return "InvalidPaginationToken"
	case UnknownOperation:
		return "InvalidAction"
	case MissingAuth:
		return "MissingAuthenticationToken"
	case UnknownKey:
		return "InvalidClientTokenId"
	case BadSignature:
		return "SignatureDoesNotMatch"
	}
	return "InternalFailure"
}

// Status is the HTTP status of e in protocol p.
func (e *Error) Status(p Protocol) int {
	if e.HTTPStatus != 0 {
		return e.HTTPStatus
	}
	switch e.Kind {
	case Internal:
		return http.StatusInternalServerError
	case Unavailable:
		return http.StatusServiceUnavailable
	case DryRun:
		return http.StatusPreconditionFailed
	case MissingAuth, UnknownKey, BadSignature:
		if p == EC2 && e.Kind == UnknownKey {
			return http.StatusUnauthorized
		}
		return http.StatusForbidden
	}
	if p == Profiles {
		switch e.Kind {
		case NotFound, AssociationNotFound:
			return http.StatusNotFound
		case Exists, InUse, InvalidRequest, Conflict, StateConflict, LastAssociation:
			return http.StatusConflict
		}
	}
	if p == Route53 {
		switch e.Kind {
		case NotFound, AssociationNotFound:
			if e.Resource != ResVPC {
				return http.StatusNotFound
			}
		case Exists:
			return http.StatusConflict
		}
	}
	return http.StatusBadRequest
}
