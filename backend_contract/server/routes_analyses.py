"""``/v1/analyses``: submit (idempotent with Idempotency-Key), get (long-poll), cancel."""

from __future__ import annotations

import logging
import re
import uuid

from flask import Blueprint, Response, jsonify, request

from backend_contract.server.analysis import decode_request
from backend_contract.server.app import authenticate, json_body, state
from backend_contract.server.celery_app import ANALYZE_TASK, celery_app
from backend_contract.server.jobs import job_view
from backend_contract.server.problems import Problem, not_found

analyses = Blueprint("analyses", __name__)
log = logging.getLogger("aiprism.server.analyses")

_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


@analyses.post("/v1/analyses")
def submit() -> tuple[Response, int, dict[str, str]]:
    team = authenticate()
    server = state()
    server.limits.spend(team)
    key = request.headers.get("Idempotency-Key")
    if key is not None and not _IDEMPOTENCY_KEY.match(key):
        raise Problem(
            422, "INVALID_REQUEST", "Idempotency-Key must be 1-200 printable ASCII characters."
        )
    body, body_hash = json_body("AnalysisRequest")
    decode_request(body, server.frameworks)  # 422 now rather than a failed job later
    replayed = server.jobs.replay(team, key, body_hash) if key is not None else None
    if replayed is not None:
        return _accepted(replayed, replayed=True)
    job_id = uuid.uuid4().hex
    server.limits.take_slot(team, job_id)
    try:
        job, was_replayed = server.jobs.create(
            job_id, team, body, body_hash=body_hash, idempotency_key=key
        )
        if was_replayed:  # a concurrent submit with the same key won the race
            server.limits.release_slot(team, job_id)
            return _accepted(job, replayed=True)
        try:
            celery_app.send_task(ANALYZE_TASK, args=[job_id], task_id=job_id)
        except Exception:
            server.jobs.discard(job, key)
            raise
    except BaseException:
        server.limits.release_slot(team, job_id)
        raise
    log.info(
        "analysis queued",
        extra={
            "job": job_id,
            "team": team,
            "section": job["section_id"],
            "bytes": request.content_length,
        },
    )
    return _accepted(job, replayed=False)


def _accepted(job: dict[str, str], *, replayed: bool) -> tuple[Response, int, dict[str, str]]:
    headers = {"Location": f"/v1/analyses/{job['id']}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return jsonify(job_view(job)), 202, headers


@analyses.get("/v1/analyses/<job_id>")
def get(job_id: str) -> Response:
    team = authenticate()
    server = state()
    raw_wait = request.args.get("wait", "0")
    try:
        wait = float(raw_wait)
    except ValueError:
        raise Problem(422, "INVALID_PARAMETER", "wait must be a number of seconds.") from None
    if not 0 <= wait <= 60:
        raise Problem(422, "INVALID_PARAMETER", "wait must be between 0 and 60 seconds.")
    job = server.jobs.wait(job_id, team, min(wait, server.config.long_poll_max_s))
    if job is None:
        raise not_found("No such analysis for your team.")
    return jsonify(job_view(job))


@analyses.delete("/v1/analyses/<job_id>")
def cancel(job_id: str) -> Response:
    team = authenticate()
    server = state()
    job = server.jobs.cancel(job_id, team)
    if job is None:
        raise not_found("No such analysis for your team.")
    server.limits.release_slot(team, job_id)
    log.info("analysis cancel", extra={"job": job_id, "team": team, "status": job["status"]})
    return jsonify(job_view(job))
