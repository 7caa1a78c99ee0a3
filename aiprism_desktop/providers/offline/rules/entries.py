"""A section's entries: table rows, list items or paragraphs, with their column headers.

Timelines and action plans are lists of entries; checks such as "every timeline entry has a
date" and "every action has an owner" look at one entry at a time, and at the right column
when the entries are table rows with a header row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from aiprism_desktop.core.document import Block, BlockKind
from aiprism_desktop.providers.offline.rules.text import words

CELL_SEPARATOR = " | "
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Piece:
    """One block inside an entry: where its text starts in ``Entry.text``, and its column."""

    block_index: int  # index into Section.blocks
    offset: int
    length: int
    column: int = 0
    header: str = ""  # the header-row text of this piece's column ("" when there is none)


@dataclass(frozen=True, slots=True)
class Entry:
    """A table row, list item or paragraph, as one text with a map back to its blocks."""

    kind: Literal["table_row", "list_item", "paragraph"]
    text: str
    pieces: tuple[Piece, ...]

    def locate(self, start: int, end: int) -> tuple[int, int, int] | None:
        """Map a span of ``text`` to (block index, start, end) in that block, clipped to it."""
        for piece in self.pieces:
            if piece.offset <= start < piece.offset + piece.length:
                local_start = start - piece.offset
                local_end = min(end - piece.offset, piece.length)
                return piece.block_index, local_start, local_end
        return None

    def column(self, header_pattern: re.Pattern[str]) -> Piece | None:
        """The first piece whose column header matches ``header_pattern``."""
        for piece in self.pieces:
            if piece.header and header_pattern.search(piece.header):
                return piece
        return None

    def main_piece(self) -> Piece:
        """The piece with the most text (the event or action description of a row)."""
        return max(self.pieces, key=lambda piece: (piece.length, -piece.offset))


def _looks_like_header(row: Sequence[tuple[int, Block]]) -> bool:
    texts = [block.text for _, block in row]
    return all(not _DIGIT.search(t) and len(words(t)) <= 5 for t in texts) and any(
        t.strip() for t in texts
    )


def _entry(
    kind: Literal["table_row", "list_item", "paragraph"],
    items: list[Piece],
    blocks: Sequence[Block],
) -> Entry:
    parts: list[str] = []
    pieces: list[Piece] = []
    offset = 0
    for item in items:
        text = blocks[item.block_index].text
        if parts:
            parts.append(CELL_SEPARATOR)
            offset += len(CELL_SEPARATOR)
        parts.append(text)
        pieces.append(
            Piece(item.block_index, offset, len(text), column=item.column, header=item.header)
        )
        offset += len(text)
    return Entry(kind=kind, text="".join(parts), pieces=tuple(pieces))


def _table_entries(blocks: Sequence[Block]) -> list[Entry]:
    rows: dict[tuple[int, int, int], list[tuple[int, Block]]] = {}
    for index, block in enumerate(blocks):
        cell = block.table_cell
        if cell is not None and block.text.strip():
            rows.setdefault((cell.table_index, cell.depth, cell.row), []).append((index, block))
    tables: dict[tuple[int, int], list[list[tuple[int, Block]]]] = {}
    for (table, depth, _row), cells in sorted(rows.items()):
        tables.setdefault((table, depth), []).append(cells)
    entries: list[Entry] = []
    for table_rows in tables.values():
        headers: dict[int, str] = {}
        body = table_rows
        if len(table_rows) > 1 and _looks_like_header(table_rows[0]):
            for _, block in table_rows[0]:
                assert block.table_cell is not None
                column = block.table_cell.column
                headers[column] = (headers.get(column, "") + " " + block.text).strip()
            body = table_rows[1:]
        for cells in body:
            items = []
            for index, block in cells:
                column = block.table_cell.column if block.table_cell else 0
                items.append(Piece(index, 0, 0, column=column, header=headers.get(column, "")))
            entries.append(_entry("table_row", items, blocks))
    return entries


def section_entries(blocks: Sequence[Block], *, paragraphs: str = "auto") -> list[Entry]:
    """Table rows and list items of a section; paragraphs too, per ``paragraphs``.

    ``paragraphs``: "always" includes every body paragraph, "never" none, and "auto" includes
    them only when the section has no table rows or list items (a timeline written as prose).
    Entries come in reading order.
    """
    structured = _table_entries(blocks)
    listed: list[Entry] = []
    prose: list[Entry] = []
    for index, block in enumerate(blocks):
        if not block.text.strip() or block.table_cell is not None:
            continue
        if block.kind is BlockKind.LIST_ITEM:
            listed.append(_entry("list_item", [Piece(index, 0, 0)], blocks))
        elif block.kind is BlockKind.PARAGRAPH and paragraphs != "never":
            prose.append(_entry("paragraph", [Piece(index, 0, 0)], blocks))
    has_structure = bool(structured or listed)
    if paragraphs == "always" or (paragraphs == "auto" and not has_structure):
        merged = sorted(listed + prose, key=lambda entry: entry.pieces[0].block_index)
    else:
        merged = listed
    return sorted(structured + merged, key=lambda entry: entry.pieces[0].block_index)
