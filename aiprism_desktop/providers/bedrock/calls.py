"""One call to one Bedrock model, from asyncio: review, streamed chat, token count.

boto3 is blocking, so every call runs in the executor the caller passes (the app's explicit
thread pool). botocore's own retries are pinned to one attempt: the fallback chain owns retries,
so every attempt is visible and cancellable.

Cancellation: cancelling a coroutine here returns at once (``CancelledError``). A blocking
``converse`` already running in a worker thread cannot be interrupted; it finishes or hits the
client's read timeout in the background and its result is discarded. A chat stream that has
started is stopped properly: the worker stops reading and the stream's socket is shut down, so
the thread is freed at once too (before the response head arrives, the thread waits for it as
``converse`` does, then closes the stream). ``stream_chat`` returns an async generator: close
one you stop early with ``contextlib.aclosing``.

Errors: see ``bedrock_errors`` (``BedrockCallError`` and the answer errors). Anything else that
escapes (e.g. botocore's ``ParamValidationError``) is a bug in the request and is not wrapped.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import math
import socket
import threading
import time
from collections.abc import AsyncIterator, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import boto3
from botocore.config import Config

from aiprism_desktop.providers.bedrock.errors import (
    INCOMPLETE_RESPONSE,
    BedrockCallError,
    ContentBlockedError,
    ContextWindowExceededError,
    to_call_error,
)
from aiprism_desktop.providers.bedrock.request import base_model_id, estimate_tokens
from aiprism_desktop.providers.bedrock.response import ModelAnswer, parse_review_response

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient
    from mypy_boto3_bedrock_runtime.type_defs import CountTokensInputTypeDef

__all__ = [
    "StreamStats",
    "call_review",
    "count_tokens",
    "estimate_tokens",
    "make_runtime_client",
    "stream_chat",
]

_COUNT_INPUT_KEYS = ("messages", "system", "toolConfig", "additionalModelRequestFields")


def make_runtime_client(
    session: boto3.Session,
    region: str,
    *,
    endpoint_url: str | None,
    read_timeout: float,
    connect_timeout: float,
    max_pool_connections: int,
) -> BedrockRuntimeClient:
    """A ``bedrock-runtime`` client with one attempt per call and explicit timeouts.

    ``endpoint_url`` is passed only when given: otherwise botocore resolves the endpoint
    itself, honouring ``AWS_ENDPOINT_URL_BEDROCK_RUNTIME`` / ``AWS_ENDPOINT_URL`` and the
    config file exactly as the AWS SDKs and CLI do.
    """
    config = Config(
        retries={"mode": "standard", "total_max_attempts": 1},
        read_timeout=read_timeout,
        connect_timeout=connect_timeout,
        max_pool_connections=max_pool_connections,
        user_agent_extra="aiprism-desktop",
    )
    if endpoint_url:
        return session.client(
            "bedrock-runtime", region_name=region, endpoint_url=endpoint_url, config=config
        )
    return session.client("bedrock-runtime", region_name=region, config=config)


def _converse_blocking(
    client: BedrockRuntimeClient, request: dict[str, Any], validate: bool
) -> ModelAnswer:
    started = time.perf_counter()
    try:
        response = client.converse(**request)
    except Exception as exc:
        mapped = to_call_error(exc, client.meta.service_model)
        if mapped is None:
            raise
        raise mapped from exc
    latency_ms = (time.perf_counter() - started) * 1000
    # Parsed in the worker too: the event loop may be the GUI thread.
    return parse_review_response(response, request, latency_ms=latency_ms, validate=validate)


async def call_review(
    client: BedrockRuntimeClient,
    request: dict[str, Any],
    *,
    executor: Executor,
    validate: bool = True,
) -> ModelAnswer:
    """Run one Converse review request; the answer is checked against the requested schema.

    Raises ``BedrockCallError`` (service, transport or credential failure), or
    ``OutputTruncatedError`` / ``ContextWindowExceededError`` / ``ContentBlockedError`` /
    ``InvalidModelOutputError`` (see ``parse_review_response``).
    """
    loop = asyncio.get_running_loop()
    call = functools.partial(_converse_blocking, client, request, validate)
    return await loop.run_in_executor(executor, call)


@dataclass(slots=True)
class StreamStats:
    """Filled in by ``stream_chat`` as the stream ends (pass one in to read it afterwards)."""

    stop_reason: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    first_delta_ms: float | None = None
    latency_ms: float | None = None


class _StreamWorker:
    """Reads a ConverseStream in a worker thread and hands items to the event loop."""

    def __init__(
        self,
        client: BedrockRuntimeClient,
        request: dict[str, Any],
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self.client = client
        self.request = request
        self.loop = loop
        self.queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.cancelled = threading.Event()
        self._lock = threading.Lock()
        self._stream: Any = None
        self._reading = False

    def _emit(self, kind: str, value: Any) -> None:
        if self.cancelled.is_set():
            return
        with contextlib.suppress(RuntimeError):  # the loop is already closed
            self.loop.call_soon_threadsafe(self.queue.put_nowait, (kind, value))

    def run(self) -> None:
        stop_reason: str | None = None
        usage: Mapping[str, Any] = {}
        if self.cancelled.is_set():  # cancelled while waiting for a free worker thread
            return
        try:
            stream = self.client.converse_stream(**self.request)["stream"]
            with self._lock:
                self._stream, self._reading = stream, True
            if self.cancelled.is_set():
                return
            for event in stream:
                if self.cancelled.is_set():
                    return
                if "contentBlockDelta" in event:
                    text = event["contentBlockDelta"].get("delta", {}).get("text")
                    if text:
                        self._emit("delta", text)
                elif "messageStop" in event:
                    stop_reason = event["messageStop"].get("stopReason")
                elif "metadata" in event:
                    usage = event["metadata"].get("usage", {})
                    with self._lock:
                        self._reading = False  # only EOF is left; the socket may be pooled
            if stop_reason is None:
                raise BedrockCallError(
                    INCOMPLETE_RESPONSE,
                    "the stream ended before messageStop",
                    in_stream=True,
                    transport=True,
                )
            self._emit("end", (stop_reason, usage))
        except BedrockCallError as exc:
            self._emit("error", exc)
        except Exception as exc:
            # Only an error after the stream's 200 response counts as mid-stream.
            started = self._stream is not None
            mapped = to_call_error(exc, self.client.meta.service_model, in_stream=started)
            self._emit("error", mapped if mapped is not None else exc)
        finally:
            with self._lock:
                stream, self._stream, self._reading = self._stream, None, False
            if stream is not None:
                with contextlib.suppress(Exception):
                    stream.close()

    def abort(self) -> None:
        """Stop reading; shut the socket down so a blocked read returns at once."""
        self.cancelled.set()
        with self._lock:
            if not self._reading or self._stream is None:
                return
            # botocore offers no public handle on the connection of an event stream.
            raw = getattr(self._stream, "_raw_stream", None)
            sock = getattr(getattr(raw, "connection", None), "sock", None)
            if isinstance(sock, socket.socket):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


async def stream_chat(
    client: BedrockRuntimeClient,
    request: dict[str, Any],
    *,
    executor: Executor,
    stats: StreamStats | None = None,
) -> AsyncIterator[str]:
    """Yield the text deltas of a ConverseStream answer as they arrive.

    Raises ``BedrockCallError`` (``in_stream=True`` for a mid-stream exception event or a
    connection that broke after the stream started), ``ContextWindowExceededError`` or
    ``ContentBlockedError`` by stop reason; a ``max_tokens`` stop ends normally (see ``stats``).
    """
    loop = asyncio.get_running_loop()
    worker = _StreamWorker(client, request, loop)
    started = time.perf_counter()
    executor.submit(worker.run)
    try:
        while True:
            kind, value = await worker.queue.get()
            if kind == "delta":
                if stats is not None and stats.first_delta_ms is None:
                    stats.first_delta_ms = (time.perf_counter() - started) * 1000
                yield value
            elif kind == "error":
                raise value
            else:
                stop_reason, usage = value
                if stats is not None:
                    stats.stop_reason = stop_reason
                    stats.input_tokens = usage.get("inputTokens")
                    stats.output_tokens = usage.get("outputTokens")
                    stats.latency_ms = (time.perf_counter() - started) * 1000
                if stop_reason == "model_context_window_exceeded":
                    raise ContextWindowExceededError(input_tokens=usage.get("inputTokens"))
                if stop_reason in ("guardrail_intervened", "content_filtered"):
                    raise ContentBlockedError(stop_reason)
                return
    finally:
        worker.abort()


def _count_blocking(
    client: BedrockRuntimeClient, model_id: str, request: Mapping[str, Any]
) -> int | None:
    converse = {k: request[k] for k in _COUNT_INPUT_KEYS if k in request}
    try:
        tokens_input = cast("CountTokensInputTypeDef", {"converse": converse})
        response = client.count_tokens(modelId=model_id, input=tokens_input)
    except Exception as exc:
        mapped = to_call_error(exc, client.meta.service_model)
        if mapped is None:
            raise
        unsupported = mapped.code == "ValidationException" and (
            "support counting tokens" in mapped.message.lower()
        )
        if mapped.code == "AccessDeniedException" or unsupported:
            return None
        raise mapped from exc
    counted = int(response["inputTokens"])
    # CountTokens has no outputConfig; add the schema string the model also reads.
    schema = (request.get("outputConfig") or {}).get("textFormat", {}).get("structure", {})
    if schema:
        counted += math.ceil(len(json.dumps(schema)) / 3)
    return counted


async def count_tokens(
    client: BedrockRuntimeClient,
    model_id: str,
    request: Mapping[str, Any],
    *,
    executor: Executor,
) -> int | None:
    """Input tokens of ``request`` by Bedrock CountTokens, or None when unavailable.

    CountTokens refuses inference-profile ids, so the geo prefix is stripped. None means the
    model does not support counting or the credentials may not call it (AccessDenied): use
    ``estimate_tokens(request)``. Other failures raise ``BedrockCallError``.
    """
    loop = asyncio.get_running_loop()
    call = functools.partial(_count_blocking, client, base_model_id(model_id), request)
    return await loop.run_in_executor(executor, call)
