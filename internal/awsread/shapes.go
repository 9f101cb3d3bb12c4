package awsread

// The shapes below are the parts of the AWS API outputs that import reads,
// with the API's member names (botocore's service models), which is also
// what the AWS CLI prints with --output json and what the SDK for Go's
// output structs marshal to. Unknown members are ignored.

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type state struct {
	State string `json:"State"`
}

// EC2.

type vpcShape struct {
	VpcId                   string `json:"VpcId"`
	OwnerId                 string `json:"OwnerId"`
	CidrBlock               string `json:"CidrBlock"`
	DhcpOptionsId           string `json:"DhcpOptionsId"`
	State                   string `json:"State"`
	IsDefault               bool   `json:"IsDefault"`
	CidrBlockAssociationSet []struct {
		CidrBlock      string `json:"CidrBlock"`
		CidrBlockState state  `json:"CidrBlockState"`
	} `json:"CidrBlockAssociationSet"`
	Ipv6CidrBlockAssociationSet []struct {
		Ipv6CidrBlock      string `json:"Ipv6CidrBlock"`
		Ipv6CidrBlockState state  `json:"Ipv6CidrBlockState"`
	} `json:"Ipv6CidrBlockAssociationSet"`
	Tags []tag `json:"Tags"`
}

type vpcAttributeShape struct {
	VpcId              string     `json:"VpcId"`
	EnableDnsSupport   *boolValue `json:"EnableDnsSupport"`
	EnableDnsHostnames *boolValue `json:"EnableDnsHostnames"`
}

type boolValue struct {
	Value *bool `json:"Value"`
}

type dhcpShape struct {
	DhcpOptionsId      string `json:"DhcpOptionsId"`
	OwnerId            string `json:"OwnerId"`
	DhcpConfigurations []struct {
		Key    string `json:"Key"`
		Values []struct {
			Value string `json:"Value"`
		} `json:"Values"`
	} `json:"DhcpConfigurations"`
}

type subnetShape struct {
	SubnetId                    string `json:"SubnetId"`
	VpcId                       string `json:"VpcId"`
	OwnerId                     string `json:"OwnerId"`
	CidrBlock                   string `json:"CidrBlock"`
	AvailabilityZone            string `json:"AvailabilityZone"`
	Ipv6CidrBlockAssociationSet []struct {
		Ipv6CidrBlock      string `json:"Ipv6CidrBlock"`
		Ipv6CidrBlockState state  `json:"Ipv6CidrBlockState"`
	} `json:"Ipv6CidrBlockAssociationSet"`
}

type routeTableShape struct {
	RouteTableId string `json:"RouteTableId"`
	VpcId        string `json:"VpcId"`
	OwnerId      string `json:"OwnerId"`
	Associations []struct {
		Main             bool   `json:"Main"`
		SubnetId         string `json:"SubnetId"`
		GatewayId        string `json:"GatewayId"`
		AssociationState *state `json:"AssociationState"`
	} `json:"Associations"`
	Routes []routeShape `json:"Routes"`
}

type routeShape struct {
	DestinationCidrBlock        string `json:"DestinationCidrBlock"`
	DestinationIpv6CidrBlock    string `json:"DestinationIpv6CidrBlock"`
	DestinationPrefixListId     string `json:"DestinationPrefixListId"`
	GatewayId                   string `json:"GatewayId"`
	TransitGatewayId            string `json:"TransitGatewayId"`
	VpcPeeringConnectionId      string `json:"VpcPeeringConnectionId"`
	NatGatewayId                string `json:"NatGatewayId"`
	NetworkInterfaceId          string `json:"NetworkInterfaceId"`
	InstanceId                  string `json:"InstanceId"`
	EgressOnlyInternetGatewayId string `json:"EgressOnlyInternetGatewayId"`
	LocalGatewayId              string `json:"LocalGatewayId"`
	CarrierGatewayId            string `json:"CarrierGatewayId"`
	CoreNetworkArn              string `json:"CoreNetworkArn"`
	Origin                      string `json:"Origin"`
	State                       string `json:"State"`
}

type sgShape struct {
	GroupId             string       `json:"GroupId"`
	GroupName           string       `json:"GroupName"`
	VpcId               string       `json:"VpcId"`
	OwnerId             string       `json:"OwnerId"`
	IpPermissions       []permission `json:"IpPermissions"`
	IpPermissionsEgress []permission `json:"IpPermissionsEgress"`
}

type permission struct {
	IpProtocol string `json:"IpProtocol"`
	FromPort   *int   `json:"FromPort"`
	ToPort     *int   `json:"ToPort"`
	IpRanges   []struct {
		CidrIp      string `json:"CidrIp"`
		Description string `json:"Description"`
	} `json:"IpRanges"`
	Ipv6Ranges []struct {
		CidrIpv6    string `json:"CidrIpv6"`
		Description string `json:"Description"`
	} `json:"Ipv6Ranges"`
	PrefixListIds []struct {
		PrefixListId string `json:"PrefixListId"`
		Description  string `json:"Description"`
	} `json:"PrefixListIds"`
	UserIdGroupPairs []struct {
		GroupId                string `json:"GroupId"`
		UserId                 string `json:"UserId"`
		VpcPeeringConnectionId string `json:"VpcPeeringConnectionId"`
		Description            string `json:"Description"`
	} `json:"UserIdGroupPairs"`
}

type aclShape struct {
	NetworkAclId string `json:"NetworkAclId"`
	VpcId        string `json:"VpcId"`
	OwnerId      string `json:"OwnerId"`
	IsDefault    bool   `json:"IsDefault"`
	Associations []struct {
		SubnetId string `json:"SubnetId"`
	} `json:"Associations"`
	Entries []struct {
		RuleNumber    int    `json:"RuleNumber"`
		Egress        bool   `json:"Egress"`
		Protocol      string `json:"Protocol"`
		RuleAction    string `json:"RuleAction"`
		CidrBlock     string `json:"CidrBlock"`
		Ipv6CidrBlock string `json:"Ipv6CidrBlock"`
		PortRange     *struct {
			From *int `json:"From"`
			To   *int `json:"To"`
		} `json:"PortRange"`
	} `json:"Entries"`
}

type peeringSide struct {
	VpcId          string `json:"VpcId"`
	OwnerId        string `json:"OwnerId"`
	Region         string `json:"Region"`
	CidrBlock      string `json:"CidrBlock"`
	PeeringOptions *struct {
		AllowDnsResolutionFromRemoteVpc *bool `json:"AllowDnsResolutionFromRemoteVpc"`
	} `json:"PeeringOptions"`
}

type peeringShape struct {
	VpcPeeringConnectionId string      `json:"VpcPeeringConnectionId"`
	RequesterVpcInfo       peeringSide `json:"RequesterVpcInfo"`
	AccepterVpcInfo        peeringSide `json:"AccepterVpcInfo"`
	Status                 struct {
		Code string `json:"Code"`
	} `json:"Status"`
}

type tgwShape struct {
	TransitGatewayId string `json:"TransitGatewayId"`
	OwnerId          string `json:"OwnerId"`
	State            string `json:"State"`
	Options          *struct {
		DefaultRouteTableAssociation   string `json:"DefaultRouteTableAssociation"`
		AssociationDefaultRouteTableId string `json:"AssociationDefaultRouteTableId"`
	} `json:"Options"`
}

type tgwAttachmentShape struct {
	TransitGatewayAttachmentId string `json:"TransitGatewayAttachmentId"`
	TransitGatewayId           string `json:"TransitGatewayId"`
	TransitGatewayOwnerId      string `json:"TransitGatewayOwnerId"`
	ResourceOwnerId            string `json:"ResourceOwnerId"`
	ResourceType               string `json:"ResourceType"`
	ResourceId                 string `json:"ResourceId"`
	State                      string `json:"State"`
	Association                *struct {
		TransitGatewayRouteTableId string `json:"TransitGatewayRouteTableId"`
		State                      string `json:"State"`
	} `json:"Association"`
}

type tgwRouteTableShape struct {
	TransitGatewayRouteTableId string `json:"TransitGatewayRouteTableId"`
	TransitGatewayId           string `json:"TransitGatewayId"`
	State                      string `json:"State"`
}

type tgwPropagationShape struct {
	TransitGatewayAttachmentId string `json:"TransitGatewayAttachmentId"`
	ResourceId                 string `json:"ResourceId"`
	ResourceType               string `json:"ResourceType"`
	State                      string `json:"State"`
}

type tgwRouteShape struct {
	DestinationCidrBlock      string `json:"DestinationCidrBlock"`
	PrefixListId              string `json:"PrefixListId"`
	Type                      string `json:"Type"`  // static | propagated
	State                     string `json:"State"` // active | blackhole
	TransitGatewayAttachments []struct {
		TransitGatewayAttachmentId string `json:"TransitGatewayAttachmentId"`
		ResourceId                 string `json:"ResourceId"`
		ResourceType               string `json:"ResourceType"`
	} `json:"TransitGatewayAttachments"`
}

type vpnShape struct {
	VpnConnectionId  string `json:"VpnConnectionId"`
	State            string `json:"State"`
	VpnGatewayId     string `json:"VpnGatewayId"`
	TransitGatewayId string `json:"TransitGatewayId"`
	Routes           []struct {
		DestinationCidrBlock string `json:"DestinationCidrBlock"`
		State                string `json:"State"`
	} `json:"Routes"`
	VgwTelemetry []struct {
		OutsideIpAddress string `json:"OutsideIpAddress"`
		Status           string `json:"Status"`
	} `json:"VgwTelemetry"`
}

type vgwShape struct {
	VpnGatewayId   string `json:"VpnGatewayId"`
	State          string `json:"State"`
	VpcAttachments []struct {
		VpcId string `json:"VpcId"`
		State string `json:"State"`
	} `json:"VpcAttachments"`
}

type instanceShape struct {
	InstanceId       string `json:"InstanceId"`
	VpcId            string `json:"VpcId"`
	PrivateIpAddress string `json:"PrivateIpAddress"`
	State            *struct {
		Name string `json:"Name"`
	} `json:"State"`
	NetworkInterfaces []eniShape `json:"NetworkInterfaces"`
	Tags              []tag      `json:"Tags"`
}

type eniShape struct {
	NetworkInterfaceId string `json:"NetworkInterfaceId"`
	SubnetId           string `json:"SubnetId"`
	VpcId              string `json:"VpcId"`
	PrivateIpAddress   string `json:"PrivateIpAddress"`
	PrivateIpAddresses []struct {
		PrivateIpAddress string `json:"PrivateIpAddress"`
		Primary          bool   `json:"Primary"`
	} `json:"PrivateIpAddresses"`
	Groups []struct {
		GroupId string `json:"GroupId"`
	} `json:"Groups"`
	Attachment *struct {
		DeviceIndex *int `json:"DeviceIndex"`
	} `json:"Attachment"`
}

type prefixListShape struct {
	PrefixListId   string `json:"PrefixListId"`
	PrefixListName string `json:"PrefixListName"`
	OwnerId        string `json:"OwnerId"`
	State          string `json:"State"`
}

type prefixEntryShape struct {
	Cidr string `json:"Cidr"`
}

type vpceShape struct {
	VpcEndpointId       string   `json:"VpcEndpointId"`
	VpcEndpointType     string   `json:"VpcEndpointType"`
	VpcId               string   `json:"VpcId"`
	OwnerId             string   `json:"OwnerId"`
	ServiceName         string   `json:"ServiceName"`
	State               string   `json:"State"`
	PrivateDnsEnabled   bool     `json:"PrivateDnsEnabled"`
	NetworkInterfaceIds []string `json:"NetworkInterfaceIds"`
	Groups              []struct {
		GroupId string `json:"GroupId"`
	} `json:"Groups"`
}

// Route 53 Resolver.

type endpointShape struct {
	Id               string   `json:"Id"`
	Name             string   `json:"Name"`
	Direction        string   `json:"Direction"`
	HostVPCId        string   `json:"HostVPCId"`
	SecurityGroupIds []string `json:"SecurityGroupIds"`
	Status           string   `json:"Status"`
}

type endpointIPShape struct {
	SubnetId string `json:"SubnetId"`
	Ip       string `json:"Ip"`
	Status   string `json:"Status"`
}

type ruleShape struct {
	Id                 string `json:"Id"`
	Name               string `json:"Name"`
	DomainName         string `json:"DomainName"`
	RuleType           string `json:"RuleType"`
	ResolverEndpointId string `json:"ResolverEndpointId"`
	OwnerId            string `json:"OwnerId"`
	ShareStatus        string `json:"ShareStatus"`
	Status             string `json:"Status"`
	TargetIps          []struct {
		Ip   string `json:"Ip"`
		Ipv6 string `json:"Ipv6"`
		Port *int   `json:"Port"`
	} `json:"TargetIps"`
}

type ruleAssocShape struct {
	Id             string `json:"Id"`
	ResolverRuleId string `json:"ResolverRuleId"`
	VPCId          string `json:"VPCId"`
	Status         string `json:"Status"`
}

type resolverConfigShape struct {
	ResourceId         string `json:"ResourceId"`
	OwnerId            string `json:"OwnerId"`
	AutodefinedReverse string `json:"AutodefinedReverse"`
}

type queryLogConfigShape struct {
	Id             string `json:"Id"`
	Name           string `json:"Name"`
	OwnerId        string `json:"OwnerId"`
	DestinationArn string `json:"DestinationArn"`
	ShareStatus    string `json:"ShareStatus"`
}

type queryLogAssocShape struct {
	ResolverQueryLogConfigId string `json:"ResolverQueryLogConfigId"`
	ResourceId               string `json:"ResourceId"`
	Status                   string `json:"Status"`
}

// Route 53.

type hostedZoneShape struct {
	Id     string `json:"Id"`
	Name   string `json:"Name"`
	Config *struct {
		PrivateZone bool `json:"PrivateZone"`
	} `json:"Config"`
}

type recordSetShape struct {
	Name            string `json:"Name"`
	Type            string `json:"Type"`
	TTL             *int   `json:"TTL"`
	SetIdentifier   string `json:"SetIdentifier"`
	ResourceRecords []struct {
		Value string `json:"Value"`
	} `json:"ResourceRecords"`
	AliasTarget *struct {
		HostedZoneId string `json:"HostedZoneId"`
		DNSName      string `json:"DNSName"`
	} `json:"AliasTarget"`
}

// Route 53 Profiles.

type profileShape struct {
	Id          string `json:"Id"`
	Name        string `json:"Name"`
	OwnerId     string `json:"OwnerId"`
	ShareStatus string `json:"ShareStatus"`
}

type profileAssocShape struct {
	ProfileId  string `json:"ProfileId"`
	ResourceId string `json:"ResourceId"`
	Status     string `json:"Status"`
}

type profileResourceShape struct {
	ProfileId    string `json:"ProfileId"`
	ResourceArn  string `json:"ResourceArn"`
	ResourceType string `json:"ResourceType"`
	Status       string `json:"Status"`
}

// Direct Connect.

type dxGatewayShape struct {
	DirectConnectGatewayId    string `json:"directConnectGatewayId"`
	DirectConnectGatewayName  string `json:"directConnectGatewayName"`
	OwnerAccount              string `json:"ownerAccount"`
	DirectConnectGatewayState string `json:"directConnectGatewayState"`
}

// STS.

type callerShape struct {
	Account string `json:"Account"`
	Arn     string `json:"Arn"`
}
