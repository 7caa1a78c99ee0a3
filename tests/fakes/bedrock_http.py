"""HTTP side of the fake Bedrock server: the request handler and what it records.

The handler speaks the wire format; ``FakeBedrock`` (fake_bedrock.py) owns the state it reads
and writes, through the small ``ServerState`` protocol.
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Protocol, cast
from urllib.parse import unquote

from tests.fakes.bedrock_answers import (
    answer_blocks,
    converse_body,
    cut_frames,
    estimate_tokens,
    stream_exception_frame,
    stream_frames,
    usage_for,
    validate_request,
)
from tests.fakes.bedrock_scenario import ErrorSpec, ModelScript, Outcome, Scenario, split_model_id

Operation = Literal["converse", "converse-stream", "count-tokens"]
AuthScheme = Literal["sigv4", "bearer", "none"]


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the fake saw it. Secrets stay in memory and out of ``repr``."""

    operation: Operation
    model_id: str  # URL-decoded, as sent (with its geo prefix, if any)
    path: str  # raw request path
    body: dict[str, Any] | None
    auth_scheme: AuthScheme
    received_at: float  # time.monotonic() when the request head arrived
    signing_region: str = ""
    outcome: str = ""  # the outcome kind applied, or "rejected:<code>"
    headers: dict[str, str] = field(default_factory=dict, repr=False)  # lower-case names
    credential: str = field(default="", repr=False)  # access key id or bearer token


class ServerState(Protocol):
    """What the handler needs from the server's owner (``FakeBedrock``)."""

    stopping: threading.Event  # set when the server stops: sleeping handlers wake up

    def current_scenario(self) -> Scenario: ...

    def next_outcome(self, key: str, script: ModelScript) -> tuple[int, Outcome]: ...

    def record(self, record: RecordedRequest, outcome: str) -> None: ...

    def enter(self, key: str) -> int: ...

    def leave(self, key: str) -> None: ...

    def track(self, conn: socket.socket, *, add: bool) -> None: ...


class BedrockHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not block stop()

    def __init__(self, fake: ServerState, port: int) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", port), BedrockHandler)


class BedrockHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects
    # The head and body go out in separate sends; with Nagle on, the body waits ~40 ms for the
    # client's delayed ACK, which would add fake latency to every call.
    disable_nagle_algorithm = True
    server: BedrockHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()
        super().setup()
        self.server.fake.track(self.connection, add=True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.fake.track(self.connection, add=False)

    # -- plumbing -------------------------------------------------------------------------
    def _send_json(self, status: int, body: Mapping[str, Any], headers: Mapping[str, str]) -> None:
        raw = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    def _send_error_spec(self, spec: ErrorSpec, retry_after: float | None = None) -> None:
        headers = {"x-amzn-ErrorType": spec.code}
        if retry_after is not None:
            headers["Retry-After"] = f"{retry_after:g}"
            headers["x-amz-retry-after"] = str(int(retry_after * 1000))
        self._send_json(spec.status, {"message": spec.message}, headers)

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):X}\r\n".encode("ascii") + data + b"\r\n")
        self.wfile.flush()

    def _abort_connection(self) -> None:
        """Close the socket without finishing the response (a broken connection)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)

    def _pause(self, seconds: float) -> bool:
        """Sleep between deltas; False (and the connection dropped) when the server stops."""
        if seconds > 0 and self.server.fake.stopping.wait(seconds):
            self._abort_connection()
            return False
        return True

    def _auth(self) -> tuple[AuthScheme, str, str]:
        value = self.headers.get("Authorization", "")
        if value.startswith("Bearer "):
            return "bearer", value[len("Bearer ") :].strip(), ""
        if value.startswith("AWS4-HMAC-SHA256 "):
            scope = value.split("Credential=", 1)[-1].split(",", 1)[0].split("/")
            region = scope[2] if len(scope) > 2 else ""
            return "sigv4", scope[0], region
        return "none", "", ""

    # -- request handling -----------------------------------------------------------------
    def do_POST(self) -> None:
        fake = self.server.fake
        received = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = self.path.split("?", 1)[0].split("/")
        operation = parts[3] if len(parts) == 4 and parts[1] == "model" else ""
        if operation not in ("converse", "converse-stream", "count-tokens"):
            self._send_error_spec(ErrorSpec("UnknownOperationException", 404, "Not found"))
            return
        model_id = unquote(parts[2])
        try:
            body: dict[str, Any] | None = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            body = None
        scheme, credential, region = self._auth()
        record = RecordedRequest(
            operation=cast(Operation, operation),
            model_id=model_id,
            path=self.path,
            body=body,
            auth_scheme=scheme,
            received_at=received,
            signing_region=region,
            headers={k.lower(): v for k, v in self.headers.items()},
            credential=credential,
        )
        if scheme == "none":
            fake.record(record, "rejected:MissingAuthenticationTokenException")
            spec = ErrorSpec(
                "MissingAuthenticationTokenException", 403, "Missing Authentication Token"
            )
            self._send_error_spec(spec)
            return
        if body is None:
            fake.record(record, "rejected:SerializationException")
            self._send_error_spec(ErrorSpec("SerializationException", 400, "Malformed JSON body"))
            return
        key, script = fake.current_scenario().lookup(model_id)
        if operation == "count-tokens":
            self._count_tokens(record, script)
            return
        problem = validate_request(body, script, model_id)
        if problem is not None:
            fake.record(record, f"rejected:{problem.code}")
            self._send_error_spec(problem)
            return
        if script.max_concurrent is not None:
            in_flight = fake.enter(key)
            try:
                if in_flight > script.max_concurrent:  # an account quota the client cannot see
                    fake.record(record, "throttled:over-concurrency")
                    self._send_error_spec(
                        ErrorSpec("ThrottlingException", 429, "Too many concurrent requests.")
                    )
                    return
                self._serve(record, operation, body, model_id, key, script)
            finally:
                fake.leave(key)
            return
        self._serve(record, operation, body, model_id, key, script)

    def _serve(
        self,
        record: RecordedRequest,
        operation: str,
        body: dict[str, Any],
        model_id: str,
        key: str,
        script: ModelScript,
    ) -> None:
        fake = self.server.fake
        seq, outcome = fake.next_outcome(key, script)
        fake.record(record, outcome.kind)
        latency = outcome.latency if outcome.latency is not None else script.latency
        if latency > 0 and fake.stopping.wait(latency):
            return
        if outcome.kind == "hang":
            if fake.stopping.wait(outcome.seconds):
                return
            outcome = Outcome(kind="success", findings=outcome.findings, answer=outcome.answer)
        try:
            self._respond(operation, body, model_id, script, outcome, seq, latency)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. its read timeout)

    def _count_tokens(self, record: RecordedRequest, script: ModelScript) -> None:
        fake = self.server.fake
        prefix, base = split_model_id(record.model_id)
        if prefix is not None or script.count_tokens == "unsupported":
            spec = ErrorSpec(
                "ValidationException", 400, "The provided model doesn't support counting tokens."
            )
        elif script.count_tokens == "access_denied":
            spec = ErrorSpec(
                "AccessDeniedException",
                403,
                "User: arn:aws:iam::123456789012:user/fake is not authorized to perform:"
                " bedrock:CountTokens on resource:"
                f" arn:aws:bedrock:us-east-1::foundation-model/{base}",
            )
        else:
            converse = ((record.body or {}).get("input") or {}).get("converse") or {}
            fake.record(record, "count")
            self._send_json(200, {"inputTokens": estimate_tokens(converse)}, {})
            return
        fake.record(record, f"rejected:{spec.code}")
        self._send_error_spec(spec)

    def _respond(
        self,
        operation: str,
        body: dict[str, Any],
        model_id: str,
        script: ModelScript,
        outcome: Outcome,
        seq: int,
        latency: float,
    ) -> None:
        kind = outcome.kind
        if kind == "error" or (kind == "stream_error" and operation == "converse"):
            self._send_error_spec(outcome.error_spec(model_id), outcome.retry_after)
            return
        blocks, stop_reason = answer_blocks(body, outcome, seq)
        usage = usage_for(body, blocks, outcome)
        latency_ms = int(latency * 1000)
        if operation == "converse":
            raw = json.dumps(converse_body(blocks, stop_reason, usage, latency_ms)).encode()
            if kind == "stream_break":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw[: len(raw) // 2])
                self._abort_connection()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            self.end_headers()
            self.wfile.write(raw)
            return
        frames = stream_frames(blocks, stop_reason, usage, latency_ms, script.chunk_chars)
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.amazon.eventstream")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        failing = kind in ("stream_error", "stream_break")
        to_send = cut_frames(frames, outcome.after_deltas) if failing else frames
        deltas_sent = 0
        for frame, frame_kind in to_send:
            if frame_kind == "delta" and deltas_sent and not self._pause(script.delta_delay):
                return
            deltas_sent += frame_kind == "delta"
            self._write_chunk(frame)
        if failing and deltas_sent and not self._pause(script.delta_delay):
            return
        if kind == "stream_error":
            self._write_chunk(stream_exception_frame(outcome.error_spec(model_id)))
        elif kind == "stream_break":
            partial = frames[len(to_send)][0]  # cut_frames never sends the last frame
            self._write_chunk(partial[: len(partial) // 2])
            self._abort_connection()
            return
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
