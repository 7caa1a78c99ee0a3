"""A fake Amazon Bedrock Runtime server on 127.0.0.1 that speaks the real wire format.

boto3 reaches it through ``endpoint_url`` or ``AWS_ENDPOINT_URL_BEDROCK_RUNTIME``, so the real
SDK code runs: SigV4 or bearer signing, the rest-json protocol, modeled error classes, the
event-stream parser. Routes: ``POST /model/{url-encoded id}/converse``, ``/converse-stream``
(``application/vnd.amazon.eventstream`` frames, chunked) and ``/count-tokens``.

In tests::

    with FakeBedrock(scenario) as fake:
        client = boto3.client("bedrock-runtime", endpoint_url=fake.endpoint_url, ...)
        ...
        assert fake.requests[0].body["toolConfig"]...

On its own: ``python -m tests.fakes.fake_bedrock --port 0 --scenario FILE`` prints the endpoint
URL (with the chosen port) as its first line and serves until interrupted.

Scenario format (JSON or TOML, same structure; ``.toml`` suffix selects TOML)::

    [default]                      # for model ids not listed under [models]
    outcomes = [{kind = "success"}]

    [models."anthropic.claude-sonnet-4-5-20250929-v1:0"]   # matches it with or without us./eu./…
    latency = 2.0                  # seconds before the response head (every outcome)
    delta_delay = 0.0              # seconds between content deltas (and before a failure)
    chunk_chars = 24               # size of text / tool-input deltas in a stream
    max_concurrent = 4             # more requests at once → ThrottlingException (a quota)
    strict_sampling = true         # temperature + topP together → ValidationException
    requires_profile = true        # a bare id (no geo prefix) → "on-demand throughput …" error
    count_tokens = "supported"     # or "unsupported" (ValidationException) / "access_denied"
    outcomes = [                   # consumed one per Converse/ConverseStream request
      {kind = "error", error = "throttling", retry_after = 1.5},
      {kind = "success", findings = [{type = "critical", description = "…"}]},
    ]
    then = {kind = "error", error = "eol"}   # after the sequence; default: the last one repeats

Outcome fields: ``kind`` is one of
  ``success``   the answer mirrors the request: forced/any tool → toolUse with ``answer`` (or
                ``{"findings": findings}``) as input; ``outputConfig`` → that object as JSON text;
                no JSON mode → ``text`` (or the object as JSON text). ``text`` on an auto-tool
                request answers in text instead of calling the tool. ``stop_reason`` overrides.
  ``error``     HTTP error: ``error`` is a preset name (``ERROR_PRESETS`` in bedrock_scenario.py:
                throttling, daily_quota, model_not_ready, service_unavailable, internal,
                model_timeout, model_error, context_window, prompt_too_long, needs_profile,
                invalid_model_id, thinking_forced_tool, temperature_top_p, no_access,
                bad_credentials, unrecognized_client, expired_token, eol, legacy, …) or a code
                such as ``ThrottlingException``; ``message`` / ``status`` override;
                ``retry_after`` (seconds) adds ``Retry-After`` and ``x-amz-retry-after`` (ms).
  ``malformed`` invalid JSON text (or ``text``) in text mode; schema-invalid tool input (or
                ``answer``) in tool mode.
  ``truncated`` the first half of the answer with stopReason ``max_tokens``.
  ``context_window_stop``  the same with stopReason ``model_context_window_exceeded``.
  ``stream_error``  ConverseStream: ``after_deltas`` content deltas, then an exception frame
                (``:exception-type`` lowerCamel of the ``error`` code); Converse: the HTTP error.
  ``stream_break``  ``after_deltas`` deltas, then half a frame and the connection is closed;
                Converse: half the JSON body, then the connection is closed.
  ``hang``      wait ``seconds`` (default 3600, cut short when the server stops), then answer.
Also per outcome: ``latency`` (overrides the model's), ``input_tokens`` (usage figure).

Request checks made before an outcome is consumed (like Bedrock, these cost no model call):
a first message that is not from the user, a blank text block, thinking with a forced tool,
temperature with topP on a ``strict_sampling`` model, a bare id on a ``requires_profile`` model.
CountTokens never consumes an outcome: it answers ``{"inputTokens": ceil(len(json)/4)}``, and
refuses inference-profile ids (``us.…``) like the real service does.

Requests must carry SigV4 (any credentials) or ``Authorization: Bearer <token>``; which one, and
the access key id / token, are recorded in memory only (``RecordedRequest.credential``).
botocore sends bearer tokens over HTTPS only: ``FakeBedrock(tls=True)`` serves HTTPS with a
throwaway self-signed certificate; pass ``verify=fake.ca_bundle`` to the client.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import signal
import socket
import ssl
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.fakes.bedrock_http import BedrockHTTPServer, Operation, RecordedRequest
from tests.fakes.bedrock_scenario import ModelScript, Outcome, Scenario
from tests.fakes.tls import write_localhost_certificate

__all__ = ["FakeBedrock", "ModelScript", "Outcome", "RecordedRequest", "Scenario"]


class FakeBedrock:
    """The fake server: start/stop, scenario, recorded requests. A context manager."""

    def __init__(
        self,
        scenario: Scenario | Mapping[str, Any] | str | Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: bool = False,
    ) -> None:
        if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"the fake Bedrock server binds to 127.0.0.1 only, not {host!r}")
        self._requested_port = port
        self._tls = tls
        self._tls_dir: tempfile.TemporaryDirectory[str] | None = None
        self.ca_bundle: str | None = None  # with tls=True: the certificate to pass as verify=
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._scenario = self._coerce(scenario)
        self._positions: dict[str, int] = {}
        self._in_flight: dict[str, int] = {}
        self.max_in_flight: dict[str, int] = {}  # per scripted model with max_concurrent
        self._requests: list[RecordedRequest] = []
        self._connections: set[socket.socket] = set()
        self._server: BedrockHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> FakeBedrock:
        if self._server is not None:
            return self
        self.stopping.clear()
        self._server = BedrockHTTPServer(self, self._requested_port)
        if self._tls:
            self._tls_dir = tempfile.TemporaryDirectory(prefix="fake-bedrock-tls-")
            cert, key = write_localhost_certificate(Path(self._tls_dir.name))
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            # The handshake runs in the handler thread, not in the accept loop.
            self._server.socket = context.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
            self.ca_bundle = str(cert)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake sleeping handlers and drop open connections."""
        server, self._server = self._server, None
        if server is None:
            return
        self.stopping.set()
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._tls_dir is not None:
            self._tls_dir.cleanup()
            self._tls_dir = None

    def __enter__(self) -> FakeBedrock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the fake Bedrock server is not running")
        return int(self._server.server_address[1])

    @property
    def endpoint_url(self) -> str:
        scheme = "https" if self._tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    # -- scenario and records -------------------------------------------------------------
    @staticmethod
    def _coerce(scenario: Scenario | Mapping[str, Any] | str | Path | None) -> Scenario:
        if scenario is None:
            return Scenario()
        if isinstance(scenario, Scenario):
            return scenario
        if isinstance(scenario, str | Path):
            return Scenario.load(scenario)
        return Scenario.from_dict(scenario)

    def set_scenario(self, scenario: Scenario | Mapping[str, Any] | str | Path | None) -> None:
        """Replace the scenario and restart every model's sequence (recorded requests stay)."""
        new = self._coerce(scenario)
        with self._lock:
            self._scenario = new
            self._positions.clear()

    def set_model(self, model_key: str, script: ModelScript) -> None:
        """Script one model (exact id or base id without prefix) and restart its sequence."""
        with self._lock:
            models = dict(self._scenario.models)
            models[model_key] = script
            self._scenario = Scenario(models=models, default=self._scenario.default)
            self._positions.pop(model_key, None)

    def reset(self) -> None:
        """Forget recorded requests and restart every sequence; the scenario stays."""
        with self._lock:
            self._requests.clear()
            self._positions.clear()

    def current_scenario(self) -> Scenario:
        with self._lock:
            return self._scenario

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the requests received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def requests_for(self, operation: Operation | None = None) -> list[RecordedRequest]:
        return [r for r in self.requests if operation is None or r.operation == operation]

    def enter(self, key: str) -> int:
        """A request for ``key`` starts being served; how many are being served now."""
        with self._lock:
            self._in_flight[key] = self._in_flight.get(key, 0) + 1
            self.max_in_flight[key] = max(self.max_in_flight.get(key, 0), self._in_flight[key])
            return self._in_flight[key]

    def leave(self, key: str) -> None:
        with self._lock:
            self._in_flight[key] -= 1

    def next_outcome(self, key: str, script: ModelScript) -> tuple[int, Outcome]:
        with self._lock:
            index = self._positions.get(key, 0)
            self._positions[key] = index + 1
        return index, script.outcome_at(index)

    def record(self, record: RecordedRequest, outcome: str) -> None:
        stamped = RecordedRequest(
            operation=record.operation,
            model_id=record.model_id,
            path=record.path,
            body=record.body,
            auth_scheme=record.auth_scheme,
            received_at=record.received_at,
            signing_region=record.signing_region,
            outcome=outcome,
            headers=record.headers,
            credential=record.credential,
        )
        with self._lock:
            self._requests.append(stamped)

    def track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.fakes.fake_bedrock --port N --scenario FILE``."""
    parser = argparse.ArgumentParser(description="Fake Bedrock Runtime server on 127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--scenario", type=Path, help="scenario file (.json or .toml)")
    args = parser.parse_args(argv)
    fake = FakeBedrock(args.scenario, port=args.port).start()
    print(fake.endpoint_url, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
