"""The Flask application factory (run under gunicorn: ``backend_contract.server.wsgi:app``).

Cross-cutting rules live here: bearer-token auth, JSON bodies checked against the contract,
every error as problem+json, Redis being down as 503, one JSON access-log line per request
(method, route, status, milliseconds, team — never a body).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any

import redis
from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from backend_contract.contract import schema_errors
from backend_contract.server.config import ServerConfig, load_config
from backend_contract.server.problems import Problem, unauthorized, unavailable
from backend_contract.server.state import ServerState

log = logging.getLogger("aiprism.server")

_ROUTINE = frozenset(("/v1/health", "/v1/health/live", "/v1/analyses/<job_id>"))
_HTTP_CODES = {
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "REQUEST_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def state() -> ServerState:
    """The process's server state (inside a request)."""
    from flask import current_app

    found: ServerState = current_app.extensions["aiprism"]
    return found


def authenticate() -> str:
    """The caller's team; ``Problem(401)`` without a valid bearer token."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("Send a team token: Authorization: Bearer <token>.")
    record = state().tokens.lookup(token.strip())
    if record is None:
        raise unauthorized("This token is unknown or has been revoked.")
    g.team = record.team
    g.token_id = record.token_id
    return record.team


def json_body(schema_name: str) -> tuple[dict[str, Any], str]:
    """The request's JSON object checked against a contract schema, and its SHA-256."""
    if request.mimetype != "application/json":
        raise Problem(415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.")
    raw = request.get_data(cache=False)  # 413 past MAX_CONTENT_LENGTH
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise Problem(400, "INVALID_JSON", f"The body is not valid JSON: {error}") from None
    errors = schema_errors(schema_name, body)
    if errors:
        raise Problem(
            422,
            "INVALID_REQUEST",
            f"The body does not match {schema_name}: {errors[0][0]}: {errors[0][1]}",
            errors=errors,
        )
    return body, hashlib.sha256(raw).hexdigest()


def create_app(
    config: ServerConfig | None = None, server_state: ServerState | None = None
) -> Flask:
    """The API application."""
    config = config or load_config()
    app = Flask("aiprism_backend")
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["aiprism"] = server_state or ServerState.open(config)

    from backend_contract.server.routes_analyses import analyses
    from backend_contract.server.routes_chat import chat
    from backend_contract.server.routes_meta import meta
    from backend_contract.server.routes_reviews import reviews

    for blueprint in (meta, analyses, chat, reviews):
        app.register_blueprint(blueprint)

    @app.before_request
    def started() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def access_log(response: Response) -> Response:
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
        # Health checks and job polls are the bulk of the traffic: DEBUG when they succeed.
        routine = request.method == "GET" and response.status_code == 200 and rule in _ROUTINE
        log.log(
            logging.DEBUG if routine else logging.INFO,
            "request",
            extra={
                "method": request.method,
                "route": rule,
                "status": response.status_code,
                "ms": round(elapsed, 2),
                "team": g.get("team"),
            },
        )
        return response

    @app.errorhandler(Problem)
    def problem(error: Problem) -> Response:
        return error.response()

    @app.errorhandler(redis.exceptions.ConnectionError)
    @app.errorhandler(redis.exceptions.TimeoutError)
    def store_down(error: Exception) -> Response:
        log.warning("redis unreachable", extra={"error": type(error).__name__})
        return unavailable().response()

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        code = _HTTP_CODES.get(status, "INVALID_REQUEST" if status < 500 else "INTERNAL_ERROR")
        detail = error.description or ""
        if status == 413:
            detail = f"The largest body accepted is {config.max_request_bytes} bytes."
        return Problem(status, code, detail).response()

    @app.errorhandler(Exception)
    def internal(error: Exception) -> Response:
        if isinstance(error, redis.exceptions.RedisError):
            log.warning("redis error", extra={"error": type(error).__name__})
            return unavailable().response()
        log.exception("unhandled error", extra={"route": str(request.url_rule)})
        return Problem(500, "INTERNAL_ERROR", "The backend hit an internal error.").response()

    return app
