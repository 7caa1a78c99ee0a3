"""The reference server's API on real processes: auth, tenant isolation, idempotency, limits,
long-poll, chat, decision sync and statistics, what is stored and what is logged."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from backend_contract.conformance.checks import sample_request, sse_events
from tests.support.backend_servers import RunningBackend
from tests.support.bedrock_harness import KEYS, answer_by, scenario

pytestmark = pytest.mark.slow


@pytest.fixture
def client(backend: RunningBackend) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=backend.url, headers=auth(backend.token()), timeout=30) as c:
        yield c


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def wait_done(client: httpx.Client, job_id: str) -> dict[str, Any]:
    for _ in range(30):
        job: dict[str, Any] = client.get(f"/v1/analyses/{job_id}", params={"wait": 5}).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
    raise AssertionError(f"job {job_id} never ended")


def test_a_revoked_token_is_refused(backend: RunningBackend) -> None:
    token = backend.token("revoked-team")
    with httpx.Client(base_url=backend.url, headers=auth(token)) as client:
        assert client.get("/v1/capabilities").status_code == 200
        listing = subprocess.run(
            [sys.executable, "-m", "backend_contract.server.admin", "tokens", "list"],
            env=backend.server.environment(),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        token_id = next(line.split()[0] for line in listing.splitlines() if "revoked-team" in line)
        assert token not in listing
        subprocess.run(
            [sys.executable, "-m", "backend_contract.server.admin", "tokens", "revoke", token_id],
            env=backend.server.environment(),
            check=True,
            capture_output=True,
        )
        deadline = time.monotonic() + 5  # each API process remembers a lookup for 2 s
        while (refused := client.get("/v1/capabilities")).status_code == 200:
            assert time.monotonic() < deadline, "a revoked token still works"
            time.sleep(0.2)
    assert refused.status_code == 401
    assert refused.json()["code"] == "UNAUTHORIZED"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")


def test_tokens_are_stored_hashed(backend: RunningBackend) -> None:
    token = backend.token()
    stored = backend.redis().hgetall(backend.keys.tokens())
    assert token not in json.dumps(stored)
    assert all(len(digest) == 64 for digest in stored)


def test_another_team_sees_404_never_403(backend: RunningBackend, client: httpx.Client) -> None:
    job = client.post("/v1/analyses", json=sample_request("hawkeye")).json()
    with httpx.Client(base_url=backend.url, headers=auth(backend.token())) as other:
        for response in (
            other.get(f"/v1/analyses/{job['id']}"),
            other.get(f"/v1/analyses/{job['id']}", params={"wait": 1}),
            other.delete(f"/v1/analyses/{job['id']}"),
        ):
            assert response.status_code == 404
            assert response.json()["code"] == "NOT_FOUND"
    assert wait_done(client, job["id"])["status"] == "succeeded"


def test_same_review_id_in_two_teams_stays_apart(
    backend: RunningBackend, client: httpx.Client
) -> None:
    review_id = f"shared-{uuid.uuid4().hex[:10]}"
    body = sync_body("accept")
    assert client.post(f"/v1/reviews/{review_id}/events", json=body).json()["received"] == 1
    with httpx.Client(base_url=backend.url, headers=auth(backend.token())) as other:
        theirs = other.post(f"/v1/reviews/{review_id}/events", json=sync_body("reject")).json()
        assert theirs["received"] == 1  # their own log, not a duplicate of ours
        assert other.get("/v1/stats").json()["acceptance"]["overall"]["rejected"] == 1
    mine = client.get("/v1/stats").json()["acceptance"]["overall"]
    assert (mine["accepted"], mine["rejected"]) == (1, 0)


def sync_body(action: str, *, seq: int = 1, event_id: str = "e1") -> dict[str, Any]:
    finding = {
        "id": "f1", "section_id": "s001", "origin": "model:sonnet-4-5", "type": "important",
        "risk": "medium", "category": "Evidence", "description": "Attach the log.",
        "confidence": 0.7, "created_at": "2026-01-01T00:00:00.000Z", "framework_refs": [13],
    }  # fmt: skip
    decision = {"accept": "accepted", "reject": "rejected", "revert": "pending"}[action]
    event = {
        "action": action, "finding_id": "f1", "actor": "me", "at": now_iso(), "seq": seq,
        "before": {}, "after": {"decision": decision},
    }  # fmt: skip
    return {
        "document_id": "a" * 64,
        "findings": [finding],
        "events": [{"id": event_id, "event": event}],
    }


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def test_event_sync_is_idempotent_and_folds_like_the_desktop(client: httpx.Client) -> None:
    review = f"r-{uuid.uuid4().hex[:12]}"
    first = client.post(f"/v1/reviews/{review}/events", json=sync_body("accept")).json()
    repeat = client.post(f"/v1/reviews/{review}/events", json=sync_body("accept")).json()
    assert (first["received"], repeat["received"], repeat["duplicates"]) == (1, 0, 1)
    revert = sync_body("revert", seq=2, event_id="e2")
    assert client.post(f"/v1/reviews/{review}/events", json=revert).json()["events_total"] == 2
    stats = client.get("/v1/stats").json()
    overall = stats["acceptance"]["overall"]
    assert (overall["accepted"], overall["pending"], overall["rate"]) == (0, 1, None)
    assert stats["acceptance"]["by_model"]["sonnet-4-5"]["pending"] == 1
    assert stats["acceptance"]["by_framework_point"]["hawkeye:13"]["pending"] == 1
    past = client.get("/v1/stats", params={"from": "2020-01-01", "to": "2020-12-31"}).json()
    assert past["reviews"] == 0
    # Dates at the start of the calendar: a range, or a refusal, never a 500.
    ancient = client.get("/v1/stats", params={"to": "0001-01-02"})
    assert ancient.status_code == 200, ancient.text
    backwards = client.get("/v1/stats", params={"from": "2000-01-04", "to": "0001-01-02"})
    assert backwards.status_code == 422
    clash = sync_body("reject", seq=2, event_id="e3")  # a second event with seq 2
    refused = client.post(f"/v1/reviews/{review}/events", json=clash)
    assert refused.status_code == 422
    assert "does not fold" in refused.json()["detail"]


def test_idempotency_key_replays_and_refuses_another_body(client: httpx.Client) -> None:
    body = sample_request("hawkeye")
    first = client.post("/v1/analyses", json=body, headers={"Idempotency-Key": "k-1"})
    again = client.post("/v1/analyses", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    other = client.post(
        "/v1/analyses",
        json={**body, "framework": "nope"},
        headers={"Idempotency-Key": "k-1"},
    )
    assert other.status_code == 422  # checked before the key is looked at
    changed = dict(body, section=dict(body["section"], title="Another title"))
    reused = client.post("/v1/analyses", json=changed, headers={"Idempotency-Key": "k-1"})
    assert reused.status_code == 409
    assert reused.json()["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_long_poll_returns_as_soon_as_the_job_ends(
    backend: RunningBackend, client: httpx.Client
) -> None:
    backend.fake.set_scenario(scenario({KEYS[0]: [{**answer_by(KEYS[0]), "latency": 1.5}]}))
    job = client.post("/v1/analyses", json=sample_request("hawkeye")).json()
    began = time.monotonic()
    done = client.get(f"/v1/analyses/{job['id']}", params={"wait": 10}).json()
    elapsed = time.monotonic() - began
    assert done["status"] == "succeeded"
    assert done["model"] == KEYS[0]
    assert elapsed < 6.0  # woken by the job's end, not by the 10 s wait
    assert [a["model"] for a in done["attempts"]] == [KEYS[0]]


def test_too_many_active_jobs_answers_429_with_retry_after(
    backend: RunningBackend, client: httpx.Client
) -> None:
    backend.fake.set_scenario(scenario({KEYS[0]: [{**answer_by(KEYS[0]), "latency": 5.0}]}))
    limit = client.get("/v1/capabilities").json()["limits"]["max_active_jobs"]
    ids = [
        client.post("/v1/analyses", json=sample_request("hawkeye")).json()["id"]
        for _ in range(limit)
    ]
    refused = client.post("/v1/analyses", json=sample_request("hawkeye"))
    assert refused.status_code == 429
    assert refused.json()["code"] == "TOO_MANY_ACTIVE_JOBS"
    assert int(refused.headers["Retry-After"]) >= 1
    for job_id in ids:
        assert client.delete(f"/v1/analyses/{job_id}").json()["status"] == "cancelled"
    assert client.post("/v1/analyses", json=sample_request("hawkeye")).status_code == 202


def test_request_limits_answer_with_problems(backend: RunningBackend, client: httpx.Client) -> None:
    limit = client.get("/v1/capabilities").json()["limits"]["max_request_bytes"]
    big = client.post(
        "/v1/analyses",
        content=b"[" + b"0," * limit + b"0]",
        headers={"Content-Type": "application/json"},
    )
    assert big.status_code == 413
    assert big.headers["content-type"] == "application/problem+json"
    assert big.json()["code"] == "REQUEST_TOO_LARGE"
    form = client.post("/v1/analyses", content=b"a=b", headers={"Content-Type": "text/plain"})
    assert (form.status_code, form.json()["code"]) == (415, "UNSUPPORTED_MEDIA_TYPE")
    stale = dict(sample_request("hawkeye"), prompt_version="review-0")
    assert client.post("/v1/analyses", json=stale).json()["code"] == "PROMPT_VERSION_MISMATCH"
    outside = dict(sample_request("hawkeye"))
    outside["section"] = dict(outside["section"], id="s999")
    assert client.post("/v1/analyses", json=outside).json()["code"] == "INVALID_SECTION"
    assert (
        client.get("/v1/analyses/x", params={"wait": "soon"}).json()["code"] == "INVALID_PARAMETER"
    )
    assert client.get("/v1/nothing-here").json()["code"] == "NOT_FOUND"


def test_chat_streams_and_names_the_model(backend: RunningBackend, client: httpx.Client) -> None:
    body = {
        "framework": "hawkeye",
        "question": "When was the account suspended?",
        "document": sample_request("hawkeye")["document"],
    }
    with client.stream("POST", "/v1/chat", json=body) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = list(sse_events(response))
    assert events[-1][0] == "done"
    assert json.loads(events[-1][1])["model"] == KEYS[0]
    assert any(kind == "delta" and json.loads(data)["text"] for kind, data in events)


def test_logs_hold_no_document_text(backend: RunningBackend, client: httpx.Client) -> None:
    marker = f"Confidential-{uuid.uuid4().hex}"
    body = sample_request("hawkeye")
    body["section"]["blocks"][1]["text"] = f"The witness {marker} confirmed the transfer."
    job = client.post("/v1/analyses", json=body).json()
    assert wait_done(client, job["id"])["status"] == "succeeded"
    question = {
        "framework": "hawkeye",
        "question": f"Who is {marker}?",
        "document": body["document"],
    }
    with client.stream("POST", "/v1/chat", json=question) as response:
        list(response.iter_lines())
    time.sleep(0.5)  # let the processes flush their last lines
    logs = "".join(p.read_text(errors="replace") for p in backend.server.log_dir.glob("*.log"))
    assert job["id"] in logs  # the job was logged…
    assert marker not in logs  # …but not what it was about
    stored = json.dumps(backend.redis().hgetall(backend.keys.job(job["id"])))
    assert marker not in stored  # the request text is dropped once the job has ended
