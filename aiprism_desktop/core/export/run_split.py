"""Put an element at a character offset of a paragraph, splitting runs where needed.

Offsets index into ``core.ooxml.text.paragraph_text`` (the accept-all view), the same string the
reader gave the block, so an anchor's offsets mean the same characters here. A run is split by
cloning its element and a deep copy of its ``w:rPr`` (so both halves keep the formatting) and
moving the content from the split point on into the clone; a ``w:t`` is split in two when the
offset falls inside it. Markers are inserted next to runs, inside whatever container holds them
(``w:ins``, content controls, fields, ...), and never before ``w:pPr``. The exception is
``w:hyperlink``: many readers (docx2python among them) treat a link as one opaque run and lose
any marker inside it, so a link is split in two at the marker (both halves keep the link's
attributes and target) and the marker goes between them.
"""

from __future__ import annotations

import bisect
import copy

from lxml import etree

from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.text import TextSegment, paragraph_segments


class SplitError(Exception):
    """The paragraph's text is not where the offset says (malformed input or a stale anchor)."""


def _split_text_node(node: etree._Element, at: int) -> etree._Element:
    """Split a ``w:t`` at ``at`` characters; return the new second half."""
    text = node.text or ""
    second = etree.Element(node.tag)
    node.text = text[:at]
    second.text = text[at:]
    for half in (node, second):
        half.set(n.XML_SPACE, "preserve")
    node.addnext(second)
    return second


def _split_run_before(run: etree._Element, node: etree._Element) -> etree._Element:
    """Move ``node`` and everything after it in ``run`` into a new run right after ``run``.

    Returns the run that now starts with ``node`` (``run`` itself when nothing precedes it).
    """
    preceding = [child for child in node.itersiblings(preceding=True) if child.tag != n.W_RPR]
    if not preceding:
        return run
    clone = etree.Element(run.tag)
    for key, value in run.attrib.items():
        clone.set(key, value)
    rpr = run.find(n.W_RPR)
    if rpr is not None:
        clone.append(copy.deepcopy(rpr))
    for moving in [node, *node.itersiblings()]:
        clone.append(moving)
    run.addnext(clone)
    return clone


def _segment_at(segments: list[TextSegment], offset: int) -> TextSegment:
    starts = [segment.start for segment in segments]
    index = bisect.bisect_right(starts, offset) - 1
    if index < 0 or not segments[index].start <= offset < segments[index].end:
        raise SplitError(f"offset {offset} is outside the paragraph text")
    return segments[index]


def _run_and_child(
    paragraph: etree._Element, segment: TextSegment
) -> tuple[etree._Element, etree._Element]:
    """The run holding a segment and the run's child that contains it.

    Usually the child is the text node itself; for text shown from an inline
    ``mc:AlternateContent`` branch it is the ``mc:AlternateContent`` element, which is never
    split: only its edges are places to put a marker.
    """
    child = segment.node
    for ancestor in segment.node.iterancestors():
        if ancestor is paragraph:
            break
        if ancestor.tag == n.W_R:
            return ancestor, child
        child = ancestor
    raise SplitError("text outside a run")


def _child_span(segments: list[TextSegment], child: etree._Element) -> tuple[int, int]:
    """[start, end) of the text inside one run child (its segments are contiguous)."""
    covered = [
        s for s in segments if s.node is child or any(a is child for a in s.node.iterancestors())
    ]
    return covered[0].start, covered[-1].end


def _run_starting_at(
    paragraph: etree._Element, offset: int, segments: list[TextSegment]
) -> etree._Element:
    """Make ``offset`` the first character of a run; return that run."""
    segment = _segment_at(segments, offset)
    run, child = _run_and_child(paragraph, segment)
    if child is not segment.node:
        if _child_span(segments, child)[0] != offset:
            raise SplitError("offset inside alternate content")
        return _split_run_before(run, child)
    if offset > segment.start:
        child = _split_text_node(child, offset - segment.start)
    return _split_run_before(run, child)


def _run_ending_at(
    paragraph: etree._Element, offset: int, segments: list[TextSegment]
) -> etree._Element:
    """Make ``offset - 1`` the last character of a run; return that run."""
    segment = _segment_at(segments, offset - 1)
    run, child = _run_and_child(paragraph, segment)
    if child is not segment.node:
        if _child_span(segments, child)[1] != offset:
            raise SplitError("offset inside alternate content")
    elif offset < segment.end:
        second = _split_text_node(child, offset - segment.start)
        _split_run_before(run, second)
        return run
    following = [c for c in child.itersiblings() if c.tag != n.W_RPR]
    if following:
        _split_run_before(run, following[0])
    return run


def _lift_out_of_hyperlinks(marker: etree._Element) -> None:
    """Move ``marker`` out of enclosing hyperlinks, splitting a link it sits in the middle of."""
    parent = marker.getparent()
    while parent is not None and parent.tag == n.W_HYPERLINK:
        if next(marker.itersiblings(preceding=True), None) is None:
            parent.addprevious(marker)
        elif next(marker.itersiblings(), None) is None:
            parent.addnext(marker)
        else:
            second = etree.Element(parent.tag)
            for key, value in parent.attrib.items():
                second.set(key, value)
            for moving in list(marker.itersiblings()):
                second.append(moving)
            parent.addnext(second)
            parent.addnext(marker)
        parent = marker.getparent()


def insert_at_start(paragraph: etree._Element, element: etree._Element, offset: int) -> None:
    """Insert ``element`` just before the character at ``offset`` (a range start)."""
    segments = paragraph_segments(paragraph)
    length = segments[-1].end if segments else 0
    if offset < 0 or offset > length:
        raise SplitError(f"offset {offset} is outside the paragraph text ({length})")
    if offset == length:
        if length == 0:
            paragraph.append(element)
        else:
            _run_ending_at(paragraph, length, segments).addnext(element)
    else:
        _run_starting_at(paragraph, offset, segments).addprevious(element)
    _lift_out_of_hyperlinks(element)


def insert_at_end(paragraph: etree._Element, element: etree._Element, offset: int) -> None:
    """Insert ``element`` just after the character at ``offset - 1`` (a range end)."""
    segments = paragraph_segments(paragraph)
    length = segments[-1].end if segments else 0
    if offset < 0 or offset > length:
        raise SplitError(f"offset {offset} is outside the paragraph text ({length})")
    if offset == 0:
        if length == 0:
            paragraph.append(element)
        else:
            _run_starting_at(paragraph, 0, segments).addprevious(element)
    else:
        _run_ending_at(paragraph, offset, segments).addnext(element)
    _lift_out_of_hyperlinks(element)


def insert_after_pprop(paragraph: etree._Element, element: etree._Element) -> None:
    """Insert ``element`` as the paragraph's first content child (after ``w:pPr``)."""
    ppr = paragraph.find(n.W_PPR)
    if ppr is not None:
        ppr.addnext(element)
    else:
        paragraph.insert(0, element)


def top_level_child(paragraph: etree._Element, element: etree._Element) -> etree._Element:
    """The child of ``paragraph`` that contains ``element`` (``element`` itself if direct)."""
    current = element
    parent = current.getparent()
    while parent is not None and parent is not paragraph:
        current = parent
        parent = current.getparent()
    if parent is None:
        raise SplitError("element is not inside the paragraph")
    return current
