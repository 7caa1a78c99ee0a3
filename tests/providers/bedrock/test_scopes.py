"""Regressions through boto3 and the fake server: chat-only refusals, Marketplace refusals,
data residency (no silent ``global.`` routing), invalid ids, truncated chat answers."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from aiprism_desktop.app.memory_ports import MemoryHealth
from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.core.reviewer import ChatEvent, ChatRequest
from aiprism_desktop.providers.bedrock.chain.chain import ChainSettings
from aiprism_desktop.providers.bedrock.chain.errors import AllModelsFailedError
from aiprism_desktop.providers.bedrock.reviewer import BedrockReviewer, BedrockSettings
from tests.fakes.fake_bedrock import FakeBedrock
from tests.fakes.synthetic import make_document
from tests.support.bedrock_harness import (
    BASE_IDS,
    CHAIN,
    FAST_BACKOFF,
    KEYS,
    answer_by,
    framework,
    review_request,
    reviewer,
    scenario,
    session,
)

NO_STREAM_ACTION = (
    "User: arn:aws:iam::123456789012:user/rev is not authorized to perform: "
    "bedrock:InvokeModelWithResponseStream on resource: arn:aws:bedrock:us-east-1::"
    "foundation-model/x because no identity-based policy allows the "
    "bedrock:InvokeModelWithResponseStream action"
)
MARKETPLACE = (
    "Model access is denied due to IAM user or service role is not authorized to perform the "
    "required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, "
    "aws-marketplace:Subscribe) to enable access to this model."
)


@pytest.fixture
def fake() -> Iterator[FakeBedrock]:
    with FakeBedrock() as server:
        yield server


def chat_request() -> ChatRequest:
    return ChatRequest(make_document(sections=3), "What is missing?", framework())


async def collect(bedrock: BedrockReviewer) -> list[ChatEvent]:
    return [event async for event in bedrock.chat(chat_request())]


def in_region(
    fake: FakeBedrock, region: str, health: MemoryHealth, **chain: object
) -> BedrockReviewer:
    settings = BedrockSettings(
        region=region,
        endpoint_url=fake.endpoint_url,
        chain=ChainSettings(backoff=FAST_BACKOFF, **chain),  # type: ignore[arg-type]
    )
    return BedrockReviewer(session(), health, settings, profiles=CHAIN)


def converse_ids(fake: FakeBedrock) -> list[str]:
    return [r.model_id for r in fake.requests if r.operation != "count-tokens"]


async def test_chat_permission_refusal_does_not_block_reviews(fake: FakeBedrock) -> None:
    """Defect 4: a refusal of the streaming action cools chat only, per model."""
    refused = {"kind": "error", "error": "AccessDeniedException", "status": 403}
    per_key = {k: [{**refused, "message": NO_STREAM_ACTION}, answer_by(k)] for k in KEYS}
    fake.set_scenario(scenario(per_key))
    health = MemoryHealth()
    bedrock = reviewer(fake.endpoint_url, health)
    try:
        with pytest.raises(AllModelsFailedError, match="not authorized"):
            await collect(bedrock)
        result = await bedrock.review_section(review_request())
        states = {s.model: s for s in (await bedrock.health()).models}
        with pytest.raises(AllModelsFailedError):  # chat stays refused without a new call
            await collect(bedrock)
    finally:
        await bedrock.aclose()
    assert result.model == "sonnet-4-5"
    assert set(health.records) == {f"{k}@chat" for k in KEYS}
    assert states["sonnet-4-5"].state == "ready"
    assert "chat cooling down" in states["sonnet-4-5"].detail
    assert len(fake.requests_for("converse-stream")) == len(KEYS)


async def test_marketplace_refusal_falls_back_instead_of_blaming_the_credentials(
    fake: FakeBedrock,
) -> None:
    refused = {"kind": "error", "error": "AccessDeniedException", "status": 403}
    fake.set_scenario(scenario({"sonnet-4-5": [{**refused, "message": MARKETPLACE}]}))
    health = MemoryHealth()
    bedrock = reviewer(fake.endpoint_url, health)
    try:
        result = await bedrock.review_section(review_request())
    finally:
        await bedrock.aclose()
    assert result.model == "opus-4-5"
    assert "Marketplace subscription" in result.attempts[0].message
    record = health.records["sonnet-4-5"]
    assert record.state == "cooling_down"
    assert "Marketplace" in record.reason


async def test_eu_region_never_routes_to_global_profiles_by_default(fake: FakeBedrock) -> None:
    """Data residency: models without an eu. profile are skipped, with the reason."""
    only = {k: [{"kind": "error", "error": "eol"}] for k in KEYS if k != "sonnet-4-6"}
    fake.set_scenario(scenario(only))
    bedrock = in_region(fake, "eu-west-1", MemoryHealth())
    try:
        with pytest.raises(AllModelsFailedError) as caught:
            await bedrock.review_section(review_request())
        rows = {row.key: row for row in await bedrock.describe_models()}
    finally:
        await bedrock.aclose()
    assert not any(i.startswith("global.") for i in converse_ids(fake))
    assert "sonnet-4-6: not offered in eu-west-1 without global routing" in caught.value.message
    assert rows["sonnet-4-6"].state.detail == "not offered in eu-west-1 without global routing"


async def test_eu_region_uses_global_profiles_when_allowed(fake: FakeBedrock) -> None:
    only = {k: [{"kind": "error", "error": "eol"}] for k in KEYS if k != "sonnet-4-6"}
    fake.set_scenario(scenario(only))
    bedrock = in_region(fake, "eu-west-1", MemoryHealth(), allow_global_profiles=True)
    try:
        result = await bedrock.review_section(review_request())
    finally:
        await bedrock.aclose()
    assert result.model == "sonnet-4-6"
    assert converse_ids(fake)[-1] == f"global.{BASE_IDS['sonnet-4-6']}"


async def test_invalid_geo_id_tries_the_global_profile_before_any_long_cooldown(
    fake: FakeBedrock,
) -> None:
    eu_id = f"eu.{BASE_IDS['sonnet-4-5']}"
    script = scenario({})
    script["models"][eu_id] = {"outcomes": [{"kind": "error", "error": "invalid_model_id"}]}
    fake.set_scenario(script)
    health = MemoryHealth()
    bedrock = in_region(fake, "eu-west-1", health, allow_global_profiles=True)
    try:
        first = await bedrock.review_section(review_request())
        second = await bedrock.review_section(review_request())
    finally:
        await bedrock.aclose()
    assert (first.model, second.model) == ("sonnet-4-5", "sonnet-4-5")
    global_id = f"global.{BASE_IDS['sonnet-4-5']}"
    assert converse_ids(fake) == [eu_id, global_id, global_id]  # the working id is remembered
    assert "sonnet-4-5" not in health.records  # no 24 h cooldown


async def test_invalid_id_without_global_routing_still_cools_the_model(fake: FakeBedrock) -> None:
    eu_id = f"eu.{BASE_IDS['sonnet-4-5']}"
    script = scenario({})
    script["models"][eu_id] = {"outcomes": [{"kind": "error", "error": "invalid_model_id"}]}
    fake.set_scenario(script)
    health = MemoryHealth()
    bedrock = in_region(fake, "eu-west-1", health)
    try:
        result = await bedrock.review_section(review_request())
    finally:
        await bedrock.aclose()
    assert result.model == "opus-4-5"
    until = health.records["sonnet-4-5"].until
    assert until is not None
    assert until - time.time() > 80_000


async def test_chat_answer_cut_at_max_tokens_ends_with_a_visible_note(fake: FakeBedrock) -> None:
    text = "The timeline section lacks dates for the key events and " * 3
    fake.set_scenario(scenario({"sonnet-4-5": [{"kind": "truncated", "text": text}]}))
    bedrock = reviewer(fake.endpoint_url, MemoryHealth())
    try:
        events = await collect(bedrock)
    finally:
        await bedrock.aclose()
    done = events[-1]
    shown = "".join(e.text for e in events if e.kind == "delta")
    assert done.kind == "done"
    assert done.truncated
    assert done.model == "sonnet-4-5"
    assert shown == done.text
    assert shown.startswith(text[: len(text) // 2])
    assert shown.rstrip().endswith("or ask it to continue.]")
    assert "cut off" in events[-2].text


async def test_complete_chat_answer_is_not_marked_truncated(fake: FakeBedrock) -> None:
    fake.set_scenario(scenario({"sonnet-4-5": [{"kind": "success", "text": "All there."}]}))
    bedrock = reviewer(fake.endpoint_url, MemoryHealth())
    try:
        events = await collect(bedrock)
    finally:
        await bedrock.aclose()
    assert (events[-1].text, events[-1].truncated) == ("All there.", False)


async def test_enable_model_rejects_an_unknown_key_naming_the_known_ones(
    fake: FakeBedrock,
) -> None:
    bedrock = reviewer(fake.endpoint_url, MemoryHealth())
    try:
        with pytest.raises(ConfigError) as caught:
            await bedrock.enable_model("sonnet-9")
    finally:
        await bedrock.aclose()
    assert "sonnet-9" in caught.value.message
    assert ", ".join(KEYS) in caught.value.message
