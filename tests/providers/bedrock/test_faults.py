"""The fault matrix: every error class at the first model, at a middle model and on every model,
through the real boto3 client against the fake Bedrock server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from aiprism_desktop.app.memory_ports import MemoryHealth
from aiprism_desktop.core.errors import AuthError, ProviderError, SectionTooLargeError
from aiprism_desktop.providers.bedrock.chain.errors import AllModelsFailedError
from aiprism_desktop.providers.bedrock.chain.rules import THROTTLE_RETRIES
from tests.fakes.fake_bedrock import FakeBedrock
from tests.support.bedrock_harness import (
    BASE_IDS,
    KEYS,
    answer_by,
    review_request,
    reviewer,
    scenario,
)


@dataclass(frozen=True)
class Case:
    name: str
    outcome: dict[str, Any]
    outcome_class: str  # Attempt.outcome of the failing model's last attempt
    next_model_after_first: str | None  # None: the error aborts the whole review
    all_error: type[ProviderError]
    all_words: str  # in the error message when every model fails
    disables: bool = False


def err(name: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "error", "error": name, **extra}


CASES = [
    Case(
        "throttling",
        err("throttling"),
        "retry",
        "opus-4-5",
        AllModelsFailedError,
        f"throttled ×{THROTTLE_RETRIES + 1}",
    ),
    Case("daily_quota", err("daily_quota"), "fallback", "opus-4-5", AllModelsFailedError, "daily"),
    Case(
        "model_not_ready",
        err("model_not_ready"),
        "retry",
        "opus-4-5",
        AllModelsFailedError,
        "model not ready ×3",
    ),
    Case(
        "service_unavailable",
        err("service_unavailable"),
        "retry",
        "opus-4-5",
        AllModelsFailedError,
        "service unavailable ×3",
    ),
    Case("internal", err("internal"), "retry", "opus-4-5", AllModelsFailedError, "internal"),
    Case(
        "model_timeout",
        err("model_timeout"),
        "retry",
        "opus-4-5",
        AllModelsFailedError,
        "model timed out ×2",
    ),
    Case(
        "model_error", err("model_error"), "retry", "opus-4-5", AllModelsFailedError, "model error"
    ),
    Case(
        "service_quota",
        err("ServiceQuotaExceededException"),
        "fallback",
        "opus-4-5",
        AllModelsFailedError,
        "service quota",
    ),
    Case(
        "context_window",
        err("context_window"),
        "shrink",
        "sonnet-4-6",  # the next model with a LARGER window; 200K ones are skipped
        SectionTooLargeError,
        "too long",
    ),
    Case(
        "prompt_too_long",
        err("prompt_too_long"),
        "shrink",
        "sonnet-4-6",
        SectionTooLargeError,
        "too long",
    ),
    Case(
        "context_window_stop",
        {"kind": "context_window_stop"},
        "shrink",
        "sonnet-4-6",
        SectionTooLargeError,
        "too long",
    ),
    Case(
        "invalid_model_id",
        err("invalid_model_id"),
        "fallback",
        "opus-4-5",
        AllModelsFailedError,
        "model id not valid",
    ),
    Case(
        "thinking_forced_tool",
        err("thinking_forced_tool"),
        "fallback",
        "opus-4-5",
        AllModelsFailedError,
        "refused the request parameters",
    ),
    Case(
        "temperature_top_p",
        err("temperature_top_p"),
        "fallback",
        "opus-4-5",
        AllModelsFailedError,
        "refused the request parameters",
    ),
    Case(
        "no_access",
        err("no_access"),
        "disabled",
        "opus-4-5",
        AllModelsFailedError,
        "no access",
        disables=True,
    ),
    Case("eol", err("eol"), "disabled", "opus-4-5", AllModelsFailedError, "end of life", True),
    Case("legacy", err("legacy"), "disabled", "opus-4-5", AllModelsFailedError, "legacy", True),
    Case(
        "needs_profile_on_a_profile_id",
        err("needs_profile"),
        "use_profile",
        "opus-4-5",
        AllModelsFailedError,
        "needs an inference profile",
    ),
    Case(
        "malformed",
        {"kind": "malformed"},
        "repair",
        "opus-4-5",
        AllModelsFailedError,
        "answer was not valid findings ×2",
    ),
    Case(
        "broken_connection",
        {"kind": "stream_break"},
        "retry",
        "opus-4-5",
        AllModelsFailedError,
        "connection broken ×2",
    ),
    Case("bad_credentials", err("bad_credentials"), "abort", None, AuthError, "credentials"),
    Case("unrecognized_client", err("unrecognized_client"), "abort", None, AuthError, "refused"),
    Case("expired_token", err("expired_token"), "abort", None, AuthError, "credentials"),
]
IDS = [case.name for case in CASES]


@pytest.fixture
def fake() -> Iterator[FakeBedrock]:
    with FakeBedrock() as server:
        yield server


def converse_calls(fake: FakeBedrock, key: str) -> int:
    base = BASE_IDS[key]
    return sum(1 for r in fake.requests_for("converse") if r.model_id.endswith(base))


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_error_at_the_first_model(fake: FakeBedrock, case: Case) -> None:
    fake.set_scenario(scenario({"sonnet-4-5": [case.outcome]}))
    health = MemoryHealth()
    bedrock = reviewer(fake.endpoint_url, health)
    try:
        if case.next_model_after_first is None:
            with pytest.raises(case.all_error) as caught:
                await bedrock.review_section(review_request())
            assert "sonnet-4-5" in caught.value.detail  # type: ignore[operator]
            assert sum(converse_calls(fake, k) for k in KEYS) == 1  # no other model was tried
            return
        result = await bedrock.review_section(review_request())
    finally:
        await bedrock.aclose()
    expected = case.next_model_after_first
    assert result.model == expected
    assert [d.origin for d in result.drafts] == [f"model:{expected}"]
    assert result.drafts[0].description == f"finding by {expected}"
    failing = [a for a in result.attempts if a.model == "sonnet-4-5"]
    assert failing[-1].outcome == case.outcome_class
    assert result.attempts[-1].outcome == "ok"
    assert converse_calls(fake, expected) == 1
    if case.disables:
        assert health.records["sonnet-4-5"].state == "disabled"


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_error_at_a_middle_model(fake: FakeBedrock, case: Case) -> None:
    # The first two models have used their daily quota; the third hits the error under test.
    quota = [err("daily_quota")]
    fake.set_scenario(
        scenario({"sonnet-4-5": quota, "opus-4-5": quota, "haiku-4-5": [case.outcome]})
    )
    bedrock = reviewer(fake.endpoint_url, MemoryHealth())
    try:
        if case.next_model_after_first is None:
            with pytest.raises(case.all_error) as caught:
                await bedrock.review_section(review_request())
            message = caught.value.message + (caught.value.detail or "")
            assert "haiku-4-5" in message
            return
        result = await bedrock.review_section(review_request())
    finally:
        await bedrock.aclose()
    assert result.model == "sonnet-4-6"  # the 4th model: also the first with a larger window
    assert [d.origin for d in result.drafts] == ["model:sonnet-4-6"]
    assert [a.model for a in result.attempts if a.outcome == "fallback"][:2] == [
        "sonnet-4-5",
        "opus-4-5",
    ]
    assert [a for a in result.attempts if a.model == "haiku-4-5"][-1].outcome == case.outcome_class


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_error_on_every_model(fake: FakeBedrock, case: Case) -> None:
    fake.set_scenario(scenario({key: [case.outcome] for key in KEYS}))
    health = MemoryHealth()
    bedrock = reviewer(fake.endpoint_url, health)
    try:
        with pytest.raises(case.all_error) as caught:
            await bedrock.review_section(review_request())
    finally:
        await bedrock.aclose()
    error = caught.value
    text = f"{error.message} {error.detail or ''}"
    assert case.all_words in text
    attempts = error.attempts  # type: ignore[attr-defined]
    if case.next_model_after_first is None:
        assert [a.model for a in attempts] == ["sonnet-4-5"]
        return
    if case.all_error is AllModelsFailedError:
        for key in KEYS:  # the message names every model of the chain
            assert f"{key}:" in error.message
    if case.disables:
        assert {r.state for r in health.records.values()} == {"disabled"}
        assert len(health.records) == len(KEYS)


async def test_the_answering_model_is_recorded_after_a_success_on_the_first(
    fake: FakeBedrock,
) -> None:
    fake.set_scenario(scenario({}))
    bedrock = reviewer(fake.endpoint_url, MemoryHealth())
    try:
        result = await bedrock.review_section(review_request())
    finally:
        await bedrock.aclose()
    assert result.model == "sonnet-4-5"
    assert result.drafts[0].origin == "model:sonnet-4-5"
    assert result.input_tokens is not None
    assert result.attempts[0].input_tokens == result.input_tokens
    request = fake.requests_for("converse")[0]
    assert request.model_id == f"us.{BASE_IDS['sonnet-4-5']}"
    assert "outputConfig" in (request.body or {})  # Sonnet 4.5: native structured output
    assert request.body["inferenceConfig"] == {"maxTokens": 8192, "temperature": 0.0}  # type: ignore[index]


async def test_answer_by_helper_is_used_for_unlisted_models() -> None:
    assert answer_by("x")["findings"][0]["description"] == "finding by x"
