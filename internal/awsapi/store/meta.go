package store

import (
	"cmp"
	"slices"
	"time"

	"github.com/vpcdns/vpcdns/internal/config"
)

// Meta is what the AWS APIs know about the resources that network.yaml
// cannot hold: names, descriptions, creator request ids, creation times,
// tags, the ids of associations, and the resources that do not reach the
// network until they are complete (a peering connection waiting for
// acceptance, a query logging configuration with no VPC yet).
type Meta struct {
	// Objects are keyed by resource id (a VPC, subnet, security group,
	// route table, network ACL, peering connection, resolver endpoint,
	// resolver rule, query logging configuration or hosted zone).
	Objects map[string]*Object `json:"objects,omitempty"`
	// Assocs are keyed by AssocKey(kind, parts...).
	Assocs map[string]*Assoc `json:"associations,omitempty"`
	// Changes are the Route 53 change ids issued, newest last (bounded).
	Changes []Change `json:"changes,omitempty"`
}

// Object is the side record of one resource.
type Object struct {
	Kind             string            `json:"kind"`
	Name             string            `json:"name,omitempty"`
	Description      string            `json:"description,omitempty"`
	CreatorRequestID string            `json:"creator_request_id,omitempty"`
	Created          time.Time         `json:"created"`
	Modified         time.Time         `json:"modified"`
	Tags             map[string]string `json:"tags,omitempty"`

	// VPC: the ids of the resources AWS creates with a VPC. CreateVpc puts
	// all three in the network; for a VPC of the starting file that
	// declares none, the main route table and the default network ACL are
	// only described until something changes them (then they join the
	// network under these ids).
	DefaultSG      string `json:"default_security_group,omitempty"`
	MainRouteTable string `json:"main_route_table,omitempty"`
	DefaultACL     string `json:"default_network_acl,omitempty"`
	ResolverConfig string `json:"resolver_config_id,omitempty"`
	DNSSECConfig   string `json:"dnssec_config_id,omitempty"`
	// DNSSECValidation is the Route 53 Resolver DNSSEC validation flag of a
	// VPC (kept, not applied: vpcdns does not validate).
	DNSSECValidation bool `json:"dnssec_validation,omitempty"`

	// Peering connection: waiting for acceptance until Status is "active";
	// only active peerings are in the network.
	Requester    string `json:"requester_vpc,omitempty"`
	Accepter     string `json:"accepter_vpc,omitempty"`
	Status       string `json:"status,omitempty"`
	RequesterDNS bool   `json:"requester_allow_dns,omitempty"`
	AccepterDNS  bool   `json:"accepter_allow_dns,omitempty"`

	// Query logging configuration: in the network only while it has VPCs.
	DestinationArn string `json:"destination_arn,omitempty"`
	Destination    string `json:"destination,omitempty"`

	// Hosted zone.
	CallerReference string `json:"caller_reference,omitempty"`
	Comment         string `json:"comment,omitempty"`

	// Route 53 query logging configuration and VPC association
	// authorization: the hosted zone (and, for an authorization, keyed by
	// VPCAuthKey, the VPC in VPC below and its region).
	HostedZone string `json:"hosted_zone,omitempty"`
	VPCRegion  string `json:"vpc_region,omitempty"`

	// DNS Firewall rule group: its resource policy (kept, not applied).
	Policy string `json:"policy,omitempty"`

	// Subnet: the launch attributes of ModifySubnetAttribute (kept and
	// described; they apply to instances launched later, so they change
	// no modeled instance), by the attribute's request name.
	SubnetAttrs map[string]string `json:"subnet_attributes,omitempty"`

	// Security group rule ids, by rule key (see RuleKey).
	RuleIDs map[string]string `json:"rule_ids,omitempty"`

	// The edge of a VPC (ec2api igw.go, dhcp.go, endpoints.go,
	// prefixlists.go). Internet and NAT gateways live only here: a route
	// names them by id (igw-…, nat-…) and network.yaml needs no entry.
	VPC       string `json:"vpc,omitempty"`        // internet gateway attachment; NAT gateway; VPC association authorization
	Subnet    string `json:"subnet,omitempty"`     // NAT gateway
	PrivateIP string `json:"private_ip,omitempty"` // NAT gateway, instance
	State     string `json:"state,omitempty"`      // NAT gateway: available | deleted; instance: running | terminated
	// Managed prefix list: its version (1 on create, +1 on each change),
	// its maximum size, its address family and the entries' descriptions.
	Version           int64             `json:"version,omitempty"`
	MaxEntries        int               `json:"max_entries,omitempty"`
	AddressFamily     string            `json:"address_family,omitempty"`
	EntryDescriptions map[string]string `json:"entry_descriptions,omitempty"`
	// EC2 instance (ec2api instances.go): the instance's file entry holds
	// its id and address; its subnet, address and state are VPC, Subnet,
	// PrivateIP and State above (running | terminated), and these hold
	// what RunInstances was asked for.
	ImageID      string   `json:"image_id,omitempty"`
	InstanceType string   `json:"instance_type,omitempty"`
	Groups       []string `json:"groups,omitempty"`
	Reservation  string   `json:"reservation,omitempty"`
	LaunchIndex  int      `json:"launch_index,omitempty"`
	// Hybrid holds the options of transit gateways, VPN gateways and
	// connections, customer gateways (hybrid.go).
	Hybrid *Hybrid `json:"hybrid,omitempty"`
	// AWS RAM resource share, keyed by its ARN: the account that owns it,
	// the accounts it shares with and the ARNs of what it shares. Owner is
	// also the owner of a resource that lives only here (internet and NAT
	// gateways, customer gateways, VPN connections, resolver query logging
	// configurations): "" is the network's account_id.
	Owner      string   `json:"owner,omitempty"`
	Principals []string `json:"principals,omitempty"`
	Resources  []string `json:"resources,omitempty"`
}

// SharedWith reports whether a resource share of st shares the resource
// arn with account.
func SharedWith(st *State, arn, account string) bool {
	return st.anyShare(func(o *Object) bool {
		return slices.Contains(o.Resources, arn) && slices.Contains(o.Principals, account)
	})
}

// Shared reports whether a resource share of st shares the resource arn
// with any account.
func Shared(st *State, arn string) bool {
	return st.anyShare(func(o *Object) bool { return slices.Contains(o.Resources, arn) && len(o.Principals) > 0 })
}

// VPCOwner returns the account that owns the VPC id of f (the network's
// account_id when the VPC names none), false when f has no such VPC.
func VPCOwner(f *config.File, n *config.Network, id string) (string, bool) {
	if i := slices.IndexFunc(f.VPCs, func(v config.VPCFile) bool { return v.ID == id }); i >= 0 {
		return cmp.Or(f.VPCs[i].OwnerAccount, n.AccountID), true
	}
	return "", false
}

// shareIndex lists the keys of a state's resource shares: a network of
// 10,000 rules has a handful, and every rule shown asks whether it is
// shared.
type shareIndex struct{ keys []string }

// anyShare reports whether f holds for a resource share of st.
func (st *State) anyShare(f func(*Object) bool) bool {
	if st.shares != nil {
		for _, k := range st.shares.keys {
			if o := st.Meta.Objects[k]; o != nil && o.Kind == KindResourceShare && f(o) {
				return true
			}
		}
		return false
	}
	for _, o := range st.Meta.Objects {
		if o.Kind == KindResourceShare && f(o) {
			return true
		}
	}
	return false
}

// indexShares lists st's resource shares.
func indexShares(st *State) {
	idx := &shareIndex{}
	for k, o := range st.Meta.Objects {
		if o.Kind == KindResourceShare {
			idx.keys = append(idx.keys, k)
		}
	}
	st.shares = idx
}

// nextShares gives next, the state a change of cur made with the records
// recs, cur's index of resource shares, or a new one when the change wrote
// a share's record.
func nextShares(cur, next *State, recs []Record) {
	if cur.shares == nil {
		indexShares(next)
		return
	}
	for _, r := range recs {
		if r.Bucket != bucketObjects {
			continue
		}
		if o := cur.Meta.Objects[r.Key]; o != nil && o.Kind == KindResourceShare {
			indexShares(next)
			return
		}
		if o := next.Meta.Objects[r.Key]; o != nil && o.Kind == KindResourceShare {
			indexShares(next)
			return
		}
	}
	next.shares = cur.shares
}

// Assoc is the side record of an association.
type Assoc struct {
	ID      string    `json:"id"`
	Name    string    `json:"name,omitempty"`
	Created time.Time `json:"created"`
}

// Change is one Route 53 change.
type Change struct {
	ID        string    `json:"id"`
	Submitted time.Time `json:"submitted"`
	Comment   string    `json:"comment,omitempty"`
}

// Object kinds.
const (
	KindVPC           = "vpc"
	KindSubnet        = "subnet"
	KindSecurityGroup = "security-group"
	KindRouteTable    = "route-table"
	KindNetworkACL    = "network-acl"
	KindPeering       = "vpc-peering-connection"
	KindEndpoint      = "resolver-endpoint"
	KindRule          = "resolver-rule"
	KindQueryLog      = "resolver-query-log-config"
	KindHostedZone    = "hosted-zone"
	KindFirewallList  = "firewall-domain-list"
	KindFirewallGroup = "firewall-rule-group"
	KindFirewallRule  = "firewall-rule" // keyed by FirewallRuleKey
	KindFirewallAssoc = "firewall-rule-group-association"
	KindInternetGW    = "internet-gateway" // side records only
	KindNATGateway    = "natgateway"       // side records only
	KindDHCPOptions   = "dhcp-options"
	KindPrefixList    = "prefix-list"
	KindVPCEndpoint   = "vpc-endpoint"
	KindResourceShare = "resource-share" // AWS RAM, keyed by its ARN; only in Meta
	KindInstance      = "instance"       // an EC2 instance of RunInstances (vpcs[].instances)
	// KindZoneQueryLog is a Route 53 (public hosted zone) query logging
	// configuration, and KindVPCAuth a VPC association authorization: both
	// live only in Meta (they change no answer).
	KindZoneQueryLog = "route53-query-logging-config"
	KindVPCAuth      = "vpc-association-authorization"
	// KindProfile is a Route 53 Profile (network.yaml route53_profiles);
	// KindProfileAssoc the tags of one of its VPC associations, keyed by
	// the association's id and kept while the association is.
	KindProfile      = "route53-profile"
	KindProfileAssoc = "route53-profile-association"
)

// VPCAuthKey is the Meta key of the authorization for a VPC to associate
// with a hosted zone.
func VPCAuthKey(zone, vpc string) string { return "vpcauth|" + zone + "|" + vpc }

// FirewallRuleKey is the Meta key of a DNS Firewall rule, which has no id
// of its own: its group, its domain list and its query type.
func FirewallRuleKey(group, list, qtype string) string {
	return "fwrule|" + group + "|" + list + "|" + qtype
}

// Association kinds (the first part of an association key).
const (
	AssocRule       = "rule"     // rule id, vpc id → rslvr-rrassoc-
	AssocQueryLog   = "querylog" // config id, vpc id → rslvr-qlcassoc-
	AssocEndpointIP = "eni"      // endpoint id, ip → rni-
	AssocCIDR       = "cidr"     // vpc id, cidr → vpc-cidr-assoc-
	AssocRouteTable = "rtb"      // subnet id → rtbassoc- (the subnet's explicit table)
	AssocMainRoute  = "rtbmain"  // vpc id → rtbassoc- (the main table's association)
	AssocACL        = "acl"      // subnet id → aclassoc-
	AssocProfile    = "profile"  // profile id, vpc id → rpassoc-
	AssocProfileRes = "profres"  // profile id, resource id → rpr-
)

// AssocKey joins an association kind and its parts.
func AssocKey(kind string, parts ...string) string {
	k := kind
	for _, p := range parts {
		k += "|" + p
	}
	return k
}
