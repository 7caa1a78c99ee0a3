"""What a reviewer enters is checked field by field before it can be recorded."""

from __future__ import annotations

from typing import Any

import pytest

from aiprism_desktop.core.errors import ReviewStateError
from aiprism_desktop.core.findings import FindingType, Risk
from aiprism_desktop.core.reviewer_input import (
    COMMENT_FIELDS,
    EDIT_FIELDS,
    decode_reviewer_fields,
    reviewer_comment_id,
)
from tests.support.review_factory import hawkeye


def test_valid_fields_decode_to_finding_values() -> None:
    values = decode_reviewer_fields(
        {
            "type": "critical",
            "risk": "high",
            "category": "Evidence",
            "description": "Name the control.",
            "questions": ["Who?"],
            "framework_refs": [11, 13],
            "replacement": None,
        },
        hawkeye(),
        allowed=COMMENT_FIELDS,
    )
    assert values["type"] is FindingType.CRITICAL
    assert values["risk"] is Risk.HIGH
    assert values["questions"] == ("Who?",)
    assert values["framework_refs"] == (11, 13)
    assert values["replacement"] is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"replacement": ["a"]}, "replacement: expected text, got a list"),
        ({"replacement": 5}, "replacement: expected text, got a number"),
        ({"category": None}, "category: expected text, got null"),
        ({"category": "  "}, "category cannot be empty"),
        ({"description": ""}, "description cannot be empty"),
        ({"suggestion": {"a": 1}}, "suggestion: expected text, got an object"),
        ({"risk": "catastrophic"}, "risk"),
        ({"questions": "one question"}, "questions"),
        ({"framework_refs": [99]}, "99 is not a point of the Hawkeye"),
        ({"framework_refs": [1, 0, 21]}, "0, 21 are not points"),
        ({"anchor": None}, "cannot be set: anchor"),
        ({"descripton": "typo"}, "cannot be set: descripton"),
    ],
)
def test_invalid_fields_are_refused_with_the_field_named(
    fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ReviewStateError, match=message):
        decode_reviewer_fields(fields, hawkeye(), allowed=EDIT_FIELDS)


def test_comment_ids_are_deterministic_and_content_bound() -> None:
    first = reviewer_comment_id("s002", "quote", "text", "Dana")
    assert first == reviewer_comment_id("s002", "quote", "text", "Dana")
    assert first.startswith("s002.r")
    others = {
        reviewer_comment_id("s003", "quote", "text", "Dana"),
        reviewer_comment_id("s002", "other", "text", "Dana"),
        reviewer_comment_id("s002", "quote", "other", "Dana"),
        reviewer_comment_id("s002", "quote", "text", "Sam"),
    }
    assert first not in others
    assert len(others) == 4
