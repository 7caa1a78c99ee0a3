"""Interfaces the engine needs from the outside world (implemented by ``store``).

The engine is Qt-free and SQL-free: it talks to persistence through these protocols, which the
SQLite store implements (on its own thread) and tests may implement in memory. All methods are
coroutines; a method that persists something has committed it durably when it returns.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Literal, Protocol

from aiprism_desktop.core.document import Document
from aiprism_desktop.core.findings import DecisionEvent, Finding, utc_now


@dataclass(frozen=True, slots=True)
class CacheKey:
    """What a cached section review depends on: change any part and the cache misses."""

    section_hash: str
    framework: str  # "<framework id>@<framework version>"
    prompt_version: str
    provider: str
    model_chain: tuple[str, ...] = ()
    prompt_hash: str = ""  # hash of the exact prompts sent (they include the outline)
    context_hash: str = ""  # the whole document's content, for document-scoped providers

    def digest(self) -> str:
        """A stable hex key for storage."""
        parts: list[object] = [
            self.section_hash,
            self.framework,
            self.prompt_version,
            self.provider,
            list(self.model_chain),
        ]
        if self.prompt_hash or self.context_hash:  # keys without them keep their old digest
            parts += [self.prompt_hash, self.context_hash]
        payload = json.dumps(parts)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class CachedReview:
    """A finished section review as stored in the cache."""

    findings: tuple[Finding, ...]
    model: str
    attempts_json: str = "[]"  # the attempt log, serialized (see core.codec)
    created_at: str = field(default_factory=utc_now)


@dataclass(frozen=True, slots=True)
class SectionReview:
    """How a section's findings were obtained; kept with them for reports and exports."""

    framework_id: str
    model: str = ""
    attempts_json: str = "[]"  # the attempt log, serialized (see core.codec)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A review request waiting for a provider to become reachable."""

    id: int
    document_id: str
    section_id: str
    provider: str
    kind: Literal["review", "chat"] = "review"
    payload_json: str = "{}"
    attempts: int = 0
    last_error: str = ""
    created_at: str = field(default_factory=utc_now)


@dataclass(frozen=True, slots=True)
class ModelHealthRecord:
    """Persisted availability of one model: cooldowns survive restarts, disables stay."""

    model_id: str
    state: Literal["ready", "cooling_down", "disabled"]
    until: float | None = None  # unix time a cooldown ends
    reason: str = ""
    consecutive_failures: int = 0
    updated_at: str = field(default_factory=utc_now)


class DocumentRepository(Protocol):
    """Documents and their sections."""

    async def save_document(self, document: Document) -> str:
        """Store (or refresh) a document and its sections; return its id (the sha256)."""
        ...


class FindingRepository(Protocol):
    """Findings produced for a document."""

    async def save_findings(
        self,
        document_id: str,
        section_id: str,
        findings: tuple[Finding, ...],
        *,
        review: SectionReview | None = None,
    ) -> None:
        """Replace the AI/rule findings of one section (reviewer's own comments are events)
        and mark the section reviewed, with how it was reviewed when ``review`` is given."""
        ...

    async def findings(self, document_id: str) -> tuple[Finding, ...]:
        """All stored findings of a document, in section order."""
        ...


class DecisionLog(Protocol):
    """The append-only decision log."""

    async def append(self, document_id: str, event: DecisionEvent) -> DecisionEvent:
        """Commit the event durably and return it with its ``seq`` set."""
        ...

    async def events(self, document_id: str) -> tuple[DecisionEvent, ...]:
        """Every event of a document, in ``seq`` order."""
        ...


class ReviewCache(Protocol):
    """Finished section reviews keyed by ``CacheKey``."""

    async def get(self, key: CacheKey) -> CachedReview | None:
        """The cached review, or None."""
        ...

    async def put(self, key: CacheKey, review: CachedReview) -> None:
        """Store a finished review."""
        ...


class Outbox(Protocol):
    """Requests made while the provider was unreachable."""

    async def enqueue(self, item: OutboxItem) -> OutboxItem:
        """Queue a request (idempotent per document/section/provider/kind); return it with id."""
        ...

    async def pending(self, provider: str | None = None) -> tuple[OutboxItem, ...]:
        """Queued requests, oldest first."""
        ...

    async def complete(self, item_id: int) -> None:
        """Remove a request that has run."""
        ...

    async def record_failure(self, item_id: int, error: str) -> None:
        """Keep a request queued and note why its last run failed."""
        ...


class ModelHealthRepository(Protocol):
    """Persisted cooldowns and disabled states of models."""

    async def get_health(self, model_id: str) -> ModelHealthRecord | None:
        """The stored record, or None when the model has never failed."""
        ...

    async def put_health(self, record: ModelHealthRecord) -> None:
        """Store a record."""
        ...

    async def all_health(self) -> tuple[ModelHealthRecord, ...]:
        """Every stored record."""
        ...
