"""ModelChain logic with scripted per-model outcomes (the boto3 fault matrix is elsewhere)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import pytest

from aiprism_desktop.app.memory_ports import MemoryHealth
from aiprism_desktop.core.errors import AuthError, InvalidResponseError, SectionTooLargeError
from aiprism_desktop.providers.bedrock.chain.backoff import BackoffPolicy, Timing
from aiprism_desktop.providers.bedrock.chain.chain import AttemptContext, ChainSettings, ModelChain
from aiprism_desktop.providers.bedrock.chain.cooldown import BreakerPolicy
from aiprism_desktop.providers.bedrock.chain.errors import (
    AllModelsFailedError,
    BedrockUnreachableError,
    DeadlineExceededError,
    ModelRequestRejectedError,
)
from aiprism_desktop.providers.bedrock.chain.profiles import ModelProfile
from aiprism_desktop.providers.bedrock.chain.rules import THROTTLE_RETRIES
from aiprism_desktop.providers.bedrock.errors import OutputTruncatedError
from tests.support.chain_helpers import (
    DAILY,
    EOL,
    THROTTLED,
    FakeTime,
    chain_of,
    profile,
    service_error,
)


@dataclass
class Script:
    """Per model key: outcomes consumed one per call (an exception or an answer string)."""

    outcomes: dict[str, list[BaseException | str]]
    calls: list[AttemptContext] = field(default_factory=list)

    async def __call__(self, context: AttemptContext) -> str:
        self.calls.append(context)
        queue = self.outcomes.get(context.profile.key, [])
        outcome = queue.pop(0) if len(queue) > 1 else (queue[0] if queue else "ok")
        if isinstance(outcome, BaseException):
            raise outcome
        return f"{outcome} from {context.profile.key}"

    def keys(self) -> list[str]:
        return [c.profile.key for c in self.calls]


def make_chain(
    profiles: tuple[ModelProfile, ...],
    health: MemoryHealth | None = None,
    clock: FakeTime | None = None,
    **settings: object,
) -> ModelChain:
    clock = clock or FakeTime()
    return ModelChain(
        profiles,
        "us-east-1",
        health if health is not None else MemoryHealth(),
        settings=ChainSettings(**settings),  # type: ignore[arg-type]
        timing=clock.timing(),
    )


async def test_first_model_answers() -> None:
    script = Script({})
    result = await make_chain(chain_of("a", "b")).run(script)
    assert result.value == "ok from a"
    assert result.model_id == "us.anthropic.a"
    assert [a.outcome for a in result.attempts] == ["ok"]


async def test_throttled_model_is_retried_with_backoff_then_falls_back() -> None:
    clock = FakeTime()
    script = Script({"a": [service_error(*THROTTLED)]})
    result = await make_chain(chain_of("a", "b"), clock=clock).run(script)
    tries = THROTTLE_RETRIES + 1
    assert script.keys() == ["a"] * tries + ["b"]
    assert result.profile.key == "b"
    assert [a.outcome for a in result.attempts] == ["retry"] * tries + ["ok"]
    # full jitter with rand=0.5: 0.5·0.5, 0.5·1.0, 0.5·2.0
    assert clock.sleeps == [0.25, 0.5, 1.0][:THROTTLE_RETRIES]


async def test_retry_after_is_a_floor_for_the_backoff() -> None:
    clock = FakeTime()
    error = service_error(*THROTTLED, headers={"retry-after": "3"})
    script = Script({"a": [error, "fine"]})
    await make_chain(chain_of("a"), clock=clock).run(script)
    assert clock.sleeps == [3.0]


async def test_daily_quota_is_not_retried_and_cools_down_until_next_utc_day() -> None:
    clock = FakeTime(now=1_800_000_000.0)  # 08:00 UTC
    health = MemoryHealth()
    script = Script({"a": [service_error(*DAILY)]})
    result = await make_chain(chain_of("a", "b"), health, clock).run(script)
    assert script.keys() == ["a", "b"]
    assert result.profile.key == "b"
    record = health.records["a"]
    assert record.state == "cooling_down"
    assert record.until == 1_800_057_600.0  # the next 00:00 UTC


async def test_persisted_cooldown_is_honoured_after_a_restart() -> None:
    clock = FakeTime()
    health = MemoryHealth()
    await make_chain(chain_of("a", "b"), health, clock).run(Script({"a": [service_error(*DAILY)]}))
    # "restart": a new chain over the same repository; model a now answers fine
    script = Script({})
    result = await make_chain(chain_of("a", "b"), health, clock).run(script)
    assert script.keys() == ["b"]
    assert result.attempts[0].outcome == "skipped"
    assert "cooling down until" in result.attempts[0].message
    clock.advance(86_400)
    script = Script({})
    await make_chain(chain_of("a", "b"), health, clock).run(script)
    assert script.keys() == ["a"]


async def test_end_of_life_disables_the_model_until_re_enabled() -> None:
    health = MemoryHealth()
    clock = FakeTime()
    script = Script({"a": [service_error(*EOL)]})
    await make_chain(chain_of("a", "b"), health, clock).run(script)
    assert health.records["a"].state == "disabled"
    clock.advance(10 * 86_400)
    chain = make_chain(chain_of("a", "b"), health, clock)
    script = Script({})
    result = await chain.run(script)
    assert script.keys() == ["b"]
    assert result.attempts[0].message == "disabled (end of life)"
    await chain.enable_model("a")
    script = Script({})
    await chain.run(script)
    assert script.keys() == ["a"]


async def test_past_eol_date_and_config_disabled_models_are_never_called() -> None:
    profiles = (
        profile("old", eol_date="2026-01-01"),
        profile("off", enabled=False),
        profile("euonly", profile_prefixes=("eu",)),
        profile("ok"),
    )
    script = Script({})
    result = await make_chain(profiles).run(script)
    assert script.keys() == ["ok"]
    messages = [a.message for a in result.attempts[:3]]
    assert messages == [
        "disabled (end of life since 2026-01-01)",
        "disabled in models.toml",
        "not offered in us-east-1",
    ]


async def test_all_models_failing_names_every_attempt() -> None:
    script = Script(
        {
            "a": [service_error(*THROTTLED)],
            "b": [service_error(*EOL)],
            "c": [service_error(*DAILY)],
        }
    )
    with pytest.raises(AllModelsFailedError) as caught:
        await make_chain(chain_of("a", "b", "c")).run(script)
    message = caught.value.message
    assert f"a: throttled ×{THROTTLE_RETRIES + 1}" in message
    assert "b: end of life" in message
    assert "c: daily quota used up" in message
    assert caught.value.code == "ALL_MODELS_FAILED"
    assert len(caught.value.attempts) == THROTTLE_RETRIES + 1 + 2


async def test_throttling_storm_ends_within_the_deadline() -> None:
    profiles = chain_of("a", "b", "c", "d", "e", "f", "g")
    script = Script({key.key: [service_error(*THROTTLED)] for key in profiles})
    chain = ModelChain(
        profiles,
        "us-east-1",
        MemoryHealth(),
        settings=ChainSettings(deadline_s=1.5, backoff=BackoffPolicy(base_s=0.2, cap_s=1.0)),
    )
    started = time.monotonic()
    with pytest.raises(AllModelsFailedError) as caught:
        await chain.run(script)
    elapsed = time.monotonic() - started
    assert elapsed < 3.0  # the deadline is 1.5 s; retrying through every backoff takes far longer
    assert "throttled" in caught.value.message


async def test_deadline_cuts_a_slow_call() -> None:
    async def hang(context: AttemptContext) -> str:
        await asyncio.sleep(10)
        return "never"

    chain = ModelChain(chain_of("a", "b"), "us-east-1", MemoryHealth(), settings=ChainSettings(0.1))
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError) as caught:
        await chain.run(hang)
    assert time.monotonic() - started < 2.0  # the deadline is 0.1 s; the call would take 10 s
    assert "time limit" in caught.value.message


async def test_cancel_during_backoff_returns_immediately() -> None:
    timing = Timing()  # the real asyncio.sleep
    script = Script({"a": [service_error(*THROTTLED, headers={"retry-after": "30"})]})
    chain = ModelChain(chain_of("a"), "us-east-1", MemoryHealth(), timing=timing)
    task = asyncio.create_task(chain.run(script))
    await asyncio.sleep(0.05)  # the first call failed at once: now inside the 30 s backoff
    assert len(script.calls) == 1
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < 1.0  # not the 30 s backoff


async def test_circuit_breaker_opens_then_half_open_probe_closes_it() -> None:
    clock = FakeTime()
    health = MemoryHealth()
    settings = {"breaker": BreakerPolicy(failure_threshold=3, cooldown_s=60.0)}
    timeout = service_error("ModelTimeoutException", "late", 408)
    chain = make_chain(chain_of("a", "b"), health, clock, **settings)
    await chain.run(Script({"a": [timeout]}))  # 2 failures (timeout: one retry)
    assert health.records["a"].consecutive_failures == 2
    await chain.run(Script({"a": [timeout]}))  # 3rd failure opens the circuit
    assert health.records["a"].state == "cooling_down"
    script = Script({})
    await chain.run(script)
    assert script.keys() == ["b"]  # skipped while open
    clock.advance(61)
    script = Script({})
    await chain.run(script)  # half-open probe succeeds
    assert script.keys() == ["a"]
    closed = health.records["a"]
    assert (closed.state, closed.consecutive_failures) == ("ready", 0)


async def test_failed_probe_reopens_for_longer() -> None:
    clock = FakeTime()
    health = MemoryHealth()
    breaker = BreakerPolicy(failure_threshold=2, cooldown_s=60.0)
    chain = make_chain(chain_of("a", "b"), health, clock, breaker=breaker)
    failing = Script({"a": [service_error("ModelErrorException", "bad", 424)]})
    await chain.run(failing)
    first_until = health.records["a"].until
    assert first_until == clock.now + 60
    clock.advance(61)
    await chain.run(failing)
    assert health.records["a"].state == "cooling_down"
    assert health.records["a"].until == clock.now + 120  # the failed probe: 60·2


async def test_on_demand_refusal_switches_to_the_profile_id_and_remembers_it() -> None:
    needs = service_error(
        "ValidationException",
        "Invocation of model ID anthropic.a with on-demand throughput isn’t supported.",
    )
    profiles = (profile("a", requires_profile=False),)
    chain = make_chain(profiles)
    script = Script({"a": [needs, "answer"]})
    result = await chain.run(script)
    assert [c.model_id for c in script.calls] == ["anthropic.a", "us.anthropic.a"]
    assert result.model_id == "us.anthropic.a"
    script = Script({})
    await chain.run(script)
    assert [c.model_id for c in script.calls] == ["us.anthropic.a"]


async def test_invalid_output_gets_one_repair_attempt() -> None:
    bad = InvalidResponseError("findings[0].type: 'urgent' is not one of …")
    script = Script({"a": [bad, "repaired"]})
    result = await make_chain(chain_of("a", "b")).run(script)
    assert result.value == "repaired from a"
    assert script.calls[0].repair_of is None
    assert script.calls[1].repair_of is bad


async def test_invalid_output_twice_falls_back() -> None:
    bad = InvalidResponseError("not JSON")
    script = Script({"a": [bad, bad]})
    result = await make_chain(chain_of("a", "b")).run(script)
    assert script.keys() == ["a", "a", "b"]
    assert result.profile.key == "b"


async def test_truncated_answer_asks_for_more_room_then_reports_section_too_large() -> None:
    truncated = _truncated()
    script = Script({"a": [truncated]})
    profiles = (profile("a", default_max_tokens=4000, max_output_tokens=32000),)
    with pytest.raises(SectionTooLargeError) as caught:
        await make_chain(profiles).run(script)
    assert [c.max_tokens for c in script.calls] == [4000, 16000, 32000]
    assert caught.value.attempts  # type: ignore[attr-defined]


async def test_preflight_skips_a_model_whose_window_is_too_small() -> None:
    profiles = (profile("small", context_window=8000), profile("big"))

    async def preflight(p: ModelProfile, model_id: str) -> int:
        return 7500

    script = Script({})
    result = await make_chain(profiles).run(script, preflight=preflight)
    assert script.keys() == ["big"]
    assert result.attempts[0].outcome == "shrink"
    assert "context window too small" in result.attempts[0].message


async def test_preflight_lowers_max_tokens_to_what_fits() -> None:
    profiles = (profile("a", context_window=10_000, default_max_tokens=4096),)

    async def preflight(p: ModelProfile, model_id: str) -> int:
        return 7000

    script = Script({})
    await make_chain(profiles).run(script, preflight=preflight)
    assert script.calls[0].max_tokens == 3000


async def test_context_window_error_skips_models_with_no_larger_window() -> None:
    too_long = service_error("ValidationException", "Input is too long for requested model.")
    profiles = (profile("a"), profile("b"), profile("huge", context_window=1_000_000))
    script = Script({"a": [too_long]})
    result = await make_chain(profiles).run(script)
    assert script.keys() == ["a", "huge"]
    assert result.attempts[1].outcome == "shrink"


async def test_context_window_on_every_model_asks_the_engine_to_split() -> None:
    too_long = service_error("ValidationException", "prompt is too long: 9 tokens > 8 maximum")
    script = Script({"a": [too_long], "b": [too_long]})
    with pytest.raises(SectionTooLargeError):
        await make_chain(chain_of("a", "b")).run(script)


async def test_bad_credentials_abort_without_trying_other_models() -> None:
    bad = service_error("UnrecognizedClientException", "The security token is invalid.", 403)
    script = Script({"a": [bad]})
    with pytest.raises(AuthError):
        await make_chain(chain_of("a", "b")).run(script)
    assert script.keys() == ["a"]


async def test_malformed_request_is_reported_as_our_bug() -> None:
    bad = service_error("ValidationException", "A conversation must start with a user message.")
    with pytest.raises(ModelRequestRejectedError):
        await make_chain(chain_of("a", "b")).run(Script({"a": [bad]}))


async def test_unreachable_endpoint_is_provider_unavailable() -> None:
    from botocore.exceptions import EndpointConnectionError

    down = EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
    script = Script({"a": [down], "b": [down]})
    with pytest.raises(BedrockUnreachableError) as caught:
        await make_chain(chain_of("a", "b")).run(script)
    assert caught.value.code == "BEDROCK_UNREACHABLE"
    assert len(caught.value.attempts) == 4


def _truncated() -> Exception:
    return OutputTruncatedError('{"findings": [', max_tokens=None, output_tokens=None)
