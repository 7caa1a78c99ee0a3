"""Plain-text helpers for the rule checks: sentences, words and exact quotes.

Everything works on one block's text, because a finding's quote must be a substring of a single
block for anchoring to find it. Every helper runs in time linear in its input: a pasted log or
appendix of 400 KB in one paragraph must not stall the review (sentences are found by the
``sentencex`` segmenter, a compiled, linear-time implementation; a "sentence" longer than
``MAX_SENTENCE_CHARS`` is cut at word boundaries so per-sentence work stays bounded).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Final

import sentencex

MAX_SENTENCE_CHARS: Final = 2000  # longer runs without a sentence end are cut into pieces
MAX_WIDEN_STEPS: Final = 24  # words a quote may grow by to become unique
_LANGUAGE: Final = "en"
_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"[A-Za-z0-9][\w'’&/-]*")


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]`` (one line), mapped back to ``text`` offsets."""
    spans: list[tuple[int, int]] = []
    position = start
    for piece in sentencex.segment(_LANGUAGE, text[start:end]):
        if text.startswith(piece, position):
            found = position
        else:  # the segmenter normalised something: find the piece's words instead
            found = text.find(piece.strip(), position, end)
            if found < 0:
                break
        spans.append((found, found + len(piece)))
        position = found + len(piece)
    if position < end:
        spans.append((position, end))
    return spans


def _cut(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``start:end`` in pieces of at most ``MAX_SENTENCE_CHARS``, cut after whitespace."""
    pieces: list[tuple[int, int]] = []
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, limit)
        cut = cut + 1 if cut > start else limit
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Half-open spans of the sentences in ``text``, without surrounding whitespace.

    A line break always ends a sentence (Word's soft breaks separate timeline lines). Results
    are cached by text: the fact extractor and the rules split the same blocks.
    """
    return list(_sentence_spans(text))


@lru_cache(maxsize=16384)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        for start, end in _segments(text, line.start(), line.end()):
            for piece in _cut(text, start, end):
                trimmed = trim_span(text, *piece)
                if trimmed[0] < trimmed[1]:
                    spans.append(trimmed)
    return tuple(spans)


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
    """Span of the first sentence of ``text``, cut at a word boundary after ``max_chars``.

    Only the beginning of the text is segmented: the rest cannot change the first sentence.
    """
    spans = sentence_spans(text[: MAX_SENTENCE_CHARS + 1])
    if not spans:
        return (0, 0)
    start, end = spans[0]
    if end - start > max_chars:
        cut = text.rfind(" ", start, start + max_chars)
        end = cut if cut > start else start + max_chars
    return trim_span(text, start, end)


def _occurrences(needle: str, haystack: str) -> int:
    first = haystack.find(needle)
    return 0 if first < 0 else 1 + (haystack.find(needle, first + 1) >= 0)


def widen_to_unique(
    texts: Sequence[str],
    index: int,
    start: int,
    end: int,
    limit: tuple[int, int],
    joined: str | None = None,
) -> tuple[int, int]:
    """Grow ``texts[index][start:end]`` word by word until it occurs once in all ``texts``.

    Anchoring finds a quote by searching the section, so a quote that occurs twice could be
    placed on the wrong occurrence. Growth stays inside ``limit`` (usually the sentence) and
    stops after ``MAX_WIDEN_STEPS`` words; if the quote is still not unique then, the widest
    version is returned (the reviewer drops a second finding with the same quote).
    ``joined``: ``"\x00".join(texts)`` when the caller keeps it (it is the same for every quote
    of a section).
    """
    text = texts[index]
    if joined is None:
        joined = "\x00".join(texts)  # one search instead of one per block (quotes hold no NUL)
    low, high = limit
    steps = 0
    # The word before comes first: it is usually the subject ("account was suspended").
    while _occurrences(text[start:end], joined) > 1 and (start > low or end < high):
        steps += 1
        if steps > MAX_WIDEN_STEPS:
            break
        if start > low:
            window = max(low, start - 80)
            preceding = list(_WORD.finditer(text, window, start))
            start = preceding[-1].start() if preceding else window
        if _occurrences(text[start:end], joined) > 1 and end < high:
            following = _WORD.search(text, end, min(high, end + 80))
            end = following.end() if following else min(high, end + 80)
    return trim_span(text, start, end)


def span_containing(spans: Sequence[tuple[int, int]], position: int) -> tuple[int, int]:
    """The span that contains ``position`` (or the last span starting before it)."""
    if not spans:
        return (0, 0)
    at = bisect.bisect_right(spans, position, key=lambda span: span[0]) - 1
    return spans[max(at, 0)]


def contains_any(text: str, words: Sequence[str]) -> bool:
    """Whether ``text`` contains one of ``words`` (a loop: a generator per block cost more than
    the substring tests it ran)."""
    for word in words:  # noqa: SIM110 - faster than any() over a generator here
        if word in text:
            return True
    return False
