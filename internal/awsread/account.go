package awsread

// account holds what was read from one account, as decoded from the calls'
// outputs, before it is turned into network.yaml.
type account struct {
	// id is the account id (sts GetCallerIdentity); label names the
	// account in messages before its id is known.
	id     string
	caller *callerShape

	vpcs            []vpcShape
	attrs           map[string]*vpcAttrs // by VPC id
	dhcp            []dhcpShape
	subnets         []subnetShape
	routeTables     []routeTableShape
	sgs             []sgShape
	acls            []aclShape
	peerings        []peeringShape
	tgws            []tgwShape
	tgwAttachments  []tgwAttachmentShape
	tgwRouteTables  []tgwRouteTableShape
	tgwPropagations map[string][]tgwPropagationShape // by TGW route table id
	tgwRoutes       map[string][]tgwRouteShape       // by TGW route table id
	vpns            []vpnShape
	vgws            []vgwShape
	instances       []instanceShape
	prefixLists     []prefixListShape
	prefixEntries   map[string][]prefixEntryShape // by prefix list id
	vpces           []vpceShape
	vpceENIs        map[string][]eniShape // by VPC endpoint id
	dxGateways      []dxGatewayShape

	endpoints       []endpointShape
	endpointIPs     map[string][]endpointIPShape // by endpoint id
	rules           []ruleShape
	ruleAssocs      []ruleAssocShape
	resolverConfigs []resolverConfigShape
	queryLogs       []queryLogConfigShape
	queryLogAssocs  []queryLogAssocShape

	zones    []hostedZoneShape
	zoneVPCs map[string][]zoneVPC        // by zone id
	records  map[string][]recordSetShape // by zone id

	profiles         []profileShape
	profileAssocs    []profileAssocShape
	profileResources map[string][]profileResourceShape // by profile id
}

type vpcAttrs struct {
	dnsSupport, dnsHostnames *bool
}

type zoneVPC struct {
	Region, VPC string
}

func newAccount() *account {
	return &account{
		attrs:            make(map[string]*vpcAttrs),
		tgwPropagations:  make(map[string][]tgwPropagationShape),
		tgwRoutes:        make(map[string][]tgwRouteShape),
		prefixEntries:    make(map[string][]prefixEntryShape),
		vpceENIs:         make(map[string][]eniShape),
		endpointIPs:      make(map[string][]endpointIPShape),
		zoneVPCs:         make(map[string][]zoneVPC),
		records:          make(map[string][]recordSetShape),
		profileResources: make(map[string][]profileResourceShape),
	}
}

func (a *account) setAttr(vpcID string, v *vpcAttributeShape) {
	if v.VpcId != "" {
		vpcID = v.VpcId
	}
	at := a.attrs[vpcID]
	if at == nil {
		at = &vpcAttrs{}
		a.attrs[vpcID] = at
	}
	if v.EnableDnsSupport != nil && v.EnableDnsSupport.Value != nil {
		at.dnsSupport = v.EnableDnsSupport.Value
	}
	if v.EnableDnsHostnames != nil && v.EnableDnsHostnames.Value != nil {
		at.dnsHostnames = v.EnableDnsHostnames.Value
	}
}
