"""Findings about footnotes and endnotes: commented on the note's reference mark in the text.

Word accepts comments inside notes, but docx2python (and so the acceptance check of issue 2)
then loses every comment of the file; a comment on the reference mark keeps all readers happy.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx2python import docx2python

from aiprism_desktop.core.anchoring import anchor_quote
from aiprism_desktop.core.document import Document, SectionKind
from aiprism_desktop.core.export.comment_text import export_items
from aiprism_desktop.core.export.docx_writer import export_reviewed_docx
from aiprism_desktop.core.findings import Finding, FindingType, Risk
from aiprism_desktop.core.ooxml.reader import read_document
from tests.support.docx_factory import DocBuilder


def _document_with_notes(path: Path) -> Document:
    builder = DocBuilder()
    builder.heading("Findings")
    paragraph = builder.paragraph("The fee was paid on time.")
    builder.footnote(paragraph, "Source: the audit log export of 3 March.")
    other = builder.paragraph("Refunds went out the same week.")
    builder.endnote(other, "Refund batch 7, see appendix.")
    builder.save(path)
    return read_document(path)


def _finding(document: Document, quote: str, number: int, *, anchored: bool = True) -> Finding:
    notes = next(s for s in document.sections if s.kind is SectionKind.NOTES)
    return Finding(
        id=f"f{number}",
        section_id=notes.id,
        origin="rule:test",
        type=FindingType.IMPORTANT,
        risk=Risk.MEDIUM,
        category="Evidence",
        description=f"Finding {number}",
        quote=quote,
        anchor=anchor_quote(notes, quote) if anchored else None,
        replacement="Something else" if number == 1 else None,
    )


def test_note_findings_are_commented_on_the_reference_mark(tmp_path: Path) -> None:
    source = tmp_path / "notes.docx"
    document = _document_with_notes(source)
    body = Finding(
        id="f0",
        section_id=document.sections[0].id,
        origin="rule:test",
        type=FindingType.SUGGESTION,
        risk=Risk.LOW,
        category="Clarity",
        description="Body finding",
        quote="paid on time",
        anchor=anchor_quote(document.sections[0], "paid on time"),
    )
    findings = [
        body,
        _finding(document, "audit log export", 1),
        _finding(document, "Refund batch 7", 2),
        _finding(document, "", 3, anchored=False),
    ]
    assert all(f.anchor is not None for f in findings[:3])
    out = tmp_path / "reviewed.docx"
    summary = export_reviewed_docx(
        source, document, export_items(findings), out, tracked_changes=True
    )
    assert summary.comments_added == 4
    assert summary.span_anchored == 1
    assert sorted(summary.note_anchored_ids) == ["f1", "f2", "f3"]
    assert summary.unplaced_ids == ()
    assert summary.replacements_not_applied_ids == ("f1",)  # never rewrite inside a note

    comments = list(docx.Document(str(out)).comments)
    assert len(comments) == 4
    texts = {c.text.split("\n")[0] for c in comments}
    assert "On footnote 1: “audit log export”" in texts
    assert "On endnote i: “Refund batch 7”" in texts  # endnotes number i, ii, … by default
    with docx2python(out) as reread:
        reread_comments = reread.comments
    assert len(reread_comments) == 4  # none lost: every comment sits in the main text
    assert "paid on time" in {text for text, *_ in reread_comments}

    # The notes themselves are untouched; the body text too.
    again = read_document(out)
    before = [(b.id, b.text) for s in document.sections for b in s.blocks]
    assert [(b.id, b.text) for s in again.sections for b in s.blocks] == before
