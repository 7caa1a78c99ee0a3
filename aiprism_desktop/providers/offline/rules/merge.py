"""The last step of a section's review: one finding per spot, and few style remarks.

Several rules can hit the same words ("???" is a placeholder and a vague question; "several"
found twice when a quote cannot be widened to be unique). A reader wants one comment there:
the most serious rule keeps the spot and names the others. Style remarks (hedging, passive
voice, long sentences, ...) are capped per section, taken in turn from each style rule, so a
long section is not buried under them while contradictions and missing owners always show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Final

from aiprism_desktop.core.finding_schema import MAX_DESCRIPTION_CHARS
from aiprism_desktop.core.findings import FindingType, Risk
from aiprism_desktop.providers.offline.rules.runner import PlacedDraft

STYLE_FINDINGS_PER_SECTION: Final = 3
_RISK_RANK: Final = {Risk.HIGH: 0, Risk.MEDIUM: 1, Risk.LOW: 2}
_TYPE_RANK: Final = {
    FindingType.CRITICAL: 0,
    FindingType.IMPORTANT: 1,
    FindingType.SUGGESTION: 2,
    FindingType.POSITIVE: 3,
}


def _seriousness(placed: PlacedDraft) -> tuple[int, int, int]:
    draft = placed.draft
    return (_RISK_RANK[draft.risk], _TYPE_RANK[draft.type], placed.rule_order)


def _merge_group(group: list[PlacedDraft]) -> PlacedDraft:
    """The most serious finding of overlapping ones, naming the other rules in its text."""
    kept = min(group, key=_seriousness)
    others = list(dict.fromkeys(p.rule_title for p in group if p is not kept and p.rule_title))
    others = [title for title in others if title != kept.rule_title]
    if not others:
        return kept
    note = f" Also flagged here: {'; '.join(others)}."
    description = kept.draft.description
    if len(description) + len(note) <= MAX_DESCRIPTION_CHARS:
        description += note
    return replace(kept, draft=replace(kept.draft, description=description))


def _same_spot(left: PlacedDraft, right: PlacedDraft) -> bool:
    """Two quotes of one block that are mostly the same words (one within the other, the
    shorter at least half the longer): a reader sees one place."""
    if left.block_index != right.block_index:
        return False
    inner, outer = sorted((left, right), key=lambda p: p.end - p.start)
    contained = outer.start <= inner.start and inner.end <= outer.end
    return contained and (inner.end - inner.start) * 2 >= outer.end - outer.start


def _one_per_spot(placed: list[PlacedDraft]) -> list[PlacedDraft]:
    quoted = sorted(
        (p for p in placed if p.block_index >= 0), key=lambda p: (p.block_index, p.start)
    )
    merged: list[PlacedDraft] = [p for p in placed if p.block_index < 0]
    groups: list[list[PlacedDraft]] = []
    block_first = 0  # index in ``groups`` of the first group of the current block
    for item in quoted:
        if groups and groups[-1][0].block_index != item.block_index:
            block_first = len(groups)
        home = next((g for g in groups[block_first:] if any(_same_spot(m, item) for m in g)), None)
        if home is None:
            groups.append([item])
        else:
            home.append(item)
    merged += [_merge_group(group) for group in groups]
    seen_quotes: set[str] = set()
    unique: list[PlacedDraft] = []
    for item in sorted(merged, key=lambda p: (p.block_index, p.start, p.rule_order)):
        quote = item.draft.quote
        if quote and quote in seen_quotes:
            continue  # the same words twice in a section: anchoring could not tell them apart
        seen_quotes.add(quote)
        unique.append(item)
    return unique


def _cap_style(placed: list[PlacedDraft], cap: int) -> list[PlacedDraft]:
    """At most ``cap`` style findings, one per style rule in turn, in reading order."""
    by_rule: dict[int, list[PlacedDraft]] = {}
    for item in placed:
        if item.style:
            by_rule.setdefault(item.rule_order, []).append(item)
    chosen: set[int] = set()
    queues = [iter(items) for _, items in sorted(by_rule.items())]
    while queues and len(chosen) < cap:
        remaining = []
        for queue in queues:
            head = next(queue, None)
            if head is None:
                continue
            remaining.append(queue)
            if len(chosen) < cap:
                chosen.add(id(head))
        queues = remaining
    return [item for item in placed if not item.style or id(item) in chosen]


def finish_section(
    placed: Iterable[PlacedDraft], style_cap: int = STYLE_FINDINGS_PER_SECTION
) -> list[PlacedDraft]:
    """Merge overlapping findings, drop repeated quotes and cap style remarks."""
    return _cap_style(_one_per_spot(list(placed)), style_cap)
