"""Consistency checks of a read Document against its package (reader, export and corpus tests).

``check_blocks_resolve`` is the contract the exporter relies on: every block's location names a
part and the ordinal of a ``w:p`` in ``root.iter(w:p)`` whose ``paragraph_text`` is exactly the
block's text, and block ids are unique. ``check_scan`` holds the reader's one-pass part scan to
the direct definitions it replaces.
"""

from __future__ import annotations

from collections import Counter

from lxml import etree

from aiprism_desktop.core.document import Block, Document
from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.package import open_package
from aiprism_desktop.core.ooxml.part_scan import PROPERTY_TAGS, PartScan, scan_part
from aiprism_desktop.core.ooxml.text import paragraph_text


def all_blocks(document: Document) -> list[Block]:
    return [block for section in document.sections for block in section.blocks]


def texts(document: Document) -> list[str]:
    return [block.text for block in all_blocks(document)]


def check_blocks_resolve(document: Document) -> list[str]:
    """Problems found (empty when the document is consistent with its package)."""
    problems: list[str] = []
    blocks = all_blocks(document)
    duplicates = [i for i, count in Counter(b.id for b in blocks).items() if count > 1]
    if duplicates:
        problems.append(f"duplicate block ids: {duplicates[:5]}")
    paragraphs: dict[str, list[etree._Element]] = {}
    with open_package(document.path) as package:
        for block in blocks:
            part = block.location.part
            if part not in paragraphs:
                paragraphs[part] = list(package.parse_part(part).iter(n.W_P))
            found = paragraphs[part]
            index = block.location.paragraph_index
            if not 0 <= index < len(found):
                problems.append(f"{block.id}: {part} has no paragraph {index}")
            elif paragraph_text(found[index]) != block.text:
                problems.append(
                    f"{block.id}: text {block.text[:40]!r} != "
                    f"{paragraph_text(found[index])[:40]!r} at {part}#{index}"
                )
    for section in document.sections:
        if section.heading_block_id is not None and (
            not section.blocks or section.blocks[0].id != section.heading_block_id
        ):
            problems.append(f"{section.id}: heading block is not its first block")
    return problems


def _direct_properties(paragraph: etree._Element) -> list[etree._Element]:
    if len(paragraph) and paragraph[0].tag == n.W_PPR:
        return [child for child in paragraph[0] if child.tag in PROPERTY_TAGS]
    return []


def check_scan(root: etree._Element) -> PartScan:
    """Assert ``scan_part`` agrees with ``paragraph_text`` and with the paragraph's own w:pPr
    wherever it gives an answer; returns the scan for further checks."""
    scan = scan_part(root)
    paragraphs = list(root.iter(n.W_P))
    assert scan.paragraphs == paragraphs
    assert len(scan.texts) == len(paragraphs)
    for ordinal, paragraph in enumerate(paragraphs):
        text = scan.texts[ordinal]
        if text is not None:
            assert text == paragraph_text(paragraph), f"text of paragraph {ordinal}"
        if ordinal not in scan.unsure_properties:
            expected = _direct_properties(paragraph)
            assert scan.properties.get(ordinal, []) == expected, f"pPr of paragraph {ordinal}"
    return scan
