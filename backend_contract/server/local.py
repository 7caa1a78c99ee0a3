"""The whole backend on one machine: redis-server (unless one answers already), gunicorn and
Celery worker processes, all on 127.0.0.1. ``./run server [--port N]`` runs it in the
foreground and prints ``token: <value>`` once it is ready; the tests and benchmarks start it
the same way with their own settings.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

import redis

from backend_contract.server.config import load_config
from backend_contract.server.keys import Keys
from backend_contract.server.tokens import TokenStore


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.exceptions.RedisError:
        return False


class LocalBackend:
    """Start, inspect and stop a local backend. Child processes log to ``log_dir``."""

    def __init__(
        self,
        *,
        port: int = 0,
        redis_url: str | None = None,
        env: Mapping[str, str] | None = None,
        worker_threads: int = 8,
        api_workers: int = 2,
        log_dir: Path | None = None,
        inherit_output: bool = False,
    ) -> None:
        self.port = port or free_port()
        self._own_dir = tempfile.TemporaryDirectory(prefix="aiprism-backend-")
        self.data_dir = Path(self._own_dir.name)
        self.log_dir = log_dir or self.data_dir
        self._inherit = inherit_output
        self.redis_port = 0
        self.redis_url = redis_url or ""  # "" = start a private redis-server
        self.redis_process: subprocess.Popen[bytes] | None = None
        self.api: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self._worker_names: dict[int, str] = {}  # pid → Celery node name (before the @host)
        self.worker_threads = worker_threads
        self.api_workers = api_workers
        self._extra_env = dict(env or {})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        env = {**os.environ, **self._extra_env}
        env["AIPRISM_REDIS_URL"] = self.redis_url
        env.setdefault("AIPRISM_WORKER_CONCURRENCY", str(self.worker_threads))
        env["PYTHONUNBUFFERED"] = "1"
        return env

    # -- processes -------------------------------------------------------------------------
    def start(self, *, workers: int = 1, timeout: float = 60.0) -> LocalBackend:
        if not self.redis_url or not _redis_answers(self.redis_url):
            self.start_redis()
        self.start_api()
        for _ in range(workers):
            self.start_worker()
        self.wait_ready(timeout)
        return self

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        if self._inherit:
            return subprocess.Popen(argv, env=self.environment())
        log = (self.log_dir / f"{name}.log").open("ab")
        return subprocess.Popen(argv, env=self.environment(), stdout=log, stderr=subprocess.STDOUT)

    def start_redis(self) -> None:
        """A private redis-server with an append-only file, so a restart keeps the data."""
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.redis_port = self.redis_port or free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        argv = [binary, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", ""]
        argv += ["--appendonly", "yes", "--appendfsync", "everysec", "--dir", str(self.data_dir)]
        self.redis_process = self._spawn("redis", argv)
        deadline = time.monotonic() + 10
        while not _redis_answers(self.redis_url):
            if time.monotonic() > deadline or self.redis_process.poll() is not None:
                raise RuntimeError(f"redis-server did not start (log in {self.log_dir})")
            time.sleep(0.05)

    def stop_redis(self) -> None:
        if self.redis_process is not None:
            self._end(self.redis_process)
            self.redis_process = None

    def start_api(self) -> None:
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:backend_contract.server.gunicorn_conf",
        ]
        argv += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.api_workers)]
        self.api = self._spawn("api", argv)

    def start_worker(self) -> subprocess.Popen[bytes]:
        node = f"worker{len(self._worker_names) + 1}-{os.getpid()}"
        argv = [sys.executable, "-m", "celery", "-A", "backend_contract.server.celery_app"]
        argv += ["worker", "-P", "threads", "-c", str(self.worker_threads), "-n", f"{node}@%h"]
        argv += ["--without-gossip", "--without-mingle", "--loglevel", "INFO"]
        process = self._spawn(node.split("-")[0], argv)
        self.workers.append(process)
        self._worker_names[process.pid] = node
        return process

    def worker_named(self, worker: str) -> subprocess.Popen[bytes]:
        """The worker process a job record names (its Celery node name)."""
        for process in self.workers:
            if worker.startswith(self._worker_names[process.pid] + "@"):
                return process
        raise KeyError(worker)

    def wait_ready(self, timeout: float = 60.0, *, workers: int = 1) -> None:
        """Until /v1/health says ready with at least ``workers`` workers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.api is not None and self.api.poll() is not None:
                raise RuntimeError(f"gunicorn exited (log in {self.log_dir})")
            try:
                with urllib.request.urlopen(f"{self.url}/v1/health", timeout=2) as response:
                    import json

                    if json.load(response).get("workers", 0) >= workers:
                        return
            except (urllib.error.URLError, OSError, ValueError):
                pass
            time.sleep(0.2)
        raise TimeoutError(
            f"the backend was not ready within {timeout:g} s (logs in {self.log_dir})"
        )

    def create_token(self, team: str, note: str = "") -> str:
        config = load_config({**self.environment()})
        client = redis.Redis.from_url(config.tokens_url, decode_responses=True)
        try:
            token, _ = TokenStore(client, Keys(config.key_prefix)).create(team, note)
        finally:
            client.close()
        return token

    @staticmethod
    def _end(process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)

    def stop(self) -> None:
        """SIGTERM every process (workers finish their jobs), then clean up."""
        for process in [*self.workers, self.api]:
            if process is not None:
                self._end(process)
        self.workers.clear()
        self.api = None
        self.stop_redis()
        self._own_dir.cleanup()

    def __enter__(self) -> LocalBackend:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """``./run server [--port N]``: run in the foreground until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="./run server")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--threads", type=int, default=8, help="Celery worker threads")
    args = parser.parse_args(argv)
    env = {"AIPRISM_PROVIDER": os.environ.get("AIPRISM_PROVIDER", "offline")}
    redis_url = os.environ.get("AIPRISM_REDIS_URL", "redis://127.0.0.1:6379/0")
    backend = LocalBackend(
        port=args.port,
        redis_url=redis_url,
        env=env,
        worker_threads=args.threads,
        inherit_output=True,
    )
    stop = False

    def on_signal(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        backend.start()
        print(
            f"AI-Prism backend on {backend.url} (reviewer: {env['AIPRISM_PROVIDER']})",
            file=sys.stderr,
        )
        print(
            f"token: {backend.create_token('dev', 'development token from ./run server')}",
            flush=True,
        )
        while not stop:
            time.sleep(0.5)
            children = [backend.api, *backend.workers]
            if any(p is None or p.poll() is not None for p in children):
                print("a backend process exited; stopping", file=sys.stderr)
                return 1
        return 0
    finally:
        backend.stop()


if __name__ == "__main__":
    sys.exit(main())
