"""Review engine: concurrency bound, cancel keeps finished work, cache, outbox, splitting."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aiprism_desktop.app.memory_ports import MemoryCache, MemoryFindings, MemoryOutbox
from aiprism_desktop.core import engine_events as ev
from aiprism_desktop.core.document import Document, Section
from aiprism_desktop.core.engine import ReviewEngine
from aiprism_desktop.core.errors import AuthError, SectionTooLargeError, StoreError
from aiprism_desktop.core.frameworks import Framework, FrameworkPoint
from aiprism_desktop.core.prompts import Prompt, build_review_prompts
from aiprism_desktop.core.reviewer import SectionReviewRequest, SectionReviewResult
from tests.fakes.scripted_provider import ScriptedReviewer, failing, quote_first_sentence
from tests.fakes.synthetic import make_document

FRAMEWORK = Framework(
    id="test",
    name="Test framework",
    version="1",
    description="",
    points=(FrameworkPoint(13, "Documentation and Reporting", "Be complete."),),
    categories=("Evidence",),
)


def engine_for(reviewer: ScriptedReviewer, **kwargs: object) -> ReviewEngine:
    return ReviewEngine(reviewer, FRAMEWORK, **kwargs)  # type: ignore[arg-type]


async def test_analyze_all_reviews_every_section_and_anchors_quotes() -> None:
    document = make_document(sections=5)
    events: list[ev.EngineEvent] = []
    result = await engine_for(ScriptedReviewer()).analyze(document, on_event=events.append)

    assert result == ev.RunFinished("completed", finished=5, failed=0, queued=0, cached=0)
    finished = [e for e in events if isinstance(e, ev.SectionFinished)]
    assert {e.section_id for e in finished} == {s.id for s in document.sections}
    for event in finished:
        (finding,) = event.findings
        section = document.section(event.section_id)
        assert finding.origin == "model:scripted-model"
        assert finding.anchor is not None
        block = document.block(finding.anchor.block_id)
        assert block.text[finding.anchor.start : finding.anchor.end] == finding.quote
        assert finding.section_id == section.id
    progress = [e for e in events if isinstance(e, ev.Progress)]
    assert [p.done for p in progress] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("bound", [1, 3])
async def test_concurrency_bound_is_respected(bound: int) -> None:
    reviewer = ScriptedReviewer(latency=0.02)
    await engine_for(reviewer, concurrency=bound).analyze(make_document(sections=8))
    assert reviewer.max_in_flight == bound
    assert len(reviewer.calls) == 8


async def test_provider_limit_caps_requested_concurrency() -> None:
    reviewer = ScriptedReviewer(latency=0.02, max_concurrency=2)
    engine = engine_for(reviewer, concurrency=8)
    await engine.analyze(make_document(sections=6))
    assert engine.concurrency == 2
    assert reviewer.max_in_flight == 2


async def test_cancel_keeps_finished_sections() -> None:
    document = make_document(sections=6)
    reviewer = ScriptedReviewer(latency=0.05)
    findings = MemoryFindings()
    cache = MemoryCache()
    engine = engine_for(reviewer, concurrency=1, findings=findings, cache=cache)
    events: list[ev.EngineEvent] = []
    two_finished = asyncio.Event()

    def record(event: ev.EngineEvent) -> None:
        events.append(event)
        if sum(isinstance(e, ev.SectionFinished) for e in events) >= 2:
            two_finished.set()

    task = asyncio.create_task(engine.analyze(document, on_event=record))
    await asyncio.wait_for(two_finished.wait(), timeout=10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert isinstance(events[-1], ev.RunFinished)
    assert events[-1].status == "cancelled"
    done = {e.section_id for e in events if isinstance(e, ev.SectionFinished)}
    assert 2 <= len(done) < 6
    assert {section for (_, section) in findings.by_section} == done
    # The finished ones are cached: a second run only calls the provider for the rest.
    reviewer.calls.clear()
    await engine.analyze(document)
    assert sorted(reviewer.calls) == sorted(s.id for s in document.sections if s.id not in done)


async def test_reopening_a_reviewed_document_makes_zero_provider_calls() -> None:
    document = make_document(sections=4)
    cache = MemoryCache()
    first = ScriptedReviewer()
    first_events: list[ev.EngineEvent] = []
    before = await engine_for(first, cache=cache).analyze(document, on_event=first_events.append)
    assert before.cached == 0
    assert len(first.calls) == 4

    second = ScriptedReviewer()  # a new session, same provider and model chain
    events: list[ev.EngineEvent] = []
    after = await engine_for(second, cache=cache).analyze(document, on_event=events.append)
    assert second.calls == []
    assert after.cached == 4
    old_ids = {f.id for e in first_events if isinstance(e, ev.SectionFinished) for f in e.findings}
    new_ids = {f.id for e in events if isinstance(e, ev.SectionFinished) for f in e.findings}
    assert len(old_ids) == 4
    assert new_ids == old_ids  # same ids, so stored decisions still apply


async def test_cache_misses_when_model_chain_or_text_changes() -> None:
    cache = MemoryCache()
    await engine_for(ScriptedReviewer(), cache=cache).analyze(make_document(sections=2))
    other_model = ScriptedReviewer(model="another-model")
    await engine_for(other_model, cache=cache).analyze(make_document(sections=2))
    assert len(other_model.calls) == 2
    changed_text = ScriptedReviewer()
    await engine_for(changed_text, cache=cache).analyze(make_document(sections=2, salt="!"))
    assert len(changed_text.calls) == 2


async def test_unreachable_provider_queues_requests_and_drains_when_back() -> None:
    document = make_document(sections=3)
    reviewer = ScriptedReviewer(reachable=False)
    outbox = MemoryOutbox()
    findings = MemoryFindings()
    engine = engine_for(reviewer, outbox=outbox, findings=findings)
    result = await engine.analyze(document)
    assert result.queued == 3
    assert result.finished == 0
    assert len(await outbox.pending("scripted")) == 3

    async def load(document_id: str) -> Document | None:
        return document if document_id == document.sha256 else None

    assert await engine.drain_outbox(load) == 0  # still offline: nothing runs, nothing lost
    assert len(await outbox.pending()) == 3

    reviewer.reachable = True
    assert await engine.drain_outbox(load) == 3
    assert await outbox.pending() == ()
    assert len(findings.by_section) == 3


async def test_once_the_provider_is_unreachable_waiting_sections_queue_without_calling() -> None:
    document = make_document(sections=8)
    reviewer = ScriptedReviewer(reachable=False, latency=0.01)
    outbox = MemoryOutbox()
    result = await engine_for(reviewer, outbox=outbox, concurrency=2).analyze(document)
    assert result.queued == 8
    assert result.failed == 0
    # Only the calls already in flight when the first failure came back were made.
    assert len(reviewer.calls) == 2
    assert len(await outbox.pending("scripted")) == 8


async def test_when_findings_cannot_be_stored_no_more_model_calls_are_made() -> None:
    class FullDisk(MemoryFindings):
        async def save_findings(self, *args: Any, **kwargs: Any) -> None:
            raise StoreError(detail="database or disk is full")

    document = make_document(sections=12)
    reviewer = ScriptedReviewer(latency=0.01)
    result = await engine_for(reviewer, findings=FullDisk(), concurrency=2).analyze(document)
    assert result.failed == 12
    assert result.finished == 0
    # The first answers could not be kept; only the calls that took the slots those answers
    # freed (while they were being stored) were made besides them.
    assert len(reviewer.calls) <= 2 * 2


async def test_reviewing_a_queued_section_directly_takes_it_off_the_queue() -> None:
    document = make_document(sections=2)
    reviewer = ScriptedReviewer(reachable=False)
    outbox = MemoryOutbox()
    engine = engine_for(reviewer, outbox=outbox)
    await engine.analyze(document)
    assert len(await outbox.pending()) == 2
    reviewer.reachable = True
    result = await engine.analyze(document, ["s001"])
    assert result.finished == 1
    assert [item.section_id for item in await outbox.pending()] == ["s002"]


async def test_a_failing_section_does_not_stop_the_others_and_nothing_is_invented() -> None:
    document = make_document(sections=3)
    reviewer = ScriptedReviewer(overrides={"s002": failing(AuthError(detail="bad key"))})
    events: list[ev.EngineEvent] = []
    result = await engine_for(reviewer).analyze(document, on_event=events.append)
    assert result.status == "failed"
    assert result.failed == 1
    assert result.finished == 2
    (failed,) = [e for e in events if isinstance(e, ev.SectionFailed)]
    assert failed.section_id == "s002"
    assert failed.error.code == "AUTH_FAILED"
    assert not [e for e in events if isinstance(e, ev.SectionFinished) and e.section_id == "s002"]


async def test_too_large_sections_are_split_and_merged() -> None:
    document = make_document(sections=1, paragraphs_per_section=8)
    section = document.sections[0]

    def too_large_unless_small(request: SectionReviewRequest) -> SectionReviewResult:
        if len(request.section.blocks) > 3:
            raise SectionTooLargeError()
        return quote_first_sentence(request, "scripted-model")

    reviewer = ScriptedReviewer(overrides={section.id: too_large_unless_small})
    outcome = await engine_for(reviewer).review_section(document, section)
    # 9 blocks → 4 + 5 → 2 + 2 + 2 + 3: four parts, four findings, all anchored in the section.
    assert len(outcome.findings) == 4
    assert all(f.anchor is not None for f in outcome.findings)
    assert len({f.id for f in outcome.findings}) == 4


async def test_oversized_section_is_reviewed_in_parts_without_truncation() -> None:
    document = make_document(sections=1, paragraphs_per_section=10)
    reviewer = ScriptedReviewer()
    prompts_seen: list[str] = []

    def small_parts(
        document: Document, section: Section, framework: Framework
    ) -> tuple[Prompt, ...]:
        prompts = build_review_prompts(document, section, framework, max_section_chars=200)
        prompts_seen.extend(p.user for p in prompts)
        return prompts

    engine = ReviewEngine(reviewer, FRAMEWORK, prompt_builder=small_parts)
    outcome = await engine.review_section(document, document.sections[0])
    assert len(reviewer.calls) == len(prompts_seen) > 1
    # Every paragraph of the section reached the provider in some part: nothing truncated.
    for block in document.sections[0].blocks:
        assert any(block.text in user for user in prompts_seen)
    assert len(outcome.findings) == len(reviewer.calls)


async def test_empty_sections_are_skipped_without_a_call() -> None:
    document = make_document(sections=2, paragraphs_per_section=0)
    reviewer = ScriptedReviewer()
    events: list[ev.EngineEvent] = []
    await engine_for(reviewer).analyze(document, on_event=events.append)
    assert reviewer.calls == []
    assert sum(isinstance(e, ev.SectionSkipped) for e in events) == 2
