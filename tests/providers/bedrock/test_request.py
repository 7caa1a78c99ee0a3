"""Pure helpers of the Bedrock call layer: request building, repair turns, error normalization."""

from __future__ import annotations

import email.utils
import json
from dataclasses import replace
from typing import Any

import pytest

from aiprism_desktop.core.prompts import Prompt
from aiprism_desktop.core.reviewer import ChatMessage
from aiprism_desktop.providers.bedrock.chain.profiles import ModelProfile
from aiprism_desktop.providers.bedrock.errors import (
    BedrockCallError,
    ContentBlockedError,
    InvalidModelOutputError,
    normalize_code,
    retry_after_seconds,
)
from aiprism_desktop.providers.bedrock.request import (
    base_model_id,
    build_chat_request,
    build_repair_request,
    build_review_request,
    request_mode,
    requested_schema,
)
from aiprism_desktop.providers.bedrock.response import parse_review_response

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"findings": {"type": "array"}},
    "required": ["findings"],
}
PROMPT = Prompt(system="", user="Review this.", version="t", output_schema=SCHEMA)
PROFILE = ModelProfile(
    key="k",
    display_name="K",
    base_id="anthropic.claude-haiku-4-5-20251001-v1:0",
    profile_prefixes=("us",),
    context_window=200_000,
    max_output_tokens=8_000,
    default_max_tokens=2_000,
    sampling=("temperature",),
    json_mode="tool_forced",
)
MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0"


def test_modes_and_schema_round_trip() -> None:
    for mode in ("tool_forced", "output_config", "tool_auto"):
        request = build_review_request(
            replace(PROFILE, json_mode=mode), MODEL, PROMPT, max_tokens=100
        )
        assert request_mode(request) == mode
        assert requested_schema(request) == SCHEMA
        if mode == "tool_auto":  # only the instruction to call the tool
            assert request["system"][0]["text"].startswith("Answer only by calling the tool")
        else:  # a blank system prompt would be refused as a blank text block
            assert "system" not in request
    chat = build_chat_request(
        PROFILE, MODEL, system="s", messages=(ChatMessage("user", "q"),), max_tokens=10
    )
    assert request_mode(chat) == "plain"
    assert requested_schema(chat) is None


def test_chat_request_needs_a_user_message() -> None:
    with pytest.raises(ValueError, match="user message"):
        build_chat_request(
            PROFILE,
            MODEL,
            system="s",
            messages=(ChatMessage("assistant", "hi"), ChatMessage("user", "  ")),
            max_tokens=10,
        )


def test_base_model_id_strips_only_geo_prefixes() -> None:
    assert base_model_id(MODEL) == PROFILE.base_id
    assert base_model_id("global.anthropic.claude-opus-4-7") == "anthropic.claude-opus-4-7"
    assert base_model_id("us-gov.anthropic.x-v1:0") == "anthropic.x-v1:0"
    assert base_model_id(PROFILE.base_id) == PROFILE.base_id


def test_repair_after_an_empty_text_answer_extends_the_user_turn() -> None:
    request = build_review_request(
        replace(PROFILE, json_mode="output_config"), MODEL, PROMPT, max_tokens=100
    )
    response = {
        "output": {"message": {"role": "assistant", "content": [{"text": "  "}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 1, "outputTokens": 1},
    }
    with pytest.raises(InvalidModelOutputError) as caught:
        parse_review_response(response, request, latency_ms=1.0)
    assert caught.value.reason == "the answer is empty"
    repair = build_repair_request(request, caught.value, caught.value.reason)
    assert [m["role"] for m in repair["messages"]] == ["user"]  # no blank assistant turn
    texts = [block["text"] for block in repair["messages"][0]["content"]]
    assert texts[0] == "Review this."
    assert "the answer is empty" in texts[1]


def test_blocked_and_cut_responses() -> None:
    request = build_review_request(PROFILE, MODEL, PROMPT, max_tokens=100)
    blocked = {
        "output": {"message": {"role": "assistant", "content": []}},
        "stopReason": "guardrail_intervened",
    }
    with pytest.raises(ContentBlockedError):
        parse_review_response(blocked, request, latency_ms=1.0)
    with pytest.raises(BedrockCallError) as cut:
        parse_review_response({"ResponseMetadata": {}}, request, latency_ms=1.0)
    assert (cut.value.code, cut.value.transport) == ("IncompleteResponse", True)


def test_text_answer_in_a_code_fence_is_parsed() -> None:
    request = build_review_request(
        replace(PROFILE, json_mode="output_config"), MODEL, PROMPT, max_tokens=100
    )
    text = "```json\n" + json.dumps({"findings": []}) + "\n```"
    response = {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
    }
    assert parse_review_response(response, request, latency_ms=1.0).data == {"findings": []}


def test_codes_and_retry_after() -> None:
    assert normalize_code("throttlingException") == "ThrottlingException"
    assert normalize_code("ThrottlingException") == "ThrottlingException"
    assert retry_after_seconds({"Retry-After": "3"}) == 3.0
    assert retry_after_seconds({"x-amz-retry-after": "1500"}) == 1.5
    now = 1_800_000_000.0
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert retry_after_seconds({"retry-after": date}, now=now) == pytest.approx(30, abs=1)
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None
