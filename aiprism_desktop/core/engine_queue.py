"""The engine's use of the outbox: a section whose provider cannot be reached waits there, and
leaves it once it has been reviewed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiprism_desktop.core import engine_events as ev
from aiprism_desktop.core.document import Document, Section
from aiprism_desktop.core.engine_calls import SectionCalls
from aiprism_desktop.core.engine_events import Emitter
from aiprism_desktop.core.engine_parts import find_section, queued_framework
from aiprism_desktop.core.errors import AIPrismError, ProviderUnavailableError
from aiprism_desktop.core.ports import Outbox, OutboxItem
from aiprism_desktop.core.reviewer import Reviewer

# How the engine reviews one queued section: ``settle(document, section, calls)``.
Settle = Callable[[Document, Section, SectionCalls], Awaitable[ev.EngineEvent]]


@dataclass(frozen=True, slots=True)
class QueueLabel:
    """Who a queued request is for: the provider, and the framework it was made with."""

    provider: str
    framework_id: str


async def enqueue(
    outbox: Outbox, document: Document, section: Section, label: QueueLabel, error: AIPrismError
) -> None:
    """Queue the review of ``section`` until ``label.provider`` is reachable again."""
    await outbox.enqueue(
        OutboxItem(
            id=0,
            document_id=document.sha256,
            section_id=section.id,
            provider=label.provider,
            payload_json=json.dumps({"framework": label.framework_id}),
            last_error=str(error),
        )
    )


async def take_off_queue(
    outbox: Outbox, document: Document, section: Section, provider: str
) -> None:
    """A section that was queued while offline and has now been reviewed leaves the queue."""
    for item in await outbox.pending(provider):
        if (item.document_id, item.section_id) == (document.sha256, section.id):
            await outbox.complete(item.id)


async def drain(
    reviewer: Reviewer,
    framework_id: str,
    concurrency: int,
    settle: Settle,
    outbox: Outbox,
    load_document: Callable[[str], Awaitable[Document | None]],
    emit: Emitter,
    include_unlabelled: bool,
) -> int:
    """Run ``reviewer``'s queued requests for the framework if the provider is reachable;
    return how many ran.

    Requests queued with another framework are left for an engine with that framework;
    requests queued before the framework was recorded run when ``include_unlabelled``.
    Requests that fail again stay queued with the reason; requests whose document can no
    longer be found are dropped.
    """
    if not (await reviewer.health()).reachable:
        return 0
    ran = 0
    for item in await outbox.pending(reviewer.info.name):
        queued_with = queued_framework(item)
        if queued_with != framework_id and (queued_with or not include_unlabelled):
            continue
        document = await load_document(item.document_id)
        section = find_section(document, item.section_id) if document else None
        if document is None or section is None:
            await outbox.complete(item.id)
            continue
        event = await settle(
            document, section, SectionCalls(asyncio.Semaphore(concurrency), emit, section)
        )
        await emit.drain()
        await emit(event)
        if isinstance(event, ev.SectionFinished):
            ran += 1  # settle took it off the queue
        elif isinstance(event, ev.SectionFailed):
            await outbox.record_failure(item.id, str(event.error))
            if isinstance(event.error, ProviderUnavailableError):
                break  # gone again: keep the rest queued without hammering it
    return ran
