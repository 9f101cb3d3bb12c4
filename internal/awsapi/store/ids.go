package store

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// Id prefixes and lengths, as AWS makes them.
const (
	PrefixVPC        = "vpc-"
	PrefixSubnet     = "subnet-"
	PrefixSG         = "sg-"
	PrefixSGRule     = "sgr-"
	PrefixRouteTable = "rtb-"
	PrefixRTBAssoc   = "rtbassoc-"
	PrefixACL        = "acl-"
	PrefixACLAssoc   = "aclassoc-"
	PrefixPeering    = "pcx-"
	PrefixCIDRAssoc  = "vpc-cidr-assoc-"
	PrefixRule       = "rslvr-rr-"
	PrefixRuleAssoc  = "rslvr-rrassoc-"
	PrefixOutbound   = "rslvr-out-"
	PrefixInbound    = "rslvr-in-"
	PrefixENI        = "rni-"
	PrefixQueryLog   = "rslvr-qlc-"
	PrefixQLAssoc    = "rslvr-qlcassoc-"
	PrefixConfig     = "rslvr-rc-"
	PrefixDNSSEC     = "rdsc-"
	PrefixProfile    = "rp-"
	PrefixProfAssoc  = "rpassoc-"
	PrefixProfRes    = "rpr-"
	hexLen           = 17
	shortHexLen      = 16 // resolver and DNSSEC config ids
	zoneIDLen        = 20 // after the "Z"
	changeIDLen      = 20 // after the "C"
	upperAlnum       = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

// NewID returns prefix and 17 random lower-case hex digits, the form of
// EC2 and Route 53 Resolver ids (vpc-0a1b2c3d4e5f60718).
func NewID(prefix string) string { return prefix + randomHex(hexLen) }

// DerivedID returns prefix and 17 hex digits of the SHA-256 of key: the id
// of a resource that came from network.yaml and has none of its own, the
// same on every start.
func DerivedID(prefix, key string) string { return derived(prefix, key, hexLen) }

func derived(prefix, key string, n int) string {
	sum := sha256.Sum256([]byte(key))
	return prefix + hex.EncodeToString(sum[:])[:n]
}

// NewZoneID returns a hosted zone id: "Z" and 20 upper-case letters and
// digits.
func NewZoneID() string { return "Z" + randomAlnum(zoneIDLen) }

// NewChangeID returns a Route 53 change id: "C" and 20 upper-case letters
// and digits.
func NewChangeID() string { return "C" + randomAlnum(changeIDLen) }

func randomHex(n int) string {
	b := make([]byte, (n+1)/2)
	if _, err := rand.Read(b); err != nil {
		panic("store: crypto/rand: " + err.Error())
	}
	return hex.EncodeToString(b)[:n]
}

func randomAlnum(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("store: crypto/rand: " + err.Error())
	}
	for i := range b {
		b[i] = upperAlnum[int(b[i])%len(upperAlnum)]
	}
	return string(b)
}
