"""Open a .docx/.docm/.dotx/.dotm package safely, before any part is inflated or parsed.

Order of checks (each refusal is a specific ``DocumentError``):

1. the file: exists, readable, not empty, not over ``Limits.max_file_bytes``;
2. the container: a zip (else: OLE encrypted / PDF / not a zip; legacy .doc, .rtf and .odt
   are checked for safety and converted, ``legacy``),
   complete (else truncated) and intact (else corrupt);
3. zip-bomb caps from the central directory only (``ZipInfo.file_size``/``compress_size``),
   before anything is inflated: member count, total uncompressed size, per-member ratio;
   reads are then bounded by the declared size, so a lying header cannot inflate further;
4. the OPC layer: members whose names are not OPC part names are left out
   (``part_names``: never read, never written); ``[Content_Types].xml``, the main part found
   through ``_rels/.rels`` (officeDocument relationship, Transitional or Strict: a Strict
   package is read in transitional names, ``strict``), its content type must be a
   WordprocessingML main part, and every relationship reachable from the package root is read
   as Word reads it (``relationships``: repaired where no text is lost, refused otherwise);
5. once reading is done, ``verify_unread_parts`` checks the CRC of every member not read: a
   damaged part (without text, since every part with text was read) is dropped like a
   missing one rather than breaking the export later.

Every XML part is parsed by ``xmlsafe.parse_xml`` (no DTDs, no entities, no network).
"""

from __future__ import annotations

import hashlib
import posixpath
import zipfile
from collections import deque
from pathlib import Path
from typing import Literal

from lxml import etree

from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.container import (
    DEFAULT_LIMITS,
    MAX_FILE_BYTES,
    MAX_MEMBER_RATIO,
    MAX_MEMBERS,
    MAX_TOTAL_UNCOMPRESSED_BYTES,
    RATIO_CHECK_MIN_BYTES,
    ZIP_READ_ERRORS,
    Limits,
    check_bomb,
    check_data,
    open_zip,
    read_file,
)
from aiprism_desktop.core.ooxml.errors import (
    CorruptZipError,
    MissingPartError,
    NoMainPartError,
    UnsupportedDocumentError,
    ZipBombError,
)
from aiprism_desktop.core.ooxml.legacy import (
    Converter,
    check_legacy_safety,
    legacy_format,
    legacy_refusal,
)
from aiprism_desktop.core.ooxml.main_part import WORD_MAIN_CONTENT_TYPES, word_format
from aiprism_desktop.core.ooxml.part_names import split_members
from aiprism_desktop.core.ooxml.relationships import (
    Relationship,
    RepairLog,
    read_relationship,
    rels_part_name,
)
from aiprism_desktop.core.ooxml.soffice import default_converter
from aiprism_desktop.core.ooxml.xmlsafe import parse_xml

_CONTENT_TYPES_PART = "[Content_Types].xml"
_CHUNK = 1024 * 1024

__all__ = [  # the caps are re-exported: callers configure opening here
    "DEFAULT_LIMITS",
    "MAX_FILE_BYTES",
    "MAX_MEMBERS",
    "MAX_MEMBER_RATIO",
    "MAX_TOTAL_UNCOMPRESSED_BYTES",
    "RATIO_CHECK_MIN_BYTES",
    "WORD_MAIN_CONTENT_TYPES",
    "Limits",
    "Package",
    "Relationship",
    "open_package",
]


class Package:
    """An opened, size-checked OPC package; parts are read and parsed on demand.

    Relationships are read as Word reads them (``relationships.read_relationship``):
    case-insensitive part names resolved to the stored name, a hyperlink taken as external, a
    relationship to a missing part that holds no text dropped. What was repaired or translated is in
    ``repairs`` / ``strict`` / ``dropped_members``, and ``repair.repaired_package`` writes the
    package the way it was read.
    """

    def __init__(
        self, path: Path, data: bytes, archive: zipfile.ZipFile, sha256: str | None = None
    ) -> None:
        self.path = path
        self.data = data
        self.sha256 = sha256 or hashlib.sha256(data).hexdigest()
        self._zip = archive
        self._infos: dict[str, zipfile.ZipInfo] = {}
        members = split_members(archive.infolist())
        self.dropped_members = members.dropped
        for info in members.parts:
            key = info.filename.lower()
            if key in self._infos:
                raise CorruptZipError(detail=f"duplicate zip member {info.filename!r}")
            self._infos[key] = info
        self._rels_cache: dict[str, tuple[Relationship, ...]] = {}
        self._read: set[str] = set()  # members read (and so CRC-checked) so far
        self._defaults: dict[str, str] = {}
        self._overrides: dict[str, str] = {}
        self.main_part = ""
        self.main_content_type = ""
        self.source_format = "docx"
        self.strict = False  # Strict Open XML, read in transitional names
        self.converted_from: str | None = None  # "doc" | "rtf" | "odt" when converted
        self.repairs = RepairLog()

    # -- parts ---------------------------------------------------------------------------

    def has_part(self, name: str) -> bool:
        return name.lstrip("/").lower() in self._infos

    def part_names(self) -> list[str]:
        return [info.filename for info in self._infos.values()]

    def part_infos(self) -> list[zipfile.ZipInfo]:
        return list(self._infos.values())

    def read_part(self, name: str) -> bytes:
        """The part's bytes, never more than its declared size."""
        key = name.lstrip("/").lower()
        info = self._infos.get(key)
        if info is None:
            raise MissingPartError(detail=f"part {name} is missing")
        self._read.add(key)
        try:
            with self._zip.open(info) as member:
                data = member.read(info.file_size + 1)
        except zipfile.BadZipFile as exc:
            raise CorruptZipError(detail=f"{name}: {exc}") from None
        except ZIP_READ_ERRORS as exc:
            raise CorruptZipError(detail=f"{name}: {type(exc).__name__}: {exc}") from None
        if len(data) > info.file_size:
            raise ZipBombError(detail=f"{name} inflates past its declared size")
        return data

    def verify_unread_parts(self) -> None:
        """Check the CRC of every member not read yet (reading checks it). Every part with
        text has been read by then, so a damaged one holds none (a theme, an image): it is
        dropped like a missing part (``RepairLog.damaged``) and left out of the reviewed copy,
        as Word and LibreOffice do. One that inflates past its declared size is refused."""
        for key, info in list(self._infos.items()):
            if key in self._read:
                continue
            try:
                with self._zip.open(info) as member:
                    left = info.file_size + 1
                    while left > 0 and (chunk := member.read(min(left, _CHUNK))):
                        left -= len(chunk)
            except ZIP_READ_ERRORS:
                self._drop_damaged(key, info.filename)
                continue
            if left <= 0:
                raise ZipBombError(detail=f"{info.filename} inflates past its declared size")
            self._read.add(key)

    def _drop_damaged(self, key: str, name: str) -> None:
        del self._infos[key]
        self.repairs.damaged.append(name)
        for source, rels in self._rels_cache.items():
            kept = tuple(rel for rel in rels if rel.external or rel.target != name)
            for rel in rels:
                if rel not in kept:
                    self.repairs.dropped.setdefault(source, {})[rel.id] = name
            self._rels_cache[source] = kept

    def parse_part(self, name: str) -> etree._Element:
        """The part's XML tree (in transitional names when the package is Strict)."""
        return parse_xml(self.read_part(name), name, strict=self.strict)

    def content_type(self, name: str) -> str:
        key = name.lstrip("/").lower()
        if key in self._overrides:
            return self._overrides[key]
        return self._defaults.get(posixpath.splitext(key)[1].lstrip("."), "")

    # -- relationships -------------------------------------------------------------------

    def relationships(self, source_part: str) -> tuple[Relationship, ...]:
        """Relationships of a part ('' = the package itself) as Word reads them; empty when it
        has none. Raises ``MissingPartError`` when one points at a missing part with text."""
        cached = self._rels_cache.get(source_part)
        if cached is not None:
            return cached
        rels_name = rels_part_name(source_part)
        rels: list[Relationship] = []
        if self.has_part(rels_name):
            root = parse_xml(self.read_part(rels_name), rels_name)
            for element in root.iter(f"{{{n.REL_NS}}}Relationship"):
                rel = read_relationship(self, source_part, element, self.repairs)
                if rel is not None:
                    rels.append(rel)
        result = tuple(rels)
        self._rels_cache[source_part] = result
        return result

    def relationship_sources(self) -> list[str]:
        """Every part whose relationships were read (all reachable ones, after opening)."""
        return list(self._rels_cache)

    def related_parts(self, source_part: str, rel_type: str) -> list[str]:
        return [
            rel.target
            for rel in self.relationships(source_part)
            if rel.type == rel_type and not rel.external
        ]

    def related_part(self, source_part: str, rel_type: str) -> str | None:
        """The first internal target of this type (every internal target exists), or None."""
        for target in self.related_parts(source_part, rel_type):
            return target
        return None

    def canonical_name(self, name: str) -> str:
        """The part name as stored in the zip (OPC names are case-insensitive)."""
        info = self._infos.get(name.lstrip("/").lower())
        return info.filename if info is not None else name

    # -- OPC layer -----------------------------------------------------------------------

    def _load_content_types(self) -> None:
        if not self.has_part(_CONTENT_TYPES_PART):
            if self.has_part("mimetype") and b"opendocument" in self.read_part("mimetype"):
                raise UnsupportedDocumentError(  # .odt is converted (legacy): .ods, .odp, ...
                    "This is an OpenDocument file that is not a text document, so it cannot "
                    "be reviewed.",
                    detail="OpenDocument package",
                )
            raise NoMainPartError(detail="no [Content_Types].xml: not an Office package")
        root = self.parse_part(_CONTENT_TYPES_PART)
        for element in root:  # parse_xml drops comments: every child is an element
            local = etree.QName(element).localname
            content_type = element.get("ContentType", "").lower()
            if local == "Default":
                self._defaults[element.get("Extension", "").lower()] = content_type
            elif local == "Override":
                self._overrides[element.get("PartName", "").lstrip("/").lower()] = content_type

    def _find_main_part(self) -> str:
        self.strict = self._declares_strict()
        root_rels = self.relationships("")
        for rel in root_rels:
            if rel.type == n.RT_OFFICE_DOCUMENT and not rel.external:
                return rel.target
        for part, content_type in self._overrides.items():
            if content_type in WORD_MAIN_CONTENT_TYPES:
                return part  # no usable _rels/.rels, but the content types name the body
        raise NoMainPartError(detail="no officeDocument relationship in _rels/.rels")

    def _check_main_part(self, main: str) -> None:
        if not self.has_part(main):
            raise NoMainPartError(
                "This Word file is damaged: its main document part is missing. Open it in "
                "Word, let Word repair it, save it, and open the repaired copy.",
                detail=f"officeDocument relationship points at missing part {main}",
            )
        self.source_format = word_format(main, self.content_type(main))

    def _declares_strict(self) -> bool:
        """Whether the package root's officeDocument relationship is Strict."""
        rels_name = rels_part_name("")
        if not self.has_part(rels_name):
            return False
        root = parse_xml(self.read_part(rels_name), rels_name)
        return any(
            element.get("Type", "") == n.RT_STRICT_OFFICE_DOCUMENT
            for element in root.iter(f"{{{n.REL_NS}}}Relationship")
        )

    def _check_reachable_parts(self) -> None:
        """Read every relationship reachable from the root, so a missing part with text is
        refused now (``MissingPartError``) and every repair is known before reading."""
        seen = {""}
        queue: deque[str] = deque([""])
        while queue:
            source = queue.popleft()
            for rel in self.relationships(source):
                if rel.external or rel.target in seen:
                    continue
                seen.add(rel.target)
                queue.append(rel.target)

    @property
    def needs_rewrite(self) -> bool:
        """Whether the package as read differs from its bytes (the export writes it anew)."""
        return self.strict or bool(self.dropped_members) or bool(self.repairs)

    def open_main(self) -> etree._Element:
        """Parse the main part; refuse Strict OOXML and anything that is not a Word body."""
        root = self.parse_part(self.main_part)
        if root.tag == f"{{{n.STRICT_W_NS}}}document":  # Strict namespaces, transitional rels
            self.strict = True
            root = self.parse_part(self.main_part)
        if root.tag != n.w("document"):
            raise UnsupportedDocumentError(
                "This file's main part is not a Word document body, so it cannot be reviewed.",
                detail=f"{self.main_part} root element is {root.tag}",
            )
        return root

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


ConverterChoice = Converter | None | Literal["auto"]


def open_package(
    path: Path | str,
    limits: Limits | None = None,
    converter: ConverterChoice = "auto",
    *,
    data: bytes | None = None,
) -> Package:
    """Open and validate a Word package; raises a specific ``DocumentError`` on refusal.

    A legacy file (.doc, .rtf, .odt, recognised by content) passes the safety checks and is
    converted by ``converter`` ("auto": LibreOffice when installed; None: refuse legacy files);
    the package is then the converted .docx, with the original's path and sha256.
    ``data``: the file's bytes when they did not come from disk (a server's request body);
    ``path`` then only names the document.
    """
    limits = limits or DEFAULT_LIMITS
    path = Path(path)
    data = read_file(path, limits) if data is None else check_data(data, limits, path)
    return open_package_bytes(path, data, limits, converter)


def open_package_bytes(
    path: Path, data: bytes, limits: Limits | None = None, converter: ConverterChoice = "auto"
) -> Package:
    """``open_package`` for a file already read into memory and checked (``path`` names it)."""
    limits = limits or DEFAULT_LIMITS
    source_format = legacy_format(data)
    if source_format is None:
        return open_package_data(path, data, limits)
    check_legacy_safety(data, source_format, limits)
    chosen = default_converter() if converter == "auto" else converter
    if chosen is None:
        raise legacy_refusal(source_format)
    converted = chosen.convert(data, source_format)
    sha256 = hashlib.sha256(data).hexdigest()
    package = open_package_data(path, converted, limits, sha256=sha256)
    package.converted_from = source_format
    return package


def open_package_data(
    path: Path, data: bytes, limits: Limits | None = None, *, sha256: str | None = None
) -> Package:
    """Open .docx-family bytes (no conversion); ``sha256`` is the original file's."""
    limits = limits or DEFAULT_LIMITS
    archive = open_zip(data)
    try:
        try:
            infos = archive.infolist()
        except ZIP_READ_ERRORS as exc:
            raise CorruptZipError(detail=f"{type(exc).__name__}: {exc}") from None
        check_bomb(infos, limits)
        package = Package(path, data, archive, sha256)
        package._load_content_types()
        main = package._find_main_part()
        package._check_main_part(main)
        package.main_part = package.canonical_name(main)
        package.main_content_type = package.content_type(main)
        package._check_reachable_parts()
    except BaseException:
        archive.close()
        raise
    return package
