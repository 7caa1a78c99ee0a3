"""The document model: Document → Sections → Blocks.

This module holds the data types only; ``core.ooxml.reader.read_document`` builds them. Every
block knows where it lives in the package (part name + ordinal of its ``w:p`` in that part) so
export can find it again without guessing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import cast


class BlockKind(StrEnum):
    """What kind of visible content a block is."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE_CELL = "table_cell"
    TEXT_BOX = "text_box"
    FOOTNOTE = "footnote"
    ENDNOTE = "endnote"
    HEADER = "header"  # a page header's paragraph (section "Headers and footers")
    FOOTER = "footer"


class SectionKind(StrEnum):
    """Where a section came from."""

    PREAMBLE = "preamble"  # text before the first heading
    BODY = "body"
    NOTES = "notes"  # footnotes and endnotes, appended as a marked appendix
    HEADERS_FOOTERS = "headers_footers"  # page headers and footers, the last section


@dataclass(frozen=True, slots=True)
class BlockLocation:
    """Where a block lives: the package part and the ordinal of its ``w:p`` in that part.

    The ordinal counts every ``w:p`` element of the part in document order (``root.iter(w:p)``),
    including those in tables, text boxes, content controls and ``mc:Fallback`` copies, so the
    exporter can find the same element again by iterating the same way.
    """

    part: str  # e.g. "word/document.xml", "word/footnotes.xml"
    paragraph_index: int


@dataclass(frozen=True, slots=True)
class TableCellRef:
    """Position of a table-cell paragraph: which table (document order), row and column."""

    table_index: int
    row: int
    column: int
    depth: int = 1  # 1 = top-level table, 2 = table nested in a cell, ...


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-level unit of visible text.

    ``text`` is exactly the concatenation of the paragraph's text nodes in the accept-all view,
    as produced by ``core.ooxml.text.paragraph_text``; character offsets in anchors index into
    it. ``label`` is computed list numbering ("1.", "a)", "•") that Word renders but that is
    not part of the runs, so it is kept apart from ``text``.
    """

    id: str
    kind: BlockKind
    text: str
    location: BlockLocation
    style: str = ""
    label: str = ""
    heading_level: int | None = None
    table_cell: TableCellRef | None = None

    @property
    def display_text(self) -> str:
        """Text as a reader sees it, with the list label in front."""
        return f"{self.label} {self.text}" if self.label else self.text


# -- Fast construction for the reader --------------------------------------------------------
# A frozen dataclass's __init__ sets every field through ``object.__setattr__`` (about 1 µs for
# a Block), and the reader builds a Block, a BlockLocation and often a TableCellRef per
# paragraph. Each twin below has exactly the slots of its class, fills them with plain
# attribute stores and then becomes an instance of the real class (CPython allows assigning
# ``__class__`` between classes of identical slot layout). The result is a genuine frozen
# instance, equal to the one the constructor makes; tests/core/test_document_model.py checks
# that every field is set, so a field added to the class must be added to its twin.


class _BlockTwin:
    __slots__ = Block.__slots__

    def __init__(
        self,
        id: str,
        kind: BlockKind,
        text: str,
        location: BlockLocation,
        style: str = "",
        label: str = "",
        heading_level: int | None = None,
        table_cell: TableCellRef | None = None,
    ) -> None:
        self.id = id
        self.kind = kind
        self.text = text
        self.location = location
        self.style = style
        self.label = label
        self.heading_level = heading_level
        self.table_cell = table_cell
        self.__class__ = Block  # type: ignore[assignment]


class _BlockLocationTwin:
    __slots__ = BlockLocation.__slots__

    def __init__(self, part: str, paragraph_index: int) -> None:
        self.part = part
        self.paragraph_index = paragraph_index
        self.__class__ = BlockLocation  # type: ignore[assignment]


class _TableCellRefTwin:
    __slots__ = TableCellRef.__slots__

    def __init__(self, table_index: int, row: int, column: int, depth: int = 1) -> None:
        self.table_index = table_index
        self.row = row
        self.column = column
        self.depth = depth
        self.__class__ = TableCellRef  # type: ignore[assignment]


# Same positional parameters and defaults as the constructors (keyword use works too).
new_block = cast(
    Callable[
        [str, BlockKind, str, BlockLocation, str, str, int | None, TableCellRef | None], Block
    ],
    _BlockTwin,
)
new_block_location = cast(Callable[[str, int], BlockLocation], _BlockLocationTwin)
new_table_cell_ref = cast(Callable[[int, int, int, int], TableCellRef], _TableCellRefTwin)


@dataclass(frozen=True, slots=True)
class Section:
    """A titled run of blocks between two headings."""

    id: str
    title: str
    level: int
    kind: SectionKind
    blocks: tuple[Block, ...]
    heading_block_id: str | None = None  # the heading paragraph itself, when there is one

    @property
    def text(self) -> str:
        """The section body as plain text, one block per line (list labels included)."""
        return "\n".join(block.display_text for block in self.blocks)

    @property
    def content_hash(self) -> str:
        """Hash of title and body: the cache key part that changes when the section changes."""
        digest = hashlib.sha256()
        digest.update(self.title.encode("utf-8"))
        digest.update(b"\x00")
        digest.update(self.text.encode("utf-8"))
        return digest.hexdigest()

    @property
    def is_empty(self) -> bool:
        """True when the section has a heading but no body text (kept, but marked)."""
        return not any(
            block.text.strip() for block in self.blocks if block.kind is not BlockKind.HEADING
        )


@dataclass(frozen=True, slots=True)
class ExistingComment:
    """A comment that was already in the document."""

    id: str
    author: str
    text: str
    anchored_text: str
    initials: str = ""
    date: str = ""


@dataclass(frozen=True, slots=True)
class DocumentWarning:
    """Something the reviewer should know about how the document was read."""

    code: str  # stable, e.g. "TRACKED_CHANGES", "TEXT_BOXES", "MACROS_DROPPED"
    message: str


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed document, ready for review."""

    path: Path
    sha256: str
    title: str
    sections: tuple[Section, ...]
    warnings: tuple[DocumentWarning, ...] = ()
    comments: tuple[ExistingComment, ...] = ()
    source_format: str = "docx"  # docx | docm | dotx | dotm, or doc | rtf | odt (converted)
    core_properties: dict[str, str] = field(default_factory=dict)

    def section(self, section_id: str) -> Section:
        """Return the section with this id; KeyError when there is none."""
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def block(self, block_id: str) -> Block:
        """Return the block with this id; KeyError when there is none."""
        for section in self.sections:
            for block in section.blocks:
                if block.id == block_id:
                    return block
        raise KeyError(block_id)

    @property
    def outline(self) -> tuple[tuple[int, str], ...]:
        """(level, title) of every section, in order."""
        return tuple((s.level, s.title) for s in self.sections)
