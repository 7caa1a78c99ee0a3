"""Test data for store tests: findings, events and cache entries with every field set."""

from __future__ import annotations

from aiprism_desktop.core.findings import (
    Action,
    Anchor,
    DecisionEvent,
    Finding,
    FindingType,
    Risk,
)
from aiprism_desktop.core.ports import CachedReview, CacheKey
from tests.fakes.synthetic import make_document

__all__ = ["make_cache_entry", "make_document", "make_event", "make_finding"]


def make_finding(section_id: str, index: int, *, origin: str = "model:claude-test") -> Finding:
    """A finding with non-default values in every field (so a lost field shows up)."""
    return Finding(
        id=f"f-{section_id}-{index}",
        section_id=section_id,
        origin=origin,
        type=FindingType.IMPORTANT if index % 2 else FindingType.CRITICAL,
        risk=Risk.HIGH if index % 3 == 0 else Risk.MEDIUM,
        category="Timeline",
        description=f"Finding {index} of {section_id}: the date is missing — “quoted” ✓",
        suggestion="Add the date.",
        example="On 3 May 2024 at 14:02 UTC…",
        questions=("When exactly?", "Who noticed?"),
        framework_refs=(3, 7),
        framework_id="hawkeye",
        quote=f"paragraph {index} says",
        replacement="paragraph says, on 3 May,",
        confidence=0.75,
        prompt_version="review/3",
        created_at="2024-05-03T14:02:00.000Z",
        anchor=Anchor(block_id=f"p:document:{index}", start=10, end=24, end_block_id=None),
        author="",
    )


def make_event(finding_id: str, action: Action = Action.ACCEPT, *, note: str = "") -> DecisionEvent:
    """A decision event with before/after values."""
    return DecisionEvent(
        action=action,
        finding_id=finding_id,
        actor="reviewer@example.com",
        at="2024-05-03T14:05:00.000Z",
        reason=note,
        before={"decision": "pending"},
        after={"decision": "accepted" if action is Action.ACCEPT else "rejected"},
    )


def make_cache_entry(
    section_hash: str, *, provider: str = "offline"
) -> tuple[CacheKey, CachedReview]:
    """A cache key and a review with two findings."""
    key = CacheKey(
        section_hash=section_hash,
        framework="hawkeye@1",
        prompt_version="review/3",
        provider=provider,
        model_chain=("model-a", "model-b"),
    )
    review = CachedReview(
        findings=(make_finding("s001", 1), make_finding("s001", 2)),
        model="model-b",
        attempts_json='[{"model": "model-a", "outcome": "fallback"}]',
        created_at="2024-05-03T14:00:00.000Z",
    )
    return key, review
