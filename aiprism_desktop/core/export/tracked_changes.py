"""Write a finding's replacement as a tracked change: ``w:del`` of the quote + ``w:ins``.

Applied to the runs between a comment's range start and end, after the comment has been placed
(so the comment anchors on the change). Only plain text runs that are siblings in one container
are rewritten; anything else in the span (fields, drawings, footnote marks, a range crossing a
hyperlink or an earlier change) is left alone and the caller counts the replacement as not
applied, because a half-deleted field or image is worse than a comment without a rewrite.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from aiprism_desktop.core.export.comment_xml import W_AUTHOR, W_DATE, set_text, xml_safe
from aiprism_desktop.core.ooxml import names as n

# Run children that hold plain text (or nothing visible) and can be deleted as text.
_PLAIN_RUN_CONTENT = frozenset(
    {
        n.W_RPR,
        n.W_T,
        n.W_TAB,
        n.W_BR,
        n.W_CR,
        n.W_SYM,
        n.W_NO_BREAK_HYPHEN,
        n.W_SOFT_HYPHEN,
        n.w("lastRenderedPageBreak"),
    }
)
# Range markup that may sit between the runs of a span and stays where it is.
_NEUTRAL_MARKUP = frozenset(
    {
        n.W_COMMENT_RANGE_START,
        n.W_COMMENT_RANGE_END,
        n.w("bookmarkStart"),
        n.w("bookmarkEnd"),
        n.w("proofErr"),
        n.w("permStart"),
        n.w("permEnd"),
    }
)


@dataclass(slots=True)
class RevisionIds:
    """Allocates ``w:id`` values for ``w:ins``/``w:del`` above every id already used."""

    next_id: int

    def take(self) -> str:
        value = self.next_id
        self.next_id += 1
        return str(value)


def _is_plain_text_run(element: etree._Element) -> bool:
    return element.tag == n.W_R and all(child.tag in _PLAIN_RUN_CONTENT for child in element)


def _is_reference_only_run(element: etree._Element) -> bool:
    return element.tag == n.W_R and all(
        child.tag in (n.W_RPR, n.W_COMMENT_REFERENCE) for child in element
    )


def _span_elements(start: etree._Element, end: etree._Element) -> list[etree._Element] | None:
    """The siblings strictly between two markers, or None when they are not siblings."""
    if start.getparent() is None or start.getparent() is not end.getparent():
        return None
    between: list[etree._Element] = []
    for sibling in start.itersiblings():
        if sibling is end:
            return between
        between.append(sibling)
    return None  # end precedes start


def _revision(tag: str, ids: RevisionIds, author: str, date: str) -> etree._Element:
    element = etree.Element(tag)
    element.set(n.W_ID, ids.take())
    element.set(W_AUTHOR, xml_safe(author))
    element.set(W_DATE, date)
    return element


def _as_deleted(run: etree._Element) -> None:
    for child in run:
        if child.tag == n.W_T:
            child.tag = n.W_DEL_TEXT
            child.set(n.XML_SPACE, "preserve")


def _inserted_run(text: str, rpr: etree._Element | None) -> etree._Element:
    run = etree.Element(n.W_R)
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    lines = xml_safe(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for line_index, line in enumerate(lines):
        if line_index:
            etree.SubElement(run, n.W_BR)
        for chunk_index, chunk in enumerate(line.split("\t")):
            if chunk_index:
                etree.SubElement(run, n.W_TAB)
            if chunk:
                set_text(etree.SubElement(run, n.W_T), chunk)
    return run


def apply_replacement(
    start_marker: etree._Element,
    end_marker: etree._Element,
    replacement: str,
    *,
    ids: RevisionIds,
    author: str,
    date: str,
) -> bool:
    """Turn the span between two comment markers into ``w:del`` + ``w:ins``.

    Returns False (and changes nothing) when the span is not plain text runs in one container.
    """
    between = _span_elements(start_marker, end_marker)
    if between is None:
        return False
    text_runs = [e for e in between if _is_plain_text_run(e)]
    if not text_runs:
        return False
    for element in between:
        if not (
            _is_plain_text_run(element)
            or _is_reference_only_run(element)
            or element.tag in _NEUTRAL_MARKUP
        ):
            return False

    rpr = text_runs[0].find(n.W_RPR)
    last_deletion: etree._Element | None = None
    group: etree._Element | None = None
    for element in between:
        if _is_plain_text_run(element):
            if group is None:
                group = _revision(n.W_DEL, ids, author, date)
                element.addprevious(group)
            group.append(element)  # moves the run into the w:del
            _as_deleted(element)
            last_deletion = group
        else:
            group = None
    assert last_deletion is not None
    if replacement:
        insertion = _revision(n.W_INS, ids, author, date)
        insertion.append(_inserted_run(replacement, rpr))
        last_deletion.addnext(insertion)
    return True
