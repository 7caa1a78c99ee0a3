"""``aiprism chat FILE.docx --section N "question"``: a streamed answer on the terminal."""

from __future__ import annotations

import argparse
import sys

from aiprism_desktop.app.services import AppServices
from aiprism_desktop.app.session import ReviewSession
from aiprism_desktop.commands.common import (
    ExitCode,
    UsageError,
    info,
    pick_section,
    use_backend_url,
)


async def run_chat(args: argparse.Namespace, services: AppServices) -> int:
    """Stream the answer to stdout; the question and answer join the document's chat history."""
    if not args.question.strip():
        raise UsageError("The question is empty: write what you want to know about the document.")
    await use_backend_url(services, args.backend_url)
    session = await ReviewSession.open(services, args.file, framework_id=args.framework)
    section = pick_section(session.document, args.section) if args.section else None
    model = ""
    async for event in session.chat(
        args.question,
        section_id=section.id if section else None,
        selection=args.selection,
        provider=args.provider,
        region=args.region,
    ):
        if event.kind == "delta":
            sys.stdout.write(event.text)
            sys.stdout.flush()
        elif event.kind == "restarted":
            # The stream broke midway; the answer starts again from scratch on another model.
            info(f"\n[the answer was interrupted; starting again with {event.model}]")
        else:
            model = event.model
    sys.stdout.write("\n")
    info(f"— answered by {model}")
    return ExitCode.OK
