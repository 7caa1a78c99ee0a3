"""Validation of what a reviewer enters: the fields of their own comments and of edits.

Values arrive as JSON (a decisions file, the GUI's form) and are decoded through the same codec
the store reads with, so anything that is accepted here can be saved and read back. On top of
the type check: text fields that must say something are not blank, ``category`` is text (never
``null``), and framework references name points of the framework the review uses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Final

from aiprism_desktop.core.codec import finding_field_from_json
from aiprism_desktop.core.errors import DataFormatError, ReviewStateError
from aiprism_desktop.core.findings import EDITABLE_FIELDS
from aiprism_desktop.core.frameworks import Framework

# What a reviewer may change with an edit given as data (the anchor is recomputed from the quote).
EDIT_FIELDS: Final = EDITABLE_FIELDS - {"anchor"}
# What a reviewer may set on their own comment: the same fields (ids, origin and timestamps are
# the application's; the anchor follows the quote).
COMMENT_FIELDS: Final = EDIT_FIELDS
_NOT_BLANK: Final = ("description", "category")


def _refs_in_framework(refs: tuple[int, ...], framework: Framework) -> None:
    points = frozenset(framework.point_numbers)
    unknown = [ref for ref in refs if ref not in points]
    if unknown:
        listed = ", ".join(str(ref) for ref in unknown)
        low, high = min(points, default=0), max(points, default=0)
        verb = "is not a point" if len(unknown) == 1 else "are not points"
        raise ReviewStateError(
            f"framework_refs: {listed} {verb} of the {framework.name} framework "
            f"(points {low}–{high}).",
            detail=f"framework {framework.id!r} points {sorted(points)}",
        )


def decode_reviewer_fields(
    raw: Mapping[str, Any], framework: Framework, *, allowed: frozenset[str]
) -> dict[str, Any]:
    """JSON field values → Finding field values, or ``ReviewStateError`` naming the field.

    Unknown or not allowed fields are refused (a misspelt field would otherwise be dropped
    silently).
    """
    refused = sorted(set(raw) - allowed)
    if refused:
        raise ReviewStateError(
            f"These fields cannot be set: {', '.join(refused)}.",
            detail=f"allowed: {sorted(allowed)}",
        )
    decoded: dict[str, Any] = {}
    for name, value in raw.items():
        try:
            decoded[name] = finding_field_from_json(name, value)
        except DataFormatError as error:
            raise ReviewStateError(
                f"That is not a valid value for {name}: {_problem(error)}.", detail=error.detail
            ) from None
        if name in _NOT_BLANK and not str(decoded[name]).strip():
            raise ReviewStateError(f"{name} cannot be empty.")
    if "framework_refs" in decoded:
        _refs_in_framework(decoded["framework_refs"], framework)
    return decoded


_JSON_NAMES: Final = {
    "str": "text",
    "NoneType": "null",
    "list": "a list",
    "dict": "an object",
    "int": "a number",
    "float": "a number",
    "bool": "true/false",
}


def _problem(error: DataFormatError) -> str:
    """The codec's problem in JSON words ("expected text, got a list")."""
    detail = error.detail or ""
    problem = detail.split(": ", 1)[1] if ": " in detail else detail
    for python, json_name in _JSON_NAMES.items():
        problem = problem.replace(f"expected {python}", f"expected {json_name}")
        problem = problem.replace(f"got {python}", f"got {json_name}")
    return problem


def reviewer_comment_id(section_id: str, quote: str, description: str, author: str) -> str:
    """A deterministic id for a reviewer's comment: applying the same decisions file twice
    finds the comment it already added instead of adding a copy."""
    digest = hashlib.sha256(
        "\x00".join((section_id, quote, description, author)).encode("utf-8")
    ).hexdigest()
    return f"{section_id}.r{digest[:9]}"
