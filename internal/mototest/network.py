"""Builds the hub-and-spoke network of the import tests in an AWS endpoint
(moto server): python3 moto_network.py ENDPOINT_URL. Prints the ids as JSON.

hub (10.0.0.0/16 + 10.100.0.0/20), spoke1 (10.1.0.0/16) over a transit
gateway, spoke2 (10.2.0.0/20) peered with hub with DNS resolution; a VPN to
192.168.0.0/16 through a virtual private gateway on hub; an outbound
endpoint in hub; forward and system rules; two private hosted zones; a DHCP
option set with custom servers on spoke1; instances. A second account
(222222222222, through STS AssumeRole) holds a workload VPC and its zone.
"""
import json
import sys

import boto3

url = sys.argv[1]
R = "us-east-1"


def clients(**kw):
    mk = lambda s: boto3.client(s, region_name=R, endpoint_url=url, **kw)
    return mk("ec2"), mk("route53resolver"), mk("route53")


ec2, res, r53 = clients(aws_access_key_id="test", aws_secret_access_key="test")
ids = {}


def vpc(name, cidr, *more):
    v = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}])["Vpc"]["VpcId"]
    for c in more:
        ec2.associate_vpc_cidr_block(VpcId=v, CidrBlock=c)
    ids[name] = v
    return v


def subnet(v, cidr, az):
    return ec2.create_subnet(VpcId=v, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]


hub = vpc("hub", "10.0.0.0/16", "10.100.0.0/20")
spoke1 = vpc("spoke1", "10.1.0.0/16")
spoke2 = vpc("spoke2", "10.2.0.0/20")
ec2.modify_vpc_attribute(VpcId=hub, EnableDnsHostnames={"Value": True})
ec2.modify_vpc_attribute(VpcId=spoke2, EnableDnsHostnames={"Value": True})
hub_a, hub_b = subnet(hub, "10.0.1.0/24", "us-east-1a"), subnet(hub, "10.0.2.0/24", "us-east-1b")
s1_a = subnet(spoke1, "10.1.1.0/24", "us-east-1a")
s2_a = subnet(spoke2, "10.2.1.0/24", "us-east-1a")

# DHCP option set with custom servers: spoke1's instances ask 10.0.0.53 first.
dopt = ec2.create_dhcp_options(DhcpConfigurations=[
    {"Key": "domain-name-servers", "Values": ["10.0.0.53", "192.168.10.53"]},
    {"Key": "domain-name", "Values": ["corp.example"]}])["DhcpOptions"]["DhcpOptionsId"]
ec2.associate_dhcp_options(DhcpOptionsId=dopt, VpcId=spoke1)
ids["dhcp"] = dopt

# Peering hub <-> spoke2 with DNS resolution on both sides.
pcx = ec2.create_vpc_peering_connection(VpcId=hub, PeerVpcId=spoke2)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
ec2.modify_vpc_peering_connection_options(VpcPeeringConnectionId=pcx,
    RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True},
    AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True})
ids["pcx"] = pcx

# Transit gateway hub <-> spoke1.
tgw = ec2.create_transit_gateway(Description="core")["TransitGateway"]["TransitGatewayId"]
ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=hub, SubnetIds=[hub_a])
ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=spoke1, SubnetIds=[s1_a])
ids["tgw"] = tgw

# VPN to on premises through a virtual private gateway on hub.
cgw = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="203.0.113.10", BgpAsn=65000)["CustomerGateway"]["CustomerGatewayId"]
vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
ec2.attach_vpn_gateway(VpnGatewayId=vgw, VpcId=hub)
vpn = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw, VpnGatewayId=vgw, Options={"StaticRoutesOnly": True})["VpnConnection"]["VpnConnectionId"]
ids["vgw"], ids["vpn"] = vgw, vpn

igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=hub)


def main_rtb(v):
    return ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [v]}, {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]["RouteTableId"]


hub_rtb, s1_rtb, s2_rtb = main_rtb(hub), main_rtb(spoke1), main_rtb(spoke2)
ec2.create_route(RouteTableId=hub_rtb, DestinationCidrBlock="192.168.0.0/16", GatewayId=vgw)
ec2.create_route(RouteTableId=hub_rtb, DestinationCidrBlock="10.2.0.0/20", VpcPeeringConnectionId=pcx)
ec2.create_route(RouteTableId=hub_rtb, DestinationCidrBlock="10.1.0.0/16", TransitGatewayId=tgw)
ec2.create_route(RouteTableId=hub_rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
ec2.create_route(RouteTableId=hub_rtb, DestinationCidrBlock="10.99.0.0/16", GatewayId=vgw)
ec2.create_route(RouteTableId=s1_rtb, DestinationCidrBlock="10.0.0.0/16", TransitGatewayId=tgw)
ec2.create_route(RouteTableId=s2_rtb, DestinationCidrBlock="10.0.0.0/16", VpcPeeringConnectionId=pcx)
ids["hub_rtb"], ids["s1_rtb"], ids["s2_rtb"] = hub_rtb, s1_rtb, s2_rtb

# Managed prefix list of the on-premises networks, used by the endpoint's group.
pl = ec2.create_managed_prefix_list(PrefixListName="onprem", MaxEntries=5, AddressFamily="IPv4",
    Entries=[{"Cidr": "192.168.0.0/16", "Description": "dc"}])["PrefixList"]["PrefixListId"]
ids["pl"] = pl

# The outbound endpoint's group: DNS to on premises only (UDP by CIDR, TCP by prefix list).
sg = ec2.create_security_group(GroupName="resolver-out", Description="dns out", VpcId=hub)["GroupId"]
ec2.revoke_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=[
    {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "192.168.0.0/16"}]},
    {"IpProtocol": "tcp", "FromPort": 53, "ToPort": 53, "PrefixListIds": [{"PrefixListId": pl}]}])
ids["sg"] = sg

ep = res.create_resolver_endpoint(CreatorRequestId="ep", Name="onprem", Direction="OUTBOUND", SecurityGroupIds=[sg],
    IpAddresses=[{"SubnetId": hub_a, "Ip": "10.0.1.10"}, {"SubnetId": hub_b, "Ip": "10.0.2.10"}])["ResolverEndpoint"]["Id"]
ids["endpoint"] = ep


def rule(name, domain, typ="FORWARD", targets=None, vpcs=()):
    kw = dict(CreatorRequestId=name, Name=name, RuleType=typ, DomainName=domain)
    if typ == "FORWARD":
        kw.update(ResolverEndpointId=ep, TargetIps=targets)
    r = res.create_resolver_rule(**kw)["ResolverRule"]["Id"]
    for v in vpcs:
        res.associate_resolver_rule(ResolverRuleId=r, VPCId=v, Name=name + "-" + v)
    ids["rule_" + name] = r
    return r


rule("corp", "corp.example", targets=[{"Ip": "192.168.10.53", "Port": 53}, {"Ip": "192.168.20.53", "Port": 53}], vpcs=[hub, spoke1])
rule("sys-corp", "aws.corp.example", typ="SYSTEM", vpcs=[hub])
rule("hub-reverse", "0.10.in-addr.arpa", targets=[{"Ip": "192.168.10.53", "Port": 53}], vpcs=[hub])
rule("blocked", "lab.example", targets=[{"Ip": "10.99.0.53", "Port": 53}], vpcs=[hub])
rule("internal-spoke1", "internal.example", targets=[{"Ip": "192.168.10.53", "Port": 53}], vpcs=[spoke1])

ql = res.create_resolver_query_log_config(Name="all", DestinationArn="arn:aws:logs:us-east-1:123456789012:log-group:dns", CreatorRequestId="ql")["ResolverQueryLogConfig"]["Id"]
res.associate_resolver_query_log_config(ResolverQueryLogConfigId=ql, ResourceId=hub)
ids["querylog"] = ql


def zone(name, v, records):
    z = r53.create_hosted_zone(Name=name, CallerReference=name, HostedZoneConfig={"PrivateZone": True, "Comment": name},
        VPC={"VPCRegion": R, "VPCId": v})["HostedZone"]["Id"].split("/")[-1]
    r53.change_resource_record_sets(HostedZoneId=z, ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": r} for r in records]})
    ids["zone_" + name] = z
    return z


zi = zone("internal.example", hub, [
    {"Name": "db.internal.example", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "10.0.1.20"}]},
    {"Name": "www.internal.example", "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": "db.internal.example"}]},
    {"Name": "*.apps.internal.example", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "10.0.2.30"}]},
])
r53.change_resource_record_sets(HostedZoneId=zi, ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet":
    {"Name": "api.internal.example", "Type": "A", "AliasTarget": {"HostedZoneId": zi, "DNSName": "db.internal.example", "EvaluateTargetHealth": False}}}]})
r53.associate_vpc_with_hosted_zone(HostedZoneId=zi, VPC={"VPCRegion": R, "VPCId": spoke1})
zone("spoke2.example", spoke2, [{"Name": "app.spoke2.example", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "10.2.1.5"}]}])

inst = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=hub_a, PrivateIpAddress="10.0.1.5")["Instances"][0]["InstanceId"]
inst2 = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=s2_a, PrivateIpAddress="10.2.1.5")["Instances"][0]["InstanceId"]
ids["instance_hub"], ids["instance_spoke2"] = inst, inst2

# The second account, through STS AssumeRole.
sts = boto3.client("sts", region_name=R, endpoint_url=url, aws_access_key_id="test", aws_secret_access_key="test")
cr = sts.assume_role(RoleArn="arn:aws:iam::222222222222:role/vpcdns-import", RoleSessionName="fixture")["Credentials"]
ec2b, resb, r53b = clients(aws_access_key_id=cr["AccessKeyId"], aws_secret_access_key=cr["SecretAccessKey"], aws_session_token=cr["SessionToken"])
work = ec2b.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
ec2b.create_subnet(VpcId=work, CidrBlock="10.3.1.0/24", AvailabilityZone="us-east-1a")
zw = r53b.create_hosted_zone(Name="work.example", CallerReference="work", HostedZoneConfig={"PrivateZone": True},
    VPC={"VPCRegion": R, "VPCId": work})["HostedZone"]["Id"].split("/")[-1]
r53b.change_resource_record_sets(HostedZoneId=zw, ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet":
    {"Name": "svc.work.example", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "10.3.1.9"}]}}]})
ids["work"], ids["zone_work.example"] = work, zw

print(json.dumps(ids, indent=1, sort_keys=True))
