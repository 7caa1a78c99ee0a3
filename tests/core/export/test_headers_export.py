"""Findings about page headers and footers are commented where the header first shows.

Word ignores comments inside headers and footers (MS-OI29500 §2.1.315 c), so the comment goes
on the first body paragraph with text of the page section that uses the header, opening with
"On the page header: “quote”"; a replacement is never applied to that host paragraph.
"""

from __future__ import annotations

from pathlib import Path

import docx

from aiprism_desktop.core.anchoring import anchor_quote
from aiprism_desktop.core.document import SectionKind
from aiprism_desktop.core.export.comment_text import export_items
from aiprism_desktop.core.export.docx_writer import export_reviewed_docx
from aiprism_desktop.core.ooxml.reader import read_document
from tests.support.docx_factory import DocBuilder
from tests.support.export_factory import finding


def _source(tmp_path: Path) -> Path:
    b = DocBuilder()
    b.heading("Scope", 1)
    b.paragraph("First page text.")
    first = b.doc.sections[0]
    first.header.paragraphs[0].text = "Case 2024-17 DRAFT"
    second = b.doc.add_section()
    second.footer.is_linked_to_previous = False
    second.footer.paragraphs[0].text = "Appendix footer"
    b.paragraph("Appendix text.")
    return b.save(tmp_path / "source.docx")


def test_header_and_footer_findings_land_on_their_page_sections(tmp_path: Path) -> None:
    source = _source(tmp_path)
    document = read_document(source)
    headers = next(s for s in document.sections if s.kind is SectionKind.HEADERS_FOOTERS)
    findings = [
        finding(
            "h1",
            headers.id,
            quote="DRAFT",
            anchor=anchor_quote(headers, "DRAFT"),
            replacement="FINAL",
        ),
        finding(
            "f1",
            headers.id,
            quote="Appendix footer",
            anchor=anchor_quote(headers, "Appendix footer"),
        ),
    ]
    out = tmp_path / "reviewed.docx"
    summary = export_reviewed_docx(
        source, document, export_items(findings), out, tracked_changes=True
    )
    assert summary.header_anchored_ids == ("h1", "f1")
    assert summary.replacements_applied == 0
    assert summary.replacements_not_applied_ids == ("h1",)

    comments = list(docx.Document(str(out)).comments)
    assert [c.text.split("\n")[0] for c in comments] == [
        "On the page header: “DRAFT”",
        "On the page footer: “Appendix footer”",
    ]
    reread = read_document(out)
    assert [c.anchored_text for c in reread.comments] == ["Scope", "Appendix text."]
    assert [b.text for s in reread.sections for b in s.blocks] == [
        b.text for s in document.sections for b in s.blocks
    ]  # no tracked change, no text moved
