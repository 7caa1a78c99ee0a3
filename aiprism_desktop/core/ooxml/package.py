"""Open a .docx/.docm/.dotx/.dotm package safely, before any part is inflated or parsed.

Order of checks (each refusal is a specific ``DocumentError``):

1. the file: exists, readable, not empty, not over ``Limits.max_file_bytes``;
2. the container: a zip (else: OLE encrypted / legacy .doc / RTF / PDF / not a zip),
   complete (else truncated) and intact (else corrupt);
3. zip-bomb caps from the central directory only (``ZipInfo.file_size``/``compress_size``),
   before anything is inflated: member count, total uncompressed size, per-member ratio;
   reads are then bounded by the declared size, so a lying header cannot inflate further;
4. the OPC layer: ``[Content_Types].xml``, the main part found through ``_rels/.rels``
   (officeDocument relationship; a Strict relationship is refused by name), its content type
   must be a WordprocessingML main part, and every internal relationship reachable from the
   package root must point at a part that exists;
5. once reading is done, ``verify_unread_parts`` checks the CRC of every member not read, so a
   damaged image or theme is refused now instead of breaking the export later.

Every XML part is parsed by ``xmlsafe.parse_xml`` (no DTDs, no entities, no network).
"""

from __future__ import annotations

import hashlib
import posixpath
import zipfile
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

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
    StrictOoxmlError,
    UnsupportedDocumentError,
    ZipBombError,
)
from aiprism_desktop.core.ooxml.xmlsafe import parse_xml

WORD_MAIN_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.ms-word.document.macroenabled.main+xml": "docm",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "dotx",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml": "dotm",
}
_OTHER_APPS = {"spreadsheetml": "an Excel workbook", "presentationml": "a PowerPoint file"}
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


@dataclass(frozen=True, slots=True)
class Relationship:
    """One relationship; ``target`` is a part name (no leading '/') unless ``external``."""

    id: str
    type: str
    target: str
    external: bool


def _rels_part_name(source_part: str) -> str:
    if not source_part:
        return "_rels/.rels"
    folder, _, base = source_part.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


def _resolve_target(source_part: str, target: str) -> str:
    target = unquote(target.split("#", 1)[0]).replace("\\", "/")
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    base = posixpath.dirname(source_part)
    return posixpath.normpath(posixpath.join(base, target)).lstrip("/")


class Package:
    """An opened, size-checked OPC package; parts are read and parsed on demand."""

    def __init__(self, path: Path, data: bytes, archive: zipfile.ZipFile) -> None:
        self.path = path
        self.sha256 = hashlib.sha256(data).hexdigest()
        self._zip = archive
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in archive.infolist():
            key = info.filename.lstrip("/").lower()
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

    # -- parts ---------------------------------------------------------------------------

    def has_part(self, name: str) -> bool:
        return name.lstrip("/").lower() in self._infos

    def part_names(self) -> list[str]:
        return [info.filename for info in self._infos.values()]

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
        """Check the CRC of every member not read yet (reading checks it), so a damaged file
        is refused now rather than failing later when it is exported."""
        for key, info in self._infos.items():
            if key in self._read or info.is_dir():
                continue
            try:
                with self._zip.open(info) as member:
                    left = info.file_size + 1
                    while left > 0 and (chunk := member.read(min(left, _CHUNK))):
                        left -= len(chunk)
            except zipfile.BadZipFile as exc:
                raise CorruptZipError(detail=f"{info.filename}: {exc}") from None
            except ZIP_READ_ERRORS as exc:
                raise CorruptZipError(
                    detail=f"{info.filename}: {type(exc).__name__}: {exc}"
                ) from None
            if left <= 0:
                raise ZipBombError(detail=f"{info.filename} inflates past its declared size")
            self._read.add(key)

    def parse_part(self, name: str) -> etree._Element:
        return parse_xml(self.read_part(name), name)

    def content_type(self, name: str) -> str:
        key = name.lstrip("/").lower()
        if key in self._overrides:
            return self._overrides[key]
        return self._defaults.get(posixpath.splitext(key)[1].lstrip("."), "")

    # -- relationships -------------------------------------------------------------------

    def relationships(self, source_part: str) -> tuple[Relationship, ...]:
        """Relationships of a part ('' = the package itself); empty when it has none."""
        cached = self._rels_cache.get(source_part)
        if cached is not None:
            return cached
        rels_name = _rels_part_name(source_part)
        rels: list[Relationship] = []
        if self.has_part(rels_name):
            root = self.parse_part(rels_name)
            for element in root.iter(f"{{{n.REL_NS}}}Relationship"):
                target = element.get("Target", "")
                external = element.get("TargetMode", "") == "External"
                rels.append(
                    Relationship(
                        id=element.get("Id", ""),
                        type=element.get("Type", ""),
                        target=target if external else _resolve_target(source_part, target),
                        external=external,
                    )
                )
        result = tuple(rels)
        self._rels_cache[source_part] = result
        return result

    def related_parts(self, source_part: str, rel_type: str) -> list[str]:
        return [
            rel.target
            for rel in self.relationships(source_part)
            if rel.type == rel_type and not rel.external
        ]

    def related_part(self, source_part: str, rel_type: str) -> str | None:
        """The first existing internal target of this type, or None."""
        for target in self.related_parts(source_part, rel_type):
            if self.has_part(target):
                return self.canonical_name(target)
        return None

    def canonical_name(self, name: str) -> str:
        """The part name as stored in the zip (OPC names are case-insensitive)."""
        info = self._infos.get(name.lstrip("/").lower())
        return info.filename.lstrip("/") if info is not None else name

    # -- OPC layer -----------------------------------------------------------------------

    def _load_content_types(self) -> None:
        if not self.has_part(_CONTENT_TYPES_PART):
            if self.has_part("mimetype") and b"opendocument" in self.read_part("mimetype"):
                raise UnsupportedDocumentError(
                    "This is an OpenDocument file (.odt), not a Word document. Open it in Word "
                    "or LibreOffice and save it as Word Document (*.docx), then open the copy.",
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
        root_rels = self.relationships("")
        for rel in root_rels:
            if rel.type == n.RT_OFFICE_DOCUMENT and not rel.external:
                return rel.target
        if any(rel.type == n.RT_STRICT_OFFICE_DOCUMENT for rel in root_rels):
            raise StrictOoxmlError(detail="officeDocument relationship uses the Strict namespace")
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
        content_type = self.content_type(main)
        if content_type in WORD_MAIN_CONTENT_TYPES:
            self.source_format = WORD_MAIN_CONTENT_TYPES[content_type]
            return
        for marker, what in _OTHER_APPS.items():
            if marker in content_type:
                raise UnsupportedDocumentError(
                    f"This is {what}, not a Word document, so it cannot be reviewed.",
                    detail=f"main part content type {content_type}",
                )
        if content_type and content_type not in ("application/xml", "text/xml"):
            raise UnsupportedDocumentError(
                "This file's main part is not a Word document (it is "
                f"'{content_type}'), so it cannot be reviewed.",
                detail=f"main part {main} has content type {content_type}",
            )
        # No usable content type: accept it if the root element is a Word body.
        self.source_format = "docx"

    def _check_reachable_parts(self) -> None:
        """Every internal relationship reachable from the root must point at a real part."""
        seen = {""}
        queue: deque[str] = deque([""])
        while queue:
            source = queue.popleft()
            for rel in self.relationships(source):
                if rel.external or rel.target in seen:
                    continue
                if not self.has_part(rel.target):
                    raise MissingPartError(
                        detail=f"{source or 'package'} refers to missing part {rel.target} "
                        f"(relationship {rel.id})"
                    )
                seen.add(rel.target)
                queue.append(self.canonical_name(rel.target))

    def open_main(self) -> etree._Element:
        """Parse the main part; refuse Strict OOXML and anything that is not a Word body."""
        root = self.parse_part(self.main_part)
        namespace = etree.QName(root).namespace if isinstance(root.tag, str) else None
        if namespace == n.STRICT_W_NS:
            raise StrictOoxmlError(detail=f"{self.main_part} uses Strict namespaces")
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


def open_package(
    path: Path | str, limits: Limits | None = None, *, data: bytes | None = None
) -> Package:
    """Open and validate a Word package; raises a specific ``DocumentError`` on refusal.

    ``data``: the file's bytes when they did not come from disk (a server's request body);
    ``path`` then only names the document.
    """
    limits = limits or DEFAULT_LIMITS
    path = Path(path)
    data = read_file(path, limits) if data is None else check_data(data, limits, path)
    archive = open_zip(data)
    try:
        try:
            infos = archive.infolist()
        except ZIP_READ_ERRORS as exc:
            raise CorruptZipError(detail=f"{type(exc).__name__}: {exc}") from None
        check_bomb(infos, limits)
        package = Package(path, data, archive)
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
