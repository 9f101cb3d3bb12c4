#!/usr/bin/env bash
# profiles.sh: build a Route 53 Profile with the AWS CLI, against `vpcdns
# serve --api-listen`, and check with dig on the VPC's socket that what it
# carries answers there (issue 16; docs/api.md#route-53-profiles):
#
#   a Profile with a private hosted zone of another VPC, associated with
#   the VPC: dig answers from the zone; the state survives a restart;
#   export writes route53_profiles and checks; tags by the Profile's ARN;
#   taking the zone out of the Profile (its ARN in the path) stops the
#   answer; the Profile is refused deletion while associated, then goes.
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
r53p() { aws route53profiles "$@"; }
api_ready() { r53p list-profiles; }

# expect NAME STATUS ANSWER: dig's status and answer (+short) for NAME A on
# the VPC's socket.
expect() { expect_a "$1" "$2|$3"; }

cat >"$WORK/start.yaml" <<YAML
# vpc-app, answered on 127.0.0.1:$DNS_PORT, and vpc-hub, whose private
# hosted zone the AWS CLI brings to vpc-app through a Route 53 Profile.
account_id: "111122223333"
region: us-east-1
vpcs:
  - id: vpc-app
    cidr_blocks: [10.0.0.0/16]
    enable_dns_hostnames: true
    resolver_listen: ["127.0.0.1:$DNS_PORT"]
  - {id: vpc-hub, cidr_blocks: [10.1.0.0/16]}
private_hosted_zones:
  - id: ZCORP0000000000000001
    name: corp.internal
    vpcs: [vpc-hub]
    records:
      - {name: app.corp.internal, type: A, values: [10.1.0.10]}
YAML
ZONE_ARN=arn:aws:route53:::hostedzone/ZCORP0000000000000001

step "start vpcdns with the AWS API on $ENDPOINT"
start_vpcdns
expect app.corp.internal SERVFAIL ""

step "a Profile with the hub's zone, associated with vpc-app"
PROFILE=$(r53p create-profile --name corp --client-token "p-$(date +%s%N)" --query Profile.Id)
echo "profile: $PROFILE"
r53p associate-resource-to-profile --profile-id "$PROFILE" --name corp-zone --resource-arn "$ZONE_ARN" >/dev/null
ASSOC=$(r53p associate-profile --profile-id "$PROFILE" --resource-id vpc-app --name app --query ProfileAssociation.Id)
echo "association: $ASSOC"
expect app.corp.internal NOERROR 10.1.0.10
[ "$(r53p get-profile-association --profile-association-id "$ASSOC" --query ProfileAssociation.Status)" = COMPLETE ] ||
	fail "the association is not COMPLETE once DNS answers"
[ "$(r53p list-profile-resource-associations --profile-id "$PROFILE" --query 'ProfileResourceAssociations[0].ResourceType')" = AWS::Route53::HostedZone ] ||
	fail "the profile does not list the zone"

step "the state survives a restart"
stop_vpcdns
start_vpcdns
expect app.corp.internal NOERROR 10.1.0.10
[ "$(r53p list-profile-associations --resource-id vpc-app --query 'ProfileAssociations[0].ProfileId')" = "$PROFILE" ] ||
	fail "the association is gone after the restart"

step "export holds the Profile"
"$VPCDNS" export --data-dir "$WORK/data" >"$WORK/exported.yaml"
grep -q "^route53_profiles:" "$WORK/exported.yaml" || fail "the export has no route53_profiles"
"$VPCDNS" check -c "$WORK/exported.yaml" >/dev/null || fail "the exported network does not check"
echo "ok: $WORK/exported.yaml"

step "tags by the Profile's ARN"
ARN=$(r53p get-profile --profile-id "$PROFILE" --query Profile.Arn)
r53p tag-resource --resource-arn "$ARN" --tags team=dns >/dev/null
[ "$(r53p list-tags-for-resource --resource-arn "$ARN" --query Tags.team)" = dns ] || fail "the tag is not listed"
r53p untag-resource --resource-arn "$ARN" --tag-keys team >/dev/null
echo "ok: tagged and untagged $ARN"

step "an associated Profile is not deleted"
if out=$(r53p delete-profile --profile-id "$PROFILE" 2>&1); then
	fail "an associated profile was deleted"
fi
echo "$out" | grep -q ConflictException || fail "want ConflictException, got: $out"
echo "ok: $(echo "$out" | grep ConflictException)"

step "the zone out of the Profile: vpc-app no longer sees it"
r53p disassociate-resource-from-profile --profile-id "$PROFILE" --resource-arn "$ZONE_ARN" >/dev/null
expect app.corp.internal SERVFAIL ""

step "the Profile off the VPC, then deleted"
r53p disassociate-profile --profile-id "$PROFILE" --resource-id vpc-app >/dev/null
[ "$(r53p delete-profile --profile-id "$PROFILE" --query Profile.Status)" = DELETED ] || fail "delete-profile"
[ "$(r53p list-profiles --query 'length(ProfileSummaries)')" = 0 ] || fail "profiles are left"

printf '\nPASS\n'
