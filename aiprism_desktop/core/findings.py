"""Findings and decision events: the review's data types.

A finding is what a reviewer (model, rule or human) says about a quoted span of a section.
Decisions about findings are events appended to a log; the review state is a fold over that
log (``core.review``). Validation of untrusted model output lives in ``core.finding_schema``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class FindingType(StrEnum):
    """How much a finding matters to the write-up as a whole."""

    CRITICAL = "critical"
    IMPORTANT = "important"
    SUGGESTION = "suggestion"
    POSITIVE = "positive"


class Risk(StrEnum):
    """Risk if the finding is not addressed."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class OriginKind(StrEnum):
    """Who produced a finding."""

    MODEL = "model"
    RULE = "rule"
    REVIEWER = "reviewer"


def utc_now() -> str:
    """Current time as an ISO 8601 UTC string (the one timestamp format on disk and in reports)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a finding's quote is: a block and a half-open character range in ``Block.text``.

    ``end_block_id`` is set when the quote spans several blocks; then ``end`` indexes into that
    block's text.
    """

    block_id: str
    start: int
    end: int
    end_block_id: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding about a section."""

    id: str
    section_id: str
    origin: str  # "model:<model id>" | "rule:<rule id>" | "reviewer"
    type: FindingType
    risk: Risk
    category: str
    description: str
    suggestion: str = ""
    example: str = ""
    questions: tuple[str, ...] = ()
    framework_refs: tuple[int, ...] = ()
    framework_id: str = "hawkeye"
    quote: str = ""
    replacement: str | None = None
    confidence: float = 0.5
    prompt_version: str = ""
    created_at: str = field(default_factory=utc_now)
    anchor: Anchor | None = None  # None = "unanchored": shown, never placed at a guessed spot
    author: str = ""  # the reviewer's name for their own comments; empty for AI/rule findings

    @property
    def origin_kind(self) -> OriginKind:
        """MODEL, RULE or REVIEWER, from the origin string."""
        return OriginKind(self.origin.split(":", 1)[0])

    @property
    def origin_id(self) -> str:
        """The model id or rule id after the colon; empty for the reviewer."""
        return self.origin.split(":", 1)[1] if ":" in self.origin else ""

    def with_changes(self, **changes: Any) -> Finding:
        """A copy with some fields replaced (used by edits)."""
        return replace(self, **changes)


# Fields a reviewer may edit; the original values are kept in the event log.
EDITABLE_FIELDS = frozenset(
    {
        "type",
        "risk",
        "category",
        "description",
        "suggestion",
        "example",
        "questions",
        "framework_refs",
        "replacement",
        "quote",
        "anchor",
    }
)


class Action(StrEnum):
    """Kinds of decision events."""

    ACCEPT = "accept"
    REJECT = "reject"
    REVERT = "revert"  # back to undecided
    EDIT = "edit"
    ADD = "add"  # reviewer's own comment
    DELETE = "delete"  # delete the reviewer's own comment
    RESTORE = "restore"  # undo of a delete
    REVERT_ALL = "revert_all"
    DECIDE_MANY = "decide_many"  # one bulk accept/reject: undone and redone as one step


class Decision(StrEnum):
    """The decided state of a finding, as folded from the event log."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class DecisionEvent:
    """One entry of the decision log (the audit trail).

    ``before``/``after`` hold JSON-able field values: for EDIT the edited fields, for
    ACCEPT/REJECT/REVERT the decision (``{"decision": "accepted"}``), for REVERT_ALL and
    DECIDE_MANY the map of every changed finding to its decision (before: the previous one, so
    an undo can restore it). ``finding`` is set for ADD.
    ``undo_of`` is the ``seq`` of the event this one undoes (undo appends the inverse).
    """

    action: Action
    finding_id: str  # "" for REVERT_ALL and DECIDE_MANY
    actor: str
    at: str = field(default_factory=utc_now)
    reason: str = ""
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    finding: Finding | None = None
    undo_of: int | None = None
    redo_of: int | None = None
    seq: int | None = None  # assigned by the store when the event is committed
