"""Comments already in the document: author, initials, date, text and the anchored text.

The anchored text is what lies between ``w:commentRangeStart`` and ``w:commentRangeEnd`` with
the comment's id, possibly across paragraphs (joined with "\\n"), in the same accept-all view as
block text (``text.iter_text_nodes``). Ranges are looked for in the main part and the notes
parts. A comment with no range (a point comment) has an empty anchored text.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from aiprism_desktop.core.document import ExistingComment
from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.package import Package
from aiprism_desktop.core.ooxml.text import iter_text_nodes, node_text, paragraph_text

_TEXT_TAGS = (
    n.W_T,
    n.W_TAB,
    n.W_PTAB,
    n.W_BR,
    n.W_CR,
    n.W_NO_BREAK_HYPHEN,
    n.W_SOFT_HYPHEN,
    n.W_SYM,
)


def _anchored_texts(roots: Sequence[etree._Element], wanted: set[str]) -> dict[str, str]:
    """Text between each comment's range markers, for the comment ids in ``wanted``."""
    buffers: dict[str, list[str]] = {}
    for root in roots:
        if next(root.iter(n.W_COMMENT_RANGE_START), None) is None:
            continue
        visible: set[etree._Element] = set()
        for paragraph in root.iter(n.W_P):
            visible.update(iter_text_nodes(paragraph))
        active: list[str] = []
        tags = (n.W_COMMENT_RANGE_START, n.W_COMMENT_RANGE_END, n.W_P, *_TEXT_TAGS)
        for element in root.iter(*tags):
            tag = element.tag
            if tag == n.W_COMMENT_RANGE_START:
                comment_id = element.get(n.W_ID, "")
                if comment_id in wanted and comment_id not in active:
                    active.append(comment_id)
                    buffers.setdefault(comment_id, [])
            elif tag == n.W_COMMENT_RANGE_END:
                comment_id = element.get(n.W_ID, "")
                if comment_id in active:
                    active.remove(comment_id)
            elif not active:
                continue
            elif tag == n.W_P:
                for comment_id in active:
                    parts = buffers[comment_id]
                    if parts and parts[-1] != "\n":
                        parts.append("\n")
            elif element in visible:
                text = node_text(element) or ""
                for comment_id in active:
                    buffers[comment_id].append(text)
    return {comment_id: "".join(parts).strip() for comment_id, parts in buffers.items()}


def read_comments(
    package: Package, anchor_roots: Sequence[etree._Element]
) -> tuple[ExistingComment, ...]:
    """Comments of the main part, with their anchored text searched in ``anchor_roots``."""
    part = package.related_part(package.main_part, n.RT_COMMENTS)
    if part is None:
        return ()
    root = package.parse_part(part)
    elements = list(root.iter(n.W_COMMENT))
    if not elements:
        return ()
    anchored = _anchored_texts(anchor_roots, {e.get(n.W_ID, "") for e in elements})
    comments: list[ExistingComment] = []
    for element in elements:
        comment_id = element.get(n.W_ID, "")
        text = "\n".join(paragraph_text(p) for p in element.iter(n.W_P)).strip()
        comments.append(
            ExistingComment(
                id=comment_id,
                author=element.get(n.w("author"), ""),
                text=text,
                anchored_text=anchored.get(comment_id, ""),
                initials=element.get(n.w("initials"), ""),
                date=element.get(n.w("date"), ""),
            )
        )
    return tuple(comments)
