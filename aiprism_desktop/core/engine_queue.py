"""The engine's use of the outbox: a section whose provider cannot be reached waits there, and
leaves it once it has been reviewed."""

from __future__ import annotations

import json
from dataclasses import dataclass

from aiprism_desktop.core.document import Document, Section
from aiprism_desktop.core.errors import AIPrismError
from aiprism_desktop.core.ports import Outbox, OutboxItem


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
