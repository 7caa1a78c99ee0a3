"""``aiprism outbox [--run]``: requests queued while the provider was unreachable."""

from __future__ import annotations

import argparse

from aiprism_desktop.app import outbox
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.commands.common import ExitCode, emit_json, info
from aiprism_desktop.core.engine_parts import queued_framework


async def run_outbox(args: argparse.Namespace, services: AppServices) -> int:
    """List queued requests; with ``--run``, run those whose provider is reachable now."""
    if args.run:
        result = await outbox.drain(services)
        for note in result.notes:
            info(f"note: {note}")
        info(f"Ran {result.ran} queued request(s); {result.left} still queued.")
        return ExitCode.OK if result.left == 0 else ExitCode.PROVIDER
    pending = await services.store.pending()
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
        return ExitCode.OK
    print(f"{len(pending)} queued request(s)")
    for item in pending:
        print(
            f"  {item.provider} {item.document_id[:12]} {item.section_id} "
            f"(attempts {item.attempts}) {item.last_error}"
        )
    return ExitCode.OK
