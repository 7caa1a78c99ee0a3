"""A scripted Reviewer for engine tests: programmable latency, outcomes and reachability."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from aiprism_desktop.core.errors import ProviderError, ProviderUnavailableError
from aiprism_desktop.core.finding_schema import FindingDraft
from aiprism_desktop.core.findings import FindingType, Risk
from aiprism_desktop.core.prompts import DEFAULT_MAX_SECTION_CHARS
from aiprism_desktop.core.reviewer import (
    Attempt,
    ChatEvent,
    ChatRequest,
    Health,
    ProviderInfo,
    SectionReviewRequest,
    SectionReviewResult,
)

Outcome = Callable[[SectionReviewRequest], SectionReviewResult]


def quote_first_sentence(request: SectionReviewRequest, model: str) -> SectionReviewResult:
    """Default script: one finding quoting the section's first body block verbatim."""
    body = [b for b in request.section.blocks if b.kind != "heading"] or list(
        request.section.blocks
    )
    quote = body[0].text[:40]
    draft = FindingDraft(
        origin=f"model:{model}",
        type=FindingType.IMPORTANT,
        risk=Risk.MEDIUM,
        category="Evidence",
        description=f"Check the claim in {request.section.title}.",
        quote=quote,
        framework_refs=(13,),
        confidence=0.7,
    )
    return SectionReviewResult(
        drafts=(draft,), model=model, attempts=(Attempt(model=model, outcome="ok", latency_ms=0),)
    )


@dataclass
class ScriptedReviewer:
    """Reviews with a fixed latency; per-section overrides may raise or return anything."""

    latency: float = 0.0
    model: str = "scripted-model"
    max_concurrency: int = 16
    reachable: bool = True
    name: str = "scripted"
    max_section_chars: int | None = DEFAULT_MAX_SECTION_CHARS
    overrides: dict[str, Outcome] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    closed: int = 0

    @property
    def info(self) -> ProviderInfo:
        return ProviderInfo(
            name=self.name,
            display_name="Scripted test reviewer",
            needs_network=True,
            needs_credentials=False,
            max_concurrency=self.max_concurrency,
            models=(self.model,),
            max_section_chars=self.max_section_chars,
        )

    async def review_section(self, request: SectionReviewRequest) -> SectionReviewResult:
        self.calls.append(request.section.id)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            if not self.reachable:
                raise ProviderUnavailableError(detail="scripted: offline")
            override = self.overrides.get(request.section.id)
            if override is not None:
                return override(request)
            return quote_first_sentence(request, self.model)
        finally:
            self.in_flight -= 1

    async def chat(self, request: ChatRequest) -> AsyncIterator[ChatEvent]:
        yield ChatEvent(kind="delta", text=f"echo: {request.question}", model=self.model)
        yield ChatEvent(kind="done", model=self.model)

    async def health(self) -> Health:
        return Health(reachable=self.reachable)

    async def aclose(self) -> None:
        self.closed += 1


def failing(error: ProviderError) -> Outcome:
    """An override that raises ``error``."""

    def outcome(_request: SectionReviewRequest) -> SectionReviewResult:
        raise error

    return outcome
