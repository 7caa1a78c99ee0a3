"""The Celery application: Redis as broker and result store, settings for long I/O-bound jobs.

Run a worker with ``celery -A backend_contract.server.celery_app worker -P threads -c N``: model
calls wait on the network, so threads (not processes) give N jobs in flight per process.
"""

from __future__ import annotations

from celery import Celery

from backend_contract.server.config import ServerConfig, load_config

ANALYZE_TASK = "aiprism.analyze"
CHAT_TASK = "aiprism.chat"


def make_celery(config: ServerConfig) -> Celery:
    app = Celery("aiprism", broker=config.redis_url, backend=config.redis_url)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        result_expires=config.result_ttl_s,
        # A job is acknowledged only once it has ended: a worker that dies (SIGKILL, OOM, a
        # lost container) leaves it unacknowledged and Redis hands it to another worker after
        # the visibility timeout.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # What `celery worker` uses when its command line does not say (-P / -c): the container
        # image's worker command names neither, so AIPRISM_WORKER_CONCURRENCY is the one knob.
        worker_pool="threads",
        worker_concurrency=config.worker_concurrency,
        broker_transport_options={
            "visibility_timeout": config.visibility_timeout_s,
            # Look for abandoned jobs often enough that one is picked up soon after its
            # visibility timeout ends (kombu's default sweep is every 100 s).
            "unacked_restore_interval": max(1, min(10, config.visibility_timeout_s // 3)),
            "unacked_restore_throttle": 1,
            "socket_timeout": 30,
            "socket_connect_timeout": 5,
        },
        result_backend_transport_options={"visibility_timeout": config.visibility_timeout_s},
        # Enforced by Celery in prefork pools; the tasks enforce the limit themselves too, since
        # the threads pool cannot interrupt a thread.
        task_time_limit=config.job_time_limit_s + 30,
        task_soft_time_limit=config.job_time_limit_s + 15,
        task_ignore_result=True,  # the job record in Redis is the result store
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # Redis restarting must not kill the worker
        imports=("backend_contract.server.tasks",),
    )
    return app


celery_app = make_celery(load_config())
