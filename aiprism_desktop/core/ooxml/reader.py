"""``read_document(path) -> Document``: a Word package read safely into sections and blocks.

Pipeline: ``package.open_package`` (every refusal happens there or in XML parsing) → style map
and list definitions resolved once → one walk of the main part (``walker``) → footnotes and
endnotes (``notes``) → block ids made unique → existing comments (``comments_reader``) → CRC
check of the parts not read → sections (``splitter``) → warnings (``notices``, ``survey``).

Performance: lxml only, no XPath per paragraph, no python-docx objects. On Word-written files
open+split costs about 4× parsing the main part; on python-docx-generated ones (tiny XML per
paragraph) building one frozen ``Block`` per paragraph dominates and it is about 8×
(``bench/reader.py``, ``bench/document.py``).

Block ids: the paragraph's ``w14:paraId`` when it is present and occurs once among all the
paragraphs of the parts read (document, footnotes, endnotes); otherwise positional,
``p:<part stem>:<ordinal>`` (e.g. "p:document:123", "p:footnotes:4"), the ordinal being the
``w:p``'s position in ``root.iter(w:p)`` (``Block.location.paragraph_index``).

Heading paragraphs are included as the first block of their section (kind ``HEADING``) and are
the section's ``heading_block_id``; see ``splitter`` for all splitting decisions.

Strict OOXML is refused by name (``StrictOoxmlError``), not converted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from lxml import etree

from aiprism_desktop.core.document import Block, Document, DocumentWarning
from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml import notices
from aiprism_desktop.core.ooxml.comments_reader import read_comments
from aiprism_desktop.core.ooxml.errors import DocumentTooComplexError
from aiprism_desktop.core.ooxml.notes import open_notes
from aiprism_desktop.core.ooxml.numbering import Numbering
from aiprism_desktop.core.ooxml.package import Limits, Package, open_package
from aiprism_desktop.core.ooxml.splitter import heuristic_levels, split_sections
from aiprism_desktop.core.ooxml.styles import StyleMap, on_off
from aiprism_desktop.core.ooxml.survey import survey
from aiprism_desktop.core.ooxml.text import paragraph_segments
from aiprism_desktop.core.ooxml.walker import PartWalker, Walked

RT_CORE_PROPERTIES = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
)
_PARA_ID = re.compile(r"[0-9A-Fa-f]{8}")  # ST_LongHexNumber: what Word writes
W_B = n.w("b")
W_RSTYLE = n.w("rStyle")


def read_document(path: Path | str, limits: Limits | None = None) -> Document:
    """Open a .docx/.docm/.dotx/.dotm safely and split it into sections.

    Raises a specific ``DocumentError`` subclass (``core.ooxml.errors``) for anything that
    cannot be reviewed; never a raw zip, XML or lookup error.
    """
    with open_package(path, limits) as package:
        try:
            return _Reader(package).read()
        except RecursionError:
            raise DocumentTooComplexError(detail="nesting too deep for the reader") from None


def _core_properties(package: Package) -> tuple[dict[str, str], DocumentWarning | None]:
    part = package.related_part("", RT_CORE_PROPERTIES)
    if part is None:
        return {}, None
    try:
        root = package.parse_part(part)
    except DocumentError as exc:
        if exc.code == "DOC_XML_ENTITIES":
            raise
        warning = DocumentWarning(
            "CORE_PROPERTIES_UNREADABLE",
            "The document's properties (title, author) are damaged and were ignored.",
        )
        return {}, warning
    properties: dict[str, str] = {}
    for child in root:
        if isinstance(child.tag, str) and child.text and child.text.strip():
            properties[etree.QName(child).localname] = child.text.strip()
    return properties, None


class _Reader:
    def __init__(self, package: Package) -> None:
        self.package = package

    def read(self) -> Document:
        package = self.package
        main_root = package.open_main()
        styles_part = package.related_part(package.main_part, n.RT_STYLES)
        styles = StyleMap(package.parse_part(styles_part) if styles_part else None)
        numbering_part = package.related_part(package.main_part, n.RT_NUMBERING)
        numbering = Numbering(
            package.parse_part(numbering_part) if numbering_part else None, styles
        )
        main_survey = survey(main_root)
        main = PartWalker(package.main_part, main_root, styles, numbering)
        main.walk()
        notes_parts = open_notes(package, main_root, styles, numbering)
        for notes_part in notes_parts:
            notes_part.walk()
        walkers = [main, *(part.walker for part in notes_parts)]
        _make_ids_unique(walkers)
        notes_roots = [part.walker.root for part in notes_parts]
        comments = read_comments(package, [main_root, *notes_roots])
        properties, properties_warning = _core_properties(package)
        package.verify_unread_parts()

        items = main.blocks
        notes = [w_.block for part in notes_parts for w_ in part.walker.blocks]
        title = properties.get("title") or _first_heading_text(items, styles)
        title = title or package.path.stem

        levels: list[int | None] | None = None
        split_warning: DocumentWarning | None = None
        has_structure = any(i.heading_level is not None and i.can_start_section for i in items)
        if items and not has_structure:
            levels = heuristic_levels(items, lambda i: _is_bold(items[i], styles))
            split_warning = notices.no_headings(heuristic=any(lv is not None for lv in levels))
        sections = split_sections(
            items, notes, document_title=title, notes_title=_notes_title(notes), levels=levels
        )
        surveys = [main_survey, *(survey(root) for root in notes_roots)]
        warnings: list[DocumentWarning | None] = [
            notices.empty_document() if not items and not notes else split_warning,
            notices.tracked_changes(surveys),
            notices.text_boxes(main.text_boxes),
            notices.alt_chunks(main_survey.alt_chunks),
            *notices.package_format(package),
            notices.existing_comments(len(comments)),
            notices.headers_footers(package),
            properties_warning,
        ]
        return Document(
            path=package.path,
            sha256=package.sha256,
            title=" ".join(title.split()),
            sections=sections,
            warnings=tuple(w_ for w_ in warnings if w_ is not None),
            comments=comments,
            source_format=package.source_format,
            core_properties=properties,
        )


def _make_ids_unique(walkers: Sequence[PartWalker]) -> None:
    """Blocks whose paraId is repeated (in any part read) or malformed get positional ids."""
    counts = Counter(pid for walker in walkers for pid in walker.para_ids)
    unusable = {pid for pid, count in counts.items() if count > 1 or not _PARA_ID.fullmatch(pid)}
    if not unusable:
        return
    for walker in walkers:
        for index, walked in enumerate(walker.blocks):
            block = walked.block
            if block.id in unusable:
                fixed = replace(block, id=walker.positional_id(block.location.paragraph_index))
                walker.blocks[index] = walked._replace(block=fixed)


def _first_heading_text(walked: Sequence[Walked], styles: StyleMap) -> str:
    for item in walked:
        if item.can_start_section and (
            item.heading_level is not None or styles.is_title(item.style_id)
        ):
            return item.block.text.strip()
    return ""


def _notes_title(blocks: Sequence[Block]) -> str:
    kinds = {block.kind.value for block in blocks}
    if kinds == {"footnote"}:
        return "Footnotes"
    if kinds == {"endnote"}:
        return "Endnotes"
    return "Footnotes and endnotes"


def _is_bold(walked: Walked, styles: StyleMap) -> bool:
    """Whether every visible character of the paragraph is bold (for the heading heuristic)."""
    base = styles.is_bold(walked.style_id or styles.default_paragraph_style)
    seen_text = False
    for segment in paragraph_segments(walked.element):
        if not segment.text.strip():
            continue
        seen_text = True
        bold = base
        rpr = segment.run.find(n.W_RPR) if segment.run is not None else None
        if rpr is not None:
            explicit = on_off(rpr.find(W_B))
            if explicit is not None:
                bold = explicit
            else:
                rstyle = rpr.find(W_RSTYLE)
                if rstyle is not None and styles.is_bold(rstyle.get(n.W_VAL)):
                    bold = True
        if not bold:
            return False
    return seen_text
