"""``aiprism outbox [--run]``: requests queued while the provider was unreachable."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from aiprism_desktop.app.services import AppServices
from aiprism_desktop.commands.common import ExitCode, emit_json, info
from aiprism_desktop.core.document import Document
from aiprism_desktop.core.engine_parts import queued_framework
from aiprism_desktop.core.errors import ConfigError, DocumentError
from aiprism_desktop.core.ooxml.reader import read_document


async def _loader(services: AppServices, document_id: str) -> Document | None:
    """The queued request's document, if it is still where it was and unchanged."""
    stored = await services.store.get_document(document_id)
    if stored is None:
        return None
    try:
        document = await asyncio.to_thread(read_document, Path(stored.path))
    except (DocumentError, OSError):
        return None
    return document if document.sha256 == document_id else None


async def run_outbox(args: argparse.Namespace, services: AppServices) -> int:
    """List queued requests; with ``--run``, run those whose provider is reachable now."""
    pending = await services.store.pending()
    if not args.run:
        if args.json:
            emit_json(
                [
                    {
                        "document_id": item.document_id,
                        "section_id": item.section_id,
                        "provider": item.provider,
                        "framework": queued_framework(item) or None,
                        "attempts": item.attempts,
                        "last_error": item.last_error,
                        "queued_at": item.created_at,
                    }
                    for item in pending
                ]
            )
        else:
            print(f"{len(pending)} queued request(s)")
            for item in pending:
                print(
                    f"  {item.provider} {item.document_id[:12]} {item.section_id} "
                    f"(attempts {item.attempts}) {item.last_error}"
                )
        return ExitCode.OK
    ran = 0
    default_framework = str(services.settings["review.framework"])

    async def load(document_id: str) -> Document | None:
        return await _loader(services, document_id)

    # Each request runs with the framework it was queued with (older requests, queued before
    # that was recorded, with the configured one).
    groups = sorted({(i.provider, queued_framework(i) or default_framework) for i in pending})
    for provider, framework_id in groups:
        try:
            framework = services.framework(framework_id)
        except ConfigError as error:
            info(f"note: {error.message} Requests queued with it stay queued.")
            continue
        engine = services.engine(await services.reviewer(provider), framework)
        ran += await engine.drain_outbox(load, include_unlabelled=framework_id == default_framework)
    left = len(await services.store.pending())
    info(f"Ran {ran} queued request(s); {left} still queued.")
    return ExitCode.OK if left == 0 else ExitCode.PROVIDER
