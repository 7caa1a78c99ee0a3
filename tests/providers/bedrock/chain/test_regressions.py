"""Regressions in the chain and the health tracker, with scripted operations and a fake clock."""

from __future__ import annotations

import asyncio
import time

import pytest
from botocore.exceptions import EndpointConnectionError

from aiprism_desktop.app.memory_ports import MemoryHealth
from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.providers.bedrock import errors as bedrock_errors
from aiprism_desktop.providers.bedrock.chain import classifier as error_classifier
from aiprism_desktop.providers.bedrock.chain.backoff import BackoffPolicy
from aiprism_desktop.providers.bedrock.chain.chain import AttemptContext, ChainSettings, ModelChain
from aiprism_desktop.providers.bedrock.chain.cooldown import BreakerPolicy, ModelHealthTracker
from aiprism_desktop.providers.bedrock.chain.errors import (
    BedrockUnreachableError,
    DeadlineExceededError,
)
from aiprism_desktop.providers.bedrock.chain.profiles import ModelProfile
from tests.support.chain_helpers import DAILY, THROTTLED, FakeTime, chain_of, service_error


def chain(
    keys: tuple[str, ...], health: MemoryHealth, clock: FakeTime, **settings: object
) -> ModelChain:
    return ModelChain(
        chain_of(*keys),
        "us-east-1",
        health,
        settings=ChainSettings(**settings),  # type: ignore[arg-type]
        timing=clock.timing(),
    )


async def test_in_flight_success_does_not_clear_a_daily_quota_just_hit() -> None:
    clock = FakeTime()
    health = MemoryHealth()
    models = chain(("a", "b"), health, clock)
    quota_hit = asyncio.Event()

    async def slow_success(context: AttemptContext) -> str:
        if context.profile.key == "a":
            await quota_hit.wait()  # this call started before the quota was used up
        return f"ok from {context.profile.key}"

    async def daily_quota(context: AttemptContext) -> str:
        if context.profile.key == "a":
            quota_hit.set()
            raise service_error(*DAILY)
        return f"ok from {context.profile.key}"

    slow = asyncio.create_task(models.run(slow_success))
    await asyncio.sleep(0)  # the slow call is now in flight on model a
    fast = await models.run(daily_quota)
    late = await slow
    assert (fast.profile.key, late.profile.key) == ("b", "a")
    record = health.records["a"]
    assert record.state == "cooling_down"  # the late success did not clear the quota cooldown
    assert record.until == 1_800_057_600.0


async def test_failures_of_calls_started_before_the_circuit_opened_change_nothing() -> None:
    clock = FakeTime()
    tracker = ModelHealthTracker(
        MemoryHealth(), policy=BreakerPolicy(failure_threshold=2, cooldown_s=60.0), wall=clock.wall
    )
    tickets = [tracker.ticket("a") for _ in range(6)]  # six calls in flight at once
    for ticket in tickets:
        await tracker.record_failure("a", "throttled", ticket)
    record = tracker.record("a")
    assert record is not None
    assert (record.state, record.until, record.consecutive_failures) == (
        "cooling_down",
        clock.now + 60.0,
        2,
    )
    clock.advance(61)  # cooldown over: a late failure of an old call still changes nothing
    await tracker.record_failure("a", "throttled", tickets[0])
    assert tracker.record("a") == record
    assert tracker.availability("a").state == "probe"
    probe = tracker.ticket("a", probe=True)
    await tracker.record_failure("a", "throttled", probe)
    await tracker.record_failure("a", "throttled", probe)  # one escalation per probe
    reopened = tracker.record("a")
    assert reopened is not None
    assert reopened.until == clock.now + 120.0


async def test_preflight_counts_against_the_deadline() -> None:
    async def slow_preflight(profile: ModelProfile, model_id: str) -> int:
        await asyncio.sleep(10)
        return 10

    async def answer(context: AttemptContext) -> str:
        return "never reached"

    models = ModelChain(
        chain_of("a", "b"), "us-east-1", MemoryHealth(), settings=ChainSettings(deadline_s=0.2)
    )
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        await models.run(answer, preflight=slow_preflight)
    assert time.monotonic() - started < 3.0  # deadline 0.2 s; the preflight alone takes 10 s


async def test_connect_failures_until_the_deadline_are_reported_as_unreachable() -> None:
    async def slow_refusal(context: AttemptContext) -> str:
        await asyncio.sleep(0.15)  # a connect timeout, shortened
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")

    health = MemoryHealth()
    models = ModelChain(
        chain_of("a", "b", "c"),
        "us-east-1",
        health,
        settings=ChainSettings(deadline_s=0.5, backoff=BackoffPolicy(base_s=0.01, cap_s=0.02)),
    )
    with pytest.raises(BedrockUnreachableError):  # a ProviderUnavailableError: work is queued
        await models.run(slow_refusal)
    assert health.records == {}


async def test_throttling_storm_falls_back_when_the_backoff_does_not_fit() -> None:
    clock = FakeTime()
    health = MemoryHealth()
    script_calls: list[str] = []

    async def throttled_a(context: AttemptContext) -> str:
        script_calls.append(context.profile.key)
        if context.profile.key == "a":
            raise service_error(*THROTTLED, headers={"retry-after": "50"})
        return "ok"

    models = chain(("a", "b"), health, clock, deadline_s=30.0)
    result = await models.run(throttled_a)
    assert result.profile.key == "b"  # the 50 s wait does not fit 30 s: next model, no error
    assert script_calls == ["a", "b"]


async def test_enable_model_with_an_unknown_key_names_the_known_ones() -> None:
    models = chain(("a", "b"), MemoryHealth(), FakeTime())
    with pytest.raises(ConfigError, match=r"Unknown model 'nope'\. Known models: a, b\."):
        await models.enable_model("nope")
    with pytest.raises(ConfigError):
        await models.disable_model("nope")


def test_retry_after_and_code_normalisation_have_one_implementation() -> None:
    assert error_classifier.retry_after_seconds is bedrock_errors.retry_after_seconds
    assert error_classifier.normalize_code is bedrock_errors.normalize_code
    headers = {"Retry-After": "9", "x-amz-retry-after": "2500"}
    assert bedrock_errors.retry_after_seconds(headers) == 2.5  # AWS's millisecond header wins
    response = {
        "Error": {"Code": "ThrottlingException", "Message": "slow"},
        "ResponseMetadata": {"HTTPStatusCode": 429, "HTTPHeaders": headers},
    }
    from botocore.exceptions import ClientError

    error = ClientError(response, "Converse")  # type: ignore[arg-type]
    mapped = bedrock_errors.to_call_error(error)
    assert mapped is not None
    assert mapped.retry_after == error_classifier.classify(error).retry_after_s == 2.5
