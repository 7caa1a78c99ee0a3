"""``aiprism review --decisions FILE``: apply a reviewer's decisions from a JSON file.

Format::

    {"decisions": [
      {"finding": "s003.1a2b3c4d5e", "action": "accept"},
      {"finding": "s004.9f8e7d6c5b", "action": "reject", "reason": "Covered in the appendix"},
      {"finding": "s004.0a1b2c3d4e", "action": "edit", "changes": {"risk": "low"}},
      {"select": {"risk": "high"}, "action": "accept"},
      {"action": "add", "section": 2, "quote": "exact text", "description": "My comment"},
      {"finding": "s002.r1a2b3c4d5", "action": "delete"},
      {"action": "undo"}, {"action": "redo"}, {"action": "revert_all"}
    ]}

``finding`` ids are those printed by ``aiprism findings`` (stable for the same document).
``select`` matches every finding whose fields equal the given values (section number or id,
risk, type, category, origin). Entries are applied in order.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from aiprism_desktop.core.anchoring import anchor_quote
from aiprism_desktop.core.codec import finding_field_from_json
from aiprism_desktop.core.errors import AIPrismError, DataFormatError, ReviewStateError
from aiprism_desktop.core.findings import (
    EDITABLE_FIELDS,
    Finding,
    FindingType,
    Risk,
)
from aiprism_desktop.review_session import ReviewSession

_ACTIONS = ("accept", "reject", "revert", "edit", "add", "delete", "undo", "redo", "revert_all")
_WHOLE_REVIEW = {
    "undo": lambda state, actor: state.undo(actor=actor),
    "redo": lambda state, actor: state.redo(actor=actor),
    "revert_all": lambda state, actor: state.revert_all(actor=actor),
}
_SELECTABLE = ("section", "risk", "type", "category", "origin")


class DecisionsFileError(AIPrismError):
    """The decisions file cannot be read or contains an invalid entry."""

    code = "DECISIONS_FILE"


def read_decisions(path: Path) -> list[dict[str, Any]]:
    """The entries of a decisions file; DecisionsFileError naming the problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DecisionsFileError(f"Cannot read the decisions file {path}: {error}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DecisionsFileError(f"The decisions file {path} is not valid JSON: {error}") from None
    entries = data.get("decisions") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise DecisionsFileError(
            f"The decisions file {path} must hold a list of decisions (see `aiprism review -h`)."
        )
    for number, entry in enumerate(entries, start=1):
        if entry.get("action") not in _ACTIONS:
            raise DecisionsFileError(
                f"Decision {number}: 'action' must be one of {', '.join(_ACTIONS)}."
            )
    return entries


def _matches(session: ReviewSession, finding: Finding, select: dict[str, Any]) -> bool:
    for key, wanted in select.items():
        if key not in _SELECTABLE:
            raise DecisionsFileError(f"Cannot select on '{key}': use {', '.join(_SELECTABLE)}.")
        if key == "section":
            number = _section_number(session, finding.section_id)
            if str(wanted) not in (finding.section_id, str(number)):
                return False
        elif str(getattr(finding, key)) != str(wanted):
            return False
    return True


def _section_number(session: ReviewSession, section_id: str) -> int:
    ids = [s.id for s in session.document.sections]
    return ids.index(section_id) + 1 if section_id in ids else 0


def _targets(session: ReviewSession, entry: dict[str, Any], number: int) -> list[str]:
    if "finding" in entry:
        return [str(entry["finding"])]
    select = entry.get("select")
    if not isinstance(select, dict):
        raise DecisionsFileError(f"Decision {number}: give a 'finding' id or a 'select' filter.")
    states = session.state.finding_states()
    return [s.finding.id for s in states if _matches(session, s.finding, select)]


def _new_comment(session: ReviewSession, entry: dict[str, Any], number: int, actor: str) -> Finding:
    sections = session.document.sections
    wanted = str(entry.get("section", ""))
    section = next((s for i, s in enumerate(sections, start=1) if wanted in (s.id, str(i))), None)
    if section is None:
        raise DecisionsFileError(f"Decision {number}: no section '{wanted}' in the document.")
    description = str(entry.get("description", "")).strip()
    if not description:
        raise DecisionsFileError(f"Decision {number}: a comment needs a 'description'.")
    quote = str(entry.get("quote", ""))
    anchor = anchor_quote(section, quote) if quote else None
    if quote and anchor is None:
        raise DecisionsFileError(
            f"Decision {number}: the quote was not found in section '{section.title}'."
        )
    try:
        kind = FindingType(entry.get("type", "suggestion"))
        risk = Risk(entry.get("risk", "low"))
    except ValueError as error:
        raise DecisionsFileError(f"Decision {number}: {error}.") from None
    return Finding(
        id=f"{section.id}.r{uuid.uuid4().hex[:9]}",
        section_id=section.id,
        origin="reviewer",
        type=kind,
        risk=risk,
        category=str(entry.get("category", "Reviewer comment")),
        description=description,
        suggestion=str(entry.get("suggestion", "")),
        quote=quote,
        replacement=entry.get("replacement"),
        confidence=1.0,
        framework_id=session.framework.id,
        anchor=anchor,
        author=actor,
    )


def _edit_changes(entry: dict[str, Any], number: int) -> dict[str, Any]:
    changes = entry.get("changes")
    if not isinstance(changes, dict) or not changes:
        raise DecisionsFileError(f"Decision {number}: 'edit' needs a 'changes' object.")
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise DecisionsFileError(f"Decision {number}: cannot edit {', '.join(sorted(unknown))}.")
    try:
        return {key: finding_field_from_json(key, value) for key, value in changes.items()}
    except DataFormatError as error:
        raise DecisionsFileError(f"Decision {number}: {error.message}") from None


async def apply_decisions(session: ReviewSession, path: Path, actor: str) -> int:
    """Apply every entry of the file in order; return how many decisions were recorded."""
    recorded = 0
    for number, entry in enumerate(read_decisions(path), start=1):
        action = entry["action"]
        if action == "add":
            finding = _new_comment(session, entry, number, actor)
            recorded += (
                await session.record(session.state.add_comment(finding, actor=actor)) is not None
            )
            continue
        if action in _WHOLE_REVIEW:
            try:
                event = _WHOLE_REVIEW[action](session.state, actor)
            except ReviewStateError as error:
                raise DecisionsFileError(f"Decision {number}: {error.message}") from None
            recorded += await session.record(event) is not None
            continue
        targets = _targets(session, entry, number)
        for finding_id in targets:
            try:
                if action == "accept":
                    event = session.state.accept(finding_id, actor=actor)
                elif action == "reject":
                    reason = str(entry.get("reason", ""))
                    event = session.state.reject(finding_id, actor=actor, reason=reason)
                elif action == "revert":
                    event = session.state.revert(finding_id, actor=actor)
                elif action == "delete":
                    event = session.state.delete_comment(finding_id, actor=actor)
                else:
                    changes = _edit_changes(entry, number)
                    event = session.state.edit(finding_id, changes, actor=actor)
            except ReviewStateError as error:
                raise DecisionsFileError(f"Decision {number}: {error.message}") from None
            recorded += await session.record(event) is not None
    return recorded
