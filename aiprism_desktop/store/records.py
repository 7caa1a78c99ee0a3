"""Rows the store returns that are not domain types of their own (the rest are in core)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from aiprism_desktop.core.document import DocumentWarning, SectionKind
from aiprism_desktop.core.findings import utc_now


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document the reviewer has opened: enough to list it and find it again."""

    id: str  # the file's sha256
    path: Path
    title: str
    source_format: str
    opened_at: str
    section_count: int = 0
    warnings: tuple[DocumentWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredSection:
    """A section's outline entry and content hash (its blocks are re-read from the file)."""

    section_id: str
    ordinal: int
    title: str
    level: int
    kind: SectionKind
    content_hash: str


@dataclass(frozen=True, slots=True)
class ChatRecord:
    """One stored chat turn about a document (``seq`` is set by the store)."""

    role: Literal["user", "assistant"]
    text: str
    model: str = ""
    section_id: str = ""  # the section the question was about, "" for the whole document
    at: str = field(default_factory=utc_now)
    seq: int | None = None


@dataclass(frozen=True, slots=True)
class DamagedEvent:
    """A stored decision event that cannot be read back (left in the log, left out of the fold)."""

    seq: int
    action: str
    at: str
    problem: str


@dataclass(frozen=True, slots=True)
class SectionReviewRecord:
    """How a section of a document was last reviewed."""

    section_id: str
    framework_id: str
    model: str
    attempts_json: str
    reviewed_at: str
