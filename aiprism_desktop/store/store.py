"""``Store``: the async facade the engine, CLI and GUI use.

Every SQLite call runs on ONE dedicated thread (a single-worker executor that owns the
connection), so the event loop — qasync's in the GUI — never waits on the disk, and calls are
executed one at a time in the order they were made: concurrent ``append`` calls get increasing
``seq`` numbers in call order.

``Store`` implements every protocol of ``core.ports`` (DocumentRepository, FindingRepository,
DecisionLog, ReviewCache, Outbox, ModelHealthRepository) plus chat history and settings. A
method that writes has committed when it returns. If the awaiting task is cancelled, a write
that already started still completes on the store thread (it is never half done).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any, ParamSpec, TypeVar

from aiprism_desktop.core.document import Document
from aiprism_desktop.core.findings import DecisionEvent, Finding
from aiprism_desktop.core.ports import (
    CachedReview,
    CacheKey,
    ModelHealthRecord,
    OutboxItem,
    SectionReview,
)
from aiprism_desktop.store.db import Synchronous
from aiprism_desktop.store.errors import StoreClosedError
from aiprism_desktop.store.paths import AppPaths
from aiprism_desktop.store.records import (
    ChatRecord,
    DamagedEvent,
    SectionReviewRecord,
    StoredDocument,
    StoredSection,
)
from aiprism_desktop.store.sync_store import SyncStore

P = ParamSpec("P")
T = TypeVar("T")


class Store:
    """The review database, awaitable. Create with ``await Store.open(paths)``."""

    def __init__(self, sync: SyncStore, executor: ThreadPoolExecutor) -> None:
        """Use ``Store.open``; this wires an already open ``SyncStore`` to its thread."""
        self._sync = sync
        self._executor = executor
        self._closed = False

    @classmethod
    async def open(
        cls, paths: AppPaths | None = None, *, synchronous: Synchronous = "FULL"
    ) -> Store:
        """Open (creating and migrating as needed) the database under ``paths``."""
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aiprism-store")
        loop = asyncio.get_running_loop()
        try:
            # The connection is created on the store thread: it belongs to that thread.
            sync = await loop.run_in_executor(
                executor, functools.partial(SyncStore.open, paths, synchronous=synchronous)
            )
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(sync, executor)

    @property
    def path(self) -> Path:
        """The database file."""
        return self._sync.path

    @property
    def closed(self) -> bool:
        """True once ``close()`` has been called."""
        return self._closed

    async def close(self) -> None:
        """Finish queued calls, close the connection and stop the thread. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, self._sync.close)
        finally:
            self._executor.shutdown(wait=False)

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _call(self, method: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        if self._closed:
            raise StoreClosedError()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, functools.partial(method, *args, **kwargs)
        )

    # -- DocumentRepository ------------------------------------------------------------------

    async def save_document(self, document: Document) -> str:
        """Store or refresh a document and its sections; return its id (the sha256)."""
        return await self._call(self._sync.save_document, document)

    async def get_document(self, document_id: str) -> StoredDocument | None:
        """The stored document, or None."""
        return await self._call(self._sync.get_document, document_id)

    async def recent_documents(self, limit: int = 50) -> tuple[StoredDocument, ...]:
        """Documents, most recently opened first."""
        return await self._call(self._sync.recent_documents, limit)

    async def sections(self, document_id: str) -> tuple[StoredSection, ...]:
        """A document's sections in document order."""
        return await self._call(self._sync.sections, document_id)

    async def delete_document(self, document_id: str) -> bool:
        """Forget a document with its findings, decisions, chat and queued requests."""
        return await self._call(self._sync.delete_document, document_id)

    # -- FindingRepository -------------------------------------------------------------------

    async def save_findings(
        self,
        document_id: str,
        section_id: str,
        findings: tuple[Finding, ...],
        *,
        review: SectionReview | None = None,
    ) -> None:
        """Replace the AI/rule findings of one section and mark it reviewed."""
        await self._call(self._sync.save_findings, document_id, section_id, findings, review=review)

    async def findings(self, document_id: str) -> tuple[Finding, ...]:
        """All stored findings of a document, in section order."""
        return await self._call(self._sync.findings, document_id)

    async def reviewed_sections(self, document_id: str) -> frozenset[str]:
        """Ids of the sections that have been reviewed (with or without findings)."""
        return await self._call(self._sync.reviewed_sections, document_id)

    async def section_reviews(self, document_id: str) -> tuple[SectionReviewRecord, ...]:
        """How each reviewed section was last reviewed (framework, model, attempt log)."""
        return await self._call(self._sync.section_reviews, document_id)

    # -- DecisionLog -------------------------------------------------------------------------

    async def append(self, document_id: str, event: DecisionEvent) -> DecisionEvent:
        """Commit the event durably (fsynced) and return it with its ``seq`` set."""
        return await self._call(self._sync.append, document_id, event)

    async def events(self, document_id: str, after_seq: int = 0) -> tuple[DecisionEvent, ...]:
        """Every event of a document (after ``after_seq``), in ``seq`` order."""
        return await self._call(self._sync.events, document_id, after_seq)

    async def readable_events(
        self, document_id: str
    ) -> tuple[tuple[DecisionEvent, ...], tuple[DamagedEvent, ...]]:
        """(readable events, damaged events) of a document, each in ``seq`` order."""
        return await self._call(self._sync.readable_events, document_id)

    # -- ReviewCache -------------------------------------------------------------------------

    async def get(self, key: CacheKey) -> CachedReview | None:
        """The cached section review for ``key``, or None."""
        return await self._call(self._sync.get, key)

    async def put(self, key: CacheKey, review: CachedReview) -> None:
        """Store a finished section review."""
        await self._call(self._sync.put, key, review)

    async def invalidate_cache(self, key: CacheKey) -> bool:
        """Drop one cached review; True when there was one."""
        return await self._call(self._sync.invalidate_cache, key)

    async def clear_cache(self) -> int:
        """Drop every cached review; return how many."""
        return await self._call(self._sync.clear_cache)

    # -- Outbox ------------------------------------------------------------------------------

    async def enqueue(self, item: OutboxItem) -> OutboxItem:
        """Queue a request (one per document/section/provider/kind); return it with its id."""
        return await self._call(self._sync.enqueue, item)

    async def pending(self, provider: str | None = None) -> tuple[OutboxItem, ...]:
        """Queued requests, oldest first."""
        return await self._call(self._sync.pending, provider)

    async def complete(self, item_id: int) -> None:
        """Remove a request that has run."""
        await self._call(self._sync.complete, item_id)

    async def record_failure(self, item_id: int, error: str) -> None:
        """Keep a request queued, counting the failed attempt and its error."""
        await self._call(self._sync.record_failure, item_id, error)

    # -- ModelHealthRepository ---------------------------------------------------------------

    async def get_health(self, model_id: str) -> ModelHealthRecord | None:
        """The stored health record of a model, or None."""
        return await self._call(self._sync.get_health, model_id)

    async def put_health(self, record: ModelHealthRecord) -> None:
        """Store a model's health record."""
        await self._call(self._sync.put_health, record)

    async def all_health(self) -> tuple[ModelHealthRecord, ...]:
        """Every stored health record."""
        return await self._call(self._sync.all_health)

    async def clear_health(self, model_id: str | None = None) -> None:
        """Forget one model's record (or all)."""
        await self._call(self._sync.clear_health, model_id)

    # -- Chat history ------------------------------------------------------------------------

    async def append_chat(self, document_id: str, record: ChatRecord) -> ChatRecord:
        """Store one chat turn; return it with its ``seq``."""
        return await self._call(self._sync.append_chat, document_id, record)

    async def chat_history(
        self, document_id: str, limit: int | None = None
    ) -> tuple[ChatRecord, ...]:
        """A document's chat turns in order (the last ``limit`` if given)."""
        return await self._call(self._sync.chat_history, document_id, limit)

    async def clear_chat(self, document_id: str) -> int:
        """Delete a document's chat; return how many turns there were."""
        return await self._call(self._sync.clear_chat, document_id)

    # -- Settings (non-secret) ---------------------------------------------------------------

    async def get_setting(self, key: str, default: Any = None) -> Any:
        """A stored setting, or ``default``."""
        return await self._call(self._sync.get_setting, key, default)

    async def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-able setting; ``SecretSettingError`` for secret-looking keys/values."""
        await self._call(self._sync.set_setting, key, value)

    async def delete_setting(self, key: str) -> None:
        """Remove a setting."""
        await self._call(self._sync.delete_setting, key)

    async def all_settings(self) -> dict[str, Any]:
        """Every setting."""
        return await self._call(self._sync.all_settings)

    # -- Maintenance -------------------------------------------------------------------------

    async def schema_version(self) -> int:
        """The schema version of the open database."""
        return await self._call(self._sync.schema_version)

    async def integrity_problems(self) -> list[str]:
        """SQLite integrity and foreign-key problems; empty when healthy."""
        return await self._call(self._sync.integrity_problems)

    async def checkpoint(self) -> None:
        """Fold the WAL into the main database file."""
        await self._call(self._sync.checkpoint)
