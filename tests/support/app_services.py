"""Application services for tests: a private data dir, the real store, a countable provider."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiprism_desktop.app.logging_setup import remove_app_handlers
from aiprism_desktop.app.provider_pool import ProviderSpec
from aiprism_desktop.app.services import AppServices
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

SAMPLE = resources_dir() / "samples" / "investigation_report.docx"


@dataclass
class CountingReviewer:
    """Counts the calls that reach the wrapped (real) reviewer; notes when it is closed."""

    inner: Reviewer
    calls: list[str] = field(default_factory=list)
    closed: bool = False

    @property
    def info(self) -> ProviderInfo:
        return self.inner.info

    async def review_section(self, request: SectionReviewRequest) -> SectionReviewResult:
        self.calls.append(request.section.id)
        return await self.inner.review_section(request)

    def chat(self, request: ChatRequest) -> AsyncIterator[ChatEvent]:
        return self.inner.chat(request)

    async def health(self) -> Health:
        return await self.inner.health()

    async def aclose(self) -> None:
        self.closed = True
        await self.inner.aclose()


@dataclass
class CountingFactory:
    """A reviewer factory that wraps every reviewer the registry builds in a counter."""

    built: list[CountingReviewer] = field(default_factory=list)
    services: AppServices | None = None

    async def __call__(self, spec: ProviderSpec) -> Reviewer:
        assert self.services is not None
        reviewer = CountingReviewer(await self.services.build_reviewer(spec))
        self.built.append(reviewer)
        return reviewer

    @property
    def calls(self) -> list[str]:
        return [call for reviewer in self.built for call in reviewer.calls]


OpenServices = Callable[[Path], Awaitable[tuple[AppServices, CountingFactory]]]


async def open_services(data_dir: Path) -> tuple[AppServices, CountingFactory]:
    """Services on ``data_dir`` whose reviewers are counted; close them with ``close``."""
    factory = CountingFactory()
    services = await AppServices.open(data_dir, reviewer_factory=factory)
    factory.services = services
    return services, factory


async def close(services: AppServices) -> None:
    await services.close()
    remove_app_handlers()
