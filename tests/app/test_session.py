"""The application layer driven as a window drives it: open, analyze, decide, export."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import docx
import pytest
from docx2python import docx2python

from aiprism_desktop.app import events as ev
from aiprism_desktop.app.provider_pool import ProviderSpec
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.app.session import ReviewSession
from aiprism_desktop.core.errors import ProviderError, ReviewStateError
from aiprism_desktop.core.findings import Action, Decision, DecisionEvent
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.reviewer import Reviewer
from tests.fakes.scripted_provider import ScriptedReviewer, failing
from tests.support.app_services import SAMPLE, close, open_services


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[AppServices]:
    opened, _factory = await open_services(tmp_path / "data")
    yield opened
    await close(opened)


async def scripted_services(data_dir: Path, reviewer: ScriptedReviewer) -> AppServices:
    async def factory(_spec: ProviderSpec) -> Reviewer:
        return reviewer

    return await AppServices.open(data_dir, reviewer_factory=factory)


async def test_reopening_restores_every_decision_with_zero_provider_calls(tmp_path: Path) -> None:
    services, factory = await open_services(tmp_path / "data")
    try:
        session = await ReviewSession.open(services, SAMPLE, actor="dana")
        run = await session.analyze()
        assert run.status == "completed"
        assert len(factory.calls) == len(session.document.sections)
        found = session.state.finding_states()
        assert len(found) > 10
        await session.accept(found[0].finding.id)
        await session.reject(found[1].finding.id, "dup")
    finally:
        await close(services)

    # A new process: new services, new provider instance, same file.
    services, factory = await open_services(tmp_path / "data")
    try:
        again = await ReviewSession.open(services, SAMPLE)
        rerun = await again.analyze()
        assert factory.calls == []
        assert rerun.cached == len(again.document.sections)
        decisions = {s.finding.id: s.decision for s in again.state.finding_states()}
        assert decisions[found[0].finding.id] is Decision.ACCEPTED
        assert decisions[found[1].finding.id] is Decision.REJECTED
        assert again.state.get(found[1].finding.id).reason == "dup"
        out = tmp_path / "reviewed.docx"
        exported = await again.export(out, reports=[tmp_path / "r.json"])
        assert exported.docx.comments_added == 1
        (comment,) = docx.Document(str(out)).comments
        assert found[0].finding.description in comment.text
    finally:
        await close(services)


async def test_a_decision_clicked_while_the_review_reloads_is_not_lost(
    services: AppServices,
) -> None:
    """The old front ends reloaded after every finished section; an Accept landing while a
    reload had read the log but not yet replaced the state stayed "pending" in memory while it
    was "accepted" on disk. Reproduced against the old ReviewSession before this layer."""
    session = await ReviewSession.open(services, SAMPLE, actor="dana")
    await session.analyze([s.id for s in session.document.sections[:3]])
    target = session.state.finding_states()[0].finding.id
    store = services.store
    real = store.section_reviews
    clicks: list[asyncio.Task[DecisionEvent | None]] = []

    async def section_reviews_then_click(document_id: str) -> object:
        if not clicks:  # the reload has read the decision log: the reviewer presses A now
            clicks.append(asyncio.ensure_future(session.accept(target)))
            await asyncio.sleep(0.05)
        return await real(document_id)

    store.section_reviews = section_reviews_then_click  # type: ignore[method-assign,assignment]
    try:
        await session.reload()
        await asyncio.gather(*clicks)
    finally:
        store.section_reviews = real  # type: ignore[method-assign]
    assert session.state.get(target).decision is Decision.ACCEPTED
    on_disk = await ReviewSession.open(services, SAMPLE)
    assert on_disk.state.get(target).decision is Decision.ACCEPTED


async def test_decisions_made_while_sections_finish_are_all_in_memory_and_on_disk(
    tmp_path: Path,
) -> None:
    reviewer = ScriptedReviewer(latency=0.05, max_concurrency=2)
    services = await scripted_services(tmp_path / "data", reviewer)
    try:
        session = await ReviewSession.open(services, SAMPLE, actor="dana")
        decided: list[str] = []
        clicks: list[asyncio.Task[DecisionEvent | None]] = []

        def window(event: ev.AppEvent) -> None:
            # Each finished section's finding is on screen at once; the reviewer accepts it
            # while the next sections are still being analysed.
            if isinstance(event, ev.SectionFinished) and event.findings:
                finding_id = event.findings[0].id
                assert session.state.contains(finding_id)  # applied before we hear of it
                decided.append(finding_id)
                clicks.append(asyncio.ensure_future(session.accept(finding_id)))

        session.subscribe(window)
        run = await session.analyze(concurrency=2)
        await asyncio.gather(*clicks)
        assert run.finished == len(decided) > 5
        in_memory = {fid: session.state.get(fid).decision for fid in decided}
        assert set(in_memory.values()) == {Decision.ACCEPTED}
        reopened = await ReviewSession.open(services, SAMPLE)
        assert {fid: reopened.state.get(fid).decision for fid in decided} == in_memory
    finally:
        await close(services)


async def test_a_listener_that_raises_never_aborts_the_run(tmp_path: Path) -> None:
    reviewer = ScriptedReviewer(latency=0.01)
    services = await scripted_services(tmp_path / "data", reviewer)
    try:
        session = await ReviewSession.open(services, SAMPLE)
        heard: list[str] = []

        def broken_slot(event: ev.AppEvent) -> None:
            if isinstance(event, ev.SectionFinished):
                raise RuntimeError("a bug in a progress display")

        session.subscribe(broken_slot)
        session.subscribe(lambda event: heard.append(type(event).__name__))
        run = await session.analyze()
        assert run.status == "completed"
        assert run.finished == len(session.document.sections) - run.failed
        assert heard.count("SectionFinished") == run.finished
        assert heard[-1] == "RunFinished"
    finally:
        await close(services)


async def test_engine_sink_that_raises_does_not_abort_the_engine(tmp_path: Path) -> None:
    """The same guarantee one level down: the engine's own event callback."""
    from aiprism_desktop.core.engine import ReviewEngine
    from aiprism_desktop.core.engine_events import EngineEvent
    from tests.support.bedrock_harness import framework

    def sink(event: EngineEvent) -> None:
        raise RuntimeError("broken")

    engine = ReviewEngine(ScriptedReviewer(), framework())
    document = read_document(SAMPLE)
    run = await engine.analyze(document, on_event=sink)
    assert run.status == "completed"
    assert run.finished == len(document.sections)


async def test_own_comments_undo_redo_and_revert_all(services: AppServices) -> None:
    session = await ReviewSession.open(services, SAMPLE, actor="dana")
    await session.analyze()
    section = session.document.sections[6]
    quote = "The root cause was human error"
    assert quote in section.text
    comment = await session.add_comment(
        section.id, {"description": "Name the control that failed.", "quote": quote}
    )
    assert comment.author == "dana"
    assert comment.anchor is not None
    again = await session.add_comment(
        section.id, {"description": "Name the control that failed.", "quote": quote}
    )
    assert again.id == comment.id  # the same comment is not added twice
    with pytest.raises(ReviewStateError, match="not found"):
        await session.add_comment(section.id, {"description": "x", "quote": "nowhere in it"})
    pending = [s for s in session.state.finding_states() if s.decision is Decision.PENDING]
    await session.accept(pending[0].finding.id)
    await session.undo()
    assert session.state.get(pending[0].finding.id).decision is Decision.PENDING
    await session.redo()
    assert session.state.get(pending[0].finding.id).decision is Decision.ACCEPTED
    await session.revert_all()
    assert session.state.get(pending[0].finding.id).decision is Decision.PENDING
    assert not session.state.get(comment.id).deleted  # revert-all keeps own comments
    await session.delete_comment(comment.id)
    assert session.state.get(comment.id).deleted
    actions = [e.action for e in session.state.events]
    assert actions.count(Action.ADD) == 1


async def test_export_never_places_a_comment_on_text_its_quote_no_longer_names(
    services: AppServices, tmp_path: Path
) -> None:
    session = await ReviewSession.open(services, SAMPLE, actor="dana")
    summary = session.document.sections[1]
    await session.analyze([summary.id])
    target = next(s.finding for s in session.state.findings_in(summary.id) if s.finding.anchor)
    new_quote = "The root cause was clearly a failure to verify the bank-account change."
    assert new_quote in summary.text
    assert target.quote not in new_quote
    # An edit of the quote alone, as an older version recorded it: the anchor stayed put.
    stale = DecisionEvent(
        Action.EDIT, target.id, "dana", before={"quote": target.quote}, after={"quote": new_quote}
    )
    await session.record(stale)
    await session.accept(target.id)
    assert session.state.get(target.id).finding.anchor == target.anchor  # still the old spot

    out = tmp_path / "reviewed.docx"
    result = await session.export(out)
    assert result.docx.span_anchored == 1
    with docx2python(out) as reread:
        [(anchored_text, *_rest)] = reread.comments
    assert anchored_text == new_quote

    # Through the session's edit, the anchor moves in the same event.
    assert await session.edit(target.id, {"quote": target.quote}) is not None
    assert session.state.get(target.id).finding.anchor == target.anchor


async def test_section_status_follows_the_run(tmp_path: Path) -> None:
    reviewer = ScriptedReviewer(latency=0.05)
    services = await scripted_services(tmp_path / "data", reviewer)
    try:
        session = await ReviewSession.open(services, SAMPLE)
        section = session.document.sections[2]
        assert session.section_status(section.id).kind == "not_analyzed"
        seen: list[str] = []
        session.subscribe(
            lambda event: (
                seen.append(session.section_status(section.id).label)
                if isinstance(event, ev.SectionStarted) and event.section_id == section.id
                else None
            )
        )
        await session.analyze([section.id])
        assert seen == ["analyzing"]
        status = session.section_status(section.id)
        assert status.kind == "reviewed"
        assert status.findings == status.pending == 1
        (finding,) = session.state.findings_in(section.id)
        await session.accept(finding.finding.id)
        assert session.section_status(section.id).kind == "decided"
        assert session.section_status(section.id).label.endswith("all decided")
    finally:
        await close(services)


async def test_a_failed_section_keeps_its_error_for_a_retry(tmp_path: Path) -> None:
    section_id = read_document(SAMPLE).sections[3].id
    reviewer = ScriptedReviewer()
    reviewer.overrides[section_id] = failing(ModelOutputError("The answer was not valid."))
    services = await scripted_services(tmp_path / "data", reviewer)
    try:
        session = await ReviewSession.open(services, SAMPLE)
        run = await session.analyze([section_id])
        assert run.failed == 1
        status = session.section_status(section_id)
        assert status.kind == "failed"
        assert "not valid" in status.error
        reviewer.overrides.clear()
        retry = await session.analyze([section_id], use_cache=False)
        assert retry.finished == 1
        assert session.section_status(section_id).kind == "reviewed"
    finally:
        await close(services)


class ModelOutputError(ProviderError):
    code = "TEST_MODEL_OUTPUT"
