"""The one typed event stream a front end listens to.

Engine events (a run and its sections, model attempts as they happen) are re-emitted as they
are; the application layer adds what only it knows: a decision was applied, the review changed
(findings of a finished section are in), a model's status changed, the outbox's queue changed,
settings changed. The CLI prints these; the window maps them to Qt signals.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiprism_desktop.core.engine_events import (
    EngineEvent,
    Progress,
    RunFinished,
    RunStarted,
    SectionAttemptEnded,
    SectionAttemptStarted,
    SectionFailed,
    SectionFinished,
    SectionQueued,
    SectionSkipped,
    SectionStarted,
)
from aiprism_desktop.core.findings import DecisionEvent

__all__ = [
    "AppEvent",
    "DecisionApplied",
    "EngineEvent",
    "ModelStatusChanged",
    "Progress",
    "QueueChanged",
    "ReviewChanged",
    "RunFinished",
    "RunStarted",
    "SectionAttemptEnded",
    "SectionAttemptStarted",
    "SectionFailed",
    "SectionFinished",
    "SectionQueued",
    "SectionSkipped",
    "SectionStarted",
    "SettingsChanged",
]


@dataclass(frozen=True, slots=True)
class DecisionApplied:
    """A decision was committed to disk and applied to the open review."""

    document_id: str
    event: DecisionEvent


@dataclass(frozen=True, slots=True)
class ReviewChanged:
    """The open review's findings changed (a section's findings are in, or it was reloaded)."""

    document_id: str
    section_ids: tuple[str, ...]  # empty: the whole review


@dataclass(frozen=True, slots=True)
class ModelStatusChanged:
    """A model of a chain was cooled down, disabled, re-enabled or recovered."""

    model: str


@dataclass(frozen=True, slots=True)
class QueueChanged:
    """Requests waiting for an unreachable provider: how many there are now."""

    pending: int


@dataclass(frozen=True, slots=True)
class SettingsChanged:
    """Settings were changed (and the running services already use them)."""

    keys: tuple[str, ...]


AppEvent = (
    EngineEvent
    | DecisionApplied
    | ReviewChanged
    | ModelStatusChanged
    | QueueChanged
    | SettingsChanged
)
