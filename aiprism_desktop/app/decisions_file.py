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

The whole file is checked first, against a copy of the review: if any entry is invalid,
nothing is recorded. Applying the same file again changes nothing for accept, reject, revert,
edit, add (a comment's id is derived from its section, quote, text and author, so an existing
one is not added twice) and delete; ``undo``, ``redo`` and ``revert_all`` act on the review as
it is at that moment, so they apply again every time the file is run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from aiprism_desktop.app.comments import build_reviewer_comment
from aiprism_desktop.app.errors import DecisionsFileError
from aiprism_desktop.app.session import ReviewSession
from aiprism_desktop.core.anchoring import anchor_quote
from aiprism_desktop.core.document import Document, Section
from aiprism_desktop.core.errors import ReviewStateError
from aiprism_desktop.core.findings import DecisionEvent, Finding
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.review import ReviewState
from aiprism_desktop.core.reviewer_input import EDIT_FIELDS, decode_reviewer_fields

_ACTIONS = ("accept", "reject", "revert", "edit", "add", "delete", "undo", "redo", "revert_all")
_WHOLE_REVIEW = {
    "undo": lambda state, actor: state.undo(actor=actor),
    "redo": lambda state, actor: state.redo(actor=actor),
    "revert_all": lambda state, actor: state.revert_all(actor=actor),
}
_SELECTABLE = ("section", "risk", "type", "category", "origin")


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


def _matches(document: Document, finding: Finding, select: dict[str, Any]) -> bool:
    for key, wanted in select.items():
        if key not in _SELECTABLE:
            raise DecisionsFileError(f"Cannot select on '{key}': use {', '.join(_SELECTABLE)}.")
        if key == "section":
            number = _section_number(document, finding.section_id)
            if str(wanted) not in (finding.section_id, str(number)):
                return False
        elif str(getattr(finding, key)) != str(wanted):
            return False
    return True


def _section_number(document: Document, section_id: str) -> int:
    ids = [s.id for s in document.sections]
    return ids.index(section_id) + 1 if section_id in ids else 0


class _Ledger(Protocol):
    """Where the events of a decisions file go: a dry run, or the store."""

    @property
    def state(self) -> ReviewState: ...

    async def record(self, event: DecisionEvent | None) -> bool:
        """Record ``event`` (None records nothing); True when something was recorded."""
        ...


class _DryRun:
    """Applies events to a copy of the review state; nothing is stored."""

    def __init__(self, state: ReviewState) -> None:
        self.state = state

    async def record(self, event: DecisionEvent | None) -> bool:
        if event is None:
            return False
        self.state = self.state.apply(event)
        return True


class _Committed:
    """Commits events through the session (each one durable before the next)."""

    def __init__(self, session: ReviewSession) -> None:
        self._session = session

    @property
    def state(self) -> ReviewState:
        return self._session.state

    async def record(self, event: DecisionEvent | None) -> bool:
        return await self._session.record(event) is not None


@dataclass(frozen=True, slots=True)
class AppliedDecisions:
    """What applying a decisions file did."""

    recorded: int  # events recorded
    unchanged: int  # entries that were already in effect (e.g. a comment added before)


@dataclass(frozen=True, slots=True)
class _Context:
    document: Document
    framework: Framework
    actor: str


def _section(document: Document, wanted: object, number: int) -> Section:
    if isinstance(wanted, int | str) and not isinstance(wanted, bool):
        key = str(wanted)
        for index, section in enumerate(document.sections, start=1):
            if key in (section.id, str(index)):
                return section
    raise DecisionsFileError(f"Decision {number}: no section '{wanted}' in the document.")


def _new_comment(ctx: _Context, entry: dict[str, Any], number: int) -> Finding:
    section = _section(ctx.document, entry.get("section"), number)
    fields = {k: v for k, v in entry.items() if k not in ("action", "section")}
    try:
        return build_reviewer_comment(section, fields, ctx.framework, ctx.actor)
    except ReviewStateError as error:
        raise DecisionsFileError(f"Decision {number}: {error.message}") from None


def _edit_changes(ctx: _Context, entry: dict[str, Any], number: int) -> dict[str, Any]:
    changes = entry.get("changes")
    if not isinstance(changes, dict) or not changes:
        raise DecisionsFileError(f"Decision {number}: 'edit' needs a 'changes' object.")
    try:
        return decode_reviewer_fields(changes, ctx.framework, allowed=EDIT_FIELDS)
    except ReviewStateError as error:
        raise DecisionsFileError(f"Decision {number}: {error.message}") from None


def _targets(
    document: Document, state: ReviewState, entry: dict[str, Any], number: int
) -> list[str]:
    if "finding" in entry:
        return [str(entry["finding"])]
    select = entry.get("select")
    if not isinstance(select, dict):
        raise DecisionsFileError(f"Decision {number}: give a 'finding' id or a 'select' filter.")
    states = state.finding_states()
    return [s.finding.id for s in states if _matches(document, s.finding, select)]


def _finding_event(
    ctx: _Context,
    state: ReviewState,
    action: str,
    finding_id: str,
    entry: dict[str, Any],
    number: int,
) -> DecisionEvent | None:
    actor = ctx.actor
    if action == "accept":
        return state.accept(finding_id, actor=actor)
    if action == "reject":
        return state.reject(finding_id, actor=actor, reason=str(entry.get("reason", "")))
    if action == "revert":
        return state.revert(finding_id, actor=actor)
    if action == "delete":
        if state.contains(finding_id) and state.get(finding_id).deleted:
            return None  # already deleted: applying the file again changes nothing
        return state.delete_comment(finding_id, actor=actor)
    changes = _edit_changes(ctx, entry, number)
    section_id = state.get(finding_id).finding.section_id
    section = next((s for s in ctx.document.sections if s.id == section_id), None)
    quote = changes.get("quote", "")
    if quote.strip() and (section is None or anchor_quote(section, quote) is None):
        raise DecisionsFileError(
            f"Decision {number}: the new quote was not found in the finding's section."
        )
    return state.edit(finding_id, changes, actor=actor, section=section)


async def _apply_entry(
    ctx: _Context, ledger: _Ledger, entry: dict[str, Any], number: int
) -> list[bool]:
    """Apply one entry; one flag per event it leads to: recorded, or already in effect."""
    action = entry["action"]
    if action == "add":
        finding = _new_comment(ctx, entry, number)
        if ledger.state.contains(finding.id):
            return [False]  # added by an earlier run of this file
        return [await ledger.record(ledger.state.add_comment(finding, actor=ctx.actor))]
    if action in _WHOLE_REVIEW:
        return [await ledger.record(_WHOLE_REVIEW[action](ledger.state, ctx.actor))]
    outcomes = []
    for finding_id in _targets(ctx.document, ledger.state, entry, number):
        event = _finding_event(ctx, ledger.state, action, finding_id, entry, number)
        outcomes.append(await ledger.record(event))
    return outcomes


async def _apply(entries: list[dict[str, Any]], ctx: _Context, ledger: _Ledger) -> AppliedDecisions:
    recorded = unchanged = 0
    for number, entry in enumerate(entries, start=1):
        try:
            outcomes = await _apply_entry(ctx, ledger, entry, number)
        except ReviewStateError as error:
            raise DecisionsFileError(f"Decision {number}: {error.message}") from None
        recorded += outcomes.count(True)
        unchanged += outcomes.count(False)
    return AppliedDecisions(recorded, unchanged)


async def apply_decisions(
    session: ReviewSession, entries: list[dict[str, Any]]
) -> AppliedDecisions:
    """Check every entry against a copy of the review, then record them in order.

    ``DecisionsFileError`` naming the first invalid entry, with nothing recorded. Read the
    entries with ``read_decisions`` before any analysis: a broken file is found at once.
    """
    ctx = _Context(session.document, session.framework, session.actor)
    await _apply(entries, ctx, _DryRun(session.state))
    return await _apply(entries, ctx, _Committed(session))
