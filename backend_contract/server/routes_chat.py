"""``POST /v1/chat``: the answer as server-sent events, relayed from the worker's Redis stream."""

from __future__ import annotations

import contextlib
import json
import logging
import time
import uuid
from collections.abc import Iterator

import redis
from flask import Blueprint, Response

from backend_contract.server.app import authenticate, json_body, state
from backend_contract.server.celery_app import CHAT_TASK, celery_app
from backend_contract.server.chat import decode_chat, problem_data
from backend_contract.server.state import ServerState

chat = Blueprint("chat", __name__)
log = logging.getLogger("aiprism.server.chat")

CHAT_KEY_TTL_S = 900


@chat.post("/v1/chat")
def ask() -> Response:
    team = authenticate()
    server = state()
    server.limits.spend(team)
    body, _ = json_body("ChatRequest")
    decode_chat(body, server.frameworks)
    chat_id = uuid.uuid4().hex
    key = server.keys.chat(chat_id)
    pipe = server.redis.pipeline()
    pipe.hset(key, mapping={"team": team, "request": json.dumps(body, ensure_ascii=False)})
    pipe.expire(key, CHAT_KEY_TTL_S)
    pipe.execute()
    celery_app.send_task(CHAT_TASK, args=[chat_id], task_id=chat_id)
    log.info("chat queued", extra={"chat": chat_id, "team": team})
    return Response(
        _relay(server, chat_id),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _event(kind: str, data: str) -> str:
    return f"event: {kind}\ndata: {data}\n\n"


def _relay(server: ServerState, chat_id: str) -> Iterator[str]:
    """Forward the stream's entries until ``done`` or ``error``; a client that goes away
    (the generator is closed) cancels the answer."""
    events_key = server.keys.chat_events(chat_id)
    last = "0-0"
    ended = False
    idle_deadline = time.monotonic() + server.config.chat_idle_timeout_s
    try:
        yield ": stream open\n\n"  # headers and a first byte at once (proxies, clients)
        while True:
            try:
                found = server.redis.xread({events_key: last}, count=100, block=1000)
            except redis.exceptions.RedisError:
                ended = True
                data = problem_data("BACKEND_UNAVAILABLE", "The job store went away.", 503)
                yield _event("error", json.dumps(data))
                return
            if not found:
                if time.monotonic() > idle_deadline:
                    ended = True
                    data = problem_data(
                        "CHAT_TIMEOUT", "No worker answered in time; ask again.", 504
                    )
                    yield _event("error", json.dumps(data))
                    return
                yield ": keep-alive\n\n"
                continue
            idle_deadline = time.monotonic() + server.config.chat_idle_timeout_s
            for entry_id, fields in found[0][1]:
                last = entry_id
                yield _event(fields["kind"], fields["data"])
                if fields["kind"] in ("done", "error"):
                    ended = True
                    return
    finally:
        if not ended:
            with contextlib.suppress(redis.exceptions.RedisError):
                server.redis.hset(server.keys.chat(chat_id), "cancel", "1")
