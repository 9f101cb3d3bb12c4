package resolverapi

// The responses of the operations, one type each, so that TestShapes can
// compare their members with botocore's model.

// emptyOut is the response of an operation that answers no member.
type emptyOut struct{}

type domainsOut struct {
	Domains   []string
	NextToken string `json:",omitempty"`
}

type firewallConfigOut struct {
	FirewallConfig FirewallConfig
}

type firewallConfigsOut struct {
	FirewallConfigs []FirewallConfig
	NextToken       string `json:",omitempty"`
}

type firewallDomainListOut struct {
	FirewallDomainList FirewallDomainList
}

type firewallDomainListsOut struct {
	FirewallDomainLists []FirewallDomainListMetadata
	NextToken           string `json:",omitempty"`
}

type firewallRuleGroupAssociationOut struct {
	FirewallRuleGroupAssociation FirewallRuleGroupAssociation
}

type firewallRuleGroupAssociationsOut struct {
	FirewallRuleGroupAssociations []FirewallRuleGroupAssociation
	NextToken                     string `json:",omitempty"`
}

type firewallRuleGroupOut struct {
	FirewallRuleGroup FirewallRuleGroup
}

type firewallRuleGroupPolicyOut struct {
	FirewallRuleGroupPolicy string
}

type firewallRuleGroupsOut struct {
	FirewallRuleGroups []FirewallRuleGroupMetadata
	NextToken          string `json:",omitempty"`
}

type firewallRuleOut struct {
	FirewallRule FirewallRule
}

type firewallRulesOut struct {
	FirewallRules []FirewallRule
	NextToken     string `json:",omitempty"`
}

type ipAddressesOut struct {
	IpAddresses []IpAddressResponse
	NextToken   string `json:",omitempty"`
	MaxResults  *int   `json:",omitempty"`
}

type resolverConfigOut struct {
	ResolverConfig ResolverConfig
}

type resolverConfigsOut struct {
	ResolverConfigs []ResolverConfig
	NextToken       string `json:",omitempty"`
}

type resolverDNSSECConfigOut struct {
	ResolverDNSSECConfig ResolverDnssecConfig
}

type resolverDnssecConfigsOut struct {
	ResolverDnssecConfigs []ResolverDnssecConfig
	NextToken             string `json:",omitempty"`
}

type resolverEndpointOut struct {
	ResolverEndpoint ResolverEndpoint
}

type resolverEndpointsOut struct {
	ResolverEndpoints []ResolverEndpoint
	NextToken         string `json:",omitempty"`
	MaxResults        *int   `json:",omitempty"`
}

type resolverQueryLogConfigAssociationOut struct {
	ResolverQueryLogConfigAssociation ResolverQueryLogConfigAssociation
}

type resolverQueryLogConfigAssociationsOut struct {
	ResolverQueryLogConfigAssociations []ResolverQueryLogConfigAssociation
	NextToken                          string `json:",omitempty"`
	TotalCount                         int
	TotalFilteredCount                 int
}

type resolverQueryLogConfigOut struct {
	ResolverQueryLogConfig ResolverQueryLogConfig
}

type resolverQueryLogConfigsOut struct {
	ResolverQueryLogConfigs []ResolverQueryLogConfig
	NextToken               string `json:",omitempty"`
	TotalCount              int
	TotalFilteredCount      int
}

type resolverRuleAssociationOut struct {
	ResolverRuleAssociation ResolverRuleAssociation
}

type resolverRuleAssociationsOut struct {
	ResolverRuleAssociations []ResolverRuleAssociation
	NextToken                string `json:",omitempty"`
	MaxResults               *int   `json:",omitempty"`
}

type resolverRuleOut struct {
	ResolverRule ResolverRule
}

type resolverRulesOut struct {
	ResolverRules []ResolverRule
	NextToken     string `json:",omitempty"`
	MaxResults    *int   `json:",omitempty"`
}

type returnValueOut struct {
	ReturnValue bool
}

// domainUpdateOut is the response of UpdateFirewallDomains and
// ImportFirewallDomains.
type domainUpdateOut struct {
	Id, Name, Status, StatusMessage string
}

type tagsOut struct {
	Tags      []Tag
	NextToken string `json:",omitempty"`
}
