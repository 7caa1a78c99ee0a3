"""The Lightsail container-service deployment: API, worker and Redis on one node.

Lightsail runs every container of a deployment on each node of the service, and they share the
node's network, so Redis is reached on localhost. That also means one node (scale 1): with two
nodes each would have its own Redis. Lightsail has no IAM role for containers and no secret
store, so deploy.sh fills the ``${...}`` placeholders (image, region, the Bedrock access key of
an IAM user limited by iam-policy.json, the team tokens) when it deploys, never on disk.
"""

from __future__ import annotations

from cfn.containers import API_PORT, WORKER_COMMAND
from cfn.fn import Json

REDIS_IMAGE = "public.ecr.aws/docker/library/redis:7.4-alpine"
REDIS_COMMAND = [
    "redis-server", "--bind", "127.0.0.1", "--protected-mode", "yes", "--save", "",
    "--appendonly", "no", "--maxmemory-policy", "noeviction",
]  # fmt: skip


def _environment(**extra: str) -> dict[str, str]:
    return {
        "AIPRISM_REDIS_URL": "redis://127.0.0.1:6379/0",
        "AIPRISM_PROVIDER": "bedrock",
        "AWS_REGION": "${AWS_REGION}",
        "AWS_ACCESS_KEY_ID": "${BEDROCK_ACCESS_KEY_ID}",
        "AWS_SECRET_ACCESS_KEY": "${BEDROCK_SECRET_ACCESS_KEY}",
        "AIPRISM_GLOBAL_ROUTING": "no",  # iam-policy.json has no global. profile
        "AIPRISM_WORKER_CONCURRENCY": "8",
        "AIPRISM_LOG_LEVEL": "INFO",
        **extra,
    }


def deployment() -> Json:
    """``aws lightsail create-container-service-deployment --cli-input-json`` input."""
    return {
        "serviceName": "${SERVICE_NAME}",
        "containers": {
            "redis": {"image": REDIS_IMAGE, "command": REDIS_COMMAND},
            "api": {
                "image": "${IMAGE}",
                "environment": _environment(
                    AIPRISM_BIND=f"0.0.0.0:{API_PORT}", AIPRISM_TEAM_TOKENS="${AIPRISM_TEAM_TOKENS}"
                ),
                "ports": {str(API_PORT): "HTTP"},
            },
            "worker": {
                "image": "${IMAGE}",
                "command": WORKER_COMMAND,
                "environment": _environment(),
            },
        },
        "publicEndpoint": {
            "containerName": "api",
            "containerPort": API_PORT,
            "healthCheck": {
                "path": "/v1/health",
                # Lightsail takes 200-499 only, and a 503 here means the worker or Redis beside
                # the API is not up: a deployment that never gets there is not switched to.
                "successCodes": "200",
                "intervalSeconds": 10,
                "timeoutSeconds": 5,
                "healthyThreshold": 2,
                "unhealthyThreshold": 3,
            },
        },
    }


def _resolve(value: object) -> object:
    """A CloudFormation policy made plain: ``Fn::Sub`` with deploy.sh's placeholders,
    ``Fn::If AllowGlobal`` dropped (a Lightsail deployment keeps to its own geography)."""
    if isinstance(value, list):
        return [_resolve(item) for item in value if not _is_global_only(item)]
    if isinstance(value, dict):
        if "Fn::Sub" in value:
            text = str(value["Fn::Sub"])
            for name, placeholder in (
                ("${AWS::Partition}", "aws"),
                ("${AWS::Region}", "${AWS_REGION}"),
                ("${AWS::AccountId}", "${AWS_ACCOUNT_ID}"),
            ):
                text = text.replace(name, placeholder)
            return text
        return {key: _resolve(item) for key, item in value.items()}
    return value


def _is_global_only(item: object) -> bool:
    return isinstance(item, dict) and item.get("Fn::If", [None])[0] == "AllowGlobal"


def iam_policy(statements: list[Json]) -> Json:
    """The policy of the IAM user whose access key the Lightsail containers use."""
    return {"Version": "2012-10-17", "Statement": _resolve(statements)}
