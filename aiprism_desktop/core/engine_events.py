"""Typed progress events the review engine yields (the UI maps them to Qt signals)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from aiprism_desktop.core.errors import AIPrismError
from aiprism_desktop.core.findings import Finding
from aiprism_desktop.core.reviewer import Attempt


@dataclass(frozen=True, slots=True)
class RunStarted:
    """An analysis run began."""

    total: int
    provider: str


@dataclass(frozen=True, slots=True)
class SectionStarted:
    """A section is being reviewed now."""

    section_id: str
    title: str


@dataclass(frozen=True, slots=True)
class SectionFinished:
    """A section was reviewed (or served from the cache) and its findings are stored."""

    section_id: str
    findings: tuple[Finding, ...]
    model: str
    cached: bool
    attempts: tuple[Attempt, ...] = ()


@dataclass(frozen=True, slots=True)
class SectionSkipped:
    """Nothing to review (an empty section)."""

    section_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class SectionQueued:
    """The provider is unreachable: the request waits in the outbox until it is back."""

    section_id: str
    error: AIPrismError


@dataclass(frozen=True, slots=True)
class SectionFailed:
    """The section could not be reviewed; the error says why (never invented findings)."""

    section_id: str
    error: AIPrismError
    attempts: tuple[Attempt, ...] = ()


@dataclass(frozen=True, slots=True)
class Progress:
    """Sections settled so far (finished, skipped, queued or failed) out of the total."""

    done: int
    total: int


@dataclass(frozen=True, slots=True)
class RunFinished:
    """The run ended."""

    status: Literal["completed", "cancelled", "failed"]
    finished: int
    failed: int
    queued: int
    cached: int


EngineEvent = (
    RunStarted
    | SectionStarted
    | SectionFinished
    | SectionSkipped
    | SectionQueued
    | SectionFailed
    | Progress
    | RunFinished
)
