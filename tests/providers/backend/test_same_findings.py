"""Same section and options → same prompt and same findings (and the same chat prompt), from the
desktop or the backend.

The desktop reviews a document with Bedrock directly (the fake Bedrock, real boto3); then with
the ``backend`` provider, whose workers call the same fake Bedrock. The fake records every
request body: both routes must send byte-identical Converse requests (system prompt, outline,
section text, tool schema, inference settings), and the engine must produce the same findings
(ids, anchors, every field). Sections longer than a provider's models take go in the same parts
on both sides: tests/backend/test_server_parts.py checks that with a small part size.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any

import pytest

from aiprism_desktop.app.memory_ports import MemoryHealth
from aiprism_desktop.core import engine_events as ev
from aiprism_desktop.core.document import Document
from aiprism_desktop.core.engine import ReviewEngine
from aiprism_desktop.core.findings import Finding
from aiprism_desktop.core.frameworks import Framework, load_frameworks
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.prompts import DEFAULT_MAX_SECTION_CHARS
from aiprism_desktop.core.reviewer import ChatMessage, ChatRequest, Reviewer
from aiprism_desktop.providers.backend.reviewer import BackendReviewer
from aiprism_desktop.providers.backend.settings import BackendSettings
from tests.fakes.synthetic import make_section
from tests.providers.contract import sample_path
from tests.support.backend_servers import RunningBackend
from tests.support.bedrock_harness import KEYS, finding, reviewer, scenario

pytestmark = pytest.mark.slow


def document_with_long_section() -> Document:
    """The sample report plus a section long enough to be reviewed in several prompts."""
    sample = read_document(sample_path())
    paragraphs = [
        f"Paragraph {i}: the seller account was reviewed again and the evidence was filed. " * 6
        for i in range(80)
    ]
    long_section = make_section(len(sample.sections) + 1, "Detailed timeline", paragraphs, 9000)
    return replace(sample, sections=(*sample.sections, long_section))


def quoting_scenario(document: Document) -> dict[str, Any]:
    """Every model answers with two findings, one quoting the sample's first body text."""
    quote = next(s for s in document.sections if not s.is_empty).blocks[-1].text[:60]
    first, second = finding("a gap in the summary"), finding("missing evidence")
    answer = {"kind": "success", "findings": [{**first, "quote": quote}, second]}
    return scenario({key: [answer] for key in KEYS})


async def review_all(
    reviewer_: Reviewer, document: Document, framework: Framework
) -> list[Finding]:
    engine = ReviewEngine(reviewer_, framework, concurrency=4)
    found: list[Finding] = []

    async def collect(event: ev.EngineEvent) -> None:
        if isinstance(event, ev.SectionFinished):
            found.extend(event.findings)
        elif isinstance(event, ev.SectionFailed):
            raise AssertionError(f"{event.section_id} failed: {event.error}")

    try:
        await engine.analyze(document, on_event=collect)
    finally:
        await reviewer_.aclose()
    return sorted(found, key=lambda f: f.id)


def request_bodies(backend: RunningBackend) -> list[str]:
    return sorted(json.dumps(r.body, sort_keys=True) for r in backend.fake.requests_for("converse"))


def comparable(findings: list[Finding]) -> list[Finding]:
    return [replace(f, created_at="") for f in findings]


def test_backend_sends_the_desktop_prompt_and_returns_the_desktop_findings(
    backend: RunningBackend,
) -> None:
    document = document_with_long_section()
    framework = load_frameworks(None)["hawkeye"]
    # Longer than the old fixed part size: a client that split it itself would differ.
    assert len(document.sections[-1].text) > DEFAULT_MAX_SECTION_CHARS
    backend.fake.set_scenario(quoting_scenario(document))

    backend.fake.reset()
    direct = asyncio.run(
        review_all(reviewer(backend.fake.endpoint_url, MemoryHealth()), document, framework)
    )
    direct_bodies = request_bodies(backend)

    backend.fake.reset()
    settings = BackendSettings(url=backend.url, token=backend.token())
    via_backend = asyncio.run(review_all(BackendReviewer(settings), document, framework))
    backend_bodies = request_bodies(backend)

    reviewed = [s for s in document.sections if not s.is_empty]
    assert len(direct_bodies) == len(reviewed)  # the chain's models take the long one whole
    assert backend_bodies == direct_bodies
    assert len(direct) == 2 * len(direct_bodies)
    assert any(f.anchor is not None for f in direct), "the quoting finding must anchor somewhere"
    assert comparable(via_backend) == comparable(direct)


async def ask(reviewer_: Reviewer, request: ChatRequest) -> str:
    try:
        return "".join([e.text async for e in reviewer_.chat(request) if e.kind == "delta"])
    finally:
        await reviewer_.aclose()


def test_backend_chat_sends_the_desktop_chat_prompt(backend: RunningBackend) -> None:
    document = read_document(sample_path())
    framework = load_frameworks(None)["hawkeye"]
    section = next(s for s in document.sections if not s.is_empty)
    request = ChatRequest(
        document,
        "Is the root cause systemic?",
        framework,
        section_id=section.id,
        selected_text=section.blocks[-1].text[:40],
        history=(ChatMessage("user", "Who wrote this?"), ChatMessage("assistant", "The analyst.")),
    )
    backend.fake.reset()
    direct = asyncio.run(ask(reviewer(backend.fake.endpoint_url, MemoryHealth()), request))
    direct_bodies = [
        json.dumps(r.body, sort_keys=True) for r in backend.fake.requests_for("converse-stream")
    ]
    backend.fake.reset()
    settings = BackendSettings(url=backend.url, token=backend.token())
    via_backend = asyncio.run(ask(BackendReviewer(settings), request))
    backend_bodies = [
        json.dumps(r.body, sort_keys=True) for r in backend.fake.requests_for("converse-stream")
    ]
    assert len(direct_bodies) == 1
    assert backend_bodies == direct_bodies
    assert via_backend == direct
    assert direct.strip()
