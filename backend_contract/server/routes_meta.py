"""``/v1/health``, ``/v1/health/live`` and ``/v1/capabilities``."""

from __future__ import annotations

import threading
import time
from typing import Any

import redis
from flask import Blueprint, Response, jsonify

from aiprism_desktop import __version__
from aiprism_desktop.core.prompts import CHAT_PROMPT_VERSION, PROMPT_VERSION
from aiprism_desktop.core.reviewer import ModelControl
from backend_contract.server.app import authenticate, state
from backend_contract.server.state import ServerState

meta = Blueprint("meta", __name__)

WORKER_FRESH_S = 20.0  # a worker that has not reported in for this long counts as gone
HEALTH_CACHE_S = 0.5  # load balancers and desktops poll health: one Redis call per half second

_last_count: tuple[float, int] = (0.0, 0)
_count_lock = threading.Lock()


def _workers_alive(server: ServerState) -> int:
    """Workers that reported in recently (RedisError when Redis is down)."""
    global _last_count
    now = time.monotonic()
    with _count_lock:
        at, count = _last_count
    if now - at < HEALTH_CACHE_S:
        return count
    count = int(server.redis.zcount(server.keys.workers(), time.time() - WORKER_FRESH_S, "+inf"))
    with _count_lock:
        _last_count = (now, count)
    return count


@meta.get("/v1/health/live")
def live() -> Response:
    return jsonify(status="live")


@meta.get("/v1/health")
def health() -> tuple[Response, int, dict[str, str]] | tuple[Response, int]:
    server = state()
    body: dict[str, Any] = {"live": True, "version": __version__, "workers": 0}
    try:
        body.update(store="ok", workers=_workers_alive(server))
    except redis.exceptions.RedisError:
        body.update(store="unreachable", detail="The job store (Redis) cannot be reached.")
    ready = body["store"] == "ok" and body["workers"] > 0
    body["status"] = "ready" if ready else "not_ready"
    if ready:
        return jsonify(body), 200
    body.setdefault("detail", "No worker has reported in: analyses would wait in the queue.")
    return jsonify(body), 503, {"Retry-After": "5"}


@meta.get("/v1/capabilities")
def capabilities() -> Response:
    authenticate()
    server = state()
    server.redis.ping()  # a store that is down answers 503, like every other operation
    runtime = server.runtime()
    config = server.config

    async def describe() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        async with runtime.reviewer() as reviewer:
            info = reviewer.info
            provider = {
                "name": info.name,
                "display_name": info.display_name,
                "document_scoped": info.document_scoped,
                "location": config.region or "",
            }
            if not isinstance(reviewer, ModelControl):
                return provider, []
            rows = await reviewer.describe_models()
            provider["location"] = reviewer.location
            return provider, [
                {
                    "key": row.key,
                    "name": row.name,
                    "model_id": row.model_id,
                    "state": row.state.state,
                    "detail": row.state.detail,
                    "until": row.state.until,
                    "context_window": row.context_window,
                    "max_output_tokens": row.max_output_tokens,
                    "lifecycle": row.lifecycle,
                }
                for row in rows
            ]

    provider, models = runtime.run(describe(), timeout=30)
    return jsonify(
        api_version="1",
        prompt_version=PROMPT_VERSION,
        chat_prompt_version=CHAT_PROMPT_VERSION,
        provider=provider,
        frameworks=[
            {
                "id": f.id,
                "name": f.name,
                "version": f.version,
                "points": len(f.points),
                "categories": list(f.categories),
            }
            for f in sorted(server.frameworks.values(), key=lambda f: f.id)
        ],
        models=models,
        limits={
            "max_request_bytes": config.max_request_bytes,
            "analyses_per_minute": config.analyses_per_minute,
            "max_active_jobs": config.max_active_jobs,
            "long_poll_max_s": config.long_poll_max_s,
            "result_ttl_s": config.result_ttl_s,
        },
    )
