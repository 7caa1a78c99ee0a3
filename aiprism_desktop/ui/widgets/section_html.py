"""A section as HTML for the section view: headings, paragraphs, lists and tables as a reader
knows them, every anchored quote highlighted in its risk colour (a link to its finding), and the
comments that were already in the document, marked as such."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from itertools import groupby, pairwise

from aiprism_desktop.core.document import Block, BlockKind, ExistingComment, Section
from aiprism_desktop.core.findings import Decision, Risk
from aiprism_desktop.core.review import FindingState
from aiprism_desktop.ui.theme import Theme

FINDING_LINK = "finding:"
_RISK_RANK = {Risk.HIGH: 0, Risk.MEDIUM: 1, Risk.LOW: 2}
Span = tuple[int, int, FindingState]


def _spans(section: Section, findings: Sequence[FindingState]) -> dict[str, list[Span]]:
    """Block id → (start, end, finding) for every anchored quote, multi-block ones split."""
    order = {block.id: n for n, block in enumerate(section.blocks)}
    spans: dict[str, list[Span]] = {}
    for item in findings:
        anchor = item.finding.anchor
        if anchor is None or anchor.block_id not in order:
            continue
        first = order[anchor.block_id]
        last = order.get(anchor.end_block_id or anchor.block_id, first)
        for n in range(first, last + 1):
            block = section.blocks[n]
            start = anchor.start if n == first else 0
            end = anchor.end if n == last else len(block.text)
            if end > start:
                spans.setdefault(block.id, []).append((start, end, item))
    return spans


def _color(item: FindingState, theme: Theme) -> str:
    if item.decision is Decision.REJECTED:
        return theme.alt_base
    return theme.highlight[item.finding.risk.value]


def _marked_text(block: Block, spans: list[Span], theme: Theme, named: set[str]) -> str:
    """The block's text with highlighted links over the quoted ranges (the riskiest wins where
    quotes overlap)."""
    text = block.text
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    parts: list[str] = []
    for start, end in pairwise(cuts):
        piece = escape(text[start:end])
        covering = [item for s, e, item in spans if s <= start and e >= end]
        if not covering:
            parts.append(piece)
            continue
        top = min(covering, key=lambda i: (_RISK_RANK[i.finding.risk], i.finding.id))
        names = ""
        for item in covering:
            if item.finding.id not in named:
                named.add(item.finding.id)
                names += f"<a name='q-{item.finding.id}'></a>"
        parts.append(
            f"{names}<a href='{FINDING_LINK}{top.finding.id}' style='background-color:"
            f"{_color(top, theme)}; color:{theme.text}; text-decoration:none'>{piece}</a>"
        )
    return "".join(parts)


def _table(blocks: list[Block], spans: dict[str, list[Span]], theme: Theme, named: set[str]) -> str:
    cells: dict[tuple[int, int], list[str]] = {}
    for block in blocks:
        assert block.table_cell is not None
        key = (block.table_cell.row, block.table_cell.column)
        cells.setdefault(key, []).append(_marked_text(block, spans.get(block.id, []), theme, named))
    rows = sorted({r for r, _ in cells})
    columns = sorted({c for _, c in cells})
    html = [
        f"<table border='1' cellspacing='0' cellpadding='4' style='border-color:{theme.border}'>"
    ]
    for row in rows:
        html.append("<tr>")
        for column in columns:
            html.append(f"<td>{'<br>'.join(cells.get((row, column), []))}</td>")
        html.append("</tr>")
    html.append("</table>")
    return "".join(html)


def _block_html(block: Block, body: str, section_level: int) -> str:
    label = f"{escape(block.label)} " if block.label else ""
    if block.kind is BlockKind.HEADING:
        level = min(max(block.heading_level or section_level, 1), 4)
        return f"<h{level}>{label}{body}</h{level}>"
    if block.kind is BlockKind.LIST_ITEM:
        return f"<p style='margin-left:22px'>{label}{body}</p>"
    if block.kind in (BlockKind.FOOTNOTE, BlockKind.ENDNOTE):
        return f"<p style='font-size:small'>{label}{body}</p>"
    return f"<p>{label}{body}</p>"


def section_html(
    section: Section,
    findings: Sequence[FindingState],
    theme: Theme,
    comments: Sequence[ExistingComment] = (),
) -> str:
    """The whole section, ready for a QTextBrowser."""
    spans = _spans(section, findings)
    named: set[str] = set()
    html = [f"<html><body style='color:{theme.text}'>"]
    if not section.blocks or section.heading_block_id is None:
        html.append(f"<h2>{escape(section.title or '(untitled)')}</h2>")
    for is_table, group in groupby(section.blocks, key=lambda b: b.table_cell is not None):
        blocks = list(group)
        if is_table:
            for _, table in groupby(blocks, key=lambda b: b.table_cell.table_index):  # type: ignore[union-attr]
                html.append(_table(list(table), spans, theme, named))
            continue
        for block in blocks:
            body = _marked_text(block, spans.get(block.id, []), theme, named)
            html.append(_block_html(block, body, section.level))
    text = section.text
    mine = [c for c in comments if c.anchored_text.strip() and c.anchored_text.strip() in text]
    if mine:
        html.append(
            f"<hr><p style='color:{theme.muted}'><b>Comments already in the document</b></p>"
        )
        for comment in mine:
            html.append(
                f"<p style='margin-left:12px; color:{theme.muted}'>💬 <b>{escape(comment.author)}"
                f"</b> (existing comment) on “{escape(comment.anchored_text[:120])}”: "
                f"{escape(comment.text)}</p>"
            )
    html.append("</body></html>")
    return "".join(html)
