"""The backend survives what production throws at it: a worker killed mid-job, a client that
goes away and comes back, Redis going down and coming back. Its own backend (two workers, short
timeouts), since these tests kill processes."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from backend_contract.conformance.checks import sample_request
from backend_contract.server.keys import Keys
from backend_contract.server.local import LocalBackend
from tests.fakes.fake_bedrock import FakeBedrock
from tests.support.backend_servers import RunningBackend, backend_environment, default_scenario
from tests.support.bedrock_harness import KEYS, answer_by, scenario

pytestmark = [pytest.mark.slow, pytest.mark.backend]


@pytest.fixture(scope="module")
def resilient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBackend]:
    with FakeBedrock(default_scenario()) as fake:
        env = backend_environment(
            fake.endpoint_url,
            tmp_path_factory.mktemp("home"),
            AIPRISM_JOB_TIME_LIMIT_S="10",
            AIPRISM_VISIBILITY_TIMEOUT_S="12",
        )
        server = LocalBackend(env=env, worker_threads=4, log_dir=tmp_path_factory.mktemp("logs"))
        server.start(workers=2, timeout=90)
        server.wait_ready(60, workers=2)
        try:
            yield RunningBackend(server, fake, Keys())
        finally:
            server.stop()


@pytest.fixture
def client(resilient: RunningBackend) -> Iterator[httpx.Client]:
    resilient.fake.set_scenario(default_scenario())
    headers = {"Authorization": f"Bearer {resilient.token()}"}
    with httpx.Client(base_url=resilient.url, headers=headers, timeout=30) as c:
        yield c


def poll(client: httpx.Client, job_id: str, until: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + until
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/v1/analyses/{job_id}", params={"wait": 5}).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
    raise AssertionError(f"job {job_id} did not end within {until:g} s")


def test_a_job_whose_worker_is_killed_completes_on_another(
    resilient: RunningBackend, client: httpx.Client
) -> None:
    slow = {**answer_by(KEYS[0]), "latency": 4.0}
    resilient.fake.set_scenario(scenario({KEYS[0]: [slow, answer_by(KEYS[0])]}))
    job = client.post("/v1/analyses", json=sample_request("hawkeye")).json()
    deadline = time.monotonic() + 20
    while (running := client.get(f"/v1/analyses/{job['id']}").json())["status"] != "running":
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.1)
    owner = resilient.redis().hget(resilient.keys.job(job["id"]), "worker") or ""
    victim = resilient.server.worker_named(owner)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(10)
    done = poll(client, job["id"], until=90)
    assert running["status"] == "running"
    assert done["status"] == "succeeded", done["error"]
    assert done["model"] == KEYS[0]
    finisher = resilient.redis().hget(resilient.keys.job(job["id"]), "worker") or ""
    assert finisher, "the job names no worker"
    assert finisher != owner, "another worker must have finished it"
    resilient.server.workers.remove(victim)
    resilient.server.start_worker()  # back to two workers for the next tests


def test_a_client_that_goes_away_gets_its_result_later(
    resilient: RunningBackend, client: httpx.Client
) -> None:
    resilient.fake.set_scenario(scenario({KEYS[0]: [{**answer_by(KEYS[0]), "latency": 2.0}]}))
    job = client.post("/v1/analyses", json=sample_request("hawkeye")).json()
    with pytest.raises(httpx.ReadTimeout):  # the laptop closes its lid mid long-poll
        client.get(f"/v1/analyses/{job['id']}", params={"wait": 10}, timeout=0.5)
    client.close()
    time.sleep(3.0)
    headers = {"Authorization": client.headers["Authorization"]}
    with httpx.Client(base_url=resilient.url, headers=headers, timeout=30) as later:
        result = later.get(f"/v1/analyses/{job['id']}").json()
    assert result["status"] == "succeeded"
    assert result["findings"]
    assert result["findings"][0]["description"] == f"finding by {KEYS[0]}"


def test_redis_down_means_not_ready_and_503_then_full_recovery(
    resilient: RunningBackend, client: httpx.Client
) -> None:
    server = resilient.server
    server.stop_redis()
    try:
        deadline = time.monotonic() + 3  # health remembers its last answer for half a second
        while (health := httpx.get(f"{resilient.url}/v1/health", timeout=10)).status_code == 200:
            assert time.monotonic() < deadline, "health still says ready without Redis"
            time.sleep(0.2)
        assert health.status_code == 503
        assert (health.json()["status"], health.json()["store"]) == ("not_ready", "unreachable")
        for response in (
            client.get("/v1/capabilities"),
            client.post("/v1/analyses", json=sample_request("hawkeye")),
            client.get("/v1/analyses/anything"),
            client.get("/v1/stats"),
        ):
            assert response.status_code == 503
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["code"] == "BACKEND_UNAVAILABLE"
            assert int(response.headers["Retry-After"]) >= 1
    finally:
        server.start_redis()  # same port and data directory: the tokens are still there
    server.wait_ready(60, workers=2)
    job = client.post("/v1/analyses", json=sample_request("hawkeye"))
    assert job.status_code == 202, job.text
    assert poll(client, job.json()["id"])["status"] == "succeeded"


def test_sigterm_lets_a_running_job_finish(resilient: RunningBackend, client: httpx.Client) -> None:
    resilient.fake.set_scenario(scenario({KEYS[0]: [{**answer_by(KEYS[0]), "latency": 2.0}]}))
    job = client.post("/v1/analyses", json=sample_request("hawkeye")).json()
    while client.get(f"/v1/analyses/{job['id']}").json()["status"] != "running":
        time.sleep(0.05)
    owner = resilient.redis().hget(resilient.keys.job(job["id"]), "worker") or ""
    worker = resilient.server.worker_named(owner)
    stopper = threading.Thread(target=worker.send_signal, args=(signal.SIGTERM,))
    stopper.start()
    assert worker.wait(30) == 0  # a warm shutdown: it exits cleanly…
    stopper.join()
    done = client.get(f"/v1/analyses/{job['id']}").json()
    assert done["status"] == "succeeded"  # …after finishing the job it was running
    finisher = resilient.redis().hget(resilient.keys.job(job["id"]), "worker")
    assert finisher == owner
    resilient.server.workers.remove(worker)
    resilient.server.start_worker()
