"""Split a document's blocks into sections.

Decisions (kept stable because section ids and cache keys depend on them):

* **Word structure first.** A body-level, non-empty paragraph whose heading level comes from
  its style chain or its own ``w:outlineLvl`` (``styles.StyleMap``), or from the Title style,
  starts a section. Headings inside tables, text boxes and notes do not split (a section never
  starts half-way through a table); they stay ordinary blocks of their section.
* **Heuristics only without structure.** When no paragraph is a heading, short lines that are
  typed-numbered ("1. Scope", "2.3 Method", "IV. Results") or entirely bold start sections.
  Runs of two or more consecutive numbered lines are treated as a list, not headings; a bold
  line must be followed by a non-heading block.
* **The heading is a block.** The heading paragraph is the section's first block, with kind
  ``HEADING`` and its level, and its id is ``Section.heading_block_id``: findings can anchor on
  heading text, and ``Section.is_empty`` ignores it.
* **Preamble.** Blocks before the first heading form a ``PREAMBLE`` section titled "Preamble".
  A document with no headings at all is one ``BODY`` section titled with the document title
  (an empty document too: one empty section, so every readable file has a section).
* **Levels.** Heading N → level N; Title → 1 (``styles.TITLE_LEVEL``); Preamble and notes → 1.
* **Empty sections are kept** (``Section.is_empty`` marks them).
* **Notes.** Footnotes and endnotes form a ``NOTES`` section after the body.
* **Headers and footers** form the last section (``HEADERS_FOOTERS``), after the notes, so
  adding it left the ids of every other section as they were.
* **Ids** are positional: "s001", "s002", ... in document order (notes last). Titles are the
  heading text with its list label ("2.1 Scope"), whitespace collapsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from enum import StrEnum
from typing import NamedTuple, Protocol

from aiprism_desktop.core.document import Block, BlockKind, Section, SectionKind

PREAMBLE_TITLE = "Preamble"
MAX_HEURISTIC_CHARS = 90
MAX_HEURISTIC_WORDS = 12

_NUMBERED = re.compile(
    r"^(?:(?P<num>\d{1,3}(?:\.\d{1,3}){0,5})\.?|(?P<roman>[IVXLC]{1,6})\.|(?P<alpha>[A-Z])[.)])"
    r"\s+(?P<rest>\S.*)$"
)
_SENTENCE_END = (".", ";", ",", "?", "!")


class SplitMethod(StrEnum):
    """How the sections were found (reported as a document warning when not by structure)."""

    STRUCTURE = "structure"
    HEURISTIC = "heuristic"
    NONE = "none"


class SplitCandidate(Protocol):
    """What the splitter needs to know about a body block."""

    @property
    def block(self) -> Block: ...
    @property
    def heading_level(self) -> int | None: ...
    @property
    def can_start_section(self) -> bool: ...


class SplitItem(NamedTuple):
    """A plain ``SplitCandidate``, for callers that build blocks themselves (and tests)."""

    block: Block
    heading_level: int | None = None
    can_start_section: bool = True


def numbered_heading_level(text: str) -> int | None:
    """Level of a typed-numbered short heading ("2.3 Method" → 2), else None."""
    text = text.strip()
    if len(text) > MAX_HEURISTIC_CHARS or text.endswith(_SENTENCE_END):
        return None
    match = _NUMBERED.match(text)
    if match is None:
        return None
    rest = match.group("rest")
    if len(rest.split()) > MAX_HEURISTIC_WORDS or not rest[0].isupper():
        return None
    if match.group("num"):
        return min(match.group("num").count(".") + 1, 9)
    return 1


def is_short_line(text: str) -> bool:
    text = text.strip()
    return (
        0 < len(text) <= MAX_HEURISTIC_CHARS
        and len(text.split()) <= MAX_HEURISTIC_WORDS
        and not text.endswith(_SENTENCE_END)
    )


def heuristic_levels(
    items: Sequence[SplitCandidate], is_bold: Callable[[int], bool]
) -> list[int | None]:
    """Guess heading levels for a document without Word headings (see module docstring)."""
    numbered: list[int | None] = [
        numbered_heading_level(item.block.text)
        if item.can_start_section and item.block.kind is not BlockKind.LIST_ITEM
        else None
        for item in items
    ]
    levels: list[int | None] = [None] * len(items)
    index = 0
    while index < len(items):
        if numbered[index] is None:
            index += 1
            continue
        end = index
        while end + 1 < len(items) and numbered[end + 1] is not None:
            end += 1
        if end == index or len({numbered[i] for i in range(index, end + 1)}) > 1:
            for i in range(index, end + 1):
                levels[i] = numbered[i]  # "1. Scope" / "1.1 Terms": headings, not a list
        index = end + 1
    for i, item in enumerate(items):
        if levels[i] is not None or not item.can_start_section:
            continue
        if not is_short_line(item.block.text) or i + 1 >= len(items):
            continue
        if is_bold(i) and not (numbered[i + 1] is not None or is_bold(i + 1)):
            levels[i] = 1
    return levels


def _title_of(block: Block) -> str:
    return " ".join(block.display_text.split())


def _section_id(number: int) -> str:
    return f"s{number:03d}"


def split_sections(
    items: Sequence[SplitCandidate],
    notes: Sequence[Block],
    *,
    document_title: str,
    notes_title: str,
    levels: Sequence[int | None] | None = None,
) -> tuple[Section, ...]:
    """Sections from body items (in order) and note blocks.

    A body item is a heading when it may start a section and has a level: from ``levels``
    when given (heuristic pass), else its own ``heading_level``.
    """
    openings: dict[int, int] = {}
    for index, item in enumerate(items):
        level = levels[index] if levels is not None else item.heading_level
        if level is not None and item.can_start_section:
            openings[index] = level
    return split_blocks(
        [item.block for item in items],
        openings,
        notes,
        document_title=document_title,
        notes_title=notes_title,
    )


def split_blocks(
    blocks: Sequence[Block],
    openings: Mapping[int, int],
    notes: Sequence[Block],
    *,
    document_title: str,
    notes_title: str,
    headers: Sequence[Block] = (),
    headers_title: str = "Headers and footers",
) -> tuple[Section, ...]:
    """Sections from body blocks (in order), given the blocks that open a section (index →
    heading level), note blocks and header/footer blocks. The reader's form of
    ``split_sections``: it knows the openings while walking, so the blocks are cut in slices
    instead of being looked at."""
    sections: list[Section] = []

    def add(
        title: str, level: int, kind: SectionKind, body: Sequence[Block], head: str | None
    ) -> None:
        number = len(sections) + 1
        sections.append(Section(_section_id(number), title, level, kind, tuple(body), head))

    starts = sorted(openings)
    if not starts:
        add(document_title, 1, SectionKind.BODY, blocks, None)
    else:
        if starts[0] > 0:
            add(PREAMBLE_TITLE, 1, SectionKind.PREAMBLE, blocks[: starts[0]], None)
        ends = [*starts[1:], len(blocks)]
        for start, end in zip(starts, ends, strict=True):
            level = openings[start]
            heading = replace(blocks[start], kind=BlockKind.HEADING, heading_level=level)
            body = [heading, *blocks[start + 1 : end]]
            add(_title_of(heading), level, SectionKind.BODY, body, heading.id)
    if notes:
        add(notes_title, 1, SectionKind.NOTES, notes, None)
    if headers:
        add(headers_title, 1, SectionKind.HEADERS_FOOTERS, headers, None)
    return tuple(sections)
