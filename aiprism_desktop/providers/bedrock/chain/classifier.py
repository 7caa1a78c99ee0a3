"""What to do after a failed model call: a table from (error code, message) to an action.

Codes are matched case-insensitively, so botocore's lowerCamel mid-stream codes
(``throttlingException`` inside an ``EventStreamError``) classify exactly like the UpperCamel
codes of a failed HTTP response. Messages matter as much as codes: Bedrock reports end of life,
legacy models, missing model access, inference-profile requirements, context-window overflow
and the daily token quota through generic codes (see research/tech_anchors.md §1.2).

The first matching rule wins; every rule has its own test in tests/providers.

Transport failures are not the model's fault: a refused or timed-out connection (``unreachable``)
and a broken one never feed the circuit breaker; a model that stops answering (read timeout, or
the chain's own attempt budget) is retried once, then cooled down for ``STALL_COOLDOWN_S``.
Refusals that concern one operation only (IAM, request parameters) have ``Scope.OPERATION``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from botocore import exceptions as bce

from aiprism_desktop.core.errors import InvalidResponseError, SectionTooLargeError
from aiprism_desktop.providers.bedrock.chain.rules import (
    CODE_REASONS,
    RULES,
    THROTTLE_COOLDOWN_S,
    THROTTLE_RETRIES,
    AbortKind,
    Action,
    Rule,
    Scope,
)
from aiprism_desktop.providers.bedrock.errors import (
    CONNECT_TIMEOUT,
    CREDENTIALS_UNAVAILABLE,
    ENDPOINT_UNREACHABLE,
    READ_TIMEOUT,
    AttemptTimeoutError,
    BedrockCallError,
    ContentBlockedError,
    ContextWindowExceededError,
    InvalidModelOutputError,
    OutputTruncatedError,
    normalize_code,
    retry_after_seconds,
)

__all__ = [
    "RULES",
    "AbortKind",
    "Action",
    "Rule",
    "Scope",
    "Verdict",
    "classify",
    "classify_code",
    "classify_stop_reason",
    "normalize_code",
    "retry_after_seconds",
]


@dataclass(frozen=True, slots=True)
class Verdict:
    """How one failure is handled."""

    action: Action
    reason: str  # short, for the attempt log: "throttled", "end of life", "daily quota"
    code: str  # the error code in UpperCamel form ("ThrottlingException", "ReadTimeout")
    message: str = ""  # the service's own message
    retries: int = 0  # same-model retries this class allows before falling back
    cooldown_s: float | None = None  # cool the model down this long after giving up on it
    until_next_utc_day: bool = False  # cool down until 00:00 UTC (daily quotas)
    counts_as_failure: bool = True  # feeds the circuit breaker
    retry_after_s: float | None = None  # what the service asked us to wait
    abort: AbortKind = AbortKind.NONE
    unreachable: bool = False  # the endpoint could not be reached at all
    answered: bool = True  # the service said something (False: unreachable, or silent)
    scope: Scope = Scope.MODEL  # cool down the model, or only this operation on it
    try_global_profile: bool = False  # retry through the ``global.`` profile when allowed
    throttle: bool = False  # the service asked us to slow down: halve the model's limit


# A model that stops answering: retry once, then fall back and leave it alone for a while.
STALL_COOLDOWN_S = 120.0


def _stalled(code: str, message: str) -> Verdict:
    return Verdict(
        Action.RETRY_SAME,
        "model stopped answering",
        code,
        message,
        retries=1,
        cooldown_s=STALL_COOLDOWN_S,
        counts_as_failure=False,  # a transport symptom: the cooldown handles it, not the breaker
        answered=False,  # behind a black-holed network, calls stall too
    )


def _unreachable(code: str, message: str, reason: str = "connection failed") -> Verdict:
    # The endpoint is down or the network is: nothing to learn about the model itself, so no
    # breaker count and no cooldown (the engine queues the work until Bedrock is reachable).
    return Verdict(
        Action.RETRY_SAME,
        reason,
        code,
        message,
        retries=1,
        counts_as_failure=False,
        unreachable=True,
        answered=False,
    )


def _broken(code: str, message: str) -> Verdict:
    return Verdict(
        Action.RETRY_SAME, "connection broken", code, message, retries=1, counts_as_failure=False
    )


def classify_code(
    code: str, message: str, *, status: int | None = None, retry_after_s: float | None = None
) -> Verdict:
    """Classify a service error by its code and message (HTTP status for unknown codes)."""
    for rule in RULES:
        if rule.matches(code, message):
            reason = CODE_REASONS.get(code.lower(), rule.reason)
            return Verdict(
                action=rule.action,
                reason=reason,
                code=normalize_code(code),
                message=message,
                retries=rule.retries,
                cooldown_s=rule.cooldown_s,
                until_next_utc_day=rule.until_next_utc_day,
                counts_as_failure=rule.counts_as_failure,
                retry_after_s=retry_after_s,
                abort=rule.abort,
                scope=rule.scope,
                try_global_profile=rule.try_global_profile,
                throttle=rule.throttle,
            )
    return _classify_status(normalize_code(code), message, status, retry_after_s)


def _classify_status(
    code: str, message: str, status: int | None, retry_after_s: float | None
) -> Verdict:
    if status == 429:
        return Verdict(
            Action.RETRY_SAME,
            "throttled",
            code,
            message,
            THROTTLE_RETRIES,
            THROTTLE_COOLDOWN_S,
            counts_as_failure=False,
            retry_after_s=retry_after_s,
            throttle=True,
        )
    if status is not None and status >= 500:
        return Verdict(
            Action.RETRY_SAME, "server error", code, message, 2, 30.0, retry_after_s=retry_after_s
        )
    if status in (401, 403):
        return Verdict(
            Action.ABORT,
            "credentials refused",
            code,
            message,
            counts_as_failure=False,
            abort=AbortKind.AUTH,
        )
    return Verdict(Action.FALLBACK, "request refused", code, message, cooldown_s=60.0)


_STOP_REASONS: Mapping[str, Verdict] = {
    "max_tokens": Verdict(
        Action.MORE_ROOM, "answer cut off at max_tokens", "MaxTokens", counts_as_failure=False
    ),
    "model_context_window_exceeded": Verdict(
        Action.SHRINK_INPUT,
        "input too long for the context window",
        "ModelContextWindowExceeded",
        counts_as_failure=False,
    ),
    "malformed_model_output": Verdict(
        Action.REPAIR, "malformed output", "MalformedModelOutput", counts_as_failure=False
    ),
    "malformed_tool_use": Verdict(
        Action.REPAIR, "malformed output", "MalformedToolUse", counts_as_failure=False
    ),
    "content_filtered": Verdict(
        Action.FALLBACK, "answer blocked by content filter", "ContentFiltered"
    ),
    "guardrail_intervened": Verdict(
        Action.FALLBACK, "answer blocked by a guardrail", "GuardrailIntervened"
    ),
}


def classify_stop_reason(stop_reason: str) -> Verdict | None:
    """The verdict for a ``stopReason`` that is not a usable answer; None when it is usable."""
    return _STOP_REASONS.get(stop_reason)


_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    bce.EndpointConnectionError,
    bce.ConnectTimeoutError,
    bce.ProxyConnectionError,
    ConnectionError,
)
_STALL_ERRORS: tuple[type[BaseException], ...] = (bce.ReadTimeoutError, TimeoutError)
_BROKEN_ERRORS: tuple[type[BaseException], ...] = (
    bce.ConnectionClosedError,
    bce.ResponseStreamingError,
    bce.HTTPClientError,
)
_CREDENTIAL_ERRORS: tuple[type[BaseException], ...] = (
    bce.NoCredentialsError,
    bce.PartialCredentialsError,
    bce.CredentialRetrievalError,
    bce.TokenRetrievalError,
    bce.SSOTokenLoadError,
    bce.UnauthorizedSSOTokenError,
    bce.NoAuthTokenError,
    bce.NoRegionError,
)


def classify(error: BaseException) -> Verdict:
    """Classify any exception raised by one model attempt.

    ``asyncio.CancelledError`` is never passed here: cancellation propagates untouched.
    """
    if isinstance(error, bce.ClientError):  # EventStreamError is a ClientError subclass
        err = error.response.get("Error", {})
        meta = error.response.get("ResponseMetadata", {})
        return classify_code(
            str(err.get("Code", "") or ""),
            str(err.get("Message", "") or ""),
            status=meta.get("HTTPStatusCode"),
            retry_after_s=retry_after_seconds(meta.get("HTTPHeaders", {})),
        )
    typed = _classify_typed(error)
    if typed is not None:
        return typed
    name = type(error).__name__
    if isinstance(error, _CREDENTIAL_ERRORS):
        return Verdict(
            Action.ABORT,
            "credentials missing or expired",
            name,
            str(error),
            counts_as_failure=False,
            abort=AbortKind.AUTH,
        )
    if isinstance(error, _CONNECTION_ERRORS):
        return _unreachable(name, str(error))
    if isinstance(error, _STALL_ERRORS):
        return _stalled(name, str(error))
    if isinstance(error, _BROKEN_ERRORS):
        return _broken(name, str(error))
    if isinstance(error, bce.ParamValidationError):
        return Verdict(
            Action.ABORT,
            "request rejected as malformed (an AI-Prism bug)",
            name,
            str(error),
            counts_as_failure=False,
            abort=AbortKind.BUG,
        )
    return Verdict(
        Action.ABORT,
        "unexpected error (an AI-Prism bug)",
        name,
        str(error),
        counts_as_failure=False,
        abort=AbortKind.BUG,
    )


def _classify_typed(error: BaseException) -> Verdict | None:
    """Errors raised by our own call layer (``providers.bedrock_errors``) and validator."""
    message = str(getattr(error, "message", "") or error)
    if isinstance(error, BedrockCallError):
        return _classify_call_error(error)
    if isinstance(error, AttemptTimeoutError):
        return _stalled("AttemptTimeout", message)
    if isinstance(error, ContextWindowExceededError):
        return Verdict(
            Action.SHRINK_INPUT,
            "input too long for the context window",
            "ModelContextWindowExceeded",
            message,
            counts_as_failure=False,
        )
    if isinstance(error, OutputTruncatedError):
        return Verdict(
            Action.MORE_ROOM,
            "answer cut off at max_tokens",
            "MaxTokens",
            message,
            counts_as_failure=False,
        )
    if isinstance(error, ContentBlockedError):
        return classify_stop_reason(error.stop_reason) or Verdict(
            Action.FALLBACK, "answer blocked", "ContentBlocked", message
        )
    if isinstance(error, (InvalidModelOutputError, InvalidResponseError)):
        detail = getattr(error, "reason", None) or getattr(error, "detail", None) or message
        return Verdict(
            Action.REPAIR,
            "answer was not valid findings",
            type(error).__name__,
            str(detail),
            counts_as_failure=False,
        )
    if isinstance(error, SectionTooLargeError):
        return Verdict(
            Action.SHRINK_INPUT,
            "section too large",
            type(error).__name__,
            message,
            counts_as_failure=False,
        )
    return None


def _classify_call_error(error: BedrockCallError) -> Verdict:
    if error.code == CREDENTIALS_UNAVAILABLE:
        return Verdict(
            Action.ABORT,
            "credentials missing or expired",
            error.code,
            error.message,
            counts_as_failure=False,
            abort=AbortKind.AUTH,
        )
    if error.transport:
        if error.code == ENDPOINT_UNREACHABLE:
            return _unreachable(error.code, error.message)
        if error.code == CONNECT_TIMEOUT:
            return _unreachable(error.code, error.message, "connection timed out")
        if error.code == READ_TIMEOUT:
            return _stalled(error.code, error.message)
        return _broken(error.code, error.message)
    return classify_code(
        error.code, error.message, status=error.http_status, retry_after_s=error.retry_after
    )
