"""Requests queued while a provider was unreachable, and running them when it is back.

Each request runs with the provider and framework it was queued with (requests queued before
the framework was recorded, with the configured one). Open documents whose queued sections ran
are reloaded, under their decisions lock, so the window shows the new findings.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from aiprism_desktop.app.services import AppServices
from aiprism_desktop.core import engine_events as ev
from aiprism_desktop.core.document import Document
from aiprism_desktop.core.engine_parts import queued_framework
from aiprism_desktop.core.errors import ConfigError, DocumentError
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.ports import OutboxItem

log = logging.getLogger(__name__)

DEFAULT_WATCH_INTERVAL_S = 30.0


@dataclass(frozen=True, slots=True)
class DrainResult:
    """What a drain did."""

    ran: int  # requests that ran and left the queue
    left: int  # requests still queued
    notes: tuple[str, ...] = ()  # e.g. a framework that is no longer installed
    documents: tuple[str, ...] = ()  # documents whose queued sections ran


def queued_groups(pending: Iterable[OutboxItem], default_framework: str) -> list[tuple[str, str]]:
    """(provider, framework) pairs of the queued requests, in a stable order."""
    return sorted({(i.provider, queued_framework(i) or default_framework) for i in pending})


async def _load(services: AppServices, document_id: str) -> Document | None:
    """A queued request's document, if it is still where it was and unchanged."""
    stored = await services.store.get_document(document_id)
    if stored is None:
        return None
    try:
        document = await asyncio.to_thread(read_document, Path(stored.path))
    except (DocumentError, OSError):
        return None
    return document if document.sha256 == document_id else None


async def drain(
    services: AppServices,
    *,
    on_event: Callable[[ev.EngineEvent], None] | None = None,
    refresh: Callable[[str], object] | None = None,
) -> DrainResult:
    """Run the queued requests whose provider is reachable now.

    ``refresh(document_id)`` is awaited for every document whose queued sections ran (an open
    window reloads that review).
    """
    pending = await services.store.pending()
    default_framework = str(services.settings["review.framework"])
    notes: list[str] = []
    touched: list[str] = []
    ran = 0

    async def load(document_id: str) -> Document | None:
        document = await _load(services, document_id)
        if document is not None and document_id not in touched:
            touched.append(document_id)
        return document

    for provider, framework_id in queued_groups(pending, default_framework):
        try:
            framework = services.framework(framework_id)
        except ConfigError as error:
            notes.append(f"{error.message} Requests queued with it stay queued.")
            continue
        async with services.use_reviewer(provider) as reviewer:
            engine = services.engine(reviewer, framework)
            ran += await engine.drain_outbox(
                load, on_event=on_event, include_unlabelled=framework_id == default_framework
            )
    for document_id in touched:
        if refresh is not None:
            result = refresh(document_id)
            if asyncio.iscoroutine(result):
                await result
    left = await services.publish_queue()
    return DrainResult(ran, left, tuple(notes), tuple(touched))


async def watch(
    services: AppServices,
    *,
    interval_s: float = DEFAULT_WATCH_INTERVAL_S,
    refresh: Callable[[str], object] | None = None,
) -> None:
    """Drain the queue whenever something waits and its provider answers; runs until
    cancelled (the window keeps it as a background task)."""
    while True:
        try:
            if await services.store.pending():
                await drain(services, refresh=refresh)
        except asyncio.CancelledError:
            raise
        except Exception:  # a failed attempt is retried at the next interval
            log.exception("Running queued requests failed")
        await asyncio.sleep(interval_s)
