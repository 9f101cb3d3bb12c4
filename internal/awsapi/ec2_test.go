package awsapi_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpcdns/vpcdns/internal/config"
)

func filter(name string, values ...string) ec2types.Filter {
	return ec2types.Filter{Name: aws.String(name), Values: values}
}

func TestEC2Network(t *testing.T) {
	e := newEnv(t, envOpts{initial: &config.File{AccountID: "111122223333"}})
	n := buildNetwork(t, e)

	vpcs := must[*ec2.DescribeVpcsOutput](t)(e.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{filter("tag:Name", "app")}}))
	if len(vpcs.Vpcs) != 1 || *vpcs.Vpcs[0].VpcId != n.vpc || *vpcs.Vpcs[0].OwnerId != "111122223333" || vpcs.Vpcs[0].State != ec2types.VpcStateAvailable ||
		len(vpcs.Vpcs[0].CidrBlockAssociationSet) != 1 || !strings.HasPrefix(*vpcs.Vpcs[0].CidrBlockAssociationSet[0].AssociationId, "vpc-cidr-assoc-") {
		t.Errorf("vpcs %+v", vpcs.Vpcs)
	}
	attr := must[*ec2.DescribeVpcAttributeOutput](t)(e.ec2.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: &n.vpc, Attribute: ec2types.VpcAttributeNameEnableDnsSupport}))
	if !*attr.EnableDnsSupport.Value {
		t.Errorf("enableDnsSupport is off")
	}
	if v := e.store.Network().VPCs[0]; !v.DNSHostnames || !v.DNSSupport {
		t.Errorf("network VPC hostnames %v support %v", v.DNSHostnames, v.DNSSupport)
	}
	_, err := e.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{"vpc-00000000000000000"}})
	if code := apiCode(t, err); code != "InvalidVpcID.NotFound" {
		t.Errorf("unknown vpc: %v", err)
	}
	_, err = e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/8")})
	if code := apiCode(t, err); code != "InvalidVpc.Range" {
		t.Errorf("/8 vpc: %v", err)
	}

	subnets := must[*ec2.DescribeSubnetsOutput](t)(e.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{filter("vpc-id", n.vpc)}}))
	if len(subnets.Subnets) != 2 || *subnets.Subnets[0].AvailableIpAddressCount != 251 || *subnets.Subnets[1].AvailabilityZoneId != "use1-az2" {
		t.Errorf("subnets %+v", subnets.Subnets)
	}
	_, err = e.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &n.vpc, CidrBlock: aws.String("10.0.1.128/25")})
	if code := apiCode(t, err); code != "InvalidSubnet.Conflict" {
		t.Errorf("overlapping subnet: %v", err)
	}
	_, err = e.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &n.vpc, CidrBlock: aws.String("10.1.1.0/24")})
	if code := apiCode(t, err); code != "InvalidSubnet.Range" {
		t.Errorf("subnet outside the VPC: %v", err)
	}

	// The default group and the one made.
	sgs := must[*ec2.DescribeSecurityGroupsOutput](t)(e.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{filter("vpc-id", n.vpc)}}))
	var names []string
	for _, g := range sgs.SecurityGroups {
		names = append(names, *g.GroupName)
		if *g.GroupName == "resolver-out" {
			if len(g.IpPermissionsEgress) != 3 || *g.IpPermissionsEgress[0].IpProtocol != "-1" || *g.IpPermissionsEgress[1].FromPort != 53 ||
				*g.IpPermissionsEgress[1].IpRanges[0].CidrIp != "192.168.0.0/16" {
				t.Errorf("egress %+v", g.IpPermissionsEgress)
			}
		}
	}
	if !slices.Equal(names, []string{"default", "resolver-out"}) {
		t.Errorf("groups %v", names)
	}
	_, err = e.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("resolver-out"), Description: aws.String("again"), VpcId: &n.vpc})
	if code := apiCode(t, err); code != "InvalidGroup.Duplicate" {
		t.Errorf("duplicate group: %v", err)
	}
	_, err = e.ec2.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: &n.sg, IpPermissions: []ec2types.IpPermission{
		{IpProtocol: aws.String("udp"), FromPort: aws.Int32(53), ToPort: aws.Int32(53), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("192.168.0.0/16")}}}}})
	if code := apiCode(t, err); code != "InvalidPermission.Duplicate" {
		t.Errorf("duplicate permission: %v", err)
	}
	must[*ec2.RevokeSecurityGroupEgressOutput](t)(e.ec2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: &n.sg, IpPermissions: []ec2types.IpPermission{
		{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}))
	if g := e.store.Network().SecurityGroups[1]; len(g.Egress) != 2 || g.Egress[0].Protocol != config.ProtoUDP {
		t.Errorf("network egress %+v", g.Egress)
	}

	// The main route table CreateVpc made is described, and is in the
	// network from the start, as the VPC's main_route_table: routing is
	// modeled for a VPC made through the API.
	rts := must[*ec2.DescribeRouteTablesOutput](t)(e.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{filter("vpc-id", n.vpc), filter("association.main", "true")}}))
	if len(rts.RouteTables) != 1 || len(rts.RouteTables[0].Routes) != 1 || *rts.RouteTables[0].Routes[0].GatewayId != "local" {
		t.Fatalf("main route table %+v", rts.RouteTables)
	}
	main := *rts.RouteTables[0].RouteTableId
	if rt := e.store.Network().RouteTables; len(rt) != 1 || rt[0].ID != main || e.store.Network().VPCs[0].MainRouteTable != rt[0] {
		t.Errorf("the main route table is not the VPC's main_route_table in the network: %+v", rt)
	}

	// A peering, accepted, with DNS resolution.
	peer := *must[*ec2.CreateVpcOutput](t)(e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})).Vpc.VpcId
	pcx := must[*ec2.CreateVpcPeeringConnectionOutput](t)(e.ec2.CreateVpcPeeringConnection(ctx, &ec2.CreateVpcPeeringConnectionInput{VpcId: &n.vpc, PeerVpcId: &peer}))
	pcxID := *pcx.VpcPeeringConnection.VpcPeeringConnectionId
	if pcx.VpcPeeringConnection.Status.Code != ec2types.VpcPeeringConnectionStateReasonCodePendingAcceptance || len(e.store.Network().Peerings) != 0 {
		t.Errorf("new peering %+v", pcx.VpcPeeringConnection.Status)
	}
	_, err = e.ec2.ModifyVpcPeeringConnectionOptions(ctx, &ec2.ModifyVpcPeeringConnectionOptionsInput{VpcPeeringConnectionId: &pcxID,
		RequesterPeeringConnectionOptions: &ec2types.PeeringConnectionOptionsRequest{AllowDnsResolutionFromRemoteVpc: aws.Bool(true)}})
	if code := apiCode(t, err); code != "InvalidStateTransition" {
		t.Errorf("options of a pending peering: %v", err)
	}
	must[*ec2.AcceptVpcPeeringConnectionOutput](t)(e.ec2.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: &pcxID}))
	must[*ec2.ModifyVpcPeeringConnectionOptionsOutput](t)(e.ec2.ModifyVpcPeeringConnectionOptions(ctx, &ec2.ModifyVpcPeeringConnectionOptionsInput{VpcPeeringConnectionId: &pcxID,
		RequesterPeeringConnectionOptions: &ec2types.PeeringConnectionOptionsRequest{AllowDnsResolutionFromRemoteVpc: aws.Bool(true)}}))
	if p := e.store.Network().Peerings; len(p) != 1 || !p[0].AllowDNSResolution || p[0].Requester.ID != n.vpc {
		t.Errorf("network peerings %+v", p)
	}
	// Only the requester allows it: the accepter resolves the requester's
	// names, not the other way round.
	if p := e.store.Network().Peerings[0]; !p.RequesterDNS || p.AccepterDNS || !p.ResolvesPeerNames(p.Accepter) || p.ResolvesPeerNames(p.Requester) {
		t.Errorf("per-side DNS options: requester %v accepter %v", p.RequesterDNS, p.AccepterDNS)
	}
	must[*ec2.CreateRouteOutput](t)(e.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: &main, DestinationCidrBlock: aws.String("10.1.0.0/16"), VpcPeeringConnectionId: &pcxID}))
	_, err = e.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: &main, DestinationCidrBlock: aws.String("10.1.0.0/16"), VpcPeeringConnectionId: &pcxID})
	if code := apiCode(t, err); code != "RouteAlreadyExists" {
		t.Errorf("route twice: %v", err)
	}
	if rt := e.store.Network().RouteTables; len(rt) != 2 || rt[0].ID != main || len(rt[0].Routes) != 2 || rt[1].VPC.ID != peer {
		t.Errorf("network route tables %+v", rt)
	}
	custom := *must[*ec2.CreateRouteTableOutput](t)(e.ec2.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: &n.vpc})).RouteTable.RouteTableId
	rta := must[*ec2.AssociateRouteTableOutput](t)(e.ec2.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: &custom, SubnetId: &n.subnetA}))
	if !strings.HasPrefix(*rta.AssociationId, "rtbassoc-") {
		t.Errorf("route table association %v", *rta.AssociationId)
	}
	if s := e.store.Network().VPCs[0].Subnets; s[0].RouteTable.ID != custom || s[1].RouteTable.ID != main {
		t.Errorf("subnet route tables %s %s", s[0].RouteTable.ID, s[1].RouteTable.ID)
	}

	// A network ACL replaces the default one on subnet A.
	acls := must[*ec2.DescribeNetworkAclsOutput](t)(e.ec2.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []ec2types.Filter{filter("association.subnet-id", n.subnetA)}}))
	if len(acls.NetworkAcls) != 1 || !*acls.NetworkAcls[0].IsDefault || len(acls.NetworkAcls[0].Entries) != 4 {
		t.Fatalf("default acl %+v", acls.NetworkAcls)
	}
	dflt := *acls.NetworkAcls[0].NetworkAclId
	var assoc string
	for _, a := range acls.NetworkAcls[0].Associations {
		if *a.SubnetId == n.subnetA {
			assoc = *a.NetworkAclAssociationId
		}
	}
	acl := *must[*ec2.CreateNetworkAclOutput](t)(e.ec2.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: &n.vpc})).NetworkAcl.NetworkAclId
	for _, egress := range []bool{true, false} {
		must[*ec2.CreateNetworkAclEntryOutput](t)(e.ec2.CreateNetworkAclEntry(ctx, &ec2.CreateNetworkAclEntryInput{NetworkAclId: &acl, RuleNumber: aws.Int32(100),
			Protocol: aws.String("17"), RuleAction: ec2types.RuleActionAllow, Egress: aws.Bool(egress), CidrBlock: aws.String("192.168.0.0/16"),
			PortRange: &ec2types.PortRange{From: aws.Int32(0), To: aws.Int32(65535)}}))
	}
	_, err = e.ec2.CreateNetworkAclEntry(ctx, &ec2.CreateNetworkAclEntryInput{NetworkAclId: &acl, RuleNumber: aws.Int32(100),
		Protocol: aws.String("-1"), RuleAction: ec2types.RuleActionDeny, Egress: aws.Bool(true), CidrBlock: aws.String("0.0.0.0/0")})
	if code := apiCode(t, err); code != "NetworkAclEntryAlreadyExists" {
		t.Errorf("entry twice: %v", err)
	}
	must[*ec2.ReplaceNetworkAclAssociationOutput](t)(e.ec2.ReplaceNetworkAclAssociation(ctx, &ec2.ReplaceNetworkAclAssociationInput{AssociationId: &assoc, NetworkAclId: &acl}))
	if s := e.store.Network().VPCs[0].Subnets; s[0].NetworkACL == nil || s[0].NetworkACL.ID != acl || s[1].NetworkACL == nil || s[1].NetworkACL.ID != dflt {
		t.Errorf("subnet ACLs %+v %+v", s[0].NetworkACL, s[1].NetworkACL)
	}

	// Tags: the resolver listen tag is the VPC's resolver_listen.
	must[*ec2.CreateTagsOutput](t)(e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{n.vpc, n.subnetA},
		Tags: []ec2types.Tag{{Key: aws.String("vpcdns:resolver-listen"), Value: aws.String("127.0.0.1:15353")}, {Key: aws.String("env"), Value: aws.String("test")}}}))
	if l := e.store.Network().VPCs[0].ResolverListen; len(l) != 1 || l[0].String() != "127.0.0.1:15353" {
		t.Errorf("resolver listen %v", l)
	}
	tags := must[*ec2.DescribeTagsOutput](t)(e.ec2.DescribeTags(ctx, &ec2.DescribeTagsInput{Filters: []ec2types.Filter{filter("key", "env")}}))
	if len(tags.Tags) != 2 {
		t.Errorf("tags %+v", tags.Tags)
	}
	must[*ec2.DeleteTagsOutput](t)(e.ec2.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{n.vpc}, Tags: []ec2types.Tag{{Key: aws.String("vpcdns:resolver-listen")}}}))
	if l := e.store.Network().VPCs[0].ResolverListen; len(l) != 0 {
		t.Errorf("resolver listen after DeleteTags %v", l)
	}
	_, err = e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"subnet-00000000000000000"}, Tags: []ec2types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	if code := apiCode(t, err); code != "InvalidSubnetID.NotFound" {
		t.Errorf("tag unknown subnet: %v", err)
	}

	// A VPC with subnets cannot be deleted; an empty one can, with its
	// default group.
	_, err = e.ec2.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: &n.vpc})
	if code := apiCode(t, err); code != "DependencyViolation" {
		t.Errorf("delete VPC with subnets: %v", err)
	}
	spare := *must[*ec2.CreateVpcOutput](t)(e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.2.0.0/16")})).Vpc.VpcId
	must[*ec2.DeleteVpcOutput](t)(e.ec2.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: &spare}))
	for _, g := range e.store.Network().SecurityGroups {
		if g.VPC.ID == spare {
			t.Errorf("group %s of a deleted VPC is left", g.ID)
		}
	}

	// DryRun and unknown actions.
	_, err = e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.3.0.0/16"), DryRun: aws.Bool(true)})
	if code := apiCode(t, err); code != "DryRunOperation" {
		t.Errorf("dry run: %v", err)
	}
	_, err = e.ec2.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{"i-0123456789abcdef0"}})
	if code := apiCode(t, err); code != "InvalidAction" {
		t.Errorf("StopInstances: %v", err)
	}
}
