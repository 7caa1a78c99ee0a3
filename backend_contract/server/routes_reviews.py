"""``POST /v1/reviews/{id}/events`` (decision-log sync) and ``GET /v1/stats``."""

from __future__ import annotations

import datetime as dt
import logging
import re

from flask import Blueprint, Response, jsonify, request

from backend_contract.server.app import authenticate, json_body, state
from backend_contract.server.problems import Problem
from backend_contract.server.reviews import ReviewStore
from backend_contract.server.stats import team_stats

reviews = Blueprint("reviews", __name__)
log = logging.getLogger("aiprism.server.reviews")

_REVIEW_ID = re.compile(r"^[A-Za-z0-9_-]{8,100}$")
DEFAULT_RANGE_DAYS = 30
MAX_RANGE_DAYS = 3660


def _store() -> ReviewStore:
    server = state()
    return ReviewStore(server.redis, server.keys)


@reviews.post("/v1/reviews/<review_id>/events")
def sync_events(review_id: str) -> Response:
    team = authenticate()
    if not _REVIEW_ID.match(review_id):
        raise Problem(422, "INVALID_PARAMETER", "A review id is 8-100 letters, digits, '_' or '-'.")
    body, _ = json_body("EventSync")
    outcome = _store().sync(team, review_id, body)
    log.info(
        "review synced",
        extra={"team": team, "review": review_id, "received": outcome.received},
    )
    return jsonify(
        review_id=review_id,
        received=outcome.received,
        duplicates=outcome.duplicates,
        events_total=outcome.events_total,
    )


def _date(name: str) -> dt.date | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Problem(422, "INVALID_PARAMETER", f"{name} must be a date like 2026-01-31.") from None


@reviews.get("/v1/stats")
def stats() -> Response:
    team = authenticate()
    last = _date("to") or dt.datetime.now(dt.UTC).date()
    # The default range ends at year 1 for a "to" in its first days (date arithmetic would
    # overflow there: a 500 schemathesis found).
    first = _date("from") or dt.date.fromordinal(max(1, last.toordinal() - DEFAULT_RANGE_DAYS))
    if first > last:
        raise Problem(422, "INVALID_PARAMETER", "from must not be after to.")
    if (last - first).days > MAX_RANGE_DAYS:
        raise Problem(422, "INVALID_PARAMETER", f"The range is at most {MAX_RANGE_DAYS} days.")
    return jsonify(team_stats(_store().team_reviews(team), first, last))
