#!/usr/bin/env bash
# example.sh: build vpcdns's embedded example network (vpcdns export with no
# arguments; internal/config/example/network.yaml) with the AWS CLI against
# `vpcdns serve --api-listen`, from a starting file that holds only what no
# AWS API makes, and check that the result behaves as the example:
# `vpcdns diff` of the example and the export (with AWS's generated ids
# renamed to the example's) finds no change, and dig gets the example's
# answers through the built path. Then one call is undone (the transit
# gateway's route to the VPN) and diff must see it. These are the calls of
# docs/api.md "The example network, built through the API", in that order.
#
# Environment:
#   VPCDNS        the vpcdns binary (required)
#   API_PORT      port of the AWS API on 127.0.0.1 [4566]
#   APP_PORT, SHARED_PORT, INBOUND_PORT, ONPREM1_PORT, ONPREM2_PORT
#                 the sockets of the example on 127.0.0.1 (vpc-app's and
#                 vpc-shared's resolvers, the inbound endpoint, the two
#                 on-premises servers) [5353 5363 5354 5300 5301]
#   WORK          working directory (state, logs) [a new temporary directory]
#
# Everything listens and is sent on 127.0.0.1 only.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
APP_PORT=${APP_PORT:-5353}
SHARED_PORT=${SHARED_PORT:-5363}
INBOUND_PORT=${INBOUND_PORT:-5354}
ONPREM1_PORT=${ONPREM1_PORT:-5300}
ONPREM2_PORT=${ONPREM2_PORT:-5301}

# ports rewrites the example's sockets to this run's.
ports() {
	sed -e "s/127\.0\.0\.1:5353/127.0.0.1:$APP_PORT/g" -e "s/127\.0\.0\.1:5363/127.0.0.1:$SHARED_PORT/g" \
		-e "s/127\.0\.0\.1:5354/127.0.0.1:$INBOUND_PORT/g" -e "s/127\.0\.0\.1:5300/127.0.0.1:$ONPREM1_PORT/g" \
		-e "s/127\.0\.0\.1:5301/127.0.0.1:$ONPREM2_PORT/g"
}

# expect QUERY... WANT: dig +short through vpcdns answers WANT (asked up to
# 20 times, 0.1 s apart: DNS takes a change within milliseconds).
expect() {
	local want=${*: -1} got i
	local args=("${@:1:$#-1}")
	for i in $(seq 20); do
		got=$(dig +short +time=2 +tries=2 "${args[@]}" | tr '\n' ' ' | sed 's/ $//') || fail "dig failed"
		[ "$got" = "$want" ] && break
		sleep 0.1
	done
	[ "$got" = "$want" ] || fail "dig ${args[*]} answered '$got', want '$want'"
	echo "ok: dig ${args[*]} -> $got"
}

cd "$WORK"

step "the starting file: the account, the region, the internet and the example's emulation block"
{
	printf 'account_id: "111122223333"\nregion: us-east-1\ninternet: {forwarders: []}\n'
	"$VPCDNS" export | sed -n '/^emulation:/,$p'
} | ports >start.yaml
"$VPCDNS" export | ports >example.yaml
"$VPCDNS" check -c start.yaml

step "start vpcdns with the AWS API on $ENDPOINT"
start_vpcdns

step "1. the VPCs with DNS hostnames, vpc-app's subnets and its instance"
APP=$(aws ec2 create-vpc --cidr-block 10.0.0.0/16 \
	--tag-specifications "ResourceType=vpc,Tags=[{Key=Name,Value=app},{Key=vpcdns:resolver-listen,Value=127.0.0.1:$APP_PORT}]" \
	--query Vpc.VpcId)
SHARED=$(aws ec2 create-vpc --cidr-block 10.1.0.0/16 \
	--tag-specifications "ResourceType=vpc,Tags=[{Key=Name,Value=shared},{Key=vpcdns:resolver-listen,Value=127.0.0.1:$SHARED_PORT}]" \
	--query Vpc.VpcId)
for V in "$APP" "$SHARED"; do aws ec2 modify-vpc-attribute --vpc-id "$V" --enable-dns-hostnames '{"Value":true}'; done
SUBNET_A=$(aws ec2 create-subnet --vpc-id "$APP" --cidr-block 10.0.1.0/24 --availability-zone us-east-1a --query Subnet.SubnetId)
SUBNET_B=$(aws ec2 create-subnet --vpc-id "$APP" --cidr-block 10.0.2.0/24 --availability-zone us-east-1b --query Subnet.SubnetId)
INSTANCE=$(aws ec2 run-instances --image-id ami-0abcdef1234567890 --instance-type t3.micro --count 1 \
	--subnet-id "$SUBNET_A" --private-ip-address 10.0.1.5 --query 'Instances[0].InstanceId')
echo "vpcs: $APP $SHARED, subnets: $SUBNET_A $SUBNET_B, instance: $INSTANCE"

step "2. the peering, with DNS resolution both ways"
PCX=$(aws ec2 create-vpc-peering-connection --vpc-id "$APP" --peer-vpc-id "$SHARED" \
	--query VpcPeeringConnection.VpcPeeringConnectionId)
aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id "$PCX" >/dev/null
aws ec2 modify-vpc-peering-connection-options --vpc-peering-connection-id "$PCX" \
	--requester-peering-connection-options AllowDnsResolutionFromRemoteVpc=true \
	--accepter-peering-connection-options AllowDnsResolutionFromRemoteVpc=true >/dev/null
echo "peering: $PCX"

step "3. the transit gateway, attached to vpc-app, and a static VPN to on-premises routed 192.168.0.0/16"
read -r TGW TGW_RT < <(aws ec2 create-transit-gateway --description core \
	--query 'TransitGateway.[TransitGatewayId,Options.AssociationDefaultRouteTableId]')
aws ec2 create-transit-gateway-vpc-attachment --transit-gateway-id "$TGW" --vpc-id "$APP" \
	--subnet-ids "$SUBNET_A" "$SUBNET_B" >/dev/null
CGW=$(aws ec2 create-customer-gateway --type ipsec.1 --ip-address 198.51.100.7 --bgp-asn 65000 \
	--query CustomerGateway.CustomerGatewayId)
VPN=$(aws ec2 create-vpn-connection --type ipsec.1 --customer-gateway-id "$CGW" --transit-gateway-id "$TGW" \
	--options StaticRoutesOnly=true --query VpnConnection.VpnConnectionId)
VPN_ATT=$(aws ec2 describe-transit-gateway-attachments --filters "Name=resource-id,Values=$VPN" \
	--query 'TransitGatewayAttachments[0].TransitGatewayAttachmentId')
aws ec2 create-transit-gateway-route --transit-gateway-route-table-id "$TGW_RT" \
	--destination-cidr-block 192.168.0.0/16 --transit-gateway-attachment-id "$VPN_ATT" >/dev/null
echo "transit gateway: $TGW (route table $TGW_RT), vpn: $VPN (attachment $VPN_ATT)"

step "4. the endpoints' security groups: DNS to, and from, on-premises only"
SG_OUT=$(aws ec2 create-security-group --group-name resolver-out --description "DNS to on-premises" --vpc-id "$APP" --query GroupId)
SG_IN=$(aws ec2 create-security-group --group-name resolver-in --description "DNS from on-premises" --vpc-id "$APP" --query GroupId)
for G in "$SG_OUT" "$SG_IN"; do
	aws ec2 revoke-security-group-egress --group-id "$G" --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]' >/dev/null
done
DNS_PERMS=('IpProtocol=udp,FromPort=53,ToPort=53,IpRanges=[{CidrIp=192.168.0.0/16}]'
	'IpProtocol=tcp,FromPort=53,ToPort=53,IpRanges=[{CidrIp=192.168.0.0/16}]')
aws ec2 authorize-security-group-egress --group-id "$SG_OUT" --ip-permissions "${DNS_PERMS[@]}" >/dev/null
aws ec2 authorize-security-group-ingress --group-id "$SG_IN" --ip-permissions "${DNS_PERMS[@]}" >/dev/null
echo "security groups: $SG_OUT $SG_IN"

step "5. subnet-app-a's network ACL"
ACL=$(aws ec2 create-network-acl --vpc-id "$APP" --query NetworkAcl.NetworkAclId)
aws ec2 create-network-acl-entry --network-acl-id "$ACL" --rule-number 100 --egress --protocol -1 \
	--cidr-block 0.0.0.0/0 --rule-action allow
aws ec2 create-network-acl-entry --network-acl-id "$ACL" --rule-number 100 --ingress --protocol 17 \
	--port-range From=1024,To=65535 --cidr-block 192.168.0.0/16 --rule-action allow
aws ec2 create-network-acl-entry --network-acl-id "$ACL" --rule-number 110 --ingress --protocol 6 \
	--port-range From=1024,To=65535 --cidr-block 192.168.0.0/16 --rule-action allow
ACL_ASSOC=$(aws ec2 describe-network-acls --filters "Name=association.subnet-id,Values=$SUBNET_A" \
	--query "NetworkAcls[0].Associations[?SubnetId=='$SUBNET_A'].NetworkAclAssociationId")
aws ec2 replace-network-acl-association --association-id "$ACL_ASSOC" --network-acl-id "$ACL" >/dev/null
echo "network acl: $ACL"

step "6. vpc-app's main route table: on-premises to the transit gateway, vpc-shared to the peering"
RTB=$(aws ec2 describe-route-tables --filters "Name=vpc-id,Values=$APP" Name=association.main,Values=true \
	--query 'RouteTables[0].RouteTableId')
aws ec2 create-route --route-table-id "$RTB" --destination-cidr-block 192.168.0.0/16 --transit-gateway-id "$TGW" >/dev/null
aws ec2 create-route --route-table-id "$RTB" --destination-cidr-block 10.1.0.0/16 --vpc-peering-connection-id "$PCX" >/dev/null
aws ec2 associate-route-table --route-table-id "$RTB" --subnet-id "$SUBNET_A" >/dev/null
echo "route table: $RTB"

step "7. the resolver endpoints at the example's addresses"
OUT=$(aws route53resolver create-resolver-endpoint --creator-request-id rslvr-out-onprem --name onprem \
	--direction OUTBOUND --security-group-ids "$SG_OUT" \
	--ip-addresses "SubnetId=$SUBNET_A,Ip=10.0.1.10" "SubnetId=$SUBNET_B,Ip=10.0.2.10" --query ResolverEndpoint.Id)
IN=$(aws route53resolver create-resolver-endpoint --creator-request-id rslvr-in-app --name app \
	--direction INBOUND --security-group-ids "$SG_IN" \
	--ip-addresses "SubnetId=$SUBNET_A,Ip=10.0.1.11" "SubnetId=$SUBNET_B,Ip=10.0.2.11" \
	--tags "Key=vpcdns:listen,Value=127.0.0.1:$INBOUND_PORT" --query ResolverEndpoint.Id)
echo "endpoints: $OUT $IN"

step "8. the forward rules, associated with vpc-app"
REVERSE=$(aws route53resolver create-resolver-rule --creator-request-id rslvr-rr-onprem-reverse --name onprem-reverse \
	--rule-type FORWARD --domain-name 0.10.in-addr.arpa --resolver-endpoint-id "$OUT" \
	--target-ips Ip=192.168.10.53,Port=53 Ip=192.168.20.53 --query ResolverRule.Id)
CORP=$(aws route53resolver create-resolver-rule --creator-request-id rslvr-rr-corp --name corp \
	--rule-type FORWARD --domain-name corp.example --resolver-endpoint-id "$OUT" \
	--target-ips Ip=192.168.10.53 --query ResolverRule.Id)
for R in "$REVERSE" "$CORP"; do
	aws route53resolver associate-resolver-rule --resolver-rule-id "$R" --vpc-id "$APP" >/dev/null
done
echo "rules: $REVERSE $CORP"

step "9. the private hosted zone internal.example, associated with vpc-app, and its records"
ZONE=$(aws route53 create-hosted-zone --name internal.example --caller-reference internal-example \
	--vpc "VPCRegion=us-east-1,VPCId=$APP" --query HostedZone.Id)
ZONE=${ZONE#/hostedzone/}
aws route53 change-resource-record-sets --hosted-zone-id "$ZONE" --change-batch '{"Changes":[
  {"Action":"CREATE","ResourceRecordSet":{"Name":"db.internal.example","Type":"A","TTL":300,"ResourceRecords":[{"Value":"10.0.1.20"}]}},
  {"Action":"CREATE","ResourceRecordSet":{"Name":"www.internal.example","Type":"CNAME","TTL":300,"ResourceRecords":[{"Value":"db.internal.example"}]}}]}' >/dev/null
echo "zone: $ZONE"

step "10. query logging of both VPCs (to standard output, the default)"
QLC=$(aws route53resolver create-resolver-query-log-config --name all --creator-request-id rslvr-qlc-all \
	--destination-arn arn:aws:logs:us-east-1:111122223333:log-group:vpcdns --query ResolverQueryLogConfig.Id)
for V in "$APP" "$SHARED"; do
	aws route53resolver associate-resolver-query-log-config --resolver-query-log-config-id "$QLC" --resource-id "$V" >/dev/null
done
echo "query logging: $QLC"

step "dig: the example's answers through the network built with the AWS CLI"
expect -x 10.0.1.5 @127.0.0.1 -p "$APP_PORT" app1.corp.example.
expect -x 10.0.1.5 @127.0.0.1 -p "$SHARED_PORT" ip-10-0-1-5.ec2.internal.
expect db.corp.example @127.0.0.1 -p "$APP_PORT" 10.0.1.20
expect www.internal.example @127.0.0.1 -p "$APP_PORT" "db.internal.example. 10.0.1.20"
expect "$INSTANCE.ec2.internal" @127.0.0.1 -p "$APP_PORT" 10.0.1.5
expect db.corp.example @127.0.0.1 -p "$INBOUND_PORT" 10.0.1.20

# The example's ids for AWS's (vpcdns diff compares the winning rule's id;
# the resources the example leaves implicit keep theirs). The private
# hosted zone of the example declares no id: it gets one from its name.
EXAMPLE_ZONE=$("$VPCDNS" explain --vpc vpc-app www.internal.example -o json | tr -d ' \n' |
	sed -n 's/.*"source":"private-hosted-zone","id":"\([^"]*\)".*/\1/p')
[ -n "$EXAMPLE_ZONE" ] || fail "no id for the example's zone"
rename() {
	sed -e "s/$APP/vpc-app/g" -e "s/$SHARED/vpc-shared/g" -e "s/$SUBNET_A/subnet-app-a/g" -e "s/$SUBNET_B/subnet-app-b/g" \
		-e "s/$INSTANCE/i-0123456789abcdef0/g" -e "s/$PCX/pcx-app-shared/g" -e "s/$TGW\b/tgw-core/g" -e "s/$VPN\b/vpn-onprem/g" \
		-e "s/$SG_OUT/sg-resolver-out/g" -e "s/$SG_IN/sg-resolver-in/g" -e "s/$ACL/acl-app/g" -e "s/$RTB/rtb-app/g" \
		-e "s/$OUT/rslvr-out-onprem/g" -e "s/$IN/rslvr-in-app/g" -e "s/$REVERSE/rslvr-rr-onprem-reverse/g" \
		-e "s/$CORP/rslvr-rr-corp/g" -e "s/$ZONE/$EXAMPLE_ZONE/g" -e "s/$QLC/rslvr-qlc-all/g"
}

step "vpcdns diff: the example and the export behave the same"
"$VPCDNS" export --data-dir data | rename >built.yaml
"$VPCDNS" diff example.yaml built.yaml || fail "the network built with the AWS CLI behaves differently from the example"

step "without the transit gateway's route to the VPN, diff sees the blocked paths"
aws ec2 delete-transit-gateway-route --transit-gateway-route-table-id "$TGW_RT" --destination-cidr-block 192.168.0.0/16 >/dev/null
"$VPCDNS" export --data-dir data | rename >built.yaml
if "$VPCDNS" diff example.yaml built.yaml >diff.txt; then
	fail "diff found no change without the transit gateway route"
fi
cat diff.txt
grep -q 'corp.example.  *path' diff.txt || fail "diff does not report corp.example's path"
echo "ok: the example, built with the AWS CLI"
