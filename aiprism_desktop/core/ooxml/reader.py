"""``read_document(path) -> Document``: a Word package read safely into sections and blocks.

Pipeline: ``package.open_package`` (every refusal happens there or in XML parsing) → style map
and list definitions resolved once → one walk of the main part (``walker``) → footnotes and
endnotes (``notes``) → headers and footers (``headers``) → block ids made unique → existing
comments (``comments_reader``) → CRC check of the parts not read → sections (``splitter``) →
warnings (``notices``, ``survey``).

Performance: lxml only, no XPath per paragraph, no python-docx objects; one pass over the main
part for texts, paragraph properties and part facts (``part_scan``), blocks built without the
frozen dataclass constructor (``document.new_block``), the cyclic garbage collector paused
while reading. Open+split costs about 3× the CPU time of parsing the main part on Word-written
files and about 5× on the python-docx-generated benchmark document, whose paragraphs are tiny
XML and whose 350 KB styles part costs nearly a main-part parse by itself (``bench/reader.py``;
``bench/document.py`` measures the issue's target).

Block ids: the paragraph's ``w14:paraId`` when it is present and occurs once among all the
paragraphs of the parts read (document, footnotes, endnotes); otherwise positional,
``p:<part stem>:<ordinal>`` (e.g. "p:document:123", "p:footnotes:4"), the ordinal being the
``w:p``'s position in ``root.iter(w:p)`` (``Block.location.paragraph_index``).

Heading paragraphs are included as the first block of their section (kind ``HEADING``) and are
the section's ``heading_block_id``; see ``splitter`` for all splitting decisions.

Strict OOXML is read in transitional names (``strict``); legacy .doc/.rtf/.odt files are
converted by LibreOffice first (``legacy``, ``soffice``).
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from lxml import etree

from aiprism_desktop.core.document import Block, Document, DocumentWarning
from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml import notices
from aiprism_desktop.core.ooxml.comments_reader import read_comments
from aiprism_desktop.core.ooxml.errors import DocumentTooComplexError
from aiprism_desktop.core.ooxml.headers import HEADERS_TITLE, open_headers
from aiprism_desktop.core.ooxml.notes import open_notes
from aiprism_desktop.core.ooxml.numbering import Numbering
from aiprism_desktop.core.ooxml.package import ConverterChoice, Limits, Package, open_package
from aiprism_desktop.core.ooxml.splitter import SplitItem, heuristic_levels, split_blocks
from aiprism_desktop.core.ooxml.styles import StyleMap, on_off
from aiprism_desktop.core.ooxml.survey import survey
from aiprism_desktop.core.ooxml.text import paragraph_segments
from aiprism_desktop.core.ooxml.walker import BODY_KINDS, PartWalker

RT_CORE_PROPERTIES = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
)
_PARA_ID = re.compile(r"[0-9A-Fa-f]{8}")  # ST_LongHexNumber: what Word writes
W_B = n.w("b")
W_RSTYLE = n.w("rStyle")


def read_document(
    path: Path | str,
    limits: Limits | None = None,
    converter: ConverterChoice = "auto",
    *,
    data: bytes | None = None,
) -> Document:
    """Open a .docx/.docm/.dotx/.dotm safely and split it into sections; .doc, .rtf and .odt
    are converted first by ``converter`` ("auto": LibreOffice when installed; None: refused).

    ``data``: the file's bytes when they are not on disk (``path`` then names it). Raises a
    specific ``DocumentError`` subclass (``core.ooxml.errors``) for anything that cannot be
    reviewed; never a raw zip, XML or lookup error.
    """
    with _cyclic_gc_paused(), open_package(path, limits, converter, data=data) as package:
        try:
            return _Reader(package).read()
        except RecursionError:
            raise DocumentTooComplexError(detail="nesting too deep for the reader") from None


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while reading.

    A read allocates tens of thousands of small objects that all survive it (blocks and their
    locations, per-paragraph records): the generational collector would traverse them, and
    the whole process heap, again and again for no garbage (up to a tenth of the read time).
    Nothing is lost: cycles made meanwhile are collected at the collector's next run.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
        # The styles part first: it is often large (350 KB in python-docx's template), and
        # parsed before the main part it measured some 3 ms (7%) faster in repeated loads of
        # the benchmark document, through the allocator's state. Only which refusal comes
        # first, when both parts are broken, depends on the order.
        styles_part = package.related_part(package.main_part, n.RT_STYLES)
        styles = StyleMap(package.parse_part(styles_part) if styles_part else None)
        main_root = package.open_main()
        numbering_part = package.related_part(package.main_part, n.RT_NUMBERING)
        numbering = Numbering(
            package.parse_part(numbering_part) if numbering_part else None, styles
        )
        main = PartWalker(package.main_part, main_root, styles, numbering)
        main.walk()
        main_survey = survey(main.scan)
        notes_parts = open_notes(package, main_root, styles, numbering, main.scan.note_references)
        for notes_part in notes_parts:
            notes_part.walk()
        header_walkers = open_headers(package, main.scan.section_properties, styles, numbering)
        walkers = [main, *(part.walker for part in notes_parts), *header_walkers]
        _make_ids_unique(walkers)
        notes_roots = [part.walker.root for part in notes_parts]
        comments = read_comments(package, [main_root, *notes_roots])
        properties, properties_warning = _core_properties(package)
        package.verify_unread_parts()

        blocks = main.blocks
        notes = [block for part in notes_parts for block in part.walker.blocks]
        title = properties.get("title") or _first_heading_text(main, styles)
        title = title or package.path.stem

        openings: dict[int, int] = main.headings
        split_warning: DocumentWarning | None = None
        if blocks and not openings:
            candidates = [SplitItem(block, None, block.kind in BODY_KINDS) for block in blocks]
            levels = heuristic_levels(candidates, lambda i: _is_bold(main, i, styles))
            openings = {i: level for i, level in enumerate(levels) if level is not None}
            split_warning = notices.no_headings(heuristic=bool(openings))
        headers = [block for walker in header_walkers for block in walker.blocks]
        sections = split_blocks(
            blocks,
            openings,
            notes,
            document_title=title,
            notes_title=_notes_title(notes),
            headers=headers,
            headers_title=HEADERS_TITLE,
        )
        surveys = [main_survey, *(survey(walker.scan) for walker in walkers[1:])]
        warnings: list[DocumentWarning | None] = [
            notices.empty_document() if not (blocks or notes or headers) else split_warning,
            notices.tracked_changes(surveys),
            notices.text_boxes(main.text_boxes),
            notices.alt_chunks(main_survey.alt_chunks),
            *notices.package_format(package),
            notices.existing_comments(len(comments)),
            properties_warning,
        ]
        return Document(
            path=package.path,
            sha256=package.sha256,
            title=" ".join(title.split()),
            sections=sections,
            warnings=tuple(w_ for w_ in warnings if w_ is not None),
            comments=comments,
            source_format=package.converted_from or package.source_format,
            core_properties=properties,
        )


def _make_ids_unique(walkers: Sequence[PartWalker]) -> None:
    """Blocks whose paraId is repeated (in any part read) or malformed get positional ids."""
    counts = Counter(pid for walker in walkers for pid in walker.para_ids)
    unusable = {pid for pid, count in counts.items() if count > 1 or not _PARA_ID.fullmatch(pid)}
    if not unusable:
        return
    for walker in walkers:
        for index, block in enumerate(walker.blocks):
            if block.id in unusable:
                positional = walker.positional_id(block.location.paragraph_index)
                walker.blocks[index] = replace(block, id=positional)


def _first_heading_text(walker: PartWalker, styles: StyleMap) -> str:
    headings = walker.headings
    for index, block in enumerate(walker.blocks):
        if block.kind in BODY_KINDS and (
            index in headings or styles.is_title(walker.style_ids[index])
        ):
            return block.text.strip()
    return ""


def _notes_title(blocks: Sequence[Block]) -> str:
    kinds = {block.kind.value for block in blocks}
    if kinds == {"footnote"}:
        return "Footnotes"
    if kinds == {"endnote"}:
        return "Endnotes"
    return "Footnotes and endnotes"


def _is_bold(walker: PartWalker, index: int, styles: StyleMap) -> bool:
    """Whether every visible character of the paragraph is bold (for the heading heuristic)."""
    base = styles.is_bold(walker.style_ids[index] or styles.default_paragraph_style)
    seen_text = False
    for segment in paragraph_segments(walker.element(index)):
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
