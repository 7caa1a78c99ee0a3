"""The lxml walk of one part, in reading order, producing blocks.

One pass over the part (``part_scan``) gives every ``w:p`` in ``root.iter(w:p)`` order
(document order, which is reading order: a paragraph, then the text boxes anchored in it, then
the next one; tables cell by cell) with its text and paragraph properties; then one loop over
those paragraphs builds the blocks. What does not change per paragraph is resolved once: the
style map and list definitions (per style id), the context of each container (body, table
cell, text box, note; shown or hidden), memoized per element, and every cell's position,
computed when its table is first met. The walker keeps, beside its blocks, what section
splitting needs: each block's style id and the heading level of body-level blocks.

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

from aiprism_desktop.core.document import (
    Block,
    BlockKind,
    TableCellRef,
    new_block,
    new_block_location,
    new_table_cell_ref,
)
from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.numbering import Numbering
from aiprism_desktop.core.ooxml.part_scan import (
    W_CUSTOM_XML,
    W_GRID_BEFORE,
    W_GRID_SPAN,
    W_NUMPR,
    W_OUTLINE_LVL,
    W_PSTYLE,
    PartScan,
    scan_part,
)
from aiprism_desktop.core.ooxml.styles import StyleMap, int_val
from aiprism_desktop.core.ooxml.text import paragraph_text, selected_alternative

W_NUM_ID = n.w("numId")
W_ILVL = n.w("ilvl")
W_TRPR = n.w("trPr")
W_TCPR = n.w("tcPr")
W_FOOTNOTE = n.w("footnote")
W_ENDNOTE = n.w("endnote")
_HIDING = frozenset({n.W_DEL, n.W_MOVE_FROM})
_BRANCHES = frozenset({n.MC_CHOICE, n.MC_FALLBACK})
_NOTES = frozenset({W_FOOTNOTE, W_ENDNOTE})
_ROW_WRAPPERS = frozenset({n.W_SDT, n.W_SDT_CONTENT, W_CUSTOM_XML})
_BODY_TEXT_OUTLINE = 9


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


# Blocks of these kinds are at body level (not in a table, text box or note): they may open
# a section.
BODY_KINDS = frozenset({BlockKind.PARAGRAPH, BlockKind.LIST_ITEM})
_new_context = tuple.__new__  # builds a _Context without NamedTuple.__new__'s Python call

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
        self.blocks: list[Block] = []
        # Per block, what section splitting needs besides the block: its w:pStyle (None for
        # the default style) and, for blocks that may open a section (body level), its
        # heading level from styles / outline level when it has one (block index → level).
        self.style_ids: list[str | None] = []
        self.headings: dict[int, int] = {}
        self.scan = PartScan()  # the one pass over the part, made by walk()
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
        # Hot path (every paragraph of every document): one loop, names bound to locals, no
        # find()/XPath; texts and paragraph properties from one pass over the part (part_scan).
        labels_left = dict(note_labels or {})
        contexts = self._contexts
        context_of = self._context_of
        para_ids = self.para_ids
        style_facts = self._style_facts
        numbering = self.numbering
        text_boxes = self._text_boxes
        blocks, headings = self.blocks, self.headings
        append, append_style_id = blocks.append, self.style_ids.append
        part, stem, note_kind = self.part, self._stem, self.note_kind
        w_pstyle, w_numpr, w_outline = W_PSTYLE, W_NUMPR, W_OUTLINE_LVL
        w_val, w_para_id = n.W_VAL, n.W14_PARA_ID
        table_cell, list_item, paragraph_kind = (
            BlockKind.TABLE_CELL,
            BlockKind.LIST_ITEM,
            BlockKind.PARAGRAPH,
        )
        self.scan = scan = scan_part(self.root)
        paragraphs, texts = scan.paragraphs, scan.texts
        properties, unsure_properties = scan.properties, scan.unsure_properties
        for ordinal, element in enumerate(paragraphs):
            para_id = element.get(w_para_id)
            if para_id is not None:
                para_ids.append(para_id)
            parent = element.getparent()
            if parent is None:
                continue  # the part's root itself: not content
            ctx = contexts.get(parent)
            if ctx is None:
                ctx = context_of(parent)
            if not ctx.visible:
                continue
            if note_labels is not None and ctx.note_id not in note_labels:
                continue
            style_id: str | None = None
            numpr: etree._Element | None = None
            outline: int | None = None
            props = properties.get(ordinal)
            if unsure_properties and ordinal in unsure_properties:
                props = _own_properties(element)
            if props is not None:
                for prop in props:
                    tag = prop.tag
                    if tag == w_pstyle:
                        style_id = prop.get(w_val)
                    elif tag == w_numpr:
                        numpr = prop
                    elif tag == w_outline:
                        outline = int_val(prop)
            facts = style_facts.get(style_id)
            if facts is None:
                facts = style_facts[style_id] = self._facts(style_id)
            num_id = facts.num_id
            if numpr is not None:
                level = facts.num_level
                for prop in numpr:
                    if prop.tag == W_NUM_ID:
                        num_id = prop.get(w_val)
                    elif prop.tag == W_ILVL:
                        level = int_val(prop) or 0
            else:
                level = facts.num_level
            label = ""
            is_list = num_id is not None and numbering.is_list(num_id)
            if is_list:  # counts empty items too: Word numbers them
                label = numbering.next_label(num_id or "", level)
            text = texts[ordinal]
            if text is None:
                text = paragraph_text(element)
            if not text or text.isspace():
                continue
            if outline is not None:
                heading = outline + 1 if 0 <= outline < _BODY_TEXT_OUTLINE else None
            else:
                heading = facts.heading_level
            cell = ctx.cell
            text_box = ctx.text_box
            if note_kind is not None:
                kind = note_kind
                label = labels_left.pop(ctx.note_id or "", label)  # the note's number, once
            elif text_box is not None:
                kind = BlockKind.TEXT_BOX
                text_boxes.add(text_box)
            elif cell is not None:
                kind = table_cell
            elif is_list:
                kind = list_item
            else:
                kind = paragraph_kind
            block = new_block(
                para_id or f"p:{stem}:{ordinal}",
                kind,
                text,
                new_block_location(part, ordinal),
                facts.name,
                label,
                None,  # heading_level is set by the splitter on the blocks that open a section
                cell,
            )
            if heading is not None and kind in BODY_KINDS:
                headings[len(blocks)] = heading
            append(block)
            append_style_id(style_id)

    def element(self, index: int) -> etree._Element:
        """The paragraph of block ``index``."""
        return self.scan.paragraphs[self.blocks[index].location.paragraph_index]

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
        markup = self.scan.markup  # whether the part has these at all: mostly not
        grid_before, grid_span = W_GRID_BEFORE in markup, W_GRID_SPAN in markup
        wrapped = not _ROW_WRAPPERS.isdisjoint(markup)  # rows or cells may be wrapped
        rows = _children(table, n.W_TR) if wrapped else table.iterchildren(n.W_TR)
        for row_number, row in enumerate(rows):
            column = (_grid_value(row, W_TRPR, W_GRID_BEFORE) or 0) if grid_before else 0
            for tc in _children(row, n.W_TC) if wrapped else row.iterchildren(n.W_TC):
                ref = new_table_cell_ref(index, row_number, column, depth)
                contexts[tc] = _new_context(_Context, (True, ref, text_box, note_id))
                column += max(_grid_value(tc, W_TCPR, W_GRID_SPAN) or 1, 1) if grid_span else 1


def _own_properties(paragraph: etree._Element) -> list[etree._Element] | None:
    """The children of the paragraph's w:pPr, which the schema puts first."""
    if len(paragraph) and paragraph[0].tag == n.W_PPR:
        return list(paragraph[0])
    return None


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
