# lib.sh: what the AWS CLI scripts of this directory share. A script sources
# it after `set -euo pipefail`:
#
#   . "$(dirname "$0")/lib.sh"
#
# It reads VPCDNS (the vpcdns binary, required), API_PORT (port of the AWS
# API on 127.0.0.1 [4566]) and WORK (working directory [a new temporary
# directory], made absolute, so a script may cd into it), sets ENDPOINT, and
# defines:
#
#   aws ...          the AWS CLI against vpcdns only, text output
#   step TEXT        a heading in the output
#   fail TEXT        report TEXT and the end of vpcdns's log, exit 1
#   api_ready        the call start_vpcdns waits on; a script may define its
#                    own after sourcing this file
#   start_vpcdns     vpcdns serve -c $WORK/start.yaml --data-dir $WORK/data
#                    with the API on $API_PORT, once api_ready answers
#   stop_vpcdns      stop it (on exit too; INT and TERM exit)
#   ask NAME         dig's status and answer (+short) for NAME A on
#                    127.0.0.1:$DNS_PORT, as STATUS|ANSWER
#   expect_a NAME STATUS|ANSWER
#                    fail unless ask NAME gives that
#
# Everything listens and is sent on 127.0.0.1 only.

: "${VPCDNS:?set VPCDNS to the vpcdns binary}"
API_PORT=${API_PORT:-4566}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
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

api_ready() { aws ec2 describe-vpcs; }

PID=
start_vpcdns() {
	"$VPCDNS" serve -c "$WORK/start.yaml" --api-listen "127.0.0.1:$API_PORT" --data-dir "$WORK/data" \
		--log-level debug >>"$WORK/vpcdns.log" 2>&1 &
	PID=$!
	for _ in $(seq 100); do
		if api_ready >/dev/null 2>&1; then
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

ask() {
	local out status short
	out=$(dig +time=2 +tries=2 "$1" A @127.0.0.1 -p "$DNS_PORT") || fail "dig $1 failed"
	status=$(echo "$out" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')
	short=$(dig +short +time=2 +tries=2 "$1" A @127.0.0.1 -p "$DNS_PORT" | tr '\n' ' ' | sed 's/ $//')
	echo "$status|$short"
}

# expect_a NAME STATUS|ANSWER: ask NAME gives that.
expect_a() {
	local got
	got=$(ask "$1")
	[ "$got" = "$2" ] || fail "dig $1 answered '$got', want '$2'"
	echo "ok: dig $1 -> $got"
}
