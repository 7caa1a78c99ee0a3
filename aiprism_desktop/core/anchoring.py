"""Find a finding's quote in its section: exact span, or "unanchored".

Tolerance is limited to differences a copy of the text picks up on its way through a model or a
clipboard, never to different words:

* whitespace: any run of spaces, tabs, newlines, no-break or other Unicode spaces matches any
  other run (block boundaries count as whitespace); whitespace around the quote is ignored;
* quote marks: straight and curly single quotes/apostrophes, straight and curly double quotes;
* dashes: hyphen, non-breaking hyphen, en dash, em dash, minus sign;
* "…" and "...";
* invisible characters (soft hyphen, zero-width space, word joiner, BOM) are ignored;
* a list label ("1.", "a)", "•") that Word renders but that is not in the runs may start the
  quote, or sit between blocks of a multi-block quote; it is never part of the anchored span.

Matching is case-sensitive by default. There is no edit-distance matching: a quote that differs
by one word does not anchor. Normalized match offsets are mapped back to exact offsets in the
original ``Block.text``.

Repeated quotes: the occurrence starting in ``hint_block_id`` wins when there is one; otherwise
the first occurrence in the section. ``locate_quote`` reports how many occurrences there are and
sets ``ambiguous`` when the choice was not settled by the hint.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum

from aiprism_desktop.core.document import Section
from aiprism_desktop.core.findings import Anchor

_MAX_COUNTED_OCCURRENCES = 1000

# Characters that compare as another character (or sequence).
_EQUIVALENT: dict[str, str] = {
    # single quotes and apostrophes
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u02bc": "'",
    # double quotes
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    # dashes and hyphens
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\ufe58": "-",
    "\ufe63": "-",
    "\uff0d": "-",
    # ellipsis: compared as three dots so "..." in either text matches "…" in the other
    "\u2026": "...",
}
_INVISIBLE = frozenset({"\u00ad", "\u200b", "\u2060", "\ufeff"})


class AnchorStatus(StrEnum):
    """Outcome of looking a quote up in a section."""

    ANCHORED = "anchored"
    EMPTY_QUOTE = "empty_quote"  # nothing but whitespace / invisible characters
    NOT_FOUND = "not_found"  # not in the section, even with the tolerances above


@dataclass(frozen=True, slots=True)
class AnchorResult:
    """The anchor, or why there is none, and how many places the quote matched."""

    status: AnchorStatus
    anchor: Anchor | None = None
    occurrences: int = 0  # counted up to 1,000
    ambiguous: bool = False  # several occurrences and the hint did not single one out

    @property
    def anchored(self) -> bool:
        return self.anchor is not None


# Equivalents that stay one character long (str.translate does them at C speed); "…" becomes
# three characters and is handled as a special run below.
_ONE_TO_ONE = str.maketrans({k: v for k, v in _EQUIVALENT.items() if len(v) == 1})
_INVISIBLE_CLASS = "[\u00ad\u200b\u2060\ufeff]"
# The only places where normalised text is not the translated original, one character for one:
# whitespace runs (invisible characters inside them included) become one space, invisible
# characters elsewhere vanish, and "…" becomes "...".
_SPECIAL = re.compile(
    f"(?P<space>(?:{_INVISIBLE_CLASS}*\\s)+{_INVISIBLE_CLASS}*)"
    f"|(?P<invisible>{_INVISIBLE_CLASS}+)"
    "|(?P<ellipsis>\u2026)"
)
_REPLACEMENT = {"space": " ", "invisible": "", "ellipsis": "..."}


@dataclass(frozen=True, slots=True)
class _Normalized:
    """Normalised text and the way back to the original: for each special run (in order), where
    its replacement starts in the normalised text, where it started and ended in the original,
    and how long its replacement is. Between runs, characters correspond one to one."""

    text: str
    norm_starts: tuple[int, ...]
    raw_starts: tuple[int, ...]
    raw_ends: tuple[int, ...]
    lengths: tuple[int, ...]

    def origin(self, index: int) -> int:
        """The original index of normalised character ``index``."""
        run = bisect.bisect_right(self.norm_starts, index) - 1
        if run < 0:
            return index
        offset = index - self.norm_starts[run]
        if offset < self.lengths[run]:  # inside a replacement: all of it comes from its run
            return self.raw_starts[run]
        return self.raw_ends[run] + offset - self.lengths[run]


def _normalize(raw: str, *, case_sensitive: bool) -> _Normalized:
    """Whitespace runs → one space, invisible characters dropped, look-alike quotes, dashes and
    "…" folded; linear in the text and without a Python step per character."""
    if not case_sensitive:
        lowered = raw.lower()
        if len(lowered) == len(raw):  # lowering kept every index ("İ" would not)
            raw = lowered
        else:
            raw = "".join(c if len(c.lower()) != 1 else c.lower() for c in raw)
    pieces: list[str] = []
    norm_starts: list[int] = []
    raw_starts: list[int] = []
    raw_ends: list[int] = []
    lengths: list[int] = []
    previous = 0
    position = 0  # in the normalised text
    for match in _SPECIAL.finditer(raw):
        start, end = match.span()
        pieces.append(raw[previous:start])
        position += start - previous
        kind = match.lastgroup or "space"
        replacement = _REPLACEMENT[kind]
        if kind == "space":  # the space stands for the run's first real whitespace character
            start += len(match.group()) - len(match.group().lstrip("\u00ad\u200b\u2060\ufeff"))
        pieces.append(replacement)
        norm_starts.append(position)
        raw_starts.append(start)
        raw_ends.append(end)
        lengths.append(len(replacement))
        position += len(replacement)
        previous = end
    pieces.append(raw[previous:])
    text = "".join(pieces).translate(_ONE_TO_ONE)
    return _Normalized(text, tuple(norm_starts), tuple(raw_starts), tuple(raw_ends), tuple(lengths))


def _normalize_quote(quote: str, *, case_sensitive: bool) -> str:
    return _normalize(quote, case_sensitive=case_sensitive).text.strip(" ")


class SectionMatcher:
    """A section's text, normalized once, that quotes can be looked up in repeatedly."""

    def __init__(self, section: Section, *, include_labels: bool = True) -> None:
        self.section = section
        pieces: list[str] = []
        self._text_starts: list[int] = []  # where each block's text begins in the raw string
        self._label_starts: list[int] = []  # where each block's label begins (-1: no label)
        position = 0
        for index, block in enumerate(section.blocks):
            if index:
                pieces.append("\n")
                position += 1
            if include_labels and block.label:
                self._label_starts.append(position)
                pieces.append(f"{block.label} ")
                position += len(block.label) + 1
            else:
                self._label_starts.append(-1)
            self._text_starts.append(position)
            pieces.append(block.text)
            position += len(block.text)
        self._raw = "".join(pieces)
        self._haystacks: dict[bool, _Normalized] = {}

    def _haystack(self, case_sensitive: bool) -> _Normalized:
        normalized = self._haystacks.get(case_sensitive)
        if normalized is None:
            normalized = _normalize(self._raw, case_sensitive=case_sensitive)
            self._haystacks[case_sensitive] = normalized
        return normalized

    def _locate_raw(self, raw_index: int) -> tuple[int, int | None]:
        """(block index, offset in its text) of a raw character; offset None for label chars."""
        block = max(bisect.bisect_right(self._text_starts, raw_index) - 1, 0)
        offset = raw_index - self._text_starts[block]
        if 0 <= offset < len(self.section.blocks[block].text):
            return block, offset
        # Before this block's text (its label) or a separator: belongs to the next block's label.
        if offset < 0:
            return block, None
        return block + 1, None

    def _span(self, haystack: _Normalized, start: int, end: int) -> tuple[int, int] | None:
        """Raw [start, end) of a normalized match, or None when the match is not acceptable."""
        origin = haystack.origin
        # A match may not begin or end inside one character's expansion ("…" → "...").
        if start > 0 and origin(start - 1) == origin(start):
            return None
        if end < len(haystack.text) and origin(end) == origin(end - 1):
            return None
        raw_start = origin(start)
        raw_end = origin(end - 1) + 1
        block, offset = self._locate_raw(raw_start)
        if (
            offset is None
            and raw_start != self._label_starts[min(block, len(self._label_starts) - 1)]
        ):
            return None  # starts in the middle of a list label
        _, last_offset = self._locate_raw(raw_end - 1)
        if last_offset is None:
            return None  # ends inside a list label
        return raw_start, raw_end

    def _anchor(self, raw_start: int, raw_end: int) -> Anchor | None:
        first_block, first_offset = self._locate_raw(raw_start)
        if first_offset is None:  # the quote starts with a label: the span starts with the text
            first_offset = 0
            while (
                first_block < len(self.section.blocks) and not self.section.blocks[first_block].text
            ):
                first_block += 1
            if self._text_starts[min(first_block, len(self._text_starts) - 1)] >= raw_end:
                return None  # nothing but a label
        last_block, last_offset = self._locate_raw(raw_end - 1)
        assert last_offset is not None
        blocks = self.section.blocks
        return Anchor(
            block_id=blocks[first_block].id,
            start=first_offset,
            end=last_offset + 1,
            end_block_id=blocks[last_block].id if last_block != first_block else None,
        )

    def occurrences(self, quote: str, *, case_sensitive: bool = True) -> list[tuple[int, int]]:
        """Raw [start, end) of every acceptable occurrence (up to 1,000), in order."""
        needle = _normalize_quote(quote, case_sensitive=case_sensitive)
        if not needle:
            return []
        haystack = self._haystack(case_sensitive)
        found: list[tuple[int, int]] = []
        position = haystack.text.find(needle)
        while position >= 0 and len(found) < _MAX_COUNTED_OCCURRENCES:
            span = self._span(haystack, position, position + len(needle))
            if span is not None:
                found.append(span)
            position = haystack.text.find(needle, position + 1)
        return found

    def locate(
        self, quote: str, *, hint_block_id: str | None = None, case_sensitive: bool = True
    ) -> AnchorResult:
        """Anchor ``quote`` in the section; see the module docstring for the rules."""
        if not _normalize_quote(quote, case_sensitive=case_sensitive):
            return AnchorResult(AnchorStatus.EMPTY_QUOTE)
        candidates = [
            anchor
            for anchor in (
                self._anchor(s, e)
                for s, e in self.occurrences(quote, case_sensitive=case_sensitive)
            )
            if anchor is not None
        ]
        if not candidates:
            return AnchorResult(AnchorStatus.NOT_FOUND)
        chosen = candidates[0]
        ambiguous = len(candidates) > 1
        if hint_block_id is not None:
            in_hint = [a for a in candidates if a.block_id == hint_block_id]
            if in_hint:
                chosen = in_hint[0]
                ambiguous = len(in_hint) > 1
        return AnchorResult(
            AnchorStatus.ANCHORED, chosen, occurrences=len(candidates), ambiguous=ambiguous
        )


_Matchers = tuple[SectionMatcher, SectionMatcher | None]
# Matchers of recently used sections, by identity: a section is normalised once and reused by
# every quote of the run (a 300-page document has 40 sections; hashing a Section would hash all
# of its text on every lookup). The entry keeps the section alive, so its id is not reused.
_MATCHER_CACHE: OrderedDict[int, tuple[Section, _Matchers]] = OrderedDict()
_MATCHER_CACHE_SIZE = 256
_MATCHER_LOCK = threading.Lock()  # anchoring runs in worker threads too


def _matchers(section: Section) -> _Matchers:
    key = id(section)
    with _MATCHER_LOCK:
        entry = _MATCHER_CACHE.get(key)
        if entry is not None and entry[0] is section:
            _MATCHER_CACHE.move_to_end(key)
            return entry[1]
    with_labels = SectionMatcher(section, include_labels=True)
    has_labels = any(block.label for block in section.blocks)
    matchers = (with_labels, SectionMatcher(section, include_labels=False) if has_labels else None)
    with _MATCHER_LOCK:
        _MATCHER_CACHE[key] = (section, matchers)
        while len(_MATCHER_CACHE) > _MATCHER_CACHE_SIZE:
            _MATCHER_CACHE.popitem(last=False)
    return matchers


def locate_quote(
    section: Section,
    quote: str,
    *,
    hint_block_id: str | None = None,
    case_sensitive: bool = True,
) -> AnchorResult:
    """Anchor ``quote`` in ``section`` and say why not when it cannot be anchored.

    The section text is looked at as the model saw it (list labels in front of their blocks);
    when the quote is not found that way, it is looked up again without labels, for quotes that
    run across list items without copying their numbers.
    """
    with_labels, without_labels = _matchers(section)
    result = with_labels.locate(quote, hint_block_id=hint_block_id, case_sensitive=case_sensitive)
    if result.status is AnchorStatus.NOT_FOUND and without_labels is not None:
        retry = without_labels.locate(
            quote, hint_block_id=hint_block_id, case_sensitive=case_sensitive
        )
        if retry.anchored:
            return retry
    return result


def anchor_quote(
    section: Section,
    quote: str,
    *,
    hint_block_id: str | None = None,
    case_sensitive: bool = True,
) -> Anchor | None:
    """The anchor of ``quote`` in ``section``, or None when it is unanchored."""
    return locate_quote(
        section, quote, hint_block_id=hint_block_id, case_sensitive=case_sensitive
    ).anchor


def anchored_text(section: Section, anchor: Anchor) -> str:
    """The exact original text an anchor covers (blocks joined with newlines, labels left out).

    Raises KeyError when the anchor's blocks are not in the section.
    """
    ids = [block.id for block in section.blocks]
    first = ids.index(anchor.block_id) if anchor.block_id in ids else -1
    if first < 0:
        raise KeyError(anchor.block_id)
    if anchor.end_block_id is None:
        return section.blocks[first].text[anchor.start : anchor.end]
    if anchor.end_block_id not in ids:
        raise KeyError(anchor.end_block_id)
    last = ids.index(anchor.end_block_id, first)
    parts = [section.blocks[first].text[anchor.start :]]
    parts.extend(block.text for block in section.blocks[first + 1 : last])
    parts.append(section.blocks[last].text[: anchor.end])
    return "\n".join(parts)


def anchor_covers_quote(section: Section, anchor: Anchor, quote: str) -> bool:
    """Whether ``anchor`` still sits on ``quote`` in ``section`` (with the tolerance above).

    False when the anchor's blocks are not in the section or cover other text (e.g. the quote
    was edited after the finding was anchored).
    """
    try:
        covered = anchored_text(section, anchor)
    except (KeyError, ValueError):
        return False
    if _normalize_quote(covered, case_sensitive=True) == _normalize_quote(
        quote, case_sensitive=True
    ):
        return True
    # A quote may start with a list label that the anchored span leaves out.
    return anchor_quote(section, quote, hint_block_id=anchor.block_id) == anchor
