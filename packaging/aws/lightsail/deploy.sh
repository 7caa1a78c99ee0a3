#!/usr/bin/env bash
# Deploy the team backend to an Amazon Lightsail container service with the AWS CLI (v2).
#
#   packaging/aws/lightsail/deploy.sh IMAGE [SERVICE_NAME] [POWER]
#
# IMAGE: the backend image built from packaging/docker/Dockerfile on this machine (e.g.
# aiprism-backend:1.0); SERVICE_NAME defaults to aiprism; POWER (nano … xlarge) to small.
# From the environment (never written to disk; the filled deployment goes to the CLI on stdin):
#   AWS_REGION                  where the service runs (and the Bedrock region)
#   AIPRISM_TEAM_TOKENS         JSON {"team": "token", ...} (docs/deploy.md: creating tokens)
#   BEDROCK_ACCESS_KEY_ID       access key of an IAM user whose only policy is iam-policy.json
#   BEDROCK_SECRET_ACCESS_KEY   (Lightsail containers cannot take an IAM role)
# Prints the public URL once the deployment is running. A failed deployment leaves the previous
# one serving (Lightsail switches only when the new one is healthy).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

image=${1:?usage: deploy.sh IMAGE [SERVICE_NAME] [POWER]}
service=${2:-aiprism}
power=${3:-small}
: "${AWS_REGION:?set AWS_REGION}"
: "${AIPRISM_TEAM_TOKENS:?set AIPRISM_TEAM_TOKENS (JSON {team: token})}"
: "${BEDROCK_ACCESS_KEY_ID:?set BEDROCK_ACCESS_KEY_ID}"
: "${BEDROCK_SECRET_ACCESS_KEY:?set BEDROCK_SECRET_ACCESS_KEY}"
export AWS_REGION

state() {
  aws lightsail get-container-services --service-name "$service" \
    --query 'containerServices[0].state' --output text 2>/dev/null || echo MISSING
}

wait_for() {  # wait_for STATE... : until the service is in one of them (20 minutes at most)
  for _ in $(seq 1 120); do
    current=$(state)
    for wanted in "$@"; do [ "$current" = "$wanted" ] && return 0; done
    case $current in FAILED|MISSING) echo "service $service is $current" >&2; return 1;; esac
    sleep 10
  done
  echo "service $service still $current after 20 minutes" >&2
  return 1
}

if [ "$(state)" = MISSING ]; then
  echo "Creating container service $service ($power, one node: Redis lives beside the API)…" >&2
  aws lightsail create-container-service --service-name "$service" --power "$power" --scale 1 \
    >/dev/null
fi
wait_for READY RUNNING

echo "Pushing $image…" >&2
pushed=$(aws lightsail push-container-image --service-name "$service" --label backend \
  --image "$image")
reference=$(printf '%s\n' "$pushed" | sed -n 's/.*Refer to this image as "\(:[^"]*\)".*/\1/p')
[ -n "$reference" ] || { printf '%s\n' "$pushed" >&2; echo "push failed" >&2; exit 1; }

echo "Deploying $reference…" >&2
SERVICE_NAME=$service IMAGE=$reference python3 - "$here/deployment.json" <<'PY' |
import json, os, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
def fill(match: re.Match[str]) -> str:
    value = os.environ[match.group(1)]
    return json.dumps(value)[1:-1]  # the value as a JSON string body
sys.stdout.write(re.sub(r"\$\{([A-Z_]+)\}", fill, text))
PY
  aws lightsail create-container-service-deployment --cli-input-json file:///dev/stdin >/dev/null

wait_for RUNNING
sleep 20  # the new deployment becomes current once healthy
wait_for RUNNING
url=$(aws lightsail get-container-services --service-name "$service" \
  --query 'containerServices[0].url' --output text)
echo "Deployed: $url" >&2
echo "Check it: python -m backend_contract.conformance $url --token TOKEN --token2 TOKEN2" >&2
echo "$url"
