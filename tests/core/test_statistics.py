"""Review statistics: counts, acceptance rate, coverage."""

from __future__ import annotations

import pytest

from aiprism_desktop.core.findings import DecisionEvent, FindingType, Risk
from aiprism_desktop.core.review import ReviewState
from aiprism_desktop.core.statistics import statistics
from tests.support.review_factory import make_document, make_finding, reviewer_comment

ACTOR = "Dana"
DOCUMENT = make_document(
    [("Summary", "text"), ("Timeline", "text"), ("Root Cause", "text"), ("Actions", "text")]
)


def do(state: ReviewState, event: DecisionEvent | None) -> ReviewState:
    assert event is not None
    return state.apply(event)


def reviewed() -> ReviewState:
    state = ReviewState.build(
        [
            make_finding("a", "s0", risk=Risk.HIGH, type=FindingType.CRITICAL),
            make_finding("b", "s0", origin="rule:tbd-placeholder", category="Clarity"),
            make_finding("c", "s1"),
            make_finding("d", "s1", risk=Risk.LOW),
        ],
        analyzed_sections=["s0", "s1", "s2"],  # s2 analyzed, nothing found; s3 not analyzed
    )
    state = do(state, state.accept("a", actor=ACTOR))
    state = do(state, state.reject("b", actor=ACTOR))
    state = do(state, state.accept("c", actor=ACTOR))
    state = do(state, state.add_comment(reviewer_comment("r1", "s1"), actor=ACTOR))
    state = do(state, state.add_comment(reviewer_comment("r2", "s3"), actor=ACTOR))
    return do(state, state.delete_comment("r2", actor=ACTOR))


def test_counts_by_every_dimension() -> None:
    stats = statistics(reviewed(), DOCUMENT)
    assert (stats.total, stats.accepted, stats.rejected, stats.pending) == (5, 3, 1, 1)
    assert stats.reviewer_comments == 1  # the deleted one does not count
    assert stats.by_risk == {"high": 1, "low": 2, "medium": 2}
    assert stats.by_type == {"critical": 1, "important": 3, "suggestion": 1}
    assert stats.by_category == {"Clarity": 2, "Timeline": 3}
    assert stats.by_origin == {
        "model:anthropic.claude-test": 3,
        "reviewer": 1,
        "rule:tbd-placeholder": 1,
    }
    assert stats.by_decision == {"pending": 1, "accepted": 3, "rejected": 1}


def test_acceptance_rate_counts_only_decided_ai_and_rule_findings() -> None:
    stats = statistics(reviewed(), DOCUMENT)
    # a, c accepted; b rejected; d pending; the reviewer's own comment is not an AI suggestion
    assert stats.acceptance_rate == pytest.approx(2 / 3)


def test_acceptance_rate_is_none_before_any_decision_and_never_above_one() -> None:
    state = ReviewState.build([make_finding("a")])
    assert statistics(state, DOCUMENT).acceptance_rate is None
    for i in range(5):  # many own comments (auto-accepted) cannot push it over 100 %
        state = do(state, state.add_comment(reviewer_comment(f"r{i}"), actor=ACTOR))
    state = do(state, state.accept("a", actor=ACTOR))
    assert statistics(state, DOCUMENT).acceptance_rate == 1.0


def test_per_section_rows_and_coverage() -> None:
    stats = statistics(reviewed(), DOCUMENT)
    rows = {s.section_id: s for s in stats.sections}
    assert (rows["s0"].findings, rows["s0"].pending, rows["s0"].fully_decided) == (2, 0, True)
    assert (rows["s1"].findings, rows["s1"].pending, rows["s1"].fully_decided) == (3, 1, False)
    assert rows["s2"].analyzed
    assert rows["s2"].fully_decided
    assert not rows["s3"].analyzed
    assert not rows["s3"].fully_decided
    assert (stats.sections_total, stats.sections_analyzed, stats.sections_fully_decided) == (
        4,
        3,
        2,
    )
    assert stats.analysis_coverage == 0.75
    assert stats.decision_coverage == 0.5


def test_stale_decisions_after_reanalysis_do_not_count() -> None:
    state = reviewed().replace_section_findings("s0", [make_finding("a2", "s0")])
    stats = statistics(state, DOCUMENT)
    assert stats.total == 4  # a2, c, d, r1
    assert stats.accepted == 2  # c and the reviewer comment; the old accept of "a" is gone
    assert stats.rejected == 0
    assert stats.acceptance_rate == 1.0


def test_to_dict_is_json_ready() -> None:
    data = statistics(reviewed(), DOCUMENT).to_dict()
    assert data["acceptance_rate"] == pytest.approx(2 / 3)
    assert data["sections_analyzed"] == 3
    assert [s["title"] for s in data["sections"]] == [
        "Summary",
        "Timeline",
        "Root Cause",
        "Actions",
    ]


def test_empty_document_has_full_coverage_and_no_rate() -> None:
    stats = statistics(ReviewState.build([]), make_document([]))
    assert stats.total == 0
    assert stats.analysis_coverage == 1.0
    assert stats.acceptance_rate is None
