"""The shared paragraph-text definition (accept-all view) that reader and exporter both use."""

from __future__ import annotations

from lxml import etree

from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.text import (
    iter_text_nodes,
    paragraph_segments,
    paragraph_text,
    selected_alternative,
)
from aiprism_desktop.core.ooxml.xmlsafe import parse_xml
from tests.support.docx_factory import NSDECL

_MIXED = f"""<w:p {NSDECL}><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs>
<w:rPr><w:del w:id="1" w:author="a"/></w:rPr></w:pPr>
<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Start </w:t></w:r>
<w:hyperlink><w:r><w:t>link</w:t></w:r></w:hyperlink>
<w:ins w:id="2" w:author="a"><w:r><w:t xml:space="preserve"> inserted</w:t></w:r></w:ins>
<w:del w:id="3" w:author="a"><w:r><w:delText> deleted</w:delText></w:r></w:del>
<w:moveFrom w:id="4" w:author="a"><w:r><w:t> moved-away</w:t></w:r></w:moveFrom>
<w:moveTo w:id="5" w:author="a"><w:r><w:t xml:space="preserve"> moved-here</w:t></w:r></w:moveTo>
<w:fldSimple w:instr="PAGE"><w:r><w:t xml:space="preserve"> 12</w:t></w:r></w:fldSimple>
<w:smartTag w:element="place"><w:r><w:t xml:space="preserve"> Paris</w:t></w:r></w:smartTag>
<w:sdt><w:sdtContent><w:r><w:t xml:space="preserve"> [control]</w:t></w:r></w:sdtContent></w:sdt>
<w:r><w:instrText> HYPERLINK "x" </w:instrText></w:r>
<w:r><w:drawing><wp:inline><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>
<w:p><w:r><w:t>box text</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData>
</a:graphic></wp:inline></w:drawing></w:r>
<mc:AlternateContent><mc:Choice Requires="w14"><w:r><w:t xml:space="preserve"> chosen</w:t></w:r>
</mc:Choice><mc:Fallback><w:r><w:t> fallback</w:t></w:r></mc:Fallback></mc:AlternateContent>
<w:r><w:tab/><w:t>end</w:t><w:br/></w:r></w:p>"""


def _paragraph() -> etree._Element:
    return parse_xml(_MIXED.encode(), "test")


def test_accept_all_view_of_a_mixed_paragraph() -> None:
    assert paragraph_text(_paragraph()) == (
        "Start link inserted moved-here 12 Paris [control] chosen\tend\n"
    )


def test_segments_cover_the_text_exactly_with_their_runs() -> None:
    paragraph = _paragraph()
    segments = paragraph_segments(paragraph)
    text = paragraph_text(paragraph)
    assert "".join(s.text for s in segments) == text
    for segment in segments:
        assert text[segment.start : segment.end] == segment.text
        assert segment.run is not None
        assert segment.run.tag == n.W_R
    assert [node.tag for node in iter_text_nodes(paragraph)][-3:] == [n.W_TAB, n.W_T, n.W_BR]


def test_nested_text_box_paragraph_is_its_own_text() -> None:
    nested = next(_paragraph().iterdescendants(n.W_P))
    assert paragraph_text(nested) == "box text"


def test_selected_alternative_prefers_the_first_choice() -> None:
    alternate = parse_xml(
        f"<mc:AlternateContent {NSDECL}><mc:Fallback/><mc:Choice Requires='a'/>"
        "<mc:Choice Requires='b'/></mc:AlternateContent>".encode(),
        "test",
    )
    chosen = selected_alternative(alternate)
    assert chosen is not None
    assert chosen.get("Requires") == "a"
    only_fallback = parse_xml(
        f"<mc:AlternateContent {NSDECL}><mc:Fallback/></mc:AlternateContent>".encode(), "test"
    )
    fallback = selected_alternative(only_fallback)
    assert fallback is not None
    assert fallback.tag == n.MC_FALLBACK


def test_xml_comments_inside_text_do_not_cut_it() -> None:
    paragraph = parse_xml(
        f"<w:p {NSDECL}><w:r><w:t>half<!-- a comment -->way</w:t></w:r></w:p>".encode(), "t"
    )
    assert paragraph_text(paragraph) == "halfway"
