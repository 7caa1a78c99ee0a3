"""Analysis without a desktop around it: the team server's worker, scripts, batch jobs.

The same engine and providers as the window and the CLI, so the same section and options give
the same findings; but nothing here touches the review database, the OS keyring, platformdirs
or the root logger. Every port (cache, model health) is passed in — in memory by default, Redis
on the team server — the document may come as bytes, and the reviewer is built from explicit
settings (Bedrock through the default AWS credential chain: an ECS task role, say).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aiprism_desktop.app.memory_ports import MemoryCache, MemoryHealth
from aiprism_desktop.aws.settings import AwsSettings
from aiprism_desktop.core import engine_events as ev
from aiprism_desktop.core.document import Document
from aiprism_desktop.core.engine import PromptBuilder, ReviewEngine
from aiprism_desktop.core.engine_events import EventSink
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.ports import ModelHealthRepository, ReviewCache
from aiprism_desktop.core.reviewer import Reviewer
from aiprism_desktop.providers.registry import create_reviewer

if TYPE_CHECKING:
    import boto3


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """How a worker reviews (from environment variables on the team server)."""

    provider: str = "offline"
    region: str | None = None
    bedrock_endpoint_url: str | None = None
    concurrency: int = 8
    allow_global_profiles: bool | None = None
    config_dir: Path | None = None  # a model chain file / rule packs that override the built-in


async def build_reviewer(
    settings: WorkerSettings, health: ModelHealthRepository | None = None
) -> Reviewer:
    """The reviewer for ``settings``; model health in ``health`` (shared Redis on a server)."""

    async def default_chain_session() -> boto3.Session:
        import boto3  # only when Bedrock is asked for

        return await asyncio.to_thread(boto3.Session, region_name=settings.region)

    return await create_reviewer(
        settings.provider,
        config_dir=settings.config_dir,
        health=health or MemoryHealth(),
        aws=AwsSettings(region=settings.region, bedrock_endpoint_url=settings.bedrock_endpoint_url),
        session_factory=default_chain_session,
        concurrency=settings.concurrency,
        allow_global_profiles=settings.allow_global_profiles,
    )


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    """What one job produced: the run's totals and every section's outcome event."""

    run: ev.RunFinished
    sections: dict[str, ev.EngineEvent] = field(default_factory=dict)


async def analyze(
    document: Document,
    framework: Framework,
    reviewer: Reviewer,
    section_ids: Sequence[str] | None = None,
    *,
    cache: ReviewCache | None = None,
    on_event: EventSink | None = None,
    prompt_builder: PromptBuilder | None = None,
) -> AnalysisResult:
    """Review sections of ``document``; each section ends in exactly one outcome event
    (finished, skipped, failed; never queued: a server reports failures to its client).

    ``prompt_builder`` lets the team server build the prompts from the outline its client sent
    (``backend_contract.server.analysis``)."""
    outcomes: dict[str, ev.EngineEvent] = {}

    async def collect(event: ev.EngineEvent) -> None:
        if isinstance(event, ev.SectionFinished | ev.SectionSkipped | ev.SectionFailed):
            outcomes[event.section_id] = event
        if on_event is not None:
            result = on_event(event)
            if result is not None:
                await result

    engine = ReviewEngine(
        reviewer,
        framework,
        cache=cache if cache is not None else MemoryCache(),
        concurrency=reviewer.info.max_concurrency,
        prompt_builder=prompt_builder,
    )
    run = await engine.analyze(document, section_ids, on_event=collect)
    return AnalysisResult(run, outcomes)
