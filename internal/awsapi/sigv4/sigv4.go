// Package sigv4 checks AWS Signature Version 4 on requests to vpcdns's AWS
// APIs, against a set of access keys read from a credentials file.
//
// The credentials file holds one key per line,
// "ACCESS_KEY_ID SECRET_ACCESS_KEY [ACCOUNT_ID]", with blank lines and lines
// starting with # ignored; ACCOUNT_ID (12 digits) is the account the key
// acts as. An AWS shared credentials file (~/.aws/credentials:
// aws_access_key_id = …, aws_secret_access_key = …, optionally
// aws_account_id = …, in [profile] sections) is read too.
package sigv4

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
)

const (
	algorithm    = "AWS4-HMAC-SHA256"
	timeFormat   = "20060102T150405Z"
	maxClockSkew = 15 * time.Minute
	unsigned     = "UNSIGNED-PAYLOAD"
)

// Keys maps access key ids to secret access keys.
type Keys map[string]string

// Accounts maps access key ids to the accounts they act as.
type Accounts map[string]string

// LoadKeys reads a credentials file (see the package documentation).
func LoadKeys(path string) (Keys, Accounts, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("api credentials: %w", err)
	}
	keys, accounts, err := ParseCredentials(data)
	if err != nil {
		return nil, nil, fmt.Errorf("api credentials %s: %w", path, err)
	}
	return keys, accounts, nil
}

// ParseKeys reads the keys of a credentials file.
func ParseKeys(data []byte) (Keys, error) {
	keys, _, err := ParseCredentials(data)
	return keys, err
}

// IsAccountID reports whether s is an AWS account id: 12 digits.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ParseCredentials reads the text of a credentials file: the keys and the
// accounts of the keys that name one.
func ParseCredentials(data []byte) (Keys, Accounts, error) {
	keys, accounts := Keys{}, Accounts{}
	var iniID, iniSecret, iniAccount string
	flush := func() {
		if iniID != "" && iniSecret != "" {
			keys[iniID] = iniSecret
			if iniAccount != "" {
				accounts[iniID] = iniAccount
			}
		}
		iniID, iniSecret, iniAccount = "", "", ""
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		switch {
		case s == "" || strings.HasPrefix(s, "#") || strings.HasPrefix(s, ";"):
			continue
		case strings.HasPrefix(s, "["):
			flush()
			continue
		case strings.Contains(s, "="):
			k, v, _ := strings.Cut(s, "=")
			k, v = strings.TrimSpace(strings.ToLower(k)), strings.TrimSpace(v)
			switch k {
			case "aws_access_key_id":
				iniID = v
			case "aws_secret_access_key":
				iniSecret = v
			case "aws_account_id":
				if !IsAccountID(v) {
					return nil, nil, fmt.Errorf("line %d: aws_account_id %q is not 12 digits", line, v)
				}
				iniAccount = v
			}
			continue
		}
		f := strings.Fields(s)
		if len(f) != 2 && len(f) != 3 {
			return nil, nil, fmt.Errorf("line %d: want \"ACCESS_KEY_ID SECRET_ACCESS_KEY [ACCOUNT_ID]\"", line)
		}
		keys[f[0]] = f[1]
		if len(f) == 3 {
			if !IsAccountID(f[2]) {
				return nil, nil, fmt.Errorf("line %d: account %q is not 12 digits", line, f[2])
			}
			accounts[f[0]] = f[2]
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return nil, nil, err
	}
	if len(keys) == 0 {
		return nil, nil, fmt.Errorf("no access keys")
	}
	return keys, accounts, nil
}

// AccessKeyID returns the access key id a request is signed with: the
// first part of the Credential of its SigV4 Authorization header (or of
// its X-Amz-Credential query parameter, a presigned URL), "" when unsigned.
func AccessKeyID(r *http.Request) string {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if rest, ok := strings.CutPrefix(r.Header.Get("Authorization"), algorithm+" "); ok {
		for _, part := range strings.Split(rest, ",") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(part), "Credential="); ok {
				cred = v
			}
		}
	}
	id, _, _ := strings.Cut(cred, "/")
	return id
}

// SigningName returns the service a request is signed for: the fourth
// part of its Credential (KEY/DATE/REGION/SERVICE/aws4_request), "" when
// unsigned.
func SigningName(r *http.Request) string {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if rest, ok := strings.CutPrefix(r.Header.Get("Authorization"), algorithm+" "); ok {
		for _, part := range strings.Split(rest, ",") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(part), "Credential="); ok {
				cred = v
			}
		}
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[3]
}

// Verify checks the SigV4 signature of r, whose body has already been read
// into body. It returns nil when the signature is valid, or the error AWS
// gives: a missing signature, an unknown access key, or a signature that
// does not match (or is too old).
func (k Keys) Verify(r *http.Request, body []byte, now time.Time) *apierr.Error {
	a, e := k.parse(r, now)
	if e != nil {
		return e
	}
	return a.verify(r, body)
}

// CheckHeaders makes every check of Verify that needs no body: a signature
// is there, in the SigV4 form, by a known key, dated within 15 minutes. A
// server calls it before it reads a body, so an unsigned or badly signed
// request costs it no memory (nil: read the body, then Verify).
func (k Keys) CheckHeaders(r *http.Request, now time.Time) *apierr.Error {
	_, e := k.parse(r, now)
	return e
}

// authorization is a parsed Authorization header whose key is known and
// whose date is within the skew.
type authorization struct {
	amzDate, signed, sig string
	scope                []string
	secret               string
}

func (k Keys) parse(r *http.Request, now time.Time) (authorization, *apierr.Error) {
	var a authorization
	e := k.parseInto(r, now, &a)
	return a, e
}

func (k Keys) parseInto(r *http.Request, now time.Time, a *authorization) *apierr.Error {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return &apierr.Error{Kind: apierr.MissingAuth, Message: "Missing Authentication Token"}
	}
	rest, ok := strings.CutPrefix(auth, algorithm+" ")
	if !ok {
		return badSignature("Authorization header requires the " + algorithm + " algorithm")
	}
	var cred, signed, sig string
	for _, part := range strings.Split(rest, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch name {
		case "Credential":
			cred = value
		case "SignedHeaders":
			signed = value
		case "Signature":
			sig = value
		}
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 5 || scope[4] != "aws4_request" || signed == "" || sig == "" {
		return badSignature("Authorization header requires Credential, SignedHeaders and Signature")
	}
	secret, known := k[scope[0]]
	if !known {
		return &apierr.Error{Kind: apierr.UnknownKey, Message: "The security token included in the request is invalid."}
	}
	amzDate := r.Header.Get("X-Amz-Date")
	if amzDate == "" {
		amzDate = r.Header.Get("Date")
	}
	t, err := time.Parse(timeFormat, amzDate)
	if err != nil {
		return badSignature("X-Amz-Date is missing or not in the form 20060102T150405Z")
	}
	if d := now.Sub(t); d > maxClockSkew || d < -maxClockSkew {
		return badSignature(fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
			amzDate, now.UTC().Add(-maxClockSkew).Format(timeFormat), now.UTC().Format(timeFormat)))
	}
	if scope[1] != t.Format("20060102") {
		return badSignature("Credential date does not match X-Amz-Date")
	}
	*a = authorization{amzDate: amzDate, signed: signed, sig: sig, scope: scope, secret: secret}
	return nil
}

// verify checks the signature of a over r and body.
func (a authorization) verify(r *http.Request, body []byte) *apierr.Error {
	amzDate, signed, sig, scope, secret := a.amzDate, a.signed, a.sig, a.scope, a.secret
	payload := sha256Hex(body)
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" {
		if h != unsigned && h != payload {
			return badSignature("The provided 'x-amz-content-sha256' header does not match what was computed.")
		}
		payload = h
	}
	headers := strings.Split(signed, ";")
	key := signingKey(secret, scope[1], scope[2], scope[3])
	credScope := strings.Join(scope[1:], "/")
	// Services other than S3 sign the path URI-encoded twice; accept the
	// path encoded once too.
	for _, path := range []string{escapePath(r.URL.EscapedPath()), r.URL.EscapedPath()} {
		creq := canonicalRequest(r, path, headers, payload)
		sts := algorithm + "\n" + amzDate + "\n" + credScope + "\n" + sha256Hex([]byte(creq))
		want := hex.EncodeToString(hmacSHA256(key, []byte(sts)))
		if hmac.Equal([]byte(want), []byte(sig)) {
			return nil
		}
	}
	return badSignature("The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
}

func badSignature(msg string) *apierr.Error {
	return &apierr.Error{Kind: apierr.BadSignature, Message: msg}
}

func canonicalRequest(r *http.Request, path string, headers []string, payload string) string {
	if path == "" {
		path = "/"
	}
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(path)
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.RawQuery))
	b.WriteByte('\n')
	for _, h := range headers {
		b.WriteString(h)
		b.WriteByte(':')
		b.WriteString(headerValue(r, h))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(headers, ";"))
	b.WriteByte('\n')
	b.WriteString(payload)
	return b.String()
}

func headerValue(r *http.Request, name string) string {
	switch name {
	case "host":
		return r.Host
	case "content-length":
		if v := r.Header.Get("Content-Length"); v != "" {
			return v
		}
		return strconv.FormatInt(r.ContentLength, 10)
	}
	vals := r.Header.Values(name)
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(out, ",")
}

func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	vals, err := url.ParseQuery(raw)
	if err != nil {
		return raw
	}
	var pairs []string
	for k, vs := range vals {
		for _, v := range vs {
			pairs = append(pairs, uriEncode(k, true)+"="+uriEncode(v, true))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// escapePath URI-encodes every byte of p except unreserved characters and
// "/".
func escapePath(p string) string { return uriEncode(p, false) }

func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(date))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte("aws4_request"))
}

func hmacSHA256(key, data []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(data)
	return h.Sum(nil)
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
