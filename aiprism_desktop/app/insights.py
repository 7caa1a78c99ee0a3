"""What the dashboard and the activity log show, computed from the review (never stored).

The decision timeline replays the decision log for the findings that are live now, so its last
point equals the statistics; the activity rows say each event in words, with who and when.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from aiprism_desktop.core.findings import Action, Decision, DecisionEvent
from aiprism_desktop.core.review import ReviewState


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """Decided findings after one event of the log."""

    at: str
    accepted: int
    rejected: int


@dataclass(frozen=True, slots=True)
class OriginRate:
    """Decisions about the findings of one origin (a model, a rule, the reviewer)."""

    origin: str
    accepted: int
    rejected: int
    pending: int

    @property
    def rate(self) -> float | None:
        decided = self.accepted + self.rejected
        return self.accepted / decided if decided else None


def _decision_after(event: DecisionEvent) -> dict[str, str | None]:
    """Finding id → its decision after ``event`` (None: gone from the review)."""
    if event.action in (Action.REVERT_ALL, Action.DECIDE_MANY):
        return {fid: str(value.get("decision")) for fid, value in event.after.items()}
    if event.action in (Action.ACCEPT, Action.REJECT, Action.REVERT):
        return {event.finding_id: str(event.after.get("decision", Decision.PENDING.value))}
    if event.action is Action.ADD and event.finding is not None:
        return {event.finding.id: Decision.ACCEPTED.value}
    if event.action is Action.RESTORE:
        return {event.finding_id: Decision.ACCEPTED.value}
    if event.action is Action.DELETE:
        return {event.finding_id: None}
    return {}


def decision_timeline(state: ReviewState) -> tuple[TimelinePoint, ...]:
    """Accepted and rejected counts after each event, over the findings live now."""
    live = {s.finding.id for s in state.finding_states()}
    current: dict[str, str] = {}
    points: list[TimelinePoint] = []
    for event in state.events:
        changes = _decision_after(event)
        for finding_id, decision in changes.items():
            if finding_id not in live:
                continue
            if decision is None:
                current.pop(finding_id, None)
            else:
                current[finding_id] = decision
        if changes:
            values = list(current.values())
            points.append(
                TimelinePoint(
                    event.at,
                    values.count(Decision.ACCEPTED.value),
                    values.count(Decision.REJECTED.value),
                )
            )
    return tuple(points)


def rates_by_origin(state: ReviewState) -> tuple[OriginRate, ...]:
    """Accepted / rejected / pending per origin, most findings first."""
    counts: dict[str, list[int]] = {}
    order = {Decision.ACCEPTED: 0, Decision.REJECTED: 1, Decision.PENDING: 2}
    for item in state.finding_states():
        origin = "reviewer" if item.is_reviewer_comment else item.finding.origin
        counts.setdefault(origin, [0, 0, 0])[order[item.decision]] += 1
    rows = [OriginRate(origin, *values) for origin, values in counts.items()]
    return tuple(sorted(rows, key=lambda r: (-(r.accepted + r.rejected + r.pending), r.origin)))


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """One decision event, in words."""

    seq: int
    at: str
    actor: str
    action: str  # the action's code ("accept", "decide_many", …) for filtering
    what: str  # "accepted", "undid: rejected 4 findings", …
    finding: str  # the finding's description (short), or "" for several
    reason: str


def _what(event: DecisionEvent) -> str:
    count = len(event.after)
    plural = "s" if count != 1 else ""
    if event.action is Action.EDIT:
        text = "edited " + ", ".join(sorted(event.after))
    elif event.action is Action.REVERT_ALL:
        text = f"set {count} decision{plural} back to pending"
    elif event.action is Action.DECIDE_MANY:
        decisions = {str(v.get("decision")) for v in event.after.values()}
        verb = decisions.pop() if len(decisions) == 1 else "decided"
        text = f"{verb} {count} finding{plural}"
        if verb == Decision.PENDING.value:
            text = f"set {count} finding{plural} back to pending"
    else:
        text = {
            Action.ACCEPT: "accepted",
            Action.REJECT: "rejected",
            Action.REVERT: "set back to pending",
            Action.ADD: "added a comment",
            Action.DELETE: "deleted a comment",
            Action.RESTORE: "restored a comment",
        }.get(event.action, event.action.value)
    if event.undo_of is not None:
        return f"undo: {text}"
    if event.redo_of is not None:
        return f"redo: {text}"
    return text


def activity_rows(state: ReviewState) -> tuple[ActivityRow, ...]:
    """Every decision event, oldest first."""
    rows = []
    for event in state.events:
        finding = ""
        target = event.finding.id if event.finding is not None else event.finding_id
        if target and state.contains(target):
            finding = state.get(target).finding.description
        elif event.finding is not None:
            finding = event.finding.description
        rows.append(
            ActivityRow(
                event.seq or 0,
                event.at,
                event.actor,
                event.action.value,
                _what(event),
                finding,
                event.reason,
            )
        )
    return tuple(rows)


def write_activity_csv(path: Path, rows: Iterable[ActivityRow]) -> Path:
    """The activity log as CSV (UTF-8 with BOM so spreadsheet apps read accents right)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["seq", "when", "who", "what", "finding", "reason"])
        for row in rows:
            writer.writerow([row.seq, row.at, row.actor, row.what, row.finding, row.reason])
    return path
