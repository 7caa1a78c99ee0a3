"""The contract every Reviewer (offline, bedrock, backend, ...) must honour.

Use it dangerzone-style: subclass ``ReviewerContract`` in a ``test_*.py`` module and override
the fixtures that make your provider:

``provider``
    A fresh, unused provider for each test (required).
``provider_with_invalid_output``
    A provider whose next ``review_section`` receives output that is not valid findings: for a
    model provider, a scripted malformed answer from the fake server (on every model of the
    chain, so fallback cannot hide it); for the offline reviewer, a check that misquotes.
    Reviewing must raise ``InvalidResponseError`` (required).
``slow_provider`` / ``slow_review_request``
    A provider and request whose review is still running ``cancel_after`` seconds after it
    starts (e.g. the fake server answering with a few seconds of latency). Defaults: ``provider``
    and ``review_request``, which suits providers that yield to the loop while they work.

``document``, ``framework``, ``review_request`` and ``chat_request`` default to the bundled
sample investigation report, the Hawkeye framework and its Executive Summary; override them if
your provider needs scripted answers for a particular input. Each test runs its scenario in its
own ``asyncio.run`` and closes the provider itself.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import ClassVar, TypeVar

import pytest

from aiprism_desktop.core.document import Document
from aiprism_desktop.core.errors import InvalidResponseError
from aiprism_desktop.core.finding_schema import MAX_QUOTE_CHARS, FindingDraft
from aiprism_desktop.core.findings import FindingType, Risk
from aiprism_desktop.core.frameworks import Framework, load_frameworks
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.prompts import build_review_prompt
from aiprism_desktop.core.resources import resources_dir
from aiprism_desktop.core.reviewer import (
    ChatEvent,
    ChatRequest,
    Health,
    ProviderInfo,
    Reviewer,
    SectionReviewRequest,
    SectionReviewResult,
)

T = TypeVar("T")
_ORIGIN = re.compile(r"^(model|rule):\S+$")


def sample_path() -> Path:
    """The bundled sample investigation report."""
    return resources_dir() / "samples" / "investigation_report.docx"


def run(awaitable: Awaitable[T], timeout: float = 60.0) -> T:
    """Run one scenario on a fresh event loop, failing instead of hanging."""

    async def bounded() -> T:
        return await asyncio.wait_for(awaitable, timeout)

    return asyncio.run(bounded())


class ReviewerContract:
    """Tests every provider must pass. Subclass and provide the fixtures described above."""

    # Minimum number of findings the provider returns for ``review_request``.
    min_findings: ClassVar[int] = 1
    # How long to let the slow review run before cancelling it, and how soon it must stop.
    cancel_after: ClassVar[float] = 0.0
    cancel_deadline: ClassVar[float] = 2.0

    # --- fixtures to override ------------------------------------------------------------

    @pytest.fixture
    def provider(self) -> Reviewer:
        raise NotImplementedError("override the `provider` fixture")

    @pytest.fixture
    def provider_with_invalid_output(self) -> Reviewer:
        raise NotImplementedError("override the `provider_with_invalid_output` fixture")

    @pytest.fixture
    def slow_provider(self, provider: Reviewer) -> Reviewer:
        return provider

    @pytest.fixture
    def slow_review_request(self, review_request: SectionReviewRequest) -> SectionReviewRequest:
        return review_request

    @pytest.fixture
    def framework(self) -> Framework:
        return load_frameworks(None)["hawkeye"]

    @pytest.fixture
    def document(self) -> Document:
        return read_document(sample_path())

    @pytest.fixture
    def review_request(self, document: Document, framework: Framework) -> SectionReviewRequest:
        section = next(
            (s for s in document.sections if "summary" in s.title.lower()),
            next(s for s in document.sections if not s.is_empty),
        )
        prompt = build_review_prompt(document, section, framework)
        return SectionReviewRequest(document, section, framework, prompt)

    @pytest.fixture
    def chat_request(self, document: Document, framework: Framework) -> ChatRequest:
        return ChatRequest(document, "When was the seller account suspended?", framework)

    # --- checks subclasses may extend ----------------------------------------------------

    def check_draft(
        self, draft: FindingDraft, request: SectionReviewRequest, result: SectionReviewResult
    ) -> None:
        """What every draft must satisfy, whoever produced it."""
        assert isinstance(draft, FindingDraft)
        assert _ORIGIN.match(draft.origin), draft.origin
        if draft.origin.startswith("model:"):
            assert draft.origin == f"model:{result.model}", "origin must name the model used"
        assert isinstance(draft.type, FindingType)
        assert isinstance(draft.risk, Risk)
        assert draft.category.strip()
        assert draft.description.strip()
        assert 0.0 <= draft.confidence <= 1.0
        numbers = {point.number for point in request.framework.points}
        assert set(draft.framework_refs) <= numbers, draft.framework_refs
        assert isinstance(draft.quote, str)
        assert len(draft.quote) <= MAX_QUOTE_CHARS
        assert all(isinstance(q, str) and q.strip() for q in draft.questions)

    # --- the contract ----------------------------------------------------------------------

    def test_info_describes_the_provider(self, provider: Reviewer) -> None:
        assert isinstance(provider, Reviewer)
        info = provider.info
        assert isinstance(info, ProviderInfo)
        assert info.name.strip()
        assert info.display_name.strip()
        assert info.max_concurrency >= 1
        run(provider.aclose())

    def test_review_returns_validated_drafts(
        self, provider: Reviewer, review_request: SectionReviewRequest
    ) -> None:
        async def scenario() -> SectionReviewResult:
            try:
                return await provider.review_section(review_request)
            finally:
                await provider.aclose()

        result = run(scenario())
        assert isinstance(result, SectionReviewResult)
        assert isinstance(result.model, str)
        assert result.model.strip()
        assert len(result.drafts) >= self.min_findings
        for draft in result.drafts:
            self.check_draft(draft, review_request, result)

    def test_invalid_output_raises_invalid_response(
        self, provider_with_invalid_output: Reviewer, review_request: SectionReviewRequest
    ) -> None:
        async def scenario() -> None:
            try:
                await provider_with_invalid_output.review_section(review_request)
            finally:
                await provider_with_invalid_output.aclose()

        with pytest.raises(InvalidResponseError) as raised:
            run(scenario())
        assert raised.value.code == "INVALID_RESPONSE"
        assert raised.value.message.strip()

    def test_cancel_is_prompt_and_provider_stays_usable(
        self,
        slow_provider: Reviewer,
        slow_review_request: SectionReviewRequest,
        review_request: SectionReviewRequest,
    ) -> None:
        async def scenario() -> tuple[float, SectionReviewResult]:
            try:
                task = asyncio.create_task(slow_provider.review_section(slow_review_request))
                await asyncio.sleep(self.cancel_after)
                assert not task.done(), "the review finished before it could be cancelled"
                task.cancel()
                began = time.monotonic()
                with pytest.raises(asyncio.CancelledError):
                    await task
                elapsed = time.monotonic() - began
                return elapsed, await slow_provider.review_section(review_request)
            finally:
                await slow_provider.aclose()

        elapsed, after = run(scenario())
        assert elapsed < self.cancel_deadline
        assert isinstance(after, SectionReviewResult)
        assert after.model.strip()

    def test_close_twice_is_harmless(self, provider: Reviewer) -> None:
        async def scenario() -> None:
            await provider.aclose()
            await provider.aclose()

        run(scenario())

    def test_chat_streams_deltas_then_done(
        self, provider: Reviewer, chat_request: ChatRequest
    ) -> None:
        async def scenario() -> list[ChatEvent]:
            try:
                return [event async for event in provider.chat(chat_request)]
            finally:
                await provider.aclose()

        events = run(scenario())
        assert all(isinstance(event, ChatEvent) for event in events)
        assert events
        assert events[-1].kind == "done"
        assert [e.kind for e in events].count("done") == 1
        last_restart = max((i for i, e in enumerate(events) if e.kind == "restarted"), default=-1)
        answer = [e for e in events[last_restart + 1 : -1] if e.kind == "delta"]
        assert answer
        assert "".join(e.text for e in answer).strip()

    def test_health_returns_a_health(self, provider: Reviewer) -> None:
        async def scenario() -> Health:
            try:
                return await provider.health()
            finally:
                await provider.aclose()

        health = run(scenario())
        assert isinstance(health, Health)
        assert isinstance(health.reachable, bool)
