"""The single-model Bedrock call layer against the fake server, through the real boto3 client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar, cast

import boto3
import pytest

from aiprism_desktop.core.prompts import Prompt
from aiprism_desktop.core.reviewer import ChatMessage
from aiprism_desktop.providers.bedrock.calls import (
    StreamStats,
    call_review,
    count_tokens,
    estimate_tokens,
    make_runtime_client,
    stream_chat,
)
from aiprism_desktop.providers.bedrock.chain.profiles import ModelProfile
from aiprism_desktop.providers.bedrock.errors import (
    BedrockCallError,
    ContextWindowExceededError,
    InvalidModelOutputError,
    OutputTruncatedError,
)
from aiprism_desktop.providers.bedrock.request import (
    build_chat_request,
    build_repair_request,
    build_review_request,
)
from tests.fakes.bedrock_scenario import CountTokensMode
from tests.fakes.fake_bedrock import FakeBedrock, ModelScript, Outcome

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

T = TypeVar("T")
BASE_ID = "anthropic.claude-sonnet-4-5-20250929-v1:0"
MODEL = f"us.{BASE_ID}"
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"enum": ["critical", "important", "suggestion", "positive"]},
                    "description": {"type": "string"},
                },
                "required": ["type", "description"],
            },
        }
    },
    "required": ["findings"],
}
FINDINGS = [{"type": "critical", "description": "The timeline has no root cause."}]
PROMPT = Prompt(
    system="You review investigation documents.",
    user="Section 2: Timeline ...",
    version="test-1",
    output_schema=SCHEMA,
)
PROFILE = ModelProfile(
    key="sonnet-4-5",
    display_name="Claude Sonnet 4.5",
    base_id=BASE_ID,
    profile_prefixes=("us", "eu", "global"),
    context_window=200_000,
    max_output_tokens=64_000,
    default_max_tokens=4096,
    sampling=("temperature", "top_p"),
    json_mode="tool_forced",
    supports_thinking=True,
)


@pytest.fixture
def fake() -> Iterator[FakeBedrock]:
    with FakeBedrock() as server:
        yield server


@pytest.fixture
def executor() -> Iterator[ThreadPoolExecutor]:
    pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="bedrock-test")
    yield pool
    pool.shutdown(wait=False, cancel_futures=True)


def client_for(
    endpoint_url: str | None, *, read_timeout: float = 10, region: str = "us-east-1"
) -> BedrockRuntimeClient:
    session = boto3.Session(aws_access_key_id="x", aws_secret_access_key="y")
    return make_runtime_client(
        session,
        region,
        endpoint_url=endpoint_url,
        read_timeout=read_timeout,
        connect_timeout=2,
        max_pool_connections=8,
    )


def run(awaitable: Awaitable[T]) -> T:
    async def main() -> T:
        return await awaitable

    return asyncio.run(main())


def script(*outcomes: Outcome, **options: Any) -> ModelScript:
    return ModelScript(outcomes=outcomes, **options)


def review_request(profile: ModelProfile = PROFILE, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("max_tokens", 4096)
    return build_review_request(profile, MODEL, PROMPT, **kwargs)


# -- client ------------------------------------------------------------------------------------


def test_client_makes_one_attempt_with_explicit_timeouts(
    fake: FakeBedrock, executor: ThreadPoolExecutor
) -> None:
    client = client_for(fake.endpoint_url, read_timeout=33)
    config = vars(client.meta.config)  # botocore.Config keeps its options as attributes
    assert config["retries"] == {"mode": "standard", "total_max_attempts": 1}
    assert (config["read_timeout"], config["connect_timeout"]) == (33, 2)
    assert config["max_pool_connections"] == 8
    fake.set_model(BASE_ID, script(Outcome.fail("throttling"), Outcome.success(FINDINGS)))
    with pytest.raises(BedrockCallError):
        run(call_review(client, review_request(), executor=executor))
    assert len(fake.requests) == 1  # botocore did not retry the 429 behind our back


def test_endpoint_env_var_is_honoured_when_no_endpoint_is_configured(
    fake: FakeBedrock, executor: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", fake.endpoint_url)
    client = client_for(None)
    assert client.meta.endpoint_url == fake.endpoint_url
    answer = run(call_review(client, review_request(), executor=executor))
    assert answer.data == {"findings": []}
    assert len(fake.requests) == 1


def test_explicit_endpoint_wins_over_the_env_var(
    fake: FakeBedrock, executor: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://127.0.0.1:9")
    client = client_for(fake.endpoint_url)
    run(call_review(client, review_request(), executor=executor))
    assert len(fake.requests) == 1


def test_default_endpoint_is_the_regional_aws_one() -> None:
    assert client_for(None, region="eu-west-1").meta.endpoint_url == (
        "https://bedrock-runtime.eu-west-1.amazonaws.com"
    )


# -- request shapes ------------------------------------------------------------------------------


def test_tool_forced_request_shape(fake: FakeBedrock, executor: ThreadPoolExecutor) -> None:
    fake.set_model(BASE_ID, script(Outcome.success(FINDINGS), strict_sampling=True))
    request = review_request(temperature=0.2, top_p=0.9, thinking_budget=2048)
    answer = run(call_review(client_for(fake.endpoint_url), request, executor=executor))
    body = fake.requests[0].body
    assert body is not None
    assert fake.requests[0].model_id == MODEL
    tool = body["toolConfig"]["tools"][0]["toolSpec"]
    assert tool["name"] == "record_findings"
    assert tool["inputSchema"]["json"] == SCHEMA
    assert body["toolConfig"]["toolChoice"] == {"tool": {"name": "record_findings"}}
    assert "additionalModelRequestFields" not in body  # never thinking with a forced tool
    assert body["inferenceConfig"] == {"maxTokens": 4096, "temperature": 0.2}
    assert body["system"] == [{"text": PROMPT.system}]
    assert body["messages"] == [{"role": "user", "content": [{"text": PROMPT.user}]}]
    assert "outputConfig" not in body
    assert answer.data == {"findings": FINDINGS}
    assert answer.source == "tool"
    assert answer.stop_reason == "tool_use"
    assert answer.tool_use_id
    assert answer.input_tokens
    assert answer.output_tokens
    assert answer.latency_ms > 0
    assert answer.model_id == MODEL


def test_output_config_request_shape(fake: FakeBedrock, executor: ThreadPoolExecutor) -> None:
    profile = replace(PROFILE, json_mode="output_config", sampling=("top_p",))
    fake.set_model(BASE_ID, script(Outcome.success(FINDINGS)))
    request = review_request(profile, temperature=0.0, top_p=0.9, max_tokens=999_999)
    answer = run(call_review(client_for(fake.endpoint_url), request, executor=executor))
    body = fake.requests[0].body
    assert body is not None
    json_schema = body["outputConfig"]["textFormat"]["structure"]["jsonSchema"]
    assert body["outputConfig"]["textFormat"]["type"] == "json_schema"
    assert isinstance(json_schema["schema"], str)
    assert json.loads(json_schema["schema"]) == SCHEMA
    assert "toolConfig" not in body
    assert body["inferenceConfig"] == {"maxTokens": 64_000, "topP": 0.9}  # capped; top_p only
    assert answer.data == {"findings": FINDINGS}
    assert answer.source == "text"


def test_thinking_is_sent_only_outside_forced_tool_mode(
    fake: FakeBedrock, executor: ThreadPoolExecutor
) -> None:
    profile = replace(PROFILE, json_mode="output_config")
    request = review_request(profile, thinking_budget=2048)
    run(call_review(client_for(fake.endpoint_url), request, executor=executor))
    body = fake.requests[0].body
    assert body is not None
    assert body["additionalModelRequestFields"] == {
        "thinking": {"type": "enabled", "budget_tokens": 2048}
    }
    assert body["inferenceConfig"] == {"maxTokens": 4096}  # no sampling with thinking
    with pytest.raises(ValueError, match="thinking budget"):
        review_request(profile, thinking_budget=8192)  # not below maxTokens


def test_tool_auto_request_shape_and_text_answer(
    fake: FakeBedrock, executor: ThreadPoolExecutor
) -> None:
    profile = replace(PROFILE, json_mode="tool_auto", sampling=())
    fake.set_model(
        BASE_ID,
        script(
            Outcome.success(FINDINGS),
            Outcome.success(
                text="Here it is:\n```json\n" + json.dumps({"findings": FINDINGS}) + "\n```"
            ),
        ),
    )
    client = client_for(fake.endpoint_url)
    request = review_request(profile)
    first = run(call_review(client, request, executor=executor))
    second = run(call_review(client, request, executor=executor))
    body = fake.requests[0].body
    assert body is not None
    assert body["toolConfig"]["toolChoice"] == {"auto": {}}
    assert "record_findings" in body["system"][0]["text"]
    assert body["inferenceConfig"] == {"maxTokens": 4096}  # the profile accepts no sampling
    assert (first.source, first.data) == ("tool", {"findings": FINDINGS})
    assert (second.source, second.data) == ("text", {"findings": FINDINGS})


# -- answers that cannot be used -----------------------------------------------------------------


def test_max_tokens_stop_is_output_truncated(
    fake: FakeBedrock, executor: ThreadPoolExecutor
) -> None:
    fake.set_model(BASE_ID, script(Outcome(kind="truncated", findings=tuple(FINDINGS))))
    request = review_request(replace(PROFILE, json_mode="output_config"), max_tokens=1000)
    with pytest.raises(OutputTruncatedError) as caught:
        run(call_review(client_for(fake.endpoint_url), request, executor=executor))
    assert caught.value.max_tokens == 1000
    assert caught.value.raw_text
    assert json.dumps({"findings": FINDINGS}).startswith(caught.value.raw_text)


def test_context_window_stop(fake: FakeBedrock, executor: ThreadPoolExecutor) -> None:
    fake.set_model(BASE_ID, script(Outcome(kind="context_window_stop", input_tokens=199_000)))
    with pytest.raises(ContextWindowExceededError) as caught:
        run(call_review(client_for(fake.endpoint_url), review_request(), executor=executor))
    assert caught.value.input_tokens == 199_000


def test_invalid_json_text_then_repair_turn(
    fake: FakeBedrock, executor: ThreadPoolExecutor
) -> None:
    profile = replace(PROFILE, json_mode="output_config")
    fake.set_model(BASE_ID, script(Outcome(kind="malformed"), Outcome.success(FINDINGS)))
    client = client_for(fake.endpoint_url)
    request = review_request(profile)
    with pytest.raises(InvalidModelOutputError) as caught:
        run(call_review(client, request, executor=executor))
    bad = caught.value
    assert bad.raw_text.startswith('{"findings": [')
    assert bad.tool_use_id is None
    repair = build_repair_request(request, bad, bad.reason)
    answer = run(call_review(client, repair, executor=executor))
    assert answer.data == {"findings": FINDINGS}
    sent = fake.requests[1].body
    assert sent is not None
    assert [m["role"] for m in sent["messages"]] == ["user", "assistant", "user"]
    assert sent["messages"][1]["content"] == [{"text": bad.raw_text}]
    assert "not a JSON object" in sent["messages"][2]["content"][0]["text"]
    assert sent["outputConfig"] == request["outputConfig"]
    assert request["messages"] == [{"role": "user", "content": [{"text": PROMPT.user}]}]


def test_schema_invalid_tool_input_then_tool_result_repair(
    fake: FakeBedrock, executor: ThreadPoolExecutor
) -> None:
    fake.set_model(BASE_ID, script(Outcome(kind="malformed"), Outcome.success(FINDINGS)))
    client = client_for(fake.endpoint_url)
    request = review_request()
    with pytest.raises(InvalidModelOutputError) as caught:
        run(call_review(client, request, executor=executor))
    bad = caught.value
    assert bad.reason.startswith("findings:")  # names where the schema failed
    assert bad.tool_use_id
    repair = build_repair_request(request, bad, bad.reason)
    answer = run(call_review(client, repair, executor=executor))
    assert answer.data == {"findings": FINDINGS}
    sent = fake.requests[1].body
    assert sent is not None
    assistant, result_turn = sent["messages"][1], sent["messages"][2]
    assert assistant["content"][0]["toolUse"]["toolUseId"] == bad.tool_use_id
    result = result_turn["content"][0]["toolResult"]
    assert result["toolUseId"] == bad.tool_use_id
    assert result["status"] == "error"
    assert bad.reason in result["content"][0]["text"]
    assert sent["toolConfig"]["toolChoice"] == {"tool": {"name": "record_findings"}}


def test_validation_can_be_left_to_the_caller(
    fake: FakeBedrock, executor: ThreadPoolExecutor
) -> None:
    fake.set_model(BASE_ID, script(Outcome(kind="malformed", answer={"findings": [{"x": 1}]})))
    answer = run(
        call_review(
            client_for(fake.endpoint_url), review_request(), executor=executor, validate=False
        )
    )
    assert answer.data == {"findings": [{"x": 1}]}
    repair = build_repair_request(review_request(), answer, "findings/0: 'type' is required")
    assert repair["messages"][2]["content"][0]["toolResult"]["toolUseId"] == answer.tool_use_id


# -- call errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "code", "status"),
    [
        ("throttling", "ThrottlingException", 429),
        ("service_unavailable", "ServiceUnavailableException", 503),
        ("model_timeout", "ModelTimeoutException", 408),
        ("eol", "ResourceNotFoundException", 404),
        ("no_access", "AccessDeniedException", 403),
        ("context_window", "ValidationException", 400),
    ],
)
def test_service_errors_are_typed(
    fake: FakeBedrock, executor: ThreadPoolExecutor, preset: str, code: str, status: int
) -> None:
    fake.set_model(BASE_ID, script(Outcome.fail(preset)))
    with pytest.raises(BedrockCallError) as caught:
        run(call_review(client_for(fake.endpoint_url), review_request(), executor=executor))
    error = caught.value
    assert (error.code, error.http_status, error.in_stream, error.transport) == (
        code,
        status,
        False,
        False,
    )
    assert error.message
    assert error.original is not None


def test_retry_after_is_extracted(fake: FakeBedrock, executor: ThreadPoolExecutor) -> None:
    fake.set_model(BASE_ID, script(Outcome.fail("daily_quota", retry_after=2.5)))
    with pytest.raises(BedrockCallError) as caught:
        run(call_review(client_for(fake.endpoint_url), review_request(), executor=executor))
    assert caught.value.retry_after == 2.5
    assert "Too many tokens per day" in caught.value.message


def test_transport_failures_are_typed(fake: FakeBedrock, executor: ThreadPoolExecutor) -> None:
    fake.set_model(BASE_ID, script(Outcome(kind="hang", seconds=30), Outcome(kind="stream_break")))
    client = client_for(fake.endpoint_url, read_timeout=0.5)
    with pytest.raises(BedrockCallError) as timed_out:
        run(call_review(client, review_request(), executor=executor))
    assert (timed_out.value.code, timed_out.value.transport) == ("ReadTimeout", True)
    with pytest.raises(BedrockCallError) as cut:
        run(call_review(client, review_request(), executor=executor))
    assert cut.value.transport
    assert cut.value.code in ("IncompleteResponse", "ConnectionBroken")
    unreachable = client_for("http://127.0.0.1:9")
    with pytest.raises(BedrockCallError) as refused:
        run(call_review(unreachable, review_request(), executor=executor))
    assert (refused.value.code, refused.value.transport) == ("EndpointConnectionError", True)


def test_missing_credentials_are_typed(fake: FakeBedrock, executor: ThreadPoolExecutor) -> None:
    client = make_runtime_client(
        boto3.Session(),  # the test env has no credentials anywhere
        "us-east-1",
        endpoint_url=fake.endpoint_url,
        read_timeout=5,
        connect_timeout=2,
        max_pool_connections=2,
    )
    with pytest.raises(BedrockCallError) as caught:
        run(call_review(client, review_request(), executor=executor))
    assert caught.value.code == "CredentialsUnavailable"
    assert fake.requests == []


def test_cancel_during_a_slow_call_returns_promptly(
    fake: FakeBedrock, executor: ThreadPoolExecutor
) -> None:
    fake.set_model(BASE_ID, script(Outcome.success(FINDINGS), latency=5))
    client = client_for(fake.endpoint_url)

    async def main() -> float:
        task = asyncio.create_task(call_review(client, review_request(), executor=executor))
        await asyncio.sleep(0.3)
        started = time.monotonic()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert task.cancelled()
        return time.monotonic() - started

    assert run(main()) < 0.2
    assert len(fake.requests) == 1


# -- streaming chat ------------------------------------------------------------------------------


def chat_request(question: str = "What is missing?") -> dict[str, Any]:
    history = (
        ChatMessage("assistant", "Hello."),  # leading assistant turns are dropped
        ChatMessage("user", "Section 1 says ..."),
        ChatMessage("user", question),  # merged into one user turn
    )
    return build_chat_request(
        PROFILE, MODEL, system="Answer about the document.", messages=history, max_tokens=512
    )


async def collect(
    client: BedrockRuntimeClient,
    request: dict[str, Any],
    executor: ThreadPoolExecutor,
    received: list[str],
    stats: StreamStats | None = None,
    first_delta: asyncio.Event | None = None,
) -> None:
    async for delta in stream_chat(client, request, executor=executor, stats=stats):
        received.append(delta)
        if first_delta is not None:
            first_delta.set()


def test_stream_chat_yields_deltas(fake: FakeBedrock, executor: ThreadPoolExecutor) -> None:
    answer = "The root cause is not stated; section 3 should name it."
    fake.set_model(BASE_ID, script(Outcome.success(text=answer), chunk_chars=8))
    received: list[str] = []
    stats = StreamStats()
    run(collect(client_for(fake.endpoint_url), chat_request(), executor, received, stats))
    assert "".join(received) == answer
    assert len(received) == math.ceil(len(answer) / 8)
    assert stats.stop_reason == "end_turn"
    assert stats.output_tokens
    assert stats.input_tokens
    assert stats.first_delta_ms is not None
    assert stats.latency_ms is not None
    body = fake.requests[0].body
    assert body is not None
    assert fake.requests[0].operation == "converse-stream"
    assert body["messages"] == [
        {"role": "user", "content": [{"text": "Section 1 says ..."}, {"text": "What is missing?"}]}
    ]
    assert "toolConfig" not in body
    assert "outputConfig" not in body


def test_mid_stream_exception_is_typed_after_the_deltas(
    fake: FakeBedrock, executor: ThreadPoolExecutor
) -> None:
    fake.set_model(
        BASE_ID,
        script(
            Outcome(kind="stream_error", error="throttling", after_deltas=2, text="z" * 50),
            Outcome(kind="stream_error", error="model_stream_error", after_deltas=1, text="z" * 50),
            chunk_chars=10,
        ),
    )
    client = client_for(fake.endpoint_url)
    received: list[str] = []
    with pytest.raises(BedrockCallError) as caught:
        run(collect(client, chat_request(), executor, received))
    assert received == ["z" * 10, "z" * 10]
    error = caught.value
    assert (error.code, error.http_status, error.in_stream) == ("ThrottlingException", 429, True)
    with pytest.raises(BedrockCallError) as second:
        run(collect(client, chat_request(), executor, []))
    assert (second.value.code, second.value.http_status) == ("ModelStreamErrorException", 424)


def test_error_before_the_stream_starts_is_not_in_stream(
    fake: FakeBedrock, executor: ThreadPoolExecutor
) -> None:
    fake.set_model(BASE_ID, script(Outcome.fail("service_unavailable")))
    with pytest.raises(BedrockCallError) as caught:
        run(collect(client_for(fake.endpoint_url), chat_request(), executor, []))
    assert (caught.value.code, caught.value.in_stream) == ("ServiceUnavailableException", False)


def test_broken_stream_is_a_transport_error(
    fake: FakeBedrock, executor: ThreadPoolExecutor
) -> None:
    fake.set_model(BASE_ID, script(Outcome(kind="stream_break", after_deltas=1, text="w" * 40)))
    received: list[str] = []
    with pytest.raises(BedrockCallError) as caught:
        run(collect(client_for(fake.endpoint_url), chat_request(), executor, received))
    assert received == ["w" * 24]
    assert (caught.value.code, caught.value.transport, caught.value.in_stream) == (
        "ConnectionBroken",
        True,
        True,
    )


def test_context_window_stop_in_a_stream(fake: FakeBedrock, executor: ThreadPoolExecutor) -> None:
    fake.set_model(BASE_ID, script(Outcome(kind="context_window_stop", text="partial answer")))
    with pytest.raises(ContextWindowExceededError):
        run(collect(client_for(fake.endpoint_url), chat_request(), executor, []))


def test_cancelling_a_stream_stops_the_worker_promptly(fake: FakeBedrock) -> None:
    fake.set_model(BASE_ID, script(Outcome.success(text="v" * 200), chunk_chars=10, delta_delay=3))
    pool = ThreadPoolExecutor(max_workers=1)
    client = client_for(fake.endpoint_url)

    async def main() -> tuple[list[str], float]:
        received: list[str] = []
        stream = cast(  # stream_chat is an async generator; its type says AsyncIterator
            "AsyncGenerator[str, None]", stream_chat(client, chat_request(), executor=pool)
        )
        async with contextlib.aclosing(stream) as deltas:
            async for delta in deltas:
                received.append(delta)
                break  # the reader stops while the model is still "writing"
        started = time.monotonic()
        return received, started

    received, closed_at = run(main())
    # The only worker thread must be free again well before the next delta (3 s) would arrive.
    probe: Callable[[], float] = time.monotonic
    freed_at = pool.submit(probe).result(timeout=2)
    pool.shutdown(wait=True)
    assert received == ["v" * 10]
    assert freed_at - closed_at < 1.0


def test_task_cancel_while_waiting_for_a_delta(
    fake: FakeBedrock, executor: ThreadPoolExecutor
) -> None:
    fake.set_model(BASE_ID, script(Outcome.success(text="u" * 50), chunk_chars=10, delta_delay=3))
    client = client_for(fake.endpoint_url)

    async def main() -> float:
        received: list[str] = []
        first_delta = asyncio.Event()
        task = asyncio.create_task(
            collect(client, chat_request(), executor, received, first_delta=first_delta)
        )
        await first_delta.wait()
        started = time.monotonic()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return time.monotonic() - started

    assert run(main()) < 0.2


# -- token counting ------------------------------------------------------------------------------


def test_count_tokens_uses_the_base_id(fake: FakeBedrock, executor: ThreadPoolExecutor) -> None:
    request = review_request()
    counted = run(count_tokens(client_for(fake.endpoint_url), MODEL, request, executor=executor))
    recorded = fake.requests[0]
    assert recorded.operation == "count-tokens"
    assert recorded.model_id == BASE_ID  # CountTokens refuses inference-profile ids
    assert recorded.body is not None
    converse = recorded.body["input"]["converse"]
    assert converse["toolConfig"] == request["toolConfig"]
    assert counted == math.ceil(len(json.dumps(converse)) / 4)


def test_count_tokens_unavailable_falls_back_to_none(
    fake: FakeBedrock, executor: ThreadPoolExecutor
) -> None:
    client = client_for(fake.endpoint_url)
    modes: tuple[CountTokensMode, ...] = ("unsupported", "access_denied")
    for mode in modes:
        fake.set_model(BASE_ID, ModelScript(count_tokens=mode))
        assert run(count_tokens(client, MODEL, review_request(), executor=executor)) is None
    fake.set_scenario({"models": {BASE_ID: {"count_tokens": "supported"}}})
    assert run(count_tokens(client, MODEL, review_request(), executor=executor))


def test_local_estimate_is_conservative(fake: FakeBedrock, executor: ThreadPoolExecutor) -> None:
    small = review_request()
    big = build_review_request(
        PROFILE, MODEL, replace(PROMPT, user=PROMPT.user + " word" * 2000), max_tokens=4096
    )
    assert 0 < estimate_tokens(small) < estimate_tokens(big)
    counted = run(count_tokens(client_for(fake.endpoint_url), MODEL, big, executor=executor))
    assert counted is not None
    assert estimate_tokens(big) >= counted  # never below the service's count for English text
    accented = replace(PROMPT, user="é" * 3000)
    assert estimate_tokens(build_review_request(PROFILE, MODEL, accented, max_tokens=10)) >= 3000
