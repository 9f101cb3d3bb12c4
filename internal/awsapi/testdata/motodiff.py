"""Runs one boto3 sequence (EC2, Route 53, Route 53 Resolver) against two
endpoints and prints, as JSON, the differences between their answers:

    python3 motodiff.py MOTO_URL VPCDNS_URL

Values are not compared (ids, timestamps, request ids and names are generated
differently by each), only the shape of every answer: its member names and
their types (a list's members are the union of its items' members, an empty
list is left out, as a missing one is), and the error code of a call that fails. A call
whose input needs an id that an earlier call of the same endpoint failed to
make is skipped on that endpoint and not compared.

Each difference is one line "STEP: WHAT", e.g.
    "ec2.DescribeVpcs: Vpcs[].Ipv6CidrBlockAssociationSet: only moto"
    "route53.GetHostedZone#missing: error: moto NoSuchHostedZone, vpcdns -"
"""
import datetime
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

R = "us-east-1"
CFG = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30)


class Skip(Exception):
    pass


def shape(v):
    if isinstance(v, dict):
        # An empty list and a list left out are the same to every SDK (botocore
        # and the Go SDK both give an empty or nil list), so neither is a member.
        return {k: shape(x) for k, x in v.items() if k != "ResponseMetadata" and x != []}
    if isinstance(v, list):
        merged = None
        for x in v:
            merged = merge(merged, shape(x))
        return ["any" if merged is None else merged]
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "double"
    if isinstance(v, datetime.datetime):
        return "timestamp"
    if isinstance(v, (bytes, bytearray)) or hasattr(v, "read"):
        return "blob"
    return "string"


def merge(a, b):
    if a is None or a == "any":
        return b
    if b == "any":
        return a
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for k, x in b.items():
            out[k] = merge(out.get(k), x)
        return out
    if isinstance(a, list) and isinstance(b, list):
        return [merge(a[0], b[0])]
    return a


def kind(s):
    if isinstance(s, dict):
        return "structure"
    if isinstance(s, list):
        return "list"
    return s


def compare(path, a, b, out):
    """a is moto's shape, b vpcdns's."""
    if a == "any" or b == "any":
        return
    if kind(a) != kind(b):
        out.append("%s: type: moto %s, vpcdns %s" % (path or "(response)", kind(a), kind(b)))
        return
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            p = (path + "." if path else "") + k
            if k not in b:
                out.append("%s: only moto" % p)
            elif k not in a:
                out.append("%s: only vpcdns" % p)
            else:
                compare(p, a[k], b[k], out)
    elif isinstance(a, list):
        compare(path + "[]", a[0], b[0], out)


def sequence(url):
    """Runs the sequence against url; returns {step: outcome}, an outcome
    being {"shape": …}, {"error": code} or {"skipped": why}."""
    kw = dict(region_name=R, endpoint_url=url, aws_access_key_id="123456789012", aws_secret_access_key="test", config=CFG)
    ec2, r53, res = boto3.client("ec2", **kw), boto3.client("route53", **kw), boto3.client("route53resolver", **kw)
    ids, results, order = {}, {}, []

    def step(name, call, save=None):
        assert name not in results, name
        order.append(name)
        try:
            r = call()
        except ClientError as e:
            results[name] = {"error": e.response.get("Error", {}).get("Code") or str(e.response.get("ResponseMetadata", {}).get("HTTPStatusCode"))}
            return
        except (KeyError, IndexError, Skip) as e:
            results[name] = {"skipped": "needs %s" % e}
            return
        except Exception as e:  # a protocol failure: the answer could not be parsed
            results[name] = {"error": "client:" + type(e).__name__}
            return
        results[name] = {"shape": shape(r)}
        if save:
            try:
                save(r)
            except (KeyError, IndexError, TypeError):
                pass

    def put(k):
        def f(v):
            ids[k] = v
        return f

    def rtb_assoc(r, subnet):
        for t in r["RouteTables"]:
            for a in t.get("Associations", []):
                if a.get("SubnetId") == subnet:
                    return a["RouteTableAssociationId"]
        raise Skip("route table association of " + subnet)

    # --- EC2: a VPC, its subnets, security groups, ACLs and route tables.
    step("ec2.CreateVpc", lambda: ec2.create_vpc(CidrBlock="10.10.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "app"}]}]),
         lambda r: put("vpc")(r["Vpc"]["VpcId"]))
    step("ec2.ModifyVpcAttribute#hostnames", lambda: ec2.modify_vpc_attribute(VpcId=ids["vpc"], EnableDnsHostnames={"Value": True}))
    step("ec2.ModifyVpcAttribute#support", lambda: ec2.modify_vpc_attribute(VpcId=ids["vpc"], EnableDnsSupport={"Value": True}))
    step("ec2.DescribeVpcAttribute", lambda: ec2.describe_vpc_attribute(VpcId=ids["vpc"], Attribute="enableDnsHostnames"))
    step("ec2.AssociateVpcCidrBlock", lambda: ec2.associate_vpc_cidr_block(VpcId=ids["vpc"], CidrBlock="10.11.0.0/16"),
         lambda r: put("cidr_assoc")(r["CidrBlockAssociation"]["AssociationId"]))
    step("ec2.DescribeVpcs", lambda: ec2.describe_vpcs(VpcIds=[ids["vpc"]]))
    step("ec2.DisassociateVpcCidrBlock", lambda: ec2.disassociate_vpc_cidr_block(AssociationId=ids["cidr_assoc"]))
    step("ec2.CreateSubnet#a", lambda: ec2.create_subnet(VpcId=ids["vpc"], CidrBlock="10.10.1.0/24", AvailabilityZone="us-east-1a"),
         lambda r: put("subnet_a")(r["Subnet"]["SubnetId"]))
    step("ec2.CreateSubnet#b", lambda: ec2.create_subnet(VpcId=ids["vpc"], CidrBlock="10.10.2.0/24", AvailabilityZone="us-east-1b"),
         lambda r: put("subnet_b")(r["Subnet"]["SubnetId"]))
    step("ec2.DescribeSubnets", lambda: ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [ids["vpc"]]}]))
    step("ec2.ModifySubnetAttribute", lambda: ec2.modify_subnet_attribute(SubnetId=ids["subnet_a"], MapPublicIpOnLaunch={"Value": True}))
    step("ec2.DescribeAvailabilityZones", lambda: ec2.describe_availability_zones())
    step("ec2.DescribeAccountAttributes", lambda: ec2.describe_account_attributes())
    step("ec2.CreateSecurityGroup", lambda: ec2.create_security_group(GroupName="dns", Description="dns", VpcId=ids["vpc"]),
         lambda r: put("sg")(r["GroupId"]))
    step("ec2.AuthorizeSecurityGroupIngress", lambda: ec2.authorize_security_group_ingress(GroupId=ids["sg"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]))
    step("ec2.AuthorizeSecurityGroupEgress", lambda: ec2.authorize_security_group_egress(GroupId=ids["sg"], IpPermissions=[
        {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "192.168.0.0/16"}]}]))
    step("ec2.DescribeSecurityGroups", lambda: ec2.describe_security_groups(GroupIds=[ids["sg"]]))
    step("ec2.DescribeSecurityGroupRules", lambda: ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [ids["sg"]]}]),
         lambda r: put("sgr")([x["SecurityGroupRuleId"] for x in r["SecurityGroupRules"] if not x["IsEgress"]][0]))
    step("ec2.ModifySecurityGroupRules", lambda: ec2.modify_security_group_rules(GroupId=ids["sg"], SecurityGroupRules=[
        {"SecurityGroupRuleId": ids["sgr"], "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": 53, "ToPort": 53, "CidrIpv4": "10.0.0.0/16"}}]))
    step("ec2.RevokeSecurityGroupEgress", lambda: ec2.revoke_security_group_egress(GroupId=ids["sg"], IpPermissions=[
        {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "192.168.0.0/16"}]}]))
    step("ec2.DescribeSecurityGroups#missing", lambda: ec2.describe_security_groups(GroupIds=["sg-0123456789abcdef0"]))
    step("ec2.CreateNetworkAcl", lambda: ec2.create_network_acl(VpcId=ids["vpc"]), lambda r: put("acl")(r["NetworkAcl"]["NetworkAclId"]))
    step("ec2.CreateNetworkAclEntry", lambda: ec2.create_network_acl_entry(NetworkAclId=ids["acl"], RuleNumber=100, Protocol="17", RuleAction="allow",
                                                                          Egress=True, CidrBlock="0.0.0.0/0", PortRange={"From": 53, "To": 53}))
    step("ec2.ReplaceNetworkAclEntry", lambda: ec2.replace_network_acl_entry(NetworkAclId=ids["acl"], RuleNumber=100, Protocol="-1", RuleAction="allow",
                                                                            Egress=True, CidrBlock="0.0.0.0/0"))
    step("ec2.CreateNetworkAclEntry#ingress", lambda: ec2.create_network_acl_entry(NetworkAclId=ids["acl"], RuleNumber=110, Protocol="-1", RuleAction="allow",
                                                                                  Egress=False, CidrBlock="10.0.0.0/8"))
    step("ec2.DeleteNetworkAclEntry", lambda: ec2.delete_network_acl_entry(NetworkAclId=ids["acl"], RuleNumber=110, Egress=False))

    def acl_assoc(r):
        for a in r["NetworkAcls"]:
            for x in a.get("Associations", []):
                if x.get("SubnetId") == ids["subnet_a"]:
                    ids["acl_assoc"] = x["NetworkAclAssociationId"]

    step("ec2.DescribeNetworkAcls", lambda: ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [ids["vpc"]]}]), acl_assoc)
    step("ec2.ReplaceNetworkAclAssociation", lambda: ec2.replace_network_acl_association(AssociationId=ids["acl_assoc"], NetworkAclId=ids["acl"]))
    step("ec2.CreateRouteTable", lambda: ec2.create_route_table(VpcId=ids["vpc"]), lambda r: put("rtb")(r["RouteTable"]["RouteTableId"]))
    step("ec2.AssociateRouteTable", lambda: ec2.associate_route_table(RouteTableId=ids["rtb"], SubnetId=ids["subnet_b"]),
         lambda r: put("rtb_assoc")(r["AssociationId"]))
    step("ec2.DescribeRouteTables", lambda: ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [ids["vpc"]]}]))

    # --- Peering.
    step("ec2.CreateVpc#peer", lambda: ec2.create_vpc(CidrBlock="10.20.0.0/16"), lambda r: put("vpc2")(r["Vpc"]["VpcId"]))
    step("ec2.CreateVpcPeeringConnection", lambda: ec2.create_vpc_peering_connection(VpcId=ids["vpc"], PeerVpcId=ids["vpc2"]),
         lambda r: put("pcx")(r["VpcPeeringConnection"]["VpcPeeringConnectionId"]))
    step("ec2.AcceptVpcPeeringConnection", lambda: ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=ids["pcx"]))
    step("ec2.ModifyVpcPeeringConnectionOptions", lambda: ec2.modify_vpc_peering_connection_options(VpcPeeringConnectionId=ids["pcx"],
         RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True}))
    step("ec2.DescribeVpcPeeringConnections", lambda: ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[ids["pcx"]]))
    step("ec2.CreateRoute#pcx", lambda: ec2.create_route(RouteTableId=ids["rtb"], DestinationCidrBlock="10.20.0.0/16", VpcPeeringConnectionId=ids["pcx"]))
    step("ec2.ReplaceRoute", lambda: ec2.replace_route(RouteTableId=ids["rtb"], DestinationCidrBlock="10.20.0.0/16", VpcPeeringConnectionId=ids["pcx"]))

    # --- Internet and NAT gateways, DHCP options, prefix lists, endpoints.
    step("ec2.CreateInternetGateway", lambda: ec2.create_internet_gateway(), lambda r: put("igw")(r["InternetGateway"]["InternetGatewayId"]))
    step("ec2.AttachInternetGateway", lambda: ec2.attach_internet_gateway(InternetGatewayId=ids["igw"], VpcId=ids["vpc"]))
    step("ec2.DescribeInternetGateways", lambda: ec2.describe_internet_gateways(InternetGatewayIds=[ids["igw"]]))
    step("ec2.CreateRoute#igw", lambda: ec2.create_route(RouteTableId=ids["rtb"], DestinationCidrBlock="0.0.0.0/0", GatewayId=ids["igw"]))
    step("ec2.CreateNatGateway", lambda: ec2.create_nat_gateway(SubnetId=ids["subnet_a"], ConnectivityType="private"),
         lambda r: put("nat")(r["NatGateway"]["NatGatewayId"]))
    step("ec2.DescribeNatGateways", lambda: ec2.describe_nat_gateways(NatGatewayIds=[ids["nat"]]))
    step("ec2.CreateDhcpOptions", lambda: ec2.create_dhcp_options(DhcpConfigurations=[
        {"Key": "domain-name-servers", "Values": ["AmazonProvidedDNS"]}, {"Key": "domain-name", "Values": ["corp.example"]}]),
         lambda r: put("dopt")(r["DhcpOptions"]["DhcpOptionsId"]))
    step("ec2.AssociateDhcpOptions", lambda: ec2.associate_dhcp_options(DhcpOptionsId=ids["dopt"], VpcId=ids["vpc"]))
    step("ec2.DescribeDhcpOptions", lambda: ec2.describe_dhcp_options(DhcpOptionsIds=[ids["dopt"]]))
    step("ec2.CreateManagedPrefixList", lambda: ec2.create_managed_prefix_list(PrefixListName="onprem", MaxEntries=5, AddressFamily="IPv4",
         Entries=[{"Cidr": "192.168.0.0/16", "Description": "dc"}]), lambda r: put("pl")(r["PrefixList"]["PrefixListId"]))
    step("ec2.DescribeManagedPrefixLists", lambda: ec2.describe_managed_prefix_lists(PrefixListIds=[ids["pl"]]))
    step("ec2.GetManagedPrefixListEntries", lambda: ec2.get_managed_prefix_list_entries(PrefixListId=ids["pl"]))
    step("ec2.ModifyManagedPrefixList", lambda: ec2.modify_managed_prefix_list(PrefixListId=ids["pl"], CurrentVersion=1,
         AddEntries=[{"Cidr": "172.16.0.0/12", "Description": "dc2"}]))
    step("ec2.CreateVpcEndpoint", lambda: ec2.create_vpc_endpoint(VpcId=ids["vpc"], ServiceName="com.amazonaws.us-east-1.ssm", VpcEndpointType="Interface",
         SubnetIds=[ids["subnet_a"]], SecurityGroupIds=[ids["sg"]]), lambda r: put("vpce")(r["VpcEndpoint"]["VpcEndpointId"]))
    step("ec2.DescribeVpcEndpoints", lambda: ec2.describe_vpc_endpoints(VpcEndpointIds=[ids["vpce"]]))

    # --- Transit gateway.
    step("ec2.CreateTransitGateway", lambda: ec2.create_transit_gateway(Description="core"),
         lambda r: put("tgw")(r["TransitGateway"]["TransitGatewayId"]))
    step("ec2.DescribeTransitGateways", lambda: ec2.describe_transit_gateways(TransitGatewayIds=[ids["tgw"]]),
         lambda r: put("tgw_default_rt")(r["TransitGateways"][0]["Options"]["AssociationDefaultRouteTableId"]))
    step("ec2.CreateTransitGatewayVpcAttachment", lambda: ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=ids["tgw"], VpcId=ids["vpc"],
         SubnetIds=[ids["subnet_a"]]), lambda r: put("tgw_att")(r["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]))
    step("ec2.DescribeTransitGatewayVpcAttachments", lambda: ec2.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[ids["tgw_att"]]))
    step("ec2.DescribeTransitGatewayAttachments", lambda: ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[ids["tgw_att"]]))
    step("ec2.CreateTransitGatewayRouteTable", lambda: ec2.create_transit_gateway_route_table(TransitGatewayId=ids["tgw"]),
         lambda r: put("tgw_rt")(r["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]))
    step("ec2.DescribeTransitGatewayRouteTables", lambda: ec2.describe_transit_gateway_route_tables(TransitGatewayRouteTableIds=[ids["tgw_rt"]]))
    step("ec2.EnableTransitGatewayRouteTablePropagation", lambda: ec2.enable_transit_gateway_route_table_propagation(
        TransitGatewayRouteTableId=ids["tgw_rt"], TransitGatewayAttachmentId=ids["tgw_att"]))
    step("ec2.CreateTransitGatewayRoute", lambda: ec2.create_transit_gateway_route(TransitGatewayRouteTableId=ids["tgw_rt"],
         DestinationCidrBlock="172.16.0.0/12", TransitGatewayAttachmentId=ids["tgw_att"]))
    step("ec2.CreateTransitGatewayRoute#blackhole", lambda: ec2.create_transit_gateway_route(TransitGatewayRouteTableId=ids["tgw_rt"],
         DestinationCidrBlock="172.31.0.0/16", Blackhole=True))
    step("ec2.SearchTransitGatewayRoutes", lambda: ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=ids["tgw_rt"],
         Filters=[{"Name": "type", "Values": ["static"]}]))
    step("ec2.DisassociateTransitGatewayRouteTable", lambda: ec2.disassociate_transit_gateway_route_table(
        TransitGatewayRouteTableId=ids["tgw_default_rt"], TransitGatewayAttachmentId=ids["tgw_att"]))
    step("ec2.AssociateTransitGatewayRouteTable", lambda: ec2.associate_transit_gateway_route_table(
        TransitGatewayRouteTableId=ids["tgw_rt"], TransitGatewayAttachmentId=ids["tgw_att"]))
    step("ec2.CreateRoute#tgw", lambda: ec2.create_route(RouteTableId=ids["rtb"], DestinationCidrBlock="172.16.0.0/12", TransitGatewayId=ids["tgw"]))

    # --- VPN: customer gateway, virtual private gateway, connection.
    step("ec2.CreateCustomerGateway", lambda: ec2.create_customer_gateway(Type="ipsec.1", IpAddress="198.51.100.7", BgpAsn=65000),
         lambda r: put("cgw")(r["CustomerGateway"]["CustomerGatewayId"]))
    step("ec2.CreateVpnGateway", lambda: ec2.create_vpn_gateway(Type="ipsec.1"), lambda r: put("vgw")(r["VpnGateway"]["VpnGatewayId"]))
    step("ec2.AttachVpnGateway", lambda: ec2.attach_vpn_gateway(VpnGatewayId=ids["vgw"], VpcId=ids["vpc2"]))
    step("ec2.CreateVpnConnection", lambda: ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=ids["cgw"], VpnGatewayId=ids["vgw"],
         Options={"StaticRoutesOnly": True}), lambda r: put("vpn")(r["VpnConnection"]["VpnConnectionId"]))
    step("ec2.CreateVpnConnectionRoute", lambda: ec2.create_vpn_connection_route(VpnConnectionId=ids["vpn"], DestinationCidrBlock="192.168.0.0/16"))
    step("ec2.DescribeVpnConnections", lambda: ec2.describe_vpn_connections(VpnConnectionIds=[ids["vpn"]]))
    step("ec2.DescribeVpnGateways", lambda: ec2.describe_vpn_gateways(VpnGatewayIds=[ids["vgw"]]))
    step("ec2.DescribeCustomerGateways", lambda: ec2.describe_customer_gateways(CustomerGatewayIds=[ids["cgw"]]))
    step("ec2.DescribeRouteTables#main2", lambda: ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [ids["vpc2"]]},
         {"Name": "association.main", "Values": ["true"]}]), lambda r: put("rtb2")(r["RouteTables"][0]["RouteTableId"]))
    step("ec2.EnableVgwRoutePropagation", lambda: ec2.enable_vgw_route_propagation(GatewayId=ids["vgw"], RouteTableId=ids["rtb2"]))
    step("ec2.DisableVgwRoutePropagation", lambda: ec2.disable_vgw_route_propagation(GatewayId=ids["vgw"], RouteTableId=ids["rtb2"]))

    # --- Tags, interfaces, errors.
    step("ec2.CreateTags", lambda: ec2.create_tags(Resources=[ids["subnet_a"]], Tags=[{"Key": "tier", "Value": "app"}]))
    step("ec2.DescribeTags", lambda: ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [ids["subnet_a"]]}]))
    step("ec2.DeleteTags", lambda: ec2.delete_tags(Resources=[ids["subnet_a"]], Tags=[{"Key": "tier"}]))
    step("ec2.DescribeNetworkInterfaces", lambda: ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [ids["vpc"]]}]))
    step("ec2.DescribeVpcs#missing", lambda: ec2.describe_vpcs(VpcIds=["vpc-0123456789abcdef0"]))
    step("ec2.DescribeSubnets#missing", lambda: ec2.describe_subnets(SubnetIds=["subnet-0123456789abcdef0"]))
    step("ec2.DeleteSubnet#missing", lambda: ec2.delete_subnet(SubnetId="subnet-0123456789abcdef0"))
    step("ec2.CreateSubnet#outside", lambda: ec2.create_subnet(VpcId=ids["vpc"], CidrBlock="10.99.1.0/24"))
    step("ec2.CreateVpc#badcidr", lambda: ec2.create_vpc(CidrBlock="10.0.0.0/33"))
    step("ec2.DeleteVpc#inuse", lambda: ec2.delete_vpc(VpcId=ids["vpc"]))
    step("ec2.DescribeRouteTables#missing", lambda: ec2.describe_route_tables(RouteTableIds=["rtb-0123456789abcdef0"]))
    step("ec2.DescribeTransitGateways#missing", lambda: ec2.describe_transit_gateways(TransitGatewayIds=["tgw-0123456789abcdef0"]))

    # --- Route 53.
    def zid(r):
        return r["HostedZone"]["Id"].split("/")[-1]

    step("route53.CreateHostedZone#private", lambda: r53.create_hosted_zone(Name="corp.example", CallerReference="corp",
         HostedZoneConfig={"PrivateZone": True, "Comment": "corp"}, VPC={"VPCRegion": R, "VPCId": ids["vpc"]}),
         lambda r: put("zone")(zid(r)))
    step("route53.CreateHostedZone#public", lambda: r53.create_hosted_zone(Name="public.example", CallerReference="pub"),
         lambda r: put("pzone")(zid(r)))
    step("route53.GetHostedZone", lambda: r53.get_hosted_zone(Id=ids["zone"]))
    step("route53.GetHostedZone#public", lambda: r53.get_hosted_zone(Id=ids["pzone"]))
    step("route53.ListHostedZones", lambda: r53.list_hosted_zones())
    step("route53.ListHostedZonesByName", lambda: r53.list_hosted_zones_by_name(DNSName="corp.example"))
    step("route53.GetHostedZoneCount", lambda: r53.get_hosted_zone_count())
    step("route53.ChangeResourceRecordSets", lambda: r53.change_resource_record_sets(HostedZoneId=ids["zone"], ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "db.corp.example", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "10.10.1.20"}]}},
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "www.corp.example", "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": "db.corp.example"}]}}]}),
         lambda r: put("change")(r["ChangeInfo"]["Id"].split("/")[-1]))
    step("route53.GetChange", lambda: r53.get_change(Id=ids["change"]))
    step("route53.ChangeResourceRecordSets#upsert", lambda: r53.change_resource_record_sets(HostedZoneId=ids["zone"], ChangeBatch={"Changes": [
        {"Action": "UPSERT", "ResourceRecordSet": {"Name": "db.corp.example", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "10.10.1.21"}]}}]}))
    step("route53.ChangeResourceRecordSets#public", lambda: r53.change_resource_record_sets(HostedZoneId=ids["pzone"], ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "www.public.example", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]}}]}))
    step("route53.ListResourceRecordSets", lambda: r53.list_resource_record_sets(HostedZoneId=ids["zone"]))
    step("route53.AssociateVPCWithHostedZone", lambda: r53.associate_vpc_with_hosted_zone(HostedZoneId=ids["zone"], VPC={"VPCRegion": R, "VPCId": ids["vpc2"]}))
    step("route53.ListHostedZonesByVPC", lambda: r53.list_hosted_zones_by_vpc(VPCId=ids["vpc"], VPCRegion=R))
    step("route53.DisassociateVPCFromHostedZone", lambda: r53.disassociate_vpc_from_hosted_zone(HostedZoneId=ids["zone"], VPC={"VPCRegion": R, "VPCId": ids["vpc2"]}))
    step("route53.ChangeTagsForResource", lambda: r53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=ids["zone"],
         AddTags=[{"Key": "team", "Value": "dns"}]))
    step("route53.ListTagsForResource", lambda: r53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=ids["zone"]))
    step("route53.ListTagsForResources", lambda: r53.list_tags_for_resources(ResourceType="hostedzone", ResourceIds=[ids["zone"]]))
    step("route53.UpdateHostedZoneComment", lambda: r53.update_hosted_zone_comment(Id=ids["zone"], Comment="corp zone"))
    step("route53.GetDNSSEC", lambda: r53.get_dnssec(HostedZoneId=ids["pzone"]))
    step("route53.TestDNSAnswer", lambda: r53.test_dns_answer(HostedZoneId=ids["pzone"], RecordName="www.public.example", RecordType="A"))
    # Route 53 logs to a CloudWatch Logs group that must exist; vpcdns serves
    # no CloudWatch Logs API and takes any group, so this is no step.
    try:
        boto3.client("logs", **kw).create_log_group(logGroupName="/aws/route53/public.example")
    except Exception:
        pass
    step("route53.CreateQueryLoggingConfig", lambda: r53.create_query_logging_config(HostedZoneId=ids["pzone"],
         CloudWatchLogsLogGroupArn="arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/public.example:*"),
         lambda r: put("r53ql")(r["QueryLoggingConfig"]["Id"]))
    step("route53.GetQueryLoggingConfig", lambda: r53.get_query_logging_config(Id=ids["r53ql"]))
    step("route53.ListQueryLoggingConfigs", lambda: r53.list_query_logging_configs())
    step("route53.DeleteQueryLoggingConfig", lambda: r53.delete_query_logging_config(Id=ids["r53ql"]))
    step("route53.GetHostedZone#missing", lambda: r53.get_hosted_zone(Id="Z0123456789ABCDEFGHIJ"))
    step("route53.GetChange#missing", lambda: r53.get_change(Id="C0123456789ABCDEFGHIJ"))
    step("route53.ChangeResourceRecordSets#duplicate", lambda: r53.change_resource_record_sets(HostedZoneId=ids["zone"], ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "www.corp.example", "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": "db.corp.example"}]}}]}))
    step("route53.ChangeResourceRecordSets#deletemissing", lambda: r53.change_resource_record_sets(HostedZoneId=ids["zone"], ChangeBatch={"Changes": [
        {"Action": "DELETE", "ResourceRecordSet": {"Name": "none.corp.example", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "10.10.1.9"}]}}]}))
    step("route53.ListTagsForResource#healthcheck", lambda: r53.list_tags_for_resource(ResourceType="healthcheck", ResourceId="abcdef11-2222-3333-4444-555555fedcba"))
    step("route53.DeleteHostedZone#notempty", lambda: r53.delete_hosted_zone(Id=ids["zone"]))

    # --- Route 53 Resolver.
    step("route53resolver.CreateResolverEndpoint", lambda: res.create_resolver_endpoint(CreatorRequestId="ep-1", Name="out", Direction="OUTBOUND",
         SecurityGroupIds=[ids["sg"]], IpAddresses=[{"SubnetId": ids["subnet_a"]}, {"SubnetId": ids["subnet_b"]}]),
         lambda r: put("ep")(r["ResolverEndpoint"]["Id"]))
    step("route53resolver.GetResolverEndpoint", lambda: res.get_resolver_endpoint(ResolverEndpointId=ids["ep"]))
    step("route53resolver.ListResolverEndpoints", lambda: res.list_resolver_endpoints())
    step("route53resolver.ListResolverEndpointIpAddresses", lambda: res.list_resolver_endpoint_ip_addresses(ResolverEndpointId=ids["ep"]))
    step("route53resolver.UpdateResolverEndpoint", lambda: res.update_resolver_endpoint(ResolverEndpointId=ids["ep"], Name="outbound"))
    step("route53resolver.CreateResolverEndpoint#oneip", lambda: res.create_resolver_endpoint(CreatorRequestId="ep-2", Direction="OUTBOUND",
         SecurityGroupIds=[ids["sg"]], IpAddresses=[{"SubnetId": ids["subnet_a"]}]))
    step("route53resolver.CreateResolverRule", lambda: res.create_resolver_rule(CreatorRequestId="rule-1", Name="onprem", RuleType="FORWARD",
         DomainName="onprem.example", ResolverEndpointId=ids["ep"], TargetIps=[{"Ip": "192.168.10.53", "Port": 53}]),
         lambda r: put("rule")(r["ResolverRule"]["Id"]))
    step("route53resolver.GetResolverRule", lambda: res.get_resolver_rule(ResolverRuleId=ids["rule"]))
    step("route53resolver.ListResolverRules", lambda: res.list_resolver_rules())
    step("route53resolver.UpdateResolverRule", lambda: res.update_resolver_rule(ResolverRuleId=ids["rule"], Config={"Name": "on-prem"}))
    step("route53resolver.AssociateResolverRule", lambda: res.associate_resolver_rule(ResolverRuleId=ids["rule"], VPCId=ids["vpc"], Name="a"),
         lambda r: put("rassoc")(r["ResolverRuleAssociation"]["Id"]))
    step("route53resolver.GetResolverRuleAssociation", lambda: res.get_resolver_rule_association(ResolverRuleAssociationId=ids["rassoc"]))
    step("route53resolver.ListResolverRuleAssociations", lambda: res.list_resolver_rule_associations())
    step("route53resolver.DeleteResolverRule#inuse", lambda: res.delete_resolver_rule(ResolverRuleId=ids["rule"]))
    step("route53resolver.GetResolverRule#missing", lambda: res.get_resolver_rule(ResolverRuleId="rslvr-rr-0123456789abcdef0"))
    step("route53resolver.CreateResolverQueryLogConfig", lambda: res.create_resolver_query_log_config(Name="all", CreatorRequestId="ql-1",
         DestinationArn="arn:aws:logs:us-east-1:123456789012:log-group:dns"), lambda r: put("qlc")(r["ResolverQueryLogConfig"]["Id"]))
    step("route53resolver.AssociateResolverQueryLogConfig", lambda: res.associate_resolver_query_log_config(ResolverQueryLogConfigId=ids["qlc"], ResourceId=ids["vpc"]),
         lambda r: put("qlcassoc")(r["ResolverQueryLogConfigAssociation"]["Id"]))
    step("route53resolver.GetResolverQueryLogConfig", lambda: res.get_resolver_query_log_config(ResolverQueryLogConfigId=ids["qlc"]))
    step("route53resolver.ListResolverQueryLogConfigs", lambda: res.list_resolver_query_log_configs())
    step("route53resolver.GetResolverQueryLogConfigAssociation", lambda: res.get_resolver_query_log_config_association(ResolverQueryLogConfigAssociationId=ids["qlcassoc"]))
    step("route53resolver.ListResolverQueryLogConfigAssociations", lambda: res.list_resolver_query_log_config_associations())
    step("route53resolver.GetResolverConfig", lambda: res.get_resolver_config(ResourceId=ids["vpc"]))
    step("route53resolver.UpdateResolverConfig", lambda: res.update_resolver_config(ResourceId=ids["vpc"], AutodefinedReverseFlag="DISABLE"))
    step("route53resolver.ListResolverConfigs", lambda: res.list_resolver_configs())
    step("route53resolver.GetResolverDnssecConfig", lambda: res.get_resolver_dnssec_config(ResourceId=ids["vpc"]))
    step("route53resolver.UpdateResolverDnssecConfig", lambda: res.update_resolver_dnssec_config(ResourceId=ids["vpc"], Validation="ENABLE"))
    step("route53resolver.ListResolverDnssecConfigs", lambda: res.list_resolver_dnssec_configs())
    step("route53resolver.TagResource", lambda: res.tag_resource(ResourceArn=res.get_resolver_rule(ResolverRuleId=ids["rule"])["ResolverRule"]["Arn"],
         Tags=[{"Key": "team", "Value": "dns"}]))
    step("route53resolver.ListTagsForResource", lambda: res.list_tags_for_resource(ResourceArn=res.get_resolver_rule(ResolverRuleId=ids["rule"])["ResolverRule"]["Arn"]))
    step("route53resolver.UntagResource", lambda: res.untag_resource(ResourceArn=res.get_resolver_rule(ResolverRuleId=ids["rule"])["ResolverRule"]["Arn"],
         TagKeys=["team"]))
    step("route53resolver.DisassociateResolverQueryLogConfig", lambda: res.disassociate_resolver_query_log_config(ResolverQueryLogConfigId=ids["qlc"], ResourceId=ids["vpc"]))
    step("route53resolver.DeleteResolverQueryLogConfig", lambda: res.delete_resolver_query_log_config(ResolverQueryLogConfigId=ids["qlc"]))
    step("route53resolver.DisassociateResolverRule", lambda: res.disassociate_resolver_rule(ResolverRuleId=ids["rule"], VPCId=ids["vpc"]))
    step("route53resolver.DeleteResolverRule", lambda: res.delete_resolver_rule(ResolverRuleId=ids["rule"]))
    step("route53resolver.DeleteResolverEndpoint", lambda: res.delete_resolver_endpoint(ResolverEndpointId=ids["ep"]))

    # --- Tear down, in the order AWS needs.
    step("route53.ChangeResourceRecordSets#delete", lambda: r53.change_resource_record_sets(HostedZoneId=ids["zone"], ChangeBatch={"Changes": [
        {"Action": "DELETE", "ResourceRecordSet": {"Name": "db.corp.example", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "10.10.1.21"}]}},
        {"Action": "DELETE", "ResourceRecordSet": {"Name": "www.corp.example", "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": "db.corp.example"}]}}]}))
    step("route53.DeleteHostedZone", lambda: r53.delete_hosted_zone(Id=ids["zone"]))
    step("ec2.DeleteVpnConnectionRoute", lambda: ec2.delete_vpn_connection_route(VpnConnectionId=ids["vpn"], DestinationCidrBlock="192.168.0.0/16"))
    step("ec2.DeleteVpnConnection", lambda: ec2.delete_vpn_connection(VpnConnectionId=ids["vpn"]))
    step("ec2.DetachVpnGateway", lambda: ec2.detach_vpn_gateway(VpnGatewayId=ids["vgw"], VpcId=ids["vpc2"]))
    step("ec2.DeleteVpnGateway", lambda: ec2.delete_vpn_gateway(VpnGatewayId=ids["vgw"]))
    step("ec2.DeleteCustomerGateway", lambda: ec2.delete_customer_gateway(CustomerGatewayId=ids["cgw"]))
    step("ec2.DeleteRoute#tgw", lambda: ec2.delete_route(RouteTableId=ids["rtb"], DestinationCidrBlock="172.16.0.0/12"))
    step("ec2.DeleteTransitGatewayRoute", lambda: ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=ids["tgw_rt"], DestinationCidrBlock="172.16.0.0/12"))
    step("ec2.DisableTransitGatewayRouteTablePropagation", lambda: ec2.disable_transit_gateway_route_table_propagation(
        TransitGatewayRouteTableId=ids["tgw_rt"], TransitGatewayAttachmentId=ids["tgw_att"]))
    step("ec2.DeleteTransitGatewayVpcAttachment", lambda: ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=ids["tgw_att"]))
    step("ec2.DeleteTransitGatewayRouteTable", lambda: ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=ids["tgw_rt"]))
    step("ec2.DeleteTransitGateway", lambda: ec2.delete_transit_gateway(TransitGatewayId=ids["tgw"]))
    step("ec2.DeleteVpcEndpoints", lambda: ec2.delete_vpc_endpoints(VpcEndpointIds=[ids["vpce"]]))
    step("ec2.DeleteManagedPrefixList", lambda: ec2.delete_managed_prefix_list(PrefixListId=ids["pl"]))
    step("ec2.AssociateDhcpOptions#default", lambda: ec2.associate_dhcp_options(DhcpOptionsId="default", VpcId=ids["vpc"]))
    step("ec2.DeleteDhcpOptions", lambda: ec2.delete_dhcp_options(DhcpOptionsId=ids["dopt"]))
    step("ec2.DeleteNatGateway", lambda: ec2.delete_nat_gateway(NatGatewayId=ids["nat"]))
    step("ec2.DeleteRoute#igw", lambda: ec2.delete_route(RouteTableId=ids["rtb"], DestinationCidrBlock="0.0.0.0/0"))
    step("ec2.DetachInternetGateway", lambda: ec2.detach_internet_gateway(InternetGatewayId=ids["igw"], VpcId=ids["vpc"]))
    step("ec2.DeleteInternetGateway", lambda: ec2.delete_internet_gateway(InternetGatewayId=ids["igw"]))
    step("ec2.DeleteRoute#pcx", lambda: ec2.delete_route(RouteTableId=ids["rtb"], DestinationCidrBlock="10.20.0.0/16"))
    step("ec2.DeleteVpcPeeringConnection", lambda: ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=ids["pcx"]))
    step("ec2.DisassociateRouteTable", lambda: ec2.disassociate_route_table(AssociationId=ids["rtb_assoc"]))
    step("ec2.DeleteRouteTable", lambda: ec2.delete_route_table(RouteTableId=ids["rtb"]))
    step("ec2.DeleteSecurityGroup", lambda: ec2.delete_security_group(GroupId=ids["sg"]))
    step("ec2.DeleteSubnet#a", lambda: ec2.delete_subnet(SubnetId=ids["subnet_a"]))
    step("ec2.DeleteSubnet#b", lambda: ec2.delete_subnet(SubnetId=ids["subnet_b"]))
    step("ec2.DeleteNetworkAcl", lambda: ec2.delete_network_acl(NetworkAclId=ids["acl"]))
    step("ec2.DeleteVpc#peer", lambda: ec2.delete_vpc(VpcId=ids["vpc2"]))
    step("ec2.DeleteVpc", lambda: ec2.delete_vpc(VpcId=ids["vpc"]))
    return order, results


def main():
    order, moto = sequence(sys.argv[1])
    _, vpcdns = sequence(sys.argv[2])
    diffs, skipped = [], []
    for name in order:
        a, b = moto[name], vpcdns[name]
        if "skipped" in a or "skipped" in b:
            skipped.append(name)
            continue
        if "error" in a or "error" in b:
            ea, eb = a.get("error", "-"), b.get("error", "-")
            if ea != eb:
                diffs.append("%s: error: moto %s, vpcdns %s" % (name, ea, eb))
            continue
        out = []
        compare("", a["shape"], b["shape"], out)
        diffs.extend("%s: %s" % (name, d) for d in out)
    print(json.dumps({"calls": len(order), "skipped": skipped, "differences": diffs}, indent=1))


if __name__ == "__main__":
    main()
