"""Page headers and footers: read as blocks of a "Headers and footers" section.

The parts are those the body's section properties refer to (``w:headerReference`` /
``w:footerReference`` in every ``w:sectPr``, in document order: each section's headers, then
its footers), each read once even when several sections share it, first-page and even-page
variants included (a stale "DRAFT" in a first-page header is what a reviewer looks for).
Each part is walked like the body (tables, text boxes, lists, content controls), its blocks of
kind ``HEADER`` or ``FOOTER``; lists in headers and footers count on their own.

Word does not show comments placed inside a header or footer (MS-OI29500 §2.1.315 c: "Word
ignores this element if it is under a header, footer, text box, footnote, or endnote"), so the
exporter anchors findings about them in the body (``export.placement.header_host``).
"""

from __future__ import annotations

from lxml import etree

from aiprism_desktop.core.document import BlockKind
from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.numbering import Numbering
from aiprism_desktop.core.ooxml.package import Package
from aiprism_desktop.core.ooxml.styles import StyleMap
from aiprism_desktop.core.ooxml.walker import PartWalker

HEADERS_TITLE = "Headers and footers"
W_SECT_PR = n.w("sectPr")
_REFERENCES = {n.w("headerReference"): BlockKind.HEADER, n.w("footerReference"): BlockKind.FOOTER}
_R_ID = f"{{{n.R_NS}}}id"


def section_properties(main_root: etree._Element) -> list[etree._Element]:
    """The body's ``w:sectPr`` elements in document order: those closing a section inside a
    paragraph's properties, then the body's last one (not those of tracked property changes)."""
    found: list[etree._Element] = []
    for sect_pr in main_root.iter(W_SECT_PR):
        parent = sect_pr.getparent()
        if parent is not None and parent.tag in (n.W_PPR, n.W_BODY):
            found.append(sect_pr)
    return found


def header_parts(package: Package, main_root: etree._Element) -> list[tuple[str, BlockKind]]:
    """(part name, HEADER | FOOTER) of every header and footer the sections use, once each."""
    targets = {
        rel.id: rel.target for rel in package.relationships(package.main_part) if not rel.external
    }
    parts: dict[str, BlockKind] = {}
    for sect_pr in section_properties(main_root):
        for tag, kind in _REFERENCES.items():
            for reference in sect_pr.iterchildren(tag):
                target = targets.get(reference.get(_R_ID, ""))
                if target is not None and target not in parts:
                    parts[target] = kind
    return list(parts.items())


def open_headers(
    package: Package, main_root: etree._Element, styles: StyleMap, numbering: Numbering
) -> list[PartWalker]:
    """Walked header and footer parts, in the order of ``header_parts``."""
    walkers: list[PartWalker] = []
    for part, kind in header_parts(package, main_root):
        root = package.parse_part(part)
        numbering.reset_counters()
        walker = PartWalker(part, root, styles, numbering, note_kind=kind)
        walker.walk()
        walkers.append(walker)
    return walkers
