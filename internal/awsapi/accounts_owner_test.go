package awsapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpcdns/vpcdns/internal/config"
)

// What an account creates through the API keeps it as owner in
// network.yaml (which checks it as a written file would), and the
// network's own account does not see it.
func TestAccountOwnsWhatItCreates(t *testing.T) {
	e := newEnv(t, envOpts{initial: &config.File{AccountID: "111111111111", Region: "us-east-1"}})
	B := e.as("222222222222")
	vpcB := *createVPC(t, B, "10.2.0.0/16").Vpc.VpcId
	sub := *must[*ec2.CreateSubnetOutput](t)(B.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &vpcB, CidrBlock: aws.String("10.2.1.0/24"), AvailabilityZone: aws.String("us-east-1a")})).Subnet.SubnetId
	tgw := *must[*ec2.CreateTransitGatewayOutput](t)(B.ec2.CreateTransitGateway(ctx, &ec2.CreateTransitGatewayInput{})).TransitGateway.TransitGatewayId
	must[*ec2.CreateTransitGatewayVpcAttachmentOutput](t)(B.ec2.CreateTransitGatewayVpcAttachment(ctx, &ec2.CreateTransitGatewayVpcAttachmentInput{TransitGatewayId: &tgw, VpcId: &vpcB, SubnetIds: []string{sub}}))
	d := *must[*ec2.CreateDhcpOptionsOutput](t)(B.ec2.CreateDhcpOptions(ctx, &ec2.CreateDhcpOptionsInput{DhcpConfigurations: []ec2types.NewDhcpConfiguration{{Key: aws.String("domain-name"), Values: []string{"b.example"}}}})).DhcpOptions.DhcpOptionsId
	must[*ec2.AssociateDhcpOptionsOutput](t)(B.ec2.AssociateDhcpOptions(ctx, &ec2.AssociateDhcpOptionsInput{DhcpOptionsId: &d, VpcId: &vpcB}))
	must[*ec2.CreateManagedPrefixListOutput](t)(B.ec2.CreateManagedPrefixList(ctx, &ec2.CreateManagedPrefixListInput{PrefixListName: aws.String("p"), MaxEntries: aws.Int32(2), AddressFamily: aws.String("IPv4")}))
	vgw := *must[*ec2.CreateVpnGatewayOutput](t)(B.ec2.CreateVpnGateway(ctx, &ec2.CreateVpnGatewayInput{Type: ec2types.GatewayTypeIpsec1})).VpnGateway.VpnGatewayId
	must[*ec2.AttachVpnGatewayOutput](t)(B.ec2.AttachVpnGateway(ctx, &ec2.AttachVpnGatewayInput{VpnGatewayId: &vgw, VpcId: &vpcB}))
	cgw := *must[*ec2.CreateCustomerGatewayOutput](t)(B.ec2.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{Type: ec2types.GatewayTypeIpsec1, IpAddress: aws.String("198.51.100.7"), BgpAsn: aws.Int32(65000)})).CustomerGateway.CustomerGatewayId
	vpn := *must[*ec2.CreateVpnConnectionOutput](t)(B.ec2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{Type: aws.String("ipsec.1"), CustomerGatewayId: &cgw, VpnGatewayId: &vgw, Options: &ec2types.VpnConnectionOptionsSpecification{StaticRoutesOnly: aws.Bool(true)}})).VpnConnection.VpnConnectionId
	must[*ec2.CreateVpnConnectionRouteOutput](t)(B.ec2.CreateVpnConnectionRoute(ctx, &ec2.CreateVpnConnectionRouteInput{VpnConnectionId: &vpn, DestinationCidrBlock: aws.String("192.168.0.0/16")}))
	must[*ec2.CreateVpcEndpointOutput](t)(B.ec2.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: &vpcB, ServiceName: aws.String("com.amazonaws.us-east-1.s3")}))
	o := must[*ec2.DescribeVpnGatewaysOutput](t)(B.ec2.DescribeVpnGateways(ctx, &ec2.DescribeVpnGatewaysInput{}))
	if len(o.VpnGateways) != 1 {
		t.Errorf("vgws %d", len(o.VpnGateways))
	}
	A := e.as("111111111111")
	if o := must[*ec2.DescribeVpnConnectionsOutput](t)(A.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{})); len(o.VpnConnections) != 0 {
		t.Errorf("A sees B's vpn")
	}
	if o := must[*ec2.DescribeTransitGatewaysOutput](t)(A.ec2.DescribeTransitGateways(ctx, &ec2.DescribeTransitGatewaysInput{})); len(o.TransitGateways) != 0 {
		t.Errorf("A sees B's transit gateway")
	}
	if o := must[*ec2.DescribeDhcpOptionsOutput](t)(A.ec2.DescribeDhcpOptions(ctx, &ec2.DescribeDhcpOptionsInput{})); len(o.DhcpOptions) != 0 {
		t.Errorf("A sees B's DHCP options")
	}
	f := file(e)
	const b = "222222222222"
	for what, got := range map[string]string{
		"transit gateway": f.TransitGateways[0].OwnerAccount, "dhcp option set": f.DHCPOptionSets[0].OwnerAccount,
		"prefix list": f.PrefixLists[0].OwnerAccount, "vpn gateway": f.VPNGateways[0].OwnerAccount,
		"vpc endpoint": f.VPCEndpoints[0].OwnerAccount, "vpn (remote network)": f.RemoteNetworks[0].OwnerAccount,
	} {
		if got != b {
			t.Errorf("%s: owner_account %q, want %s", what, got, b)
		}
	}
}
