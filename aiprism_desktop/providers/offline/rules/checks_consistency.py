"""Consistency checks: the same figure or event date stated differently in different sections.

Each rule lists facts ("customers affected", "detection date") with patterns that capture the
value in a group named ``value``. The first section that states a fact sets the reference;
a later section whose statements of that fact all disagree with it gets one finding, quoting
its own statement and naming the section it contradicts. Within one section differing values
are left alone: a timeline may legitimately list several detections.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from aiprism_desktop.core.document import BlockKind, Document
from aiprism_desktop.providers.offline.rules.checks_language import compile_pattern
from aiprism_desktop.providers.offline.rules.context import CheckKind, Hit, SectionContext
from aiprism_desktop.providers.offline.rules.dates import (
    DateValue,
    NumberValue,
    parse_date,
    parse_number,
    qualifier_before,
)
from aiprism_desktop.providers.offline.rules.entries import Entry, Piece, section_entries
from aiprism_desktop.providers.offline.rules.text import contains_any

Value = DateValue | NumberValue
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Fact:
    name: str
    patterns: tuple[re.Pattern[str], ...]
    # Words one of which a text must contain (lower case) for the patterns to be tried: a
    # substring test is far cheaper than the patterns, and most paragraphs state no such fact.
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FactParams:
    facts: tuple[Fact, ...]
    parse: Callable[[str, str | None], Value | None]


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of a fact: the value as written and the quote around it."""

    fact: str
    value: Value
    written: str
    section_index: int
    block_index: int
    start: int
    end: int


def _parse_date(text: str, _qualifier: str | None) -> Value | None:
    return parse_date(text)


def _parse_number(text: str, qualifier: str | None) -> Value | None:
    return parse_number(text, qualifier)


def _prepare(
    parse: Callable[[str, str | None], Value | None],
) -> Callable[[Mapping[str, Any]], FactParams]:
    def prepare(params: Mapping[str, Any]) -> FactParams:
        facts = []
        for item in params["facts"]:
            patterns = tuple(compile_pattern(p) for p in item["patterns"])
            for pattern, source in zip(patterns, item["patterns"], strict=True):
                if "value" not in pattern.groupindex:
                    raise ValueError(
                        f"fact {item['name']!r}: pattern {source!r} has no (?P<value>...) group;"
                        " use {VALUE_DATE}, {VALUE_NUMBER} or {VALUE_MONEY}"
                    )
            keywords = tuple(word.lower() for word in item.get("keywords", []))
            facts.append(Fact(name=item["name"], patterns=patterns, keywords=keywords))
        return FactParams(facts=tuple(facts), parse=parse)

    return prepare


def _units(blocks: Iterable[Any]) -> list[Entry]:
    """Table rows as one text each (a date cell and an event cell belong together), and every
    other body block on its own."""
    block_list = list(blocks)
    units = [e for e in section_entries(block_list, paragraphs="never") if e.kind == "table_row"]
    for index, block in enumerate(block_list):
        if block.kind is not BlockKind.HEADING and block.table_cell is None and block.text:
            units.append(Entry("paragraph", block.text, (Piece(index, 0, len(block.text)),)))
    return sorted(units, key=lambda unit: unit.pieces[0].block_index)


# Units holding a digit, with their lower-case text, per section: the same for every rule of
# these kinds, so built once per document (one key, whichever rule asks first).
_UNITS_KEY: Final = object()
SectionUnits = list[list[tuple[Entry, str]]]


def _units_with_digits(document: Document, checkpoint: Callable[[], None]) -> SectionUnits:
    per_section: SectionUnits = []
    for section in document.sections:
        checkpoint()
        # Every value macro needs a digit: units without one are never searched.
        per_section.append(
            [
                (unit, unit.text.lower())
                for unit in _units(section.blocks)
                if _DIGIT.search(unit.text)
            ]
        )
    return per_section


def _statements(
    units: SectionUnits, params: FactParams, checkpoint: Callable[[], None]
) -> list[Statement]:
    found: list[Statement] = []
    for section_index, section_units in enumerate(units):
        checkpoint()
        for unit, lowered in section_units:
            for fact in params.facts:
                if fact.keywords and not contains_any(lowered, fact.keywords):
                    continue
                for pattern in fact.patterns:
                    for match in pattern.finditer(unit.text):
                        statement = _statement(fact, match, unit, section_index, params)
                        if statement is not None:
                            found.append(statement)
    return found


def _statement(
    fact: Fact, match: re.Match[str], unit: Entry, section_index: int, params: FactParams
) -> Statement | None:
    qualifier = qualifier_before(unit.text, match.start("value"))
    value = params.parse(match.group("value"), qualifier)
    located = unit.locate(match.start("value"), match.end("value"))
    if value is None or located is None:
        return None
    block_index, value_start, _ = located
    piece_start = match.start("value") - value_start  # where the value's block starts
    piece_end = piece_start + next(p.length for p in unit.pieces if p.block_index == block_index)
    # Quote the whole match, clipped to the block that holds the value.
    start = max(match.start(), piece_start) - piece_start
    end = min(match.end(), piece_end) - piece_start
    return Statement(
        fact=fact.name,
        value=value,
        written=match.group("value").strip(),
        section_index=section_index,
        block_index=block_index,
        start=start,
        end=end,
    )


Contradiction = tuple[Statement, Statement]  # (this section's statement, the reference)


def _contradictions(
    units: SectionUnits, params: FactParams, checkpoint: Callable[[], None]
) -> dict[int, list[Contradiction]]:
    """Per section, the first statement of each fact that disagrees with the reference."""
    by_fact: dict[str, list[Statement]] = {}
    for statement in _statements(units, params, checkpoint):
        by_fact.setdefault(statement.fact, []).append(statement)
    found: dict[int, list[Contradiction]] = {}
    for statements in by_fact.values():
        usable = [s for s in statements if not (isinstance(s.value, NumberValue) and s.value.bound)]
        if not usable:
            continue
        reference = usable[0]
        per_section: dict[int, list[Statement]] = {}
        for statement in usable:
            if statement.section_index != reference.section_index:
                per_section.setdefault(statement.section_index, []).append(statement)
        for section_index, own in per_section.items():
            if not any(_agree(s.value, reference.value) for s in own):
                found.setdefault(section_index, []).append((own[0], reference))
    for pairs in found.values():
        pairs.sort(key=lambda pair: (pair[0].block_index, pair[0].start))
    return found


def _agree(left: Value, right: Value) -> bool:
    if isinstance(left, DateValue) and isinstance(right, DateValue):
        return left.agrees_with(right)
    if isinstance(left, NumberValue) and isinstance(right, NumberValue):
        return left.agrees_with(right)
    return True  # different kinds of value cannot contradict each other


def _run(params: FactParams, ctx: SectionContext) -> Iterable[Hit]:
    def contradictions() -> dict[int, list[Contradiction]]:
        units = ctx.memo.get(
            _UNITS_KEY, lambda: _units_with_digits(ctx.document, ctx.checkpoint), ctx.budget
        )
        return _contradictions(units, params, ctx.checkpoint)

    found = ctx.memo.get(params, contradictions, ctx.budget)
    for own, reference in found.get(ctx.section_index, []):
        yield Hit(
            own.block_index,
            own.start,
            own.end,
            {
                "fact": own.fact,
                "value": own.written,
                "other_value": reference.written,
                "other_section": ctx.document.sections[reference.section_index].title,
            },
        )


def _schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "facts": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "patterns": {
                            "type": "array",
                            "minItems": 1,
                            "items": {"type": "string", "minLength": 1},
                        },
                        "keywords": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    },
                    "required": ["name", "patterns"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["facts"],
        "additionalProperties": False,
    }


_FIELDS = frozenset({"fact", "value", "other_value", "other_section"})

FIGURES_AGREE = CheckKind(
    name="figures_agree",
    params_schema=_schema(),
    fields=_FIELDS,
    prepare=_prepare(_parse_number),
    run=_run,
)

DATES_AGREE = CheckKind(
    name="dates_agree",
    params_schema=_schema(),
    fields=_FIELDS,
    prepare=_prepare(_parse_date),
    run=_run,
)
