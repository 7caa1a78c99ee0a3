"""Generated packages that Word and LibreOffice open but a strict OPC reader refuses.

Each ``make_xxx(path) -> Path`` writes one .docx built from python-docx's default package with
a heading, a paragraph (``BODY_TEXT``) and a header, then damages or translates it the way
real files are: Strict Open XML (every namespace and relationship type in its Strict form, as
Word's "Strict Open XML Document" writes them), a relationship target in the wrong letter case,
missing docProps/thumbnail/custom XML/font parts, a ``#bookmark`` hyperlink without
``TargetMode``, a missing image, and zip members with path-traversal names.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import docx

from aiprism_desktop.core.ooxml.strict import NAMESPACES

BODY_TEXT = "The valve was inspected on the night shift and the record was signed."
HEADER_TEXT = "Case 2024-17 DRAFT"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _png() -> bytes:
    """A 1x1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


Maker = Callable[[Path], Path]


def _base_parts(with_image: bool = False) -> dict[str, bytes]:
    document = docx.Document()
    document.add_heading("Inspection", 1)
    paragraph = document.add_paragraph(BODY_TEXT)
    if with_image:
        image = io.BytesIO(_png())
        paragraph.add_run().add_picture(image)
    document.sections[0].header.paragraphs[0].text = HEADER_TEXT
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name), data)
    return path


def _add_relationship(
    rels: bytes, rel_id: str, rel_type: str, target: str, extra: str = ""
) -> bytes:
    element = f'<Relationship Id="{rel_id}" Type="{rel_type}" Target="{target}"{extra}/>'
    return rels.replace(b"</Relationships>", element.encode() + b"</Relationships>")


def make_strict(path: Path) -> Path:
    """Every XML part in Strict namespaces, Strict relationship types, ``w:conformance``."""
    parts = _base_parts()
    to_strict = {transitional: strict for strict, transitional in NAMESPACES.items()}
    pattern = re.compile("|".join(re.escape(uri) for uri in to_strict))
    out: dict[str, bytes] = {}
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")):
            text = pattern.sub(lambda match: to_strict[match.group(0)], data.decode("utf-8"))
            text = text.replace(
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/",
                "http://purl.oclc.org/ooxml/officeDocument/relationships/",
            ).replace("relationships/extended-properties", "relationships/extendedProperties")
            if name == "word/document.xml":
                text = text.replace("<w:body>", "<w:body>", 1).replace(
                    "<w:document ", '<w:document w:conformance="strict" ', 1
                )
            data = text.encode("utf-8")
        out[name] = data
    return _write(path, out)


def make_case_mismatch(path: Path) -> Path:
    """The styles relationship targets ``Styles.XML``; the part is ``word/styles.xml``."""
    parts = _base_parts()
    rels = parts["word/_rels/document.xml.rels"]
    parts["word/_rels/document.xml.rels"] = rels.replace(
        b'Target="styles.xml"', b'Target="Styles.XML"'
    )
    return _write(path, parts)


def make_missing_properties(path: Path) -> Path:
    """docProps, a thumbnail, a custom XML item and an embedded font are referred to but
    missing (Word repairs all of them silently)."""
    parts = _base_parts()
    for name in ("docProps/core.xml", "docProps/app.xml"):
        parts.pop(name, None)
    root_rels = parts["_rels/.rels"]
    root_rels = _add_relationship(
        root_rels,
        "rIdThumb",
        "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
        "docProps/thumbnail.jpeg",
    )
    parts["_rels/.rels"] = root_rels
    rels = parts["word/_rels/document.xml.rels"]
    rels = _add_relationship(rels, "rIdCx", _RT + "customXml", "../customXml/item1.xml")
    parts["word/_rels/document.xml.rels"] = rels
    fonts = parts["word/fontTable.xml"].decode()
    fonts = fonts.replace(
        "</w:font>",
        '<w:embedRegular xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships" r:id="rIdF1" w:fontKey="{00000000-0000-0000-0000-000000000000}"/>'
        "</w:font>",
        1,
    )
    parts["word/fontTable.xml"] = fonts.encode()
    parts["word/_rels/fontTable.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_RELS_NS}">'
        f'<Relationship Id="rIdF1" Type="{_RT}font" Target="fonts/font1.odttf"/></Relationships>'
    ).encode()
    return _write(path, parts)


def make_fragment_hyperlink(path: Path) -> Path:
    """A hyperlink relationship whose target is ``#details`` and has no TargetMode."""
    parts = _base_parts()
    rels = _add_relationship(
        parts["word/_rels/document.xml.rels"], "rIdLink", _RT + "hyperlink", "#details"
    )
    parts["word/_rels/document.xml.rels"] = rels
    document = parts["word/document.xml"].decode()
    link = (
        '<w:p><w:hyperlink r:id="rIdLink"><w:r><w:t>See the details.</w:t></w:r></w:hyperlink>'
        "</w:p><w:sectPr"
    )
    parts["word/document.xml"] = document.replace("<w:sectPr", link, 1).encode()
    return _write(path, parts)


def make_missing_image(path: Path) -> Path:
    """The body shows a picture whose image part is missing."""
    parts = _base_parts(with_image=True)
    for name in [name for name in parts if name.startswith("word/media/")]:
        del parts[name]
    return _write(path, parts)


TRAVERSAL_NAMES = ("../../evil.txt", "/abs/evil.xml", "word/../../evil.xml", "word\\..\\x.xml")


def make_traversal_members(path: Path) -> Path:
    """Extra members whose names escape the folder they are unpacked into."""
    parts = _base_parts()
    for name in TRAVERSAL_NAMES:
        parts[name] = b"<evil/>"
    return _write(path, parts)


REPAIR_CASES: dict[str, tuple[Maker, str]] = {  # case → (maker, warning code)
    "strict": (make_strict, "STRICT_OOXML"),
    "case_mismatch": (make_case_mismatch, "PACKAGE_REPAIRED"),
    "missing_properties": (make_missing_properties, "PACKAGE_REPAIRED"),
    "fragment_hyperlink": (make_fragment_hyperlink, "PACKAGE_REPAIRED"),
    "missing_image": (make_missing_image, "PACKAGE_REPAIRED"),
    "traversal_members": (make_traversal_members, "UNSAFE_PARTS_DROPPED"),
}
