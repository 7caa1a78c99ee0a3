"""Chat about a document: the answer streams in, and both turns join the document's history.

The question is grounded in the outline, the chosen section and the selected text, with the
latest turns as history. When the answer is stopped (the caller stops iterating, or cancels) the
part that arrived is kept in the history, marked as stopped; when no model can answer, nothing
is invented: the provider's error propagates and only the question is kept.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from aiprism_desktop.app.services import AppServices
from aiprism_desktop.core.document import Document
from aiprism_desktop.core.errors import AIPrismError
from aiprism_desktop.core.finding_schema import MAX_DESCRIPTION_CHARS
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.reviewer import ChatEvent, ChatMessage, ChatRequest
from aiprism_desktop.store.records import ChatRecord

HISTORY_TURNS = 12
STOPPED_NOTE = "\n\n[stopped]"


class EmptyQuestionError(AIPrismError):
    """A chat question with no text."""

    code = "CHAT_EMPTY_QUESTION"
    default_message = "The question is empty: write what you want to know about the document."


def answer_as_comment(answer: str, model_name: str = "") -> dict[str, Any]:
    """The fields of a reviewer comment made from a chat answer (one click in the chat dock):
    the answer is the description (cut to the limit), the category says it came from chat."""
    text = answer.removesuffix(STOPPED_NOTE).strip()
    if not text:
        raise EmptyQuestionError("There is no answer to turn into a finding yet.")
    if len(text) > MAX_DESCRIPTION_CHARS:
        text = text[: MAX_DESCRIPTION_CHARS - 1].rstrip() + "…"
    category = f"From chat ({model_name})" if model_name else "From chat"
    return {"description": text, "category": category, "type": "suggestion", "risk": "low"}


async def ask(
    services: AppServices,
    document: Document,
    framework: Framework,
    question: str,
    *,
    section_id: str | None = None,
    selection: str = "",
    provider: str | None = None,
    region: str | None = None,
) -> AsyncGenerator[ChatEvent, None]:
    """Stream the answer's events (``delta``, ``restarted``, ``done``)."""
    if not question.strip():
        raise EmptyQuestionError()
    if section_id is not None:
        document.section(section_id)  # KeyError for a section that does not exist
    store = services.store
    history = await store.chat_history(document.sha256, HISTORY_TURNS)
    request = ChatRequest(
        document=document,
        question=question,
        framework=framework,
        section_id=section_id,
        selected_text=selection,
        history=tuple(ChatMessage(role=r.role, text=r.text, model=r.model) for r in history),
    )
    where = section_id or ""
    await store.append_chat(document.sha256, ChatRecord("user", question, section_id=where))
    answer: list[str] = []
    model = ""
    finished = False
    try:
        async with services.use_reviewer(provider, region=region) as reviewer:
            async for event in reviewer.chat(request):
                if event.kind == "delta":
                    answer.append(event.text)
                    model = event.model or model
                elif event.kind == "restarted":
                    answer.clear()  # the stream broke; the answer starts again from scratch
                else:
                    model = event.model
                    finished = True
                yield event
    finally:
        if answer:
            text = "".join(answer) + ("" if finished else STOPPED_NOTE)
            record = ChatRecord("assistant", text, model=model, section_id=where)
            await store.append_chat(document.sha256, record)
