"""Parse one package part as XML without ever expanding entities or touching the network.

Word never writes a DOCTYPE, so any part that declares one in its prolog (the only place XML
allows one) is refused before parsing: that rules out billion-laughs expansion and external
entities (XXE) whatever the parser would do.
The parser is locked down as well (no entity resolution, no DTD loading, no network, libxml2's
default size and depth limits) and the parsed tree is checked again for a DTD, as defence in
depth.
"""

from __future__ import annotations

from typing import Any, cast

from lxml import etree

from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.ooxml.errors import (
    CorruptXmlError,
    DocumentTooComplexError,
    TextTooLongError,
    XmlEntitiesError,
)
from aiprism_desktop.core.ooxml.strict import TranslatingTarget

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Parts are fed to the parser in slices: one parse of a 300-page document.xml holds the GIL
# for 15-25 ms in one piece, and a window whose reader or export runs in a worker thread must
# get the GIL back sooner than that.
_FEED_BYTES = 256 * 1024
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")


def declares_dtd(data: bytes) -> bool:
    """True when the XML text declares a document type (UTF-8 or UTF-16 with a BOM).

    A DOCTYPE, the only place entities are declared, may stand only in the prolog, before the
    root element, among the XML declaration, comments and processing instructions: so only
    the prolog is searched, not the whole part (megabytes for a long document). A DOCTYPE or
    ENTITY declaration anywhere else is not well formed, and the parser refuses the part.
    """
    if data.startswith(_UTF16_BOMS):
        data = data.decode("utf-16", errors="replace").encode("utf-8")
    position = 0
    while (position := data.find(b"<", position)) >= 0:
        if data.startswith(b"<?", position):  # XML declaration, processing instruction
            end, skip = data.find(b"?>", position + 2), 2
        elif data.startswith(b"<!--", position):
            end, skip = data.find(b"-->", position + 4), 3
        else:  # the root element, or a declaration
            return data.startswith(_DECLARATIONS, position)
        if end < 0:
            return False  # unterminated: not well formed, the parser refuses it
        position = end + skip
    return False


def _new_parser(strict: bool) -> etree.XMLParser:
    # A fresh parser per call: lxml parsers keep state and are not shared across threads.
    return etree.XMLParser(
        target=cast(Any, TranslatingTarget()) if strict else None,  # a parser target by duck type
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        # Word writes neither; dropping them keeps each w:t text in one node (reader and
        # exporter both parse here, so they see the same text).
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, part_name: str, *, strict: bool = False) -> etree._Element:
    """Parse a part's bytes; refuse DTDs and report malformed XML as ``CorruptXmlError``.

    ``strict``: the package is Strict Open XML; the tree is built in transitional names
    (``strict.TranslatingTarget``).
    """
    if declares_dtd(data):
        raise XmlEntitiesError(detail=f"{part_name} declares a DOCTYPE or XML entities")
    try:
        parser = _new_parser(strict)
        view = memoryview(data)
        for start in range(0, len(data), _FEED_BYTES):
            parser.feed(bytes(view[start : start + _FEED_BYTES]))
        root: Any = parser.close()  # an element, or whatever a parser target returns
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(part_name, str(exc)) from None
    except ValueError as exc:  # e.g. unsupported encoding declaration
        raise CorruptXmlError(detail=f"{part_name}: {exc}") from None
    if root is None:
        raise CorruptXmlError(detail=f"{part_name}: no root element")
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
        raise XmlEntitiesError(detail=f"{part_name} declares a DOCTYPE")
    return cast(etree._Element, root)


def _syntax_error(part_name: str, message: str) -> DocumentError:
    """The refusal for a libxml2 error: its resource limits (nesting depth, one text node of
    more than 10 MB) say the part is too complex or too long, anything else that it is
    damaged."""
    detail = f"{part_name}: {message}"
    lowered = message.lower()
    if "text node too long" in lowered or "huge text node" in lowered:
        return TextTooLongError(detail=detail)
    if "excessive depth" in lowered or "huge" in lowered:
        return DocumentTooComplexError(detail=detail)
    return CorruptXmlError(detail=detail)
