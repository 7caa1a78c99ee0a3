"""Strict Open XML read as Transitional: namespaces and relationship types translated while
parsing.

Strict (ISO/IEC 29500-1 Strict, "Strict Open XML Document" in Word's Save As) is the
transitional vocabulary under other namespace URIs (``http://purl.oclc.org/ooxml/...``) with
relationship types under ``http://purl.oclc.org/ooxml/officeDocument/relationships/``, two of
them renamed. Content types and the package layer (OPC) are the same.

Values: Strict writes on/off properties as ``true``/``false`` (``styles.on_off`` reads both),
measures as universal measures (``108pt``) and percentages with ``%`` (``100%``). Both forms
are valid ISO/IEC 29500 Transitional, which Word, LibreOffice and python-docx read, and the
reader itself reads no measure, so values are kept, except attribute values that are a Strict
namespace URI (a custom XML item's schema reference), translated like the namespace; and the
root's ``w:conformance="strict"`` is dropped: a transitional document must not claim Strict.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree

from aiprism_desktop.core.ooxml import names as n

_S = "http://purl.oclc.org/ooxml/"
_T = "http://schemas.openxmlformats.org/"
# Strict namespace → Transitional namespace (ISO/IEC 29500-1 Annex A and -4).
NAMESPACES: Mapping[str, str] = {
    _S + "wordprocessingml/main": _T + "wordprocessingml/2006/main",
    _S + "officeDocument/relationships": _T + "officeDocument/2006/relationships",
    _S + "officeDocument/math": _T + "officeDocument/2006/math",
    _S + "officeDocument/bibliography": _T + "officeDocument/2006/bibliography",
    _S + "officeDocument/characteristics": _T + "officeDocument/2006/characteristics",
    _S + "officeDocument/customProperties": _T + "officeDocument/2006/custom-properties",
    _S + "officeDocument/customXml": _T + "officeDocument/2006/customXml",
    _S + "officeDocument/docPropsVTypes": _T + "officeDocument/2006/docPropsVTypes",
    _S + "officeDocument/extendedProperties": _T + "officeDocument/2006/extended-properties",
    _S + "officeDocument/sharedTypes": _T + "officeDocument/2006/sharedTypes",
    _S + "drawingml/main": _T + "drawingml/2006/main",
    _S + "drawingml/chart": _T + "drawingml/2006/chart",
    _S + "drawingml/chartDrawing": _T + "drawingml/2006/chartDrawing",
    _S + "drawingml/diagram": _T + "drawingml/2006/diagram",
    _S + "drawingml/lockedCanvas": _T + "drawingml/2006/lockedCanvas",
    _S + "drawingml/picture": _T + "drawingml/2006/picture",
    _S + "drawingml/spreadsheetDrawing": _T + "drawingml/2006/spreadsheetDrawing",
    _S + "drawingml/wordprocessingDrawing": _T + "drawingml/2006/wordprocessingDrawing",
    _S + "schemaLibrary/main": _T + "schemaLibrary/2006/main",
    _S + "spreadsheetml/main": _T + "spreadsheetml/2006/main",
    _S + "presentationml/main": _T + "presentationml/2006/main",
}
_STRICT_RELATIONSHIPS = _S + "officeDocument/relationships/"
_TRANSITIONAL_RELATIONSHIPS = _T + "officeDocument/2006/relationships/"
_RENAMED_RELATIONSHIPS = {
    "extendedProperties": "extended-properties",
    "customProperties": "custom-properties",
}
_CONFORMANCE = n.w("conformance")


def is_strict_relationship(rel_type: str) -> bool:
    return rel_type.startswith(_STRICT_RELATIONSHIPS)


def relationship_type(rel_type: str) -> str:
    """The transitional form of a relationship type (unchanged when it is not Strict)."""
    if not rel_type.startswith(_STRICT_RELATIONSHIPS):
        return rel_type
    name = rel_type[len(_STRICT_RELATIONSHIPS) :]
    return _TRANSITIONAL_RELATIONSHIPS + _RENAMED_RELATIONSHIPS.get(name, name)


def _name(clark: str) -> str:
    if clark[:1] != "{":
        return clark
    namespace, _, local = clark[1:].partition("}")
    mapped = NAMESPACES.get(namespace)
    return f"{{{mapped}}}{local}" if mapped is not None else clark


class TranslatingTarget:
    """An lxml parser target building the transitional tree of a Strict part.

    Element and attribute names and namespace declarations are translated as the parser
    reports them, so the tree is what a transitional part with the same content parses to
    (prefixes kept). Comments and processing instructions are dropped, as ``xmlsafe`` does.
    """

    def __init__(self) -> None:
        self._builder = etree.TreeBuilder()
        self._root_seen = False

    def start(
        self, tag: str, attrib: Mapping[str, str], nsmap: Mapping[str | None, str] | None = None
    ) -> etree._Element:
        # A value that is a Strict namespace URI names that namespace (e.g. a custom XML
        # item's ds:schemaRef): translated too.
        attributes = {_name(key): NAMESPACES.get(value, value) for key, value in attrib.items()}
        if not self._root_seen:
            self._root_seen = True
            attributes.pop(_CONFORMANCE, None)
        # lxml reports the default namespace under the prefix "" but builds with None.
        namespaces = {
            prefix or None: NAMESPACES.get(uri, uri) for prefix, uri in (nsmap or {}).items()
        }
        builder: Any = self._builder  # lxml-stubs lack TreeBuilder.start's nsmap argument
        element: etree._Element = builder.start(_name(tag), attributes, namespaces)
        return element

    def end(self, tag: str) -> etree._Element:
        builder: Any = self._builder  # the stubs say end() returns None; it returns the element
        element: etree._Element = builder.end(_name(tag))
        return element

    def data(self, text: str) -> None:
        self._builder.data(text)

    def comment(self, text: str) -> None:
        return None

    def pi(self, target: str, data: str | None = None) -> None:
        return None

    def close(self) -> etree._Element:
        return self._builder.close()
