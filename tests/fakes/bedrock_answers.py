"""What the fake Bedrock server answers: request checks, Converse bodies and stream frames.

The answer mirrors what the request asked for, like the real service: a forced (or ``any``)
tool choice gets a ``toolUse`` block, ``outputConfig.textFormat`` gets JSON text, ``auto`` tool
choice gets a ``toolUse`` unless the outcome gives ``text``, and a plain request gets text.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Literal

from tests.fakes.bedrock_scenario import (
    ERROR_PRESETS,
    ErrorSpec,
    ModelScript,
    Outcome,
    split_model_id,
)
from tests.fakes.eventstream import event_message, exception_message

_MALFORMED_TEXT = '{"findings": [{"type": "critical", "description": "unterminated'
_MALFORMED_TOOL_INPUT: dict[str, Any] = {"findings": "this should have been a list"}


@dataclass(frozen=True, slots=True)
class Block:
    """One content block of an answer: text, or a tool call whose input is a JSON string."""

    kind: Literal["text", "tool"]
    text: str = ""
    tool_use_id: str = ""
    tool_name: str = ""
    complete: bool = True  # False when the output was cut (max_tokens, context window)


def estimate_tokens(value: Any) -> int:
    """The fake's deterministic token count: len(JSON) / 4, rounded up."""
    return max(1, math.ceil(len(json.dumps(value, ensure_ascii=False)) / 4))


def _invalid(message: str) -> ErrorSpec:
    return ErrorSpec("ValidationException", 400, message)


def validate_request(body: dict[str, Any], script: ModelScript, model_id: str) -> ErrorSpec | None:
    """The cheap checks Bedrock makes before the model runs (these do not consume an outcome)."""
    prefix, _ = split_model_id(model_id)
    if script.requires_profile and prefix is None and not model_id.startswith("arn:"):
        spec = ERROR_PRESETS["needs_profile"]
        return ErrorSpec(spec.code, spec.status, spec.message.replace("{model}", model_id))
    messages = body.get("messages") or []
    if not messages or messages[0].get("role") != "user":
        return _invalid(
            "A conversation must start with a user message. Try again with a conversation that"
            " starts with a user message."
        )
    for i, message in enumerate(messages):
        for j, block in enumerate(message.get("content") or []):
            if "text" in block and not str(block["text"]).strip():
                return _invalid(
                    f"The text field in the ContentBlock object at messages.{i}.content.{j} is"
                    " blank. Add text to the text field, and try again."
                )
    for k, block in enumerate(body.get("system") or []):
        if "text" in block and not str(block["text"]).strip():
            return _invalid(
                f"The text field in the SystemContentBlock object at system.{k} is blank. Add"
                " text to the text field, and try again."
            )
    thinking = (body.get("additionalModelRequestFields") or {}).get("thinking") or {}
    choice = (body.get("toolConfig") or {}).get("toolChoice") or {}
    if thinking.get("type") == "enabled" and ("tool" in choice or "any" in choice):
        return ERROR_PRESETS["thinking_forced_tool"]
    inference = body.get("inferenceConfig") or {}
    if script.strict_sampling and "temperature" in inference and "topP" in inference:
        return ERROR_PRESETS["temperature_top_p"]
    return None


def _answer_mode(body: dict[str, Any], outcome: Outcome) -> tuple[Literal["tool", "text"], str]:
    tool_config = body.get("toolConfig") or {}
    tools = [t["toolSpec"]["name"] for t in tool_config.get("tools", []) if "toolSpec" in t]
    choice = tool_config.get("toolChoice") or {}
    if "tool" in choice:
        return "tool", str(choice["tool"]["name"])
    if tools and ("any" in choice or outcome.text is None):
        return "tool", tools[0]
    return "text", ""


def answer_blocks(body: dict[str, Any], outcome: Outcome, seq: int) -> tuple[list[Block], str]:
    """Content blocks and stop reason for a success-like outcome."""
    mode, tool_name = _answer_mode(body, outcome)
    if mode == "tool":
        data = outcome.answer_object()
        if outcome.kind == "malformed":
            data = outcome.answer if outcome.answer is not None else _MALFORMED_TOOL_INPUT
        full = json.dumps(data, ensure_ascii=False)
        block = Block("tool", text=full, tool_use_id=f"tooluse_fake{seq:04d}", tool_name=tool_name)
        stop = "tool_use"
    else:
        if outcome.kind == "malformed":
            full = outcome.text if outcome.text is not None else _MALFORMED_TEXT
        elif outcome.text is not None:
            full = outcome.text
        else:
            full = json.dumps(outcome.answer_object(), ensure_ascii=False)
        block = Block("text", text=full)
        stop = "end_turn"
    if outcome.kind in ("truncated", "context_window_stop"):
        block = Block(
            block.kind,
            text=block.text[: len(block.text) // 2],
            tool_use_id=block.tool_use_id,
            tool_name=block.tool_name,
            complete=False,
        )
        stop = "max_tokens" if outcome.kind == "truncated" else "model_context_window_exceeded"
    return [block], outcome.stop_reason or stop


def usage_for(body: dict[str, Any], blocks: list[Block], outcome: Outcome) -> dict[str, int]:
    input_tokens = outcome.input_tokens or estimate_tokens(
        {k: body.get(k) for k in ("messages", "system", "toolConfig")}
    )
    output_tokens = sum(max(1, math.ceil(len(b.text) / 4)) for b in blocks)
    return {
        "inputTokens": input_tokens,
        "outputTokens": output_tokens,
        "totalTokens": input_tokens + output_tokens,
    }


def converse_body(
    blocks: list[Block], stop_reason: str, usage: dict[str, int], latency_ms: int
) -> dict[str, Any]:
    """A Converse JSON response."""
    content: list[dict[str, Any]] = []
    for block in blocks:
        if block.kind == "text":
            content.append({"text": block.text})
        else:
            # A cut tool call cannot carry its half-written input as an object.
            data = json.loads(block.text) if block.complete else {}
            content.append(
                {
                    "toolUse": {
                        "toolUseId": block.tool_use_id,
                        "name": block.tool_name,
                        "input": data,
                    }
                }
            )
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop_reason,
        "usage": usage,
        "metrics": {"latencyMs": latency_ms},
    }


def _chunks(text: str, size: int) -> list[str]:
    size = max(1, size)
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


FrameKind = Literal["head", "delta", "tail"]


def stream_frames(
    blocks: list[Block],
    stop_reason: str,
    usage: dict[str, int],
    latency_ms: int,
    chunk_chars: int,
) -> list[tuple[bytes, FrameKind]]:
    """ConverseStream frames in order, each tagged head (before content), delta or tail."""
    frames: list[tuple[bytes, FrameKind]] = [
        (event_message("messageStart", {"role": "assistant"}), "head")
    ]
    for index, block in enumerate(blocks):
        if block.kind == "tool":
            start = {"toolUse": {"toolUseId": block.tool_use_id, "name": block.tool_name}}
            payload: dict[str, Any] = {"contentBlockIndex": index, "start": start}
            frames.append((event_message("contentBlockStart", payload), "head"))
        for piece in _chunks(block.text, chunk_chars):
            delta = {"text": piece} if block.kind == "text" else {"toolUse": {"input": piece}}
            payload = {"contentBlockIndex": index, "delta": delta}
            frames.append((event_message("contentBlockDelta", payload), "delta"))
        frames.append((event_message("contentBlockStop", {"contentBlockIndex": index}), "tail"))
    frames.append((event_message("messageStop", {"stopReason": stop_reason}), "tail"))
    metadata = {"usage": usage, "metrics": {"latencyMs": latency_ms}}
    frames.append((event_message("metadata", metadata), "tail"))
    return frames


def stream_exception_frame(spec: ErrorSpec) -> bytes:
    """A mid-stream exception frame; the event name is the code in lowerCamel."""
    payload: dict[str, Any] = {"message": spec.message}
    if spec.code == "ModelStreamErrorException":
        payload.update(originalStatusCode=500, originalMessage="fake model failure")
    return exception_message(spec.code[0].lower() + spec.code[1:], payload)


def cut_frames(
    frames: list[tuple[bytes, FrameKind]], after_deltas: int
) -> list[tuple[bytes, FrameKind]]:
    """The frames a failing stream sends: up to ``after_deltas`` content deltas, never the end.

    The failure always comes before the first tail frame, so a short answer still breaks
    before its ``contentBlockStop`` / ``messageStop``.
    """
    out: list[tuple[bytes, FrameKind]] = []
    seen = 0
    for frame, kind in frames:
        if kind == "tail" or (kind == "delta" and seen >= after_deltas):
            break
        seen += kind == "delta"
        out.append((frame, kind))
    return out
