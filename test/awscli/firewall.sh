#!/usr/bin/env bash
# firewall.sh: build a Route 53 Resolver DNS Firewall with the AWS CLI,
# against `vpcdns serve --api-listen`, and check each action with dig on
# the VPC's socket (issue 13; docs/firewall.md):
#
#   domain lists, a rule group with an ALERT, an ALLOW, BLOCK NXDOMAIN,
#   BLOCK NODATA and BLOCK OVERRIDE rule, its association with the VPC;
#   then dig shows NXDOMAIN, NODATA, the override CNAME, ALLOW before
#   BLOCK, and ALERT resolving; deleting a list in use is refused;
#   disassociation lifts the block; the query log carries the firewall
#   fields; the export holds the firewall.
#
# Environment:
#   VPCDNS      the vpcdns binary (required)
#   API_PORT    port of the AWS API on 127.0.0.1 [4566]
#   DNS_PORT    port of the VPC's resolver on 127.0.0.1 [5353]
#   WORK        working directory (state, logs) [a new temporary directory]
#
# Everything listens and is sent on 127.0.0.1 only.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
DNS_PORT=${DNS_PORT:-5353}
r53r() { aws route53resolver "$@"; }
api_ready() { r53r list-firewall-rule-groups; }

expect() { expect_a "$@"; } # NAME STATUS|ANSWER

cat >"$WORK/start.yaml" <<YAML
# One VPC with a private hosted zone, answered on 127.0.0.1:$DNS_PORT,
# its queries logged to a file. The AWS CLI builds the firewall.
account_id: "111122223333"
region: us-east-1
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
    resolver_listen: ["127.0.0.1:$DNS_PORT"]
private_hosted_zones:
  - name: internal.example
    vpcs: [vpc-app]
    records:
      - {name: bad.internal.example, type: A, values: [10.0.1.66]}
      - {name: quiet.internal.example, type: A, values: [10.0.1.67]}
      - {name: ok.internal.example, type: A, values: [10.0.1.7]}
      - {name: watched.internal.example, type: A, values: [10.0.1.8]}
      - {name: walled.internal.example, type: A, values: [10.0.1.99]}
query_logging:
  - {id: rslvr-qlc-app, destination: "file:$WORK/query.log", vpcs: [vpc-app]}
YAML

step "start vpcdns with the AWS API on $ENDPOINT"
start_vpcdns

step "domain lists"
list() { # NAME DOMAIN...: a domain list holding the domains; prints its id
	local id
	id=$(r53r create-firewall-domain-list --creator-request-id "$1-$(date +%s%N)" --name "$1" --query FirewallDomainList.Id)
	shift
	r53r update-firewall-domains --firewall-domain-list-id "$id" --operation ADD --domains "$@" >/dev/null
	echo "$id"
}
BAD=$(list bad bad.internal.example ok.internal.example)
QUIET=$(list quiet quiet.internal.example)
ADS=$(list ads '*.ads.internal.example')
OK=$(list ok ok.internal.example)
WATCH=$(list watch watched.internal.example)
echo "lists: $BAD $QUIET $ADS $OK $WATCH"
[ "$(r53r get-firewall-domain-list --firewall-domain-list-id "$BAD" --query FirewallDomainList.DomainCount)" = 2 ] ||
	fail "the bad list does not hold 2 domains"
r53r list-firewall-domain-lists --query 'FirewallDomainLists[?ManagedOwnerName!=`null`].Name' | grep -q AWSManagedDomainsMalwareDomainList ||
	fail "the AWS-managed lists are not listed"

step "a rule group with one rule of each kind"
GROUP=$(r53r create-firewall-rule-group --creator-request-id "g-$(date +%s%N)" --name main --query FirewallRuleGroup.Id)
rule() { r53r create-firewall-rule --creator-request-id "r-$RANDOM-$(date +%s%N)" --firewall-rule-group-id "$GROUP" "$@" >/dev/null; }
rule --name watch --priority 10 --firewall-domain-list-id "$WATCH" --action ALERT
rule --name allow-ok --priority 50 --firewall-domain-list-id "$OK" --action ALLOW
rule --name block-bad --priority 100 --firewall-domain-list-id "$BAD" --action BLOCK --block-response NXDOMAIN
rule --name quiet --priority 200 --firewall-domain-list-id "$QUIET" --action BLOCK --block-response NODATA
rule --name walled --priority 300 --firewall-domain-list-id "$ADS" --action BLOCK --block-response OVERRIDE \
	--block-override-dns-type CNAME --block-override-domain walled.internal.example --block-override-ttl 60
[ "$(r53r list-firewall-rules --firewall-rule-group-id "$GROUP" --query 'length(FirewallRules)')" = 5 ] ||
	fail "the group does not have 5 rules"

step "before the association nothing is filtered"
expect bad.internal.example "NOERROR|10.0.1.66"

step "associate the rule group with the VPC"
ASSOC=$(r53r associate-firewall-rule-group --creator-request-id "a-$(date +%s%N)" --firewall-rule-group-id "$GROUP" \
	--vpc-id vpc-app --priority 101 --name main-app --query FirewallRuleGroupAssociation.Id)
echo "association: $ASSOC"
expect bad.internal.example "NXDOMAIN|"
expect quiet.internal.example "NOERROR|"
expect x.ads.internal.example "NOERROR|walled.internal.example. 10.0.1.99"
expect ok.internal.example "NOERROR|10.0.1.7"
expect watched.internal.example "NOERROR|10.0.1.8"

step "a second association at the same priority is refused"
G2=$(r53r create-firewall-rule-group --creator-request-id "g2-$(date +%s%N)" --name second --query FirewallRuleGroup.Id)
if out=$(r53r associate-firewall-rule-group --creator-request-id "a2-$(date +%s%N)" --firewall-rule-group-id "$G2" \
	--vpc-id vpc-app --priority 101 --name dup 2>&1); then
	fail "a duplicate association priority was accepted"
fi
echo "$out" | grep -q ConflictException || fail "want ConflictException, got: $out"
echo "ok: $(echo "$out" | grep ConflictException)"

step "deleting a domain list that a rule uses is refused"
if out=$(r53r delete-firewall-domain-list --firewall-domain-list-id "$BAD" 2>&1); then
	fail "deleting a list in use succeeded"
fi
echo "$out" | grep -q ConflictException || fail "want ConflictException, got: $out"
echo "ok: $(echo "$out" | grep ConflictException)"

step "export holds the firewall"
"$VPCDNS" export --data-dir "$WORK/data" >"$WORK/exported.yaml"
for key in firewall_domain_lists firewall_rule_groups firewall_rule_group_associations; do
	grep -q "^$key:" "$WORK/exported.yaml" || fail "the export has no $key"
done
"$VPCDNS" check -c "$WORK/exported.yaml" >/dev/null || fail "the exported network does not check"
echo "ok: $WORK/exported.yaml"

step "disassociate: the block is lifted"
r53r disassociate-firewall-rule-group --firewall-rule-group-association-id "$ASSOC" >/dev/null
expect bad.internal.example "NOERROR|10.0.1.66"

step "the query log carries the firewall fields"
stop_vpcdns
grep '"query_name":"bad.internal.example."' "$WORK/query.log" |
	grep -q "\"firewall_rule_group_id\":\"$GROUP\",\"firewall_rule_action\":\"BLOCK\",\"firewall_domain_list_id\":\"$BAD\"" ||
	fail "no BLOCK record for bad.internal.example in $WORK/query.log"
grep '"query_name":"watched.internal.example."' "$WORK/query.log" |
	grep -q "\"firewall_rule_action\":\"ALERT\",\"firewall_domain_list_id\":\"$WATCH\"" ||
	fail "no ALERT record for watched.internal.example"
grep '"query_name":"ok.internal.example."' "$WORK/query.log" | grep -q firewall_rule_action &&
	fail "an ALLOW match is logged with firewall fields (AWS logs alert and block only)"
echo "ok: $(grep -c firewall_rule_action "$WORK/query.log") records with firewall fields"

printf '\nPASS\n'
