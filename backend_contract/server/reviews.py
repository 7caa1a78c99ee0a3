"""Synced reviews in Redis: per team, the findings (as last sent) and the decision events by id.

Keys are namespaced by team, so a review id one team uses can never reach another team's data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from aiprism_desktop.core.codec import event_from_dict, event_to_dict, finding_from_dict
from aiprism_desktop.core.errors import DataFormatError
from aiprism_desktop.core.findings import DecisionEvent, utc_now
from backend_contract.server.keys import Keys, StrRedis
from backend_contract.server.problems import Problem
from backend_contract.server.stats import StoredReview, fold


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    received: int
    duplicates: int
    events_total: int


class ReviewStore:
    def __init__(self, client: StrRedis, keys: Keys) -> None:
        self._redis = client
        self._keys = keys

    def sync(self, team: str, review_id: str, body: dict[str, Any]) -> SyncOutcome:
        """Keep the findings and the events not seen before; ``Problem(422)`` when the log
        would not fold (damaged, or two events with one seq)."""
        try:
            findings = tuple(finding_from_dict(f) for f in body["findings"])
            incoming = {item["id"]: event_from_dict(item["event"]) for item in body["events"]}
        except DataFormatError as error:
            raise Problem(422, "INVALID_REQUEST", error.detail or error.message) from None
        events_key = self._keys.review_events(team, review_id)
        known: dict[str, str] = self._redis.hgetall(events_key)
        new = {eid: event for eid, event in incoming.items() if eid not in known}
        merged = [event_from_dict(json.loads(raw)) for raw in known.values()] + list(new.values())
        ordered = _by_seq(merged)
        try:
            fold(StoredReview(body["document_id"], findings, ordered))
        except (DataFormatError, ValueError) as error:
            detail = getattr(error, "detail", None) or str(error)
            raise Problem(
                422, "INVALID_REQUEST", f"The decision log does not fold: {detail}"
            ) from None
        pipe = self._redis.pipeline()
        if new:
            pipe.hset(
                events_key,
                mapping={
                    eid: json.dumps(event_to_dict(e), ensure_ascii=False) for eid, e in new.items()
                },
            )
        pipe.hset(
            self._keys.review(team, review_id),
            mapping={
                "document_id": body["document_id"],
                "findings": json.dumps(body["findings"], ensure_ascii=False),
                "updated_at": utc_now(),
            },
        )
        pipe.sadd(self._keys.reviews(team), review_id)
        pipe.execute()
        return SyncOutcome(len(new), len(incoming) - len(new), len(known) + len(new))

    def team_reviews(self, team: str) -> Iterator[StoredReview]:
        """Every synced review of ``team`` (a damaged one is skipped, never fatal)."""
        for review_id in sorted(self._redis.smembers(self._keys.reviews(team))):
            data: dict[str, str] = self._redis.hgetall(self._keys.review(team, review_id))
            raw_events: dict[str, str] = self._redis.hgetall(
                self._keys.review_events(team, review_id)
            )
            if not data:
                continue
            try:
                findings = tuple(finding_from_dict(f) for f in json.loads(data["findings"]))
                events = _by_seq([event_from_dict(json.loads(r)) for r in raw_events.values()])
            except (DataFormatError, ValueError, KeyError):
                continue
            yield StoredReview(data["document_id"], findings, events)


def _by_seq(events: Sequence[DecisionEvent]) -> tuple[DecisionEvent, ...]:
    return tuple(sorted(events, key=lambda e: e.seq or 0))
