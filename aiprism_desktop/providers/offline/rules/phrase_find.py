"""Finding listed phrases with substring search instead of a regular expression.

Python's regex engine tries every alternative at every character; ``str.find`` scans in C at
memory speed. For the usual paragraph (single spaces, lower-casing that keeps every offset) the
phrases are found by ``find`` on the lower-cased text and checked for word boundaries here;
``None`` tells the caller to use the regex (unusual spacing, or characters whose lower case is
longer, such as "İ").
"""

from __future__ import annotations

from collections.abc import Sequence

_UNUSUAL_SPACE = ("  ", "\n", "\t", "\xa0", "\r")


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def find_phrases(phrases: Sequence[str], text: str, lowered: str) -> list[tuple[int, int]] | None:
    """Spans of ``phrases`` (lower case, single-spaced) in ``text``, longest first where two
    start at one place, without overlaps; None when the text needs the regex."""
    if len(lowered) != len(text) or any(space in text for space in _UNUSUAL_SPACE):
        return None
    found: list[tuple[int, int]] = []
    for phrase in phrases:
        start = lowered.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            before_ok = start == 0 or not _word_char(text[start - 1])
            after_ok = end == len(text) or not _word_char(text[end])
            if before_ok and after_ok:
                found.append((start, end))
            start = lowered.find(phrase, start + 1)
    found.sort(key=lambda span: (span[0], span[0] - span[1]))
    kept: list[tuple[int, int]] = []
    for span in found:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept
