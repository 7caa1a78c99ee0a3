"""Converse request builders: a section review in the model's JSON mode, chat, and the repair turn.

Requests are plain dicts, passed as ``client.converse(**request)``. The findings schema is
enforced through the JSON mode of the model's profile:

- ``tool_forced``: one tool whose ``inputSchema.json`` is the schema, and ``toolChoice`` naming
  it. Never combined with thinking (Bedrock refuses that), so thinking is dropped here.
- ``output_config``: native structured output, ``outputConfig.textFormat`` with the schema as a
  JSON *string*.
- ``tool_auto``: the same tool with ``toolChoice: auto`` and an instruction to call it.

Sampling parameters are sent only when the profile accepts them, and never temperature together
with top_p (several Claude models refuse the pair).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol

from aiprism_desktop.core.prompts import Prompt
from aiprism_desktop.core.reviewer import ChatMessage
from aiprism_desktop.providers.bedrock.chain.profiles import JsonMode, ModelProfile

DEFAULT_TOOL_NAME = "record_findings"
MIN_THINKING_BUDGET = 1024  # Anthropic's minimum budget_tokens
_MAX_ERROR_CHARS = 2000  # keep the repair turn small

# Inference-profile geography prefixes ("us.anthropic.…"); CountTokens wants the bare id.
GEO_PREFIXES: frozenset[str] = frozenset(("us", "eu", "apac", "global", "jp", "au", "us-gov", "ca"))

_TOOL_DESCRIPTION = "Record every finding of this review. Call it exactly once."
_TOOL_AUTO_INSTRUCTION = (
    "Answer only by calling the tool `{name}` exactly once with all findings. Do not answer in"
    " plain text."
)
RequestMode = Literal["tool_forced", "output_config", "tool_auto", "plain"]


class RepairSource(Protocol):
    """A rejected answer: ``ModelAnswer`` or ``InvalidModelOutputError`` both fit."""

    @property
    def assistant_content(self) -> tuple[dict[str, Any], ...]: ...

    @property
    def tool_use_id(self) -> str | None: ...


def base_model_id(model_id: str) -> str:
    """``us.anthropic.claude-…`` → ``anthropic.claude-…``; ids without a geo prefix unchanged."""
    head, dot, rest = model_id.partition(".")
    return rest if dot and head in GEO_PREFIXES else model_id


def _sampling(
    profile: ModelProfile, temperature: float | None, top_p: float | None
) -> dict[str, float]:
    if temperature is not None and "temperature" in profile.sampling:
        return {"temperature": temperature}
    if top_p is not None and "top_p" in profile.sampling:
        return {"topP": top_p}
    return {}


def _system(text: str) -> list[dict[str, str]]:
    return [{"text": text}] if text.strip() else []


def build_review_request(
    profile: ModelProfile,
    model_id: str,
    prompt: Prompt,
    *,
    max_tokens: int,
    tool_name: str = DEFAULT_TOOL_NAME,
    temperature: float | None = 0.0,
    top_p: float | None = None,
    thinking_budget: int | None = None,
) -> dict[str, Any]:
    """The Converse request reviewing one section with ``prompt.output_schema`` enforced.

    ``max_tokens`` is capped at the profile's maximum output. ``thinking_budget`` enables
    extended thinking only when the profile supports it and the JSON mode is not
    ``tool_forced``; with thinking on, no sampling parameters are sent (the API requires the
    defaults then).
    """
    mode: JsonMode = profile.json_mode
    max_tokens = max(1, min(max_tokens, profile.max_output_tokens))
    thinking = bool(thinking_budget) and profile.supports_thinking and mode != "tool_forced"
    if (
        thinking
        and thinking_budget is not None
        and not (MIN_THINKING_BUDGET <= thinking_budget < max_tokens)
    ):
        raise ValueError(
            f"thinking budget {thinking_budget} must be ≥ {MIN_THINKING_BUDGET} and < maxTokens"
            f" {max_tokens}"
        )
    system = prompt.system
    if mode == "tool_auto":
        system = f"{system}\n\n{_TOOL_AUTO_INSTRUCTION.format(name=tool_name)}".strip()
    inference: dict[str, Any] = {"maxTokens": max_tokens}
    if not thinking:
        inference.update(_sampling(profile, temperature, top_p))
    request: dict[str, Any] = {
        "modelId": model_id,
        "messages": [{"role": "user", "content": [{"text": prompt.user}]}],
        "inferenceConfig": inference,
    }
    if _system(system):
        request["system"] = _system(system)
    schema = prompt.output_schema
    if mode == "output_config":
        request["outputConfig"] = {
            "textFormat": {
                "type": "json_schema",
                "structure": {
                    "jsonSchema": {
                        "schema": json.dumps(schema),
                        "name": tool_name,
                        "description": _TOOL_DESCRIPTION,
                    }
                },
            }
        }
    else:
        tool = {
            "toolSpec": {
                "name": tool_name,
                "description": _TOOL_DESCRIPTION,
                "inputSchema": {"json": schema},
            }
        }
        choice = {"tool": {"name": tool_name}} if mode == "tool_forced" else {"auto": {}}
        request["toolConfig"] = {"tools": [tool], "toolChoice": choice}
    if thinking:
        request["additionalModelRequestFields"] = {
            "thinking": {"type": "enabled", "budget_tokens": thinking_budget}
        }
    return request


def build_chat_request(
    profile: ModelProfile,
    model_id: str,
    *,
    system: str,
    messages: Sequence[ChatMessage],
    max_tokens: int,
    temperature: float | None = None,
) -> dict[str, Any]:
    """A plain-text Converse(Stream) request for chat.

    Blank turns are dropped, consecutive turns of one role merged and leading assistant turns
    removed, because Bedrock refuses blank blocks and conversations not starting with the user.
    """
    turns: list[dict[str, Any]] = []
    for message in messages:
        if not message.text.strip() or (not turns and message.role != "user"):
            continue
        if turns and turns[-1]["role"] == message.role:
            turns[-1]["content"].append({"text": message.text})
        else:
            turns.append({"role": message.role, "content": [{"text": message.text}]})
    if not turns:
        raise ValueError("a chat request needs at least one non-blank user message")
    inference: dict[str, Any] = {"maxTokens": max(1, min(max_tokens, profile.max_output_tokens))}
    inference.update(_sampling(profile, temperature, None))
    request: dict[str, Any] = {"modelId": model_id, "messages": turns, "inferenceConfig": inference}
    if _system(system):
        request["system"] = _system(system)
    return request


def request_mode(request: Mapping[str, Any]) -> RequestMode:
    """How a request asks for JSON (what the response parser expects)."""
    if "outputConfig" in request:
        return "output_config"
    choice = (request.get("toolConfig") or {}).get("toolChoice") or {}
    if "tool" in choice or "any" in choice:
        return "tool_forced"
    if request.get("toolConfig"):
        return "tool_auto"
    return "plain"


def requested_tool_name(request: Mapping[str, Any]) -> str | None:
    """The name of the (first) tool a request offers, if any."""
    for tool in (request.get("toolConfig") or {}).get("tools", []):
        if "toolSpec" in tool:
            return str(tool["toolSpec"]["name"])
    return None


def requested_schema(request: Mapping[str, Any]) -> dict[str, Any] | None:
    """The JSON schema a request enforces (tool input schema or outputConfig), if any."""
    text_format = (request.get("outputConfig") or {}).get("textFormat") or {}
    schema_text = text_format.get("structure", {}).get("jsonSchema", {}).get("schema")
    if schema_text:
        loaded: dict[str, Any] = json.loads(schema_text)
        return loaded
    for tool in (request.get("toolConfig") or {}).get("tools", []):
        if "toolSpec" in tool:
            schema: dict[str, Any] = tool["toolSpec"]["inputSchema"]["json"]
            return schema
    return None


def build_repair_request(
    original_request: Mapping[str, Any],
    bad_output: RepairSource,
    validation_error: str,
) -> dict[str, Any]:
    """The original request plus the bad answer and a user turn explaining what was wrong.

    ``bad_output`` is a ``ModelAnswer`` (parsed, but rejected by later validation) or an
    ``InvalidModelOutputError``. A tool answer is answered with a ``toolResult`` of status
    ``error``; a text answer with a user text turn. The tool choice stays as it was, so a
    forced tool is forced again.
    """
    error = validation_error.strip()[:_MAX_ERROR_CHARS] or "the answer did not match the schema"
    request = dict(original_request)
    messages: list[dict[str, Any]] = [dict(m) for m in original_request["messages"]]
    content = [dict(block) for block in bad_output.assistant_content if block]
    tool_use_id = bad_output.tool_use_id
    if tool_use_id and content:
        messages.append({"role": "assistant", "content": content})
        explanation = (
            f"The tool input was rejected: {error}. Call the tool again with input that matches"
            " its schema exactly."
        )
        result = {"toolUseId": tool_use_id, "content": [{"text": explanation}], "status": "error"}
        messages.append({"role": "user", "content": [{"toolResult": result}]})
    else:
        explanation = (
            f"Your previous answer was rejected: {error}. Answer again with only one JSON object"
            " that matches the required schema."
        )
        has_text = any(str(block.get("text", "")).strip() for block in content)
        if has_text:
            messages.append({"role": "assistant", "content": content})
            messages.append({"role": "user", "content": [{"text": explanation}]})
        else:
            # A blank assistant turn would be refused: add the note to the last user turn.
            last = dict(messages[-1])
            last["content"] = [*last["content"], {"text": explanation}]
            messages[-1] = last
    request["messages"] = messages
    return request


def estimate_tokens(request: Mapping[str, Any]) -> int:
    """A conservative local estimate of a request's input tokens (when CountTokens is unusable).

    ASCII text counts 1 token per 3 characters (Claude averages 3.5–4; newer tokenizers use
    more), every other character 1 token; the JSON of tools and the output schema is included.
    """
    parts = {k: request.get(k) for k in ("system", "messages", "toolConfig", "outputConfig")}
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    ascii_chars = len(text.encode("ascii", "ignore"))
    return math.ceil(ascii_chars / 3) + (len(text) - ascii_chars)
