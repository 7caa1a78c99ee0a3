"""XML parsing of package parts: DTDs refused from the prolog, without scanning whole parts."""

from __future__ import annotations

import pytest

from aiprism_desktop.core.ooxml.errors import CorruptXmlError, XmlEntitiesError
from aiprism_desktop.core.ooxml.xmlsafe import parse_xml

_ENTITIES = '<!DOCTYPE a [<!ENTITY x "y">]>'


@pytest.mark.parametrize(
    "data",
    [
        f'<?xml version="1.0"?>{_ENTITIES}<a>&x;</a>'.encode(),
        f'\ufeff<?xml version="1.0"?>\n{_ENTITIES}<a/>'.encode(),  # UTF-8 BOM
        f'<?xml version="1.0"?><!-- <b> --><?pi <c>?>\n{_ENTITIES}<a>&x;</a>'.encode(),
        f'<?xml version="1.0" encoding="UTF-16"?>{_ENTITIES}<a/>'.encode("utf-16"),
        b'<!ENTITY x "y"><a/>',
    ],
    ids=["after-declaration", "utf8-bom", "after-comment-and-pi", "utf16", "bare-entity"],
)
def test_declarations_in_the_prolog_are_refused_before_parsing(data: bytes) -> None:
    with pytest.raises(XmlEntitiesError):
        parse_xml(data, "word/document.xml")


@pytest.mark.parametrize(
    "data",
    [
        f'<?xml version="1.0"?><a>{_ENTITIES}<b>&x;</b></a>'.encode(),
        f'<?xml version="1.0"?><a/>{_ENTITIES}'.encode(),
        b'<?xml version="1.0"?><!-- unterminated <!DOCTYPE a> <a/>',
    ],
    ids=["inside-root", "after-root", "in-unterminated-comment"],
)
def test_declarations_elsewhere_are_not_well_formed_and_refused(data: bytes) -> None:
    with pytest.raises(CorruptXmlError):
        parse_xml(data, "word/document.xml")


def test_declaration_text_in_character_data_is_only_text() -> None:
    root = parse_xml(f"<a><![CDATA[{_ENTITIES}]]><!-- {_ENTITIES} --></a>".encode(), "part")
    assert root.text == _ENTITIES
