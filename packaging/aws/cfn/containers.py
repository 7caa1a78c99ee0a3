"""The containers of the two task definitions: one image, three commands."""

from __future__ import annotations

from cfn.data import METRIC_NAMESPACE, REDIS_URL
from cfn.fn import Json, ref, sub

# The image's CMD runs the API; these are the other two commands of the same image (the
# Lightsail deployment and ./test's image check use exactly these).
WORKER_COMMAND = [
    "celery", "-A", "backend_contract.server.celery_app", "worker",
    "--without-gossip", "--without-mingle", "--loglevel", "INFO",
]  # fmt: skip
QUEUE_METRIC_COMMAND = ["python", "-m", "backend_contract.server.queue_metric"]
HEALTH_CHECK = {
    "Command": ["CMD", "python", "-m", "backend_contract.server.healthcheck"],
    "Interval": 30,
    "Timeout": 10,
    "Retries": 3,
    "StartPeriod": 60,
}
API_PORT = 8080


def _environment(**extra: object) -> list[Json]:
    values: dict[str, object] = {
        "AIPRISM_REDIS_URL": REDIS_URL,
        "AIPRISM_PROVIDER": "bedrock",
        "AWS_REGION": ref("AWS::Region"),
        "AIPRISM_GLOBAL_ROUTING": ref("AllowGlobalRouting"),
        "AIPRISM_WORKER_CONCURRENCY": ref("WorkerConcurrency"),
        "AIPRISM_LOG_LEVEL": "INFO",
        "AIPRISM_EXPORTS_BUCKET": ref("ExportsBucket"),
        **extra,
    }
    return [{"Name": name, "Value": value} for name, value in values.items()]


REDIS_PASSWORD = {"Name": "AIPRISM_REDIS_PASSWORD", "ValueFrom": ref("RedisAuthSecret")}
TEAM_TOKENS = {"Name": "AIPRISM_TEAM_TOKENS", "ValueFrom": ref("TeamTokensSecret")}


def _logs(group: str, prefix: str) -> Json:
    return {
        "LogDriver": "awslogs",
        "Options": {
            "awslogs-group": ref(group),
            "awslogs-region": ref("AWS::Region"),
            "awslogs-stream-prefix": prefix,
        },
    }


def _hardened(container: Json) -> Json:
    """Read-only root file system (a task volume at /tmp for gunicorn's heartbeat files)."""
    return {
        **container,
        "ReadonlyRootFilesystem": True,
        "MountPoints": [{"SourceVolume": "tmp", "ContainerPath": "/tmp", "ReadOnly": False}],
    }


def api_containers() -> list[Json]:
    """The API (the image's default command) and the queue-depth publisher beside it."""
    return [
        _hardened({
            "Name": "api",
            "Image": ref("ImageUri"),
            "Essential": True,
            "PortMappings": [{"ContainerPort": API_PORT, "Protocol": "tcp"}],
            "Environment": _environment(AIPRISM_BIND=f"0.0.0.0:{API_PORT}"),
            "Secrets": [REDIS_PASSWORD, TEAM_TOKENS],
            "HealthCheck": HEALTH_CHECK,
            "StopTimeout": 35,  # gunicorn's graceful_timeout is 30 s
            "LogConfiguration": _logs("ApiLogGroup", "api"),
        }),
        _hardened({
            "Name": "queue-metric",
            "Image": ref("ImageUri"),
            "Essential": False,  # losing it must not take the API down
            "Command": QUEUE_METRIC_COMMAND,
            "Environment": _environment(
                AIPRISM_METRIC_NAMESPACE=METRIC_NAMESPACE,
                AIPRISM_METRIC_DEPLOYMENT=ref("AWS::StackName"),
            ),
            "Secrets": [REDIS_PASSWORD],
            "MemoryReservation": 128,
            "LogConfiguration": _logs("ApiLogGroup", "queue-metric"),
        }),
    ]  # fmt: skip


def worker_containers() -> list[Json]:
    return [
        _hardened({
            "Name": "worker",
            "Image": ref("ImageUri"),
            "Essential": True,
            "Command": WORKER_COMMAND,
            "Environment": _environment(),
            "Secrets": [REDIS_PASSWORD],
            "HealthCheck": HEALTH_CHECK,
            # The longest stop ECS allows: a worker finishes what it can, and a job it could
            # not finish goes to another worker after the visibility timeout (acks_late).
            "StopTimeout": 120,
            "LogConfiguration": _logs("WorkerLogGroup", "worker"),
        })
    ]  # fmt: skip


def endpoint() -> Json:
    return sub("https://${LoadBalancer.DNSName}")
