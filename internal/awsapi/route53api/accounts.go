package route53api

import (
	"cmp"
	"context"

	"github.com/vpcdns/vpcdns/internal/awsapi/op"
	"github.com/vpcdns/vpcdns/internal/config"
)

// Accounts (docs/api.md#accounts). A hosted zone belongs to the account
// that created it (owner_account), and only that account sees it:
// ListHostedZones, ListHostedZonesByName and GetHostedZoneCount count its
// own zones, and a request that names another account's zone (its records,
// tags, comment, authorizations, query logging) gets NoSuchHostedZone, as
// for a zone that does not exist. Two requests name another account's
// private zone on AWS, and do here: AssociateVPCWithHostedZone and
// DisassociateVPCFromHostedZone by the owner of the VPC (authz.go), and
// ListHostedZonesByVPC lists every zone a VPC is associated with, naming
// each zone's owner.

// owner is the account that owns the zone at i (zoneAt).
func owner(n *config.Network, i int) string {
	return cmp.Or(zoneAt(n, i).OwnerAccount, n.AccountID)
}

// mine reports whether the zone id is the caller's, or not there at all
// (the handler answers NoSuchHostedZone).
func mine(ctx context.Context, n *config.Network, id string) bool {
	i := zoneIndex(n, id)
	return i < 0 || owner(n, i) == op.Caller(ctx, n.AccountID)
}

// acrossAccounts are the operations that may name another account's zone.
var acrossAccounts = map[string]bool{"AssociateVPCWithHostedZone": true, "DisassociateVPCFromHostedZone": true}

// zoneOfPath is the hosted zone a request path names, or "".
func zoneOfPath(parts []string) string {
	switch {
	case len(parts) >= 2 && parts[0] == "hostedzone":
		return parts[1]
	case len(parts) == 3 && parts[0] == "tags" && parts[1] == "hostedzone":
		return parts[2]
	}
	return ""
}
