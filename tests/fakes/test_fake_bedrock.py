"""The fake Bedrock server, exercised through the real boto3 client."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.eventstream import ChecksumMismatch, EventStreamBuffer
from botocore.exceptions import ClientError, EventStreamError, ReadTimeoutError
from urllib3.exceptions import ProtocolError

from tests.fakes.bedrock_scenario import ERROR_PRESETS, ModelScript, Outcome, Scenario
from tests.fakes.eventstream import encode_message, event_message, exception_message
from tests.fakes.fake_bedrock import FakeBedrock
from tests.support.paths import REPO_ROOT

BASE_ID = "anthropic.claude-sonnet-4-5-20250929-v1:0"
MODEL = f"us.{BASE_ID}"
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"findings": {"type": "array"}},
    "required": ["findings"],
}
FINDINGS = [{"type": "critical", "description": "No root cause stated."}]
TOOL_CONFIG: dict[str, Any] = {
    "tools": [{"toolSpec": {"name": "record_findings", "inputSchema": {"json": SCHEMA}}}],
    "toolChoice": {"tool": {"name": "record_findings"}},
}


@pytest.fixture
def fake() -> Iterator[FakeBedrock]:
    with FakeBedrock() as server:
        yield server


def make_client(endpoint_url: str | None, *, read_timeout: float = 10) -> Any:
    """A real boto3 client, typed loosely: these tests send raw wire-shaped dicts."""
    config = Config(
        retries={"mode": "standard", "total_max_attempts": 1},
        read_timeout=read_timeout,
        max_pool_connections=10,
    )
    kwargs: dict[str, Any] = {"endpoint_url": endpoint_url} if endpoint_url else {}
    return boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="y",
        config=config,
        **kwargs,
    )


def user(text: str = "Review this section.") -> list[dict[str, Any]]:
    return [{"role": "user", "content": [{"text": text}]}]


def drain(stream: Iterable[Any], into: list[dict[str, Any]]) -> None:
    """Read a ConverseStream to its end, keeping every event."""
    for event in stream:
        into.append(dict(event))


def script(*outcomes: Outcome, **options: Any) -> ModelScript:
    return ModelScript(outcomes=outcomes, **options)


MODELED = [
    ("throttling", "ThrottlingException", 429),
    ("daily_quota", "ThrottlingException", 429),
    ("model_not_ready", "ModelNotReadyException", 429),
    ("service_unavailable", "ServiceUnavailableException", 503),
    ("internal", "InternalServerException", 500),
    ("model_timeout", "ModelTimeoutException", 408),
    ("model_error", "ModelErrorException", 424),
    ("context_window", "ValidationException", 400),
    ("prompt_too_long", "ValidationException", 400),
    ("needs_profile", "ValidationException", 400),
    ("invalid_model_id", "ValidationException", 400),
    ("thinking_forced_tool", "ValidationException", 400),
    ("temperature_top_p", "ValidationException", 400),
    ("no_access", "AccessDeniedException", 403),
    ("bad_credentials", "AccessDeniedException", 403),
    ("eol", "ResourceNotFoundException", 404),
    ("legacy", "ResourceNotFoundException", 404),
]


@pytest.mark.parametrize(("preset", "code", "status"), MODELED)
def test_each_modeled_error_reaches_boto3_as_its_exception_class(
    fake: FakeBedrock, preset: str, code: str, status: int
) -> None:
    fake.set_model(BASE_ID, script(Outcome.fail(preset)))
    client = make_client(fake.endpoint_url)
    exception_class = getattr(client.exceptions, code)
    with pytest.raises(exception_class) as caught:
        client.converse(modelId=MODEL, messages=user())
    response = caught.value.response
    assert response["Error"]["Code"] == code
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert response["Error"]["Message"] == ERROR_PRESETS[preset].message.replace("{model}", MODEL)
    assert len(fake.requests) == 1  # botocore made exactly one attempt


def test_messages_that_need_their_own_handling_are_verbatim(fake: FakeBedrock) -> None:
    fake.set_model(BASE_ID, script(Outcome.fail("needs_profile"), Outcome.fail("daily_quota")))
    client = make_client(fake.endpoint_url)
    with pytest.raises(ClientError) as caught:
        client.converse(modelId=BASE_ID, messages=user())
    assert caught.value.response["Error"]["Message"] == (
        f"Invocation of model ID {BASE_ID} with on-demand throughput isn’t supported. Retry your"
        " request with the ID or ARN of an inference profile that contains this model."
    )
    with pytest.raises(client.exceptions.ThrottlingException) as throttled:
        client.converse(modelId=MODEL, messages=user())
    assert "Too many tokens per day" in throttled.value.response["Error"]["Message"]


def test_unmodeled_codes_and_retry_after_headers(fake: FakeBedrock) -> None:
    fake.set_model(
        BASE_ID,
        script(Outcome.fail("unrecognized_client"), Outcome.fail("throttling", retry_after=1.5)),
    )
    client = make_client(fake.endpoint_url)
    with pytest.raises(ClientError) as caught:
        client.converse(modelId=MODEL, messages=user())
    assert caught.value.response["Error"]["Code"] == "UnrecognizedClientException"
    with pytest.raises(client.exceptions.ThrottlingException) as throttled:
        client.converse(modelId=MODEL, messages=user())
    headers = throttled.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["retry-after"] == "1.5"
    assert headers["x-amz-retry-after"] == "1500"


def test_success_mirrors_the_json_mode_the_request_asked_for(fake: FakeBedrock) -> None:
    fake.set_model(BASE_ID, script(Outcome.success(FINDINGS)))
    client = make_client(fake.endpoint_url)

    forced = client.converse(modelId=MODEL, messages=user(), toolConfig=TOOL_CONFIG)
    assert forced["stopReason"] == "tool_use"
    tool_use = forced["output"]["message"]["content"][0]["toolUse"]
    assert tool_use["name"] == "record_findings"
    assert tool_use["input"] == {"findings": FINDINGS}

    output_config: dict[str, Any] = {
        "textFormat": {
            "type": "json_schema",
            "structure": {"jsonSchema": {"schema": json.dumps(SCHEMA), "name": "findings"}},
        }
    }
    structured = client.converse(modelId=MODEL, messages=user(), outputConfig=output_config)
    assert structured["stopReason"] == "end_turn"
    text = structured["output"]["message"]["content"][0]["text"]
    assert json.loads(text) == {"findings": FINDINGS}
    assert structured["usage"]["inputTokens"] > 0
    assert "latencyMs" in structured["metrics"]


def test_plain_text_answer_and_auto_tool_choice(fake: FakeBedrock) -> None:
    fake.set_model(
        BASE_ID, script(Outcome.success(text="Plain answer."), Outcome.success(FINDINGS))
    )
    client = make_client(fake.endpoint_url)
    plain = client.converse(modelId=MODEL, messages=user())
    assert plain["output"]["message"]["content"] == [{"text": "Plain answer."}]
    auto = dict(TOOL_CONFIG, toolChoice={"auto": {}})
    answer = client.converse(modelId=MODEL, messages=user(), toolConfig=auto)
    assert answer["output"]["message"]["content"][0]["toolUse"]["input"] == {"findings": FINDINGS}


def test_malformed_truncated_and_context_window_outcomes(fake: FakeBedrock) -> None:
    fake.set_model(
        BASE_ID,
        script(
            Outcome(kind="malformed"),
            Outcome(kind="malformed"),
            Outcome(kind="truncated", findings=tuple(FINDINGS)),
            Outcome(kind="context_window_stop"),
        ),
    )
    client = make_client(fake.endpoint_url)
    text = client.converse(modelId=MODEL, messages=user())["output"]["message"]["content"][0]
    with pytest.raises(json.JSONDecodeError):
        json.loads(text["text"])
    tool = client.converse(modelId=MODEL, messages=user(), toolConfig=TOOL_CONFIG)
    assert not isinstance(
        tool["output"]["message"]["content"][0]["toolUse"]["input"]["findings"], list
    )
    truncated = client.converse(modelId=MODEL, messages=user())
    assert truncated["stopReason"] == "max_tokens"
    cut = truncated["output"]["message"]["content"][0]["text"]
    assert json.dumps({"findings": FINDINGS}).startswith(cut)
    assert len(cut) < len(json.dumps({"findings": FINDINGS}))
    stopped = client.converse(modelId=MODEL, messages=user())
    assert stopped["stopReason"] == "model_context_window_exceeded"


def test_sequence_is_consumed_per_model_then_default(fake: FakeBedrock) -> None:
    fake.set_scenario(
        {
            "models": {
                BASE_ID: {
                    "outcomes": [{"kind": "error", "error": "throttling"}, {"kind": "success"}],
                    "then": {"kind": "error", "error": "eol"},
                },
                "global.anthropic.claude-haiku-4-5-20251001-v1:0": {
                    "outcomes": [{"kind": "error", "error": "no_access"}]
                },
            },
            "default": {"outcomes": [{"kind": "error", "error": "invalid_model_id"}]},
        }
    )
    client = make_client(fake.endpoint_url)

    def code(model: str) -> str:
        try:
            client.converse(modelId=model, messages=user())
        except ClientError as exc:
            return str(exc.response["Error"]["Code"]) + ":" + str(exc.response["Error"]["Message"])
        return "ok"

    assert code(MODEL).startswith("ThrottlingException")  # us. prefix matches the base id
    assert code(f"eu.{BASE_ID}") == "ok"  # the sequence is shared by every prefix
    assert code(BASE_ID).startswith("ResourceNotFoundException")  # then …
    assert code(MODEL).startswith("ResourceNotFoundException")  # … repeats
    haiku = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
    assert code(haiku).startswith("AccessDeniedException")
    assert code(haiku).startswith("AccessDeniedException")  # the last outcome repeats
    assert code("anthropic.unknown-v1:0").endswith("The provided model identifier is invalid.")
    fake.reset()
    assert fake.requests == []
    assert code(MODEL).startswith("ThrottlingException")  # reset restarts the sequence


def test_request_checks_reject_before_consuming_an_outcome(fake: FakeBedrock) -> None:
    fake.set_model(
        BASE_ID, script(Outcome.success(FINDINGS), strict_sampling=True, requires_profile=True)
    )
    client = make_client(fake.endpoint_url)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"modelId": BASE_ID}, "with on-demand throughput isn’t supported"),
        (
            {"inferenceConfig": {"temperature": 0.0, "topP": 0.9}},
            "`temperature` and `top_p` cannot both be specified",
        ),
        (
            {"messages": [{"role": "user", "content": [{"text": "  "}]}]},
            "messages.0.content.0 is blank",
        ),
        (
            {
                "toolConfig": TOOL_CONFIG,
                "additionalModelRequestFields": {
                    "thinking": {"type": "enabled", "budget_tokens": 2000}
                },
            },
            "Thinking may not be enabled when tool_choice forces tool use.",
        ),
        (
            {"messages": [{"role": "assistant", "content": [{"text": "hi"}]}]},
            "must start with a user message",
        ),
    ]
    for extra, message in cases:
        request: dict[str, Any] = {"modelId": MODEL, "messages": user(), **extra}
        with pytest.raises(client.exceptions.ValidationException) as caught:
            client.converse(**request)
        assert message in caught.value.response["Error"]["Message"]
    answer = client.converse(modelId=MODEL, messages=user(), toolConfig=TOOL_CONFIG)
    assert answer["output"]["message"]["content"][0]["toolUse"]["input"] == {"findings": FINDINGS}
    assert [r.outcome for r in fake.requests][-1] == "success"
    assert fake.requests[0].outcome == "rejected:ValidationException"


def test_converse_stream_text_events(fake: FakeBedrock) -> None:
    answer = "The section states the problem but not its root cause."
    fake.set_model(BASE_ID, script(Outcome.success(text=answer), chunk_chars=10))
    client = make_client(fake.endpoint_url)
    events = list(client.converse_stream(modelId=MODEL, messages=user())["stream"])
    kinds = [next(iter(event)) for event in events]
    assert kinds[0] == "messageStart"
    assert kinds[-3:] == ["contentBlockStop", "messageStop", "metadata"]
    deltas = [e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e]
    assert len(deltas) == math.ceil(len(answer) / 10)
    assert "".join(deltas) == answer
    assert events[-2]["messageStop"]["stopReason"] == "end_turn"
    assert events[-1]["metadata"]["usage"]["outputTokens"] > 0
    assert fake.requests[0].operation == "converse-stream"


def test_converse_stream_tool_input_arrives_as_partial_json(fake: FakeBedrock) -> None:
    fake.set_model(BASE_ID, script(Outcome.success(FINDINGS), chunk_chars=7))
    client = make_client(fake.endpoint_url)
    stream = client.converse_stream(modelId=MODEL, messages=user(), toolConfig=TOOL_CONFIG)
    events = list(stream["stream"])
    start = next(e["contentBlockStart"] for e in events if "contentBlockStart" in e)
    assert start["start"]["toolUse"]["name"] == "record_findings"
    pieces = [
        e["contentBlockDelta"]["delta"]["toolUse"]["input"]
        for e in events
        if "contentBlockDelta" in e
    ]
    assert len(pieces) > 1
    assert json.loads("".join(pieces)) == {"findings": FINDINGS}
    stop = next(e["messageStop"] for e in events if "messageStop" in e)
    assert stop["stopReason"] == "tool_use"


@pytest.mark.parametrize(
    ("preset", "code"),
    [
        ("throttling", "throttlingException"),
        ("model_stream_error", "modelStreamErrorException"),
        ("context_window", "validationException"),
        ("service_unavailable", "serviceUnavailableException"),
        ("internal", "internalServerException"),
    ],
)
def test_mid_stream_exception_is_an_event_stream_error_with_lower_camel_code(
    fake: FakeBedrock, preset: str, code: str
) -> None:
    fake.set_model(
        BASE_ID,
        script(Outcome(kind="stream_error", error=preset, after_deltas=2, text="x" * 100)),
    )
    client = make_client(fake.endpoint_url)
    received: list[dict[str, Any]] = []
    stream = client.converse_stream(modelId=MODEL, messages=user())["stream"]
    with pytest.raises(EventStreamError) as caught:
        drain(stream, received)
    assert caught.value.response["Error"]["Code"] == code
    deltas = [e["contentBlockDelta"]["delta"]["text"] for e in received if "contentBlockDelta" in e]
    assert deltas == ["x" * 24, "x" * 24]  # the deltas before the failure were delivered


def test_stream_error_on_converse_is_the_http_error(fake: FakeBedrock) -> None:
    fake.set_model(BASE_ID, script(Outcome(kind="stream_error", error="throttling")))
    client = make_client(fake.endpoint_url)
    with pytest.raises(client.exceptions.ThrottlingException):
        client.converse(modelId=MODEL, messages=user())


def test_stream_that_breaks_mid_frame(fake: FakeBedrock) -> None:
    fake.set_model(BASE_ID, script(Outcome(kind="stream_break", after_deltas=1, text="y" * 80)))
    client = make_client(fake.endpoint_url)
    received: list[dict[str, Any]] = []
    stream = client.converse_stream(modelId=MODEL, messages=user())["stream"]
    with pytest.raises(ProtocolError):
        drain(stream, received)
    assert [next(iter(e)) for e in received] == ["messageStart", "contentBlockDelta"]


def test_hang_outlasts_the_read_timeout_and_stop_releases_it() -> None:
    with FakeBedrock() as fake:
        fake.set_model(BASE_ID, script(Outcome(kind="hang", seconds=30)))
        client = make_client(fake.endpoint_url, read_timeout=0.5)
        started = time.monotonic()
        with pytest.raises(ReadTimeoutError):
            client.converse(modelId=MODEL, messages=user())
        assert 0.4 < time.monotonic() - started < 5
        stop_started = time.monotonic()
    assert time.monotonic() - stop_started < 3  # the sleeping handler woke up


def test_latency_and_parallel_requests(fake: FakeBedrock) -> None:
    fake.set_model(BASE_ID, script(Outcome.success(FINDINGS), latency=0.4))
    client = make_client(fake.endpoint_url)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(lambda _: client.converse(modelId=MODEL, messages=user()), range(8))
        )
    elapsed = time.monotonic() - started
    assert all(a["stopReason"] == "end_turn" for a in answers)
    assert elapsed >= 0.4
    assert elapsed < 8 * 0.4 / 2  # served concurrently, not one after another
    arrivals = sorted(r.received_at for r in fake.requests)
    # Requests overlap at the server: some arrived while the first was still being answered.
    assert sum(1 for at in arrivals if at < arrivals[0] + 0.4) >= 2


def test_count_tokens(fake: FakeBedrock) -> None:
    fake.set_scenario(
        {
            "models": {
                BASE_ID: {"count_tokens": "supported"},
                "anthropic.claude-opus-4-7": {"count_tokens": "unsupported"},
                "anthropic.claude-opus-4-5-20251101-v1:0": {"count_tokens": "access_denied"},
            }
        }
    )
    client = make_client(fake.endpoint_url)
    converse = {"messages": user("count me"), "system": [{"text": "sys"}]}
    counted = client.count_tokens(modelId=BASE_ID, input={"converse": converse})
    assert counted["inputTokens"] == math.ceil(len(json.dumps(converse)) / 4)
    for model in (MODEL, "anthropic.claude-opus-4-7"):
        with pytest.raises(client.exceptions.ValidationException) as caught:
            client.count_tokens(modelId=model, input={"converse": converse})
        assert "doesn't support counting tokens" in caught.value.response["Error"]["Message"]
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.count_tokens(
            modelId="anthropic.claude-opus-4-5-20251101-v1:0",
            input={"converse": converse},
        )
    assert all(r.operation == "count-tokens" for r in fake.requests)


def test_endpoint_env_var_reaches_the_fake(
    fake: FakeBedrock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", fake.endpoint_url)
    client = make_client(None)
    assert client.meta.endpoint_url == fake.endpoint_url
    client.converse(modelId=MODEL, messages=user())
    assert fake.requests[0].model_id == MODEL
    assert fake.requests[0].path == "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse"


def test_generic_endpoint_env_var_reaches_the_fake(
    fake: FakeBedrock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", fake.endpoint_url)
    make_client(None).converse(modelId=MODEL, messages=user())
    assert len(fake.requests) == 1


def test_sigv4_auth_is_recorded(fake: FakeBedrock) -> None:
    make_client(fake.endpoint_url).converse(modelId=MODEL, messages=user())
    signed = fake.requests[-1]
    assert signed.auth_scheme == "sigv4"
    assert signed.credential == "x"
    assert signed.signing_region == "us-east-1"
    assert "credential" not in repr(signed)


def test_bedrock_api_key_over_https_is_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key-secret")
    with FakeBedrock(tls=True) as fake:
        assert fake.endpoint_url.startswith("https://127.0.0.1:")
        client: Any = boto3.client(
            "bedrock-runtime",
            region_name="us-east-1",
            endpoint_url=fake.endpoint_url,
            verify=fake.ca_bundle,
            config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
        )
        answer = client.converse(modelId=MODEL, messages=user())
        assert answer["stopReason"] == "end_turn"
        bearer = fake.requests[-1]
        assert bearer.auth_scheme == "bearer"
        assert bearer.credential == "bedrock-api-key-secret"
        assert "bedrock-api-key-secret" not in repr(bearer)
        ca_bundle = Path(str(fake.ca_bundle))
        assert ca_bundle.exists()
    assert not ca_bundle.exists()  # the throwaway certificate goes with the server


def test_unsigned_requests_are_refused(fake: FakeBedrock) -> None:
    client: Any = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=fake.endpoint_url,
        config=Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1}),
    )
    with pytest.raises(ClientError) as caught:
        client.converse(modelId=MODEL, messages=user())
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_frames_decode_with_botocore_event_stream_buffer() -> None:
    buffer = EventStreamBuffer()
    buffer.add_data(event_message("contentBlockDelta", {"delta": {"text": "héllo"}}))
    buffer.add_data(exception_message("throttlingException", {"message": "slow down"}))
    decoded: list[Any] = list(buffer)  # botocore-stubs mistype EventStreamMessage.headers
    first, second = decoded
    assert first.headers == {
        ":event-type": "contentBlockDelta",
        ":content-type": "application/json",
        ":message-type": "event",
    }
    assert json.loads(first.payload) == {"delta": {"text": "héllo"}}
    assert second.headers[":message-type"] == "exception"
    assert second.headers[":exception-type"] == "throttlingException"
    assert json.loads(second.payload) == {"message": "slow down"}

    corrupt = bytearray(encode_message({":message-type": "event"}, b"{}"))
    corrupt[-6] ^= 0xFF  # flip a payload byte: the message CRC must catch it
    broken = EventStreamBuffer()
    broken.add_data(bytes(corrupt))
    with pytest.raises(ChecksumMismatch):
        list(broken)


def test_scenario_files_and_validation(tmp_path: Path) -> None:
    toml_file = tmp_path / "s.toml"
    toml_file.write_text(
        f'[models."{BASE_ID}"]\nlatency = 0.1\n'
        'outcomes = [{kind = "error", error = "throttling", retry_after = 2}, {kind = "success"}]\n'
        'then = {kind = "hang", seconds = 5}\n',
        encoding="utf-8",
    )
    loaded = Scenario.load(toml_file)
    key, model = loaded.lookup(MODEL)
    assert key == BASE_ID
    assert model.latency == 0.1
    assert [model.outcome_at(i).kind for i in range(4)] == ["error", "success", "hang", "hang"]
    json_file = tmp_path / "s.json"
    json_file.write_text(json.dumps({"default": {"outcomes": [{"kind": "malformed"}]}}))
    assert Scenario.load(json_file).lookup("x.y")[1].outcome_at(0).kind == "malformed"
    with pytest.raises(ValueError, match="unknown error preset"):
        Outcome.fail("trottling")
    with pytest.raises(ValueError, match="unknown outcome fields"):
        Outcome.from_dict({"kind": "success", "finding": []})
    with pytest.raises(ValueError, match=r"127\.0\.0\.1 only"):
        FakeBedrock(host="0.0.0.0")


def test_runs_on_its_own_from_the_command_line(tmp_path: Path) -> None:
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps({"default": {"outcomes": [{"kind": "error", "error": "eol"}]}}))
    root = REPO_ROOT
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.fake_bedrock",
            "--port",
            "0",
            "--scenario",
            str(scenario),
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        endpoint = process.stdout.readline().strip()
        assert endpoint.startswith("http://127.0.0.1:")
        client = make_client(endpoint)
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.converse(modelId=MODEL, messages=user())
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
