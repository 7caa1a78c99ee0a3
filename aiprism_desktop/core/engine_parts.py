"""Helpers of the review engine: splitting a section into parts, merging their results, turning
validated drafts into anchored findings, and reading what a queued request was queued with."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from aiprism_desktop.core.anchoring import anchor_quote
from aiprism_desktop.core.document import Document, Section
from aiprism_desktop.core.finding_schema import FindingDraft
from aiprism_desktop.core.findings import Finding
from aiprism_desktop.core.ports import OutboxItem
from aiprism_desktop.core.review_keys import finding_id
from aiprism_desktop.core.reviewer import (
    AdaptiveConcurrency,
    Attempt,
    Reviewer,
    SectionReviewResult,
)


@dataclass(frozen=True, slots=True)
class SectionOutcome:
    """A finished section review."""

    findings: tuple[Finding, ...]
    model: str
    cached: bool
    attempts: tuple[Attempt, ...] = ()


def find_section(document: Document, section_id: str) -> Section | None:
    return next((s for s in document.sections if s.id == section_id), None)


def halve(section: Section) -> tuple[Section, Section] | None:
    if len(section.blocks) < 2:
        return None
    middle = len(section.blocks) // 2
    first, second = _parts(section, [list(range(middle)), list(range(middle, len(section.blocks)))])
    return first, second


def _parts(section: Section, groups: list[list[int]]) -> list[Section]:
    count = len(groups)
    return [
        replace(
            section,
            title=f"{section.title} (part {number} of {count})",
            blocks=tuple(section.blocks[i] for i in group),
        )
        for number, group in enumerate(groups, start=1)
    ]


def merge_results(results: Sequence[SectionReviewResult]) -> SectionReviewResult:
    if len(results) == 1:
        return results[0]
    models = [r.model for r in results]
    return SectionReviewResult(
        drafts=tuple(d for r in results for d in r.drafts),
        model=models[-1] if len(set(models)) == 1 else ", ".join(dict.fromkeys(models)),
        attempts=tuple(a for r in results for a in r.attempts),
        input_tokens=_sum_optional(r.input_tokens for r in results),
        output_tokens=_sum_optional(r.output_tokens for r in results),
    )


def _sum_optional(values: Iterable[int | None]) -> int | None:
    numbers = [v for v in values if v is not None]
    return sum(numbers) if numbers else None


def queued_framework(item: OutboxItem) -> str:
    """The framework id a queued request was made with ("" for requests queued before it was
    recorded, or an unreadable payload)."""
    try:
        payload = json.loads(item.payload_json)
    except ValueError:
        return ""
    framework = payload.get("framework") if isinstance(payload, dict) else None
    return framework if isinstance(framework, str) else ""


def findings_from_drafts(
    section: Section, drafts: Sequence[FindingDraft], framework_id: str, prompt_version: str
) -> tuple[Finding, ...]:
    """A provider's validated drafts as findings of the section, each anchored on its quote."""
    return tuple(
        Finding(
            id=finding_id(section, draft, ordinal),
            section_id=section.id,
            origin=draft.origin,
            type=draft.type,
            risk=draft.risk,
            category=draft.category,
            description=draft.description,
            suggestion=draft.suggestion,
            example=draft.example,
            questions=draft.questions,
            framework_refs=draft.framework_refs,
            framework_id=framework_id,
            quote=draft.quote,
            replacement=draft.replacement,
            confidence=draft.confidence,
            prompt_version=prompt_version,
            anchor=anchor_quote(section, draft.quote) if draft.quote else None,
        )
        for ordinal, draft in enumerate(drafts)
    )


def reanchored(section: Section, cached: Sequence[Finding]) -> tuple[Finding, ...]:
    """Cached findings apply to identical section text, possibly in another document."""
    return tuple(
        replace(
            finding,
            id=finding_id(section, finding, i),
            section_id=section.id,
            anchor=anchor_quote(section, finding.quote) if finding.quote else None,
        )
        for i, finding in enumerate(cached)
    )


def concurrency_levels(reviewer: Reviewer) -> tuple[tuple[str, int], ...]:
    """Where the provider's adaptive concurrency stands, by model (empty when it has none)."""
    if not isinstance(reviewer, AdaptiveConcurrency):
        return ()
    return tuple(sorted(reviewer.concurrency_levels().items()))
