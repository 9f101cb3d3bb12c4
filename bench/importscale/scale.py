"""Serves the scale account of bench/importscale: python3 scale.py VPCS RULES
INSTANCES. Starts moto server in this process on a free 127.0.0.1 port,
builds the account in it with boto3 over HTTP (VPC i gets a /22 of
10.0.0.0/8 and one /24 subnet; the instances are spread over the subnets;
RULES forward rules through one outbound endpoint, each associated with one
VPC), prints "ready URL" and serves until stdin is closed.

Before building, two lookups that moto 5.2 makes for every instance it
launches are indexed, because they make building 20,000 instances take
hours: the AMI lookup (a filter over every AMI moto knows, about 40 ms) and
get_instance (a scan of every instance, so launching is quadratic). Only
what RunInstances does internally changes; every answer moto serves over
HTTP, DescribeInstances included, is moto's own."""
import logging
import sys
import time

import boto3
from moto.ec2.models import EC2Backend
from moto.ec2.models.instances import Instance
from moto.server import ThreadedMotoServer

# moto logs a traceback for each operation it does not serve (Direct Connect,
# Route 53 Profiles): vpcdns import lists those calls as failed anyway.
logging.getLogger("werkzeug").setLevel(logging.CRITICAL)

nvpc, nrule, ninst = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])

images = {}
describe_images = EC2Backend.describe_images


def cached_describe_images(self, ami_ids=None, filters=None, **kw):
    key = None
    if not kw and (ami_ids or filters):
        key = (tuple(ami_ids or ()), tuple(sorted((k, str(v)) for k, v in (filters or {}).items())))
        if key in images:
            return images[key]
    out = describe_images(self, ami_ids=ami_ids, filters=filters, **kw)
    if key is not None:
        images[key] = out
    return out


EC2Backend.describe_images = cached_describe_images

by_id = {}
setup_defaults = Instance.setup_defaults


def indexed_setup_defaults(self):
    by_id[self.id] = self
    return setup_defaults(self)


Instance.setup_defaults = indexed_setup_defaults
get_instance = EC2Backend.get_instance


def indexed_get_instance(self, instance_id):
    i = by_id.get(instance_id)
    if i is not None and i.ec2_backend is self:
        return i
    return get_instance(self, instance_id)


EC2Backend.get_instance = indexed_get_instance

srv = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
srv.start()
host, port = srv.get_host_and_port()
url = "http://%s:%d" % (host, port)
kw = dict(region_name="us-east-1", endpoint_url=url, aws_access_key_id="test", aws_secret_access_key="test")
ec2, res = boto3.client("ec2", **kw), boto3.client("route53resolver", **kw)
t0 = time.time()
vpcs, subnets = [], []
for i in range(nvpc):
    base = i * 4  # a /22 each: 10.A.B.0/22
    cidr = "10.%d.%d.0/22" % (base // 256, base % 256)
    v = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    s = ec2.create_subnet(VpcId=v, CidrBlock=cidr.replace("/22", "/24"), AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    vpcs.append(v)
    subnets.append(s)
print("vpcs built in %.0f s" % (time.time() - t0), file=sys.stderr, flush=True)
per = ninst // nvpc
for s in subnets:
    left = per
    while left > 0:
        n = min(left, 100)
        ec2.run_instances(ImageId="ami-12c6146b", MinCount=n, MaxCount=n, SubnetId=s)
        left -= n
print("instances built in %.0f s" % (time.time() - t0), file=sys.stderr, flush=True)
s2 = ec2.create_subnet(VpcId=vpcs[0], CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
sg = ec2.create_security_group(GroupName="out", Description="out", VpcId=vpcs[0])["GroupId"]
ep = res.create_resolver_endpoint(CreatorRequestId="ep", Direction="OUTBOUND", SecurityGroupIds=[sg],
    IpAddresses=[{"SubnetId": subnets[0]}, {"SubnetId": s2}])["ResolverEndpoint"]["Id"]
for i in range(nrule):
    r = res.create_resolver_rule(CreatorRequestId="r%d" % i, Name="r%d" % i, RuleType="FORWARD", DomainName="d%d.corp.example" % i,
        ResolverEndpointId=ep, TargetIps=[{"Ip": "192.168.10.53", "Port": 53}])["ResolverRule"]["Id"]
    res.associate_resolver_rule(ResolverRuleId=r, VPCId=vpcs[i % nvpc], Name="a%d" % i)
print("built %d vpcs, %d rules, %d instances in %.0f s" % (nvpc, nrule, ninst, time.time() - t0), file=sys.stderr, flush=True)
print("ready", url, flush=True)
sys.stdin.read()
srv.stop()
