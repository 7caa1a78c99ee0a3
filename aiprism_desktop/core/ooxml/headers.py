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

from collections.abc import Sequence

from lxml import etree

from aiprism_desktop.core.document import BlockKind
from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.numbering import Numbering
from aiprism_desktop.core.ooxml.package import Package
from aiprism_desktop.core.ooxml.styles import StyleMap
from aiprism_desktop.core.ooxml.walker import PartWalker

HEADERS_TITLE = "Headers and footers"
_REFERENCES = {n.w("headerReference"): BlockKind.HEADER, n.w("footerReference"): BlockKind.FOOTER}
_R_ID = f"{{{n.R_NS}}}id"


def header_parts(
    package: Package, section_properties: Sequence[etree._Element]
) -> list[tuple[str, BlockKind]]:
    """(part name, HEADER | FOOTER) of every header and footer the sections use, once each;
    ``section_properties``: the main part's ``PartScan.section_properties``."""
    targets = {
        rel.id: rel.target for rel in package.relationships(package.main_part) if not rel.external
    }
    parts: dict[str, BlockKind] = {}
    for sect_pr in section_properties:
        for tag, kind in _REFERENCES.items():
            for reference in sect_pr.iterchildren(tag):
                target = targets.get(reference.get(_R_ID, ""))
                if target is not None and target not in parts:
                    parts[target] = kind
    return list(parts.items())


def open_headers(
    package: Package,
    section_properties: Sequence[etree._Element],
    styles: StyleMap,
    numbering: Numbering,
) -> list[PartWalker]:
    """Walked header and footer parts, in the order of ``header_parts``."""
    walkers: list[PartWalker] = []
    for part, kind in header_parts(package, section_properties):
        root = package.parse_part(part)
        numbering.reset_counters()
        walker = PartWalker(part, root, styles, numbering, note_kind=kind)
        walker.walk()
        walkers.append(walker)
    return walkers
