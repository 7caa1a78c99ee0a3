"""Plain-text helpers for the rule checks: sentences, words and exact quotes.

Everything works on one block's text, because a finding's quote must be a substring of a single
block for anchoring to find it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

# Words that end with a full stop without ending the sentence.
_ABBREVIATIONS: Final = frozenset(
    {
        "e.g",
        "i.e",
        "etc",
        "vs",
        "cf",
        "approx",
        "no",
        "nos",
        "fig",
        "figs",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "inc",
        "ltd",
        "co",
        "corp",
        "st",
        "jr",
        "sr",
        "dept",
        "est",
        "ref",
        "refs",
        "para",
        "sec",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "a.m",
        "p.m",
    }
)
_END = re.compile(r"[.!?]+[\"'”’)\]]*\s+|\n+")
_WORD = re.compile(r"[A-Za-z0-9][\w'’&/-]*")
_TOKEN_BEFORE = re.compile(r"([\w.]+)$")


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    if "\n" in match.group():
        return True
    before = _TOKEN_BEFORE.search(text, 0, match.start())
    token = before.group(1).lower().rstrip(".") if before else ""
    if token in _ABBREVIATIONS:
        return False
    if len(token) == 1 and token.isalpha():  # an initial: "J. Smith"
        return False
    following = text[match.end() : match.end() + 1]
    return not following or not following.islower()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Half-open spans of the sentences in ``text``, without surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        if not _ends_sentence(text, match):
            continue
        end = match.end()
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return [trimmed for span in spans if (trimmed := trim_span(text, *span))[0] < trimmed[1]]


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow ``start:end`` so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def words(text: str) -> list[str]:
    """The words of ``text`` (numbers and hyphenated words count as one word)."""
    return _WORD.findall(text)


def first_sentence(text: str, max_chars: int = 200) -> tuple[int, int]:
    """Span of the first sentence of ``text``, cut at a word boundary after ``max_chars``."""
    spans = sentence_spans(text)
    if not spans:
        return (0, 0)
    start, end = spans[0]
    if end - start > max_chars:
        cut = text.rfind(" ", start, start + max_chars)
        end = cut if cut > start else start + max_chars
    return trim_span(text, start, end)


def _occurrences(needle: str, haystacks: Sequence[str]) -> int:
    return sum(text.count(needle) for text in haystacks)


def widen_to_unique(
    texts: Sequence[str], index: int, start: int, end: int, limit: tuple[int, int]
) -> tuple[int, int]:
    """Grow ``texts[index][start:end]`` word by word until it occurs once in all ``texts``.

    Anchoring finds a quote by searching the section, so a quote that occurs twice could be
    placed on the wrong occurrence. Growth stays inside ``limit`` (usually the sentence); if
    the quote is still not unique there, the widest version is returned.
    """
    text = texts[index]
    low, high = limit
    # The word before comes first: it is usually the subject ("account was suspended").
    while _occurrences(text[start:end], texts) > 1 and (start > low or end < high):
        if start > low:
            preceding = list(_WORD.finditer(text, low, start))
            start = preceding[-1].start() if preceding else low
        if _occurrences(text[start:end], texts) > 1 and end < high:
            following = _WORD.search(text, end, high)
            end = following.end() if following else high
    return trim_span(text, start, end)


def span_containing(spans: Sequence[tuple[int, int]], position: int) -> tuple[int, int]:
    """The span that contains ``position`` (or the last span starting before it)."""
    chosen = spans[0] if spans else (0, 0)
    for span in spans:
        if span[0] <= position:
            chosen = span
    return chosen
