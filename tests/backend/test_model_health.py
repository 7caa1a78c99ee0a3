"""Model health lives in Redis, shared by every worker: a model one job found out of quota is
skipped by the next jobs (whichever worker runs them), shows as cooling down in
/v1/capabilities and in the desktop's models view, and an operator can put it back."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

import httpx
import pytest

from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.providers.backend.reviewer import BackendReviewer
from aiprism_desktop.providers.backend.settings import BackendSettings
from backend_contract.conformance.checks import sample_request
from tests.support.backend_servers import RunningBackend
from tests.support.bedrock_harness import BASE_IDS, KEYS, answer_by, scenario

pytestmark = pytest.mark.slow


def run_job(client: httpx.Client) -> dict[str, Any]:
    job: dict[str, Any] = client.post("/v1/analyses", json=sample_request("hawkeye")).json()
    for _ in range(20):
        job = client.get(f"/v1/analyses/{job['id']}", params={"wait": 5}).json()
        if job["status"] != "queued" and job["status"] != "running":
            return job
    raise AssertionError("the job did not end")


def states(client: httpx.Client) -> dict[str, str]:
    return {m["key"]: m["state"] for m in client.get("/v1/capabilities").json()["models"]}


def test_a_cooled_model_is_skipped_by_every_later_job(backend: RunningBackend) -> None:
    first, second = KEYS[0], KEYS[1]
    quota = {"kind": "error", "error": "daily_quota"}
    backend.fake.set_scenario(scenario({first: [quota], second: [answer_by(second)]}))
    headers = {"Authorization": f"Bearer {backend.token()}"}
    with httpx.Client(base_url=backend.url, headers=headers, timeout=30) as client:
        fell_back = run_job(client)
        assert fell_back["model"] == second
        assert [a["model"] for a in fell_back["attempts"]] == [first, second]
        record = json.loads(backend.redis().hget(backend.keys.health(), first) or "{}")
        assert record["state"] == "cooling_down"  # in Redis, where every worker looks
        assert states(client)[first] == "cooling_down"

        backend.fake.reset()
        later = [run_job(client) for _ in range(3)]
        assert all(job["model"] == second for job in later)
        asked = {r.model_id for r in backend.fake.requests_for("converse")}
        assert not any(BASE_IDS[first] in model_id for model_id in asked)

        rows = asyncio.run(_desktop_models_view(backend, headers["Authorization"][7:]))
        assert rows[first] == "cooling_down"
        assert list(rows) == list(KEYS)

        subprocess.run(
            [sys.executable, "-m", "backend_contract.server.admin", "models", "enable", first],
            env=backend.server.environment(),
            check=True,
            capture_output=True,
        )
        assert states(client)[first] == "ready"
        backend.fake.set_scenario(scenario({first: [answer_by(first)]}))
        assert run_job(client)["model"] == first


async def _desktop_models_view(backend: RunningBackend, token: str) -> dict[str, str]:
    reviewer = BackendReviewer(BackendSettings(url=backend.url, token=token))
    try:
        rows = await reviewer.describe_models()
        with pytest.raises(ConfigError, match="administrator"):
            await reviewer.enable_model(KEYS[0])
        with pytest.raises(ConfigError, match="no model"):
            await reviewer.enable_model("gpt-9")
        return {row.key: row.state.state for row in rows}
    finally:
        await reviewer.aclose()
