package apierr

// Resource types of the hybrid-network resources of the EC2 API.
const (
	ResTransitGateway = "transit-gateway"
	ResTGWAttachment  = "transit-gateway-attachment"
	ResTGWRouteTable  = "transit-gateway-route-table"
	ResTGWPropagation = "transit-gateway-propagation"
	ResTGWAssociation = "transit-gateway-association"
	ResCustomerGW     = "customer-gateway"
	ResVPNGateway     = "vpn-gateway"
	ResVPNConnection  = "vpn-connection"
	ResVGWAttachment  = "vpn-gateway-attachment"
	ResGateway        = "gateway"
)

type kindRes struct {
	kind     Kind
	resource string
}

// ec2HybridCodes are EC2's codes for the errors about hybrid resources
// (the EC2 API reference's error codes).
var ec2HybridCodes = map[kindRes]string{
	{NotFound, ResTransitGateway}:       "InvalidTransitGatewayID.NotFound",
	{NotFound, ResTGWAttachment}:        "InvalidTransitGatewayAttachmentID.NotFound",
	{NotFound, ResTGWRouteTable}:        "InvalidRouteTableID.NotFound",
	{NotFound, ResTGWPropagation}:       "TransitGatewayRouteTablePropagation.NotFound",
	{NotFound, ResTGWAssociation}:       "InvalidAssociation.NotFound",
	{NotFound, ResCustomerGW}:           "InvalidCustomerGatewayID.NotFound",
	{NotFound, ResVPNGateway}:           "InvalidVpnGatewayID.NotFound",
	{NotFound, ResVPNConnection}:        "InvalidVpnConnectionID.NotFound",
	{NotFound, ResVGWAttachment}:        "InvalidVpnGatewayAttachment.NotFound",
	{NotFound, ResGateway}:              "InvalidGatewayID.NotFound",
	{Exists, ResTGWPropagation}:         "TransitGatewayRouteTablePropagation.Duplicate",
	{Exists, ResTGWAssociation}:         "Resource.AlreadyAssociated",
	{Exists, ResVGWAttachment}:          "VpnGatewayAttachmentLimitExceeded",
	{InvalidRequest, ResTransitGateway}: "IncorrectState",
	{InvalidRequest, ResTGWAttachment}:  "IncorrectState",
	{InvalidRequest, ResTGWRouteTable}:  "IncorrectState",
	{InvalidRequest, ResCustomerGW}:     "IncorrectState",
	{InvalidRequest, ResVPNGateway}:     "IncorrectState",
	{InvalidRequest, ResVPNConnection}:  "IncorrectState",
	{InUse, ResTransitGateway}:          "IncorrectState",
	{InUse, ResCustomerGW}:              "IncorrectState",
	{InUse, ResVPNGateway}:              "IncorrectState",
	{InUse, ResTGWRouteTable}:           "IncorrectState",
}
