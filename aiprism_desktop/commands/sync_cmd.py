"""``aiprism sync FILE.docx``: send the document's decisions to the team backend."""

from __future__ import annotations

import argparse

from aiprism_desktop.app import backend_sync
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.commands.common import (
    ExitCode,
    NotReviewedError,
    emit_json,
    info,
    open_session,
    use_backend_url,
)
from aiprism_desktop.core.errors import ProviderError


async def run_sync(args: argparse.Namespace, services: AppServices) -> int:
    await use_backend_url(services, args.backend_url)
    session = await open_session(services, args.file)
    if not session.state.analyzed_sections and not session.state.events:
        raise NotReviewedError(f"{args.file} has not been reviewed yet: nothing to sync.")
    result = await backend_sync.sync_review(services, session.document.sha256)
    if args.json:
        emit_json(
            {
                "review_id": result.review_id,
                "received": result.received,
                "duplicates": result.duplicates,
                "events_total": result.events_total,
            }
        )
    else:
        print(
            f"Synced review {result.review_id}: {result.received} new decision(s), "
            f"{result.events_total} on the team backend."
        )
    return ExitCode.OK


async def sync_after_review(services: AppServices, document_id: str) -> None:
    """After a review with the team backend: sync its decisions, or say they will sync later."""
    try:
        result = await backend_sync.sync_review(services, document_id)
    except ProviderError as error:
        info(
            f"note: decisions not synced to the team backend yet ({error.message}); run "
            "`aiprism sync FILE` when it answers."
        )
        return
    info(f"Decisions synced to the team backend ({result.received} new).")
