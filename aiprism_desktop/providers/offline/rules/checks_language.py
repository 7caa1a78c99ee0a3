"""Sentence-level language checks: listed phrases, passive voice, over-long sentences."""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aiprism_desktop.providers.offline.rules.context import CheckKind, Hit, SectionContext
from aiprism_desktop.providers.offline.rules.dates import expand_macros
from aiprism_desktop.providers.offline.rules.phrase_find import find_phrases
from aiprism_desktop.providers.offline.rules.text import span_containing, words

_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}


def compile_pattern(pattern: str, *, case_sensitive: bool = False) -> re.Pattern[str]:
    """Compile a rule-pack regex (macros expanded); ValueError naming the pattern if invalid."""
    try:
        return re.compile(expand_macros(pattern), 0 if case_sensitive else re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"pattern {pattern!r} is not a valid regular expression: {exc}") from exc


def phrase_regex(phrase: str) -> str:
    """A literal phrase as a regex: whole words, any run of spaces between them."""
    body = r"\s+".join(re.escape(part) for part in phrase.split())
    return rf"(?<![\w]){body}(?![\w])"


def optional_pattern(params: Mapping[str, Any], key: str) -> re.Pattern[str] | None:
    """Compile ``params[key]`` when present."""
    value = params.get(key)
    return compile_pattern(value) if isinstance(value, str) and value else None


_FOLLOW_REACH = 80  # characters after a phrase that ``followed_by`` looks at

# --- phrases ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhraseParams:
    phrase_matcher: re.Pattern[str] | None
    pattern_matcher: re.Pattern[str] | None
    phrases: tuple[str, ...]  # the listed phrases, lower case, single-spaced
    anchors: tuple[str, ...]  # a block must contain one of these (lower case) to hold a phrase
    keywords: tuple[str, ...]  # a block must contain one of these to be scanned at all
    unless_nearby: re.Pattern[str] | None
    unless_in_section: re.Pattern[str] | None
    one_per_sentence: bool
    followed_by: re.Pattern[str] | None  # what must come right after a listed phrase


def _phrase_alternation(phrases: list[str]) -> str:
    """One regex for all listed phrases, longest first. Phrases that start and end with a word
    character share one pair of \\b outside the group, which keeps the scan fast (a lookaround
    around every alternative made it four times slower)."""
    ordered = sorted(phrases, key=len, reverse=True)
    wordy = [p for p in ordered if re.match(r"\w", p) and re.search(r"\w$", p)]
    other = [p for p in ordered if p not in wordy]
    parts = []
    if wordy:
        parts.append(
            r"\b(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in wordy) + r")\b"
        )
    parts += [phrase_regex(p) for p in other]
    return "|".join(parts)


# Words too common to tell a block apart: a phrase's anchor is its longest other word.
_COMMON_WORDS = frozenset(
    ["a", "an", "the", "of", "to", "in", "on", "it", "is", "we", "i", "have", "has", "be"]
)


def _anchor(phrase: str) -> str:
    words = phrase.lower().split()
    rare = [w for w in words if w not in _COMMON_WORDS] or words
    return max(rare, key=len)


def _prepare_phrases(params: Mapping[str, Any]) -> PhraseParams:
    case_sensitive = bool(params.get("case_sensitive", False))
    phrases = [p for p in params.get("phrases", []) if p.strip()]
    patterns = [expand_macros(p) for p in params.get("patterns", [])]
    if not phrases and not patterns:
        raise ValueError("params need at least one entry in 'phrases' or 'patterns'")
    for pattern in patterns:
        compile_pattern(pattern, case_sensitive=case_sensitive)  # names the bad one
    # Longest patterns first, so a longer alternative wins where two start at one place.
    patterns.sort(key=len, reverse=True)
    return PhraseParams(
        phrase_matcher=(
            compile_pattern(_phrase_alternation(phrases), case_sensitive=case_sensitive)
            if phrases
            else None
        ),
        pattern_matcher=(
            compile_pattern("|".join(f"(?:{p})" for p in patterns), case_sensitive=case_sensitive)
            if patterns
            else None
        ),
        phrases=tuple(" ".join(p.lower().split()) for p in phrases),
        anchors=tuple(_anchor(p) for p in phrases),
        keywords=tuple(word.lower() for word in params.get("keywords", [])),
        unless_nearby=optional_pattern(params, "unless_nearby"),
        unless_in_section=optional_pattern(params, "unless_in_section"),
        one_per_sentence=bool(params.get("one_per_sentence", True)),
        followed_by=optional_pattern(params, "followed_by"),
    )


def _matches(
    params: PhraseParams, text: str, lowered: str, phrases: bool
) -> Iterator[tuple[int, int, bool]]:
    """(start, end, is a listed phrase) of phrase and pattern matches, in text order.

    ``phrases``: the block holds one of the phrases' anchors (else only patterns can match).
    """
    streams: list[Iterator[tuple[int, int, bool]]] = []
    if params.phrase_matcher and phrases:
        spans = find_phrases(params.phrases, text, lowered)
        if spans is None:
            spans = [m.span() for m in params.phrase_matcher.finditer(text)]
        streams.append((start, end, True) for start, end in spans)
    if params.pattern_matcher:
        streams.append((m.start(), m.end(), False) for m in params.pattern_matcher.finditer(text))
    if len(streams) == 1:  # already in text order: no merge to pay for on every block
        yield from streams[0]
    elif streams:
        yield from heapq.merge(*streams, key=lambda item: (item[0], not item[2]))


def _candidates(params: PhraseParams, ctx: SectionContext) -> tuple[list[int], frozenset[int]]:
    """The body blocks worth scanning (they hold a keyword, when the rule lists keywords, and
    a phrase's anchor or the rule has patterns), and those that hold an anchor."""
    body = ctx.body_indices()
    anchored = ctx.blocks_containing(params.anchors) if params.phrase_matcher else frozenset()
    with_keyword = ctx.blocks_containing(params.keywords) if params.keywords else None
    return [
        index
        for index in body
        if (with_keyword is None or index in with_keyword)
        and (params.pattern_matcher or index in anchored)
    ], anchored


def _run_phrases(params: PhraseParams, ctx: SectionContext) -> Iterable[Hit]:
    body = ctx.body_indices()
    if params.unless_in_section and any(
        params.unless_in_section.search(ctx.texts[i]) for i in body
    ):
        return
    candidates, anchored = _candidates(params, ctx)
    for index in ctx.walk(candidates):
        text = ctx.texts[index]
        reported: set[tuple[int, int]] = set()
        spans: list[tuple[int, int]] | None = None
        for start, end, is_phrase in _matches(params, text, ctx.lowered(index), index in anchored):
            if end == start:
                continue
            if (
                is_phrase
                and params.followed_by
                and not params.followed_by.match(text[end : end + _FOLLOW_REACH])
            ):
                continue
            spans = spans if spans is not None else ctx.sentences(index)
            sentence = span_containing(spans, start)
            if params.one_per_sentence and sentence in reported:
                continue
            sentence_text = text[sentence[0] : sentence[1]]
            if params.unless_nearby and params.unless_nearby.search(sentence_text):
                continue
            reported.add(sentence)
            yield Hit(index, start, end, {"match": text[start:end], "sentence": sentence_text})


PHRASES = CheckKind(
    name="phrases",
    params_schema={
        "type": "object",
        "properties": {
            "phrases": _STRINGS,
            "patterns": _STRINGS,
            "case_sensitive": {"type": "boolean"},
            "unless_nearby": {"type": "string"},
            "unless_in_section": {"type": "string"},
            "one_per_sentence": {"type": "boolean"},
            "followed_by": {"type": "string"},
            "keywords": _STRINGS,
        },
        "additionalProperties": False,
    },
    fields=frozenset({"match", "sentence"}),
    prepare=_prepare_phrases,
    run=_run_phrases,
)


# --- passive voice ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PassiveParams:
    matcher: re.Pattern[str]
    ignore: frozenset[str]
    agent: re.Pattern[str]
    actor_before: re.Pattern[str] | None
    verbs: tuple[str, ...]  # lower case; a block without any of them holds no match


_AUXILIARIES = ("am", "is", "are", "was", "were", "be", "been", "being")
_MODIFIER = r"(?:(?:not|never|also|then|now|later|only|already|subsequently|\w+ly)\s+)"


_PARTICLES = r"(?:\s+(?:back|out|up|down|off|over|through|in)\b)?"


def _prepare_passive(params: Mapping[str, Any]) -> PassiveParams:
    # ``verbs`` limits the check to actions and decisions that need an owner ("approved",
    # "rolled back"); without it any participle counts (the old, noisier behaviour).
    verbs = [re.escape(w) for w in params.get("verbs", [])]
    irregular = [re.escape(w) for w in params.get("irregular_participles", [])]
    participle = "|".join(verbs or [r"\w+ed", *irregular])
    auxiliaries = "|".join(re.escape(a) for a in params.get("auxiliaries", _AUXILIARIES))
    pattern = rf"\b(?:{auxiliaries})\s+{_MODIFIER}{{0,2}}(?P<participle>{participle})\b{_PARTICLES}"
    return PassiveParams(
        matcher=re.compile(pattern, re.IGNORECASE),
        ignore=frozenset(w.lower() for w in params.get("ignore", [])),
        agent=compile_pattern(params.get("agent", r"\bby\b")),
        actor_before=optional_pattern(params, "actor_before"),
        verbs=tuple(w.lower() for w in params.get("verbs", [])),
    )


def _run_passive(params: PassiveParams, ctx: SectionContext) -> Iterable[Hit]:
    for index in ctx.walk(ctx.body_indices()):
        text = ctx.texts[index]
        if params.verbs and index not in ctx.blocks_containing(params.verbs):
            continue  # a substring test is much cheaper than the pattern
        spans = ctx.sentences(index)
        reported: set[tuple[int, int]] = set()
        for match in params.matcher.finditer(text):
            if match.group("participle").lower() in params.ignore:
                continue
            sentence = span_containing(spans, match.start())
            if sentence in reported or params.agent.search(text, match.end(), sentence[1]):
                continue
            if params.actor_before and params.actor_before.search(text, sentence[0], match.start()):
                continue  # "@alice announces resolution is confirmed": the actor is named
            reported.add(sentence)
            yield Hit(
                index,
                match.start(),
                match.end(),
                {"match": match.group(), "sentence": text[sentence[0] : sentence[1]]},
            )


PASSIVE = CheckKind(
    name="passive_voice",
    params_schema={
        "type": "object",
        "properties": {
            "auxiliaries": _STRINGS,
            "irregular_participles": _STRINGS,
            "verbs": _STRINGS,
            "ignore": _STRINGS,
            "agent": {"type": "string"},
            "actor_before": {"type": "string"},
        },
        "additionalProperties": False,
    },
    fields=frozenset({"match", "sentence"}),
    prepare=_prepare_passive,
    run=_run_passive,
)


# --- long sentences --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LengthParams:
    max_words: int


def _prepare_length(params: Mapping[str, Any]) -> LengthParams:
    return LengthParams(max_words=int(params.get("max_words", 35)))


def _run_length(params: LengthParams, ctx: SectionContext) -> Iterable[Hit]:
    # Two words need a character between them: a text shorter than this cannot hold a sentence
    # over the limit, and is not segmented at all (table cells, short paragraphs).
    shortest = 2 * params.max_words + 1
    for index in ctx.body_indices():
        text = ctx.texts[index]
        if len(text) < shortest:
            continue
        for start, end in ctx.sentences(index):
            count = len(words(text[start:end]))
            if count > params.max_words:
                yield Hit(
                    index,
                    start,
                    end,
                    {
                        "words": str(count),
                        "limit": str(params.max_words),
                        "sentence": text[start:end],
                    },
                    widen=False,
                )


LONG_SENTENCE = CheckKind(
    name="long_sentence",
    params_schema={
        "type": "object",
        "properties": {"max_words": {"type": "integer", "minimum": 5}},
        "additionalProperties": False,
    },
    fields=frozenset({"words", "limit", "sentence"}),
    prepare=_prepare_length,
    run=_run_length,
)
