"""What a cached review and a finding id depend on, and what the engine keeps per section."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from aiprism_desktop.app.memory_ports import MemoryCache, MemoryFindings, MemoryOutbox
from aiprism_desktop.core import engine_events as ev
from aiprism_desktop.core.codec import attempts_from_json
from aiprism_desktop.core.document import Document
from aiprism_desktop.core.engine import ReviewEngine
from aiprism_desktop.core.engine_parts import queued_framework
from aiprism_desktop.core.finding_schema import FindingDraft
from aiprism_desktop.core.findings import FindingType, Risk
from aiprism_desktop.core.frameworks import Framework, FrameworkPoint, load_frameworks
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.resources import resources_dir
from aiprism_desktop.core.review import ReviewState
from aiprism_desktop.core.review_keys import finding_id
from aiprism_desktop.core.reviewer import SectionReviewRequest, SectionReviewResult
from aiprism_desktop.providers.offline.reviewer import OfflineReviewer
from tests.fakes.scripted_provider import ScriptedReviewer
from tests.fakes.synthetic import make_document, make_section

SAMPLE = resources_dir() / "samples" / "investigation_report.docx"
FRAMEWORK = Framework(
    id="test",
    name="Test framework",
    version="1",
    description="",
    points=(FrameworkPoint(13, "Documentation and Reporting", "Be complete."),),
    categories=("Evidence",),
)


def sample_with_changed_summary(tmp_path: Path) -> Path:
    """The sample with other figures in its Executive Summary (every other section unchanged),
    so the date and figure contradictions the sample plants disappear."""
    source = zipfile.ZipFile(SAMPLE)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                for old, new in (
                    ("On 5 March 2025 our automated", "On 3 March 2025 our automated"),
                    ("affected 1,200 customers", "affected 1,500 customers"),
                ):
                    assert text.count(old) == 1
                    text = text.replace(old, new)
                data = text.encode("utf-8")
            target.writestr(item, data)
    path = tmp_path / "changed-summary.docx"
    path.write_bytes(buffer.getvalue())
    return path


def finding_keys(events: list[ev.EngineEvent]) -> dict[str, list[tuple[str, str, str]]]:
    return {
        e.section_id: sorted((f.origin, f.description, f.quote) for f in e.findings)
        for e in events
        if isinstance(e, ev.SectionFinished)
    }


async def test_cache_hit_never_carries_findings_that_depend_on_other_sections(
    tmp_path: Path,
) -> None:
    hawkeye = load_frameworks(None)["hawkeye"]
    original = read_document(SAMPLE)
    changed = read_document(sample_with_changed_summary(tmp_path))
    unchanged_ids = {
        a.id
        for a, b in zip(original.sections, changed.sections, strict=True)
        if a.content_hash == b.content_hash
    }
    assert len(unchanged_ids) == len(original.sections) - 1

    cache = MemoryCache()
    await ReviewEngine(OfflineReviewer(), hawkeye, cache=cache).analyze(original)
    after_original: list[ev.EngineEvent] = []
    engine = ReviewEngine(OfflineReviewer(), hawkeye, cache=cache)
    await engine.analyze(changed, on_event=after_original.append)
    fresh: list[ev.EngineEvent] = []
    await ReviewEngine(OfflineReviewer(), hawkeye).analyze(changed, on_event=fresh.append)

    assert finding_keys(after_original) == finding_keys(fresh)
    origins = {o for keys in finding_keys(after_original).values() for o, _, _ in keys}
    assert "rule:contradictory-dates" not in origins  # the old contradiction is gone
    # And reviewing the same document again is still served entirely from the cache.
    again: list[ev.EngineEvent] = []
    rerun = await engine.analyze(changed, on_event=again.append)
    assert rerun.cached == rerun.finished == len(changed.sections)
    assert finding_keys(again) == finding_keys(fresh)


async def test_model_provider_cache_misses_when_the_outline_changes() -> None:
    cache = MemoryCache()
    document = make_document(sections=3)
    await ReviewEngine(ScriptedReviewer(), FRAMEWORK, cache=cache).analyze(document)
    renamed = replace(
        document, sections=(replace(document.sections[0], title="Renamed"), *document.sections[1:])
    )
    assert [s.content_hash for s in renamed.sections[1:]] == [
        s.content_hash for s in document.sections[1:]
    ]
    reviewer = ScriptedReviewer()
    await ReviewEngine(reviewer, FRAMEWORK, cache=cache).analyze(renamed)
    # s002 and s003 are unchanged, but their prompts show the outline, which changed.
    assert sorted(reviewer.calls) == ["s001", "s002", "s003"]
    same = ScriptedReviewer()
    await ReviewEngine(same, FRAMEWORK, cache=cache).analyze(renamed)
    assert same.calls == []


def draft(**changes: Any) -> FindingDraft:
    base = FindingDraft(
        origin="model:m",
        type=FindingType.SUGGESTION,
        risk=Risk.LOW,
        category="Evidence",
        description="Vague claim",
        quote="It appears",
        replacement="It is likely",
    )
    return replace(base, **changes)


def test_finding_id_covers_every_content_field() -> None:
    section = make_document(sections=1).sections[0]
    base = finding_id(section, draft(), 0)
    variants: list[dict[str, Any]] = [
        {"type": FindingType.CRITICAL},
        {"risk": Risk.HIGH},
        {"category": "Timeline"},
        {"description": "Another claim"},
        {"suggestion": "Say who"},
        {"example": "On 3 May"},
        {"questions": ("Who?",)},
        {"framework_refs": (13,)},
        {"quote": "It appears that"},
        {"replacement": "The attacker definitely"},
        {"replacement": None},
        {"origin": "model:other"},
    ]
    ids = {finding_id(section, draft(**v), 0) for v in variants}
    assert base not in ids
    assert len(ids) == len(variants)
    assert finding_id(section, draft(), 0) == base  # and it is deterministic
    assert finding_id(section, draft(confidence=0.9), 0) == base  # not a reviewer-facing field


async def test_a_changed_answer_does_not_inherit_the_old_decision() -> None:
    document = make_document(sections=1)
    section = document.sections[0]
    answers = iter([draft(), draft(replacement="The attacker definitely", risk=Risk.HIGH)])

    def answer(_request: SectionReviewRequest) -> SectionReviewResult:
        return SectionReviewResult(drafts=(next(answers),), model="m")

    engine = ReviewEngine(ScriptedReviewer(overrides={section.id: answer}), FRAMEWORK)
    first = await engine.review_section(document, section, use_cache=False)
    state = ReviewState.build(first.findings)
    state = state.apply(state.accept(first.findings[0].id, actor="dana"))  # type: ignore[arg-type]
    second = await engine.review_section(document, section, use_cache=False)
    state = state.replace_section_findings(section.id, second.findings)
    (now,) = state.finding_states()
    assert now.finding.replacement == "The attacker definitely"
    assert now.decision.value == "pending"
    assert state.exported_findings() == ()


async def test_each_section_keeps_its_framework_and_attempts_and_empty_ones_count() -> None:
    document = make_document(sections=2)
    empty = make_section(3, "Heading 3", [], start=100)
    document = replace(document, sections=(*document.sections, empty))
    assert empty.is_empty
    findings = MemoryFindings()
    await ReviewEngine(ScriptedReviewer(), FRAMEWORK, findings=findings).analyze(document)
    doc = document.sha256
    assert set(findings.reviews) == {(doc, "s001"), (doc, "s002"), (doc, "s003")}
    review = findings.reviews[(doc, "s001")]
    assert review is not None
    assert (review.framework_id, review.model) == ("test", "scripted-model")
    assert [a.model for a in attempts_from_json(review.attempts_json)] == ["scripted-model"]
    assert findings.by_section[(doc, "s003")] == ()  # looked at, nothing to say


async def test_queued_requests_remember_their_framework_and_run_with_it() -> None:
    document = make_document(sections=2)
    other = replace(FRAMEWORK, id="other")
    outbox = MemoryOutbox()
    reviewer = ScriptedReviewer(reachable=False)
    await ReviewEngine(reviewer, other, outbox=outbox).analyze(document, ["s001"])
    [item] = await outbox.pending()
    assert queued_framework(item) == "other"
    assert json.loads(item.payload_json) == {"framework": "other"}

    async def load(_document_id: str) -> Document | None:
        return document

    reviewer.reachable = True
    findings = MemoryFindings()
    default_engine = ReviewEngine(reviewer, FRAMEWORK, outbox=outbox, findings=findings)
    assert await default_engine.drain_outbox(load) == 0  # not this engine's framework
    assert len(await outbox.pending()) == 1
    other_engine = ReviewEngine(reviewer, other, outbox=outbox, findings=findings)
    assert await other_engine.drain_outbox(load) == 1
    review = findings.reviews[(document.sha256, "s001")]
    assert review is not None
    assert review.framework_id == "other"
    assert await outbox.pending() == ()
