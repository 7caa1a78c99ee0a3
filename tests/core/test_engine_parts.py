"""Long sections: parts sized from the provider, submitted together under one call limiter,
merged in document order, each part's attempts kept."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from aiprism_desktop.app.memory_ports import MemoryCache, MemoryFindings
from aiprism_desktop.core import engine_events as ev
from aiprism_desktop.core.engine import ReviewEngine
from aiprism_desktop.core.reviewer import Attempt, SectionReviewRequest, SectionReviewResult
from tests.core.test_engine import FRAMEWORK
from tests.fakes.scripted_provider import ScriptedReviewer, quote_first_sentence
from tests.fakes.synthetic import make_document


def by_part(request: SectionReviewRequest) -> SectionReviewResult:
    """One finding per part, quoting the first paragraph the part carries."""
    result = quote_first_sentence(request, "scripted-model")
    text = request.prompt.user.split("<section_text>", 1)[-1]
    first = next(b for b in request.section.blocks if b.text and b.text in text)
    draft = result.drafts[0]
    part = request.prompt.user.split("This is part ", 1)[-1].split(" ", 1)[0]
    attempt = Attempt(model=f"part-{part}", outcome="ok", latency_ms=1)
    return SectionReviewResult(
        drafts=(replace(draft, quote=first.text[:30]),),
        model="scripted-model",
        attempts=(attempt,),
    )


async def test_parts_of_a_long_section_run_in_parallel_and_merge_in_order() -> None:
    document = make_document(sections=1, paragraphs_per_section=12)
    section = document.sections[0]
    reviewer = ScriptedReviewer(latency=0.05, max_section_chars=250)
    reviewer.overrides[section.id] = by_part
    findings = MemoryFindings()
    engine = ReviewEngine(reviewer, FRAMEWORK, findings=findings, concurrency=8)
    events: list[ev.EngineEvent] = []
    run = await engine.analyze(document, on_event=events.append)
    assert run.finished == 1
    parts = len(reviewer.calls)
    assert parts >= 3
    assert reviewer.max_in_flight == parts  # all parts at once, not one after another
    (finished,) = [e for e in events if isinstance(e, ev.SectionFinished)]
    starts = [f.anchor.block_id for f in finished.findings if f.anchor]
    block_order = [b.id for b in section.blocks]
    assert len(starts) == parts
    assert starts == sorted(starts, key=block_order.index)  # document order
    assert [a.model for a in finished.attempts] == [f"part-{i}" for i in range(1, parts + 1)]


async def test_one_limiter_counts_model_calls_not_sections() -> None:
    document = make_document(sections=6, paragraphs_per_section=10)
    reviewer = ScriptedReviewer(latency=0.02, max_section_chars=200)
    run = await ReviewEngine(reviewer, FRAMEWORK, concurrency=3).analyze(document)
    assert run.finished == 6
    assert len(reviewer.calls) > 6 * 2  # every section came in several parts
    assert reviewer.max_in_flight == 3


async def test_a_section_starts_when_its_first_call_gets_a_slot() -> None:
    document = make_document(sections=4)
    reviewer = ScriptedReviewer(latency=0.01)
    seen: list[tuple[str, int, int]] = []

    def sink(event: ev.EngineEvent) -> None:
        if isinstance(event, ev.SectionStarted):
            seen.append((event.section_id, len(reviewer.calls), reviewer.in_flight))

    await ReviewEngine(reviewer, FRAMEWORK, concurrency=1).analyze(document, on_event=sink)
    # With one slot, section k starts only once the k-1 calls before it have returned.
    assert seen == [(s.id, k, 0) for k, s in enumerate(document.sections)]


async def test_a_provider_without_a_size_limit_gets_whole_sections() -> None:
    document = make_document(sections=1, paragraphs_per_section=2000)  # ~150,000 characters
    reviewer = ScriptedReviewer(max_section_chars=None)
    await ReviewEngine(reviewer, FRAMEWORK).analyze(document)
    assert reviewer.calls == [document.sections[0].id]


async def test_an_answer_that_arrived_is_kept_when_the_run_is_cancelled() -> None:
    """The reviewer pressed Cancel while a section's answer was being anchored and stored: the
    answer (paid for) is still stored, then the run ends as cancelled."""
    from aiprism_desktop.core.ports import CachedReview, CacheKey

    entered = asyncio.Event()
    release = asyncio.Event()

    class SlowCache(MemoryCache):
        async def put(self, key: CacheKey, review: CachedReview) -> None:
            entered.set()
            await release.wait()
            await super().put(key, review)

    document = make_document(sections=1)
    findings = MemoryFindings()
    engine = ReviewEngine(ScriptedReviewer(), FRAMEWORK, cache=SlowCache(), findings=findings)
    run = asyncio.ensure_future(engine.analyze(document))
    await asyncio.wait_for(entered.wait(), 5)
    run.cancel()
    await asyncio.sleep(0.05)
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await run
    assert await findings.findings(document.sha256)  # stored although the run was cancelled
