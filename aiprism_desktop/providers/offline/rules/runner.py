"""Run one rule on one section and turn its hits into validated finding drafts.

A hit whose span is not inside a block of the section is a bug in a check, not something to
hide: it raises ``InvalidResponseError`` naming the rule, like a model answer that quotes text
the section does not contain. (Dropping it silently would make a broken rule look clean.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from aiprism_desktop.core.errors import InvalidResponseError
from aiprism_desktop.core.finding_schema import (
    MAX_DESCRIPTION_CHARS,
    MAX_QUOTE_CHARS,
    MAX_SUGGESTION_CHARS,
    FindingDraft,
)
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.providers.offline.rules.context import BudgetExceeded, Hit, SectionContext
from aiprism_desktop.providers.offline.rules.ruleset import Rule
from aiprism_desktop.providers.offline.rules.text import span_containing, trim_span, widen_to_unique


@dataclass(frozen=True, slots=True)
class PlacedDraft:
    """A draft and where its quote starts, for sorting findings into reading order."""

    block_index: int  # -1 for findings without a quote
    start: int
    rule_order: int
    draft: FindingDraft
    end: int = 0
    rule_title: str = ""
    style: bool = False


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """A rule's drafts on one section, and whether it ran out of time before finishing."""

    placed: tuple[PlacedDraft, ...]
    out_of_time: bool


def _invalid(rule: Rule, problem: str) -> InvalidResponseError:
    return InvalidResponseError(
        f"The offline rule {rule.id!r} produced a finding that does not quote the section, "
        "so the section's rule results were discarded. Please report this as a bug.",
        detail=f"rule {rule.id} ({rule.source}): {problem}",
    )


def _checked_span(rule: Rule, hit: Hit, ctx: SectionContext) -> tuple[int, int]:
    assert hit.block_index is not None
    if not 0 <= hit.block_index < len(ctx.texts):
        raise _invalid(rule, f"block index {hit.block_index} is outside the section")
    text = ctx.texts[hit.block_index]
    if not 0 <= hit.start < hit.end <= len(text):
        raise _invalid(rule, f"span {hit.start}:{hit.end} is outside its block ({len(text)})")
    start, end = trim_span(text, hit.start, hit.end)
    if start >= end:
        raise _invalid(rule, f"span {hit.start}:{hit.end} holds only whitespace")
    if hit.widen:
        sentence = span_containing(ctx.sentences(hit.block_index), start)
        limit = (min(sentence[0], start), max(sentence[1], end))
        start, end = widen_to_unique(ctx.texts, hit.block_index, start, end, limit, ctx.joined)
    return start, end


def _fill(template: str, rule: Rule, hit: Hit, ctx: SectionContext, limit: int) -> str:
    values = {"section": ctx.section.title, "rule": rule.title, **hit.fields}
    text = " ".join(template.format_map(values).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _refs(rule: Rule, framework: Framework) -> tuple[int, ...]:
    # Point numbers only mean something in the framework the pack was written for.
    if framework.id != rule.refs_framework:
        return ()
    numbers = {point.number for point in framework.points}
    return tuple(ref for ref in rule.framework_refs if not numbers or ref in numbers)


# A check that finds more than this on one section is stopped there: nobody reads 50 copies of
# the same remark, and stopping early bounds the work a hostile section can cause.
MAX_HITS_PER_RULE: Final = 50


def run_rule(
    rule: Rule,
    rule_order: int,
    hits: Iterable[Hit],
    ctx: SectionContext,
    framework: Framework,
) -> RuleOutcome:
    """Validate a rule's hits on a section and build its drafts (capped, overlaps removed).

    A check that runs out of its time budget keeps what it found so far; ``out_of_time`` tells
    the caller to report the skip.
    """
    placed: list[PlacedDraft] = []
    out_of_time = False
    try:
        _collect(rule, rule_order, hits, ctx, _refs(rule, framework), placed)
    except BudgetExceeded:
        out_of_time = True
    placed.sort(key=lambda p: (p.block_index, p.start))
    return RuleOutcome(tuple(placed), out_of_time)


def _collect(
    rule: Rule,
    rule_order: int,
    hits: Iterable[Hit],
    ctx: SectionContext,
    refs: tuple[int, ...],
    placed: list[PlacedDraft],
) -> None:
    taken: dict[int, list[tuple[int, int]]] = {}
    limit = min(rule.max_per_section or MAX_HITS_PER_RULE, MAX_HITS_PER_RULE)
    for hit in hits:
        if hit.block_index is None:
            block_index, start, end, quote = -1, 0, 0, ""
        else:
            start, end = _checked_span(rule, hit, ctx)
            block_index = hit.block_index
            spans = taken.setdefault(block_index, [])
            if any(s < end and start < e for s, e in spans):
                continue  # one finding per spot and rule
            spans.append((start, end))
            quote = ctx.texts[block_index][start:end][:MAX_QUOTE_CHARS]
        draft = FindingDraft(
            origin=f"rule:{rule.id}",
            type=rule.type,
            risk=rule.risk,
            category=rule.category,
            description=_fill(rule.description, rule, hit, ctx, MAX_DESCRIPTION_CHARS),
            suggestion=_fill(rule.suggestion, rule, hit, ctx, MAX_SUGGESTION_CHARS),
            example=rule.example,
            questions=rule.questions,
            framework_refs=refs,
            quote=quote,
            confidence=rule.confidence,
        )
        placed.append(
            PlacedDraft(block_index, start, rule_order, draft, end, rule.title, rule.style)
        )
        if len(placed) >= limit:
            return


def in_reading_order(placed: Iterable[PlacedDraft]) -> tuple[FindingDraft, ...]:
    """Drafts sorted by where their quote is, then by rule order (document-level first)."""
    ordered = sorted(placed, key=lambda p: (p.block_index, p.start, p.rule_order))
    return tuple(p.draft for p in ordered)
