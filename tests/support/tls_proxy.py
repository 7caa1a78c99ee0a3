"""A TLS front for a loopback HTTP server, with a throwaway self-signed certificate.

botocore refuses to send a bearer token (a Bedrock API key) over plain HTTP, so tests of the
API-key path put this proxy in front of the fake Bedrock server and point ``AWS_CA_BUNDLE`` at
the certificate. Bytes are relayed unchanged in both directions.
"""

from __future__ import annotations

import contextlib
import select
import socket
import socketserver
import ssl
import threading
from pathlib import Path
from types import TracebackType

from tests.fakes.tls import write_localhost_certificate


class _Relay(socketserver.BaseRequestHandler):
    server: _TlsServer

    def handle(self) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.server.upstream_port))
        except OSError:
            return
        client: socket.socket = self.request
        with upstream:
            sockets = [client, upstream]
            while True:
                readable, _, _ = select.select(sockets, [], [], 0.5)
                if self.server.stopping.is_set():
                    return
                for sock in readable:
                    try:
                        data = sock.recv(65536)
                    except (OSError, ssl.SSLError):
                        return
                    if not data:
                        return
                    # Decrypted bytes already buffered by the TLS layer do not wake select().
                    while sock is client and isinstance(client, ssl.SSLSocket) and client.pending():
                        data += client.recv(client.pending())
                    (upstream if sock is client else client).sendall(data)


class _TlsServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, upstream_port: int, context: ssl.SSLContext) -> None:
        self.upstream_port = upstream_port
        self.context = context
        self.stopping = threading.Event()
        super().__init__(("127.0.0.1", 0), _Relay)

    def get_request(self) -> tuple[socket.socket, object]:
        sock, address = super().get_request()
        return self.context.wrap_socket(sock, server_side=True), address


class TlsProxy:
    """``https://127.0.0.1:<port>`` → ``http://127.0.0.1:<upstream_port>``."""

    def __init__(self, upstream_port: int, cert_dir: Path) -> None:
        self.cert_path, key_path = write_localhost_certificate(cert_dir)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_path, key_path)
        self._server = _TlsServer(upstream_port, context)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def endpoint_url(self) -> str:
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> TlsProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        with contextlib.suppress(OSError):
            self._server.server_close()
        self._thread.join(timeout=5)
