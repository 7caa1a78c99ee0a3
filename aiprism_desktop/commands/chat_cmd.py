"""``aiprism chat FILE.docx --section N "question"``: a streamed answer on the terminal."""

from __future__ import annotations

import argparse
import sys

from aiprism_desktop.app.services import AppServices
from aiprism_desktop.commands.common import ExitCode, UsageError, info, pick_section
from aiprism_desktop.core.reviewer import ChatMessage, ChatRequest
from aiprism_desktop.store.records import ChatRecord

HISTORY_TURNS = 12


async def run_chat(args: argparse.Namespace, services: AppServices) -> int:
    """Stream the answer to stdout; the question and answer join the document's chat history."""
    if not args.question.strip():
        raise UsageError("The question is empty: write what you want to know about the document.")
    document = await services.open_document(args.file)
    section = pick_section(document, args.section) if args.section else None
    reviewer = await services.reviewer(args.provider, region=args.region)
    stored = await services.store.chat_history(document.sha256, HISTORY_TURNS)
    request = ChatRequest(
        document=document,
        question=args.question,
        framework=services.framework(args.framework),
        section_id=section.id if section else None,
        selected_text=args.selection,
        history=tuple(ChatMessage(role=r.role, text=r.text, model=r.model) for r in stored),
    )
    answer: list[str] = []
    model = ""
    async for event in reviewer.chat(request):
        if event.kind == "delta":
            answer.append(event.text)
            sys.stdout.write(event.text)
            sys.stdout.flush()
        elif event.kind == "restarted":
            # The stream broke midway; the answer starts again from scratch on another model.
            answer.clear()
            info(f"\n[the answer was interrupted; starting again with {event.model}]")
        else:
            model = event.model
    sys.stdout.write("\n")
    section_id = section.id if section else ""
    await services.store.append_chat(
        document.sha256, ChatRecord(role="user", text=args.question, section_id=section_id)
    )
    await services.store.append_chat(
        document.sha256,
        ChatRecord(role="assistant", text="".join(answer), model=model, section_id=section_id),
    )
    info(f"— answered by {model}")
    return ExitCode.OK
