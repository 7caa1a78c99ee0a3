"""What the store says about a document's review that opening it needs: its framework."""

from __future__ import annotations

from collections import Counter

from aiprism_desktop.app.services import AppServices
from aiprism_desktop.core.document import Document
from aiprism_desktop.core.findings import OriginKind
from aiprism_desktop.core.frameworks import Framework


async def stored_framework(
    services: AppServices, document: Document, notes: list[str]
) -> Framework:
    """The framework the stored review was made with; the configured one (with a note) when
    it is unknown or no longer installed."""
    framework_id = await review_framework_id(services, document.sha256)
    framework = services.frameworks.get(framework_id) if framework_id else None
    if framework is not None:
        return framework
    framework = services.framework(None)
    if framework_id:
        notes.append(
            f"This document was reviewed with the framework '{framework_id}', which is not "
            f"installed; showing framework titles from '{framework.id}'."
        )
    return framework


async def review_framework_id(services: AppServices, document_id: str) -> str:
    """The framework the stored review of a document was made with ("" when unknown).

    The most recently reviewed section's framework; for reviews stored before that was
    recorded, the framework most of the AI/rule findings cite.
    """
    store = services.store
    for record in reversed(await store.section_reviews(document_id)):
        if record.framework_id:
            return record.framework_id
    counts = Counter(
        f.framework_id
        for f in await store.findings(document_id)
        if f.origin_kind is not OriginKind.REVIEWER
    )
    return counts.most_common(1)[0][0] if counts else ""
