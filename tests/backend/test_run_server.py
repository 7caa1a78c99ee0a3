"""``./run server``: the whole backend in the foreground, ``token: <value>`` on its own line once
ready, a clean stop on SIGTERM (it runs ``python -m backend_contract.server.local``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from backend_contract.server.local import free_port

pytestmark = [pytest.mark.slow, pytest.mark.backend]

ROOT = Path(__file__).resolve().parents[2]


def test_run_server_prints_a_working_token_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = dict(os.environ)
    env["AIPRISM_REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing there: its own
    env["HOME"] = str(tmp_path)
    assert "-m backend_contract.server.local" in (ROOT / "run").read_text()  # what it execs
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backend_contract.server.local",
            "--port",
            str(port),
            "--threads",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 90
        token = ""
        while not token and time.monotonic() < deadline:
            line = process.stdout.readline()
            assert line, "the server exited before printing its token"
            if line.startswith("token: "):
                token = line.removeprefix("token: ").strip()
        assert token.startswith("aip_")
        headers = {"Authorization": f"Bearer {token}"}
        caps = httpx.get(f"http://127.0.0.1:{port}/v1/capabilities", headers=headers, timeout=30)
        assert caps.status_code == 200
        assert caps.json()["provider"]["name"] == "offline"  # no AWS needed to try it out
        assert httpx.get(f"http://127.0.0.1:{port}/v1/health").json()["status"] == "ready"
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(60)
    assert code == 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=2)
