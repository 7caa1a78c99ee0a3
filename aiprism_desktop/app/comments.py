"""A reviewer's own comment, built from the fields they entered (a form, a decisions file)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiprism_desktop.core.anchoring import anchor_quote
from aiprism_desktop.core.document import Section
from aiprism_desktop.core.errors import ReviewStateError
from aiprism_desktop.core.findings import Finding, FindingType, Risk
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.reviewer_input import (
    COMMENT_FIELDS,
    decode_reviewer_fields,
    reviewer_comment_id,
)

DEFAULT_CATEGORY = "Reviewer comment"


def build_reviewer_comment(
    section: Section, fields: Mapping[str, Any], framework: Framework, actor: str
) -> Finding:
    """The comment as a finding of ``section``; ``ReviewStateError`` naming what is wrong.

    ``fields`` hold JSON values of the finding fields (description is required; type, risk and
    category have defaults). A quote must be found in the section, and the comment is anchored
    on it; without a quote the comment is about the section as a whole.
    """
    values = {
        "type": FindingType.SUGGESTION.value,
        "risk": Risk.LOW.value,
        "category": DEFAULT_CATEGORY,
        **fields,
    }
    description = values.get("description")
    if not isinstance(description, str) or not description.strip():
        raise ReviewStateError("A comment needs a description (text).")
    decoded = decode_reviewer_fields(values, framework, allowed=COMMENT_FIELDS)
    decoded["description"] = decoded["description"].strip()
    quote = decoded.get("quote", "")
    anchor = anchor_quote(section, quote) if quote.strip() else None
    if quote.strip() and anchor is None:
        raise ReviewStateError(f"The quote was not found in section '{section.title}'.")
    return Finding(
        id=reviewer_comment_id(section.id, quote, decoded["description"], actor),
        section_id=section.id,
        origin="reviewer",
        confidence=1.0,
        framework_id=framework.id,
        anchor=anchor,
        author=actor,
        **decoded,
    )
