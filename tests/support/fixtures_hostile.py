"""Generators of hostile and extreme input files: ``make_xxx(path) -> Path``.

Shared by the reader's safety tests, the exporter's tests and the corpus export test. Each
function writes one file at ``path`` (the suffix is the caller's choice) and returns it.
``HOSTILE_CASES`` maps each refusal case to its generator and the error class the reader must
raise; ``STRESS_CASES`` lists the large-but-legitimate ones that must be read quickly.

The OLE files are written by ``write_cfb``, a minimal compound-file (CFB v3) writer: one FAT
sector, one directory sector, every stream at least 4096 bytes so none needs the mini stream.
That is all olefile (and Word) need to see the directory and its stream names.
"""

from __future__ import annotations

import os
import random
import struct
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.ooxml import errors as e
from aiprism_desktop.core.ooxml.package import MAX_FILE_BYTES
from tests.support.docx_factory import (
    NSDECL,
    long_document_xml,
    paragraph_xml,
    table_xml,
    write_body_xml,
    write_package,
)

_SECTOR = 512
_FREE, _END_OF_CHAIN, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MIN_STREAM = 4096  # the mini-stream cutoff: bigger streams live in normal sectors

_DOCUMENT_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f"<w:document {NSDECL}><w:body>{{body}}<w:sectPr/></w:body></w:document>"
)


# -- OLE compound files -------------------------------------------------------------------


def _dir_entry(name: str, kind: int, start: int, size: int, child: int, right: int) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)  # name length, type, colour (black)
        + struct.pack("<III", _NO_STREAM, right, child)  # left, right sibling, child
        + b"\x00" * 16  # CLSID
        + struct.pack("<I", 0)  # state bits
        + b"\x00" * 16  # creation and modification times
        + struct.pack("<IQ", start, size)
    )


def write_cfb(path: Path, streams: dict[str, bytes]) -> Path:
    """A compound file with these top-level streams (at most 3, each padded to 4096 bytes)."""
    if len(streams) > 3:
        raise ValueError("one directory sector holds the root and three streams")
    fat = [_FAT_SECTOR, _END_OF_CHAIN]  # sector 0: FAT, sector 1: directory
    data = b""
    entries: list[tuple[str, int, int]] = []
    for name, content in streams.items():
        content = content.ljust(_MIN_STREAM, b"\x00")
        sectors = -(-len(content) // _SECTOR)
        start = len(fat)
        fat.extend(range(start + 1, start + sectors))
        fat.append(_END_OF_CHAIN)
        data += content.ljust(sectors * _SECTOR, b"\x00")
        entries.append((name, start, len(content)))
    if len(fat) > _SECTOR // 4:
        raise ValueError("streams too large for one FAT sector")
    directory = _dir_entry(
        "Root Entry", 5, _END_OF_CHAIN, 0, 1 if entries else _NO_STREAM, _NO_STREAM
    )
    for index, (name, start, size) in enumerate(entries, start=1):
        right = index + 1 if index < len(entries) else _NO_STREAM
        directory += _dir_entry(name, 2, start, size, _NO_STREAM, right)
    directory = directory.ljust(_SECTOR, b"\x00")
    # Unused directory slots must say "no stream" in their sibling/child fields.
    unused = b"\x00" * 68 + struct.pack("<III", _NO_STREAM, _NO_STREAM, _NO_STREAM) + b"\x00" * 48
    slots = len(entries) + 1
    directory = directory[: slots * 128] + unused * (4 - slots)
    header = (
        _OLE_MAGIC
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, _MIN_STREAM, _END_OF_CHAIN, 0, _END_OF_CHAIN, 0)
        + struct.pack("<I", 0)  # DIFAT[0]: the FAT is sector 0
        + struct.pack("<I", _FREE) * 108
    )
    fat_sector = struct.pack(f"<{len(fat)}I", *fat) + struct.pack("<I", _FREE) * (128 - len(fat))
    path.write_bytes(header + fat_sector + directory + data)
    return path


def make_encrypted_docx(path: Path) -> Path:
    """What Word writes for a password-protected .docx: an OLE file, not a zip."""
    return write_cfb(
        path,
        {
            "EncryptionInfo": struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>",
            "EncryptedPackage": struct.pack("<Q", 12345) + os.urandom(64),
        },
    )


def make_legacy_doc(path: Path) -> Path:
    """A Word 97-2003 binary document (OLE with a WordDocument stream)."""
    return write_cfb(path, {"WordDocument": b"\xec\xa5" + b"\x00" * 30, "1Table": b"\x00" * 16})


def make_doc_renamed_docx(path: Path) -> Path:
    """A legacy .doc under a .docx name (written at ``path`` with its suffix set to .docx)."""
    return make_legacy_doc(path.with_suffix(".docx"))


def make_excel_ole(path: Path) -> Path:
    """An OLE file that is an .xls workbook, not a Word document."""
    return write_cfb(path, {"Workbook": b"\x09\x08" + b"\x00" * 30})


# -- not a zip / broken zips ----------------------------------------------------------------


def make_empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def make_random_bytes(path: Path, size: int = 64 * 1024, seed: int = 7) -> Path:
    data = random.Random(seed).randbytes(size)
    path.write_bytes(b"\x00" + data[1:])  # never starts like a zip or OLE file by chance
    return path


def make_rtf_renamed(path: Path) -> Path:
    path.write_bytes(b"{\\rtf1\\ansi Hello}")
    return path


def make_truncated_zip(path: Path) -> Path:
    """A real .docx cut in half, as after an interrupted download."""
    full = write_body_xml(path, paragraph_xml("Complete text"))
    data = full.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def make_bad_crc(path: Path, theme: str = "word/document.xml") -> Path:
    """A .docx whose main part (or the part named) has one corrupted byte (its CRC-32 no longer
    matches)."""
    write_package(
        path, {"word/document.xml": _DOCUMENT_XML.format(body=paragraph_xml("x" * 200)).encode()}
    )
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():  # the theme stored, so its bytes are the data
            stored = zipfile.ZIP_STORED if name == theme else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=stored)
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo(theme).header_offset
    data = bytearray(path.read_bytes())
    name_length, extra_length = struct.unpack("<HH", data[offset + 26 : offset + 30])
    data[offset + 30 + name_length + extra_length + 100] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


# -- zip bombs ------------------------------------------------------------------------------


def make_zip_bomb(path: Path, inflated_bytes: int = 64 * 1024 * 1024) -> Path:
    """A real deflate bomb: a part of ``inflated_bytes`` zeros (ratio about 1000:1)."""
    write_body_xml(path, paragraph_xml("Looks harmless"))
    chunk = b"\x00" * (1024 * 1024)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/blob.bin", "w") as member,
    ):
        for _ in range(inflated_bytes // len(chunk)):
            member.write(chunk)
    return path


def make_zip_bomb_declared(path: Path, declared_bytes: int = 4 * 1024**3) -> Path:
    """A package whose central directory claims a member of several GB (a lying header)."""
    write_body_xml(path, paragraph_xml("Looks harmless"))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/media/big.bin", b"x" * 1000)
    data = bytearray(path.read_bytes())
    marker = b"PK\x01\x02"
    position = data.rfind(marker)  # the last central-directory record: big.bin
    # Central directory: uncompressed size at offset 24 (32 bits; 0xFFFFFFFF needs zip64).
    data[position + 24 : position + 28] = struct.pack("<I", min(declared_bytes, 0xFFFFFFFE))
    path.write_bytes(bytes(data))
    return path


def make_many_members(path: Path, members: int = 10_050) -> Path:
    write_body_xml(path, paragraph_xml("Many parts"))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        for index in range(members):
            archive.writestr(f"extra/item{index}.xml", b"<a/>")
    return path


def make_oversized_file(path: Path, size: int = MAX_FILE_BYTES + 1) -> Path:
    """A file over the size cap: a zip header then a sparse hole (no disk space used)."""
    with path.open("wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.truncate(size)
    return path


# -- hostile XML ----------------------------------------------------------------------------


def _document_with_prolog(prolog: str, body: str) -> bytes:
    xml = _DOCUMENT_XML.format(body=body)
    head, _, rest = xml.partition("\n")
    return f"{head}\n{prolog}\n{rest}".encode()


def make_billion_laughs(path: Path) -> Path:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    prolog = f"<!DOCTYPE w:document [{entities}]>"
    body = "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>"
    return write_package(path, {"word/document.xml": _document_with_prolog(prolog, body)})


def make_external_entity(path: Path) -> Path:
    prolog = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    body = "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>"
    return write_package(path, {"word/document.xml": _document_with_prolog(prolog, body)})


def make_entities_in_styles(path: Path) -> Path:
    """The DOCTYPE hides in a secondary part (styles) instead of the body."""
    styles = (
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n'
        f"<w:styles {NSDECL}><w:style w:styleId='x'><w:name w:val='&a;'/></w:style></w:styles>"
    ).encode()
    return write_package(path, {"word/styles.xml": styles})


def make_malformed_xml(path: Path) -> Path:
    broken = _DOCUMENT_XML.format(body="<w:p><w:r><w:t>unclosed").encode()
    return write_package(path, {"word/document.xml": broken})


# -- broken packages ------------------------------------------------------------------------

_STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_STRICT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/'
    'officeDocument/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def make_strict_ooxml(path: Path) -> Path:
    """An ISO 29500 Strict package (Strict relationship type and namespaces)."""
    document = (
        f'<?xml version="1.0"?><w:document xmlns:w="{_STRICT_W}"><w:body><w:p><w:r><w:t>Strict'
        "</w:t></w:r></w:p></w:body></w:document>"
    )
    return write_package(
        path,
        {"_rels/.rels": _STRICT_RELS.encode(), "word/document.xml": document.encode()},
        drop=["word/_rels/document.xml.rels"],
    )


def make_missing_main_part(path: Path) -> Path:
    return write_package(path, {}, drop=["word/document.xml"])


def make_no_office_relationship(path: Path) -> Path:
    """No officeDocument relationship and no main-part content type: nothing names a body."""
    rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"></Relationships>'
    )
    write_package(path, {"_rels/.rels": rels.encode()})
    with zipfile.ZipFile(path) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace("document.main+xml", "unknown+xml")
    return write_package(
        path, {"_rels/.rels": rels.encode(), "[Content_Types].xml": types.encode()}
    )


def make_duplicate_member(path: Path) -> Path:
    """Two zip members with the same name: which one is the document is ambiguous."""
    write_body_xml(path, paragraph_xml("First copy"))
    with zipfile.ZipFile(path, "a") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate, as it should
        archive.writestr("word/document.xml", _DOCUMENT_XML.format(body=paragraph_xml("Second")))
    return path


def make_missing_related_part(path: Path) -> Path:
    """The body refers to a footer part (text the reviewer must see) that is not in the zip."""
    rels_name = "word/_rels/document.xml.rels"
    parts = {"word/document.xml": _DOCUMENT_XML.format(body=paragraph_xml("Has a footer")).encode()}
    write_package(path, parts)
    with zipfile.ZipFile(path) as archive:
        rels = archive.read(rels_name).decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/footer" Target="footer9.xml"/></Relationships>',
    )
    return write_package(path, {**parts, rels_name: rels.encode()})


def make_plain_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a Word document")
    return path


def make_theme_as_main_part(path: Path) -> Path:
    """The officeDocument relationship points at a part that is not a Word body."""
    content_types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Override PartName="/theme/theme1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.theme+xml"/></Types>'
    )
    rels = _STRICT_RELS.replace(
        "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    ).replace("word/document.xml", "theme/theme1.xml")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("theme/theme1.xml", "<a:theme xmlns:a='urn:x'/>")
    return path


# -- large but legitimate -------------------------------------------------------------------


def make_many_paragraphs(path: Path, paragraphs: int = 50_000) -> Path:
    body = "".join(
        paragraph_xml(f"Paragraph number {i} of a very long file.") for i in range(paragraphs)
    )
    return write_body_xml(path, body)


def make_long_table(path: Path, rows: int = 2_000) -> Path:
    table = table_xml([[f"r{r}c{c}" for c in range(4)] for r in range(rows)])
    return write_body_xml(path, paragraph_xml("Before the table") + table)


def make_long_report(path: Path) -> Path:
    """About 300 pages: 3,000 paragraphs in 40 sections with 60 tables."""
    return write_body_xml(path, long_document_xml())


HostileMaker = Callable[[Path], Path]

HOSTILE_CASES: dict[str, tuple[HostileMaker, type[DocumentError]]] = {
    "empty": (make_empty_file, e.EmptyFileError),
    "random_bytes": (make_random_bytes, e.NotZipError),
    "rtf_renamed": (make_rtf_renamed, e.UnsupportedDocumentError),
    "truncated_zip": (make_truncated_zip, e.TruncatedFileError),
    "bad_crc": (make_bad_crc, e.CorruptZipError),
    "encrypted": (make_encrypted_docx, e.EncryptedDocumentError),
    "legacy_doc": (make_legacy_doc, e.LegacyDocError),
    "doc_renamed_docx": (make_doc_renamed_docx, e.LegacyDocError),
    "excel_ole": (make_excel_ole, e.UnsupportedDocumentError),
    "zip_bomb": (make_zip_bomb, e.ZipBombError),
    "zip_bomb_declared": (make_zip_bomb_declared, e.ZipBombError),
    "many_members": (make_many_members, e.DocumentTooLargeError),
    "oversized": (make_oversized_file, e.DocumentTooLargeError),
    "billion_laughs": (make_billion_laughs, e.XmlEntitiesError),
    "external_entity": (make_external_entity, e.XmlEntitiesError),
    "entities_in_styles": (make_entities_in_styles, e.XmlEntitiesError),
    "malformed_xml": (make_malformed_xml, e.CorruptXmlError),
    "missing_main_part": (make_missing_main_part, e.NoMainPartError),
    "no_office_relationship": (make_no_office_relationship, e.NoMainPartError),
    "missing_related_part": (make_missing_related_part, e.MissingPartError),
    "duplicate_member": (make_duplicate_member, e.CorruptZipError),
    "plain_zip": (make_plain_zip, e.NoMainPartError),
    "theme_as_main_part": (make_theme_as_main_part, e.UnsupportedDocumentError),
}

STRESS_CASES: dict[str, HostileMaker] = {
    "50k_paragraphs": make_many_paragraphs,
    "2000_row_table": make_long_table,
    "300_page_report": make_long_report,
}
