package awsapi_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpcdns/vpcdns/internal/config"
)

// TestEC2Lifecycle drives the EC2 operations that change or remove what
// TestEC2Network made: each step checks the answer, what Describe shows
// afterwards and the network the store leaves.
func TestEC2Lifecycle(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"AssociateVpcCidrBlock adds a secondary block", func(t *testing.T) {
			out := must[*ec2.AssociateVpcCidrBlockOutput](t)(e.ec2.AssociateVpcCidrBlock(ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: &n.vpc, CidrBlock: aws.String("10.5.0.0/16")}))
			a := out.CidrBlockAssociation
			if *out.VpcId != n.vpc || *a.CidrBlock != "10.5.0.0/16" || !strings.HasPrefix(*a.AssociationId, "vpc-cidr-assoc-") {
				t.Fatalf("association %+v", a)
			}
			if c := e.store.Network().VPCs[0].CIDRs; len(c) != 2 || c[1].String() != "10.5.0.0/16" {
				t.Errorf("network CIDRs %v", c)
			}
			vpcs := must[*ec2.DescribeVpcsOutput](t)(e.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{n.vpc}}))
			if len(vpcs.Vpcs[0].CidrBlockAssociationSet) != 2 {
				t.Errorf("described associations %+v", vpcs.Vpcs[0].CidrBlockAssociationSet)
			}
			// The primary block cannot be removed.
			primary := *vpcs.Vpcs[0].CidrBlockAssociationSet[0].AssociationId
			if primary == *a.AssociationId {
				primary = *vpcs.Vpcs[0].CidrBlockAssociationSet[1].AssociationId
			}
			_, err := e.ec2.DisassociateVpcCidrBlock(ctx, &ec2.DisassociateVpcCidrBlockInput{AssociationId: &primary})
			if code := apiCode(t, err); code == "" {
				t.Errorf("primary block disassociated")
			}
			dis := must[*ec2.DisassociateVpcCidrBlockOutput](t)(e.ec2.DisassociateVpcCidrBlock(ctx, &ec2.DisassociateVpcCidrBlockInput{AssociationId: a.AssociationId}))
			if *dis.VpcId != n.vpc || *dis.CidrBlockAssociation.CidrBlock != "10.5.0.0/16" || dis.CidrBlockAssociation.CidrBlockState.State != ec2types.VpcCidrBlockStateCodeDisassociated {
				t.Errorf("disassociation %+v", dis.CidrBlockAssociation)
			}
			if c := e.store.Network().VPCs[0].CIDRs; len(c) != 1 || c[0].String() != "10.0.0.0/16" {
				t.Errorf("network CIDRs after disassociation %v", c)
			}
		}},
		{"AuthorizeSecurityGroupIngress and Revoke change the ingress rules", func(t *testing.T) {
			perm := []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(53), ToPort: aws.Int32(53), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/8")}}}}
			must[*ec2.AuthorizeSecurityGroupIngressOutput](t)(e.ec2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &n.sg, IpPermissions: perm}))
			if g := sgOf(e, n.sg); g == nil || len(g.Ingress) != 1 || g.Ingress[0].Protocol != config.ProtoTCP || g.Ingress[0].CIDR.String() != "10.0.0.0/8" {
				t.Errorf("network ingress %+v", g)
			}
			sgs := must[*ec2.DescribeSecurityGroupsOutput](t)(e.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{n.sg}}))
			if p := sgs.SecurityGroups[0].IpPermissions; len(p) != 1 || *p[0].FromPort != 53 || *p[0].IpRanges[0].CidrIp != "10.0.0.0/8" {
				t.Errorf("described ingress %+v", p)
			}
			_, err := e.ec2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &n.sg, IpPermissions: perm})
			if code := apiCode(t, err); code != "InvalidPermission.Duplicate" {
				t.Errorf("ingress twice: %v", err)
			}
			must[*ec2.RevokeSecurityGroupIngressOutput](t)(e.ec2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: &n.sg, IpPermissions: perm}))
			if g := sgOf(e, n.sg); g == nil || len(g.Ingress) != 0 {
				t.Errorf("network ingress after revoke %+v", g)
			}
			_, err = e.ec2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: &n.sg, IpPermissions: perm})
			if code := apiCode(t, err); code != "InvalidPermission.NotFound" {
				t.Errorf("revoke twice: %v", err)
			}
		}},
		{"ReplaceRoute changes the target, DeleteRoute removes it", func(t *testing.T) {
			var pcx []string
			for _, c := range []string{"10.1.0.0/16", "10.2.0.0/16"} {
				peer := *must[*ec2.CreateVpcOutput](t)(e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(c)})).Vpc.VpcId
				id := *must[*ec2.CreateVpcPeeringConnectionOutput](t)(e.ec2.CreateVpcPeeringConnection(ctx, &ec2.CreateVpcPeeringConnectionInput{VpcId: &n.vpc, PeerVpcId: &peer})).VpcPeeringConnection.VpcPeeringConnectionId
				must[*ec2.AcceptVpcPeeringConnectionOutput](t)(e.ec2.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: &id}))
				pcx = append(pcx, id)
			}
			rt := *must[*ec2.CreateRouteTableOutput](t)(e.ec2.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: &n.vpc})).RouteTable.RouteTableId
			dest := aws.String("10.1.0.0/16")
			_, err := e.ec2.ReplaceRoute(ctx, &ec2.ReplaceRouteInput{RouteTableId: &rt, DestinationCidrBlock: dest, VpcPeeringConnectionId: &pcx[0]})
			if code := apiCode(t, err); code != "InvalidRoute.NotFound" {
				t.Errorf("replace a route that is not there: %v", err)
			}
			must[*ec2.CreateRouteOutput](t)(e.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: &rt, DestinationCidrBlock: dest, VpcPeeringConnectionId: &pcx[0]}))
			must[*ec2.ReplaceRouteOutput](t)(e.ec2.ReplaceRoute(ctx, &ec2.ReplaceRouteInput{RouteTableId: &rt, DestinationCidrBlock: dest, VpcPeeringConnectionId: &pcx[1]}))
			if r := routeTo(e, rt, "10.1.0.0/16"); r == nil || r.TargetID != pcx[1] || r.Kind != config.TargetPeering {
				t.Errorf("network route after replace %+v", r)
			}
			rts := must[*ec2.DescribeRouteTablesOutput](t)(e.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{rt}}))
			found := false
			for _, r := range rts.RouteTables[0].Routes {
				if r.DestinationCidrBlock != nil && *r.DestinationCidrBlock == "10.1.0.0/16" {
					found = r.VpcPeeringConnectionId != nil && *r.VpcPeeringConnectionId == pcx[1]
				}
			}
			if !found {
				t.Errorf("described routes %+v", rts.RouteTables[0].Routes)
			}
			must[*ec2.DeleteRouteOutput](t)(e.ec2.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: &rt, DestinationCidrBlock: dest}))
			if r := routeTo(e, rt, "10.1.0.0/16"); r != nil {
				t.Errorf("network route after delete %+v", r)
			}
			_, err = e.ec2.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: &rt, DestinationCidrBlock: dest})
			if code := apiCode(t, err); code != "InvalidRoute.NotFound" {
				t.Errorf("delete a route twice: %v", err)
			}

			// A route through a peering stays, as a blackhole, when the
			// peering is deleted.
			must[*ec2.CreateRouteOutput](t)(e.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: &rt, DestinationCidrBlock: aws.String("10.2.0.0/16"), VpcPeeringConnectionId: &pcx[1]}))
			desc := must[*ec2.DescribeVpcPeeringConnectionsOutput](t)(e.ec2.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{VpcPeeringConnectionIds: []string{pcx[1]}}))
			if len(desc.VpcPeeringConnections) != 1 || desc.VpcPeeringConnections[0].Status.Code != ec2types.VpcPeeringConnectionStateReasonCodeActive ||
				*desc.VpcPeeringConnections[0].RequesterVpcInfo.VpcId != n.vpc || *desc.VpcPeeringConnections[0].AccepterVpcInfo.CidrBlock != "10.2.0.0/16" {
				t.Errorf("described peering %+v", desc.VpcPeeringConnections)
			}
			del := must[*ec2.DeleteVpcPeeringConnectionOutput](t)(e.ec2.DeleteVpcPeeringConnection(ctx, &ec2.DeleteVpcPeeringConnectionInput{VpcPeeringConnectionId: &pcx[1]}))
			if !*del.Return {
				t.Errorf("DeleteVpcPeeringConnection returned false")
			}
			for _, p := range e.store.Network().Peerings {
				if p.ID == pcx[1] {
					t.Errorf("deleted peering %s is in the network", p.ID)
				}
			}
			if r := routeTo(e, rt, "10.2.0.0/16"); r == nil || r.Kind != config.TargetBlackhole {
				t.Errorf("route through the deleted peering %+v, want a blackhole", r)
			}
			all := must[*ec2.DescribeVpcPeeringConnectionsOutput](t)(e.ec2.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{}))
			for _, p := range all.VpcPeeringConnections {
				if *p.VpcPeeringConnectionId == pcx[1] && p.Status.Code != ec2types.VpcPeeringConnectionStateReasonCodeDeleted {
					t.Errorf("deleted peering still described as %s", p.Status.Code)
				}
			}
		}},
		{"DisassociateRouteTable returns the subnet to the main table, then DeleteRouteTable", func(t *testing.T) {
			rt := *must[*ec2.CreateRouteTableOutput](t)(e.ec2.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: &n.vpc})).RouteTable.RouteTableId
			assoc := *must[*ec2.AssociateRouteTableOutput](t)(e.ec2.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: &rt, SubnetId: &n.subnetB})).AssociationId
			_, err := e.ec2.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: &rt})
			if code := apiCode(t, err); code != "DependencyViolation" {
				t.Errorf("delete an associated table: %v", err)
			}
			must[*ec2.DisassociateRouteTableOutput](t)(e.ec2.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: &assoc}))
			if s := subnetOf(e, n.subnetB); s == nil || (s.RouteTable != nil && s.RouteTable.ID == rt) {
				t.Errorf("subnet B still on %s", rt)
			}
			_, err = e.ec2.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: &assoc})
			if code := apiCode(t, err); code != "InvalidAssociationID.NotFound" {
				t.Errorf("disassociate twice: %v", err)
			}
			must[*ec2.DeleteRouteTableOutput](t)(e.ec2.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: &rt}))
			_, err = e.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{rt}})
			if code := apiCode(t, err); code != "InvalidRouteTableID.NotFound" {
				t.Errorf("describe the deleted table: %v", err)
			}
			for _, r := range e.store.Network().RouteTables {
				if r.ID == rt {
					t.Errorf("deleted table in the network")
				}
			}
		}},
		{"ReplaceNetworkAclEntry, DeleteNetworkAclEntry, DeleteNetworkAcl", func(t *testing.T) {
			acl := *must[*ec2.CreateNetworkAclOutput](t)(e.ec2.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: &n.vpc})).NetworkAcl.NetworkAclId
			entry := func(action ec2types.RuleAction) *ec2.ReplaceNetworkAclEntryInput {
				return &ec2.ReplaceNetworkAclEntryInput{NetworkAclId: &acl, RuleNumber: aws.Int32(100), Protocol: aws.String("-1"),
					RuleAction: action, Egress: aws.Bool(true), CidrBlock: aws.String("0.0.0.0/0")}
			}
			_, err := e.ec2.ReplaceNetworkAclEntry(ctx, entry(ec2types.RuleActionDeny))
			if code := apiCode(t, err); code != "InvalidNetworkAclEntry.NotFound" {
				t.Errorf("replace an entry that is not there: %v", err)
			}
			must[*ec2.CreateNetworkAclEntryOutput](t)(e.ec2.CreateNetworkAclEntry(ctx, &ec2.CreateNetworkAclEntryInput{NetworkAclId: &acl, RuleNumber: aws.Int32(100),
				Protocol: aws.String("-1"), RuleAction: ec2types.RuleActionAllow, Egress: aws.Bool(true), CidrBlock: aws.String("0.0.0.0/0")}))
			must[*ec2.ReplaceNetworkAclEntryOutput](t)(e.ec2.ReplaceNetworkAclEntry(ctx, entry(ec2types.RuleActionDeny)))
			acls := must[*ec2.DescribeNetworkAclsOutput](t)(e.ec2.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{NetworkAclIds: []string{acl}}))
			var got []ec2types.NetworkAclEntry
			for _, en := range acls.NetworkAcls[0].Entries {
				if *en.RuleNumber == 100 {
					got = append(got, en)
				}
			}
			if len(got) != 1 || got[0].RuleAction != ec2types.RuleActionDeny || !*got[0].Egress {
				t.Errorf("entry 100 after replace %+v", got)
			}
			// In the network once a subnet uses it.
			acls = must[*ec2.DescribeNetworkAclsOutput](t)(e.ec2.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []ec2types.Filter{filter("association.subnet-id", n.subnetB)}}))
			var assoc string
			for _, a := range acls.NetworkAcls[0].Associations {
				if *a.SubnetId == n.subnetB {
					assoc = *a.NetworkAclAssociationId
				}
			}
			back := acls.NetworkAcls[0].NetworkAclId
			newAssoc := *must[*ec2.ReplaceNetworkAclAssociationOutput](t)(e.ec2.ReplaceNetworkAclAssociation(ctx, &ec2.ReplaceNetworkAclAssociationInput{AssociationId: &assoc, NetworkAclId: &acl})).NewAssociationId
			if s := subnetOf(e, n.subnetB); s == nil || s.NetworkACL == nil || s.NetworkACL.ID != acl || len(s.NetworkACL.Entries) != 1 || s.NetworkACL.Entries[0].Allow {
				t.Errorf("subnet B ACL %+v", s.NetworkACL)
			}
			_, err = e.ec2.DeleteNetworkAcl(ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: &acl})
			if code := apiCode(t, err); code != "DependencyViolation" {
				t.Errorf("delete an ACL in use: %v", err)
			}
			must[*ec2.DeleteNetworkAclEntryOutput](t)(e.ec2.DeleteNetworkAclEntry(ctx, &ec2.DeleteNetworkAclEntryInput{NetworkAclId: &acl, RuleNumber: aws.Int32(100), Egress: aws.Bool(true)}))
			if s := subnetOf(e, n.subnetB); s == nil || s.NetworkACL == nil || len(s.NetworkACL.Entries) != 0 {
				t.Errorf("subnet B ACL after entry delete %+v", s.NetworkACL)
			}
			_, err = e.ec2.DeleteNetworkAclEntry(ctx, &ec2.DeleteNetworkAclEntryInput{NetworkAclId: &acl, RuleNumber: aws.Int32(100), Egress: aws.Bool(true)})
			if code := apiCode(t, err); code != "InvalidNetworkAclEntry.NotFound" {
				t.Errorf("delete an entry twice: %v", err)
			}
			must[*ec2.ReplaceNetworkAclAssociationOutput](t)(e.ec2.ReplaceNetworkAclAssociation(ctx, &ec2.ReplaceNetworkAclAssociationInput{AssociationId: &newAssoc, NetworkAclId: back}))
			must[*ec2.DeleteNetworkAclOutput](t)(e.ec2.DeleteNetworkAcl(ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: &acl}))
			_, err = e.ec2.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{NetworkAclIds: []string{acl}})
			if code := apiCode(t, err); code != "InvalidNetworkAclID.NotFound" {
				t.Errorf("describe the deleted ACL: %v", err)
			}
		}},
		{"DeleteSecurityGroup and DeleteSubnet remove them", func(t *testing.T) {
			g := *must[*ec2.CreateSecurityGroupOutput](t)(e.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("spare"), Description: aws.String("spare"), VpcId: &n.vpc})).GroupId
			out := must[*ec2.DeleteSecurityGroupOutput](t)(e.ec2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: &g}))
			if out.GroupId == nil || *out.GroupId != g {
				t.Errorf("DeleteSecurityGroup answered %+v", out)
			}
			if sgOf(e, g) != nil {
				t.Errorf("deleted group in the network")
			}
			must[*ec2.DeleteSubnetOutput](t)(e.ec2.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: &n.subnetB}))
			if subnetOf(e, n.subnetB) != nil {
				t.Errorf("deleted subnet in the network")
			}
			_, err := e.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{n.subnetB}})
			if code := apiCode(t, err); code != "InvalidSubnetID.NotFound" {
				t.Errorf("describe the deleted subnet: %v", err)
			}
		}},
	}
	for _, s := range steps {
		t.Run(s.name, s.run)
	}
}

// TestEC2MissingIDs checks each operation's modelled error for an id that
// does not exist.
func TestEC2MissingIDs(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	const (
		vpc    = "vpc-00000000000000000"
		subnet = "subnet-00000000000000000"
		sg     = "sg-00000000000000000"
		rtb    = "rtb-00000000000000000"
		acl    = "acl-00000000000000000"
		pcx    = "pcx-00000000000000000"
	)
	dest := aws.String("10.9.0.0/16")
	cases := []struct {
		name, code string
		call       func() error
	}{
		{"DeleteSubnet", "InvalidSubnetID.NotFound", func() error {
			_, err := e.ec2.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(subnet)})
			return err
		}},
		{"DeleteSecurityGroup", "InvalidGroup.NotFound", func() error {
			_, err := e.ec2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(sg)})
			return err
		}},
		{"AuthorizeSecurityGroupIngress", "InvalidGroup.NotFound", func() error {
			_, err := e.ec2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(sg),
				IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/8")}}}}})
			return err
		}},
		{"RevokeSecurityGroupIngress", "InvalidGroup.NotFound", func() error {
			_, err := e.ec2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(sg),
				IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/8")}}}}})
			return err
		}},
		{"DeleteRouteTable", "InvalidRouteTableID.NotFound", func() error {
			_, err := e.ec2.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(rtb)})
			return err
		}},
		{"ReplaceRoute", "InvalidRouteTableID.NotFound", func() error {
			_, err := e.ec2.ReplaceRoute(ctx, &ec2.ReplaceRouteInput{RouteTableId: aws.String(rtb), DestinationCidrBlock: dest, GatewayId: aws.String("local")})
			return err
		}},
		{"DeleteRoute", "InvalidRouteTableID.NotFound", func() error {
			_, err := e.ec2.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: aws.String(rtb), DestinationCidrBlock: dest})
			return err
		}},
		{"DisassociateRouteTable", "InvalidAssociationID.NotFound", func() error {
			_, err := e.ec2.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: aws.String("rtbassoc-00000000000000000")})
			return err
		}},
		{"DeleteNetworkAcl", "InvalidNetworkAclID.NotFound", func() error {
			_, err := e.ec2.DeleteNetworkAcl(ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: aws.String(acl)})
			return err
		}},
		{"ReplaceNetworkAclEntry", "InvalidNetworkAclID.NotFound", func() error {
			_, err := e.ec2.ReplaceNetworkAclEntry(ctx, &ec2.ReplaceNetworkAclEntryInput{NetworkAclId: aws.String(acl), RuleNumber: aws.Int32(1),
				Protocol: aws.String("-1"), RuleAction: ec2types.RuleActionAllow, Egress: aws.Bool(false), CidrBlock: aws.String("0.0.0.0/0")})
			return err
		}},
		{"DeleteNetworkAclEntry", "InvalidNetworkAclID.NotFound", func() error {
			_, err := e.ec2.DeleteNetworkAclEntry(ctx, &ec2.DeleteNetworkAclEntryInput{NetworkAclId: aws.String(acl), RuleNumber: aws.Int32(1), Egress: aws.Bool(false)})
			return err
		}},
		{"DeleteVpcPeeringConnection", "InvalidVpcPeeringConnectionID.NotFound", func() error {
			_, err := e.ec2.DeleteVpcPeeringConnection(ctx, &ec2.DeleteVpcPeeringConnectionInput{VpcPeeringConnectionId: aws.String(pcx)})
			return err
		}},
		{"DescribeVpcPeeringConnections", "InvalidVpcPeeringConnectionID.NotFound", func() error {
			_, err := e.ec2.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{VpcPeeringConnectionIds: []string{pcx}})
			return err
		}},
		{"AssociateVpcCidrBlock", "InvalidVpcID.NotFound", func() error {
			_, err := e.ec2.AssociateVpcCidrBlock(ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: aws.String(vpc), CidrBlock: aws.String("10.5.0.0/16")})
			return err
		}},
		{"DisassociateVpcCidrBlock", "InvalidAssociationID.NotFound", func() error {
			_, err := e.ec2.DisassociateVpcCidrBlock(ctx, &ec2.DisassociateVpcCidrBlockInput{AssociationId: aws.String("vpc-cidr-assoc-00000000000000000")})
			return err
		}},
	}
	before := len(e.store.Network().VPCs[0].Subnets)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if code := apiCode(t, c.call()); code != c.code {
				t.Errorf("code %q, want %q", code, c.code)
			}
		})
	}
	if got := len(e.store.Network().VPCs[0].Subnets); got != before || e.store.Network().VPCs[0].ID != n.vpc {
		t.Errorf("the failed calls changed the network")
	}
}

func sgOf(e *env, id string) *config.SecurityGroup {
	for _, g := range e.store.Network().SecurityGroups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

func subnetOf(e *env, id string) *config.Subnet {
	for _, v := range e.store.Network().VPCs {
		for _, s := range v.Subnets {
			if s.ID == id {
				return s
			}
		}
	}
	return nil
}

func routeTo(e *env, table, dest string) *config.Route {
	for _, t := range e.store.Network().RouteTables {
		if t.ID != table {
			continue
		}
		for i := range t.Routes {
			if t.Routes[i].Destination.String() == dest {
				return &t.Routes[i]
			}
		}
	}
	return nil
}

// TestEC2BadPermissions checks the errors for security group permissions
// vpcdns cannot take, and for groups that cannot be deleted; none changes
// the group.
func TestEC2BadPermissions(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	createEndpoint(t, e, n)
	ranges := []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/8")}}
	cases := []struct {
		name, code string
		perm       ec2types.IpPermission
	}{
		{"icmp is not modelled", "UnsupportedOperation", ec2types.IpPermission{IpProtocol: aws.String("icmp"), FromPort: aws.Int32(-1), ToPort: aws.Int32(-1), IpRanges: ranges}},
		{"tcp without ports", "InvalidParameterValue", ec2types.IpPermission{IpProtocol: aws.String("tcp"), IpRanges: ranges}},
		{"no ranges", "InvalidParameterValue", ec2types.IpPermission{IpProtocol: aws.String("udp"), FromPort: aws.Int32(53), ToPort: aws.Int32(53)}},
		{"bad CIDR", "InvalidParameterValue", ec2types.IpPermission{IpProtocol: aws.String("udp"), FromPort: aws.Int32(53), ToPort: aws.Int32(53),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/33")}}}},
		{"unknown group", "InvalidGroup.NotFound", ec2types.IpPermission{IpProtocol: aws.String("-1"),
			UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String("sg-0123456789abcdef0")}}}},
		{"unknown prefix list", "InvalidPrefixListID.NotFound", ec2types.IpPermission{IpProtocol: aws.String("-1"),
			PrefixListIds: []ec2types.PrefixListId{{PrefixListId: aws.String("pl-0123456789abcdef0")}}}},
		{"group of another account", "UnsupportedOperation", ec2types.IpPermission{IpProtocol: aws.String("-1"),
			UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: &n.sg, UserId: aws.String("999999999999")}}}},
	}
	before := sgOf(e, n.sg)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.ec2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &n.sg, IpPermissions: []ec2types.IpPermission{c.perm}})
			if code := apiCode(t, err); code != c.code {
				t.Errorf("code %q (%v), want %q", code, err, c.code)
			}
		})
	}
	if g := sgOf(e, n.sg); len(g.Ingress) != len(before.Ingress) || len(g.Egress) != len(before.Egress) {
		t.Errorf("rejected permissions changed the group: %+v", g)
	}

	sgs := must[*ec2.DescribeSecurityGroupsOutput](t)(e.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{filter("vpc-id", n.vpc), filter("group-name", "default")}}))
	if len(sgs.SecurityGroups) != 1 {
		t.Fatalf("default groups %+v", sgs.SecurityGroups)
	}
	for _, c := range []struct{ name, id, code string }{
		{"the default group", *sgs.SecurityGroups[0].GroupId, "CannotDelete"},
		{"a group a resolver endpoint uses", n.sg, "DependencyViolation"},
	} {
		t.Run("delete "+c.name, func(t *testing.T) {
			_, err := e.ec2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: &c.id})
			if code := apiCode(t, err); code != c.code {
				t.Errorf("code %q (%v), want %q", code, err, c.code)
			}
			if sgOf(e, c.id) == nil && c.code == "DependencyViolation" {
				t.Errorf("group %s deleted", c.id)
			}
		})
	}
	_, err := e.ec2.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: &n.subnetA})
	if code := apiCode(t, err); code != "DependencyViolation" {
		t.Errorf("delete a subnet a resolver endpoint uses: %v", err)
	}
	if subnetOf(e, n.subnetA) == nil {
		t.Errorf("subnet A deleted")
	}
}
