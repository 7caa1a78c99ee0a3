"""In-memory implementations of the engine's ports (``core.ports``).

For a process that must not touch SQLite, platformdirs or the keyring — the team server's
worker analysing one section, a one-off script — and for tests. Nothing here survives the
process.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from aiprism_desktop.core.findings import Finding
from aiprism_desktop.core.ports import (
    CachedReview,
    CacheKey,
    ModelHealthRecord,
    OutboxItem,
    SectionReview,
)


@dataclass
class MemoryCache:
    entries: dict[str, CachedReview] = field(default_factory=dict)
    hits: int = 0

    async def get(self, key: CacheKey) -> CachedReview | None:
        found = self.entries.get(key.digest())
        self.hits += found is not None
        return found

    async def put(self, key: CacheKey, review: CachedReview) -> None:
        self.entries[key.digest()] = review


@dataclass
class MemoryFindings:
    by_section: dict[tuple[str, str], tuple[Finding, ...]] = field(default_factory=dict)
    reviews: dict[tuple[str, str], SectionReview | None] = field(default_factory=dict)

    async def save_findings(
        self,
        document_id: str,
        section_id: str,
        findings: tuple[Finding, ...],
        *,
        review: SectionReview | None = None,
    ) -> None:
        self.by_section[(document_id, section_id)] = findings
        self.reviews[(document_id, section_id)] = review

    async def findings(self, document_id: str) -> tuple[Finding, ...]:
        return tuple(
            f
            for (doc, _), items in sorted(self.by_section.items())
            if doc == document_id
            for f in items
        )


@dataclass
class MemoryOutbox:
    items: dict[int, OutboxItem] = field(default_factory=dict)
    next_id: int = 1

    async def enqueue(self, item: OutboxItem) -> OutboxItem:
        for existing in self.items.values():
            same = (existing.document_id, existing.section_id, existing.provider, existing.kind)
            if same == (item.document_id, item.section_id, item.provider, item.kind):
                return existing
        stored = replace(item, id=self.next_id)
        self.items[self.next_id] = stored
        self.next_id += 1
        return stored

    async def pending(self, provider: str | None = None) -> tuple[OutboxItem, ...]:
        return tuple(
            i for _, i in sorted(self.items.items()) if provider is None or i.provider == provider
        )

    async def complete(self, item_id: int) -> None:
        self.items.pop(item_id, None)

    async def record_failure(self, item_id: int, error: str) -> None:
        item = self.items[item_id]
        self.items[item_id] = replace(item, attempts=item.attempts + 1, last_error=error)


@dataclass
class MemoryHealth:
    """Model cooldowns and disabled states; a "restart" keeps them if passed to a new chain."""

    records: dict[str, ModelHealthRecord] = field(default_factory=dict)
    writes: int = 0

    async def get_health(self, model_id: str) -> ModelHealthRecord | None:
        return self.records.get(model_id)

    async def put_health(self, record: ModelHealthRecord) -> None:
        self.records[record.model_id] = record
        self.writes += 1

    async def all_health(self) -> tuple[ModelHealthRecord, ...]:
        return tuple(self.records.values())
