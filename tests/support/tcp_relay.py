"""A loopback TCP relay that can be taken down and brought back on the same port: the network
between the desktop and the team backend, for outage tests (the backend itself keeps running)."""

from __future__ import annotations

import contextlib
import socketserver
import threading
from types import TracebackType

from tests.support.tls_proxy import _Relay  # relays bytes both ways, plain or TLS


class _RelayServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.stopping = threading.Event()
        super().__init__(("127.0.0.1", port), _Relay)


class TcpRelay:
    """``with TcpRelay(upstream_port) as relay: relay.down(); relay.up()``."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = 0
        self._server: _RelayServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> None:
        if self._server is not None:
            return
        self._server = _RelayServer(self.port, self.upstream_port)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def down(self) -> None:
        """Refuse new connections and cut the open ones."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping.set()
        server.shutdown()
        with contextlib.suppress(OSError):
            server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> TcpRelay:
        self.up()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.down()
