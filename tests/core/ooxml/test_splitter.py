"""Section splitting: Word structure first (styles, basedOn chains, outline levels, Title),
heuristics only without it, preamble, empty sections, notes last, positional ids."""

from __future__ import annotations

from pathlib import Path

from aiprism_desktop.core.document import Block, BlockKind, BlockLocation, SectionKind
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.ooxml.splitter import (
    SplitItem,
    heuristic_levels,
    numbered_heading_level,
    split_blocks,
    split_sections,
)
from tests.support.docx_factory import DocBuilder
from tests.support.reader_checks import check_blocks_resolve


def _outline(path: Path) -> list[tuple[str, int, SectionKind]]:
    return [(s.title, s.level, s.kind) for s in read_document(path).sections]


def test_heading_styles_split_the_document(tmp_path: Path) -> None:
    b = DocBuilder()
    b.heading("Scope", 1)
    b.paragraph("What is covered.")
    b.heading("Method", 2)
    b.paragraph("How it was done.")
    b.paragraph("More method.")
    b.heading("Results", 1)
    b.paragraph("What was found.")
    document = read_document(b.save(tmp_path / "h.docx"))
    assert [(s.id, s.title, s.level, s.kind) for s in document.sections] == [
        ("s001", "Scope", 1, SectionKind.BODY),
        ("s002", "Method", 2, SectionKind.BODY),
        ("s003", "Results", 1, SectionKind.BODY),
    ]
    method = document.sections[1]
    heading = method.blocks[0]
    assert heading.kind is BlockKind.HEADING
    assert heading.heading_level == 2
    assert heading.text == "Method"
    assert heading.style == "Heading 2"
    assert method.heading_block_id == heading.id
    assert [x.text for x in method.blocks[1:]] == ["How it was done.", "More method."]
    assert method.text == "Method\nHow it was done.\nMore method."
    assert not document.warnings
    assert check_blocks_resolve(document) == []


def test_custom_and_localized_styles_based_on_headings_split(tmp_path: Path) -> None:
    b = DocBuilder()
    b.custom_style("Kapitel", based_on="Heading 1", style_id="Kapitel")
    b.custom_style("House Sub", based_on="Heading 3", style_id="HouseSub")
    b.custom_style("Deep House", based_on="House Sub", style_id="DeepHouse")  # chain of two
    b.paragraph("Erstes Kapitel", style="Kapitel")
    b.paragraph("Text.")
    b.paragraph("A subsection", style="House Sub")
    b.paragraph("Deeper", style="Deep House")
    b.paragraph("Text.")
    assert _outline(b.save(tmp_path / "custom.docx")) == [
        ("Erstes Kapitel", 1, SectionKind.BODY),
        ("A subsection", 3, SectionKind.BODY),
        ("Deeper", 3, SectionKind.BODY),
    ]


def test_localized_heading_names_and_outline_levels_without_base_style(tmp_path: Path) -> None:
    b = DocBuilder()
    b.custom_style("Überschrift 2", based_on=None, style_id="berschrift2")
    b.custom_style("Chapeau", based_on=None, style_id="Chapeau", outline_level=0)
    b.paragraph("Kapitel", style="Überschrift 2")
    b.paragraph("Text.")
    b.paragraph("Grand titre", style="Chapeau")
    b.paragraph("Texte.")
    assert _outline(b.save(tmp_path / "local.docx")) == [
        ("Kapitel", 2, SectionKind.BODY),
        ("Grand titre", 1, SectionKind.BODY),
    ]


def test_style_based_on_heading_but_marked_body_text_is_not_a_heading(tmp_path: Path) -> None:
    b = DocBuilder()
    b.custom_style("Looks Like Heading", based_on="Heading 1", outline_level=9)
    b.heading("Real heading", 1)
    b.paragraph("Not a heading", style="Looks Like Heading")
    sections = read_document(b.save(tmp_path / "body.docx")).sections
    assert [s.title for s in sections] == ["Real heading"]
    assert sections[0].blocks[1].kind is BlockKind.PARAGRAPH


def test_paragraph_outline_level_overrides_its_style(tmp_path: Path) -> None:
    b = DocBuilder()
    b.heading("Styled heading", 1)
    promoted = b.paragraph("Promoted by outline level")
    b.outline_level(promoted, 1)
    demoted = b.heading("Demoted heading", 1)
    b.outline_level(demoted, 9)
    b.paragraph("Text.")
    assert _outline(b.save(tmp_path / "outline.docx")) == [
        ("Styled heading", 1, SectionKind.BODY),
        ("Promoted by outline level", 2, SectionKind.BODY),
    ]


def test_title_opens_a_section_and_text_before_it_is_a_preamble(tmp_path: Path) -> None:
    b = DocBuilder()
    b.paragraph("Draft - internal")
    b.title("Annual Review")
    b.paragraph("Summary text.")
    b.heading("Findings", 1)
    b.paragraph("Finding text.")
    document = read_document(b.save(tmp_path / "title.docx"))
    assert [(s.id, s.title, s.kind) for s in document.sections] == [
        ("s001", "Preamble", SectionKind.PREAMBLE),
        ("s002", "Annual Review", SectionKind.BODY),
        ("s003", "Findings", SectionKind.BODY),
    ]
    assert document.sections[0].heading_block_id is None
    assert document.title == "Annual Review"


def test_empty_sections_are_kept_and_marked(tmp_path: Path) -> None:
    b = DocBuilder()
    b.heading("Part A", 1)
    b.heading("Part A.1", 2)
    b.paragraph("Only A.1 has text.")
    b.heading("Part B", 1)
    sections = read_document(b.save(tmp_path / "empty.docx")).sections
    assert [(s.title, s.is_empty) for s in sections] == [
        ("Part A", True),
        ("Part A.1", False),
        ("Part B", True),
    ]


def test_numbered_heading_gets_its_label_in_the_title(tmp_path: Path) -> None:
    b = DocBuilder()
    num_id = b.numbering_definition([("decimal", "%1."), ("decimal", "%1.%2.")])
    for text, level in (("Intro", 0), ("Scope", 1), ("Terms", 1), ("Method", 0)):
        b.set_numbering(b.heading(text, level + 1), num_id, level)
        b.paragraph("Body.")
    assert [t for t, _, _ in _outline(b.save(tmp_path / "num.docx"))] == [
        "1. Intro",
        "1.1. Scope",
        "1.2. Terms",
        "2. Method",
    ]


def test_headings_inside_tables_do_not_split(tmp_path: Path) -> None:
    b = DocBuilder()
    b.heading("Only section", 1)
    table = b.doc.add_table(rows=1, cols=1)
    table.cell(0, 0).paragraphs[0].text = "Heading-styled cell"
    table.cell(0, 0).paragraphs[0].style = b.doc.styles["Heading 2"]
    document = read_document(b.save(tmp_path / "cell.docx"))
    assert [s.title for s in document.sections] == ["Only section"]
    assert document.sections[0].blocks[1].kind is BlockKind.TABLE_CELL


def test_document_without_headings_uses_numbered_and_bold_lines(tmp_path: Path) -> None:
    b = DocBuilder()
    b.paragraph("Prepared for the board.")
    b.paragraph("1. Background")
    b.paragraph("The company started in 2010 and grew quickly in later years.")
    b.paragraph("1.1 Earlier reviews")
    b.paragraph("Two reviews were done before.")
    b.paragraph(("Conclusions", {"bold": True}))
    b.paragraph("It went well, mostly.")
    document = read_document(b.save(tmp_path / "plain.docx"))
    assert [(s.title, s.level, s.kind) for s in document.sections] == [
        ("Preamble", 1, SectionKind.PREAMBLE),
        ("1. Background", 1, SectionKind.BODY),
        ("1.1 Earlier reviews", 2, SectionKind.BODY),
        ("Conclusions", 1, SectionKind.BODY),
    ]
    assert "HEURISTIC_SECTIONS" in {w.code for w in document.warnings}


def test_heuristics_are_not_used_when_the_document_has_headings(tmp_path: Path) -> None:
    b = DocBuilder()
    b.heading("Real", 1)
    b.paragraph(("Bold line", {"bold": True}))
    b.paragraph("1. Typed number")
    b.paragraph("Text.")
    document = read_document(b.save(tmp_path / "mixed.docx"))
    assert [s.title for s in document.sections] == ["Real"]
    assert not document.warnings


def test_runs_of_numbered_lines_are_a_list_not_headings(tmp_path: Path) -> None:
    b = DocBuilder()
    b.paragraph("Steps to follow:")
    for step in ("1. Open the file", "2. Check the totals", "3. Sign it"):
        b.paragraph(step)
    b.paragraph("Then send it back.")
    document = read_document(b.save(tmp_path / "steps.docx"))
    assert [(s.title, s.kind) for s in document.sections] == [
        ("steps", SectionKind.BODY),
    ]
    assert "NO_HEADINGS" in {w.code for w in document.warnings}


def test_document_without_any_structure_is_one_section(tmp_path: Path) -> None:
    b = DocBuilder()
    b.paragraph("Just one long paragraph of prose that never ends with a heading.")
    b.paragraph("And another one, also prose.")
    document = read_document(b.save(tmp_path / "memo.docx"))
    assert [(s.id, s.title, s.kind) for s in document.sections] == [
        ("s001", "memo", SectionKind.BODY)
    ]
    assert len(document.sections[0].blocks) == 2


def test_notes_section_comes_last_with_the_next_id(tmp_path: Path) -> None:
    b = DocBuilder()
    b.heading("Only", 1)
    p = b.paragraph("Noted.")
    b.footnote(p, "The note.")
    sections = read_document(b.save(tmp_path / "n.docx")).sections
    assert [(s.id, s.title, s.kind) for s in sections] == [
        ("s001", "Only", SectionKind.BODY),
        ("s002", "Footnotes", SectionKind.NOTES),
    ]


def test_section_ids_are_positional_and_stable(tmp_path: Path) -> None:
    b = DocBuilder()
    for name in ("A", "B", "C"):
        b.heading(name, 1)
        b.paragraph(f"Text {name}.")
    path = b.save(tmp_path / "stable.docx")
    first = read_document(path)
    second = read_document(path)
    assert [s.id for s in first.sections] == ["s001", "s002", "s003"]
    assert [(s.id, s.content_hash) for s in first.sections] == [
        (s.id, s.content_hash) for s in second.sections
    ]


def test_heading_block_keeps_its_location_for_export(tmp_path: Path) -> None:
    b = DocBuilder()
    b.paragraph("Intro.")
    b.heading("Scope", 1)
    path = b.save(tmp_path / "loc.docx")
    document = read_document(path)
    heading = document.block(document.sections[1].heading_block_id or "")
    assert heading.location.paragraph_index == 1
    assert check_blocks_resolve(document) == []


# -- the splitter on its own ------------------------------------------------------------------


def _block(text: str, index: int, kind: BlockKind = BlockKind.PARAGRAPH) -> Block:
    return Block(f"b{index}", kind, text, BlockLocation("word/document.xml", index))


def test_numbered_heading_level_recognizes_typed_numbers() -> None:
    assert numbered_heading_level("1. Scope") == 1
    assert numbered_heading_level("2.3 Method of work") == 2
    assert numbered_heading_level("2.3.1. Details") == 3
    assert numbered_heading_level("IV. Results") == 1
    assert numbered_heading_level("B) Annex") == 1
    assert numbered_heading_level("1. the lower-case start is a sentence") is None
    assert numbered_heading_level("3. A full sentence ends with a period.") is None
    assert numbered_heading_level("2024 was a good year") is None
    assert numbered_heading_level("1. " + "Word " * 20) is None


def test_heuristic_levels_treat_bold_lines_before_body_as_headings() -> None:
    items = [
        SplitItem(_block("Overview", 0)),
        SplitItem(_block("Body text that explains things at some length.", 1)),
        SplitItem(_block("Bold but last", 2)),
    ]
    bold = {0, 2}
    assert heuristic_levels(items, lambda i: i in bold) == [1, None, None]


def test_split_sections_builds_preamble_headings_and_notes() -> None:
    items = [
        SplitItem(_block("Before", 0)),
        SplitItem(_block("Head", 1), heading_level=1),
        SplitItem(_block("Body", 2)),
        SplitItem(_block("Table cell heading", 3), heading_level=2, can_start_section=False),
    ]
    notes = [_block("A note", 9, BlockKind.FOOTNOTE)]
    sections = split_sections(items, notes, document_title="Doc", notes_title="Notes")
    assert [(s.id, s.title, s.kind, len(s.blocks)) for s in sections] == [
        ("s001", "Preamble", SectionKind.PREAMBLE, 1),
        ("s002", "Head", SectionKind.BODY, 3),
        ("s003", "Notes", SectionKind.NOTES, 1),
    ]
    assert sections[1].blocks[0].kind is BlockKind.HEADING
    assert sections[1].blocks[2].kind is BlockKind.PARAGRAPH


def test_split_blocks_cuts_at_the_given_openings_like_split_sections() -> None:
    blocks = [_block(text, i) for i, text in enumerate(["A", "B", "C", "D", "E"])]
    for openings in ({}, {0: 1}, {0: 1, 1: 2, 4: 1}, {2: 3}):
        items = [SplitItem(b, openings.get(i)) for i, b in enumerate(blocks)]
        expected = split_sections(items, [], document_title="Doc", notes_title="Notes")
        got = split_blocks(blocks, openings, [], document_title="Doc", notes_title="Notes")
        assert got == expected
        assert [b.id for s in got for b in s.blocks] == [b.id for b in blocks]
        for section in got:
            if section.heading_block_id is not None:
                assert section.blocks[0].kind is BlockKind.HEADING
    sections = split_blocks(blocks, {0: 1, 1: 2}, [], document_title="Doc", notes_title="N")
    assert [(s.title, s.level, len(s.blocks)) for s in sections] == [("A", 1, 1), ("B", 2, 4)]
    assert sections[0].is_empty
    only = split_blocks(blocks, {}, [], document_title="Doc", notes_title="N")
    assert [(s.title, s.kind, len(s.blocks)) for s in only] == [("Doc", SectionKind.BODY, 5)]
