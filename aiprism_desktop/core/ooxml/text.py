"""The one definition of "the text of a paragraph" shared by the reader and the exporter.

Both sides must agree to the character on what a paragraph's text is, or anchors land in the
wrong place. The accept-all view is used: inserted and moved-to text counts, deleted and
moved-from text does not. Field codes (``w:instrText``) are hidden; field results are shown.
Text in text boxes, drawings and embedded objects belongs to their own nested paragraphs and is
not part of the enclosing paragraph. Inline ``mc:AlternateContent`` shows one branch, as Word
does: the first ``mc:Choice`` (``mc:Fallback`` only when there is no choice), see
``selected_alternative``; the reader picks text-box branches by the same rule.
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
        n.W_P,  # a nested paragraph is its own block
        n.W_TBL,
    }
)
# Public names for code that reads paragraphs in another way and must agree with this one.
SKIPPED_SUBTREES = _SKIP
_FIXED_TEXT = {
    n.W_TAB: "\t",
    n.W_PTAB: "\t",
    n.W_BR: "\n",
    n.W_CR: "\n",
    n.W_NO_BREAK_HYPHEN: "\u2011",
    n.W_SOFT_HYPHEN: "",
}
TEXT_ELEMENTS = (n.W_T, *_FIXED_TEXT, n.W_SYM)  # the elements that produce text themselves


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


def selected_alternative(alternate: etree._Element) -> etree._Element | None:
    """The branch of an ``mc:AlternateContent`` that is shown: first Choice, else Fallback."""
    fallback = None
    for branch in alternate:
        if branch.tag == n.MC_CHOICE:
            return branch
        if branch.tag == n.MC_FALLBACK and fallback is None:
            fallback = branch
    return fallback


def _collect_nodes(parent: etree._Element, out: list[etree._Element]) -> None:
    # Recursive for-loops instead of an explicit stack: same order and skips, fewer Python
    # operations per element (this runs for every paragraph of every document).
    for element in parent:
        tag = element.tag
        if tag == n.W_T or tag in _FIXED_TEXT or tag == n.W_SYM:
            out.append(element)
        elif tag in _SKIP or not isinstance(tag, str):
            continue  # skipped subtrees; comments and processing instructions
        elif tag == n.MC_ALTERNATE_CONTENT:
            branch = selected_alternative(element)
            if branch is not None:
                _collect_nodes(branch, out)
        elif len(element):
            _collect_nodes(element, out)


def _collect_text(parent: etree._Element, out: list[str]) -> None:
    # _collect_nodes, producing the text directly; plain runs (the bulk of any document) are
    # handled in place rather than by recursion.
    for element in parent:
        tag = element.tag
        if tag == n.W_T:
            out.append(element.text or "")
        elif tag == n.W_R:
            for child in element:
                child_tag = child.tag
                if child_tag == n.W_T:
                    out.append(child.text or "")
                elif child_tag == n.W_RPR:
                    continue
                else:
                    _collect_text_of(child, out)
        elif tag in _SKIP or not isinstance(tag, str):
            continue
        elif tag in _FIXED_TEXT:
            out.append(_FIXED_TEXT[tag])
        elif tag == n.W_SYM:
            out.append(node_text(element) or "")
        elif tag == n.MC_ALTERNATE_CONTENT:
            branch = selected_alternative(element)
            if branch is not None:
                _collect_text(branch, out)
        elif len(element):
            _collect_text(element, out)


def _collect_text_of(element: etree._Element, out: list[str]) -> None:
    """``_collect_text`` for one element (not its children only)."""
    tag = element.tag
    if tag in _SKIP or not isinstance(tag, str):
        return
    if tag in _FIXED_TEXT:
        out.append(_FIXED_TEXT[tag])
    elif tag == n.W_SYM:
        out.append(node_text(element) or "")
    elif tag == n.MC_ALTERNATE_CONTENT:
        branch = selected_alternative(element)
        if branch is not None:
            _collect_text(branch, out)
    elif len(element):
        _collect_text(element, out)


def iter_text_nodes(paragraph: etree._Element) -> Iterator[etree._Element]:
    """Yield the paragraph's text-producing elements in document order (accept-all view)."""
    nodes: list[etree._Element] = []
    _collect_nodes(paragraph, nodes)
    return iter(nodes)


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
    parts: list[str] = []
    _collect_text(paragraph, parts)
    return "".join(parts)
