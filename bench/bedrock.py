"""Bedrock provider benchmarks against the fake Bedrock server (real boto3, loopback only).

1. Analyze-all of a 40-section document through the review engine at concurrency 8 with 2 s
   simulated model latency. Ideal = 2 s × 5 rounds = 10 s; target ≤ 1.15 × ideal.
2. Per-call overhead with 0 latency: BedrockReviewer.review_section (request building, thread
   hop, chain bookkeeping, schema + findings validation) vs a bare boto3 ``converse`` of the
   same request to the same fake. Target (ours): ≤ 10 ms extra per call.
3. First model in cooldown: a call's extra latency over calling the second model directly
   (a chain that starts with it). Target ≤ 50 ms.

Run: ``.venv/bin/python -m bench.bedrock`` (about 20 s).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from botocore.config import Config

from aiprism_desktop.app.memory_ports import MemoryHealth
from aiprism_desktop.core.engine import ReviewEngine
from aiprism_desktop.core.ports import ModelHealthRecord
from aiprism_desktop.core.prompts import build_review_prompt
from aiprism_desktop.core.reviewer import SectionReviewRequest
from aiprism_desktop.providers.bedrock.chain.chain import ChainSettings
from aiprism_desktop.providers.bedrock.chain.profiles import ModelProfile, load_model_chain
from aiprism_desktop.providers.bedrock.request import build_review_request
from aiprism_desktop.providers.bedrock.reviewer import BedrockReviewer, BedrockSettings
from tests.fakes.fake_bedrock import FakeBedrock
from tests.fakes.synthetic import make_document
from tests.support.bedrock_harness import framework, scenario, session

REGION = "us-east-1"
CHAIN = load_model_chain(None)


def make_reviewer(
    fake: FakeBedrock, health: MemoryHealth, profiles: tuple[ModelProfile, ...] = CHAIN
) -> BedrockReviewer:
    settings = BedrockSettings(
        region=REGION,
        endpoint_url=fake.endpoint_url,
        max_concurrency=8,
        chain=ChainSettings(deadline_s=120.0),
    )
    return BedrockReviewer(session(), health, settings, profiles=profiles)


async def analyze_all(fake: FakeBedrock) -> float:
    fake.set_scenario(scenario({}, latency=2.0))
    document = make_document(sections=40, paragraphs_per_section=3)
    bedrock = make_reviewer(fake, MemoryHealth())
    engine = ReviewEngine(bedrock, framework(), concurrency=8)
    try:
        started = time.perf_counter()
        finished = await engine.analyze(document, use_cache=False)
        elapsed = time.perf_counter() - started
    finally:
        await bedrock.aclose()
    if finished.finished != 40:
        raise SystemExit(f"analyze-all failed: {finished}")
    return elapsed


def request_for(index: int) -> SectionReviewRequest:
    document = make_document(sections=3)
    section = document.sections[index % 3]
    prompt = build_review_prompt(document, section, framework())
    return SectionReviewRequest(document, section, framework(), prompt)


async def timed_pair(
    first: Callable[[], Awaitable[Any]], second: Callable[[], Awaitable[Any]], rounds: int
) -> tuple[float, float]:
    """Median ms of each call, measured alternately so drift affects both the same way."""
    await first()  # warm up: client creation, connection, schema validator caches
    await second()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for call, bucket in ((first, samples[0]), (second, samples[1])):
            started = time.perf_counter()
            await call()
            bucket.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[0]), statistics.median(samples[1])


async def per_call_overhead(fake: FakeBedrock, rounds: int = 60) -> tuple[float, float]:
    fake.set_scenario(scenario({}))
    request = request_for(0)
    bedrock = make_reviewer(fake, MemoryHealth())
    client = session().client(
        "bedrock-runtime",
        region_name=REGION,
        endpoint_url=fake.endpoint_url,
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    profile = CHAIN[0]
    body = build_review_request(
        profile,
        f"us.{profile.base_id}",
        request.prompt,
        max_tokens=profile.default_max_tokens,
        temperature=0.0,
    )
    loop = asyncio.get_running_loop()

    async def bare() -> Any:
        return await loop.run_in_executor(None, lambda: client.converse(**body))

    try:
        return await timed_pair(lambda: bedrock.review_section(request), bare, rounds)
    finally:
        await bedrock.aclose()
        client.close()


async def cooldown_penalty(fake: FakeBedrock, rounds: int = 40) -> tuple[float, float]:
    fake.set_scenario(scenario({}))
    request = request_for(1)
    health = MemoryHealth()
    until = time.time() + 3600
    await health.put_health(ModelHealthRecord(CHAIN[0].key, "cooling_down", until, "throttled"))
    skipping = make_reviewer(fake, health)
    direct = make_reviewer(fake, MemoryHealth(), profiles=CHAIN[1:])
    try:
        result = await timed_pair(
            lambda: skipping.review_section(request),
            lambda: direct.review_section(request),
            rounds,
        )
        answered = (await skipping.review_section(request)).model
    finally:
        await skipping.aclose()
        await direct.aclose()
    if answered != CHAIN[1].key:
        raise SystemExit(f"the cooled-down model was not skipped: {answered}")
    return result


async def main() -> None:
    with FakeBedrock() as fake:
        elapsed = await analyze_all(fake)
        ideal = 2.0 * 5
        ratio = elapsed / ideal
        print("analyze-all, 40 sections, concurrency 8, 2 s latency (ReviewEngine.analyze)")
        print(f"  elapsed {elapsed:.2f} s, ideal {ideal:.1f} s, ratio {ratio:.3f} (target ≤ 1.15)")
        ours, bare = await per_call_overhead(fake)
        print("per-call overhead, 0 latency, median of 60 alternating calls")
        print(
            f"  BedrockReviewer {ours:.2f} ms, bare boto3 converse {bare:.2f} ms, "
            f"overhead {ours - bare:.2f} ms (target ≤ 10 ms)"
        )
        skip, straight = await cooldown_penalty(fake)
        print("first model cooling down: call vs a chain starting at the second model")
        print(
            f"  with skip {skip:.2f} ms, direct {straight:.2f} ms, "
            f"extra {skip - straight:.2f} ms (target ≤ 50 ms)"
        )
    verdicts = [ratio <= 1.15, ours - bare <= 10.0, skip - straight <= 50.0]
    print("all targets met" if all(verdicts) else "TARGET MISSED")


if __name__ == "__main__":
    asyncio.run(main())
