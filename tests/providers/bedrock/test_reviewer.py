"""BedrockReviewer through real boto3 against the fake server: repair, more room, preflight,
profile ids, restarts, cancellation, throttling storms, chat restarts, health, lifecycle."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from aiprism_desktop.app.memory_ports import MemoryHealth
from aiprism_desktop.core.errors import SectionTooLargeError
from aiprism_desktop.core.reviewer import ChatEvent, ChatRequest, Reviewer
from aiprism_desktop.providers.bedrock.chain.backoff import BackoffPolicy
from aiprism_desktop.providers.bedrock.chain.chain import ChainSettings
from aiprism_desktop.providers.bedrock.chain.errors import AllModelsFailedError
from tests.fakes.fake_bedrock import FakeBedrock
from tests.fakes.synthetic import make_document, make_section
from tests.support.bedrock_harness import (
    BASE_IDS,
    CHAIN,
    KEYS,
    answer_by,
    framework,
    review_request,
    reviewer,
    scenario,
)
from tests.support.chain_helpers import profile


@pytest.fixture
def fake() -> Iterator[FakeBedrock]:
    with FakeBedrock() as server:
        yield server


def converse_ids(fake: FakeBedrock) -> list[str]:
    return [r.model_id for r in fake.requests if r.operation != "count-tokens"]


async def test_it_is_a_reviewer(fake: FakeBedrock) -> None:
    bedrock = reviewer(fake.endpoint_url, MemoryHealth())
    assert isinstance(bedrock, Reviewer)
    assert bedrock.info.models == KEYS
    assert bedrock.info.name == "bedrock"
    await bedrock.aclose()
    await bedrock.aclose()  # idempotent


async def test_malformed_output_is_repaired_once_on_the_same_model(fake: FakeBedrock) -> None:
    fake.set_scenario(scenario({"sonnet-4-5": [{"kind": "malformed"}, answer_by("sonnet-4-5")]}))
    bedrock = reviewer(fake.endpoint_url, MemoryHealth())
    try:
        result = await bedrock.review_section(review_request())
    finally:
        await bedrock.aclose()
    assert result.model == "sonnet-4-5"
    assert [a.outcome for a in result.attempts] == ["repair", "ok"]
    first, repair = fake.requests_for("converse")
    assert len(first.body["messages"]) == 1  # type: ignore[index]
    repair_messages = repair.body["messages"]  # type: ignore[index]
    assert [m["role"] for m in repair_messages] == ["user", "assistant", "user"]
    assert "rejected" in str(repair_messages[-1]["content"])  # the validation error goes back


async def test_findings_rejected_by_our_validator_are_repaired_too(fake: FakeBedrock) -> None:
    # Valid against the JSON schema, rejected by core.finding_schema: a blank description.
    bad = answer_by("sonnet-4-5")
    bad["findings"][0]["description"] = "   "
    fake.set_scenario(scenario({"sonnet-4-5": [bad, answer_by("sonnet-4-5")]}))
    bedrock = reviewer(fake.endpoint_url, MemoryHealth())
    try:
        result = await bedrock.review_section(review_request())
    finally:
        await bedrock.aclose()
    assert [a.outcome for a in result.attempts] == ["repair", "ok"]
    assert result.drafts[0].description == "finding by sonnet-4-5"
    repair = fake.requests_for("converse")[1]
    assert "description is empty" in str(repair.body["messages"][-1])  # type: ignore[index]


async def test_truncated_answer_is_retried_with_more_room(fake: FakeBedrock) -> None:
    fake.set_scenario(scenario({"sonnet-4-5": [{"kind": "truncated"}, answer_by("sonnet-4-5")]}))
    bedrock = reviewer(fake.endpoint_url, MemoryHealth())
    try:
        result = await bedrock.review_section(review_request())
    finally:
        await bedrock.aclose()
    assert result.model == "sonnet-4-5"
    sizes = [r.body["inferenceConfig"]["maxTokens"] for r in fake.requests_for("converse")]  # type: ignore[index]
    assert sizes == [8192, 32768]


async def test_truncated_at_the_maximum_asks_the_engine_to_split(fake: FakeBedrock) -> None:
    fake.set_scenario(scenario({"sonnet-4-5": [{"kind": "truncated"}]}))
    bedrock = reviewer(fake.endpoint_url, MemoryHealth())
    try:
        with pytest.raises(SectionTooLargeError) as caught:
            await bedrock.review_section(review_request())
    finally:
        await bedrock.aclose()
    sizes = [r.body["inferenceConfig"]["maxTokens"] for r in fake.requests_for("converse")]  # type: ignore[index]
    assert sizes == [8192, 32768, 64000]
    assert "split" in caught.value.message


async def test_preflight_skips_a_small_window_model_without_calling_it(fake: FakeBedrock) -> None:
    small = profile("tiny", base_id=BASE_IDS["haiku-4-5"], context_window=3000)
    profiles = (small, CHAIN[0])
    long_text = ["The account was reviewed and the evidence was filed. " * 20] * 12
    section = make_section(1, "Long findings", long_text)
    document = make_document(sections=1)
    document = type(document)(document.path, document.sha256, "Doc", (section,))
    fake.set_scenario(scenario({}))
    bedrock = reviewer(fake.endpoint_url, MemoryHealth(), profiles=profiles)
    try:
        result = await bedrock.review_section(review_request(document))
    finally:
        await bedrock.aclose()
    assert result.model == "sonnet-4-5"
    assert result.attempts[0].outcome == "shrink"
    counted = fake.requests_for("count-tokens")
    assert [r.model_id for r in counted] == [BASE_IDS["haiku-4-5"]]  # counted, bare id
    assert converse_ids(fake) == [f"us.{BASE_IDS['sonnet-4-5']}"]  # never called the small one


async def test_preflight_uses_the_local_estimate_when_counting_is_unsupported(
    fake: FakeBedrock,
) -> None:
    small = profile("tiny", base_id=BASE_IDS["haiku-4-5"], context_window=3000)
    section = make_section(1, "Long", ["Evidence was filed late. " * 60] * 12)
    base = make_document(sections=1)
    document = type(base)(base.path, base.sha256, "Doc", (section,))
    fake.set_scenario(scenario({}, count_tokens="unsupported"))
    bedrock = reviewer(fake.endpoint_url, MemoryHealth(), profiles=(small, CHAIN[0]))
    try:
        result = await bedrock.review_section(review_request(document))
    finally:
        await bedrock.aclose()
    assert result.model == "sonnet-4-5"
    assert converse_ids(fake) == [f"us.{BASE_IDS['sonnet-4-5']}"]


async def test_on_demand_refusal_retries_with_the_profile_id(fake: FakeBedrock) -> None:
    on_demand = profile("od", base_id=BASE_IDS["sonnet-4-5"], requires_profile=False)
    fake.set_scenario(scenario({}, requires_profile=True))
    bedrock = reviewer(fake.endpoint_url, MemoryHealth(), profiles=(on_demand,))
    try:
        first = await bedrock.review_section(review_request())
        second = await bedrock.review_section(review_request())
    finally:
        await bedrock.aclose()
    bare, prof = BASE_IDS["sonnet-4-5"], f"us.{BASE_IDS['sonnet-4-5']}"
    assert converse_ids(fake) == [bare, prof, prof]  # remembered for the next request
    assert [a.outcome for a in first.attempts] == ["use_profile", "ok"]
    assert [a.outcome for a in second.attempts] == ["ok"]


async def test_persisted_cooldown_is_honoured_after_a_restart(fake: FakeBedrock) -> None:
    health = MemoryHealth()
    fake.set_scenario(scenario({"sonnet-4-5": [{"kind": "error", "error": "daily_quota"}]}))
    first = reviewer(fake.endpoint_url, health)
    try:
        assert (await first.review_section(review_request())).model == "opus-4-5"
    finally:
        await first.aclose()
    fake.set_scenario(scenario({}))  # sonnet would answer now, but its quota day is not over
    fake.reset()
    restarted = reviewer(fake.endpoint_url, health)  # a new process, same store
    try:
        result = await restarted.review_section(review_request())
        states = {m.model: m for m in (await restarted.health()).models}
    finally:
        await restarted.aclose()
    assert result.model == "opus-4-5"
    assert converse_ids(fake) == [f"us.{BASE_IDS['opus-4-5']}"]
    assert "cooling down until" in result.attempts[0].message
    assert states["sonnet-4-5"].state == "cooling_down"
    assert states["sonnet-4-5"].until is not None


async def test_disabled_model_stays_disabled_until_re_enabled(fake: FakeBedrock) -> None:
    health = MemoryHealth()
    fake.set_scenario(scenario({"sonnet-4-5": [{"kind": "error", "error": "eol"}]}))
    bedrock = reviewer(fake.endpoint_url, health)
    try:
        await bedrock.review_section(review_request())
        fake.set_scenario(scenario({}))
        rows = await bedrock.describe_models()
        assert rows[0].state.state == "disabled"
        assert rows[0].state.detail == "end of life"
        assert (await bedrock.review_section(review_request())).model == "opus-4-5"
        await bedrock.enable_model("sonnet-4-5")
        assert (await bedrock.review_section(review_request())).model == "sonnet-4-5"
    finally:
        await bedrock.aclose()


async def test_throttling_storm_on_every_model_ends_in_a_clear_error_in_bounded_time(
    fake: FakeBedrock,
) -> None:
    storm = [{"kind": "error", "error": "throttling", "retry_after": 1.0}]
    fake.set_scenario(scenario({key: storm for key in KEYS}))
    chain = ChainSettings(deadline_s=2.0, backoff=BackoffPolicy(base_s=0.1, cap_s=0.4))
    bedrock = reviewer(fake.endpoint_url, MemoryHealth(), chain=chain)
    started = time.monotonic()
    try:
        with pytest.raises(AllModelsFailedError) as caught:
            await bedrock.review_section(review_request())
    finally:
        await bedrock.aclose()
    # The deadline is 2 s; every model's whole backoff schedule (3 waits of 1 s each, 7 models)
    # would take over 20 s. The margin absorbs a loaded machine.
    assert time.monotonic() - started < 8.0
    assert "throttled" in caught.value.message
    assert re.search(r"sonnet-4-5: throttled ×\d", caught.value.message)


async def test_cancel_during_a_call_returns_at_once(fake: FakeBedrock) -> None:
    fake.set_scenario(scenario({"sonnet-4-5": [{"kind": "hang", "seconds": 30}]}))
    bedrock = reviewer(fake.endpoint_url, MemoryHealth())
    task = asyncio.create_task(bedrock.review_section(review_request()))
    try:
        for _ in range(200):
            if fake.requests_for("converse"):
                break
            await asyncio.sleep(0.01)
        assert fake.requests_for("converse")  # the call is in flight
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.monotonic() - started < 1.0  # not the call's 30 s, nor the backoff's
    finally:
        await bedrock.aclose()


async def test_cancel_during_backoff_returns_at_once(fake: FakeBedrock) -> None:
    throttled = [{"kind": "error", "error": "throttling", "retry_after": 30}]
    fake.set_scenario(scenario({"sonnet-4-5": throttled}))
    bedrock = reviewer(fake.endpoint_url, MemoryHealth(), chain=ChainSettings())
    task = asyncio.create_task(bedrock.review_section(review_request()))
    try:
        for _ in range(200):
            if fake.requests_for("converse"):
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)  # the 429 came back: now in a 30 s backoff
        assert len(fake.requests_for("converse")) == 1
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.monotonic() - started < 1.0  # not the call's 30 s, nor the backoff's
    finally:
        await bedrock.aclose()


def chat_request() -> ChatRequest:
    document = make_document(sections=3)
    return ChatRequest(
        document, "What is missing?", framework(), section_id=document.sections[0].id
    )


async def collect(events: object) -> list[ChatEvent]:
    return [event async for event in events]  # type: ignore[attr-defined]


async def test_mid_stream_failure_restarts_from_scratch_on_the_next_model(
    fake: FakeBedrock,
) -> None:
    broken = {"kind": "stream_error", "error": "model_stream_error", "after_deltas": 2}
    second = {"kind": "success", "text": "Opus says the timeline is missing."}
    fake.set_scenario(scenario({"sonnet-4-5": [broken], "opus-4-5": [second]}))
    bedrock = reviewer(fake.endpoint_url, MemoryHealth())
    try:
        events = await collect(bedrock.chat(chat_request()))
    finally:
        await bedrock.aclose()
    kinds = [e.kind for e in events]
    assert kinds.count("restarted") == 2  # sonnet retried once, then opus
    last_restart = max(i for i, e in enumerate(events) if e.kind == "restarted")
    assert events[last_restart].model == "opus-4-5"
    after = "".join(e.text for e in events[last_restart:] if e.kind == "delta")
    done = events[-1]
    assert done.kind == "done"
    assert done.model == "opus-4-5"
    assert done.text == after == "Opus says the timeline is missing."
    requests = fake.requests_for("converse-stream")
    for request in requests:  # no prefill continuation: every request ends with the user turn
        assert request.body["messages"][-1]["role"] == "user"  # type: ignore[index]
    assert [a.outcome for a in done.attempts] == ["retry", "retry", "ok"]


async def test_broken_chat_connection_falls_back(fake: FakeBedrock) -> None:
    fake.set_scenario(
        scenario(
            {
                "sonnet-4-5": [{"kind": "stream_error", "error": "daily_quota", "after_deltas": 1}],
                "opus-4-5": [{"kind": "stream_break", "after_deltas": 1}],
                "haiku-4-5": [{"kind": "success", "text": "Haiku answers."}],
            }
        )
    )
    bedrock = reviewer(fake.endpoint_url, MemoryHealth())
    try:
        events = await collect(bedrock.chat(chat_request()))
    finally:
        await bedrock.aclose()
    assert events[-1].model == "haiku-4-5"
    assert events[-1].text == "Haiku answers."


async def test_chat_with_every_model_failing_raises_a_clear_error(fake: FakeBedrock) -> None:
    fake.set_scenario(scenario({k: [{"kind": "error", "error": "eol"}] for k in KEYS}))
    bedrock = reviewer(fake.endpoint_url, MemoryHealth())
    try:
        with pytest.raises(AllModelsFailedError) as caught:
            await collect(bedrock.chat(chat_request()))
    finally:
        await bedrock.aclose()
    assert "opus-4-1: end of life" in caught.value.message


async def test_health_probe_and_states(fake: FakeBedrock) -> None:
    health = MemoryHealth()
    bedrock = reviewer(fake.endpoint_url, health)
    try:
        await bedrock.chain.disable_model("haiku-4-5", "disabled by the user")
        report = await bedrock.health(probe=True)
    finally:
        await bedrock.aclose()
    assert report.reachable
    states = {m.model: m.state for m in report.models}
    assert states["haiku-4-5"] == "disabled"
    assert states["sonnet-4-5"] == "ready"
    assert fake.requests_for("count-tokens")


async def test_endpoint_comes_from_the_standard_environment_variable(
    fake: FakeBedrock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", fake.endpoint_url)
    fake.set_scenario(scenario({}))
    bedrock = reviewer(None, MemoryHealth())
    try:
        result = await bedrock.review_section(review_request())
    finally:
        await bedrock.aclose()
    assert result.model == "sonnet-4-5"
    assert len(fake.requests_for("converse")) == 1


async def test_cooldown_survives_a_restart_with_the_real_store(
    fake: FakeBedrock, tmp_path: Path
) -> None:
    from aiprism_desktop.store.paths import AppPaths
    from aiprism_desktop.store.store import Store

    paths = AppPaths.resolve(data_dir=tmp_path / "data")
    fake.set_scenario(scenario({"sonnet-4-5": [{"kind": "error", "error": "daily_quota"}]}))
    store = await Store.open(paths)
    first = reviewer(fake.endpoint_url, store)
    try:
        assert (await first.review_section(review_request())).model == "opus-4-5"
    finally:
        await first.aclose()
        await store.close()
    fake.set_scenario(scenario({}))
    fake.reset()
    store = await Store.open(paths)  # the app restarted: a new connection to the same file
    restarted = reviewer(fake.endpoint_url, store)
    try:
        result = await restarted.review_section(review_request())
    finally:
        await restarted.aclose()
        await store.close()
    assert result.model == "opus-4-5"
    assert converse_ids(fake) == [f"us.{BASE_IDS['opus-4-5']}"]
