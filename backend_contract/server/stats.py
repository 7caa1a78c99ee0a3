"""Team statistics: each review's decision log folded over its findings with the desktop's own
fold (``core.review.ReviewState``), then acceptance counted by category, rule, framework point
and model, over a range of UTC days."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aiprism_desktop.core.findings import Decision, DecisionEvent, Finding, OriginKind
from aiprism_desktop.core.review import ReviewState


@dataclass
class _Rate:
    accepted: int = 0
    rejected: int = 0
    pending: int = 0

    def add(self, decision: Decision) -> None:
        if decision is Decision.ACCEPTED:
            self.accepted += 1
        elif decision is Decision.REJECTED:
            self.rejected += 1
        else:
            self.pending += 1

    def view(self) -> dict[str, Any]:
        decided = self.accepted + self.rejected
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "pending": self.pending,
            "rate": round(self.accepted / decided, 4) if decided else None,
        }


@dataclass(frozen=True, slots=True)
class StoredReview:
    document_id: str
    findings: tuple[Finding, ...]
    events: tuple[DecisionEvent, ...]  # in seq order


@dataclass
class _Tables:
    overall: _Rate = field(default_factory=_Rate)
    by_category: dict[str, _Rate] = field(default_factory=lambda: defaultdict(_Rate))
    by_rule: dict[str, _Rate] = field(default_factory=lambda: defaultdict(_Rate))
    by_point: dict[str, _Rate] = field(default_factory=lambda: defaultdict(_Rate))
    by_model: dict[str, _Rate] = field(default_factory=lambda: defaultdict(_Rate))


def fold(review: StoredReview, events: Iterable[DecisionEvent] | None = None) -> ReviewState:
    """The review's state after ``events`` (all of them by default); DataFormatError when the
    log does not fold (out of order, damaged)."""
    return ReviewState.build(review.findings, review.events if events is None else events)


def _day(timestamp: str) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00")).astimezone(dt.UTC).date()
    except ValueError:
        return None


def team_stats(reviews: Iterable[StoredReview], first: dt.date, last: dt.date) -> dict[str, Any]:
    """Statistics of the reviews with a decision in [first, last], as they stood at the end
    of ``last``."""
    tables = _Tables()
    documents: set[str] = set()
    review_count = findings = 0
    for review in reviews:
        days = [_day(e.at) for e in review.events]
        if not any(d is not None and first <= d <= last for d in days):
            continue
        upto = [e for e, d in zip(review.events, days, strict=True) if d is not None and d <= last]
        state = fold(review, upto)
        review_count += 1
        documents.add(review.document_id)
        for finding_state in state.finding_states():
            finding = finding_state.finding
            if finding.origin_kind is OriginKind.REVIEWER:
                continue  # the reviewer's own comments are not accepted or rejected
            findings += 1
            decision = finding_state.decision
            tables.overall.add(decision)
            tables.by_category[finding.category].add(decision)
            for ref in finding.framework_refs:
                tables.by_point[f"{finding.framework_id}:{ref}"].add(decision)
            if finding.origin_kind is OriginKind.RULE:
                tables.by_rule[finding.origin_id].add(decision)
            else:
                tables.by_model[finding.origin_id].add(decision)

    def table(rates: dict[str, _Rate]) -> dict[str, Any]:
        return {key: rates[key].view() for key in sorted(rates)}

    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "reviews": review_count,
        "documents": len(documents),
        "findings": findings,
        "findings_per_document": round(findings / len(documents), 2) if documents else None,
        "acceptance": {
            "overall": tables.overall.view(),
            "by_category": table(tables.by_category),
            "by_rule": table(tables.by_rule),
            "by_framework_point": table(tables.by_point),
            "by_model": table(tables.by_model),
        },
    }
