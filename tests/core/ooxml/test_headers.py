"""Page headers and footers are read into a last "Headers and footers" section."""

from __future__ import annotations

from pathlib import Path

from aiprism_desktop.core.document import BlockKind, SectionKind
from aiprism_desktop.core.ooxml.reader import read_document
from tests.support.docx_factory import DocBuilder
from tests.support.reader_checks import check_blocks_resolve


def _document_with_headers(tmp_path: Path) -> Path:
    b = DocBuilder()
    b.heading("Scope", 1)
    b.paragraph("Body text.")
    b.footnote(b.paragraph("Noted."), "A footnote.")
    section = b.doc.sections[0]
    section.header.paragraphs[0].text = "Case 2024-17 DRAFT"
    section.footer.paragraphs[0].text = "Confidential"
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "First page only"
    second = b.doc.add_section()
    second.header.is_linked_to_previous = True  # shares the first section's header part
    b.paragraph("Second section text.")
    return b.save(tmp_path / "headers.docx")


def test_headers_and_footers_are_the_last_section(tmp_path: Path) -> None:
    document = read_document(_document_with_headers(tmp_path))
    last = document.sections[-1]
    assert last.kind is SectionKind.HEADERS_FOOTERS
    assert last.title == "Headers and footers"
    assert [(b.kind, b.text) for b in last.blocks] == [
        (BlockKind.HEADER, "Case 2024-17 DRAFT"),
        (BlockKind.HEADER, "First page only"),
        (BlockKind.FOOTER, "Confidential"),
    ]
    assert document.sections[-2].kind is SectionKind.NOTES  # existing section ids unchanged
    assert all(b.location.part.startswith(("word/header", "word/footer")) for b in last.blocks)
    assert check_blocks_resolve(document) == []
    assert "HEADERS_FOOTERS_NOT_REVIEWED" not in {w.code for w in document.warnings}


def test_document_without_header_text_has_no_headers_section(tmp_path: Path) -> None:
    b = DocBuilder()
    b.paragraph("Only body.")
    document = read_document(b.save(tmp_path / "plain.docx"))
    assert [s.kind for s in document.sections] == [SectionKind.BODY]
