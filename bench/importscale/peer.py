"""The peer of bench/importscale: python3 peer.py URL makes, with boto3, the
calls of vpcdns import whose answers grow with the account (every page of
the EC2 and Resolver lists, and the two DescribeVpcAttribute calls per VPC),
one at a time, and prints their count. Its wall time is how long moto takes
to answer them; boto3's own parsing is in its CPU time."""
import sys

import boto3

url = sys.argv[1]
kw = dict(region_name="us-east-1", endpoint_url=url, aws_access_key_id="test", aws_secret_access_key="test")
ec2, res = boto3.client("ec2", **kw), boto3.client("route53resolver", **kw)
calls = 0
vpcs = []
for op, member in [("describe_vpcs", "Vpcs"), ("describe_subnets", "Subnets"), ("describe_route_tables", "RouteTables"),
                   ("describe_security_groups", "SecurityGroups"), ("describe_network_acls", "NetworkAcls"),
                   ("describe_instances", "Reservations")]:
    for page in ec2.get_paginator(op).paginate():
        calls += 1
        if op == "describe_vpcs":
            vpcs += [v["VpcId"] for v in page[member]]
for op in ["list_resolver_endpoints", "list_resolver_rules", "list_resolver_rule_associations"]:
    for page in res.get_paginator(op).paginate():
        calls += 1
for v in vpcs:
    for attr in ["enableDnsSupport", "enableDnsHostnames"]:
        ec2.describe_vpc_attribute(VpcId=v, Attribute=attr)
        calls += 1
print(calls)
