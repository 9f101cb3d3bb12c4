#!/usr/bin/env bash
# reverse-dns.sh: build the reverse-DNS scenario of a hybrid network from
# nothing with the AWS CLI, against `vpcdns serve --api-listen`, and check
# the answers with dig (issue 6; docs/api.md is the same steps as a
# tutorial).
#
#   a VPC with DNS hostnames, two subnets, a security group, an outbound
#   resolver endpoint, a forward rule for the VPC's reverse zone
#   (0.10.in-addr.arpa) to the on-premises DNS server, the association;
#   with no route to the server the query is SERVFAIL, as on AWS; then the
#   hybrid path: a transit gateway attached to the VPC, a customer gateway,
#   a Site-to-Site VPN on the transit gateway, a VPC route to the transit
#   gateway and a transit gateway route to the VPN; then `dig -x 10.0.1.5`
#   through vpcdns returns the on-premises PTR; disassociating the rule
#   makes it return the autodefined name ip-10-0-1-5.ec2.internal.; a
#   restart keeps it all, and associating the rule again brings the
#   on-premises answer back; deleting the transit gateway route to the VPN
#   makes it SERVFAIL again.
#
# Environment:
#   VPCDNS      the vpcdns binary (required)
#   BIND_PORT   port of the on-premises DNS server on 127.0.0.1, serving
#               0.10.in-addr.arpa with 5.1.0.10 PTR db.onprem.example. (required)
#   API_PORT    port of the AWS API on 127.0.0.1 [4566]
#   DNS_PORT    port of the VPC's resolver on 127.0.0.1 [5353]
#   WORK        working directory (state, logs) [a new temporary directory]
#
# Everything listens and is sent on 127.0.0.1 only.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
: "${BIND_PORT:?set BIND_PORT to the port of the on-premises DNS server on 127.0.0.1}"
DNS_PORT=${DNS_PORT:-5353}
api_ready() { aws route53resolver list-resolver-rules; }

# expect_ptr WANT: dig -x 10.0.1.5 through the VPC's resolver answers WANT.
# A change of a rule association reaches DNS in the background within
# milliseconds (the association is CREATING until then, as on AWS), so
# the answer is asked for up to 20 times, 0.1 s apart.
expect_ptr() {
	local got i
	for i in $(seq 20); do
		got=$(dig +short +time=2 +tries=2 -x 10.0.1.5 @127.0.0.1 -p "$DNS_PORT") || fail "dig failed"
		[ "$got" = "$1" ] && break
		sleep 0.1
	done
	[ "$got" = "$1" ] || fail "dig -x 10.0.1.5 answered '$got', want '$1'"
	echo "ok: dig -x 10.0.1.5 @127.0.0.1 -p $DNS_PORT -> $got"
}

# expect_servfail: dig -x 10.0.1.5 through the VPC's resolver is SERVFAIL
# (asked up to 20 times, 0.1 s apart, like expect_ptr).
expect_servfail() {
	local status i
	for i in $(seq 20); do
		status=$(dig +time=5 +tries=1 -x 10.0.1.5 @127.0.0.1 -p "$DNS_PORT" | sed -n 's/.*status: \([A-Z]*\).*/\1/p')
		[ "$status" = SERVFAIL ] && break
		sleep 0.1
	done
	[ "$status" = SERVFAIL ] || fail "$1: status '$status', want SERVFAIL"
	echo "ok: SERVFAIL ($1)"
}

cat >"$WORK/start.yaml" <<YAML
# The starting network: an account, a region, and where the on-premises
# DNS server 192.168.10.53 really answers (BIND on 127.0.0.1). No answer
# cache, so that each dig shows the path the network has at that moment.
# The AWS CLI builds the rest, the VPN included.
account_id: "111122223333"
region: us-east-1
emulation:
  address_map: {"192.168.10.53:53": "127.0.0.1:$BIND_PORT"}
  cache: {max_entries: 0}
YAML

step "start vpcdns with the AWS API on $ENDPOINT"
start_vpcdns

step "a VPC with DNS hostnames; the tag gives its resolver a socket"
VPC=$(aws ec2 create-vpc --cidr-block 10.0.0.0/16 \
	--tag-specifications "ResourceType=vpc,Tags=[{Key=Name,Value=app},{Key=vpcdns:resolver-listen,Value=127.0.0.1:$DNS_PORT}]" \
	--query Vpc.VpcId)
echo "vpc: $VPC"
aws ec2 modify-vpc-attribute --vpc-id "$VPC" --enable-dns-hostnames '{"Value":true}'
[ "$(aws ec2 describe-vpc-attribute --vpc-id "$VPC" --attribute enableDnsHostnames --query EnableDnsHostnames.Value)" = True ] ||
	fail "enableDnsHostnames is not on"

step "two subnets in two availability zones"
SUBNET_A=$(aws ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.1.0/24 --availability-zone us-east-1a --query Subnet.SubnetId)
SUBNET_B=$(aws ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.2.0/24 --availability-zone us-east-1b --query Subnet.SubnetId)
echo "subnets: $SUBNET_A $SUBNET_B"

step "a security group that lets DNS out to the on-premises server only"
SG=$(aws ec2 create-security-group --group-name resolver-out --description "DNS to on-premises" --vpc-id "$VPC" --query GroupId)
aws ec2 revoke-security-group-egress --group-id "$SG" --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]' >/dev/null
aws ec2 authorize-security-group-egress --group-id "$SG" --ip-permissions \
	"IpProtocol=udp,FromPort=53,ToPort=53,IpRanges=[{CidrIp=192.168.10.53/32}]" \
	"IpProtocol=tcp,FromPort=53,ToPort=53,IpRanges=[{CidrIp=192.168.10.53/32}]" >/dev/null
echo "security group: $SG"

step "an outbound resolver endpoint in both subnets"
ENDPOINT_ID=$(aws route53resolver create-resolver-endpoint --creator-request-id "onprem-$(date +%s%N)" \
	--name onprem --direction OUTBOUND --security-group-ids "$SG" \
	--ip-addresses SubnetId="$SUBNET_A" SubnetId="$SUBNET_B" --query ResolverEndpoint.Id)
echo "endpoint: $ENDPOINT_ID"
[ "$(aws route53resolver get-resolver-endpoint --resolver-endpoint-id "$ENDPOINT_ID" --query ResolverEndpoint.Status)" = OPERATIONAL ] ||
	fail "the endpoint is not OPERATIONAL"

step "a forward rule for the VPC's reverse zone to the on-premises server"
RULE=$(aws route53resolver create-resolver-rule --creator-request-id "reverse-$(date +%s%N)" \
	--name onprem-reverse --rule-type FORWARD --domain-name 0.10.in-addr.arpa \
	--resolver-endpoint-id "$ENDPOINT_ID" --target-ips "Ip=192.168.10.53,Port=53" --query ResolverRule.Id)
echo "rule: $RULE"
[ "$(aws route53resolver get-resolver-rule --resolver-rule-id "$RULE" --query ResolverRule.DomainName)" = 0.10.in-addr.arpa. ] ||
	fail "the rule's domain name is not 0.10.in-addr.arpa."

step "associate the rule with the VPC"
aws route53resolver associate-resolver-rule --resolver-rule-id "$RULE" --vpc-id "$VPC" --name app-reverse \
	--query ResolverRuleAssociation.Id

step "the VPC's main route table routes only 10.0.0.0/16: no route to 192.168.10.53, SERVFAIL (as on AWS)"
expect_servfail "no route to the target"

step "a transit gateway (with its default route table) attached to the VPC's two subnets"
read -r TGW TGW_RT < <(aws ec2 create-transit-gateway --description core \
	--query 'TransitGateway.[TransitGatewayId,Options.AssociationDefaultRouteTableId]')
TGW_VPC_ATT=$(aws ec2 create-transit-gateway-vpc-attachment --transit-gateway-id "$TGW" --vpc-id "$VPC" \
	--subnet-ids "$SUBNET_A" "$SUBNET_B" --query TransitGatewayVpcAttachment.TransitGatewayAttachmentId)
echo "transit gateway: $TGW, route table $TGW_RT, vpc attachment $TGW_VPC_ATT"

step "the on-premises router (a customer gateway) and a static Site-to-Site VPN to it on the transit gateway"
CGW=$(aws ec2 create-customer-gateway --type ipsec.1 --ip-address 198.51.100.7 --bgp-asn 65000 \
	--query CustomerGateway.CustomerGatewayId)
VPN=$(aws ec2 create-vpn-connection --type ipsec.1 --customer-gateway-id "$CGW" --transit-gateway-id "$TGW" \
	--options StaticRoutesOnly=true --query VpnConnection.VpnConnectionId)
VPN_ATT=$(aws ec2 describe-transit-gateway-attachments --filters "Name=resource-id,Values=$VPN" \
	--query 'TransitGatewayAttachments[0].TransitGatewayAttachmentId')
echo "customer gateway: $CGW, vpn: $VPN, vpn attachment: $VPN_ATT"

step "the VPC routes 192.168.0.0/16 to the transit gateway; the transit gateway has no route there yet: SERVFAIL"
MAIN_RT=$(aws ec2 describe-route-tables --filters "Name=vpc-id,Values=$VPC" Name=association.main,Values=true \
	--query 'RouteTables[0].RouteTableId')
aws ec2 create-route --route-table-id "$MAIN_RT" --destination-cidr-block 192.168.0.0/16 --transit-gateway-id "$TGW" >/dev/null
echo "route table: $MAIN_RT"
expect_servfail "a static VPN propagates no route to the transit gateway"

step "a transit gateway route to the VPN: the on-premises answer"
aws ec2 create-transit-gateway-route --transit-gateway-route-table-id "$TGW_RT" \
	--destination-cidr-block 192.168.0.0/16 --transit-gateway-attachment-id "$VPN_ATT" >/dev/null
[ "$(aws ec2 search-transit-gateway-routes --transit-gateway-route-table-id "$TGW_RT" \
	--filters Name=type,Values=static --query 'Routes[0].TransitGatewayAttachments[0].ResourceId')" = "$VPN" ] ||
	fail "the transit gateway's static route does not lead to $VPN"
expect_ptr db.onprem.example.

step "deleting an associated rule is refused"
if out=$(aws route53resolver delete-resolver-rule --resolver-rule-id "$RULE" 2>&1); then
	fail "deleting an associated rule succeeded"
fi
echo "$out" | grep -q ResourceInUseException || fail "want ResourceInUseException, got: $out"
echo "ok: $(echo "$out" | grep ResourceInUseException)"

step "disassociate the rule: the autodefined reverse rule answers"
aws route53resolver disassociate-resolver-rule --resolver-rule-id "$RULE" --vpc-id "$VPC" >/dev/null
expect_ptr ip-10-0-1-5.ec2.internal.

step "restart vpcdns: the state under --data-dir is kept"
stop_vpcdns
start_vpcdns
expect_ptr ip-10-0-1-5.ec2.internal.
[ "$(aws route53resolver get-resolver-rule --resolver-rule-id "$RULE" --query ResolverRule.Name)" = onprem-reverse ] ||
	fail "the rule is gone after the restart"
[ "$(aws ec2 describe-vpcs --vpc-ids "$VPC" --query 'Vpcs[0].CidrBlock')" = 10.0.0.0/16 ] ||
	fail "the VPC is gone after the restart"

step "associate the rule again: the on-premises answer is back"
aws route53resolver associate-resolver-rule --resolver-rule-id "$RULE" --vpc-id "$VPC" --query ResolverRuleAssociation.Id
expect_ptr db.onprem.example.

step "delete the transit gateway route to the VPN: nothing routes on premises, SERVFAIL (as on AWS)"
aws ec2 delete-transit-gateway-route --transit-gateway-route-table-id "$TGW_RT" --destination-cidr-block 192.168.0.0/16 >/dev/null
expect_servfail "no transit gateway route to the VPN"

step "export the network"
"$VPCDNS" export --data-dir "$WORK/data" >"$WORK/exported.yaml"
"$VPCDNS" check -c "$WORK/exported.yaml" >/dev/null || fail "the exported network does not check"
grep -q "0.10.in-addr.arpa" "$WORK/exported.yaml" || fail "the exported network has no rule"
grep -q "$VPN_ATT" "$WORK/exported.yaml" || fail "the exported network has no transit gateway attachment of the VPN"
echo "ok: $WORK/exported.yaml"

printf '\nPASS\n'
