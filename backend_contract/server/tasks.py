"""The Celery tasks: run one analysis job, stream one chat answer; and the worker's heartbeat.

An analysis task holds a lease on its job while it runs (renewed every second): a message
Redis re-delivers because it looks lost while the job is in fact still running elsewhere waits
for the lease instead of running the job twice; a worker killed mid-job stops renewing, so the
re-delivered message runs it.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import logging
import socket
import threading
import time
from typing import Any

import redis
from celery import Task, signals

from backend_contract.server.analysis import decode_request, run_analysis
from backend_contract.server.celery_app import ANALYZE_TASK, CHAT_TASK, celery_app
from backend_contract.server.chat import decode_chat, encode_entry, problem_data, stream_answer
from backend_contract.server.config import load_config
from backend_contract.server.logs import configure_logging
from backend_contract.server.problems import Problem
from backend_contract.server.state import ServerState

log = logging.getLogger("aiprism.worker")

LEASE_S = 6  # renewed every CHECK_S while the job runs
CHECK_S = 1.0  # how often a running job renews its lease and looks for a cancel
HEARTBEAT_S = 5.0
CHAT_STREAM_TTL_S = 900
FINISH_RETRY_S = 120.0

_state: ServerState | None = None
_state_lock = threading.Lock()
_worker_name = f"{socket.gethostname()}:{id(object())}"
_stop_heartbeat = threading.Event()


def server_state() -> ServerState:
    global _state
    with _state_lock:
        if _state is None:
            _state = ServerState.open(load_config())
        return _state


@signals.setup_logging.connect
def _logging(**_: Any) -> None:
    configure_logging(load_config().log_level)


@signals.worker_ready.connect
def _start_heartbeat(sender: Any = None, **_: Any) -> None:
    global _worker_name
    _worker_name = str(getattr(sender, "hostname", None) or _worker_name)
    _stop_heartbeat.clear()
    threading.Thread(target=_heartbeat, name="aiprism-heartbeat", daemon=True).start()
    log.info("worker ready", extra={"worker": _worker_name})


@signals.worker_shutting_down.connect
def _shutting_down(**_: Any) -> None:
    # SIGTERM: Celery stops taking messages and lets running jobs finish (warm shutdown);
    # /v1/health stops counting this worker at once.
    _stop_heartbeat.set()
    state = server_state()
    with contextlib.suppress(Exception):  # Redis may be gone; the entry then ages out
        state.redis.zrem(state.keys.workers(), _worker_name)
    log.info("worker shutting down: finishing running jobs", extra={"worker": _worker_name})


@signals.worker_shutdown.connect
def _shutdown(**_: Any) -> None:
    if _state is not None:
        _state.close()


def _heartbeat() -> None:
    state = server_state()
    while not _stop_heartbeat.is_set():
        try:
            state.redis.zadd(state.keys.workers(), {_worker_name: time.time()})
        except Exception:
            log.warning("heartbeat failed: Redis unreachable", extra={"worker": _worker_name})
        _stop_heartbeat.wait(HEARTBEAT_S)


@celery_app.task(bind=True, name=ANALYZE_TASK, max_retries=None)
def analyze_job(self: Task, job_id: str) -> None:
    state = server_state()
    lease = state.keys.job_lease(job_id)
    me = f"{_worker_name}:{threading.get_ident()}"
    if not state.redis.set(lease, me, nx=True, ex=LEASE_S) and state.redis.get(lease) != me:
        # Still running on a live worker: look again later rather than run it twice.
        raise self.retry(countdown=LEASE_S)
    try:
        _run_job(state, job_id, lease)
    finally:
        state.redis.delete(lease)


def _run_job(state: ServerState, job_id: str, lease: str) -> None:
    job = state.jobs.get(job_id)
    if job is None or not state.jobs.mark_running(job_id, _worker_name):
        return  # expired, cancelled or already done
    team = job["team"]
    started = time.monotonic()
    try:
        request = decode_request(json.loads(job["request"]), state.frameworks)
    except (Problem, KeyError, ValueError) as error:
        message = error.detail if isinstance(error, Problem) else "The stored request is damaged."
        state.jobs.finish(job_id, "failed", error={"code": "INVALID_REQUEST", "message": message})
        state.limits.release_slot(team, job_id)
        return
    runtime = state.runtime()

    async def job_run() -> Any:
        async with runtime.reviewer() as reviewer:
            return await run_analysis(request, reviewer)

    future = runtime.submit(job_run())
    deadline = started + state.config.job_time_limit_s
    outcome = None
    while outcome is None:
        try:
            outcome = future.result(timeout=CHECK_S)
        except concurrent.futures.TimeoutError:
            if time.monotonic() > deadline:
                future.cancel()
                limit = state.config.job_time_limit_s
                message = f"The analysis took longer than {limit} s."
                _finish(
                    state,
                    job_id,
                    team,
                    "failed",
                    {},
                    {"code": "JOB_TIME_LIMIT", "message": message},
                )
                return
            try:
                state.redis.expire(lease, LEASE_S)
                cancelled = state.redis.hget(state.keys.job(job_id), "status") == "cancelled"
            except redis.exceptions.RedisError:
                continue  # Redis is restarting: keep working, look again in a second
            if cancelled:
                future.cancel()
                log.info("analysis cancelled", extra={"job": job_id, "team": team})
                return
    _finish(state, job_id, team, outcome.status, outcome.result, outcome.error)
    log.info(
        "analysis ended",
        extra={
            "job": job_id,
            "team": team,
            "status": outcome.status,
            "findings": len(outcome.result.get("findings", [])),
            "model": outcome.result.get("model"),
            "error": (outcome.error or {}).get("code"),
            "ms": round((time.monotonic() - started) * 1000),
        },
    )


def _finish(
    state: ServerState,
    job_id: str,
    team: str,
    status: str,
    result: dict[str, Any],
    error: dict[str, str] | None,
) -> None:
    """Record the outcome, riding out a Redis restart (the client is waiting for it)."""
    deadline = time.monotonic() + FINISH_RETRY_S
    while True:
        try:
            state.jobs.finish(job_id, status, result=result, error=error)
            state.limits.release_slot(team, job_id)
            return
        except redis.exceptions.RedisError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)


# A chat answer streamed halfway cannot be resumed on another worker, so chat messages are
# acknowledged on receipt: a lost worker ends the stream with an error and the reviewer asks
# again, instead of getting half an answer twice.
@celery_app.task(name=CHAT_TASK, acks_late=False)
def chat_job(chat_id: str) -> None:
    state = server_state()
    key = state.keys.chat(chat_id)
    events_key = state.keys.chat_events(chat_id)
    raw = state.redis.hget(key, "request")
    if raw is None:
        return
    runtime = state.runtime()

    async def emit(kind: str, data: dict[str, Any]) -> None:
        pipe = runtime.redis.pipeline()
        pipe.xadd(events_key, encode_entry(kind, data), maxlen=10_000)
        pipe.expire(events_key, CHAT_STREAM_TTL_S)
        await pipe.execute()

    async def still_wanted() -> bool:
        return await runtime.redis.hget(key, "cancel") is None

    async def answer() -> None:
        try:
            request = decode_chat(json.loads(raw), state.frameworks)
        except Problem as problem:
            await emit("error", problem.body())
            return
        async with runtime.reviewer() as reviewer:
            await stream_answer(request, reviewer, emit, still_wanted)

    future = runtime.submit(answer())
    try:
        future.result(timeout=state.config.job_time_limit_s)
    except concurrent.futures.TimeoutError:
        future.cancel()
        runtime.run(emit("error", problem_data("JOB_TIME_LIMIT", "The answer took too long.", 504)))
    finally:
        state.redis.hdel(key, "request")
    log.info("chat ended", extra={"chat": chat_id})
