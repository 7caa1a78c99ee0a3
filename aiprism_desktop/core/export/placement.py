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
from aiprism_desktop.core.export.package_writer import Package, resolve_target
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
        self._main_blocks: list[Block] | None = None

    def main_blocks(self, main_part: str) -> list[Block]:
        """Blocks of the main part with text whose paragraph still matches, in order."""
        if self._main_blocks is None:
            candidates = [
                b for b in self.blocks.values() if b.location.part == main_part and b.text.strip()
            ]
            candidates.sort(key=lambda b: b.location.paragraph_index)
            self._main_blocks = [b for b in candidates if self.paragraph(b) is not None]
        return self._main_blocks

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


HEADER_KINDS = frozenset({BlockKind.HEADER, BlockKind.FOOTER})
_SECT_PR = n.w("sectPr")
_R_ID = f"{{{n.R_NS}}}id"
_HEADER_REFERENCES = (n.w("headerReference"), n.w("footerReference"))


def header_host(layout: Layout, block: Block, main_part: str) -> Target | None:
    """Where a finding about a header or footer paragraph goes: the first body paragraph with
    text of the first page section that uses the part (else the body's first paragraph).

    Word ignores comments inside headers and footers (MS-OI29500 §2.1.315 c), so the comment
    is put where the header shows first, and its text names the header and quotes it.
    """
    if block.kind not in HEADER_KINDS or not layout.package.has(main_part):
        return None
    rel_ids = {
        rel.get("Id")
        for rel in layout.package.rels(main_part).iter(f"{{{n.REL_NS}}}Relationship")
        if resolve_target(main_part, rel.get("Target", "")) == block.location.part
    }
    paragraphs = layout.paragraphs(main_part)
    first, last = 0, len(paragraphs) - 1  # the page section's paragraph ordinals
    for index, paragraph in enumerate(paragraphs):
        sect_pr = paragraph.find(f"{n.W_PPR}/{_SECT_PR}")
        if sect_pr is not None:
            if _uses(sect_pr, rel_ids):
                last = index
                break
            first = index + 1
    else:
        first = first if first <= last else 0
    hosts = layout.main_blocks(main_part)
    host = next((b for b in hosts if first <= b.location.paragraph_index <= last), None)
    host = host or next(iter(hosts), None)
    if host is not None:
        index = host.location.paragraph_index
        return Target(main_part, index, 0, index, len(host.text), Placement.BLOCK, (host.id,) * 2)
    if paragraphs:
        return Target(main_part, 0, 0, 0, 0, Placement.BLOCK, (block.id, block.id))
    return None


def _uses(sect_pr: etree._Element, rel_ids: set[str | None]) -> bool:
    return any(
        reference.get(_R_ID) in rel_ids
        for reference in sect_pr
        if reference.tag in _HEADER_REFERENCES
    )
