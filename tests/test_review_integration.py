"""The main job without a front end: sample → offline reviewer → store → decisions → export."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import docx

from aiprism_desktop.core import engine_events as ev
from aiprism_desktop.core.document import load_document
from aiprism_desktop.core.engine import ReviewEngine
from aiprism_desktop.core.frameworks import load_frameworks
from aiprism_desktop.providers.base import (
    ChatEvent,
    ChatRequest,
    Health,
    ProviderInfo,
    SectionReviewRequest,
    SectionReviewResult,
)
from aiprism_desktop.providers.offline import OfflineReviewer
from aiprism_desktop.resources_path import resources_dir
from aiprism_desktop.review_session import ReviewSession
from aiprism_desktop.store.paths import AppPaths
from aiprism_desktop.store.store import Store

SAMPLE = resources_dir() / "samples" / "investigation_report.docx"


@dataclass
class CountingReviewer:
    """Counts the calls that reach the wrapped (real) reviewer."""

    inner: OfflineReviewer
    calls: list[str] = field(default_factory=list)

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
        await self.inner.aclose()


async def test_reviewed_document_reopens_with_zero_provider_calls_and_its_decisions(
    tmp_path: Path,
) -> None:
    paths = AppPaths.resolve(tmp_path / "data").ensure()
    framework = load_frameworks(None)["hawkeye"]
    document = load_document(SAMPLE)

    store = await Store.open(paths)
    first = CountingReviewer(OfflineReviewer())
    events: list[ev.EngineEvent] = []
    engine = ReviewEngine(first, framework, cache=store, findings=store, outbox=store)
    await store.save_document(document)
    result = await engine.analyze(document, on_event=events.append)
    assert result.status == "completed"
    assert len(first.calls) == len(document.sections)
    session = ReviewSession(store, document, framework)
    state = await session.reload()
    found = state.finding_states()
    assert len(found) > 10
    await session.record(state.accept(found[0].finding.id, actor="dana"))
    await session.record(session.state.reject(found[1].finding.id, actor="dana", reason="dup"))
    await store.close()

    # A new process: new store handle, new provider instance, same document file.
    reopened = await Store.open(paths)
    try:
        again = CountingReviewer(OfflineReviewer())
        engine = ReviewEngine(again, framework, cache=reopened, findings=reopened)
        rerun = await engine.analyze(load_document(SAMPLE))
        assert again.calls == []
        assert rerun.cached == len(document.sections)
        session = ReviewSession(reopened, document, framework)
        state = await session.reload()
        decisions = {s.finding.id: s.decision.value for s in state.finding_states()}
        assert decisions[found[0].finding.id] == "accepted"
        assert decisions[found[1].finding.id] == "rejected"
        assert state.get(found[1].finding.id).reason == "dup"

        out = tmp_path / "reviewed.docx"
        exported = await session.export(out, reports=[tmp_path / "r.json"])
        assert exported.docx.comments_added == 1
        (comment,) = docx.Document(str(out)).comments
        assert found[0].finding.description in comment.text
    finally:
        await reopened.close()
