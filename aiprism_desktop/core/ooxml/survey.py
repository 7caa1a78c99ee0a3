"""The facts about a part that need a look at the whole tree, collected cheaply.

lxml answers ``root.iter(tag)`` at once when the tag name never occurs in the document
(libxml2 interns names), so each fact gets its own single-tag iteration: a part without
revisions, note references, comment ranges or imported chunks costs nothing here, and an
existence check stops at the first match. (A multi-tag iteration would traverse the whole
tree whenever any one of the tags is present.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from aiprism_desktop.core.ooxml import names as n

W_ALT_CHUNK = n.w("altChunk")
W_FOOTNOTE_REFERENCE = n.w("footnoteReference")
W_ENDNOTE_REFERENCE = n.w("endnoteReference")


@dataclass
class Survey:
    """What one part holds; note references in document order."""

    alt_chunks: int = 0
    has_insertions: bool = False
    has_deletions: bool = False
    has_comment_ranges: bool = False
    footnote_references: list[etree._Element] = field(default_factory=list)
    endnote_references: list[etree._Element] = field(default_factory=list)


def survey(root: etree._Element, *, footnotes: bool = False, endnotes: bool = False) -> Survey:
    """Survey a part; note references are collected only when asked (they need a traversal)."""
    return Survey(
        alt_chunks=sum(1 for _ in root.iter(W_ALT_CHUNK)),
        has_insertions=_has(root, n.W_INS) or _has(root, n.W_MOVE_TO),
        has_deletions=_has(root, n.W_DEL) or _has(root, n.W_MOVE_FROM),
        has_comment_ranges=_has(root, n.W_COMMENT_RANGE_START),
        footnote_references=list(root.iter(W_FOOTNOTE_REFERENCE)) if footnotes else [],
        endnote_references=list(root.iter(W_ENDNOTE_REFERENCE)) if endnotes else [],
    )


def _has(root: etree._Element, tag: str) -> bool:
    return next(root.iter(tag), None) is not None  # stops at the first one
