"""Typed errors of one Bedrock call, for the fallback chain to classify.

Two families, both ``BedrockError``:

- ``BedrockCallError``: the call failed (service error, mid-stream exception, broken
  connection, timeout, missing credentials). It carries the AWS error ``code`` normalized to
  UpperCamel (mid-stream codes arrive lowerCamel: ``throttlingException``), the service
  ``message``, the ``http_status`` (for mid-stream errors: the status the service model gives
  that error), ``retry_after`` in seconds when the service said so, and the ``original``
  exception. Transport failures have ``transport=True`` and a code from ``TRANSPORT_CODES``.
- Answer problems (the call succeeded but the answer is unusable):
  ``OutputTruncatedError`` (stopReason ``max_tokens``), ``ContextWindowExceededError``
  (``model_context_window_exceeded``), ``ContentBlockedError`` (guardrail / content filter),
  ``InvalidModelOutputError`` (not JSON, not an object, or not valid against the requested
  schema; it carries the raw text for the one repair attempt).
- ``AttemptTimeoutError``: the chain gave up waiting for one attempt (its own time budget).

``normalize_code`` and ``retry_after_seconds`` live here only (the classifier re-exports them).

These are not ``AIPrismError``s on purpose: they are inputs to the chain's classifier, which
turns the final outcome into a reviewer-facing ``ProviderError``.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    EventStreamError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
    ResponseStreamingError,
    SSOError,
    TokenRetrievalError,
)
from botocore.model import NoShapeFoundError, ServiceModel
from urllib3.exceptions import HTTPError as Urllib3HTTPError
from urllib3.exceptions import ReadTimeoutError as Urllib3ReadTimeoutError

# Codes of BedrockCallError for failures that are not a service answer.
READ_TIMEOUT = "ReadTimeout"
CONNECT_TIMEOUT = "ConnectTimeout"
ENDPOINT_UNREACHABLE = "EndpointConnectionError"
CONNECTION_BROKEN = "ConnectionBroken"
INCOMPLETE_RESPONSE = "IncompleteResponse"
CREDENTIALS_UNAVAILABLE = "CredentialsUnavailable"
TRANSPORT_CODES: frozenset[str] = frozenset(
    (READ_TIMEOUT, CONNECT_TIMEOUT, ENDPOINT_UNREACHABLE, CONNECTION_BROKEN, INCOMPLETE_RESPONSE)
)


class BedrockError(Exception):
    """Base of the call layer's errors."""


class BedrockCallError(BedrockError):
    """A Bedrock call failed; see the module docstring for the fields."""

    def __init__(
        self,
        code: str,
        message: str,
        http_status: int | None = None,
        retry_after: float | None = None,
        original: BaseException | None = None,
        *,
        in_stream: bool = False,
        transport: bool = False,
    ) -> None:
        self.code = code
        self.message = message
        self.http_status = http_status
        self.retry_after = retry_after
        self.original = original
        self.in_stream = in_stream
        self.transport = transport
        super().__init__(f"{code}: {message}")


class OutputTruncatedError(BedrockError):
    """The answer hit ``maxTokens`` (stopReason ``max_tokens``): retry with more room or split."""

    def __init__(self, raw_text: str, *, max_tokens: int | None, output_tokens: int | None) -> None:
        self.raw_text = raw_text
        self.max_tokens = max_tokens
        self.output_tokens = output_tokens
        super().__init__(
            f"answer truncated at {output_tokens} output tokens (maxTokens {max_tokens})"
        )


class ContextWindowExceededError(BedrockError):
    """The model stopped with ``model_context_window_exceeded``: shrink the input."""

    def __init__(self, raw_text: str = "", *, input_tokens: int | None = None) -> None:
        self.raw_text = raw_text
        self.input_tokens = input_tokens
        super().__init__(f"context window exceeded (input tokens {input_tokens})")


class ContentBlockedError(BedrockError):
    """A guardrail or content filter stopped the answer (stopReason says which)."""

    def __init__(self, stop_reason: str) -> None:
        self.stop_reason = stop_reason
        super().__init__(f"answer blocked: {stop_reason}")


class InvalidModelOutputError(BedrockError):
    """The answer is not a valid findings object; ``raw_text`` is what the model said.

    ``assistant_content`` is the assistant message as returned (replayed by
    ``build_repair_request``); ``tool_use_id`` is set when the answer was a tool call.
    """

    def __init__(
        self,
        reason: str,
        *,
        raw_text: str,
        assistant_content: tuple[dict[str, Any], ...] = (),
        tool_use_id: str | None = None,
        stop_reason: str = "",
    ) -> None:
        self.reason = reason
        self.raw_text = raw_text
        self.assistant_content = assistant_content
        self.tool_use_id = tool_use_id
        self.stop_reason = stop_reason
        super().__init__(f"invalid model output: {reason}")


class AttemptTimeoutError(BedrockError):
    """One attempt used up its own time budget (the chain's, not botocore's read timeout).

    ``phase`` says what we were waiting for: ``"answer"`` (a whole Converse answer),
    ``"first token"`` or ``"next chunk"`` (a stream that stalled).
    """

    def __init__(self, seconds: float, phase: str = "answer") -> None:
        self.seconds = seconds
        self.phase = phase
        super().__init__(f"no {phase} within {seconds:.3g} s")


def normalize_code(code: str) -> str:
    """``throttlingException`` → ``ThrottlingException`` (mid-stream codes are lowerCamel)."""
    return code[:1].upper() + code[1:] if code else code


def retry_after_seconds(headers: Mapping[str, Any], *, now: float | None = None) -> float | None:
    """Seconds the service asked us to wait, or None.

    THE one reader of the wait headers (the classifier re-exports it). ``x-amz-retry-after``
    (milliseconds) wins over ``Retry-After`` (seconds or an HTTP date): it is AWS's own header,
    the one botocore's standard retry mode honours, and it is more precise.
    """
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    raw_ms = lowered.get("x-amz-retry-after")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000.0)
        except ValueError:
            pass  # unreadable: try Retry-After
    raw = lowered.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def _status_of(code: str, service_model: ServiceModel | None) -> int | None:
    if service_model is None:
        return None
    try:
        shape = service_model.shape_for(code)
    except NoShapeFoundError:  # an unmodeled code
        return None
    status = shape.metadata.get("error", {}).get("httpStatusCode")
    return int(status) if status is not None else None


def to_call_error(
    exc: BaseException, service_model: ServiceModel | None = None, *, in_stream: bool = False
) -> BedrockCallError | None:
    """Map a botocore/urllib3 exception to ``BedrockCallError``; None = not ours (a bug)."""
    if isinstance(exc, EventStreamError):
        error = exc.response.get("Error", {})
        code = normalize_code(str(error.get("Code", "")))
        return BedrockCallError(
            code,
            str(error.get("Message", "")),
            _status_of(code, service_model),
            None,
            exc,
            in_stream=True,
        )
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        meta = exc.response.get("ResponseMetadata", {})
        status = meta.get("HTTPStatusCode")
        return BedrockCallError(
            normalize_code(str(error.get("Code", ""))),
            str(error.get("Message", "")),
            int(status) if status is not None else None,
            retry_after_seconds(meta.get("HTTPHeaders", {})),
            exc,
            in_stream=in_stream,
        )
    transport_code: str | None = None
    if isinstance(exc, ReadTimeoutError | Urllib3ReadTimeoutError):
        transport_code = READ_TIMEOUT
    elif isinstance(exc, ConnectTimeoutError):
        transport_code = CONNECT_TIMEOUT
    elif isinstance(exc, EndpointConnectionError):
        transport_code = ENDPOINT_UNREACHABLE
    elif isinstance(
        exc, ConnectionClosedError | ResponseStreamingError | HTTPClientError | Urllib3HTTPError
    ):
        transport_code = CONNECTION_BROKEN
    if transport_code is not None:
        return BedrockCallError(
            transport_code, str(exc), None, None, exc, in_stream=in_stream, transport=True
        )
    credential_errors = (
        NoCredentialsError,
        PartialCredentialsError,
        CredentialRetrievalError,
        SSOError,
        TokenRetrievalError,
    )
    if isinstance(exc, credential_errors):
        return BedrockCallError(CREDENTIALS_UNAVAILABLE, str(exc), None, None, exc)
    return None
