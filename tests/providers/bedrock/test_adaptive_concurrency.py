"""Against an account quota the client cannot see (the fake throttles above N calls at once),
the chain slows down to N instead of failing sections or blaming the model."""

from __future__ import annotations

import asyncio

from aiprism_desktop.app.memory_ports import MemoryHealth
from aiprism_desktop.providers.bedrock.chain.chain import ChainSettings
from tests.fakes.bedrock_scenario import ModelScript, Outcome, Scenario
from tests.fakes.fake_bedrock import FakeBedrock
from tests.support.bedrock_harness import BASE_IDS, FAST_BACKOFF, finding, review_request, reviewer

QUOTA = 3


async def test_a_hidden_quota_is_found_and_no_section_fails_and_no_model_cools() -> None:
    script = ModelScript(
        outcomes=(Outcome(findings=(finding("quota test"),)),), latency=0.05, max_concurrent=QUOTA
    )
    scenario = Scenario(models={BASE_IDS["sonnet-4-5"]: script})
    health = MemoryHealth()
    with FakeBedrock(scenario) as fake:
        bedrock = reviewer(
            fake.endpoint_url,
            health,
            max_concurrency=8,
            chain=ChainSettings(deadline_s=60.0, backoff=FAST_BACKOFF),
        )
        try:
            results = await asyncio.gather(
                *(bedrock.review_section(review_request()) for _ in range(24))
            )
            levels = bedrock.concurrency_levels()
        finally:
            await bedrock.aclose()
        throttled = [r for r in fake.requests if r.outcome.startswith("throttled")]
    assert {r.model for r in results} == {"sonnet-4-5"}  # nobody fell back to another model
    assert levels["sonnet-4-5"] <= QUOTA + 1
    assert all(record.state == "ready" for record in health.records.values())
    # The limit halves after the first burst and then probes upwards one call at a time: a few
    # throttles per window at most. Without it every retry hit the quota again (dozens, and the
    # chain gave up on the model).
    assert len(throttled) <= 12
