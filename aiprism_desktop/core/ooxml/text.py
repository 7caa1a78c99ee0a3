"""The one definition of "the text of a paragraph" shared by the reader and the exporter.

Both sides must agree to the character on what a paragraph's text is, or anchors land in the
wrong place. The accept-all view is used: inserted and moved-to text counts, deleted and
moved-from text does not. Field codes (``w:instrText``) are hidden; field results are shown.
Text in text boxes, drawings and embedded objects belongs to their own nested paragraphs and is
not part of the enclosing paragraph.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from aiprism_desktop.core.ooxml import names as n

# Subtrees whose content is not part of this paragraph's visible text.
_SKIP = frozenset(
    {
        n.W_PPR,
        n.W_RPR,
        n.W_DEL,
        n.W_MOVE_FROM,
        n.W_DEL_TEXT,
        n.W_INSTR_TEXT,
        n.W_DEL_INSTR_TEXT,
        n.W_DRAWING,
        n.W_PICT,
        n.W_OBJECT,
        n.W_TXBX_CONTENT,
        n.MC_ALTERNATE_CONTENT,
        n.W_P,  # a nested paragraph is its own block
        n.W_TBL,
    }
)
_FIXED_TEXT = {
    n.W_TAB: "\t",
    n.W_PTAB: "\t",
    n.W_BR: "\n",
    n.W_CR: "\n",
    n.W_NO_BREAK_HYPHEN: "\u2011",
    n.W_SOFT_HYPHEN: "",
}


@dataclass(frozen=True, slots=True)
class TextSegment:
    """One text-producing element of a paragraph and the character range it covers."""

    node: etree._Element  # w:t, w:tab, w:br, w:sym, ...
    run: etree._Element | None  # the enclosing w:r (None only for malformed input)
    start: int
    end: int
    text: str


def node_text(node: etree._Element) -> str | None:
    """Visible text of one element, or None when the element produces no text itself."""
    tag = node.tag
    if tag == n.W_T:
        return node.text or ""
    fixed = _FIXED_TEXT.get(tag)
    if fixed is not None:
        return fixed
    if tag == n.W_SYM:
        char = node.get(n.w("char"), "")
        try:
            code = int(char, 16)
        except ValueError:
            return ""
        # Symbol-font characters live in the private use area (F000-F0FF); show the glyph's
        # low byte, which is what the font maps.
        if 0xF000 <= code <= 0xF0FF:
            code -= 0xF000
        return chr(code) if code >= 0x20 else ""
    return None


def iter_text_nodes(paragraph: etree._Element) -> Iterator[etree._Element]:
    """Yield the paragraph's text-producing elements in document order (accept-all view)."""
    stack: list[etree._Element] = list(reversed(paragraph))
    while stack:
        element = stack.pop()
        tag = element.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue  # comments, processing instructions, skipped subtrees
        if tag == n.W_T or tag in _FIXED_TEXT or tag == n.W_SYM:
            yield element
            continue
        if len(element):
            stack.extend(reversed(element))


def paragraph_segments(paragraph: etree._Element) -> list[TextSegment]:
    """All text segments of a paragraph with their offsets into ``paragraph_text``."""
    segments: list[TextSegment] = []
    offset = 0
    for node in iter_text_nodes(paragraph):
        text = node_text(node) or ""
        if not text:
            continue
        parent = node.getparent()
        run = parent if parent is not None and parent.tag == n.W_R else None
        segments.append(TextSegment(node, run, offset, offset + len(text), text))
        offset += len(text)
    return segments


def paragraph_text(paragraph: etree._Element) -> str:
    """The paragraph's visible text; anchors' character offsets index into this string."""
    return "".join(node_text(node) or "" for node in iter_text_nodes(paragraph))
