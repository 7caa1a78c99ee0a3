"""Where a finding's comment goes: from block ids and offsets to paragraphs of the package.

``Layout`` maps the reviewed ``Document``'s blocks to their ``w:p`` elements (part + ordinal in
``root.iter(w:p)``, the ``BlockLocation`` contract) and checks, once per paragraph, that the
paragraph's text is still exactly the block's text: a paragraph that disagrees is never a
target, so a comment cannot land on the wrong sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from aiprism_desktop.core.document import Block, BlockKind, Document, Section
from aiprism_desktop.core.export.docx_model import Placement
from aiprism_desktop.core.export.package_writer import Package
from aiprism_desktop.core.findings import Anchor
from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.text import paragraph_text


@dataclass(frozen=True, slots=True)
class Target:
    """Where one comment goes: part, start/end paragraph ordinals and character offsets."""

    part: str
    start_index: int
    start_offset: int
    end_index: int
    end_offset: int
    placement: Placement
    block_ids: tuple[str, str]


class Layout:
    """Blocks and sections of the reviewed document, and their paragraphs in the package."""

    def __init__(self, document: Document, package: Package) -> None:
        self.package = package
        self.sections: dict[str, Section] = {}
        self.blocks: dict[str, Block] = {}
        for section in document.sections:
            self.sections.setdefault(section.id, section)
            for block in section.blocks:
                self.blocks.setdefault(block.id, block)
        self._paragraphs: dict[str, list[etree._Element]] = {}
        self._verified: dict[tuple[str, int], bool] = {}

    def paragraphs(self, part: str) -> list[etree._Element]:
        found = self._paragraphs.get(part)
        if found is None:
            found = list(self.package.xml(part).iter(n.W_P)) if self.package.has(part) else []
            self._paragraphs[part] = found
        return found

    def paragraph(self, block: Block) -> etree._Element | None:
        """The block's ``w:p``, or None when it is missing or its text is not the block's."""
        key = (block.location.part, block.location.paragraph_index)
        paragraphs = self.paragraphs(block.location.part)
        if not 0 <= key[1] < len(paragraphs):
            return None
        verified = self._verified.get(key)
        if verified is None:
            verified = paragraph_text(paragraphs[key[1]]) == block.text
            self._verified[key] = verified
        return paragraphs[key[1]] if verified else None

    def span_target(self, anchor: Anchor) -> Target | None:
        first = self.blocks.get(anchor.block_id)
        last = self.blocks.get(anchor.end_block_id or anchor.block_id)
        if first is None or last is None or first.location.part != last.location.part:
            return None
        if self.paragraph(first) is None or self.paragraph(last) is None:
            return None
        start_index = first.location.paragraph_index
        end_index = last.location.paragraph_index
        if not (0 <= anchor.start <= len(first.text) and 0 <= anchor.end <= len(last.text)):
            return None
        if end_index < start_index or (end_index == start_index and anchor.end <= anchor.start):
            return None
        return Target(
            first.location.part,
            start_index,
            anchor.start,
            end_index,
            anchor.end,
            Placement.SPAN,
            (first.id, last.id),
        )

    def block_target(self, section_id: str) -> Target | None:
        section = self.sections.get(section_id)
        if section is None:
            return None
        heading = self.blocks.get(section.heading_block_id or "")
        candidates: list[Block] = []
        if heading is not None and heading.text.strip():
            candidates.append(heading)
        candidates.extend(block for block in section.blocks if block.text.strip())
        candidates.extend(section.blocks)
        if heading is not None:
            candidates.append(heading)
        for block in candidates:
            if self.paragraph(block) is not None:
                index = block.location.paragraph_index
                return Target(
                    block.location.part,
                    index,
                    0,
                    index,
                    len(block.text),
                    Placement.BLOCK,
                    (block.id, block.id),
                )
        return None


_NOTE_KINDS = {
    BlockKind.FOOTNOTE: (n.w("footnote"), n.w("footnoteReference")),
    BlockKind.ENDNOTE: (n.w("endnote"), n.w("endnoteReference")),
}


def note_reference(layout: Layout, block: Block, main_part: str) -> etree._Element | None:
    """The run in the main text that refers to the note ``block`` belongs to, or None.

    Comments are placed on a note's reference mark, not inside the note: Word accepts comments
    in notes, but other readers (docx2python among them) then lose every comment of the file.
    """
    tags = _NOTE_KINDS.get(block.kind)
    paragraph = layout.paragraph(block)
    if tags is None or paragraph is None:
        return None
    note_tag, reference_tag = tags
    note = next(paragraph.iterancestors(note_tag), None)
    note_id = note.get(n.W_ID) if note is not None else None
    if note_id is None or not layout.package.has(main_part):
        return None
    for reference in layout.package.xml(main_part).iter(reference_tag):
        run = reference.getparent()
        if reference.get(n.W_ID) == note_id and run is not None and run.tag == n.W_R:
            return run
    return None


def story_root(paragraph: etree._Element) -> etree._Element | None:
    """The text box a paragraph is in (None for the part's main story)."""
    for ancestor in paragraph.iterancestors(n.W_TXBX_CONTENT):
        return ancestor
    return None
