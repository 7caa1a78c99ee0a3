"""Undefined acronyms: the first use of an acronym in the document, when it is not spelled out.

An acronym counts as defined where it appears as "Know Your Business (KYB)", "KYB (Know Your
Business)", "KYB stands for / means ...", or anywhere in a glossary section (which defines it
for the whole document). Only the first use is reported, in the section where it occurs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aiprism_desktop.core.document import BlockKind, Document
from aiprism_desktop.providers.offline.rules.checks_language import compile_pattern
from aiprism_desktop.providers.offline.rules.context import CheckKind, Hit, SectionContext

# Starts with the capital (scanned for in C); the character before is checked in ``_tokens``.
_TOKEN = re.compile(r"([A-Z][A-Za-z0-9&]*[A-Z0-9])(s?)(?![\w&-])")
_NOT_BEFORE = frozenset("&/-_")


def _tokens(text: str) -> Iterator[re.Match[str]]:
    for match in _TOKEN.finditer(text):
        start = match.start()
        if start and (text[start - 1].isalnum() or text[start - 1] in _NOT_BEFORE):
            continue
        yield match


_ROMAN = re.compile(r"[IVXLCDM]+")
_EXPANSION_AFTER = re.compile(r"\s*\(\s*[A-Za-z][\w'-]*(?:\s+[\w'&-]+)+\s*\)")
_DEFINING_VERB = re.compile(r"\s+(?:stands\s+for|means|is\s+short\s+for|refers\s+to)\b", re.I)
_GLOSSARY_ENTRY = re.compile(r"\s*(?:[:=–—-]|\t)\s*[A-Za-z]")


@dataclass(frozen=True, slots=True)
class AcronymParams:
    allow: frozenset[str]
    max_length: int
    max_digits: int
    glossary_sections: re.Pattern[str]
    skip_english_words: bool


@dataclass(frozen=True, slots=True)
class FirstUse:
    """Where an acronym is first used without a definition."""

    acronym: str
    section_index: int
    block_index: int
    start: int
    end: int


def _prepare(params: Mapping[str, Any]) -> AcronymParams:
    return AcronymParams(
        allow=frozenset(params.get("allow", [])),
        max_length=int(params.get("max_length", 6)),
        max_digits=int(params.get("max_digits", 1)),
        glossary_sections=compile_pattern(
            params.get("glossary_sections", r"glossary|abbreviations|acronyms|definitions")
        ),
        skip_english_words=bool(params.get("skip_english_words", True)),
    )


def _is_acronym(token: str, params: AcronymParams) -> bool:
    if token in params.allow or len(token) > params.max_length or _ROMAN.fullmatch(token):
        return False
    if any(ch.islower() for ch in token):
        return False
    digits = sum(ch.isdigit() for ch in token)
    return digits <= params.max_digits and sum(ch.isupper() for ch in token) >= 2


_UPPER = re.compile(r"[A-Z]")
_LOWER = re.compile(r"[a-z]")


def _shouting(text: str) -> bool:
    """A line written in capitals (a banner, a label): its words are not acronyms."""
    upper = len(_UPPER.findall(text))
    if upper <= 7:
        return False
    lower = len(_LOWER.findall(text))
    return upper + lower > 12 and upper / (upper + lower) > 0.6


_LOWER_WORD = re.compile(r"[a-z][a-z]+")


class _LowerCaseWords:
    """Whether the document uses a word in lower case, as a whole word ("high" in "high-level",
    not in "highway" or "10high").

    Only the few acronym candidates are ever asked about, so each is looked up with
    ``str.find`` in the whole text instead of collecting every lower-case word of the document
    with a regex (a set of tens of thousands of words, built for a handful of questions).
    """

    def __init__(self, texts: Iterable[str]) -> None:
        self._text = "\n".join(texts)
        self._known: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        known = self._known.get(word)
        if known is None:
            known = self._known[word] = self._occurs(word)
        return known

    def _occurs(self, word: str) -> bool:
        if not _LOWER_WORD.fullmatch(word):
            return False
        text, size = self._text, len(word)
        at = text.find(word)
        while at >= 0:
            before = text[at - 1] if at else " "
            after = text[at + size] if at + size < len(text) else " "
            # Word characters as the regex's \b sees them (str.isalnum is Unicode \w, less "_").
            if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
                return True
            at = text.find(word, at + 1)
        return False


def _defines(text: str, match: re.Match[str], at_block_start: bool) -> bool:
    # Bounded windows: a 400 KB paragraph must not be copied at every acronym.
    before = text[max(0, match.start() - 200) : match.start()].rstrip()
    after = text[match.end() : match.end() + 300]
    if before.endswith("(") and after.lstrip().startswith(")"):
        return True  # "Know Your Business (KYB)"
    if _EXPANSION_AFTER.match(after) or _DEFINING_VERB.match(after):
        return True  # "KYB (Know Your Business)", "KYB means ..."
    return at_block_start and bool(_GLOSSARY_ENTRY.match(after))  # "KYB – Know Your Business"


def _first_uses(
    document: Document, params: AcronymParams, checkpoint: Callable[[], None]
) -> dict[int, list[FirstUse]]:
    glossary: set[str] = set()
    for section in document.sections:
        if params.glossary_sections.search(section.title):
            for block in section.blocks:
                glossary.update(
                    m.group(1) for m in _tokens(block.text) if _is_acronym(m.group(1), params)
                )
    seen: set[str] = set(glossary)
    # "HIGH", "AGAIN": shouting or a label, not an acronym, when the document also uses the
    # word in lower case.
    lower: Container[str] = frozenset()
    if params.skip_english_words:
        lower = _LowerCaseWords(b.text for section in document.sections for b in section.blocks)
    found: dict[int, list[FirstUse]] = {}
    for section_index, section in enumerate(document.sections):
        checkpoint()
        for block_index, block in enumerate(section.blocks):
            if block.kind is BlockKind.HEADING or _shouting(block.text):
                continue
            for match in _tokens(block.text):
                acronym = match.group(1)
                if acronym in seen or not _is_acronym(acronym, params):
                    continue
                seen.add(acronym)
                if acronym.lower() in lower:
                    continue
                at_start = not block.text[: min(match.start(), 200)].strip() and match.start() < 200
                if not _defines(block.text, match, at_start):
                    found.setdefault(section_index, []).append(
                        FirstUse(acronym, section_index, block_index, match.start(), match.end())
                    )
    return found


def _run(params: AcronymParams, ctx: SectionContext) -> Iterable[Hit]:
    uses = ctx.memo.get(
        params, lambda: _first_uses(ctx.document, params, ctx.checkpoint), ctx.budget
    )
    for use in uses.get(ctx.section_index, []):
        yield Hit(use.block_index, use.start, use.end, {"acronym": use.acronym})


UNDEFINED_ACRONYMS = CheckKind(
    name="undefined_acronyms",
    params_schema={
        "type": "object",
        "properties": {
            "allow": {"type": "array", "items": {"type": "string"}},
            "max_length": {"type": "integer", "minimum": 2},
            "max_digits": {"type": "integer", "minimum": 0},
            "glossary_sections": {"type": "string"},
            "skip_english_words": {"type": "boolean"},
        },
        "additionalProperties": False,
    },
    fields=frozenset({"acronym"}),
    prepare=_prepare,
    run=_run,
)
