"""Decision-log sync to the team backend (offline-first): the backend's statistics fold the
same events the desktop folds.

Every sync sends the document's AI/rule findings and its whole decision log; the backend keeps
each event once (by id), so a sync may be repeated at will and a failed one simply happens
again later. Event ids are ``<review id>-<seq>``; the review id is derived from this
installation's random id and the document, so two reviewers of one document never mix logs.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from aiprism_desktop.app.services import AppServices
from aiprism_desktop.core.codec import event_to_dict, finding_to_dict
from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.core.findings import OriginKind

INSTALLATION_FILE = "installation-id"
EVENTS_PER_REQUEST = 5000


@dataclass(frozen=True, slots=True)
class SyncResult:
    review_id: str
    received: int  # events new to the backend
    duplicates: int  # events it already had
    events_total: int


def installation_id(data_dir: Path) -> str:
    """This installation's random id (made on first use; not a secret)."""
    path = data_dir / INSTALLATION_FILE
    try:
        existing = path.read_text("utf-8").strip()
    except FileNotFoundError:
        existing = ""
    if existing:
        return existing
    fresh = uuid.uuid4().hex
    path.write_text(fresh + "\n", "utf-8")
    return fresh


def review_id(installation: str, document_id: str) -> str:
    return hashlib.sha256(f"{installation}:{document_id}".encode()).hexdigest()[:32]


async def sync_review(services: AppServices, document_id: str) -> SyncResult:
    """Send one document's findings and decision log to the team backend.

    ``ProviderUnavailableError`` when the backend cannot be reached (nothing is lost: the next
    sync sends everything again), ``ConfigError`` when no backend is configured.
    """
    from aiprism_desktop.providers.backend.reviewer import BackendReviewer

    reviewer = await services.reviewer("backend")
    if not isinstance(reviewer, BackendReviewer):
        raise ConfigError("Decision sync needs the team backend provider.")
    install = await asyncio.to_thread(installation_id, services.paths.data_dir)
    rid = review_id(install, document_id)
    findings = [
        finding_to_dict(f)
        for f in await services.store.findings(document_id)
        if f.origin_kind is not OriginKind.REVIEWER
    ]
    events = [
        {"id": f"{rid}-{event.seq}", "event": event_to_dict(event)}
        for event in await services.store.events(document_id)
    ]
    received = duplicates = total = 0
    for start in range(0, max(len(events), 1), EVENTS_PER_REQUEST):
        batch = events[start : start + EVENTS_PER_REQUEST]
        answer = await reviewer.sync_events(
            rid, {"document_id": document_id, "findings": findings, "events": batch}
        )
        received += int(answer["received"])
        duplicates += int(answer["duplicates"])
        total = int(answer["events_total"])
    return SyncResult(rid, received, duplicates, total)
