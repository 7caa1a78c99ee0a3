"""Parsing a Converse response into an untrusted JSON answer, or a typed reason why not.

The answer is model output, so it is untrusted: this module only checks that it is a JSON
object valid against the schema the request enforced. Turning it into findings (caps, enum
normalization, quote checks) is the reviewer's job.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from jsonschema import validators
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator

from aiprism_desktop.providers.bedrock.errors import (
    INCOMPLETE_RESPONSE,
    BedrockCallError,
    ContentBlockedError,
    ContextWindowExceededError,
    InvalidModelOutputError,
    OutputTruncatedError,
)
from aiprism_desktop.providers.bedrock.request import requested_schema, requested_tool_name

_MAX_REASON_CHARS = 500
_BLOCKED = frozenset(("guardrail_intervened", "content_filtered"))
_MALFORMED = frozenset(("malformed_model_output", "malformed_tool_use"))


@dataclass(frozen=True, slots=True)
class ModelAnswer:
    """A parsed answer: ``data`` is the untrusted JSON object the model produced."""

    model_id: str
    data: dict[str, Any]
    source: Literal["tool", "text"]  # from toolUse.input or parsed from text
    stop_reason: str
    input_tokens: int | None
    output_tokens: int | None
    latency_ms: float  # wall-clock time of the call, measured here
    service_latency_ms: int | None  # metrics.latencyMs reported by Bedrock
    assistant_content: tuple[dict[str, Any], ...]  # the assistant message, for a repair turn
    tool_use_id: str | None = None


@functools.lru_cache(maxsize=32)
def _validator(schema_json: str) -> Validator:
    schema = json.loads(schema_json)
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # a broken schema is our bug: let SchemaError through
    return cls(schema)


def _schema_error(data: dict[str, Any], schema: dict[str, Any]) -> str | None:
    validator = _validator(json.dumps(schema, sort_keys=True))
    error = best_match(validator.iter_errors(data))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    return f"{where}: {error.message}"[:_MAX_REASON_CHARS]


def _json_object(text: str) -> dict[str, Any] | None:
    """The JSON object in ``text``: the whole text, a fenced block, or the outermost braces."""
    candidates = [text.strip()]
    if "```" in text:
        inner = text.split("```", 2)[1]
        candidates.append(inner.removeprefix("json").strip())
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


def parse_review_response(
    response: Mapping[str, Any],
    request: Mapping[str, Any],
    *,
    latency_ms: float,
    validate: bool = True,
) -> ModelAnswer:
    """A Converse response to a review request → ``ModelAnswer``, or raise why it is unusable.

    Raises ``OutputTruncatedError``, ``ContextWindowExceededError``, ``ContentBlockedError``,
    ``InvalidModelOutputError``, or ``BedrockCallError(IncompleteResponse)`` when the body was cut
    (botocore returns an empty result when a response body is not valid JSON).
    """
    output = response.get("output", {}).get("message")
    stop_reason = response.get("stopReason")
    if output is None or stop_reason is None:
        raise BedrockCallError(
            INCOMPLETE_RESPONSE, "the response had no message or stop reason", transport=True
        )
    content: tuple[dict[str, Any], ...] = tuple(output.get("content") or ())
    usage = response.get("usage") or {}
    input_tokens = usage.get("inputTokens")
    output_tokens = usage.get("outputTokens")
    text = "".join(str(block["text"]) for block in content if "text" in block)
    tool_name = requested_tool_name(request)
    tool_use = next(
        (
            block["toolUse"]
            for block in content
            if "toolUse" in block
            and (tool_name is None or block["toolUse"].get("name") == tool_name)
        ),
        None,
    )
    tool_use_id = str(tool_use["toolUseId"]) if tool_use is not None else None
    raw = json.dumps(tool_use.get("input"), ensure_ascii=False) if tool_use is not None else text

    if stop_reason == "max_tokens":
        max_tokens = (request.get("inferenceConfig") or {}).get("maxTokens")
        raise OutputTruncatedError(raw, max_tokens=max_tokens, output_tokens=output_tokens)
    if stop_reason == "model_context_window_exceeded":
        raise ContextWindowExceededError(raw, input_tokens=input_tokens)
    if stop_reason in _BLOCKED:
        raise ContentBlockedError(stop_reason)

    def invalid(reason: str) -> InvalidModelOutputError:
        return InvalidModelOutputError(
            reason,
            raw_text=raw,
            assistant_content=content,
            tool_use_id=tool_use_id,
            stop_reason=stop_reason,
        )

    if stop_reason in _MALFORMED:
        raise invalid(f"Bedrock reported {stop_reason}")
    data: dict[str, Any] | None
    if tool_use is not None:
        value = tool_use.get("input")
        data = value if isinstance(value, dict) else None
        source: Literal["tool", "text"] = "tool"
    else:
        data = _json_object(text)
        source = "text"
    if data is None:
        raise invalid("the answer is not a JSON object" if raw.strip() else "the answer is empty")
    schema = requested_schema(request)
    if validate and schema is not None:
        problem = _schema_error(data, schema)
        if problem is not None:
            raise invalid(problem)
    metrics = response.get("metrics") or {}
    return ModelAnswer(
        model_id=str(request.get("modelId", "")),
        data=data,
        source=source,
        stop_reason=stop_reason,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        latency_ms=latency_ms,
        service_latency_ms=metrics.get("latencyMs"),
        assistant_content=content,
        tool_use_id=tool_use_id,
    )
