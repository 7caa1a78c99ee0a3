"""Publish the Celery queue's depth to CloudWatch, so the worker service scales on it.

    python -m backend_contract.server.queue_metric      # every 60 s until SIGTERM

Runs as a small non-essential sidecar container beside each API task (the API service always
has at least two tasks, so the metric keeps flowing while workers are scaled in, which a
publisher inside the workers could not promise). Every copy publishes the same figures; the
scaling policy reads their average.

Metrics (namespace ``AIPRISM_METRIC_NAMESPACE``, default ``AIPrism``; dimension
``Deployment`` = ``AIPRISM_METRIC_DEPLOYMENT``, default the Redis key prefix):
- ``QueueDepth``: jobs waiting in the queue plus jobs taken by a worker and not yet finished;
- ``BacklogPerWorker``: QueueDepth per live worker (per one worker when none is alive), the
  figure target tracking keeps near the worker concurrency.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

import boto3

from backend_contract.server.config import ServerConfig, load_config
from backend_contract.server.keys import Keys, StrRedis
from backend_contract.server.logs import configure_logging
from backend_contract.server.routes_meta import WORKER_FRESH_S
from backend_contract.server.state import redis_client

QUEUE = "celery"  # Celery's default queue: both tasks go there
PRIORITY_SEPARATOR = "\x06\x16"  # kombu's Redis transport keeps one list per priority step
UNACKED = "unacked"  # kombu's hash of messages delivered to a worker and not yet acknowledged
INTERVAL_S = 60.0

log = logging.getLogger("aiprism.queue_metric")


@dataclass(frozen=True, slots=True)
class QueueFigures:
    waiting: int
    taken: int
    workers: int

    @property
    def depth(self) -> int:
        return self.waiting + self.taken

    @property
    def backlog_per_worker(self) -> float:
        return self.depth / max(self.workers, 1)


def measure(broker: StrRedis, keys: Keys) -> QueueFigures:
    """The queue as the broker (which also holds the workers' heartbeats) has it now."""
    lists = [QUEUE, *(f"{QUEUE}{PRIORITY_SEPARATOR}{step}" for step in (3, 6, 9))]
    pipe = broker.pipeline(transaction=False)
    for name in lists:
        pipe.llen(name)
    pipe.hlen(UNACKED)
    *lengths, taken = pipe.execute()
    workers = broker.zcount(keys.workers(), time.time() - WORKER_FRESH_S, "+inf")
    return QueueFigures(sum(int(n) for n in lengths), int(taken), int(workers))


def metric_data(figures: QueueFigures, deployment: str) -> list[dict[str, Any]]:
    dimensions = [{"Name": "Deployment", "Value": deployment}]
    return [
        {"MetricName": "QueueDepth", "Dimensions": dimensions, "Value": figures.depth,
         "Unit": "Count"},
        {"MetricName": "BacklogPerWorker", "Dimensions": dimensions,
         "Value": figures.backlog_per_worker, "Unit": "Count"},
    ]  # fmt: skip


def publish_once(config: ServerConfig, cloudwatch: Any, namespace: str, deployment: str) -> None:
    broker = redis_client(config.redis_url)
    try:
        figures = measure(broker, Keys(config.key_prefix))
    finally:
        broker.close()
    cloudwatch.put_metric_data(Namespace=namespace, MetricData=metric_data(figures, deployment))
    log.info(
        "queue depth published",
        extra={"depth": figures.depth, "workers": figures.workers},
    )


def main() -> int:
    config = load_config()
    configure_logging(config.log_level)
    namespace = os.environ.get("AIPRISM_METRIC_NAMESPACE", "AIPrism")
    deployment = os.environ.get("AIPRISM_METRIC_DEPLOYMENT", config.key_prefix)
    cloudwatch = boto3.client("cloudwatch", region_name=config.region)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.is_set():
        try:
            publish_once(config, cloudwatch, namespace, deployment)
        except Exception as error:  # Redis or CloudWatch away: try again next minute
            log.warning("queue depth not published", extra={"error": type(error).__name__})
        stop.wait(INTERVAL_S)
    return 0


if __name__ == "__main__":
    sys.exit(main())
