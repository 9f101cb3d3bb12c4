// Package page cuts list results into pages for vpcdns's AWS APIs: an
// opaque next token that is an offset into the (stably ordered) result.
package page

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
)

const tokenPrefix = "vpcdns1:"

// Slice returns the page of items that starts at token ("" for the first
// page) and holds at most max items, and the token of the next page ("" on
// the last one). A token vpcdns did not issue is InvalidNextToken.
func Slice[T any](items []T, token string, max int) ([]T, string, error) {
	start := 0
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		s, ok := strings.CutPrefix(string(raw), tokenPrefix)
		n, aerr := strconv.Atoi(s)
		if err != nil || !ok || aerr != nil || n < 0 || n > len(items) {
			return nil, "", &apierr.Error{Kind: apierr.InvalidNextToken, Message: "The NextToken value is invalid."}
		}
		start = n
	}
	end := len(items)
	if max > 0 && start+max < end {
		end = start + max
	}
	next := ""
	if end < len(items) {
		next = Token(end)
	}
	return items[start:end], next, nil
}

// Token is the token of the page that starts at offset.
func Token(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + strconv.Itoa(offset)))
}
