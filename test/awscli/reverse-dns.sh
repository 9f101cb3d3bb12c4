#!/usr/bin/env bash
# reverse-dns.sh: build the reverse-DNS scenario of a hybrid network from
# nothing with the AWS CLI, against `vpcdns serve --api-listen`, and check
# the answers with dig (issue 6; docs/api.md is the same steps as a
# tutorial).
#
#   a VPC with DNS hostnames, two subnets, a security group, an outbound
#   resolver endpoint, a forward rule for the VPC's reverse zone
#   (0.10.in-addr.arpa) to the on-premises DNS server, the association;
#   then `dig -x 10.0.1.5` through vpcdns returns the on-premises PTR;
#   disassociating the rule makes it return the autodefined name
#   ip-10-0-1-5.ec2.internal.; a restart keeps it all, and associating the
#   rule again brings the on-premises answer back.
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

: "${VPCDNS:?set VPCDNS to the vpcdns binary}"
: "${BIND_PORT:?set BIND_PORT to the port of the on-premises DNS server on 127.0.0.1}"
API_PORT=${API_PORT:-4566}
DNS_PORT=${DNS_PORT:-5353}
WORK=${WORK:-$(mktemp -d)}
ENDPOINT=http://127.0.0.1:$API_PORT

# The AWS CLI talks to vpcdns only, with the test keys vpcdns accepts
# (without --api-credentials any signature is accepted).
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
aws() { command aws --endpoint-url "$ENDPOINT" --output text "$@"; }

step() { printf '\n== %s\n' "$*"; }
fail() {
	echo "FAIL: $*" >&2
	echo "--- vpcdns log ($WORK/vpcdns.log) ---" >&2
	tail -n 50 "$WORK/vpcdns.log" >&2 || true
	exit 1
}

PID=
start_vpcdns() {
	"$VPCDNS" serve -c "$WORK/start.yaml" --api-listen "127.0.0.1:$API_PORT" --data-dir "$WORK/data" \
		--log-level debug >>"$WORK/vpcdns.log" 2>&1 &
	PID=$!
	for _ in $(seq 100); do
		if aws route53resolver list-resolver-rules >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$PID" 2>/dev/null || fail "vpcdns exited"
		sleep 0.1
	done
	fail "the API did not answer on $ENDPOINT"
}
stop_vpcdns() {
	if [ -n "$PID" ]; then
		kill "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
		PID=
	fi
}
trap stop_vpcdns EXIT
trap 'exit 1' INT TERM

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

mkdir -p "$WORK"
cat >"$WORK/start.yaml" <<YAML
# The starting network: an account, a region and the on-premises network
# behind a VPN, whose DNS server 192.168.10.53 really answers at BIND on
# 127.0.0.1. The AWS CLI builds the rest.
account_id: "111122223333"
region: us-east-1
remote_networks:
  - {id: vpn-onprem, type: vpn, cidr_blocks: [192.168.0.0/16]}
emulation:
  address_map: {"192.168.10.53:53": "127.0.0.1:$BIND_PORT"}
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
for i in $(seq 20); do
	status=$(dig +time=5 +tries=1 -x 10.0.1.5 @127.0.0.1 -p "$DNS_PORT" | sed -n 's/.*status: \([A-Z]*\).*/\1/p')
	[ "$status" = SERVFAIL ] && break
	sleep 0.1
done
[ "$status" = SERVFAIL ] || fail "with no route to the target: status '$status', want SERVFAIL"
echo "ok: SERVFAIL"

step "a route to the on-premises network through the VPN, in the main route table"
MAIN_RT=$(aws ec2 describe-route-tables --filters "Name=vpc-id,Values=$VPC" Name=association.main,Values=true \
	--query 'RouteTables[0].RouteTableId')
aws ec2 create-route --route-table-id "$MAIN_RT" --destination-cidr-block 192.168.0.0/16 --gateway-id vpn-onprem >/dev/null
echo "route table: $MAIN_RT"
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

step "export the network"
"$VPCDNS" export --data-dir "$WORK/data" >"$WORK/exported.yaml"
"$VPCDNS" check -c "$WORK/exported.yaml" >/dev/null || fail "the exported network does not check"
grep -q "0.10.in-addr.arpa" "$WORK/exported.yaml" || fail "the exported network has no rule"
echo "ok: $WORK/exported.yaml"

printf '\nPASS\n'
