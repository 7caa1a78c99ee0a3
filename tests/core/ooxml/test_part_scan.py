"""The one-pass part scan gives exactly what the direct definitions give, or says it cannot."""

from __future__ import annotations

from lxml import etree

from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.xmlsafe import parse_xml
from tests.support.docx_factory import NSDECL
from tests.support.reader_checks import check_scan


def _part(body: str) -> etree._Element:
    return parse_xml(f"<w:document {NSDECL}><w:body>{body}</w:body></w:document>".encode(), "t")


def test_plain_runs_are_read_in_one_pass_with_their_properties() -> None:
    root = _part(
        '<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:numPr><w:ilvl w:val="0"/>'
        '<w:numId w:val="3"/></w:numPr><w:outlineLvl w:val="2"/>'
        '<w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
        "<w:r><w:rPr><w:b/></w:rPr><w:t>Start</w:t><w:tab/><w:t>end</w:t><w:br/></w:r>"
        '<w:r><w:sym w:char="F0B7"/><w:noBreakHyphen/><w:softHyphen/><w:cr/></w:r></w:p>'
        "<w:p/><w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    scan = check_scan(root)
    assert scan.texts == ["Start\tend\n\u00b7\u2011\n", "", "cell"]
    assert [element.tag for element in scan.properties[0]] == [
        n.w("pStyle"),
        n.w("numPr"),
        n.w("outlineLvl"),
    ]
    assert scan.unsure_properties == set()


def test_text_outside_the_plain_shape_is_left_to_paragraph_text() -> None:
    root = _part(
        "<w:p><w:r><w:t>a</w:t></w:r><w:hyperlink><w:r><w:t>link</w:t></w:r></w:hyperlink></w:p>"
        "<w:p><w:r><w:t>b</w:t></w:r><w:t>bare</w:t></w:p>"
        '<w:p><w:ins w:id="1"><w:r><w:t>inserted</w:t></w:r></w:ins></w:p>'
        "<w:p><mc:AlternateContent><mc:Choice><w:r><w:t>one</w:t></w:r></mc:Choice>"
        "<mc:Fallback><w:r><w:t>two</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>"
        "<w:p><w:r><w:t>kept</w:t><w:t><w:t>inner</w:t></w:t></w:r></w:p>"
        "<w:p><w:r><w:t>plain</w:t></w:r></w:p>"
    )
    scan = check_scan(root)
    assert scan.texts[:5] == [None] * 5
    assert scan.texts[5] == "plain"


def test_skipped_content_does_not_make_a_paragraph_unsure() -> None:
    root = _part(
        '<w:p><w:pPr><w:rPr><w:t>not text</w:t></w:rPr></w:pPr><w:del w:id="1"><w:r>'
        "<w:t>deleted</w:t></w:r></w:del><w:r><w:rPr><w:t>not text</w:t></w:rPr>"
        "<w:t>shown</w:t></w:r></w:p>"
    )
    scan = check_scan(root)
    assert scan.texts == ["shown"]


def test_text_box_paragraphs_are_their_own_and_text_after_them_is_checked() -> None:
    box = (
        "<w:drawing><wp:inline><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>"
        "<w:p><w:r><w:t>box</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:inline></w:drawing>"
    )
    root = _part(
        f"<w:p><w:r><w:t>before</w:t>{box}</w:r></w:p>"  # nothing after the box: covered
        f"<w:p><w:r><w:t>x</w:t>{box}<w:t>after</w:t></w:r></w:p>"  # the outer one is not
        f"<w:p><w:r>{box}</w:r><w:r><w:t>next run</w:t></w:r></w:p>"
    )
    scan = check_scan(root)
    assert scan.texts == ["before", "box", None, "box", None, "box"]


def test_properties_come_only_from_the_paragraphs_own_first_child() -> None:
    root = _part(
        '<w:p><w:pPr><w:pStyle w:val="A"/><w:pPrChange w:id="1"><w:pPr><w:pStyle w:val="Old"/>'
        "</w:pPr></w:pPrChange></w:pPr><w:r><w:t>changed</w:t></w:r></w:p>"
        '<w:p><w:r><w:t>late</w:t></w:r><w:pPr><w:pStyle w:val="B"/></w:pPr></w:p>'
        '<w:p><w:pPr><w:rPr><w:p><w:r><w:t>odd</w:t></w:r></w:p></w:rPr><w:pStyle w:val="C"/>'
        "</w:pPr><w:r><w:t>nested</w:t></w:r></w:p>"
    )
    scan = check_scan(root)
    assert [p.get(n.W_VAL) for p in scan.properties[0]] == ["A"]
    assert 1 not in scan.properties
    assert scan.unsure_properties == {2}  # its w:pStyle came after a paragraph inside it


def test_nested_paragraph_directly_in_a_paragraph() -> None:
    root = _part("<w:p><w:r><w:t>outer</w:t></w:r><w:p><w:r><w:t>inner</w:t></w:r></w:p></w:p>")
    scan = check_scan(root)
    assert scan.texts == ["outer", "inner"]


def test_runs_outside_any_paragraph_are_not_text() -> None:
    root = parse_xml(
        f"<w:r {NSDECL}><w:t>loose</w:t><w:p><w:r><w:t>in</w:t></w:r></w:p></w:r>".encode(), "t"
    )
    scan = check_scan(root)
    assert scan.texts == ["in"]


def test_note_references_are_collected_in_document_order() -> None:
    root = _part(
        '<w:p><w:r><w:t>a</w:t><w:footnoteReference w:id="2"/></w:r>'
        '<w:hyperlink><w:r><w:endnoteReference w:id="1"/></w:r></w:hyperlink></w:p>'
        '<w:p><w:r><w:footnoteReference w:id="3"/><w:t>b</w:t></w:r></w:p>'
    )
    scan = check_scan(root)
    assert [(r.tag.rsplit("}")[1], r.get(n.W_ID)) for r in scan.note_references] == [
        ("footnoteReference", "2"),
        ("endnoteReference", "1"),
        ("footnoteReference", "3"),
    ]
    assert scan.texts == ["a", "b"]  # a reference is not text, wherever it stands


def test_part_facts_are_counted_on_the_way() -> None:
    root = _part(
        '<w:p><w:ins w:id="1"><w:r><w:t>new</w:t></w:r></w:ins></w:p><w:altChunk/>'
        '<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>kept</w:t></w:r>'
        '<w:del w:id="2"><w:r><w:delText>old</w:delText></w:r></w:del></w:p>'
        '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>'
    )
    scan = check_scan(root)
    assert scan.markup == {
        n.W_INS: 1,
        n.w("altChunk"): 1,
        n.w("commentRangeStart"): 1,
        n.W_DEL: 1,
        n.w("gridSpan"): 1,
    }
    assert scan.texts == [None, "kept", ""]  # counting makes no paragraph unsure
