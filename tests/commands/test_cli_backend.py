"""``aiprism review --provider backend --backend-url URL`` in a child process, token from
AIPRISM_BACKEND_TOKEN, against the real team backend."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.commands.conftest import SAMPLE, RunCli
from tests.support.backend_servers import RunningBackend

pytestmark = pytest.mark.slow


def test_review_through_the_team_backend(
    backend: RunningBackend, run_cli: RunCli, tmp_path: Path
) -> None:
    token = backend.token()
    out = tmp_path / "reviewed.docx"
    result = run_cli(
        "--json", "review", SAMPLE, "--provider", "backend", "--backend-url", backend.url,
        "--sections", "1-3", "--accept-all", "--out", out,
        extra_env={"AIPRISM_BACKEND_TOKEN": token},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert out.exists()
    assert report["statistics"]["accepted"] >= 1
    assert report["statistics"]["by_origin"]
    assert all(origin.startswith("model:") for origin in report["statistics"]["by_origin"])
    assert "Decisions synced to the team backend" in result.stderr
    stats = httpx.get(f"{backend.url}/v1/stats", headers={"Authorization": f"Bearer {token}"})
    assert stats.json()["acceptance"]["overall"]["accepted"] == report["statistics"]["accepted"]

    again = run_cli(
        "sync", SAMPLE, "--backend-url", backend.url, extra_env={"AIPRISM_BACKEND_TOKEN": token}
    )
    assert again.returncode == 0, again.stderr
    assert "0 new decision(s)" in again.stdout


def test_a_refused_token_and_a_plain_http_url_are_explained(
    backend: RunningBackend, run_cli: RunCli, tmp_path: Path
) -> None:
    refused = run_cli(
        "review", SAMPLE, "--provider", "backend", "--backend-url", backend.url,
        "--sections", "1", "--out", tmp_path / "a.docx",
        extra_env={"AIPRISM_BACKEND_TOKEN": "aip_not-valid"},
    )  # fmt: skip
    assert refused.returncode == 4
    assert "refused the token" in refused.stderr
    insecure = run_cli(
        "review", SAMPLE, "--provider", "backend", "--backend-url", "http://backend.example.com",
        "--out", tmp_path / "b.docx", extra_env={"AIPRISM_BACKEND_TOKEN": "aip_x"},
    )  # fmt: skip
    assert insecure.returncode == 7
    assert "https" in insecure.stderr
