"""One pass over a part that gives the walker each paragraph's text and paragraph properties.

Asking each paragraph for its text (a tree walk per paragraph) and its properties (a look at
its first child) costs several Python-level steps per element, for every paragraph of every
document. Here a single ``root.iter`` over only the elements that matter (paragraphs, the
elements that produce text, the three paragraph properties the reader uses) does both, and
collects on the way what else the reader needs to know about the part (note references, and
whether it has tracked changes, content controls, merged cells, ...).

Exactness: the results are those of ``text.paragraph_text`` and of scanning the children of
the paragraph's first child when it is its ``w:pPr``, or the paragraph is reported as not
covered and the walker asks those directly:

* Text is collected from the elements of the one shape that needs no look at the rest of the
  paragraph, P > w:r > (w:t | w:tab | w:br | w:sym ...): ``paragraph_text`` always counts them
  (a run is never skipped, and these are read whatever else the run holds). A text-producing
  element of any other shape (in a hyperlink, an insertion, a field, a content control, a
  text box, a deleted run, ...) makes the nearest paragraph above it "not covered", unless a
  skipped element lies in between (tab stops in ``w:pPr``, a text box's own paragraphs).
* A ``w:pStyle``/``w:numPr``/``w:outlineLvl`` counts for paragraph P when its parent is P's
  first child and is a ``w:pPr``; one in the properties of an enclosing paragraph that shows up
  after a nested paragraph started (only in malformed files) makes that paragraph not covered.

``tests/core/ooxml/test_part_scan.py`` (hand-made odd cases) and
``tests/corpus/test_corpus_scan.py`` (every corpus file) compare both with the direct definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.text import SKIPPED_SUBTREES, TEXT_ELEMENTS, node_text

W_PSTYLE = n.w("pStyle")
W_NUMPR = n.w("numPr")
W_OUTLINE_LVL = n.w("outlineLvl")
W_GRID_BEFORE = n.w("gridBefore")
W_GRID_SPAN = n.w("gridSpan")
W_CUSTOM_XML = n.w("customXml")
W_ALT_CHUNK = n.w("altChunk")
PROPERTY_TAGS = frozenset({W_PSTYLE, W_NUMPR, W_OUTLINE_LVL})
NOTE_REFERENCE_TAGS = frozenset({n.w("footnoteReference"), n.w("endnoteReference")})
# Elements only counted: facts about the whole part that the reader needs (survey, tables).
MARKUP_TAGS = frozenset(
    {
        n.W_INS,
        n.W_MOVE_TO,
        n.W_DEL,
        n.W_MOVE_FROM,
        n.W_COMMENT_RANGE_START,
        W_ALT_CHUNK,
        W_GRID_BEFORE,
        W_GRID_SPAN,
        n.W_SDT,
        n.W_SDT_CONTENT,
        W_CUSTOM_XML,
    }
)
W_SECT_PR = n.w("sectPr")
_SCANNED_TAGS = (
    n.W_P,
    *TEXT_ELEMENTS,
    *PROPERTY_TAGS,
    *NOTE_REFERENCE_TAGS,
    *MARKUP_TAGS,
    W_SECT_PR,
)


@dataclass(slots=True)
class PartScan:
    """Per paragraph of a part, indexed by its ordinal in ``root.iter(w:p)``."""

    paragraphs: list[etree._Element] = field(default_factory=list)
    # The paragraph's ``paragraph_text``; None when not covered (ask ``paragraph_text``).
    texts: list[str | None] = field(default_factory=list)
    # Ordinal → the pStyle/numPr/outlineLvl children of its w:pPr, in document order; absent
    # when it has none.
    properties: dict[int, list[etree._Element]] = field(default_factory=dict)
    # Ordinals whose properties are not covered: scan their w:pPr directly.
    unsure_properties: set[int] = field(default_factory=set)
    # Every w:footnoteReference and w:endnoteReference, in document order (for numbering the
    # notes).
    note_references: list[etree._Element] = field(default_factory=list)
    # How many elements of each of MARKUP_TAGS the part has (absent: none). A separate
    # root.iter(tag) per fact would cost a whole traversal for each tag the thread's parser
    # dictionary knows, even when the part has none.
    markup: dict[str, int] = field(default_factory=dict)
    # The w:sectPr elements that close a page section (in a paragraph's w:pPr, or the body's
    # last one), in document order; not those of tracked property changes.
    section_properties: list[etree._Element] = field(default_factory=list)


def scan_part(root: etree._Element) -> PartScan:
    """Scan every paragraph of the part rooted at ``root`` (see the module docstring)."""
    scan = PartScan()
    paragraphs, texts, properties = scan.paragraphs, scan.texts, scan.properties
    references, markup = scan.note_references, scan.markup
    unsure: set[etree._Element] = set()  # paragraphs whose text is not covered
    unsure_properties: set[etree._Element] = set()
    current: etree._Element | None = None
    text = ""  # of the current paragraph (a str, not a list: fewer objects to collect)
    append_text, append_paragraph = texts.append, paragraphs.append
    w_p, w_r, w_t, w_ppr = n.W_P, n.W_R, n.W_T, n.W_PPR
    w_sect_pr, w_body = W_SECT_PR, n.W_BODY
    for element in root.iter(*_SCANNED_TAGS):
        tag = element.tag
        if tag == w_p:
            append_text(text)  # the previous paragraph's (first: what came before any)
            current = element
            text = ""
            append_paragraph(element)
            continue
        parent = element.getparent()
        if parent is None:
            continue  # the root itself
        owner = parent.getparent()
        parent_tag = parent.tag
        if owner is current and parent_tag == w_r:
            if tag == w_t:
                text += element.text or ""
            elif (piece := node_text(element)) is not None:
                text += piece
            elif tag in NOTE_REFERENCE_TAGS:
                references.append(element)
            elif tag in MARKUP_TAGS:
                markup[tag] = markup.get(tag, 0) + 1
        elif tag in MARKUP_TAGS:
            markup[tag] = markup.get(tag, 0) + 1
        elif tag in NOTE_REFERENCE_TAGS:
            references.append(element)
        elif tag == w_sect_pr:
            if parent_tag in (w_ppr, w_body):
                scan.section_properties.append(element)
        elif tag in PROPERTY_TAGS:
            if parent_tag != w_ppr or owner is None or owner.tag != w_p or owner[0] is not parent:
                continue  # not the properties of a paragraph (e.g. in w:pPrChange)
            if owner is current:
                properties.setdefault(len(paragraphs) - 1, []).append(element)
            else:
                unsure_properties.add(owner)
        else:
            paragraph = _owning_paragraph(element)
            if paragraph is not None:
                unsure.add(paragraph)
    append_text(text)
    del texts[0]
    if unsure or unsure_properties:
        for index, paragraph in enumerate(paragraphs):
            if paragraph in unsure:
                texts[index] = None
            if paragraph in unsure_properties:
                scan.unsure_properties.add(index)
    return scan


def _owning_paragraph(element: etree._Element) -> etree._Element | None:
    """The paragraph whose text may include ``element``: the nearest ``w:p`` above it, None
    when a skipped element (or none) lies in between."""
    node = element.getparent()
    while node is not None:
        tag = node.tag
        if tag == n.W_P:
            return node
        if tag in SKIPPED_SUBTREES:
            return None
        node = node.getparent()
    return None
