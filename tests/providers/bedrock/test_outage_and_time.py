"""Regressions, end to end through boto3 and the fake server: network outages, throttling bursts,
stalled models and streams, abandoned calls, long Retry-After, long chat answers."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from aiprism_desktop.app.memory_ports import MemoryHealth, MemoryOutbox
from aiprism_desktop.core import engine_events as ev
from aiprism_desktop.core.document import Document
from aiprism_desktop.core.engine import ReviewEngine
from aiprism_desktop.core.reviewer import ChatRequest
from aiprism_desktop.providers.bedrock.chain.backoff import Timing
from aiprism_desktop.providers.bedrock.chain.chain import ChainSettings
from aiprism_desktop.providers.bedrock.chain.classifier import STALL_COOLDOWN_S
from aiprism_desktop.providers.bedrock.chain.errors import BedrockUnreachableError
from aiprism_desktop.providers.bedrock.chain.rules import THROTTLE_COOLDOWN_S
from aiprism_desktop.providers.bedrock.reviewer import BedrockReviewer, BedrockSettings
from tests.fakes.fake_bedrock import FakeBedrock
from tests.fakes.synthetic import make_document
from tests.support.bedrock_harness import (
    BASE_IDS,
    CHAIN,
    FAST_BACKOFF,
    KEYS,
    REGION,
    framework,
    review_request,
    reviewer,
    scenario,
    session,
)
from tests.support.paths import REPO_ROOT

ROOT = REPO_ROOT


def closed_port_url() -> str:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now: connections are refused
    return f"http://127.0.0.1:{port}"


def calls_to(fake: FakeBedrock, key: str) -> int:
    return sum(BASE_IDS[key] in r.model_id for r in fake.requests if r.operation != "count-tokens")


async def test_network_outage_queues_every_section_and_cools_no_model() -> None:
    """Defect 1: connection failures must not trip the breaker of every model."""
    health = MemoryHealth()
    outbox = MemoryOutbox()
    document = make_document(sections=16)
    offline = reviewer(closed_port_url(), health)
    events: list[object] = []
    try:
        engine = ReviewEngine(offline, framework(), outbox=outbox, concurrency=8)
        finished = await engine.analyze(document, on_event=events.append)
    finally:
        await offline.aclose()
    queued = [e for e in events if isinstance(e, ev.SectionQueued)]
    assert (finished.queued, finished.failed) == (16, 0)
    assert all(isinstance(e.error, BedrockUnreachableError) for e in queued)
    assert health.records == {}  # nothing learnt about any model: the endpoint was down

    with FakeBedrock(scenario({})) as fake:  # the network is back (a restart, same store)
        online = reviewer(fake.endpoint_url, health)
        try:
            assert (await online.health()).reachable
            engine = ReviewEngine(online, framework(), outbox=outbox, concurrency=8)

            async def load(document_id: str) -> Document | None:
                return document if document_id == document.sha256 else None

            ran = await engine.drain_outbox(load)
        finally:
            await online.aclose()
    assert ran == 16
    assert await outbox.pending() == ()
    assert calls_to(fake, "sonnet-4-5") == 16


async def test_a_model_that_keeps_throttling_cools_down_once_for_the_throttle_cooldown() -> None:
    """Defect 2: in-flight failures after the model cooled down must not double the cooldown.
    A throttle is not a model failure (no breaker count); a model that still throttles after
    its retries is left alone for the throttle cooldown."""
    throttled = [{"kind": "error", "error": "throttling"}]
    with FakeBedrock(scenario({"sonnet-4-5": throttled})) as fake:
        health = MemoryHealth()
        bedrock = reviewer(fake.endpoint_url, health)
        try:
            engine = ReviewEngine(bedrock, framework(), concurrency=8)
            finished = await engine.analyze(make_document(sections=8))
        finally:
            await bedrock.aclose()
    assert finished.finished == 8
    record = health.records["sonnet-4-5"]
    assert record.state == "cooling_down"
    assert record.consecutive_failures == 0
    assert record.until is not None
    # the 30 s throttle cooldown, never doubled by the calls that were still in flight
    assert record.until - time.time() <= THROTTLE_COOLDOWN_S + 5


async def test_stalled_model_is_abandoned_in_time_to_ask_the_next_one() -> None:
    """Defect 3: read timeout == deadline meant the deadline always fired first."""
    hang = [{"kind": "hang", "seconds": 60}]
    with FakeBedrock(scenario({"sonnet-4-5": hang})) as fake:
        health = MemoryHealth()
        chain = ChainSettings(deadline_s=3.0, backoff=FAST_BACKOFF)
        bedrock = reviewer(fake.endpoint_url, health, read_timeout_s=3.0, chain=chain)
        started = time.monotonic()
        try:
            result = await bedrock.review_section(review_request())
        finally:
            await bedrock.aclose()
        elapsed = time.monotonic() - started
        fake.stopping.set()
    assert result.model == "opus-4-5"
    assert elapsed < 6.0  # the deadline is 3 s; waiting out the hang would take 60 s
    assert [a.error_code for a in result.attempts[:2]] == ["AttemptTimeout", "AttemptTimeout"]
    record = health.records["sonnet-4-5"]  # the stalled model is left alone for a while
    assert record.state == "cooling_down"
    assert record.until is not None
    assert record.until - time.time() > STALL_COOLDOWN_S - 10


async def test_stalled_chat_stream_restarts_on_the_next_model() -> None:
    """Defect 3 (chat): a stream that goes silent is restarted, not waited out."""
    answers = {k: [{"kind": "success", "text": "word " * 10}] for k in KEYS}
    script = scenario(answers)
    script["models"][BASE_IDS["sonnet-4-5"]]["delta_delay"] = 30
    with FakeBedrock(script) as fake:
        chain = ChainSettings(deadline_s=3.0, backoff=FAST_BACKOFF)
        bedrock = reviewer(fake.endpoint_url, MemoryHealth(), read_timeout_s=3.0, chain=chain)
        started = time.monotonic()
        try:
            events = [e async for e in bedrock.chat(chat_request())]
        finally:
            await bedrock.aclose()
        fake.stopping.set()
    assert time.monotonic() - started < 6.0  # deadline 3 s; waiting out would take 30 s
    assert "restarted" in [e.kind for e in events]
    assert events[-1].kind == "done"
    assert events[-1].model == "opus-4-5"
    assert events[-1].text == "word " * 10


async def test_abandoned_calls_do_not_starve_the_next_run() -> None:
    """Defect 3 (pool): calls left hanging by a cancelled run must not block new calls."""
    answer = {"kind": "success", "findings": [], "latency": 1.0}
    hangs = [{"kind": "hang", "seconds": 60}] * 8 + [answer]
    with FakeBedrock(scenario({"sonnet-4-5": hangs})) as fake:
        chain = ChainSettings(deadline_s=10.0, backoff=FAST_BACKOFF)
        bedrock = reviewer(fake.endpoint_url, MemoryHealth(), read_timeout_s=10.0, chain=chain)
        try:
            engine = ReviewEngine(bedrock, framework(), concurrency=8)
            first = asyncio.create_task(engine.analyze(make_document(sections=8, salt="a")))
            for _ in range(250):  # until all 8 sections hang in a call
                if calls_to(fake, "sonnet-4-5") >= 8:
                    break
                await asyncio.sleep(0.02)
            assert calls_to(fake, "sonnet-4-5") == 8
            first.cancel()
            await asyncio.gather(first, return_exceptions=True)
            started = time.monotonic()
            second = await engine.analyze(make_document(sections=8, salt="b"))
            elapsed = time.monotonic() - started
        finally:
            await bedrock.aclose()
        fake.stopping.set()
    assert (second.finished, second.failed) == (8, 0)
    assert elapsed < 4.0  # 8 parallel 1 s answers (8 s in a row); none waits for run 1's thread


def test_process_exit_does_not_wait_for_an_abandoned_call(tmp_path: Path) -> None:
    """Defect 3 (exit): a blocked worker thread must not hold the CLI until its read timeout."""
    with FakeBedrock(scenario({"sonnet-4-5": [{"kind": "hang", "seconds": 60}]})) as fake:
        script = textwrap.dedent(
            f"""
            import asyncio
            from tests.support.bedrock_harness import reviewer, review_request, FAST_BACKOFF
            from aiprism_desktop.app.memory_ports import MemoryHealth
            from aiprism_desktop.providers.bedrock.chain.chain import ChainSettings

            async def main():
                chain = ChainSettings(deadline_s=2.0, backoff=FAST_BACKOFF)
                bedrock = reviewer({fake.endpoint_url!r}, MemoryHealth(), read_timeout_s=30,
                                   chain=chain)
                result = await bedrock.review_section(review_request())
                await bedrock.aclose()
                print(result.model, flush=True)

            asyncio.run(main())
            """
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        elapsed = time.monotonic() - started
        fake.stopping.set()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "opus-4-5"
    assert elapsed < 20  # the hung call's read timeout is 30 s; the process did not wait for it


async def test_long_retry_after_falls_back_at_once_and_cools_that_long() -> None:
    """Defect 5: a Retry-After beyond what we wait means the next model, and a long cooldown."""
    slept: list[float] = []

    async def no_sleep(seconds: float) -> None:
        slept.append(seconds)

    throttled = [{"kind": "error", "error": "throttling", "retry_after": 3600}]
    with FakeBedrock(scenario({"sonnet-4-5": throttled})) as fake:
        health = MemoryHealth()
        settings = BedrockSettings(region=REGION, endpoint_url=fake.endpoint_url)
        bedrock = BedrockReviewer(
            session(), health, settings, profiles=CHAIN, timing=Timing(sleep=no_sleep)
        )
        try:
            result = await bedrock.review_section(review_request())
        finally:
            await bedrock.aclose()
        sonnet_calls = calls_to(fake, "sonnet-4-5")
    assert result.model == "opus-4-5"
    assert slept == []
    assert sonnet_calls == 1
    until = health.records["sonnet-4-5"].until
    assert until is not None
    assert until - time.time() > 3500


async def test_long_healthy_chat_answer_is_not_cut_off_by_the_deadline() -> None:
    """Defect 6: the deadline covers the wait for the first token, not the whole answer."""
    text = "word " * 20
    answers = {k: [{"kind": "success", "text": text}] for k in KEYS}
    with FakeBedrock(scenario(answers, delta_delay=0.1, chunk_chars=5)) as fake:
        chain = ChainSettings(deadline_s=0.6, backoff=FAST_BACKOFF)
        bedrock = reviewer(fake.endpoint_url, MemoryHealth(), chain=chain)
        started = time.monotonic()
        try:
            events = [e async for e in bedrock.chat(chat_request())]
        finally:
            await bedrock.aclose()
    assert time.monotonic() - started > 1.5  # 20 chunks, 0.1 s apart: thrice the deadline
    done = events[-1]
    assert (done.kind, done.model, done.text) == ("done", "sonnet-4-5", text)
    assert "restarted" not in [e.kind for e in events]


def chat_request() -> ChatRequest:
    return ChatRequest(make_document(sections=2), "Summarize?", framework())
