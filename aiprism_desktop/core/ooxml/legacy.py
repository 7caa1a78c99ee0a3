"""Legacy formats (.doc, .rtf, .odt): recognised by content, checked for safety, converted.

A file is legacy by what it is, not by its name: an OLE compound file with a ``WordDocument``
stream (Word 97-2003), an RTF file, an OpenDocument text package. Before any converter sees
one, the same safety refusals as for .docx apply (size caps are checked by the caller): an
encrypted .doc (FIB ``fEncrypted``) or .odt (``encryption-data`` in its manifest), a zip
bomb, an XML part declaring a DOCTYPE. Converting is the ``Converter``'s job
(``soffice.SofficeConverter``: headless LibreOffice); without one, the refusal names both ways
forward: save as .docx, or install LibreOffice.
"""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Protocol

import olefile

from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.ooxml.container import ZIP_READ_ERRORS, Limits, check_bomb
from aiprism_desktop.core.ooxml.errors import (
    CorruptZipError,
    EncryptedDocumentError,
    LegacyDocError,
    UnsupportedDocumentError,
    XmlEntitiesError,
)
from aiprism_desktop.core.ooxml.sniff import OLE_MAGIC, ZIP_MAGICS, ole_stream_names
from aiprism_desktop.core.ooxml.xmlsafe import declares_dtd

LEGACY_FORMATS = ("doc", "rtf", "odt")
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_FIB_ENCRYPTED = 0x0100  # FibBase.fEncrypted (MS-DOC 2.5.2)
_WORD_IDENTS = (0xA5EC, 0xA5DC)  # Word 97 and later; Word 6/95
_INSTALL = (
    " Or install LibreOffice (free, libreoffice.org): AI-Prism then converts the file itself "
    "and reviews the converted copy."
)


class Converter(Protocol):
    """Turns a legacy file's bytes into .docx bytes; raises a ``DocumentError`` when it cannot."""

    def convert(self, data: bytes, source_format: str) -> bytes: ...


def legacy_format(data: bytes) -> str | None:
    """ "doc", "rtf" or "odt" when the bytes are that legacy format, else None (never raises)."""
    if data.startswith(OLE_MAGIC):
        try:
            streams = ole_stream_names(data)
        except Exception:  # a damaged OLE file: sniff.classify_ole names it
            return None
        top_level = {name.rsplit("/", 1)[-1] for name in streams}
        if "worddocument" in top_level and "encryptedpackage" not in top_level:
            return "doc"
        return None
    if data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    # OpenDocument puts its "mimetype" member first, stored, without extra field (ODF 1.2
    # part 3, §3.3), so the media type is at a fixed place: no need to open the zip.
    if data.startswith(ZIP_MAGICS) and data[30:38] == b"mimetype":
        name_length, extra_length = struct.unpack_from("<HH", data, 26)
        start = 30 + name_length + extra_length
        if data[start : start + len(_ODT_MIMETYPE)] == _ODT_MIMETYPE:
            return "odt"
    return None


def check_legacy_safety(data: bytes, source_format: str, limits: Limits) -> None:
    """Refuse what no converter may run on: encrypted files, zip bombs, XML entities."""
    if source_format == "doc":
        _check_doc(data)
    elif source_format == "odt":
        _check_odt(data, limits)


def _check_doc(data: bytes) -> None:
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole, ole.openstream("WordDocument") as stream:
            header = stream.read(12)
    except Exception as exc:  # untrusted input into a third-party parser
        raise UnsupportedDocumentError(
            "This old Word document (.doc) is damaged and cannot be read.",
            detail=f"olefile: {type(exc).__name__}: {exc}",
        ) from None
    if len(header) < 12:
        raise UnsupportedDocumentError(
            "This old Word document (.doc) is damaged and cannot be read.",
            detail="WordDocument stream shorter than its header",
        )
    ident, flags = struct.unpack_from("<H", header, 0)[0], struct.unpack_from("<H", header, 10)[0]
    if ident in _WORD_IDENTS and flags & _FIB_ENCRYPTED:
        raise EncryptedDocumentError(detail="Word 97-2003 document with fEncrypted set")


def _check_odt(data: bytes, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            check_bomb(infos, limits)
            for info in infos:
                if not info.filename.endswith(".xml"):
                    continue
                with archive.open(info) as member:
                    content = member.read(info.file_size + 1)
                if declares_dtd(content):
                    raise XmlEntitiesError(detail=f"{info.filename} declares a DOCTYPE")
                if info.filename == "META-INF/manifest.xml" and b"encryption-data" in content:
                    raise EncryptedDocumentError(detail="OpenDocument manifest with encryption")
    except DocumentError:
        raise
    except ZIP_READ_ERRORS as exc:
        raise CorruptZipError(detail=f"OpenDocument package: {type(exc).__name__}: {exc}") from None


def legacy_refusal(source_format: str) -> DocumentError:
    """The refusal when no converter is available: save as .docx, or install LibreOffice."""
    if source_format == "doc":
        return LegacyDocError(LegacyDocError.default_message + _INSTALL, detail="no converter")
    what = "an RTF file" if source_format == "rtf" else "an OpenDocument text file (.odt)"
    return UnsupportedDocumentError(
        f"This is {what}, not a Word document (.docx). Open it in Word or LibreOffice and save "
        "it as Word Document (*.docx), then open the copy." + _INSTALL,
        detail=f"{source_format}: no converter",
    )
