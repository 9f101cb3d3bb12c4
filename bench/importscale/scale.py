"""Builds the scale account of bench/importscale in an AWS endpoint (moto):
python3 scale.py URL VPCS RULES INSTANCES. VPC i is 10.(i/256).(i%256).0/24
cut... each VPC gets a /22 in 10.0.0.0/8, one subnet, its share of the
instances; RULES forward rules through one outbound endpoint, each
associated with one VPC."""
import sys
import boto3

url, nvpc, nrule, ninst = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
kw = dict(region_name="us-east-1", endpoint_url=url, aws_access_key_id="test", aws_secret_access_key="test")
ec2, res = boto3.client("ec2", **kw), boto3.client("route53resolver", **kw)
vpcs, subnets = [], []
for i in range(nvpc):
    base = i * 4  # a /22 each: 10.A.B.0/22
    cidr = "10.%d.%d.0/22" % (base // 256, base % 256)
    v = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    s = ec2.create_subnet(VpcId=v, CidrBlock=cidr.replace("/22", "/24"), AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    vpcs.append(v)
    subnets.append(s)
per = ninst // nvpc
for s in subnets:
    left = per
    while left > 0:
        n = min(left, 100)
        ec2.run_instances(ImageId="ami-12c6146b", MinCount=n, MaxCount=n, SubnetId=s)
        left -= n
s2 = ec2.create_subnet(VpcId=vpcs[0], CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
sg = ec2.create_security_group(GroupName="out", Description="out", VpcId=vpcs[0])["GroupId"]
ep = res.create_resolver_endpoint(CreatorRequestId="ep", Direction="OUTBOUND", SecurityGroupIds=[sg],
    IpAddresses=[{"SubnetId": subnets[0]}, {"SubnetId": s2}])["ResolverEndpoint"]["Id"]
for i in range(nrule):
    r = res.create_resolver_rule(CreatorRequestId="r%d" % i, Name="r%d" % i, RuleType="FORWARD", DomainName="d%d.corp.example" % i,
        ResolverEndpointId=ep, TargetIps=[{"Ip": "192.168.10.53", "Port": 53}])["ResolverRule"]["Id"]
    res.associate_resolver_rule(ResolverRuleId=r, VPCId=vpcs[i % nvpc], Name="a%d" % i)
print("built", nvpc, "vpcs", nrule, "rules", ninst, "instances")
