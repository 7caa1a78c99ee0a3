"""A document as the team backend's wire format carries it, and back.

An analysis or chat request must let the server rebuild exactly the prompt the desktop would
build (``core.prompts``): the prompt shows the document title, the whole outline (every
section's title and level, in order) and the text of the section under review. So the request
carries the outline — sections without their text — plus the blocks of the sections whose text
is needed: the one under review, or every section when the server's reviewer compares sections
with each other (``ProviderInfo.document_scoped``: the offline rules).

Blocks keep every field (id, kind, text, list label, where they live), so anchoring and finding
ids come out the same on both sides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from aiprism_desktop.core.codec import JsonDict
from aiprism_desktop.core.document import (
    Block,
    BlockKind,
    BlockLocation,
    Document,
    Section,
    SectionKind,
    TableCellRef,
)
from aiprism_desktop.core.errors import DataFormatError


def block_to_wire(block: Block) -> JsonDict:
    """Every field of a block."""
    cell = block.table_cell
    return {
        "id": block.id,
        "kind": block.kind.value,
        "text": block.text,
        "part": block.location.part,
        "paragraph_index": block.location.paragraph_index,
        "style": block.style,
        "label": block.label,
        "heading_level": block.heading_level,
        "table_cell": None
        if cell is None
        else [cell.table_index, cell.row, cell.column, cell.depth],
    }


def section_to_wire(section: Section, *, with_blocks: bool = True) -> JsonDict:
    """A section; without blocks it is an outline entry (id, title, level, kind)."""
    data: JsonDict = {
        "id": section.id,
        "title": section.title,
        "level": section.level,
        "kind": section.kind.value,
        "heading_block_id": section.heading_block_id,
    }
    if with_blocks:
        data["blocks"] = [block_to_wire(block) for block in section.blocks]
    return data


def document_to_wire(document: Document, *, blocks_of: Iterable[str] | None = None) -> JsonDict:
    """The document's title, id and outline; blocks only for ``blocks_of`` (all when None)."""
    wanted = None if blocks_of is None else set(blocks_of)
    return {
        "title": document.title,
        "sha256": document.sha256,
        "sections": [
            section_to_wire(s, with_blocks=wanted is None or s.id in wanted)
            for s in document.sections
        ],
    }


def _field(data: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise DataFormatError(detail=f"{where}.{key}: expected {kind.__name__}")
    return value


def block_from_wire(data: object) -> Block:
    """Decode a block (the server validated the shape against the contract already; this
    still refuses anything that would not make a well-formed block)."""
    if not isinstance(data, Mapping):
        raise DataFormatError(detail="block: expected an object")
    cell = data.get("table_cell")
    if cell is not None and not (
        isinstance(cell, list) and len(cell) == 4 and all(type(v) is int for v in cell)
    ):
        raise DataFormatError(detail="block.table_cell: expected four integers")
    heading_level = data.get("heading_level")
    if heading_level is not None and type(heading_level) is not int:
        raise DataFormatError(detail="block.heading_level: expected an integer")
    try:
        kind = BlockKind(_field(data, "kind", str, "block"))
    except ValueError:
        raise DataFormatError(detail="block.kind: unknown kind") from None
    return Block(
        id=_field(data, "id", str, "block"),
        kind=kind,
        text=_field(data, "text", str, "block"),
        location=BlockLocation(
            _field(data, "part", str, "block"), _field(data, "paragraph_index", int, "block")
        ),
        style=str(data.get("style") or ""),
        label=str(data.get("label") or ""),
        heading_level=heading_level,
        table_cell=None if cell is None else TableCellRef(*cell),
    )


def section_from_wire(data: object) -> Section:
    """Decode a section (an outline entry decodes to a section with no blocks)."""
    if not isinstance(data, Mapping):
        raise DataFormatError(detail="section: expected an object")
    try:
        kind = SectionKind(_field(data, "kind", str, "section"))
    except ValueError:
        raise DataFormatError(detail="section.kind: unknown kind") from None
    heading = data.get("heading_block_id")
    blocks = data.get("blocks") or []
    if not isinstance(blocks, list):
        raise DataFormatError(detail="section.blocks: expected a list")
    return Section(
        id=_field(data, "id", str, "section"),
        title=_field(data, "title", str, "section"),
        level=_field(data, "level", int, "section"),
        kind=kind,
        blocks=tuple(block_from_wire(b) for b in blocks),
        heading_block_id=heading if isinstance(heading, str) else None,
    )


def document_from_wire(data: object) -> Document:
    """Decode a document; section ids must be unique (the outline marks one by its id)."""
    if not isinstance(data, Mapping):
        raise DataFormatError(detail="document: expected an object")
    raw_sections = _field(data, "sections", list, "document")
    sections = tuple(section_from_wire(s) for s in raw_sections)
    ids = [s.id for s in sections]
    if len(set(ids)) != len(ids):
        raise DataFormatError(detail="document.sections: section ids are not unique")
    sha256 = _field(data, "sha256", str, "document")
    return Document(
        path=Path(f"{sha256}.docx"),
        sha256=sha256,
        title=_field(data, "title", str, "document"),
        sections=sections,
    )


def with_section(document: Document, section: Section) -> Document:
    """``document`` with the outline entry of ``section.id`` replaced by ``section``."""
    if all(s.id != section.id for s in document.sections):
        raise DataFormatError(detail=f"section {section.id!r} is not in the document's outline")
    sections = tuple(section if s.id == section.id else s for s in document.sections)
    return Document(
        path=document.path,
        sha256=document.sha256,
        title=document.title,
        sections=sections,
        warnings=document.warnings,
        comments=document.comments,
        source_format=document.source_format,
        core_properties=document.core_properties,
    )
