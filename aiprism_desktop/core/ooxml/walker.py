"""The lxml walk of one part, in reading order, producing blocks.

One flat pass over ``root.iter(w:p)`` (document order, which is reading order: a paragraph,
then the text boxes anchored in it, then the next one; tables cell by cell). What does not
change per paragraph is resolved once: the style map and list definitions (per style id), the
context of each container (body, table cell, text box, note; shown or hidden), memoized per
element, and every cell's position, computed when its table is first met.

* Merged cells: each ``w:tc`` exists once in the XML, so it is read once. Nested tables get
  depth + 1. Tables are numbered in document order, hidden ones not counted.
* Text boxes: of an ``mc:AlternateContent`` only the branch Word shows counts
  (``text.selected_alternative``), so a box is never read twice from its ``mc:Fallback`` copy.
* Hidden: paragraphs inside deleted content (``w:del``, ``w:moveFrom``: accept-all view) or in
  an unshown branch; in notes parts, paragraphs of separators and unreferenced notes.
* Ordinals: ``BlockLocation.paragraph_index`` is the loop index, i.e. the position in
  ``root.iter(w:p)``, counting every paragraph, hidden and empty ones included.
* Block ids: the paragraph's ``w14:paraId`` when it has one, else ``p:<part stem>:<ordinal>``
  (``positional_id``); the reader replaces paraIds that turn out not to be unique across
  parts (or not well formed) by positional ids.
"""

from __future__ import annotations

import posixpath
from typing import NamedTuple

from lxml import etree

from aiprism_desktop.core.document import Block, BlockKind, BlockLocation, TableCellRef
from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.numbering import Numbering
from aiprism_desktop.core.ooxml.styles import StyleMap, int_val
from aiprism_desktop.core.ooxml.text import paragraph_text, selected_alternative

W_PSTYLE = n.w("pStyle")
W_NUMPR = n.w("numPr")
W_NUM_ID = n.w("numId")
W_ILVL = n.w("ilvl")
W_OUTLINE_LVL = n.w("outlineLvl")
W_CUSTOM_XML = n.w("customXml")
W_TRPR = n.w("trPr")
W_TCPR = n.w("tcPr")
W_GRID_BEFORE = n.w("gridBefore")
W_GRID_SPAN = n.w("gridSpan")
W_FOOTNOTE = n.w("footnote")
W_ENDNOTE = n.w("endnote")
_HIDING = frozenset({n.W_DEL, n.W_MOVE_FROM})
_BRANCHES = frozenset({n.MC_CHOICE, n.MC_FALLBACK})
_NOTES = frozenset({W_FOOTNOTE, W_ENDNOTE})
_ROW_WRAPPERS = frozenset({n.W_SDT, n.W_SDT_CONTENT, W_CUSTOM_XML})
_BODY_TEXT_OUTLINE = 9


class Walked(NamedTuple):
    """A block plus what section splitting needs to know about its paragraph."""

    block: Block
    heading_level: int | None  # from styles / outline level; None = not a heading
    can_start_section: bool  # at body level (not in a table, text box or note)
    element: etree._Element
    style_id: str | None


class _StyleFacts(NamedTuple):
    name: str
    heading_level: int | None
    num_id: str | None
    num_level: int


class _Context(NamedTuple):
    visible: bool
    cell: TableCellRef | None = None
    text_box: etree._Element | None = None  # the w:txbxContent, when inside one
    note_id: str | None = None  # the w:footnote/w:endnote id, in notes parts


_HIDDEN = _Context(visible=False)
_VISIBLE = _Context(visible=True)


class PartWalker:
    """Walks one part (document, footnotes or endnotes) and collects its non-empty blocks."""

    def __init__(
        self,
        part: str,
        root: etree._Element,
        styles: StyleMap,
        numbering: Numbering,
        note_kind: BlockKind | None = None,
    ) -> None:
        self.part = part
        self.root = root
        self.styles = styles
        self.numbering = numbering
        self.note_kind = note_kind
        self.blocks: list[Walked] = []
        self.para_ids: list[str] = []  # of every paragraph, hidden ones too (uniqueness check)
        self.tables = 0
        self._text_boxes: set[etree._Element] = set()  # boxes that gave at least one block
        self._stem = posixpath.splitext(posixpath.basename(part))[0]
        self._style_facts: dict[str | None, _StyleFacts] = {}
        self._contexts: dict[etree._Element, _Context] = {}

    @property
    def text_boxes(self) -> int:
        """How many text boxes contributed text."""
        return len(self._text_boxes)

    def walk(self, note_labels: dict[str, str] | None = None) -> None:
        """Read every visible, non-empty paragraph of the part, in document order.

        In a notes part, ``note_labels`` maps the id of each referenced note to the number
        shown for it; other notes (separators, unreferenced ones) are hidden.
        """
        labels_left = dict(note_labels or {})
        contexts = self._contexts
        para_ids = self.para_ids
        for ordinal, element in enumerate(self.root.iter(n.W_P)):
            para_id = element.get(n.W14_PARA_ID)
            if para_id is not None:
                para_ids.append(para_id)
            parent = element.getparent()
            if parent is None:
                continue  # the part's root itself: not content
            ctx = contexts.get(parent)
            if ctx is None:
                ctx = self._context_of(parent)
            if not ctx.visible:
                continue
            if note_labels is not None and ctx.note_id not in note_labels:
                continue
            self._paragraph(element, ordinal, ctx, labels_left, para_id)

    def _paragraph(
        self,
        element: etree._Element,
        ordinal: int,
        ctx: _Context,
        labels_left: dict[str, str],
        para_id: str | None,
    ) -> None:
        # Hot path (every paragraph of every document): plain loops, no find()/XPath.
        style_id: str | None = None
        numpr: etree._Element | None = None
        outline: int | None = None
        if len(element):
            ppr = element[0]
            if ppr.tag == n.W_PPR:  # the schema puts w:pPr first
                for prop in ppr:
                    tag = prop.tag
                    if tag == W_PSTYLE:
                        style_id = prop.get(n.W_VAL)
                    elif tag == W_NUMPR:
                        numpr = prop
                    elif tag == W_OUTLINE_LVL:
                        outline = int_val(prop)
        facts = self._style_facts.get(style_id)
        if facts is None:
            facts = self._style_facts[style_id] = self._facts(style_id)
        num_id = facts.num_id
        level = facts.num_level
        if numpr is not None:
            for prop in numpr:
                if prop.tag == W_NUM_ID:
                    num_id = prop.get(n.W_VAL)
                elif prop.tag == W_ILVL:
                    level = int_val(prop) or 0
        label = ""
        is_list = num_id is not None and self.numbering.is_list(num_id)
        if is_list:  # counts empty items too: Word numbers them
            label = self.numbering.next_label(num_id or "", level)
        text = paragraph_text(element)
        if not text or text.isspace():
            return
        if outline is not None:
            heading = outline + 1 if 0 <= outline < _BODY_TEXT_OUTLINE else None
        else:
            heading = facts.heading_level
        cell = ctx.cell
        if self.note_kind is not None:
            kind = self.note_kind
            label = labels_left.pop(ctx.note_id or "", label)  # the note's number, once
        elif ctx.text_box is not None:
            kind = BlockKind.TEXT_BOX
            self._text_boxes.add(ctx.text_box)
        elif cell is not None:
            kind = BlockKind.TABLE_CELL
        elif is_list:
            kind = BlockKind.LIST_ITEM
        else:
            kind = BlockKind.PARAGRAPH
        block = Block(
            id=para_id or self.positional_id(ordinal),
            kind=kind,
            text=text,
            location=BlockLocation(self.part, ordinal),
            style=facts.name,
            label=label,
            table_cell=cell,
        )  # heading_level is set by the splitter on the blocks that open a section
        at_body_level = self.note_kind is None and cell is None and ctx.text_box is None
        self.blocks.append(Walked(block, heading, at_body_level, element, style_id))

    def positional_id(self, ordinal: int) -> str:
        return f"p:{self._stem}:{ordinal}"

    def _facts(self, style_id: str | None) -> _StyleFacts:
        num_id, num_level = self.styles.numbering(style_id)
        return _StyleFacts(
            self.styles.display_name(style_id),
            self.styles.heading_level(style_id),
            num_id,
            num_level,
        )

    def _context_of(self, node: etree._Element) -> _Context:
        """Context of the paragraphs inside ``node``; memoized for every ancestor on the way,
        so each container element is looked at once."""
        contexts = self._contexts
        pending: list[etree._Element] = []
        current: etree._Element | None = node
        context = _VISIBLE
        while current is not None:
            cached = contexts.get(current)
            if cached is not None:
                context = cached
                break
            pending.append(current)
            current = current.getparent()
        for element in reversed(pending):  # from the outermost uncached ancestor down
            context = contexts[element] = self._enter(element, context)
        return context

    def _enter(self, element: etree._Element, outer: _Context) -> _Context:
        """The context inside ``element``, given the context around it."""
        if not outer.visible:
            return _HIDDEN
        tag = element.tag
        if tag in _HIDING:
            return _HIDDEN
        if tag in _BRANCHES:
            alternate = element.getparent()
            shown = alternate is not None and selected_alternative(alternate) is element
            return outer if shown else _HIDDEN
        if tag == n.W_TC:
            # Reached only for a cell whose table is not indexed yet (indexing a table sets
            # the context of all its cells); a cell outside a table row is not shown.
            self._index_table(element)
            return self._contexts.get(element, _HIDDEN)
        if tag == n.W_TXBX_CONTENT:
            return _Context(True, outer.cell, element, outer.note_id)
        if tag in _NOTES:
            return _Context(True, outer.cell, outer.text_box, element.get(n.W_ID, ""))
        return outer

    def _index_table(self, cell: etree._Element) -> None:
        """Position every cell of the table holding ``cell`` and set the cells' contexts, on
        first need, so tables are numbered in the order they are met: document order."""
        table = next(cell.iterancestors(n.W_TBL), None)
        parent = table.getparent() if table is not None else None
        if table is None or parent is None:
            return
        outer = self._context_of(parent)
        if not outer.visible:
            return
        index = self.tables
        self.tables += 1
        depth = 1 + sum(1 for _ in table.iterancestors(n.W_TBL))
        contexts = self._contexts
        text_box, note_id = outer.text_box, outer.note_id
        for row_number, row in enumerate(_children(table, n.W_TR)):
            column = _grid_value(row, W_TRPR, W_GRID_BEFORE) or 0
            for tc in _children(row, n.W_TC):
                ref = TableCellRef(index, row_number, column, depth)
                contexts[tc] = _Context(True, ref, text_box, note_id)
                column += max(_grid_value(tc, W_TCPR, W_GRID_SPAN) or 1, 1)


def _grid_value(element: etree._Element, properties_tag: str, tag: str) -> int | None:
    """``w:gridBefore`` of a row / ``w:gridSpan`` of a cell, from its properties element.

    The schema puts the properties among the first two children (after ``w:tblPrEx`` in a
    row) and these values near their start, so a few indexed looks replace ``find``.
    """
    count = len(element)
    for position in range(min(count, 2)):
        properties = element[position]
        if properties.tag == properties_tag:
            for prop in properties:
                if prop.tag == tag:
                    return int_val(prop)
            return None
    return None


def _children(parent: etree._Element, tag: str) -> list[etree._Element]:
    """Direct ``tag`` children, also those wrapped in content controls or custom XML."""
    found: list[etree._Element] = []
    for child in parent:
        if child.tag == tag:
            found.append(child)
        elif child.tag in _ROW_WRAPPERS:
            found.extend(_children(child, tag))
    return found
