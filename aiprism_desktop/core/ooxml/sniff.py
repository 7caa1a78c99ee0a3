"""Name what a file is when it is not a zip package, so the refusal says the real cause.

A password-protected .docx and a Word 97-2003 .doc are both OLE compound files (CFB); they
differ by their streams: encryption puts ``EncryptionInfo`` + ``EncryptedPackage`` in the
container, a legacy Word file has a ``WordDocument`` stream. ``olefile`` (a small, long-kept
pure-Python CFB reader) lists the streams; its parser is run on untrusted bytes, so any failure
is reported as a damaged old-format file rather than escaping as a raw exception.
"""

from __future__ import annotations

import io

import olefile

from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.ooxml.errors import (
    EncryptedDocumentError,
    LegacyDocError,
    NotZipError,
    UnsupportedDocumentError,
)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

_RESAVE = "Open it in Word and save it as Word Document (*.docx), then open the copy."


def ole_stream_names(data: bytes) -> set[str]:
    """Lower-cased names of every stream in an OLE compound file (paths joined with '/')."""
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        entries = ole.listdir(streams=True, storages=False)
    return {"/".join(entry).lower() for entry in entries}


def classify_ole(data: bytes) -> DocumentError:
    """The error for an OLE compound file: encrypted OOXML, legacy .doc, or something else."""
    try:
        streams = ole_stream_names(data)
    except Exception as exc:  # untrusted input into a third-party parser: any failure
        return UnsupportedDocumentError(
            "This is an old-format Office file (OLE) and it is damaged, so it cannot be read. "
            + _RESAVE,
            detail=f"olefile: {type(exc).__name__}: {exc}",
        )
    top_level = {name.rsplit("/", 1)[-1] for name in streams}
    if {"encryptioninfo", "encryptedpackage"} <= top_level:
        return EncryptedDocumentError(detail="OLE container with EncryptionInfo/EncryptedPackage")
    if "worddocument" in top_level:
        return LegacyDocError(detail="OLE container with a WordDocument stream")
    kind = "an older Office file"
    if "workbook" in top_level or "book" in top_level:
        kind = "an Excel workbook (.xls)"
    elif "powerpoint document" in top_level:
        kind = "a PowerPoint presentation (.ppt)"
    return UnsupportedDocumentError(
        f"This is {kind}, not a Word document, so it cannot be reviewed.",
        detail=f"OLE streams: {sorted(streams)[:10]}",
    )


def classify_non_zip(data: bytes) -> DocumentError:
    """The error for a file that does not start like a zip archive."""
    head = data[:4096]
    if head.startswith(OLE_MAGIC):
        return classify_ole(data)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{\\rtf"):
        return UnsupportedDocumentError(
            "This is an RTF file, not a Word document (.docx). " + _RESAVE, detail="RTF"
        )
    if stripped.startswith(b"%PDF"):
        return UnsupportedDocumentError(
            "This is a PDF, not a Word document. Open it in Word (which converts PDFs) and save "
            "it as Word Document (*.docx), then open the copy.",
            detail="PDF",
        )
    lowered = stripped[:4096].lower()
    if lowered.startswith(b"<?xml") and (b"wordml" in lowered or b"pkg:package" in lowered):
        return UnsupportedDocumentError(
            "This is a Word XML file (Word 2003 XML or flat XML), not a .docx package. " + _RESAVE,
            detail="flat XML",
        )
    if lowered.startswith((b"<!doctype html", b"<html")):
        return UnsupportedDocumentError(
            "This is a web page (HTML), not a Word document. " + _RESAVE, detail="HTML"
        )
    return NotZipError(detail=f"starts with {head[:8].hex()}")
