"""Fact checks about figures and structure: one quantity with two values, parts that do not add
up to their total, and sections the text points to that do not exist."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from aiprism_desktop.providers.offline.facts import patterns as pt
from aiprism_desktop.providers.offline.facts.common import (
    Finding,
    fact_kind,
    quote_of,
    section_title,
)
from aiprism_desktop.providers.offline.facts.extract import (
    BlockFacts,
    DocumentFacts,
    Place,
    Quantity,
)
from aiprism_desktop.providers.offline.rules.context import SectionContext
from aiprism_desktop.providers.offline.rules.text import contains_any

_MAX_PER_NOUN: Final = 40
_TOTAL_WORDS: Final = (
    "total",
    "altogether",
    "in all",
    "overall",
    "combined",
    "all told",
)  # statements of one noun compared pairwise (bounded work)


def _figure(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


# --- one quantity, two values -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuantityParams:
    min_shared_words: int


def _prepare_quantities(params: Mapping[str, Any]) -> QuantityParams:
    return QuantityParams(min_shared_words=int(params.get("min_shared_words", 2)))


def _same_fact(left: Quantity, right: Quantity, params: QuantityParams) -> bool:
    return (
        left.noun == right.noun
        and left.unit == right.unit
        and len(left.context & right.context) >= params.min_shared_words
    )


def _quantities(
    params: QuantityParams, ctx: SectionContext
) -> Callable[[DocumentFacts], list[Finding]]:
    def compute(facts: DocumentFacts) -> list[Finding]:
        by_noun: dict[tuple[str, str], list[Quantity]] = {}
        for block in facts.blocks:
            for quantity in block.quantities:
                if not quantity.approximate:
                    group = by_noun.setdefault((quantity.noun, quantity.unit), [])
                    if len(group) < _MAX_PER_NOUN:
                        group.append(quantity)
        found: list[Finding] = []
        for statements in by_noun.values():
            for index, later in enumerate(statements):
                for earlier in statements[:index]:
                    if earlier.place.section == later.place.section:
                        continue
                    if earlier.value != later.value and _same_fact(earlier, later, params):
                        fields = {
                            "value": quote_of(ctx, later.place),
                            "other_value": quote_of(ctx, earlier.place),
                            "other_section": section_title(ctx, earlier.place),
                        }
                        found.append(Finding(later.place, fields))
                        break
        return found

    return compute


QUANTITIES_AGREE = fact_kind(
    "quantities_agree",
    frozenset({"value", "other_value", "other_section"}),
    {"min_shared_words": {"type": "integer", "minimum": 1}},
    _prepare_quantities,
    _quantities,
)


# --- totals -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TotalParams:
    reach: int  # characters between a total marker and its figure


def _prepare_totals(params: Mapping[str, Any]) -> TotalParams:
    return TotalParams(reach=int(params.get("reach", 25)))


def _numbers(block: BlockFacts, taken: bytearray, start: int, end: int) -> list[re.Match[str]]:
    """Plain figures in ``start:end`` that are not dates, times or durations."""
    return [
        match
        for match in pt.NUMBER.finditer(block.text, start, end)
        if not any(taken[match.start() : match.end()])
    ]


def _totals(params: TotalParams, ctx: SectionContext) -> Callable[[DocumentFacts], list[Finding]]:
    def compute(facts: DocumentFacts) -> list[Finding]:
        found: list[Finding] = []
        for block in facts.blocks:
            lowered = block.text.lower()
            if not contains_any(lowered, _TOTAL_WORDS):
                continue  # every total marker holds one of these words
            taken = block.taken()
            for marker in pt.TOTAL_MARKER.finditer(block.text):
                start, end = block.sentence_of(marker.start())
                numbers = _numbers(block, taken, start, end)
                near = [
                    n
                    for n in numbers
                    if min(abs(n.start() - marker.end()), abs(marker.start() - n.end()))
                    <= params.reach
                ]
                if not near:
                    continue
                total_match = min(near, key=lambda n: abs(n.start() - marker.start()))
                total = float(total_match.group().replace(",", ""))
                parts = [float(n.group().replace(",", "")) for n in numbers if n is not total_match]
                if len(parts) < 2 or any(part >= total for part in parts) or sum(parts) == total:
                    continue
                fields = {
                    "value": _figure(total),
                    "computed": _figure(sum(parts)),
                    "parts": " + ".join(_figure(p) for p in parts),
                }
                place = facts_place(block, total_match.start(), total_match.end())
                found.append(Finding(place, fields))
        return found

    return compute


def facts_place(block: BlockFacts, start: int, end: int) -> Place:
    return Place(block.section, block.block, start, end, block.sentence_of(start))


TOTALS_ADD_UP = fact_kind(
    "totals_add_up",
    frozenset({"value", "computed", "parts"}),
    {"reach": {"type": "integer", "minimum": 1}},
    _prepare_totals,
    _totals,
)


# --- referenced sections ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReferenceParams:
    ignore_words: frozenset[str]


def _prepare_references(params: Mapping[str, Any]) -> ReferenceParams:
    return ReferenceParams(frozenset(w.lower() for w in params.get("ignore_words", ["section"])))


def _significant(text: str, ignore: frozenset[str]) -> set[str]:
    words = {w.lower().rstrip("s") for w in re.findall(r"[A-Za-z0-9]+", text)}
    return {w for w in words if w not in pt.STOPWORDS and w not in ignore}


def _references(
    params: ReferenceParams, ctx: SectionContext
) -> Callable[[DocumentFacts], list[Finding]]:
    def compute(facts: DocumentFacts) -> list[Finding]:
        titles = [_significant(s.title, params.ignore_words) for s in ctx.document.sections]
        found: list[Finding] = []
        for block in facts.blocks:
            for reference in block.references:
                wanted = _significant(reference.name, params.ignore_words)
                if not wanted or any(wanted <= title for title in titles):
                    continue
                fields = {"value": quote_of(ctx, reference.place), "name": reference.name}
                found.append(Finding(reference.place, fields))
        return found

    return compute


REFERENCED_SECTIONS_EXIST = fact_kind(
    "referenced_sections_exist",
    frozenset({"value", "name"}),
    {"ignore_words": {"type": "array", "items": {"type": "string"}}},
    _prepare_references,
    _references,
)
