"""Chat: the worker streams the reviewer's answer into a Redis stream; the API relays it as SSE.

Stream entries are ``kind`` + ``data`` (JSON): ``delta`` {text}, ``restarted`` {model},
``done`` {model, attempts, truncated}, ``error`` (a problem object). The stream expires on its
own; the request (document text) is deleted as soon as the answer has ended.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiprism_desktop.core.codec import attempt_to_dict
from aiprism_desktop.core.document_wire import document_from_wire
from aiprism_desktop.core.errors import AIPrismError, DataFormatError
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.reviewer import ChatMessage, ChatRequest, Reviewer
from backend_contract.server.problems import Problem

Emit = Callable[[str, dict[str, Any]], Awaitable[None]]
StillWanted = Callable[[], Awaitable[bool]]


def decode_chat(body: Mapping[str, Any], frameworks: Mapping[str, Framework]) -> ChatRequest:
    """A ChatRequest from the contract's ChatRequest; ``Problem(422)`` for what the schema
    cannot check."""
    framework = frameworks.get(str(body["framework"]))
    if framework is None:
        raise Problem(
            422, "UNKNOWN_FRAMEWORK", f"This backend has no framework {body['framework']!r}."
        )
    try:
        document = document_from_wire(body["document"])
    except DataFormatError as error:
        raise Problem(422, "INVALID_SECTION", error.detail or error.message) from None
    section_id = body.get("section_id")
    if section_id is not None and all(s.id != section_id for s in document.sections):
        raise Problem(422, "INVALID_SECTION", f"Section {section_id!r} is not in the outline.")
    history = tuple(
        ChatMessage(turn["role"], turn["text"], turn.get("model", ""))
        for turn in body.get("history", [])
    )
    return ChatRequest(
        document,
        str(body["question"]),
        framework,
        section_id=section_id,
        selected_text=str(body.get("selected_text", "")),
        history=history,
    )


def problem_data(code: str, message: str, status: int = 502) -> dict[str, Any]:
    return Problem(status, code, message).body()


async def stream_answer(
    request: ChatRequest, reviewer: Reviewer, emit: Emit, still_wanted: StillWanted
) -> None:
    """Relay the reviewer's chat events; every answer ends with one ``done`` or ``error``."""
    try:
        async for event in reviewer.chat(request):
            if event.kind == "delta":
                await emit("delta", {"text": event.text})
            elif event.kind == "restarted":
                await emit("restarted", {"model": event.model})
            else:
                await emit(
                    "done",
                    {
                        "model": event.model,
                        "attempts": [attempt_to_dict(a) for a in event.attempts],
                        "truncated": event.truncated,
                    },
                )
                return
            if not await still_wanted():
                return  # the client went away: stop spending the model's tokens
        await emit("error", problem_data("INVALID_RESPONSE", "The answer ended unexpectedly."))
    except AIPrismError as error:
        await emit("error", problem_data(error.code, error.message))


def encode_entry(kind: str, data: dict[str, Any]) -> dict[str, str]:
    return {"kind": kind, "data": json.dumps(data, ensure_ascii=False)}
