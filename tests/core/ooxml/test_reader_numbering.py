"""List numbering text: formats, multi-level templates, restarts, shared definitions."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiprism_desktop.core.ooxml.numbering import bullet_text, format_number
from aiprism_desktop.core.ooxml.reader import read_document
from tests.support.docx_factory import DocBuilder, read_part, replace_parts
from tests.support.reader_checks import all_blocks


def _labels(path: Path) -> list[tuple[str, str]]:
    return [(b.label, b.text) for b in all_blocks(read_document(path))]


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (3, "decimal", "3"),
        (3, "decimalZero", "03"),
        (1, "lowerLetter", "a"),
        (26, "upperLetter", "Z"),
        (27, "lowerLetter", "aa"),
        (53, "lowerLetter", "aaa"),
        (4, "lowerRoman", "iv"),
        (1994, "upperRoman", "MCMXCIV"),
        (22, "ordinal", "22nd"),
        (13, "ordinal", "13th"),
        (5, "none", ""),
        (2, "decimalEnclosedCircle", "②"),
        (7, "japaneseCounting", "7"),  # unsupported scripts fall back to decimal
    ],
)
def test_format_number(value: int, fmt: str, expected: str) -> None:
    assert format_number(value, fmt) == expected


def test_symbol_font_bullets_become_unicode() -> None:
    assert bullet_text("\uf0b7") == "•"
    assert bullet_text("\uf0a7") == "▪"
    assert bullet_text("o") == "o"
    assert bullet_text("\uf099") == "•"  # any other private-use glyph


def test_multi_level_list_renders_parent_numbers(tmp_path: Path) -> None:
    b = DocBuilder()
    num = b.numbering_definition(
        [("decimal", "%1."), ("decimal", "%1.%2."), ("lowerLetter", "(%3)")]
    )
    for text, level in [
        ("One", 0),
        ("One-one", 1),
        ("Detail", 2),
        ("Detail two", 2),
        ("One-two", 1),
        ("Two", 0),
        ("Two-one", 1),
    ]:
        b.numbered(text, num, level)
    assert _labels(b.save(tmp_path / "multi.docx")) == [
        ("1.", "One"),
        ("1.1.", "One-one"),
        ("(a)", "Detail"),
        ("(b)", "Detail two"),
        ("1.2.", "One-two"),
        ("2.", "Two"),
        ("2.1.", "Two-one"),
    ]


def test_letters_romans_and_bullets(tmp_path: Path) -> None:
    b = DocBuilder()
    letters = b.numbering_definition([("upperLetter", "%1)")])
    romans = b.numbering_definition([("lowerRoman", "%1.")])
    bullets = b.numbering_definition([("bullet", "\uf0b7")])
    for text in ("A", "B"):
        b.numbered(text, letters)
    for text in ("i", "ii", "iii", "iv"):
        b.numbered(text, romans)
    b.numbered("dot", bullets)
    assert [label for label, _ in _labels(b.save(tmp_path / "fmt.docx"))] == [
        "A)",
        "B)",
        "i.",
        "ii.",
        "iii.",
        "iv.",
        "•",
    ]


def test_start_override_restarts_and_shared_definition_continues(tmp_path: Path) -> None:
    b = DocBuilder()
    first = b.numbering_definition([("decimal", "%1.")])
    b.numbered("a", first)
    b.numbered("b", first)
    restarted = b.restart_numbering(first)
    b.numbered("c", restarted)
    b.numbered("d", first)  # the first list goes on where it stopped
    assert _labels(b.save(tmp_path / "restart.docx")) == [
        ("1.", "a"),
        ("2.", "b"),
        ("1.", "c"),
        ("3.", "d"),
    ]


def test_start_value_and_legal_numbering(tmp_path: Path) -> None:
    b = DocBuilder()
    num = b.numbering_definition([("upperRoman", "%1."), ("decimal", "%1.%2")], start=3)
    b.numbered("Three", num, 0)
    b.numbered("Three-three", num, 1)
    path = b.save(tmp_path / "legal.docx")
    assert _labels(path) == [("III.", "Three"), ("III.3", "Three-three")]
    numbering = read_part(path, "word/numbering.xml").replace(
        b'<w:lvl w:ilvl="1"><w:start w:val="3"/>',
        b'<w:lvl w:ilvl="1"><w:start w:val="3"/><w:isLgl/>',
    )
    replace_parts(path, {"word/numbering.xml": numbering})
    assert _labels(path) == [("III.", "Three"), ("3.3", "Three-three")]


def test_empty_list_items_are_counted(tmp_path: Path) -> None:
    b = DocBuilder()
    num = b.numbering_definition([("decimal", "%1.")])
    b.numbered("one", num)
    b.numbered("", num)  # Word shows "2." on an empty line
    b.numbered("three", num)
    assert _labels(b.save(tmp_path / "gap.docx")) == [("1.", "one"), ("3.", "three")]


def test_num_id_zero_removes_numbering_given_by_the_style(tmp_path: Path) -> None:
    b = DocBuilder()
    b.list_items(["numbered"], style="List Number")
    (plain,) = b.list_items(["not numbered"], style="List Number")
    b.set_numbering(plain, "0")
    blocks = all_blocks(read_document(b.save(tmp_path / "zero.docx")))
    assert [(x.label, x.kind.value) for x in blocks] == [("1.", "list_item"), ("", "paragraph")]


def test_lists_in_footnotes_count_on_their_own(tmp_path: Path) -> None:
    b = DocBuilder()
    num = b.numbering_definition([("decimal", "%1.")])
    b.numbered("body one", num)
    p = b.numbered("body two", num)
    b.footnote(p, "placeholder")
    path = b.save(tmp_path / "notes.docx")
    numbered = (
        f'<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num}"/></w:numPr></w:pPr>'
        "<w:r><w:t>{text}</w:t></w:r></w:p>"
    )
    note = (
        '<w:footnote w:id="1">'
        + numbered.format(text="note item one")
        + numbered.format(text="note item two")
        + "</w:footnote>"
    )
    xml = read_part(path, "word/footnotes.xml").decode()
    start = xml.index('<w:footnote w:id="1">')
    end = xml.index("</w:footnote>", start) + len("</w:footnote>")
    replace_parts(path, {"word/footnotes.xml": (xml[:start] + note + xml[end:]).encode()})
    assert _labels(path) == [
        ("1.", "body one"),
        ("2.", "body two"),
        ("1", "note item one"),  # the note's own number shows on its first line
        ("2.", "note item two"),  # the list inside the note counts from 1, not on from 2
    ]
