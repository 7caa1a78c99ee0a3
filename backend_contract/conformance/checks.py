"""The conformance checks: each one exercises a promise of ``openapi.yaml`` against a live
deployment and validates every answer against the contract's schemas."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from aiprism_desktop.core.document import Block, BlockKind, BlockLocation, Section, SectionKind
from aiprism_desktop.core.document_wire import section_to_wire
from aiprism_desktop.core.prompts import PROMPT_VERSION
from backend_contract.contract import schema_errors

PROBLEM_TYPE = "application/problem+json"


class CheckFailedError(AssertionError):
    """A promise of the contract is not kept."""


class SkippedError(Exception):
    """The check cannot run against this deployment (the reason says why)."""


@dataclass
class Context:
    url: str
    token: str
    token2: str | None
    timeout_s: float
    rate_probe_max: int
    framework: str = "hawkeye"
    capabilities: dict[str, Any] = field(default_factory=dict)

    def client(self, token: str | None = "") -> httpx.Client:
        """A client with the main token (``token=None``: without any token)."""
        headers = {}
        chosen = self.token if token == "" else token
        if chosen is not None:
            headers["Authorization"] = f"Bearer {chosen}"
        return httpx.Client(base_url=self.url.rstrip("/"), headers=headers, timeout=30.0)


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailedError(message)


def conforms(schema: str, value: object, what: str) -> None:
    errors = schema_errors(schema, value, limit=3)
    expect(not errors, f"{what} does not match {schema}: {errors}")


def problem(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The problem body of an error answer, checked."""
    where = f"{response.request.method} {response.request.url.path}"
    expect(
        response.status_code == status, f"{where}: expected {status}, got {response.status_code}"
    )
    content_type = response.headers.get("content-type", "")
    expect(content_type.startswith(PROBLEM_TYPE), f"{where}: content type {content_type!r}")
    body: dict[str, Any] = response.json()
    conforms("Problem", body, f"{where} problem")
    if code is not None:
        expect(body["code"] == code, f"{where}: expected code {code}, got {body['code']}")
    return body


def sample_request(framework: str) -> dict[str, Any]:
    """A three-section investigation write-up (synthetic, nothing confidential)."""
    texts = [
        ("Summary", "The seller account was suspended on 3 March after a fraud alert."),
        ("Evidence", "Order logs were reviewed; the device fingerprint matched two accounts."),
        ("Actions", "The account stays suspended until the owner verifies their identity."),
    ]
    sections = []
    for index, (title, text) in enumerate(texts):
        heading = Block(
            f"p{index}h",
            BlockKind.HEADING,
            title,
            BlockLocation("word/document.xml", index * 2),
            heading_level=1,
        )
        body = Block(
            f"p{index}b",
            BlockKind.PARAGRAPH,
            text,
            BlockLocation("word/document.xml", index * 2 + 1),
        )
        sections.append(
            Section(f"s{index + 1:03d}", title, 1, SectionKind.BODY, (heading, body), heading.id)
        )
    document = {
        "title": "Conformance check",
        "sha256": uuid.uuid4().hex * 2,
        "sections": [section_to_wire(s, with_blocks=False) for s in sections],
    }
    return {
        "framework": framework,
        "prompt_version": PROMPT_VERSION,
        "document": document,
        "section": section_to_wire(sections[1]),
    }


def wait_for_job(client: httpx.Client, job_id: str, timeout_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        left = deadline - time.monotonic()
        expect(left > 0, f"job {job_id} did not end within {timeout_s:g} s")
        response = client.get(
            f"/v1/analyses/{job_id}", params={"wait": min(10.0, max(left, 0.1))}, timeout=40
        )
        expect(response.status_code == 200, f"polling the job answered {response.status_code}")
        job: dict[str, Any] = response.json()
        conforms("Job", job, "the polled job")
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job


# -- the checks ------------------------------------------------------------------------------


def check_health(ctx: Context) -> str:
    with ctx.client(None) as client:
        response = client.get("/v1/health")
    conforms("Health", response.json(), "/v1/health")
    expect(
        response.status_code == 200,
        f"/v1/health answered {response.status_code}: {response.text[:200]}",
    )
    expect(response.json()["status"] == "ready", "the backend is not ready")
    return f"ready, {response.json()['workers']} worker(s)"


def check_auth(ctx: Context) -> str:
    with ctx.client(None) as anonymous, ctx.client("aip_not-a-real-token") as forged:
        problem(anonymous.get("/v1/capabilities"), 401, "UNAUTHORIZED")
        problem(forged.get("/v1/capabilities"), 401, "UNAUTHORIZED")
        problem(forged.get(f"/v1/analyses/{uuid.uuid4().hex}"), 401, "UNAUTHORIZED")
    return "no token and an unknown token are refused (401)"


def check_capabilities(ctx: Context) -> str:
    with ctx.client() as client:
        response = client.get("/v1/capabilities")
    expect(response.status_code == 200, f"/v1/capabilities answered {response.status_code}")
    caps: dict[str, Any] = response.json()
    conforms("Capabilities", caps, "/v1/capabilities")
    expect(
        caps["prompt_version"] == PROMPT_VERSION,
        f"prompt version {caps['prompt_version']} is not this desktop's {PROMPT_VERSION}",
    )
    expect(bool(caps["frameworks"]), "no framework is offered")
    ids = [f["id"] for f in caps["frameworks"]]
    ctx.framework = "hawkeye" if "hawkeye" in ids else ids[0]
    ctx.capabilities = caps
    provider = caps["provider"]["name"]
    return f"{provider} reviewer, {len(caps['models'])} model(s), frameworks {', '.join(ids)}"


def check_error_format(ctx: Context) -> str:
    with ctx.client() as client:
        bad_json = client.post(
            "/v1/analyses", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        problem(bad_json, 400, "INVALID_JSON")
        invalid = problem(
            client.post("/v1/analyses", json={"framework": "hawkeye"}), 422, "INVALID_REQUEST"
        )
        expect(bool(invalid.get("errors")), "a 422 INVALID_REQUEST names no error")
        problem(client.get(f"/v1/analyses/{uuid.uuid4().hex}"), 404, "NOT_FOUND")
        problem(client.get("/v1/stats", params={"from": "yesterday"}), 422, "INVALID_PARAMETER")
    return "problem+json with stable codes (400, 404, 422)"


def check_analysis(ctx: Context) -> str:
    body = sample_request(ctx.framework)
    key = uuid.uuid4().hex
    with ctx.client() as client:
        first = client.post("/v1/analyses", json=body, headers={"Idempotency-Key": key})
        expect(first.status_code == 202, f"submit answered {first.status_code}: {first.text[:300]}")
        conforms("Job", first.json(), "the submitted job")
        again = client.post("/v1/analyses", json=body, headers={"Idempotency-Key": key})
        expect(again.status_code == 202, f"a replayed submit answered {again.status_code}")
        expect(
            again.json()["id"] == first.json()["id"], "a replayed Idempotency-Key made a new job"
        )
        other = dict(body, section=dict(body["section"], title="Changed"))
        problem(
            client.post("/v1/analyses", json=other, headers={"Idempotency-Key": key}),
            409,
            "IDEMPOTENCY_KEY_REUSED",
        )
        job = wait_for_job(client, first.json()["id"], ctx.timeout_s)
    expect(job["status"] == "succeeded", f"the job ended {job['status']}: {job['error']}")
    expect(bool(job["model"]), "the finished job names no model")
    return (
        f"succeeded with {len(job['findings'])} finding(s) from {job['model']}; idempotent submit"
    )


def check_cancel(ctx: Context) -> str:
    with ctx.client() as client:
        submitted = client.post("/v1/analyses", json=sample_request(ctx.framework))
        expect(submitted.status_code == 202, f"submit answered {submitted.status_code}")
        cancelled = client.delete(f"/v1/analyses/{submitted.json()['id']}")
        expect(cancelled.status_code == 200, f"cancel answered {cancelled.status_code}")
        conforms("Job", cancelled.json(), "the cancelled job")
        status = cancelled.json()["status"]
        expect(status in ("cancelled", "succeeded", "failed"), f"after cancel the job is {status}")
    return f"cancel answered with status {status}"


def sse_events(response: httpx.Response) -> Iterator[tuple[str, str]]:
    kind, data = "message", list[str]()
    for line in response.iter_lines():
        if not line:
            if data:
                yield kind, "\n".join(data)
            kind, data = "message", list[str]()
        elif line.startswith("event:"):
            kind = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip())


def check_chat(ctx: Context) -> str:
    body = {
        "framework": ctx.framework,
        "question": "When was the seller account suspended?",
        "document": sample_request(ctx.framework)["document"],
    }
    with (
        ctx.client() as client,
        client.stream("POST", "/v1/chat", json=body, timeout=ctx.timeout_s) as response,
    ):
        expect(response.status_code == 200, f"/v1/chat answered {response.status_code}")
        expect(
            response.headers.get("content-type", "").startswith("text/event-stream"),
            "not an event stream",
        )
        events = list(sse_events(response))
    kinds = [kind for kind, _ in events]
    expect(kinds.count("done") + kinds.count("error") == 1, f"the stream did not end once: {kinds}")
    expect(kinds[-1] == "done", f"the chat ended with {events[-1]}")
    expect("delta" in kinds, "the answer had no text")
    model = json.loads(events[-1][1]).get("model")
    expect(bool(model), "the done event names no model")
    return f"{kinds.count('delta')} delta(s), answered by {model}"


def _sync_body(document_id: str, finding_id: str) -> dict[str, Any]:
    finding = {
        "id": finding_id,
        "section_id": "s001",
        "origin": "rule:conformance",
        "type": "suggestion",
        "risk": "low",
        "category": "Clarity",
        "description": "A conformance finding.",
        "confidence": 0.5,
        "created_at": "2026-01-01T00:00:00.000Z",
        "framework_refs": [1],
    }
    accept = {
        "action": "accept",
        "finding_id": finding_id,
        "actor": "conformance",
        "at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        "seq": 1,
        "before": {"decision": "pending"},
        "after": {"decision": "accepted"},
    }
    return {
        "document_id": document_id,
        "findings": [finding],
        "events": [{"id": "e1", "event": accept}],
    }


def check_event_sync(ctx: Context) -> str:
    review_id = f"conformance-{uuid.uuid4().hex[:16]}"
    body = _sync_body(uuid.uuid4().hex * 2, f"f-{uuid.uuid4().hex[:8]}")
    with ctx.client() as client:
        first = client.post(f"/v1/reviews/{review_id}/events", json=body)
        expect(first.status_code == 200, f"sync answered {first.status_code}: {first.text[:300]}")
        conforms("EventSyncResult", first.json(), "the sync result")
        expect(first.json()["received"] == 1, f"first sync: {first.json()}")
        again = client.post(f"/v1/reviews/{review_id}/events", json=body).json()
        expect(
            again["received"] == 0 and again["duplicates"] == 1,
            f"a repeated sync was not idempotent: {again}",
        )
        stats = client.get("/v1/stats")
        expect(stats.status_code == 200, f"/v1/stats answered {stats.status_code}")
        conforms("Stats", stats.json(), "/v1/stats")
        expect(
            stats.json()["acceptance"]["by_rule"].get("conformance", {}).get("accepted", 0) >= 1,
            "the synced decision is not in the team's statistics",
        )
    ctx.capabilities["_review_id"] = review_id
    return "events are idempotent per id; statistics count them"


def check_isolation(ctx: Context) -> str:
    if ctx.token2 is None:
        raise SkippedError("give --token2 (a token of another team) to check tenant isolation")
    with ctx.client() as mine, ctx.client(ctx.token2) as theirs:
        submitted = mine.post("/v1/analyses", json=sample_request(ctx.framework))
        expect(submitted.status_code == 202, f"submit answered {submitted.status_code}")
        job_id = submitted.json()["id"]
        before = theirs.get("/v1/stats").json()
        problem(theirs.get(f"/v1/analyses/{job_id}"), 404, "NOT_FOUND")
        problem(theirs.delete(f"/v1/analyses/{job_id}"), 404, "NOT_FOUND")
        mine.post(
            f"/v1/reviews/iso-{uuid.uuid4().hex[:12]}/events",
            json=_sync_body(uuid.uuid4().hex * 2, "f-isolated"),
        )
        after = theirs.get("/v1/stats").json()
        expect(
            before["reviews"] == after["reviews"], "another team's review shows in the statistics"
        )
        expect(mine.get(f"/v1/analyses/{job_id}").status_code == 200, "the owner lost its job")
    return "another team gets 404 for the job and does not see the review"


def check_size_limit(ctx: Context) -> str:
    limit = int(ctx.capabilities.get("limits", {}).get("max_request_bytes", 0))
    if not limit:
        raise SkippedError("capabilities did not say the size limit")
    body = b'{"padding": "' + b"x" * (limit + 16) + b'"}'
    with ctx.client() as client:
        problem(
            client.post("/v1/analyses", content=body, headers={"Content-Type": "application/json"}),
            413,
            "REQUEST_TOO_LARGE",
        )
    return f"a body over {limit} bytes is refused (413)"


def check_rate_limit(ctx: Context) -> str:
    per_minute = int(ctx.capabilities.get("limits", {}).get("analyses_per_minute", 0))
    if not per_minute or per_minute > ctx.rate_probe_max:
        raise SkippedError(
            f"the limit ({per_minute}/min) is above --rate-probe-max ({ctx.rate_probe_max})"
        )
    with ctx.client() as client:
        for sent in range(per_minute * 2 + 2):
            response = client.post("/v1/analyses", json={})  # refused as invalid: costs nothing
            if response.status_code == 429:
                body = problem(response, 429, "RATE_LIMITED")
                retry = response.headers.get("Retry-After", "")
                expect(retry.isdigit() and int(retry) >= 1, f"Retry-After is {retry!r}")
                del body
                return f"429 RATE_LIMITED after {sent} request(s), Retry-After {retry} s"
    raise CheckFailedError(f"{per_minute * 2 + 2} requests in a row were never limited")


CHECKS: tuple[tuple[str, Callable[[Context], str]], ...] = (
    ("health", check_health),
    ("auth rejection", check_auth),
    ("capabilities", check_capabilities),
    ("error format", check_error_format),
    ("analysis job", check_analysis),
    ("cancel", check_cancel),
    ("chat stream", check_chat),
    ("event sync", check_event_sync),
    ("tenant isolation", check_isolation),
    ("request size limit", check_size_limit),
    ("rate limit", check_rate_limit),
)
