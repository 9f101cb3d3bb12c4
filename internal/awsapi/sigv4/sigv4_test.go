package sigv4

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
)

func TestParseKeys(t *testing.T) {
	keys, err := ParseKeys([]byte("# keys\nAKID1 secret1\n\n[default]\naws_access_key_id = AKID2\naws_secret_access_key=secret2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if keys["AKID1"] != "secret1" || keys["AKID2"] != "secret2" || len(keys) != 2 {
		t.Errorf("keys %v", keys)
	}
	for _, bad := range []string{"", "# nothing\n", "AKID1\n", "AKID1 a b\n"} {
		if _, err := ParseKeys([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// A request signed as in the AWS SigV4 documentation's example (GET
// iam ListUsers), with the documentation's key.
func TestVerifyDocumentedExample(t *testing.T) {
	keys := Keys{"AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	r := httptest.NewRequest(http.MethodGet, "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08", nil)
	r.Host = "iam.amazonaws.com"
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	r.Header.Set("X-Amz-Date", "20150830T123600Z")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "+
		"SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
	now := time.Date(2015, 8, 30, 12, 40, 0, 0, time.UTC)
	if e := keys.Verify(r, nil, now); e != nil {
		t.Fatalf("documented example: %v", e.Message)
	}
	if e := keys.Verify(r, nil, now.Add(time.Hour)); e == nil || e.Kind != apierr.BadSignature || !strings.Contains(e.Message, "expired") {
		t.Errorf("an hour later: %v", e)
	}
	r.Header.Set("X-Amz-Date", "20150830T123601Z")
	if e := keys.Verify(r, nil, now); e == nil || e.Kind != apierr.BadSignature {
		t.Errorf("changed date: %v", e)
	}
}
