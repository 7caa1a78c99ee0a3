"""The error classification table: one test per row, for HTTP errors and mid-stream errors."""

from __future__ import annotations

import pytest
from botocore import exceptions as bce

from aiprism_desktop.core.errors import InvalidResponseError
from aiprism_desktop.providers.bedrock.chain.classifier import (
    RULES,
    AbortKind,
    Action,
    classify,
    classify_code,
    classify_stop_reason,
    normalize_code,
    retry_after_seconds,
)
from aiprism_desktop.providers.bedrock.chain.rules import THROTTLE_RETRIES

NEEDS_PROFILE = (
    "Invocation of model ID anthropic.claude-sonnet-4-5-20250929-v1:0 with on-demand throughput "
    "isn{q}t supported. Retry your request with the ID or ARN of an inference profile that "
    "contains this model."
)

# (code, status, message, expected action, words expected in the reason)
TABLE: list[tuple[str, int, str, Action, str]] = [
    ("ThrottlingException", 429, "Too many tokens per day, please wait.", Action.FALLBACK, "daily"),
    ("ThrottlingException", 429, "Too many requests, please wait.", Action.RETRY_SAME, "throttled"),
    ("ThrottlingException", 429, "Too many tokens, please wait.", Action.RETRY_SAME, "throttled"),
    ("ValidationException", 400, "Input is too long for requested model.", Action.SHRINK_INPUT, ""),
    (
        "ValidationException",
        400,
        "input length and `max_tokens` exceed context limit: 190000 + 20000 > 200000",
        Action.SHRINK_INPUT,
        "context",
    ),
    ("ValidationException", 400, "too many total text bytes: 9999999", Action.SHRINK_INPUT, ""),
    (
        "ValidationException",
        400,
        "prompt is too long: 250000 tokens > 200000 maximum",
        Action.SHRINK_INPUT,
        "",
    ),
    ("ValidationException", 400, "Too many input tokens.", Action.SHRINK_INPUT, ""),
    ("ValidationException", 400, NEEDS_PROFILE.format(q="’"), Action.USE_PROFILE_ID, "profile"),
    ("ValidationException", 400, NEEDS_PROFILE.format(q="'"), Action.USE_PROFILE_ID, "profile"),
    (
        "ResourceNotFoundException",
        404,
        "This model version has reached the end of its life. Please refer to the AWS docs.",
        Action.DISABLE_MODEL,
        "end of life",
    ),
    (
        "ResourceNotFoundException",
        404,
        "Access denied. This Model is marked by provider as Legacy and you have not been "
        "actively using the model in the last 30 days.",
        Action.DISABLE_MODEL,
        "legacy",
    ),
    (
        "AccessDeniedException",
        403,
        "You don't have access to the model with the specified model ID.",
        Action.DISABLE_MODEL,
        "no access",
    ),
    (
        "AccessDeniedException",
        403,
        "User: arn:aws:iam::1:user/x is not authorized to perform: bedrock:InvokeModel on "
        "resource: arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-opus-4-5",
        Action.FALLBACK,
        "not authorized",
    ),
    (
        "AccessDeniedException",
        403,
        "The security token included in the request is invalid.",
        Action.ABORT,
        "credentials",
    ),
    # Marketplace / payment refusals are about the account's subscription, not the keys.
    (
        "AccessDeniedException",
        403,
        "Model access is denied due to IAM user or service role is not authorized to perform the"
        " required AWS Marketplace actions (aws-marketplace:ViewSubscriptions,"
        " aws-marketplace:Subscribe) to enable access to this model.",
        Action.FALLBACK,
        "Marketplace subscription",
    ),
    (
        "AccessDeniedException",
        403,
        "Your AWS Marketplace subscription for this model cannot be completed at this time. If"
        " you recently fixed this issue, try again after 15 minutes.",
        Action.FALLBACK,
        "Marketplace subscription",
    ),
    (
        "AccessDeniedException",
        403,
        "INVALID_PAYMENT_INSTRUMENT:A valid payment instrument must be provided.",
        Action.FALLBACK,
        "payment",
    ),
    ("UnrecognizedClientException", 403, "The security token is invalid.", Action.ABORT, ""),
    (
        "BearerAuthFailure",
        400,
        "Authentication failed: Please make sure your API Key is valid.",
        Action.ABORT,
        "credentials",
    ),
    ("ExpiredTokenException", 403, "The security token has expired", Action.ABORT, "credentials"),
    ("InvalidSignatureException", 403, "Signature expired", Action.ABORT, "credentials"),
    (
        "ValidationException",
        400,
        "The provided model identifier is invalid.",
        Action.FALLBACK,
        "model id",
    ),
    (
        "ValidationException",
        400,
        "Thinking may not be enabled when tool_choice forces tool use.",
        Action.FALLBACK,
        "parameters",
    ),
    (
        "ValidationException",
        400,
        "The model returned the following errors: `temperature` and `top_p` cannot both be "
        "specified for this model. Please use only one.",
        Action.FALLBACK,
        "parameters",
    ),
    ("ServiceUnavailableException", 503, "Bedrock is unable to process.", Action.RETRY_SAME, ""),
    ("InternalServerException", 500, "internal error", Action.RETRY_SAME, "internal"),
    ("ModelNotReadyException", 429, "Model is not ready.", Action.RETRY_SAME, "not ready"),
    ("ModelTimeoutException", 408, "Model has timed out.", Action.RETRY_SAME, "timed out"),
    ("ModelErrorException", 424, "The model encountered an error.", Action.RETRY_SAME, "error"),
    ("ModelStreamErrorException", 424, "stream error", Action.RETRY_SAME, "stream"),
    ("ServiceQuotaExceededException", 400, "quota", Action.FALLBACK, "quota"),
    ("ResourceNotFoundException", 404, "Model not found.", Action.FALLBACK, "not found"),
    (
        "ValidationException",
        400,
        "A conversation must start with a user message.",
        Action.ABORT,
        "bug",
    ),
    (
        "ValidationException",
        400,
        "The text field in the ContentBlock object at messages.0.content.0 is blank.",
        Action.ABORT,
        "bug",
    ),
    ("SomeNewThrottle", 429, "slow down", Action.RETRY_SAME, "throttled"),
    ("SomeNewServerFault", 502, "bad gateway", Action.RETRY_SAME, "server"),
    ("SomeNewClientFault", 400, "nope", Action.FALLBACK, "refused"),
]


def _client_error(code: str, status: int, message: str, *, stream: bool = False) -> Exception:
    response = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}},
    }
    if stream:
        return bce.EventStreamError(response, "ConverseStream")  # type: ignore[arg-type]
    return bce.ClientError(response, "Converse")  # type: ignore[arg-type]


@pytest.mark.parametrize(("code", "status", "message", "action", "reason"), TABLE)
def test_http_error_row(code: str, status: int, message: str, action: Action, reason: str) -> None:
    verdict = classify(_client_error(code, status, message))
    assert verdict.action is action, verdict
    assert reason in verdict.reason
    assert verdict.code == code


@pytest.mark.parametrize(("code", "status", "message", "action", "reason"), TABLE)
def test_mid_stream_lower_camel_code_classifies_the_same(
    code: str, status: int, message: str, action: Action, reason: str
) -> None:
    lower = code[0].lower() + code[1:]
    verdict = classify(_client_error(lower, status, message, stream=True))
    assert verdict.action is action
    assert verdict.code == code  # normalized back to UpperCamel for the log


def test_every_rule_of_the_table_is_exercised() -> None:
    hit = set()
    for code, _status, message, _action, _reason in TABLE:
        for rule in RULES:
            if rule.matches(code, message):
                hit.add(rule.name)
                break
    assert hit == {rule.name for rule in RULES}


def test_daily_quota_cools_down_until_next_utc_day_and_is_not_retried() -> None:
    verdict = classify_code("ThrottlingException", "Too many tokens per day, please wait.")
    assert verdict.until_next_utc_day
    assert verdict.retries == 0


def test_retry_budgets_differ_by_class() -> None:
    throttle = classify_code("ThrottlingException", "slow")
    assert throttle.retries == THROTTLE_RETRIES
    assert throttle.throttle  # feeds the model's adaptive limit
    assert not throttle.counts_as_failure  # a request to slow down is not a model failure
    assert classify_code("ModelTimeoutException", "late").retries == 1
    assert classify_code("ModelErrorException", "oops").retries == 1


def test_retry_after_header_is_read_from_the_error() -> None:
    response = {
        "Error": {"Code": "ThrottlingException", "Message": "slow"},
        "ResponseMetadata": {"HTTPStatusCode": 429, "HTTPHeaders": {"retry-after": "1.5"}},
    }
    verdict = classify(bce.ClientError(response, "Converse"))  # type: ignore[arg-type]
    assert verdict.retry_after_s == 1.5


def test_retry_after_prefers_the_millisecond_header() -> None:
    assert retry_after_seconds({"x-amz-retry-after": "2500", "Retry-After": "9"}) == 2.5
    assert retry_after_seconds({"Retry-After": "3"}) == 3.0
    assert retry_after_seconds({"Retry-After": "soon"}) is None
    assert retry_after_seconds({}) is None


def test_normalize_code() -> None:
    assert normalize_code("throttlingException") == "ThrottlingException"
    assert normalize_code("") == ""


@pytest.mark.parametrize(
    ("error", "action", "unreachable"),
    [
        (bce.EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), Action.RETRY_SAME, True),
        (bce.ConnectTimeoutError(endpoint_url="http://127.0.0.1:1"), Action.RETRY_SAME, True),
        (bce.ReadTimeoutError(endpoint_url="http://127.0.0.1:1"), Action.RETRY_SAME, False),
        (
            bce.ConnectionClosedError(endpoint_url="http://127.0.0.1:1"),
            Action.RETRY_SAME,
            False,
        ),
        (bce.NoCredentialsError(), Action.ABORT, False),
        (bce.ParamValidationError(report="bad"), Action.ABORT, False),
        (InvalidResponseError("not findings"), Action.REPAIR, False),
        (RuntimeError("our bug"), Action.ABORT, False),
    ],
)
def test_non_service_errors(error: Exception, action: Action, unreachable: bool) -> None:
    verdict = classify(error)
    assert verdict.action is action
    assert verdict.unreachable is unreachable


def test_credential_errors_abort_as_auth_and_bugs_abort_as_bug() -> None:
    assert classify(bce.NoCredentialsError()).abort is AbortKind.AUTH
    assert classify(_client_error("ExpiredTokenException", 403, "expired")).abort is AbortKind.AUTH
    malformed = _client_error("ValidationException", 400, "messages.0: blank")
    assert classify(malformed).abort is AbortKind.BUG


@pytest.mark.parametrize(
    ("stop_reason", "action"),
    [
        ("max_tokens", Action.MORE_ROOM),
        ("model_context_window_exceeded", Action.SHRINK_INPUT),
        ("malformed_model_output", Action.REPAIR),
        ("malformed_tool_use", Action.REPAIR),
        ("content_filtered", Action.FALLBACK),
        ("guardrail_intervened", Action.FALLBACK),
    ],
)
def test_stop_reasons(stop_reason: str, action: Action) -> None:
    verdict = classify_stop_reason(stop_reason)
    assert verdict is not None
    assert verdict.action is action


def test_usable_stop_reasons_are_not_failures() -> None:
    assert classify_stop_reason("end_turn") is None
    assert classify_stop_reason("tool_use") is None


def test_call_layer_errors_classify_like_the_service_errors_they_wrap() -> None:
    from aiprism_desktop.providers.bedrock.errors import BedrockCallError

    throttled = BedrockCallError("ThrottlingException", "slow", 429, retry_after=2.0)
    verdict = classify(throttled)
    assert (verdict.action, verdict.retry_after_s) == (Action.RETRY_SAME, 2.0)
    mid_stream = BedrockCallError("ModelStreamErrorException", "broke", 424, in_stream=True)
    assert classify(mid_stream).action is Action.RETRY_SAME
    eol = BedrockCallError("ResourceNotFoundException", "reached the end of its life", 404)
    assert classify(eol).action is Action.DISABLE_MODEL


@pytest.mark.parametrize(
    ("code", "unreachable"),
    [
        ("EndpointConnectionError", True),
        ("ConnectTimeout", True),
        ("ReadTimeout", False),
        ("ConnectionBroken", False),
        ("IncompleteResponse", False),
    ],
)
def test_transport_failures_retry_once(code: str, unreachable: bool) -> None:
    from aiprism_desktop.providers.bedrock.errors import BedrockCallError

    verdict = classify(BedrockCallError(code, "net", transport=True))
    assert (verdict.action, verdict.retries, verdict.unreachable) == (
        Action.RETRY_SAME,
        1,
        unreachable,
    )


def test_missing_credentials_from_the_call_layer_abort() -> None:
    from aiprism_desktop.providers.bedrock.errors import CREDENTIALS_UNAVAILABLE, BedrockCallError

    verdict = classify(BedrockCallError(CREDENTIALS_UNAVAILABLE, "no credentials"))
    assert (verdict.action, verdict.abort) == (Action.ABORT, AbortKind.AUTH)


def test_answer_problems_map_to_more_room_shrink_repair_and_fallback() -> None:
    from aiprism_desktop.providers.bedrock.errors import (
        ContentBlockedError,
        ContextWindowExceededError,
        InvalidModelOutputError,
        OutputTruncatedError,
    )

    truncated = OutputTruncatedError("{", max_tokens=10, output_tokens=10)
    assert classify(truncated).action is Action.MORE_ROOM
    assert classify(ContextWindowExceededError(input_tokens=5)).action is Action.SHRINK_INPUT
    invalid = InvalidModelOutputError("findings is not a list", raw_text="{}")
    verdict = classify(invalid)
    assert (verdict.action, verdict.message) == (Action.REPAIR, "findings is not a list")
    assert classify(ContentBlockedError("content_filtered")).action is Action.FALLBACK
