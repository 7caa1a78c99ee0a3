"""Reading everything a reviewer sees into blocks: runs, lists, tables, text boxes, content
controls, notes, tracked changes, existing comments, ids and locations."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from aiprism_desktop.core.document import BlockKind, SectionKind
from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.ooxml.reader import read_document
from tests.support.docx_factory import (
    NSDECL,
    DocBuilder,
    paragraph_xml,
    read_part,
    replace_parts,
    table_xml,
    write_body_xml,
)
from tests.support.reader_checks import all_blocks, check_blocks_resolve, texts


def _codes(path: Path) -> set[str]:
    return {warning.code for warning in read_document(path).warnings}


def test_paragraph_of_several_runs_is_one_block_with_its_style(tmp_path: Path) -> None:
    b = DocBuilder()
    b.paragraph("The ", ("quick", {"bold": True}), " brown ", ("fox", {"italic": True}), ".")
    b.empty_paragraph()
    b.paragraph("   ")
    b.paragraph("Second.", style="Quote")
    document = read_document(b.save(tmp_path / "runs.docx"))
    blocks = all_blocks(document)
    assert [(x.text, x.kind, x.style) for x in blocks] == [
        ("The quick brown fox.", BlockKind.PARAGRAPH, "Normal"),
        ("Second.", BlockKind.PARAGRAPH, "Quote"),
    ]
    assert check_blocks_resolve(document) == []


def test_empty_paragraphs_are_skipped_but_counted_in_ordinals(tmp_path: Path) -> None:
    b = DocBuilder()
    b.empty_paragraph()
    b.empty_paragraph()
    b.paragraph("Third paragraph")
    block = all_blocks(read_document(b.save(tmp_path / "e.docx")))[0]
    assert block.location.part == "word/document.xml"
    assert block.location.paragraph_index == 2
    assert block.id == "p:document:2"


def test_list_items_carry_their_computed_numbering(tmp_path: Path) -> None:
    b = DocBuilder()
    b.list_items(["First step", "Second step", "Third step"], style="List Number")
    b.list_items(["Apples", "Pears"], style="List Bullet")
    blocks = all_blocks(read_document(b.save(tmp_path / "lists.docx")))
    assert [(x.label, x.text, x.kind) for x in blocks] == [
        ("1.", "First step", BlockKind.LIST_ITEM),
        ("2.", "Second step", BlockKind.LIST_ITEM),
        ("3.", "Third step", BlockKind.LIST_ITEM),
        ("•", "Apples", BlockKind.LIST_ITEM),
        ("•", "Pears", BlockKind.LIST_ITEM),
    ]
    assert blocks[0].display_text == "1. First step"


def test_table_cells_are_read_once_each_with_their_position(tmp_path: Path) -> None:
    b = DocBuilder()
    table = b.doc.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "merged across"
    table.cell(0, 2).merge(table.cell(1, 2)).text = "merged down"
    table.cell(1, 0).text = "plain"
    document = read_document(b.save(tmp_path / "merged.docx"))
    cells = [(x.text, x.table_cell) for x in all_blocks(document)]
    assert [text for text, _ in cells] == ["merged across", "merged down", "plain"]
    positions = [(ref.table_index, ref.row, ref.column, ref.depth) for _, ref in cells if ref]
    assert positions == [(0, 0, 0, 1), (0, 0, 2, 1), (0, 1, 0, 1)]
    assert {x.kind for x in all_blocks(document)} == {BlockKind.TABLE_CELL}
    assert check_blocks_resolve(document) == []


def test_cell_positions_count_skipped_grid_columns_and_wrapped_rows_and_cells(
    tmp_path: Path,
) -> None:
    cell = "<w:tc>{}</w:tc>".format
    table = (
        "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>'
        f"{cell(paragraph_xml('after a skipped column'))}{cell(paragraph_xml('last'))}</w:tr>"
        f"<w:sdt><w:sdtContent><w:tr>{cell(paragraph_xml('row in a control'))}"
        f"<w:customXml>{cell(paragraph_xml('cell in custom XML'))}</w:customXml></w:tr>"
        "</w:sdtContent></w:sdt></w:tbl>"
    )
    document = read_document(write_body_xml(tmp_path / "grid.docx", table))
    read = [(x.text, x.table_cell) for x in all_blocks(document)]
    assert [(text, ref.row, ref.column) for text, ref in read if ref] == [
        ("after a skipped column", 0, 1),
        ("last", 0, 2),
        ("row in a control", 1, 0),
        ("cell in custom XML", 1, 1),
    ]
    assert check_blocks_resolve(document) == []


def test_nested_tables_are_read_with_their_depth(tmp_path: Path) -> None:
    inner = table_xml([["inner a", "inner b"]])
    outer = (
        "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>"
        f"<w:tc>{paragraph_xml('outer left')}{inner}<w:p/></w:tc>"
        f"<w:tc>{paragraph_xml('outer right')}</w:tc></w:tr></w:tbl>"
    )
    document = read_document(write_body_xml(tmp_path / "nested.docx", outer))
    read = [(x.text, x.table_cell) for x in all_blocks(document)]
    assert [text for text, _ in read] == ["outer left", "inner a", "inner b", "outer right"]
    refs = [ref for _, ref in read]
    assert [(r.table_index, r.depth) for r in refs if r] == [(0, 1), (1, 2), (1, 2), (0, 1)]
    assert [(r.row, r.column) for r in refs if r] == [(0, 0), (0, 0), (0, 1), (0, 1)]
    assert check_blocks_resolve(document) == []


def test_text_box_is_read_once_after_its_anchor_paragraph(tmp_path: Path) -> None:
    b = DocBuilder()
    anchor = b.paragraph("Anchor paragraph.")
    b.text_box(anchor, "Inside the box.", "Second box line.")
    b.paragraph("After the box.")
    path = b.save(tmp_path / "box.docx")
    document = read_document(path)
    blocks = all_blocks(document)
    assert [(x.text, x.kind) for x in blocks] == [
        ("Anchor paragraph.", BlockKind.PARAGRAPH),
        ("Inside the box.", BlockKind.TEXT_BOX),
        ("Second box line.", BlockKind.TEXT_BOX),
        ("After the box.", BlockKind.PARAGRAPH),
    ]
    # The mc:Fallback copy holds the same paragraphs: they count in ordinals, not as blocks.
    assert blocks[-1].location.paragraph_index == 5
    assert "TEXT_BOXES" in {w.code for w in document.warnings}
    assert check_blocks_resolve(document) == []


def test_text_box_without_a_choice_branch_is_read_from_the_fallback(tmp_path: Path) -> None:
    xml = (
        "<w:p><w:r><w:t>Anchor</w:t></w:r><w:r><mc:AlternateContent><mc:Fallback><w:pict>"
        f"<v:shape><v:textbox><w:txbxContent>{paragraph_xml('Only in fallback')}"
        "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent>"
        "</w:r></w:p>"
    )
    document = read_document(write_body_xml(tmp_path / "fallback.docx", xml))
    assert texts(document) == ["Anchor", "Only in fallback"]


def test_content_controls_are_part_of_the_text(tmp_path: Path) -> None:
    b = DocBuilder()
    b.content_control("Controlled paragraph one.", "Controlled paragraph two.")
    p = b.paragraph("Name: ")
    b.inline_content_control(p, "Jane Doe")
    document = read_document(b.save(tmp_path / "sdt.docx"))
    assert texts(document) == [
        "Controlled paragraph one.",
        "Controlled paragraph two.",
        "Name: Jane Doe",
    ]
    assert check_blocks_resolve(document) == []


def test_footnotes_and_endnotes_form_a_final_notes_section(tmp_path: Path) -> None:
    b = DocBuilder()
    b.heading("Body", 1)
    first = b.paragraph("Claim one.")
    b.footnote(first, "Source of claim one.")
    second = b.paragraph("Claim two.")
    b.footnote(second, "Source of claim two.", "Continued note.")
    b.endnote(second, "An endnote.")
    document = read_document(b.save(tmp_path / "notes.docx"))
    notes = document.sections[-1]
    assert notes.kind is SectionKind.NOTES
    assert notes.title == "Footnotes and endnotes"
    assert [(x.kind, x.label, x.text) for x in notes.blocks] == [
        (BlockKind.FOOTNOTE, "1", " Source of claim one."),
        (BlockKind.FOOTNOTE, "2", " Source of claim two."),
        (BlockKind.FOOTNOTE, "", "Continued note."),
        (BlockKind.ENDNOTE, "i", " An endnote."),
    ]
    assert {x.location.part for x in notes.blocks} == {"word/footnotes.xml", "word/endnotes.xml"}
    assert notes.blocks[0].id.startswith("p:footnotes:")
    assert check_blocks_resolve(document) == []


def test_unreferenced_notes_are_not_read(tmp_path: Path) -> None:
    b = DocBuilder()
    p = b.paragraph("Text with one note.")
    b.footnote(p, "Referenced.")
    path = b.save(tmp_path / "notes.docx")
    footnotes = read_part(path, "word/footnotes.xml").replace(
        b"</w:footnotes>",
        b'<w:footnote w:id="7"><w:p><w:r><w:t>Orphan</w:t></w:r></w:p></w:footnote></w:footnotes>',
    )
    replace_parts(path, {"word/footnotes.xml": footnotes})
    assert texts(read_document(path)) == ["Text with one note.", " Referenced."]


def test_tracked_changes_show_the_accept_all_view_with_a_warning(tmp_path: Path) -> None:
    b = DocBuilder()
    p = b.paragraph("Base text.")
    b.insertion(p, " Added words.")
    b.deletion(p, " Removed words.")
    path = b.save(tmp_path / "tracked.docx")
    document = read_document(path)
    assert texts(document) == ["Base text. Added words."]
    warning = next(w for w in document.warnings if w.code == "TRACKED_CHANGES")
    assert "accepted" in warning.message
    assert check_blocks_resolve(document) == []


def test_deleted_paragraph_content_is_not_read(tmp_path: Path) -> None:
    xml = (
        paragraph_xml("Kept")
        + '<w:p><w:del w:id="1" w:author="a"><w:r><w:delText>Gone</w:delText></w:r></w:del></w:p>'
    )
    assert texts(read_document(write_body_xml(tmp_path / "d.docx", xml))) == ["Kept"]


def test_existing_comments_are_read_with_their_anchored_text(tmp_path: Path) -> None:
    b = DocBuilder()
    first = b.paragraph("Alpha ", "beta ", "gamma.")
    second = b.paragraph("Delta epsilon.")
    b.comment(first.runs[1], "Check beta.", author="Ann Reviewer", initials="AR")
    b.comment((first.runs[2], second.runs[0]), "Spans two paragraphs.", author="Bo")
    document = read_document(b.save(tmp_path / "comments.docx"))
    comments = {c.text: c for c in document.comments}
    assert comments["Check beta."].author == "Ann Reviewer"
    assert comments["Check beta."].initials == "AR"
    assert comments["Check beta."].anchored_text == "beta"
    assert comments["Check beta."].date  # python-docx stamps the time
    assert comments["Spans two paragraphs."].anchored_text == "gamma.\nDelta epsilon."
    warning = next(w for w in document.warnings if w.code == "EXISTING_COMMENTS")
    assert "2 comments" in warning.message


def test_unique_para_ids_become_block_ids_and_repeated_ones_do_not(tmp_path: Path) -> None:
    b = DocBuilder()
    b.para_id(b.paragraph("Has its own id."), "1A2B3C4D")
    b.para_id(b.paragraph("Shares an id."), "0000AAAA")
    b.para_id(b.paragraph("Shares it too."), "0000AAAA")
    b.para_id(b.paragraph("Odd id."), "p:document:0")
    b.paragraph("No id.")
    document = read_document(b.save(tmp_path / "ids.docx"))
    assert [x.id for x in all_blocks(document)] == [
        "1A2B3C4D",
        "p:document:1",
        "p:document:2",
        "p:document:3",
        "p:document:4",
    ]
    assert document.block("1A2B3C4D").text == "Has its own id."
    assert check_blocks_resolve(document) == []


def test_para_id_repeated_in_another_part_is_not_used(tmp_path: Path) -> None:
    b = DocBuilder()
    p = b.paragraph("Body text.")
    b.para_id(p, "12345678")
    b.footnote(p, "Note text.")
    path = b.save(tmp_path / "ids.docx")
    footnotes = read_part(path, "word/footnotes.xml").replace(
        b'<w:footnote w:id="1"><w:p>', b'<w:footnote w:id="1"><w:p w14:paraId="12345678">'
    )
    replace_parts(path, {"word/footnotes.xml": footnotes})
    blocks = all_blocks(read_document(path))
    assert [x.id for x in blocks] == ["p:document:0", "p:footnotes:2"]


def test_title_comes_from_properties_then_title_style_then_file_name(tmp_path: Path) -> None:
    b = DocBuilder()
    b.title("Styled  Title")
    b.paragraph("Body.")
    path = b.save(tmp_path / "titled.docx")
    assert read_document(path).title == "Styled Title"
    b.doc.core_properties.title = "From Properties"
    assert read_document(b.save(tmp_path / "props.docx")).title == "From Properties"
    plain = DocBuilder()
    plain.paragraph("Nothing titled here.")
    assert read_document(plain.save(tmp_path / "my_report.docx")).title == "my_report"


@pytest.mark.parametrize(
    ("content_type", "source_format", "codes"),
    [
        ("application/vnd.ms-word.document.macroEnabled.main+xml", "docm", {"MACROS_PRESENT"}),
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
            "dotx",
            {"TEMPLATE"},
        ),
        (
            "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
            "dotm",
            {"TEMPLATE", "MACROS_PRESENT"},
        ),
    ],
)
def test_macro_and_template_formats_are_read_and_flagged(
    tmp_path: Path, content_type: str, source_format: str, codes: set[str]
) -> None:
    b = DocBuilder()
    b.paragraph("Template text.")
    path = b.save(tmp_path / f"file.{source_format}")
    types = read_part(path, "[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        content_type.encode(),
    )
    replace_parts(path, {"[Content_Types].xml": types})
    document = read_document(path)
    assert document.source_format == source_format
    assert codes <= {w.code for w in document.warnings}
    assert texts(document) == ["Template text."]


def test_alt_chunks_are_reported_as_not_reviewed(tmp_path: Path) -> None:
    b = DocBuilder()
    b.paragraph("Body.")
    b.raw_body_xml(f'<w:altChunk {NSDECL} r:id="rId77" xmlns:r="urn:r"/>')
    b.doc.sections[0].header.paragraphs[0].text = "Confidential"
    codes = _codes(b.save(tmp_path / "extras.docx"))
    assert "ALT_CHUNKS" in codes


def test_empty_document_gives_one_empty_section_and_a_warning(tmp_path: Path) -> None:
    b = DocBuilder()
    b.empty_paragraph()
    document = read_document(b.save(tmp_path / "empty.docx"))
    assert len(document.sections) == 1
    assert document.sections[0].is_empty
    assert "EMPTY_DOCUMENT" in {w.code for w in document.warnings}


def test_inline_alternate_content_shows_only_the_chosen_branch(tmp_path: Path) -> None:
    xml = (
        "<w:p><w:r><w:t>Tick </w:t></w:r><mc:AlternateContent><mc:Choice Requires='w14'>"
        "<w:r><w:t>☑</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>[x]</w:t></w:r>"
        "</mc:Fallback></mc:AlternateContent><w:r><w:t> done</w:t></w:r></w:p>"
    )
    document = read_document(write_body_xml(tmp_path / "ac.docx", xml))
    assert texts(document) == ["Tick ☑ done"]
    assert check_blocks_resolve(document) == []


def test_special_characters_follow_the_shared_text_definition(tmp_path: Path) -> None:
    xml = (
        "<w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:noBreakHyphen/>"
        '<w:t>d</w:t><w:sym w:font="Symbol" w:char="F0B7"/><w:softHyphen/></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText>'
        '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    document = read_document(write_body_xml(tmp_path / "chars.docx", xml))
    assert texts(document) == ["a\tb\nc\u2011d\u00b77"]
    assert check_blocks_resolve(document) == []


def test_reading_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path) -> None:
    b = DocBuilder()
    b.paragraph("Text.")
    path = b.save(tmp_path / "gc.docx")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    was_enabled = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            read_document(path)
            assert gc.isenabled() is enabled
            with pytest.raises(DocumentError):
                read_document(broken)
            assert gc.isenabled() is enabled
    finally:
        (gc.enable if was_enabled else gc.disable)()
