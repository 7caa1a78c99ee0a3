"""Structure checks: expected sections, what each entry must say, what sentences must say."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aiprism_desktop.providers.offline.rules.checks_language import (
    compile_pattern,
    optional_pattern,
)
from aiprism_desktop.providers.offline.rules.context import (
    CheckKind,
    Hit,
    SectionContext,
    iter_body_sentences,
)
from aiprism_desktop.providers.offline.rules.entries import Entry
from aiprism_desktop.providers.offline.rules.text import first_sentence, words

# A table cell that holds nothing a reader could use.
_EMPTY_CELL = re.compile(
    r"\s*(?:-+|–|—|n/?a|tbd|tbc|tba|\?+|unknown|none|pending|x{2,}|)\s*", re.IGNORECASE
)


def join_names(names: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# --- expected sections -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExpectedSection:
    name: str
    titles: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class MissingParams:
    expected: tuple[ExpectedSection, ...]


def _prepare_missing(params: Mapping[str, Any]) -> MissingParams:
    return MissingParams(
        expected=tuple(
            ExpectedSection(name=item["name"], titles=compile_pattern(item["titles"]))
            for item in params["expected"]
        )
    )


def _run_missing(params: MissingParams, ctx: SectionContext) -> Iterable[Hit]:
    if not ctx.is_first_section:
        return  # reported once per document, on its first section
    titles = [section.title for section in ctx.document.sections]
    missing = [
        item.name
        for item in params.expected
        if not any(item.titles.search(title) for title in titles)
    ]
    if not missing:
        return
    fields = {"missing": join_names(missing), "count": str(len(missing))}
    body = ctx.body_indices()
    with_text = body or [i for i, text in enumerate(ctx.texts) if text.strip()]
    if not with_text:
        yield Hit(None, fields=fields)
        return
    start, end = first_sentence(ctx.texts[with_text[0]], max_chars=120)
    yield Hit(with_text[0], start, end, fields, widen=False)


MISSING_SECTIONS = CheckKind(
    name="missing_sections",
    params_schema={
        "type": "object",
        "properties": {
            "expected": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "titles": {"type": "string", "minLength": 1},
                    },
                    "required": ["name", "titles"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["expected"],
        "additionalProperties": False,
    },
    fields=frozenset({"missing", "count"}),
    prepare=_prepare_missing,
    run=_run_missing,
)


# --- entries that must say something ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Requirement:
    name: str
    pattern: re.Pattern[str]
    column: re.Pattern[str] | None
    column_value: re.Pattern[str] | None  # None: any cell that is not empty or a placeholder
    # A short line before the entries that satisfies the requirement for the entries after it
    # (a timeline's "2019-08-09:" line dates the bullets below it).
    carried: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class EntryParams:
    paragraphs: str
    min_words: int
    requirements: tuple[Requirement, ...]
    skip: re.Pattern[str] | None  # entries that are not what the rule is about (done items)


def _prepare_entries(params: Mapping[str, Any]) -> EntryParams:
    return EntryParams(
        paragraphs=params.get("paragraphs", "auto"),
        min_words=int(params.get("min_words", 3)),
        requirements=tuple(
            Requirement(
                name=item["name"],
                pattern=compile_pattern(item["pattern"]),
                column=optional_pattern(item, "column"),
                column_value=optional_pattern(item, "column_value"),
                carried=optional_pattern(item, "carried"),
            )
            for item in params["requirements"]
        ),
        skip=optional_pattern(params, "skip"),
    )


def _satisfied(entry: Entry, requirement: Requirement, texts: tuple[str, ...]) -> bool:
    cell = entry.column(requirement.column) if requirement.column else None
    if cell is None:
        return bool(requirement.pattern.search(entry.text))
    value = texts[cell.block_index]
    if requirement.column_value is not None:
        return bool(requirement.column_value.search(value))
    return not _EMPTY_CELL.fullmatch(value)


def _quote_for(entry: Entry, missing: list[Requirement], texts: tuple[str, ...]) -> Hit:
    # Point at the cell where the missing value belongs when it exists and says something.
    for requirement in missing:
        cell = entry.column(requirement.column) if requirement.column else None
        if cell is not None and texts[cell.block_index].strip():
            start, end = first_sentence(texts[cell.block_index])
            return Hit(cell.block_index, start, end)
    piece = entry.main_piece()
    start, end = first_sentence(texts[piece.block_index])
    return Hit(piece.block_index, start, end)


_CARRY_MAX_CHARS = 60


def _carriers(ctx: SectionContext, entries: list[Entry], requirement: Requirement) -> list[int]:
    """Indices of the short non-entry lines that satisfy ``requirement`` for what follows."""
    if requirement.carried is None:
        return []
    in_entries = {piece.block_index for entry in entries for piece in entry.pieces}
    return [
        index
        for index in ctx.body_indices()
        if index not in in_entries
        and len(ctx.texts[index]) <= _CARRY_MAX_CHARS
        and requirement.carried.search(ctx.texts[index])
    ]


def _run_entries(params: EntryParams, ctx: SectionContext) -> Iterable[Hit]:
    entries = ctx.entries(params.paragraphs)
    carriers = {r.name: _carriers(ctx, entries, r) for r in params.requirements}
    for entry in entries:
        if len(words(entry.text)) < params.min_words:
            continue
        if params.skip and params.skip.search(entry.text):
            continue
        first = entry.pieces[0].block_index
        missing = [
            r
            for r in params.requirements
            if not _satisfied(entry, r, ctx.texts)
            and not any(index < first for index in carriers[r.name])
        ]
        if not missing:
            continue
        spot = _quote_for(entry, missing, ctx.texts)
        piece = entry.main_piece()
        start, end = first_sentence(ctx.texts[piece.block_index])
        yield Hit(
            spot.block_index,
            spot.start,
            spot.end,
            {
                "missing": join_names([r.name for r in missing]),
                "entry": ctx.texts[piece.block_index][start:end],
            },
        )


ENTRIES_REQUIRE = CheckKind(
    name="entries_require",
    params_schema={
        "type": "object",
        "properties": {
            "paragraphs": {"enum": ["auto", "always", "never"]},
            "min_words": {"type": "integer", "minimum": 0},
            "skip": {"type": "string"},
            "requirements": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "pattern": {"type": "string", "minLength": 1},
                        "column": {"type": "string"},
                        "column_value": {"type": "string"},
                        "carried": {"type": "string"},
                    },
                    "required": ["name", "pattern"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["requirements"],
        "additionalProperties": False,
    },
    fields=frozenset({"missing", "entry"}),
    prepare=_prepare_entries,
    run=_run_entries,
)


# --- sentences that must say something -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SentenceParams:
    trigger: re.Pattern[str]
    require: re.Pattern[str]


def _prepare_sentences(params: Mapping[str, Any]) -> SentenceParams:
    return SentenceParams(
        trigger=compile_pattern(params["trigger"]), require=compile_pattern(params["require"])
    )


def _run_sentences(params: SentenceParams, ctx: SectionContext) -> Iterable[Hit]:
    for index, start, end in iter_body_sentences(ctx):
        sentence = ctx.texts[index][start:end]
        if params.trigger.search(sentence) and not params.require.search(sentence):
            yield Hit(index, start, end, {"sentence": sentence}, widen=False)


SENTENCES_REQUIRE = CheckKind(
    name="sentences_require",
    params_schema={
        "type": "object",
        "properties": {
            "trigger": {"type": "string", "minLength": 1},
            "require": {"type": "string", "minLength": 1},
        },
        "required": ["trigger", "require"],
        "additionalProperties": False,
    },
    fields=frozenset({"sentence"}),
    prepare=_prepare_sentences,
    run=_run_sentences,
)
