"""Dashboard figures and the activity log, from the review."""

from __future__ import annotations

import csv
from pathlib import Path

from aiprism_desktop.app.insights import (
    activity_rows,
    decision_timeline,
    rates_by_origin,
    write_activity_csv,
)
from aiprism_desktop.core.findings import Decision, DecisionEvent
from aiprism_desktop.core.review import ReviewState
from tests.support.review_factory import make_finding, reviewer_comment

ACTOR = "Dana"


def do(state: ReviewState, event: DecisionEvent | None) -> ReviewState:
    assert event is not None
    return state.apply(event)


def test_timeline_ends_at_the_current_counts_and_activity_says_each_step() -> None:
    a, b, c = make_finding("a"), make_finding("b"), make_finding("c", origin="rule:dates")
    state = ReviewState.build([a, b, c])
    state = do(state, state.accept("a", actor=ACTOR))
    state = do(state, state.decide_many(["b", "c"], Decision.REJECTED, actor=ACTOR, reason="dup"))
    state = do(state, state.undo(actor=ACTOR))
    comment = reviewer_comment("mine")
    state = do(state, state.add_comment(comment, actor=ACTOR))

    points = decision_timeline(state)
    assert [(p.accepted, p.rejected) for p in points] == [(1, 0), (1, 2), (1, 0), (2, 0)]
    stats_accepted = sum(1 for s in state.finding_states() if s.decision is Decision.ACCEPTED)
    assert points[-1].accepted == stats_accepted

    rates = {r.origin: r for r in rates_by_origin(state)}
    assert rates["model:anthropic.claude-test"].accepted == 1
    assert rates["model:anthropic.claude-test"].pending == 1
    assert rates["rule:dates"].rate is None
    assert rates["reviewer"].rate == 1.0

    rows = activity_rows(state)
    assert [r.what for r in rows] == [
        "accepted",
        "rejected 2 findings",
        "undo: set 2 findings back to pending",
        "added a comment",
    ]
    assert rows[0].finding == a.description
    assert rows[1].reason == "dup"
    assert all(r.actor == ACTOR for r in rows)


def test_activity_csv_has_a_header_and_one_line_per_event(tmp_path: Path) -> None:
    state = ReviewState.build([make_finding("a")])
    state = do(state, state.reject("a", actor=ACTOR, reason="wrong, « really »"))
    path = write_activity_csv(tmp_path / "activity.csv", activity_rows(state))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["seq", "when", "who", "what", "finding", "reason"]
    assert lines[1][2:] == ["Dana", "rejected", "Description of a.", "wrong, « really »"]
