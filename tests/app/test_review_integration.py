"""The main job without a front end: sample → offline reviewer → store → decisions → export."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx2python import docx2python

from aiprism_desktop.app.session import ReviewSession
from aiprism_desktop.core import engine_events as ev
from aiprism_desktop.core.engine import ReviewEngine
from aiprism_desktop.core.findings import Action, DecisionEvent
from aiprism_desktop.core.frameworks import load_frameworks
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.resources import resources_dir
from aiprism_desktop.core.reviewer import (
    ChatEvent,
    ChatRequest,
    Health,
    ProviderInfo,
    SectionReviewRequest,
    SectionReviewResult,
)
from aiprism_desktop.providers.offline.reviewer import OfflineReviewer
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
    document = read_document(SAMPLE)

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
        rerun = await engine.analyze(read_document(SAMPLE))
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


async def test_export_never_places_a_comment_on_text_its_quote_no_longer_names(
    tmp_path: Path,
) -> None:
    framework = load_frameworks(None)["hawkeye"]
    document = read_document(SAMPLE)
    store = await Store.open(AppPaths.resolve(tmp_path / "data").ensure())
    try:
        await store.save_document(document)
        engine = ReviewEngine(OfflineReviewer(), framework, findings=store)
        summary = document.sections[1]
        await engine.analyze(document, [summary.id])
        session = ReviewSession(store, document, framework)
        state = await session.reload()
        target = next(s.finding for s in state.findings_in(summary.id) if s.finding.anchor)
        new_quote = "The root cause was clearly a failure to verify the bank-account change."
        assert new_quote in summary.text
        assert target.quote not in new_quote
        # An edit of the quote alone, as an older version recorded it: the anchor stayed put.
        stale = DecisionEvent(
            Action.EDIT,
            target.id,
            "dana",
            before={"quote": target.quote},
            after={"quote": new_quote},
        )
        await session.record(stale)
        await session.record(session.state.accept(target.id, actor="dana"))
        assert session.state.get(target.id).finding.anchor == target.anchor  # still the old spot

        out = tmp_path / "reviewed.docx"
        result = await session.export(out)
        assert result.docx.span_anchored == 1
        with docx2python(out) as reread:
            [(anchored_text, *_rest)] = reread.comments
        assert anchored_text == new_quote

        # Through the session's edit, the anchor moves in the same event.
        event = session.edit(target.id, {"quote": target.quote}, actor="dana")
        assert event is not None
        stored = await session.record(event)
        assert stored is not None
        assert session.state.get(target.id).finding.anchor == target.anchor
    finally:
        await store.close()
